"""Benchmark ninhbinh_geo.exposure.raster_exposure against rasterstats.

A generated 20-million-cell depth raster (5000 x 4000 cells of 30 m, EPSG:3405, a province-sized
grid) and 10,000 cluster-like footprints (irregular polygons of 5-75 ha). Measures:

- time of raster_exposure for 115 and 10,000 footprints, per exactextract strategy and per raster
  layout (tiled/striped, deflate/uncompressed);
- peak resident memory;
- time of rasterstats.zonal_stats on the same polygons and raster, as a user would call it;
- accuracy of the exposed area (depth >= 0.1 m) of both against a reference computed at 10x finer
  resolution (3 m sub-cells, centre rule) on a subset of footprints.

Usage: .venv/bin/python benchmarks/exposure.py [--quick]
The last line printed is one JSON object with the results.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.features
from rasterio.transform import from_origin
from rasterio.windows import Window, from_bounds
from shapely.geometry import Polygon

from ninhbinh_geo import exposure

WIDTH, HEIGHT, CELL = 5000, 4000, 30.0
X0, Y0 = 540000.0, 2320000.0
THRESHOLD_M = 0.1
FINE = 10  # reference sub-cells per cell side
#: CPU seconds of the runs, in order: on a shared machine wall time includes waiting for a core
CPU_TIMES: list[float] = []


def log(msg: str) -> None:
    print(msg, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_raster(path: Path, *, tile: int | None, compress: str | None) -> Path:
    """Depth field with sharp wet/dry fronts every few hundred metres, written by strips."""
    profile = {
        "driver": "GTiff",
        "width": WIDTH,
        "height": HEIGHT,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:3405",
        "transform": from_origin(X0, Y0, CELL, CELL),
        "nodata": -9999.0,
    }
    if tile:
        profile.update(tiled=True, blockxsize=tile, blockysize=tile)
    if compress:
        profile.update(compress=compress, predictor=3)
    rng = np.random.default_rng(42)
    step = 500
    with rasterio.open(path, "w", **profile) as dst:
        for r0 in range(0, HEIGHT, step):
            yy, xx = np.mgrid[r0 : r0 + step, 0:WIDTH].astype(np.float64)
            field = 1.6 * np.sin(xx / 23.0) * np.cos(yy / 31.0) + 0.8 * np.sin((xx + yy) / 57.0)
            depth = np.clip(field + rng.normal(0, 0.05, field.shape), 0, None)
            dst.write(depth.astype("float32"), 1, window=Window(0, r0, WIDTH, step))
    return path


def make_polygons(n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """Irregular footprints of 5-75 ha (Decree 32/2024 range of cluster areas)."""
    rng = np.random.default_rng(seed)
    area_m2 = rng.uniform(5, 75, n) * 1e4
    radius = np.sqrt(area_m2 / np.pi)
    margin = 1500.0
    cx = rng.uniform(X0 + margin, X0 + WIDTH * CELL - margin, n)
    cy = rng.uniform(Y0 - HEIGHT * CELL + margin, Y0 - margin, n)
    geoms = []
    for x, y, r in zip(cx, cy, radius, strict=True):
        k = rng.integers(6, 14)
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        rr = r * rng.uniform(0.7, 1.3, k)
        geoms.append(Polygon(np.column_stack([x + rr * np.cos(ang), y + rr * np.sin(ang)])))
    return gpd.GeoDataFrame(
        {"site_id": [f"CCN-{i:05d}" for i in range(n)]}, geometry=geoms, crs="EPSG:3405"
    )


def time_ours(sites: gpd.GeoDataFrame, path: Path, strategy: str, repeat: int = 1):
    """Wall-clock seconds of each run (and CPU seconds in ``CPU_TIMES``), and the last result."""
    times = []
    out = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = exposure.raster_exposure(sites, {100: path}, strategy=strategy)
        times.append(time.perf_counter() - t)
        CPU_TIMES.append(time.process_time() - c)
    return times, out


def rasterstats_exposed(sites: gpd.GeoDataFrame, path: Path):
    from rasterstats import zonal_stats

    def exposed_cells(a: np.ma.MaskedArray) -> float:
        return float((a >= THRESHOLD_M).sum())

    t = time.perf_counter()
    zs = zonal_stats(
        list(sites.geometry),
        str(path),
        stats=["count", "mean", "max"],
        add_stats={"exposed_cells": exposed_cells},
    )
    seconds = time.perf_counter() - t
    exposed_ha = np.array([z["exposed_cells"] or 0.0 for z in zs]) * CELL * CELL / 1e4
    return seconds, exposed_ha


def reference_exposed_ha(sites: gpd.GeoDataFrame, path: Path) -> np.ndarray:
    """Exposed area at 10x finer resolution: 3 m sub-cells inside the polygon by their centre."""
    out = np.empty(len(sites))
    with rasterio.open(path) as ds:
        for i, geom in enumerate(sites.geometry):
            win = from_bounds(*geom.bounds, transform=ds.transform).round_offsets().round_lengths()
            win = Window(win.col_off - 1, win.row_off - 1, win.width + 2, win.height + 2)
            depth = ds.read(1, window=win)
            t = ds.window_transform(win)
            fine_t = t * t.scale(1 / FINE, 1 / FINE)
            inside = rasterio.features.rasterize(
                [geom],
                out_shape=(depth.shape[0] * FINE, depth.shape[1] * FINE),
                transform=fine_t,
                fill=0,
                default_value=1,
                dtype="uint8",
            ).astype(bool)
            wet = np.repeat(np.repeat(depth >= THRESHOLD_M, FINE, axis=0), FINE, axis=1)
            out[i] = (inside & wet).sum() * (CELL / FINE) ** 2 / 1e4
    return out


def rel_error(est: np.ndarray, ref: np.ndarray) -> float:
    """Mean absolute error relative to the reference exposed area (sites with ref > 1 ha)."""
    sel = ref > 1.0
    return float(np.mean(np.abs(est[sel] - ref[sel]) / ref[sel]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one layout, rasterstats on a subset")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    n_big = 10_000
    n_rs = 500 if args.quick else n_big
    n_ref = 150 if args.quick else 400
    layouts = [("tiled256-deflate", 256, "deflate")]
    if not args.quick:
        layouts += [
            ("tiled128-deflate", 128, "deflate"),
            ("striped-deflate", None, "deflate"),
            ("tiled256-raw", 256, None),
        ]
    results: dict[str, object] = {"quick": args.quick}
    sites = make_polygons(n_big)
    small = sites.iloc[:115]
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, tile, compress in layouts:
            t = time.perf_counter()
            paths[name] = make_raster(Path(tmp) / f"{name}.tif", tile=tile, compress=compress)
            size = paths[name].stat().st_size / 1e6
            log(
                f"raster {name}: {WIDTH * HEIGHT:,} cells, {size:.0f} MB, "
                f"written in {time.perf_counter() - t:.1f} s"
            )
        main_path = paths["tiled256-deflate"]
        rss_before = peak_rss_mb()

        times_auto, ours_big = time_ours(sites, main_path, "auto")
        cpu_big = CPU_TIMES[-1]
        log(
            f"ours {n_big:,} polygons, tiled256-deflate, auto: {times_auto[0]:.2f} s "
            f"(CPU {cpu_big:.2f} s)"
        )
        times_small, _ = time_ours(small, main_path, "auto", repeat=5)
        cpu_small = CPU_TIMES[-5:]
        log(
            f"ours 115 polygons, tiled256-deflate, auto (= feature-sequential below 400), 5 runs: "
            f"{', '.join(f'{x:.3f}' for x in times_small)} s "
            f"(CPU {', '.join(f'{x:.3f}' for x in cpu_small)} s)"
        )
        rss_ours = peak_rss_mb()

        # strategy x layout x polygon count (the full run only: it takes a few minutes)
        matrix = {}
        counts = [115, 1000] if args.quick else [115, 1000, n_big]
        for name, path in paths.items():
            for n in counts:
                for strategy in ("feature-sequential", "raster-sequential"):
                    if args.quick and n > 115 and strategy == "feature-sequential":
                        continue
                    times, _ = time_ours(sites.iloc[:n], path, strategy)
                    matrix[f"{name}/{n}/{strategy}"] = round(times[0], 3)
                    log(f"ours {n:,} polygons, {name}, {strategy}: {times[0]:.3f} s")

        subset = sites.iloc[:n_rs]
        log(f"rasterstats on {n_rs:,} polygons ...")
        c = time.process_time()
        rs_seconds, rs_exposed = rasterstats_exposed(subset, main_path)
        rs_cpu = time.process_time() - c
        rs_per_polygon = rs_seconds / n_rs
        rs_big_seconds = rs_per_polygon * n_big
        log(
            f"rasterstats {n_rs:,} polygons: {rs_seconds:.1f} s"
            + ("" if n_rs == n_big else f" (-> {rs_big_seconds:.0f} s for {n_big:,}, linear)")
        )
        ours_same = time_ours(subset, main_path, "auto")[0][0]
        log(f"ours on the same {n_rs:,} polygons: {ours_same:.2f} s")

        log(f"reference at {FINE}x finer resolution on {n_ref} polygons ...")
        ref = reference_exposed_ha(sites.iloc[:n_ref], main_path)
        err_ours = rel_error(ours_big["exposed_ha"].to_numpy()[:n_ref], ref)
        err_rs = rel_error(rs_exposed[:n_ref], ref)
        log(f"mean relative error of exposed area: ours {err_ours:.4%}, rasterstats {err_rs:.4%}")

    speedup = rs_big_seconds / times_auto[0]
    results.update(
        {
            "polygons": n_big,
            "cells": WIDTH * HEIGHT,
            "seconds": round(times_auto[0], 3),
            "seconds_115": round(statistics.median(times_small), 3),
            "seconds_115_best": round(min(times_small), 3),
            "seconds_115_first": round(times_small[0], 3),
            "cpu_seconds": round(cpu_big, 3),
            "cpu_seconds_115": round(statistics.median(cpu_small), 3),
            "speedup_cpu_vs_rasterstats": round(rs_cpu / n_rs * n_big / cpu_big, 1),
            "rasterstats_seconds": round(rs_big_seconds, 1),
            "rasterstats_measured_on": n_rs,
            "speedup_vs_rasterstats": round(speedup, 1),
            "speedup_same_subset": round(rs_seconds / ours_same, 1),
            "peak_rss_mb": round(rss_ours, 1),
            "rss_increase_ours_mb": round(rss_ours - rss_before, 1),
            "error_ours": round(err_ours, 6),
            "error_rasterstats": round(err_rs, 6),
            "reference_polygons": n_ref,
            "strategy_layout_seconds": matrix,
        }
    )
    log(f"speed-up vs rasterstats at {n_big:,} polygons: {speedup:.1f}x")
    print(json.dumps(results), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
