"""Map furniture: scale bar, north arrow, legends, title, illustrative marks and sources line.

Everything on a page besides the layers themselves. The scale bar is true in km because the map
is drawn in EPSG:3405 with one metre as long in x as in y; the north arrow is turned by the grid
convergence of that projection. Legend entries take their colours and texts from the shared
:class:`ninhbinh_geo.styles.Legend` objects; every other text comes from
:func:`ninhbinh_geo.labels.label`, and text from data is cleaned before it is drawn.
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Iterable
from functools import cache

import pandas as pd
import pyproj
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from matplotlib.legend import Legend as MplLegend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle

from .. import crs as _crs
from ..formatting import format_number
from ..labels import LABELS, label
from .fonts import _charmap, _clean, _clean_column, font_path
from .layers import _LINE_WIDTH, _SITE_MARKER, _Drawn
from .page import _FOOTER_MM, _MARGIN_MM, _MM_PER_INCH, PAPER_MM, _Page

# Which warning a shown illustrative layer calls for.
_WARN_KEY = {
    "clusters": "warn.illustrative_footprint",
    "parks": "warn.illustrative_footprint",
    "hazard": "warn.illustrative_hazard",
    "exposure": "warn.illustrative_hazard",
    "flood_cut_roads": "warn.illustrative_hazard",
    "candidate_sites": "warn.illustrative_candidates_map",
}
_LEGEND_FONT_PT = 7.0
# Font size the character advances are read at (scaled linearly to any size).
_UNITS_SIZE_PT = 100
# Characters of a legend line: the 70 mm side panel at 7 pt.
_LEGEND_WRAP_CHARS = 44
# The sources line: font size, line height (mm) and characters per mm of page width.
_SOURCES_FONT_PT = 5.8
_SOURCES_LINE_MM = _SOURCES_FONT_PT * 1.3 / 72 * _MM_PER_INCH


@cache
def _metric_crs() -> tuple[pyproj.Transformer, pyproj.Proj, str]:
    """Return the transformer to lon/lat, the projection and the name of EPSG:3405."""
    return (
        pyproj.Transformer.from_crs(_crs.METRIC_CRS, 4326, always_xy=True),
        pyproj.Proj(_crs.METRIC_CRS),
        pyproj.CRS(_crs.METRIC_CRS).name,
    )


# ---------------------------------------------------------------------------------------------
# In the map frame


def _nice_km(max_km: float) -> float:
    """Return the largest 1, 2, 2.5 or 5 × 10^k km not above ``max_km``.

    Examples
    --------
    >>> _nice_km(13.2), _nice_km(2.4), _nice_km(0.9)
    (10.0, 2.0, 0.5)
    """
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
        text = f"{format_number(v, lang)} {unit}" if v else "0"
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
    to_lonlat, proj, _ = _metric_crs()
    lon, lat = to_lonlat.transform((xmin + xmax) / 2, (ymin + ymax) / 2)
    # True north deviates from grid north by the meridian convergence (≈0.3° here).
    ang = math.radians(proj.get_factors(lon, lat).meridian_convergence)
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


# ---------------------------------------------------------------------------------------------
# Legends


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
    if d.role == "site" and d.hollow.any():
        handles.append(_hollow_handle(d))
        labels.append(label("map.illustrative_location_legend", lang).format(n=int(d.hollow.sum())))
    # long labels (the zoning outcomes name their binding rules) wrap within the panel
    return handles, ["\n".join(textwrap.wrap(_clean(t), _LEGEND_WRAP_CHARS)) for t in labels]


def _hollow_handle(d: _Drawn) -> Line2D:
    """Return the symbol of a site still placed by district: hollow, with an edge."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker=_SITE_MARKER.get(d.name, "o"),
        markersize=6,
        markerfacecolor="#ffffff",
        markeredgecolor="#505050",
        markeredgewidth=1.1,
    )


def _legend_title(d: _Drawn, lang: str, note_key: str | None) -> str:
    text = d.legend.title(lang)
    layer_key = f"layer.{d.name}"
    if d.legend.title_key != layer_key and layer_key in LABELS:
        text = f"{label(layer_key, lang)} – {text}"
    if note_key:
        text = f"{text} ({label(note_key, lang)})"
    return "\n".join(textwrap.wrap(_clean(text), _LEGEND_WRAP_CHARS))


def _legend_groups(
    drawn: list[_Drawn], lang: str, notes: dict[str, str]
) -> list[tuple[str | None, list, list[str]]]:
    """One (title, handles, labels) per layer; single-colour layers share one untitled group."""
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
    return groups


def _place_legends(
    fig: Figure, drawn: list[_Drawn], page: _Page, lang: str, notes: dict[str, str]
) -> list[MplLegend]:
    """Stack one legend per layer in the legend panel (single-colour layers share one)."""
    renderer = fig.canvas.get_renderer()
    x0, y0, w, h = page.legend_box_mm
    fig_w, fig_h = page.width_mm, page.height_mm
    cursor_x, cursor_y, row_h = x0, y0 + h, 0.0
    out = []
    for title, handles, labels in _legend_groups(drawn, lang, notes):
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


# ---------------------------------------------------------------------------------------------
# Page texts: title, illustrative marks, sources and credits


