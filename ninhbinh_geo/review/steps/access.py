"""Steps of the satellite network by travel time: service areas, labour, access, siting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...labels import label
from ..options import ReviewState

if TYPE_CHECKING:  # pragma: no cover
    pass


# --------------------------------------------------------------------------------------------
# Travel time, labour within reach, access indices and siting (issue 14)
# --------------------------------------------------------------------------------------------


def _access_kw(state: ReviewState) -> dict[str, float]:
    return {
        "access_speed_kmh": state.options.access_speed_kmh,
        "max_snap_m": state.options.max_snap_m,
    }


def traveltime_step(state: ReviewState) -> ReviewState:
    """Give the road graph travel times; minutes from every cluster to the hubs; service areas.

    Speeds by road class are the planning speeds of ``network.speeds`` (below the ceilings of
    Circular 31/2019/TT-BGTVT) unless the options override them; the graph of the network step
    is reused. Each cluster gets ``travel_min`` and ``travel_park`` (the nearest hub by time).
    """
    import numpy as np
    import pandas as pd

    from ... import network
    from ...hubs import hub_parks
    from ...network import service_areas, speeds, traveltime

    opt = state.options
    roads = state.layers["roads"]
    graph = state.graph if state.graph is not None else network.build_graph(roads)
    graph = traveltime.with_speeds(graph, roads, speeds_kmh=opt.speeds_kmh)
    hubs = hub_parks(state.parks)
    minutes = traveltime.travel_minutes(graph, state.clusters, hubs, **_access_kw(state))
    arr = minutes.to_numpy()
    reached = np.isfinite(arr).any(axis=1)
    best = np.argmin(np.where(np.isfinite(arr), arr, np.inf), axis=1)
    names = hubs["name_vi"].astype(str).to_numpy()
    clusters = state.clusters.assign(
        travel_min=np.where(
            reached, arr.min(axis=1, initial=np.inf, where=np.isfinite(arr)), np.nan
        ),
        travel_park=pd.array(np.where(reached, names[best], None), dtype="string"),
    )
    areas = service_areas.service_areas(
        graph,
        state.parks,
        minutes=opt.service_minutes,
        clusters=state.clusters,
        **_access_kw(state),
    )
    used = {**speeds.planning_speeds(), **dict(opt.speeds_kmh or {})}
    present = set(roads[traveltime.speed_column(roads)].dropna())
    table = clusters[["site_id", "name_vi", "travel_park", "travel_min"]].copy()
    for pid in minutes.columns:
        table[f"min_to_{pid}"] = minutes[pid].to_numpy()
    return state.add(
        clusters=clusters,
        graph=graph,
        hub_minutes=minutes,
        layers={"service_areas": areas},
        tables={
            "speeds": speeds.speed_table({k: v for k, v in used.items() if k in present}),
            "travel_times": table,
            "service_areas": areas.drop(columns="geometry"),
        },
    )


def labour_step(state: ReviewState) -> ReviewState:
    """Count the people (WorldPop 2000, 2020) within reach of every hub and cluster by road."""
    import pandas as pd

    from ... import population
    from ...hubs import hub_parks

    kw = _access_kw(state)
    hubs = hub_parks(state.parks)
    # hubs and clusters in one call: the population cells are snapped onto the roads once
    both = population.labour_within(
        state.graph,
        pd.concat([hubs, state.clusters], ignore_index=True),
        minutes=sorted({30.0, *state.options.service_minutes}),
        **kw,
    )
    hubs, clusters = both.iloc[: len(hubs)], both.iloc[len(hubs) :].set_index(state.clusters.index)
    added = [c for c in clusters.columns if c.startswith("people_30min")]
    reach = population.unreached_share(
        state.graph, within=state.layers["province"], max_snap_m=kw["max_snap_m"]
    )
    share = reach.set_index("year")["unreached_share"].get(2020)
    lang = state.options.lang
    warnings = []
    if share is not None and share > 0.05:
        warnings.append(
            label("warn.population_unreached", lang).format(
                share=f"{share:.0%}", km=f"{kw['max_snap_m'] / 1000:g}"
            )
        )
    reach["credit"] = population.CREDIT
    hub_cols = [c for c in hubs.columns if c.startswith("people_")]
    return state.add(
        clusters=state.clusters.assign(**{c: clusters[c] for c in added}),
        tables={
            "labour_hubs": hubs[["site_id", "name_vi", *hub_cols]],
            "labour_clusters": clusters[["site_id", "name_vi", *added]],
            "population_reach": reach,
        },
        warnings=warnings,
    )


def access_step(state: ReviewState) -> ReviewState:
    """Gravity, 2SFCA, enhanced 2SFCA and balanced FCA indices of the clusters to the hubs.

    Supply: the hubs' ``access_supply`` column (``area_ha`` by default); demand: the clusters'
    ``area_ha``; catchment 30 minutes. Hubs and clusters without a figure are left out and
    listed in the ``access_basis`` table (there is no default figure).
    """
    import pandas as pd

    from ... import access
    from ...hubs import hub_parks
    from ...network import traveltime

    hubs = hub_parks(state.parks)
    cost = state.hub_minutes  # measured by the travel-time step on the same graph
    if cost is None:
        cost = traveltime.travel_minutes(state.graph, state.clusters, hubs, **_access_kw(state))
    supply = state.options.access_supply
    out = access.site_access(
        state.clusters, hubs, cost, supply_column=supply, demand_column="area_ha", missing="drop"
    )
    cols = ["access_gravity", "access_2sfca", "access_e2sfca", "access_bfca", "hubs_within_30min"]
    left = out.attrs["left_out"]
    basis = pd.DataFrame(
        [{"index": k, "decay": v} for k, v in out.attrs["decays"].items()]
        + [
            {"index": "supply", "decay": f"hubs' {supply}"},
            {"index": "demand", "decay": "clusters' area_ha"},
            {"index": "hubs left out (no supply)", "decay": "; ".join(left["hubs"])},
            {"index": "clusters left out (no demand)", "decay": "; ".join(left["clusters"])},
            {
                "index": "clusters without a travel time",
                "decay": "; ".join(out.attrs["unmeasured"]),
            },
        ]
    )
    warnings = []
    if left["hubs"]:
        warnings.append(
            label("warn.access_left_out", state.options.lang).format(ids=", ".join(left["hubs"]))
        )
    table = out[["site_id", "name_vi", "area_ha", "travel_min", *cols]]
    return state.add(
        clusters=state.clusters.assign(**{c: out[c] for c in cols}),
        tables={"access": table, "access_basis": basis},
        warnings=warnings,
    )


def _siting_hazard(state: ReviewState, return_period: float = 100.0) -> Path | None:
    """Return the hazard raster of ``return_period`` years, else the rarest one."""
    from ... import exposure

    by_rp = {exposure.parse_return_period(p.name): p for p in state.hazards}
    by_rp = {rp: p for rp, p in by_rp.items() if rp}
    if not by_rp:
        return None
    return by_rp.get(return_period) or by_rp[max(by_rp)]


def siting_step(state: ReviewState) -> ReviewState:
    """Find candidate sites for new clusters and the stability of their ranking.

    Skipped with ``siting=False`` (``--no-siting``). The surface uses the 100-year flood depth
    of the review's hazard (the illustrative demo unless the user gives one) and cells of
    ``siting_cell_m`` (250 m by default, to keep the review fast).
    """
    if not state.options.siting:
        return state
    import geopandas as gpd
    import pandas as pd

    from ... import population, siting
    from ...network import traveltime

    graph = state.graph
    if graph.edge_time_s is None:  # run beside the travel-time step: the same speeds
        opt = state.options
        graph = traveltime.with_speeds(graph, state.layers["roads"], speeds_kmh=opt.speeds_kmh)
    sites = gpd.GeoDataFrame(
        pd.concat([state.clusters, state.parks], ignore_index=True), crs=state.clusters.crs
    )
    surface = siting.suitability(
        graph,
        state.parks,
        state.layers["province"],
        cells=population.population_cells(),
        protected=state.layers.get("protected_areas"),
        sites=sites,
        hazard=_siting_hazard(state),
        cell_m=state.options.siting_cell_m,
        **_access_kw(state),
    )
    found = siting.stability(surface)
    warnings = []
    if surface.accuracy == "illustrative":
        warnings.append(label("warn.illustrative_candidates", state.options.lang))
    return state.add(
        layers={"candidate_sites": found},
        tables={
            "siting_candidates": found.drop(columns="geometry"),
            "siting_surface": surface.summary(),
        },
        warnings=warnings,
    )
