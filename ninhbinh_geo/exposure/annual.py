"""Expected annual exposure: exposed area integrated over annual exceedance probability.

One method here, the trapezoidal rule with a flat tail, integrated by the shared kernel
:mod:`ninhbinh_geo._riskcurve`; :func:`ninhbinh_geo.risk.expected_annual` offers the other
methods (step, log-linear), tails and a protection standard on the same kernel.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SchemaError, first_ids
from .._riskcurve import integrate
from .rasters import _least_accurate

__all__ = ["expected_annual_exposure"]


def expected_annual_exposure(table: pd.DataFrame) -> pd.DataFrame:
    """Integrate exposed area over annual exceedance probability (expected annual exposure).

    For each site the points (p = 1/T, exposed_ha) are joined by straight lines and integrated
    with the trapezoidal rule. Assumptions beyond the modelled return periods, which decide the
    result as much as the rasters do:

    - rarer than the rarest period (p below 1/T_max): exposure stays at that of T_max
      (flat tail; exposure grows with rarity, so this is a lower bound of the unknown tail);
    - more frequent than the most frequent period (p above 1/T_min): no exposure (zero);
      nothing is assumed about floods more frequent than the shortest return period, and
      dyke protection is not modelled — a site behind a 1-in-100 dyke is still counted.

    ``EAD = p_min * A(T_max) + sum_i (p_{i+1} - p_i) * (A_i + A_{i+1}) / 2``. This is
    ``risk.expected_annual(table, method="trapezoid", rare_tail="flat", value="exposed_ha")``;
    the step sum of the CCDR tools and Delft-FIAT's log-linear rule give less from the same
    maps (see :func:`ninhbinh_geo.risk.expected_annual`).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~ninhbinh_geo.exposure.raster_exposure` for one hazard family (e.g.
        river floods at several return periods): columns ``site_id``, ``return_period``,
        ``exposed_ha``, optionally ``accuracy``. One row per (site, return period).

    Returns
    -------
    pandas.DataFrame
        One row per site, indexed like its first row in ``table``: ``site_id``, ``ead_ha``
        (expected exposed area, ha per year; NaN when a return period has no data for the
        site), ``return_periods`` (the periods used, years), ``accuracy`` (the least accurate
        class of the inputs) and ``ead_reason``.

    Raises
    ------
    SchemaError
        Missing columns, unknown or non-positive return periods, fewer than two return
        periods, or a site with two rows at one return period (mixed hazard families).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"site_id": ["A", "A"], "return_period": [10, 100],
    ...                   "exposed_ha": [2.0, 5.0]})
    >>> round(float(expected_annual_exposure(t)["ead_ha"].iloc[0]), 3)  # 0.09*3.5 + 0.01*5
    0.365
    """
    rp = _check_table(table)
    rows = []
    index = []
    for site_id, grp in table.assign(_rp=rp).groupby("site_id", sort=False):
        rows.append({"site_id": site_id, **_trapezoid_ead(grp)})
        index.append(grp.index[0])
    return pd.DataFrame(rows, index=pd.Index(index, name=table.index.name))


def _check_table(table: pd.DataFrame) -> pd.Series:
    """Check the exposure table; return its return periods as numbers."""
    missing = [c for c in ("site_id", "return_period", "exposed_ha") if c not in table.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure table' lacks columns {missing}; pass the output of "
            f"raster_exposure (several return periods of one hazard)."
        )
    rp = pd.to_numeric(table["return_period"], errors="coerce")
    bad = rp.isna() | (rp <= 0)
    if bad.any():
        culprits = table.loc[bad, "hazard"].unique() if "hazard" in table else table.index[bad]
        raise SchemaError(
            f"Layer 'exposure table', column 'return_period' is unknown or not positive for "
            f"hazards {first_ids(culprits)}. "
            f"Name the rasters by return period, e.g. {{100: 'depth_100.tif'}}."
        )
    if rp.nunique() < 2:
        raise SchemaError(
            f"Expected annual exposure needs at least two return periods; the table has "
            f"{sorted(rp.unique().tolist())}."
        )
    dup = table.assign(_rp=rp).duplicated(["site_id", "_rp"], keep=False)
    if dup.any():
        raise SchemaError(
            f"Layer 'exposure table' has several rows per return period for sites "
            f"{first_ids(table.loc[dup, 'site_id'].unique())}: it mixes hazard families (e.g. "
            f"river and coastal). Filter to one family before integrating."
        )
    return rp


def _trapezoid_ead(grp: pd.DataFrame) -> dict[str, object]:
    """Integrate one site's rows (return periods in ``_rp``) by the trapezoidal rule."""
    g = grp.sort_values("_rp", ascending=False)  # rarest first: p ascending
    p = 1.0 / g["_rp"].to_numpy(dtype=float)
    a = g["exposed_ha"].to_numpy(dtype=float)
    periods = ", ".join(f"{x:g}" for x in g["_rp"][::-1])
    if np.isnan(a).any():
        ead = np.nan
        reason = "no exposure data at return period(s) " + ", ".join(
            f"{x:g}" for x in g["_rp"][np.isnan(a)]
        )
    else:
        ead = float(integrate(1.0 / p, a, method="trapezoid", rare_tail="flat"))
        reason = ""
    return {
        "ead_ha": ead,
        "return_periods": periods,
        "accuracy": _least_accurate(g),
        "ead_reason": reason,
    }
