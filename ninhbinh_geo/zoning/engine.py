"""The rule engine: check the inputs at the door, run every rule on every site, summarise.

:func:`check` is the door: it validates the rules table, the sites, the user layers, the
exposure table and the proposed extensions once, projects them to the metric CRS and hands a
:class:`~ninhbinh_geo.zoning.context._Context` to the check functions of the dispatch table
(:data:`~ninhbinh_geo.zoning.checks.CHECKS`), which trust it. :func:`_run_rule` turns each
check's outcome into a result by the policy below (:func:`_decide`).

Policy (why the results are as they are):

- Missing data is never a pass. A rule whose input is missing (no dyke layer, occupancy unknown,
  no exposure row) gives ``needs_review`` with the reason.
- A rule of status ``U`` (unverified) never fails hard: a violation becomes ``needs_review``.
  Rules of status ``P`` and ``S`` keep their result, and the reason says the source is partly
  confirmed or secondary.
- A rule measured on an ``illustrative`` footprint (``footprint_accuracy``), or on an exposure
  row whose ``accuracy`` is ``illustrative``, gives ``needs_review``: a made-up outline can
  neither clear nor condemn a site.
- When it is unknown whether a rule applies (a flag or the status is missing), a violation
  becomes ``needs_review``; a pass stays a pass (the site meets the rule if it applies).
- A site's area is ``area_ha`` (the official figure) when given, else its footprint area in
  EPSG:3405, but never the area of an illustrative footprint; ``basis`` says which.
- An exposure share that passes but was measured on a raster covering under 99 % of the site
  gives ``needs_review``: the uncovered part may be flooded.
- A layer a rule needs but that is not supplied gives ``needs_review``; a supplied layer that no
  rule names raises :class:`RulesError` (a misspelt key would otherwise silently be ignored).

For corridor rules ``measured`` is the distance from the footprint to the nearest line feature
and ``threshold`` the corridor width on the side facing the site; the result comes from the
actual overlap of the footprint with the (one-sided) corridors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import crs as _crs
from .._errors import RulesError, SchemaError, first_ids
from .checks import CHECKS
from .conditions import _applies, _site_kinds
from .context import _Context, _fmt, _result_frame
from .rules import _load

#: Results, worst first (the order :func:`summarize` uses).
RESULTS = ("fail", "needs_review", "pass", "not_applicable")
_STATUS_NOTES = {
    "P": "source status P: numbers seen, article not seen; check the official text",
    "S": "source status S: secondary source only; check the official text before relying on it",
    "U": "source status U: unverified rule, so a violation is reported as needs_review",
}
_OUTPUT_COLUMNS = (
    "site_id",
    "name_vi",
    "rule_id",
    "check",
    "result",
    "measured",
    "threshold",
    "threshold_high",
    "unit",
    "basis",
    "reason",
    "legal_source",
    "source_status",
    "source_url",
    "severity",
    "statement_vi",
    "statement_en",
)


def _validate_sites(sites: gpd.GeoDataFrame, group_by: str) -> None:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError("Layer 'sites' must be a GeoDataFrame with the site footprints.")
    if "site_id" not in sites.columns:
        raise SchemaError(
            "Layer 'sites' has no column 'site_id'. Give each site a unique id (see DEVELOPERS.md)."
        )
    ids = sites["site_id"]
    if ids.isna().any():
        raise SchemaError(
            f"Layer 'sites', column 'site_id': rows {first_ids(sites.index[ids.isna()])} are "
            f"empty. Give every site an id."
        )
    dup = ids[ids.duplicated()]
    if not dup.empty:
        raise SchemaError(
            f"Layer 'sites', column 'site_id': {first_ids(dup.unique())} occur more than once. "
            f"Site ids must be unique."
        )
    if group_by != "province" and group_by not in sites.columns:
        raise SchemaError(
            f"Layer 'sites' has no column {group_by!r} to group clusters by (group_by). Use "
            f"group_by='district_old', 'former_province', 'province' or an existing column."
        )


def _prepare_layers(
    rules: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame] | None
) -> dict[str, gpd.GeoDataFrame]:
    layers = dict(layers or {})
    named = set(rules["layer"]) - {""}
    extra = sorted(set(layers) - named)
    if extra:
        raise RulesError(
            f"Layer(s) {extra} were supplied but no rule uses them; the rules use {sorted(named)}. "
            f"Rename the keys of `layers` to the rule layer names (or add a rule that uses them)."
        )
    out = {}
    for name, gdf in layers.items():
        if name == "exposure" and not isinstance(gdf, gpd.GeoDataFrame):
            continue
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise SchemaError(f"Layer {name!r} must be a GeoDataFrame, not {type(gdf).__name__}.")
        out[name] = _crs.to_metric(gdf, name)
    return out


def _validate_exposure(
    exposure: pd.DataFrame | None, layers: Mapping[str, gpd.GeoDataFrame] | None
) -> pd.DataFrame | None:
    """Return the exposure table (argument, else ``layers["exposure"]``) once its columns hold."""
    if exposure is None and layers is not None and "exposure" in layers:
        exposure = layers["exposure"]
    if exposure is None:
        return None
    needed = ["site_id", "hazard", "exposed_share"]
    missing = [c for c in needed if c not in exposure.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure' lacks column(s) {missing}. Pass the table of "
            f"ninhbinh_geo.exposure.raster_exposure (site_id, hazard, return_period, "
            f"exposed_share)."
        )
    return exposure


def check(
    sites: gpd.GeoDataFrame,
    *,
    rules: str | Path | pd.DataFrame | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    exposure: pd.DataFrame | None = None,
    group_by: str = "district_old",
    residential_class_column: str = "hazard_class",
    proposed: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Check every site against every zoning rule.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The site layer (DEVELOPERS.md), any CRS; needs ``site_id``. Columns read when present:
        ``name_vi``, ``kind``, ``status``, ``area_ha``, ``craft_village``, ``mountainous``,
        ``expansion_ha``, ``has_wwtp``, ``wwtp_compliant``, ``occupancy_pct``,
        ``industrial_ha``, ``leasable_ha``, ``leased_ha``, ``footprint_accuracy``, the
        ``group_by`` column and ``residential_class_column``.
    rules : str, pathlib.Path, pandas.DataFrame or None
        A rules table (path or the result of :func:`load_rules`); ``None`` = the shipped one.
    layers : mapping of str to geopandas.GeoDataFrame, optional
        User layers keyed by the rules' ``layer`` names: ``dykes`` (lines; ``grade``, optional
        ``river_side`` = left/right of the drawing direction, ``dyke_type`` = river/sea,
        ``settled``, ``corridor_m``), ``rivers`` (lines; ``corridor_m``), ``heritage``
        (polygons; ``zone`` = I/core or II/buffer), ``residential`` (polygons or points).
        A layer that a rule needs but is not supplied gives ``needs_review``.
    exposure : pandas.DataFrame, optional
        The table of ``ninhbinh_geo.exposure.raster_exposure`` (``site_id``, ``hazard``,
        ``return_period``, ``exposed_share``, optional ``coverage_share`` and ``accuracy``), or
        ``layers["exposure"]``. A rule picks rows whose ``hazard`` label contains one of the
        substrings in its ``hazard`` param (and the given ``return_period``) and takes the
        worst share.
    group_by : str, default "district_old"
        Unit grouping existing clusters for the occupancy test of new clusters (CCN-07):
        ``"district_old"``, ``"former_province"``, ``"province"`` or any site column.
        Districts were abolished in 2025, so the unit is a choice (rules.md N1).
    residential_class_column : str, default "hazard_class"
        Site column with the hazard class (I–V or 1–5) for the distance to housing.
    proposed : geopandas.GeoDataFrame, optional
        Proposed extension polygons with ``site_id``; such a site counts as expanding, and its
        area after expansion adds the part of the polygon outside today's footprint.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (site, rule), sites in input order then rules in table order (a new
        RangeIndex), EPSG:4326, geometry = the site's footprint. Columns ``site_id``,
        ``name_vi``, ``rule_id``, ``check``, ``result`` (pass/fail/needs_review/
        not_applicable), ``measured`` and ``threshold``/``threshold_high`` (in ``unit``),
        ``basis`` (what was measured, e.g. official area or footprint area), ``reason``,
        ``legal_source``, ``source_status``, ``source_url``, ``severity``, ``statement_vi``,
        ``statement_en``.

    Raises
    ------
    SchemaError
        Sites without unique ``site_id``, a missing ``group_by`` column, a layer without the
        column a rule reads, an exposure table without its columns.
    RulesError
        A malformed rules table, or a supplied layer that no rule uses.
    CRSError
        A layer without CRS or with implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "name_vi": ["CCN Ví dụ"], "kind": ["CCN"],
    ...      "district_old": ["Yên Mô"]},
    ...     geometry=[box(600000, 2240000, 600300, 2240400)], crs=3405)  # 300 m x 400 m = 12 ha
    >>> f = check(sites).set_index("rule_id")
    >>> f.loc["CCN-01", "result"], round(float(f.loc["CCN-01", "measured"]), 3)
    ('pass', 12.0)
    >>> f.loc["CCN-01", "basis"]
    'footprint area in EPSG:3405 (no area_ha given)'
    >>> f.loc["DYK-01", ["result", "reason"]].tolist()
    ['needs_review', 'no dykes layer supplied']
    """
    table = _load(rules)
    _validate_sites(sites, group_by)
    metric_layers = _prepare_layers(table, layers)
    exposure = _validate_exposure(exposure, layers)
    storage = _crs.to_storage(sites, "sites").reset_index(drop=True)
    proposed_m = _prepare_proposed(proposed, storage)
    ctx = _context(storage, metric_layers, exposure, proposed_m, group_by, residential_class_column)
    return _findings(ctx, table)


