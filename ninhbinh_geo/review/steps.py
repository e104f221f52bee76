"""The analyses of a review, as a list of steps.

Each step is one function that takes the :class:`~ninhbinh_geo.review.options.ReviewState` and
returns a new one with its columns, layers and tables added. :data:`STEPS` lists them in the
order they run, with the progress line each prints. To add an analysis, write one function here
and add one line to :data:`STEPS` (see "How to add a review step" in ``DEVELOPERS.md``).

The site layers were checked when they were loaded: steps call the analyses' public functions
(their doors) for what those add, and the trusting inner functions of :mod:`ninhbinh_geo.proximity`
for layers the review has already checked. Analysis modules are imported inside the steps, so
that loading and checking the inputs starts before their imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import label
from .options import ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "LAYER_ORDER",
    "MAX_DISPLAY_CELLS",
    "STEPS",
    "Step",
    "access_step",
    "efficiency_step",
    "exposure_step",
    "labour_step",
    "network_step",
    "proximity_step",
    "road_access",
    "siting_step",
    "traveltime_step",
    "zoning_step",
]

#: Largest hazard raster traced into polygons for the maps (cells); larger ones are not drawn.
MAX_DISPLAY_CELLS = 4_000_000

#: Order of the layers in the GeoPackage and the QGIS project (bottom first). A layer a step
#: adds is written only when its name is listed here.
LAYER_ORDER = (
    "province",
    "former_provinces",
    "districts",
    "protected_areas",
    "coastline",
    "roads",
    "hazard",
    "service_areas",
    "exposure",
    "satellite_links",
    "candidate_sites",
    "parks",
    "clusters",
    "zoning_findings",
)


@dataclass(frozen=True)
class Step:
    """One analysis of the review: the progress line it prints and the function it runs."""

    message: str
    run: Callable[[ReviewState], ReviewState]


def efficiency_step(state: ReviewState) -> ReviewState:
    """Measure occupancy, jobs and projects per ha; sum them by province and district."""
    import pandas as pd

    from .. import efficiency

    clusters = efficiency.site_indicators(state.clusters)
    facts = state.tables["facts"]
    by_province = [
        efficiency.aggregate(clusters, by=by, facts=facts) for by in ("province", "former_province")
    ]
    tables = {
        "efficiency": pd.concat(by_province, ignore_index=True),
        "efficiency_district": efficiency.aggregate(clusters, by="district_old"),
    }
    return state.add(clusters=clusters, tables=tables)


def proximity_step(state: ReviewState) -> ReviewState:
    """Measure the straight-line distance of every cluster to the nearest major park."""
    from .. import proximity

    kw = {} if state.options.max_km is None else {"max_km": state.options.max_km}
    # The clusters and parks were checked when loaded: the trusting inner function.
    return state.add(clusters=proximity._nearest_parks(state.clusters, state.parks, **kw))


def network_step(state: ReviewState) -> ReviewState:
    """Measure road distances to the parks over the road graph; draw the satellite links.

    Each cluster gets the road distance to its nearest hub in a straight line
    (``road_km_to_nearest``) and the nearest hub by road (``road_park``, ``road_km``), with
    the same access leg allowed off the road layer (``max_snap_m``) for sites and parks;
    each link carries the road distance of its own (cluster, hub) pair.
    """
    import pandas as pd

    from .. import network, proximity

    graph = network.build_graph(state.layers["roads"])
    # the straight-line nearest hub comes from the proximity step, when it ran
    target = "both" if "nearest_park_id" in state.clusters.columns else "nearest_park"
    clusters = network.road_distances(
        graph, state.clusters, state.parks, max_snap_m=state.options.max_snap_m, target=target
    )
    # the nearest hub by road may be another park than the straight-line one: its own accuracy
    by_road = proximity.pair_accuracy(clusters, state.parks, park_id_column="road_park_id")
    clusters = clusters.assign(
        road_accuracy=by_road["distance_accuracy"],
        road_precision_km=by_road["distance_precision_km"],
    )
    links = proximity._satellite_links(clusters, state.parks)
    return state.add(
        clusters=clusters,
        graph=graph,
        layers={"satellite_links": links},
        tables={
            "network": pd.DataFrame(graph.components),
            "road_access": road_access(clusters, links, max_snap_m=state.options.max_snap_m),
        },
    )


def road_access(
    clusters: pd.DataFrame, links: pd.DataFrame, *, max_snap_m: float
) -> pd.DataFrame:
    """Count the road distances measured and, for the others, why not.

    One row per (layer, outcome): the clusters' ``road_km_to_nearest`` (else ``road_km``)
    and the links' ``road_km``, with ``with_road_km``, ``road_reason`` (a ``labels`` key, NA
    where measured), ``rows``, ``share`` of the layer and ``max_snap_m``, the access leg
    allowed off the road layer.

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"road_km": [3.0, None], "road_reason": [None, "road_reason.site_far"]})
    >>> road_access(cl, cl.iloc[:0], max_snap_m=5000)[["layer", "rows", "share"]].to_dict("list")
    {'layer': ['clusters', 'clusters'], 'rows': [1, 1], 'share': [0.5, 0.5]}
    """
    import pandas as pd

    suffix = "_to_nearest" if "road_km_to_nearest" in clusters.columns else ""
    parts = []
    for layer, frame, sfx in (("clusters", clusters, suffix), ("satellite_links", links, "")):
        if f"road_km{sfx}" not in frame.columns or frame.empty:
            continue
        has = frame[f"road_km{sfx}"].notna()
        reason = frame[f"road_reason{sfx}"].astype("string").where(~has)
        counts = (
            pd.DataFrame({"with_road_km": has, "road_reason": reason})
            .value_counts(dropna=False, sort=False)
            .rename("rows")
            .reset_index()
            .sort_values(["with_road_km", "rows"], ascending=False, kind="stable")
        )
        counts.insert(0, "layer", layer)
        counts["share"] = counts["rows"] / len(frame)
        parts.append(counts)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["max_snap_m"] = float(max_snap_m)
    return out


def _hazard_inputs(state: ReviewState) -> tuple[list[Path], bool]:
    """Return the hazard rasters to use and whether they are the illustrative demo layer."""
    from .. import exposure

    options = state.options
    hazards = [Path(p) for p in options.hazards]
    illustrative = not hazards
    if illustrative:
        hazards = list(exposure.illustrative_hazard_paths().values())
    if options.dem is not None:
        from .. import sealevel  # scipy.ndimage: only with a DEM

        for cm in options.slr_cm or (100,):
            depth_path = state.staging / "tables" / f"slr_{cm:g}cm_depth.tif"
            sealevel.inundation_depth(options.dem, slr_cm=cm, out_path=depth_path)
            hazards.append(depth_path)
    return hazards, illustrative


def _hazard_layer(hazards: Sequence[Path]) -> gpd.GeoDataFrame | None:
    """Depth classes of the 100-year raster (else the rarest one) as polygons for the maps."""
    import rasterio

    from .. import exposure

    if not hazards:
        return None
    by_rp = {exposure.parse_return_period(p.name): p for p in hazards}
    chosen = by_rp.get(100.0) or by_rp[max((rp for rp in by_rp if rp), default=None)]
    with rasterio.open(chosen) as ds:
        if ds.width * ds.height > MAX_DISPLAY_CELLS:
            return None
    return exposure.depth_zones(chosen)


def exposure_step(state: ReviewState) -> ReviewState:
    """Measure flood and sea-level exposure of every cluster; trace the hazard zones."""
    from .. import exposure

    hazards, illustrative = _hazard_inputs(state)
    lang = state.options.lang
    warnings = (
        [label("warn.illustrative_hazard", lang), label("report.how_real_hazard", lang)]
        if illustrative
        else []
    )
    expo = exposure.raster_exposure(state.clusters, hazards)
    tables = {"exposure": expo}
    # Sea-level scenarios have no return period: the expected annual area integrates the
    # return-period rasters only.
    with_rp = expo[expo["return_period"].notna()]
    if with_rp["return_period"].nunique() > 0:
        tables["ead"] = exposure.expected_annual_exposure(with_rp)
    return state.add(
        hazards=tuple(hazards),
        layers={"hazard": _hazard_layer(hazards), "exposure": expo},
        tables=tables,
        warnings=warnings,
    )


def zoning_step(state: ReviewState) -> ReviewState:
    """Check the zoning-review rules on every cluster; the summary, decidability and rules.

    The heritage and protected-area rules read the ``protected_areas`` layer (the embedded one
    unless the inputs put another in its place); the tables ``zoning_decided`` and
    ``zoning_missing`` say what share of (site, rule) pairs the data decide and which missing
    data would decide the rest.
    """
    from .. import zoning

    protected = state.layers.get("protected_areas")
    layers = {} if protected is None else {"heritage": protected}
    findings = zoning.check(state.clusters, exposure=state.tables["exposure"], layers=layers)
    return state.add(
        layers={"zoning_findings": findings},
        tables={
            "findings_summary": zoning.summarize(findings),
            "findings": findings,
            "rules": zoning.load_rules(),
            "zoning_decided": zoning.decided_share(findings),
            "zoning_missing": zoning.missing_data(findings, lang=state.options.lang),
        },
    )


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

    from .. import network, schema
    from ..network import service_areas, speeds, traveltime

    opt = state.options
    roads = state.layers["roads"]
    graph = state.graph if state.graph is not None else network.build_graph(roads)
    graph = traveltime.with_speeds(graph, roads, speeds_kmh=opt.speeds_kmh)
    hubs = schema.hub_parks(state.parks)
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

    from .. import population, schema

    kw = _access_kw(state)
    hubs = schema.hub_parks(state.parks)
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

    from .. import access, schema
    from ..network import traveltime

    hubs = schema.hub_parks(state.parks)
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
    from .. import exposure

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

    from .. import population, siting

    sites = gpd.GeoDataFrame(
        pd.concat([state.clusters, state.parks], ignore_index=True), crs=state.clusters.crs
    )
    surface = siting.suitability(
        state.graph,
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


#: The analyses, in the order they run. One line per step: its progress message and function.
STEPS: tuple[Step, ...] = (
    Step("efficiency indicators", efficiency_step),
    Step("straight-line proximity to the major parks", proximity_step),
    Step("road network distances", network_step),
    Step("flood and sea-level exposure", exposure_step),
    Step("zoning-review rules", zoning_step),
    Step("travel times and service areas", traveltime_step),
    Step("labour within reach (WorldPop 2000, 2020)", labour_step),
    Step("capacity-aware access indices", access_step),
    Step("candidate sites for new clusters", siting_step),
)
