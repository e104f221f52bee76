"""Service areas: the land within 15, 30, 45 minutes of each hub, from the reachable roads.

:func:`service_areas` searches once from every hub on a timed graph (one
:func:`scipy.sparse.csgraph.dijkstra` call, each hub an extra node joined to its edge, with a
``limit`` at the largest budget). For each budget, an edge is reached from each end with the
time left there and cut where that time runs out, so partly reached edges count for the part
reached. Around every reached point of a road, the land one can still reach off the road, at
``access_speed_kmh`` in the time left there and at most ``max_snap_m`` away, belongs to the
area: along a straight piece of road between two sample points that land is the convex hull
of the two end discs, exactly, since the time left changes along the piece more slowly than
the leg's reach (the road is faster than the access leg). ``buffer_m`` replaces it by a fixed
buffer. The polygon is the union of those pieces and of the disc around the hub itself.

The clusters inside each area are counted by their own travel time from the hub (their access
leg to their nearest road at the same speed), which is how :mod:`.traveltime` measures them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from .._errors import SchemaError
from .._provenance import ACCURACY_CLASSES
from ..hubs import hub_parks
from .distances import REASON_PARK_FAR, _with_sources
from .graph import _MIN_EDGE_M, RoadGraph
from .snapping import _ids, _site_points
from .speeds import ACCESS_SPEED_KMH
from .traveltime import _check_access, _check_sites, _check_timed, _ends, _Places, _places, _times

__all__ = ["DEFAULT_MINUTES", "service_areas"]

#: Travel-time budgets of the service areas, minutes.
DEFAULT_MINUTES = (15.0, 30.0, 45.0)
#: Farthest apart two sample points along a reached road (the pieces are straight chords).
_STEP_M = 500.0


def _hub_search(graph: RoadGraph, hubs: _Places, limit_s: float) -> np.ndarray:
    """Seconds on the network from each hub (on its road, leg excluded) to every node."""
    n = graph.n_nodes
    u, v, to_u, to_v = _ends(graph, hubs)
    joined = _with_sources(graph._time_matrix, u, v, to_u, to_v)
    dist = dijkstra(joined, directed=True, indices=n + np.arange(len(hubs)), limit=limit_s)
    return dist[:, :n]


def _samples(
    graph: RoadGraph,
    left_u: np.ndarray,
    left_v: np.ndarray,
    hub_edge: int,
    hub_along: float,
    left_hub: float,
    step_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sample points along the reached edges: edge, position (m) and seconds left there.

    ``left_u``/``left_v``: seconds left at each edge's start/end node (negative: not reached);
    ``left_hub``: seconds left where the hub meets its edge. Each edge is sampled every
    ``step_m`` at most, plus where its reached parts end and where the hub meets it.
    """
    length = graph.edge_length_m
    pace = graph.edge_time_s / np.maximum(length, _MIN_EDGE_M)
    reached = (left_u >= 0) | (left_v >= 0)
    if left_hub >= 0:
        reached[hub_edge] = True
    edges = np.flatnonzero(reached)
    n_step = np.ceil(length[edges] / step_m).astype(np.int64)
    e = np.repeat(edges, n_step + 1)
    first = np.repeat(np.cumsum(n_step + 1) - (n_step + 1), n_step + 1)
    x = (np.arange(len(e)) - first) / np.repeat(n_step, n_step + 1) * length[e]
    # the cuts: where the time left from each end (and from the hub) runs out
    cut_u = np.clip(left_u[edges] / pace[edges], 0, length[edges])
    cut_v = length[edges] - np.clip(left_v[edges] / pace[edges], 0, length[edges])
    extra_e, extra_x = [edges, edges], [cut_u, cut_v]
    if left_hub >= 0:
        reach = left_hub / pace[hub_edge]
        extra_e.append(np.full(3, hub_edge))
        extra_x.append(np.clip(hub_along + np.array([-reach, 0.0, reach]), 0, length[hub_edge]))
    e, x = np.r_[e, *extra_e], np.r_[x, *extra_x]
    order = np.lexsort((x, e))
    e, x = e[order], x[order]
    left = np.maximum(left_u[e] - x * pace[e], left_v[e] - (length[e] - x) * pace[e])
    on_hub = e == hub_edge
    left[on_hub] = np.maximum(
        left[on_hub], left_hub - np.abs(x[on_hub] - hub_along) * pace[e][on_hub]
    )
    return e, x, left


