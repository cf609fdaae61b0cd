"""Travel time on a road graph: snapping, one multi-source shortest-path pass, reach matrices.

A ``RoadGraph`` holds the nodes of a road network (WGS84 degrees) and its directed edges
weighted in minutes, as a ``scipy.sparse.csr_matrix``. ``RoadNetworkModel`` turns it into a
``TravelTimeModel`` (see ``travel.py``): an origin (a grid cell, a commune point) goes to the
nearest node of the graph, drives to the node nearest to a destination, and covers the two
off-network legs at ``access_speed_kmh``.

Direction. We want the time *from* each origin *to* its nearest place. Reversing every edge
turns "time from v to s" into "time from s to v", so one Dijkstra run on the transposed graph,
started from all places at once (``scipy.sparse.csgraph.dijkstra(..., min_only=True)``), gives
every node its time to the nearest place and which place that is, in O(E log V) whatever the
number of places.

Pure numpy / scipy: no Django import (checked by import-linter). The ``.osm.pbf`` reader lives
outside the core, in ``tierslieux.territory.osm``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from tierslieux.territory.analytics.travel import (
    FloatArray,
    IndexArray,
    NearestResult,
    chord_to_km,
    unit_vectors,
)
from tierslieux.territory.analytics.turns import TurnCosts, TurnExpansion, turn_expanded

DEFAULT_ACCESS_SPEED_KMH: float = 20.0
"""Speed of the off-network legs (origin -> nearest node, nearest node -> destination), km/h.

The leg is a straight line from the point to the nearest graph node, usually a driveway, a farm
track or a car park that the extract does not route on: 20 km/h is a slow car on such a lane
(500 m cost 1.5 minutes). Use 5 km/h to model walking to the road instead.
"""

DEFAULT_MAX_SNAP_KM: float = 5.0
"""A point farther than this from every node (km) is off the network: unreachable (``inf``).

This happens when a point lies outside the extract the user supplied; inventing a straight line
there would hide the missing roads.
"""

DEFAULT_MIN_SNAP_COMPONENT_NODES: int = 1000
"""Points snap only to nodes of strongly connected components at least this large (nodes).

An extract holds many small islands of road that a car cannot leave or enter: a private
residence's loop, a car park reached by a one-way ramp cut at the border, a badly tagged
one-way. Snapping a point to one of them would give it ``inf`` (or a wrong time) while a real
road lies a few metres further. OSRM makes the same choice (its "small component size" is 1000).
The largest component is always snappable, however small the graph.
"""

MATRIX_CHUNK_CELLS: int = 1 << 20
"""Distances held at once by the per-destination passes (1 Mi float64 = 8 MiB).

