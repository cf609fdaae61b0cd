"""Reader of OpenStreetMap extracts (``.osm.pbf``) into a car road network, with a disk cache.

The user supplies the extract (e.g. the Geofabrik regional files aquitaine, limousin,
poitou-charentes). ``road_network_read`` streams it once with pyosmium (BSD-2-Clause): the node
locations go into pyosmium's location index (in memory for small files, a sparse file array on
disk for large ones), each drivable way comes back with its locations filled in and is turned
into bytes by pyosmium's WKB factory (C++), so that no Python object is made per node; the
coordinates, way lengths and speeds accumulate in flat buffers, and all the rest (segments,
nodes, edges) is numpy. The rules of the car profile live in ``osm_profile``.

Nodes are identified by their position (OSM's fixed-point 1e-7 degree coordinates): two ways
meet where they share a position, which is where they share a node in OSM (distinct nodes at
the very same position are a mapping error that OSM's validators flag, and joining the ways
there is what a driver would do). ``node_osm_id`` keeps the OSM id of the nodes that end a way
(pyosmium gives those two per way cheaply), -1 for the others.

``RoadNetwork.to_graph`` hands the arrays to the pure analytics core
(``tierslieux.territory.analytics.road``). ``road_network_cached`` stores them in an ``.npz``
keyed by the file's SHA-256 and the profile, so that a regional extract is parsed once.

No Django import: a loader, called by services and commands.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import osmium

from tierslieux.territory.analytics.road import DEFAULT_MIN_SNAP_COMPONENT_NODES, RoadGraph
from tierslieux.territory.analytics.travel import haversine_km
from tierslieux.territory.analytics.turns import TurnCosts
from tierslieux.territory.osm_profile import (  # noqa: F401 (re-exported)
    ACCESS_KEYS,
    CACHE_FORMAT,
    DEFAULT_MAXSPEED_FACTOR,
    DEFAULT_SPEEDS_KMH,
    DEFAULT_TRAFFIC_SIGNAL_S,
    DENIED_ACCESS,
    IMPLICIT_MAXSPEED_KMH,
    OSRM_CAR_SPEEDS_KMH,
    OSRM_SPEED_REDUCTION,
    MaxspeedFactor,
    check_params,
    factor_for,
    is_car_accessible,
    maxspeed_kmh,
    params_fingerprint,
    way_directions,
)

Progress = Callable[[float, str], None]
"""``progress(fraction, message)``: fraction 0..1 of the file read."""

DISK_INDEX_MIN_BYTES: int = 64 * 2**20
"""Extracts at least this large keep their node locations on disk (pyosmium's
``sparse_file_array`` in a temporary directory, 16 bytes per node of the file) rather than in
memory: a regional extract holds tens of millions of nodes, most of them buildings."""

READ_BYTES_PER_S: float = 2.0 * 2**20
"""Bytes of ``.osm.pbf`` read per second, for ``read_estimate_s``: the pace measured by
``benchmarks/osm_reader.py`` on synthetic road-only extracts (1.4-2.5 MiB/s on 2 shared cores).
A real regional extract, whose bytes are mostly buildings that the C++ filter drops, reads
faster per byte: the estimate is an upper bound."""

_COORDINATE_SCALE = 1e-7  # osmium fixed-point coordinates -> degrees
_WKB_HEADER_HEX = 18  # byte order (1), geometry type (4), point count (4), as hex digits
_PROGRESS_EVERY_S = 1.0
_BLOCK = 1 << 20  # elements per block of the blockwise array steps (bounded temporaries)
_X_SHIFT = 1_800_000_000  # fixed-point longitude + this >= 0, < 2**32
_Y_SHIFT = 900_000_000  # fixed-point latitude + this >= 0, < 2**31


class OsmReadError(ValueError):
    """The extract cannot be read or holds no drivable road."""


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed car network read from an OSM extract: plain arrays, ready for ``RoadGraph``."""

    node_lon: npt.NDArray[np.float64]
    """Longitudes of the nodes, degrees (WGS84), shape (n,)."""
    node_lat: npt.NDArray[np.float64]
    """Latitudes of the nodes, degrees (WGS84), shape (n,)."""
    node_osm_id: npt.NDArray[np.int64]
    """OSM id of each node that ends a way, -1 for the others, shape (n,). Nodes are sorted by
    position (longitude, then latitude)."""
    node_signal: npt.NDArray[np.bool_]
    """True for the nodes tagged ``highway=traffic_signals``, shape (n,)."""
    edge_from: npt.NDArray[np.integer]
    """Tail node of each directed edge (index into the node arrays), shape (e,)."""
    edge_to: npt.NDArray[np.integer]
    """Head node of each directed edge, shape (e,)."""
    edge_minutes: npt.NDArray[np.float64]
    """Time to drive each edge, minutes, shape (e,): length / speed, plus the traffic-signal
    penalty when the edge enters a signal."""
    edge_km: npt.NDArray[np.floating]
    """Great-circle length of each edge, kilometres, shape (e,) (float32: a tenth of a
    millimetre per kilometre; the minutes are computed in float64 before)."""
    edge_way_id: npt.NDArray[np.integer]
    """OSM id of the way each edge comes from, shape (e,) (int32 while OSM's ids fit)."""
    source_path: str
    """The extract the network was read from."""
    params: str
    """``params_fingerprint`` of the speed table and rules used."""

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_lon)

    @property
    def n_edges(self) -> int:
        """Number of directed edges (a two-way segment counts twice)."""
        return len(self.edge_from)

    def to_graph(
        self,
        *,
        min_snap_component_nodes: int = DEFAULT_MIN_SNAP_COMPONENT_NODES,
        turn_costs: TurnCosts | None = None,
    ) -> RoadGraph:
        """The ``RoadGraph`` (analytics core) of this network; see ``RoadGraph.from_arrays``
        (``turn_costs``: price turns on an edge-based graph, see ``analytics.turns``)."""
        return RoadGraph.from_arrays(
            self.node_lon,
            self.node_lat,
            self.edge_from,
            self.edge_to,
            self.edge_minutes,
            min_snap_component_nodes=min_snap_component_nodes,
            turn_costs=turn_costs,
        )


