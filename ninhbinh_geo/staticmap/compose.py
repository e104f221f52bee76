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
from .furniture import _north_arrow, _page_texts, _place_legends, _scale_bar
from .layers import _ZORDER, _draw_layer, _Drawn, _extent, _label_major_parks
from .page import _MM_PER_INCH, _Page, _page


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


def _draw_frame(ax, drawn: list[_Drawn], page: _Page, lang: str, *, label_parks: bool) -> None:
    """Draw the layers (bottom first), the park labels, the scale bar and the north arrow."""
    xmin, xmax, ymin, ymax = page.limits
    metres_per_point = (xmax - xmin) / (page.map_box_mm[2] / _MM_PER_INCH * 72)
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
    title = label(title_key, lang)
    with rc_context(_RC):
        fig, ax = _new_figure(page)
        _draw_frame(ax, drawn, page, lang, label_parks=label_parks)
        _page_texts(fig, page, title, credited, lang)
        _place_legends(fig, drawn, page, lang, notes or {})
        fig.set_label(title)
    # Data text must never be read as mathtext, whatever created it.
    for t in fig.findobj(Text):
        t.set_parse_math(False)
        t.set_usetex(False)
    return fig
