"""Notes and assumptions: what every section states about its data and methods."""

from __future__ import annotations

from ..context import ReportContext
from ..model import Section

KEY = "notes"
TITLE = "report.notes"
TABLES: tuple[str, ...] = ()


def build(ctx: ReportContext) -> Section | None:
    """Gather the ``notes`` of every section, in the report's order."""
    blocks = ctx.collect("notes")
    return Section(KEY, ctx.t(TITLE), tuple(blocks)) if blocks else None
