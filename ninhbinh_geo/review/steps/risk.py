"""Steps on climate risk: damage and expected annual values, road links cut by floods, sea level."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from ...labels import LABELS, label
from ..options import ReviewState
from .base import MAX_DISPLAY_CELLS, _thresholds, _worst
from .hazard import _flood_maps, _sea, _units

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def _with_rp(state: ReviewState) -> pd.DataFrame:
    """Return the exposure rows of the return-period maps (sea-level scenarios have none)."""
    expo = state.tables["exposure"]
    return expo[expo["return_period"].notna()]


def risk_step(state: ReviewState) -> ReviewState:
    """Flood damage per return period; expected annual area and damage by the chosen method.

    Damage reads the JRC Asia depth–damage curve of ``options.damage_sector`` (the review
    passes ``industrial`` unless asked otherwise, and says so in a warning) at each cluster's
    mean flood depth, with the JRC construction cost of Viet Nam (2010 EUR per m²) over an
    assumed built share of the area. The table ``ead`` gives the expected annual exposed area
    and damage by ``options.ead_method`` with the method and tails in its columns and the
    other methods beside them (``ead_ha_<method>``); ``ead_methods`` their totals.
    """
    from ... import risk

    with_rp = _with_rp(state)
    if with_rp.empty:
        return state
    options, lang = state.options, state.options.lang
    damage = risk.flood_damage(with_rp, state.clusters, sector=options.damage_sector)
    money = f"damage_{damage['currency'].iloc[0].lower()}"
    by_rp = damage.pivot(index="site_id", columns="return_period", values=money)
    columns = {f"{money}_rp{rp:g}": by_rp[rp] for rp in by_rp.columns}
    # the price year is a label, not a quantity to format with thousands separators
    damage = damage.assign(price_year=damage["price_year"].astype("string"))
    tables = {"damage": damage, "damage_totals": _damage_totals(damage, money)}
    if with_rp["return_period"].nunique() >= 2:  # else the exposure step says why not
        ead, totals = _ead_tables(state, with_rp, damage, money)
        tables = {"ead": ead, "ead_methods": totals, **tables}
        per_site = ead.set_index("site_id")
        columns.update({c: per_site[c] for c in ("ead_ha", f"ead_{money}", "ead_method")})
    clusters = state.clusters.assign(
        **{c: state.clusters["site_id"].map(v) for c, v in columns.items()},
        risk_accuracy=_worst(with_rp["accuracy"]),
    )
    return state.add(
        clusters=clusters,
        tables=tables,
        warnings=[f"{label('warn.damage_assumptions', lang)}: {_damage_basis(damage, lang)}"],
    )


def _damage_basis(damage: pd.DataFrame, lang: str) -> str:
    """State the sector, curve, cost, currency, price year and built share in words."""
    from ...formatting import decimals_of, format_number, format_percent

    row = damage.iloc[0]
    cost = float(row["cost_per_m2"])
    return label("warn.damage_values", lang).format(
        sector=label(f"sector.{row['sector']}", lang) if f"sector.{row['sector']}" in LABELS
        else row["sector"],
        curve=row["curve_id"],
        cost=format_number(cost, lang, decimals=decimals_of(cost)),
        currency=row["currency"],
        year=row["price_year"],
        share=format_percent(row["built_share"], lang, share=True),
    )  # fmt: skip


def _ead_tables(
    state: ReviewState, with_rp: pd.DataFrame, damage: pd.DataFrame, money: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the expected annual area and damage by each method, and their totals."""
    import pandas as pd

    from ... import risk

    method = state.options.ead_method
    series = {"exposed_ha": "ead_ha", money: f"ead_{money}"}
    tables = {"exposed_ha": with_rp, money: damage}
    ead = None
    for value, name in series.items():
        kw = {"value": value, "rare_tail": "flat"}
        chosen = risk.expected_annual(tables[value], method=method, name=name, **kw)
        for m in risk.METHODS:
            if m != method:
                other = risk.expected_annual(tables[value], method=m, name=name, **kw)
                chosen[f"{name}_{m}"] = other[name].to_numpy()
        ead = chosen if ead is None else ead.join(chosen[[c for c in chosen if name in c]])
    names = state.clusters.drop_duplicates("site_id").set_index("site_id")["name_vi"]
    ead.insert(1, "name_vi", ead["site_id"].map(names))
    values = [c for c in ead.columns if c.startswith(tuple(series.values()))]
    rest = [c for c in ead.columns if c not in values and c not in ("accuracy", "ead_reason")]
    totals = pd.concat(
        [risk.compare_methods(tables[v], method=method, value=v) for v in series],
        ignore_index=True,
    )
    return ead[[*rest, *values, "accuracy", "ead_reason"]], totals


def _damage_totals(damage: pd.DataFrame, money: str) -> pd.DataFrame:
    """Total damage of the clusters per return period, with the money basis and accuracy."""
    grouped = damage.groupby("return_period", sort=True)
    out = grouped.agg(
        sites=("site_id", "nunique"),
        sites_damaged=(money, lambda d: int((d > 0).sum())),
        sites_without_value=(money, lambda d: int(d.isna().sum())),
        **{money: (money, "sum")},
    ).reset_index()
    for col in ("sector", "currency", "price_year", "cost_per_m2", "built_share"):
        out[col] = damage[col].iloc[0]
    if "accuracy" in damage.columns:
        out["accuracy"] = grouped["accuracy"].agg(lambda a: sorted(set(a))[-1]).to_numpy()
    return out


