"""Road links cut by floods: distances on the roads left open, and the segments that cut them.

After :func:`~.flooddepth.edge_depths` and :func:`~.flooddepth.closed_edges`:

- :func:`flood_cut_distances`: the same csgraph search as ``road_distances``
  (``distances._measure`` with ``open_edges``), once dry and once per return period, on the
  sites snapped once; per cluster the road distance to its hub per return period, the extra
  kilometres, whether the link is cut or the cluster isolated from every hub, the most
  frequent return period that cuts it and the expected annual probability of the cut
  (through the shared kernel :mod:`ninhbinh_geo._riskcurve`, as ``risk.expected_annual``);
- :func:`flood_cut_segments`: the closed segments on the dry routes of the cut links, with
  the number of links each cuts.

The access legs off the road layer (``snap_m``) are not checked for water; a site or park
snapped onto a closed edge reaches nothing.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from .._errors import SchemaError, first_ids
from .._riskcurve import check_options, integrate
from ..crs import STORAGE_CRS, project_checked
from .distances import _check_inputs, _measure, _reasons, _Snapped, _with_sources
from .flooddepth import rp_suffix
from .graph import RoadGraph

__all__ = ["HUBS", "flood_cut_distances", "flood_cut_segments"]


#: The hub a cluster's link goes to, by the ``hub`` option of :func:`flood_cut_distances`:
#: the columns of ``road_distances`` naming it, its dry road distance and why it has none.
HUBS = {
    "road_park": ("road_park_id", "road_km", "road_reason"),
    "nearest_park": ("nearest_park_id", "road_km_to_nearest", "road_reason_to_nearest"),
}


def flood_cut_distances(
    graph: RoadGraph,
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    closed: pd.DataFrame,
    *,
    hub: str = "road_park",
    major_only: bool = True,
    method: str = "trapezoid",
    rare_tail: str = "flat",
    protection_rp: float | None = None,
) -> gpd.GeoDataFrame:
    """Road distance of every cluster to its hub with the roads each flood closes.

    Takes the clusters as ``road_distances`` measured them dry (hub, distance, access-leg
    limit) and runs its search again per return period on the edges left open
    (``distances._measure`` with ``open_edges``), the sites and parks snapped once.

    Parameters
    ----------
    graph : RoadGraph
        The graph ``clusters`` was measured on.
    clusters : geopandas.GeoDataFrame
        Output of ``road_distances(graph, clusters, parks, ...)`` (``target="both"`` for
        ``hub="nearest_park"``).
    parks : geopandas.GeoDataFrame
        The same parks.
    closed : pandas.DataFrame
        From :func:`closed_edges`: closed edges per return period.
    hub : {"road_park", "nearest_park"}, default "road_park"
        Each cluster's hub: the nearest by road on the dry network (``road_park_id``), or
        the nearest in a straight line, the hub of its satellite link (``nearest_park_id``).
    major_only : bool, default True
        As given to ``road_distances``.
    method, rare_tail, protection_rp
        How ``cut_annual_p`` integrates the 0/1 cut indicator over the return periods (see
        ``risk.expected_annual``; the same kernel).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``clusters`` with ``flood_hub_id``, ``road_km_dry`` (to that hub, all roads
        open), per return period ``<rp>`` (``rp10``, ``rp100`` …): ``road_km_<rp>`` (NaN when
        cut), ``extra_km_<rp>``, ``cut_<rp>`` (the link to the hub is cut),
        ``isolated_<rp>`` (no hub is reached at all); ``first_cut_rp`` (the most frequent
        return period that cuts the link, years; NaN if none), ``cut_annual_p`` (expected
        annual probability of the cut) with ``cut_ead_method``, ``cut_rare_tail``,
        ``cut_protection_rp``; ``flood_reason`` (why the cluster has no dry route to its
        hub: a ``road_reason`` key; the flood columns are then NaN/NA).

    Raises
    ------
    SchemaError
        Columns of ``road_distances`` missing, ``closed`` not of this graph, unknown hubs or
        options.

    Examples
    --------
    A cluster 4 km west of its park; the middle kilometre floods at 100 years, and no other
    road exists:

    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph, road_distances
    >>> g = build_graph(gpd.GeoDataFrame(geometry=[LineString([(600000 + 1000 * i, 2240000),
    ...     (601000 + 1000 * i, 2240000)]) for i in range(4)], crs=3405))
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A"]}, geometry=[Point(600000, 2240000)],
    ...                       crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-B"], "name_vi": ["KCN B"], "major": [True]},
    ...                       geometry=[Point(604000, 2240000)], crs=3405)
    >>> mid = [float(g.nodes_xy[a, 0] + g.nodes_xy[b, 0]) / 2 for a, b in g.edge_nodes]
    >>> shut = pd.DataFrame({10.0: [False] * 4, 100.0: [m == 602500 for m in mid]})
    >>> out = flood_cut_distances(g, road_distances(g, cl, pk), pk, shut)
    >>> out[["road_km_dry", "road_km_rp10", "cut_rp100", "first_cut_rp"]].to_dict("records")
    [{'road_km_dry': 4.0, 'road_km_rp10': 4.0, 'cut_rp100': True, 'first_cut_rp': 100.0}]
    >>> round(float(out["cut_annual_p"].iloc[0]), 4)  # 0.01 (flat tail) + 0.09 * 1 / 2
    0.055
    """
    id_col, km_col, reason_col = _hub_columns(clusters, hub)
    max_snap_m = float(clusters["max_snap_m"].iloc[0]) if len(clusters) else 0.0
    parks = _check_inputs(
        graph, clusters, parks, target="nearest_park", major_only=major_only, max_snap_m=max_snap_m
    )
    protection = check_options(method, rare_tail, protection_rp)
    _check_closed(closed, graph)
    pick = _hub_rows(clusters, parks, id_col)
    dry_km = pd.to_numeric(clusters[km_col], errors="coerce").to_numpy(dtype=float)
    reached = np.isfinite(dry_km) & (pick >= 0)
    any_dry = clusters["road_km"].notna().to_numpy()
    pick = np.maximum(pick, 0)
    out = clusters.copy()
    out["flood_hub_id"] = clusters[id_col].astype("string")
    out["road_km_dry"] = np.where(reached, dry_km, np.nan)
    rps = sorted(float(c) for c in closed.columns)
    cut = _per_rp(graph, clusters, parks, closed, out, pick, reached, any_dry, max_snap_m)
    _annual(out, np.array(rps), cut, reached, method, rare_tail, protection)
    why = clusters[reason_col].astype("string").to_numpy(dtype=object)
    out["flood_reason"] = pd.array(np.where(reached, None, why), dtype="string")
    return out


def _per_rp(
    graph: RoadGraph,
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    closed: pd.DataFrame,
    out: gpd.GeoDataFrame,
    pick: np.ndarray,
    reached: np.ndarray,
    any_dry: np.ndarray,
    max_snap_m: float,
) -> np.ndarray:
    """Search again on the roads each flood leaves open; write the columns of each period.

    Returns whether each cluster's link is cut, per return period (ascending) and cluster.
    """
    snapped = _Snapped.of(graph, clusters, parks)
    rps = sorted(float(c) for c in closed.columns)
    cols = np.arange(len(clusters))
    cut = np.zeros((len(rps), len(cols)), dtype=bool)
    for k, rp in enumerate(rps):
        wet = _measure(graph, snapped, parks, open_edges=~closed[rp].to_numpy(dtype=bool))
        wet_m = np.where(_reasons(wet, max_snap_m)[1], wet.road_m, np.inf)
        km = wet_m[pick, cols] / 1000
        cut[k] = reached & ~np.isfinite(km)
        sfx = rp_suffix(rp)
        out[f"road_km_{sfx}"] = np.where(reached & np.isfinite(km), km, np.nan)
        out[f"extra_km_{sfx}"] = out[f"road_km_{sfx}"] - out["road_km_dry"]
        out[f"cut_{sfx}"] = _flag(cut[k], reached)
        out[f"isolated_{sfx}"] = _flag(any_dry & ~np.isfinite(wet_m).any(axis=0), any_dry)
    return cut


def _hub_columns(clusters: object, hub: str) -> tuple[str, str, str]:
    if hub not in HUBS:
        raise SchemaError(f"hub must be one of {list(HUBS)}, not {hub!r}.")
    if not isinstance(clusters, gpd.GeoDataFrame):
        raise SchemaError("Layer 'clusters' must be a GeoDataFrame (from road_distances).")
    needed = [*HUBS[hub], "road_km", "max_snap_m"]
    missing = [c for c in needed if c not in clusters.columns]
    if missing:
        both = ", target='both'" if hub == "nearest_park" else ""
        raise SchemaError(
            f"Layer 'clusters' lacks {missing}: pass the output of network.road_distances"
            f"(graph, clusters, parks{both}) on the same graph."
        )
    return HUBS[hub]


def _check_closed(closed: object, graph: RoadGraph) -> None:
    if not isinstance(closed, pd.DataFrame) or len(closed) != graph.n_edges or closed.empty:
        raise SchemaError(
            "closed must be the DataFrame of closed_edges(graph, depths) for this graph: one "
            "row per edge, one column per return period."
        )


def _hub_rows(clusters: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, id_col: str) -> np.ndarray:
    """Row of each cluster's hub among ``parks`` (-1 where none is named)."""
    lookup = {str(pid): i for i, pid in enumerate(parks["site_id"].tolist())}
    want = clusters[id_col].astype("string")
    unknown = sorted(set(want.dropna()) - set(lookup))
    if unknown:
        raise SchemaError(
            f"Layer 'clusters', column '{id_col}': hubs {first_ids(unknown)} are not among "
            f"the parks given; pass the parks given to road_distances."
        )
    return np.array([lookup.get(w, -1) for w in want.fillna("").tolist()], dtype=np.int64)


