"""What changed since an earlier review: outcomes per site and rule with their cause, and rules.

Presents the tables of :func:`ninhbinh_geo.diff.compare_reviews` (``diff``: per site and rule;
``diff_rules``: per rule). ``ninhbinh-geo diff OLD NEW --out DIR`` writes this section as
``diff.html`` and ``diff.md`` beside ``tables/diff.csv``; in a review report it appears only
when the review's tables hold a diff.
"""

from __future__ import annotations

import pandas as pd

from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section

KEY = "diff"
TITLE = "diff.title"
TABLES = ("diff", "diff_rules")


def _causes(value: object, lang: str) -> str:
    """Translate ``"; "``-joined cause codes (``input_value; rule_text``).

    Examples
    --------
    >>> _causes("input_value; rule_text", "en")
    'Input value changed; Rule wording changed'
    """
    if not isinstance(value, str) or not value:
        return "–"
    return "; ".join(translate(c, lang, "diff.cause.") for c in value.split("; "))


def _moved(table: pd.DataFrame) -> pd.DataFrame:
    changed = table["outcome_changed"].astype(str).str.lower().isin(("true", "1"))
    return table[changed]


_SITE_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("rule_id", kind="text"),
    Column("result_old", header="dif.col.result_old", kind="code", prefix="result."),
    Column("result_new", header="dif.col.result_new", kind="code", prefix="result."),
    Column("cause_text", header="dif.col.causes", kind="text"),
    Column("changed_inputs", header="dif.col.changed_inputs", kind="text"),
]
_RULE_COLUMNS = [
    Column("rule_id", kind="text"),
    Column("cause", header="dif.col.causes", kind="code", prefix="diff.cause."),
    Column("rule_hash_old", header="dif.col.hash_old", kind="text"),
    Column("rule_hash_new", header="dif.col.hash_new", kind="text"),
    Column("effective_date_new", header="dif.col.effective_date", kind="text"),
    Column("outcomes_changed", header="dif.col.outcomes_changed", kind="count"),
]


def _summary(ctx: ReportContext, sites: pd.DataFrame, rules: pd.DataFrame | None) -> str:
    moved = _moved(sites)
    return ctx.t(
        "diff.summary",
        n_changed=ctx.num(len(moved)),
        n_sites=ctx.num(moved["site_id"].nunique()),
        n_rules=ctx.num(0 if rules is None else rules["rule_id"].nunique()),
    )


def build(ctx: ReportContext) -> Section | None:
    """Show the count, the outcomes that changed with their causes, and the rules that changed."""
    sites, rules = ctx.table("diff"), ctx.table("diff_rules")
    if sites is None or "outcome_changed" not in sites:
        return None
    blocks: list[Block | None] = [Paragraph(_summary(ctx, sites, rules))]
    moved = _moved(sites)
    if len(moved):
        moved = moved.assign(cause_text=[_causes(c, ctx.lang) for c in moved["causes"]])
        blocks += [
            Heading(ctx.t("diff.outcome_changed")),
            frame_table(moved, _SITE_COLUMNS, ctx.lang),
        ]
    if rules is not None and len(rules):
        blocks += [Heading(ctx.t("diff.rules")), frame_table(rules, _RULE_COLUMNS, ctx.lang)]
    if not len(moved) and (rules is None or not len(rules)):
        blocks.append(Paragraph(ctx.t("diff.none")))
    blocks.append(ctx.links(TABLES, ("review_diff",)))
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """State how many outcomes and rules changed."""
    sites = ctx.table("diff")
    if sites is None or "outcome_changed" not in sites:
        return []
    return [_summary(ctx, sites, ctx.table("diff_rules"))]
