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


def _binding_rows(findings: pd.DataFrame, rank: dict[str, int]) -> pd.DataFrame:
    """Return the binding finding of every site, one row per site in order of first appearance.

    Sorted (stable) by site, result (worst first), severity and rule id: the first row of each
    site is its binding finding; ties keep the order of ``findings``.
    """
    severity = (
        findings["severity"].map(_SEVERITY_ORDER).fillna(len(_SEVERITY_ORDER))
        if "severity" in findings.columns
        else 0
    )
    order = pd.DataFrame(
        {
            "site": pd.factorize(findings["site_id"])[0],
            "result": findings["result"].map(rank),
            "severity": severity,
            "rule": findings["rule_id"].astype(str),
        }
    )
    order = order[order["site"] >= 0]  # no site id: no site (as groupby leaves them out)
    order = order.sort_values(["site", "result", "severity", "rule"], kind="stable")
    return findings.iloc[order.index[~order["site"].duplicated()]]


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
    plain = pd.DataFrame(findings).reset_index(drop=True)
    binding = _binding_rows(plain, rank)
    ids, results, rule_ids = plain["site_id"], plain["result"], plain["rule_id"]
    by_site: dict[str, dict[str, list[str]]] = {}
    for sid, result, rule_id in zip(ids, results, rule_ids, strict=True):
        if result in ("fail", "needs_review"):
            by_site.setdefault(sid, {}).setdefault(result, []).append(rule_id)
    counts = pd.crosstab(ids, results).reindex(columns=list(RESULTS), fill_value=0)
    has = {c: c in plain.columns for c in ("name_vi", "severity", *_BINDING_COLUMNS)}
    geometry = findings.geometry.name if isinstance(findings, gpd.GeoDataFrame) else None
    # a site's name and geometry: those of its first finding
    firsts = plain[plain["site_id"].notna() & ~plain["site_id"].duplicated()].set_index("site_id")
    rows = []
    for bind in binding.to_dict("records"):
        sid = bind["site_id"]
        worst = bind["result"]  # the binding finding has the site's worst result
        row: dict[str, object] = {
            "site_id": sid,
            "name_vi": firsts.at[sid, "name_vi"] if has["name_vi"] else pd.NA,
            "worst_result": worst,
        }
        for r in RESULTS:
            row[f"n_{r}"] = int(counts.at[sid, r])
        listed = by_site.get(sid, {})
        row["rules_failed"] = ", ".join(listed.get("fail", []))
        row["rules_needs_review"] = ", ".join(listed.get("needs_review", []))
        row["binding_rule"] = bind["rule_id"]
        row["binding_severity"] = bind["severity"] if has["severity"] else ""
        for col in _BINDING_COLUMNS:
            default = math.nan if col == "margin" else ""
            row[f"binding_{col}"] = bind[col] if has[col] else default
        row["geometry"] = firsts.at[sid, geometry] if geometry else None
        rows.append(row)
    columns = ["site_id", "name_vi", "worst_result", *(f"n_{r}" for r in RESULTS)]
    columns += ["rules_failed", "rules_needs_review", "binding_rule", "binding_severity"]
    columns += [f"binding_{c}" for c in _BINDING_COLUMNS] + ["geometry"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=getattr(findings, "crs", None)
    )
