"""Zoning review: what share the data decide, the clusters to look at first, the rules.

Result codes, severities and the missing-input keys of the findings are written in words
(:func:`missing_in_words`); rule ids stay as they are (they are identifiers).
"""

from __future__ import annotations

import pandas as pd

from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section

KEY = "zoning"
TITLE = "report.zoning"
TABLES = ("findings", "findings_summary", "rules", "zoning_decided", "zoning_missing")

#: Worst results from the most to the least pressing.
RESULT_ORDER = ("fail", "needs_review", "pass", "not_applicable")
SEVERITY_ORDER = ("blocking", "major", "advisory")
#: Most missing inputs listed in "What to do next".
MAX_MISSING = 10


def _in_phrase(word: str) -> str:
    # a header ("Diện tích (ha)") inside a phrase starts lower case; an acronym ("CCN") stays
    return word[0].lower() + word[1:] if len(word) > 1 and word[1].islower() else word


def _column_words(detail: str, lang: str) -> str:
    name, _, remark = detail.partition(" (")
    words = " / ".join(_in_phrase(translate(c, lang, "col.")) for c in name.split("|"))
    remark = remark.rstrip(")").strip().replace(" ", "_")
    if remark:
        words += " " + translate(remark, lang, "missing.remark.")
    return words


def missing_in_words(keys: object, lang: str) -> str:
    """Write ``missing_input`` keys (``kind:detail; …``) in words, each through ``labels``.

    Examples
    --------
    >>> missing_in_words("layer:dykes; column:craft_village|mountainous", "en")
    'dykes layer absent; craft village / mountainous area unknown'
    >>> missing_in_words("position:approximate", "vi")
    'vị trí khu đất (điểm vị trí gần đúng)'
    """
    if not isinstance(keys, str) or not keys.strip():
        return ""
    out = []
    for key in (k.strip() for k in keys.split(";") if k.strip()):
        kind, _, detail = key.partition(":")
        if kind == "column":
            out.append(translate("missing.column", lang).format(what=_column_words(detail, lang)))
        elif kind in ("layer", "zones"):
            what = translate(detail, lang, "layer.")
            out.append(translate(f"missing.{kind}", lang).format(what=what))
        else:
            code = f"missing.{kind}.{detail}" if detail else f"missing.{kind}"
            out.append(translate(code, lang))
    return "; ".join(out)


def _decided_line(ctx: ReportContext) -> Paragraph | None:
    decided = ctx.table("zoning_decided")
    if decided is None or "rule_id" not in decided:
        return None
    total = decided[decided["rule_id"] == "all"]
    row = total.iloc[0] if len(total) else decided.sum(numeric_only=True)
    return Paragraph(
        ctx.t(
            "zon.decided",
            decided=ctx.num(row["decided"]),
            pairs=ctx.num(row["pairs"]),
            share=ctx.pct(row["decided"] / row["pairs"]) if row["pairs"] else "–",
            fail=ctx.num(row["n_fail"]),
            pass_=ctx.num(row["n_pass"]),
            na=ctx.num(row["n_not_applicable"]),
            nr=ctx.num(row["n_needs_review"]),
        )
    )


def _worst_line(ctx: ReportContext, summary: pd.DataFrame) -> Paragraph:
    counts = summary["worst_result"].value_counts()
    items = ", ".join(
        f"{ctx.num(counts[r])} {translate(r, ctx.lang, 'result.').lower()}"
        for r in RESULT_ORDER
        if r in counts
    )
    return Paragraph(ctx.t("zon.worst", items=items))


def _sites_first(ctx: ReportContext, summary: pd.DataFrame) -> pd.DataFrame:
    rank = {r: i for i, r in enumerate(RESULT_ORDER)}
    severity = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    margin = f"binding_margin_{ctx.lang}"
    out = summary.assign(
        _rank=summary["worst_result"].map(rank).fillna(len(rank)),
        _severity=summary.get("binding_severity", pd.Series(index=summary.index)).map(severity),
        _margin=-pd.to_numeric(summary.get("binding_margin"), errors="coerce").fillna(0),
        binding_margin=summary.get(margin, pd.Series("", index=summary.index)),
        missing=[
            missing_in_words(k, ctx.lang)
            for k in summary.get("binding_missing_input", [""] * len(summary))
        ],
    )
    return out.sort_values(["_rank", "_severity", "_margin", "site_id"], kind="stable")


