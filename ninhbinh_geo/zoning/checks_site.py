"""Checks of a site's own figures: area, area after expansion, wastewater plant, occupancy.

Each check takes the context and one rule and returns a result frame (see
:mod:`ninhbinh_geo.zoning.context`). Rules: ``area_range`` (CCN-01/02), ``expanded_area_max``
(CCN-08), ``wwtp_required`` (CCN-10, ENV-01), ``site_occupancy`` (CCN-09) and
``group_occupancy`` (CCN-07, the existing clusters of the site's unit).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import crs as _crs
from .._errors import first_ids
from .context import _blank, _bool_value, _compare, _Context, _fmt, _result_frame

#: Statuses of clusters that already exist (the base of the occupancy tests).
EXISTING_STATUSES = ("established", "operating")


def _site_area(ctx: _Context, i: int) -> tuple[float, str]:
    """Return the site's area in ha and its basis (official figure first, then the footprint)."""
    official = pd.to_numeric(pd.Series([ctx.col("area_ha").iloc[i]]), errors="coerce").iloc[0]
    if pd.notna(official):
        return float(official), "area_ha (official figure)"
    geom = ctx.metric.iloc[i]
    if geom is None or geom.is_empty:
        return math.nan, "no area_ha and no footprint"
    if str(ctx.col("footprint_accuracy").iloc[i]) == "illustrative":
        # an illustrative outline drawn without a known area is a marker, not a measurement
        return math.nan, "no area_ha, and the footprint is illustrative (its area is no measure)"
    return geom.area / 1e4, f"footprint area in {_crs.METRIC_CRS} (no area_ha given)"


