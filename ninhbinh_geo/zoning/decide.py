"""The result policy: turn each check's outcome into a finding (result, reason, margin, identity).

Policy (why the results are as they are):

- A rule decides when the data decide it: when every value the unknown inputs could take gives
  the same outcome. A cluster over 75 ha fails the size rules whatever its craft-village and
  mountain flags (CCN-01 if ordinary, CCN-02 otherwise); a cluster of 50 ha passes them
  whatever its flags; only 5–10 ha waits for the flags. A site whose every possible position
  lies far from a protected area passes its rule. A hazard class that is unknown does not stop
  a distance that meets the rule for every class.
- Missing data is never a pass. A rule whose input is missing and could change the outcome (no
  dyke layer, occupancy unknown, no exposure row) gives ``needs_review`` with the reason, and
  ``missing_input`` names what would decide it.
- A rule of status ``U`` (unverified) never fails hard: a violation becomes ``needs_review``.
  Rules of status ``P`` and ``S`` keep their result, and the reason says the source is partly
  confirmed or secondary.
- A footprint rule measured on an ``illustrative`` footprint gives ``needs_review`` (a made-up
  outline can neither clear nor condemn a site), except for checks that reason about where the
  site can be (``positional``: the protected areas), which decide when every possible position
  gives the same outcome. An exposure row whose ``accuracy`` is ``illustrative`` gives
  ``needs_review``.
- When it is unknown whether a rule applies (a flag or the status is missing), a violation
  becomes ``needs_review`` unless it is a violation whatever the flags (above); a pass stays a
  pass (the site meets the rule if it applies).
- A site's area is ``area_ha`` (the official figure) when given, else its footprint area in
  EPSG:3405, but never the area of an illustrative footprint; ``basis`` says which.
- An exposure share that passes but was measured on a raster covering under 99 % of the site
  gives ``needs_review``: the uncovered part may be flooded.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from .. import crs as _crs
from .checks import CHECKS
from .conditions import _applies, _flag_columns, _flag_groups, _violated_whatever_the_flags
from .context import _Context, _fmt, _result_frame
from .margins import _margin_columns

_STATUS_NOTES = {
    "P": "source status P: numbers seen, article not seen; check the official text",
    "S": "source status S: secondary source only; check the official text before relying on it",
    "U": "source status U: unverified rule, so a violation is reported as needs_review",
}
#: Columns of a finding, in order (DEVELOPERS.md lists them).
OUTPUT_COLUMNS = (
    "site_id",
    "name_vi",
    "rule_id",
    "check",
    "result",
    "measured",
    "threshold",
    "threshold_high",
    "unit",
    "margin",
    "margin_unit",
    "margin_vi",
    "margin_en",
    "basis",
    "reason",
    "missing_input",
    "legal_source",
    "source_status",
    "source_url",
    "severity",
    "rule_hash",
    "effective_date",
    "statement_vi",
    "statement_en",
)


def _findings(ctx: _Context, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Run every rule on every site: sites in input order, then rules in table order."""
    illustrative = [str(v) == "illustrative" for v in ctx.col("footprint_accuracy")]
    by_rule = {
        rule["rule_id"]: _run_rule(ctx, rule, illustrative, order)
        for order, (_, rule) in enumerate(table.iterrows())
    }
    for group in _flag_groups(table):
        _decide_group(ctx, group, by_rule)
    records = [rec for recs in by_rule.values() for rec in recs]
    records.sort(key=lambda r: (r["_site"], r["_order"]))
    for rec in records:
        rec.update(_margin_columns(rec["measured"], *rec["_cmp"], rec["unit"]))
        if rec["result"] == "not_applicable":
            rec.update(margin=math.nan, margin_unit="", margin_vi="", margin_en="")
    long = pd.DataFrame(records, columns=[*OUTPUT_COLUMNS, "_site"])
    geometry = ctx.sites.geometry.iloc[long["_site"].to_numpy()].to_numpy()
    return gpd.GeoDataFrame(
        long[list(OUTPUT_COLUMNS)].reset_index(drop=True),
        geometry=list(geometry),
        crs=_crs.STORAGE_CRS,
    )


def _violation_note(rule: pd.Series) -> str:
    op, low, high = rule["operator"], rule["threshold"], rule["threshold_high"]
    if op == "between":
        need = f"needs {_fmt(low)}–{_fmt(high)} {rule['unit']}"
    elif op in ("intersects", "not_intersects") or math.isnan(low):
        need = "violates the rule"
    else:
        need = f"needs {op} {_fmt(low)} {rule['unit']}"
    if "or_unleased_max_ha" in rule["params_dict"]:
        need += f" or unleased land <= {rule['params_dict']['or_unleased_max_ha']} ha"
    if rule["result_if_violated"] == "needs_review":
        need += " (the rules table reports this violation as needs_review, see its notes)"
    return need


def _column(res: dict[str, list], key: str, n: int) -> list:
    value = res.get(key, "")
    return list(value) if isinstance(value, list) else [value] * n


