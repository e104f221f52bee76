"""One map page put together: the layers in their frame, the furniture around them.

:func:`_compose` is what every themed map ends in. It lays the page out for the extent of the
layers, draws them bottom first into a frame of one metre per metre, adds scale bar and north
arrow, then title, marks, sources, credits and legends, on a figure with an Agg canvas (never
``pyplot``: no window, no global figure state).
"""

from __future__ import annotations

import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..labels import label
from .fonts import _RC
from .furniture import _north_arrow, _page_texts, _place_legends, _scale_bar, _sources_block
from .layers import _ZORDER, _draw_layer, _Drawn, _extent, _marker_points
from .page import _MM_PER_INCH, _Page, _page
from .placing import _groups, _Item, _place_labels

# Hubs closer than this on paper share one label (Đồng Văn I–VI).
_GROUP_MM = 12.0


def _new_figure(page: _Page) -> tuple[Figure, object]:
    """Return a blank page on an Agg canvas and the axes of its map frame."""
    size_in = (page.width_mm / _MM_PER_INCH, page.height_mm / _MM_PER_INCH)
    fig = Figure(figsize=size_in, dpi=page.dpi)
    FigureCanvasAgg(fig)
    x0, y0, w, h = page.map_box_mm
    ax = fig.add_axes(
        (x0 / page.width_mm, y0 / page.height_mm, w / page.width_mm, h / page.height_mm)
    )
    return fig, ax


def _hub_items(drawn: list[_Drawn], group_m: float) -> tuple[list[_Item], list[tuple]]:
    """Return the hub labels (grouped when close) and the points of the hub symbols."""
    parks = next((d for d in drawn if d.name == "parks"), None)
    if parks is None or "major" not in parks.gdf.columns:
        return [], []
    major = parks.gdf[parks.gdf["major"].fillna(False).astype(bool)]
    if major.empty:
        return [], []
    names = major["name_vi"] if "name_vi" in major.columns else major["site_id"]
    pts = _marker_points(major.geometry)
    points = list(zip(pts.x.astype(float), pts.y.astype(float), strict=True))
    return _groups(points, list(names), group_m), points


def _draw_frame(
    ax, drawn: list[_Drawn], page: _Page, lang: str, *, label_parks: bool, labels: list[_Item]
) -> None:
    """Draw the layers (bottom first), scale bar, north arrow, then the labels placed apart."""
    xmin, xmax, ymin, ymax = page.limits
    metres_per_point = (xmax - xmin) / (page.map_box_mm[2] / _MM_PER_INCH * 72)
    # The page layout already gave the box the aspect of these limits, so the scale is
    # exactly one metre per metre in x and y and nothing rescales at draw time.
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
    for d in sorted(drawn, key=lambda d: _ZORDER.get(d.name, 5)):
        _draw_layer(ax, d, metres_per_point)
    _scale_bar(ax, lang)
    _north_arrow(ax, lang, page)
    items, hubs = [], []
    if label_parks:
        group_m = metres_per_point * _GROUP_MM / _MM_PER_INCH * 72
        items, hubs = _hub_items(drawn, group_m)
    # Labels go where no other label, hub symbol or piece of furniture lies, with leaders.
    _place_labels(ax, [*items, *labels], avoid=hubs, gid="map_label")


def _compose(
    title_key: str,
    drawn: list[_Drawn],
    *,
    credited: dict[str, list[pd.DataFrame]],
    lang: str,
    paper: str,
    label_parks: bool = False,
    notes: dict[str, str] | None = None,
    title_note: str | None = None,
    labels: list[_Item] | None = None,
) -> Figure:
    """Draw one map page: layers, legends, scale bar, north arrow, title, marks and sources.

    ``title_note`` is added to the title (the scenario an exposure map shows); ``labels`` are
    placed apart like the hub labels (the fails of the zoning map).
    """
    sources, footer_mm = _sources_block(credited, lang, paper)
    page = _page(_extent(drawn), paper, footer_mm)
    title = label(title_key, lang)
    if title_note:
        title = f"{title} – {title_note}"
    with rc_context(_RC):
        fig, ax = _new_figure(page)
        _draw_frame(ax, drawn, page, lang, label_parks=label_parks, labels=labels or [])
        _page_texts(fig, page, title, credited, lang, sources)
        _place_legends(fig, drawn, page, lang, notes or {})
        fig.set_label(title)
    # Data text must never be read as mathtext, whatever created it.
    for t in fig.findobj(Text):
        t.set_parse_math(False)
        t.set_usetex(False)
    return fig