def flood_cut_step(state: ReviewState) -> ReviewState:
    """Close the roads each flood map covers deeper than the threshold; measure again.

    For every cluster, the road distance to the hub of its satellite link (the nearest in a
    straight line, ``nearest_park_id``; the nearest by road when the proximity step did not
    run) per return period, with the extra km, whether the link is cut or the cluster cut
    off from every hub, the most frequent return period that cuts it and its annual
    probability (by ``options.ead_method``); the layer ``flood_cut_roads`` holds the closed
    segments on the dry routes of the cut links.
    """
    import pandas as pd

    from ... import network

    hazards = _flood_maps(state)
    if not hazards or state.graph is None:
        return state
    options, graph = state.options, state.graph
    depths = network.edge_depths(graph, hazards, units=_units(hazards, options.units))
    closed = network.closed_edges(
        graph, depths, close_m=options.flood_close_m,
        close_m_by_class=dict(options.flood_close_m_by_class) or None,
        roads=state.layers.get("roads"),
    )  # fmt: skip
    hub = "nearest_park" if "road_km_to_nearest" in state.clusters.columns else "road_park"
    cut = network.flood_cut_distances(
        graph, state.clusters, state.parks, closed, hub=hub, method=options.ead_method
    )
    roads = network.flood_cut_segments(graph, cut, state.parks, closed, depths=depths)
    accuracy = _worst(_with_rp(state)["accuracy"], state.layers["roads"]["accuracy"])
    roads = roads.assign(
        source="ninhbinh_geo.network.flooding: the road layer under the hazard rasters",
        source_date=time.strftime("%Y-%m-%d"),
        licence="derived from the road layer and the hazard rasters (their licences apply)",
        accuracy=accuracy,
    )
    new = [c for c in cut.columns if c not in state.clusters.columns]
    table = cut[["site_id", "name_vi", *new]].assign(accuracy=accuracy)
    summary = pd.DataFrame(
        {
            "return_period": closed.columns,
            "closed_edges": closed.sum().to_numpy(),
            "closed_km": [float(graph.edge_length_m[closed[c]].sum() / 1000) for c in closed],
            "links_measured": int(cut["road_km_dry"].notna().sum()),
            "links_cut": [int(cut[f"cut_{network.rp_suffix(c)}"].sum()) for c in closed],
            "clusters_isolated": [
                int(cut[f"isolated_{network.rp_suffix(c)}"].sum()) for c in closed
            ],
            "close_m": _thresholds(options),
            "accuracy": accuracy,
        }
    )
    return state.add(
        clusters=cut,
        layers={"flood_cut_roads": roads},
        tables={"flood_cut": table, "flood_cut_summary": summary},
    )


def sea_level_step(state: ReviewState) -> ReviewState:
    """Map the land the raised sea floods and the low land it cannot reach, per scenario.

    Runs only with a DEM. The layer ``sea_level_zones`` holds both classes (``flooded``,
    ``low_unconnected``) with the datum offset used; with ``options.slr_draws`` the table
    ``slr_probability`` and the clusters' ``p_inundated_slr<cm>`` give each cluster the share
    of draws of the DEM's vertical error (``options.dem_error_m``) in which it floods.
    """
    options = state.options
    if options.dem is None:
        return state
    import pandas as pd

    from ... import sealevel

    sea, scenarios = _sea(state), [float(cm) for cm in options.slr_cm or (100,)]
    zones = []
    for cm in scenarios:
        depth = sealevel.inundation_depth(
            options.dem, slr_cm=cm, sea=sea, datum_offset_m=options.datum_offset_m
        )
        if depth.depth_m.size <= MAX_DISPLAY_CELLS:
            zones.append(sealevel.inundation_zones(depth))
    layer = pd.concat(zones, ignore_index=True) if zones else None
    if layer is not None:
        layer = layer.assign(
            source=f"ninhbinh_geo.sealevel on the DEM {Path(options.dem).name}",
            source_date=time.strftime("%Y-%m-%d"),
            licence="derived from the DEM (its licence applies)",
        )
    if not options.slr_draws:
        return state.add(layers={"sea_level_zones": layer})
    from ... import sealevel_uncertainty

    prob = sealevel_uncertainty.inundation_probability(
        options.dem, state.clusters, slr_cm=scenarios, error_m=options.dem_error_m,
        draws=options.slr_draws, seed=0, sea=sea, datum_offset_m=options.datum_offset_m,
    )  # fmt: skip
    wide = prob.pivot(index="site_id", columns="slr_cm", values="p_inundated")
    columns = {f"p_inundated_slr{cm:g}cm": state.clusters["site_id"].map(wide[cm]) for cm in wide}
    return state.add(
        clusters=state.clusters.assign(**columns),
        layers={"sea_level_zones": layer},
        tables={"slr_probability": prob},
    )
