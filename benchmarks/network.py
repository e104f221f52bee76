"""Benchmark: road distances of 1,000 origins to 4 parks, ours vs networkx, igraph and csgraph.

Two graphs:

* a generated, ILLUSTRATIVE grid (jittered nodes, full-length polylines that cross unsplit) of
  more than 100,000 edges in EPSG:3405, built by ``network.build_graph`` from its line layer;
* the real province graph (LegoCity roads, railway left out, clipped to the new province plus
  15 km) with 1,000 random origins inside the province and the 4 major parks of the embedded
  park layer (or 4 random points, flagged illustrative, when the datasets are not built).

The pipeline is lines → graph → distances. Ours: ``network.build_graph`` (noding of the lines
with numpy as GEOS nodes them, ends joined, edge list: ``network.graph._edge_list``; node order
along a Morton curve, CSR matrix and components: ``network.graph._assemble``; the edge index
for snapping: ``network.snapping._EdgeIndex``), then ``network.road_distances(target="all")``
(snapping of origins and parks, ONE ``scipy.sparse.csgraph.dijkstra`` call from the 4 parks,
lookup of every origin, the output table).

The same pipeline built with each peer, as an expert would write it:

* geometric stage (``geos_noding_seconds``): ``shapely.node`` (GEOS) on all lines, ends joined
  and dangling ends tied as ours does (the implementation before issue 10), giving the same
  edge list;
* networkx: ``nx.Graph`` from the edge list, one ``single_source_dijkstra_path_length`` per
  park (the park joined to its edge as a node), lookup of every origin;
* igraph (``python-igraph``): ``igraph.Graph`` from the edge list, one ``Graph.distances``
  call from the 4 park vertices (joined to their edges), lookup;
* scipy's csgraph used directly: a CSR matrix from the edge list in the order the nodes were
  found (with the parks as extra rows), one ``dijkstra`` call from the parks, lookup.

The peers reuse our snapping (edge index + ``network.snapping._snap_sites``) and are charged
its time. Every round runs every stage, ours and the peers alternating, so that all meet the
same machine load; each stage's time is the MEDIAN over ``--repeat`` rounds (at least 5;
processor time of this process is reported too, which other work on a shared machine
disturbs less). Ratios (peer ÷ ours):

* ``speedup_vs_<peer>``: from the edge list (graph + index + snapping + searches + lookup);
* ``speedup_vs_<peer>_end_to_end``: from the line layer (geometric stage included on both
  sides: ours ``build_graph`` + ``road_distances``, the peer GEOS noding + its pipeline);
* ``speedup_vs_<peer>_search_only``: the searches and lookups alone (graph, index and snaps
  ready on both sides);
* ``speedup_vs_networkx_end_to_end_shared_noding``: as if networkx were given our noding.

Distances and reachability of all pipelines are asserted equal (relative 1e-9, absolute
1e-5 m), and the GEOS edge list is asserted equal to ours. The garbage collector is off while
a stage is timed (as in ``timeit``). The load average of the machine is printed.

Flood-cut road distances (issue 13), on the same grid: three ILLUSTRATIVE depth rasters (100 m
cells, a smooth made-up depth field, deeper with the return period: 10, 100, 1000 years) are
written to a temporary folder; ``flood_cut_ratio`` is the median time of the flood-cut
computation (``network.edge_depths`` sampling every edge on the three rasters,
``network.closed_edges`` at 0.3 m, ``network.flood_cut_distances`` on the output of the uncut
``road_distances``: snapping once, one search per return period on the edges left open, the
table) over the median time of one uncut computation (``network.road_distances`` of the same
origins and parks), the two alternating in every round. Target: under 4.
``flood_cut_ratio_with_dry`` counts the uncut computation in as well (dry + 3 return periods).

Run: ``.venv/bin/python benchmarks/network.py [--quick]``. The last line printed is a JSON
object.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import igraph as ig
import networkx as nx
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ninhbinh_geo import network
from ninhbinh_geo.crs import to_metric
from ninhbinh_geo.network import distances, graph, joining, noding, snapping

ROADS = Path("/work/shared/data/roads/legocity/giaothong.geojson")
PROVINCE = Path("/work/shared/data/boundaries/odm/odm_ninhbinh2025_dissolved.geojson")
X0, Y0 = 560_000.0, 2_200_000.0
MIN_EDGE_M = graph._MIN_EDGE_M


def log(msg: str) -> None:
    print(msg, flush=True)


def grid_layer(n: int, step_m: float, seed: int) -> gpd.GeoDataFrame:
    """Jittered n×n grid as 2n full-length polylines (ILLUSTRATIVE, not a real network)."""
    rng = np.random.default_rng(seed)
    xs, ys = np.meshgrid(np.arange(n) * step_m, np.arange(n) * step_m)
    xs = X0 + xs + rng.uniform(-0.2, 0.2, xs.shape) * step_m
    ys = Y0 + ys + rng.uniform(-0.2, 0.2, ys.shape) * step_m
    rows = shapely.linestrings(np.stack([xs, ys], axis=-1))
    cols = shapely.linestrings(np.stack([xs.T, ys.T], axis=-1))
    lines = np.r_[rows, cols]
    return gpd.GeoDataFrame(
        {"accuracy": ["illustrative"] * len(lines)}, geometry=lines, crs="EPSG:3405"
    )


def point_layer(xy: np.ndarray, prefix: str, crs: str = "EPSG:3405") -> gpd.GeoDataFrame:
    ids = [f"{prefix}{i}" for i in range(len(xy))]
    return gpd.GeoDataFrame(
        {"site_id": ids, "name_vi": ids, "major": [True] * len(ids)},
        geometry=shapely.points(xy),
        crs=crs,
    )


# -- the geometric stage as a peer pipeline does it: GEOS noding ---------------------------


def geos_edge_list(lines: np.ndarray, tolerance_m: float):
    """Edge list (u, v, length_m) from lines with ``shapely.node``, ends joined as ours."""

    def node(g: np.ndarray) -> np.ndarray:
        out = shapely.get_parts(shapely.node(shapely.multilinestrings(g)))
        return out[shapely.length(out) > 0]

    def ends_of(pieces: np.ndarray) -> np.ndarray:
        coords, idx = shapely.get_coordinates(pieces, return_index=True)
        return joining._endpoints(coords, np.bincount(idx, minlength=len(pieces)))[0]

    parts = shapely.get_parts(lines)
    pieces = node(parts[shapely.length(parts) > 0])
    ends = ends_of(pieces)
    labels, nodes_xy = joining._cluster_points(ends, tolerance_m)
    if tolerance_m > 0:
        lines_ = noding._Lines(
            shapely.get_coordinates(pieces), shapely.get_num_coordinates(pieces), pieces
        )
        lines_, links = joining._connectors(lines_, ends, labels, tolerance_m)
        if len(links):
            pieces = node(np.r_[lines_.all(), links])
            ends = ends_of(pieces)
            labels, nodes_xy = joining._cluster_points(ends, tolerance_m)
    m = len(pieces)
    u, v, length = labels[:m], labels[m:], shapely.length(pieces)
    keep = u != v
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((length, b, a))
    order = order[keep[order]]
    first = np.r_[True, (a[order][1:] != a[order][:-1]) | (b[order][1:] != b[order][:-1])]
    sel = np.sort(order[first])
    return u[sel], v[sel], length[sel], nodes_xy


# -- peers: graph from the edge list, searches from the parks, lookup of the origins --------


def lookup(dist_u, dist_v, length, snaps):
    """(parks, origins) road metres from park distances to both ends of each origin's edge."""
    s_edge, s_snap, s_along, p_edge, p_snap, p_along = snaps
    net = np.minimum(dist_u + s_along[None, :], dist_v + (length[s_edge] - s_along)[None, :])
    same = p_edge[:, None] == s_edge[None, :]
    direct = np.abs(p_along[:, None] - s_along[None, :])
    net = np.where(same, np.minimum(net, direct), net)
    return net + p_snap[:, None] + s_snap[None, :]