def _flag(values: np.ndarray, known: np.ndarray) -> pd.arrays.BooleanArray:
    return pd.array(np.where(known, values, None), dtype="boolean")


def _annual(
    out: gpd.GeoDataFrame,
    rps: np.ndarray,
    cut: np.ndarray,
    reached: np.ndarray,
    method: str,
    rare_tail: str,
    protection: float | None,
) -> None:
    """Most frequent return period that cuts each link, and the annual probability of a cut."""
    first = np.where(cut.any(axis=0), rps[np.argmax(cut, axis=0)], np.nan)
    out["first_cut_rp"] = np.where(reached, first, np.nan)
    indicator = np.where(reached[None, :], cut.astype(float), np.nan).T
    # as risk.expected_annual: a risk curve needs two return periods
    out["cut_annual_p"] = (
        integrate(rps, indicator, method=method, rare_tail=rare_tail, protection_rp=protection)
        if len(rps) >= 2
        else np.nan
    )
    out["cut_ead_method"] = method
    out["cut_rare_tail"] = rare_tail
    out["cut_protection_rp"] = rps.min() if protection is None else max(protection, rps.min())


# -- the segments that cut the links ---------------------------------------------------------


def flood_cut_segments(
    graph: RoadGraph,
    cut: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    closed: pd.DataFrame,
    *,
    depths: pd.DataFrame | None = None,
    major_only: bool = True,
    test_alone: int = 20,
) -> gpd.GeoDataFrame:
    """Find the closed road segments on the dry routes of the links a flood cuts.

    For every link cut at a return period (``cut_<rp>`` of :func:`flood_cut_distances`),
    the shortest dry route from its hub to the cluster is traced (one Dijkstra search from
    the hubs with predecessors) and each of its edges closed at that return period counts
    the link once. A link whose route crosses several closed edges counts on each: closing
    any one of them alone may leave a detour. For the ``test_alone`` segments counting most
    links, ``links_cut_alone`` says how many links closing that one segment alone cuts.

    Parameters
    ----------
    graph : RoadGraph
        The graph of ``cut``.
    cut : geopandas.GeoDataFrame
        Output of :func:`flood_cut_distances` (its ``flood_hub_id`` and ``cut_<rp>``).
    parks : geopandas.GeoDataFrame
        The same parks.
    closed : pandas.DataFrame
        From :func:`closed_edges`, the same as given to :func:`flood_cut_distances`.
    depths : pandas.DataFrame, optional
        From :func:`edge_depths`, for the ``depth_m_<rp>`` columns.
    major_only : bool, default True
        As given to :func:`flood_cut_distances`.
    test_alone : int, default 20
        How many segments are closed one at a time to count ``links_cut_alone``.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one LineString row per such segment, most links first: ``edge_id``,
        ``length_m``, ``closed_rp`` (most frequent return period closing it, years),
        ``links_cut_<rp>``, ``links_cut`` (the largest), ``links_cut_alone`` (NaN beyond the
        tested ones), ``site_ids`` (the clusters cut through it) and, with ``depths``,
        ``depth_m_<rp>``.

    Raises
    ------
    SchemaError
        When ``cut`` lacks the columns of :func:`flood_cut_distances`, as that function.
    """
    _check_closed(closed, graph)
    rps = sorted(float(c) for c in closed.columns)
    needed = ["flood_hub_id", "road_km_dry"] + [f"cut_{rp_suffix(rp)}" for rp in rps]
    missing = [c for c in needed if not isinstance(cut, gpd.GeoDataFrame) or c not in cut]
    if missing:
        raise SchemaError(
            f"Layer 'clusters' lacks {missing}; pass the output of flood_cut_distances with "
            f"the same closed edges."
        )
    max_snap_m = float(cut["max_snap_m"].iloc[0]) if len(cut) else 0.0
    parks = _check_inputs(
        graph, cut, parks, target="nearest_park", major_only=major_only, max_snap_m=max_snap_m
    )
    snapped = _Snapped.of(graph, cut, parks)
    p_ids = np.array([str(x) for x in parks["site_id"].tolist()], dtype=object)
    hub = np.maximum(pd.Index(p_ids).get_indexer(cut["flood_hub_id"].astype(str)), 0)
    flags = np.stack([cut[c].fillna(False).to_numpy(dtype=bool) for c in needed[2:]])
    routes = _dry_routes(graph, snapped, hub, flags.any(axis=0))
    counts, sites = _counts(routes, flags, closed, rps, _ids_of(cut))
    return _segment_layer(
        graph, snapped, parks, cut, closed, depths, rps, counts, sites, hub, test_alone
    )


