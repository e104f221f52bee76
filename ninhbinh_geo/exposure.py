"""Flood exposure of site footprints: depth rasters and vector hazard zones.

:func:`raster_exposure` measures, for every site footprint and every hazard raster, how much of
the footprint is flooded and how deep, with cells weighted by the exact fraction the polygon
covers (exactextract). :func:`expected_annual_exposure` integrates exposed area over annual
exceedance probability. :func:`zone_exposure` measures the area of each site inside vector
hazard zones (flood zones, coastal zones, dyke or river corridors). :func:`depth_zones` traces
the depth classes of a raster as polygons for maps, and :func:`illustrative_hazard_paths`
returns the packaged ILLUSTRATIVE proxy rasters (``data/hazard/SOURCES.md``).

Areas are those of the package's metric CRS (planar EPSG:3405 by default, the same measure as
``crs.to_metric(...).area``; within 0.1 % of ground area in the province), reported in
hectares: cells of a raster in another projection are corrected by the ratio of the two
projections' areal scale factors at the site (Web Mercator cells are 13 % too large here),
cells of a geographic (lon/lat) raster get their ellipsoidal area row by row. No area is ever
taken in degrees.

Depth classes
-------------
``breaks_m=(0.1, 0.5, 1, 2)`` (the default) makes the classes ``[0.1, 0.5)``, ``[0.5, 1)``,
``[1, 2)`` and ``[2, inf)`` metres, reported in columns ``class_0.1_0.5_ha``,
``class_0.5_1_ha``, ``class_1_2_ha`` and ``class_2_inf_ha`` (bounds written with ``%g``;
see :func:`class_columns`). A cell is *exposed* when its depth is at least the first break;
the class areas sum to ``exposed_ha``.
"""

from __future__ import annotations

import itertools
import math
import os
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import rasterio
import rasterio.features
import shapely
import shapely.geometry
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import RasterSource
from rasterio.enums import MaskFlags
from rasterio.windows import Window

from ._errors import CRSError, DataCoverageError, InputFileError, SchemaError, first_ids
from ._provenance import ACCURACY_CLASSES
from .crs import METRIC_CRS, assert_metric, check_coordinates, to_metric, to_storage

__all__ = [
    "DEFAULT_BREAKS_M",
    "class_columns",
    "depth_zones",
    "expected_annual_exposure",
    "illustrative_hazard_paths",
    "parse_return_period",
    "raster_exposure",
    "zone_exposure",
]

#: Depth class breaks in metres. 0.1 m is where flood water starts to matter for buildings and
#: stock; 0.5, 1 and 2 m are the usual steps of depth-damage curves (e.g. JRC, Huizinga et al.
#: 2017) and of Aqueduct/Fathom map legends.
DEFAULT_BREAKS_M: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0)
#: No river or coastal flood of the Red River Delta comes near 50 m of water: a raster whose
#: values over the sites exceed this is almost certainly in centimetres.
CM_SUSPECT_DEPTH_M = 50.0
#: Depths below this are not water but an undeclared nodata value such as -9999 or -32768.
UNDECLARED_NODATA_BELOW_M = -1.0
#: From this many footprints on, exactextract's raster-sequential strategy (each block read and
#: decompressed once) beats feature-sequential. benchmarks/exposure.py, 20 M-cell raster, tiled
#: 256 deflate, cold cache: 115 footprints 0.52 s feature- vs 0.72 s raster-sequential; 300:
#: 0.49 vs 0.59 s; 500: 0.57 vs 0.49 s; 1,000: 1.49 vs 0.96 s; 10,000: 8.95 vs 6.66 s.
RASTER_SEQUENTIAL_FROM = 400
#: Cells per raster chunk held in memory by the raster-sequential strategy (16 MB of float32):
#: small enough never to load a province raster whole, large enough to keep reads few.
MAX_CELLS_IN_MEMORY = 4_000_000
#: Coverage below this share of a footprint triggers the partial-coverage warning (the margin
#: absorbs rounding of exact areas, about 1e-9).
FULL_COVERAGE = 0.999

_AQUEDUCT_RP = re.compile(r"(?:^|[_\-.])rp(\d+)(?:_(\d+))?(?=$|[_\-.])", re.IGNORECASE)
_FATHOM_RP = re.compile(r"1in(\d+(?:\.\d+)?)", re.IGNORECASE)
_GENERIC_RP = re.compile(r"(?:^|[_\-.])(?:rp|t)[_\-]?(\d+(?:\.\d+)?)(?=$|[_\-.]|y)", re.IGNORECASE)

HazardInput = str | os.PathLike | rasterio.io.DatasetReader


# --------------------------------------------------------------------------------------------
# names and return periods


def _fmt_break(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:g}"


def class_columns(breaks_m: Sequence[float] = DEFAULT_BREAKS_M) -> list[str]:
    """Return the names of the depth-class columns for ``breaks_m``.

    Parameters
    ----------
    breaks_m : sequence of float, default (0.1, 0.5, 1, 2)
        Increasing lower bounds of the depth classes, in metres; the last class is open.

    Returns
    -------
    list of str
        ``class_<lo>_<hi>_ha`` with bounds formatted by ``%g`` and ``inf`` for the last class.

    Examples
    --------
    >>> class_columns()
    ['class_0.1_0.5_ha', 'class_0.5_1_ha', 'class_1_2_ha', 'class_2_inf_ha']
    >>> class_columns([0.3, 1.5])
    ['class_0.3_1.5_ha', 'class_1.5_inf_ha']
    """
    b = _check_breaks(breaks_m)
    uppers = [*b[1:], math.inf]
    return [f"class_{_fmt_break(lo)}_{_fmt_break(hi)}_ha" for lo, hi in zip(b, uppers, strict=True)]


