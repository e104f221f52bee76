"""The analysis grid of the siting: cells over the province, layers burnt and read onto it.

A :class:`Grid` is a north-up raster in a metric CRS whose cells are ``cell_m`` squares, its
origin on a multiple of ``cell_m``. Layers reach it through :func:`rasterio.features.rasterize`
(a cell belongs to a polygon when its centre does; lines with ``all_touched``) and rasters
through :func:`rasterio.warp.reproject`; distances on it come from
:func:`scipy.ndimage.distance_transform_edt` (exact Euclidean distance between cell centres).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from affine import Affine

__all__ = ["Grid"]


@dataclass(frozen=True)
class Grid:
    """A raster grid in a metric CRS.

    Attributes
    ----------
    transform : affine.Affine
        Pixel → map coordinates (north up).
    shape : tuple of int
        (rows, columns).
    crs : str
        The metric CRS, e.g. ``"EPSG:3405"``.
    cell_m : float
        Side of a cell, metres.
    """

    transform: Affine
    shape: tuple[int, int]
    crs: str
    cell_m: float

    @classmethod
    def covering(cls, bounds: tuple[float, ...], cell_m: float, crs: str) -> Grid:
        """Return the grid of ``cell_m`` cells covering ``bounds`` (xmin, ymin, xmax, ymax).

        Examples
        --------
        >>> g = Grid.covering((1050.0, 20.0, 1290.0, 260.0), 100.0, "EPSG:3405")
        >>> g.shape, g.transform.c, g.transform.f
        ((3, 3), 1000.0, 300.0)
        """
        x0 = np.floor(bounds[0] / cell_m) * cell_m
        y1 = np.ceil(bounds[3] / cell_m) * cell_m
        cols = int(np.ceil((bounds[2] - x0) / cell_m))
        rows = int(np.ceil((y1 - bounds[1]) / cell_m))
        return cls(Affine(cell_m, 0.0, x0, 0.0, -cell_m, y1), (rows, cols), crs, float(cell_m))

    def centres(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the map coordinates of the centres of cells (rows, cols)."""
        t = self.transform
        return t.c + (cols + 0.5) * t.a, t.f + (rows + 0.5) * t.e

    def burn(self, geoms: np.ndarray, *, all_touched: bool = False) -> np.ndarray:
        """Return a boolean mask of the cells the geometries cover (by centre, or touched)."""
        from rasterio.features import rasterize

        geoms = [g for g in np.asarray(geoms, dtype=object) if g is not None and not g.is_empty]
        if not geoms:
            return np.zeros(self.shape, dtype=bool)
        return rasterize(
            [(g, 1) for g in geoms],
            out_shape=self.shape,
            transform=self.transform,
            fill=0,
            all_touched=all_touched,
            dtype="uint8",
        ).astype(bool)

    def burn_values(self, geoms: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Return an int32 raster of ``values`` where lines touch cells, -1 elsewhere."""
        from rasterio.features import rasterize

        return rasterize(
            zip(np.asarray(geoms, dtype=object), np.asarray(values, dtype=np.int32), strict=True),
            out_shape=self.shape,
            transform=self.transform,
            fill=-1,
            all_touched=True,
            dtype="int32",
        )

    def distance_m(self, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distance (m) from every cell centre to the nearest ``target`` cell, and its index.

        Returns the distances and the (2, rows, cols) indices of the nearest target cell.
        """
        from scipy.ndimage import distance_transform_edt

        if not target.any():
            far = np.full(self.shape, np.inf)
            return far, np.zeros((2, *self.shape), dtype=np.int64)
        dist, idx = distance_transform_edt(~target, return_indices=True)
        return dist * self.cell_m, idx

    def read(self, path: str | Path) -> tuple[np.ndarray, dict[str, str]]:
        """Read band 1 of a raster onto the grid (the largest value within each cell).

        Nodata and cells outside the raster are NaN; returns the values and the raster's tags.
        """
        import rasterio
        from rasterio.warp import Resampling, reproject

        out = np.full(self.shape, np.nan, dtype="float32")
        with rasterio.open(path) as src:
            tags = src.tags()
            reproject(
                source=rasterio.band(src, 1),
                destination=out,
                dst_transform=self.transform,
                dst_crs=self.crs,
                dst_nodata=np.nan,
                resampling=Resampling.max,
            )
        return out, tags


def _polygons(gdf: object, crs: str, buffer_m: float) -> np.ndarray:
    """Return the polygons of a layer in ``crs``, buffered by ``buffer_m``."""
    geoms = np.asarray(gdf.geometry.to_crs(crs).values, dtype=object)  # type: ignore[attr-defined]
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    return shapely.buffer(geoms, buffer_m) if buffer_m > 0 else geoms
