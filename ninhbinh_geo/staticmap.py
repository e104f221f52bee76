"""Static review maps for print and the report: PNG and PDF on A4 or A3 paper.

Five maps (overview, land-use efficiency, satellite network, flood exposure, zoning review) are
drawn with matplotlib's non-interactive Agg canvas, never with ``pyplot``, so no window and no
global figure state is involved. Every map is drawn in the metric CRS EPSG:3405 (VN-2000 /
UTM 48N), so the scale bar is true; it carries a title, a legend, a scale bar in km, a north arrow
and a line naming the sources and licences of the layers shown, and the illustrative mark when a
shown layer is illustrative.

Colours and class breaks come only from the :class:`ninhbinh_geo.styles.Legend` objects passed in,
so the web map, these maps and the QGIS styles share one legend. Labels come only from
:func:`ninhbinh_geo.labels.label`. Text is drawn in DejaVu Sans, which covers Vietnamese, with
mathtext off: a name holding ``$`` is drawn as written.
"""

from __future__ import annotations

import logging
import math
import os
import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from matplotlib import patheffects, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.legend import Legend as MplLegend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from shapely.geometry import box

from . import _atomic
from . import crs as _crs
from ._errors import OutputError, SchemaError, first_ids
from .labels import LABELS, LANGS, label
from .styles import Legend

__all__ = [
    "FONT_FAMILY",
    "MAP_NAMES",
    "PAPER_MM",
    "PNG_DPI",
    "font_path",
    "missing_glyphs",
    "plot_efficiency",
    "plot_exposure",
    "plot_overview",
    "plot_satellite",
    "plot_zoning",
    "review_maps",
    "save_figure",
]

logger = logging.getLogger(__name__)

#: ISO 216 paper sizes, long side and short side in millimetres.
PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: PNG resolution per paper: about 2,300 × 1,650 px for both, enough to print and quick to draw.
PNG_DPI = {"A4": 200, "A3": 150}
#: Bundled with matplotlib and covering every precomposed Vietnamese letter (checked in tests).
FONT_FAMILY = "DejaVu Sans"
#: The maps :func:`review_maps` draws, in order; also the stems of the files it writes.
MAP_NAMES = ("overview", "efficiency", "satellite", "exposure", "zoning")

# Worst first: one site's many rule results collapse to the first of these that occurs.
_RESULT_SEVERITY = ("fail", "needs_review", "pass", "not_applicable")
# Which warning a shown illustrative layer calls for.
_WARN_KEY = {
    "clusters": "warn.illustrative_footprint",
    "parks": "warn.illustrative_footprint",
    "hazard": "warn.illustrative_hazard",
    "exposure": "warn.illustrative_hazard",
}
# Layers whose extent frames the map; national roads or a wide coastline must not.
_EXTENT_LAYERS = ("province", "former_provinces", "clusters", "parks", "satellite_links")
_SITE_MARKER = {"parks": "s"}
_LEGEND_FONT_PT = 7.0
_MM_PER_INCH = 25.4
# Page furniture in millimetres: margin, title band, sources band, legend panel.
_MARGIN_MM, _TITLE_MM, _FOOTER_MM = 8.0, 20.0, 13.0
_LEGEND_SIDE_MM, _LEGEND_BOTTOM_MM, _GAP_MM = 70.0, 58.0, 4.0
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "text.usetex": False,
    "text.parse_math": False,
    "axes.unicode_minus": False,
    # Type 3 (matplotlib's default) draws every glyph; TrueType embedding (42) would triple the
    # time to write a PDF for font subsetting.
    "pdf.fonttype": 3,
}


# ---------------------------------------------------------------------------------------------
# Fonts and safe text


def font_path() -> Path:
    """Return the file of the font every map is drawn in.

    Returns
    -------
    pathlib.Path
        The DejaVu Sans TrueType file bundled with matplotlib.

    Examples
    --------
    >>> font_path().name
    'DejaVuSans.ttf'
    """
    return Path(findfont(FontProperties(family=FONT_FAMILY), fallback_to_default=False))


@cache
def _charmap() -> frozenset[int]:
    return frozenset(FT2Font(str(font_path())).get_charmap())


def missing_glyphs(text: str) -> set[str]:
    """Return the characters of ``text`` (NFC-normalised) that the map font cannot draw.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    set of str
        Characters without a glyph in :data:`FONT_FAMILY`; empty when all render.

    Examples
    --------
    >>> missing_glyphs("Cụm công nghiệp Đồng Văn – Nghĩa Hưng")
    set()
    >>> sorted(missing_glyphs("Khu 工业"))
    ['业', '工']
    """
    cmap = _charmap()
    nfc = unicodedata.normalize("NFC", text)
    return {c for c in nfc if not c.isspace() and ord(c) not in cmap}


