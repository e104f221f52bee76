"""Accessibility indices with competition: gravity, 2SFCA, enhanced 2SFCA, balanced FCA.

Every index takes a travel-cost matrix ``cost_min`` (rows: demand locations *i*, columns:
supply locations *j*; minutes from *i* to *j*, NaN or inf where unreachable; it need not be
symmetric), the supply ``S_j`` at each column and, for the competition indices, the demand
``D_i`` at each row. The weights ``W_ij = f(c_ij)`` come from a :mod:`.decay`.

- **Gravity** (Hansen 1959): ``A_i = Σ_j S_j W_ij``; with demand, the competition gravity of
  Joseph & Bantock (1982) and Shen (1998), ``A_i = Σ_j S_j W_ij / V_j`` with
  ``V_j = Σ_k D_k W_kj``.
- **2SFCA** (Luo & Wang 2003): ``R_j = S_j / Σ_i D_i W_ij``, ``A_i = Σ_j R_j W_ij`` with the
  step decay of the catchment; the **enhanced 2SFCA** (Luo & Qi 2009) is the same with zone
  weights (or any decay). Competition gravity and E2SFCA with the same decay are one formula.
- **Balanced FCA** (Paez, Higgins & Vivona 2019, named by Pereira et al. 2021): the weights
  are normalised by origin, ``Wi_ij = W_ij / Σ_j W_ij``, and by destination,
  ``Wj_ij = W_ij / Σ_i W_ij``; ``L_j = S_j / Σ_i D_i Wi_ij``, ``A_i = Σ_j L_j Wj_ij``. Each
  demand is split among the supplies it reaches (no demand inflation: ``Σ_j Σ_i D_i Wi_ij``
  is the demand that reaches a supply) and each level of service among the origins that reach
  it (``Σ_i A_i = Σ_j L_j``).

A supply no demand reaches serves nobody (its ratio is left out, as in pysal ``access``); a
demand location that reaches no supply gets 0. **3SFCA** is refused (:func:`three_step_fca`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import NinhBinhGeoError, SchemaError, first_ids
from .decay import Decay, step

__all__ = [
    "balanced_fca",
    "enhanced_two_step_fca",
    "gravity",
    "three_step_fca",
    "two_step_fca",
]

#: Why 3SFCA is not offered (raised by :func:`three_step_fca`).
THREE_STEP_REASON = (
    "3SFCA (Wan, Zou & Sternberg 2012) is not offered: its selection weight "
    "G_ij = W_ij / Σ_k W_ik multiplies the distance decay a second time (G_ij·W_ij), so with "
    "any decay other than a step the demand it allocates no longer adds up to the demand "
    "(Σ_j G_ij·W_ij < 1) and the supply side stays inflated; the index cannot be read as "
    "supply per person. The balanced FCA (Paez, Higgins & Vivona 2019) removes both demand "
    "and supply inflation: use access.balanced_fca."
)


def _check_cost(cost_min: object) -> pd.DataFrame:
    if not isinstance(cost_min, pd.DataFrame):
        raise SchemaError(
            "cost_min must be a pandas DataFrame of travel minutes (rows: demand locations, "
            "columns: supply locations), e.g. network.traveltime.travel_minutes(...)."
        )
    for what, labels in (("rows", cost_min.index), ("columns", cost_min.columns)):
        if labels.has_duplicates:
            raise SchemaError(
                f"cost_min has duplicate {what} {first_ids(labels[labels.duplicated()])}; "
                f"one row per demand location, one column per supply location."
            )
    values = cost_min.apply(pd.to_numeric, errors="coerce")
    bad = (values.isna() & cost_min.notna()) | (values < 0)
    if bad.any().any():
        rows = cost_min.index[bad.any(axis=1)]
        raise SchemaError(
            f"cost_min has values that are not travel times >= 0 in rows {first_ids(rows)}; "
            f"use NaN for unreachable pairs."
        )
    return values.astype(float)


def _check_amounts(values: object, labels: pd.Index, what: str) -> np.ndarray:
    """Return the amounts of ``what`` (supply or demand) aligned on ``labels``."""
    if not isinstance(values, pd.Series):
        raise SchemaError(
            f"{what} must be a pandas Series indexed like the cost matrix's "
            f"{'columns' if what == 'supply' else 'rows'}."
        )
    missing = labels.difference(values.index)
    if len(missing):
        raise SchemaError(
            f"{what} has no value for {first_ids(missing)}; give every location a {what} "
            f"(or drop it from the cost matrix)."
        )
    aligned = pd.to_numeric(values.reindex(labels), errors="coerce")
    bad = aligned.isna() | (aligned < 0) | ~np.isfinite(aligned)
    if bad.any():
        raise SchemaError(
            f"{what} is missing or not a number >= 0 for {first_ids(labels[bad.to_numpy()])}; "
            f"there is no default {what}: fill it from a source, or leave those locations out "
            f"on purpose."
        )
    return aligned.to_numpy(dtype=float)


def _check_decay(decay: object) -> Decay:
    if not isinstance(decay, Decay):
        raise SchemaError(
            "decay must be one of access.step(...), access.zones(...), access.power(...), "
            "access.gaussian(...)."
        )
    return decay


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den``, 0 where ``den`` is 0 (a supply nobody reaches serves nobody)."""
    return np.divide(num, den, out=np.zeros_like(num, dtype=float), where=den > 0)


