"""Tables no section presents (added by a new review step): their top rows and a link."""

from __future__ import annotations

from ..cells import frame_table
from ..context import ReportContext
from ..model import Heading, Section

KEY = "other"
TITLE = "report.other"
TABLES: tuple[str, ...] = ()


def build(ctx: ReportContext) -> Section | None:
    """One sub-section per unclaimed table, titled by ``report.<key>`` (else the key)."""
    claimed = {k for module in ctx.sections for k in getattr(module, "TABLES", ())}
    blocks = []
    for key in ctx.tables:
        table = ctx.table(key)
        if key in claimed or table is None:
            continue
        title = ctx.t(f"report.{key}") if ctx.has_label(f"report.{key}") else key
        blocks += [Heading(title), frame_table(table, list(table.columns), ctx.lang)]
        links = ctx.links((key,))
        if links is not None:
            blocks.append(links)
    return Section(KEY, ctx.t(TITLE), tuple(blocks)) if blocks else None
