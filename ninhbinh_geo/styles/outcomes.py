"""What the per-site maps show of the per-(site, x) tables: one scenario, one outcome per site.

The exposure table holds one row per (site, scenario); every map shows the same stated scenario
(:func:`exposure_scenario`: the one of the hazard layer drawn, else the 100-year flood, else the
rarest), named in its legend. The zoning findings hold one row per (site, rule); a map shows
one outcome per site (:func:`zoning_outcomes`): a fail, a pass, or a "needs review" told apart
by what is missing to decide the binding rule (a layer, a site attribute, the other clusters …),
so a map where nothing fails is not one colour.
"""

from __future__ import annotations

import math

import pandas as pd

from ..formatting import decimals_of, format_number
from ..labels import label

__all__ = ["OUTCOME_COLORS", "RESULT_COLORS", "exposure_scenario", "zoning_outcomes"]

#: Colours of the zoning results (one per rule finding).
RESULT_COLORS = {
    "fail": "#d7191c",
    "needs_review": "#fdae61",
    "pass": "#1a9641",
    "not_applicable": "#969696",
}

#: Outcome of a site on the zoning maps, in legend order: a fail, "needs review" by the kind of
#: input missing to decide the binding rule, a pass, not applicable. No needs-review colour is a
#: red or a green, so fails and passes stand out.
OUTCOME_COLORS = {
    "fail": RESULT_COLORS["fail"],
    "needs_review.layer": "#fdae61",
    "needs_review.column": "#ffd92f",
    "needs_review.sites": "#8da0cb",
    "needs_review.position": "#e78ac3",
    "needs_review.hazard": "#80b1d3",
    "needs_review.review": "#bc80bd",
    "pass": RESULT_COLORS["pass"],
    "not_applicable": RESULT_COLORS["not_applicable"],
}

# Kind of a missing-input key (zoning.decidability) -> the group a map colours by.
_MISSING_GROUP = {
    "layer": "layer",
    "zones": "layer",
    "column": "column",
    "sites": "sites",
    "position": "position",
    "footprint": "position",
    "hazard": "hazard",
    "exposure": "hazard",
}
_RESULTS = ("fail", "needs_review", "pass", "not_applicable")


# ---------------------------------------------------------------------------------------------
# Exposure: one stated scenario


def exposure_scenario(
    exposure: pd.DataFrame, hazard: pd.DataFrame | None = None
) -> tuple[str, float | None] | None:
    """Return the scenario the maps show: its ``hazard`` label and its return period.

    The scenario of the hazard layer drawn (same ``hazard`` label, and return period when the
    layer has one) when the exposure table has it; else the 100-year flood; else the rarest
    return period; else the first scenario.

    Parameters
    ----------
    exposure : pandas.DataFrame
        One row per (site, scenario) with ``hazard`` and ``return_period`` (as from
        :func:`ninhbinh_geo.exposure.raster_exposure`).
    hazard : pandas.DataFrame, optional
        The hazard layer drawn (:func:`ninhbinh_geo.exposure.depth_zones`).

    Returns
    -------
    tuple of (str, float or None), or None
        ``None`` when the table names no scenario (no ``hazard`` column or no value).

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"hazard": ["h10", "h100", "h1000"], "return_period": [10, 100, 1000]})
    >>> exposure_scenario(e)
    ('h100', 100.0)
    >>> exposure_scenario(e, pd.DataFrame({"hazard": ["h1000"]}))
    ('h1000', 1000.0)
    """
    if "hazard" not in exposure.columns or exposure["hazard"].dropna().empty:
        return None
    rp = (
        pd.to_numeric(exposure["return_period"], errors="coerce")
        if "return_period" in exposure.columns
        else pd.Series(float("nan"), index=exposure.index)
    )
    pairs = pd.DataFrame({"h": exposure["hazard"], "rp": rp}).dropna(subset=["h"])
    pairs = list(pairs.drop_duplicates().itertuples(index=False, name=None))
    if hazard is not None and "hazard" in hazard.columns:
        drawn = pd.DataFrame({"h": hazard["hazard"]})
        drawn["rp"] = (
            pd.to_numeric(hazard["return_period"], errors="coerce")
            if "return_period" in hazard.columns
            else float("nan")
        )
        for h, r in drawn.drop_duplicates().itertuples(index=False, name=None):
            match = [p for p in pairs if p[0] == h and (pd.isna(r) or p[1] == r)]
            if match:
                return _scenario(match[0])
    known = [p for p in pairs if not pd.isna(p[1])]
    hundred = [p for p in known if p[1] == 100]
    if hundred:
        return _scenario(hundred[0])
    if known:
        return _scenario(max(known, key=lambda p: p[1]))
    return _scenario(pairs[0])


def _scenario(pair: tuple[object, float]) -> tuple[str, float | None]:
    return str(pair[0]), (None if pd.isna(pair[1]) else float(pair[1]))


