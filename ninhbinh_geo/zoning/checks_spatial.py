"""Checks of a footprint against user layers: corridors, zones and distances by class.

``corridor_intersects`` (DYK-01/02, RIV-01): the footprint against the one-sided protection
corridors of dyke and river lines. ``zone_intersects`` (HER-01/02): overlap with heritage zones.
``distance_min_by_class`` (QH-05-I…V): edge-to-edge distance to housing by the site's hazard
class. The layers come in the metric CRS, checked at the door.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .. import crs as _crs
from .._errors import SchemaError
from .context import _blank, _bool_value, _compare, _Context, _fmt, _result_frame

_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}


def _to_unit(metres: float, unit: str) -> float:
    return metres / 1000 if unit == "km" else metres


def _grade(value: object) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    for prefix in ("grade ", "cấp ", "cap "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    if text.lower() in ("special", "đặc biệt", "dac biet", "0"):
        return "special"
    return _ROMAN.get(text, text.upper())


def _corridor_widths(
    feature: pd.Series, params: Mapping[str, str], default_m: float
) -> tuple[float, float, str]:
    """Return (left_m, right_m, note) of one line feature's protection corridor.

    ``river_side`` says which side of the line (in its drawing direction) faces the water;
    without it the larger width is used on both sides, because the corridor cannot be placed.
    """
    width_col = params.get("width_column")
    if width_col and width_col in feature.index and not _blank(feature[width_col]):
        w = float(feature[width_col])
        return w, w, f"{width_col} = {_fmt(w)} m both sides"
    if "land_m" not in params:
        return (
            default_m,
            default_m,
            (f"rule threshold {_fmt(default_m)} m both sides" if math.isfinite(default_m) else ""),
        )
    land = float(params["land_m"])
    water = float(params.get("river_m", land))
    if str(feature.get("dyke_type", "")).strip().lower() == "sea" and "sea_m" in params:
        water = float(params["sea_m"])
    if _bool_value(feature.get("settled")) and "settled_m" in params:
        w = float(params["settled_m"])
        return w, w, f"stretch through settlement: {_fmt(w)} m both sides"
    side = str(feature.get("river_side", "")).strip().lower()
    if side == "left":
        return water, land, f"water side (left) {_fmt(water)} m, land side {_fmt(land)} m"
    if side == "right":
        return land, water, f"water side (right) {_fmt(water)} m, land side {_fmt(land)} m"
    w = max(land, water)
    return w, w, f"no river_side attribute: the larger width {_fmt(w)} m used on both sides"


def _one_sided(line: BaseGeometry, left_m: float, right_m: float) -> BaseGeometry:
    # shapely: a positive single-sided buffer lies left of the line, a negative one right
    parts = [line.buffer(left_m, single_sided=True), line.buffer(-right_m, single_sided=True)]
    return parts[0].union(parts[1]) if left_m != right_m else line.buffer(left_m)


def _check_corridor_intersects(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    layer = ctx.layers[rule["layer"]].explode(index_parts=False)
    layer = layer[~layer.geometry.is_empty & layer.geometry.notna()]
    grades = params.get("grades")
    unknown_grade = pd.Series(False, index=layer.index)
    if grades:
        if "grade" not in layer.columns:
            raise SchemaError(
                f"Layer '{rule['layer']}' has no 'grade' column, which rule {rule['rule_id']} "
                f"needs (special, I, II, III, IV or V). Add the dyke grade to each feature."
            )
        g = layer["grade"].map(_grade)
        wanted = {_grade(x) for x in grades.split("|")}
        unknown_grade = g.isna()
        layer = layer[g.isin(wanted) | unknown_grade]
        unknown_grade = unknown_grade.loc[layer.index]
    known_geoms, unknown_geoms = [], []
    widths_of = []
    for (_, feat), unk in zip(layer.iterrows(), unknown_grade, strict=True):
        left, right, note = _corridor_widths(feat, params, rule["threshold"])
        if not (math.isfinite(left) and math.isfinite(right)):
            unknown_geoms.append(None)
            widths_of.append((feat.geometry, math.nan, math.nan, "corridor width unknown"))
            continue
        geom = _one_sided(feat.geometry, left, right)
        (unknown_geoms if unk else known_geoms).append(geom)
        widths_of.append((feat.geometry, left, right, note + (" (grade unknown)" if unk else "")))
    known = gpd.GeoSeries(known_geoms, crs=layer.crs).union_all() if known_geoms else None
    unk_corr = [g for g in unknown_geoms if g is not None]
    unknown = gpd.GeoSeries(unk_corr, crs=layer.crs).union_all() if unk_corr else None
    # lines whose corridor cannot be drawn: the site may lie in it, whatever its distance
    no_width = [w[0] for w in widths_of if not math.isfinite(w[1])]
    for i in range(len(ctx.sites)):
        foot = ctx.metric.iloc[i]
        if foot is None or foot.is_empty:
            out["reason"][i] = "site has no footprint"
            out["missing"][i] = "footprint"
            continue
        if not widths_of:
            out["outcome"][i] = "pass"
            out["reason"][i] = f"no {rule['layer']} feature of this rule's grades in the layer"
            continue
        dists = [foot.distance(w[0]) for w in widths_of]
        k = int(np.argmin(dists))
        line, left, right, note = widths_of[k]
        side_w = _facing_width(foot, line, left, right)
        out["measured"][i] = _to_unit(dists[k], rule["unit"])
        out["threshold"][i] = _to_unit(side_w, rule["unit"])
        out["basis"][i] = (
            f"distance from the footprint to the nearest {rule['layer']} feature; {note}"
        )
        overlap = foot.intersection(known).area if known is not None else 0.0
        overlap_unk = foot.intersection(unknown).area if unknown is not None else 0.0
        if overlap > 0:
            out["outcome"][i] = "violated"
            out["reason"][i] = (
                f"{_fmt(overlap / 1e4)} ha of the site lies inside the {rule['layer']} corridor"
            )
        elif overlap_unk > 0:
            out["reason"][i] = (
                f"{_fmt(overlap_unk / 1e4)} ha inside the corridor of a {rule['layer']} feature "
                f"whose grade is unknown"
            )
            out["missing"][i] = f"column:grade ({rule['layer']})"
        elif no_width:
            gap = min(foot.distance(line) for line in no_width)
            out["reason"][i] = (
                f"corridor width unknown for {len(no_width)} {rule['layer']} feature(s) (no "
                f"{params.get('width_column', 'width')} value, no rule threshold); the nearest "
                f"of them is {_fmt(gap)} m away"
            )
            out["missing"][i] = f"column:{params.get('width_column', 'width')} ({rule['layer']})"
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = (
                f"outside every {rule['layer']} corridor; nearest feature {_fmt(dists[k])} m away"
            )
    return out


def _facing_width(foot: BaseGeometry, line: BaseGeometry, left: float, right: float) -> float:
    """Width of the corridor on the side of ``line`` that faces ``foot``."""
    if not (math.isfinite(left) and math.isfinite(right)) or left == right:
        return max(left, right)
    reach = foot.distance(line) + 1.0
    left_d = foot.distance(line.buffer(reach, single_sided=True))
    right_d = foot.distance(line.buffer(-reach, single_sided=True))
    return left if left_d <= right_d else right


def _check_zone_intersects(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    layer = ctx.layers[rule["layer"]]
    zone_col = params.get("zone_column", "zone")
    if zone_col not in layer.columns:
        raise SchemaError(
            f"Layer '{rule['layer']}' has no column {zone_col!r}, which rule {rule['rule_id']} "
            f"reads to tell core from buffer zones. Add it (values e.g. "
            f"{params.get('zones', 'I|II')!r}) or set zone_column in the rule's params."
        )
    wanted = {z.strip().lower() for z in params.get("zones", "").split("|") if z.strip()}
    shown = params.get("zones", "any").replace("|", "/")
    zones = layer[zone_col].map(lambda v: "" if _blank(v) else str(v).strip().lower())
    sel = layer[zones.isin(wanted)] if wanted else layer
    unknown = layer[zones == ""]
    zone_geom = sel.geometry.union_all() if not sel.empty else None
    unk_geom = unknown.geometry.union_all() if not unknown.empty else None
    for i in range(len(ctx.sites)):
        foot = ctx.metric.iloc[i]
        if foot is None or foot.is_empty:
            out["reason"][i] = "site has no footprint"
            out["missing"][i] = "footprint"
            continue
        overlap = foot.intersection(zone_geom).area / 1e4 if zone_geom is not None else 0.0
        out["measured"][i] = overlap
        out["basis"][i] = f"overlap with {rule['layer']} zones {shown} in {_crs.METRIC_CRS}"
        hit = overlap > 0
        if rule["operator"] == "intersects":
            hit = not hit
        if hit:
            out["outcome"][i] = "violated"
            out["reason"][i] = f"{_fmt(overlap)} ha inside {rule['layer']} zone {shown}"
        elif unk_geom is not None and foot.intersection(unk_geom).area > 0:
            out["reason"][i] = f"overlaps a {rule['layer']} zone whose {zone_col} is empty"
            out["missing"][i] = f"column:{zone_col} ({rule['layer']})"
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = f"no overlap with {rule['layer']} zone {shown}"
    out["threshold"] = rule["threshold"]
    return out


def _hazard_class(value: object) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    for prefix in ("class ", "cấp ", "nhóm ", "cap ", "nhom "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    return _ROMAN.get(text, text.upper())


def _other_class(ctx: _Context, rule: pd.Series) -> list[tuple[str, str]]:
    """Per site without the layer: (why the rule does not apply, or ""; what else is missing).

    A known hazard class the rule is not about makes it not applicable; an unknown one is a
    second missing input beside the layer.
    """
    wanted = _hazard_class(rule["params_dict"].get("class"))
    classes = [_hazard_class(v) for v in ctx.col(ctx.class_column)]
    return [
        (f"site is hazard class {cls}, not {wanted}", "")
        if cls is not None and cls != wanted
        else ("", f"column:{ctx.class_column}" if cls is None else "")
        for cls in classes
    ]


def _check_distance_min_by_class(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    wanted = _hazard_class(rule["params_dict"].get("class"))
    layer = ctx.layers[rule["layer"]]
    layer = layer[layer.geometry.notna() & ~layer.geometry.is_empty]
    # a list, not a Series: pandas would turn the None of an unknown class into NaN
    classes = [_hazard_class(v) for v in ctx.col(ctx.class_column)]
    valid = ctx.metric.notna() & ~ctx.metric.is_empty
    dist = pd.Series(np.nan, index=ctx.sites.index)
    if not layer.empty and valid.any():
        idx, d = layer.sindex.nearest(ctx.metric[valid], return_distance=True, return_all=False)
        dist.iloc[np.flatnonzero(valid.to_numpy())[idx[0]]] = d
    for i in range(len(ctx.sites)):
        cls = classes[i]
        if cls is not None and cls != wanted:
            out["outcome"][i] = "not_applicable"
            out["reason"][i] = f"site is hazard class {cls}, not {wanted}"
            continue
        d_m = dist.iloc[i]
        out["basis"][i] = f"nearest {rule['layer']} feature, edge to edge, {_crs.METRIC_CRS}"
        if layer.empty:
            out["reason"][i] = f"{rule['layer']} layer is empty"
            out["missing"][i] = f"layer:{rule['layer']}"
            continue
        if math.isnan(d_m):
            out["reason"][i] = "site has no footprint"
            out["missing"][i] = "footprint"
            continue
        value = _to_unit(float(d_m), rule["unit"])
        out["measured"][i] = value
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        if cls is None:
            # class unknown: a distance that meets the rule meets it whatever the class (the
            # rule passes, or does not apply); one that does not waits for the class
            out["outcome"][i] = "pass" if ok else "unknown"
            out["reason"][i] = (
                f"hazard class unknown ({ctx.class_column} empty); {_fmt(value)} {rule['unit']} "
                f"to {rule['layer']}, which {'meets' if ok else 'does not meet'} class {wanted}"
            )
            out["missing"][i] = "" if ok else f"column:{ctx.class_column}"
            continue
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"{_fmt(value)} {rule['unit']} to the nearest {rule['layer']} feature"
    out["threshold"] = rule["threshold"]
    return out