def read_estimate_s(path: str | os.PathLike[str]) -> float:
    """Seconds a first read of this extract should take (from its size; the cache is instant)."""
    return Path(path).stat().st_size / READ_BYTES_PER_S


def _read_bytes() -> int | None:
    """Bytes this process has read so far (Linux ``/proc/self/io``), or None elsewhere."""
    try:
        with open("/proc/self/io", encoding="ascii") as io_stats:
            for line in io_stats:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class _Ways:
    """Flat buffers of the kept ways: no Python object per node."""

    def __init__(self) -> None:
        self.coordinates = bytearray()  # little-endian float64 lon, lat per way node
        self.lengths = array("q")
        self.ids = array("q")
        self.first_ref = array("q")
        self.last_ref = array("q")
        self.forward_kmh = array("d")  # 0 = direction not allowed
        self.backward_kmh = array("d")
        self.signal_x = array("q")
        self.signal_y = array("q")


def _way_speeds(
    tags: osmium.osm.TagList | dict[str, str],
    highway: str,
    class_kmh: float,
    maxspeed_factor: float,
) -> tuple[float, float] | None:
    """(forward, backward) km/h of a way (0 where not allowed), or None when it is not kept."""
    count = len(tags)
    if count == 1:  # highway only: the class decides (a third of real road ways)
        directions = way_directions(highway, None, None)
        return float(class_kmh), float(class_kmh) if directions == (True, True) else 0.0
    if count <= 8:  # one pass over a few tags costs less than a dozen look-ups
        tags = {tag.k: tag.v for tag in tags}
    if tags.get("area") == "yes" or not is_car_accessible(tags):
        return None
    directions = way_directions(highway, tags.get("oneway"), tags.get("junction"))
    if directions is None:
        return None
    limit = maxspeed_kmh(tags.get("maxspeed"))
    speeds = []
    for allowed, key in zip(directions, ("maxspeed:forward", "maxspeed:backward"), strict=True):
        directed_limit = maxspeed_kmh(tags.get(key))
        if directed_limit is None:
            directed_limit = limit
        if not allowed:
            speeds.append(0.0)
        elif directed_limit is None:
            speeds.append(float(class_kmh))
        else:
            speeds.append(directed_limit * maxspeed_factor)
    return speeds[0], speeds[1]