def _check_breaks(breaks_m: Sequence[float]) -> list[float]:
    b = [float(x) for x in breaks_m]
    if (
        not b
        or any(not math.isfinite(x) for x in b)
        or any(lo >= hi for lo, hi in itertools.pairwise(b))
    ):
        raise SchemaError(
            f"breaks_m must be a non-empty, strictly increasing list of finite depths in metres, "
            f"e.g. (0.1, 0.5, 1, 2); got {list(breaks_m)!r}."
        )
    if b[0] <= 0:
        raise SchemaError(
            f"The first depth break must be above 0 m (it is the depth from which a cell counts "
            f"as flooded); got {b[0]!r}. Use e.g. 0.01 for 'any water'."
        )
    return b


def parse_return_period(name: str) -> float | None:
    """Read a return period in years from a hazard file name or label.

    Understands Aqueduct names (``..._rp00100.tif``, coastal ``..._rp0001_5...`` = 1.5 years),
    Fathom names (``FU-1in100.tif``) and plain labels (``rp100``, ``RP_25``, ``T50``).

    Parameters
    ----------
    name : str
        File name, path or label.

    Returns
    -------
    float or None
        Return period in years, or None when the name carries none.

    Examples
    --------
    >>> parse_return_period("inunriver_historical_000000000WATCH_1980_rp00100.tif")
    100.0
    >>> parse_return_period("inuncoast_historical_nosub_hist_rp0001_5.tif")
    1.5
    >>> parse_return_period("FU-1in100.tif"), parse_return_period("rp25"), parse_return_period("x")
    (100.0, 25.0, None)
    """
    stem = Path(str(name)).name
    stem = re.sub(r"\.(tif|tiff|vrt|nc|img)$", "", stem, flags=re.IGNORECASE)
    m = _AQUEDUCT_RP.search(stem)
    if m and len(m.group(1)) >= 4:
        # Aqueduct pads to 4 (coastal, with a decimal part after "_") or 5 digits (river).
        whole = float(m.group(1))
        dec = m.group(2)
        return whole + (float(f"0.{dec}") if dec and len(dec) <= 2 else 0.0)
    m = _FATHOM_RP.search(stem)
    if m:
        return float(m.group(1))
    m = _GENERIC_RP.search(stem)
    if m:
        return float(m.group(1))
    return None


# --------------------------------------------------------------------------------------------
# input checks


def _check_sites(sites: gpd.GeoDataFrame, layer: str = "sites") -> gpd.GeoDataFrame:
    """Validate the site layer and return it with valid polygonal geometries."""
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' must be a GeoDataFrame of site footprints, not "
            f"{type(sites).__name__}. Load it with ninhbinh_geo.datasets or geopandas.read_file."
        )
    check_coordinates(sites, layer)
    if "site_id" not in sites.columns:
        raise SchemaError(
            f"Layer '{layer}' has no column 'site_id' (columns: {list(sites.columns)[:12]}). "
            f"Add a unique identifier per site, e.g. sites['site_id'] = sites.index.astype(str)."
        )
    ids = sites["site_id"]
    if ids.isna().any():
        raise SchemaError(
            f"Layer '{layer}', column 'site_id' is empty in rows "
            f"{first_ids(sites.index[ids.isna()])}. Give every site an identifier."
        )
    dup = ids[ids.duplicated(keep=False)]
    if not dup.empty:
        raise SchemaError(
            f"Layer '{layer}', column 'site_id' is not unique: {first_ids(dup.unique())}. "
            f"Each footprint must have its own id."
        )
    geom = sites.geometry
    bad = geom.isna() | geom.is_empty | ~geom.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        kinds = sorted(set(geom[bad].geom_type.fillna("missing")))
        raise SchemaError(
            f"Layer '{layer}' needs polygon footprints, but sites {first_ids(ids[bad])} have "
            f"{', '.join(kinds)} geometries. Points have no area: draw or buffer a footprint "
            f"(and mark it footprint_accuracy='illustrative')."
        )
    invalid = ~geom.is_valid
    if invalid.any():
        warnings.warn(
            f"Layer '{layer}': footprints of sites {first_ids(ids[invalid])} are invalid "
            f"(self-intersecting); they were repaired with shapely.make_valid before measuring.",
            UserWarning,
            stacklevel=3,
        )
        sites = sites.copy()
        repaired = shapely.make_valid(geom[invalid].values)
        sites.loc[invalid, sites.geometry.name] = [
            _polygonal_part(g) for g in np.asarray(repaired, dtype=object)
        ]
    return sites


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _open_raster(src: HazardInput, label: str) -> tuple[rasterio.io.DatasetReader, bool]:
    """Open ``src`` (path or open dataset); return the dataset and whether we must close it."""
    if isinstance(src, rasterio.io.DatasetReaderBase):
        if src.closed:
            raise InputFileError(f"Hazard raster '{label}' is a closed dataset; open it again.")
        return src, False
    if not isinstance(src, (str, os.PathLike)):
        raise InputFileError(
            f"Hazard '{label}' must be a path to a GeoTIFF (or any raster GDAL reads) or an open "
            f"rasterio dataset, not {type(src).__name__}."
        )
    path = Path(src)
    if not str(src).startswith(("/vsi", "http://", "https://")) and not path.exists():
        raise InputFileError(f"Hazard raster '{label}': file {str(path)!r} does not exist.")
    try:
        ds = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputFileError(
            f"Hazard raster '{label}': {str(path)!r} is not a raster GDAL can read ({exc}). "
            f"Give a GeoTIFF of flood depth in metres (Aqueduct, Fathom, or sealevel output)."
        ) from None
    return ds, True


