"""Satellite network: straight-line and road distances to the hub parks, and why some are missing.

Distances are rounded to the precision of their positions (``distance_precision_km``,
``road_precision_km``; :func:`ninhbinh_geo.proximity.round_to_precision`) and carry their
accuracy in the same row.
"""

from __future__ import annotations

import pandas as pd

from ...proximity import DISTANCE_PRECISION_KM, SATELLITE_MAX_KM, round_to_precision
from ..cells import Column, frame_table, translate
from ..context import ReportContext
from ..model import Block, Heading, Paragraph, Section

KEY = "network"
TITLE = "report.proximity"
TABLES = ("proximity", "road_access", "network")

_CLOSEST_COLUMNS = [
    Column("site_id", kind="text"),
    Column("name_vi", kind="text"),
    Column("nearest_park", kind="text"),
    Column("straight_km", precision="distance_precision_km"),
    Column("road_km_to_nearest", precision="distance_precision_km"),
    Column("road_park", kind="text"),
    Column("road_km", precision="road_precision_km"),
    Column("accuracy_step", kind="text"),
    Column("note", kind="text"),
]


def _max_km(ctx: ReportContext) -> float:
    value = ctx.inputs.get("max_km")
    return float(value) if value else SATELLITE_MAX_KM


def _with_steps(ctx: ReportContext, prox: pd.DataFrame) -> pd.DataFrame:
    """Round the distances; add the accuracy with its step and why a distance is missing."""
    out = prox.copy()
    for column, step in (
        ("straight_km", "distance_precision_km"),
        ("road_km_to_nearest", "distance_precision_km"),
        ("road_km", "road_precision_km"),
    ):
        if column in out and step in out:
            out[column] = round_to_precision(out[column], out[step].fillna(1.0))
    if {"distance_accuracy", "distance_precision_km"} <= set(out):
        out["accuracy_step"] = [
            ctx.t(
                "accuracy.step",
                accuracy=translate(a, ctx.lang, "accuracy."),
                step=ctx.num(p),
                unit="km",
            )
            for a, p in zip(out["distance_accuracy"], out["distance_precision_km"], strict=True)
        ]
    reason = "road_reason_to_nearest" if "road_reason_to_nearest" in out else "road_reason"
    if reason in out:
        out["note"] = [translate(r, ctx.lang) if isinstance(r, str) else "" for r in out[reason]]
    return out


def _road_access(ctx: ReportContext) -> pd.DataFrame | None:
    table = ctx.table("road_access")
    if table is None or table.empty:
        return None
    outcome = table["road_reason"].where(~table["with_road_km"].astype(bool), "outcome.measured")
    return table.assign(outcome=outcome)


def _hubs(prox: pd.DataFrame) -> pd.DataFrame:
    road = "road_km_to_nearest" if "road_km_to_nearest" in prox else "road_km"
    grouped = prox.groupby("nearest_park", sort=True)
    out = pd.DataFrame(
        {
            "hub": grouped.size().index,
            "n_nearest": grouped.size().to_numpy(),
            "n_satellites": grouped["is_satellite"].sum().astype(int).to_numpy(),
            "n_road": grouped[road].count().to_numpy(),
        }
    )
    return out.sort_values(["n_satellites", "n_nearest"], ascending=False, kind="stable")