def _way_coordinates(way: osmium.osm.Way, wkb: osmium.geom.WKBFactory) -> bytes:
    """The way's node positions as float64 (lon, lat) bytes; NaN where a node is missing."""
    try:
        return bytes.fromhex(
            wkb.create_linestring(way, use_nodes=osmium.geom.use_nodes.ALL)[_WKB_HEADER_HEX:]
        )
    except (osmium.InvalidLocationError, RuntimeError):
        # A way cut at the border of the extract: some nodes have no location. Rare: per node.
        values = []
        for node in way.nodes:
            location = node.location
            if location.valid():
                values.extend((location.lon, location.lat))
            else:
                values.extend((np.nan, np.nan))
        return np.asarray(values, dtype="<f8").tobytes()


def road_network_read(
    path: str | os.PathLike[str],
    *,
    speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
    maxspeed_factor: MaxspeedFactor = DEFAULT_MAXSPEED_FACTOR,
    traffic_signal_s: float = DEFAULT_TRAFFIC_SIGNAL_S,
    location_storage: str | None = None,
    progress: Progress | None = None,
) -> RoadNetwork:
    """Read the car network of an ``.osm.pbf`` (or ``.osm``, ``.osm.bz2``) extract.

    Parameters
    ----------
    path : path-like
        The extract.
    speeds_kmh : mapping of str to float
        Speed per ``highway`` class when no limit is tagged, km/h; the classes absent are not
        drivable. Default ``DEFAULT_SPEEDS_KMH`` (``OSRM_CAR_SPEEDS_KMH`` for OSRM's).
    maxspeed_factor : float or mapping of str to float
        Average speed over posted limit where a ``maxspeed`` is tagged: one factor, or one per
        ``highway`` class (the classes left out use 0.85). Default 0.85
        (``OSRM_SPEED_REDUCTION`` = 0.8 for OSRM's).
    traffic_signal_s : float
        Seconds added to each edge that enters a ``highway=traffic_signals`` node (>= 0).
        Default ``DEFAULT_TRAFFIC_SIGNAL_S`` (2 s, OSRM's).
    location_storage : str, optional
        pyosmium location index (``"flex_mem"``, ``"sparse_file_array,PATH"``...). Default: in
        memory below ``DISK_INDEX_MIN_BYTES``, a sparse file array in a temporary directory
        above.
    progress : callable, optional
        ``progress(fraction, message)``, called about once a second while the file is read.

    Returns
    -------
    RoadNetwork
        Nodes used by the kept segments and the directed edges between them.

    Raises
    ------
    OsmReadError
        When the file does not exist, cannot be parsed or holds no drivable road.
    """
    check_params(speeds_kmh, maxspeed_factor, traffic_signal_s)
    source = Path(path)
    if not source.is_file():
        raise OsmReadError(f"{source}: no such file")
    size = source.stat().st_size
    with tempfile.TemporaryDirectory(prefix="osm-locations-") as workdir:
        storage = location_storage or (
            f"sparse_file_array,{Path(workdir) / 'locations'}"
            if size >= DISK_INDEX_MIN_BYTES
            else "flex_mem"
        )
        ways = _read_ways(source, size, speeds_kmh, maxspeed_factor, storage, progress)
    if not ways.ids:
        raise OsmReadError(f"{source}: no drivable way")
    return _network_from_ways(
        ways,
        traffic_signal_s=traffic_signal_s,
        source_path=str(source),
        params=params_fingerprint(speeds_kmh, maxspeed_factor, traffic_signal_s),
    )


