"""Land-use efficiency: by former province, by former district, and the clusters with figures."""

from __future__ import annotations

import pandas as pd

from ...efficiency import PROVINCE_SCOPE
from ..cells import Column, frame_table
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section

KEY = "efficiency"
TITLE = "report.efficiency"
TABLES = ("efficiency", "efficiency_district", "efficiency_sites")

_SCOPE_COLUMNS = [
    Column("scope", kind="code", prefix="scope."),
    Column("n_sites", kind="count"),
    Column("n_area_known", kind="count"),
    Column("area_ha"),
    Column("n_planned", kind="count"),
    Column("n_established", kind="count"),
    Column("n_operating", kind="count"),
    Column("n_occupancy_computed", header="col.n_occupancy", kind="count"),
    Column("occupancy_pct", decimals=1),
    Column("jobs_per_ha", decimals=1),
    Column("projects_per_ha", decimals=2),
    Column("n_wwtp", kind="count"),
]
_DISTRICT_COLUMNS = [
    Column("district_old", kind="text"),
    *(c for c in _SCOPE_COLUMNS[1:8]),
    Column("occupancy_pct", decimals=1),
]
_SITE_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("former_province", kind="text"),
    Column("status", kind="code", prefix="status."),
    Column("area_ha", kind="published"),
    Column("occupancy_pct", decimals=1),
    Column("jobs_per_ha", decimals=1),
    Column("projects_per_ha", decimals=2),
]
_FIGURES = ("occupancy_pct", "jobs_per_ha", "projects_per_ha")


def _districts(ctx: ReportContext) -> pd.DataFrame | None:
    table = ctx.table("efficiency_district")
    if table is None:
        return None
    if "district_old" not in table.columns:  # an index the writer did not keep
        return None
    table = table.assign(district_old=table["district_old"].fillna(ctx.t("district.unknown")))
    return table.sort_values(["n_sites", "district_old"], ascending=[False, True], kind="stable")


def _with_figures(sites: pd.DataFrame) -> pd.DataFrame:
    figures = [c for c in _FIGURES if c in sites.columns]
    known = sites[sites[figures].notna().any(axis=1)] if figures else sites.iloc[:0]
    order = [c for c in ("occupancy_pct", "projects_per_ha", "jobs_per_ha") if c in known]
    return known.sort_values(order, na_position="last", kind="stable") if order else known


def build(ctx: ReportContext) -> Section | None:
    """Efficiency by former province, by former district and per cluster (those with figures)."""
    scopes, sites = ctx.table("efficiency"), ctx.table("efficiency_sites")
    districts = _districts(ctx)
    if scopes is None and sites is None and districts is None:
        return None
    blocks: list[Block | None] = [Paragraph(ctx.t("note.efficiency"), "note")]
    if scopes is not None and not scopes.empty:
        blocks += [Heading(ctx.t("eff.by_province")), frame_table(scopes, _SCOPE_COLUMNS, ctx.lang)]
    if districts is not None:
        blocks += [
            Heading(ctx.t("report.efficiency_district")),
            frame_table(districts, _DISTRICT_COLUMNS, ctx.lang),
        ]
    if sites is not None:
        known = _with_figures(sites)
        blocks += [
            Heading(ctx.t("report.efficiency_sites")),
            Paragraph(
                ctx.t(
                    "eff.no_figures",
                    n=ctx.num(len(sites) - len(known)),
                    total=ctx.num(len(sites)),
                )
            ),
            frame_table(known, _SITE_COLUMNS, ctx.lang),
        ]
    blocks.append(
        ctx.links(("efficiency", "efficiency_district", "efficiency_sites"), ("clusters",))
    )
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """How many clusters have efficiency figures; operating clusters against the official count."""
    sites, scopes, facts = (
        ctx.table("efficiency_sites"),
        ctx.table("efficiency"),
        ctx.table("facts"),
    )
    if sites is None or scopes is None or "scope" not in scopes:
        return []
    province = scopes[scopes["scope"] == PROVINCE_SCOPE]
    official = "–"
    if facts is not None:
        row = facts[
            (facts["scope"] == PROVINCE_SCOPE) & (facts["indicator"] == "clusters_operating")
        ]
        official = ctx.num(row["value"].iloc[0]) if len(row) else "–"
    count = {c: int(sites[c].notna().sum()) if c in sites else 0 for c in _FIGURES}
    return [
        ctx.t(
            "eff.headline",
            occ=ctx.num(count["occupancy_pct"]),
            n=ctx.num(len(sites)),
            jobs=ctx.num(count["jobs_per_ha"]),
            projects=ctx.num(count["projects_per_ha"]),
            operating=ctx.num(province["n_operating"].iloc[0]) if len(province) else "–",
            official=official,
        )
    ]


def next_steps(ctx: ReportContext) -> list[str]:
    """Collect the figures most clusters lack."""
    sites = ctx.table("efficiency_sites")
    if sites is None or sites.empty:
        return []
    missing = len(sites) - len(_with_figures(sites))
    if not missing:
        return []
    return [ctx.t("next.efficiency", n=ctx.num(missing), total=ctx.num(len(sites)))]