def _area(
    graph: RoadGraph,
    samples: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    speed_ms: float,
    max_snap_m: float,
    buffer_m: float | None,
) -> shapely.Geometry:
    """Return the land reached around the sampled roads (see the module docstring)."""
    e, x, left = samples
    piece = (e[1:] == e[:-1]) & (left[1:] >= -1e-9) & (left[:-1] >= -1e-9) & (x[1:] > x[:-1])
    if not piece.any():
        return shapely.Polygon()
    i = np.flatnonzero(piece)
    pts = shapely.line_interpolate_point(graph._geometry_of(e), x)
    if buffer_m is not None:
        lines = shapely.linestrings(
            np.stack([shapely.get_coordinates(pts[i]), shapely.get_coordinates(pts[i + 1])], 1)
        )
        return shapely.union_all(shapely.buffer(lines, buffer_m, quad_segs=4))
    radius = np.clip(left * speed_ms, 0.0, max_snap_m)
    discs = shapely.buffer(pts, radius, quad_segs=8)
    pairs = shapely.geometrycollections(
        np.c_[discs[i], discs[i + 1]].ravel(), indices=np.repeat(np.arange(len(i)), 2)
    )
    return shapely.union_all(shapely.convex_hull(pairs))


def _worst(*classes: object) -> str:
    """Return the worst of the accuracy classes given (unknown ones: illustrative)."""
    rank = [ACCURACY_CLASSES.index(c) if c in ACCURACY_CLASSES else 3 for c in classes]
    return ACCURACY_CLASSES[max(rank)]


def _hub_accuracy(hubs: gpd.GeoDataFrame) -> list[str]:
    """Accuracy of each hub's position: ``location_accuracy``, else ``accuracy``."""
    for col in ("location_accuracy", "accuracy"):
        if col in hubs.columns:
            return [str(a) for a in hubs[col].tolist()]
    return ["illustrative"] * len(hubs)


def _clusters_in(
    graph: RoadGraph, hubs: _Places, clusters: gpd.GeoDataFrame | None, kw: dict
) -> tuple[np.ndarray | None, np.ndarray]:
    """Minutes from each hub to each cluster (hubs × clusters), and the cluster ids."""
    if clusters is None or clusters.empty:
        return None, np.array([], dtype=object)
    dst = _places(graph, _site_points(clusters, "clusters", graph.crs), **kw)
    minutes = np.full((len(hubs), len(dst)), np.inf)
    for part, t in _times(graph, hubs, dst):
        minutes[part] = t / 60
    return minutes, _ids(clusters)


def _with_clusters(
    out: gpd.GeoDataFrame, to_cluster: np.ndarray | None, cluster_ids: np.ndarray
) -> gpd.GeoDataFrame:
    """Add the area and the clusters within each budget (by their travel time)."""
    out["area_km2"] = out.geometry.area / 1e6
    if to_cluster is None:
        out["clusters_within"] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["cluster_ids"] = pd.array([pd.NA] * len(out), dtype="string")
        return out
    inside = to_cluster[out["_hub"].to_numpy()] <= out["minutes"].to_numpy()[:, None] + 1e-9
    out["clusters_within"] = inside.sum(axis=1)
    out["cluster_ids"] = ["; ".join(cluster_ids[row]) for row in inside]
    return out


