"""Benchmark: road distances of 1,000 origins to 4 parks, scipy.sparse.csgraph vs networkx.

Two graphs:

* a generated, ILLUSTRATIVE grid (jittered nodes, full-length polylines that cross unsplit) of
  more than 100,000 edges in EPSG:3405, built by ``network.build_graph`` from its line layer;
* the real province graph (LegoCity roads, railway left out, clipped to the new province plus
  15 km) with 1,000 random origins inside the province and the 4 major parks of the embedded
  park layer (or 4 random points, flagged illustrative, when the datasets are not built).

``build_graph`` has two stages: the geometric one (noding the lines, joining ends, dropping
self-loops and longer parallels: ``network._edge_list``) hands on an edge list (with the
bounding box of every edge, read from the coordinates it extracts for the end points); the
graph one (``network._assemble``: nodes renumbered along a Morton curve, the CSR matrix,
components) turns it into the sparse matrix, and the edge index used for snapping
(``network._EdgeIndex``: edges in blocks of nearby nodes, an STRtree of the block boxes) is
built last.

Timed, wall clock, best round of ``--repeat`` (stages interleaved ours/networkx in every
round so that both meet the same machine load; nothing is reused between rounds except the
inputs: the edge list, and for networkx our graph object to read the edge list from):

* ours (``ours_same_plan_seconds``): graph from the edge list (``_assemble``, a new
  ``RoadGraph`` every round) + the edge index of that graph + ``road_distances(target=
  "all")`` on it: site points and snapping of origins and parks, ONE
  ``scipy.sparse.csgraph.dijkstra`` call from the 4 parks (``indices=`` all of them),
  lookup of every origin, the output table;
* networkx, same plan (``networkx_same_plan_seconds``): ``nx.Graph`` built from the same
  edge list, one ``single_source_dijkstra_path_length`` per park (the park joined to its
  edge as a node), lookup of every origin into an array (no table); plus the same edge
  index time and the time of the same snapping code (``network._snap_sites``: points of
  origins and parks, snapped in one pass; the searches then use those snaps);
* networkx, naive plan: one ``single_source_dijkstra_path_length`` per origin, timed on a
  sample of origins and scaled to 1,000 (+ the same graph build, index and snapping).

``speedup_vs_networkx`` = networkx same plan ÷ ours, both from the edge list;
``speedup_vs_networkx_cpu`` is the same ratio in processor time of this process
(``time.process_time``, best round), which other work on a shared machine disturbs less.
``speedup_vs_networkx_search_only`` compares the searches alone (graph, index and snaps
ready on both sides: the dijkstra call with its park nodes and the lookup, against the
networkx searches and lookups). The geometric stage both sides need first is reported as
``noding_seconds`` and added to networkx in the ``*_end_to_end`` ratios; ``seconds`` is our
whole run from the line layer (``build_graph``, which includes the edge index, +
``road_distances``). Distances and reachability of all plans are asserted equal (relative
1e-9, absolute 1e-5 m). The garbage collector is off while a stage is timed (as in
``timeit``).

Run: ``.venv/bin/python benchmarks/network.py [--quick]``. The last line printed is a JSON
object.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import resource
import sys
import time
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ninhbinh_geo import network
from ninhbinh_geo.crs import to_metric

ROADS = Path("/work/shared/data/roads/legocity/giaothong.geojson")
PROVINCE = Path("/work/shared/data/boundaries/odm/odm_ninhbinh2025_dissolved.geojson")
X0, Y0 = 560_000.0, 2_200_000.0


def log(msg: str) -> None:
    print(msg, flush=True)


def best_of(repeat: int, fn):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


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


def nx_graph(graph: network.RoadGraph) -> nx.Graph:
    g = nx.Graph()
    g.add_weighted_edges_from(
        zip(
            graph.edge_nodes[:, 0].tolist(),
            graph.edge_nodes[:, 1].tolist(),
            graph.edge_length_m.tolist(),
            strict=True,
        )
    )
    return g


def nx_on_edge(g: nx.Graph, graph: network.RoadGraph, edge: int, along: float, name) -> None:
    """Join a point lying on ``edge`` to the graph as node ``name`` (what a user would do)."""
    u, v = (int(x) for x in graph.edge_nodes[edge])
    g.add_edge(name, u, weight=max(along, network._MIN_EDGE_M))
    g.add_edge(name, v, weight=max(graph.edge_length_m[edge] - along, network._MIN_EDGE_M))


def combine(graph, lengths, s_edge, s_along, p_edge, p_along, p_snap, s_snap):
    """Distance park → site on its edge, from the result dict of one networkx search."""
    a, b = graph.edge_nodes[s_edge, 0], graph.edge_nodes[s_edge, 1]
    da = np.array([lengths.get(x, np.inf) for x in a.tolist()])
    db = np.array([lengths.get(x, np.inf) for x in b.tolist()])
    slen = graph.edge_length_m[s_edge]
    net = np.minimum(da + s_along, db + slen - s_along)
    same = s_edge == p_edge
    net = np.where(same, np.minimum(net, np.abs(s_along - p_along)), net)
    return net + p_snap + s_snap


def nx_same_plan(graph, snaps, g: nx.Graph | None = None):
    """One single-source Dijkstra per park on an nx.Graph built from the same edge list."""
    s_edge, s_snap, s_along, p_edge, p_snap, p_along = snaps
    if g is None:
        g = nx_graph(graph)  # timed: graph building counts on both sides
    out = np.empty((len(p_edge), len(s_edge)))
    for i in range(len(p_edge)):
        name = ("park", i)
        nx_on_edge(g, graph, p_edge[i], p_along[i], name)
        lengths = nx.single_source_dijkstra_path_length(g, name)
        g.remove_node(name)
        out[i] = combine(graph, lengths, s_edge, s_along, p_edge[i], p_along[i], p_snap[i], s_snap)
    return out


def _park_site(snaps):
    s_edge, _, s_along, p_edge, _, p_along = snaps
    return p_edge, p_along, s_edge, s_along


def nx_per_origin(graph, snaps, sample: np.ndarray):
    """The naive plan: one single-source Dijkstra per origin, reading the 4 parks."""
    s_edge, s_snap, s_along, p_edge, p_snap, p_along = snaps
    g = nx_graph(graph)
    for i in range(len(p_edge)):
        nx_on_edge(g, graph, p_edge[i], p_along[i], ("park", i))
    out = np.empty((len(p_edge), len(sample)))
    for col, j in enumerate(sample):
        name = ("origin", int(j))
        nx_on_edge(g, graph, s_edge[j], s_along[j], name)
        lengths = nx.single_source_dijkstra_path_length(g, name)
        g.remove_node(name)
        for i in range(len(p_edge)):
            net = lengths.get(("park", i), np.inf)
            if s_edge[j] == p_edge[i]:
                net = min(net, abs(s_along[j] - p_along[i]))
            out[i, col] = net + p_snap[i] + s_snap[j]
    return out


def run_case(label, layer, origins, parks, *, repeat, naive_sample, tolerance_m, seed):
    log(f"[{label}] {len(layer)} lines, {len(origins)} origins, {len(parks)} parks")
    t_build, graph = best_of(repeat, lambda: network.build_graph(layer, tolerance_m=tolerance_m))
    log(f"[{label}] build_graph: {graph} in {t_build:.3f} s ({graph.connectors} connectors)")
    roads = layer
    if "loai_duong" in roads.columns:  # what build_graph leaves out: the railway
        roads = roads[roads["loai_duong"] != network.RAILWAY_CLASS]
    lines = np.asarray(to_metric(roads, label).geometry.values)
    t_noding, (_, _, edge_list, xy, _) = best_of(
        repeat, lambda: network._edge_list(lines, tolerance_m)
    )
    u0, v0, len0, _, _ = edge_list  # the edge list as the geometric stage hands it on

    def snap_all():
        _, _, sites, hubs = network._snap_sites(graph, origins, parks)
        return (*sites, *hubs)

    def assemble() -> network.RoadGraph:
        # node order (Morton), CSR matrix and components from the edge list, as build_graph
        # makes them: the round's index and query run on this graph, as a user's would
        u, v, nodes_xy, matrix, comp = network._assemble(u0, v0, len0, xy)
        return dataclasses.replace(
            graph, matrix=matrix, nodes_xy=nodes_xy, component=comp, edge_nodes=np.c_[u, v]
        )

    def edge_index() -> network._EdgeIndex:
        # what build_graph precomputes for snapping, built on the round's graph
        fresh = state["graph"]
        fresh.__dict__["_index"] = network._EdgeIndex.build(fresh)
        return fresh._index

    same = assemble()
    assert np.array_equal(same.nodes_xy, graph.nodes_xy)
    assert np.array_equal(same.edge_nodes, graph.edge_nodes)
    assert (same.matrix != graph.matrix).nnz == 0

    # Stages are interleaved, ours then networkx, in every round, so that both meet the
    # same machine load; the best round of each stage counts.
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}  # processor time of this process: robust to a busy machine
    state: dict[str, object] = {}
    for _ in range(repeat):
        stages = {
            "graph": assemble,
            "tree": edge_index,
            "query": lambda: network.road_distances(
                state["graph"], origins, parks, target="all", max_snap_m=1e12
            ),
            # networkx needs the same snapping: it reuses ours and is charged its time
            "snaps": snap_all,
            "nxbuild": lambda: nx_graph(graph),
            "nx": lambda: nx_same_plan(graph, state["snaps"]),
            # searches only, both sides: graph, tree and snaps ready
            "dijkstra": lambda: network._network_m(graph, *_park_site(state["snaps"])),
            "nxsearch": lambda: nx_same_plan(graph, state["snaps"], state["nxbuild"]),
        }
        for name, fn in stages.items():
            # as timeit does: the garbage collector is off while a stage is timed, so that
            # a collection of what an earlier stage left falls on neither side (an explicit
            # collection between stages would walk the networkx graph and leave every
            # cache cold)
            gc.disable()
            try:
                t, c = time.perf_counter(), time.process_time()
                result = fn()
                best[name] = min(best.get(name, np.inf), time.perf_counter() - t)
                cpu[name] = min(cpu.get(name, np.inf), time.process_time() - c)
            finally:
                gc.enable()
            state[name] = result
    long, snaps, nx_m = state["query"], state["snaps"], state["nx"]
    t_graph, t_tree, t_query = best["graph"], best["tree"], best["query"]
    t_snap, t_nxbuild, t_nx = best["snaps"], best["nxbuild"], best["nx"]
    n_p, n_s = len(parks), len(origins)
    ours_km = long["road_km"].to_numpy().reshape(n_p, n_s)
    log(
        f"[{label}] ours: graph from edge list (node order + CSR + components) {t_graph:.4f} s, "
        f"edge index {t_tree:.4f} s, road_distances (snap + dijkstra from parks + "
        f"lookup + table) {t_query:.4f} s -> {t_graph + t_tree + t_query:.4f} s"
    )
    nx_total = t_nx + t_tree + t_snap
    t_dijkstra, t_nxsearch = best["dijkstra"], best["nxsearch"]
    log(
        f"[{label}] searches only: scipy dijkstra from the parks + lookup {t_dijkstra:.4f} s, "
        f"networkx one search per park + lookup {t_nxsearch:.4f} s"
    )
    log(
        f"[{label}] networkx: graph build {t_nxbuild:.4f} s; same plan (build + one search "
        f"per park + lookup) {t_nx:.4f} s; + edge index {t_tree:.4f} s and snapping "
        f"{t_snap:.4f} s -> {nx_total:.4f} s"
    )
    finite = np.isfinite(ours_km)
    assert np.array_equal(finite, np.isfinite(nx_m)), "reachability differs from networkx"
    np.testing.assert_allclose(ours_km[finite] * 1000, nx_m[finite], rtol=1e-9, atol=1e-5)
    log(f"[{label}] distances identical to networkx (same plan): {int(finite.sum())} pairs")

    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n_s, size=min(naive_sample, n_s), replace=False))
    t_naive_sample, naive_m = best_of(1, lambda: nx_per_origin(graph, snaps, sample))
    ok = np.isfinite(ours_km[:, sample])
    assert np.array_equal(ok, np.isfinite(naive_m)), "reachability differs (per origin)"
    np.testing.assert_allclose(ours_km[:, sample][ok] * 1000, naive_m[ok], rtol=1e-9, atol=1e-5)
    # the sample run includes one graph build; scale the searches only, add tree and snapping
    t_naive = t_nxbuild + (t_naive_sample - t_nxbuild) / len(sample) * n_s + t_tree + t_snap
    log(
        f"[{label}] networkx one search per origin: {t_naive_sample:.2f} s for {len(sample)} "
        f"origins -> {t_naive:.1f} s for {n_s} (distances identical)"
    )
    ours = t_graph + t_tree + t_query
    cpu_ours = cpu["graph"] + cpu["tree"] + cpu["query"]
    cpu_nx = cpu["nx"] + cpu["tree"] + cpu["snaps"]
    ours_e2e = t_build + t_query  # build_graph includes the edge index
    result = {
        "edges": graph.n_edges,
        "nodes": graph.n_nodes,
        "components": len(graph.components),
        "origins": n_s,
        "parks": n_p,
        "build_graph_seconds": round(t_build, 4),
        "noding_seconds": round(t_noding, 4),
        "graph_seconds": round(t_graph, 4),
        "edge_index_seconds": round(t_tree, 4),
        "road_distances_seconds": round(t_query, 4),
        "ours_same_plan_seconds": round(ours, 4),
        "seconds": round(ours_e2e, 4),
        "networkx_build_seconds": round(t_nxbuild, 4),
        "networkx_snapping_seconds": round(t_snap, 4),
        "networkx_same_plan_seconds": round(nx_total, 4),
        "networkx_per_origin_seconds_est": round(t_naive, 2),
        "networkx_per_origin_sample": len(sample),
        "speedup_vs_networkx": round(nx_total / ours, 1),
        "dijkstra_seconds": round(t_dijkstra, 4),
        "networkx_search_seconds": round(t_nxsearch, 4),
        "speedup_vs_networkx_search_only": round(t_nxsearch / t_dijkstra, 1),
        "speedup_vs_networkx_end_to_end": round((t_noding + nx_total) / ours_e2e, 2),
        "speedup_vs_networkx_per_origin": round(t_naive / ours, 1),
        "speedup_vs_networkx_per_origin_end_to_end": round((t_noding + t_naive) / ours_e2e, 1),
        "cpu_ours_same_plan_seconds": round(cpu_ours, 4),
        "cpu_networkx_same_plan_seconds": round(cpu_nx, 4),
        "speedup_vs_networkx_cpu": round(cpu_nx / cpu_ours, 1),
    }
    log(f"[{label}] " + json.dumps(result))
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
    try:
        from ninhbinh_geo import datasets

        parks = datasets.load_parks()
        parks = parks[parks["major"]].copy()
        parks = parks.drop_duplicates("site_id")
        for prefix in ("KCN-HN-DONGVAN1", "KCN-ND-BAOMINH", "KCN-NB-KHANHPHU", "KCN-NB-GIANKHAU"):
            assert prefix in set(parks["site_id"]), prefix
        parks = parks[
            parks["site_id"].isin(
                ["KCN-HN-DONGVAN1", "KCN-ND-BAOMINH", "KCN-NB-KHANHPHU", "KCN-NB-GIANKHAU"]
            )
        ]
        log("[province] parks: 4 major parks of datasets.load_parks() (approximate locations)")
    except Exception as exc:  # the embedded data are built by another module
        log(f"[province] embedded parks unavailable ({exc}); 4 ILLUSTRATIVE random parks")
        parks = point_layer(shapely.get_coordinates(origins.geometry.iloc[:4]), "PARK-")
    return run_case(
        "province",
        roads,
        origins,
        parks,
        repeat=args.repeat,
        naive_sample=args.origins,  # small graph: the naive plan is run for every origin
        tolerance_m=20.0,
        seed=args.seed,
    )


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, run in < 60 s")
    parser.add_argument("--grid", type=int, default=230, help="nodes per side (230: 105k edges)")
    parser.add_argument("--origins", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    args.repeat = 2 if args.quick else 5
    naive = 10 if args.quick else 40
    start = time.perf_counter()

    n, step = args.grid, 200.0
    layer = grid_layer(n, step, args.seed)
    rng = np.random.default_rng(args.seed)
    span = (n - 1) * step
    origins = point_layer(rng.uniform([X0, Y0], [X0 + span, Y0 + span], (args.origins, 2)), "O")
    parks = point_layer(rng.uniform([X0, Y0], [X0 + span, Y0 + span], (4, 2)), "P")
    grid = run_case(
        "grid",
        layer,
        origins,
        parks,
        repeat=args.repeat,
        naive_sample=naive,
        tolerance_m=1.0,
        seed=args.seed,
    )
    assert grid["edges"] >= 100_000, grid["edges"]
    province = province_case(args)
    if province is not None:
        assert province["seconds"] < 1.0, province
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        **{k: grid[k] for k in grid},
        "province": province,
        "quick": args.quick,
        "repeat": args.repeat,
        "timed": "ours: node order + CSR + components from the edge list, edge index, "
        "road_distances (snapping, one dijkstra from all parks, lookup, table); networkx: "
        "nx.Graph from the same edge list, one search per park, lookup, + the same edge index "
        "and snapping; noding of the line layer added to both in the *_end_to_end ratios",
        "total_benchmark_seconds": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return summary


if __name__ == "__main__":
    main()
