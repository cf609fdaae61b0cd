"""Point-in-polygon location of points among many polygons (communes), with shapely."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely


@dataclass(frozen=True)
class PolygonIndex:
    """A spatial index of polygons given as GeoJSON geometry mappings (WGS84 lon/lat).

    ``locate`` returns, for each point, the position of the polygon that contains it, or -1.
    """

    geometries: Sequence[dict]
    _polygons: npt.NDArray[np.object_] = field(init=False, repr=False)
    _tree: shapely.STRtree = field(init=False, repr=False)

    def __post_init__(self) -> None:
        polygons = np.array([shapely.geometry.shape(g) for g in self.geometries], dtype=np.object_)
        object.__setattr__(self, "_polygons", polygons)
        object.__setattr__(self, "_tree", shapely.STRtree(polygons))

    def locate(self, lon_deg: npt.ArrayLike, lat_deg: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Index of the polygon containing each point (-1 where none does).

        Where polygons overlap (simplified outlines), the lowest index wins.
        """
        lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
        lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
        points = shapely.points(lon, lat)
        result = np.full(len(points), -1, dtype=np.int64)
        point_idx, poly_idx = self._tree.query(points, predicate="within")
        # Keep the lowest polygon index per point: assign in reverse order.
        order = np.lexsort((-poly_idx, point_idx))
        result[point_idx[order]] = poly_idx[order]
        return result

    def nearest(
        self, lon_deg: npt.ArrayLike, lat_deg: npt.ArrayLike, *, max_distance_deg: float
    ) -> npt.NDArray[np.int64]:
        """Index of the nearest polygon within ``max_distance_deg`` degrees (-1 beyond).

        For points that fall in the small gaps between generalised outlines.
        """
        lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
        lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
        points = shapely.points(lon, lat)
        result = np.full(len(points), -1, dtype=np.int64)
        point_idx, poly_idx = self._tree.query_nearest(
            points, max_distance=max_distance_deg, all_matches=False
        )
        result[point_idx] = poly_idx
        return result