def _fca(w: np.ndarray, supply: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Two-step FCA on weights (demand × supply)."""
    ratio = _ratio(supply, demand @ w)
    return w @ ratio


def _bfca(w: np.ndarray, supply: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Balanced FCA on weights (demand × supply)."""
    by_origin = _ratio(w, w.sum(axis=1, keepdims=True))
    by_destination = _ratio(w, w.sum(axis=0, keepdims=True))
    level = _ratio(supply, demand @ by_origin)
    return by_destination @ level


def _run(kind: str, cost_min, supply, demand, decay, name: str) -> pd.Series:
    cost = _check_cost(cost_min)
    s = _check_amounts(supply, cost.columns, "supply")
    w = _check_decay(decay)(cost.to_numpy())
    if kind == "hansen":
        values = w @ s
    else:
        d = _check_amounts(demand, cost.index, "demand")
        values = _bfca(w, s, d) if kind == "bfca" else _fca(w, s, d)
    out = pd.Series(values, index=cost.index, name=name)
    out.attrs["decay"] = _check_decay(decay).describe()
    return out


def gravity(
    cost_min: pd.DataFrame,
    supply: pd.Series,
    *,
    decay: Decay,
    demand: pd.Series | None = None,
) -> pd.Series:
    """Gravity accessibility: supply weighted by decay; with demand, shared among competitors.

    Parameters
    ----------
    cost_min : pandas.DataFrame
        Minutes from each demand location (rows) to each supply location (columns); NaN where
        unreachable.
    supply : pandas.Series
        Supply by column label (jobs, leasable ha, …); every column needs one.
    decay : Decay
        e.g. ``access.power(1.5)`` or ``access.gaussian(20)``.
    demand : pandas.Series, optional
        Demand by row label; with it the competition gravity (Shen 1998).

    Returns
    -------
    pandas.Series
        ``access_gravity`` by row label; ``attrs["decay"]`` says which decay.

    Raises
    ------
    SchemaError
        For a cost matrix of negative or non-numeric times, duplicate labels, or a missing or
        negative supply or demand (there is no default).

    Examples
    --------
    >>> import pandas as pd
    >>> from ninhbinh_geo.access import power
    >>> cost = pd.DataFrame({"H1": [10.0, 20.0], "H2": [20.0, float("nan")]}, index=["a", "b"])
    >>> gravity(cost, pd.Series({"H1": 100.0, "H2": 400.0}), decay=power(1)).tolist()
    [30.0, 5.0]
    """
    kind = "hansen" if demand is None else "fca"
    return _run(kind, cost_min, supply, demand, decay, "access_gravity")


def two_step_fca(
    cost_min: pd.DataFrame, supply: pd.Series, demand: pd.Series, *, max_min: float
) -> pd.Series:
    """2SFCA: supply-to-demand ratios of the catchments within ``max_min``, summed per demand.

    Parameters
    ----------
    cost_min : pandas.DataFrame
        Minutes from each demand location (rows) to each supply location (columns).
    supply, demand : pandas.Series
        By column and row label; no missing values (there is no default).
    max_min : float
        The catchment, minutes.

    Returns
    -------
    pandas.Series
        ``access_2sfca``: supply per unit of demand within reach.

    Examples
    --------
    Hub H1 (300 ha) is reached by a and b, H2 (100 ha) by b only; a has 10 ha of clusters, b 30:

    >>> import pandas as pd
    >>> cost = pd.DataFrame({"H1": [10.0, 25.0], "H2": [40.0, 5.0]}, index=["a", "b"])
    >>> s, d = pd.Series({"H1": 300.0, "H2": 100.0}), pd.Series({"a": 10.0, "b": 30.0})
    >>> two_step_fca(cost, s, d, max_min=30).round(4).tolist()
    [7.5, 10.8333]
    """
    return _run("fca", cost_min, supply, demand, step(max_min), "access_2sfca")


def enhanced_two_step_fca(
    cost_min: pd.DataFrame, supply: pd.Series, demand: pd.Series, *, decay: Decay
) -> pd.Series:
    """Enhanced 2SFCA: the 2SFCA with zone weights (Luo & Qi 2009) or any other decay.

    Parameters
    ----------
    cost_min : pandas.DataFrame
        Minutes from each demand location (rows) to each supply location (columns).
    supply, demand : pandas.Series
        By column and row label; no missing values.
    decay : Decay
        e.g. ``access.zones()`` (0–10, 10–20, 20–30 min: 1, 0.68, 0.22) or
        ``access.gaussian(15, max_min=45)``.

    Returns
    -------
    pandas.Series
        ``access_e2sfca``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ninhbinh_geo.access import zones
    >>> cost = pd.DataFrame({"H1": [5.0, 15.0]}, index=["a", "b"])
    >>> s, d = pd.Series({"H1": 168.0}), pd.Series({"a": 100.0, "b": 100.0})
    >>> enhanced_two_step_fca(cost, s, d, decay=zones()).tolist()
    [1.0, 0.68]
    """
    return _run("fca", cost_min, supply, demand, decay, "access_e2sfca")


def balanced_fca(
    cost_min: pd.DataFrame, supply: pd.Series, demand: pd.Series, *, decay: Decay
) -> pd.Series:
    """Balanced FCA (Paez, Higgins & Vivona 2019): no demand or supply inflation.

    Parameters
    ----------
    cost_min : pandas.DataFrame
        Minutes from each demand location (rows) to each supply location (columns).
    supply, demand : pandas.Series
        By column and row label; no missing values.
    decay : Decay
        Any decay of :mod:`ninhbinh_geo.access`.

    Returns
    -------
    pandas.Series
        ``access_bfca``; summed over the demand locations it equals the sum of the supplies'
        levels of service ``L_j``.

    Examples
    --------
    Two clusters share one 100 ha hub; b also reaches a 60 ha hub alone:

    >>> import pandas as pd
    >>> from ninhbinh_geo.access import step
    >>> cost = pd.DataFrame({"H1": [10.0, 10.0], "H2": [float("nan"), 10.0]}, index=["a", "b"])
    >>> s, d = pd.Series({"H1": 100.0, "H2": 60.0}), pd.Series({"a": 10.0, "b": 10.0})
    >>> balanced_fca(cost, s, d, decay=step(30)).round(4).tolist()
    [3.3333, 15.3333]
    """
    return _run("bfca", cost_min, supply, demand, decay, "access_bfca")


def three_step_fca(*args: object, **kwargs: object) -> pd.Series:
    """Refuse the three-step FCA, and say why (:data:`THREE_STEP_REASON`).

    Raises
    ------
    NinhBinhGeoError
        Always.

    Examples
    --------
    >>> three_step_fca()
    Traceback (most recent call last):
    ...
    ninhbinh_geo._errors.NinhBinhGeoError: 3SFCA (Wan, Zou & Sternberg 2012) is not offered: ...
    """
    raise NinhBinhGeoError(THREE_STEP_REASON)
