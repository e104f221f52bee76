"""Road distances from clusters to parks: check once, snap, search from the parks, tabulate.

:func:`road_distances` is the door; it runs stages that take checked inputs and trust them:
:func:`_check_inputs`; :meth:`_Snapped.of` (sites and parks snapped onto the edges, once);
:func:`_measure` (the network cost of every (park, site) pair through :func:`_network_m`:
one :func:`scipy.sparse.csgraph.dijkstra` call from all parks, :func:`_search`, on the CSR
matrix of the edges left open, in metres or seconds); :func:`_reasons` (why a pair has no
distance, as :mod:`ninhbinh_geo.labels` keys) and the tables (:func:`_pair_table`,
:func:`_site_table`).

The stages are meant to be run again on the same snapped sites: for roads closed by a flood,
``_measure(graph, snapped, parks, open_edges=mask)`` per scenario gives the costs on the edges
left open (a pair cut off by the closures gets ``road_reason.no_route``); with speeds,
``_measure`` also gives minutes (``graph.edge_time_s``).
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
from ..hubs import hub_parks
from .graph import _MIN_EDGE_M, RoadGraph, _csr
from .snapping import _ids, _snap_sites

_TARGETS = ("nearest_park", "nearest_park_id", "both", "all")

#: Why a road distance is missing: ``road_reason`` holds one of these keys of
#: :mod:`ninhbinh_geo.labels` (``label(key, lang)`` gives the Vietnamese or English text).
REASON_SITE_FAR = "road_reason.site_far"  # the site lies beyond max_snap_m of every road
REASON_PARK_FAR = "road_reason.park_far"  # the park lies beyond max_snap_m of every road
REASON_OTHER_PIECE = "road_reason.other_piece"  # site and park on separate pieces
REASON_NO_ROUTE = "road_reason.no_route"  # same piece, but no route on the edges left open
#: the site reaches no hub: the park shown is the nearest in a straight line
REASON_NO_HUB_REACHED = "road_reason.no_hub_reached"
ROAD_REASONS = (
    REASON_SITE_FAR,
    REASON_PARK_FAR,
    REASON_OTHER_PIECE,
    REASON_NO_ROUTE,
    REASON_NO_HUB_REACHED,
)


@dataclass(frozen=True)
class _Snapped:
    """Sites and parks placed on the graph: their points and where they meet the edges."""

    s_pts: np.ndarray  # site points in the graph's CRS
    p_pts: np.ndarray  # park points
    s_edge: np.ndarray  # edge each site is snapped onto
    s_snap: np.ndarray  # distance of each site to that edge, metres (the access leg)
    s_along: np.ndarray  # position along the edge, metres from its start node
    p_edge: np.ndarray
    p_snap: np.ndarray
    p_along: np.ndarray

    @classmethod
    def of(cls, graph: RoadGraph, clusters: gpd.GeoDataFrame, parks: gpd.GeoDataFrame) -> _Snapped:
        """Snap the points of ``clusters`` and ``parks`` onto ``graph`` in one pass."""
        s_pts, p_pts, s, p = _snap_sites(graph, clusters, parks)
        return cls(s_pts, p_pts, *s, *p)


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

    Sites and parks are their points (``lon``/``lat`` where the footprint is illustrative or
    missing, else a point inside the real outline, as in ``proximity``), snapped to the nearest
    road edge. ``road_km`` = access leg of the site + network path + access leg of the park:
    the legs stand in for local roads the layer lacks, so they are *included* (``snap_m``,
    ``park_snap_m``). One rule for both: beyond ``max_snap_m`` there is no road distance.

    Parameters
    ----------
    graph : RoadGraph
        From ``build_graph``.
    clusters : geopandas.GeoDataFrame
        Sites with a CRS; ``site_id`` used in messages; for ``target="nearest_park_id"`` or
        ``"both"`` the column ``nearest_park_id`` (from ``proximity.nearest_parks``).
    parks : geopandas.GeoDataFrame
        Parks with ``site_id``, ``name_vi`` (and ``major`` when ``major_only``).
    max_snap_m : float, default 3000.0
        The access leg allowed off the road layer, for sites and parks alike. The layer has
        only national and provincial roads; 3 km is the reach of the commune roads it lacks
        in the delta (the review allows 5 km).
    target : {"nearest_park", "nearest_park_id", "both", "all"}, default "nearest_park"
        The park nearest by road; the park named in ``nearest_park_id``; both (the latter in
        ``road_km_to_nearest``); or a long DataFrame, one row per (site, park).
    major_only : bool, default True
        Use only parks with ``major`` True.
    access_speed_kmh : float, default 20.0
        Speed on the access legs for ``road_min`` (only when the graph has speeds).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A copy of ``clusters`` (same index and CRS) with ``road_park_id``, ``road_park``,
        ``snap_m``, ``park_snap_m`` (m), ``road_km``, ``road_straight_km`` (between the same
        points), ``detour_ratio``, ``component``, ``park_component``, ``road_reason`` (why
        ``road_km`` is NaN: a ``labels`` key of :data:`ROAD_REASONS`), ``max_snap_m`` (also
        in ``attrs``) and, with speeds, ``road_min``; with ``"both"`` also
        ``road_km_to_nearest``, ``road_reason_to_nearest`` (``road_min_to_nearest``). For
        ``"all"``: ``site_id``, ``park_id``, ``park_name`` and the same measures per pair.

    Raises
    ------
    SchemaError
        For an empty park layer, missing columns, unknown ``target`` or park ids, a negative
        ``max_snap_m``, or sites with neither footprint nor point.
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
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A", "CCN-B"]},
    ...                       geometry=[Point(600000, 2240100), Point(601000, 2245000)],
    ...                       crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-B"], "name_vi": ["KCN B"], "major": [True]},
    ...                       geometry=[Point(602000, 2240000)], crs=3405)
    >>> out = road_distances(g, cl, pk)
    >>> out[["road_park_id", "snap_m", "road_km"]].round(3).to_dict("list")
    {'road_park_id': ['KCN-B', 'KCN-B'], 'snap_m': [100.0, 5000.0], 'road_km': [2.1, nan]}
    >>> out["road_reason"].tolist(), float(out.attrs["max_snap_m"])
    ([<NA>, 'road_reason.site_far'], 3000.0)
    """
    parks = _check_inputs(
        graph, clusters, parks, target=target, major_only=major_only, max_snap_m=max_snap_m
    )
    pairs = _measure(graph, _Snapped.of(graph, clusters, parks), parks, access_speed_kmh)
    reason, valid = _reasons(pairs, max_snap_m)
    road_m = np.where(valid, pairs.road_m, np.nan)
    minutes = None if pairs.minutes is None else np.where(valid, pairs.minutes, np.nan)
    if target == "all":
        out = _pair_table(clusters, pairs, road_m, minutes, reason)
    else:
        out = _site_table(clusters, pairs, road_m, minutes, reason, target=target)
    out["max_snap_m"] = float(max_snap_m)
    out.attrs["max_snap_m"] = float(max_snap_m)
    return out


