"""Benchmark: people within 30 minutes of 10,000 origins, ours vs networkx; the siting surface.

1. **Catchments.** The ILLUSTRATIVE jittered grid of ``benchmarks/network.py`` (its
   ``grid_layer``: 230 × 230 nodes, more than 100,000 edges), here at 500 m spacing so that it
   spans about 115 km, the size of the province; one line in five is a national road
   (50 km/h), the others provincial (40 km/h). On it, the 1 km WorldPop 2020 raster of the
   province (139 × 110 cells, its real counts, laid on the grid's extent) and 10,000 random
   origins. Ours: ``network.traveltime._places`` (snapping origins and cells) and
   ``_catchment_sums`` (one ``scipy.sparse.csgraph.dijkstra`` call with a 30-minute ``limit``
   per batch of origins, the cells looked up by their edge ends, a matrix product per batch).
   networkx: the same graph as an ``nx.Graph``; per origin, the origin joined to its edge as a
   node and ``single_source_dijkstra`` with ``cutoff`` = 30 min less its access leg, then the
   same lookup of the cells (vectorised). networkx runs on a sample of origins (``--nx-origins``)
   and its time per origin is compared with ours per origin over all 10,000; both give the same
   people for every sampled origin (asserted, relative 1e-9).
2. **Suitability.** ``siting.suitability`` on the embedded data at 100 m cells over the whole
   province: the constraints (province, World Heritage/Ramsar areas + 1 km, the illustrative
   100-year flood depth > 0.5 m, existing sites + 1 km) and the factors (travel time to the
   nearest hub, people within 30 minutes, distance to a road); inputs loaded beforehand.

Each timing is the median of ``--repeat`` rounds; the load average is printed (other work on
the 2 shared cores slows both sides alike). Run: ``.venv/bin/python benchmarks/access.py``.
The last line printed is one JSON object with ``catchment_speedup_vs_networkx`` and
``suitability_seconds``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import rasterio
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from network import X0, Y0, grid_layer  # noqa: E402  (benchmarks/network.py)

import ninhbinh_geo as nb  # noqa: E402
from ninhbinh_geo import population, siting  # noqa: E402
from ninhbinh_geo.network import build_graph, traveltime  # noqa: E402

BUDGET_S = 30 * 60.0
ACCESS = {"access_speed_kmh": 20.0, "max_snap_m": 3000.0}


def log(msg: str) -> None:
    print(msg, flush=True)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def grid_case(n: int, step_m: float, seed: int):
    layer = grid_layer(n, step_m, seed)
    layer["level"] = np.where(np.arange(len(layer)) % 5 == 0, "Quốc Gia", "Cấp Tỉnh")
    graph = traveltime.with_speeds(build_graph(layer, tolerance_m=1.0), layer)
    with rasterio.open(nb.datasets.population_path(2020)) as ds:
        people = ds.read(1, masked=True).filled(0).astype(float)
    rows, cols = np.nonzero(people > 0)
    cells = shapely.points(X0 + (cols + 0.5) * 1000.0, Y0 + (rows + 0.5) * 1000.0)
    span = (n - 1) * step_m
    return graph, cells, people[rows, cols], span


def ours(graph, origins, cells, people):
    src = traveltime._places(graph, origins, **ACCESS)
    dst = traveltime._places(graph, cells, **ACCESS)
    return traveltime._catchment_sums(graph, src, dst, people, np.array([BUDGET_S]))[:, 0, 0]


def nx_graph(graph) -> nx.Graph:
    g = nx.Graph()
    u, v = graph.edge_nodes[:, 0].tolist(), graph.edge_nodes[:, 1].tolist()
    g.add_weighted_edges_from(zip(u, v, graph.edge_time_s.tolist(), strict=True))
    return g


def nx_catchments(graph, g: nx.Graph, origins, cells, people) -> np.ndarray:
    """People within the budget of each origin with networkx (the same places and legs)."""
    src = traveltime._places(graph, origins, **ACCESS)
    dst = traveltime._places(graph, cells, **ACCESS)
    su, sv, s_u, s_v = traveltime._ends(graph, src)
    du, dv, d_u, d_v = traveltime._ends(graph, dst)
    pace = graph.edge_time_s / graph.edge_length_m
    out = np.zeros(len(src))
    for i in range(len(src)):
        if not np.isfinite(src.leg_s[i]):
            continue
        g.add_edge("o", int(su[i]), weight=float(s_u[i]))
        g.add_edge("o", int(sv[i]), weight=float(s_v[i]))
        dist = nx.single_source_dijkstra_path_length(
            g, "o", cutoff=BUDGET_S - src.leg_s[i], weight="weight"
        )
        g.remove_node("o")
        del dist["o"]
        d = np.full(graph.n_nodes, np.inf)
        d[np.fromiter(dist.keys(), dtype=np.int64)] = np.fromiter(dist.values(), dtype=float)
        t = np.minimum(d[du] + d_u, d[dv] + d_v)
        same = dst.edge == src.edge[i]
        t[same] = np.minimum(t[same], np.abs(dst.along[same] - src.along[i]) * pace[dst.edge[same]])
        t += src.leg_s[i] + dst.leg_s
        out[i] = people[t <= BUDGET_S].sum()
    return out


def suitability_case(repeat: int) -> float:
    roads = nb.datasets.load_roads()
    graph = traveltime.with_speeds(build_graph(roads), roads)
    parks, province = nb.datasets.load_parks(), nb.datasets.load_province()
    cells = population.population_cells()
    protected = nb.datasets.load_protected_areas()
    sites = nb.datasets.load_sites()
    hazard = nb.exposure.illustrative_hazard_paths()[100.0]

    def run():
        return siting.suitability(
            graph,
            parks,
            province,
            cells=cells,
            protected=protected,
            sites=sites,
            hazard=hazard,
            cell_m=100.0,
            max_snap_m=5000.0,
        )

    seconds, surface = timed(run, repeat)
    log(f"suitability 100 m: grid {surface.grid.shape}, {seconds:.2f} s (median of {repeat})")
    return seconds


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=int, default=230, help="nodes per side (230: 105k edges)")
    parser.add_argument("--origins", type=int, default=10_000)
    parser.add_argument("--nx-origins", type=int, default=200, help="networkx sample")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    log(f"load average {os.getloadavg()}")
    graph, cells, people, span = grid_case(args.grid, 500.0, args.seed)
    assert graph.n_edges >= 100_000, graph.n_edges
    rng = np.random.default_rng(args.seed)
    origins = shapely.points(rng.uniform([X0, Y0], [X0 + span, Y0 + span], (args.origins, 2)))
    log(f"grid: {graph.n_nodes} nodes, {graph.n_edges} edges; {len(cells)} cells")
    ours_s, ours_people = timed(lambda: ours(graph, origins, cells, people), args.repeat)
    each = ours_s / len(origins) * 1e3
    log(f"ours: {ours_s:.2f} s for {len(origins)} origins ({each:.3f} ms each)")
    g = nx_graph(graph)
    sample = origins[: args.nx_origins]
    nx_s, nx_people = timed(lambda: nx_catchments(graph, g, sample, cells, people), 1)
    np.testing.assert_allclose(nx_people, ours_people[: len(sample)], rtol=1e-9)
    per_nx, per_ours = nx_s / len(sample), ours_s / len(origins)
    log(f"networkx: {nx_s:.2f} s for {len(sample)} origins ({per_nx * 1e3:.2f} ms each)")
    speedup = per_nx / per_ours
    log(f"catchment speed-up vs networkx: {speedup:.1f}×")
    suit_s = suitability_case(max(3, args.repeat))
    summary = {
        "catchment_speedup_vs_networkx": round(speedup, 1),
        "suitability_seconds": round(suit_s, 2),
        "ours_seconds": round(ours_s, 2),
        "ours_ms_per_origin": round(per_ours * 1e3, 3),
        "networkx_ms_per_origin": round(per_nx * 1e3, 2),
        "networkx_origins": len(sample),
        "origins": len(origins),
        "edges": graph.n_edges,
        "cells": len(cells),
        "median_people_30min": float(np.median(ours_people)),
        "targets_met": bool(speedup >= 10 and suit_s < 5),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "total_benchmark_seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(summary, ensure_ascii=False), flush=True)
    return summary


if __name__ == "__main__":
    main()