def _check_results(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    """Return the check's result frame, or unknowns when its layer was not supplied."""
    spec = CHECKS[rule["check"]]
    layer = rule["layer"]
    missing = bool(layer) and (
        (layer == "exposure" and ctx.exposure is None)
        or (layer != "exposure" and layer not in ctx.layers)
    )
    if not missing:
        return spec.func(ctx, rule)
    n = len(ctx.sites)
    res = _result_frame(ctx.sites.index)
    res["reason"] = [f"no {layer} layer supplied"] * n
    res["missing"] = [f"layer:{layer}"] * n
    res["threshold"] = rule["threshold"]
    if spec.without_layer is not None:
        # what the site's own attributes decide (e.g. a hazard class the rule is not about)
        for i, (why, also) in enumerate(spec.without_layer(ctx, rule)):
            if why:
                res["outcome"][i], res["reason"][i], res["missing"][i] = "not_applicable", why, ""
            elif also:
                res["missing"][i] += f"; {also}"
    return res


# The fields of a rule copied into each of its findings.
_RULE_FIELDS = (
    "rule_id", "check", "operator", "unit", "legal_source", "source_status", "source_url",
    "severity", "rule_hash", "effective_date", "statement_vi", "statement_en",
)  # fmt: skip


def _run_rule(
    ctx: _Context, rule: pd.Series, illustrative: list[bool], order: int
) -> list[dict[str, object]]:
    """Apply one rule to every site; return one record per site (plain dicts: fast)."""
    spec = CHECKS[rule["check"]]
    applicability = _applies(ctx, rule)
    res = _check_results(ctx, rule)
    n = len(ctx.sites)
    cols = {k: _column(res, k, n) for k in (*res, "missing")}
    site_ids = ctx.sites["site_id"].tolist()
    names = ctx.col("name_vi").tolist()
    # the rule's own fields, read once (a Series look-up per site and field costs)
    r = {k: rule[k] for k in _RULE_FIELDS}
    geometric = spec.geometric and not spec.positional
    records = []
    for i in range(n):
        rec = {
            "site_id": site_ids[i],
            "name_vi": names[i],
            "rule_id": r["rule_id"],
            "check": r["check"],
            "measured": float(cols["measured"][i]),
            "threshold": float(cols["threshold"][i]),
            "threshold_high": (
                float(cols["threshold_high"][i]) if r["operator"] == "between" else math.nan
            ),
            "unit": r["unit"],
            "basis": cols["basis"][i],
            "legal_source": r["legal_source"],
            "source_status": r["source_status"],
            "source_url": r["source_url"],
            "severity": r["severity"],
            "rule_hash": r["rule_hash"],
            "effective_date": r["effective_date"],
            "statement_vi": r["statement_vi"],
            "statement_en": r["statement_en"],
            "_site": i,
            "_order": order,
            "_rule": rule,
            "_outcome": cols["outcome"][i],
            "_text": cols["reason"][i],
            "_missing": cols["missing"][i],
            "_applies": applicability[i],
            "_illustrative": geometric and illustrative[i],
        }
        rec["_cmp"] = (r["operator"], rec["threshold"], rec["threshold_high"])
        _settle(rec, applicability[i])
        records.append(rec)
    return records


def _settle(rec: dict[str, object], applicability: tuple, note: str = "") -> None:
    """Set the record's result, reason and missing input from its check outcome."""
    rule: pd.Series = rec["_rule"]  # type: ignore[assignment]
    result, reason, missing = _decide(
        rule,
        str(rec["_outcome"]),
        str(rec["_text"]),
        str(rec["_missing"]),
        applicability,
        on_illustrative=bool(rec["_illustrative"]),
    )
    rec["result"] = result
    rec["reason"] = "; ".join(t for t in (reason, note) if t)
    rec["missing_input"] = missing


def _decide(
    rule: pd.Series,
    outcome: str,
    text: str,
    check_missing: str,
    applicability: tuple,
    *,
    on_illustrative: bool,
) -> tuple[str, str, str]:
    """Return the result, reason and missing input of one site under one rule (the policy).

    ``outcome``, ``text`` and ``check_missing`` come from the check (pass, violated, unknown or
    not_applicable); ``applicability`` = (applies, why, missing input) from the conditions.
    """
    applies, why, why_missing = applicability
    if applies is False:
        return "not_applicable", why, ""
    if outcome == "not_applicable":
        return "not_applicable", text, ""
    notes, missing = [], []
    if outcome == "pass":
        final = "pass"
    elif outcome == "violated":
        final = rule["result_if_violated"]
        notes.append(_violation_note(rule))
        if final == "needs_review":
            missing.append("review:rule")
    else:
        final = "needs_review"
        missing.append(check_missing or "unknown")
        if applies is None:
            missing.append(why_missing)
    if applies is None and final == "fail":
        final = "needs_review"
        notes.append(f"applicability unknown ({why})")
        missing.append(why_missing)
    if on_illustrative and final in ("pass", "fail"):
        notes.append(f"measured on an ILLUSTRATIVE footprint, would be {final}")
        final = "needs_review"
        missing.append("footprint:illustrative")
    if rule["source_status"] == "U" and final == "fail":
        final = "needs_review"
        missing.append("source:U")
    if final != "pass" and rule["source_status"] in _STATUS_NOTES:
        notes.append(_STATUS_NOTES[rule["source_status"]])
    reason = "; ".join(t for t in (text, *notes) if t)
    return final, reason, "; ".join(dict.fromkeys(m for m in missing if m))


def _decide_group(
    ctx: _Context, group: list[pd.Series], by_rule: dict[str, list[dict[str, object]]]
) -> None:
    """Fail the violated rules of a flag group where every value of the flags is a violation."""
    ids = [rule["rule_id"] for rule in group]
    flags = "/".join(dict.fromkeys(c for r in group for c in _flag_columns(r)))
    for i in range(len(ctx.sites)):
        recs = [by_rule[rid][i] for rid in ids]
        waiting = [
            r
            for r in recs
            if r["_outcome"] == "violated" and r["_applies"][0] is None  # type: ignore[index]
        ]
        if not waiting:
            continue
        violated = {rid: r["_outcome"] == "violated" for rid, r in zip(ids, recs, strict=True)}
        if _violated_whatever_the_flags(ctx, i, group, violated):
            note = (
                f"violated whatever {flags} ({' and '.join(ids)} all violated), so the unknown "
                f"flags do not matter"
            )
            for rec in waiting:
                _settle(rec, (True, "", ""), note)
