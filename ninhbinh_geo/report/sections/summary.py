"""Summary: the question, the key figures beside the official ones, the main results.

The key figures put every figure the province published (``facts``) beside what the reviewed
layer holds (``coverage`` for the counts of clusters, ``efficiency`` for the rest), per scope:
the whole province and the three former provinces. Published figures keep their qualifier
(≈, >), their published decimals and what they count ("built or under way").
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd

from ...efficiency import FACT_INDICATORS, PROVINCE_SCOPE, SCOPE_BY_FORMER_PROVINCE
from ...formatting import decimals_of, format_date
from ..context import ReportContext
from ..model import Block, Heading, Link, Links, Paragraph, Section, Table

KEY = "summary"
TITLE = "report.summary"
TABLES = ("facts", "coverage", "locations")

#: Scopes of the key figures, in their column order.
SCOPES = (PROVINCE_SCOPE, *SCOPE_BY_FORMER_PROVINCE.values())
#: Counts of clusters are taken from the coverage table (the layer reviewed).
COVERAGE_COLUMNS = {
    "clusters_planned_2021_2030": "inventory_ccn",
    "clusters_established": "inventory_established",
    "clusters_operating": "inventory_operating",
}
_COVERAGE_SCOPE = {**{v: k for k, v in SCOPE_BY_FORMER_PROVINCE.items()}, PROVINCE_SCOPE: "total"}


def _facts(ctx: ReportContext) -> pd.DataFrame | None:
    facts = ctx.table("facts")
    if facts is None or facts.empty or not {"scope", "indicator", "value"} <= set(facts):
        return None
    return facts.drop_duplicates(["scope", "indicator"]).set_index(["scope", "indicator"])


def _fact_text(ctx: ReportContext, row: pd.Series) -> str:
    value = float(row["value"])
    text = ctx.num(value, decimals=decimals_of(value), qualifier=row.get("qualifier") or "exact")
    if row.get("unit") == "percent":
        text += "%"
    extent = row.get("extent")
    if isinstance(extent, str) and extent and ctx.has_label(f"extent.{extent}"):
        text += f" ({ctx.t(f'extent.{extent}')})"
    return text


def _sum(facts: pd.DataFrame, indicator: str) -> tuple[float, str, int] | None:
    """Add up the former provinces' figures (value, qualifier, decimals) when alike."""
    keys = [(s, indicator) for s in SCOPES[1:]]
    if not all(k in facts.index for k in keys):
        return None
    parts = facts.loc[keys]
    if "extent" in parts and parts["extent"].fillna("").astype(str).str.len().gt(0).any():
        return None  # counts of different things do not add up
    quals = set(parts["qualifier"].fillna("exact")) if "qualifier" in parts else {"exact"}
    qualifier = "approx" if "approx" in quals else "at_least" if "at_least" in quals else "exact"
    decimals = max(decimals_of(float(v)) for v in parts["value"])
    return float(parts["value"].sum()), qualifier, decimals


def official_cell(ctx: ReportContext, facts: pd.DataFrame, scope: str, indicator: str) -> str:
    """Write the official figure of ``scope`` as published (for the province, also the Σ).

    The province's Σ of the three former provinces is shown where the province published no
    figure, or one that differs from the sum ("> 5.400 (Σ ≈ 5.467,2)").
    """
    published = (scope, indicator) in facts.index
    text = _fact_text(ctx, facts.loc[(scope, indicator)]) if published else ""
    total = _sum(facts, indicator) if scope == PROVINCE_SCOPE else None
    if total is not None and not (published and total[0] == facts.loc[(scope, indicator), "value"]):
        value, qualifier, decimals = total
        sigma = ctx.t("report.sum", value=ctx.num(value, decimals=decimals, qualifier=qualifier))
        text = f"{text} ({sigma})" if text else sigma
    return text or "–"


def _layer_value(ctx: ReportContext, scope: str, indicator: str) -> object:
    coverage, eff = ctx.table("coverage"), ctx.table("efficiency")
    if indicator in COVERAGE_COLUMNS and coverage is not None and not coverage.empty:
        row = coverage[coverage["scope"] == _COVERAGE_SCOPE[scope]]
        return row[COVERAGE_COLUMNS[indicator]].iloc[0] if len(row) else None
    column = FACT_INDICATORS.get(indicator)
    if column is None or eff is None or "scope" not in eff or column not in eff:
        return None
    row = eff[eff["scope"] == scope]
    return row[column].iloc[0] if len(row) else None


def layer_cell(ctx: ReportContext, scope: str, indicator: str, unit: str) -> str:
    """Write what the reviewed layer holds for ``indicator`` in ``scope``."""
    value = _layer_value(ctx, scope, indicator)
    if value is None or pd.isna(value):
        return "–"
    if unit == "percent":
        return ctx.pct(value, share=False)
    decimals = 0 if unit in ("count", "workers") else None
    return ctx.num(float(value), decimals=decimals)