def _check_area_range(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    for i in range(len(ctx.sites)):
        area, basis = _site_area(ctx, i)
        out["basis"][i] = basis
        out["measured"][i] = area
        if math.isnan(area):
            out["reason"][i] = f"site area unknown: {basis}"
            out["missing"][i] = "column:area_ha"
            continue
        ok = _compare(area, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"area {_fmt(area)} ha"
    out["threshold"] = rule["threshold"]
    out["threshold_high"] = rule["threshold_high"]
    return out


def _check_expanded_area_max(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    extension = pd.to_numeric(ctx.col("expansion_ha"), errors="coerce")
    for i in range(len(ctx.sites)):
        base, basis = _site_area(ctx, i)
        sid = ctx.sites["site_id"].iloc[i]
        ext_basis = ""
        ext = math.nan
        if ctx.proposed is not None and (ctx.proposed["site_id"] == sid).any():
            ext_geom = ctx.proposed.loc[ctx.proposed["site_id"] == sid].geometry.union_all()
            foot = ctx.metric.iloc[i]
            # only the part of the extension outside today's footprint adds area
            if foot is not None and not foot.is_empty:
                ext_geom = ext_geom.difference(foot)
            ext = ext_geom.area / 1e4
            ext_basis = f"proposed extension polygon outside the footprint, {_crs.METRIC_CRS}"
        elif pd.notna(extension.iloc[i]):
            ext = float(extension.iloc[i])
            ext_basis = "expansion_ha"
        out["basis"][i] = f"{basis} + {ext_basis}"
        if math.isnan(base):
            # the site adds area to its extension: an extension alone over the cap fails
            over = not math.isnan(ext) and not _compare(
                ext, rule["operator"], rule["threshold"], rule["threshold_high"]
            )
            out["outcome"][i] = "violated" if over else "unknown"
            out["measured"][i] = ext if over else math.nan
            out["missing"][i] = "" if over else "column:area_ha"
            out["reason"][i] = (
                f"the extension alone is {_fmt(ext)} ha (current area unknown)"
                if over
                else f"current area unknown: {basis}"
            )
            continue
        if math.isnan(ext):
            out["reason"][i] = "extension area unknown"
            out["missing"][i] = "column:expansion_ha"
            continue
        total = base + ext
        out["measured"][i] = total
        ok = _compare(total, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"{_fmt(base)} ha now + {_fmt(ext)} ha extension = {_fmt(total)} ha"
    out["threshold"] = rule["threshold"]
    return out


def _check_wwtp_required(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    columns = rule["params_dict"].get("columns", "has_wwtp").split("|")
    for i in range(len(ctx.sites)):
        values = {c: _bool_value(ctx.col(c).iloc[i]) for c in columns}
        false = [c for c, v in values.items() if v is False]
        unknown = [c for c, v in values.items() if v is None]
        measured = 0.0 if false else (math.nan if unknown else 1.0)
        out["measured"][i] = measured
        out["basis"][i] = "site attributes " + ", ".join(columns)
        if false:
            out["outcome"][i] = "violated"
            out["reason"][i] = ", ".join(false) + " is false"
        elif unknown:
            out["reason"][i] = ", ".join(unknown) + " unknown (no data)"
            out["missing"][i] = "column:" + "|".join(unknown)
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = ", ".join(columns) + " true"
    out["threshold"] = 1.0
    return out


def _occupancy_parts(ctx: _Context, positions: list[int]) -> tuple[pd.Series, pd.Series]:
    """Return leased and industrial ha of the given sites (NaN where unknown).

    Industrial land is ``industrial_ha``, else ``leasable_ha``; leased land is ``leased_ha``,
    else ``occupancy_pct`` × industrial land (the published rate is leased ÷ leasable).
    """
    ind = pd.to_numeric(ctx.col("industrial_ha"), errors="coerce").iloc[positions]
    ind = ind.fillna(pd.to_numeric(ctx.col("leasable_ha"), errors="coerce").iloc[positions])
    leased = pd.to_numeric(ctx.col("leased_ha"), errors="coerce").iloc[positions]
    pct = pd.to_numeric(ctx.col("occupancy_pct"), errors="coerce").iloc[positions]
    leased = leased.fillna(pct / 100 * ind)
    return leased.astype(float), ind.astype(float)


def _check_site_occupancy(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    pct = pd.to_numeric(ctx.col("occupancy_pct"), errors="coerce")
    leased, ind = _occupancy_parts(ctx, list(range(len(ctx.sites))))
    for i in range(len(ctx.sites)):
        if pd.notna(pct.iloc[i]):
            value, basis = float(pct.iloc[i]), "occupancy_pct (published)"
        elif pd.notna(leased.iloc[i]) and ind.iloc[i] > 0:
            value, basis = 100 * leased.iloc[i] / ind.iloc[i], "leased_ha ÷ industrial_ha"
        else:
            out["reason"][i] = "occupancy unknown"
            out["missing"][i] = "column:occupancy_pct"
            continue
        if rule["unit"] == "share":
            value /= 100
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["measured"][i] = value
        out["basis"][i] = basis
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"occupancy {_fmt(value)} {rule['unit']}"
    out["threshold"] = rule["threshold"]
    return out


def _group_keys(ctx: _Context) -> pd.Series:
    if ctx.group_by == "province" and "province" not in ctx.sites.columns:
        return pd.Series("Ninh Bình", index=ctx.sites.index)
    return ctx.sites[ctx.group_by]


def _check_group_occupancy(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    unleased_max = float(rule["params_dict"].get("or_unleased_max_ha", "nan"))
    groups = _group_keys(ctx)
    kind = ctx.kinds
    status = ctx.col("status").astype("object")
    existing = (kind == "CCN") & status.isin(EXISTING_STATUSES).fillna(False).astype(bool)
    ids = ctx.sites["site_id"]
    keys, blank = groups.tolist(), [_blank(g) for g in groups.tolist()]
    # the existing clusters of known group, by position (plain lists: an O(n²) loop)
    candidates = [j for j, e in enumerate(existing.tolist()) if e and not blank[j]]
    for i in range(len(ctx.sites)):
        group = keys[i]
        out["basis"][i] = f"existing clusters grouped by {ctx.group_by}"
        if blank[i]:
            out["reason"][i] = f"{ctx.group_by} unknown for this site"
            out["missing"][i] = f"column:{ctx.group_by}"
            continue
        members = [j for j in candidates if j != i and keys[j] == group]
        if not members:
            out["reason"][i] = (
                f"no existing cluster in {ctx.group_by} {group!r} in the site layer; the "
                f"condition does not bind only if there truly is none"
            )
            out["missing"][i] = "sites:existing"
            continue
        leased, ind = _occupancy_parts(ctx, members)
        missing = leased.isna() | ind.isna()
        if missing.any():
            unknown_ids = ids.iloc[np.array(members)][missing.to_numpy()]
            out["reason"][i] = (
                f"occupancy unknown for {first_ids(unknown_ids)} in {ctx.group_by} {group!r}"
            )
            out["missing"][i] = "column:occupancy_pct (existing clusters)"
            continue
        if ind.sum() <= 0:
            out["reason"][i] = "industrial land of the group is zero"
            out["missing"][i] = "column:industrial_ha (existing clusters)"
            continue
        occ = 100 * leased.sum() / ind.sum()
        unleased = float((ind - leased).clip(lower=0).sum())
        value = occ / 100 if rule["unit"] == "share" else occ
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"]) or (
            not math.isnan(unleased_max) and unleased <= unleased_max
        )
        out["measured"][i] = value
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = (
            f"{len(members)} existing cluster(s) in {group!r}: average occupancy {_fmt(occ)} %, "
            f"unleased industrial land {_fmt(unleased)} ha"
        )
    out["threshold"] = rule["threshold"]
    return out
