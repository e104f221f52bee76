"""What to do next: the missing data that would decide what the review leaves open."""

from __future__ import annotations

from ..context import ReportContext
from ..model import Section

KEY = "next"
TITLE = "report.next"
TABLES: tuple[str, ...] = ()


def build(ctx: ReportContext) -> Section | None:
    """Gather the ``next_steps`` of every section, in the report's order."""
    blocks = ctx.collect("next_steps")
    return Section(KEY, ctx.t(TITLE), tuple(blocks)) if blocks else None