def _prepare_proposed(
    proposed: gpd.GeoDataFrame | None, storage: gpd.GeoDataFrame
) -> gpd.GeoDataFrame | None:
    """Check the proposed extensions against the site layer; return them in the metric CRS."""
    if proposed is None:
        return None
    if "site_id" not in proposed.columns:
        raise SchemaError(
            "Layer 'proposed' has no column 'site_id'; each extension polygon must name the "
            "site it extends."
        )
    orphan = proposed.loc[~proposed["site_id"].isin(storage["site_id"]), "site_id"]
    if not orphan.empty:
        raise SchemaError(
            f"Layer 'proposed', column 'site_id': {first_ids(orphan)} are not in the site "
            f"layer. Add the site or fix the id."
        )
    return _crs.to_metric(proposed, "proposed")


def _context(
    storage: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    exposure: pd.DataFrame | None,
    proposed: gpd.GeoDataFrame | None,
    group_by: str,
    class_column: str,
) -> _Context:
    """Bundle the checked inputs; a site is expanding with ``expansion_ha`` > 0 or a polygon."""
    expansion = pd.to_numeric(
        storage["expansion_ha"] if "expansion_ha" in storage else pd.Series(np.nan, storage.index),
        errors="coerce",
    )
    expanding = expansion.fillna(0) > 0
    if proposed is not None:
        expanding |= storage["site_id"].isin(proposed["site_id"])
    return _Context(
        sites=storage,
        # to_storage checked the coordinates at the door: a plain reprojection here
        metric=_crs.project_checked(storage).geometry,
        layers=layers,
        exposure=exposure,
        group_by=group_by,
        class_column=class_column,
        proposed=proposed,
        expanding=expanding,
        kinds=_site_kinds(storage),
    )