def nx_build(u, v, length) -> nx.Graph:
    g = nx.Graph()
    g.add_weighted_edges_from(zip(u.tolist(), v.tolist(), length.tolist(), strict=True))
    return g


def nx_search(g: nx.Graph, u, v, length, snaps) -> np.ndarray:
    """One single-source Dijkstra per park (the park joined to its edge as a node)."""
    s_edge, _, _, p_edge, _, p_along = snaps
    a, b = u[s_edge].tolist(), v[s_edge].tolist()
    dist_u, dist_v = np.empty((len(p_edge), len(s_edge))), np.empty((len(p_edge), len(s_edge)))
    for i, e in enumerate(p_edge.tolist()):
        name = ("park", i)
        g.add_edge(name, int(u[e]), weight=max(p_along[i], MIN_EDGE_M))
        g.add_edge(name, int(v[e]), weight=max(length[e] - p_along[i], MIN_EDGE_M))
        d = nx.single_source_dijkstra_path_length(g, name)
        g.remove_node(name)
        dist_u[i] = [d.get(x, np.inf) for x in a]
        dist_v[i] = [d.get(x, np.inf) for x in b]
    return lookup(dist_u, dist_v, length, snaps)


def ig_build(u, v, length, n: int) -> ig.Graph:
    g = ig.Graph(n=n, edges=np.c_[u, v].tolist(), directed=False)
    g.es["weight"] = length.tolist()
    return g