def _clean(value: object) -> str:
    """Make a string from data safe to draw on one line.

    Control characters (newlines, tabs) become spaces, and a character the font lacks becomes
    ``?`` (logged), so a name never breaks the layout or draws an empty box.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = " ".join(text.split())
    missing = missing_glyphs(text)
    if missing:
        logger.warning(
            "Characters %s have no glyph in %s; drawn as '?'.", sorted(missing), FONT_FAMILY
        )
        text = "".join("?" if c in missing else c for c in text)
    return text


# ---------------------------------------------------------------------------------------------
# Layers


@dataclass
class _Drawn:
    """One layer as drawn: metric geometry, its legend and how it is symbolised."""

    name: str
    gdf: gpd.GeoDataFrame  # EPSG:3405, only rows with a geometry
    legend: Legend
    colors: pd.Series
    role: str  # "line", "area" or "site"
    source: pd.DataFrame  # rows whose source/licence/accuracy are credited


def _need_legend(legends: dict[str, Legend], name: str) -> Legend:
    if name not in legends:
        raise SchemaError(
            f"No legend for layer '{name}': the static maps take colours only from the shared "
            f"legends. Build them with ninhbinh_geo.styles.default_legends(layers) and pass them."
        )
    return legends[name]


def _to_metric(gdf: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise SchemaError(
            f"Layer '{name}' has no geometry column; the maps need a GeoDataFrame in any CRS."
        )
    metric = _crs.to_metric(gdf, name)
    empty = metric.geometry.isna() | metric.geometry.is_empty
    if empty.any():
        ids = metric.loc[empty, "site_id"] if "site_id" in metric.columns else metric.index[empty]
        logger.warning(
            "Layer '%s': %d rows without a geometry are not drawn (%s).",
            name,
            int(empty.sum()),
            first_ids(ids),
        )
    return metric.loc[~empty]


def _colors(gdf: pd.DataFrame, legend: Legend, name: str) -> pd.Series:
    if legend.kind == "single":
        return pd.Series(legend.classes[0].color, index=gdf.index)
    if legend.column not in gdf.columns:
        raise SchemaError(
            f"Layer '{name}' has no column '{legend.column}' that its legend colours by; add the "
            f"column or rebuild the legends from these layers with styles.default_legends."
        )
    return legend.colors(gdf[legend.column])


def _drawn(
    name: str, gdf: pd.DataFrame, legend: Legend, role: str, source: pd.DataFrame | None = None
) -> _Drawn:
    metric = _to_metric(gdf, name)
    return _Drawn(
        name,
        metric,
        legend,
        _colors(metric, legend, name),
        role,
        metric if source is None else source,
    )


def _worst_result(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per site: its worst zoning result."""
    for col in ("site_id", "result"):
        if col not in findings.columns:
            raise SchemaError(
                f"Layer 'zoning_findings' has no column '{col}'; pass the table returned by "
                f"ninhbinh_geo.zoning.check."
            )
    bad = ~findings["result"].isin(_RESULT_SEVERITY)
    if bad.any():
        raise SchemaError(
            f"Layer 'zoning_findings': column 'result' holds "
            f"{sorted(map(str, set(findings.loc[bad, 'result'])))} "
            f"in rows of sites {first_ids(findings.loc[bad, 'site_id'])}; allowed are "
            f"{list(_RESULT_SEVERITY)}."
        )
    rank = findings["result"].map({r: i for i, r in enumerate(_RESULT_SEVERITY)})
    worst = findings.assign(_rank=rank).sort_values(["site_id", "_rank"], kind="stable")
    return worst.drop_duplicates("site_id").drop(columns="_rank")


def _worst_exposure(expo: pd.DataFrame) -> pd.DataFrame:
    """One row per site: the scenario with the largest exposed share (NaN only if all are)."""
    for col in ("site_id", "exposed_share"):
        if col not in expo.columns:
            raise SchemaError(
                f"Layer 'exposure' has no column '{col}'; pass the table returned by "
                f"ninhbinh_geo.exposure.raster_exposure."
            )
    share = pd.to_numeric(expo["exposed_share"], errors="coerce")
    order = expo.assign(_share=share).sort_values(
        ["site_id", "_share"], ascending=[True, False], na_position="last", kind="stable"
    )
    return order.drop_duplicates("site_id").drop(columns="_share")


def _with_site_geometry(
    table: pd.DataFrame, name: str, layers: dict[str, gpd.GeoDataFrame]
) -> gpd.GeoDataFrame:
    """Give a per-site table the footprints of the clusters and parks when it has none."""
    if isinstance(table, gpd.GeoDataFrame) and table.geometry.notna().any():
        return table
    sites = {k: layers[k] for k in ("clusters", "parks") if k in layers and "site_id" in layers[k]}
    if not sites:
        raise SchemaError(
            f"Layer '{name}' has no geometry and no 'clusters' or 'parks' layer with 'site_id' "
            f"is given to take the footprints from; pass the clusters layer too."
        )
    geo = pd.concat([_crs.to_storage(g, k)[["site_id", "geometry"]] for k, g in sites.items()])
    geo = geo.drop_duplicates("site_id").set_index("site_id")
    plain = pd.DataFrame(table).drop(columns=["geometry"], errors="ignore")
    joined = plain.join(geo, on="site_id")  # keeps the table's index and order
    unmatched = joined["geometry"].isna()
    if unmatched.any():
        logger.warning(
            "Layer '%s': sites %s are not among the clusters or parks and are not drawn.",
            name,
            first_ids(joined.loc[unmatched, "site_id"]),
        )
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=4326)


def _footprint_sources(
    layers: dict[str, gpd.GeoDataFrame], site_ids: pd.Series
) -> dict[str, list[pd.DataFrame]]:
    """Return the rows of clusters and parks whose footprints a per-site table borrowed."""
    out = {}
    for k in ("clusters", "parks"):
        if k in layers and "site_id" in layers[k].columns:
            rows = layers[k][layers[k]["site_id"].isin(site_ids)]
            if len(rows):
                out[k] = [rows]
    return out


# ---------------------------------------------------------------------------------------------
# Page layout


@dataclass
class _Page:
    width_mm: float
    height_mm: float
    map_box_mm: tuple[float, float, float, float]  # x0, y0, width, height from bottom left
    legend_box_mm: tuple[float, float, float, float]
    orientation: str
    limits: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax in metres
    dpi: int


