"""Depth classes of a raster traced as polygons: the map's hazard layer (:func:`depth_zones`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.features
import shapely
import shapely.geometry

from .._errors import DataCoverageError, SchemaError
from ..crs import METRIC_CRS, STORAGE_CRS, check_coordinates, project_checked
from .classes import DEFAULT_BREAKS_M, _check_breaks, _fmt_break
from .rasters import (
    HazardInput,
    _check_raster,
    _hazard_specs,
    _open_raster,
    _raster_accuracy,
    _raster_units,
)

__all__ = ["MAX_ZONE_CELLS", "depth_zones"]

#: Largest raster :func:`depth_zones` vectorises (it reads the raster whole to trace shapes).
MAX_ZONE_CELLS = 25_000_000


def depth_zones(
    hazard: HazardInput | Mapping[Any, HazardInput],
    *,
    breaks_m: Sequence[float] = DEFAULT_BREAKS_M,
    units: Literal["m", "cm"] | None = None,
    band: int = 1,
    max_cells: int = MAX_ZONE_CELLS,
) -> gpd.GeoDataFrame:
    """Trace the depth classes of one depth raster as polygons (the map's hazard layer).

    Cells are classed by ``breaks_m`` exactly as in
    :func:`~ninhbinh_geo.exposure.raster_exposure` and traced with
    :func:`rasterio.features.shapes`, one (multi)polygon per class. Cell edges are kept (no
    smoothing). Unlike :func:`~ninhbinh_geo.exposure.raster_exposure` this reads the raster
    whole, so it is meant for display-sized grids such as the packaged illustrative layer
    (349,000 cells).

    Parameters
    ----------
    hazard : path, rasterio dataset, or one-item dict
        The depth raster; a dict ``{label or return period: path}`` names it as in
        :func:`~ninhbinh_geo.exposure.raster_exposure`.
    breaks_m : sequence of float, default (0.1, 0.5, 1, 2)
        Lower bounds of the depth classes in metres.
    units : {"m", "cm"}, optional
        Units of the raster values (default: declared unit if cm, else m).
    band : int, default 1
        Band holding depth.
    max_cells : int, default 25,000,000
        Refuse larger rasters (clip or resample them for display first).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per depth class present: ``hazard``, ``return_period``,
        ``depth_m`` (lower bound of the class), ``depth_max_m`` (upper bound, inf for the last),
        ``depth_class`` (e.g. ``"0.5-1 m"``), ``area_ha`` (in EPSG:3405) and ``accuracy``.

    Raises
    ------
    InputFileError, CRSError
        Unreadable raster, raster without CRS, or coordinates that do not fit its CRS.
    DataCoverageError
        A raster larger than ``max_cells``.

    Examples
    --------
    >>> from ninhbinh_geo.exposure import illustrative_hazard_paths
    >>> zones = depth_zones({100: illustrative_hazard_paths()[100]})
    >>> zones[["depth_class", "accuracy"]].iloc[0].tolist()
    ['0.1-0.5 m', 'illustrative']
    """
    breaks = _check_breaks(breaks_m)
    specs = _hazard_specs(hazard)
    if len(specs) != 1:
        raise SchemaError(f"depth_zones traces one raster at a time; got {len(specs)}.")
    label, rp, src = specs[0]
    ds, close = _open_raster(src, label)
    try:
        _check_raster(ds, label, band)
        if ds.width * ds.height > max_cells:
            raise DataCoverageError(
                f"Hazard raster '{label}' has {ds.width * ds.height:,} cells, more than "
                f"max_cells={max_cells:,} for tracing zones. Resample it for display first, "
                f"e.g. `gdalwarp -tr 100 100 -r max in.tif display.tif`."
            )
        geoms = _trace_classes(ds, band, breaks, _raster_units(ds, band, units))
        crs = ds.crs
        accuracy = _raster_accuracy(ds, band)
    finally:
        if close:
            ds.close()
    uppers = [*breaks[1:], math.inf]
    rows = [
        {
            "hazard": label,
            "return_period": rp,
            "depth_m": breaks[k],
            "depth_max_m": uppers[k],
            "depth_class": f"{_fmt_break(breaks[k])}-{_fmt_break(uppers[k])} m",
            "accuracy": accuracy,
            "geometry": shapely.union_all(geoms[k]),
        }
        for k in sorted(geoms)
    ]
    columns = ["hazard", "return_period", "depth_m", "depth_max_m", "depth_class", "accuracy"]
    zones = gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=crs)
    # the traced layer enters here: its coordinates are checked once, then reprojected twice
    check_coordinates(zones, "hazard zones")
    zones.insert(5, "area_ha", project_checked(zones, METRIC_CRS).area.to_numpy() / 1e4)
    return project_checked(zones, STORAGE_CRS)


def _trace_classes(
    ds: rasterio.io.DatasetReader, band: int, breaks: list[float], unit_name: str
) -> dict[int, list[shapely.Geometry]]:
    """Polygons of the cells of each depth class (index into ``breaks``), the raster read whole."""
    data = ds.read(band, masked=True).astype(np.float64)
    scale = 0.01 if unit_name == "cm" else 1.0
    depth = data.filled(np.nan) * scale
    cls = np.searchsorted(np.asarray(breaks), np.nan_to_num(depth, nan=-np.inf), side="right")
    cls = (cls - 1).astype(np.int16)
    shapes = rasterio.features.shapes(cls, mask=cls >= 0, transform=ds.transform)
    geoms: dict[int, list[shapely.Geometry]] = {}
    for geom, value in shapes:
        geoms.setdefault(int(value), []).append(shapely.geometry.shape(geom))
    return geoms
