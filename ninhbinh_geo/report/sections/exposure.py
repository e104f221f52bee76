"""Flood and sea-level-rise exposure: by scenario, the expected annual area, the most exposed.

When the review has no expected annual area (one flood map, or none with a return period) or no
sea-level scenario (no DEM), the section says why and how to get one.
"""

from __future__ import annotations

import re

import pandas as pd

from ..._provenance import ACCURACY_CLASSES
from ...proximity import round_to_precision
from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section

KEY = "exposure"
TITLE = "report.exposure"
TABLES = ("exposure", "ead")

#: Rounding step (ha) of an exposed area by the accuracy of the footprint and hazard it comes
#: from: an illustrative circle over an illustrative flood map supports whole hectares at best.
AREA_PRECISION_HA = {"surveyed": 0.01, "digitized": 0.01, "approximate": 0.1, "illustrative": 1.0}
#: The return period whose exposure is shown per cluster when the review has it.
REFERENCE_PERIOD = 100.0
_SLR = re.compile(r"slr_(\d+(?:\.\d+)?)cm")
_SLR_ANY = r"slr_\d+(?:\.\d+)?cm"


def _step(accuracy: object) -> float:
    return AREA_PRECISION_HA.get(str(accuracy), AREA_PRECISION_HA["illustrative"])


def with_area_accuracy(ctx: ReportContext, expo: pd.DataFrame) -> pd.DataFrame:
    """Add ``area_accuracy``: the worse of the raster's accuracy and the site's outline's.

    The outline's accuracy (``footprint_accuracy``) is read from any review table that has it
    per ``site_id``; an area measured on an illustrative circle is illustrative whatever the
    raster.

    Examples
    --------
    >>> e = pd.DataFrame({"site_id": ["A", "B"], "accuracy": ["approximate"] * 2})
    >>> s = pd.DataFrame({"site_id": ["A"], "footprint_accuracy": ["illustrative"]})
    >>> with_area_accuracy(ReportContext({"s": s}), e)["area_accuracy"].tolist()
    ['illustrative', 'approximate']
    """
    rank = {a: i for i, a in enumerate(ACCURACY_CLASSES)}
    outline: dict[str, str] = {}
    for key in ctx.tables:
        table = ctx.table(key)
        if table is not None and {"site_id", "footprint_accuracy"} <= set(table.columns):
            outline.update(
                table.dropna(subset=["footprint_accuracy"]).set_index("site_id")[
                    "footprint_accuracy"
                ]
            )
    raster = expo["accuracy"] if "accuracy" in expo else pd.Series("illustrative", index=expo.index)
    site = expo["site_id"].map(outline)
    worse = [
        s if isinstance(s, str) and rank.get(s, len(rank)) > rank.get(r, len(rank)) else r
        for r, s in zip(raster, site, strict=True)
    ]
    return expo.assign(area_accuracy=worse)


def _first_break_m(expo: pd.DataFrame) -> float | None:
    classes = [c for c in expo.columns if c.startswith("class_") and c.endswith("_ha")]
    if not classes:
        return None
    try:
        return float(classes[0].split("_")[1])
    except ValueError:
        return None


def _scenario(ctx: ReportContext, hazard: str, period: float) -> str:
    match = _SLR.search(str(hazard))
    if match:
        return ctx.t("scenario.slr", cm=ctx.num(float(match.group(1))))
    if pd.notna(period):
        return ctx.t("scenario.rp", rp=ctx.num(period))
    return str(hazard)


def _sea_level(expo: pd.DataFrame) -> pd.Series:
    return expo["hazard"].astype(str).str.contains(_SLR_ANY)


def _by_scenario(ctx: ReportContext, expo: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (hazard, period), part in expo.groupby(
        ["hazard", "return_period"], dropna=False, sort=False
    ):
        worst = max(part["area_accuracy"], key=_step)
        rows.append(
            {
                "scenario": _scenario(ctx, hazard, period),
                "period": period,
                "n_exposed": part.loc[part["exposed_ha"] > 0, "site_id"].nunique(),
                "exposed_ha": round_to_precision([part["exposed_ha"].sum()], _step(worst))[0],
                "max_depth_m": part["max_depth_m"].max(),
                "accuracy": worst,
                "step": _step(worst),
            }
        )
    return pd.DataFrame(rows).sort_values("period", kind="stable", na_position="last")


def _accuracy_step(ctx: ReportContext, accuracy: object, step: float) -> str:
    return ctx.t(
        "accuracy.step",
        accuracy=translate(accuracy, ctx.lang, "accuracy."),
        step=ctx.num(step),
        unit="ha",
    )


_SCENARIO_COLUMNS = [
    Column("scenario", kind="text"),
    Column("n_exposed", kind="count"),
    Column("exposed_ha", precision="step"),
    Column("max_depth_m", decimals=1),
    Column("accuracy_step", kind="text"),
]
_TOP_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("ead_ha", precision="step"),
    Column("exposed_ha", precision="step"),
    Column("exposed_share", kind="share"),
    Column("max_depth_m", decimals=1),
    Column("accuracy_step", kind="text"),
]


def _reference(floods: pd.DataFrame) -> float | None:
    periods = floods["return_period"].dropna().unique()
    if not len(periods):
        return None
    return REFERENCE_PERIOD if REFERENCE_PERIOD in periods else float(max(periods))