def _page(extent: tuple[float, float, float, float], paper: str) -> _Page:
    """Pick the orientation that draws the extent at the largest scale."""
    long_mm, short_mm = PAPER_MM[paper]
    minx, miny, maxx, maxy = extent
    # A margin of 4 % keeps outlines off the neat line.
    dx = max(maxx - minx, 1.0) * 1.08
    dy = max(maxy - miny, 1.0) * 1.08
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    best: _Page | None = None
    best_scale = math.inf
    for orientation, (w, h) in (
        ("landscape", (long_mm, short_mm)),
        ("portrait", (short_mm, long_mm)),
    ):
        top = h - _MARGIN_MM - _TITLE_MM
        bottom = _MARGIN_MM + _FOOTER_MM
        if orientation == "landscape":
            mw = w - 2 * _MARGIN_MM - _LEGEND_SIDE_MM - _GAP_MM
            mbox = (_MARGIN_MM, bottom, mw, top - bottom)
            lbox = (_MARGIN_MM + mw + _GAP_MM, bottom, _LEGEND_SIDE_MM, top - bottom)
        else:
            mbox = (
                _MARGIN_MM,
                bottom + _LEGEND_BOTTOM_MM + _GAP_MM,
                w - 2 * _MARGIN_MM,
                top - bottom - _LEGEND_BOTTOM_MM - _GAP_MM,
            )
            lbox = (_MARGIN_MM, bottom, w - 2 * _MARGIN_MM, _LEGEND_BOTTOM_MM)
        scale = max(dx / mbox[2], dy / mbox[3])  # metres per paper millimetre
        if scale < best_scale:
            best_scale = scale
            hx, hy = scale * mbox[2] / 2, scale * mbox[3] / 2
            best = _Page(
                w, h, mbox, lbox, orientation, (cx - hx, cx + hx, cy - hy, cy + hy), PNG_DPI[paper]
            )
    assert best is not None  # two candidates, one always wins
    return best


def _extent(drawn: list[_Drawn]) -> tuple[float, float, float, float]:
    framing = [d for d in drawn if d.name in _EXTENT_LAYERS and not d.gdf.empty]
    framing = framing or [d for d in drawn if not d.gdf.empty]
    if not framing:
        raise SchemaError("The map has no layer with a geometry to draw; check the layers.")
    bounds = np.array([d.gdf.total_bounds for d in framing])
    return (
        float(bounds[:, 0].min()),
        float(bounds[:, 1].min()),
        float(bounds[:, 2].max()),
        float(bounds[:, 3].max()),
    )


# ---------------------------------------------------------------------------------------------
# Drawing


_LINE_WIDTH = {
    "province": 1.4,
    "former_provinces": 0.9,
    "districts": 0.4,
    "coastline": 0.8,
    "roads": 0.5,
    "satellite_links": 1.1,
}
_ZORDER = {
    "hazard": 1,
    "districts": 2,
    "roads": 3,
    "coastline": 3,
    "former_provinces": 4,
    "province": 5,
    "satellite_links": 6,
    "exposure": 7,
    "zoning_findings": 7,
    "clusters": 7,
    "parks": 8,
}


def _line_collection(geoms: gpd.GeoSeries, colors: np.ndarray, **kw) -> LineCollection:
    """Lines (and polygon outlines) as one collection, one colour per input row."""
    geoms = geoms.boundary.where(geoms.geom_type.str.contains("Polygon"), geoms)
    parts, idx = shapely.get_parts(geoms.to_numpy(), return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (1, 2))  # LineString, LinearRing
    segs = [shapely.get_coordinates(p) for p in parts[keep]]
    return LineCollection(segs, colors=colors[idx[keep]], **kw)


def _polygon_collection(geoms: gpd.GeoSeries, colors: np.ndarray, **kw) -> PathCollection:
    """Polygons with their holes as one collection, one colour per input row."""
    parts, idx = shapely.get_parts(geoms.to_numpy(), return_index=True)
    keep = shapely.get_type_id(parts) == 3  # Polygon
    paths = []
    for poly in parts[keep]:
        rings = [poly.exterior, *poly.interiors]
        paths.append(
            MplPath.make_compound_path(
                *[MplPath(shapely.get_coordinates(r), closed=True) for r in rings]
            )
        )
    return PathCollection(paths, facecolors=colors[idx[keep]], **kw)


def _draw_layer(ax, d: _Drawn, metres_per_point: float) -> None:
    # Collections are built directly: geopandas' plot redraws the whole figure per call.
    z = _ZORDER.get(d.name, 5)
    geoms = d.gdf.geometry
    colors = d.colors.to_numpy()
    if d.role in ("line", "area"):
        # Vertices closer than a quarter point on paper cannot be seen; dropping them keeps the
        # PDF small and the drawing fast.
        geoms = geoms.simplify(metres_per_point / 4, preserve_topology=True)
    if d.role == "line":
        ax.add_collection(
            _line_collection(
                geoms,
                colors,
                linewidths=_LINE_WIDTH.get(d.name, 0.6),
                zorder=z,
                linestyles=":" if d.name == "districts" else "-",
                gid=d.name,
            ),
            autolim=False,
        )
    elif d.role == "area":
        ax.add_collection(
            _polygon_collection(geoms, colors, alpha=0.55, linewidths=0, zorder=z, gid=d.name),
            autolim=False,
        )
    else:
        ax.add_collection(
            _polygon_collection(
                geoms, colors, edgecolors="#303030", linewidths=0.3, zorder=z, gid=d.name
            ),
            autolim=False,
        )
        # Footprints of tens of hectares are a millimetre on paper: a marker keeps them visible.
        pts = geoms.representative_point()
        size = np.full(len(pts), 16.0)
        edge = np.full(len(pts), 0.4)
        if d.name == "parks" and "major" in d.gdf.columns:
            major = d.gdf["major"].fillna(False).astype(bool).to_numpy()
            size[major], edge[major] = 42.0, 0.9
        ax.scatter(
            pts.x,
            pts.y,
            s=size,
            c=colors,
            marker=_SITE_MARKER.get(d.name, "o"),
            edgecolors="#202020",
            linewidths=edge,
            zorder=z + 0.5,
            gid=f"{d.name}_markers",
        )


