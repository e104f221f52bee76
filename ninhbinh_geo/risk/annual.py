"""Expected annual values from a few return periods, with the method and its tails stated.

:func:`expected_annual` is the door: it checks a long table of (site, return period, value)
once and integrates every site with the shared kernel :mod:`ninhbinh_geo._riskcurve`;
:func:`compare_methods` puts the totals of every method side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SchemaError, first_ids
from .._provenance import ACCURACY_CLASSES
from .._riskcurve import METHODS, RARE_TAILS, check_options, integrate

__all__ = ["METHODS", "RARE_TAILS", "compare_methods", "expected_annual"]


def expected_annual(
    table: pd.DataFrame,
    *,
    method: str = "trapezoid",
    rare_tail: str = "flat",
    protection_rp: float | None = None,
    value: str = "value",
    name: str = "ead",
    site: str = "site_id",
) -> pd.DataFrame:
    """Integrate values over annual exceedance probability: one expected annual value per site.

    The points ``(p = 1/T, value)`` of each site form its risk curve. How they are joined is
    a choice that changes the result several-fold, so it is a parameter and every row says
    which was made. With return periods 10/100/1000 and impacts 193/1210/3034 the step sum
    of the World Bank's CCDR tools gives 31.3, Delft-FIAT's log-linear rule 66.2 and the
    trapezoid with a flat tail 85.3 (see the Examples).

    Parameters
    ----------
    table : pandas.DataFrame
        Long table, one row per (site, return period): ``site``, ``return_period`` (years)
        and ``value``; optionally ``accuracy``. E.g. the output of
        ``exposure.raster_exposure`` (``value="exposed_ha"``) or of :func:`flood_damage`.
    method : {"trapezoid", "step", "loglinear"}, default "trapezoid"
        ``"trapezoid"``: straight lines in p (``exposure.expected_annual_exposure``);
        ``"step"``: between two return periods, the value of the more frequent one (CCDR);
        ``"loglinear"``: straight lines in ln p (Delft-FIAT).
    rare_tail : {"flat", "none"}, default "flat"
        Beyond the rarest return period: its value (a lower bound of the unknown tail, as
        impacts grow with rarity) or nothing.
    protection_rp : float, optional
        Flood protection standard in years: events more frequent do nothing (e.g. a
        1-in-50 dyke). Default: the most frequent map of the site (nothing is assumed about
        floods more frequent than that); a value below it changes nothing.
    value : str, default "value"
        Column integrated.
    name : str, default "ead"
        Name of the result column (give it the unit: ``ead_ha``, ``ead_damage_eur``).
    site : str, default "site_id"
        Column identifying the site.

    Returns
    -------
    pandas.DataFrame
        One row per site, indexed like its first row in ``table``: ``site``, ``name`` (per
        year; NaN when a value is missing), ``ead_method``, ``rare_tail``, ``protection_rp``
        (the standard applied, years), ``return_periods`` (those integrated, e.g.
        ``"10, 100, 1000"``), ``accuracy`` (the least accurate class, when ``table`` has
        one) and ``ead_reason`` (why NaN, else empty).

    Raises
    ------
    SchemaError
        Missing columns, non-numeric values, unknown or non-positive return periods, fewer
        than two return periods, two rows of one site at one return period, an unknown
        method or tail, or a protection standard that is not a positive number.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site_id": "A", "return_period": [10, 100, 1000],
    ...                   "value": [193.0, 1210.0, 3034.0]})
    >>> [round(float(expected_annual(t, method=m)["ead"].iloc[0]), 1)
    ...  for m in ("step", "loglinear", "trapezoid")]
    [31.3, 66.2, 85.3]
    >>> out = expected_annual(t, method="step", rare_tail="none", protection_rp=50)
    >>> out[["ead", "ead_method", "rare_tail", "protection_rp"]].round(2).to_dict("records")
    [{'ead': 12.82, 'ead_method': 'step', 'rare_tail': 'none', 'protection_rp': 50.0}]
    """
    protection = check_options(method, rare_tail, protection_rp)
    rp, values = _check_table(table, value=value, site=site)
    frame = pd.DataFrame(
        {"site": table[site].to_numpy(), "rp": rp, "v": values, "pos": np.arange(len(table))}
    )
    first = frame.drop_duplicates("site")
    wide = frame.pivot(index="site", columns="rp", values="v").reindex(first["site"])
    result, used = _by_pattern(frame, wide, method, rare_tail, protection)
    t_min = np.array([min(float(x) for x in u.split(", ")) for u in used])
    out = pd.DataFrame(
        {
            site: first["site"].to_numpy(),
            name: result,
            "ead_method": method,
            "rare_tail": rare_tail,
            "protection_rp": t_min if protection is None else np.maximum(protection, t_min),
            "return_periods": used,
        },
        index=pd.Index(table.index[first["pos"].to_numpy()], name=table.index.name),
    )
    if "accuracy" in table.columns:
        out["accuracy"] = _least_accurate(table, site).reindex(out[site]).to_numpy()
    out["ead_reason"] = _reasons(frame, wide.index)
    return out


def _by_pattern(
    frame: pd.DataFrame,
    wide: pd.DataFrame,
    method: str,
    rare_tail: str,
    protection: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Integrate the sites together that have rows at the same return periods.

    Returns the expected annual value of every row of ``wide`` and the periods it used.
    """
    present = frame.assign(one=True).pivot(index="site", columns="rp", values="one")
    present = present.reindex(wide.index).notna().to_numpy()
    periods = wide.columns.to_numpy(dtype=float)
    result = np.full(len(wide), np.nan)
    used = np.empty(len(wide), dtype=object)
    for pattern in np.unique(present, axis=0):
        rows = (present == pattern).all(axis=1)
        t = periods[pattern]
        values = wide.to_numpy()[np.ix_(rows, pattern)]
        result[rows] = integrate(
            t, values, method=method, rare_tail=rare_tail, protection_rp=protection
        )
        used[rows] = ", ".join(f"{x:g}" for x in np.sort(t))
    return result, used


