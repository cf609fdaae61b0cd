"""Who is within a travel time of a place, exactly, without finding everyone's nearest place.

``straight_line_covered`` answers the coverage question of the straight-line model (is some
place within ``minutes``?) with the same answer, point by point, as the brute-force rule

    ``travel.straight_line_minutes(demand, places).min(axis=1) <= minutes``

(the great-circle distance by the haversine formula, lengthened by the detour factor and driven
at the average speed), but it only works near the limit:

1. **Blocks.** Demand points are put in blocks of a longitude-latitude raster (an integer key per
   point, counted with ``bincount``: no sort). For each occupied block, an upper bound ``h`` of
   the chord (3-D straight line through the sphere) from the block's centre to any point of the
   block comes from the exact identity ``chord² = 4 sin²(Δφ/2) + 4 cos φ1 cos φ2 sin²(Δλ/2)``.
   The places go into a KD-tree of unit vectors; one nearest query per block centre gives ``D``.
   The chord is a Euclidean distance, so the triangle inequality bounds every point of the
   block: its nearest place is within ``D + h`` and no place is nearer than ``D - h``. Blocks
   with ``D + h`` inside the radius are covered whole, blocks with ``D - h`` beyond it are not.
2. **Boundary blocks.** Their points get a *bounded* nearest query
   (``cKDTree.query(..., distance_upper_bound=...)``), which stops as soon as no place can lie
   within the radius: a chord clearly inside the radius covers, no answer means not covered.
3. **The band.** A point whose nearest chord lies within a relative 1e-9 of the radius (rounding
   could decide either way) is settled by the haversine rule itself, against every place within
   the widened radius.

Chord and great-circle distance are tied by ``chord = 2 sin(θ / 2)``, increasing, so steps 1-2
only decide points that the rule decides the same way; the margins (1e-9 relative, 1e-12
absolute, far above the 1e-15 rounding of the formulas) send every doubtful point to step 3.
``tests/territory/analytics/test_within.py`` checks the equality against brute force (hypothesis,
points placed on the limit, and the whole Nouvelle-Aquitaine grid).

Pure numpy / scipy: no Django import (checked by import-linter).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from tierslieux.territory.analytics.reach import reach_radius_km
from tierslieux.territory.analytics.travel import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    EARTH_RADIUS_KM,
    FloatArray,
    haversine_km,
    km_to_minutes,
    unit_vectors,
)

BoolArray = npt.NDArray[np.bool_]

RELATIVE_MARGIN: float = 1e-9
"""Relative width of the band around the radius where the haversine rule decides itself."""

ABSOLUTE_MARGIN: float = 1e-12
"""Absolute width (chord of the unit sphere, ~6 µm) added to the band, for tiny radii."""

DEFAULT_BLOCK_RADIUS_SHARE: float = 1.0 / 16.0
"""Side of the finest blocks as a share of the radius (~1 km for a 20-minute radius of 15.4 km);
blocks start at a quarter of the radius and are halved down to it."""

_COARSEST_BLOCK_RADIUS_SHARE: float = 0.25
"""Side of the first, coarsest blocks as a share of the radius: larger blocks are almost never
decided whole (their spread is comparable with the radius)."""

_MAX_BLOCKS_PER_POINT: int = 4
"""The raster is coarsened until it holds at most this many blocks per demand point."""


def _points(lon: npt.ArrayLike, lat: npt.ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    if lon_a.ndim != 1 or lon_a.shape != lat_a.shape:
        raise ValueError(f"{what}: longitudes {lon_a.shape} and latitudes {lat_a.shape} differ")
    if lon_a.size and not (np.all(np.isfinite(lon_a)) and np.all(np.isfinite(lat_a))):
        raise ValueError(f"{what}: coordinates must be finite")
    if lat_a.size and (lat_a.min() < -90.0 or lat_a.max() > 90.0):
        raise ValueError(f"{what}: latitudes must lie in [-90, 90]")
    return lon_a, lat_a


def _rule(
    dlon: FloatArray,
    dlat: FloatArray,
    slon: FloatArray,
    slat: FloatArray,
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    minutes: float,
    detour_factor: float,
    speed_kmh: float,
) -> BoolArray:
    """The brute-force rule on the pairs (rows[k], cols[k]): minutes <= threshold."""
    pair_minutes = km_to_minutes(
        haversine_km(dlon[rows], dlat[rows], slon[cols], slat[cols]),
        detour_factor=detour_factor,
        speed_kmh=speed_kmh,
    )
    return pair_minutes <= minutes


def straight_line_covered(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    place_lon: npt.ArrayLike,
    place_lat: npt.ArrayLike,
    *,
    minutes: float,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    block_radius_share: float = DEFAULT_BLOCK_RADIUS_SHARE,
) -> BoolArray:
    """Demand points with a place within ``minutes`` by the straight-line model, exactly.

    Equal, point by point, to ``straight_line_minutes(demand, places).min(axis=1) <= minutes``
    (see the module docstring for the method and why it is exact), in O(n) for the points far
    from the limit plus a bounded KD-tree query for the points near it.

    Parameters
    ----------
    demand_lon, demand_lat : array_like, shape (n,)
        Demand points (grid cells, town halls), degrees (WGS84).
    place_lon, place_lat : array_like, shape (m,)
        Places, degrees (WGS84). May be empty: then nobody is covered.
    minutes : float
        Travel-time threshold, minutes (>= 0); a place exactly at the threshold covers.
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.
    block_radius_share : float
        Side of the blocks of step 1 as a share of the radius (> 0); changes the time, never
        the result. Default ``DEFAULT_BLOCK_RADIUS_SHARE``.

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
        True where some place is within ``minutes``.

    Examples
    --------
    >>> straight_line_covered([0.0, 0.0], [45.0, 46.0], [0.0], [45.1], minutes=20.0).tolist()
    [True, False]
    """
    radius_km = reach_radius_km(minutes, detour_factor=detour_factor, speed_kmh=speed_kmh)
    if not (math.isfinite(block_radius_share) and block_radius_share > 0.0):
        raise ValueError(f"block_radius_share must be > 0, got {block_radius_share!r}")
    dlon, dlat = _points(demand_lon, demand_lat, "demand")
    slon, slat = _points(place_lon, place_lat, "places")
    n = len(dlon)
    covered = np.zeros(n, dtype=np.bool_)
    if n == 0 or len(slon) == 0:
        return covered

    half_angle = radius_km / (2.0 * EARTH_RADIUS_KM)
    chord = 2.0 * math.sin(half_angle) if half_angle < math.pi / 2.0 else 2.0
    chord_in = chord * (1.0 - RELATIVE_MARGIN) - ABSOLUTE_MARGIN  # surely within
    chord_out = chord * (1.0 + RELATIVE_MARGIN) + ABSOLUTE_MARGIN  # surely beyond past it
    tree = cKDTree(unit_vectors(slon, slat))

    undecided = _decide_blocks(
        dlon, dlat, tree, chord_in, chord_out, radius_km, covered, block_radius_share
    )
    if len(undecided) == 0:
        return covered
    near, _ = tree.query(
        unit_vectors(dlon[undecided], dlat[undecided]), k=1, distance_upper_bound=chord_out
    )
    covered[undecided[near <= chord_in]] = True
    band = undecided[(near > chord_in) & (near <= chord_out)]
    if len(band):
        candidates = tree.query_ball_point(unit_vectors(dlon[band], dlat[band]), chord_out)
        counts = np.fromiter((len(c) for c in candidates), dtype=np.intp, count=len(band))
        rows = np.repeat(band, counts)
        cols = np.fromiter(
            (j for c in candidates for j in c), dtype=np.intp, count=int(counts.sum())
        )
        hit = _rule(dlon, dlat, slon, slat, rows, cols, minutes, detour_factor, speed_kmh)
        covered[rows[hit]] = True
    return covered


def _decide_blocks(
    dlon: FloatArray,
    dlat: FloatArray,
    tree: cKDTree,
    chord_in: float,
    chord_out: float,
    radius_km: float,
    covered: BoolArray,
    block_radius_share: float,
) -> npt.NDArray[np.intp]:
    """Step 1, coarse to fine: mark the points of blocks surely covered; return the points left.

    Blocks start at a quarter of the radius and are halved down to the finest side; at each
    level only the points still undecided are looked at, and only their blocks' centres are
    queried.
    """
    n = len(dlon)
    lon0, lat0 = float(dlon.min()), float(dlat.min())
    span_lon = float(dlon.max()) - lon0
    span_lat = float(dlat.max()) - lat0
    fine_deg = max(math.degrees(radius_km * block_radius_share / EARTH_RADIUS_KM), 1e-7)
    while (int(span_lon / fine_deg) + 1) * (int(span_lat / fine_deg) + 1) > (
        _MAX_BLOCKS_PER_POINT * n + 16
    ):
        fine_deg *= 2.0
    levels = max(0, round(math.log2(_COARSEST_BLOCK_RADIUS_SHARE / block_radius_share)))
    # Fine raster coordinates of every point; a block of level l holds fine cells >> l.
    ix = ((dlon - lon0) / fine_deg).astype(np.int64)
    iy = ((dlat - lat0) / fine_deg).astype(np.int64)
    left: npt.NDArray[np.intp] | None = None  # None: every point
    for level in range(levels, -1, -1):
        side_deg = fine_deg * (1 << level)
        nx = int(span_lon / side_deg) + 2
        ny = int(span_lat / side_deg) + 2
        if left is None:
            key = (ix >> level) * ny + (iy >> level)
        else:
            key = (ix[left] >> level) * ny + (iy[left] >> level)
        occupied = np.flatnonzero(np.bincount(key, minlength=nx * ny))
        state = _block_states(occupied, ny, side_deg, lon0, lat0, tree, chord_in, chord_out)
        point_state = np.zeros(nx * ny, dtype=np.int8)
        point_state[occupied] = state
        point_state = point_state[key]
        if left is None:
            covered |= point_state == 1
            left = np.flatnonzero(point_state == 0)
        else:
            covered[left[point_state == 1]] = True
            left = left[point_state == 0]
        if len(left) == 0:
            break
    return left if left is not None else np.arange(n, dtype=np.intp)


def _block_states(
    occupied: npt.NDArray[np.intp],
    ny: int,
    side_deg: float,
    lon0: float,
    lat0: float,
    tree: cKDTree,
    chord_in: float,
    chord_out: float,
) -> npt.NDArray[np.int8]:
    """For each block: 1 when all its points are surely covered, 2 when none is, else 0."""
    bx, by = np.divmod(occupied, ny)
    west = lon0 + bx * side_deg
    south = np.clip(lat0 + by * side_deg, -90.0, 90.0)
    north = np.clip(lat0 + (by + 1) * side_deg, -90.0, 90.0)
    centre_lon = west + side_deg / 2.0
    centre_lat = (south + north) / 2.0
    # Largest |Δφ|, |Δλ| from the centre and largest cos φ within the block (radians).
    half_dphi = np.radians((north - south) / 2.0)
    half_dlam = min(math.radians(side_deg / 2.0), math.pi)
    straddles = (south <= 0.0) & (north >= 0.0)
    max_cos = np.where(straddles, 1.0, np.cos(np.radians(np.minimum(np.abs(south), np.abs(north)))))
    spread = 2.0 * np.sqrt(
        np.sin(half_dphi / 2.0) ** 2
        + max_cos * np.cos(np.radians(centre_lat)) * math.sin(half_dlam / 2.0) ** 2
    )
    # Points on a block's edge may lie a rounding outside it: the absolute slack covers that,
    # as it covers the rounding of the distances themselves.
    spread = spread * (1.0 + RELATIVE_MARGIN) + ABSOLUTE_MARGIN
    nearest, _ = tree.query(
        unit_vectors(centre_lon, centre_lat), k=1, distance_upper_bound=chord_out + spread.max()
    )
    state = np.zeros(len(occupied), dtype=np.int8)
    state[nearest + spread <= chord_in] = 1
    state[nearest - spread > chord_out] = 2  # inf (nothing within the bound) included
    return state