def ig_search(g: ig.Graph, u, v, length, snaps) -> np.ndarray:
    """One ``Graph.distances`` call from the park vertices (joined to their edges)."""
    s_edge, _, _, p_edge, _, p_along = snaps
    n, k = g.vcount(), len(p_edge)
    parks = list(range(n, n + k))
    g.add_vertices(k)
    g.add_edges(
        [(n + i, int(u[e])) for i, e in enumerate(p_edge)]
        + [(n + i, int(v[e])) for i, e in enumerate(p_edge)],
        attributes={
            "weight": np.r_[
                np.maximum(p_along, MIN_EDGE_M), np.maximum(length[p_edge] - p_along, MIN_EDGE_M)
            ].tolist()
        },
    )
    dist = np.array(g.distances(source=parks, weights="weight"))
    g.delete_vertices(parks)
    return lookup(dist[:, u[s_edge]], dist[:, v[s_edge]], length, snaps)


def cs_build(u, v, length, n: int) -> sparse.csr_matrix:
    w = np.maximum(length, MIN_EDGE_M)
    return sparse.coo_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n)).tocsr()


def cs_search(matrix: sparse.csr_matrix, u, v, length, snaps) -> np.ndarray:
    """The parks as extra nodes of a new matrix, one ``dijkstra`` call from all of them."""
    s_edge, _, _, p_edge, _, p_along = snaps
    n, k = matrix.shape[0], len(p_edge)
    park = n + np.arange(k)
    w_u, w_v = np.maximum(p_along, MIN_EDGE_M), np.maximum(length[p_edge] - p_along, MIN_EDGE_M)
    extra = sparse.coo_matrix(
        (np.r_[w_u, w_v], (np.r_[park, park], np.r_[u[p_edge], v[p_edge]])), shape=(n + k, n + k)
    )
    full = (sparse.block_diag([matrix, sparse.csr_matrix((k, k))]) + extra).tocsr()
    dist = dijkstra(full, directed=True, indices=park)
    return lookup(dist[:, u[s_edge]], dist[:, v[s_edge]], length, snaps)


# -- the case ------------------------------------------------------------------------------