def _check_inputs(
    graph: object,
    clusters: object,
    parks: gpd.GeoDataFrame,
    *,
    target: str,
    major_only: bool,
    max_snap_m: float,
) -> gpd.GeoDataFrame:
    """Check everything :func:`road_distances` is given, once; return the parks to use."""
    if not isinstance(graph, RoadGraph):
        raise SchemaError("graph must be a RoadGraph from network.build_graph(roads).")
    if target not in _TARGETS:
        raise SchemaError(f"target must be one of {_TARGETS}, not {target!r}.")
    if not max_snap_m >= 0:
        raise SchemaError(f"max_snap_m must be a distance >= 0 in metres, not {max_snap_m!r}.")
    if not isinstance(clusters, gpd.GeoDataFrame):
        raise SchemaError("Layer 'clusters' must be a GeoDataFrame.")
    parks = hub_parks(parks, major_only=major_only)
    for layer, sites in (("clusters", clusters), ("parks", parks)):
        if sites.crs is None:
            raise CRSError(
                f"Layer '{layer}' has no CRS; set it, e.g. {layer}.set_crs('EPSG:4326')."
            )
        check_coordinates(sites, layer)
    if target in ("nearest_park_id", "both"):
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
    snapped: _Snapped,
    parks: gpd.GeoDataFrame,
    access_speed_kmh: float = 20.0,
    *,
    open_edges: np.ndarray | None = None,
) -> _Pairs:
    """Measure every (park, site) pair of sites and parks snapped onto ``graph``.

    ``open_edges`` (bool per edge) leaves the others out of the search, e.g. roads closed by
    a flood; a site or park snapped onto a closed edge reaches nothing. Run it again with
    other edges open on the same ``snapped``.
    """
    sn = snapped
    ends = (sn.p_edge, sn.p_along, sn.s_edge, sn.s_along)
    net = _network_m(graph, *ends, open_edges=open_edges)
    minutes = None
    if graph.edge_time_s is not None:
        net_s = _network_m(graph, *ends, time=True, open_edges=open_edges)
        access = 3.6 / access_speed_kmh
        minutes = (net_s + (sn.p_snap[:, None] + sn.s_snap[None, :]) * access) / 60
    # sites are points here: the straight line is plain Pythagoras, as GEOS computes it
    dx = shapely.get_x(sn.p_pts)[:, None] - shapely.get_x(sn.s_pts)[None, :]
    dy = shapely.get_y(sn.p_pts)[:, None] - shapely.get_y(sn.s_pts)[None, :]
    return _Pairs(
        road_m=net + sn.p_snap[:, None] + sn.s_snap[None, :],
        straight_m=np.sqrt(dx * dx + dy * dy),
        minutes=minutes,
        s_snap=sn.s_snap,
        p_snap=sn.p_snap,
        s_comp=graph.component[graph.edge_nodes[sn.s_edge, 0]],
        p_comp=graph.component[graph.edge_nodes[sn.p_edge, 0]],
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
    *,
    open_edges: np.ndarray | None = None,
) -> np.ndarray:
    """Network cost (parks × sites) between points lying on edges, one search per park.

    ``matrix`` is any symmetric CSR matrix over the graph's nodes (all edges, or only those
    left open) holding ``edge_cost`` (metres, seconds, …) of its edges; the points lie on
    edges ``*_edge`` at ``*_along`` metres from their start node. Each park becomes an extra
    node joined to both ends of its edge, so a single Dijkstra from it covers both
    directions; the searches of all parks are one ``dijkstra`` call. A position along an
    edge costs its share of the edge's cost. With ``open_edges`` (the edges of ``matrix``),
    a point on a closed edge reaches nothing (inf).
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
    net = np.where(same, np.minimum(net, direct), net)
    if open_edges is not None:
        net[~open_edges[p_edge], :] = np.inf
        net[:, ~open_edges[s_edge]] = np.inf
    return net


def _network_m(
    graph: RoadGraph,
    p_edge: np.ndarray,
    p_along: np.ndarray,
    s_edge: np.ndarray,
    s_along: np.ndarray,
    *,
    time: bool = False,
    open_edges: np.ndarray | None = None,
) -> np.ndarray:
    """Network cost (parks × sites): metres, or seconds with ``time``; on the open edges."""
    if time:
        matrix, cost = graph._time_matrix, graph.edge_time_s
    else:
        matrix, cost = graph.matrix, graph.edge_length_m
    if open_edges is not None:
        open_edges = np.asarray(open_edges, dtype=bool)
        keep = np.flatnonzero(open_edges)
        u, v = graph.edge_nodes[keep, 0], graph.edge_nodes[keep, 1]
        matrix = _csr(u, v, cost[keep], graph.n_nodes)
    return _search(
        matrix,
        graph.edge_nodes,
        cost,
        graph.edge_length_m,
        p_edge,
        p_along,
        s_edge,
        s_along,
        open_edges=open_edges,
    )


def _reasons(pairs: _Pairs, max_snap_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Why each pair has no road distance (a label key; None where it has one), and which do.

    The access leg limit is the same for sites and parks. Of several reasons the first of
    site too far, park too far, separate pieces, no route (on the edges left open) is given.
    """
    reason = np.full(pairs.road_m.shape, None, dtype=object)
    far_site = pairs.s_snap > max_snap_m
    far_park = pairs.p_snap > max_snap_m
    other_piece = pairs.p_comp[:, None] != pairs.s_comp[None, :]
    reason[~np.isfinite(pairs.road_m)] = REASON_NO_ROUTE
    reason[other_piece] = REASON_OTHER_PIECE
    reason[far_park, :] = REASON_PARK_FAR
    reason[:, far_site] = REASON_SITE_FAR
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
            "road_reason": pd.array(reason.ravel(), dtype="string"),
            "detour_ratio": detour,
        }
    )
    if minutes is not None:
        out["road_min"] = minutes.ravel()
    return out


