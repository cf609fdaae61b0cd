"""Reader of OpenStreetMap extracts (``.osm.pbf``) into a car road network, with a disk cache.

The user supplies the extract (e.g. the Geofabrik regional files aquitaine, limousin,
poitou-charentes). ``road_network_read`` streams it once with pyosmium (BSD-2-Clause), keeps the
ways a car may drive, gives each direction of each way a speed and returns the directed edges
as numpy arrays (``RoadNetwork``); ``RoadNetwork.to_graph`` hands them to the pure analytics
core (``tierslieux.territory.analytics.road``). ``road_network_cached`` stores the arrays in an
``.npz`` keyed by the file's SHA-256 and the speed parameters, so that a regional extract is
parsed once.

Rules (a car profile close to OSRM's, simplified):

- a way is kept when its ``highway`` class has a speed in ``speeds_kmh`` (by default the
  classes of ``DEFAULT_SPEEDS_KMH``), it is not ``area=yes``, and its most specific access tag
  among ``motorcar``, ``motor_vehicle``, ``vehicle``, ``access`` is not one of
  ``DENIED_ACCESS`` (``access=private`` + ``motor_vehicle=yes`` is kept);
- ``oneway=yes|true|1`` allows the way's direction only, ``oneway=-1|reverse`` the opposite one,
  ``oneway=no|false|0`` both; without the tag, ``highway=motorway`` and
  ``junction=roundabout|circular`` are one-way; ``oneway=reversible|alternating`` ways are left
  out (their direction depends on the time of day);
- speed: a tagged limit (``maxspeed``, or ``maxspeed:forward`` / ``maxspeed:backward`` for one
  direction) times ``maxspeed_factor`` (a posted limit is a ceiling, the average speed on the
  road is lower), otherwise the class speed;
- each segment between consecutive nodes is as long as the great-circle distance between them;
  the network keeps only the nodes used by the kept segments.

No Django import: a loader, called by services and commands.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import osmium

from tierslieux.territory.analytics.road import DEFAULT_MIN_SNAP_COMPONENT_NODES, RoadGraph
from tierslieux.territory.analytics.travel import haversine_km

DEFAULT_SPEEDS_KMH: Mapping[str, float] = {
    "motorway": 115.0,
    "trunk": 90.0,
    "primary": 70.0,
    "secondary": 60.0,
    "tertiary": 50.0,
    "unclassified": 40.0,
    "residential": 30.0,
    "living_street": 10.0,
    "service": 15.0,
    "road": 30.0,
    "motorway_link": 60.0,
    "trunk_link": 50.0,
    "primary_link": 45.0,
    "secondary_link": 40.0,
    "tertiary_link": 35.0,
}
"""Average car speed per ``highway`` class when no limit is tagged, km/h.