def _label_major_parks(ax, parks: _Drawn, group_m: float) -> None:
    """Name the major parks; parks closer than ``group_m`` share one label (Đồng Văn I–VI)."""
    if "major" not in parks.gdf.columns:
        return
    major = parks.gdf[parks.gdf["major"].fillna(False).astype(bool)]
    if major.empty:
        return
    names = major["name_vi"] if "name_vi" in major.columns else major.get("site_id")
    pts = major.geometry.representative_point()
    groups: list[tuple[float, float, list[str]]] = []
    for (x, y), name in sorted(
        zip(zip(pts.x, pts.y, strict=True), names, strict=True), key=lambda t: _clean(t[1])
    ):
        for gx, gy, members in groups:
            if math.hypot(x - gx, y - gy) <= group_m:
                members.append(_clean(name))
                break
        else:
            groups.append((x, y, [_clean(name)]))
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for x, y, members in groups:
        ax.annotate(
            "\n".join(members),
            (x, y),
            xytext=(5, 3),
            textcoords="offset points",
            fontsize=6.2,
            fontweight="bold",
            color="#202020",
            zorder=20,
            path_effects=halo,
            annotation_clip=True,
        )


def _nice_km(max_km: float) -> float:
    """Return the largest 1, 2, 2.5 or 5 × 10^k km not above ``max_km``."""
    exp = math.floor(math.log10(max_km))
    return next(m * 10**exp for m in (5.0, 2.5, 2.0, 1.0) if m * 10**exp <= max_km)


def _scale_bar(ax, lang: str) -> float:
    """Draw a km bar at the lower left of the map; return its length in km."""
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    span_x, span_y = xmax - xmin, ymax - ymin
    length_km = _nice_km(span_x / 1000 * 0.22)
    mantissa = round(length_km / 10 ** math.floor(math.log10(length_km)), 1)
    # Segments of a round length: 1 → 2 × 0.5, 2 → 4 × 0.5, 2.5 → 5 × 0.5, 5 → 5 × 1.
    n = {1.0: 2, 2.0: 4, 2.5: 5, 5.0: 5}[mantissa]
    seg = length_km * 1000 / n
    x0, y0 = xmin + 0.04 * span_x, ymin + 0.045 * span_y
    h = 0.012 * span_y
    ax.add_patch(
        Rectangle(
            (x0 - 0.015 * span_x, y0 - 0.025 * span_y),
            length_km * 1000 + 0.05 * span_x,
            h + 0.065 * span_y,
            facecolor="white",
            edgecolor="none",
            alpha=0.8,
            zorder=29,
        )
    )
    for i in range(n):
        ax.add_patch(
            Rectangle(
                (x0 + i * seg, y0),
                seg,
                h,
                facecolor="black" if i % 2 == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
                zorder=30,
                gid="scalebar",
            )
        )
    unit = label("map.scale_km", lang)
    for x, v in ((x0, 0.0), (x0 + length_km * 1000, length_km)):
        text = f"{v:g} {unit}" if v else "0"
        ax.text(
            x,
            y0 + 1.6 * h,
            text,
            ha="center",
            va="bottom",
            fontsize=6.5,
            zorder=31,
            gid="scalebar_label",
        )
    return length_km


def _north_arrow(ax, lang: str, page: _Page) -> None:
    """Draw a north arrow at the upper right, turned by the grid convergence of EPSG:3405."""
    xmin, xmax, ymin, ymax = page.limits
    lon, lat = pyproj.Transformer.from_crs(_crs.METRIC_CRS, 4326, always_xy=True).transform(
        (xmin + xmax) / 2, (ymin + ymax) / 2
    )
    # True north deviates from grid north by the meridian convergence (≈0.3° here).
    conv = pyproj.Proj(_crs.METRIC_CRS).get_factors(lon, lat).meridian_convergence
    ang = math.radians(conv)
    cx, cy, length = 0.94, 0.86, 0.08
    aspect = page.map_box_mm[2] / page.map_box_mm[3]
    dx, dy = -math.sin(ang) * length / aspect, math.cos(ang) * length
    ax.add_patch(
        FancyArrow(
            cx - dx / 2,
            cy - dy / 2,
            dx,
            dy,
            width=0.012,
            head_width=0.035,
            head_length=0.03,
            length_includes_head=True,
            transform=ax.transAxes,
            facecolor="black",
            edgecolor="white",
            linewidth=0.5,
            zorder=32,
            gid="north_arrow",
        )
    )
    ax.text(
        cx + dx / 2,
        cy + dy / 2 + 0.012,
        label("map.north", lang),
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=10,
        fontweight="bold",
        zorder=32,
        gid="north_arrow_label",
    )


def _legend_entries(d: _Drawn, lang: str) -> tuple[list, list[str]]:
    """Return the handles and labels of one layer's legend, in the legend's class order."""
    handles, labels = [], []
    lg = d.legend
    classes = list(lg.classes)
    for c in classes:
        handles.append(_handle(d, c.color))
        labels.append(lg.title(lang) if lg.kind == "single" else c.text(lang))
    if lg.kind != "single":
        known = {c.color for c in classes}
        nodata_used = bool((d.colors == lg.nodata_color).any())
        if nodata_used and lg.nodata_color not in known:
            handles.append(_handle(d, lg.nodata_color))
            labels.append(label("nodata", lang))
    return handles, [_clean(t) for t in labels]


def _handle(d: _Drawn, color: str):
    if d.role == "line":
        return Line2D(
            [],
            [],
            color=color,
            linewidth=max(_LINE_WIDTH.get(d.name, 0.6), 1.0),
            linestyle=":" if d.name == "districts" else "-",
        )
    if d.role == "area":
        return Patch(facecolor=color, alpha=0.55, edgecolor="none")
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=_SITE_MARKER.get(d.name, "o"),
        markersize=6,
        markerfacecolor=color,
        markeredgecolor="#202020",
        markeredgewidth=0.5,
    )


