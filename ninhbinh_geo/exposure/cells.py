"""Cells for exactextract: footprints as WKB, depth rasters read window by window, cell areas.

exactextract reads a raster through a :class:`~exactextract.raster.RasterSource` one chunk at
a time. :class:`_DepthWindows` reads each chunk of the depth band once and derives from it, on
first request, the rasters the overlay sums in C++: the depth itself (invalid cells as nodata),
the indicators "depth >= break j", and cell areas on lon/lat grids; :class:`_DerivedSource`
hands one of them to exactextract. :class:`_WindowSource` hands it the band as stored, for the
path where each footprint's cells go to numpy.

The area functions turn cells into the planar area of the package's metric CRS: ellipsoidal
areas of lon/lat cells row by row, and the areal scale factors that carry cells of another
projection to the metric CRS at a site.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pyproj
import rasterio
import shapely
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import RasterSource
from rasterio.enums import MaskFlags
from rasterio.windows import Window

#: Value of the uint8 indicator rasters for cells outside the set a pass sums over.
_OUTSIDE = 255


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
    """Footprints already in the raster's CRS, numbered in field ``fid``.

    ``fids`` are the footprints' rows in the site layer (default 0..n-1), so that the results
    of a batch land in the rows of the whole layer.
    """

    def __init__(self, geoms: np.ndarray, crs: pyproj.CRS, fids: np.ndarray | None = None) -> None:
        super().__init__()
        self._wkbs = shapely.to_wkb(geoms)
        self._fids = range(len(geoms)) if fids is None else [int(i) for i in fids]
        self._crs_wkt = crs.to_wkt()

    def count(self) -> int:
        return len(self._wkbs)

    def __iter__(self):
        for fid, wkb in zip(self._fids, self._wkbs, strict=True):
            yield _WkbFeature(fid, wkb)

    def srs_wkt(self) -> str:
        return self._crs_wkt


def _float32_threshold(x: float) -> np.float32:
    """Return the smallest float32 ``t >= x``: for a float32 depth ``d``, ``d >= t`` iff ``d >= x``.

    Comparing float32 depths with it classes every cell exactly as comparing them, widened to
    float64, with ``x`` would, without widening millions of cells.
    """
    with np.errstate(over="ignore"):
        t = np.float32(x)
    if float(t) < x:
        t = np.nextafter(t, np.float32(np.inf))
    return t


class _Chunk:
    """One chunk of the depth band and the rasters derived from it (made on first request).

    ``depth`` holds the depths in metres (float32 as read when no conversion is needed);
    ``invalid`` marks cells without a usable depth (nodata, masked, NaN or infinite), None
    when there are none; ``area`` the ellipsoidal area of the cells of each row (lon/lat grids
    only, shape (rows, 1)).
    """

    def __init__(
        self,
        depth: np.ndarray,
        invalid: np.ndarray | None,
        thresholds: np.ndarray,
        area: np.ndarray | None,
    ) -> None:
        self.depth = depth
        self.invalid = invalid
        self.area = area
        self._thresholds = thresholds
        self._levels: np.ndarray | None = None
        self._derived: dict[str, np.ndarray] = {}

    def derived(self, name: str, derive: Callable[[_Chunk], np.ndarray]) -> np.ndarray:
        out = self._derived.get(name)
        if out is None:
            out = self._derived[name] = derive(self)
        return out

    def at_least(self, level: int) -> np.ndarray:
        """Cells with a valid depth at or above break ``level`` (level -1: any valid depth)."""
        if level < 0:
            if self.invalid is None:
                return np.ones(self.depth.shape, dtype=bool)
            return ~self.invalid
        if self._levels is None:
            # every break in one comparison: (breaks, rows, cols)
            self._levels = self.depth >= self._thresholds[:, None, None]
            if self.invalid is not None:
                self._levels &= ~self.invalid
        return self._levels[level]


class _BandReader:
    """Reads a window of one band: its values (scaled) and its nodata or masked cells.

    Plain arrays when the band declares a nodata value (compared here), masked reads only when
    the band has a mask or scale/offset: masked reads cost twice as much.
    """

    def __init__(self, ds: rasterio.io.DatasetReader, band: int, nodata: float | None) -> None:
        self.ds = ds
        self.band = band
        self.nodata = ds.nodatavals[band - 1] if nodata is None else nodata
        self._scale = ds.scales[band - 1]
        self._offset = ds.offsets[band - 1]
        self._scaled = self._scale != 1.0 or self._offset != 0.0
        flags = ds.mask_flag_enums[band - 1]
        self.masked = self._scaled or (self.nodata is None and MaskFlags.all_valid not in flags)

    def read(self, window: Window) -> tuple[np.ndarray, np.ndarray | None]:
        nodata = self.nodata
        if not self.masked:
            raw = self.ds.read(self.band, window=window)
            missing = raw == nodata if nodata is not None and not _is_nan(nodata) else None
            return raw, missing
        arr = self.ds.read(self.band, window=window, masked=True)
        missing = np.ma.getmaskarray(arr).copy()
        if nodata is not None:
            missing |= arr.data == nodata
        raw = arr.data
        if self._scaled:
            raw = raw.astype(np.float64) * self._scale + self._offset
        return raw, missing


def _is_nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


def _in_metres(raw: np.ndarray, per_metre: float) -> np.ndarray:
    """Return depths in metres, float32 as read when no conversion is needed, else float64."""
    if per_metre == 1.0 and raw.dtype == _FLOAT32:
        return raw
    depth = raw.astype(np.float64, copy=False)
    return depth / per_metre if per_metre != 1.0 else depth


_FLOAT32 = np.dtype(np.float32)


def _validity(
    depth: np.ndarray, missing: np.ndarray | None, nodata_as_dry: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return the depths and their invalid cells (None when all are valid).

    Nodata, masked and NaN cells are invalid unless ``nodata_as_dry`` makes them dry land
    (depth 0); infinite values are always invalid.
    """
    if nodata_as_dry:
        nan = np.isnan(depth)
        missing = nan if missing is None else np.logical_or(missing, nan, out=missing)
        if missing.any():
            depth = np.where(missing, 0.0, depth).astype(depth.dtype, copy=False)
        invalid = np.isinf(depth)
        return depth, invalid if invalid.any() else None
    finite = np.isfinite(depth)
    if missing is None:
        return depth, None if finite.all() else ~finite
    invalid = np.logical_not(finite, out=finite)
    invalid |= missing
    return depth, invalid if invalid.any() else None


