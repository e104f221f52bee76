"""Sources: where every layer comes from, under which licence, and how accurate it is."""

from __future__ import annotations

import pandas as pd

from ..cells import Column, frame_table
from ..context import ReportContext
from ..model import Paragraph, Section

KEY = "sources"
TITLE = "report.sources"
TABLES = ("sources",)
#: Sources listed per layer; the others are counted in one row ("and 12 more").
SOURCES_PER_LAYER = 3


def _shortlist(sources: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    """Each layer's main sources by rows, the rest folded into one row."""
    parts = []
    for _, group in sources.groupby("layer", sort=False):
        group = group.sort_values("rows", ascending=False, kind="stable")
        head, rest = group.head(SOURCES_PER_LAYER), group.iloc[SOURCES_PER_LAYER:]
        parts.append(head)
        if len(rest):
            more = ctx.t("map.more_sources", n=ctx.num(rest["source"].nunique()))
            parts.append(
                pd.DataFrame(
                    {
                        "layer": [group["layer"].iloc[0]],
                        "source": [more],
                        "licence": ["; ".join(pd.unique(rest["licence"].astype(str)))],
                        "accuracy": [
                            rest["accuracy"].iloc[0] if rest["accuracy"].nunique() == 1 else pd.NA
                        ],
                        "rows": [rest["rows"].sum()],
                    }
                )
            )
    return pd.concat(parts, ignore_index=True) if parts else sources


def build(ctx: ReportContext) -> Section | None:
    """List sources, licences and accuracy classes per layer; link the full list."""
    sources = ctx.table("sources")
    if sources is None:
        return None
    columns = [
        Column("layer", kind="code", prefix="layer."),
        Column("source", kind="text"),
        Column("licence", kind="text"),
        Column("accuracy", kind="code", prefix="accuracy."),
        Column("rows", header="col.features", kind="count"),
    ]
    shown = _shortlist(sources, ctx) if {"layer", "rows", "source"} <= set(sources) else sources
    table = frame_table(shown, columns, ctx.lang, limit=None)
    blocks = [table, Paragraph(ctx.t("src.accuracy"), "note"), ctx.links(("sources",))]
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))