def _check_minutes(
    minutes: Sequence[float], buffer_m: float | None, step_m: float
) -> tuple[float, ...]:
    """Check the budgets, the buffer and the step; return the budgets, largest first."""
    values = tuple(float(m) for m in minutes)
    if not values or not all(m > 0 for m in values):
        raise SchemaError(f"minutes must be positive travel times, not {list(minutes)!r}.")
    if buffer_m is not None and not buffer_m > 0:
        raise SchemaError(f"buffer_m must be > 0 metres (or None), not {buffer_m!r}.")
    if not step_m > 0:
        raise SchemaError(f"step_m must be > 0 metres, not {step_m!r}.")
    return tuple(sorted(set(values), reverse=True))


def service_areas(
    graph: RoadGraph,
    parks: gpd.GeoDataFrame,
    *,
    minutes: Sequence[float] = DEFAULT_MINUTES,
    clusters: gpd.GeoDataFrame | None = None,
    access_speed_kmh: float = ACCESS_SPEED_KMH,
    max_snap_m: float = 3000.0,
    buffer_m: float | None = None,
    major_only: bool = True,
    step_m: float = _STEP_M,
) -> gpd.GeoDataFrame:
    """Polygons of the land within each travel-time budget of each hub, with the clusters in it.

    Parameters
    ----------
    graph : RoadGraph
        A graph with travel times (:func:`~.traveltime.with_speeds`).
    parks : geopandas.GeoDataFrame
        Parks with ``site_id``, ``name_vi`` (and ``major`` when ``major_only``): the hubs.
    minutes : sequence of float, default (15, 30, 45)
        Budgets, in minutes, from the hub's point (its own access leg included).
    clusters : geopandas.GeoDataFrame, optional
        Clusters to count inside each area (by their own travel time from the hub).
    access_speed_kmh : float, default 20.0
        Speed off the road, for the hubs' and clusters' legs and the land around the roads.
    max_snap_m : float, default 3000.0
        Farthest off the road a place may lie: the widest the area reaches beyond a road, and
        the longest access leg of a hub or cluster.
    buffer_m : float, optional
        A fixed buffer around the reached roads instead of the land reached in the time left.
    major_only : bool, default True
        Use only parks with ``major`` True.
    step_m : float, default 500.0
        Longest straight piece between two sample points along a road.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (hub, budget), largest budget first, in EPSG:4326: ``park_id``,
        ``park_name``, ``minutes``, ``area_km2`` (in the graph's metric CRS),
        ``clusters_within`` and ``cluster_ids`` (``"; "``-joined; NA without ``clusters``),
        ``buffer_basis``, ``reason`` (``road_reason.park_far`` where the hub lies beyond
        ``max_snap_m`` of every road: empty area), ``source``, ``source_date``, ``licence``,
        ``accuracy`` (the worse of the hub's position and ``approximate``: travel times
        from planning speeds are approximate at best).

    Raises
    ------
    SchemaError
        For a graph without travel times, bad ``minutes``, ``access_speed_kmh``,
        ``max_snap_m``, ``buffer_m`` or ``step_m``, or a park layer without hubs.
    CRSError
        When a layer has no CRS or coordinates that do not fit it.

    Examples
    --------
    A 20 km national road (50 km/h: 1.2 min per km); the hub on its west end. In 15 min the
    hub's truck reaches 12.5 km along the road, with no time left there to leave it:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph
    >>> from ninhbinh_geo.network.traveltime import with_speeds
    >>> roads = gpd.GeoDataFrame({"level": ["Quốc Gia"]},
    ...     geometry=[LineString([(600000, 2240000), (620000, 2240000)])], crs=3405)
    >>> g = with_speeds(build_graph(roads), roads)
    >>> hub = gpd.GeoDataFrame({"site_id": ["KCN-A"], "name_vi": ["KCN A"], "major": [True]},
    ...                        geometry=[Point(600000, 2240000)], crs=3405)
    >>> sa = service_areas(g, hub, minutes=[15], buffer_m=100)
    >>> round(float(sa.to_crs(3405).bounds.maxx.iloc[0]) - 600000 - 100)
    12500
    """
    graph = _check_timed(graph)
    _check_access(access_speed_kmh, max_snap_m)
    budgets = _check_minutes(minutes, buffer_m, step_m)
    hubs_gdf = hub_parks(_check_sites(parks, "parks"), major_only=major_only)
    if clusters is not None:
        _check_sites(clusters, "clusters")
    kw = {"access_speed_kmh": access_speed_kmh, "max_snap_m": max_snap_m}
    hubs = _places(graph, _site_points(hubs_gdf, "parks", graph.crs), **kw)
    rows = _area_rows(graph, hubs, hubs_gdf, budgets, kw, buffer_m, step_m)
    to_cluster, cluster_ids = _clusters_in(graph, hubs, clusters, kw)
    out = _with_clusters(
        gpd.GeoDataFrame(rows, geometry="geometry", crs=graph.crs), to_cluster, cluster_ids
    )
    out = out.drop(columns="_hub").to_crs("EPSG:4326")
    order = out.sort_values(["minutes", "park_id"], ascending=[False, True], kind="stable").index
    return out.loc[order].reset_index(drop=True)


