"""Checks of a site against heritage and protected areas (HER-01/02, NAT-01/02).

``protected_area`` measures the signed edge-to-edge distance (EPSG:3405) from the footprint to
the areas a rule is about (negative inside: minus the depth of the footprint's deepest point in
the area) and compares it with the rule's threshold, the buffer distance the rule keeps from
them (0: outside the area). The areas come from the rule's layer (``heritage``: the embedded
:func:`ninhbinh_geo.datasets.load_protected_areas`, or the user's own), selected by

- ``designations``: values of the layer's ``designation`` column (``*`` = features without one,
  e.g. the zones of a ranked relic);
- ``zones``: values of its ``zone`` column (e.g. ``I|core`` or ``II|buffer``); without it, every
  feature of the designations counts;
- ``whole``: designations whose unzoned feature *is* the rule's zone (a World Heritage
  property is protected as protection zone I, Decree 109/2017/NĐ-CP Art. 4(1));
- ``screen_m``: when the layer has no feature of the rule's zones (the Tràng An buffer zone is
  not in the embedded layer), a site within ``screen_m`` of the designations' unzoned areas may
  lie in the missing zone and needs review; beyond it, it passes. Without ``screen_m`` the
  unzoned areas stand in at the rule's own distance (a relic area whose ``zone`` is empty).

The site's position comes from :mod:`~ninhbinh_geo.zoning.positions`: an exact footprint is
decided as drawn; an uncertain one passes when no part of the region it surely lies within comes
within the buffer, is violated when that whole region does, and needs review otherwise.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from .. import crs as _crs
from .context import _blank, _Context, _fmt, _result_frame
from .positions import _Position

#: Densify the overlap's outline to this spacing (m) when looking for its deepest point.
_DEPTH_STEP_M = 10.0
#: Overlaps thinner than this (m) are touching edges: reprojection leaves slivers of ~1e-6 m.
_TOUCH_M = 0.01


def _split(text: str) -> list[str]:
    return [p.strip() for p in str(text).split("|") if p.strip()]


def _column(layer: gpd.GeoDataFrame, name: str, *, lower: bool) -> pd.Series:
    if name not in layer.columns:
        return pd.Series("", index=layer.index, dtype="object")

    def norm(v: object) -> str:
        text = "" if _blank(v) else str(v).strip()
        return text.lower() if lower else text

    return layer[name].map(norm).astype("object")


def _select(
    layer: gpd.GeoDataFrame, params: dict[str, str]
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, bool]:
    """Return (the rule's areas, covered areas of unknown zone, whether whole areas were taken)."""
    designations = _split(params.get("designations", "*"))
    zones = {z.lower() for z in _split(params.get("zones", ""))}
    whole = set(_split(params.get("whole", "")))
    des = _column(layer, params.get("designation_column", "designation"), lower=False)
    zon = _column(layer, params.get("zone_column", "zone"), lower=True)
    covered = des.isin(designations) | ((des == "") & ("*" in designations))
    if not zones:
        return layer[covered], layer.iloc[0:0], False
    taken_whole = covered & (zon == "") & des.isin(whole)
    in_zone = covered & (zon.isin(zones) | taken_whole)
    unknown = covered & (zon == "") & ~des.isin(whole)
    return layer[in_zone], layer[unknown], bool(taken_whole.any())


def _signed_distance(foot: BaseGeometry, area: BaseGeometry) -> float:
    """Edge-to-edge distance (m); inside, minus the depth of the footprint's deepest point."""
    overlap = foot.intersection(area)
    if overlap.is_empty or overlap.area <= _TOUCH_M**2:
        return float(foot.distance(area))
    outline = shapely.segmentize(overlap.boundary, _DEPTH_STEP_M)
    points = list(shapely.points(shapely.get_coordinates(outline)))
    # the centre of the largest circle in the overlap: the deepest point when the footprint
    # spans the area's narrowest part (then no point of the outline is deep)
    points.append(shapely.get_point(shapely.maximum_inscribed_circle(overlap, 1.0), 0))
    depth = float(np.max(shapely.distance(points, area.boundary)))
    return -depth if depth >= _TOUCH_M else 0.0


def _names(areas: gpd.GeoDataFrame) -> list[str]:
    out = []
    for _, row in areas.iterrows():
        name = next(
            (
                str(row[c])
                for c in ("name_vi", "name", "area_id")
                if c in row and not _blank(row[c])
            ),
            "unnamed area",
        )
        designation = row.get("designation")
        out.append(name + ("" if _blank(designation) else f" ({designation})"))
    return out


def _decide_position(
    pos: _Position, drawn_hit: bool, target: BaseGeometry, zone: BaseGeometry, reach_m: float
) -> str:
    """Decide pass, violated or unknown for a site whose position may be uncertain.

    ``zone`` is ``target`` widened by ``reach_m``: where a site breaks the rule.
    """
    if pos.exact:
        return "violated" if drawn_hit else "pass"
    if pos.extent is None:
        return "unknown"
    sliver = _TOUCH_M**2
    if pos.extent.intersection(zone).area <= sliver and pos.extent.distance(target) >= reach_m:
        return "pass"
    if pos.extent.difference(zone).area <= sliver:
        return "violated"
    return "unknown"


def _check_protected_area(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    metres = 1000.0 if rule["unit"] == "km" else 1.0
    areas, unknown_zone, whole = _select(ctx.layers[rule["layer"]], params)
    screen_m = float(params.get("screen_m", "nan"))
    # no area of the rule's zone: the areas of unknown zone stand in (within screen_m, or at
    # the rule's own distance), and reaching them is no violation, only a reason to look
    screening = areas.empty and not unknown_zone.empty
    target_rows = unknown_zone if screening else areas
    reach_m = rule["threshold"] * metres
    if screening and not math.isnan(screen_m):
        reach_m = screen_m
    what = f"{rule['layer']} areas " + (
        params.get("zones", "").replace("|", "/") or params.get("designations", "any")
    )
    if target_rows.empty:
        out["outcome"] = "pass"
        out["reason"] = f"no {what} in the {rule['layer']} layer"
        return out
    geoms = list(target_rows.geometry)
    names = _names(target_rows)
    target = shapely.union_all(geoms)
    zone = target.buffer(reach_m) if reach_m > 0 else target
    shapely.prepare(zone)
    unknown = None if screening or unknown_zone.empty else unknown_zone.geometry.union_all()
    layer = rule["layer"]
    stand_in = f"zones:{layer}" if "screen_m" in params else f"column:zone ({layer})"
    for i in range(len(ctx.sites)):
        _protected_site(
            out,
            i,
            ctx.metric.iloc[i],
            ctx.positions[i],
            target=target,
            zone=zone,
            geoms=geoms,
            names=names,
            reach_m=reach_m,
            metres=metres,
            screening=stand_in if screening else "",
            unknown=unknown,
            whole=whole,
            what=what,
            layer=rule["layer"],
        )
    return out


def _protected_site(
    out: dict[str, list],
    i: int,
    foot: BaseGeometry | None,
    pos: _Position,
    *,
    target: BaseGeometry,
    zone: BaseGeometry,
    geoms: list[BaseGeometry],
    names: list[str],
    reach_m: float,
    metres: float,
    screening: str,
    unknown: BaseGeometry | None,
    whole: bool,
    what: str,
    layer: str,
) -> None:
    """Fill the result of site ``i`` (see :func:`_check_protected_area`)."""
    out["threshold"][i] = reach_m / metres
    if foot is None or foot.is_empty:
        out["reason"][i] = "site has no footprint"
        out["missing"][i] = "footprint"
        return
    d = [_signed_distance(foot, g) for g in geoms]
    k = int(np.argmin(d))
    out["measured"][i] = d[k] / metres
    where = f"{-d[k]:,.0f} m inside {names[k]}" if d[k] < 0 else f"{d[k]:,.0f} m from {names[k]}"
    notes = [f"position: {pos.basis}"] if pos.basis else []
    if whole:
        notes.append("the layer does not separate the zones of this area: the whole area is taken")
    out["basis"][i] = "; ".join(
        [
            f"signed edge-to-edge distance from the footprint to the nearest of the {what} "
            f"(negative inside), {_crs.METRIC_CRS}",
            *notes,
        ]
    )
    outcome = _decide_position(pos, d[k] < reach_m, target, zone, reach_m)
    reason = where + (f", buffer {_fmt(reach_m)} m" if reach_m > 0 and not screening else "")
    if outcome == "unknown":
        out["missing"][i] = pos.missing
        reason += f"; whether the site reaches it depends on its position ({pos.basis})"
    elif screening and outcome == "violated":
        outcome = "unknown"
        out["missing"][i] = screening
        reason += (
            f"; within {_fmt(reach_m)} m of an area that may hold the zone this rule is about, "
            f"but the layer does not say which part is that zone"
        )
    elif screening:
        reason += f": farther than {_fmt(reach_m)} m, outside the zone wherever it lies"
    if outcome == "pass" and unknown is not None:
        reach = pos.extent if pos.extent is not None else foot
        if reach.intersection(unknown).area > 0:
            outcome = "unknown"
            out["missing"][i] = f"column:zone ({layer})"
            reason += f"; overlaps a {layer} area whose zone is empty"
    out["outcome"][i] = outcome
    out["reason"][i] = reason
