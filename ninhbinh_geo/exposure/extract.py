"""Per-footprint sums of a depth raster: exactextract's exact coverage, summed in batches.

For every footprint: the area of cells with a valid depth (``covered``), the area at or above
each depth break (``ge0``, ``ge1``, …; class areas are their differences), the depth-weighted
wet area (``depth_sum``) and the extreme valid depths (``vmin``, ``vmax``). Areas are in m² of
raster cells (CRS units² on a projected grid, ellipsoidal m² on a lon/lat grid), weighted by the
exact fraction of each cell the footprint covers.

Many footprints (raster-sequential, :func:`_pass_sums`): the sums are made in C++, and no cell
is handed to Python. Each exactextract statistic object sums ``c`` (count), ``c·x`` (sum) and
``c·x·w`` (weighted_sum) over the cells where the value raster ``x`` has data. Restricting
``x`` to the cells at or above one break, and making ``x`` and the weights ``w`` indicators of
the next two breaks, gives three nested areas per pass over the cells, each exact (adding 0
changes no sum). Few footprints (feature-sequential, :func:`_cell_sums`): each footprint's
window is read on its own and its few cells are summed in numpy, which costs less there.

Footprints are processed in batches of :data:`FOOTPRINTS_PER_BATCH`, ordered north to south.
exactextract reads only the chunks of the raster that hold footprints of the batch, so each
chunk is read about once, and memory stays bounded whatever the number of footprints. Every
batch sees the whole raster grid, so a footprint's cells and coverage fractions do not depend on
the batch it falls in. Many footprints are also split, north to south, over forked processes
(:mod:`.workers`), each reading its own band of the raster: the same sums, on more cores.

Where the time goes (benchmarks/exposure.py, 10,000 footprints on a 20 M-cell raster, one
process, about 2.0 s against 0.3 s for reading and summing the raster once): exactextract's
C++ about 1.45 s (coverage fractions about 0.8 s, three statistics passes about 0.3 s, the
rest holding and looking up footprints), reading and decoding the chunks about 0.3 s (what the
single pass costs), deriving the indicator rasters about 0.1 s, the Python writer about 0.15 s,
the feature source about 0.04 s. Coverage and reading alone make about 3.7 single passes.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import rasterio
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature
from exactextract.operation import Operation
from exactextract.writer import Writer

from .cells import (
    _OUTSIDE,
    _Chunk,
    _DepthWindows,
    _geographic_cell_area_m2,
    _WindowSource,
    _WkbSource,
)
from .workers import _process_count, _split, _sum_parts

#: From this many footprints (in a batch) on, exactextract's raster-sequential strategy (each
#: block read once) beats feature-sequential (a read per footprint). benchmarks/exposure.py,
#: 20 M-cell raster, tiled 256 deflate, single runs on a shared 2-core machine: 115
#: footprints 0.14-0.18 s feature- vs 0.39-0.46 s raster-sequential; 1,000: 0.58-0.66 vs
#: 0.55-0.63 s; 10,000: 2.9-3.7 vs 1.9-2.6 s (earlier medians of 5: 300: 0.68 vs 0.74 s;
#: 500: 0.98 vs 0.87 s).
RASTER_SEQUENTIAL_FROM = 400
#: Cells per raster chunk held in memory by the raster-sequential strategy (16 MB of float32):
#: small enough never to load a province raster whole, large enough to keep reads few.
MAX_CELLS_IN_MEMORY = 4_000_000
#: Footprints handed to exactextract at once. exactextract keeps every footprint of a call
#: (geometry, statistics) until the call ends, and its look-ups slow down as they grow; ordered
#: north to south, batches read (nearly) disjoint bands of the raster. benchmarks/exposure.py,
#: 50,000 footprints: peak memory 330 MB and 7.3 s CPU in batches of 5,000, against 1.7 GB when
#: every cell went to Python; batches of 2,500 to 20,000 differ by less than the noise.
FOOTPRINTS_PER_BATCH = 5_000


def _level(level: int) -> str:
    """Name of the area at or above break ``level`` (-1: every valid cell)."""
    return "covered" if level < 0 else f"ge{level}"


def _operations(windows: _DepthWindows, n_breaks: int) -> list[Operation]:
    """Build the exactextract operations that give every sum, in as few passes as possible."""
    depth = windows.source("depth", _valid_depth)
    if not windows.geographic:
        # cells of one size: count and sum are areas in cells, three per pass
        wet = windows.source("at_least_0", _indicator(0))
        ops = [
            Operation("count", "covered", depth, wet),
            Operation("max", "vmax", depth, wet),
            Operation("min", "vmin", depth, wet),
            Operation("weighted_sum", "depth_sum", depth, wet),
        ]
        for lo in range(0, n_breaks, 3):
            mid = lo + 1 if lo + 1 < n_breaks else None
            top = lo + 2 if lo + 2 < n_breaks else None
            x = windows.source(f"at_least_{mid}_within_{lo}", _within(lo, mid), _OUTSIDE)
            w = windows.source(f"at_least_{top}", _indicator(top)) if top is not None else None
            ops.append(Operation("count", _level(lo), x, w))
            if mid is not None:
                ops.append(Operation("sum", _level(mid), x, w))
            if top is not None:
                ops.append(Operation("weighted_sum", _level(top), x, w))
        return ops
    # lon/lat cells differ in area by row: the value raster carries the area, two sums per pass
    wet_area = windows.source("area_at_least_0", _area_within(0, zero_outside=True))
    ops = [
        Operation("max", "vmax", depth, wet_area),
        Operation("min", "vmin", depth, wet_area),
        Operation("weighted_sum", "depth_sum", depth, wet_area),
    ]
    for lo in range(-1, n_breaks, 2):
        hi = lo + 1 if lo + 1 < n_breaks else None
        x = windows.source(f"area_within_{lo}", _area_within(lo))
        w = windows.source(f"at_least_{hi}", _indicator(hi)) if hi is not None else None
        ops.append(Operation("sum", _level(lo), x, w))
        if hi is not None:
            ops.append(Operation("weighted_sum", _level(hi), x, w))
    return ops


def _valid_depth(c: _Chunk) -> np.ndarray:
    return c.depth if c.invalid is None else np.where(c.invalid, np.nan, c.depth)


def _indicator(level: int):
    return lambda c: c.at_least(level).view(np.uint8)


def _within(lo: int, mid: int | None):
    """1/0 for "at or above break ``mid``" on the cells at or above ``lo``, outside elsewhere."""

    def derive(c: _Chunk) -> np.ndarray:
        inner = c.at_least(mid).view(np.uint8) if mid is not None else np.uint8(1)
        return np.where(c.at_least(lo), inner, np.uint8(_OUTSIDE))

    return derive


def _area_within(lo: int, *, zero_outside: bool = False):
    """Cell area on the cells at or above break ``lo``; NaN (or 0) elsewhere."""
    outside = 0.0 if zero_outside else np.nan
    return lambda c: np.where(c.at_least(lo), c.area, outside)


class _Row(Feature):
    """Receives the results of one footprint from exactextract."""

    def __init__(self) -> None:
        Feature.__init__(self)
        self.values: dict[str, object] = {}

    def set(self, name: str, value: object) -> None:
        self.values[name] = value

    def get(self, name: str) -> object:
        return self.values[name]

    def fields(self) -> list[str]:
        return list(self.values)

    def geometry(self) -> None:
        return None

    def set_geometry(self, geometry: object) -> None:
        pass

    def set_geometry_format(self) -> str:
        return "wkb"


class _SumsWriter(Writer):
    """Writes each footprint's results into arrays, at the row given by its ``fid``."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        super().__init__()
        self._arrays = arrays
        self._row = _Row()

    def add_operation(self, op: Operation) -> None:
        pass

    def add_column(self, name: str) -> None:
        pass

    def add_geometry(self) -> None:
        pass

    def write(self, feature: Feature) -> None:
        values = self._row.values
        values.clear()
        feature.copy_to(self._row)
        i = values.pop("fid")
        arrays = self._arrays
        for name, value in values.items():
            if value is not None:
                arrays[name][i] = value

    def features(self) -> dict[str, np.ndarray]:
        return self._arrays


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector during an exactextract call.

    exactextract makes objects by the thousand (features, results) that hold no cycles;
    collections triggered by them would only walk them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _footprint_sums(
    ds: rasterio.io.DatasetReader,
    band: int,
    geoms: np.ndarray,
    touches: np.ndarray,
    *,
    crs: pyproj.CRS,
    breaks: list[float],
    strategy: str,
    **options: Any,
) -> dict[str, np.ndarray]:
    """Sum the raster over every footprint (rows of ``geoms``, in the raster's CRS ``crs``).

    Returns arrays of length ``len(geoms)``: ``covered``, ``ge<j>`` and ``depth_sum`` (areas
    in m² of raster cells, 0 for footprints the raster misses), ``vmin`` and ``vmax`` (metres,
    NaN without valid cells). Only footprints with ``touches`` are handed to exactextract.
    ``options``: ``per_metre`` (raster units per metre), ``nodata``, ``nodata_as_dry`` and
    ``max_cells_in_memory``, as in :func:`~ninhbinh_geo.exposure.raster_exposure`.
    """
    n = len(geoms)
    sums = _empty_sums(n, len(breaks))
    todo = np.flatnonzero(touches)
    # north to south (top of the bounding box), so that batches read disjoint bands of chunks
    todo = todo[np.argsort(-shapely.bounds(geoms[todo])[:, 3], kind="stable")]
    processes = _process_count(len(todo), ds) if strategy != "feature-sequential" else 1
    options.update(crs=crs, breaks=breaks, strategy=strategy)

    def run(rows: np.ndarray, in_child: bool) -> dict[str, np.ndarray]:
        """Sum footprints ``rows``: in place in the caller, returned by a child."""
        if not in_child:
            _batch_sums(ds, band, geoms, rows, sums, **options)
            return {}
        part = _empty_sums(n, len(breaks))
        with rasterio.open(ds.name, driver=ds.driver) as own:
            _batch_sums(own, band, geoms, rows, part, **options)
        return {name: values[rows] for name, values in part.items()}

    parts = _split(todo, processes) if processes > 1 else [todo]
    for rows, part in zip(parts, _sum_parts(run, parts), strict=True):
        for name, values in part.items():  # a child's rows; the caller's are in place
            sums[name][rows] = values
    return sums