def _legend_title(d: _Drawn, lang: str, note_key: str | None) -> str:
    text = d.legend.title(lang)
    layer_key = f"layer.{d.name}"
    if d.legend.title_key != layer_key and layer_key in LABELS:
        text = f"{label(layer_key, lang)} – {text}"
    if note_key:
        text = f"{text} ({label(note_key, lang)})"
    return "\n".join(textwrap.wrap(_clean(text), 44))


def _place_legends(
    fig: Figure, drawn: list[_Drawn], page: _Page, lang: str, notes: dict[str, str]
) -> list[MplLegend]:
    """Stack one legend per layer in the legend panel (single-colour layers share one)."""
    groups: list[tuple[str | None, list, list[str]]] = []
    singles_h, singles_l = [], []
    for d in drawn:
        h, lab = _legend_entries(d, lang)
        if d.legend.kind == "single":
            singles_h += h
            singles_l += lab
        else:
            groups.append((_legend_title(d, lang, notes.get(d.name)), h, lab))
    if singles_h:
        groups.append((None, singles_h, singles_l))
    renderer = fig.canvas.get_renderer()
    x0, y0, w, h = page.legend_box_mm
    fig_w, fig_h = page.width_mm, page.height_mm
    cursor_x, cursor_y, row_h = x0, y0 + h, 0.0
    out = []
    for title, handles, labels in groups:
        leg = fig.legend(
            handles,
            labels,
            title=title,
            loc="upper left",
            bbox_to_anchor=(cursor_x / fig_w, cursor_y / fig_h),
            fontsize=_LEGEND_FONT_PT,
            title_fontsize=_LEGEND_FONT_PT + 0.5,
            frameon=False,
            alignment="left",
            borderaxespad=0,
            borderpad=0.2,
            handlelength=1.6,
            labelspacing=0.35,
        )
        leg.get_title().set_fontweight("bold")
        bbox = leg.get_window_extent(renderer)
        lw_mm = bbox.width / fig.dpi * _MM_PER_INCH
        lh_mm = bbox.height / fig.dpi * _MM_PER_INCH
        if page.orientation == "portrait" and cursor_x > x0 and cursor_x + lw_mm > x0 + w:
            # Wrap to the next row of the bottom panel.
            cursor_x, cursor_y, row_h = x0, cursor_y - row_h - 2.5, 0.0
            leg.set_bbox_to_anchor((cursor_x / fig_w, cursor_y / fig_h), transform=fig.transFigure)
        if page.orientation == "landscape":
            cursor_y -= lh_mm + 3.0
        else:
            cursor_x += lw_mm + 5.0
            row_h = max(row_h, lh_mm)
        out.append(leg)
    return out


def _sources_line(frames: Iterable[pd.DataFrame], lang: str, width_chars: int) -> str:
    """'Nguồn: A, licence; B, licence; …' from the source/licence columns, most rows first."""
    pieces: list[str] = []
    for frame in frames:
        if "source" not in frame.columns:
            continue
        lic = frame["licence"] if "licence" in frame.columns else pd.Series("", index=frame.index)
        pairs = pd.DataFrame({"s": frame["source"].map(_clean), "l": lic.map(_clean)})
        pairs = pairs[pairs["s"] != ""]
        counts = pairs.value_counts(sort=True)
        items = [f"{s}, {lic_}" if lic_ else s for s, lic_ in counts.index]
        items = [i for i in items if i not in pieces]
        # A site layer may cite a different news page per row; three keep the line readable.
        if len(items) > 3:
            items = [*items[:3], label("map.more_sources", lang).format(n=len(items) - 3)]
        pieces += items
    body = "; ".join(pieces) if pieces else label("nodata", lang)
    text = f"{label('map.sources', lang)}: {body}"
    return "\n".join(textwrap.wrap(text, width_chars, max_lines=3, placeholder=" …"))


def _illustrative_keys(shown: dict[str, list[pd.DataFrame]]) -> list[str]:
    keys: list[str] = []
    for name, frames in shown.items():
        for frame in frames:
            flags = [
                frame[c] == "illustrative"
                for c in ("accuracy", "footprint_accuracy")
                if c in frame.columns
            ]
            if any(bool(f.fillna(False).any()) for f in flags):
                key = _WARN_KEY.get(name, "warn.illustrative")
                if key not in keys:
                    keys.append(key)
    return keys