def _read_ways(
    source: Path,
    size: int,
    speeds_kmh: Mapping[str, float],
    maxspeed_factor: MaxspeedFactor,
    storage: str,
    progress: Progress | None,
) -> _Ways:
    """One streaming pass: the kept ways into flat buffers, the traffic signals' positions."""
    ways = _Ways()
    wkb = osmium.geom.WKBFactory()
    processor = (
        osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations(storage)
        # In C++: only the drivable classes and the traffic signals reach Python.
        .with_filter(
            osmium.filter.TagFilter(
                ("highway", "traffic_signals"), *(("highway", c) for c in sorted(speeds_kmh))
            )
        )
    )
    read_at_start = _read_bytes()
    next_report = time.monotonic() + _PROGRESS_EVERY_S
    try:
        for obj in processor:
            if progress is not None and time.monotonic() >= next_report:
                next_report = time.monotonic() + _PROGRESS_EVERY_S
                done = _read_bytes()
                fraction = (
                    min((done - read_at_start) / size, 1.0)
                    if done is not None and read_at_start is not None and size
                    else 0.0
                )
                progress(fraction, f"{len(ways.ids):,} roads read")
            tags = obj.tags
            highway = tags.get("highway")
            if obj.is_node():
                if highway == "traffic_signals":
                    location = obj.location
                    ways.signal_x.append(location.x)
                    ways.signal_y.append(location.y)
                continue
            class_kmh = speeds_kmh.get(highway)
            if class_kmh is None:
                continue
            nodes = obj.nodes
            count = len(nodes)
            if count < 2:
                continue
            speeds = _way_speeds(tags, highway, class_kmh, factor_for(maxspeed_factor, highway))
            if speeds is None:
                continue
            ways.coordinates += _way_coordinates(obj, wkb)
            ways.lengths.append(count)
            ways.ids.append(obj.id)
            ways.first_ref.append(nodes[0].ref)
            ways.last_ref.append(nodes[count - 1].ref)
            ways.forward_kmh.append(speeds[0])
            ways.backward_kmh.append(speeds[1])
    except RuntimeError as error:  # libosmium parse errors surface as RuntimeError
        raise OsmReadError(f"{source}: {error}") from error
    if progress is not None:
        progress(1.0, f"{len(ways.ids):,} roads read")
    return ways


def _segment_km(
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    a: npt.NDArray[np.integer],
    b: npt.NDArray[np.integer],
) -> npt.NDArray[np.float64]:
    """Great-circle length of the segments a[k] -> b[k], in blocks (bounded temporaries)."""
    out = np.empty(len(a))
    for start in range(0, len(a), _BLOCK):
        sa, sb = a[start : start + _BLOCK], b[start : start + _BLOCK]
        out[start : start + _BLOCK] = haversine_km(lon[sa], lat[sa], lon[sb], lat[sb])
    return out


def _position_keys(coordinates: bytearray) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """One int64 per way position: OSM's fixed-point x and y packed; and which are valid."""
    lonlat = np.frombuffer(coordinates, dtype="<f8").reshape(-1, 2)
    valid = np.isfinite(lonlat[:, 0])
    key = np.zeros(len(lonlat), dtype=np.int64)
    for start in range(0, len(lonlat), _BLOCK):
        block = lonlat[start : start + _BLOCK]
        # Back to OSM's fixed point: exact, the doubles are 32-bit integers * 1e-7.
        fixed = np.rint(np.nan_to_num(block) * 1e7).astype(np.int64)
        key[start : start + _BLOCK] = ((fixed[:, 0] + _X_SHIFT) << 31) | (fixed[:, 1] + _Y_SHIFT)
    return key, valid


