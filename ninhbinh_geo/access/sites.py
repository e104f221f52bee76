"""The access indices of sites: clusters as demand, hubs as supply, from their columns.

:func:`site_access` is the door: it takes the clusters, the hubs and the minutes between them
(``network.traveltime.travel_minutes``), reads the supply of each hub from a column the caller
chooses (jobs, leasable ha, …: there is no default) and the demand of each cluster, and runs
the indices of :mod:`.fca`. A hub or cluster without a value is an error unless the caller
asks to leave such rows out (``missing="drop"``); those left out are listed in the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import SchemaError, first_ids
from .decay import Decay, power, step, zones
from .fca import _bfca, _check_cost, _fca

__all__ = ["SUPPLY_COLUMNS", "site_access"]

#: The supply measures of a hub the review offers (any numeric column works).
SUPPLY_COLUMNS = ("jobs", "leasable_ha", "area_ha")
_MISSING = ("raise", "drop")


def _ids(sites: pd.DataFrame) -> pd.Index:
    if "site_id" in sites.columns:
        return pd.Index(sites["site_id"].astype(str))
    return pd.Index(sites.index.astype(str))


def _amounts(
    sites: pd.DataFrame, column: str | None, layer: str, what: str, missing: str
) -> tuple[pd.Series, list[str]]:
    """Return the amounts of a layer by id, and the ids left out for want of one."""
    ids = _ids(sites)
    if column is None:
        return pd.Series(1.0, index=ids), []
    if column not in sites.columns:
        raise SchemaError(
            f"Layer '{layer}' has no column '{column}' to read the {what} from; choose one of "
            f"{sorted(c for c in sites.columns if c != 'geometry')}."
        )
    values = pd.Series(pd.to_numeric(sites[column], errors="coerce").to_numpy(), index=ids)
    bad = values.isna() | (values < 0)
    if bad.any() and missing == "raise":
        raise SchemaError(
            f"Layer '{layer}', column '{column}': no {what} for {int(bad.sum())} sites "
            f"({first_ids(ids[bad.to_numpy()])}); there is no default {what}. Fill it from a "
            f"source, choose another column, or pass missing='drop' to leave them out."
        )
    return values[~bad], list(ids[bad.to_numpy()])


def _aligned_cost(
    cost_min: pd.DataFrame, clusters: pd.DataFrame, parks: pd.DataFrame
) -> pd.DataFrame:
    """Return the checked cost matrix, its labels those of the clusters and the parks."""
    cost = _check_cost(cost_min)
    for what, labels, ids in (
        ("rows", cost.index, _ids(clusters)),
        ("columns", cost.columns, _ids(parks)),
    ):
        if not pd.Index(labels.astype(str)).equals(ids):
            raise SchemaError(
                f"cost_min {what} must be the site_id of the "
                f"{'clusters' if what == 'rows' else 'parks'} in their order; measure them "
                f"with network.traveltime.travel_minutes(graph, clusters, parks)."
            )
    cost.index, cost.columns = cost.index.astype(str), cost.columns.astype(str)
    return cost


def site_access(
    clusters: pd.DataFrame,
    parks: pd.DataFrame,
    cost_min: pd.DataFrame,
    *,
    supply_column: str,
    demand_column: str | None = "area_ha",
    max_min: float = 30.0,
    e2sfca_decay: Decay | None = None,
    gravity_decay: Decay | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Access of every cluster to the hubs' supply, shared with the clusters competing for it.

    Parameters
    ----------
    clusters : pandas.DataFrame
        Demand sites with ``site_id`` (and ``demand_column``).
    parks : pandas.DataFrame
        The hubs with ``site_id`` and ``supply_column``.
    cost_min : pandas.DataFrame
        Minutes, clusters (rows, by ``site_id``) × hubs (columns, by ``site_id``); NaN where
        unreachable (``network.traveltime.travel_minutes(graph, clusters, hubs)``).
    supply_column : str
        The hubs' supply: ``"jobs"``, ``"leasable_ha"`` or any numeric column. No default.
    demand_column : str or None, default "area_ha"
        The clusters' demand; None counts every cluster as 1.
    max_min : float, default 30
        The catchment of the 2SFCA and balanced FCA (step decay).
    e2sfca_decay : Decay, optional
        Decay of the enhanced 2SFCA; by default the zones of Luo & Qi (2009).
    gravity_decay : Decay, optional
        Decay of the gravity index; by default ``power(1, min_min=1)``.
    missing : {"raise", "drop"}, default "raise"
        What to do with a hub without supply or a cluster without demand: an error, or leave
        it out (a cluster left out gets NaN; the ids are in ``attrs["left_out"]``).

    Returns
    -------
    pandas.DataFrame
        A copy of ``clusters`` with ``access_gravity`` (Hansen: supply within reach weighted
        by decay), ``access_2sfca``, ``access_e2sfca``, ``access_bfca`` (supply per unit of
        demand) and ``hubs_within_<max_min>min``; NaN for a cluster left out, or with no
        travel time to any hub (its access is unmeasured, not zero: ``attrs["unmeasured"]``).
        ``attrs`` also: ``supply_column``, ``demand_column``, ``decays``, ``left_out``
        ({"hubs": [...], "clusters": [...]}).

    Raises
    ------
    SchemaError
        For a missing column, a missing supply or demand with ``missing="raise"``, ids of the
        cost matrix that are not those of the layers, or a bad ``missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"site_id": ["a", "b"], "area_ha": [10.0, 30.0]})
    >>> hubs = pd.DataFrame({"site_id": ["H1", "H2"], "leasable_ha": [300.0, 100.0]})
    >>> cost = pd.DataFrame({"H1": [10.0, 25.0], "H2": [40.0, 5.0]}, index=["a", "b"])
    >>> out = site_access(cl, hubs, cost, supply_column="leasable_ha")
    >>> out[["access_2sfca", "hubs_within_30min"]].round(4).to_dict("list")
    {'access_2sfca': [7.5, 10.8333], 'hubs_within_30min': [1, 2]}
    """
    if missing not in _MISSING:
        raise SchemaError(f"missing must be one of {_MISSING}, not {missing!r}.")
    cost = _aligned_cost(cost_min, clusters, parks)
    supply, no_supply = _amounts(parks, supply_column, "parks", "supply", missing)
    demand, no_demand = _amounts(clusters, demand_column, "clusters", "demand", missing)
    sub = cost.loc[demand.index, supply.index].to_numpy()
    s, d = supply.to_numpy(), demand.to_numpy()
    decays = {
        "gravity": gravity_decay or power(1.0, min_min=1.0),
        "2sfca": step(max_min),
        "e2sfca": e2sfca_decay or zones(),
        "bfca": step(max_min),
    }
    values = {
        "access_gravity": decays["gravity"](sub) @ s,
        "access_2sfca": _fca(decays["2sfca"](sub), s, d),
        "access_e2sfca": _fca(decays["e2sfca"](sub), s, d),
        "access_bfca": _bfca(decays["bfca"](sub), s, d),
    }
    out = clusters.copy()
    pos = pd.Index(_ids(clusters)).get_indexer(demand.index)
    # a cluster with no travel time to any hub (beyond the roads): unmeasured, not zero
    unmeasured = ~np.isfinite(cost.to_numpy()).any(axis=1)
    for col, vals in values.items():
        full = np.full(len(out), np.nan)
        full[pos] = vals
        out[col] = np.where(unmeasured, np.nan, full)
    within = (cost.loc[:, supply.index].to_numpy() <= max_min).sum(axis=1)
    out[f"hubs_within_{max_min:g}min"] = within
    out.attrs = {
        **clusters.attrs,
        "supply_column": supply_column,
        "demand_column": demand_column or "count",
        "decays": {k: v.describe() for k, v in decays.items()},
        "left_out": {"hubs": no_supply, "clusters": no_demand},
        "unmeasured": list(_ids(clusters)[unmeasured]),
    }
    return out
