"""Road distances from clusters to parks: check once, snap, search from the parks, tabulate.

:func:`road_distances` is the door; it runs four stages that take checked inputs and trust
them: :func:`_check_inputs`, :func:`_measure` (snapping, then :func:`_search`: one
:func:`scipy.sparse.csgraph.dijkstra` call from all parks on any CSR matrix of the graph's
nodes, e.g. the matrix of the edges left open, in metres or seconds), :func:`_reasons`
(why a pair has no distance) and the tables (:func:`_pair_table`, :func:`_site_table`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from .._errors import CRSError, SchemaError, first_ids
from ..crs import check_coordinates
from ..schema import hub_parks
from .graph import _MIN_EDGE_M, RoadGraph
from .snapping import _ids, _snap_sites

_TARGETS = ("nearest_park", "nearest_park_id", "all")


@dataclass(frozen=True)
class _Pairs:
    """Every (park, site) pair measured: arrays of shape (parks, sites) or per park / site."""

    road_m: np.ndarray  # snap legs + network path, metres (inf where unreachable)
    straight_m: np.ndarray  # straight line between the site and park points, metres
    minutes: np.ndarray | None  # travel time with the graph's speeds
    s_snap: np.ndarray  # distance of each site to its road, metres
    p_snap: np.ndarray  # distance of each park to its road, metres
    s_comp: np.ndarray  # piece of the network of each site
    p_comp: np.ndarray  # piece of the network of each park
    p_ids: np.ndarray  # park site_id, str
    p_names: np.ndarray  # park name_vi, str


def road_distances(
    graph: RoadGraph,
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    max_snap_m: float = 3000.0,
    target: str = "nearest_park",
    major_only: bool = True,
    access_speed_kmh: float = 20.0,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Road distance from every cluster to its park, searching once from each park.

    Sites and parks are represented by a point inside their footprint (or ``lon``/``lat``
    when the footprint is missing) and snapped to the nearest point of the nearest road
    edge. ``road_km`` = snap leg of the site + network path + snap leg of the park: the
    snap legs are straight lines standing in for local roads the layer lacks, so they are
    *included*, and ``snap_m`` shows how much of the distance they are.

    Parameters
    ----------
    graph : RoadGraph
        From ``build_graph``.
    clusters : geopandas.GeoDataFrame
        Sites with a CRS; ``site_id`` used in messages; for ``target="nearest_park_id"``
        the column ``nearest_park_id`` (from ``proximity.nearest_parks``).
    parks : geopandas.GeoDataFrame
        Parks with ``site_id``, ``name_vi`` (and ``major`` when ``major_only``).
    max_snap_m : float, default 3000.0
        A site or park farther than this from any road gets NaN and a reason. The layer
        has only national and provincial roads; 3 km is the reach of the commune roads
        it lacks in the delta.
    target : {"nearest_park", "nearest_park_id", "all"}, default "nearest_park"
        ``"nearest_park"``: the park nearest by road; ``"nearest_park_id"``: the park named
        in the column of that name; ``"all"``: a long DataFrame, one row per (site, park).
    major_only : bool, default True
        Use only parks with ``major`` True.
    access_speed_kmh : float, default 20.0
        Speed on the snap legs for ``road_min`` (only when the graph has speeds).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A copy of ``clusters`` (same index and CRS) with ``road_park_id``, ``road_park``,
        ``snap_m`` (m), ``park_snap_m`` (m), ``road_km``, ``road_straight_km`` (straight
        line between the same two points, km, metric CRS), ``detour_ratio`` (road ÷
        straight), ``component``, ``park_component``, ``road_reason`` (why ``road_km`` is
        NaN, else NA) and, with speeds, ``road_min``. For ``target="all"`` one row per
        pair with ``site_id``, ``park_id``, ``park_name`` and the same measures.

    Raises
    ------
    SchemaError
        For an empty park layer, missing columns, unknown ``target`` or park ids, or sites
        with neither footprint nor point.
    CRSError
        When a layer has no CRS, or its coordinates do not fit its CRS.

    Examples
    --------
    A 2 km road; the cluster lies 100 m off its west end, the park on its east end:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph
    >>> g = build_graph(gpd.GeoDataFrame(
    ...     geometry=[LineString([(600000, 2240000), (602000, 2240000)])], crs=3405))
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A"]},
    ...                       geometry=[Point(600000, 2240100)], crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-B"], "name_vi": ["KCN B"], "major": [True]},
    ...                       geometry=[Point(602000, 2240000)], crs=3405)
    >>> out = road_distances(g, cl, pk)
    >>> out[["road_park_id", "snap_m", "road_km"]].round(3).to_dict("records")
    [{'road_park_id': 'KCN-B', 'snap_m': 100.0, 'road_km': 2.1}]
    """
    parks = _check_inputs(graph, clusters, parks, target=target, major_only=major_only)
    pairs = _measure(graph, clusters, parks, access_speed_kmh)
    reason, valid = _reasons(pairs, max_snap_m)
    road_m = np.where(valid, pairs.road_m, np.nan)
    minutes = None if pairs.minutes is None else np.where(valid, pairs.minutes, np.nan)
    if target == "all":
        return _pair_table(clusters, pairs, road_m, minutes, reason)
    return _site_table(
        clusters, pairs, road_m, minutes, reason, target=target, max_snap_m=max_snap_m
    )


