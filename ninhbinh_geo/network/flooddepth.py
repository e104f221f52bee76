"""Flood depth along the road edges, and the edges a flood closes.

The first stages of the flood-cut road distances (:mod:`.flooding`), each reusable:

- :func:`edge_depths`: the deepest water along every edge on each hazard raster. The edges
  are sampled at their vertices and every half cell between them (in the graph's metric
  CRS, then reprojected to the raster's), and each sample reads the cell it falls in; a
  corner of a cell clipped by less than half a cell may be missed. Plain numpy on the
  coordinates (no GEOS geometry is made); the raster is read in windows around the roads.
- :func:`closed_edges`: an edge is closed at a return period when that depth exceeds its
  threshold (0.3 m by default; configurable by road class).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .._errors import CRSError, InputFileError, SchemaError
from ..crs import to_metric
from .graph import _CLASS_COLUMNS, RoadGraph

if TYPE_CHECKING:  # pragma: no cover
    from rasterio.io import DatasetReader

__all__ = ["DEFAULT_CLOSE_M", "MAX_WINDOW_CELLS", "closed_edges", "edge_depths", "rp_suffix"]

#: Water depth above which a road is closed (m): about where an ordinary car stalls or floats
#: away in flowing water; a rule of thumb, configurable per road class.
DEFAULT_CLOSE_M = 0.3
#: Largest raster window read at once when sampling (cells); larger extents go in strips.
MAX_WINDOW_CELLS = 16_000_000


def rp_suffix(return_period: float) -> str:
    """Column suffix of a return period: ``rp100``, ``rp2_5``.

    Examples
    --------
    >>> rp_suffix(100.0), rp_suffix(2.5)
    ('rp100', 'rp2_5')
    """
    return "rp" + f"{float(return_period):g}".replace(".", "_")


# -- depth along the edges ------------------------------------------------------------------


def edge_depths(
    graph: RoadGraph,
    hazards: Mapping[float, str | os.PathLike | DatasetReader],
    *,
    units: str | Mapping[float, str] | None = "m",
) -> pd.DataFrame:
    """Deepest water along every edge of ``graph`` on each hazard raster.

    Parameters
    ----------
    graph : RoadGraph
        From ``build_graph``.
    hazards : mapping of float to path or rasterio dataset
        Flood-depth rasters by return period in years (depth of water above ground, any CRS).
    units : {"m", "cm"}, mapping or None, default "m"
        Units of the raster values: one for all, one per return period, or None for the
        band's declared unit (centimetres when it says so, else metres).

    Returns
    -------
    pandas.DataFrame
        One row per edge (index = edge number), one column per return period (ascending):
        the largest depth sampled along the edge, metres; NaN where no sample has data.

    Raises
    ------
    SchemaError
        For a return period that is not a positive number, or unknown ``units``.
    InputFileError, CRSError
        When a raster cannot be opened, or has no CRS.

    Examples
    --------
    >>> import numpy as np, rasterio, geopandas as gpd
    >>> from rasterio.transform import from_origin
    >>> from shapely.geometry import LineString
    >>> from ninhbinh_geo.network import build_graph
    >>> g = build_graph(gpd.GeoDataFrame(
    ...     geometry=[LineString([(600000, 2240050), (600400, 2240050)])], crs=3405))
    >>> depth = np.array([[0.0, 0.2, 0.8, 0.1]], dtype="float32")  # four 100 m cells
    >>> with rasterio.open("rp100.tif", "w", driver="GTiff", width=4, height=1, count=1,
    ...                    dtype="float32", crs="EPSG:3405",
    ...                    transform=from_origin(600000, 2240100, 100, 100)) as ds:
    ...     ds.write(depth, 1)
    >>> edge_depths(g, {100: "rp100.tif"}).round(2).to_dict("list")
    {100.0: [0.8]}
    """
    import rasterio

    rps = _check_periods(hazards)
    unit_of = {rp: units.get(rp) if isinstance(units, Mapping) else units for rp in rps}
    bad = sorted({str(u) for u in unit_of.values() if u not in ("m", "cm", None)})
    if bad:
        raise SchemaError(f"units must be 'm', 'cm' or None, not {bad}.")
    coords, size = _edge_coords(graph)
    grids: dict[tuple, _Cells] = {}  # rasters on one grid share the sampling
    out = {}
    for rp, raster in sorted(zip(rps, hazards.values(), strict=True)):
        with _Opened(raster, rasterio) as ds:
            key = (ds.crs.to_wkt(), tuple(ds.transform), ds.width, ds.height)
            if key not in grids:
                grids[key] = _Cells.of(ds, coords, size, graph.crs)
            unit = unit_of[rp] or _declared_unit(ds)
            out[rp] = grids[key].deepest(ds) / (100.0 if unit == "cm" else 1.0)
    return pd.DataFrame(out, index=pd.RangeIndex(graph.n_edges, name="edge"))


def _declared_unit(ds: DatasetReader) -> str:
    """``cm`` when the band says its values are centimetres, else ``m``."""
    declared = (ds.units[0] or ds.tags(1).get("units", "")).strip().lower()
    return (
        "cm"
        if declared in ("cm", "centimetre", "centimetres", "centimeter", "centimeters")
        else "m"
    )


def _check_periods(hazards: object) -> list[float]:
    if not isinstance(hazards, Mapping) or not hazards:
        raise SchemaError(
            "hazards must map return periods in years to depth rasters, e.g. "
            "{10: 'rp10.tif', 100: 'rp100.tif'} (exposure.parse_return_period reads them from "
            "file names)."
        )
    rps = []
    for key in hazards:
        try:
            rp = float(key)
        except (TypeError, ValueError):
            rp = float("nan")
        if not (np.isfinite(rp) and rp > 0):
            raise SchemaError(f"hazards: {key!r} is not a return period in years > 0.")
        rps.append(rp)
    return rps


class _Opened:
    """Open a raster path (closing it after) or pass an open dataset through."""

    def __init__(self, raster: object, rasterio: object) -> None:
        self.raster, self.rasterio, self.own = raster, rasterio, None

    def __enter__(self) -> DatasetReader:
        if hasattr(self.raster, "read") and hasattr(self.raster, "transform"):
            ds = self.raster
        else:
            try:
                ds = self.own = self.rasterio.open(self.raster)
            except (self.rasterio.errors.RasterioIOError, TypeError) as exc:
                raise InputFileError(f"Cannot open hazard raster '{self.raster}': {exc}") from None
        if ds.crs is None:
            raise CRSError(
                f"Hazard raster '{ds.name}' has no CRS; set it, e.g. gdal_edit.py -a_srs "
                f"EPSG:4326 <file>."
            )
        return ds

    def __exit__(self, *exc: object) -> None:
        if self.own is not None:
            self.own.close()


def _edge_coords(graph: RoadGraph) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of every edge, edge after edge, and how many each has."""
    lines = graph._edge_lines
    if lines is not None:
        return lines.coords, np.asarray(lines.size)
    coords, idx = shapely.get_coordinates(graph.edge_geometry, return_index=True)
    return coords, np.bincount(idx, minlength=graph.n_edges)