def _compose(
    title_key: str,
    drawn: list[_Drawn],
    *,
    credited: dict[str, list[pd.DataFrame]],
    lang: str,
    paper: str,
    label_parks: bool = False,
    notes: dict[str, str] | None = None,
) -> Figure:
    """Draw one map page: layers, legends, scale bar, north arrow, title, marks and sources."""
    page = _page(_extent(drawn), paper)
    with rc_context(_RC):
        fig = Figure(
            figsize=(page.width_mm / _MM_PER_INCH, page.height_mm / _MM_PER_INCH), dpi=page.dpi
        )
        FigureCanvasAgg(fig)
        x0, y0, w, h = page.map_box_mm
        ax = fig.add_axes(
            (x0 / page.width_mm, y0 / page.height_mm, w / page.width_mm, h / page.height_mm)
        )
        xmin, xmax, ymin, ymax = page.limits
        metres_per_point = (xmax - xmin) / (w / _MM_PER_INCH * 72)
        for d in sorted(drawn, key=lambda d: _ZORDER.get(d.name, 5)):
            _draw_layer(ax, d, metres_per_point)
        if label_parks:
            for d in drawn:
                if d.name == "parks":
                    # Labels of parks closer than 12 mm on paper would overlap: merge them.
                    _label_major_parks(ax, d, group_m=metres_per_point * 12 / _MM_PER_INCH * 72)
        # The page layout already gave the box the aspect of these limits, so the scale is
        # exactly one metre per metre in x and y and nothing rescales at draw time.
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.6)
        _scale_bar(ax, lang)
        _north_arrow(ax, lang, page)

        title = label(title_key, lang)
        fig.text(
            0.5,
            1 - (_MARGIN_MM + 2) / page.height_mm,
            title,
            ha="center",
            va="top",
            fontsize=15,
            fontweight="bold",
            gid="title",
        )
        marks = [label(k, lang) for k in _illustrative_keys(credited)]
        wrap = int(page.width_mm / 2.0)
        for i, mark in enumerate(marks):
            fig.text(
                0.5,
                1 - (_MARGIN_MM + 9.5 + 3.3 * i) / page.height_mm,
                "\n".join(textwrap.wrap(mark, wrap)),
                ha="center",
                va="top",
                fontsize=7.5,
                color="#b2182b",
                fontweight="bold",
                gid="illustrative_mark",
            )
        frames = [f for fs in credited.values() for f in fs]
        fig.text(
            _MARGIN_MM / page.width_mm,
            (_MARGIN_MM + _FOOTER_MM - 2) / page.height_mm,
            _sources_line(frames, lang, int(page.width_mm / 1.45)),
            ha="left",
            va="top",
            fontsize=5.8,
            color="#303030",
            gid="sources",
            linespacing=1.3,
        )
        crs_name = pyproj.CRS(_crs.METRIC_CRS).name
        fig.text(
            1 - _MARGIN_MM / page.width_mm,
            _MARGIN_MM / page.height_mm,
            f"{label('map.crs', lang)}: {crs_name} ({_crs.METRIC_CRS}) · "
            f"{label('report.generated', lang)}",
            ha="right",
            va="bottom",
            fontsize=5.5,
            color="#505050",
            gid="credits",
        )
        _place_legends(fig, drawn, page, lang, notes or {})
        fig.set_label(title)
    # Data text must never be read as mathtext, whatever created it.
    for t in fig.findobj(Text):
        t.set_parse_math(False)
        t.set_usetex(False)
    return fig


# ---------------------------------------------------------------------------------------------
# Public maps


def _check_options(lang: str, paper: str) -> None:
    if lang not in LANGS:
        raise SchemaError(f"Unknown language {lang!r}; use one of {LANGS}.")
    if paper not in PAPER_MM:
        raise SchemaError(f"Unknown paper {paper!r}; use one of {sorted(PAPER_MM)}.")


