"""Access: travel time to the hubs, service areas, labour within reach, access indices, siting.

From the tables of the access steps (issue 14): the speeds used (planning speeds below the
ceilings of Circular 31/2019/TT-BGTVT), the clusters by travel time to the nearest hub, the
clusters inside each hub's service areas, the people within reach in 2000 and 2020 (WorldPop,
credited, with its limits), the access indices (which supply, which hubs were left out) and the
candidate sites for new clusters with the stability of their ranking, marked illustrative where
they rest on the illustrative hazard.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...population import CREDIT
from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Bullets, Heading, Paragraph, Section

KEY = "access"
TITLE = "report.access"
TABLES = (
    "travel_times",
    "speeds",
    "service_areas",
    "population_reach",
    "labour_hubs",
    "labour_clusters",
    "access",
    "access_basis",
    "siting_candidates",
    "siting_surface",
)
#: Travel-time classes (minutes) the clusters are counted in.
BANDS_MIN = (15.0, 30.0, 45.0)


def _basis(ctx: ReportContext, index: str) -> str | None:
    """Return the ``decay`` text of a row of ``access_basis`` (``supply``, hubs left out …)."""
    basis = ctx.table("access_basis")
    if basis is None or not {"index", "decay"} <= set(basis):
        return None
    rows = basis.loc[basis["index"] == index, "decay"].dropna()
    return str(rows.iloc[0]) if len(rows) and str(rows.iloc[0]) else None


def _speeds(ctx: ReportContext) -> list[Block]:
    speeds = ctx.table("speeds")
    if speeds is None or speeds.empty:
        return []
    is_leg = speeds["road_class"] == "access leg"
    road, leg = speeds[~is_leg], speeds.loc[is_leg, "speed_kmh"]
    speeds = speeds.assign(
        road_class=speeds["road_class"].where(~is_leg, ctx.t("acc.access_leg")),
        source=speeds["source"].astype(str).str.replace("Circular", ctx.t("acc.circular")),
    )
    items = ", ".join(
        f"{r.road_class} {ctx.num(r.speed_kmh)} km/h" for r in road.itertuples(index=False)
    )
    return [
        Paragraph(
            ctx.t(
                "acc.speeds",
                items=items,
                leg=ctx.num(leg.iloc[0]) if len(leg) else "–",
                source=str(speeds["source"].iloc[0]),
            ),
            "note",
        ),
        frame_table(speeds, _SPEED_COLUMNS, ctx.lang),
    ]


_SPEED_COLUMNS = [
    Column("road_class", kind="text"),
    Column("speed_kmh", decimals=0),
    Column("ceiling_kmh", decimals=0),
    Column("source", kind="text"),
]


def travel_bands(minutes: pd.Series) -> dict[str, int]:
    """Count clusters within 15, 30, 45 minutes of their nearest hub, beyond, and not reached.

    Examples
    --------
    >>> travel_bands(pd.Series([5.0, 20.0, 44.9, 60.0, None]))
    {'15': 1, '30': 2, '45': 3, 'over': 1, 'none': 1}
    """
    t = pd.to_numeric(minutes, errors="coerce")
    out = {f"{b:g}": int((t <= b).sum()) for b in BANDS_MIN}
    out["over"] = int((t > BANDS_MIN[-1]).sum())
    out["none"] = int(t.isna().sum())
    return out


def _travel(ctx: ReportContext) -> list[Block]:
    travel = ctx.table("travel_times")
    if travel is None or "travel_min" not in travel:
        return []
    bands = travel_bands(travel["travel_min"])
    line = ctx.t(
        "acc.travel",
        n=ctx.num(len(travel)),
        b15=ctx.num(bands["15"]),
        b30=ctx.num(bands["30"]),
        b45=ctx.num(bands["45"]),
        over=ctx.num(bands["over"]),
        none=ctx.num(bands["none"]),
        median=ctx.num(travel["travel_min"].median(), decimals=0),
    )
    columns = ["site_id", "name_vi", "travel_park", Column("travel_min", decimals=0)]
    near = travel.dropna(subset=["travel_min"]).sort_values("travel_min", kind="stable")
    return [
        Heading(ctx.t("acc.travel_title")),
        *_speeds(ctx),
        Paragraph(line),
        frame_table(near, columns, ctx.lang, limit=10),
    ]


def _service(ctx: ReportContext) -> list[Block]:
    areas = ctx.table("service_areas")
    if areas is None or not {"park_name", "minutes", "clusters_within"} <= set(areas):
        return []
    wide = areas.pivot_table(
        index=["park_id", "park_name"], columns="minutes", values="clusters_within", aggfunc="max"
    )
    budgets = list(wide.columns)
    wide.columns = [f"within_{m:g}" for m in budgets]
    wide = wide.reset_index().sort_values(wide.columns[-1], ascending=False, kind="stable")
    columns = [Column("park_name", header="col.hub", kind="text")] + [
        Column(f"within_{m:g}", header=f"col.within_{m:g}", kind="count") for m in budgets
    ]
    basis = _service_basis(ctx)
    return [
        Heading(ctx.t("acc.service_title")),
        Paragraph(ctx.t("acc.service", budgets=", ".join(ctx.num(m) for m in budgets))),
        frame_table(wide, columns, ctx.lang, limit=None),
        *([Paragraph(basis, "note")] if basis else []),
    ]


def _service_basis(ctx: ReportContext) -> str | None:
    """How the areas are drawn: the access leg's speed and longest leg."""
    speeds, reach = ctx.table("speeds"), ctx.table("population_reach")
    if speeds is None or "road_class" not in speeds:
        return None
    leg = speeds.loc[speeds["road_class"] == "access leg", "speed_kmh"]
    snap = ctx.inputs.get("max_snap_m")
    if not snap and reach is not None and "max_snap_m" in reach:
        snap = reach["max_snap_m"].iloc[0]
    if not len(leg) or not snap:
        return None
    return ctx.t("acc.service_basis", leg=ctx.num(leg.iloc[0]), km=ctx.num(float(snap) / 1000))