def build(ctx: ReportContext) -> Section | None:
    """Satellites, road distances measured and why not, hubs, the closest satellites."""
    prox = ctx.table("proximity")
    if prox is None or "nearest_park" not in prox:
        return None
    blocks: list[Block | None] = []
    if "is_satellite" in prox:
        sat = int(prox["is_satellite"].fillna(False).astype(bool).sum())
        blocks.append(
            Paragraph(
                ctx.t(
                    "net.satellites",
                    sat=ctx.num(sat),
                    n=ctx.num(len(prox)),
                    max_km=ctx.num(_max_km(ctx)),
                )
            )
        )
    access = _road_access(ctx)
    if access is not None:
        columns = [
            Column("layer", kind="code", prefix="layer."),
            Column("outcome", header="col.road_outcome", kind="code"),
            Column("rows", header="col.features", kind="count"),
            Column("share", kind="share"),
        ]
        blocks += [Heading(ctx.t("net.road_access")), frame_table(access, columns, ctx.lang)]
    blocks.append(_components(ctx))
    if "is_satellite" in prox:
        blocks += [Heading(ctx.t("net.hubs")), frame_table(_hubs(prox), _HUB_COLUMNS, ctx.lang)]
        closest = _with_steps(ctx, prox[prox["is_satellite"].fillna(False).astype(bool)])
        closest = closest.sort_values("straight_km", kind="stable")
        blocks += [
            Heading(ctx.t("net.closest")),
            frame_table(closest, _CLOSEST_COLUMNS, ctx.lang),
        ]
    blocks.append(ctx.links(TABLES, ("satellite_links", "clusters", "roads")))
    return Section(KEY, ctx.t(TITLE), tuple(b for b in blocks if b is not None))


_HUB_COLUMNS = [
    Column("hub", kind="text"),
    Column("n_nearest", kind="count"),
    Column("n_satellites", kind="count"),
    Column("n_road", kind="count"),
]


def _components(ctx: ReportContext) -> Paragraph | None:
    network = ctx.table("network")
    if network is None or "length_km" not in network or network.empty:
        return None
    return Paragraph(
        ctx.t(
            "net.components",
            k=ctx.num(len(network)),
            km=ctx.num(network["length_km"].sum(), decimals=0),
            big=ctx.num(network["length_km"].max(), decimals=0),
        )
    )


def _access_counts(ctx: ReportContext, layer: str) -> tuple[int, int]:
    access = ctx.table("road_access")
    if access is None or access.empty:
        return 0, 0
    rows = access[access["layer"] == layer]
    return int(rows.loc[rows["with_road_km"].astype(bool), "rows"].sum()), int(rows["rows"].sum())


def headline(ctx: ReportContext) -> list[str]:
    """Satellites and the share with a road distance."""
    prox = ctx.table("proximity")
    if prox is None or "is_satellite" not in prox:
        return []
    road, n = _access_counts(ctx, "clusters")
    links, n_links = _access_counts(ctx, "satellite_links")
    return [
        ctx.t(
            "net.headline",
            sat=ctx.num(int(prox["is_satellite"].fillna(False).astype(bool).sum())),
            n=ctx.num(len(prox)),
            max_km=ctx.num(_max_km(ctx)),
            road=ctx.num(road),
            share=ctx.pct(road / n) if n else "–",
            links=ctx.num(links),
            n_links=ctx.num(n_links),
            link_share=ctx.pct(links / n_links) if n_links else "–",
        )
    ]


def notes(ctx: ReportContext) -> list[str]:
    """State the access leg, the road layer, how straight lines are measured and rounded."""
    out = []
    access = ctx.table("road_access")
    if access is not None and "max_snap_m" in access and len(access):
        out.append(ctx.t("note.road", max_km=ctx.num(float(access["max_snap_m"].iloc[0]) / 1000)))
    if not ctx.inputs.get("roads") and ctx.table("proximity") is not None:
        out.append(ctx.t("note.road_layer"))
    if ctx.table("proximity") is not None:
        out.append(
            ctx.t(
                "note.straight",
                illustrative=ctx.num(DISTANCE_PRECISION_KM["illustrative"]),
                approximate=ctx.num(DISTANCE_PRECISION_KM["approximate"]),
            )
        )
    return out


def next_steps(ctx: ReportContext) -> list[str]:
    """Local roads, where clusters lack a road distance."""
    road, n = _access_counts(ctx, "clusters")
    if not n or road == n:
        return []
    return [ctx.t("next.roads", n=ctx.num(n - road), total=ctx.num(n))]