def _network_from_ways(
    ways: _Ways, *, traffic_signal_s: float, source_path: str, params: str
) -> RoadNetwork:
    """Segments between consecutive positions of the kept ways, vectorised."""
    lengths = np.frombuffer(ways.lengths, dtype=np.int64)
    key, valid = _position_keys(ways.coordinates)
    n_positions = len(key)
    index_dtype = np.int32 if len(key) < 2**31 else np.int64
    way_of_position = np.repeat(np.arange(len(lengths), dtype=index_dtype), lengths)
    segment = way_of_position[:-1] == way_of_position[1:]
    segment &= valid[:-1]
    segment &= valid[1:]
    segment &= key[:-1] != key[1:]
    a = np.flatnonzero(segment).astype(index_dtype)
    del segment, valid
    way = way_of_position[a]
    del way_of_position
    used = np.zeros(len(key), dtype=bool)
    used[a] = True
    used[a + 1] = True
    used_positions = np.flatnonzero(used).astype(index_dtype)
    del used
    node_key, node_of_used = np.unique(key[used_positions], return_inverse=True)
    del key
    node_of_position = np.full(n_positions, -1, dtype=index_dtype)
    node_of_position[used_positions] = node_of_used
    del node_of_used, used_positions
    node_of_a = node_of_position[a]
    node_of_b = node_of_position[a + 1]
    del a
    node_lon = ((node_key >> 31) - _X_SHIFT) * _COORDINATE_SCALE
    node_lat = ((node_key & (2**31 - 1)) - _Y_SHIFT) * _COORDINATE_SCALE

    # OSM ids of the nodes that end a way (-1 for the others).
    node_osm_id = np.full(len(node_key), -1, dtype=np.int64)
    ends = np.cumsum(lengths)
    for positions, refs in ((ends - lengths, ways.first_ref), (ends - 1, ways.last_ref)):
        nodes = node_of_position[positions]
        known = nodes >= 0
        node_osm_id[nodes[known]] = np.frombuffer(refs, dtype=np.int64)[known]
    del node_of_position, ends

    length_km = _segment_km(node_lon, node_lat, node_of_a, node_of_b)
    forward_kmh = np.frombuffer(ways.forward_kmh, dtype=np.float64)
    backward_kmh = np.frombuffer(ways.backward_kmh, dtype=np.float64)
    fwd = forward_kmh[way] > 0.0
    bwd = backward_kmh[way] > 0.0
    n_forward = int(np.count_nonzero(fwd))
    edge_from = np.concatenate((node_of_a[fwd], node_of_b[bwd]))
    edge_to = np.concatenate((node_of_b[fwd], node_of_a[bwd]))
    del node_of_a, node_of_b
    edge_km = np.concatenate((length_km[fwd], length_km[bwd]))
    del length_km
    edge_way = np.concatenate((way[fwd], way[bwd]))
    del way, fwd, bwd
    edge_minutes = np.empty(len(edge_way))
    edge_minutes[:n_forward] = forward_kmh[edge_way[:n_forward]]
    edge_minutes[n_forward:] = backward_kmh[edge_way[n_forward:]]
    np.divide(edge_km, edge_minutes, out=edge_minutes)  # km / (km/h): hours
    edge_minutes *= 60.0
    way_ids = np.frombuffer(ways.ids, dtype=np.int64)
    if len(way_ids) and way_ids.max() < 2**31 and way_ids.min() >= -(2**31):
        way_ids = way_ids.astype(np.int32)  # OSM way ids fit in 31 bits today: half the bytes
    edge_way_id = way_ids[edge_way]
    del edge_way

    # Traffic signals: the time is lost on every edge that enters the signal's node.
    signal_key = np.unique(
        ((np.frombuffer(ways.signal_x, dtype=np.int64) + _X_SHIFT) << 31)
        | (np.frombuffer(ways.signal_y, dtype=np.int64) + _Y_SHIFT)
    )
    node_signal = np.isin(node_key, signal_key, assume_unique=True)
    if traffic_signal_s > 0.0:
        edge_minutes += node_signal[edge_to] * (traffic_signal_s / 60.0)
    edge_km = edge_km.astype(np.float32)
    return RoadNetwork(
        node_lon=node_lon,
        node_lat=node_lat,
        node_osm_id=node_osm_id,
        node_signal=node_signal,
        edge_from=edge_from,
        edge_to=edge_to,
        edge_minutes=edge_minutes,
        edge_km=edge_km,
        edge_way_id=edge_way_id,
        source_path=source_path,
        params=params,
    )