class _DepthWindows:
    """One depth band, read by exactextract chunk by chunk.

    Each chunk is read once and kept until the next, since every raster derived from it (see
    :meth:`source`) is asked for in turn; depths are converted to metres and checked for
    validity as the overlay has always done (:func:`_validity`).
    """

    def __init__(
        self,
        ds: rasterio.io.DatasetReader,
        band: int,
        *,
        crs: pyproj.CRS,
        breaks: list[float],
        per_metre: float,
        nodata: float | None,
        nodata_as_dry: bool,
    ) -> None:
        self._reader = _BandReader(ds, band, nodata)
        self._transform = ds.transform
        self.res = (abs(ds.transform.a), abs(ds.transform.e))
        b = ds.bounds
        self.extent = (b.left, b.bottom, b.right, b.top)
        self.crs = crs  # the raster's, parsed once by the caller
        self.srs_wkt = crs.to_wkt()
        self.geographic = self.crs.is_geographic
        self._per_metre = per_metre
        self._nodata_as_dry = nodata_as_dry
        self._breaks = breaks
        self._float32_breaks = np.array([_float32_threshold(b) for b in breaks], dtype=_FLOAT32)
        self._float64_breaks = np.array(breaks, dtype=np.float64)
        self._key: tuple[int, int, int, int] | None = None
        self._chunk: _Chunk | None = None
        self._sources: dict[str, _DerivedSource] = {}

    def source(
        self, name: str, derive: Callable[[_Chunk], np.ndarray], nodata: float | None = None
    ) -> _DerivedSource:
        """Return the raster ``name`` derived from each chunk by ``derive`` (one per name)."""
        if name not in self._sources:
            self._sources[name] = _DerivedSource(self, name, derive, nodata)
        return self._sources[name]

    def release(self) -> None:
        """Drop the chunk in hand and the sources (which refer back to these windows)."""
        self._chunk = None
        self._key = None
        self._sources.clear()

    def chunk(self, x0: int, y0: int, nx: int, ny: int) -> _Chunk:
        if nx == 0 or ny == 0:
            # exactextract reads an empty box once per raster to learn its type; keep the
            # chunk in hand, which it is about to read again
            return self._read(x0, y0, nx, ny)
        key = (x0, y0, nx, ny)
        if key != self._key:
            self._chunk = None  # let the previous chunk go before reading the next
            self._chunk = self._read(x0, y0, nx, ny)
            self._key = key
        return self._chunk

    def _read(self, x0: int, y0: int, nx: int, ny: int) -> _Chunk:
        raw, missing = self._reader.read(Window(x0, y0, nx, ny))
        depth, invalid = _validity(_in_metres(raw, self._per_metre), missing, self._nodata_as_dry)
        # breaks exact in the depths' type: a depth is at or above a break exactly when its
        # float64 value is at or above the break in metres, as it has always been measured
        thresholds = self._float32_breaks if depth.dtype == _FLOAT32 else self._float64_breaks
        area = None
        if self.geographic:
            center_y = self._transform.f + (y0 + np.arange(ny) + 0.5) * self._transform.e
            area = _geographic_cell_area_m2(center_y, *self.res, self.crs)[:, None]
        return _Chunk(depth, invalid, thresholds, area)


