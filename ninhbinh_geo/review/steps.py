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

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..formatting import format_number
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
    "flood_cut_step",
    "labour_step",
    "network_step",
    "proximity_step",
    "risk_step",
    "road_access",
    "sea_level_step",
    "siting_step",
    "traveltime_step",
    "with_outcome",
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
    "sea_level_zones",
    "service_areas",
    "exposure",
    "flood_cut_roads",
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
        # the district names are the aggregate's index: kept as the first column
        "efficiency_district": efficiency.aggregate(clusters, by="district_old").reset_index(),
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


def road_access(clusters: pd.DataFrame, links: pd.DataFrame, *, max_snap_m: float) -> pd.DataFrame:
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


#: The shipped coastline covers the province and 15 km around it (data/boundaries/SOURCES.md);
#: the sea is looked for a little within that reach, where its lines are whole.
COASTLINE_REACH_M = 14_900.0


def _coastline_sea(coastline: gpd.GeoDataFrame, land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Find the sea beside the shipped coastline: the open water its lines cut off from land.

    The coastline lines and the edge of their reach cut the area into faces; faces that hold
    part of the province (``land``) are land, and of the others the large ones are the sea
    (small ones are islands and sandbars). Land below sea level inland stays land: it floods
    only where it joins the sea below the raised level.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    from .. import crs as _crs

    lines = _crs.project_checked(coastline).geometry.values
    province = shapely.union_all(_crs.project_checked(land).geometry.values)
    reach = province.buffer(COASTLINE_REACH_M)
    faces = shapely.get_parts(
        shapely.polygonize(shapely.get_parts(shapely.union_all([*lines, reach.boundary])))
    )
    faces = faces[shapely.within(shapely.point_on_surface(faces), reach)]
    overlap = shapely.area(shapely.intersection(faces, province)) / shapely.area(faces)
    water = faces[overlap < 0.01]
    sea = water[shapely.area(water) >= 0.1 * shapely.area(water).max()] if len(water) else water
    return gpd.GeoDataFrame(geometry=np.asarray(sea), crs=_crs.METRIC_CRS)


def _sea(state: ReviewState) -> gpd.GeoDataFrame:
    """Return the sea for the DEM: the user's polygons (``--sea``), else the coastline's."""
    if state.options.sea is not None:
        from .. import io

        return io.read_layer(state.options.sea)
    return _coastline_sea(state.layers["coastline"], state.layers["province"])


def _hazard_inputs(
    state: ReviewState,
) -> tuple[list[tuple[str | float, Path]], list[Path], bool]:
    """Return the flood rasters (keys, paths), the sea-level rasters, whether illustrative.

    Illustrative: no flood raster was given, the packaged demo rasters stand in.
    """
    from .. import exposure
    from .inputs import hazard_specs

    options = state.options
    floods = hazard_specs(options)
    illustrative = not floods
    if illustrative:
        floods = [(p.stem, p) for p in exposure.illustrative_hazard_paths().values()]
    sea_level: list[Path] = []
    if options.dem is not None:
        from .. import sealevel  # scipy.ndimage: only with a DEM

        sea = _sea(state)
        for cm in options.slr_cm or (100,):
            depth_path = state.staging / "tables" / f"slr_{cm:g}cm_depth.tif"
            sealevel.inundation_depth(
                options.dem, slr_cm=cm, sea=sea, datum_offset_m=options.datum_offset_m,
                out_path=depth_path,
            )  # fmt: skip
            sea_level.append(depth_path)
    return floods, sea_level, illustrative


def _hazard_layer(
    floods: Sequence[tuple[str | float, Path]], units: str | None
) -> gpd.GeoDataFrame | None:
    """Depth classes of the 100-year raster (else the rarest one) as polygons for the maps."""
    import rasterio

    from .. import exposure

    if not floods:
        return None
    by_rp = {
        key if isinstance(key, float) else exposure.parse_return_period(p.name): p
        for key, p in floods
    }
    chosen = by_rp.get(100.0) or by_rp[max((rp for rp in by_rp if rp), default=None)]
    with rasterio.open(chosen) as ds:
        if ds.width * ds.height > MAX_DISPLAY_CELLS:
            return None
    return exposure.depth_zones(chosen, units=units)


def _annual(expo: pd.DataFrame, lang: str) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Integrate the annual exposure where two return periods or more allow it, else say why."""
    from .. import exposure

    with_rp = expo[expo["return_period"].notna()]
    periods = sorted(with_rp["return_period"].unique())
    if len(periods) >= 2:
        return {"ead": exposure.expected_annual_exposure(with_rp)}, []
    given = ", ".join(format_number(p, lang) for p in periods) or "–"  # 1.000 in Vietnamese
    return {}, [label("warn.no_annual_exposure", lang).format(n=len(periods), periods=given)]


def exposure_step(state: ReviewState) -> ReviewState:
    """Measure flood and sea-level exposure of every cluster; trace the hazard zones."""
    import pandas as pd

    from .. import exposure

    floods, sea_level, illustrative = _hazard_inputs(state)
    lang = state.options.lang
    warnings = (
        [label("warn.illustrative_hazard", lang), label("report.how_real_hazard", lang)]
        if illustrative
        else []
    )
    parts = [exposure.raster_exposure(state.clusters, dict(floods), units=state.options.units)]
    if sea_level:  # our own rasters, in metres whatever --units says of the flood rasters
        parts.append(exposure.raster_exposure(state.clusters, sea_level))
    expo = pd.concat(parts) if len(parts) > 1 else parts[0]
    # Sea-level scenarios have no return period: the expected annual area integrates the
    # return-period rasters only.
    tables, why = _annual(expo, lang)
    return state.add(
        hazards=tuple(p for _, p in floods) + tuple(sea_level),
        layers={"hazard": _hazard_layer(floods, state.options.units), "exposure": expo},
        tables={"exposure": expo, **tables},
        warnings=[*warnings, *why],
    )


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
    from .. import risk

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
    sector = damage[["sector", "curve_id", "currency", "price_year", "cost_per_m2", "built_share"]]
    note = ", ".join(f"{k}={v}" for k, v in sector.iloc[0].items())
    return state.add(
        clusters=clusters,
        tables=tables,
        warnings=[f"{label('warn.damage_assumptions', lang)}: {note}"],
    )


def _ead_tables(
    state: ReviewState, with_rp: pd.DataFrame, damage: pd.DataFrame, money: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the expected annual area and damage by each method, and their totals."""
    import pandas as pd

    from .. import risk

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

    from .. import network

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

    from .. import sealevel

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
    from .. import sealevel_uncertainty

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


def _flood_maps(state: ReviewState) -> dict[float, Path]:
    """Return the flood rasters of the exposure step by return period (demo ones by default)."""
    from .. import exposure
    from .inputs import hazard_specs

    floods = hazard_specs(state.options) or [
        (p.stem, p) for p in exposure.illustrative_hazard_paths().values()
    ]
    out = {}
    for key, path in floods:
        rp = key if isinstance(key, float) else exposure.parse_return_period(path.name)
        if rp is not None:
            out[rp] = path
    return out


def _units(hazards: dict[float, Path], units: str | None) -> dict[float, str]:
    """Return the unit of each raster, decided as the exposure step decides it."""
    import rasterio

    from ..exposure.rasters import _raster_units

    out = {}
    for rp, path in hazards.items():
        with rasterio.open(path) as ds:
            out[rp] = _raster_units(ds, 1, units)
    return out


def _thresholds(options: object) -> str:
    by_class = "; ".join(f"{k}: {v:g}" for k, v in options.flood_close_m_by_class.items())
    return f"{options.flood_close_m:g}" + (f" ({by_class})" if by_class else "")


def _worst(*accuracies: pd.Series) -> str:
    """Return the least accurate class among several columns (missing: illustrative)."""
    from .._provenance import ACCURACY_CLASSES

    seen = {a for col in accuracies for a in col.dropna()}
    ranks = [ACCURACY_CLASSES.index(a) if a in ACCURACY_CLASSES else 3 for a in seen] or [3]
    return ACCURACY_CLASSES[max(ranks)]


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
    summary = zoning.summarize(findings)
    return state.add(
        clusters=with_outcome(state.clusters, summary),
        layers={"zoning_findings": findings},
        tables={
            "findings_summary": summary,
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


def with_outcome(clusters: gpd.GeoDataFrame, summary: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the clusters with their zoning outcome: ``worst_result`` and ``binding_rule``.

    Taken from the ``findings_summary`` table (NA for a cluster without findings), so that the
    cluster layer can be drawn by zoning outcome (an alternate QGIS style).

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"site_id": ["A", "B"]})
    >>> s = pd.DataFrame({"site_id": ["A"], "worst_result": ["fail"], "binding_rule": ["CCN-01"]})
    >>> with_outcome(cl, s)["worst_result"].tolist()
    ['fail', <NA>]
    """
    columns = ["worst_result", "binding_rule"]
    by_site = summary.drop_duplicates("site_id").set_index("site_id")
    out = clusters.drop(columns=columns, errors="ignore")
    return out.assign(**{c: out["site_id"].map(by_site[c]).astype("string") for c in columns})


#: The analyses, in the order they run. One line per step: its progress message and function.
STEPS: tuple[Step, ...] = (
    Step("efficiency indicators", efficiency_step),
    Step("straight-line proximity to the major parks", proximity_step),
    Step("road network distances", network_step),
    Step("flood and sea-level exposure", exposure_step),
    Step("flood damage and expected annual values", risk_step),
    Step("road links cut by floods", flood_cut_step),
    Step("sea-level zones and their uncertainty", sea_level_step),
    Step("zoning-review rules", zoning_step),
    Step("travel times and service areas", traveltime_step),
    Step("labour within reach (WorldPop 2000, 2020)", labour_step),
    Step("capacity-aware access indices", access_step),
    Step("candidate sites for new clusters", siting_step),
)
