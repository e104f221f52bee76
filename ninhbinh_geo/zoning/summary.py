"""Per-site summary of the findings: the worst result and the rule that binds.

The *binding* rule of a site is the rule that makes its result what it is: among the findings
with the site's worst result, the one of the highest severity (blocking, then major, then
advisory), ties broken by rule id. Its margin says how far the site is from passing it (or how
much room it has, for a site whose worst result is a pass).
"""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd

from .._errors import SchemaError, first_ids

#: Results, worst first (the order :func:`summarize` uses).
RESULTS = ("fail", "needs_review", "pass", "not_applicable")
_SEVERITY_ORDER = {"blocking": 0, "major": 1, "advisory": 2}
_BINDING_COLUMNS = ("margin", "margin_unit", "margin_vi", "margin_en", "missing_input")


def _check_findings(findings: pd.DataFrame) -> None:
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


def _binding(grp: pd.DataFrame, worst: str) -> pd.Series:
    """Return the binding finding of one site: worst result, then severity, then rule id."""
    cand = grp[grp["result"] == worst]
    severity = (
        cand["severity"].map(_SEVERITY_ORDER).fillna(len(_SEVERITY_ORDER))
        if "severity" in cand.columns
        else pd.Series(0, index=cand.index)
    )
    order = pd.DataFrame({"s": severity, "r": cand["rule_id"].astype(str)}, index=cand.index)
    return cand.loc[order.sort_values(["s", "r"], kind="stable").index[0]]


def summarize(findings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summarise findings to one row per site: the worst result, the counts and the binding rule.

    Parameters
    ----------
    findings : geopandas.GeoDataFrame
        The output of :func:`~ninhbinh_geo.zoning.check`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site in order of first appearance (new RangeIndex), CRS of ``findings``
        (EPSG:4326): ``site_id``, ``name_vi``, ``worst_result`` (fail > needs_review > pass >
        not_applicable), ``n_fail``, ``n_needs_review``, ``n_pass``, ``n_not_applicable``,
        ``rules_failed`` and ``rules_needs_review`` (comma-separated rule ids),
        ``binding_rule`` (the rule that makes the worst result: among the findings with that
        result the highest severity, then the lowest rule id), ``binding_severity``,
        ``binding_margin`` with ``binding_margin_unit`` and the texts ``binding_margin_vi``/
        ``binding_margin_en`` (the margin of that finding; NaN and empty when the findings
        carry no margin), ``binding_missing_input`` (what would decide it, when it needs
        review), geometry.

    Raises
    ------
    SchemaError
        When ``findings`` lacks ``site_id``, ``rule_id`` or ``result``, or holds an unknown
        result.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.zoning import check
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "kind": ["CCN"], "area_ha": [4.0], "district_old": ["A"],
    ...      "craft_village": [False], "mountainous": [False]},
    ...     geometry=[box(600000, 2240000, 600200, 2240200)], crs=3405)
    >>> s = summarize(check(sites))
    >>> s.loc[0, ["worst_result", "rules_failed", "binding_rule"]].tolist()
    ['fail', 'CCN-01', 'CCN-01']
    >>> float(s.loc[0, "binding_margin"]), s.loc[0, "binding_margin_en"]
    (6.0, '6 ha below 10 ha')
    """
    _check_findings(findings)
    rank = {r: k for k, r in enumerate(RESULTS)}
    rows = []
    for sid, grp in findings.groupby("site_id", sort=False):
        worst = min(grp["result"], key=rank.__getitem__)
        bind = _binding(grp, worst)
        row: dict[str, object] = {
            "site_id": sid,
            "name_vi": grp["name_vi"].iloc[0] if "name_vi" in grp else pd.NA,
            "worst_result": worst,
        }
        for r in RESULTS:
            row[f"n_{r}"] = int((grp["result"] == r).sum())
        row["rules_failed"] = ", ".join(grp.loc[grp["result"] == "fail", "rule_id"])
        row["rules_needs_review"] = ", ".join(grp.loc[grp["result"] == "needs_review", "rule_id"])
        row["binding_rule"] = bind["rule_id"]
        row["binding_severity"] = bind.get("severity", "")
        for col in _BINDING_COLUMNS:
            row[f"binding_{col}"] = bind.get(col, math.nan if col == "margin" else "")
        row["geometry"] = grp.geometry.iloc[0] if isinstance(grp, gpd.GeoDataFrame) else None
        rows.append(row)
    columns = ["site_id", "name_vi", "worst_result", *(f"n_{r}" for r in RESULTS)]
    columns += ["rules_failed", "rules_needs_review", "binding_rule", "binding_severity"]
    columns += [f"binding_{c}" for c in _BINDING_COLUMNS] + ["geometry"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=getattr(findings, "crs", None)
    )