def _ids_of(sites: pd.DataFrame) -> np.ndarray:
    ids = sites["site_id"] if "site_id" in sites.columns else sites.index.to_series()
    return ids.astype(str).to_numpy()


def _dry_routes(
    graph: RoadGraph, sn: _Snapped, hub: np.ndarray, wanted: np.ndarray
) -> dict[int, np.ndarray]:
    """Edges of the shortest dry route from its hub to every ``wanted`` cluster."""
    n, k = graph.n_nodes, len(sn.p_edge)
    u, v = graph.edge_nodes[:, 0], graph.edge_nodes[:, 1]
    rest = graph.edge_length_m[sn.p_edge] - sn.p_along
    matrix = _with_sources(graph.matrix, u[sn.p_edge], v[sn.p_edge], sn.p_along, rest)
    dist, pred = dijkstra(matrix, directed=True, indices=n + np.arange(k), return_predecessors=True)
    lo, hi = np.minimum(u, v).astype(np.int64), np.maximum(u, v).astype(np.int64)
    keys = lo * n + hi
    order = np.argsort(keys)
    routes: dict[int, np.ndarray] = {}
    for j in np.flatnonzero(wanted):
        i, e = hub[j], sn.s_edge[j]
        via_u = dist[i, u[e]] + sn.s_along[j]
        via_v = dist[i, v[e]] + graph.edge_length_m[e] - sn.s_along[j]
        edges, node = [e], (u[e] if via_u <= via_v else v[e])
        if e == sn.p_edge[i] and abs(sn.s_along[j] - sn.p_along[i]) <= min(via_u, via_v):
            routes[j] = np.array(edges)
            continue
        while np.isfinite(dist[i, node]):
            prev = pred[i, node]
            if prev == n + i or prev < 0:
                edges.append(sn.p_edge[i])
                break
            key = min(prev, node) * n + max(prev, node)
            edges.append(order[np.searchsorted(keys, key, sorter=order)])
            node = prev
        routes[j] = np.unique(edges)
    return routes


