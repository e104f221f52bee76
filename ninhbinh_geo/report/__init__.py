"""The review report: one HTML page and one Markdown file a planner reads.

Summary first (the question, the key figures beside the official ones, the main results), then
notes and assumptions, what to do next, the maps, and one section per analysis with its top
rows and links to the full tables (``tables/*.csv``) and GeoPackage layers. Every number is
written the reader's way (:mod:`ninhbinh_geo.formatting`), every code through
:mod:`ninhbinh_geo.labels`, and every text from data is escaped.

Rooms:

- :mod:`.model` — sections and their blocks (paragraphs, lists, tables, links, images);
- :mod:`.cells` — formatted cells and tables from DataFrames (:func:`frame_table`);
- :mod:`.context` — what the sections are given (:class:`ReportContext`);
- :mod:`.sections` — one module per section and :data:`~.sections.SECTIONS`, their order;
- :mod:`.html`, :mod:`.markdown` — the renderers;
- :mod:`.write` — :func:`build_sections` and :func:`write_report`.
"""

from __future__ import annotations

from .cells import MAX_ROWS, Column, format_value, frame_table
from .context import ReportContext
from .html import render_html
from .markdown import render_markdown
from .model import Section
from .sections import SECTIONS
from .write import build_sections, write_report

__all__ = [
    "MAX_ROWS",
    "SECTIONS",
    "Column",
    "ReportContext",
    "Section",
    "build_sections",
    "format_value",
    "frame_table",
    "render_html",
    "render_markdown",
    "write_report",
]
