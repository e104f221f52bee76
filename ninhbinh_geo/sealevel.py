"""Sea-level rise: connected ("bathtub") inundation of a DEM and the national scenarios.

:func:`inundation_depth` raises the sea on a digital elevation model and returns the depth of
water on every land cell that lies below the raised level AND is hydraulically connected to
the sea through other such cells. A basin behind a ridge or a dyke crest that the DEM resolves
stays dry. Per-site exposure goes through :func:`ninhbinh_geo.exposure.raster_exposure` on the
returned raster (written with :meth:`InundationRaster.write` or opened with
:meth:`InundationRaster.open`).

The bathtub model ignores tides, surges, waves, drainage, dyke failure and the time water
needs to spread; it maps where the DEM is low and connected, no more. Its accuracy is that of
the DEM: global DEMs (Copernicus GLO-30, FABDEM) have vertical errors of 1–3 m in the delta,
larger than the sea-level rise itself, so the result is tagged ``accuracy=approximate``.

Memory: the DEM is read whole (connected components need the whole grid). A province DEM at
30 m is about 20 million cells, 80 MB as float32; with the elevation copy, the masks, the
int32 labels and the output the peak is about 24 bytes per cell — measured 480 MB above the
baseline for 20 million cells (8.8 s on a shared 2-core machine). Clip the DEM to the coastal
lowlands to go lower.

Scenarios: :func:`slr_scenarios` reads the shipped table ``data/hazard/slr_scenarios.csv``
(the Ministry of Natural Resources and Environment's 2020 climate-change scenario: +24–28 cm
by 2050, +56–77 cm by 2100). Published check figures for validating a real run (not data):
29.29 % of Nam Định's area at risk of inundation at +80 cm and 43.67 % at +100 cm; 8.4 % and
13.2 % of the Red River Delta (MONRE 2020).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.features
import rasterio.merge
from affine import Affine
from rasterio.crs import CRS
from rasterio.io import DatasetReader, MemoryFile
from scipy import ndimage

from . import _atomic
from ._errors import CRSError, DataCoverageError, InputFileError, OutputError, SchemaError
from .crs import check_coordinates, project_checked

__all__ = [
    "REFERENCE_FIGURES",
    "InundationRaster",
    "inundation_depth",
    "read_dem",
    "slr_scenarios",
]

#: Published shares of area at risk of inundation, MONRE 2020 climate-change scenario, for
#: checking a real DEM run against (never used as data). {(area, slr_cm): percent}
REFERENCE_FIGURES: dict[tuple[str, int], float] = {
    ("Nam Định", 80): 29.29,
    ("Nam Định", 100): 43.67,
    ("Red River Delta", 80): 8.4,
    ("Red River Delta", 100): 13.2,
}
#: Elevation values below this are taken as an undeclared nodata (e.g. -32767), not ground.
DEM_FLOOR_M = -500.0
NODATA = -9999.0
_SCENARIO_COLUMNS = ("scenario_id", "year", "slr_cm", "source")


@dataclass(frozen=True)
class InundationRaster:
    """Depth of sea water on land cells (m), float32, with its grid and metadata.

    Attributes
    ----------
    depth_m : numpy.ndarray
        2-D float32; ``nodata`` on sea cells and DEM voids, 0 on dry land.
    transform : affine.Affine
        Grid of the DEM.
    crs : rasterio.crs.CRS
        CRS of the DEM.
    tags : dict
        Metadata written to the GeoTIFF (``accuracy``, ``slr_cm``, method, voids, ...).
    nodata : float
        Nodata value of ``depth_m``.
    path : pathlib.Path or None
        Where the GeoTIFF was written, if it was.
    """

    depth_m: np.ndarray
    transform: Affine
    crs: CRS
    tags: dict[str, str] = field(default_factory=dict)
    nodata: float = NODATA
    path: Path | None = None

    @property
    def flooded_cells(self) -> int:
        """Number of land cells with water (depth > 0)."""
        return int(np.count_nonzero(self.depth_m > 0))

    def write(self, path: str | os.PathLike) -> Path:
        """Write the depth raster as a tiled, compressed float32 GeoTIFF, atomically.

        Parameters
        ----------
        path : str or path-like
            Target file; its folder must exist.

        Returns
        -------
        pathlib.Path
            The written file.

        Raises
        ------
        OutputError
            When the folder does not exist or is not writable.
        """
        target = Path(path)
        if not target.parent.is_dir():
            raise OutputError(f"Cannot write {str(target)!r}: folder does not exist.")
        try:
            with (
                _atomic.writing(target, ".tif") as tmp,
                rasterio.open(tmp, "w", **_gtiff_profile(self)) as dst,
            ):
                _write_band(dst, self)
        except OSError as exc:
            raise OutputError(f"Cannot write {str(target)!r}: {exc}.") from None
        return target

    @contextlib.contextmanager
    def open(self) -> Iterator[DatasetReader]:
        """Open the depth raster in memory as a rasterio dataset (for raster_exposure).

        Yields
        ------
        rasterio.io.DatasetReader
            The raster; closed when the ``with`` block ends.
        """
        with MemoryFile() as mem:
            with mem.open(**_gtiff_profile(self)) as dst:
                _write_band(dst, self)
            with mem.open() as ds:
                yield ds


def _gtiff_profile(raster: InundationRaster) -> dict:
    """Tiled (when large enough), deflate-compressed float32 GeoTIFF of the raster's grid."""
    h, w = raster.depth_m.shape
    profile = {
        "driver": "GTiff",
        "width": w,
        "height": h,
        "count": 1,
        "dtype": "float32",
        "crs": raster.crs,
        "transform": raster.transform,
        "nodata": raster.nodata,
        "compress": "deflate",
        "predictor": 3,
    }
    if h >= 256 and w >= 256:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    return profile