French-realistic free-flow averages: below the legal limits (motorway 130, dual carriageway
110, rural roads 80 since 2018, towns 50, zones 30 and 20) to account for bends, junctions,
villages and traffic lights. A class absent from the table is not drivable.
"""

DEFAULT_MAXSPEED_FACTOR: float = 0.85
"""Average speed / posted limit where a limit is tagged (130 -> 110.5, 80 -> 68, 50 -> 42.5)."""

DENIED_ACCESS: frozenset[str] = frozenset(
    {"no", "private", "agricultural", "forestry", "emergency"}
)
"""Access values that close a way to ordinary cars."""

ACCESS_KEYS: tuple[str, ...] = ("motorcar", "motor_vehicle", "vehicle", "access")
"""Access keys from the most specific to the most general: the first one present decides."""

IMPLICIT_MAXSPEED_KMH: Mapping[str, float] = {
    "FR:urban": 50.0,
    "FR:rural": 80.0,
    "FR:trunk": 110.0,
    "FR:motorway": 130.0,
    "FR:zone30": 30.0,
    "FR:zone20": 20.0,
    "FR:walk": 6.0,
    "walk": 6.0,
}
"""Implicit limits (``maxspeed=FR:rural``), km/h. Unknown ones fall back to the class speed."""

MPH_KMH: float = 1.609344
KNOT_KMH: float = 1.852
CACHE_FORMAT: int = 1
"""Bumped when the arrays or the rules change, so that old cache files are not reused."""

_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.IGNORECASE)
_FORWARD = frozenset({"yes", "true", "1"})
_BACKWARD = frozenset({"-1", "reverse"})
_TWO_WAY = frozenset({"no", "false", "0"})
_SKIPPED_ONEWAY = frozenset({"reversible", "alternating"})
_IMPLIED_ONEWAY_JUNCTIONS = frozenset({"roundabout", "circular"})
_COORDINATE_SCALE = 1e-7  # osmium fixed-point coordinates -> degrees


class OsmReadError(ValueError):
    """The extract cannot be read or holds no drivable road."""


def maxspeed_kmh(value: str | None) -> float | None:
    """Speed limit in km/h from an OSM ``maxspeed`` value, or ``None`` when it gives none.

    Parameters
    ----------
    value : str or None
        ``"50"``, ``"50 mph"``, ``"30 knots"``, ``"FR:urban"``, ``"90;70"`` (the lowest is
        taken), ``"none"`` / ``"signals"`` / ``"variable"`` (no usable limit).

    Returns
    -------
    float or None
        The limit, km/h (> 0), or ``None``: the class speed then applies.

    Examples
    --------
    >>> maxspeed_kmh("FR:rural"), maxspeed_kmh("30 mph"), maxspeed_kmh("none")
    (80.0, 48.28032, None)
    """
    if value is None:
        return None
    limits = []
    for part in value.split(";"):
        part = part.strip()
        if part in IMPLICIT_MAXSPEED_KMH:
            limits.append(IMPLICIT_MAXSPEED_KMH[part])
            continue
        match = _NUMBER.match(part)
        if match is None:
            continue
        number = float(match.group(1).replace(",", "."))
        unit = (match.group(2) or "").lower()
        if unit == "mph":
            number *= MPH_KMH
        elif unit == "knots":
            number *= KNOT_KMH
        if 0.0 < number <= 300.0:
            limits.append(number)
    return min(limits) if limits else None


def way_directions(
    highway: str, oneway: str | None, junction: str | None
) -> tuple[bool, bool] | None:
    """Which directions of a way a car may drive: ``(forward, backward)``, or ``None`` to skip.

    Forward is the order of the way's nodes. See the module docstring for the rules.
    """
    value = oneway.strip().lower() if oneway is not None else None
    if value in _FORWARD:
        return True, False
    if value in _BACKWARD:
        return False, True
    if value in _SKIPPED_ONEWAY:
        return None
    if value in _TWO_WAY:
        return True, True
    if highway == "motorway" or junction in _IMPLIED_ONEWAY_JUNCTIONS:
        return True, False
    return True, True


def is_car_accessible(tags: Mapping[str, str]) -> bool:
    """False when the most specific access tag present closes the way to cars."""
    for key in ACCESS_KEYS:
        value = tags.get(key)
        if value is not None:
            return value.strip().lower() not in DENIED_ACCESS
    return True


def params_fingerprint(speeds_kmh: Mapping[str, float], maxspeed_factor: float) -> str:
    """SHA-256 (hex) of the parameters that change the network: the cache key's second half."""
    payload = json.dumps(
        {
            "format": CACHE_FORMAT,
            "speeds_kmh": {str(k): float(v) for k, v in sorted(speeds_kmh.items())},
            "maxspeed_factor": float(maxspeed_factor),
            "implicit_maxspeed_kmh": dict(sorted(IMPLICIT_MAXSPEED_KMH.items())),
            "denied_access": sorted(DENIED_ACCESS),
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_params(speeds_kmh: Mapping[str, float], maxspeed_factor: float) -> None:
    for highway, speed in speeds_kmh.items():
        if not math.isfinite(speed) or speed <= 0.0:
            raise ValueError(f"speed of {highway!r} must be finite and > 0, got {speed!r}")
    if not math.isfinite(maxspeed_factor) or maxspeed_factor <= 0.0:
        raise ValueError(f"maxspeed_factor must be finite and > 0, got {maxspeed_factor!r}")


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed car network read from an OSM extract: plain arrays, ready for ``RoadGraph``."""

    node_lon: npt.NDArray[np.float64]
    """Longitudes of the nodes, degrees (WGS84), shape (n,)."""
    node_lat: npt.NDArray[np.float64]
    """Latitudes of the nodes, degrees (WGS84), shape (n,)."""
    node_osm_id: npt.NDArray[np.int64]
    """OSM id of each node, shape (n,), sorted ascending."""
    edge_from: npt.NDArray[np.int64]
    """Tail node of each directed edge (index into the node arrays), shape (e,)."""
    edge_to: npt.NDArray[np.int64]
    """Head node of each directed edge, shape (e,)."""
    edge_minutes: npt.NDArray[np.float64]
    """Time to drive each edge, minutes, shape (e,)."""
    edge_km: npt.NDArray[np.float64]
    """Great-circle length of each edge, kilometres, shape (e,)."""
    edge_way_id: npt.NDArray[np.int64]
    """OSM id of the way each edge comes from, shape (e,)."""
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
        self, *, min_snap_component_nodes: int = DEFAULT_MIN_SNAP_COMPONENT_NODES
    ) -> RoadGraph:
        """The ``RoadGraph`` (analytics core) of this network; see ``RoadGraph.from_arrays``."""
        return RoadGraph.from_arrays(
            self.node_lon,
            self.node_lat,
            self.edge_from,
            self.edge_to,
            self.edge_minutes,
            min_snap_component_nodes=min_snap_component_nodes,
        )


def road_network_read(
    path: str | os.PathLike[str],
    *,
    speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
    maxspeed_factor: float = DEFAULT_MAXSPEED_FACTOR,
) -> RoadNetwork:
    """Read the car network of an ``.osm.pbf`` (or ``.osm``, ``.osm.bz2``) extract.

    Parameters
    ----------
    path : path-like
        The extract.
    speeds_kmh : mapping of str to float
        Speed per ``highway`` class when no limit is tagged, km/h; the classes absent are not
        drivable. Default ``DEFAULT_SPEEDS_KMH``.
    maxspeed_factor : float
        Average speed over posted limit where a ``maxspeed`` is tagged. Default 0.85.

    Returns
    -------
    RoadNetwork
        Nodes used by the kept segments and the directed edges between them.

    Raises
    ------
    OsmReadError
        When the file does not exist, cannot be parsed or holds no drivable road.
    """
    _check_params(speeds_kmh, maxspeed_factor)
    source = Path(path)
    if not source.is_file():
        raise OsmReadError(f"{source}: no such file")

    refs: list[int] = []
    xs: list[int] = []
    ys: list[int] = []
    way_ids: list[int] = []
    way_lengths: list[int] = []
    forward_kmh: list[float] = []  # 0 = direction not allowed
    backward_kmh: list[float] = []

    processor = (
        osmium.FileProcessor(str(source), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    try:
        for way in processor:
            tags = way.tags
            highway = tags.get("highway")
            class_kmh = speeds_kmh.get(highway) if highway is not None else None
            if class_kmh is None or tags.get("area") == "yes" or not is_car_accessible(tags):
                continue
            directions = way_directions(highway, tags.get("oneway"), tags.get("junction"))
            if directions is None:
                continue
            nodes = way.nodes
            if len(nodes) < 2:
                continue
            limit = maxspeed_kmh(tags.get("maxspeed"))
            speeds = []
            for allowed, key in zip(
                directions, ("maxspeed:forward", "maxspeed:backward"), strict=True
            ):
                directed_limit = maxspeed_kmh(tags.get(key))
                if directed_limit is None:
                    directed_limit = limit
                if not allowed:
                    speeds.append(0.0)
                elif directed_limit is None:
                    speeds.append(float(class_kmh))
                else:
                    speeds.append(directed_limit * maxspeed_factor)
            for node in nodes:
                location = node.location
                refs.append(node.ref)
                xs.append(location.x)
                ys.append(location.y)
            way_ids.append(way.id)
            way_lengths.append(len(nodes))
            forward_kmh.append(speeds[0])
            backward_kmh.append(speeds[1])
    except RuntimeError as error:  # libosmium parse errors surface as RuntimeError
        raise OsmReadError(f"{source}: {error}") from error
    if not way_ids:
        raise OsmReadError(f"{source}: no drivable way")

    return _network_from_ways(
        np.asarray(refs, dtype=np.int64),
        np.asarray(xs, dtype=np.int64),
        np.asarray(ys, dtype=np.int64),
        np.asarray(way_ids, dtype=np.int64),
        np.asarray(way_lengths, dtype=np.int64),
        np.asarray(forward_kmh, dtype=np.float64),
        np.asarray(backward_kmh, dtype=np.float64),
        source_path=str(source),
        params=params_fingerprint(speeds_kmh, maxspeed_factor),
    )


def _network_from_ways(
    refs: npt.NDArray[np.int64],
    x: npt.NDArray[np.int64],
    y: npt.NDArray[np.int64],
    way_ids: npt.NDArray[np.int64],
    way_lengths: npt.NDArray[np.int64],
    forward_kmh: npt.NDArray[np.float64],
    backward_kmh: npt.NDArray[np.float64],
    *,
    source_path: str,
    params: str,
) -> RoadNetwork:
    """Segments between consecutive nodes of the kept ways, vectorised."""
    way_of_position = np.repeat(np.arange(len(way_ids)), way_lengths)
    # Nodes missing from the extract (ways cut at its border) have an invalid location.
    valid = (np.abs(x) <= 1_800_000_000) & (np.abs(y) <= 900_000_000)
    start = np.arange(len(refs) - 1)
    segment = (
        (way_of_position[start] == way_of_position[start + 1])
        & valid[start]
        & valid[start + 1]
        & (refs[start] != refs[start + 1])
    )
    a = start[segment]
    b = a + 1
    way = way_of_position[a]

    used = np.concatenate((a, b))
    node_osm_id, first, inverse = np.unique(refs[used], return_index=True, return_inverse=True)
    node_of_a, node_of_b = inverse[: len(a)], inverse[len(a) :]
    node_lon = x[used[first]] * _COORDINATE_SCALE
    node_lat = y[used[first]] * _COORDINATE_SCALE
    length_km = haversine_km(
        node_lon[node_of_a], node_lat[node_of_a], node_lon[node_of_b], node_lat[node_of_b]
    )

    fwd = forward_kmh[way] > 0.0
    bwd = backward_kmh[way] > 0.0
    edge_from = np.concatenate((node_of_a[fwd], node_of_b[bwd])).astype(np.int64)
    edge_to = np.concatenate((node_of_b[fwd], node_of_a[bwd])).astype(np.int64)
    edge_km = np.concatenate((length_km[fwd], length_km[bwd]))
    edge_kmh = np.concatenate((forward_kmh[way][fwd], backward_kmh[way][bwd]))
    edge_way_id = np.concatenate((way_ids[way][fwd], way_ids[way][bwd]))
    return RoadNetwork(
        node_lon=node_lon.astype(np.float64),
        node_lat=node_lat.astype(np.float64),
        node_osm_id=node_osm_id.astype(np.int64),
        edge_from=edge_from,
        edge_to=edge_to,
        edge_minutes=edge_km / edge_kmh * 60.0,
        edge_km=edge_km,
        edge_way_id=edge_way_id.astype(np.int64),
        source_path=source_path,
        params=params,
    )


_ARRAY_FIELDS: tuple[str, ...] = (
    "node_lon",
    "node_lat",
    "node_osm_id",
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
    maxspeed_factor: float = DEFAULT_MAXSPEED_FACTOR,
) -> Path:
    """Where ``road_network_cached`` stores the network of this file with these parameters."""
    file_key = file_sha256(path)[:32]
    params_key = params_fingerprint(speeds_kmh, maxspeed_factor)[:16]
    return Path(cache_dir) / f"road_network_{file_key}_{params_key}.npz"


def road_network_cached(
    path: str | os.PathLike[str],
    cache_dir: str | os.PathLike[str],
    speeds_kmh: Mapping[str, float] = DEFAULT_SPEEDS_KMH,
    *,
    maxspeed_factor: float = DEFAULT_MAXSPEED_FACTOR,
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
    speeds_kmh, maxspeed_factor
        As for ``road_network_read``.

    Returns
    -------
    RoadNetwork
    """
    _check_params(speeds_kmh, maxspeed_factor)
    if not Path(path).is_file():
        raise OsmReadError(f"{path}: no such file")
    target = road_network_cache_path(path, cache_dir, speeds_kmh, maxspeed_factor=maxspeed_factor)
    if target.is_file():
        with np.load(target, allow_pickle=False) as stored:
            return RoadNetwork(
                **{name: stored[name] for name in _ARRAY_FIELDS},
                source_path=str(stored["source_path"]),
                params=str(stored["params"]),
            )
    network = road_network_read(path, speeds_kmh=speeds_kmh, maxspeed_factor=maxspeed_factor)
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
