"""Static review maps for print and the report: PNG, PDF (and SVG) on A4 or A3 paper.

Six maps (overview, land-use efficiency, satellite network, satellite network by travel time,
flood exposure, zoning review),
drawn in the metric CRS EPSG:3405 on matplotlib's Agg canvas (never ``pyplot``), each with a
title, legend, true scale bar in km, north arrow, sources line and the illustrative mark when a
shown layer is illustrative. Colours come only from the shared
:class:`ninhbinh_geo.styles.Legend` objects, texts only from :func:`ninhbinh_geo.labels.label`.

Rooms, in the order they build on each other:

- ``fonts``: the map font (DejaVu Sans), glyph checks, text from data made safe to draw.
- ``page``: paper sizes and resolution, the layout of a page.
- ``layers``: layers checked once at the door, the drawn-layer record, collections, park labels.
- ``furniture``: scale bar, north arrow, legends, title, marks and the sources line.
- ``compose``: one map page put together.
- ``save``: writing a page in every requested format, atomically and reproducibly.
- ``overview``, ``efficiency``, ``satellite``, ``traveltime``, ``exposure``, ``zoning``: one
  module per map.
- ``workers``: maps drawn in parallel worker processes, as if drawn one after another.
- ``review``: :func:`review_maps`, the six maps of the review in one call;
  :func:`start_review_maps` starts them in worker processes and returns at once.
"""

from __future__ import annotations

from .efficiency import plot_efficiency
from .exposure import plot_exposure
from .fonts import FONT_FAMILY, font_path, missing_glyphs
from .overview import plot_overview
from .page import PAPER_MM, PNG_DPI
from .review import MAP_NAMES, MapsInProgress, review_maps, start_review_maps
from .satellite import plot_satellite
from .save import FORMATS, save_figure
from .traveltime import plot_traveltime
from .zoning import plot_zoning

__all__ = [
    "FONT_FAMILY",
    "FORMATS",
    "MAP_NAMES",
    "PAPER_MM",
    "PNG_DPI",
    "MapsInProgress",
    "font_path",
    "missing_glyphs",
    "plot_efficiency",
    "plot_exposure",
    "plot_overview",
    "plot_satellite",
    "plot_traveltime",
    "plot_zoning",
    "review_maps",
    "save_figure",
    "start_review_maps",
]