def _write_band(dst: rasterio.io.DatasetWriter, raster: InundationRaster) -> None:
    dst.write(raster.depth_m, 1)
    dst.update_tags(**raster.tags)
    dst.update_tags(1, units="m")
    dst.set_band_description(1, f"sea-water depth (m) at +{raster.tags.get('slr_cm', '?')} cm")
    dst.units = ("m",)


def _hazard_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "hazard", here.parent / "data" / "hazard"):
        if candidate.is_dir():
            return candidate
    raise InputFileError("The packaged hazard data (data/hazard) is missing; reinstall.")


def slr_scenarios() -> pd.DataFrame:
    """Return the shipped sea-level-rise scenarios (MONRE 2020).

    Returns
    -------
    pandas.DataFrame
        Columns ``scenario_id``, ``year``, ``slr_cm`` (rise over the 1986–2005 baseline, cm),
        ``bound`` (``low``/``high`` end of the published range), ``source``, ``note``.

    Examples
    --------
    >>> s = slr_scenarios()
    >>> s.loc[s["year"] == 2100, "slr_cm"].tolist()
    [56, 77]
    """
    path = _hazard_dir() / "slr_scenarios.csv"
    table = pd.read_csv(path, dtype={"scenario_id": str, "source": str})
    missing = [c for c in _SCENARIO_COLUMNS if c not in table.columns]
    if missing:  # pragma: no cover - guards the shipped file
        raise SchemaError(f"{path} lacks columns {missing}.")
    return table