def _coast_lines(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn a land polygon into its coastline, without the straight edges it was clipped along.

    Done in the layer's own CRS, where the clip box is a rectangle.
    """
    geoms = gdf.geometry
    polys = geoms.geom_type.str.contains("Polygon")
    if not polys.any():
        return gdf
    minx, miny, maxx, maxy = gdf.total_bounds
    tol = 1e-7 * max(maxx - minx, maxy - miny, 1e-9)
    frame = box(minx, miny, maxx, maxy).boundary.buffer(tol)
    lines = geoms.boundary.where(polys, geoms).difference(frame)
    return gdf.set_geometry(lines.where(polys, geoms))


def _base(layers: dict, legends: dict, names: Iterable[str]) -> list[_Drawn]:
    out = []
    for n in names:
        if n in layers and layers[n] is not None and len(layers[n]):
            gdf = _coast_lines(layers[n]) if n == "coastline" else layers[n]
            out.append(_drawn(n, gdf, _need_legend(legends, n), "line", source=layers[n]))
    return out


def _require(layers: dict, map_name: str) -> None:
    reason = _missing_reason(map_name, layers)
    if reason:
        raise SchemaError(f"Cannot draw the {map_name} map: {reason}")


_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    # Each inner tuple is one way to satisfy the map: all its layers present and not empty.
    "overview": (("clusters",), ("parks",)),
    "efficiency": (("clusters",),),
    "satellite": (("satellite_links", "parks"),),
    "exposure": (("exposure",),),
    "zoning": (("zoning_findings",),),
}


def _missing_reason(map_name: str, layers: dict) -> str | None:
    def present(n: str) -> bool:
        return n in layers and layers[n] is not None and len(layers[n]) > 0

    options = _REQUIRED[map_name]
    if any(all(present(n) for n in opt) for opt in options):
        return None
    wanted = " or ".join(" and ".join(f"'{n}'" for n in opt) for opt in options)
    return f"it needs the layer {wanted}, which is absent or empty."


def _sites_drawn(
    layers: dict[str, gpd.GeoDataFrame], legends: dict[str, Legend], names: tuple[str, ...]
) -> list:
    """Return the site layers among ``names`` that are present and not empty, in that order."""
    return [
        _drawn(name, layers[name], _need_legend(legends, name), "site")
        for name in names
        if name in layers and len(layers[name])
    ]


def plot_overview(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the overview map: boundaries, coastline, roads, parks and clusters.

    Major parks are drawn larger and named. Clusters and parks take their colours from
    ``legends["clusters"]`` and ``legends["parks"]``.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Layers in any CRS (usually EPSG:4326), named as in
        :func:`ninhbinh_geo.styles.default_legends`. Uses ``province``, ``former_provinces``,
        ``districts``, ``coastline``, ``roads``, ``parks`` and ``clusters`` when present; needs
        ``clusters`` or ``parks``.
    legends : dict of str to Legend
        The shared legends, one per layer drawn.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size; landscape or portrait is chosen to draw the province at the largest scale.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405 (metres), on an Agg canvas; write it with
        :func:`save_figure`.

    Raises
    ------
    SchemaError
        When a needed layer, its legend or the column its legend colours by is missing.
    CRSError
        When a layer has no CRS or implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["CCN-A"], "area_ha": [40.0], "source": ["demo"],
    ...                       "licence": ["CC0"], "accuracy": ["illustrative"]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> layers = {"clusters": c}
    >>> fig = plot_overview(layers, default_legends(layers))
    >>> [t.get_text() for t in fig.texts][:1]
    ['Tổng quan KCN và CCN tỉnh Ninh Bình']
    """
    _check_options(lang, paper)
    _require(layers, "overview")
    drawn = _base(
        layers, legends, ("province", "former_provinces", "districts", "coastline", "roads")
    )
    drawn += _sites_drawn(layers, legends, ("parks", "clusters"))
    credited = {d.name: [d.source] for d in drawn}
    return _compose(
        "title.overview", drawn, credited=credited, lang=lang, paper=paper, label_parks=True
    )


def plot_efficiency(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the land-use efficiency map: clusters coloured by an efficiency indicator.

    The clusters are coloured with ``legends["efficiency"]`` when it is given (for example a
    :func:`ninhbinh_geo.styles.graduated_legend` of ``occupancy_pct`` or ``jobs_per_ha``), else
    with ``legends["clusters"]`` (the column the review colours clusters by). Parks are shown
    for orientation.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``clusters``.
    legends : dict of str to Legend
        The shared legends.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When ``clusters``, a legend or the legend's column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import graduated_legend
    >>> c = gpd.GeoDataFrame({"site_id": ["A", "B"], "occupancy_pct": [30.0, 90.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21),
    ...                                box(106.0, 20.3, 106.01, 20.31)], crs=4326)
    >>> lg = {"efficiency": graduated_legend(c["occupancy_pct"], layer="clusters",
    ...       column="occupancy_pct", title_key="col.occupancy_pct", k=2)}
    >>> plot_efficiency({"clusters": c}, lg, lang="en").get_label()
    'Land-use efficiency of clusters'
    """
    _check_options(lang, paper)
    _require(layers, "efficiency")
    drawn = _base(layers, legends, ("province", "former_provinces", "districts"))
    if "parks" in layers and len(layers["parks"]):
        drawn.append(_drawn("parks", layers["parks"], _need_legend(legends, "parks"), "site"))
    legend = legends.get("efficiency") or _need_legend(legends, "clusters")
    drawn.append(_drawn("clusters", layers["clusters"], legend, "site"))
    credited = {d.name: [d.source] for d in drawn}
    return _compose("title.efficiency", drawn, credited=credited, lang=lang, paper=paper)


def plot_satellite(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the satellite-network map: links from clusters to their major parks.

    Links take the colours of ``legends["satellite_links"]`` (road or straight-line km); major
    parks are drawn larger and named.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``satellite_links`` and ``parks``.
    legends : dict of str to Legend
        The shared legends.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When a needed layer, legend or column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, box
    >>> from ninhbinh_geo.styles import default_legends
    >>> parks = gpd.GeoDataFrame({"site_id": ["KCN-1"], "name_vi": ["KCN Đồng Văn I"],
    ...                           "major": [True]},
    ...                          geometry=[box(105.9, 20.2, 105.92, 20.22)], crs=4326)
    >>> links = gpd.GeoDataFrame({"site_id": ["CCN-1"], "straight_km": [5.2]},
    ...                          geometry=[LineString([(105.91, 20.21), (105.95, 20.23)])],
    ...                          crs=4326)
    >>> layers = {"parks": parks, "satellite_links": links}
    >>> fig = plot_satellite(layers, default_legends(layers))
    >>> any(t.get_text() == "KCN Đồng Văn I" for t in fig.axes[0].texts)
    True
    """
    _check_options(lang, paper)
    _require(layers, "satellite")
    drawn = _base(layers, legends, ("province", "former_provinces", "roads"))
    drawn.append(
        _drawn(
            "satellite_links",
            layers["satellite_links"],
            _need_legend(legends, "satellite_links"),
            "line",
        )
    )
    drawn += _sites_drawn(layers, legends, ("clusters", "parks"))
    credited = {d.name: [d.source] for d in drawn}
    return _compose(
        "title.satellite", drawn, credited=credited, lang=lang, paper=paper, label_parks=True
    )


def plot_exposure(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the flood-exposure map: hazard zones and each site's largest exposed share.

    ``exposure`` holds one row per (site, hazard) as from
    :func:`ninhbinh_geo.exposure.raster_exposure`; each site is drawn with its largest
    ``exposed_share`` across the scenarios, coloured by ``legends["exposure"]``. Without a
    geometry of its own, the footprints are taken from ``clusters`` and ``parks`` by
    ``site_id``.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``exposure``; draws ``hazard`` when present.
    legends : dict of str to Legend
        The shared legends.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When ``exposure`` lacks ``site_id``/``exposed_share`` or has no footprints to draw.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A", "B"], "area_ha": [12.0, 40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21),
    ...                                box(106.0, 20.3, 106.01, 20.31)], crs=4326)
    >>> e = pd.DataFrame({"site_id": ["A", "A", "B"], "hazard": ["h10", "h100", "h10"],
    ...                   "exposed_share": [0.1, 0.6, 0.0], "accuracy": ["illustrative"] * 3})
    >>> layers = {"clusters": c, "exposure": e}
    >>> fig = plot_exposure(layers, default_legends(layers), lang="en")
    >>> any("ILLUSTRATIVE" in t.get_text() for t in fig.texts)
    True
    """
    _check_options(lang, paper)
    _require(layers, "exposure")
    drawn = _base(layers, legends, ("province", "former_provinces", "coastline"))
    if "hazard" in layers and layers["hazard"] is not None and len(layers["hazard"]):
        drawn.append(_drawn("hazard", layers["hazard"], _need_legend(legends, "hazard"), "area"))
    expo = layers["exposure"]
    worst = _with_site_geometry(_worst_exposure(expo), "exposure", layers)
    drawn.append(_drawn("exposure", worst, _need_legend(legends, "exposure"), "site", source=expo))
    credited = {d.name: [d.source] for d in drawn}
    if not isinstance(expo, gpd.GeoDataFrame):
        credited.update(_footprint_sources(layers, worst["site_id"]))
    return _compose(
        "title.exposure",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        notes={"exposure": "map.exposure_worst"},
    )


def plot_zoning(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the zoning-review map: each site coloured by its worst rule result.

    ``zoning_findings`` holds one row per (site, rule) as from
    :func:`ninhbinh_geo.zoning.check`; a site shows the worst of its results (fail, then
    needs review, pass, not applicable), coloured by ``legends["zoning_findings"]``. Footprints
    come from ``clusters`` and ``parks`` by ``site_id``.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``zoning_findings`` and ``clusters`` or ``parks``.
    legends : dict of str to Legend
        The shared legends.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When a result is not one of pass/fail/needs_review/not_applicable, or a needed layer,
        legend or column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [12.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> f = pd.DataFrame({"site_id": ["A", "A"], "rule_id": ["CCN-01", "CCN-02"],
    ...                   "result": ["pass", "fail"]})
    >>> layers = {"clusters": c, "zoning_findings": f}
    >>> fig = plot_zoning(layers, default_legends(layers))
    >>> fig.axes[0].collections[-1].get_facecolor()[0].round(3).tolist()  # the fail colour
    [0.843, 0.098, 0.11, 1.0]
    """
    _check_options(lang, paper)
    _require(layers, "zoning")
    drawn = _base(layers, legends, ("province", "former_provinces", "districts"))
    findings = layers["zoning_findings"]
    worst = _with_site_geometry(_worst_result(findings), "zoning_findings", layers)
    drawn.append(
        _drawn(
            "zoning_findings",
            worst,
            _need_legend(legends, "zoning_findings"),
            "site",
            source=findings,
        )
    )
    credited = {d.name: [d.source] for d in drawn}
    if not isinstance(findings, gpd.GeoDataFrame):
        credited.update(_footprint_sources(layers, worst["site_id"]))
    return _compose(
        "title.zoning",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        notes={"zoning_findings": "map.zoning_worst"},
    )


_PLOTTERS: dict[str, Callable[..., Figure]] = {
    "overview": plot_overview,
    "efficiency": plot_efficiency,
    "satellite": plot_satellite,
    "exposure": plot_exposure,
    "zoning": plot_zoning,
}


# ---------------------------------------------------------------------------------------------
# Writing


def _atomic_savefig(fig: Figure, path: Path, fmt: str, dpi: int) -> None:
    with _atomic.writing(path) as tmp:
        meta = {"Title": fig.get_label(), "Creator": "ninhbinh_geo"}
        extra = {}
        if fmt == "pdf":
            meta["CreationDate"] = None  # the same map gives the same bytes
        else:
            meta = {"Title": meta["Title"], "Software": meta["Creator"]}
            # zlib level 1 halves the time to write a page for about 40 % more bytes.
            extra["pil_kwargs"] = {"compress_level": 1}
        with rc_context(_RC):
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta, **extra)