def key_figures(ctx: ReportContext) -> Table | None:
    """Tabulate the official and the reviewed layer's figures: a row per indicator."""
    facts = _facts(ctx)
    if facts is None:
        return None
    published = list(dict.fromkeys(facts.index.get_level_values("indicator")))
    indicators = [i for i in FACT_INDICATORS if i in published]
    indicators += [i for i in published if i not in indicators]
    units = facts.reset_index().drop_duplicates("indicator").set_index("indicator")["unit"]
    rows = []
    for indicator in indicators:
        name = (
            ctx.t(f"indicator.{indicator}")
            if ctx.has_label(f"indicator.{indicator}")
            else indicator
        )
        cells = [name]
        for scope in SCOPES:
            cells += [
                official_cell(ctx, facts, scope, indicator),
                layer_cell(ctx, scope, indicator, str(units.get(indicator, ""))),
            ]
        rows.append(tuple(cells))
    headers = (ctx.t("report.indicator"),) + (
        ctx.t("report.official"),
        ctx.t("report.in_layer"),
    ) * 4
    groups = (("", 1), *((ctx.t(f"scope.{s}"), 2) for s in SCOPES))
    return Table(headers, tuple(rows), (False,) + (True,) * 8, groups=groups)


def _coverage_line(ctx: ReportContext) -> Paragraph | None:
    coverage = ctx.table("coverage")
    if coverage is None or "total" not in set(coverage.get("scope", ())):
        return None
    row = coverage[coverage["scope"] == "total"].iloc[0]

    def share(layer: str, official: str) -> str:
        return ctx.pct(row[layer] / row[official]) if row[official] else "–"

    return Paragraph(
        ctx.t(
            "report.coverage_line",
            layer=ctx.num(row["inventory_ccn"]),
            official=ctx.num(row["planned_official"]),
            share=share("inventory_ccn", "planned_official"),
            established=ctx.num(row["inventory_established"]),
            est_official=ctx.num(row["established_official"]),
            est_share=share("inventory_established", "established_official"),
            operating=ctx.num(row["inventory_operating"]),
            op_official=ctx.num(row["operating_official"]),
            op_share=share("inventory_operating", "operating_official"),
        )
    )


def _fact_sources(ctx: ReportContext) -> Links | None:
    facts = ctx.table("facts")
    if facts is None or "source_url" not in facts:
        return None
    pairs = facts[["source_url", "source_date"]].drop_duplicates()
    items = tuple(
        Link(f"{urlparse(url).netloc} ({format_date(date, ctx.lang)})", url, code=False)
        for url, date in pairs.itertuples(index=False)
        if isinstance(url, str) and url.startswith(("http://", "https://"))
    )
    as_of = facts["as_of"].dropna().max() if "as_of" in facts else None
    return Links(ctx.t("report.facts_sources", as_of=format_date(as_of, ctx.lang)), items)


def _reviewed_layer(ctx: ReportContext) -> Paragraph | None:
    locations = ctx.table("locations")
    if locations is None or locations.empty:
        return None
    sites = locations.set_index("layer")["sites"]
    name = ctx.inputs.get("clusters")
    source = ctx.t("report.source.file", name=name) if name else ctx.t("report.source.embedded")
    return Paragraph(
        ctx.t(
            "report.reviewed_layer",
            clusters=ctx.num(sites.get("clusters", 0)),
            parks=ctx.num(sites.get("parks", 0)),
            source=source,
        )
    )


def build(ctx: ReportContext) -> Section:
    """Build the summary: question, reviewed layer, key figures, main results."""
    blocks: list[Block | None] = [
        Heading(ctx.t("report.question_title")),
        Paragraph(ctx.t("report.question"), "lead"),
        _reviewed_layer(ctx),
    ]
    table = key_figures(ctx)
    if table is not None:
        eff = ctx.table("efficiency")
        known = eff.loc[eff["scope"] == PROVINCE_SCOPE, "n_area_known"] if eff is not None else []
        blocks += [Heading(ctx.t("report.key_figures")), table]
        if len(known):
            blocks.append(Paragraph(ctx.t("report.area_basis", n=ctx.num(known.iloc[0])), "note"))
        blocks += [_coverage_line(ctx), _fact_sources(ctx)]
        blocks.append(ctx.links(("facts", "coverage", "efficiency")))
    results = ctx.collect("headline")
    if results:
        blocks += [Heading(ctx.t("report.main_results")), *results]
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def notes(ctx: ReportContext) -> list[str]:
    """Official figures as published; where the sites are and how their outlines were drawn."""
    out = [ctx.t("note.official")]
    locations = ctx.table("locations")
    for row in [] if locations is None else locations.to_dict("records"):
        if row["illustrative"]:
            out.append(
                ctx.t(
                    "note.positions",
                    layer=ctx.t(f"layer.{row['layer']}"),
                    placed=ctx.num(row["illustrative"]),
                    total=ctx.num(row["sites"]),
                    district=ctx.num(row["by_district"]),
                    province=ctx.num(row["by_province"]),
                    approximate=ctx.num(row["located"]),
                )
            )
        if row["layer"] == "clusters" and row["footprints_illustrative"]:
            out.append(
                ctx.t(
                    "note.footprints",
                    n=ctx.num(row["footprints_illustrative"]),
                    total=ctx.num(row["sites"]),
                )
            )
    return [*out, ctx.t("note.csv")]


def next_steps(ctx: ReportContext) -> list[str]:
    """Real positions for the clusters placed by district or province."""
    locations = ctx.table("locations")
    if locations is None or locations.empty:
        return []
    clusters = locations[locations["layer"] == "clusters"]
    n = int(clusters["illustrative"].sum()) if len(clusters) else 0
    return [ctx.t("next.positions", n=ctx.num(n))] if n else []
