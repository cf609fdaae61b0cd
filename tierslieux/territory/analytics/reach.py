"""Which sites each demand point reaches within a travel time: a sparse boolean matrix.

``straight_line_reach`` builds the reach matrix of the straight-line model (great-circle
distance * detour factor / speed, see ``travel.StraightLineModel``) without the dense matrix:
sites go into a KD-tree of 3D unit vectors and only pairs closer than the chord equivalent to
the travel-time radius are kept. The matrix feeds the location optimisation (``location.py``)
and coverage figures (``covered_by``).

Pure numpy / scipy: no Django import (checked by import-linter).
"""

import math

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.spatial import cKDTree

from tierslieux.territory.analytics.travel import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    EARTH_RADIUS_KM,
    FloatArray,
    StraightLineModel,
    haversine_km,
    km_to_minutes,
    unit_vectors,
)

BoolArray = npt.NDArray[np.bool_]

_CHORD_MARGIN: float = 1e-9
"""Relative widening of the KD-tree radius, so that rounding never drops a pair at the limit;
pairs are then kept by the exact haversine test."""


def _points(lon: npt.ArrayLike, lat: npt.ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    if lon_a.ndim != 1 or lon_a.shape != lat_a.shape:
        raise ValueError(f"{what}: longitudes {lon_a.shape} and latitudes {lat_a.shape} differ")
    return lon_a, lat_a


def reach_radius_km(
    minutes: float,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> float:
    """Great-circle distance (km) driven in ``minutes`` by the straight-line model.

    Parameters
    ----------
    minutes : float
        Travel-time threshold, minutes (>= 0).
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.

    Returns
    -------
    float
        ``minutes / 60 * speed_kmh / detour_factor``, kilometres (15.38 km for 20 minutes with
        the defaults).
    """
    StraightLineModel(detour_factor=detour_factor, speed_kmh=speed_kmh)  # validates both
    if math.isnan(minutes) or minutes < 0.0:
        raise ValueError(f"minutes must be >= 0, got {minutes!r}")
    return minutes / 60.0 * speed_kmh / detour_factor


def straight_line_reach(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    site_lon: npt.ArrayLike,
    site_lat: npt.ArrayLike,
    *,
    minutes: float,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> sparse.csr_matrix:
    """Sparse matrix of the sites each demand point reaches within ``minutes``.

    Equal, entry by entry, to ``travel.straight_line_minutes(...) <= minutes`` but built in
    O((n + m) log m + k) time and O(n + m + k) memory for k reachable pairs: a KD-tree
    (``scipy.spatial.cKDTree``) of 3D unit vectors returns the pairs whose chord is within
    ``2 sin(r / 2R)`` (r the radius in km, R the Earth radius), slightly widened; each pair is
    then confirmed with the haversine formula of ``travel.py``, so the result does not depend on
    rounding at the limit.

    Parameters
    ----------
    demand_lon, demand_lat : array_like, shape (n,)
        Demand points (population cells, commune centres), degrees (WGS84).
    site_lon, site_lat : array_like, shape (m,)
        Sites (places, candidate communes), degrees (WGS84).
    minutes : float
        Travel-time threshold, minutes (>= 0); a site exactly at the threshold is reached.
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.

    Returns
    -------
    scipy.sparse.csr_matrix of bool, shape (n, m)
        True where site ``j`` is within ``minutes`` of demand point ``i``; sorted indices.

    Examples
    --------
    >>> reach = straight_line_reach([0.0, 0.0], [45.0, 46.0], [0.0], [45.1], minutes=20.0)
    >>> reach.toarray().ravel().tolist()
    [True, False]
    """
    radius_km = reach_radius_km(minutes, detour_factor=detour_factor, speed_kmh=speed_kmh)
    dlon, dlat = _points(demand_lon, demand_lat, "demand")
    slon, slat = _points(site_lon, site_lat, "sites")
    shape = (len(dlon), len(slon))
    if shape[0] == 0 or shape[1] == 0:
        return sparse.csr_matrix(shape, dtype=np.bool_)

    half_angle = radius_km / (2.0 * EARTH_RADIUS_KM)
    chord = 2.0 * math.sin(half_angle) if half_angle < math.pi / 2.0 else 2.0
    chord_radius = chord * (1.0 + _CHORD_MARGIN) + _CHORD_MARGIN

    demand_tree = cKDTree(unit_vectors(dlon, dlat))
    site_tree = cKDTree(unit_vectors(slon, slat))
    pairs = demand_tree.sparse_distance_matrix(site_tree, chord_radius, output_type="ndarray")
    rows = np.asarray(pairs["i"], dtype=np.intp)
    cols = np.asarray(pairs["j"], dtype=np.intp)
    pair_minutes = km_to_minutes(
        haversine_km(dlon[rows], dlat[rows], slon[cols], slat[cols]),
        detour_factor=detour_factor,
        speed_kmh=speed_kmh,
    )
    keep = pair_minutes <= minutes
    rows, cols = rows[keep], cols[keep]
    reach = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.bool_), (rows, cols)), shape=shape, dtype=np.bool_
    )
    reach.sort_indices()
    return reach


def covered_by(reach: sparse.spmatrix | sparse.sparray, open_mask: npt.ArrayLike) -> BoolArray:
    """Demand points that reach at least one open site.

    Parameters
    ----------
    reach : scipy sparse matrix of bool, shape (n, m)
        Reach matrix, demand points by sites (see ``straight_line_reach``).
    open_mask : array_like of bool, shape (m,)
        True for the sites that are open.

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
        True where demand point ``i`` is within the threshold of an open site.
    """
    mask = np.asarray(open_mask, dtype=np.bool_)
    if mask.shape != (reach.shape[1],):
        raise ValueError(f"open_mask has shape {mask.shape}, expected ({reach.shape[1]},)")
    counts = sparse.csr_matrix(reach, dtype=np.int32) @ mask.astype(np.int32)
    return np.asarray(counts).ravel() > 0