def _area_rows(
    graph: RoadGraph,
    hubs: _Places,
    hubs_gdf: gpd.GeoDataFrame,
    budgets: tuple[float, ...],
    kw: dict,
    buffer_m: float | None,
    step_m: float,
) -> list[dict]:
    """One row (attributes and polygon in the graph's CRS) per (hub, budget)."""
    speed_ms = kw["access_speed_kmh"] / 3.6
    max_snap_m = kw["max_snap_m"]
    dist = _hub_search(graph, hubs, max(budgets) * 60)
    u, v = graph.edge_nodes[:, 0], graph.edge_nodes[:, 1]
    pts = _site_points(hubs_gdf, "parks", graph.crs)
    basis = (
        f"fixed buffer of {buffer_m:g} m around the reached roads"
        if buffer_m is not None
        else f"land reached off the road at {kw['access_speed_kmh']:g} km/h in the time left, "
        f"at most {max_snap_m:g} m"
    )
    source = "ninhbinh_geo.network.service_areas: roads layer with planning speeds, hub points"
    today = time.strftime("%Y-%m-%d")
    accuracy = _hub_accuracy(hubs_gdf)
    rows = []
    for h, (pid, name) in enumerate(
        zip(_ids(hubs_gdf), hubs_gdf["name_vi"].astype(str), strict=True)
    ):
        for budget in budgets:
            left_s = budget * 60 - hubs.leg_s[h]  # inf leg: nothing is left
            geom = shapely.Polygon()
            if np.isfinite(left_s) and left_s >= 0:
                samples = _samples(
                    graph,
                    left_s - dist[h, u],
                    left_s - dist[h, v],
                    int(hubs.edge[h]),
                    float(hubs.along[h]),
                    float(left_s),
                    step_m,
                )
                area = _area(
                    graph, samples, speed_ms=speed_ms, max_snap_m=max_snap_m, buffer_m=buffer_m
                )
                own = shapely.buffer(pts[h], min(max_snap_m, budget * 60 * speed_ms), quad_segs=16)
                geom = shapely.union_all([area, own])
            rows.append(
                {
                    "park_id": pid,
                    "park_name": name,
                    "minutes": budget,
                    "buffer_basis": basis,
                    "reason": pd.NA if np.isfinite(hubs.leg_s[h]) else REASON_PARK_FAR,
                    "source": source,
                    "source_date": today,
                    "licence": "derived from the roads and parks layers (their licences apply)",
                    "accuracy": _worst(accuracy[h], "approximate"),
                    "_hub": h,
                    "geometry": geom,
                }
            )
    return rows