Each ``dijkstra`` call returns a dense (sources x nodes) array: on a million-node graph, a
bounded pass explores a few ten thousand nodes, and filling a large fresh array would cost more
than the search itself (measured: 16 sources per call took twice as long as 16 calls of one).
Small graphs get many sources per call, which saves the per-call overhead.
"""

_SCIPY_UNREACHED: int = -9999
"""``scipy.sparse.csgraph`` marks unreached nodes with this predecessor / source value."""


def _points(lon: npt.ArrayLike, lat: npt.ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    if lon_a.ndim != 1 or lon_a.shape != lat_a.shape:
        raise ValueError(f"{what}: longitudes {lon_a.shape} and latitudes {lat_a.shape} differ")
    return lon_a, lat_a


def _node_indices(
    nodes: npt.ArrayLike, n_nodes: int, what: str, *, any_signed: bool = False
) -> IndexArray:
    """Validated node indices, as intp (or, with ``any_signed``, any signed integer type: no
    copy of an int32 array of millions of edges)."""
    index = np.atleast_1d(np.asarray(nodes))
    if index.ndim != 1:
        raise ValueError(f"{what} must be one-dimensional, got shape {index.shape}")
    if index.size and not np.issubdtype(index.dtype, np.integer):
        raise TypeError(f"{what} must be integers, got {index.dtype}")
    if not (any_signed and np.issubdtype(index.dtype, np.signedinteger)):
        index = index.astype(np.intp, copy=False)
    if index.size and (index.min() < 0 or index.max() >= n_nodes):
        raise ValueError(f"{what} must lie in [0, {n_nodes}), got [{index.min()}, {index.max()}]")
    return index


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A directed road graph weighted in minutes, with a nearest-node index.

    Build it with ``RoadGraph.from_arrays``. Node ``i`` stands at ``(node_lon[i], node_lat[i])``;
    ``minutes[i, j]`` is the time of the edge ``i -> j`` (an explicitly stored zero is an edge of
    zero minutes); ``reverse_minutes`` is its transpose, kept in CSR form for the passes that
    go from the destinations backwards.
    """

    node_lon: FloatArray
    """Longitudes of the nodes, degrees (WGS84), shape (n,)."""
    node_lat: FloatArray
    """Latitudes of the nodes, degrees (WGS84), shape (n,)."""
    minutes: sparse.csr_matrix
    """Edge times, minutes, shape (n, n): row = tail, column = head."""
    reverse_minutes: sparse.csr_matrix = field(repr=False)
    """``minutes.T`` as CSR: row = head, column = tail."""
    component: IndexArray = field(repr=False)
    """Strongly connected component of each node (labels 0..c-1), shape (n,)."""
    snap_nodes: IndexArray = field(repr=False)
    """Nodes that points may snap to (those of large enough components), ascending."""
    tree: cKDTree | None = field(repr=False)
    """KD-tree of the unit vectors of ``snap_nodes`` (``None`` when there is none)."""
    turns: TurnExpansion | None = field(default=None, repr=False)
    """The edge-based graph with turn costs (see ``turns.py``), when built with them: the
    passes then run on it, trips starting at ``turns.leave[v]`` and ending at
    ``turns.arrive[v]``."""
    search: sparse.csr_matrix | None = field(default=None, repr=False)
    """The reversed matrix the passes run on: ``reverse_minutes``, or the reversed edge-based
    graph."""

    @classmethod
    def from_arrays(
        cls,
        node_lon: npt.ArrayLike,
        node_lat: npt.ArrayLike,
        edge_from: npt.ArrayLike,
        edge_to: npt.ArrayLike,
        edge_minutes: npt.ArrayLike,
        *,
        min_snap_component_nodes: int = DEFAULT_MIN_SNAP_COMPONENT_NODES,
        turn_costs: TurnCosts | None = None,
    ) -> RoadGraph:
        """Graph from node coordinates and directed edges.

        Parameters
        ----------
        node_lon, node_lat : array_like, shape (n,)
            Node coordinates, degrees (WGS84).
        edge_from, edge_to : array_like of int, shape (e,)
            Tail and head node of each directed edge (indices into the node arrays). A two-way
            road is two edges.
        edge_minutes : array_like, shape (e,)
            Time to drive each edge, minutes (finite, >= 0).
        min_snap_component_nodes : int
            Points snap only to nodes of strongly connected components of at least this many
            nodes (the largest component always qualifies); 1 lets them snap anywhere.
            Default ``DEFAULT_MIN_SNAP_COMPONENT_NODES``.
        turn_costs : TurnCosts, optional
            Price every turn (OSRM's car penalties, see ``turns.py``): the passes then run on
            the edge-based graph (``2 n + e`` states), about three times the work. Default:
            none, turns are free.

        Returns
        -------
        RoadGraph
            Parallel edges (same tail and head) are merged keeping the shortest time; loops
            (tail == head) are dropped, as they never shorten a path.
        """
        lon, lat = _points(node_lon, node_lat, "nodes")
        n = len(lon)
        tail = _node_indices(edge_from, n, "edge_from", any_signed=True)
        head = _node_indices(edge_to, n, "edge_to", any_signed=True)
        weight = np.atleast_1d(np.asarray(edge_minutes, dtype=np.float64))
        if not (tail.shape == head.shape == weight.shape):
            raise ValueError(
                f"edge arrays differ in shape: {tail.shape}, {head.shape}, {weight.shape}"
            )
        if weight.size and (not np.all(np.isfinite(weight)) or weight.min() < 0.0):
            raise ValueError("edge_minutes must be finite and >= 0")

        # Sort by the one integer key tail * n + head (numpy's vectorised sort, ~10x a
        # three-key lexsort), then keep the fastest edge of each (tail, head) run. Memory:
        # one int64 key and one order per edge at a time.
        key = tail.astype(np.int64) * n
        key += head
        loops = tail == head
        del tail, head
        if loops.any():
            key, weight = key[~loops], weight[~loops]
        del loops
        order = np.argsort(key)
        key = key[order]
        weight = weight[order]
        del order
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(first)
        del first
        if len(starts) < len(key):  # parallel edges: the minimum of each run
            weight = np.minimum.reduceat(weight, starts) if len(starts) else weight
            key = key[starts]
        del starts

        # Edges are now sorted by (tail, head) without repeats: build the CSR arrays directly
        # (a COO -> CSR conversion would sort again and sum, not minimise, parallel edges).
        index_dtype = np.int32 if max(n, len(key)) < np.iinfo(np.int32).max else np.int64
        indptr = np.zeros(n + 1, dtype=index_dtype)
        if n:
            np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
            head = (key % n).astype(index_dtype)
        else:
            head = key.astype(index_dtype)
        del key
        forward = sparse.csr_matrix((weight, head, indptr), shape=(n, n), copy=False)
        reverse = forward.transpose().tocsr()
        if n:
            _, label = connected_components(forward, directed=True, connection="strong")
            size = np.bincount(label)
            threshold = min(max(int(min_snap_component_nodes), 1), int(size.max()))
            snap_nodes = np.flatnonzero(size[label] >= threshold).astype(index_dtype)
            # Unbalanced, uncompacted: twice as fast to build, as fast to query on road nodes.
            tree = cKDTree(
                unit_vectors(lon[snap_nodes], lat[snap_nodes]),
                balanced_tree=False,
                compact_nodes=False,
            )
        else:
            label = np.empty(0, dtype=np.intp)
            snap_nodes = np.empty(0, dtype=np.intp)
            tree = None
        turns = None if turn_costs is None else turn_expanded(lon, lat, forward, turn_costs)
        return cls(
            node_lon=lon,
            node_lat=lat,
            minutes=forward,
            reverse_minutes=reverse,
            component=label,
            snap_nodes=snap_nodes,
            tree=tree,
            turns=turns,
            search=reverse if turns is None else turns.minutes.transpose().tocsr(),
        )

    def _start(self, nodes: IndexArray) -> IndexArray:
        """States where trips from ``nodes`` start (the nodes themselves without turns)."""
        return nodes if self.turns is None else self.turns.leave[nodes]

    def _end(self, nodes: IndexArray) -> IndexArray:
        """States where trips to ``nodes`` end."""
        return nodes if self.turns is None else self.turns.arrive[nodes]

    def _end_node(self, states: IndexArray) -> IndexArray:
        """Node of each end state (inverse of ``_end``)."""
        return states if self.turns is None else states - self.turns.arrive[0]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.minutes.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of directed edges after merging parallel edges."""
        return int(self.minutes.nnz)

    def snap(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, *, workers: int = 1
    ) -> tuple[IndexArray, FloatArray]:
        """Nearest snappable node of each point, by great-circle distance.

        Only nodes of ``snap_nodes`` qualify (see ``DEFAULT_MIN_SNAP_COMPONENT_NODES``).

        Parameters
        ----------
        lon, lat : array_like, shape (p,)
            Points, degrees (WGS84).
        workers : int
            Threads for the KD-tree query (-1: all processors).

        Returns
        -------
        node_index : numpy.ndarray of intp, shape (p,)
            Index of the nearest node; -1 when the graph has no node.
        snap_distance_km : numpy.ndarray of float64, shape (p,)
            Great-circle distance to that node, kilometres; ``inf`` when the graph has no node.
        """
        plon, plat = _points(lon, lat, "points")
        if self.tree is None:
            return np.full(len(plon), -1, dtype=np.intp), np.full(len(plon), np.inf)
        if len(plon) == 0:
            return np.empty(0, dtype=np.intp), np.empty(0)
        chord, index = self.tree.query(unit_vectors(plon, plat), k=1, workers=workers)
        node = self.snap_nodes[np.asarray(index, dtype=np.intp)].astype(np.intp)
        return node, chord_to_km(chord)

    def minutes_from_nearest_source(
        self,
        source_nodes: npt.ArrayLike,
        *,
        source_minutes: npt.ArrayLike | None = None,
    ) -> NearestResult:
        """Time from every node to its nearest source node, in one shortest-path pass.

        One ``dijkstra(reverse_minutes, indices=sources, min_only=True)``: on the reversed
        graph, the distance from a source ``s`` to a node ``v`` is the time to drive from ``v``
        to ``s``.

        Parameters
        ----------
        source_nodes : array_like of int, shape (k,)
            Nodes of the sources (the places). Repeats are allowed.
        source_minutes : array_like, shape (k,), optional
            Minutes added when arriving at each source (e.g. the walk from its node to the
            place itself), >= 0. When given, each source becomes a virtual node joined to its
            graph node by an edge of that many minutes, so the pass stays single and exact.

        Returns
        -------
        NearestResult
            ``minutes`` (float64, shape (n,)): from each node to its nearest source, ``inf``
            when no source can be reached; ``index`` (intp, shape (n,)): position in
            ``source_nodes`` of that source (the first one among repeats), -1 when none.
        """
        sources = _node_indices(source_nodes, self.n_nodes, "source_nodes")
        n, k = self.n_nodes, len(sources)
        if k == 0:
            return NearestResult(minutes=np.full(n, np.inf), index=np.full(n, -1, dtype=np.intp))

        search = self.search if self.search is not None else self.reverse_minutes
        if source_minutes is None:
            # Position of the first occurrence of each source node.
            first_position = np.full(n, -1, dtype=np.intp)
            first_position[sources[::-1]] = np.arange(k - 1, -1, -1, dtype=np.intp)
            distance, _, origin = dijkstra(
                search,
                directed=True,
                indices=self._end(np.unique(sources)),
                return_predecessors=True,
                min_only=True,
            )
            if self.turns is not None:
                distance, origin = distance[self.turns.leave], origin[self.turns.leave]
            reached = origin != _SCIPY_UNREACHED
            index = np.full(n, -1, dtype=np.intp)
            index[reached] = first_position[self._end_node(origin[reached])]
            return NearestResult(minutes=np.asarray(distance, dtype=np.float64), index=index)

        offset = np.atleast_1d(np.asarray(source_minutes, dtype=np.float64))
        if offset.shape != sources.shape:
            raise ValueError(f"source_minutes {offset.shape} and source_nodes {sources.shape}")
        if not np.all(np.isfinite(offset)) or offset.min() < 0.0:
            raise ValueError("source_minutes must be finite and >= 0")
        # Virtual state s + j has a single reversed edge to the end state of source_nodes[j],
        # of offset[j] minutes (s states in the searched graph).
        rev = search
        size = rev.shape[0]
        index_dtype = np.int64 if size + k >= np.iinfo(np.int32).max else rev.indices.dtype
        augmented = sparse.csr_matrix(
            (
                np.concatenate((rev.data, offset)),
                np.concatenate((rev.indices, self._end(sources))).astype(index_dtype),
                np.concatenate((rev.indptr, rev.indptr[-1] + np.arange(1, k + 1))).astype(
                    index_dtype
                ),
            ),
            shape=(size + k, size + k),
            copy=False,
        )
        distance, _, origin = dijkstra(
            augmented,
            directed=True,
            indices=np.arange(size, size + k),
            return_predecessors=True,
            min_only=True,
        )
        start = self._start(np.arange(n, dtype=np.intp))
        distance, origin = distance[start], origin[start]
        reached = origin != _SCIPY_UNREACHED
        index = np.full(n, -1, dtype=np.intp)
        index[reached] = origin[reached] - size
        return NearestResult(minutes=np.asarray(distance, dtype=np.float64), index=index)

    def minutes_to_nodes(
        self,
        from_nodes: npt.ArrayLike,
        to_nodes: npt.ArrayLike,
        *,
        limit_minutes: float = np.inf,
    ) -> FloatArray:
        """Shortest times from some nodes to other nodes, one pass per target node.

        Parameters
        ----------
        from_nodes : array_like of int, shape (p,)
            Start nodes (rows).
        to_nodes : array_like of int, shape (q,)
            Target nodes (columns).
        limit_minutes : float
            Times above this are reported as ``inf`` (and the passes stop there), minutes.

        Returns
        -------
        numpy.ndarray of float64, shape (p, q)
            Minutes; ``inf`` when unreachable or above ``limit_minutes``. The passes run in
            chunks of targets so that at most ``MATRIX_CHUNK_CELLS`` distances are held at once.
        """
        rows = _node_indices(from_nodes, self.n_nodes, "from_nodes")
        cols = _node_indices(to_nodes, self.n_nodes, "to_nodes")
        result = np.full((len(rows), len(cols)), np.inf)
        if len(rows) == 0 or len(cols) == 0 or limit_minutes < 0.0:
            return result
        targets, inverse = np.unique(cols, return_inverse=True)
        search = self.search if self.search is not None else self.reverse_minutes
        chunk = max(1, MATRIX_CHUNK_CELLS // max(search.shape[0], 1))
        per_target = np.empty((len(rows), len(targets)))
        starts = self._start(rows)
        for start in range(0, len(targets), chunk):
            block = targets[start : start + chunk]
            distance = dijkstra(
                search, directed=True, indices=self._end(block), limit=limit_minutes
            )
            per_target[:, start : start + len(block)] = distance[:, starts].T
        result[:, :] = per_target[:, inverse]
        return result


def _check_access(access_speed_kmh: float, max_snap_km: float) -> None:
    if not np.isfinite(access_speed_kmh) or access_speed_kmh <= 0.0:
        raise ValueError(f"access_speed_kmh must be finite and > 0, got {access_speed_kmh!r}")
    if np.isnan(max_snap_km) or max_snap_km < 0.0:
        raise ValueError(f"max_snap_km must be >= 0 (inf allowed), got {max_snap_km!r}")


@dataclass(frozen=True, eq=False)
class RoadNetworkModel:
    """Travel times on a road graph: a ``TravelTimeModel``.

    A trip is: straight line from the origin to its nearest node at ``access_speed_kmh``, the
    fastest path on the graph, straight line from the destination's nearest node to the
    destination at ``access_speed_kmh``. A point farther than ``max_snap_km`` from every node is
    off the network: its times are ``inf`` (as origin) or it cannot be reached (as destination).

    Parameters
    ----------
    graph : RoadGraph
        The road graph (minutes).
    access_speed_kmh : float
        Speed of the two off-network legs, km/h (> 0). Default ``DEFAULT_ACCESS_SPEED_KMH``.
    max_snap_km : float
        Largest distance to the nearest node, km (>= 0, ``inf`` for no limit). Default
        ``DEFAULT_MAX_SNAP_KM``.
    """

    graph: RoadGraph
    access_speed_kmh: float = DEFAULT_ACCESS_SPEED_KMH
    max_snap_km: float = DEFAULT_MAX_SNAP_KM

    def __post_init__(self) -> None:
        _check_access(self.access_speed_kmh, self.max_snap_km)

    def access(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[IndexArray, FloatArray]:
        """Nearest node of each point and the minutes of the off-network leg.

        Returns
        -------
        node_index : numpy.ndarray of intp, shape (p,)
            Nearest node; -1 when the point is off the network.
        access_minutes : numpy.ndarray of float64, shape (p,)
            ``snap_distance_km / access_speed_kmh * 60``; ``inf`` beyond ``max_snap_km``.
        """
        node, snap_km = self.graph.snap(lon, lat)
        off = ~(snap_km <= self.max_snap_km)
        minutes = snap_km * (60.0 / self.access_speed_kmh)
        minutes[off] = np.inf
        node = node.copy()
        node[off] = -1
        return node, minutes

    def minutes_to_nearest(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> NearestResult:
        """Minutes from each origin to its nearest destination by road, and its index.

        One multi-source pass from all the destinations (their access legs included as
        virtual edges), then a lookup at each origin's node.

        Parameters
        ----------
        origin_lon, origin_lat : array_like, shape (n,)
            Origins, degrees (WGS84).
        dest_lon, dest_lat : array_like, shape (m,)
            Destinations, degrees (WGS84). May be empty.

        Returns
        -------
        NearestResult
            ``minutes`` (float64, shape (n,), ``inf`` when no destination can be reached) and
            ``index`` (intp, shape (n,), into the destination arrays, -1 when none).
        """
        o_node, o_minutes = self.access(origin_lon, origin_lat)
        d_node, d_minutes = self.access(dest_lon, dest_lat)
        minutes = np.full(len(o_node), np.inf)
        index = np.full(len(o_node), -1, dtype=np.intp)
        usable = np.flatnonzero(d_node >= 0)
        on = o_node >= 0
        if len(usable) == 0 or not on.any():
            return NearestResult(minutes=minutes, index=index)
        nearest = self.graph.minutes_from_nearest_source(
            d_node[usable], source_minutes=d_minutes[usable]
        )
        node_minutes = nearest.minutes[o_node[on]]
        node_index = nearest.index[o_node[on]]
        reached = node_index >= 0
        on_positions = np.flatnonzero(on)
        minutes[on_positions[reached]] = o_minutes[on][reached] + node_minutes[reached]
        index[on_positions[reached]] = usable[node_index[reached]]
        return NearestResult(minutes=minutes, index=index)

    def minutes_matrix(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> FloatArray:
        """Minutes from every origin (rows) to every destination (columns), shape (n, m).

        One pass per distinct destination node (on the reversed graph); memory of the result
        grows as n * m. ``inf`` where unreachable or off the network.
        """
        o_node, o_minutes = self.access(origin_lon, origin_lat)
        d_node, d_minutes = self.access(dest_lon, dest_lat)
        result = np.full((len(o_node), len(d_node)), np.inf)
        rows, cols = np.flatnonzero(o_node >= 0), np.flatnonzero(d_node >= 0)
        if len(rows) == 0 or len(cols) == 0:
            return result
        road = self.graph.minutes_to_nodes(o_node[rows], d_node[cols])
        result[np.ix_(rows, cols)] = o_minutes[rows, None] + road + d_minutes[None, cols]
        return result

    def reach_matrix(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
        *,
        minutes: float,
    ) -> sparse.csr_matrix:
        """Which destinations each origin reaches within ``minutes``, as a sparse boolean matrix.

        Bounded passes (``dijkstra(..., limit=...)``) from the destination nodes on the reversed
        graph, in chunks: each pass only explores the nodes within the budget.

        Parameters
        ----------
        origin_lon, origin_lat : array_like, shape (n,)
            Origins, degrees (WGS84).
        dest_lon, dest_lat : array_like, shape (m,)
            Destinations, degrees (WGS84).
        minutes : float
            Travel-time budget, minutes (>= 0), access legs included.

        Returns
        -------
        scipy.sparse.csr_matrix of bool, shape (n, m)
            True where origin ``i`` reaches destination ``j`` in at most ``minutes``.
        """
        if np.isnan(minutes) or minutes < 0.0:
            raise ValueError(f"minutes must be >= 0, got {minutes!r}")
        o_node, o_minutes = self.access(origin_lon, origin_lat)
        d_node, d_minutes = self.access(dest_lon, dest_lat)
        shape = (len(o_node), len(d_node))
        rows = np.flatnonzero(o_minutes <= minutes)
        cols = np.flatnonzero(d_minutes <= minutes)
        if len(rows) == 0 or len(cols) == 0:
            return sparse.csr_matrix(shape, dtype=bool)
        # Bound both the passes (chunk x nodes) and the dense block (origins x chunk).
        chunk = max(1, MATRIX_CHUNK_CELLS // max(self.graph.n_nodes, len(rows), 1))
        hit_rows: list[IndexArray] = []
        hit_cols: list[IndexArray] = []
        for start in range(0, len(cols), chunk):
            block = cols[start : start + chunk]
            budget = minutes - float(d_minutes[block].min())
            road = self.graph.minutes_to_nodes(o_node[rows], d_node[block], limit_minutes=budget)
            total = o_minutes[rows, None] + road + d_minutes[None, block]
            r, c = np.nonzero(total <= minutes)
            hit_rows.append(rows[r])
            hit_cols.append(block[c])
        r_all, c_all = np.concatenate(hit_rows), np.concatenate(hit_cols)
        return sparse.csr_matrix(
            (np.ones(len(r_all), dtype=bool), (r_all, c_all)), shape=shape, dtype=bool
        )