def _check_inputs(
    graph: object,
    clusters: object,
    parks: gpd.GeoDataFrame,
    *,
    target: str,
    major_only: bool,
) -> gpd.GeoDataFrame:
    """Check everything :func:`road_distances` is given, once; return the parks to use."""
    if not isinstance(graph, RoadGraph):
        raise SchemaError("graph must be a RoadGraph from network.build_graph(roads).")
    if target not in _TARGETS:
        raise SchemaError(f"target must be one of {_TARGETS}, not {target!r}.")
    if not isinstance(clusters, gpd.GeoDataFrame):
        raise SchemaError("Layer 'clusters' must be a GeoDataFrame.")
    parks = hub_parks(parks, major_only=major_only)
    for layer, sites in (("clusters", clusters), ("parks", parks)):
        if sites.crs is None:
            raise CRSError(
                f"Layer '{layer}' has no CRS; set it, e.g. {layer}.set_crs('EPSG:4326')."
            )
        check_coordinates(sites, layer)
    if target == "nearest_park_id":
        if "nearest_park_id" not in clusters.columns:
            raise SchemaError(
                "Layer 'clusters' has no column 'nearest_park_id'; run "
                "proximity.nearest_parks(clusters, parks) first or use target='nearest_park'."
            )
        known = {str(x) for x in parks["site_id"].tolist()}
        unknown = sorted(set(clusters["nearest_park_id"].astype(str)) - known)
        if unknown:
            raise SchemaError(
                f"Layer 'clusters', column 'nearest_park_id': parks {first_ids(unknown)} are "
                f"not among the parks given (major_only={major_only}); pass the same parks "
                f"as to proximity.nearest_parks."
            )
    return parks


def _measure(
    graph: RoadGraph,
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    access_speed_kmh: float,
) -> _Pairs:
    """Snap sites and parks, search from the parks, measure every (park, site) pair."""
    s_pts, p_pts, (s_edge, s_snap, s_along), (p_edge, p_snap, p_along) = _snap_sites(
        graph, clusters, parks
    )
    net = _network_m(graph, p_edge, p_along, s_edge, s_along)
    minutes = None
    if graph.edge_time_s is not None:
        net_s = _network_m(graph, p_edge, p_along, s_edge, s_along, time=True)
        access = 3.6 / access_speed_kmh
        minutes = (net_s + (p_snap[:, None] + s_snap[None, :]) * access) / 60
    # sites are points here: the straight line is plain Pythagoras, as GEOS computes it
    dx = shapely.get_x(p_pts)[:, None] - shapely.get_x(s_pts)[None, :]
    dy = shapely.get_y(p_pts)[:, None] - shapely.get_y(s_pts)[None, :]
    return _Pairs(
        road_m=net + p_snap[:, None] + s_snap[None, :],
        straight_m=np.sqrt(dx * dx + dy * dy),
        minutes=minutes,
        s_snap=s_snap,
        p_snap=p_snap,
        s_comp=graph.component[graph.edge_nodes[s_edge, 0]],
        p_comp=graph.component[graph.edge_nodes[p_edge, 0]],
        p_ids=np.array([str(x) for x in parks["site_id"].tolist()], dtype=object),
        p_names=np.array([str(x) for x in parks["name_vi"].tolist()], dtype=object),
    )