def _half_cell_m(ds: DatasetReader, crs: pyproj.CRS) -> float:
    """Half the smaller side of a cell near the raster's centre, in metres of ``crs``."""
    t = ds.transform
    cx, cy = t * (ds.width / 2, ds.height / 2)
    corners = np.array([(cx, cy), (cx + abs(t.a), cy), (cx, cy + abs(t.e))])
    x, y = pyproj.Transformer.from_crs(ds.crs, crs, always_xy=True).transform(*corners.T)
    sides = np.hypot(x[1:] - x[0], y[1:] - y[0])
    return float(max(sides.min() / 2, 1.0))


@dataclass(frozen=True)
class _Cells:
    """Where the samples of the edges fall on one raster grid (shared by its rasters).

    Every segment of an edge (from each vertex to the next; an edge's last vertex is a
    segment of length 0) is cut into ``k`` pieces no longer than half a cell, and sampled at
    the start of each. The samples are kept edge after edge, as the cell each falls in:
    an index into the window ``[r0:r1, c0:c1]`` of the raster around the roads (one past the
    window's last cell when outside the raster), or its row and column when that window is
    too large to read at once.
    """

    flat: np.ndarray  # cell of every sample in the window (the window's size: outside)
    row: np.ndarray | None  # row and column of every sample, for a window read in strips
    col: np.ndarray | None
    window: tuple[int, int, int, int]  # r0, r1, c0, c1 (empty: no sample inside)
    start: np.ndarray  # where each edge starts among the samples

    @classmethod
    def of(cls, ds: DatasetReader, coords: np.ndarray, size: np.ndarray, crs: pyproj.CRS) -> _Cells:
        """Sample the edges every half cell of ``ds`` and find the cell of each sample."""
        x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
        last = np.cumsum(size) - 1
        dx, dy = np.diff(x, append=x[-1]), np.diff(y, append=y[-1])
        dx[last] = dy[last] = 0.0  # an edge's last vertex starts no segment
        k = np.maximum(np.ceil(np.hypot(dx, dy) / _half_cell_m(ds, crs)).astype(np.int64), 1)
        # every (segment, piece) pair, segment after segment: edge after edge
        seg = np.repeat(np.arange(len(k), dtype=np.int32), k)
        t = (np.arange(len(seg)) - (np.cumsum(k) - k)[seg]) / k[seg]
        inv = ~ds.transform
        dst = pyproj.CRS.from_user_input(ds.crs)
        if dst == crs:  # the affine map is linear: interpolate in cells
            x, y = inv.a * x + inv.b * y + inv.c, inv.d * x + inv.e * y + inv.f
            dx, dy = np.diff(x, append=x[-1]), np.diff(y, append=y[-1])
            col, row = x[seg] + dx[seg] * t, y[seg] + dy[seg] * t
        else:
            to_raster = pyproj.Transformer.from_crs(crs, dst, always_xy=True)
            px, py = to_raster.transform(x[seg] + dx[seg] * t, y[seg] + dy[seg] * t)
            col, row = inv.a * px + inv.b * py + inv.c, inv.d * px + inv.e * py + inv.f
        per_edge = np.add.reduceat(k, last - size + 1)
        return cls._placed(row, col, ds, np.cumsum(per_edge) - per_edge)

    @classmethod
    def _placed(
        cls, row: np.ndarray, col: np.ndarray, ds: DatasetReader, start: np.ndarray
    ) -> _Cells:
        """Cells of the samples at ``row``, ``col`` (fractional, in cells of ``ds``)."""
        inside = (row >= 0) & (row < ds.height) & (col >= 0) & (col < ds.width)
        if not inside.any():
            return cls(np.zeros(len(row), dtype=np.int64), None, None, (0, 0, 0, 0), start)
        row, col = np.floor(row).astype(np.int64), np.floor(col).astype(np.int64)
        some = slice(None) if inside.all() else inside
        r0, r1 = int(row[some].min()), int(row[some].max()) + 1
        c0, c1 = int(col[some].min()), int(col[some].max()) + 1
        flat = (row - r0) * (c1 - c0) + (col - c0)
        if some is inside:  # some samples fall outside the raster
            flat[~inside] = (r1 - r0) * (c1 - c0)
        if (r1 - r0) * (c1 - c0) <= MAX_WINDOW_CELLS:
            return cls(flat, None, None, (r0, r1, c0, c1), start)
        return cls(flat, np.where(inside, row, -1), col, (r0, r1, c0, c1), start)

    def deepest(self, ds: DatasetReader) -> np.ndarray:
        """Largest value of ``ds`` sampled along every edge (NaN where none has data)."""
        r0, r1, c0, c1 = self.window
        if self.row is None:  # one window around the roads (the usual case)
            cells = np.r_[_window(ds, c0, r0, c1, r1).ravel(), np.nan]
            values = cells[self.flat]
        else:
            values = np.full(len(self.flat), np.nan)
            strip = max(1, MAX_WINDOW_CELLS // (c1 - c0))
            for top in range(r0, r1, strip):
                bottom = min(top + strip, r1)
                sel = (self.row >= top) & (self.row < bottom)
                block = _window(ds, c0, top, c1, bottom)
                values[sel] = block[self.row[sel] - top, self.col[sel] - c0]
        with np.errstate(invalid="ignore"):
            return np.fmax.reduceat(values, self.start)


def _window(ds: DatasetReader, c0: int, r0: int, c1: int, r1: int) -> np.ndarray:
    """Cells ``[r0:r1, c0:c1]`` of band 1 as float64, NaN on nodata."""
    from rasterio.windows import Window

    block = ds.read(1, window=Window(c0, r0, c1 - c0, r1 - r0), masked=True)
    return block.astype("float64").filled(np.nan)


# -- closures --------------------------------------------------------------------------------


def closed_edges(
    graph: RoadGraph,
    depths: pd.DataFrame,
    *,
    close_m: float = DEFAULT_CLOSE_M,
    close_m_by_class: Mapping[object, float] | None = None,
    roads: gpd.GeoDataFrame | None = None,
    class_column: str | None = None,
) -> pd.DataFrame:
    """Which edges a flood closes at each return period: depth above the threshold.

    Parameters
    ----------
    graph : RoadGraph
        The graph ``depths`` was sampled on.
    depths : pandas.DataFrame
        From :func:`edge_depths`.
    close_m : float, default 0.3
        Depth above which a road is closed (m).
    close_m_by_class : mapping, optional
        Thresholds for some road classes (values of ``class_column`` of ``roads``); the
        other classes take ``close_m``. Each edge takes the class of the nearest road line
        to its middle.
    roads : geopandas.GeoDataFrame, optional
        The road layer the graph was built from (needed with ``close_m_by_class``).
    class_column : str, optional
        Road class column; ``loai_duong`` or ``road_class`` by default.

    Returns
    -------
    pandas.DataFrame
        Booleans, one row per edge and one column per return period (an edge without any
        depth sampled, NaN, stays open); ``attrs`` holds ``close_m`` and
        ``close_m_by_class``.

    Raises
    ------
    SchemaError
        A threshold that is not a positive depth, ``depths`` not of this graph, classes
        without ``roads`` or a class column.

    Examples
    --------
    >>> import pandas as pd
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from ninhbinh_geo.network import build_graph
    >>> g = build_graph(gpd.GeoDataFrame(
    ...     geometry=[LineString([(600000, 2240000), (601000, 2240000)])], crs=3405))
    >>> closed_edges(g, pd.DataFrame({10.0: [0.2], 100.0: [0.5]})).to_dict("list")
    {10.0: [False], 100.0: [True]}
    """
    if not isinstance(depths, pd.DataFrame) or len(depths) != graph.n_edges:
        raise SchemaError(
            "depths must be the DataFrame of edge_depths(graph, hazards) for this graph (one "
            "row per edge)."
        )
    threshold = np.full(graph.n_edges, _positive(close_m, "close_m"))
    if close_m_by_class:
        cls = _edge_classes(graph, roads, class_column)
        for name, value in close_m_by_class.items():
            threshold[cls == name] = _positive(value, f"close_m_by_class[{name!r}]")
    with np.errstate(invalid="ignore"):
        closed = depths.to_numpy(dtype=float) > threshold[:, None]
    out = pd.DataFrame(closed, index=depths.index, columns=depths.columns)
    out.attrs.update(close_m=float(close_m), close_m_by_class=dict(close_m_by_class or {}))
    return out


def _positive(value: object, name: str) -> float:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        v = float("nan")
    if not (np.isfinite(v) and v > 0):
        raise SchemaError(f"{name} must be a water depth in metres > 0, not {value!r}.")
    return v


def _edge_classes(
    graph: RoadGraph, roads: gpd.GeoDataFrame | None, class_column: str | None
) -> np.ndarray:
    """Road class of every edge: that of the road line nearest to the edge's middle."""
    if not isinstance(roads, gpd.GeoDataFrame):
        raise SchemaError(
            "close_m_by_class needs the road layer the graph was built from: pass roads=."
        )
    column = class_column or next((c for c in _CLASS_COLUMNS if c in roads.columns), None)
    if column is None or column not in roads.columns:
        raise SchemaError(
            f"Layer 'roads' has no road class column ({class_column or _CLASS_COLUMNS}); pass "
            f"class_column=."
        )
    lines = to_metric(roads, "roads", crs=graph.crs)
    mid = shapely.line_interpolate_point(graph.edge_geometry, 0.5, normalized=True)
    i_mid, i_road = shapely.STRtree(lines.geometry.values).query_nearest(mid)
    first = np.r_[True, i_mid[1:] != i_mid[:-1]]
    out = np.full(graph.n_edges, None, dtype=object)
    out[i_mid[first]] = lines[column].to_numpy()[i_road[first]]
    return out
