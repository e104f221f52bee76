"""Travel time on the road graph: speeds on its edges, minutes between places, catchments.

:func:`with_speeds` gives a :class:`~.graph.RoadGraph` the travel time of every edge from the
speed of its road class (:mod:`.speeds`: planning speeds below the legal ceilings of Circular
31/2019/TT-BGTVT, overridable per class); :func:`travel_minutes` measures minutes between two
sets of places on it. A place (a site, a population cell, a grid cell) reaches the graph by its
**access leg**: the straight line to the nearest road edge, at ``access_speed_kmh``, allowed up
to ``max_snap_m`` (beyond it the place reaches nothing).

The search stage is reusable: :func:`_places` snaps points once; :func:`_times` gives the
seconds between every (source, destination) pair in batches of sources, from one
:func:`scipy.sparse.csgraph.dijkstra` call per batch with a ``limit`` (searches stop at the
budget). A batch searches from the end nodes of the sources' edges when they are fewer than
the sources (many places on few long roads: the embedded network), else from the sources
themselves, each joined to its edge as an extra node (as ``distances._search`` does).
:func:`_catchment_sums` adds up the weights (people, …) of the destinations each source reaches
within each budget.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse.csgraph import dijkstra

from .._errors import CRSError, SchemaError, first_ids
from ..crs import check_coordinates, to_metric
from .distances import _with_sources
from .graph import _CLASS_COLUMNS, _MIN_EDGE_M, RAILWAY_CLASS, RoadGraph, _check_roads
from .snapping import _ids, _site_points, _snap
from .speeds import ACCESS_SPEED_KMH, SPEED_CLASSES, planning_speeds

__all__ = ["speed_column", "travel_minutes", "with_speeds"]

#: Sources searched per dijkstra call: bounds the (sources × nodes) array of one batch.
_BATCH = 256


def speed_column(roads: pd.DataFrame) -> str:
    """Return the column whose classes the speeds are looked up by.

    ``level`` (national / provincial / district, in the embedded layer) when present, else
    ``road_class`` or ``loai_duong``.

    Examples
    --------
    >>> import pandas as pd
    >>> speed_column(pd.DataFrame(columns=["road_class", "level"]))
    'level'
    """
    for col in ("level", *_CLASS_COLUMNS):
        if col in roads.columns:
            return col
    raise SchemaError(
        f"Layer 'roads' has none of the class columns {['level', *_CLASS_COLUMNS]} to look up "
        f"speeds by; pass class_column=<the road class column> and speeds_kmh for its classes."
    )


def _checked_speeds(
    roads: pd.DataFrame, column: str, speeds_kmh: Mapping[object, float] | None
) -> dict[object, float]:
    """Return the speed of every class present: the planning speeds, overridden per class."""
    speeds: dict[object, float] = {**planning_speeds(), **dict(speeds_kmh or {})}
    bad = {k: v for k, v in speeds.items() if not (isinstance(v, int | float) and v > 0)}
    if bad:
        raise SchemaError(f"speeds_kmh must be positive numbers (km/h); got {bad}.")
    present = roads[column]
    missing = sorted({str(c) for c in present.dropna()} - {str(k) for k in speeds})
    if missing or present.isna().any():
        raise SchemaError(
            f"Layer 'roads', column '{column}': no speed for classes "
            f"{missing + (['<missing>'] if present.isna().any() else [])} (rows "
            f"{first_ids(roads.index[~present.isin(list(speeds)) | present.isna()])}); give "
            f"them in speeds_kmh={{class: km/h}} (CLI: --speed CLASS=KMH)."
        )
    over = {
        k: (v, SPEED_CLASSES[k].ceiling_kmh)
        for k, v in speeds.items()
        if k in SPEED_CLASSES and v > SPEED_CLASSES[k].ceiling_kmh
    }
    if over:
        raise SchemaError(
            f"speeds_kmh above the legal ceiling of Circular 31/2019/TT-BGTVT for "
            f"{ {k: f'{v:g} > {c:g} km/h' for k, (v, c) in over.items()} }; a planning speed "
            f"stays below the ceiling (see ninhbinh_geo.network.speeds)."
        )
    return {k: float(v) for k, v in speeds.items() if k in set(present)}


def _edge_speed_kmh(
    graph: RoadGraph, metric: gpd.GeoDataFrame, column: str, speeds: Mapping[object, float]
) -> np.ndarray:
    """Speed of every edge: that of the road line under its middle point (as build_graph).

    Edges no line passes within 1 m of (the connectors that tie dangling ends) run at the
    lowest speed, as in :func:`~.graph.build_graph`.
    """
    parts, row = shapely.get_parts(np.asarray(metric.geometry.values), return_index=True)
    part_speed = np.array([speeds[c] for c in metric[column].to_numpy()[row]], dtype=float)
    mid = shapely.line_interpolate_point(
        graph._geometry_of(np.arange(graph.n_edges)), 0.5, normalized=True
    )
    i_edge, i_part = shapely.STRtree(parts).query_nearest(mid, max_distance=1.0)
    speed = np.full(graph.n_edges, min(speeds.values()), dtype=float)
    first = np.r_[True, i_edge[1:] != i_edge[:-1]]
    speed[i_edge[first]] = part_speed[i_part[first]]
    matched = np.zeros(graph.n_edges, dtype=bool)
    matched[i_edge] = True
    if matched.mean() < 0.5:
        raise SchemaError(
            f"Layer 'roads' does not match the graph: only {matched.sum()} of "
            f"{graph.n_edges} edges lie on its lines. Pass the road layer the graph was "
            f"built from."
        )
    return speed


def with_speeds(
    graph: RoadGraph,
    roads: gpd.GeoDataFrame,
    *,
    speeds_kmh: Mapping[object, float] | None = None,
    class_column: str | None = None,
) -> RoadGraph:
    """Give a road graph the travel time of every edge, from the speed of its road class.

    The graph is the same (nodes, edges, matrix in metres, edge index); only its
    ``edge_time_s`` is set. Every edge runs at the speed of the road line under its middle
    point; the short connectors that tie dangling ends run at the lowest speed.

    Parameters
    ----------
    graph : RoadGraph
        From :func:`~ninhbinh_geo.network.build_graph` on ``roads``.
    roads : geopandas.GeoDataFrame
        The road layer the graph was built from (the railway rows are left out, as there).
    speeds_kmh : mapping, optional
        km/h by class, overriding the planning speeds of
        :data:`~ninhbinh_geo.network.speeds.SPEED_CLASSES` (50 national, 40 provincial, 30
        district, 80 expressway) class by class.
    class_column : str, optional
        Column of the classes; by default :func:`speed_column` (``level``, else
        ``road_class``).

    Returns
    -------
    RoadGraph
        A new graph with ``edge_time_s`` (seconds); the input graph is unchanged.

    Raises
    ------
    SchemaError
        When a class present has no speed, a speed is not positive or above the class's legal
        ceiling, or the roads are not those of the graph.

    Examples
    --------
    A 10 km national road at the planning speed of 50 km/h takes 12 minutes:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from ninhbinh_geo.network import build_graph
    >>> roads = gpd.GeoDataFrame({"level": ["Quốc Gia"]},
    ...     geometry=[LineString([(600000, 2240000), (610000, 2240000)])], crs=3405)
    >>> g = with_speeds(build_graph(roads), roads)
    >>> float(g.edge_time_s.sum() / 60)
    12.0
    >>> float(with_speeds(build_graph(roads), roads, speeds_kmh={"Quốc Gia": 40}).edge_time_s[0])
    900.0
    """
    if not isinstance(graph, RoadGraph):
        raise SchemaError("graph must be a RoadGraph from network.build_graph(roads).")
    roads = _check_roads(roads, "roads")
    for col in _CLASS_COLUMNS:  # the railway is never a road, as in build_graph
        if col in roads.columns:
            roads = roads[roads[col] != RAILWAY_CLASS]
    column = class_column or speed_column(roads)
    if column not in roads.columns:
        raise SchemaError(f"Layer 'roads' has no column '{column}' (class_column).")
    speeds = _checked_speeds(roads, column, speeds_kmh)
    metric = to_metric(roads, "roads", crs=graph.crs.to_string())
    kmh = _edge_speed_kmh(graph, metric, column, speeds)
    timed = dataclasses.replace(
        graph, edge_time_s=graph.edge_length_m / (kmh / 3.6), _edge_lines=graph._edge_lines
    )
    timed.__dict__["_index"] = graph._index  # the same edges: the same spatial index
    timed.__dict__.pop("_time_matrix", None)
    return timed


# --------------------------------------------------------------------------------------------
# Places on the graph and the search stage
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Places:
    """Points placed on a timed graph: the edge each lies by, where along it, its access leg."""

    edge: np.ndarray  # edge number
    along: np.ndarray  # metres from the edge's start node
    snap_m: np.ndarray  # length of the access leg, metres
    leg_s: np.ndarray  # seconds of the access leg; inf beyond max_snap_m

    def __len__(self) -> int:
        return len(self.edge)

    def take(self, idx: np.ndarray | slice) -> _Places:
        """Return the places ``idx``."""
        return _Places(self.edge[idx], self.along[idx], self.snap_m[idx], self.leg_s[idx])

    @property
    def reached(self) -> np.ndarray:
        """Whether each place lies within ``max_snap_m`` of the road layer."""
        return np.isfinite(self.leg_s)


def _places(
    graph: RoadGraph, pts: np.ndarray, *, access_speed_kmh: float, max_snap_m: float
) -> _Places:
    """Snap points (shapely, in the graph's CRS) onto the graph once."""
    edge, snap, along = _snap(graph, np.asarray(pts, dtype=object))
    leg_s = np.where(snap <= max_snap_m, snap / (access_speed_kmh / 3.6), np.inf)
    return _Places(edge, along, snap, leg_s)


def _ends(graph: RoadGraph, places: _Places) -> tuple[np.ndarray, ...]:
    """End nodes of the places' edges and the seconds from each place to them."""
    cost = graph.edge_time_s[places.edge]
    pace = cost / np.maximum(graph.edge_length_m[places.edge], _MIN_EDGE_M)
    to_u = places.along * pace
    return graph.edge_nodes[places.edge, 0], graph.edge_nodes[places.edge, 1], to_u, cost - to_u


def _same_edge(graph: RoadGraph, src: _Places, dst: _Places, t: np.ndarray) -> None:
    """Lower ``t`` (sources × destinations) where a pair lies on one edge: straight along it."""
    order = np.argsort(dst.edge, kind="stable")
    sorted_edge = dst.edge[order]
    lo = np.searchsorted(sorted_edge, src.edge, "left")
    count = np.searchsorted(sorted_edge, src.edge, "right") - lo
    if not count.any():
        return
    i = np.repeat(np.arange(len(src)), count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    j = order[np.repeat(lo, count) + offset]
    e = dst.edge[j]
    pace = graph.edge_time_s[e] / np.maximum(graph.edge_length_m[e], _MIN_EDGE_M)
    direct = np.abs(src.along[i] - dst.along[j]) * pace
    t[i, j] = np.minimum(t[i, j], direct)


def _network_s(graph: RoadGraph, src: _Places, dst: _Places, limit_s: float) -> np.ndarray:
    """Seconds on the network between every (source, destination), legs excluded."""
    matrix = graph._time_matrix
    su, sv, s_to_u, s_to_v = _ends(graph, src)
    du, dv, d_to_u, d_to_v = _ends(graph, dst)
    nodes = np.unique(np.r_[su, sv])
    if len(nodes) <= len(src):
        # few long roads: search from their end nodes, then step along the sources' edges
        dist = dijkstra(matrix, directed=True, indices=nodes, limit=limit_s)
        to_dst = np.minimum(dist[:, du] + d_to_u, dist[:, dv] + d_to_v)
        iu, iv = np.searchsorted(nodes, su), np.searchsorted(nodes, sv)
        t = np.minimum(to_dst[iu] + s_to_u[:, None], to_dst[iv] + s_to_v[:, None])
    else:
        n = graph.n_nodes
        joined = _with_sources(matrix, su, sv, s_to_u, s_to_v)
        dist = dijkstra(joined, directed=True, indices=n + np.arange(len(src)), limit=limit_s)
        t = np.minimum(dist[:, du] + d_to_u, dist[:, dv] + d_to_v)
    _same_edge(graph, src, dst, t)
    return t


def _times(
    graph: RoadGraph, src: _Places, dst: _Places, *, limit_s: float = np.inf, batch: int = _BATCH
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield the seconds (legs included) from each batch of sources to every destination.

    Pairs farther than ``limit_s`` may come out as inf; a place beyond ``max_snap_m`` of the
    roads reaches nothing (inf).
    """
    for start in range(0, len(src), batch):
        part = slice(start, min(start + batch, len(src)))
        s = src.take(part)
        t = _network_s(graph, s, dst, limit_s)
        t += s.leg_s[:, None]
        t += dst.leg_s[None, :]
        yield part, t


def _catchment_sums(
    graph: RoadGraph,
    src: _Places,
    dst: _Places,
    weights: np.ndarray,
    budgets_s: np.ndarray,
    *,
    batch: int = _BATCH,
) -> np.ndarray:
    """Sum of ``weights`` (destinations × k) of the destinations each source reaches in time.

    Returns an array (sources, budgets, k): what lies within each budget (seconds, legs
    included). Destinations beyond ``max_snap_m`` of the roads are never reached.
    """
    weights = np.asarray(weights, dtype=float).reshape(len(dst), -1)
    budgets_s = np.asarray(budgets_s, dtype=float)
    keep = dst.reached & (weights != 0).any(axis=1)
    dst, weights = dst.take(keep), weights[keep]
    out = np.zeros((len(src), len(budgets_s), weights.shape[1]))
    if not len(dst):
        return out
    for part, t in _times(graph, src, dst, limit_s=float(budgets_s.max()), batch=batch):
        for b, budget in enumerate(budgets_s):
            out[part, b] = (t <= budget) @ weights
    return out


# --------------------------------------------------------------------------------------------
# The door: minutes between two sets of sites
# --------------------------------------------------------------------------------------------


def _check_timed(graph: object) -> RoadGraph:
    if not isinstance(graph, RoadGraph):
        raise SchemaError("graph must be a RoadGraph from network.build_graph(roads).")
    if graph.edge_time_s is None:
        raise SchemaError(
            "The graph has no travel times; give it speeds with "
            "network.traveltime.with_speeds(graph, roads)."
        )
    return graph


def _check_access(access_speed_kmh: float, max_snap_m: float) -> None:
    if not access_speed_kmh > 0:
        raise SchemaError(f"access_speed_kmh must be > 0 km/h, not {access_speed_kmh!r}.")
    if not max_snap_m >= 0:
        raise SchemaError(f"max_snap_m must be a distance >= 0 in metres, not {max_snap_m!r}.")


def _check_sites(sites: object, layer: str) -> gpd.GeoDataFrame:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError(f"Layer '{layer}' must be a GeoDataFrame.")
    if sites.crs is None:
        raise CRSError(f"Layer '{layer}' has no CRS; set it, e.g. {layer}.set_crs('EPSG:4326').")
    check_coordinates(sites, layer)
    return sites


def travel_minutes(
    graph: RoadGraph,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    access_speed_kmh: float = ACCESS_SPEED_KMH,
    max_snap_m: float = 3000.0,
) -> pd.DataFrame:
    """Travel time in minutes between every origin and every destination.

    Sites are their points as in ``proximity`` and ``network.road_distances`` (``lon``/``lat``
    where the footprint is illustrative, else a point inside the outline); each reaches the
    nearest road edge by a straight access leg at ``access_speed_kmh``.

    Parameters
    ----------
    graph : RoadGraph
        A graph with travel times (:func:`with_speeds`).
    origins, destinations : geopandas.GeoDataFrame
        Sites with a CRS; rows and columns of the result are named by ``site_id`` (else the
        index).
    access_speed_kmh : float, default 20.0
        Speed on the access legs (:data:`~.speeds.ACCESS_SPEED_KMH`).
    max_snap_m : float, default 3000.0
        Longest access leg; a site farther from every road reaches nothing (NaN).

    Returns
    -------
    pandas.DataFrame
        Minutes, origins × destinations; NaN where no route exists (another piece of the
        network, or an access leg beyond ``max_snap_m``).

    Raises
    ------
    SchemaError
        For a graph without travel times, non-positive ``access_speed_kmh``, negative
        ``max_snap_m`` or layers that are not GeoDataFrames.
    CRSError
        When a layer has no CRS or coordinates that do not fit it.

    Examples
    --------
    A 10 km national road (12 min at 50 km/h); the origin sits 1 km off its west end (3 min
    at 20 km/h):

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph
    >>> roads = gpd.GeoDataFrame({"level": ["Quốc Gia"]},
    ...     geometry=[LineString([(600000, 2240000), (610000, 2240000)])], crs=3405)
    >>> g = with_speeds(build_graph(roads), roads)
    >>> o = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(600000, 2241000)], crs=3405)
    >>> d = gpd.GeoDataFrame({"site_id": ["B"]}, geometry=[Point(610000, 2240000)], crs=3405)
    >>> travel_minutes(g, o, d).round(6).to_dict()
    {'B': {'A': 15.0}}
    """
    graph = _check_timed(graph)
    _check_access(access_speed_kmh, max_snap_m)
    origins = _check_sites(origins, "origins")
    destinations = _check_sites(destinations, "destinations")
    kw = {"access_speed_kmh": access_speed_kmh, "max_snap_m": max_snap_m}
    src = _places(graph, _site_points(origins, "origins", graph.crs), **kw)
    dst = _places(graph, _site_points(destinations, "destinations", graph.crs), **kw)
    minutes = np.full((len(src), len(dst)), np.nan)
    for part, t in _times(graph, src, dst):
        minutes[part] = np.where(np.isfinite(t), t / 60, np.nan)
    return pd.DataFrame(minutes, index=_ids(origins), columns=_ids(destinations))


def _catchment_profile(
    graph: RoadGraph,
    src: _Places,
    dst: _Places,
    weights: np.ndarray,
    *,
    max_s: float,
    step_s: float,
    batch: int = _BATCH,
) -> np.ndarray:
    """Sum the weights of the destinations each source reaches within each level of time.

    Returns an array (sources, levels) for the budgets ``0, step_s, …, max_s`` (seconds, legs
    included): one search per batch gives every budget (a time ``t`` is within ``k·step_s``
    exactly when ``ceil(t / step_s) <= k``).
    """
    weights = np.asarray(weights, dtype=float)
    keep = dst.reached & (weights != 0)
    dst, weights = dst.take(keep), weights[keep]
    n_levels = round(max_s / step_s) + 1
    out = np.zeros((len(src), n_levels))
    if not len(dst):
        return out
    for part, t in _times(graph, src, dst, limit_s=max_s, batch=batch):
        within = t <= max_s + 1e-9
        rows, cols = np.nonzero(within)
        level = np.minimum(np.ceil(t[rows, cols] / step_s - 1e-9), n_levels - 1).astype(np.int64)
        n = t.shape[0]
        sums = np.bincount(rows * n_levels + level, weights[cols], minlength=n * n_levels)
        out[part] = np.cumsum(sums.reshape(n, n_levels), axis=1)
    return out