class _DerivedSource(RasterSource):
    """One raster derived from the chunks of :class:`_DepthWindows`, read by exactextract."""

    def __init__(
        self,
        windows: _DepthWindows,
        name: str,
        derive: Callable[[_Chunk], np.ndarray],
        nodata: float | None,
    ) -> None:
        super().__init__()
        self.set_name(name)  # exactextract keys its statistics by source name
        self._windows = windows
        self._name = name
        self._derive = derive
        self._nodata = nodata

    def res(self) -> tuple[float, float]:
        return self._windows.res

    def extent(self) -> tuple[float, float, float, float]:
        return self._windows.extent

    def srs_wkt(self) -> str:
        return self._windows.srs_wkt

    def nodata_value(self) -> float | None:
        return self._nodata

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        return self._windows.chunk(x0, y0, nx, ny).derived(self._name, self._derive)


class _WindowSource(RasterSource):
    """One band read window by window, its nodata left to exactextract.

    Plain arrays when the band declares a nodata value (exactextract leaves those cells out
    itself), masked arrays only when the band has a mask or scale/offset. For the per-cell path
    (feature-sequential), where each footprint's own window is read: no RasterView stands
    between such a window and the footprint, so exactextract honours the mask.
    """

    def __init__(
        self, ds: rasterio.io.DatasetReader, band: int, nodata: float | None, crs: pyproj.CRS
    ) -> None:
        super().__init__()
        self._reader = _BandReader(ds, band, nodata)
        self._res = (abs(ds.transform.a), abs(ds.transform.e))
        b = ds.bounds
        self._extent = (b.left, b.bottom, b.right, b.top)
        self._srs_wkt = crs.to_wkt()
        self._is_float = np.dtype(ds.dtypes[band - 1]).kind == "f"

    def res(self) -> tuple[float, float]:
        return self._res

    def extent(self) -> tuple[float, float, float, float]:
        return self._extent

    def srs_wkt(self) -> str:
        return self._srs_wkt

    def nodata_value(self) -> float | None:
        nodata = self._reader.nodata
        if self._reader.masked or nodata is None:
            return None
        return float(nodata) if self._is_float else int(nodata)

    def read_window(self, x0: int, y0: int, nx: int, ny: int) -> np.ndarray:
        reader = self._reader
        window = Window(x0, y0, nx, ny)
        if not reader.masked:
            return reader.ds.read(reader.band, window=window)
        raw, missing = reader.read(window)
        return np.ma.masked_array(raw, mask=missing)


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
    geoms: np.ndarray, crs: pyproj.CRS, metric_crs: pyproj.CRS
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