def _check_raster(ds: rasterio.io.DatasetReader, label: str, band: int) -> None:
    if ds.crs is None:
        raise CRSError(
            f"Hazard raster '{label}' ({ds.name}) has no CRS, so the sites cannot be placed on "
            f"it. Assign the CRS the grid is in, e.g. `gdal_edit.py -a_srs EPSG:4326 file.tif` "
            f"(Aqueduct and Fathom grids are EPSG:4326)."
        )
    if not 1 <= band <= ds.count:
        raise InputFileError(
            f"Hazard raster '{label}' has {ds.count} band(s); band={band} does not exist."
        )
    t = ds.transform
    if t.b != 0 or t.d != 0:
        raise InputFileError(
            f"Hazard raster '{label}' has a rotated grid, which exactextract cannot read. Warp "
            f"it north-up first: `gdalwarp in.tif out.tif`."
        )


def _raster_accuracy(ds: rasterio.io.DatasetReader, band: int) -> str:
    for tags in (ds.tags(band), ds.tags()):
        value = str(tags.get("accuracy", tags.get("ACCURACY", ""))).strip().lower()
        if value in ACCURACY_CLASSES:
            return value
    return "approximate"


def _raster_units(ds: rasterio.io.DatasetReader, band: int, units: str | None) -> str:
    if units is not None:
        if units not in ("m", "cm"):
            raise SchemaError(f"units must be 'm' or 'cm', not {units!r}.")
        return units
    declared = (ds.units[band - 1] or ds.tags(band).get("units", "")).strip().lower()
    return "cm" if declared in ("cm", "centimetre", "centimeter", "centimetres") else "m"


# --------------------------------------------------------------------------------------------
# exactextract sources


class _WkbFeature(Feature):
    """A footprint handed to exactextract as WKB, much cheaper than GeoJSON text."""

    def __init__(self, fid: int, wkb: bytes) -> None:
        Feature.__init__(self)
        self._fid = fid
        self._wkb = wkb
        self._props: dict[str, Any] = {}

    def geometry(self) -> bytes:
        return self._wkb

    def set_geometry_format(self) -> str:
        return "wkb"

    def get(self, name: str) -> Any:
        return self._fid if name == "fid" else self._props[name]

    def set(self, name: str, value: Any) -> None:
        self._props[name] = value

    def fields(self) -> list[str]:
        return ["fid"]


class _WkbSource(FeatureSource):
    """Footprints already in the raster's CRS, numbered 0..n-1 in field ``fid``."""

    def __init__(self, geoms: np.ndarray, crs: pyproj.CRS) -> None:
        super().__init__()
        self._wkbs = shapely.to_wkb(geoms)
        self._crs_wkt = crs.to_wkt()

    def count(self) -> int:
        return len(self._wkbs)

    def __iter__(self):
        for i, wkb in enumerate(self._wkbs):
            yield _WkbFeature(i, wkb)

    def srs_wkt(self) -> str:
        return self._crs_wkt


class _WindowSource(RasterSource):
    """Band of a rasterio dataset read window by window.

    Plain arrays are returned when the band declares a nodata value (exactextract then masks it
    itself), masked arrays only when the band has a mask or scale/offset: measured 2x faster
    than exactextract's own rasterio source, whose masked reads dominate for many polygons.
    """

    def __init__(self, ds: rasterio.io.DatasetReader, band: int, nodata: float | None) -> None:
        super().__init__()
        self._ds = ds
        self._band = band
        self._nodata = ds.nodatavals[band - 1] if nodata is None else nodata
        self._scale = ds.scales[band - 1]
        self._offset = ds.offsets[band - 1]
        scaled = self._scale != 1.0 or self._offset != 0.0
        flags = ds.mask_flag_enums[band - 1]
        self._masked = scaled or (self._nodata is None and MaskFlags.all_valid not in flags)
        self._scaled = scaled

    def res(self) -> tuple[float, float]:
        return abs(self._ds.transform.a), abs(self._ds.transform.e)

    def extent(self) -> tuple[float, float, float, float]:
        b = self._ds.bounds
        return b.left, b.bottom, b.right, b.top

    def srs_wkt(self) -> str:
        return self._ds.crs.to_wkt()

    def nodata_value(self) -> float | None:
        if self._masked or self._nodata is None:
            return None
        is_float = np.dtype(self._ds.dtypes[self._band - 1]).kind == "f"
        return float(self._nodata) if is_float else int(self._nodata)

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        window = Window(x0, y0, nx, ny)
        if not self._masked:
            return self._ds.read(self._band, window=window)
        arr = self._ds.read(self._band, window=window, masked=True)
        if self._nodata is not None:
            arr = np.ma.masked_where(arr.data == self._nodata, arr)
        if self._scaled:
            arr = arr.astype(np.float64) * self._scale + self._offset
        return arr