def read_dem(
    dem: str | os.PathLike | Sequence[str | os.PathLike], *, band: int = 1
) -> tuple[np.ma.MaskedArray, Affine, CRS]:
    """Read a DEM GeoTIFF, or mosaic several tiles (Copernicus GLO-30, FABDEM) with rasterio.merge.

    Parameters
    ----------
    dem : path or sequence of paths
        One raster, or tiles on one grid and CRS to mosaic.
    band : int, default 1
        Band holding elevation in metres.

    Returns
    -------
    (numpy.ma.MaskedArray, affine.Affine, rasterio.crs.CRS)
        Elevation (float32, masked where nodata/void), its transform and CRS.

    Raises
    ------
    InputFileError
        Missing file, not a raster, or tiles of different CRSs.
    CRSError
        DEM without a CRS.

    Examples
    --------
    >>> import numpy as np, rasterio, tempfile, os
    >>> from rasterio.transform import from_origin
    >>> p = os.path.join(tempfile.mkdtemp(), "dem.tif")
    >>> with rasterio.open(p, "w", driver="GTiff", width=2, height=1, count=1, dtype="float32",
    ...                    crs="EPSG:3405", transform=from_origin(600000, 2250000, 30, 30),
    ...                    nodata=-9999) as d:
    ...     d.write(np.array([[1.5, -9999]], dtype="float32"), 1)
    >>> z, t, c = read_dem(p)
    >>> z.mask.tolist()
    [[False, True]]
    """
    paths = [dem] if isinstance(dem, (str, os.PathLike)) else list(dem)
    if not paths:
        raise InputFileError("read_dem needs at least one DEM file.")
    for p in paths:
        if not Path(p).exists():
            raise InputFileError(f"DEM file {str(p)!r} does not exist.")
    try:
        datasets = [rasterio.open(p) for p in paths]
    except rasterio.errors.RasterioIOError as exc:
        raise InputFileError(f"DEM: a file is not a raster GDAL can read ({exc}).") from None
    try:
        for ds in datasets:
            if ds.crs is None:
                raise CRSError(
                    f"DEM {ds.name!r} has no CRS. Copernicus GLO-30 and FABDEM are EPSG:4326: "
                    f"`gdal_edit.py -a_srs EPSG:4326 {Path(ds.name).name}`."
                )
        if len({ds.crs.to_wkt() for ds in datasets}) > 1:
            raise InputFileError(
                "DEM tiles are in different CRSs; warp them to one CRS (gdalwarp) first."
            )
        if len(datasets) == 1:
            ds = datasets[0]
            z = ds.read(band, masked=True).astype(np.float32)
            transform, crs = ds.transform, ds.crs
        else:
            nodata = datasets[0].nodata if datasets[0].nodata is not None else NODATA
            arr, transform = rasterio.merge.merge(datasets, indexes=[band], nodata=nodata)
            z = np.ma.masked_equal(arr[0].astype(np.float32), np.float32(nodata))
            crs = datasets[0].crs
    finally:
        for ds in datasets:
            ds.close()
    z = np.ma.masked_invalid(z)
    z = np.ma.masked_less(z, DEM_FLOOR_M)
    return z, transform, crs