def _top_sites(ctx: ReportContext, floods: pd.DataFrame) -> tuple[pd.DataFrame, float | None]:
    period = _reference(floods)
    rows = floods if period is None else floods[floods["return_period"] == period]
    rows = rows.drop_duplicates("site_id")
    ead = ctx.table("ead")
    if ead is not None and {"site_id", "ead_ha"} <= set(ead):
        rows = rows.merge(ead[["site_id", "ead_ha"]], on="site_id", how="left")
        rows = rows.sort_values(["ead_ha", "exposed_ha"], ascending=False, kind="stable")
    else:
        rows = rows.sort_values("exposed_ha", ascending=False, kind="stable")
    rows = rows[rows["exposed_ha"] > 0]
    names = ctx.site_names()
    step = rows["area_accuracy"].map(_step)
    return rows.assign(
        name_vi=rows["site_id"].map(names),
        step=step,
        accuracy_step=[
            _accuracy_step(ctx, a, s) for a, s in zip(rows["area_accuracy"], step, strict=True)
        ],
    ), period


def _annual(ctx: ReportContext, floods: pd.DataFrame) -> Paragraph:
    periods = sorted(floods["return_period"].dropna().unique())
    ead = ctx.table("ead")
    listed = ", ".join(ctx.num(p) for p in periods)
    if ead is not None and not ead.empty:
        return Paragraph(ctx.t("exp.ead_basis", periods=listed), "note")
    return Paragraph(ctx.t("exp.no_ead", n=ctx.num(len(periods)), periods=listed or "–"))


def _sea_level_blocks(ctx: ReportContext, expo: pd.DataFrame) -> list[Block]:
    blocks: list[Block] = [Heading(ctx.t("exp.slr"))]
    rows = expo[_sea_level(expo)]
    if rows.empty:
        key = "exp.slr_none" if ctx.inputs.get("dem") else "exp.no_dem"
        return [*blocks, Paragraph(ctx.t(key))]
    table = _by_scenario(ctx, rows)
    table["accuracy_step"] = [
        _accuracy_step(ctx, a, s) for a, s in zip(table["accuracy"], table["step"], strict=True)
    ]
    return [*blocks, frame_table(table, _SCENARIO_COLUMNS, ctx.lang)]


def build(ctx: ReportContext) -> Section | None:
    """Exposure by scenario, the expected annual area or why there is none, sea level."""
    expo = ctx.table("exposure")
    if expo is None or not {"site_id", "hazard", "exposed_ha"} <= set(expo):
        return None
    expo = with_area_accuracy(ctx, expo)
    floods = expo[~_sea_level(expo)]
    blocks: list[Block | None] = []
    if (expo.get("accuracy") == "illustrative").any():
        blocks.append(Paragraph(ctx.t("warn.illustrative_hazard")))
    if not floods.empty:
        table = _by_scenario(ctx, floods)
        table["accuracy_step"] = [
            _accuracy_step(ctx, a, s) for a, s in zip(table["accuracy"], table["step"], strict=True)
        ]
        top, period = _top_sites(ctx, floods)
        blocks += [
            Heading(ctx.t("exp.scenarios")),
            frame_table(table, _SCENARIO_COLUMNS, ctx.lang),
            Heading(ctx.t("report.ead")),
            _annual(ctx, floods),
            Heading(
                ctx.t("exp.top")
                + ("" if period is None else f" ({_scenario(ctx, '', period).lower()})")
            ),
            frame_table(top, _TOP_COLUMNS, ctx.lang),
        ]
    blocks += _sea_level_blocks(ctx, expo)
    blocks.append(ctx.links(TABLES, ("exposure", "hazard")))
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


def headline(ctx: ReportContext) -> list[str]:
    """Clusters exposed at the reference return period."""
    expo = ctx.table("exposure")
    if expo is None or "exposed_ha" not in expo:
        return []
    floods = expo[~_sea_level(expo)]
    period = _reference(floods) if not floods.empty else None
    if period is None:
        return []
    rows = floods[floods["return_period"] == period]
    illustrative = (rows.get("accuracy") == "illustrative").any()
    step = max(_step(a) for a in with_area_accuracy(ctx, rows)["area_accuracy"])
    depth = _first_break_m(expo)
    return [
        ctx.t(
            "exp.headline",
            scenario=_scenario(ctx, "", period).lower(),
            k=ctx.num(rows.loc[rows["exposed_ha"] > 0, "site_id"].nunique()),
            n=ctx.num(rows["site_id"].nunique()),
            depth=ctx.num(depth) if depth is not None else "–",
            ha=ctx.num(rows["exposed_ha"].sum(), precision=step),
            illustrative=ctx.t("exp.illustrative_suffix") if illustrative else "",
        )
    ]


def notes(ctx: ReportContext) -> list[str]:
    """State what "exposed" means, which hazard is illustrative, how areas are rounded."""
    expo = ctx.table("exposure")
    if expo is None:
        return []
    depth = _first_break_m(expo)
    out = [ctx.t("note.exposed", depth=ctx.num(depth if depth is not None else 0.1))]
    if (expo.get("accuracy") == "illustrative").any():
        out.append(ctx.t("warn.illustrative_hazard"))
    out.append(
        ctx.t(
            "note.area_precision",
            illustrative=ctx.num(AREA_PRECISION_HA["illustrative"]),
            approximate=ctx.num(AREA_PRECISION_HA["approximate"]),
        )
    )
    return out


def next_steps(ctx: ReportContext) -> list[str]:
    """Real flood maps instead of the illustrative one; a DEM for sea level."""
    expo = ctx.table("exposure")
    if expo is None:
        return []
    out = []
    if (expo.get("accuracy") == "illustrative").any():
        out.append(ctx.t("report.how_real_hazard"))
    if not ctx.inputs.get("dem"):
        out.append(ctx.t("next.dem"))
    return out