_ARRAY_FIELDS: tuple[str, ...] = (
    "node_lon",
    "node_lat",
    "node_osm_id",
    "node_signal",
    "edge_from",
    "edge_to",
    "edge_minutes",
    "edge_km",
    "edge_way_id",
)


def file_sha256(path: str | os.PathLike[str], *, chunk_bytes: int = 1 << 22) -> str:
    """SHA-256 (hex) of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk_bytes):
            digest.update(block)
    return digest.hexdigest()


def road_network_cache_path(
    path: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str],
    speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
    *,
    maxspeed_factor: MaxspeedFactor = DEFAULT_MAXSPEED_FACTOR,
    traffic_signal_s: float = DEFAULT_TRAFFIC_SIGNAL_S,
) -> Path:
    """Where ``road_network_cached`` stores the network of this file with these parameters."""
    file_key = file_sha256(path)[:32]
    params_key = params_fingerprint(speeds_kmh, maxspeed_factor, traffic_signal_s)[:16]
    return Path(cache_dir) / f"road_network_{file_key}_{params_key}.npz"


def road_network_cached(
    path: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str],
    speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
    *,
    maxspeed_factor: MaxspeedFactor = DEFAULT_MAXSPEED_FACTOR,
    traffic_signal_s: float = DEFAULT_TRAFFIC_SIGNAL_S,
    progress: Progress | None = None,
) -> RoadNetwork:
    """``road_network_read`` through a disk cache keyed by the file's content and parameters.

    The first call reads the extract and writes an uncompressed ``.npz`` into ``cache_dir``
    (created if needed; written to a temporary file then renamed, so that a crash never leaves
    a truncated cache); later calls with the same file bytes and parameters load it. Changing
    the file (even in place) or a speed changes the key.

    Parameters
    ----------
    path : path-like
        The extract.
    cache_dir : path-like
        Directory of the cache files.
    speeds_kmh, maxspeed_factor, traffic_signal_s, progress
        As for ``road_network_read`` (``progress`` is only called when the file is read).

    Returns
    -------
    RoadNetwork
    """
    check_params(speeds_kmh, maxspeed_factor, traffic_signal_s)
    if not Path(path).is_file():
        raise OsmReadError(f"{path}: no such file")
    target = road_network_cache_path(
        path,
        cache_dir,
        speeds_kmh,
        maxspeed_factor=maxspeed_factor,
        traffic_signal_s=traffic_signal_s,
    )
    if target.is_file():
        with np.load(target, allow_pickle=False) as stored:
            return RoadNetwork(
                **{name: stored[name] for name in _ARRAY_FIELDS},
                source_path=str(stored["source_path"]),
                params=str(stored["params"]),
            )
    network = road_network_read(
        path,
        speeds_kmh=speeds_kmh,
        maxspeed_factor=maxspeed_factor,
        traffic_signal_s=traffic_signal_s,
        progress=progress,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                **{name: getattr(network, name) for name in _ARRAY_FIELDS},
                source_path=np.array(network.source_path),
                params=np.array(network.params),
            )
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return network