# --------------------------------------------------------------------------------------------
# areas


def _ellipsoid_band_area(lat_deg: np.ndarray, a: float, f: float) -> np.ndarray:
    """Area (m² per radian of longitude) of the ellipsoid between the equator and ``lat``."""
    e2 = f * (2 - f)
    if e2 == 0:
        return a * a * np.sin(np.radians(lat_deg))
    e = math.sqrt(e2)
    b2 = a * a * (1 - e2)
    s = np.sin(np.radians(lat_deg))
    return 0.5 * b2 * (s / (1 - e2 * s * s) + np.arctanh(e * s) / e)


def _geographic_cell_area_m2(
    center_y: np.ndarray, res_x: float, res_y: float, crs: pyproj.CRS
) -> np.ndarray:
    ell = crs.ellipsoid
    a = ell.semi_major_metre
    f = 1.0 / ell.inverse_flattening if ell.inverse_flattening else 0.0
    top = _ellipsoid_band_area(center_y + res_y / 2, a, f)
    bottom = _ellipsoid_band_area(center_y - res_y / 2, a, f)
    return np.abs(top - bottom) * math.radians(res_x)


def _areal_scale(crs: pyproj.CRS, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Areal scale factor (planar area / ground area) of a projected CRS at lon/lat points."""
    try:
        scale = np.asarray(pyproj.Proj(crs).get_factors(lon, lat).areal_scale, dtype=float)
    except (pyproj.exceptions.ProjError, RuntimeError):  # pragma: no cover - exotic CRS
        warnings.warn(
            f"Cannot compute the areal scale factor of {crs.to_string()}; its planar areas are "
            f"used as they are and may be off by its distortion.",
            UserWarning,
            stacklevel=5,
        )
        return np.ones(len(lon))
    return np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)


def _footprint_area_and_cell_factor(
    geoms: np.ndarray, crs: pyproj.CRS, res: tuple[float, float], metric_crs: pyproj.CRS
) -> tuple[np.ndarray, np.ndarray]:
    """Area of each footprint in ``metric_crs`` m², and the factor that turns cells into it.

    A cell's area is ``factor[site] * res_x * res_y`` on a projected grid and
    ``factor[site] * ellipsoidal cell area`` on a geographic grid. The factor carries the
    cell from its own CRS to the planar area of ``metric_crs`` at the site: 1 when the grid
    is in the metric CRS; metric / raster areal scale for another projection (Web Mercator
    cells are 13 % too large at 20°N); the metric CRS's areal scale for ground areas.
    The footprint area is computed the same way, so a fully covered footprint has
    ``coverage_share`` 1 to rounding.
    """
    if crs == metric_crs:
        return shapely.area(geoms), np.ones(len(geoms))
    pts = shapely.point_on_surface(geoms)
    to_ll = pyproj.Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = to_ll.transform(shapely.get_x(pts), shapely.get_y(pts))
    k_metric = _areal_scale(metric_crs, lon, lat)
    if crs.is_geographic:
        geod = crs.get_geod()
        ground = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in geoms])
        return ground * k_metric, k_metric
    unit = crs.axis_info[0].unit_conversion_factor if crs.axis_info else 1.0
    factor = unit * unit * k_metric / _areal_scale(crs, lon, lat)
    return shapely.area(geoms) * factor, factor


# --------------------------------------------------------------------------------------------
# raster exposure


def _hazard_specs(hazards: Any) -> list[tuple[str, float, HazardInput]]:
    """Normalise ``hazards`` into (label, return_period, source) triples."""

    def name_of(src: HazardInput) -> str:
        if isinstance(src, rasterio.io.DatasetReaderBase):
            return Path(src.name).name
        return Path(str(src)).name

    specs: list[tuple[str, float, HazardInput]] = []
    if isinstance(hazards, (str, os.PathLike, rasterio.io.DatasetReaderBase)):
        hazards = [hazards]
    if isinstance(hazards, Mapping):
        for key, src in hazards.items():
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                specs.append((f"rp{float(key):g}", float(key), src))
            else:
                rp = parse_return_period(str(key))
                if rp is None:
                    rp = parse_return_period(name_of(src))
                specs.append((str(key), np.nan if rp is None else rp, src))
    elif isinstance(hazards, Sequence) and hazards:
        for src in hazards:
            name = name_of(src)
            rp = parse_return_period(name)
            label = re.sub(r"\.(tif|tiff|vrt|nc|img)$", "", name, flags=re.IGNORECASE)
            specs.append((label, np.nan if rp is None else rp, src))
    else:
        raise SchemaError(
            "hazards must be a raster path, an open rasterio dataset, a list of paths, or a dict "
            "{label or return period: path}; got "
            f"{type(hazards).__name__ if not isinstance(hazards, Sequence) else 'an empty list'}."
        )
    labels = [s[0] for s in specs]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise SchemaError(f"Hazard labels must be unique; repeated: {first_ids(dup)}.")
    return specs


def _extract_cells(
    ds: rasterio.io.DatasetReader,
    band: int,
    geoms: np.ndarray,
    *,
    nodata: float | None,
    nodata_as_dry: bool,
    strategy: str,
    max_cells_in_memory: int,
) -> dict[str, np.ndarray]:
    """Values and coverage fractions of every cell each footprint touches, flattened.

    With ``nodata_as_dry`` exactextract substitutes 0 for nodata cells (``default_value``),
    which keeps them in the arrays; otherwise they are left out.
    """
    crs = pyproj.CRS.from_user_input(ds.crs)
    arg = "(default_value=0)" if nodata_as_dry else ""
    ops = [f"v=values{arg}", f"c=coverage{arg}"]
    if crs.is_geographic:
        ops.append(f"cy=center_y{arg}")
    result = exact_extract(
        _WindowSource(ds, band, nodata),
        _WkbSource(geoms, crs),
        ops,
        include_cols=["fid"],
        strategy=strategy,
        max_cells_in_memory=max_cells_in_memory,
        output="pandas",
    )
    # raster-sequential may return features in any order
    result = result.sort_values("fid", kind="stable")
    fid_order = result["fid"].to_numpy()
    lens = np.array([len(x) for x in result["c"]], dtype=np.int64)
    fid = np.repeat(fid_order, lens)

    def flat(col: str) -> np.ndarray:
        parts = [np.asarray(x, dtype=np.float64) for x in result[col]]
        return np.concatenate(parts) if parts else np.empty(0)

    out = {"fid": fid, "v": flat("v"), "c": flat("c")}
    if crs.is_geographic:
        out["cy"] = flat("cy")
    return out


def _one_hazard(
    geoms_raster: np.ndarray,
    site_ids: pd.Series,
    ds: rasterio.io.DatasetReader,
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
) -> tuple[pd.DataFrame, str]:
    crs = pyproj.CRS.from_user_input(ds.crs)
    n = len(geoms_raster)
    res = (abs(ds.transform.a), abs(ds.transform.e))
    bounds = shapely.box(*ds.bounds)
    touches = shapely.intersects(geoms_raster, bounds)
    if not touches.any():
        b = ds.bounds
        raise DataCoverageError(
            f"Hazard raster '{label}' covers x {b.left:.4f}..{b.right:.4f}, y "
            f"{b.bottom:.4f}..{b.top:.4f} ({crs.to_string()}), which misses every one of the "
            f"{n} sites (e.g. {first_ids(site_ids)}). Use a raster of Ninh Bình province "
            f"(lon 105.5–106.7, lat 19.8–20.8) or check the raster's CRS."
        )
    if strategy == "auto":
        strategy = "raster-sequential" if n >= RASTER_SEQUENTIAL_FROM else "feature-sequential"
    cells = _extract_cells(
        ds,
        band,
        geoms_raster,
        nodata=nodata,
        nodata_as_dry=nodata_as_dry,
        strategy=strategy,
        max_cells_in_memory=max_cells_in_memory,
    )
    fid, v, c = cells["fid"], cells["v"], cells["c"]
    unit_name = _raster_units(ds, band, units)
    if unit_name == "cm":
        v = v / 100.0
    finite = np.isfinite(v)
    if finite.any():
        vmax = float(v[finite].max())
        vmin = float(v[finite].min())
        if vmax > CM_SUSPECT_DEPTH_M:
            raise SchemaError(
                f"Hazard raster '{label}' has depths up to {vmax:g} over the sites, read as "
                f"{'metres' if unit_name == 'm' else 'metres after dividing by 100'}. Depths "
                f"above {CM_SUSPECT_DEPTH_M:g} m do not occur here: the raster is probably in "
                f"centimetres — pass units='cm' — or holds an undeclared nodata value (pass "
                f"nodata=<value>)."
            )
        if vmin < UNDECLARED_NODATA_BELOW_M:
            raise SchemaError(
                f"Hazard raster '{label}' has depths down to {vmin:g} m over the sites: "
                f"negative depths are not water but an undeclared nodata value. Pass "
                f"nodata={vmin:g} (or set it with `gdal_edit.py -a_nodata {vmin:g}`)."
            )
    # Nodata cells were left out by exactextract (or set to 0 with nodata_as_dry); NaN
    # values of float rasters without a declared nodata are left out here.
    valid = finite

    footprint_m2, factor = _footprint_area_and_cell_factor(geoms_raster, crs, res, metric_crs)
    if crs.is_geographic:
        area = c * _geographic_cell_area_m2(cells["cy"], res[0], res[1], crs) * factor[fid]
    else:
        area = c * (res[0] * res[1]) * factor[fid]
    area = np.where(valid, area, 0.0)
    covered = np.bincount(fid, weights=area, minlength=n)
    if covered.sum() == 0:
        raise DataCoverageError(
            f"Hazard raster '{label}' holds only nodata over the {int(touches.sum())} sites it "
            f"reaches (e.g. {first_ids(site_ids[touches])}). If nodata means 'not flooded' in "
            f"this product, pass nodata_as_dry=True; otherwise use a raster with values here."
        )
    cls = np.searchsorted(np.asarray(breaks), np.where(valid, v, -np.inf), side="right") - 1
    class_m2 = np.zeros((n, len(breaks)))
    for k in range(len(breaks)):
        sel = cls == k
        class_m2[:, k] = np.bincount(fid[sel], weights=area[sel], minlength=n)
    exposed_m2 = class_m2.sum(axis=1)
    wet = cls >= 0
    depth_sum = np.bincount(fid[wet], weights=(area * v)[wet], minlength=n)
    max_depth = np.full(n, -np.inf)
    touched = valid & (c > 0)
    np.maximum.at(max_depth, fid[touched], v[touched])

    with np.errstate(invalid="ignore", divide="ignore"):
        coverage_share = np.clip(covered / footprint_m2, 0.0, 1.0)
        exposed_share = np.where(covered > 0, exposed_m2 / covered, np.nan)
        mean_depth = np.where(exposed_m2 > 0, depth_sum / exposed_m2, np.nan)
    max_depth = np.where(np.isfinite(max_depth), max_depth, np.nan)

    reason = np.full(n, "", dtype=object)
    no_data = covered == 0
    reason[no_data & ~touches] = "raster does not reach this footprint"
    reason[no_data & touches] = "raster holds only nodata over this footprint"
    partial = ~no_data & (coverage_share < FULL_COVERAGE)
    for i in np.flatnonzero(partial):
        reason[i] = (
            f"raster covers {coverage_share[i]:.0%} of the footprint; areas are for that part"
        )
    dry = ~no_data & (exposed_m2 == 0)
    dry_text = f"no cell at or above {breaks[0]:g} m: mean depth undefined"
    for i in np.flatnonzero(dry):
        reason[i] = f"{reason[i]}; {dry_text}" if reason[i] else dry_text

    if partial.any() or (no_data.any()):
        parts = []
        if partial.any():
            parts.append(f"covers only part of sites {first_ids(site_ids[partial])}")
        if no_data.any():
            parts.append(f"has no data for sites {first_ids(site_ids[no_data])}")
        warnings.warn(
            f"Hazard raster '{label}' {' and '.join(parts)}: coverage_share < 1 and exposed_ha "
            f"counts the covered part only. See the 'reason' column.",
            UserWarning,
            stacklevel=3,
        )

    nan_missing = np.where(no_data, np.nan, 1.0)
    frame = {
        "exposed_ha": exposed_m2 / 1e4 * nan_missing,
        "exposed_share": exposed_share,
    }
    for k, col in enumerate(class_columns(breaks)):
        frame[col] = class_m2[:, k] / 1e4 * nan_missing
    frame["mean_depth_m"] = mean_depth
    frame["max_depth_m"] = max_depth
    frame["coverage_share"] = coverage_share
    frame["reason"] = reason
    return pd.DataFrame(frame), _raster_accuracy(ds, band)


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
    Rasters are read window by window (one footprint or one chunk at a time), never whole.

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
    if strategy not in ("auto", "feature-sequential", "raster-sequential"):
        raise SchemaError(
            f"strategy must be 'auto', 'feature-sequential' or 'raster-sequential', not "
            f"{strategy!r}."
        )
    metric = assert_metric(metric_crs)
    sites = _check_sites(sites)
    specs = _hazard_specs(hazards)
    storage = to_storage(sites[["site_id", sites.geometry.name]], "sites")
    frames = []
    for label, rp, src in specs:
        ds, close = _open_raster(src, label)
        try:
            _check_raster(ds, label, band)
            geoms = sites.geometry.to_crs(ds.crs).values
            geoms = np.asarray(geoms, dtype=object)
            stats, accuracy = _one_hazard(
                geoms,
                sites["site_id"].reset_index(drop=True),
                ds,
                label=label,
                band=band,
                breaks=breaks,
                units=units,
                nodata=nodata,
                nodata_as_dry=nodata_as_dry,
                strategy=strategy,
                max_cells_in_memory=max_cells_in_memory,
                metric_crs=metric,
            )
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


# --------------------------------------------------------------------------------------------
# expected annual exposure


def expected_annual_exposure(table: pd.DataFrame) -> pd.DataFrame:
    """Integrate exposed area over annual exceedance probability (expected annual exposure).

    For each site the points (p = 1/T, exposed_ha) are joined by straight lines and integrated
    with the trapezoidal rule. Assumptions beyond the modelled return periods, which decide the
    result as much as the rasters do:

    - rarer than the rarest period (p below 1/T_max): exposure stays at that of T_max
      (flat tail, an upper bound of the unknown tail);
    - more frequent than the most frequent period (p above 1/T_min): no exposure (zero);
      nothing is assumed about floods more frequent than the shortest return period, and
      dyke protection is not modelled — a site behind a 1-in-100 dyke is still counted.

    ``EAD = p_min * A(T_max) + sum_i (p_{i+1} - p_i) * (A_i + A_{i+1}) / 2``.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`raster_exposure` for one hazard family (e.g. river floods at several
        return periods): columns ``site_id``, ``return_period``, ``exposed_ha``, optionally
        ``accuracy``. One row per (site, return period).

    Returns
    -------
    pandas.DataFrame
        One row per site, indexed like its first row in ``table``: ``site_id``, ``ead_ha``
        (expected exposed area, ha per year; NaN when a return period has no data for the
        site), ``return_periods`` (the periods used, years), ``accuracy`` (the least accurate
        class of the inputs) and ``ead_reason``.

    Raises
    ------
    SchemaError
        Missing columns, unknown or non-positive return periods, fewer than two return
        periods, or a site with two rows at one return period (mixed hazard families).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site_id": ["A", "A"], "return_period": [10, 100],
    ...                   "exposed_ha": [2.0, 5.0]})
    >>> round(float(expected_annual_exposure(t)["ead_ha"].iloc[0]), 3)  # 0.09*3.5 + 0.01*5
    0.365
    """
    missing = [c for c in ("site_id", "return_period", "exposed_ha") if c not in table.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure table' lacks columns {missing}; pass the output of "
            f"raster_exposure (several return periods of one hazard)."
        )
    rp = pd.to_numeric(table["return_period"], errors="coerce")
    bad = rp.isna() | (rp <= 0)
    if bad.any():
        culprits = table.loc[bad, "hazard"].unique() if "hazard" in table else table.index[bad]
        raise SchemaError(
            f"Layer 'exposure table', column 'return_period' is unknown or not positive for "
            f"hazards {first_ids(culprits)}. "
            f"Name the rasters by return period, e.g. {{100: 'depth_100.tif'}}."
        )
    if rp.nunique() < 2:
        raise SchemaError(
            f"Expected annual exposure needs at least two return periods; the table has "
            f"{sorted(rp.unique().tolist())}."
        )
    dup = table.assign(_rp=rp).duplicated(["site_id", "_rp"], keep=False)
    if dup.any():
        raise SchemaError(
            f"Layer 'exposure table' has several rows per return period for sites "
            f"{first_ids(table.loc[dup, 'site_id'].unique())}: it mixes hazard families (e.g. "
            f"river and coastal). Filter to one family before integrating."
        )
    order = {a: i for i, a in enumerate(ACCURACY_CLASSES)}
    rows = []
    index = []
    for site_id, grp in table.assign(_rp=rp).groupby("site_id", sort=False):
        g = grp.sort_values("_rp", ascending=False)  # rarest first: p ascending
        p = 1.0 / g["_rp"].to_numpy(dtype=float)
        a = g["exposed_ha"].to_numpy(dtype=float)
        periods = ", ".join(f"{x:g}" for x in g["_rp"][::-1])
        if np.isnan(a).any():
            ead = np.nan
            reason = "no exposure data at return period(s) " + ", ".join(
                f"{x:g}" for x in g["_rp"][np.isnan(a)]
            )
        else:
            ead = float(p[0] * a[0] + np.sum(np.diff(p) * (a[1:] + a[:-1]) / 2.0))
            reason = ""
        acc = "approximate"
        if "accuracy" in g:
            accs = [x for x in g["accuracy"].dropna() if x in order]
            if accs:
                acc = max(accs, key=order.__getitem__)
        rows.append(
            {
                "site_id": site_id,
                "ead_ha": ead,
                "return_periods": periods,
                "accuracy": acc,
                "ead_reason": reason,
            }
        )
        index.append(grp.index[0])
    return pd.DataFrame(rows, index=pd.Index(index, name=table.index.name))


# --------------------------------------------------------------------------------------------
# zone exposure


def zone_exposure(
    sites: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    class_column: str,
    metric_crs: str = METRIC_CRS,
) -> pd.DataFrame:
    """Measure the area and share of each site inside each class of vector hazard zones.

    Zones of one class are dissolved first, so overlapping polygons of a class are counted
    once; zones of different classes may overlap and each class is measured on its own.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site layer with ``site_id`` and polygon footprints, in any CRS.
    zones : geopandas.GeoDataFrame
        Hazard zones (flood zones, coastal zones, dyke or river corridors), polygons in any CRS.
    class_column : str
        Column of ``zones`` holding the zone class (e.g. ``"zone"``, ``"depth_class"``).
    metric_crs : str, default "EPSG:3405"
        Projected CRS in metres in which areas are computed.

    Returns
    -------
    pandas.DataFrame
        One row per (site, zone class), all combinations, sites in input order: ``site_id``,
        ``zone_class``, ``site_ha`` (footprint area), ``zone_ha`` (area of the footprint inside
        the class), ``zone_share`` (``zone_ha / site_ha``), ``accuracy`` (least accurate class
        of the zones of that class, from their ``accuracy`` column, else ``approximate``). The
        index repeats the site index once per class.

    Raises
    ------
    SchemaError
        Bad site layer, missing ``class_column``, empty or non-polygonal zones.
    CRSError
        Layers without a CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[box(0, 0, 100, 100)],
    ...                          crs="EPSG:3405")
    >>> zones = gpd.GeoDataFrame({"zone": ["flood", "flood"]},
    ...     geometry=[box(0, 0, 50, 100), box(0, 0, 100, 25)], crs="EPSG:3405")
    >>> zone_exposure(sites, zones, class_column="zone")[["zone_ha", "zone_share"]].values.tolist()
    [[0.625, 0.625]]
    """
    sites = _check_sites(sites)
    if not isinstance(zones, gpd.GeoDataFrame):
        raise SchemaError(f"Layer 'zones' must be a GeoDataFrame, not {type(zones).__name__}.")
    check_coordinates(zones, "zones")
    if class_column not in zones.columns:
        raise SchemaError(
            f"Layer 'zones' has no column '{class_column}' (columns: "
            f"{[c for c in zones.columns if c != zones.geometry.name]}); pass the column that "
            f"holds the zone class as class_column=."
        )
    if zones.empty:
        raise SchemaError("Layer 'zones' is empty; there is nothing to measure against.")
    zg = zones.geometry
    bad = zg.isna() | zg.is_empty | ~zg.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        raise SchemaError(
            f"Layer 'zones' needs polygons, but rows {first_ids(zones.index[bad])} are "
            f"{', '.join(sorted(set(zg[bad].geom_type.fillna('missing'))))}. Buffer corridor "
            f"lines into polygons first (e.g. the dyke protection widths)."
        )
    if zones[class_column].isna().any():
        raise SchemaError(
            f"Layer 'zones', column '{class_column}' is empty in rows "
            f"{first_ids(zones.index[zones[class_column].isna()])}."
        )
    site_m = to_metric(sites, "sites", crs=metric_crs)
    zone_m = to_metric(zones, "zones", crs=metric_crs)
    site_geoms = np.asarray(site_m.geometry.values, dtype=object)
    site_area = shapely.area(site_geoms)
    order = {a: i for i, a in enumerate(ACCURACY_CLASSES)}
    frames = []
    for zone_class, grp in zone_m.groupby(class_column, sort=True):
        dissolved = shapely.union_all(shapely.make_valid(np.asarray(grp.geometry.values)))
        shapely.prepare(dissolved)
        inter = shapely.area(shapely.intersection(site_geoms, dissolved))
        acc = "approximate"
        if "accuracy" in grp:
            accs = [x for x in grp["accuracy"].dropna() if x in order]
            if accs:
                acc = max(accs, key=order.__getitem__)
        frames.append(
            pd.DataFrame(
                {
                    "site_id": sites["site_id"].to_numpy(),
                    "zone_class": zone_class,
                    "site_ha": site_area / 1e4,
                    "zone_ha": inter / 1e4,
                    "zone_share": inter / site_area,
                    "accuracy": acc,
                },
                index=sites.index,
            )
        )
    out = pd.concat(frames)
    # sites first, then classes: the table reads site by site
    pos = np.tile(np.arange(len(sites)), len(frames))
    return out.iloc[np.argsort(pos, kind="stable")]


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

    Cells are classed by ``breaks_m`` exactly as in :func:`raster_exposure` and traced with
    :func:`rasterio.features.shapes`, one (multi)polygon per class. Cell edges are kept (no
    smoothing). Unlike :func:`raster_exposure` this reads the raster whole, so it is meant for
    display-sized grids such as the packaged illustrative layer (349,000 cells).

    Parameters
    ----------
    hazard : path, rasterio dataset, or one-item dict
        The depth raster; a dict ``{label or return period: path}`` names it as in
        :func:`raster_exposure`.
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
        Unreadable raster or raster without CRS.
    DataCoverageError
        A raster larger than ``max_cells``.

    Examples
    --------
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
        data = ds.read(band, masked=True).astype(np.float64)
        scale = 0.01 if _raster_units(ds, band, units) == "cm" else 1.0
        depth = data.filled(np.nan) * scale
        cls = np.searchsorted(np.asarray(breaks), np.nan_to_num(depth, nan=-np.inf), side="right")
        cls = (cls - 1).astype(np.int16)
        shapes = rasterio.features.shapes(cls, mask=cls >= 0, transform=ds.transform)
        geoms: dict[int, list] = {}
        for geom, value in shapes:
            geoms.setdefault(int(value), []).append(shapely.geometry.shape(geom))
        crs = ds.crs
        accuracy = _raster_accuracy(ds, band)
    finally:
        if close:
            ds.close()
    uppers = [*breaks[1:], math.inf]
    rows = []
    for k in sorted(geoms):
        rows.append(
            {
                "hazard": label,
                "return_period": rp,
                "depth_m": breaks[k],
                "depth_max_m": uppers[k],
                "depth_class": f"{_fmt_break(breaks[k])}-{_fmt_break(uppers[k])} m",
                "accuracy": accuracy,
                "geometry": shapely.union_all(geoms[k]),
            }
        )
    columns = ["hazard", "return_period", "depth_m", "depth_max_m", "depth_class", "accuracy"]
    zones = gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], geometry="geometry", crs=crs)
    zones.insert(5, "area_ha", to_metric(zones, "hazard zones").area.to_numpy() / 1e4)
    return to_storage(zones, "hazard zones")


# --------------------------------------------------------------------------------------------
# packaged illustrative hazard


def _hazard_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "hazard", here.parent / "data" / "hazard"):
        if candidate.is_dir():
            return candidate
    raise InputFileError(
        "The packaged hazard data (data/hazard) is missing from this installation; reinstall "
        "ninhbinh_geo or run scripts/make_illustrative_hazard.py."
    )


def illustrative_hazard_paths() -> dict[float, Path]:
    """Return the packaged ILLUSTRATIVE proxy flood-depth rasters by return period.

    They are no flood model: depth decreases with distance from the coast and from the
    major rivers (see ``data/hazard/SOURCES.md``), tagged ``accuracy=illustrative``. Use them
    to try the pipeline; replace them by real depth rasters (Aqueduct, Fathom, or
    :func:`ninhbinh_geo.sealevel.inundation_depth` on a DEM) for any conclusion.

    Returns
    -------
    dict of float to pathlib.Path
        ``{return period in years: path}``, ready for :func:`raster_exposure`.

    Raises
    ------
    InputFileError
        When the packaged data are missing.

    Examples
    --------
    >>> sorted(illustrative_hazard_paths())
    [10.0, 100.0, 1000.0]
    """
    out: dict[float, Path] = {}
    for path in sorted(_hazard_dir().glob("illustrative_depth_rp*.tif")):
        rp = parse_return_period(path.name)
        if rp is not None:
            out[rp] = path
    if not out:
        raise InputFileError(
            f"No illustrative_depth_rp*.tif in {_hazard_dir()}; run "
            f"scripts/make_illustrative_hazard.py."
        )
    return dict(sorted(out.items()))