_HUB_COLUMNS = [
    Column("name_vi", kind="text"),
    Column("people_30min_2000", decimals=0),
    Column("people_30min_2020", decimals=0),
    Column("people_30min_change_pct", decimals=1),
]


def _labour(ctx: ReportContext) -> list[Block]:
    reach, hubs = ctx.table("population_reach"), ctx.table("labour_hubs")
    if reach is None and hubs is None:
        return []
    blocks: list[Block] = [Heading(ctx.t("acc.labour_title"))]
    if reach is not None and {"year", "people", "unreached_share"} <= set(reach):
        by_year = reach.set_index("year")
        blocks.append(
            Paragraph(
                ctx.t(
                    "acc.labour_province",
                    p2000=ctx.num(by_year["people"].get(2000), decimals=0),
                    p2020=ctx.num(by_year["people"].get(2020), decimals=0),
                    share=ctx.pct(by_year["unreached_share"].get(2020)),
                )
            )
        )
    if hubs is not None and "people_30min_2020" in hubs:
        top = hubs.sort_values("people_30min_2020", ascending=False, kind="stable")
        blocks.append(frame_table(top, _HUB_COLUMNS, ctx.lang, limit=None))
    blocks += [
        Paragraph(ctx.t("acc.labour_limits"), "note"),
        Paragraph(ctx.t("acc.credit", credit=CREDIT), "note"),
    ]
    return blocks


_INDEX_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("travel_min", decimals=0),
    Column("access_gravity", decimals=3),
    Column("access_2sfca", decimals=3),
    Column("access_e2sfca", decimals=3),
    Column("access_bfca", decimals=3),
    Column("hubs_within_30min", kind="count"),
]


def _indices(ctx: ReportContext) -> list[Block]:
    table = ctx.table("access")
    if table is None or "access_2sfca" not in table:
        return []
    supply = (_basis(ctx, "supply") or "").removeprefix("hubs' ")
    left = _basis(ctx, "hubs left out (no supply)")
    lines = [
        ctx.t("acc.supply", supply=translate(supply, ctx.lang, "col.") if supply else "–"),
        ctx.t("acc.left_out", ids=left.replace(";", ",")) if left else ctx.t("acc.none_left"),
    ]
    top = table.dropna(subset=["access_e2sfca"]).sort_values(
        "access_e2sfca", ascending=False, kind="stable"
    )
    return [
        Heading(ctx.t("acc.index_title")),
        Bullets(tuple(lines)),
        frame_table(top, _INDEX_COLUMNS, ctx.lang, limit=10, total=len(table)),
    ]