def _counts(
    routes: dict[int, np.ndarray],
    flags: np.ndarray,
    closed: pd.DataFrame,
    rps: list[float],
    ids: np.ndarray,
) -> tuple[np.ndarray, dict[int, set[str]]]:
    """Cut links per closed edge and return period; the clusters cut through each edge."""
    counts = np.zeros((len(rps), len(closed)), dtype=np.int64)
    sites: dict[int, set[str]] = {}
    for k, rp in enumerate(rps):
        shut = closed[rp].to_numpy(dtype=bool)
        for j, edges in routes.items():
            if not flags[k, j]:
                continue
            hit = edges[shut[edges]]
            counts[k, hit] += 1
            for e in hit.tolist():
                sites.setdefault(e, set()).add(str(ids[j]))
    return counts, sites


def _segment_layer(
    graph: RoadGraph,
    sn: _Snapped,
    parks: gpd.GeoDataFrame,
    cut: gpd.GeoDataFrame,
    closed: pd.DataFrame,
    depths: pd.DataFrame | None,
    rps: list[float],
    counts: np.ndarray,
    sites: dict[int, set[str]],
    hub: np.ndarray,
    test_alone: int,
) -> gpd.GeoDataFrame:
    edges = np.flatnonzero(counts.max(axis=0) > 0)
    edges = edges[np.argsort(-counts.max(axis=0)[edges], kind="stable")]
    shut = closed[rps].to_numpy(dtype=bool)[edges]
    data: dict[str, object] = {
        "edge_id": edges,
        "length_m": graph.edge_length_m[edges],
        "closed_rp": np.where(shut.any(axis=1), np.array(rps)[np.argmax(shut, axis=1)], np.nan),
    }
    for k, rp in enumerate(rps):
        data[f"links_cut_{rp_suffix(rp)}"] = counts[k, edges]
        if depths is not None:
            data[f"depth_m_{rp_suffix(rp)}"] = depths[rp].to_numpy(dtype=float)[edges]
    data["links_cut"] = counts.max(axis=0)[edges]
    data["links_cut_alone"] = _alone(graph, sn, parks, cut, hub, edges[:test_alone], len(edges))
    data["site_ids"] = [", ".join(sorted(sites.get(int(e), ()))) for e in edges]
    layer = gpd.GeoDataFrame(data, geometry=graph._geometry_of(edges), crs=graph.crs)
    return project_checked(layer, STORAGE_CRS)


def _alone(
    graph: RoadGraph,
    sn: _Snapped,
    parks: gpd.GeoDataFrame,
    cut: gpd.GeoDataFrame,
    hub: np.ndarray,
    tested: np.ndarray,
    n_rows: int,
) -> np.ndarray:
    """Links cut when each tested edge alone is closed (the others open); NaN untested."""
    out = np.full(n_rows, np.nan)
    reached = cut["road_km_dry"].notna().to_numpy()
    cols = np.arange(len(hub))
    for r, e in enumerate(tested):
        open_edges = np.ones(graph.n_edges, dtype=bool)
        open_edges[e] = False
        wet = _measure(graph, sn, parks, open_edges=open_edges)
        out[r] = int((reached & ~np.isfinite(wet.road_m[hub, cols])).sum())
    return out
