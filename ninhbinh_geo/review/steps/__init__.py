"""The analyses of a review, as a list of steps.

Each step is one function that takes the :class:`~ninhbinh_geo.review.options.ReviewState` and
returns a new one with its columns, layers and tables added. :data:`STEPS` lists them in the
order they run, with the progress line each prints. To add an analysis, write one function in
the room it belongs to and add one line to :data:`STEPS` (see "How to add a review step" in
``DEVELOPERS.md``).

The site layers were checked when they were loaded: steps call the analyses' public functions
(their doors) for what those add, and the trusting inner functions of :mod:`ninhbinh_geo.proximity`
for layers the review has already checked. Analysis modules are imported inside the steps, so
that loading and checking the inputs starts before their imports.

Rooms: ``base`` (:class:`Step`, :data:`LAYER_ORDER`), ``sites`` (efficiency, proximity, road
distances), ``hazard`` (exposure), ``risk`` (damage, expected annual values, flood-cut roads, sea
level), ``zoning`` (the rules, the outcome per cluster), ``access`` (travel time, labour, access
indices, siting).
"""

from __future__ import annotations

from ..branches import Branch
from .access import access_step, labour_step, siting_step, traveltime_step
from .base import LAYER_ORDER, MAX_DISPLAY_CELLS, Step
from .hazard import exposure_step
from .risk import flood_cut_step, risk_step, sea_level_step
from .sites import efficiency_step, network_step, proximity_step, road_access
from .zoning import with_outcome, zoning_step

__all__ = [
    "BRANCHES",
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

#: Steps that run in a worker process beside the steps before them (see
#: :mod:`ninhbinh_geo.review.branches`). The exposure step reads the clusters' footprints and
#: the hazard rasters, from the inputs as loaded, beside the efficiency, proximity and road
#: distance steps. Travel time, labour and access read the road graph, clusters and parks;
#: siting those (giving the graph the travel-time step's speeds itself) and the hazard rasters;
#: both start from the state after the exposure step, beside the risk and zoning steps and each
#: other, and none of those reads what they add. These steps cost 0.7 s, 1.2 s and 0.9 s of
#: CPU run alone; on a 2-vCPU machine whose vCPUs share one core the review took 9.98 s
#: instead of 10.98 s (medians of 4 alternating runs) for 15.8 s of CPU instead of 14.6 s.
#: ``tests/test_review_branches.py`` checks that the state is that of a serial run.
BRANCHES: tuple[Branch, ...] = (
    Branch(after=None, steps=("flood and sea-level exposure",)),
    Branch(
        after="flood and sea-level exposure",
        steps=(
            "travel times and service areas",
            "labour within reach (WorldPop 2000, 2020)",
            "capacity-aware access indices",
        ),
    ),
    Branch(after="flood and sea-level exposure", steps=("candidate sites for new clusters",)),
)