_CANDIDATE_COLUMNS = [
    Column("candidate_id", kind="text"),
    Column("rank", header="col.candidate_rank", kind="count"),
    Column("score", decimals=2),
    Column("travel_min", decimals=0),
    Column("people_30min", header="col.people_30min_2020", decimals=0),
    Column("area_ha", decimals=0),
    Column("stay_share", kind="share"),
    Column("worst_rank", header="col.worst_rank", kind="count"),
    Column("accuracy", kind="code", prefix="accuracy."),
]


def candidates_illustrative(ctx: ReportContext) -> bool:
    """Whether the candidate sites rest on an illustrative input."""
    found = ctx.table("siting_candidates")
    return found is not None and (found.get("accuracy") == "illustrative").any()


def _siting(ctx: ReportContext) -> list[Block]:
    found = ctx.table("siting_candidates")
    if found is None or found.empty:
        return []
    blocks: list[Block] = [Heading(ctx.t("acc.siting_title"))]
    if candidates_illustrative(ctx):
        blocks.append(Paragraph(ctx.t("warn.illustrative_candidates") + "."))
    scen = found["scenarios"].dropna()
    blocks += [
        Paragraph(
            ctx.t(
                "acc.siting",
                n=ctx.num(len(found)),
                scenarios=ctx.num(scen.iloc[0]) if len(scen) else "–",
                kept=ctx.num(int((found["stay_share"] >= 1.0).sum())),
            )
        ),
        frame_table(found.sort_values("rank", kind="stable"), _CANDIDATE_COLUMNS, ctx.lang),
    ]
    surface = ctx.table("siting_surface")
    if surface is not None and {"item", "kind", "weight"} <= set(surface):
        factors = surface[surface["kind"] == "factor"]
        weights = ", ".join(
            f"{translate(r.item, ctx.lang, 'factor.')} {ctx.pct(r.weight)}"
            for r in factors.itertuples(index=False)
        )
        blocks.append(Paragraph(ctx.t("acc.siting_weights", weights=weights), "note"))
    return blocks


def build(ctx: ReportContext) -> Section | None:
    """Show travel time, service areas, labour within reach, access indices and candidates."""
    if all(ctx.table(k) is None for k in TABLES):
        return None
    blocks: list[Block | None] = [
        *_travel(ctx),
        *_service(ctx),
        *_labour(ctx),
        *_indices(ctx),
        *_siting(ctx),
        ctx.links(TABLES, ("service_areas", "candidate_sites", "clusters")),
    ]
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """State the clusters within 30 minutes of a hub and the candidate sites found."""
    out = []
    travel = ctx.table("travel_times")
    if travel is not None and "travel_min" in travel:
        bands = travel_bands(travel["travel_min"])
        out.append(
            ctx.t(
                "acc.headline",
                b30=ctx.num(bands["30"]),
                n=ctx.num(len(travel)),
                none=ctx.num(bands["none"]),
            )
        )
    found = ctx.table("siting_candidates")
    if found is not None and len(found):
        suffix = ctx.t("acc.illustrative_suffix") if candidates_illustrative(ctx) else ""
        out.append(ctx.t("acc.siting_headline", n=ctx.num(len(found)), illustrative=suffix))
    return out


def notes(ctx: ReportContext) -> list[str]:
    """State the speeds' basis and the population's limits."""
    out = []
    if ctx.table("speeds") is not None:
        out.append(ctx.t("acc.note_speeds"))
    if ctx.table("population_reach") is not None:
        out.append(ctx.t("acc.labour_limits"))
    return out


def next_steps(ctx: ReportContext) -> list[str]:
    """Ask for the hubs' supply figures and for local roads where clusters are not reached."""
    out = []
    left = _basis(ctx, "hubs left out (no supply)")
    if left:
        out.append(ctx.t("acc.next_supply", n=ctx.num(len(left.split(";")))))
    travel = ctx.table("travel_times")
    if travel is not None and "travel_min" in travel:
        missing = int(np.isnan(pd.to_numeric(travel["travel_min"], errors="coerce")).sum())
        if missing:
            out.append(ctx.t("acc.next_roads", n=ctx.num(missing), total=ctx.num(len(travel))))
    return out