def _empty_sums(n: int, n_breaks: int) -> dict[str, np.ndarray]:
    """Arrays of the sums of ``n`` footprints before any is made (NaN extremes)."""
    sums = {name: np.zeros(n) for name in ("covered", "depth_sum")}
    sums.update({_level(j): np.zeros(n) for j in range(n_breaks)})
    sums.update({name: np.full(n, np.nan) for name in ("vmin", "vmax")})
    return sums


def _batch_sums(
    ds: rasterio.io.DatasetReader,
    band: int,
    geoms: np.ndarray,
    rows: np.ndarray,
    sums: dict[str, np.ndarray],
    *,
    strategy: str,
    **options: Any,
) -> None:
    """Put the sums of footprints ``rows`` of ``geoms`` into ``sums``, batch by batch."""
    for start in range(0, len(rows), FOOTPRINTS_PER_BATCH):
        batch = rows[start : start + FOOTPRINTS_PER_BATCH]
        use = strategy
        if use == "auto":
            many = len(batch) >= RASTER_SEQUENTIAL_FROM
            use = "raster-sequential" if many else "feature-sequential"
        add = _cell_sums if use == "feature-sequential" else _pass_sums
        add(ds, band, geoms[batch], batch, sums, **options)


def _pass_sums(
    ds: rasterio.io.DatasetReader,
    band: int,
    geoms: np.ndarray,
    rows: np.ndarray,
    sums: dict[str, np.ndarray],
    *,
    crs: pyproj.CRS,
    breaks: list[float],
    per_metre: float,
    nodata: float | None,
    nodata_as_dry: bool,
    max_cells_in_memory: int,
) -> None:
    """Put the sums of footprints ``geoms`` (at ``rows`` of ``sums``), made by C++ passes.

    Raster-sequential: each chunk of the raster is read once for every footprint it holds.
    """
    windows = _DepthWindows(
        ds,
        band,
        crs=crs,
        breaks=breaks,
        per_metre=per_metre,
        nodata=nodata,
        nodata_as_dry=nodata_as_dry,
    )
    ops = _operations(windows, len(breaks))
    try:
        with _collector_paused():
            exact_extract(
                ops[0].values,
                _WkbSource(geoms, crs, fids=rows),
                ops,
                include_cols=["fid"],
                strategy="raster-sequential",
                max_cells_in_memory=max_cells_in_memory,
                output=_SumsWriter(sums),
            )
    finally:
        windows.release()  # its sources refer back to it: free the last chunk now
    if not crs.is_geographic:  # areas were counted in cells
        cell = abs(ds.transform.a * ds.transform.e)
        for name in ("covered", "depth_sum", *(_level(j) for j in range(len(breaks)))):
            sums[name][rows] *= cell


