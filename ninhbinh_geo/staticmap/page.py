"""The paper a map is printed on: sizes, resolution, and the layout of one page.

A page holds a title band at the top, a sources band at the bottom, the map frame, and a legend
panel to the right of the map (landscape) or under it (portrait). :func:`_page` picks the
orientation that draws the map's extent at the largest scale and gives the frame the aspect of
that extent, so one metre is as long in x as in y.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._errors import SchemaError
from ..labels import LANGS

__all__ = ["PAPER_MM", "PNG_DPI"]

#: ISO 216 paper sizes, long side and short side in millimetres.
PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: PNG resolution per paper: about 2,300 × 1,650 px for both, enough to print and quick to draw.
PNG_DPI = {"A4": 200, "A3": 150}

_MM_PER_INCH = 25.4
# Page furniture in millimetres: margin, title band, sources band, legend panel.
_MARGIN_MM, _TITLE_MM, _FOOTER_MM = 8.0, 20.0, 13.0
_LEGEND_SIDE_MM, _LEGEND_BOTTOM_MM, _GAP_MM = 70.0, 58.0, 4.0


@dataclass
class _Page:
    width_mm: float
    height_mm: float
    map_box_mm: tuple[float, float, float, float]  # x0, y0, width, height from bottom left
    legend_box_mm: tuple[float, float, float, float]
    orientation: str
    limits: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax in metres
    dpi: int
    footer_mm: float = _FOOTER_MM


def _check_options(lang: str, paper: str) -> None:
    if lang not in LANGS:
        raise SchemaError(f"Unknown language {lang!r}; use one of {LANGS}.")
    if paper not in PAPER_MM:
        raise SchemaError(f"Unknown paper {paper!r}; use one of {sorted(PAPER_MM)}.")


def _boxes(
    orientation: str, w: float, h: float, footer_mm: float = _FOOTER_MM
) -> tuple[tuple[float, float, float, float], tuple[float, float, float, float]]:
    """Return the map frame and the legend panel of a page, in mm from its lower left."""
    top = h - _MARGIN_MM - _TITLE_MM
    bottom = _MARGIN_MM + footer_mm
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
    return mbox, lbox


def _page(
    extent: tuple[float, float, float, float],
    paper: str,
    footer_mm: float | dict[str, float] = _FOOTER_MM,
) -> _Page:
    """Pick the orientation that draws the extent at the largest scale.

    ``footer_mm`` is the height of the sources band, or one per orientation (the band grows
    with the lines of sources, which a portrait page wraps more often).
    """
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
        footer = footer_mm[orientation] if isinstance(footer_mm, dict) else footer_mm
        mbox, lbox = _boxes(orientation, w, h, footer)
        scale = max(dx / mbox[2], dy / mbox[3])  # metres per paper millimetre
        if scale < best_scale:
            best_scale = scale
            hx, hy = scale * mbox[2] / 2, scale * mbox[3] / 2
            limits = (cx - hx, cx + hx, cy - hy, cy + hy)
            best = _Page(w, h, mbox, lbox, orientation, limits, PNG_DPI[paper], footer)
    assert best is not None  # two candidates, one always wins
    return best
