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
    "efficiency_step",
    "exposure_step",
    "network_step",
    "proximity_step",
    "road_access",
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
    "exposure",
    "satellite_links",
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
            sealevel.inundation_depth(options.dem, slr_cm=cm, sea=sea, out_path=depth_path)
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
    given = ", ".join(f"{p:g}" for p in periods) or "-"
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
    Step("zoning-review rules", zoning_step),
)
