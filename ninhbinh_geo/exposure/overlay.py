"""Overlay of site footprints on flood-depth rasters: :func:`raster_exposure`.

Areas are those of the package's metric CRS (planar EPSG:3405 by default, the same measure as
``crs.to_metric(...).area``; within 0.1 % of ground area in the province), reported in
hectares: cells of a raster in another projection are corrected by the ratio of the two
projections' areal scale factors at the site (Web Mercator cells are 13 % too large here),
cells of a geographic (lon/lat) raster get their ellipsoidal area row by row. No area is ever
taken in degrees.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import shapely

from .._errors import DataCoverageError, SchemaError, first_ids
from ..crs import METRIC_CRS, STORAGE_CRS, assert_metric, project_checked
from .cells import _footprint_area_and_cell_factor
from .classes import DEFAULT_BREAKS_M, _check_breaks, _class_columns
from .extract import MAX_CELLS_IN_MEMORY, _footprint_sums, _level
from .rasters import (
    HazardInput,
    _check_depth_range,
    _check_raster,
    _hazard_specs,
    _open_raster,
    _raster_accuracy,
    _raster_units,
)
from .sites import _check_sites

__all__ = ["FULL_COVERAGE", "raster_exposure"]

#: Coverage below this share of a footprint triggers the partial-coverage warning (the margin
#: absorbs rounding of exact areas, about 1e-9).
FULL_COVERAGE = 0.999

_STRATEGIES = ("auto", "feature-sequential", "raster-sequential")


def raster_exposure(
    sites: gpd.GeoDataFrame,
    hazards: HazardInput | Sequence[HazardInput] | Mapping[Any, HazardInput],
    *,
    breaks_m: Sequence[float] = DEFAULT_BREAKS_M,
    units: Literal["m", "cm"] | None = None,
    band: int = 1,
    nodata: float | None = None,
    nodata_as_dry: bool = False,
    strategy: Literal["auto", "feature-sequential", "raster-sequential"] = "auto",
    max_cells_in_memory: int = MAX_CELLS_IN_MEMORY,
    metric_crs: str = METRIC_CRS,
) -> gpd.GeoDataFrame:
    """Measure flooded area and depth of every site footprint on one or more depth rasters.

    Each cell counts with the exact fraction of it the footprint covers (exactextract), and
    with its area in m² of ``metric_crs`` (see the module notes), so small footprints on
    coarse grids are measured without the all-or-nothing error of cell-centre methods. The
    footprints are reprojected to each raster's CRS; the hazard grid is never resampled.
    Rasters are read window by window (one footprint or one chunk at a time), never whole,
    and the sums are made in C++: no cell is handed to Python one by one.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site layer with ``site_id`` and polygon footprints, in any CRS.
    hazards : path, rasterio dataset, list of paths, or dict
        Flood-depth rasters (depth of water above ground, in metres unless ``units``). A list
        labels each raster by its file name and reads its return period from it (Aqueduct
        ``..._rp00100.tif``, Fathom ``FU-1in100.tif``; see :func:`parse_return_period`). A dict
        maps a label (str; return period parsed from the label, else the file name) or a
        return period in years (number; label ``rp<T>``) to a raster.
    breaks_m : sequence of float, default (0.1, 0.5, 1, 2)
        Lower bounds of the depth classes in metres; a cell is exposed at depth >= the first.
    units : {"m", "cm"}, optional
        Units of the raster values. Default: the band's declared unit if it is cm, else m.
    band : int, default 1
        Band holding depth.
    nodata : float, optional
        Nodata value to use when the raster does not declare one (or declares a wrong one).
    nodata_as_dry : bool, default False
        Treat nodata cells inside the raster as dry land (depth 0) — for products that store
        only wet cells. Otherwise they are left out and lower ``coverage_share``.
    strategy : {"auto", "feature-sequential", "raster-sequential"}, default "auto"
        exactextract processing strategy; "auto" takes raster-sequential from
        ``RASTER_SEQUENTIAL_FROM`` (400) footprints on, where reading each block once pays.
        Footprints go to exactextract in batches of ``FOOTPRINTS_PER_BATCH`` (5,000). From
        2,000 footprints on (raster-sequential), on Linux, they are split north to south over
        forked processes, one per core that other programs leave idle (at most
        ``exposure.workers.PROCESSES``, 4), each summing its band of the raster: the same
        numbers, in about 0.75 of the time on 2 idle cores, for about 1.2-1.4 times the CPU.
    max_cells_in_memory : int, default 4,000,000
        Largest raster chunk exactextract may hold (raster-sequential) or read per footprint.
    metric_crs : str, default "EPSG:3405"
        Projected CRS in metres whose planar areas are reported.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, footprint geometry, one row per (site, hazard), hazards in the given order;
        the index repeats the site index once per hazard. Columns: ``site_id``, ``hazard``
        (label), ``return_period`` (years, NaN if unknown), ``exposed_ha`` (area with depth >=
        first break), ``exposed_share`` (of the area the raster covers with data),
        ``class_<lo>_<hi>_ha`` (area per depth class; they sum to ``exposed_ha``),
        ``mean_depth_m`` (area-weighted mean depth over the exposed part; NaN when nothing is
        exposed), ``max_depth_m`` (deepest cell the footprint touches), ``coverage_share``
        (share of the footprint with raster data, 1 = fully covered), ``accuracy`` (the
        raster's ``accuracy`` metadata tag, default ``approximate``) and ``reason`` (why a
        value is NaN or partial, else empty).

    Raises
    ------
    SchemaError
        Bad site layer or breaks; depths that look like centimetres (> 50) or an undeclared
        nodata value (< -1 m).
    CRSError
        Sites or raster without a CRS.
    InputFileError
        A path that does not exist or is not a raster.
    DataCoverageError
        A raster that misses every site, or holds only nodata over them.

    Warns
    -----
    UserWarning
        When a raster covers a footprint only in part (``coverage_share`` < 1).

    Examples
    --------
    >>> import numpy as np, rasterio, tempfile, os, geopandas as gpd
    >>> from rasterio.transform import from_origin
    >>> from shapely.geometry import box
    >>> path = os.path.join(tempfile.mkdtemp(), "FU-1in100.tif")
    >>> depth = np.array([[0.0, 0.3], [0.8, 2.5]], dtype="float32")
    >>> with rasterio.open(path, "w", driver="GTiff", width=2, height=2, count=1,
    ...                    dtype="float32", crs="EPSG:3405", nodata=-9999,
    ...                    transform=from_origin(600000, 2250020, 10, 10)) as dst:
    ...     dst.write(depth, 1)
    >>> sites = gpd.GeoDataFrame({"site_id": ["CCN-A"]},
    ...     geometry=[box(600000, 2250000, 600020, 2250020)], crs=3405)
    >>> out = raster_exposure(sites, [path])
    >>> out[["hazard", "return_period", "exposed_ha", "class_2_inf_ha"]].round(2).to_dict("records")
    [{'hazard': 'FU-1in100', 'return_period': 100.0, 'exposed_ha': 0.03, 'class_2_inf_ha': 0.01}]
    """
    breaks = _check_breaks(breaks_m)
    if strategy not in _STRATEGIES:
        raise SchemaError(
            f"strategy must be 'auto', 'feature-sequential' or 'raster-sequential', not "
            f"{strategy!r}."
        )
    metric = assert_metric(metric_crs)
    sites = _check_sites(sites)
    specs = _hazard_specs(hazards)
    options = {"breaks": breaks, "units": units, "nodata": nodata, "nodata_as_dry": nodata_as_dry}
    options |= {"strategy": strategy, "max_cells_in_memory": max_cells_in_memory}
    return _exposure_table(sites, specs, band=band, metric_crs=metric, **options)


def _exposure_table(
    sites: gpd.GeoDataFrame,
    specs: list[tuple[str, float, HazardInput]],
    *,
    band: int,
    **options: Any,
) -> gpd.GeoDataFrame:
    """Build the table of :func:`raster_exposure` from checked sites and hazard specs."""
    footprints = sites[[sites.geometry.name]]
    storage = project_checked(footprints, STORAGE_CRS)
    site_ids = sites["site_id"].reset_index(drop=True)
    in_crs: dict[str, np.ndarray] = {}  # footprints in each raster CRS met, reprojected once
    frames = []
    for label, rp, src in specs:
        ds, close = _open_raster(src, label)
        try:
            _check_raster(ds, label, band)
            crs = pyproj.CRS.from_user_input(ds.crs)
            geoms = _footprints_in(footprints, crs, in_crs)
            stats = _one_hazard(geoms, site_ids, ds, crs, label=label, band=band, **options)
            accuracy = _raster_accuracy(ds, band)
        finally:
            if close:
                ds.close()
        stats.index = sites.index
        stats.insert(0, "return_period", rp)
        stats.insert(0, "hazard", label)
        stats.insert(0, "site_id", sites["site_id"].to_numpy())
        reason = stats.pop("reason")
        stats["accuracy"] = accuracy
        stats["reason"] = reason
        stats["geometry"] = storage.geometry.to_numpy()
        frames.append(stats)
    out = pd.concat(frames)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=storage.crs)


def _footprints_in(
    footprints: gpd.GeoDataFrame, crs: pyproj.CRS, done: dict[str, np.ndarray]
) -> np.ndarray:
    """Return the footprints in ``crs`` (array of geometries), reprojected once per CRS."""
    key = crs.to_wkt()
    if key not in done:
        same = pyproj.CRS.from_user_input(footprints.crs) == crs
        moved = footprints if same else project_checked(footprints, crs)
        done[key] = np.asarray(moved.geometry.values, dtype=object)
    return done[key]


def _one_hazard(
    geoms: np.ndarray,
    site_ids: pd.Series,
    ds: rasterio.io.DatasetReader,
    crs: pyproj.CRS,
    *,
    label: str,
    band: int,
    breaks: list[float],
    units: str | None,
    nodata: float | None,
    nodata_as_dry: bool,
    strategy: str,
    max_cells_in_memory: int,
    metric_crs: pyproj.CRS,
) -> pd.DataFrame:
    """Exposure of the footprints ``geoms`` on one checked raster, whose CRS is ``crs``."""
    touches = shapely.intersects(geoms, shapely.box(*ds.bounds))
    if not touches.any():
        b = ds.bounds
        raise DataCoverageError(
            f"Hazard raster '{label}' covers x {b.left:.4f}..{b.right:.4f}, y "
            f"{b.bottom:.4f}..{b.top:.4f} ({crs.to_string()}), which misses every one of the "
            f"{len(geoms)} sites (e.g. {first_ids(site_ids)}). Use a raster of Ninh Bình "
            f"province (lon 105.5–106.7, lat 19.8–20.8) or check the raster's CRS."
        )
    unit_name = _raster_units(ds, band, units)
    sums = _footprint_sums(
        ds,
        band,
        geoms,
        touches,
        crs=crs,
        breaks=breaks,
        per_metre=100.0 if unit_name == "cm" else 1.0,
        nodata=nodata,
        nodata_as_dry=nodata_as_dry,
        strategy=strategy,
        max_cells_in_memory=max_cells_in_memory,
    )
    if np.isfinite(sums["vmax"]).any():
        wet = float(sum(sums[_level(0)]))
        mean = float(sum(sums["depth_sum"])) / wet if wet > 0 else np.nan
        _check_depth_range(np.nanmin(sums["vmin"]), np.nanmax(sums["vmax"]), label, unit_name, mean)
    footprint_m2, factor = _footprint_area_and_cell_factor(geoms, crs, metric_crs)
    covered = sums["covered"] * factor
    if covered.sum() == 0:
        raise DataCoverageError(
            f"Hazard raster '{label}' holds only nodata over the {int(touches.sum())} sites it "
            f"reaches (e.g. {first_ids(site_ids[touches])}). If nodata means 'not flooded' in "
            f"this product, pass nodata_as_dry=True; otherwise use a raster with values here."
        )
    # area at or above each break, then each class as the difference of two nested areas
    at_least = np.column_stack([sums[_level(j)] * factor for j in range(len(breaks))])
    class_m2 = at_least - np.column_stack([at_least[:, 1:], np.zeros(len(geoms))])
    exposed_m2 = class_m2.sum(axis=1)
    depth_sum = sums["depth_sum"] * factor
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage_share = np.clip(covered / footprint_m2, 0.0, 1.0)
        exposed_share = np.where(covered > 0, exposed_m2 / covered, np.nan)
        mean_depth = np.where(exposed_m2 > 0, depth_sum / exposed_m2, np.nan)
    reason = _reasons(covered, coverage_share, exposed_m2, touches, site_ids, label, breaks[0])
    nan_missing = np.where(covered == 0, np.nan, 1.0)
    frame = {"exposed_ha": exposed_m2 / 1e4 * nan_missing, "exposed_share": exposed_share}
    for k, col in enumerate(_class_columns(breaks)):
        frame[col] = class_m2[:, k] / 1e4 * nan_missing
    frame["mean_depth_m"] = mean_depth
    frame["max_depth_m"] = sums["vmax"]
    frame["coverage_share"] = coverage_share
    frame["reason"] = reason
    return pd.DataFrame(frame)


def _reasons(
    covered: np.ndarray,
    coverage_share: np.ndarray,
    exposed_m2: np.ndarray,
    touches: np.ndarray,
    site_ids: pd.Series,
    label: str,
    first_break: float,
) -> np.ndarray:
    """Why a site's values are NaN or partial; warns once for partly covered sites."""
    reason = np.full(len(covered), "", dtype=object)
    no_data = covered == 0
    reason[no_data & ~touches] = "raster does not reach this footprint"
    reason[no_data & touches] = "raster holds only nodata over this footprint"
    partial = ~no_data & (coverage_share < FULL_COVERAGE)
    for i in np.flatnonzero(partial):
        reason[i] = (
            f"raster covers {coverage_share[i]:.0%} of the footprint; areas are for that part"
        )
    dry = ~no_data & (exposed_m2 == 0)
    dry_text = f"no cell at or above {first_break:g} m: mean depth undefined"
    for i in np.flatnonzero(dry):
        reason[i] = f"{reason[i]}; {dry_text}" if reason[i] else dry_text
    if partial.any() or no_data.any():
        parts = []
        if partial.any():
            parts.append(f"covers only part of sites {first_ids(site_ids[partial])}")
        if no_data.any():
            parts.append(f"has no data for sites {first_ids(site_ids[no_data])}")
        warnings.warn(
            f"Hazard raster '{label}' {' and '.join(parts)}: coverage_share < 1 and exposed_ha "
            f"counts the covered part only. See the 'reason' column.",
            UserWarning,
            stacklevel=4,
        )
    return reason