def timed_rounds(stages: dict, repeat: int, state: dict) -> tuple[dict, dict]:
    """Run every stage once per round, in order; the median wall and CPU time of each."""
    wall: dict[str, list[float]] = {name: [] for name in stages}
    cpu: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(repeat):
        for name, fn in stages.items():
            # as timeit does: no collection of what an earlier stage left falls into a stage
            gc.disable()
            try:
                t, c = time.perf_counter(), time.process_time()
                result = fn()
                wall[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
            finally:
                gc.enable()
            state[name] = result
    med = {name: float(np.median(t)) for name, t in wall.items()}
    med_cpu = {name: float(np.median(t)) for name, t in cpu.items()}
    return med, med_cpu


def run_case(label, layer, origins, parks, *, repeat, tolerance_m):
    log(f"[{label}] {len(layer)} lines, {len(origins)} origins, {len(parks)} parks")
    roads = layer
    if "loai_duong" in roads.columns:  # what build_graph leaves out: the railway
        roads = roads[roads["loai_duong"] != network.RAILWAY_CLASS]
    lines = np.asarray(to_metric(roads, label).geometry.values)
    graph0 = network.build_graph(layer, tolerance_m=tolerance_m)
    _, _, (u0, v0, len0, _, _), xy0, _ = graph._edge_list(lines, tolerance_m)
    n = len(xy0)
    gu, gv, glen, gxy = geos_edge_list(lines, tolerance_m)
    for mine, geos in ((u0, gu), (v0, gv), (len0, glen), (xy0, gxy)):
        assert np.array_equal(mine, geos), "the GEOS edge list differs from ours"
    log(f"[{label}] {graph0} ({graph0.connectors} connectors); GEOS edge list identical")

    def snap_all():
        _, _, sites, hubs = snapping._snap_sites(state["build"], origins, parks)
        return (*sites, *hubs)

    def assemble() -> network.RoadGraph:
        u, v, nodes_xy, matrix, comp = graph._assemble(u0, v0, len0, xy0)
        return dataclasses.replace(
            graph0, matrix=matrix, nodes_xy=nodes_xy, component=comp, edge_nodes=np.c_[u, v]
        )

    def edge_index() -> snapping._EdgeIndex:
        fresh = state["graph"]
        fresh.__dict__["_index"] = snapping._EdgeIndex.build(fresh)
        return fresh._index

    def dijkstra_ours():
        s_edge, _, s_along, p_edge, _, p_along = state["snaps"]
        return distances._network_m(state["build"], p_edge, p_along, s_edge, s_along)

    state: dict[str, object] = {}
    stages = {
        # ours, from the line layer
        "build": lambda: network.build_graph(layer, tolerance_m=tolerance_m),
        "query": lambda: network.road_distances(
            state["build"], origins, parks, target="all", max_snap_m=1e12
        ),
        # the peers' geometric stage
        "geos_noding": lambda: geos_edge_list(lines, tolerance_m),
        # ours, stage by stage from the edge list
        "noding": lambda: graph._edge_list(lines, tolerance_m),
        "graph": assemble,
        "tree": edge_index,
        "snaps": snap_all,
        "dijkstra": dijkstra_ours,
        # peers from the same edge list; they reuse (and are charged) our snapping
        "nx_build": lambda: nx_build(u0, v0, len0),
        "nx_search": lambda: nx_search(state["nx_build"], u0, v0, len0, state["snaps"]),
        "ig_build": lambda: ig_build(u0, v0, len0, n),
        "ig_search": lambda: ig_search(state["ig_build"], u0, v0, len0, state["snaps"]),
        "cs_build": lambda: cs_build(u0, v0, len0, n),
        "cs_search": lambda: cs_search(state["cs_build"], u0, v0, len0, state["snaps"]),
    }
    load_start = os.getloadavg()[0]
    t, c = timed_rounds(stages, repeat, state)
    load_end = os.getloadavg()[0]

    n_p, n_s = len(parks), len(origins)
    ours_km = state["query"]["road_km"].to_numpy().reshape(n_p, n_s)
    finite = np.isfinite(ours_km)
    for peer in ("nx", "ig", "cs"):
        peer_m = state[f"{peer}_search"]
        assert np.array_equal(finite, np.isfinite(peer_m)), f"reachability differs ({peer})"
        np.testing.assert_allclose(ours_km[finite] * 1000, peer_m[finite], rtol=1e-9, atol=1e-5)
    log(f"[{label}] distances identical in all pipelines: {int(finite.sum())} pairs")

    ours_plan = t["graph"] + t["tree"] + t["query"]
    ours_e2e = t["build"] + t["query"]
    charged = t["tree"] + t["snaps"]  # the peers' snapping: our edge index and snap code
    plan = {p: t[f"{p}_build"] + t[f"{p}_search"] + charged for p in ("nx", "ig", "cs")}
    cpu_ours = c["graph"] + c["tree"] + c["query"]
    cpu_nx = c["nx_build"] + c["nx_search"] + c["tree"] + c["snaps"]
    log(
        f"[{label}] ours (median of {repeat}): build_graph {t['build']:.4f} s (noding + edge "
        f"list {t['noding']:.4f} s, graph {t['graph']:.4f} s, edge index {t['tree']:.4f} s), "
        f"road_distances {t['query']:.4f} s (dijkstra + lookup {t['dijkstra']:.4f} s) -> "
        f"{ours_e2e:.4f} s end to end; GEOS noding for the peers {t['geos_noding']:.4f} s"
    )
    for p, name in (("nx", "networkx"), ("ig", "igraph"), ("cs", "csgraph direct")):
        log(
            f"[{label}] {name}: graph {t[p + '_build']:.4f} s, searches + lookup "
            f"{t[p + '_search']:.4f} s, + edge index and snapping {charged:.4f} s -> "
            f"{plan[p]:.4f} s; end to end {t['geos_noding'] + plan[p]:.4f} s"
        )
    log(f"[{label}] load average (1 min) {load_start:.2f} at start, {load_end:.2f} at end")

    def ratio(a: float, b: float, nd: int = 2) -> float:
        return round(a / b, nd)

    result = {
        "edges": graph0.n_edges,
        "nodes": graph0.n_nodes,
        "components": len(graph0.components),
        "origins": n_s,
        "parks": n_p,
        "build_graph_seconds": round(t["build"], 4),
        "build_graph_cpu_seconds": round(c["build"], 4),
        "noding_seconds": round(t["noding"], 4),
        "geos_noding_seconds": round(t["geos_noding"], 4),
        "graph_seconds": round(t["graph"], 4),
        "edge_index_seconds": round(t["tree"], 4),
        "road_distances_seconds": round(t["query"], 4),
        "ours_same_plan_seconds": round(ours_plan, 4),
        "seconds": round(ours_e2e, 4),
        "dijkstra_seconds": round(t["dijkstra"], 4),
        "snapping_seconds": round(t["snaps"], 4),
        "networkx_build_seconds": round(t["nx_build"], 4),
        "networkx_snapping_seconds": round(t["snaps"], 4),
        "networkx_search_seconds": round(t["nx_search"], 4),
        "networkx_same_plan_seconds": round(plan["nx"], 4),
        "igraph_build_seconds": round(t["ig_build"], 4),
        "igraph_search_seconds": round(t["ig_search"], 4),
        "igraph_same_plan_seconds": round(plan["ig"], 4),
        "csgraph_direct_build_seconds": round(t["cs_build"], 4),
        "csgraph_direct_search_seconds": round(t["cs_search"], 4),
        "csgraph_direct_same_plan_seconds": round(plan["cs"], 4),
        "speedup_vs_networkx": ratio(plan["nx"], ours_plan, 1),
        "speedup_vs_networkx_end_to_end": ratio(t["geos_noding"] + plan["nx"], ours_e2e),
        "speedup_vs_networkx_end_to_end_shared_noding": ratio(t["noding"] + plan["nx"], ours_e2e),
        "speedup_vs_networkx_search_only": ratio(t["nx_search"], t["dijkstra"], 1),
        "speedup_vs_igraph": ratio(plan["ig"], ours_plan),
        "speedup_vs_igraph_end_to_end": ratio(t["geos_noding"] + plan["ig"], ours_e2e),
        "speedup_vs_igraph_search_only": ratio(t["ig_search"], t["dijkstra"]),
        "speedup_vs_csgraph_direct": ratio(plan["cs"], ours_plan),
        "speedup_vs_csgraph_direct_end_to_end": ratio(t["geos_noding"] + plan["cs"], ours_e2e),
        "speedup_vs_csgraph_direct_search_only": ratio(t["cs_search"], t["dijkstra"]),
        "speedup_noding_vs_geos": ratio(t["geos_noding"], t["noding"]),
        "cpu_ours_same_plan_seconds": round(cpu_ours, 4),
        "cpu_networkx_same_plan_seconds": round(cpu_nx, 4),
        "speedup_vs_networkx_cpu": ratio(cpu_nx, cpu_ours, 1),
        "load_average_start": round(load_start, 2),
        "load_average_end": round(load_end, 2),
    }
    log(f"[{label}] " + json.dumps(result))
    return result


def flood_rasters(folder: Path, span: float, cell: float = 100.0) -> dict[float, Path]:
    """Three ILLUSTRATIVE depth rasters over the grid, deeper with the return period."""
    import rasterio
    from rasterio.transform import from_origin

    w = h = int(span / cell) + 40
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.sin(xx / 37.0) * np.cos(yy / 23.0) + np.sin((xx + yy) / 61.0)
    out = {}
    for rp, offset in ((10.0, -1.2), (100.0, -0.9), (1000.0, -0.6)):
        path = folder / f"illustrative_depth_rp{int(rp):05d}.tif"
        profile = {
            "driver": "GTiff", "width": w, "height": h, "count": 1, "dtype": "float32",
            "crs": "EPSG:3405", "nodata": -9999.0,
            "transform": from_origin(X0 - 20 * cell, Y0 + span + 20 * cell, cell, cell),
        }  # fmt: skip
        with rasterio.open(path, "w", **profile) as ds:
            ds.write(np.clip(base + offset, 0, None).astype("float32"), 1)
            ds.update_tags(accuracy="illustrative")
        out[rp] = path
    return out


def flood_cut_case(layer, origins, parks, span, args):
    """Flood-cut road distances over 3 return periods against one uncut computation."""
    g = network.build_graph(layer, tolerance_m=1.0)
    folder = Path(tempfile.mkdtemp(prefix="flood-cut-bench-"))
    hazards = flood_rasters(folder, span)
    state: dict[str, object] = {}

    def depths():
        return network.edge_depths(g, hazards)

    def cut():
        closed = network.closed_edges(g, depths())
        return network.flood_cut_distances(g, state["uncut"], parks, closed)

    stages = {
        "uncut": lambda: network.road_distances(g, origins, parks, max_snap_m=1e12),
        "flood_cut": cut,
        "edge_depths": depths,
    }
    load_start = os.getloadavg()[0]
    t, c = timed_rounds(stages, args.repeat, state)
    load_end = os.getloadavg()[0]
    out = state["flood_cut"]
    # with no road closed the flood-cut search gives the uncut distances back
    none_closed = network.closed_edges(g, state["edge_depths"] * 0)
    again = network.flood_cut_distances(g, state["uncut"], parks, none_closed)
    np.testing.assert_allclose(again["road_km_rp10"], state["uncut"]["road_km"], rtol=1e-12)
    assert (
        out["road_km_rp1000"].dropna() >= out["road_km_dry"][out["road_km_rp1000"].notna()]
    ).all()
    closed = network.closed_edges(g, state["edge_depths"])
    for path in hazards.values():
        path.unlink()
    folder.rmdir()
    result = {
        "edges": g.n_edges,
        "origins": len(origins),
        "parks": len(parks),
        "return_periods": [10, 100, 1000],
        "closed_share": {f"{rp:g}": round(float(closed[rp].mean()), 4) for rp in closed.columns},
        "cut_links": {
            f"{rp:g}": int(out[f"cut_{network.rp_suffix(rp)}"].sum()) for rp in closed.columns
        },
        "uncut_seconds": round(t["uncut"], 4),
        "flood_cut_seconds": round(t["flood_cut"], 4),
        "edge_depths_seconds": round(t["edge_depths"], 4),
        "flood_cut_ratio": round(t["flood_cut"] / t["uncut"], 2),
        "flood_cut_ratio_with_dry": round((t["flood_cut"] + t["uncut"]) / t["uncut"], 2),
        "flood_cut_cpu_ratio": round(c["flood_cut"] / c["uncut"], 2),
        "load_average_start": round(load_start, 2),
        "load_average_end": round(load_end, 2),
    }
    log(
        f"[flood cut] uncut road_distances {t['uncut']:.4f} s; flood-cut distances over 3 "
        f"return periods {t['flood_cut']:.4f} s (of which edge depths {t['edge_depths']:.4f} s)"
        f" -> ratio {result['flood_cut_ratio']} (CPU {result['flood_cut_cpu_ratio']}); "
        f"load {load_start:.2f}/{load_end:.2f}"
    )
    return result


def province_case(args):
    if not ROADS.exists() or not PROVINCE.exists():
        log("[province] real roads or boundary missing: skipped")
        return None
    roads = gpd.read_file(ROADS)
    province = gpd.read_file(PROVINCE).to_crs("EPSG:3405")
    area = province.buffer(15_000).union_all()
    roads = gpd.clip(roads.to_crs("EPSG:3405"), area)
    inside = province.union_all()
    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = inside.bounds
    pts = []
    while len(pts) < args.origins:
        cand = shapely.points(rng.uniform([minx, miny], [maxx, maxy], size=(2000, 2)))
        pts.extend(cand[shapely.contains(inside, cand)].tolist())
    origins = gpd.GeoDataFrame(
        {"site_id": [f"O{i}" for i in range(args.origins)]},
        geometry=pts[: args.origins],
        crs="EPSG:3405",
    )
    hubs = ["KCN-HN-DONGVAN1", "KCN-ND-BAOMINH", "KCN-NB-KHANHPHU", "KCN-NB-GIANKHAU"]
    try:
        from ninhbinh_geo import datasets

        parks = datasets.load_parks()
        parks = parks[parks["major"]].drop_duplicates("site_id")
        for prefix in hubs:
            assert prefix in set(parks["site_id"]), prefix
        parks = parks[parks["site_id"].isin(hubs)]
        log("[province] parks: 4 major parks of datasets.load_parks() (approximate locations)")
    except Exception as exc:  # the embedded data are built by another module
        log(f"[province] embedded parks unavailable ({exc}); 4 ILLUSTRATIVE random parks")
        parks = point_layer(shapely.get_coordinates(origins.geometry.iloc[:4]), "PARK-")
    return run_case("province", roads, origins, parks, repeat=args.repeat, tolerance_m=20.0)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer origins' rounds, < 60 s")
    parser.add_argument("--grid", type=int, default=230, help="nodes per side (230: 105k edges)")
    parser.add_argument("--origins", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7, help="rounds (medians; at least 5)")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    args.repeat = 5 if args.quick else max(5, args.repeat)
    start = time.perf_counter()

    n, step = args.grid, 200.0
    layer = grid_layer(n, step, args.seed)
    rng = np.random.default_rng(args.seed)
    span = (n - 1) * step
    origins = point_layer(rng.uniform([X0, Y0], [X0 + span, Y0 + span], (args.origins, 2)), "O")
    parks = point_layer(rng.uniform([X0, Y0], [X0 + span, Y0 + span], (4, 2)), "P")
    grid = run_case("grid", layer, origins, parks, repeat=args.repeat, tolerance_m=1.0)
    assert grid["edges"] >= 100_000, grid["edges"]
    flood = flood_cut_case(layer, origins, parks, span, args)
    province = province_case(args)
    if province is not None:
        assert province["seconds"] < 1.0, province
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        **grid,
        "flood_cut_ratio": flood["flood_cut_ratio"],
        "flood_cut": flood,
        "province": province,
        "quick": args.quick,
        "repeat": args.repeat,
        "statistic": "median of the rounds, every stage of every pipeline in every round",
        "timed": "ours: build_graph (numpy noding, edge list, Morton order, CSR, components, "
        "edge index) + road_distances (snapping, one dijkstra from all parks, lookup, table); "
        "peers: GEOS noding (shapely.node) to the same edge list, their graph, searches from "
        "the parks and lookup, + our edge index and snapping",
        "total_benchmark_seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return summary


if __name__ == "__main__":
    main()
