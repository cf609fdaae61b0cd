"""Travel time between points: the interface of the territorial mesh.

A ``TravelTimeModel`` turns origins and destinations (WGS84 longitudes and latitudes, degrees)
into minutes. The first model, ``StraightLineModel``, estimates a trip as the great-circle
(haversine) distance lengthened by a detour factor and driven at an average speed; a road-graph
model can later implement the same two methods.

Pure numpy / scipy: no Django import (checked by import-linter).
"""

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

EARTH_RADIUS_KM: float = 6371.0088
"""Mean Earth radius (IUGG), kilometres."""

DEFAULT_DETOUR_FACTOR: float = 1.3
"""Road distance / great-circle distance, dimensionless (a usual rural-road ratio)."""

DEFAULT_SPEED_KMH: float = 60.0
"""Average door-to-door driving speed, kilometres per hour."""

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def haversine_km(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance between points, broadcasting like any numpy operation.

    Parameters
    ----------
    lon1, lat1 : array_like
        Longitude and latitude of the first points, degrees (WGS84).
    lon2, lat2 : array_like
        Longitude and latitude of the second points, degrees; broadcast against the first.

    Returns
    -------
    numpy.ndarray of float64
        Distances in kilometres on a sphere of radius ``EARTH_RADIUS_KM``, of the broadcast shape.

    Examples
    --------
    One degree of latitude is about 111.195 km:

    >>> round(float(haversine_km(0.0, 45.0, 0.0, 46.0)), 3)
    111.195
    """
    lam1, phi1, lam2, phi2 = (
        np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2)
    )
    a = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _check_model(detour_factor: float, speed_kmh: float) -> None:
    if not np.isfinite(detour_factor) or detour_factor < 1.0:
        raise ValueError(f"detour_factor must be a finite number >= 1, got {detour_factor!r}")
    if not np.isfinite(speed_kmh) or speed_kmh <= 0.0:
        raise ValueError(f"speed_kmh must be a finite positive number, got {speed_kmh!r}")


def _as_points(lon: npt.ArrayLike, lat: npt.ArrayLike, what: str) -> tuple[FloatArray, FloatArray]:
    lon_a = np.atleast_1d(np.asarray(lon, dtype=np.float64))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=np.float64))
    if lon_a.ndim != 1 or lon_a.shape != lat_a.shape:
        raise ValueError(f"{what}: longitudes {lon_a.shape} and latitudes {lat_a.shape} differ")
    return lon_a, lat_a


def km_to_minutes(
    distance_km: npt.ArrayLike,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> FloatArray:
    """Minutes to drive a great-circle distance lengthened by ``detour_factor`` at ``speed_kmh``.

    Parameters
    ----------
    distance_km : array_like
        Great-circle distances, kilometres.
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless.
    speed_kmh : float
        Average speed, kilometres per hour (> 0).

    Returns
    -------
    numpy.ndarray of float64
        Minutes, same shape as ``distance_km``.
    """
    _check_model(detour_factor, speed_kmh)
    return np.asarray(distance_km, dtype=np.float64) * (detour_factor * 60.0 / speed_kmh)


def straight_line_minutes(
    origin_lon: npt.ArrayLike,
    origin_lat: npt.ArrayLike,
    dest_lon: npt.ArrayLike,
    dest_lat: npt.ArrayLike,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
) -> FloatArray:
    """Matrix of estimated travel times, every origin to every destination.

    Parameters
    ----------
    origin_lon, origin_lat : array_like, shape (n,)
        Origins, degrees (WGS84).
    dest_lon, dest_lat : array_like, shape (m,)
        Destinations, degrees (WGS84).
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.

    Returns
    -------
    numpy.ndarray of float64, shape (n, m)
        Minutes: ``haversine_km * detour_factor / speed_kmh * 60``. Memory grows as n * m: use
        ``nearest_minutes`` for many origins.
    """
    olon, olat = _as_points(origin_lon, origin_lat, "origins")
    dlon, dlat = _as_points(dest_lon, dest_lat, "destinations")
    distance_km = haversine_km(olon[:, None], olat[:, None], dlon[None, :], dlat[None, :])
    return km_to_minutes(distance_km, detour_factor=detour_factor, speed_kmh=speed_kmh)


def unit_vectors(lon: npt.ArrayLike, lat: npt.ArrayLike) -> FloatArray:
    """Points (x, y, z) of the unit sphere, shape (n, 3), from longitudes and latitudes (deg)."""
    lam = np.radians(np.atleast_1d(np.asarray(lon, dtype=np.float64)).ravel())
    phi = np.radians(np.atleast_1d(np.asarray(lat, dtype=np.float64)).ravel())
    out = np.empty((len(lam), 3))
    # Column by column through one contiguous temporary: ~4 arrays alive instead of ~11 (the
    # road graph's KD-tree is built on millions of nodes); the same operations, the same bits.
    cos_phi = np.cos(phi)
    work = np.cos(lam)
    np.multiply(cos_phi, work, out=out[:, 0])
    np.sin(lam, out=work)
    np.multiply(cos_phi, work, out=out[:, 1])
    del cos_phi
    np.sin(phi, out=work)
    out[:, 2] = work
    return out


def chord_to_km(chord: npt.ArrayLike) -> FloatArray:
    """Great-circle distance (km) from the chord length between two points of the unit sphere.

    The chord ``c`` and the central angle ``θ`` satisfy ``c = 2 sin(θ / 2)``; the function is
    increasing, so the nearest point by chord is the nearest point on the sphere.
    """
    c = np.asarray(chord, dtype=np.float64)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(c / 2.0, 0.0, 1.0))


@dataclass(frozen=True)
class NearestResult:
    """Travel time from each origin to its nearest destination."""

    minutes: FloatArray
    """Minutes to the nearest destination, shape (n,); ``inf`` when there is no destination."""
    index: IndexArray
    """Index of that destination in the destination arrays, shape (n,); -1 when there is none."""


def nearest_minutes(
    origin_lon: npt.ArrayLike,
    origin_lat: npt.ArrayLike,
    dest_lon: npt.ArrayLike,
    dest_lat: npt.ArrayLike,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    workers: int = 1,
    limit_minutes: float | None = None,
) -> NearestResult:
    """Minutes from each origin to the nearest destination, without building the full matrix.

    Destinations go into a KD-tree (``scipy.spatial.cKDTree``) of 3D unit vectors: the straight
    chord through the sphere grows with the great-circle distance, so the tree's exact nearest
    neighbour is the great-circle nearest. It takes O((n + m) log m) time and O(n + m) memory,
    which handles the 372,383 cells of metropolitan France against thousands of places.

    Parameters
    ----------
    origin_lon, origin_lat : array_like, shape (n,)
        Origins, degrees (WGS84).
    dest_lon, dest_lat : array_like, shape (m,)
        Destinations, degrees (WGS84). May be empty.
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.
    workers : int
        Threads for the tree query (-1: all processors).
    limit_minutes : float, optional
        Bounded query: destinations farther than this (minutes, >= 0) are not looked for
        (``cKDTree.query(..., distance_upper_bound=...)``, which prunes the search), and an
        origin with none within it gets ``inf`` and -1. Faster when many origins are far.

    Returns
    -------
    NearestResult
        ``minutes`` (float64, shape (n,)) and ``index`` (intp, shape (n,)). Ties go to any one
        of the equally near destinations.
    """
    _check_model(detour_factor, speed_kmh)
    olon, olat = _as_points(origin_lon, origin_lat, "origins")
    dlon, dlat = _as_points(dest_lon, dest_lat, "destinations")
    if len(dlon) == 0:
        return NearestResult(
            minutes=np.full(len(olon), np.inf), index=np.full(len(olon), -1, dtype=np.intp)
        )
    if len(olon) == 0:
        return NearestResult(minutes=np.empty(0), index=np.empty(0, dtype=np.intp))
    tree = cKDTree(unit_vectors(dlon, dlat))
    bound = np.inf
    if limit_minutes is not None:
        if np.isnan(limit_minutes) or limit_minutes < 0.0:
            raise ValueError(f"limit_minutes must be >= 0, got {limit_minutes!r}")
        half_angle = limit_minutes / 60.0 * speed_kmh / detour_factor / (2.0 * EARTH_RADIUS_KM)
        # Widened by a relative 1e-9: rounding never drops a destination at the limit.
        bound = 2.0 * np.sin(min(half_angle, np.pi / 2.0)) * (1.0 + 1e-9) + 1e-12
    chord, index = tree.query(
        unit_vectors(olon, olat), k=1, workers=workers, distance_upper_bound=bound
    )
    index = np.asarray(index, dtype=np.intp)
    minutes = km_to_minutes(chord_to_km(chord), detour_factor=detour_factor, speed_kmh=speed_kmh)
    if limit_minutes is not None:
        beyond = (index >= len(dlon)) | ~(minutes <= limit_minutes)
        minutes[beyond] = np.inf
        index[beyond] = -1
    return NearestResult(minutes=minutes, index=index)


class TravelTimeModel(Protocol):
    """How long it takes to go from origins to destinations, in minutes."""

    def minutes_matrix(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> FloatArray:
        """Minutes from every origin (rows) to every destination (columns), shape (n, m)."""
        ...

    def minutes_to_nearest(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> NearestResult:
        """Minutes from each origin to its nearest destination, and that destination's index."""
        ...


@dataclass(frozen=True)
class StraightLineModel:
    """Great-circle distance * ``detour_factor`` / ``speed_kmh``: an approximation, no roads.

    Parameters
    ----------
    detour_factor : float
        Road distance over great-circle distance (>= 1), dimensionless. Default 1.3.
    speed_kmh : float
        Average speed, kilometres per hour (> 0). Default 60.
    """

    detour_factor: float = DEFAULT_DETOUR_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH

    def __post_init__(self) -> None:
        _check_model(self.detour_factor, self.speed_kmh)

    def minutes_matrix(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> FloatArray:
        """Minutes from every origin to every destination, shape (n, m); see
        ``straight_line_minutes``."""
        return straight_line_minutes(
            origin_lon,
            origin_lat,
            dest_lon,
            dest_lat,
            detour_factor=self.detour_factor,
            speed_kmh=self.speed_kmh,
        )

    def minutes_to_nearest(
        self,
        origin_lon: npt.ArrayLike,
        origin_lat: npt.ArrayLike,
        dest_lon: npt.ArrayLike,
        dest_lat: npt.ArrayLike,
    ) -> NearestResult:
        """Minutes to the nearest destination and its index; see ``nearest_minutes``."""
        return nearest_minutes(
            origin_lon,
            origin_lat,
            dest_lon,
            dest_lat,
            detour_factor=self.detour_factor,
            speed_kmh=self.speed_kmh,
        )