def _findings(ctx: _Context, table: pd.DataFrame) -> gpd.GeoDataFrame:
    """Run every rule on every site: sites in input order, then rules in table order."""
    illustrative = [str(v) == "illustrative" for v in ctx.col("footprint_accuracy")]
    records = [
        rec
        for order, (_, rule) in enumerate(table.iterrows())
        for rec in _run_rule(ctx, rule, illustrative, order)
    ]
    records.sort(key=lambda r: (r["_site"], r["_order"]))
    long = pd.DataFrame(records, columns=[*_OUTPUT_COLUMNS, "_site"])
    geometry = ctx.sites.geometry.iloc[long["_site"].to_numpy()].to_numpy()
    return gpd.GeoDataFrame(
        long[list(_OUTPUT_COLUMNS)].reset_index(drop=True),
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
    value = res[key]
    return list(value) if isinstance(value, list) else [value] * n


def _run_rule(
    ctx: _Context, rule: pd.Series, illustrative: list[bool], order: int
) -> list[dict[str, object]]:
    """Apply one rule to every site; return one record per site (plain dicts: fast)."""
    spec = CHECKS[rule["check"]]
    applies, why = _applies(ctx, rule)
    layer = rule["layer"]
    layer_missing = bool(layer) and (
        (layer == "exposure" and ctx.exposure is None)
        or (layer != "exposure" and layer not in ctx.layers)
    )
    if layer_missing:
        res = _result_frame(ctx.sites.index)
        res["reason"] = f"no {layer} layer supplied"
        res["threshold"] = rule["threshold"]
    else:
        res = spec.func(ctx, rule)
    n = len(ctx.sites)
    cols = {k: _column(res, k, n) for k in res}
    status_note = _STATUS_NOTES.get(rule["source_status"], "")
    site_ids = ctx.sites["site_id"].tolist()
    names = ctx.col("name_vi").tolist()
    records = []
    for i in range(n):
        final, reason = _decide(
            rule,
            cols["outcome"][i],
            cols["reason"][i],
            applies[i],
            why[i],
            on_illustrative=spec.geometric and illustrative[i],
            status_note=status_note,
        )
        records.append(
            {
                "site_id": site_ids[i],
                "name_vi": names[i],
                "rule_id": rule["rule_id"],
                "check": rule["check"],
                "result": final,
                "measured": float(cols["measured"][i]),
                "threshold": float(cols["threshold"][i]),
                "threshold_high": (
                    float(cols["threshold_high"][i]) if rule["operator"] == "between" else math.nan
                ),
                "unit": rule["unit"],
                "basis": cols["basis"][i],
                "reason": reason,
                "legal_source": rule["legal_source"],
                "source_status": rule["source_status"],
                "source_url": rule["source_url"],
                "severity": rule["severity"],
                "statement_vi": rule["statement_vi"],
                "statement_en": rule["statement_en"],
                "_site": i,
                "_order": order,
            }
        )
    return records


def _decide(
    rule: pd.Series,
    outcome: str,
    text: str,
    applies: bool | None,
    why: str,
    *,
    on_illustrative: bool,
    status_note: str,
) -> tuple[str, str]:
    """Return the result and reason of one site under one rule (the policy above).

    ``outcome`` and ``text`` come from the check (pass, violated, unknown or not_applicable);
    ``applies`` and ``why`` from the applicability conditions.
    """
    notes = []
    if applies is False:
        final, text = "not_applicable", why
    elif outcome == "not_applicable":
        final = "not_applicable"
    else:
        if outcome == "pass":
            final = "pass"
        elif outcome == "violated":
            final = rule["result_if_violated"]
            notes.append(_violation_note(rule))
        else:
            final = "needs_review"
        if applies is None and final == "fail":
            final = "needs_review"
            notes.append(f"applicability unknown ({why})")
        if on_illustrative and final in ("pass", "fail"):
            notes.append(f"measured on an ILLUSTRATIVE footprint, would be {final}")
            final = "needs_review"
        if rule["source_status"] == "U" and final == "fail":
            final = "needs_review"
        if final != "pass" and status_note:
            notes.append(status_note)
    return final, "; ".join([t for t in (text, *notes) if t])


def summarize(findings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summarise findings to one row per site: the worst result and the counts per result.

    Parameters
    ----------
    findings : geopandas.GeoDataFrame
        The output of :func:`check`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site in order of first appearance (new RangeIndex), CRS of ``findings``
        (EPSG:4326): ``site_id``, ``name_vi``, ``worst_result`` (fail > needs_review > pass >
        not_applicable), ``n_fail``, ``n_needs_review``, ``n_pass``, ``n_not_applicable``,
        ``rules_failed`` and ``rules_needs_review`` (comma-separated rule ids), geometry.

    Raises
    ------
    SchemaError
        When ``findings`` lacks ``site_id``, ``rule_id`` or ``result``, or holds an unknown
        result.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "kind": ["CCN"], "area_ha": [4.0], "district_old": ["A"],
    ...      "craft_village": [False], "mountainous": [False]},
    ...     geometry=[box(600000, 2240000, 600200, 2240200)], crs=3405)
    >>> s = summarize(check(sites))
    >>> s.loc[0, ["worst_result", "rules_failed"]].tolist()
    ['fail', 'CCN-01']
    """
    missing = [c for c in ("site_id", "rule_id", "result") if c not in findings.columns]
    if missing:
        raise SchemaError(
            f"Layer 'findings' lacks column(s) {missing}; pass the output of zoning.check()."
        )
    bad = findings.loc[~findings["result"].isin(RESULTS), "rule_id"]
    if not bad.empty:
        raise SchemaError(
            f"Layer 'findings', column 'result': rules {first_ids(bad)} have results outside "
            f"{list(RESULTS)}."
        )
    rank = {r: k for k, r in enumerate(RESULTS)}
    rows = []
    for sid, grp in findings.groupby("site_id", sort=False):
        worst = min(grp["result"], key=rank.__getitem__)
        row: dict[str, object] = {
            "site_id": sid,
            "name_vi": grp["name_vi"].iloc[0] if "name_vi" in grp else pd.NA,
            "worst_result": worst,
        }
        for r in RESULTS:
            row[f"n_{r}"] = int((grp["result"] == r).sum())
        row["rules_failed"] = ", ".join(grp.loc[grp["result"] == "fail", "rule_id"])
        row["rules_needs_review"] = ", ".join(grp.loc[grp["result"] == "needs_review", "rule_id"])
        row["geometry"] = grp.geometry.iloc[0] if isinstance(grp, gpd.GeoDataFrame) else None
        rows.append(row)
    columns = ["site_id", "name_vi", "worst_result", *(f"n_{r}" for r in RESULTS)]
    columns += ["rules_failed", "rules_needs_review", "geometry"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=getattr(findings, "crs", None)
    )