def save_figure(fig: Figure, path_stem: str | os.PathLike, *, dpi: int | None = None) -> list[Path]:
    """Write a map as ``<stem>.png`` and ``<stem>.pdf``, each atomically.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A page from one of the ``plot_*`` functions.
    path_stem : path-like
        Output path without suffix; its folder is created when missing.
    dpi : int, optional
        Resolution of the PNG; by default 200 for A4 and 150 for A3 (:data:`PNG_DPI`). The PDF
        is vector.

    Returns
    -------
    list of pathlib.Path
        The PNG and the PDF, in that order.

    Raises
    ------
    OutputError
        When the folder cannot be created or written.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> fig = plot_overview({"clusters": c}, default_legends({"clusters": c}))
    >>> [p.name for p in save_figure(fig, Path(tempfile.mkdtemp()) / "overview")]
    ['overview.png', 'overview.pdf']
    """
    stem = Path(path_stem)
    if dpi is None:
        long_in = max(fig.get_size_inches())
        dpi = PNG_DPI["A3"] if long_in * _MM_PER_INCH > PAPER_MM["A4"][0] + 1 else PNG_DPI["A4"]
    out = []
    try:
        stem.parent.mkdir(parents=True, exist_ok=True)
        for fmt in ("png", "pdf"):
            path = stem.with_name(f"{stem.name}.{fmt}")
            _atomic_savefig(fig, path, fmt, dpi)
            out.append(path)
    except OSError as exc:
        raise OutputError(
            f"Cannot write the map '{stem}' ({exc.strerror or exc}); choose a writable folder."
        ) from exc
    return out


def review_maps(
    layers: dict[str, gpd.GeoDataFrame],
    legends: dict[str, Legend],
    out_dir: str | os.PathLike,
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> list[Path]:
    """Draw and write the five review maps as ``map_<name>.png`` and ``map_<name>.pdf``.

    A map whose layers are absent or empty is skipped and the reason logged (logger
    ``ninhbinh_geo.staticmap``, level WARNING).

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        The review's layers (see :func:`plot_overview`).
    legends : dict of str to Legend
        The shared legends, e.g. from :func:`ninhbinh_geo.styles.default_legends`.
    out_dir : path-like
        Folder to write into; created when missing.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    list of pathlib.Path
        The files written, PNG then PDF per map, in the order of :data:`MAP_NAMES`.

    Raises
    ------
    SchemaError, CRSError
        When a present layer is malformed (a missing layer only skips its map).
    OutputError
        When ``out_dir`` cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> paths = review_maps({"clusters": c}, default_legends({"clusters": c}), tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['map_overview.png', 'map_overview.pdf', 'map_efficiency.png', 'map_efficiency.pdf']
    """
    _check_options(lang, paper)
    out = Path(out_dir)
    written: list[Path] = []
    for name in MAP_NAMES:
        reason = _missing_reason(name, layers)
        if reason:
            logger.warning("Static map '%s' skipped: %s", name, reason)
            continue
        fig = _PLOTTERS[name](layers, legends, lang=lang, paper=paper)
        written += save_figure(fig, out / f"map_{name}")
    return written