def _check_table(table: object, *, value: str, site: str) -> tuple[np.ndarray, np.ndarray]:
    """Check the long table; return its return periods and values as float arrays."""
    if not isinstance(table, pd.DataFrame):
        raise SchemaError(
            f"expected_annual needs a DataFrame of (site, return period, value) rows, not "
            f"{type(table).__name__}."
        )
    missing = [c for c in (site, "return_period", value) if c not in table.columns]
    if missing:
        raise SchemaError(
            f"Layer 'risk table' lacks columns {missing}; give one row per (site, return "
            f"period) with '{site}', 'return_period' (years) and the value column "
            f"(value='{value}')."
        )
    rp = pd.to_numeric(table["return_period"], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(rp) & (rp > 0))
    if bad.any():
        raise SchemaError(
            f"Layer 'risk table', column 'return_period' is missing, not a number or not "
            f"positive for sites {first_ids(pd.unique(table[site][bad]))}; give the return "
            f"period in years (e.g. 100 for the 1-in-100-year map)."
        )
    if len(np.unique(rp)) < 2:
        raise SchemaError(
            f"An expected annual value needs at least two return periods; the table has "
            f"{sorted(set(rp.tolist()))}. Add the maps of other return periods."
        )
    vals = pd.to_numeric(table[value], errors="coerce").to_numpy(dtype=float)
    not_number = np.isnan(vals) & table[value].notna().to_numpy()
    if not_number.any():
        raise SchemaError(
            f"Layer 'risk table', column '{value}' holds text that is not a number for sites "
            f"{first_ids(pd.unique(table[site][not_number]))}; convert it with "
            f"pandas.to_numeric."
        )
    dup = pd.DataFrame({"s": table[site].to_numpy(), "rp": rp}).duplicated(keep=False)
    if dup.any():
        raise SchemaError(
            f"Layer 'risk table' has several rows per return period for sites "
            f"{first_ids(pd.unique(table[site][dup.to_numpy()]))}: it mixes hazard families "
            f"(e.g. river and coastal) or sea-level scenarios. Filter to one family first."
        )
    return rp, vals


def _least_accurate(table: pd.DataFrame, site: str) -> pd.Series:
    rank = {c: i for i, c in enumerate(ACCURACY_CLASSES)}
    worst = table["accuracy"].map(rank).fillna(len(ACCURACY_CLASSES) - 1)
    return (
        worst.groupby(table[site].to_numpy())
        .max()
        .astype(int)
        .map(dict(enumerate(ACCURACY_CLASSES)))
    )


def _reasons(frame: pd.DataFrame, sites: pd.Index) -> np.ndarray:
    """Why a site's expected annual value is NaN: the return periods without a value."""
    nan = frame[frame["v"].isna()]
    by_site = {
        s: "no value at return period(s) " + ", ".join(f"{x:g}" for x in sorted(r))
        for s, r in nan.groupby("site", sort=False)["rp"]
    }
    return np.array([by_site.get(s, "") for s in sites], dtype=object)


def compare_methods(
    table: pd.DataFrame,
    *,
    method: str = "trapezoid",
    rare_tail: str = "flat",
    protection_rp: float | None = None,
    value: str = "value",
    site: str = "site_id",
) -> pd.DataFrame:
    """Total expected annual value of all sites by every method, the chosen one marked.

    Parameters
    ----------
    table, rare_tail, protection_rp, value, site
        As for :func:`expected_annual`.
    method : {"trapezoid", "step", "loglinear"}, default "trapezoid"
        The method chosen (``chosen`` is True on its row).

    Returns
    -------
    pandas.DataFrame
        One row per method of :data:`METHODS`: ``ead_method``, ``rare_tail``,
        ``protection_rp`` (the standard given; NaN = the most frequent map), ``value`` (the
        column integrated), ``total`` (sum over the sites with a value, per year), ``sites``
        (how many), ``ratio_to_chosen`` and ``chosen``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site_id": "A", "return_period": [10, 100, 1000],
    ...                   "value": [193.0, 1210.0, 3034.0]})
    >>> out = compare_methods(t, method="step")
    >>> out[["ead_method", "total", "chosen"]].round(1).values.tolist()
    [['trapezoid', 85.3, False], ['step', 31.3, True], ['loglinear', 66.2, False]]
    """
    check_options(method, rare_tail, protection_rp)
    rows = []
    for m in METHODS:
        ead = expected_annual(
            table,
            method=m,
            rare_tail=rare_tail,
            protection_rp=protection_rp,
            value=value,
            site=site,
        )["ead"]
        rows.append({"ead_method": m, "total": float(ead.sum()), "sites": int(ead.notna().sum())})
    out = pd.DataFrame(rows)
    chosen_total = out.loc[out["ead_method"] == method, "total"].iloc[0]
    out.insert(1, "rare_tail", rare_tail)
    out.insert(2, "protection_rp", np.nan if protection_rp is None else float(protection_rp))
    out.insert(3, "value", value)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio_to_chosen"] = out["total"] / chosen_total
    out["chosen"] = out["ead_method"] == method
    return out