def _sea_mask(
    sea: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray | None,
    z: np.ma.MaskedArray,
    transform: Affine,
    crs: CRS,
    connectivity: np.ndarray,
) -> np.ndarray:
    shape = z.shape
    if sea is None:
        # Sea = cells at or below 0 m that belong to a low region touching the raster edge.
        low = ~np.ma.getmaskarray(z) & (z.filled(np.inf) <= 0)
        labels, _ = ndimage.label(low, structure=connectivity)
        edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
        seeds = np.unique(edge[edge > 0])
        return np.isin(labels, seeds)
    if isinstance(sea, np.ndarray):
        if sea.shape != shape:
            raise SchemaError(
                f"sea mask has shape {sea.shape}, the DEM {shape}; give a boolean array on the "
                f"DEM grid or a polygon layer of the sea."
            )
        return sea.astype(bool)
    if isinstance(sea, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if sea.crs is None:
            raise CRSError("Layer 'sea' has no CRS; set it (e.g. EPSG:4326).")
        check_coordinates(sea, "sea")
        geoms = [g for g in project_checked(sea, crs).geometry if g is not None and not g.is_empty]
        if not geoms:
            raise SchemaError("Layer 'sea' is empty.")
        return rasterio.features.rasterize(
            geoms, out_shape=shape, transform=transform, fill=0, default_value=1, dtype="uint8"
        ).astype(bool)
    raise SchemaError(
        f"sea must be None, a boolean array on the DEM grid, or a polygon layer, not "
        f"{type(sea).__name__}."
    )


def inundation_depth(
    dem: str | os.PathLike | Sequence[str | os.PathLike],
    *,
    slr_cm: float,
    sea: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray | None = None,
    out_path: str | os.PathLike | None = None,
    base_level_m: float = 0.0,
    connectivity: Literal[4, 8] = 4,
    voids: Literal["barrier", "fill"] = "barrier",
    band: int = 1,
) -> InundationRaster:
    """Depth of sea water on land after a sea-level rise, counting only cells connected to the sea.

    Water level = ``base_level_m + slr_cm / 100`` in the DEM's vertical datum. A land cell is
    inundated when its elevation is below that level and it is joined to a sea cell through
    cells that are all below the level (:func:`scipy.ndimage.label` connected components,
    seeded from the sea). Depth = level − elevation.

    Parameters
    ----------
    dem : path or sequence of paths
        Elevation GeoTIFF in metres (several tiles are mosaicked, see :func:`read_dem`).
    slr_cm : float
        Sea-level rise in centimetres, e.g. from :func:`slr_scenarios`.
    sea : GeoDataFrame, GeoSeries, boolean array or None
        Where the sea is. None: DEM cells at or below 0 m in a low region that touches the
        raster edge (right for a DEM clipped with sea on one side). Land at or below 0 m joined
        to that region then counts as sea, not as flooded land, and a low inland area touching
        the edge would count as sea too: pass the sea explicitly (e.g. the ocean polygons of a
        coastline layer) in those cases.
    out_path : path, optional
        Also write the result there (tiled, deflate-compressed float32 GeoTIFF).
    base_level_m : float, default 0
        Present sea level in the DEM's datum before the rise. Copernicus/FABDEM heights are
        over EGM2008; Viet Nam's Hòn Dấu datum and high tides differ from it by decimetres —
        set e.g. a mean-high-water level here to map a high-tide case.
    connectivity : {4, 8}, default 4
        4: water passes only between cells sharing an edge (a one-cell dyke stops it); 8: also
        diagonally.
    voids : {"barrier", "fill"}, default "barrier"
        DEM voids (nodata inside the grid). "barrier": never flooded and water does not pass
        through them (nodata in the output). "fill": each void takes the elevation of the
        nearest valid cell, is flooded like any cell, and counts in the output. Either way
        the number of void cells is reported in a warning and in the ``void_cells`` tag.
    band : int, default 1
        DEM band.

    Returns
    -------
    InundationRaster
        Depth (m, float32), nodata on the sea and on voids left as barriers, 0 on dry land;
        tagged ``accuracy=approximate``, ``slr_cm``, ``water_level_m``, ``method``.

    Raises
    ------
    InputFileError, CRSError
        Unreadable DEM or DEM without CRS.
    DataCoverageError
        No sea cell in the DEM (nothing can flood from anywhere).
    SchemaError
        Bad ``slr_cm``, ``connectivity``, ``voids`` or ``sea``.

    Examples
    --------
    A sea column, a channel at 0.1 m joined to it, and a basin at 0.1 m behind a 3 m ridge:

    >>> import numpy as np, rasterio, tempfile, os
    >>> from rasterio.transform import from_origin
    >>> z = np.array([[-1, 0.2, 0.5, 3, 0.1],
    ...               [-1, 0.1, 0.1, 3, 0.1]], dtype="float32")
    >>> p = os.path.join(tempfile.mkdtemp(), "dem.tif")
    >>> with rasterio.open(p, "w", driver="GTiff", width=5, height=2, count=1,
    ...                    dtype="float32", crs="EPSG:3405",
    ...                    transform=from_origin(600000, 2250000, 30, 30)) as d:
    ...     d.write(z, 1)
    >>> r = inundation_depth(p, slr_cm=30)
    >>> np.round(r.depth_m.astype(float), 2).tolist()
    [[-9999.0, 0.1, 0.0, 0.0, 0.0], [-9999.0, 0.2, 0.2, 0.0, 0.0]]
    """
    _check_options(slr_cm, connectivity, voids)
    structure = ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)
    z, transform, crs = read_dem(dem, band=band)
    elev, void, passable = _elevation(z, voids)
    sea_mask = _sea_cells(sea, elev, passable, transform, crs, structure)
    level = float(base_level_m) + float(slr_cm) / 100.0
    below = passable & np.where(np.isnan(elev), False, elev < level)
    flooded = _connected_to_sea(below, sea_mask, structure)
    depth = _depth(elev, level, flooded, nodata=sea_mask | void if voids == "barrier" else sea_mask)
    n_void = int(void.sum())
    if n_void:
        _warn_voids(n_void, void.size, voids)
    tags = {
        **_tags(slr_cm, base_level_m, level, connectivity=connectivity, voids=voids),
        "void_cells": str(n_void),
        "low_unconnected_cells": str(int((below & ~flooded & ~sea_mask).sum())),
        "sea": "given" if sea is not None else "cells <= 0 m touching the raster edge",
        "units": "m",
    }
    result = InundationRaster(depth_m=depth, transform=transform, crs=crs, tags=tags)
    if out_path is not None:
        result = dataclasses.replace(result, path=result.write(out_path))
    return result


