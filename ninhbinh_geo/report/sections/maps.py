"""Maps: the static maps drawn in the same run, each with its title."""

from __future__ import annotations

from pathlib import PurePosixPath

from ..context import ReportContext
from ..model import Images, Section

KEY = "maps"
TITLE = "report.maps"
TABLES: tuple[str, ...] = ()


def caption(path: str, ctx: ReportContext) -> str:
    """Return the map's title (``maps/map_overview.png`` → label ``title.overview``), or its name.

    Examples
    --------
    >>> caption("maps/map_zoning.png", ReportContext({}, lang="en"))
    'Zoning review of clusters'
    """
    stem = PurePosixPath(path).stem.removeprefix("map_")
    return ctx.t(f"title.{stem}") if ctx.has_label(f"title.{stem}") else PurePosixPath(path).name


def build(ctx: ReportContext) -> Section | None:
    """Show the map images, linked to their full size."""
    if not ctx.maps:
        return None
    images = Images(tuple(ctx.maps), tuple(caption(p, ctx) for p in ctx.maps))
    return Section(KEY, ctx.t(TITLE), (images,))
