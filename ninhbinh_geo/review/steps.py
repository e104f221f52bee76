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

__all__ = [
    "LAYER_ORDER",
    "MAX_DISPLAY_CELLS",
    "STEPS",
    "Step",
    "efficiency_step",
    "exposure_step",
    "network_step",
    "proximity_step",
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
    """Measure road distances to the parks over the road graph; draw the satellite links."""
    import pandas as pd

    from .. import network, proximity

    graph = network.build_graph(state.layers["roads"])
    clusters = network.road_distances(
        graph, state.clusters, state.parks, max_snap_m=state.options.max_snap_m
    )
    links = proximity._satellite_links(clusters, state.parks)
    return state.add(
        clusters=clusters,
        graph=graph,
        layers={"satellite_links": links},
        tables={"network": pd.DataFrame(graph.components)},
    )


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
    """Check the zoning-review rules on every cluster; the summary and the rules table."""
    from .. import zoning

    findings = zoning.check(state.clusters, exposure=state.tables["exposure"])
    return state.add(
        layers={"zoning_findings": findings},
        tables={
            "findings_summary": zoning.summarize(findings),
            "findings": findings,
            "rules": zoning.load_rules(),
        },
    )


#: The analyses, in the order they run. One line per step: its progress message and function.
STEPS: tuple[Step, ...] = (
    Step("efficiency indicators", efficiency_step),
    Step("straight-line proximity to the major parks", proximity_step),
    Step("road network distances", network_step),
    Step("flood and sea-level exposure", exposure_step),
    Step("zoning-review rules", zoning_step),
)