def _with_sources(
    matrix: sparse.csr_matrix,
    to_u: np.ndarray,
    to_v: np.ndarray,
    cost_u: np.ndarray,
    cost_v: np.ndarray,
) -> sparse.csr_matrix:
    """``matrix`` with one extra row per source: arcs to ``to_u`` and ``to_v`` at their costs.

    The rows go after the last node, so the CSR arrays of the graph are only extended, not
    sorted again; no arc enters a source, which a search from the sources never needs.
    """
    n, k = matrix.shape[0], len(to_u)
    itype = matrix.indices.dtype
    indptr = np.r_[matrix.indptr, matrix.indptr[-1] + 2 * np.arange(1, k + 1)].astype(itype)
    indices = np.r_[matrix.indices, np.c_[to_u, to_v].ravel().astype(itype)]
    data = np.r_[matrix.data, np.maximum(np.c_[cost_u, cost_v].ravel(), _MIN_EDGE_M)]
    return sparse.csr_matrix((data, indices, indptr), shape=(n + k, n + k))


def _search(
    matrix: sparse.csr_matrix,
    edge_nodes: np.ndarray,
    edge_cost: np.ndarray,
    edge_length_m: np.ndarray,
    p_edge: np.ndarray,
    p_along: np.ndarray,
    s_edge: np.ndarray,
    s_along: np.ndarray,
) -> np.ndarray:
    """Network cost (parks × sites) between points lying on edges, one search per park.

    ``matrix`` is any symmetric CSR matrix over the graph's nodes (all edges, or only those
    left open) holding ``edge_cost`` (metres, seconds, …) of its edges; the points lie on
    edges ``*_edge`` at ``*_along`` metres from their start node. Each park becomes an extra
    node joined to both ends of its edge, so a single Dijkstra from it covers both
    directions; the searches of all parks are one ``dijkstra`` call. A position along an
    edge costs its share of the edge's cost.
    """
    n, k = matrix.shape[0], len(p_edge)
    u, v = edge_nodes[:, 0], edge_nodes[:, 1]
    pace = edge_cost / np.maximum(edge_length_m, _MIN_EDGE_M)  # cost per metre
    p_cost = p_along * pace[p_edge]
    p_rest = edge_cost[p_edge] - p_cost
    matrix = _with_sources(matrix, u[p_edge], v[p_edge], p_cost, p_rest)
    dist = dijkstra(matrix, directed=True, indices=n + np.arange(k))  # (parks, nodes)
    s_cost = s_along * pace[s_edge]
    s_rest = edge_cost[s_edge] - s_cost
    net = np.minimum(dist[:, u[s_edge]] + s_cost[None, :], dist[:, v[s_edge]] + s_rest[None, :])
    same = p_edge[:, None] == s_edge[None, :]
    direct = np.abs(p_along[:, None] - s_along[None, :]) * pace[s_edge][None, :]
    return np.where(same, np.minimum(net, direct), net)


def _network_m(
    graph: RoadGraph,
    p_edge: np.ndarray,
    p_along: np.ndarray,
    s_edge: np.ndarray,
    s_along: np.ndarray,
    *,
    time: bool = False,
) -> np.ndarray:
    """Network cost (parks × sites) on the whole graph: metres, or seconds with ``time``."""
    if time:
        matrix, cost = graph._time_matrix, graph.edge_time_s
    else:
        matrix, cost = graph.matrix, graph.edge_length_m
    return _search(
        matrix, graph.edge_nodes, cost, graph.edge_length_m, p_edge, p_along, s_edge, s_along
    )