def _source_groups(frames: Iterable[pd.DataFrame]) -> dict[str, list[str]]:
    """Group the sources by licence, in order of appearance, most cited first."""
    groups: dict[str, list[str]] = {}
    for frame in frames:
        if "source" not in frame.columns:
            continue
        lic = frame["licence"] if "licence" in frame.columns else pd.Series("", index=frame.index)
        pairs = pd.DataFrame({"s": _clean_column(frame["source"]), "l": _clean_column(lic)})
        pairs = pairs[pairs["s"] != ""]
        for source, licence in pairs.value_counts(sort=True).index:
            listed = groups.setdefault(licence, [])
            if source not in listed:
                listed.append(source)
    return groups


def _sources_text(frames: Iterable[pd.DataFrame], lang: str) -> str:
    """'Nguồn: A; B – licence · C – licence 2': every source, grouped by licence, one line.

    Examples
    --------
    >>> import pandas as pd
    >>> _sources_text([pd.DataFrame({"source": ["OSM", "OSM", "ODM", "WOF"],
    ...                              "licence": ["ODbL", "ODbL", "CC BY-SA 4.0", "ODbL"]})],
    ...               "en")
    'Sources: OSM; WOF – ODbL · ODM – CC BY-SA 4.0'
    """
    groups = _source_groups(frames)
    pieces = [
        f"{'; '.join(sources)} – {licence}" if licence else "; ".join(sources)
        for licence, sources in groups.items()
    ]
    body = " · ".join(pieces) if pieces else label("nodata", lang)
    return f"{label('map.sources', lang)}: {body}"


@cache
def _char_width_em(char: str) -> float:
    """Return the advance of one character of the map font, in ems (cached per character)."""
    font = _ft2font()
    glyph = font.load_char(ord(char)) if ord(char) in _charmap() else font.load_char(ord("?"))
    return glyph.linearHoriAdvance / 65536 / _UNITS_SIZE_PT


@cache
def _ft2font() -> FT2Font:
    font = FT2Font(str(font_path()))
    font.set_size(_UNITS_SIZE_PT, 72)  # 72 dpi: advances in points
    return font


# A forked map worker opens the font again: FreeType reads glyphs lazily through the file it
# opened, and a file inherited across fork shares its offset with the parent and the other
# workers, so glyphs read at the same time come back corrupt ("invalid outline"). matplotlib
# does the same for its own font cache.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_ft2font.cache_clear)


def _word_width_pt(word: str, size_pt: float) -> float:
    """Return the width of ``word`` in the map font at ``size_pt`` (kerning ignored)."""
    return sum(_char_width_em(c) for c in word) * size_pt


def _wrap_measured(text: str, width_pt: float, size_pt: float) -> str:
    """Wrap ``text`` at spaces so that no line is wider than ``width_pt`` in the map font.

    Examples
    --------
    >>> _wrap_measured("a b c", 1000, 6)
    'a b c'
    >>> _wrap_measured("aaaa bbbb cccc", 30, 6).count(chr(10))
    2
    """
    space = _word_width_pt("a a", size_pt) - 2 * _word_width_pt("a", size_pt)
    lines: list[str] = []
    current, used = "", 0.0
    for word in text.split(" "):
        w = _word_width_pt(word, size_pt)
        if current and used + space + w > width_pt:
            lines.append(current)
            current, used = word, w
        else:
            current, used = (f"{current} {word}", used + space + w) if current else (word, w)
    lines.append(current)
    return "\n".join(lines)


def _sources_block(
    credited: dict[str, list[pd.DataFrame]], lang: str, paper: str
) -> tuple[dict[str, str], dict[str, float]]:
    """Wrap the sources line for either orientation; return it and the footer it needs (mm)."""
    text = _sources_text([f for fs in credited.values() for f in fs], lang)
    long_mm, short_mm = PAPER_MM[paper]
    texts, footers = {}, {}
    for orientation, width_mm in (("landscape", long_mm), ("portrait", short_mm)):
        width_pt = (width_mm - 2 * _MARGIN_MM) / _MM_PER_INCH * 72
        wrapped = _wrap_measured(_clean(text), width_pt, _SOURCES_FONT_PT)
        texts[orientation] = wrapped
        # the credits line sits under the sources: 5 mm of the band besides the lines
        lines = wrapped.count("\n") + 1
        footers[orientation] = max(_FOOTER_MM, 5.0 + lines * _SOURCES_LINE_MM)
    return texts, footers


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


def _page_texts(
    fig: Figure,
    page: _Page,
    title: str,
    credited: dict[str, list[pd.DataFrame]],
    lang: str,
    sources: dict[str, str],
) -> None:
    """Write the title, the illustrative marks, the sources line and the credits line."""
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
    fig.text(
        _MARGIN_MM / page.width_mm,
        (_MARGIN_MM + page.footer_mm - 2) / page.height_mm,
        sources[page.orientation],
        ha="left",
        va="top",
        fontsize=_SOURCES_FONT_PT,
        color="#303030",
        gid="sources",
        linespacing=1.3,
    )
    fig.text(
        1 - _MARGIN_MM / page.width_mm,
        _MARGIN_MM / page.height_mm,
        f"{label('map.crs', lang)}: {_metric_crs()[2]} ({_crs.METRIC_CRS}) · "
        f"{label('report.generated', lang)}",
        ha="right",
        va="bottom",
        fontsize=5.5,
        color="#505050",
        gid="credits",
    )
