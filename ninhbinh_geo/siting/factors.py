"""The factors of the suitability surface: travel time to a hub, labour within reach, roads.

The road network reaches the grid through a raster of its edges and the distance transform
(:meth:`~.grid.Grid.distance_m`), which gives every cell its nearest road cell. Road cells are
grouped into sample points along their edges; the searches run from the sample points once, and
each cell takes the value of its road's sample point, with the time its access leg takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely

from .grid import Grid

if TYPE_CHECKING:  # pragma: no cover
    from ..network import RoadGraph
    from ..network.traveltime import _Places

#: Longest stretch of road one sample point stands for (at least two cells).
_SAMPLE_M = 250.0
#: The labour factor counts the people within whole steps of this many seconds.
_PROFILE_STEP_S = 60.0


@dataclass(frozen=True)
class _RoadAccess:
    """Where every cell meets the roads: its road sample point and its access leg."""

    sample: np.ndarray  # sample point of the cell's nearest road cell (grid shape), -1 none
    road_m: np.ndarray  # distance from the cell centre to that road cell centre, metres
    points: _Places  # the sample points on the graph (on the road: no leg)


def _road_access(grid: Grid, graph: RoadGraph) -> _RoadAccess:
    """Burn the edges, find every cell's nearest road cell and group road cells in samples."""
    from ..network.traveltime import _Places

    lines = graph._geometry_of(np.arange(graph.n_edges))
    burnt = grid.burn_values(lines, np.arange(graph.n_edges))
    road = burnt >= 0
    road_m, idx = grid.distance_m(road)
    rr, cc = np.nonzero(road)
    edge = burnt[rr, cc].astype(np.int64)
    x, y = grid.centres(rr, cc)
    along = shapely.line_locate_point(lines[edge], shapely.points(x, y))
    step = max(_SAMPLE_M, 2 * grid.cell_m)
    k = np.floor(along / step).astype(np.int64)
    key = edge * (int(k.max()) + 1) + k
    uniq, inverse = np.unique(key, return_inverse=True)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(key))[::-1]  # a road cell of every sample
    s_edge = edge[first]
    s_along = np.minimum((k[first] + 0.5) * step, graph.edge_length_m[s_edge])
    zeros = np.zeros(len(uniq))
    points = _Places(s_edge, s_along, zeros, zeros)
    sample_of_road = np.full(grid.shape, -1, dtype=np.int64)
    sample_of_road[rr, cc] = inverse
    sample = sample_of_road[idx[0], idx[1]] if road.any() else sample_of_road
    return _RoadAccess(sample, road_m, points)


def _hub_seconds(graph: RoadGraph, hubs: _Places, samples: _Places) -> np.ndarray:
    """Seconds from the nearest hub (its leg included) to every sample point."""
    from ..network.traveltime import _times

    best = np.full(len(samples), np.inf)
    for _, t in _times(graph, hubs, samples):
        best = np.minimum(best, t.min(axis=0))
    return best


def _cell_values(
    access: _RoadAccess,
    inside: np.ndarray,
    hub_s: np.ndarray,
    profile: np.ndarray,
    *,
    speed_ms: float,
    max_snap_m: float,
    budget_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Minutes to the nearest hub and people within the budget, for every cell inside."""
    travel = np.full(inside.shape, np.nan)
    people = np.full(inside.shape, np.nan)
    sample = access.sample[inside]
    dist = access.road_m[inside]
    ok = (sample >= 0) & (dist <= max_snap_m)
    leg_s = np.where(ok, dist / speed_ms, np.inf)
    s = np.where(ok, sample, 0)
    t = np.where(ok, hub_s[s] + leg_s, np.inf)
    left = budget_s - leg_s
    level = np.floor(np.where(ok & (left >= 0), left, 0.0) / _PROFILE_STEP_S + 1e-9)
    level = np.minimum(level.astype(np.int64), profile.shape[1] - 1)
    p = np.where(ok & (left >= 0), profile[s, level], 0.0)
    travel[inside] = t / 60
    people[inside] = p
    return travel, people