_SITE_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("worst_result", kind="code", prefix="result."),
    Column("binding_rule", kind="text"),
    Column("binding_severity", header="col.severity", kind="code", prefix="severity."),
    Column("binding_margin", kind="text"),
    Column("missing", header="col.missing", kind="text"),
]
_RULE_COLUMNS = [
    Column("rule_id", kind="text"),
    Column("legal_source", kind="text"),
    Column("severity", kind="code", prefix="severity."),
    Column("n_fail", kind="count"),
    Column("n_needs_review", kind="count"),
    Column("n_pass", kind="count"),
    Column("n_not_applicable", kind="count"),
    Column("decided_share", kind="share"),
]


def _rules(ctx: ReportContext) -> pd.DataFrame | None:
    decided, rules = ctx.table("zoning_decided"), ctx.table("rules")
    if decided is None or "rule_id" not in decided:
        return None
    decided = decided[decided["rule_id"] != "all"]
    if rules is not None and "rule_id" in rules:
        keep = [c for c in ("rule_id", "legal_source", "severity") if c in rules]
        decided = decided.merge(rules[keep].drop_duplicates("rule_id"), on="rule_id", how="left")
    return decided.sort_values(
        ["n_fail", "n_needs_review", "rule_id"], ascending=[False, False, True], kind="stable"
    )


def build(ctx: ReportContext) -> Section | None:
    """Decided share, worst results, the clusters to look at first, the rules."""
    summary = ctx.table("findings_summary")
    if summary is None or "worst_result" not in summary:
        return None
    blocks: list[Block | None] = [_decided_line(ctx), _worst_line(ctx, summary)]
    blocks += [
        Heading(ctx.t("zon.sites")),
        Paragraph(ctx.t("zon.sites_order"), "note"),
        frame_table(_sites_first(ctx, summary), _SITE_COLUMNS, ctx.lang),
    ]
    rules = _rules(ctx)
    if rules is not None:
        blocks += [
            Heading(ctx.t("zon.rules")),
            frame_table(rules, _RULE_COLUMNS, ctx.lang),
            Paragraph(ctx.t("report.status_legend"), "note") if "source_status" in rules else None,
        ]
    blocks.append(ctx.links(TABLES, ("zoning_findings",)))
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """Clusters failing, needing review and passing; the decided share."""
    summary, decided = ctx.table("findings_summary"), ctx.table("zoning_decided")
    if summary is None or "worst_result" not in summary:
        return []
    counts = summary["worst_result"].value_counts()
    share = "–"
    if decided is not None and "rule_id" in decided and (decided["rule_id"] == "all").any():
        row = decided[decided["rule_id"] == "all"].iloc[0]
        share = ctx.pct(row["decided"] / row["pairs"]) if row["pairs"] else "–"
    return [
        ctx.t(
            "zon.headline",
            fail=ctx.num(int(counts.get("fail", 0))),
            nr=ctx.num(int(counts.get("needs_review", 0))),
            ok=ctx.num(int(counts.get("pass", 0) + counts.get("not_applicable", 0))),
            share=share,
        )
    ]


_MISSING_COLUMNS = [
    Column("missing", header="col.missing", kind="text"),
    Column("pairs", kind="count"),
    Column("alone", kind="count"),
    Column("sites", kind="count"),
    Column("rules", kind="text"),
]


def next_steps(ctx: ReportContext) -> list[Block | str]:
    """List the missing data that would decide the undecided (site, rule) pairs."""
    missing, decided = ctx.table("zoning_missing"), ctx.table("zoning_decided")
    if missing is None or missing.empty or decided is None or "rule_id" not in decided:
        return []
    row = decided[decided["rule_id"] == "all"]
    row = row.iloc[0] if len(row) else decided.sum(numeric_only=True)
    words = missing.assign(
        missing=[missing_in_words(k, ctx.lang) for k in missing["missing_input"]]
    )
    return [
        Paragraph(
            ctx.t(
                "next.decided",
                decided=ctx.num(row["decided"]),
                pairs=ctx.num(row["pairs"]),
                share=ctx.pct(row["decided"] / row["pairs"]) if row["pairs"] else "–",
            )
        ),
        frame_table(words, _MISSING_COLUMNS, ctx.lang, limit=MAX_MISSING),
    ]