def _cell_sums(
    ds: rasterio.io.DatasetReader,
    band: int,
    geoms: np.ndarray,
    rows: np.ndarray,
    sums: dict[str, np.ndarray],
    *,
    crs: pyproj.CRS,
    breaks: list[float],
    per_metre: float,
    nodata: float | None,
    nodata_as_dry: bool,
    max_cells_in_memory: int,
) -> None:
    """Put the sums of footprints ``geoms`` (at ``rows`` of ``sums``), made in numpy.

    Feature-sequential: each footprint's window is read on its own and its few cells go to
    numpy, which for a few hundred footprints costs less than three C++ passes per footprint
    (each with its rasters read through Python). The same sums, added in the same order.
    """
    arg = "(default_value=0)" if nodata_as_dry else ""
    ops = [f"v=values{arg}", f"c=coverage{arg}"]
    if crs.is_geographic:
        ops.append(f"cy=center_y{arg}")
    with _collector_paused():
        table = exact_extract(
            _WindowSource(ds, band, nodata, crs),
            _WkbSource(geoms, crs),
            ops,
            include_cols=["fid"],
            strategy="feature-sequential",
            max_cells_in_memory=max_cells_in_memory,
            output="pandas",
        )
    n = len(geoms)
    lens = np.fromiter((len(x) for x in table["c"]), dtype=np.int64, count=len(table))
    fid = np.repeat(table["fid"].to_numpy(), lens)
    v = _flat(table["v"])
    if per_metre != 1.0:
        v = v / per_metre
    c = _flat(table["c"])
    # nodata cells were left out by exactextract (or set to 0 with nodata_as_dry); NaN values
    # of float rasters without a declared nodata, and infinite ones, are left out here
    valid = np.isfinite(v)
    if crs.is_geographic:
        res_x, res_y = abs(ds.transform.a), abs(ds.transform.e)
        area = c * _geographic_cell_area_m2(_flat(table["cy"]), res_x, res_y, crs)
    else:
        area = c * abs(ds.transform.a * ds.transform.e)
    area = np.where(valid, area, 0.0)
    sums["covered"][rows] = np.bincount(fid, weights=area, minlength=n)
    for j, b in enumerate(breaks):
        sel = valid & (v >= b)
        sums[_level(j)][rows] = np.bincount(fid[sel], weights=area[sel], minlength=n)
    wet = valid & (v >= breaks[0])
    sums["depth_sum"][rows] = np.bincount(fid[wet], weights=(area * v)[wet], minlength=n)
    for name, extreme, start in (("vmax", np.maximum, -np.inf), ("vmin", np.minimum, np.inf)):
        out = np.full(n, start)
        extreme.at(out, fid[valid], v[valid])
        sums[name][rows] = np.where(np.isfinite(out), out, np.nan)


def _flat(column: pd.Series) -> np.ndarray:
    parts = [np.asarray(x, dtype=np.float64) for x in column]
    return np.concatenate(parts) if parts else np.empty(0)