def _depth(
    elev: np.ndarray, level: float, flooded: np.ndarray, *, nodata: np.ndarray
) -> np.ndarray:
    """Fill the depth grid: water on flooded cells (float32), 0 on dry land, nodata where asked."""
    depth = np.zeros(elev.shape, dtype=np.float32)
    depth[flooded] = (level - elev[flooded]).astype(np.float32)
    depth[nodata] = NODATA
    return depth


def _check_options(slr_cm: float, connectivity: int, voids: str) -> None:
    if not np.isfinite(slr_cm) or not -100 <= slr_cm <= 1000:
        raise SchemaError(f"slr_cm must be a rise in centimetres (0–1000), not {slr_cm!r}.")
    if connectivity not in (4, 8):
        raise SchemaError(f"connectivity must be 4 or 8, not {connectivity!r}.")
    if voids not in ("barrier", "fill"):
        raise SchemaError(f"voids must be 'barrier' or 'fill', not {voids!r}.")


def _sea_cells(
    sea: gpd.GeoDataFrame | gpd.GeoSeries | np.ndarray | None,
    elev: np.ndarray,
    passable: np.ndarray,
    transform: Affine,
    crs: CRS,
    structure: np.ndarray,
) -> np.ndarray:
    """Find the sea cells water can spread from; refuse a DEM without any."""
    sea_mask = _sea_mask(sea, np.ma.masked_array(elev, mask=~passable), transform, crs, structure)
    sea_mask &= passable
    if not sea_mask.any():
        where = (
            "the sea given covers none of its cells"
            if sea is not None
            else "no cell at or below 0 m touches the raster edge"
        )
        raise DataCoverageError(
            f"The DEM has no sea cell: {where}. Pass the sea: sea= (a polygon layer of the sea, "
            f"or a boolean mask on the DEM grid); from the command line, --sea FILE (polygons "
            f"of the sea), with a DEM that reaches the sea."
        )
    return sea_mask


def _tags(
    slr_cm: float, base_level_m: float, level: float, *, connectivity: int, voids: str
) -> dict[str, str]:
    return {
        "accuracy": "approximate",
        "slr_cm": f"{float(slr_cm):g}",
        "water_level_m": f"{level:g}",
        "base_level_m": f"{float(base_level_m):g}",
        "method": (
            f"connected bathtub: land below the water level and {connectivity}-connected to the "
            f"sea (scipy.ndimage.label); no tides, surge, waves or drainage"
        ),
        "voids": voids,
    }


def _elevation(z: np.ma.MaskedArray, voids: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Elevation (float32, voids filled when asked), the void mask and where water may pass."""
    void = np.ma.getmaskarray(z).copy()
    if void.all():
        raise DataCoverageError("The DEM holds only nodata; nothing to flood.")
    elev = z.filled(np.nan).astype(np.float32)
    if void.any() and voids == "fill":
        _, (iy, ix) = ndimage.distance_transform_edt(void, return_indices=True)
        elev = elev[iy, ix]
    passable = ~void if voids == "barrier" else np.ones_like(void)
    return elev, void, passable


def _connected_to_sea(below: np.ndarray, sea_mask: np.ndarray, structure: np.ndarray) -> np.ndarray:
    """Land cells below the level joined to the sea through cells below the level."""
    labels, _ = ndimage.label(below | sea_mask, structure=structure)
    wet_labels = np.unique(labels[sea_mask])
    wet_labels = wet_labels[wet_labels > 0]
    return np.isin(labels, wet_labels) & ~sea_mask & below


def _warn_voids(n_void: int, n_cells: int, voids: str) -> None:
    handled = (
        "left dry and impassable (nodata in the output)"
        if voids == "barrier"
        else "filled with the elevation of the nearest valid cell"
    )
    warnings.warn(
        f"The DEM has {n_void} void cells ({n_void / n_cells:.2%}); they were {handled}. "
        f"A void across a channel can cut the sea off from land behind it.",
        UserWarning,
        stacklevel=3,
    )