def scenario_rows(scenario: tuple[str, float | None] | None) -> dict[str, object]:
    """Return the ``where`` of a scenario: its hazard label, and its return period if any.

    Examples
    --------
    >>> scenario_rows(("flood", 100.0)), scenario_rows(("slr_100cm", None))
    ({'hazard': 'flood', 'return_period': 100.0}, {'hazard': 'slr_100cm'})
    """
    if scenario is None:
        return {}
    where: dict[str, object] = {"hazard": scenario[0]}
    if scenario[1] is not None:
        where["return_period"] = scenario[1]
    return where


def scenario_note(name: str, return_period: float | None) -> tuple[str, str]:
    """Return the title note of a scenario: its return period, else its name, in vi and en.

    Examples
    --------
    >>> scenario_note("h1000", 1000.0)
    ('chu kỳ lặp lại 1.000 năm', '1,000-year return period')
    """
    if return_period is None or (isinstance(return_period, float) and math.isnan(return_period)):
        return tuple(label("legend.scenario", g).format(name=name) for g in ("vi", "en"))
    return tuple(
        label("legend.return_period", g).format(
            rp=format_number(return_period, g, decimals=decimals_of(return_period))
        )
        for g in ("vi", "en")
    )


# ---------------------------------------------------------------------------------------------
# Zoning: one outcome per site


def _outcome(worst: str, missing: object) -> str:
    if worst != "needs_review":
        return worst
    keys = [k for k in str(missing if isinstance(missing, str) else "").split("; ") if k]
    kind = keys[0].partition(":")[0] if keys else ""
    return f"needs_review.{_MISSING_GROUP.get(kind, 'review')}"


_SEVERITY_ORDER = {"blocking": 0, "major": 1, "advisory": 2}


def _binding_rows(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per site, in order of first appearance: its worst finding that binds.

    As :func:`ninhbinh_geo.zoning.summarize` picks it (tested against it): the worst result,
    then the highest severity, then the lowest rule id; vectorised, for the maps.
    """
    frame = pd.DataFrame(findings).drop(columns="geometry", errors="ignore")
    rank = frame["result"].map({r: i for i, r in enumerate(_RESULTS)})
    severity = (
        frame["severity"].map(_SEVERITY_ORDER).fillna(len(_SEVERITY_ORDER))
        if "severity" in frame.columns
        else pd.Series(0, index=frame.index)
    )
    rule = frame["rule_id"].astype(str) if "rule_id" in frame.columns else ""
    first = pd.Series(pd.factorize(frame["site_id"])[0], index=frame.index)
    keys = pd.DataFrame(
        {"site": first, "rank": rank, "sev": severity, "rule": rule, "pos": range(len(frame))},
        index=frame.index,
    )
    order = keys.sort_values(["site", "rank", "sev", "rule", "pos"], kind="stable").index
    return frame.loc[order].drop_duplicates("site_id").reset_index(drop=True)


def zoning_outcomes(findings: pd.DataFrame) -> pd.DataFrame:
    """Return one outcome per site of the zoning findings, as the zoning maps colour it.

    Parameters
    ----------
    findings : pandas.DataFrame
        One row per (site, rule) with ``site_id`` and ``result`` (pass, fail, needs_review,
        not_applicable), as from :func:`ninhbinh_geo.zoning.check`; the binding rule of each
        site is the one :func:`ninhbinh_geo.zoning.summarize` names (worst result, highest
        ``severity``, lowest ``rule_id``).

    Returns
    -------
    pandas.DataFrame
        One row per site, in order of first appearance: ``site_id``, ``worst_result``,
        ``binding_rule``, ``binding_margin_vi``, ``binding_margin_en``,
        ``binding_missing_input`` (empty text where unknown) and ``outcome``: ``fail``,
        ``pass``, ``not_applicable`` or ``needs_review.<group>`` by the first input missing
        to decide the binding rule (``layer``, ``column``, ``sites``, ``position``, ``hazard``,
        else ``review``); keys of :data:`OUTCOME_COLORS`.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"site_id": ["A", "A", "B"], "rule_id": ["R1", "R2", "R1"],
    ...                   "result": ["pass", "needs_review", "fail"],
    ...                   "missing_input": ["", "layer:dykes", ""]})
    >>> zoning_outcomes(f)[["site_id", "binding_rule", "outcome"]].values.tolist()
    [['A', 'R2', 'needs_review.layer'], ['B', 'R1', 'fail']]
    """
    bound = _binding_rows(findings)
    out = pd.DataFrame({"site_id": bound["site_id"], "worst_result": bound["result"]})
    sources = {
        "binding_rule": "rule_id",
        "binding_margin_vi": "margin_vi",
        "binding_margin_en": "margin_en",
        "binding_missing_input": "missing_input",
    }
    for col, src in sources.items():
        values = bound[src] if src in bound.columns else pd.Series("", index=bound.index)
        out[col] = values.astype(object).where(values.notna(), "").astype(str)
    pairs = zip(out["worst_result"], out["binding_missing_input"], strict=True)
    out["outcome"] = [_outcome(w, m) for w, m in pairs]
    return out.reset_index(drop=True)