def _to_park(
    pairs: _Pairs,
    road_m: np.ndarray,
    minutes: np.ndarray | None,
    reason: np.ndarray,
    pick: np.ndarray,
) -> dict[str, object]:
    """Measure every site to the park ``pick`` names for it (a row of the pairs)."""
    cols = np.arange(road_m.shape[1])
    road_km = road_m[pick, cols] / 1000
    straight_km = pairs.straight_m[pick, cols] / 1000
    with np.errstate(divide="ignore", invalid="ignore"):  # a site on its park: NaN/inf
        detour = road_km / straight_km
    out: dict[str, object] = {
        "road_park_id": pairs.p_ids[pick],
        "road_park": pairs.p_names[pick],
        "snap_m": pairs.s_snap,
        "park_snap_m": pairs.p_snap[pick],
        "road_km": road_km,
        "road_straight_km": straight_km,
        "detour_ratio": detour,
        "component": pairs.s_comp,
        "park_component": pairs.p_comp[pick],
        "road_reason": pd.array(reason[pick, cols], dtype="string"),
    }
    if minutes is not None:
        out["road_min"] = minutes[pick, cols]
    return out


def _site_table(
    clusters: gpd.GeoDataFrame,
    pairs: _Pairs,
    road_m: np.ndarray,
    minutes: np.ndarray | None,
    reason: np.ndarray,
    *,
    target: str,
) -> gpd.GeoDataFrame:
    """Return a copy of ``clusters`` with the measures to the park of each site."""
    by_road = np.where(np.isnan(road_m), np.inf, road_m)
    named = None
    if target in ("nearest_park_id", "both"):
        lookup = {pid: i for i, pid in enumerate(pairs.p_ids)}
        want = clusters["nearest_park_id"].astype(str).to_numpy()
        named = np.array([lookup[w] for w in want], dtype=np.int64)
    shown = reason.copy()
    if target == "nearest_park_id":
        pick = named
    else:
        # Ties (parks at exactly the same distance) go to the smaller park id, so the park
        # order never matters.
        rank = np.broadcast_to(np.argsort(np.argsort(pairs.p_ids))[:, None], by_road.shape)
        by_air = np.lexsort((rank, pairs.straight_m), axis=0)[0] if named is None else named
        nearest_by_road = np.lexsort((rank, by_road), axis=0)[0]
        reached = np.isfinite(by_road.min(axis=0))
        pick = np.where(reached, nearest_by_road, by_air)
        # a site that reaches no hub: where the park shown (the nearest in a straight line)
        # lies on another piece, say that no hub is reached rather than why that one is not
        cols = np.arange(len(pick))
        piece = ~reached & np.isin(reason[pick, cols], (REASON_OTHER_PIECE, REASON_NO_ROUTE))
        shown[pick[piece], cols[piece]] = REASON_NO_HUB_REACHED
    out = clusters.copy()
    for col, values in _to_park(pairs, road_m, minutes, shown, pick).items():
        out[col] = values
    if target == "both":
        to_nearest = _to_park(pairs, road_m, minutes, reason, named)
        out["road_km_to_nearest"] = to_nearest["road_km"]
        out["road_reason_to_nearest"] = to_nearest["road_reason"]
        if minutes is not None:
            out["road_min_to_nearest"] = to_nearest["road_min"]
    return out
