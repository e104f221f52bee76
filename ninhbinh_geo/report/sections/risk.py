"""Flood risk: expected annual values by the chosen method beside the others, damage, cut roads.

What it shows, from the tables of the risk steps (issue 13):

- the expected annual exposed area and damage by the chosen integration method
  (``--ead-method``), with the totals of the other methods beside it (``ead_methods``);
- the damage per return period with its assumptions (curve, sector, cost per m², price year,
  currency, built share) and the clusters with the largest expected annual damage;
- the cluster–hub road links floods cut, per return period and the links cut first;
- the probability of sea-level inundation over the DEM's error, or why there is none.

Money is written in millions of the table's currency at its price year. When the hazard is the
illustrative demo layer every figure is marked illustrative.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import pandas as pd

from ...formatting import decimals_of
from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section, Table

KEY = "risk"
TITLE = "report.risk"
TABLES = (
    "ead_methods",
    "damage",
    "damage_totals",
    "flood_cut",
    "flood_cut_summary",
    "slr_probability",
)
#: Rows shown of the clusters with the largest expected annual damage and of the cut links.
TOP = 10


def _illustrative(ctx: ReportContext) -> bool:
    """Whether any risk table rests on an illustrative input (the demo hazard)."""
    for key in ("ead", "damage_totals", "flood_cut_summary", "exposure"):
        table = ctx.table(key)
        if (
            table is not None
            and "accuracy" in table
            and (table["accuracy"] == "illustrative").any()
        ):
            return True
    return False


def _money_value(methods: pd.DataFrame) -> str | None:
    """Return the money column of ``ead_methods`` (``damage_eur`` …), or None."""
    values = [v for v in methods["value"].unique() if str(v).startswith("damage_")]
    return values[0] if values else None


def _money(ctx: ReportContext) -> tuple[str, str]:
    """Currency and price year of the damage tables (``EUR``, ``2010``)."""
    totals = ctx.table("damage_totals")
    if totals is None or totals.empty:
        return "", ""
    row = totals.iloc[0]
    year = row.get("price_year")
    return str(row.get("currency", "")), "" if pd.isna(year) else str(int(year))


def _filled(table: Table, **values: str) -> Table:
    """Fill ``{currency}``/``{year}`` in the headers."""
    return replace(table, headers=tuple(h.format(**values) for h in table.headers))


def _chosen(methods: pd.DataFrame) -> pd.Series:
    chosen = methods[methods["chosen"].astype(bool)]
    return (chosen if len(chosen) else methods).iloc[0]


def _methods_table(ctx: ReportContext, methods: pd.DataFrame) -> pd.DataFrame:
    """One row per method: area and money totals and their ratio to the chosen method."""
    money = _money_value(methods)
    rows = []
    for method, part in methods.groupby("ead_method", sort=False):
        by = part.set_index("value")
        row = {
            "method": translate(method, ctx.lang, "ead_method."),
            "chosen": bool(part["chosen"].any()),
        }
        if "exposed_ha" in by.index:
            row |= {
                "ead_ha": by.at["exposed_ha", "total"],
                "ratio_ha": by.at["exposed_ha", "ratio_to_chosen"],
            }
        if money is not None and money in by.index:
            row |= {
                "ead_money_m": by.at[money, "total"] / 1e6,
                "ratio_money": by.at[money, "ratio_to_chosen"],
            }
        rows.append(row)
    return pd.DataFrame(rows).sort_values("chosen", ascending=False, kind="stable")


_METHOD_COLUMNS = [
    Column("method", header="col.ead_method", kind="text"),
    Column("chosen", header="col.chosen"),
    Column("ead_ha", header="col.ead_ha_total", decimals=0),
    Column("ratio_ha", header="col.ratio_to_chosen", decimals=2),
    Column("ead_money_m", header="col.ead_money_m", decimals=1),
    Column("ratio_money", header="col.ratio_to_chosen", decimals=2),
]


def _ead_blocks(ctx: ReportContext, currency: str, year: str) -> list[Block]:
    methods = ctx.table("ead_methods")
    if methods is None or methods.empty:
        return []
    row = _chosen(methods)
    protection = row.get("protection_rp")
    tail = translate(row.get("rare_tail"), ctx.lang, "rare_tail.")
    blocks: list[Block] = [
        Heading(ctx.t("risk.ead")),
        Paragraph(
            ctx.t(
                "risk.method",
                method=translate(row["ead_method"], ctx.lang, "ead_method."),
                tail=tail,
                protection=ctx.t("risk.protection_most_frequent")
                if pd.isna(protection)
                else ctx.t("risk.protection_rp", rp=ctx.num(protection)),
            )
        ),
        _filled(
            frame_table(_methods_table(ctx, methods), _METHOD_COLUMNS, ctx.lang),
            currency=currency,
            year=year,
        ),
    ]
    return blocks


def _assumptions(ctx: ReportContext, damage: pd.DataFrame) -> Paragraph:
    row = damage.iloc[0]
    cost = row.get("cost_per_m2")
    return Paragraph(
        ctx.t(
            "risk.assumptions",
            curve=str(row.get("curve_id", "–")),
            sector=translate(row.get("sector"), ctx.lang, "sector."),
            cost=ctx.num(cost, decimals=decimals_of(float(cost))) if pd.notna(cost) else "–",
            currency=str(row.get("currency", "")),
            year=str(int(row["price_year"])) if pd.notna(row.get("price_year")) else "–",
            share=ctx.pct(row.get("built_share")),
        ),
        "note",
    )


_TOTAL_COLUMNS = [
    Column("return_period", header="col.return_period", kind="count"),
    Column("sites_damaged", kind="count"),
    Column("sites", header="col.sites_total", kind="count"),
    Column("damage_m", header="col.damage_m", decimals=1),
]
_TOP_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("ead_money_k", header="col.ead_money_k", decimals=0),
    Column("ead_ha", decimals=1),
    Column("damage_ref_m", header="col.damage_ref_m", decimals=2),
]


_OTHER_METHODS = ("_trapezoid", "_step", "_loglinear")


def _top_damage(ctx: ReportContext, damage: pd.DataFrame) -> tuple[pd.DataFrame | None, float]:
    """Clusters by expected annual damage (chosen method), with the damage of a reference flood."""
    ead = ctx.table("ead")
    columns = ead.columns if ead is not None else ()
    money = [c for c in columns if c.startswith("ead_damage_") and not c.endswith(_OTHER_METHODS)]
    periods = damage["return_period"].dropna()
    ref = 100.0 if (periods == 100.0).any() else float(periods.max()) if len(periods) else 0.0
    if ead is None or not money:
        return None, ref
    chosen = money[0]
    top = ead[ead[chosen] > 0].sort_values(chosen, ascending=False, kind="stable")
    at = damage[damage["return_period"] == ref].drop_duplicates("site_id").set_index("site_id")
    value = "damage_" + chosen.removeprefix("ead_damage_")
    if value in at:
        top = top.assign(damage_ref_m=top["site_id"].map(at[value]) / 1e6)
    return top.assign(ead_money_k=top[chosen] / 1e3), ref


def _damage_blocks(ctx: ReportContext, currency: str, year: str) -> list[Block]:
    damage, totals = ctx.table("damage"), ctx.table("damage_totals")
    if damage is None or totals is None or damage.empty:
        return []
    money = [c for c in totals.columns if c.startswith("damage_")]
    totals = totals.assign(damage_m=totals[money[0]] / 1e6) if money else totals
    blocks: list[Block] = [
        Heading(ctx.t("risk.damage")),
        _assumptions(ctx, damage),
        _filled(frame_table(totals, _TOTAL_COLUMNS, ctx.lang), currency=currency, year=year),
    ]
    top, ref = _top_damage(ctx, damage)
    if top is not None and len(top):
        table = frame_table(top, _TOP_COLUMNS, ctx.lang, limit=TOP)
        table = _filled(table, currency=currency, year=year, rp=ctx.num(ref))
        blocks += [Heading(ctx.t("risk.top")), table]
    return blocks


_CUT_COLUMNS = [
    Column("return_period", header="col.return_period", kind="count"),
    Column("close_m", decimals=1),
    Column("closed_edges", kind="count"),
    Column("closed_km", decimals=0),
    Column("links_measured", kind="count"),
    Column("links_cut", kind="count"),
    Column("clusters_isolated", kind="count"),
]
_LINK_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("flood_hub_id", kind="text"),
    Column("road_km_dry", decimals=1),
    Column("first_cut_rp", kind="count"),
    Column("cut_annual_p", decimals=3),
]


def _cut_links(ctx: ReportContext) -> pd.DataFrame | None:
    cut = ctx.table("flood_cut")
    if cut is None or not {"first_cut_rp", "road_km_dry"} <= set(cut):
        return None
    links = cut[cut["first_cut_rp"].notna() & cut["road_km_dry"].notna()]
    return links.sort_values(
        ["first_cut_rp", "cut_annual_p", "road_km_dry"],
        ascending=[True, False, True],
        kind="stable",
    )


def _cut_blocks(ctx: ReportContext) -> list[Block]:
    summary = ctx.table("flood_cut_summary")
    if summary is None or summary.empty:
        return []
    blocks: list[Block] = [
        Heading(ctx.t("risk.cut")),
        Paragraph(ctx.t("risk.cut_basis", close_m=ctx.num(summary["close_m"].iloc[0])), "note"),
        frame_table(summary, _CUT_COLUMNS, ctx.lang),
    ]
    links = _cut_links(ctx)
    if links is not None and len(links):
        blocks += [
            Heading(ctx.t("risk.cut_first")),
            frame_table(links, _LINK_COLUMNS, ctx.lang, limit=TOP),
        ]
    return blocks


_SLR_COLUMNS = [
    Column("slr_cm", header="col.slr_cm", kind="count"),
    Column("n_sites", header="col.sites_total", kind="count"),
    Column("n_likely", header="col.sites_likely", kind="count"),
    Column("n_possible", header="col.sites_possible", kind="count"),
    Column("draws", header="col.draws", kind="count"),
    Column("error_m", header="col.error_m", decimals=1),
]


def _slr_blocks(ctx: ReportContext) -> list[Block]:
    """Per scenario: clusters likely (p ≥ 0.5) and possibly (p > 0) flooded, or why none."""
    blocks: list[Block] = [Heading(ctx.t("report.slr_probability"))]
    prob = ctx.table("slr_probability")
    if prob is None or prob.empty:
        key = "risk.slr_no_draws" if ctx.inputs.get("dem") else "risk.slr_no_dem"
        return [*blocks, Paragraph(ctx.t(key))]
    rows = []
    for cm, part in prob.groupby("slr_cm", sort=True):
        p = part["p_inundated"]
        rows.append({
            "slr_cm": cm, "n_sites": int(p.notna().sum()), "n_likely": int((p >= 0.5).sum()),
            "n_possible": int((p > 0).sum()),
            "draws": part["draws"].iloc[0] if "draws" in part else None,
            "error_m": part["error_m"].iloc[0] if "error_m" in part else None,
        })  # fmt: skip
    return [*blocks, frame_table(pd.DataFrame(rows), _SLR_COLUMNS, ctx.lang)]


def build(ctx: ReportContext) -> Section | None:
    """Show expected annual values by method, damage, flood-cut links, sea-level probability."""
    if all(ctx.table(k) is None for k in (*TABLES, "ead")):
        return None
    currency, year = _money(ctx)
    blocks: list[Block | None] = []
    if _illustrative(ctx):
        blocks.append(Paragraph(ctx.t("risk.illustrative")))
    blocks += _ead_blocks(ctx, currency, year)
    blocks += _damage_blocks(ctx, currency, year)
    blocks += _cut_blocks(ctx)
    blocks += _slr_blocks(ctx)
    blocks.append(ctx.links((*TABLES, "ead"), ("flood_cut_roads", "sea_level_zones")))
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """State the expected annual damage by each method and the links floods cut."""
    out = []
    methods = ctx.table("ead_methods")
    money = _money_value(methods) if methods is not None and len(methods) else None
    suffix = ctx.t("exp.illustrative_suffix") if _illustrative(ctx) else ""
    if money is not None:
        rows = methods[methods["value"] == money]
        chosen = _chosen(rows)
        name = functools.partial(translate, lang=ctx.lang, prefix="ead_method.")
        others = "; ".join(
            f"{name(r.ead_method)}: {ctx.num(r.total / 1e6, decimals=1)}"
            for r in rows.itertuples()
            if r.ead_method != chosen["ead_method"]
        )
        currency, year = _money(ctx)
        out.append(
            ctx.t(
                "risk.headline",
                value=ctx.num(chosen["total"] / 1e6, decimals=1),
                currency=currency,
                year=year,
                method=translate(chosen["ead_method"], ctx.lang, "ead_method."),
                others=others or "–",
                illustrative=suffix,
            )
        )
    summary = ctx.table("flood_cut_summary")
    if summary is not None and len(summary):
        first = summary.sort_values("return_period").iloc[0]
        out.append(
            ctx.t(
                "risk.cut_headline",
                rp=ctx.num(first["return_period"]),
                cut=ctx.num(first["links_cut"]),
                n=ctx.num(first["links_measured"]),
                isolated=ctx.num(first["clusters_isolated"]),
                illustrative=suffix,
            )
        )
    return out


def notes(ctx: ReportContext) -> list[str]:
    """How the methods differ, and the damage assumptions."""
    if ctx.table("ead_methods") is None and ctx.table("damage") is None:
        return []
    return [ctx.t("risk.note_methods")]


def next_steps(ctx: ReportContext) -> list[str]:
    """Ask for a local construction cost in VND and draws over the DEM's error."""
    out = []
    damage = ctx.table("damage")
    if damage is not None and len(damage) and (damage.get("currency") != "VND").all():
        out.append(ctx.t("risk.next_cost"))
    if ctx.inputs.get("dem") and ctx.table("slr_probability") is None:
        out.append(ctx.t("risk.next_draws"))
    return out