def _reasons(pairs: _Pairs, max_snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Why each pair has no road distance (None where it has one), and which pairs have one."""
    reason = np.full(pairs.road_m.shape, None, dtype=object)
    far_site = pairs.s_snap > max_snap_m
    far_park = pairs.p_snap > max_snap_m
    other_piece = pairs.p_comp[:, None] != pairs.s_comp[None, :]
    reason[other_piece] = "site and park lie in different pieces of the road network"
    for i in np.flatnonzero(far_park):
        reason[i, :] = (
            f"park {pairs.p_ids[i]} is {pairs.p_snap[i]:.0f} m from the nearest road "
            f"(> max_snap_m={max_snap_m:g})"
        )
    for j in np.flatnonzero(far_site):
        reason[:, j] = (
            f"site is {pairs.s_snap[j]:.0f} m from the nearest road "
            f"(> max_snap_m={max_snap_m:g})"
        )
    valid = ~(far_site[None, :] | far_park[:, None] | other_piece) & np.isfinite(pairs.road_m)
    return reason, valid


def _pair_table(
    clusters: gpd.GeoDataFrame,
    pairs: _Pairs,
    road_m: np.ndarray,
    minutes: np.ndarray | None,
    reason: np.ndarray,
) -> pd.DataFrame:
    """One row per (site, park), park after park."""
    n_p, n_s = road_m.shape
    road_km, straight_km = road_m.ravel() / 1000, pairs.straight_m.ravel() / 1000
    with np.errstate(divide="ignore", invalid="ignore"):  # a site on its park: NaN/inf
        detour = road_km / straight_km
    out = pd.DataFrame(
        {
            "site_id": np.tile(_ids(clusters), n_p),
            "park_id": np.repeat(pairs.p_ids, n_s),
            "park_name": np.repeat(pairs.p_names, n_s),
            "snap_m": np.tile(pairs.s_snap, n_p),
            "park_snap_m": np.repeat(pairs.p_snap, n_s),
            "road_km": road_km,
            "road_straight_km": straight_km,
            "component": np.tile(pairs.s_comp, n_p),
            "park_component": np.repeat(pairs.p_comp, n_s),
            "road_reason": reason.ravel(),
            "detour_ratio": detour,
        }
    )
    if minutes is not None:
        out["road_min"] = minutes.ravel()
    return out


def _site_table(
    clusters: gpd.GeoDataFrame,
    pairs: _Pairs,
    road_m: np.ndarray,
    minutes: np.ndarray | None,
    reason: np.ndarray,
    *,
    target: str,
    max_snap_m: float,
) -> gpd.GeoDataFrame:
    """Return a copy of ``clusters`` with the measures to the park of each site."""
    cols = np.arange(road_m.shape[1])
    by_road = np.where(np.isnan(road_m), np.inf, road_m)
    if target == "nearest_park_id":
        lookup = {pid: i for i, pid in enumerate(pairs.p_ids)}
        want = clusters["nearest_park_id"].astype(str).to_numpy()
        pick = np.array([lookup[w] for w in want], dtype=np.int64)
    else:
        # Ties (parks at exactly the same distance) go to the smaller park id, so the park
        # order never matters.
        rank = np.broadcast_to(np.argsort(np.argsort(pairs.p_ids))[:, None], by_road.shape)
        by_air = np.lexsort((rank, pairs.straight_m), axis=0)[0]
        nearest_by_road = np.lexsort((rank, by_road), axis=0)[0]
        pick = np.where(np.isfinite(by_road.min(axis=0)), nearest_by_road, by_air)
    out = clusters.copy()
    out["road_park_id"] = pairs.p_ids[pick]
    out["road_park"] = pairs.p_names[pick]
    out["snap_m"] = pairs.s_snap
    out["park_snap_m"] = pairs.p_snap[pick]
    out["road_km"] = road_m[pick, cols] / 1000
    out["road_straight_km"] = pairs.straight_m[pick, cols] / 1000
    out["detour_ratio"] = out["road_km"] / out["road_straight_km"]
    out["component"] = pairs.s_comp
    out["park_component"] = pairs.p_comp[pick]
    chosen = reason[pick, cols]
    if target == "nearest_park":
        none_reachable = ~np.isfinite(by_road.min(axis=0)) & ~(pairs.s_snap > max_snap_m)
        other_piece = pairs.p_comp[pick] != pairs.s_comp
        chosen = np.where(
            none_reachable & other_piece,
            "no major park lies in the site's piece of the road network; the park shown is "
            "the nearest in a straight line",
            chosen,
        )
    out["road_reason"] = pd.array(chosen, dtype="string")
    if minutes is not None:
        out["road_min"] = minutes[pick, cols]
    return out
