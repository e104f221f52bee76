"""Benchmark exposure.raster_exposure against a single read, exactextract and rasterstats.

A generated 20-million-cell depth raster (5000 x 4000 cells of 30 m, EPSG:3405, a province-sized
grid) and 10,000 cluster-like footprints (irregular polygons of 5-75 ha). Measures, in rounds
that alternate the contenders (their order rotates every round) and reports medians:

- single pass: the raster read block by block and summed, the least any exposure can cost;
- ours: raster_exposure end to end, as a user gets it: its footprint sums split over forked
  processes when other programs leave a core idle (``processes_per_round`` says how many each
  round used), and its stages timed inside the same calls (checks and reprojection at the
  door; the per-footprint sums by exactextract, reading included; the rest, building the
  table); beside it, ours in one process (no fork) and ours split over every core whatever
  the load (``ours_split``). A split saves wall time only: CPU times count the workers';
- inside the exactextract calls of ours in one process: reading and decoding chunks, deriving
  the indicator rasters, the feature source, the writer, and exactextract's C++ (the rest:
  coverage fractions, statistics, footprint look-ups);
- exactextract direct: its own ``exact_extract(raster path, GeoDataFrame, ops)`` with ops
  ``count``, ``max``, ``values`` and ``coverage``, then the same depth-class sums in numpy (the
  way a user gets class areas from it: exactextract has no operation that sums coverage by
  value class without a hash table per footprint); stages: extraction, class sums;
- exactextract count only: ``exact_extract(path, polygons, ["count"])``, the exact coverage of
  every footprint and nothing else, with exactextract's own sources; and the coverage floor:
  the same ``count`` through our raster and feature sources, the least an exact exposure built
  on exactextract can cost (reading plus coverage fractions);
- rasterstats.zonal_stats on a subset, as a user would call it, scaled linearly to all polygons;

and also: time of raster_exposure for 115 footprints and per exactextract strategy and raster
layout (tiled/striped, deflate/uncompressed; single runs in one process), peak memory at
10,000 and 50,000 footprints (each in a fresh process, split over every core whatever the
load, the most memory they take; ``peak_rss_mb*``: the caller's peak
plus each forked worker's, their shared pages counted twice; ``peak_pss_mb*``: the processes'
proportional set sizes summed every 5 ms, each page counted once), and the accuracy of the
exposed area (depth >= 0.1 m) of ours and rasterstats against a reference computed at 10x
finer resolution (3 m sub-cells, centre rule) on a subset of footprints.

The machine may be shared: wall times include waiting for a core, CPU times do not; both are
reported, with the load average before and after.

Where the time goes, and why 3 single passes are out of reach while exactextract computes the
coverage (medians, a 2-core machine shared with another engineer, 1-minute load 0.5-2.5):
single pass 0.30-0.35 s; ours in one process 2.0-2.9 s, of which exactextract's C++ 1.45-1.7 s
(coverage fractions about 0.8 s by sampling with py-spy, three statistics passes about 0.3 s),
reading and decoding 0.30 s, deriving indicators 0.10 s, the writer 0.12-0.15 s, the feature
source 0.03 s, door and table 0.15 s. Coverage fractions and reading alone are about 3.7
single passes of CPU. In two processes each half costs about 0.6 of the whole in CPU (the
cores share cache and memory bandwidth), so on 2 cores ours takes 1.5-1.8 s (about 5x), and
when another program keeps one of the 2 cores busy a split is slower than one process (2.95 s
against 2.39 s), hence the split only onto idle cores.

Usage: .venv/bin/python benchmarks/exposure.py [--quick] [--rounds N]
The last line printed is one JSON object with the results; ``ratio_to_single_pass`` (ours /
single pass, wall medians), ``peak_rss_mb_50k`` and ``speedup_vs_exactextract_direct``
(exactextract direct / ours, wall medians) were added to the keys of earlier versions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

import geopandas as gpd
import numpy as np
import pyproj
import rasterio
import rasterio.features
from rasterio.transform import from_origin
from rasterio.windows import Window, from_bounds
from shapely.geometry import Polygon

from ninhbinh_geo import exposure
from ninhbinh_geo.exposure import cells, extract, overlay, workers
from ninhbinh_geo.exposure.cells import _DepthWindows, _WkbSource
from ninhbinh_geo.exposure.sites import _check_sites

WIDTH, HEIGHT, CELL = 5000, 4000, 30.0
X0, Y0 = 540000.0, 2320000.0
THRESHOLD_M = 0.1
BREAKS_M = np.asarray(exposure.DEFAULT_BREAKS_M)
FINE = 10  # reference sub-cells per cell side


def log(msg: str) -> None:
    print(msg, flush=True)


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that ended (forked workers included)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def peak_rss_mb() -> float:
    """Peak resident memory of this process, MB.

    Linux's VmHWM, the high-water mark of this program's memory: ``ru_maxrss`` would also
    count the parent's memory at the fork that started a child.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # pragma: no cover - not Linux
        pass
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


# ------------------------------------------------------------------------------ contenders


def single_pass(path: Path) -> float:
    """Read the raster block by block and sum it: what any exposure must at least do."""
    total = 0.0
    with rasterio.open(path) as ds:
        for _, window in ds.block_windows(1):
            total += float(ds.read(1, window=window).sum(dtype=np.float64))
    return total


def ours(sites: gpd.GeoDataFrame, path: Path, strategy: str = "auto"):
    return exposure.raster_exposure(sites, {100: path}, strategy=strategy)


class StageClock:
    """Times the stages of raster_exposure inside each call, by wrapping the functions of the
    overlay room that do them: the door (site checks, reprojection) and the sums (exactextract,
    reading included, in as many processes as the call chose: ``processes``); the rest of the
    call builds the table. Wrappers add microseconds.
    """

    STAGES: ClassVar[dict[str, tuple[str, ...]]] = {
        "door": ("_check_sites", "project_checked"),
        "sums": ("_footprint_sums",),
    }

    def __init__(self) -> None:
        self.runs: list[dict[str, float]] = []
        self._saved: dict[str, Callable] = {}

    def __enter__(self) -> StageClock:
        self._current = {"door": 0.0, "sums": 0.0, "door_cpu": 0.0, "sums_cpu": 0.0}
        self._current["processes"] = 1
        count = self._saved["_process_count"] = extract._process_count

        def counted(*args):
            self._current["processes"] = count(*args)
            return self._current["processes"]

        extract._process_count = counted
        for stage, names in self.STAGES.items():
            for name in names:
                self._saved[name] = getattr(overlay, name)
                setattr(overlay, name, self._timed(stage, self._saved[name]))
        return self

    def __exit__(self, *exc: object) -> None:
        extract._process_count = self._saved.pop("_process_count")
        for name, fn in self._saved.items():
            setattr(overlay, name, fn)
        self.runs.append(self._current)

    def _timed(self, stage: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            t, c = time.perf_counter(), cpu_seconds()
            try:
                return fn(*args, **kwargs)
            finally:
                self._current[stage] += time.perf_counter() - t
                self._current[f"{stage}_cpu"] += cpu_seconds() - c

        return wrapper

    def median(self, key: str) -> float:
        return statistics.median(run[key] for run in self.runs)


def ours_staged(sites: gpd.GeoDataFrame, path: Path, clock: StageClock):
    with clock:
        return ours(sites, path)


def ours_one_process(sites: gpd.GeoDataFrame, path: Path, strategy: str = "auto"):
    """raster_exposure with its footprint sums kept in the calling process (no fork)."""
    saved, workers.PROCESSES = workers.PROCESSES, 1
    try:
        return ours(sites, path, strategy)
    finally:
        workers.PROCESSES = saved


def ours_split(sites: gpd.GeoDataFrame, path: Path):
    """raster_exposure split over every core, whatever other programs keep busy."""
    saved, workers._free_cores = workers._free_cores, workers._cpus
    try:
        return ours(sites, path)
    finally:
        workers._free_cores = saved


class InsideClock:
    """Splits the exactextract calls of a one-process raster_exposure into their parts.

    Wraps the Python code exactextract calls back: reading a chunk (GDAL's deflate decoding
    and our validity checks), deriving the indicator rasters from it, the feature source
    (WKB footprints handed over), and the writer receiving each footprint's results; the rest
    of the calls' time is exactextract's C++ (coverage fractions, statistics, the look-ups of
    footprints). Each wrapped call adds about a microsecond, counted in its part.
    """

    PARTS: ClassVar[dict[str, tuple[object, tuple[str, ...]]]] = {
        "read_chunk": (cells._DepthWindows, ("_read",)),
        "derive_rasters": (cells._Chunk, ("derived",)),
        "feature_source": (cells._WkbFeature, ("__init__", "get", "fields", "geometry")),
        "writer": (extract._SumsWriter, ("write",)),
        "calls": (extract, ("exact_extract",)),
    }

    def __init__(self) -> None:
        self.runs: list[dict[str, float]] = []

    def run(self, sites: gpd.GeoDataFrame, path: Path) -> None:
        acc = dict.fromkeys(self.PARTS, 0.0)
        saved = []
        for part, (owner, names) in self.PARTS.items():
            for name in names:
                fn = getattr(owner, name)
                saved.append((owner, name, fn))
                setattr(owner, name, self._timed(acc, part, fn))
        try:
            ours_one_process(sites, path)
        finally:
            for owner, name, fn in saved:
                setattr(owner, name, fn)
        nested = sum(v for k, v in acc.items() if k != "calls")
        acc["exactextract_cpp"] = acc.pop("calls") - nested
        self.runs.append(acc)

    @staticmethod
    def _timed(acc: dict[str, float], part: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                acc[part] += time.perf_counter() - t

        return wrapper

    def medians(self) -> dict[str, float]:
        return {k: round(statistics.median(r[k] for r in self.runs), 3) for k in self.runs[0]}


def direct_extract(sites: gpd.GeoDataFrame, path: Path):
    """Stage 1 of exactextract direct: its own raster and feature sources, cells to Python."""
    from exactextract import exact_extract

    return exact_extract(
        str(path),
        sites,
        ["count", "max", "values", "coverage"],
        include_cols=["site_id"],
        strategy="raster-sequential",
        max_cells_in_memory=extract.MAX_CELLS_IN_MEMORY,
        output="pandas",
    )


def direct_classes(table) -> np.ndarray:
    """Stage 2 of exactextract direct: depth-class areas (ha) from the cells, in numpy.

    Rows in the order of ``table`` (raster-sequential returns them in any order).
    """
    n = len(table)
    lens = np.fromiter((len(c) for c in table["coverage"]), dtype=np.int64, count=n)
    fid = np.repeat(np.arange(n), lens)
    values = np.concatenate([np.asarray(v, dtype=np.float64) for v in table["values"]])
    cover = np.concatenate([np.asarray(c, dtype=np.float64) for c in table["coverage"]])
    cls = np.searchsorted(BREAKS_M, values, side="right") - 1
    area_ha = cover * CELL * CELL / 1e4
    out = np.zeros((n, len(BREAKS_M)))
    for k in range(len(BREAKS_M)):
        sel = cls == k
        out[:, k] = np.bincount(fid[sel], weights=area_ha[sel], minlength=n)
    return out


def direct_count(sites: gpd.GeoDataFrame, path: Path):
    """exactextract's exact coverage of every footprint and nothing else."""
    from exactextract import exact_extract

    return exact_extract(
        str(path),
        sites,
        ["count"],
        strategy="raster-sequential",
        max_cells_in_memory=extract.MAX_CELLS_IN_MEMORY,
        output="pandas",
    )


def coverage_floor(geoms: np.ndarray, path: Path) -> np.ndarray:
    """exactextract's exact coverage of every footprint through our raster source, counted.

    The reading and the coverage fractions without any statistic beyond ``count``: the least
    an exact exposure built on exactextract can cost.
    """
    from exactextract import exact_extract
    from exactextract.operation import Operation

    with rasterio.open(path) as ds:
        crs = pyproj.CRS.from_user_input(ds.crs)
        windows = _DepthWindows(
            ds, 1, crs=crs, breaks=list(BREAKS_M), per_metre=1.0, nodata=None, nodata_as_dry=False
        )
        depth = windows.source("depth", lambda c: c.depth)
        sums = {"covered": np.zeros(len(geoms))}
        exact_extract(
            depth,
            _WkbSource(geoms, crs),
            [Operation("count", "covered", depth)],
            include_cols=["fid"],
            strategy="raster-sequential",
            max_cells_in_memory=extract.MAX_CELLS_IN_MEMORY,
            output=extract._SumsWriter(sums),
        )
    return sums["covered"]


def rasterstats_exposed(sites: gpd.GeoDataFrame, path: Path) -> np.ndarray:
    from rasterstats import zonal_stats

    def exposed_cells(a: np.ma.MaskedArray) -> float:
        return float((a >= THRESHOLD_M).sum())

    zs = zonal_stats(
        list(sites.geometry),
        str(path),
        stats=["count", "mean", "max"],
        add_stats={"exposed_cells": exposed_cells},
    )
    return np.array([z["exposed_cells"] or 0.0 for z in zs]) * CELL * CELL / 1e4


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU seconds of ``fn()`` (its forked workers' CPU included) and its result."""
    t, c = time.perf_counter(), cpu_seconds()
    out = fn()
    return time.perf_counter() - t, cpu_seconds() - c, out


def rounds(contenders: dict[str, Callable[[], object]], n_rounds: int) -> dict[str, dict]:
    """Run every contender once per round, in an order that rotates each round."""
    names = list(contenders)
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    for r in range(n_rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            w, c, _ = timed(contenders[name])
            wall[name].append(w)
            cpu[name].append(c)
        log(f"round {r + 1}/{n_rounds}: " + ", ".join(f"{k} {wall[k][-1]:.2f}" for k in names))
    return {
        k: {
            "wall": statistics.median(wall[k]),
            "cpu": statistics.median(cpu[k]),
            "walls": [round(x, 3) for x in wall[k]],
            "cpus": [round(x, 3) for x in cpu[k]],
        }
        for k in names
    }


# ----------------------------------------------------------------------------- memory, error


def child_peak_rss(path: Path, n: int) -> dict[str, float]:
    """Peak memory of a fresh process measuring ``n`` footprints (run by ``--child``).

    Beside the peaks the process reports itself (its own and its largest forked worker's),
    the proportional set size (PSS: shared pages divided among the processes sharing them) of
    the process and its workers is summed every 5 ms from outside: the memory the whole
    computation holds, counted once.
    """
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), str(n)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak_pss = 0.0
    while proc.poll() is None:
        peak_pss = max(peak_pss, tree_pss_mb(proc.pid))
        time.sleep(0.005)
    out, _ = proc.communicate()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, proc.args)
    report = json.loads(out.strip().splitlines()[-1])
    report["peak_pss_mb"] = peak_pss
    return report


def tree_pss_mb(pid: int) -> float:
    """PSS of process ``pid`` and its children, MB (0 for processes that just ended)."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for p in [pid, *map(int, children)]:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return total


def child_main(path: str, n: int) -> None:
    """Measure ``n`` footprints split over every core, the most memory they can take."""
    warnings.simplefilter("ignore")
    workers._free_cores = workers._cpus  # whatever the load: the bound must hold in a split
    sites = make_polygons(n)
    before = peak_rss_mb()
    clock = StageClock()
    t = time.perf_counter()
    with clock:
        exposure.raster_exposure(sites, {100: path})
    seconds = time.perf_counter() - t
    after = peak_rss_mb()
    processes = clock.runs[0]["processes"]
    # the largest forked worker's peak (its pages shared with this process counted twice)
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    report = {
        "n": n,
        "seconds": seconds,
        "peak_rss_mb": after + workers_mb * (processes - 1),
        "processes": processes,
        "caller_peak_rss_mb": after,
        "worker_peak_rss_mb": workers_mb,
        "increase_mb": after - before,
    }
    print(json.dumps(report))


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


# ------------------------------------------------------------------------------------- main


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child_main(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one layout, fewer polygons")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (>= 5)")
    args = parser.parse_args()
    if args.rounds < 5:
        parser.error("--rounds must be at least 5: a median of fewer says little on a busy machine")
    warnings.simplefilter("ignore")
    load_before = os.getloadavg()
    n_big = 10_000
    n_rs = 500 if args.quick else 2_000
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
    subset = sites.iloc[:n_rs]
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
        ours_big = ours(sites, main_path)  # warm-up, and the result checked for accuracy
        checked = _check_sites(sites)
        geoms = np.asarray(checked.geometry.values, dtype=object)  # already in the raster CRS
        clock = StageClock()

        log(f"{args.rounds} alternating rounds at {n_big:,} polygons (wall seconds) ...")
        big = rounds(
            {
                "single_pass": lambda: single_pass(main_path),
                "ours": lambda: ours_staged(sites, main_path, clock),
                "ours_one_process": lambda: ours_one_process(sites, main_path),
                "ours_split": lambda: ours_split(sites, main_path),
                "direct_extract": lambda: direct_extract(sites, main_path),
                "exactextract_count": lambda: direct_count(sites, main_path),
                "coverage_floor": lambda: coverage_floor(geoms, main_path),
            },
            args.rounds,
        )
        table = direct_extract(sites, main_path)
        big.update(rounds({"direct_classes": lambda t=table: direct_classes(t)}, args.rounds))
        # same class areas as exactextract direct (on footprints ours did not have to repair)
        mine = ours_big.set_index("site_id").loc[table["site_id"], exposure.class_columns()]
        valid = sites.set_index("site_id").loc[table["site_id"]].geometry.is_valid.to_numpy()
        diff = np.abs(direct_classes(table) - mine.to_numpy())[valid].max()
        log(f"class areas, ours vs exactextract direct: max difference {diff:.2e} ha")
        del table

        inside = InsideClock()
        for _ in range(args.rounds):
            inside.run(sites, main_path)
        log(f"inside the exactextract calls, one process (medians): {inside.medians()}")

        small_runs = rounds({"ours_115": lambda: ours(small, main_path)}, args.rounds)["ours_115"]

        log(f"rasterstats on {n_rs:,} polygons, alternating with ours on the same ...")
        same = rounds(
            {
                "rasterstats": lambda: rasterstats_exposed(subset, main_path),
                "ours_subset": lambda: ours(subset, main_path),
            },
            args.rounds,
        )

        # strategy x layout x polygon count (single runs in one process, so that the strategies
        # compare alike; the full run only takes minutes)
        matrix = {}
        counts = [115, 1000] if args.quick else [115, 1000, n_big]
        for name, path in paths.items():
            for n in counts:
                for strategy in ("feature-sequential", "raster-sequential"):
                    if args.quick and n > 115 and strategy == "feature-sequential":
                        continue
                    w, _, _ = timed(
                        lambda p=path, k=n, s=strategy: ours_one_process(sites.iloc[:k], p, s)
                    )
                    matrix[f"{name}/{n}/{strategy}"] = round(w, 3)
                    log(f"ours {n:,} polygons, {name}, {strategy}: {w:.3f} s")

        log(f"reference at {FINE}x finer resolution on {n_ref} polygons ...")
        ref = reference_exposed_ha(sites.iloc[:n_ref], main_path)
        rs_exposed = rasterstats_exposed(sites.iloc[:n_ref], main_path)
        err_ours = rel_error(ours_big["exposed_ha"].to_numpy()[:n_ref], ref)
        err_rs = rel_error(rs_exposed, ref)
        log(f"mean relative error of exposed area: ours {err_ours:.4%}, rasterstats {err_rs:.4%}")

        log("peak memory, each in a fresh process ...")
        mem_10k = child_peak_rss(main_path, n_big)
        mem_50k = child_peak_rss(main_path, 50_000)
        log(
            f"peak RSS (caller + largest worker, shared pages twice): "
            f"{mem_10k['peak_rss_mb']:.0f} MB at {n_big:,} footprints, "
            f"{mem_50k['peak_rss_mb']:.0f} MB at 50,000 ({mem_50k['seconds']:.1f} s); "
            f"PSS of the processes summed: {mem_10k['peak_pss_mb']:.0f} MB and "
            f"{mem_50k['peak_pss_mb']:.0f} MB"
        )

    load_after = os.getloadavg()
    ours_w, ours_c = big["ours"]["wall"], big["ours"]["cpu"]
    one_w, one_c = big["ours_one_process"]["wall"], big["ours_one_process"]["cpu"]
    single_w, single_c = big["single_pass"]["wall"], big["single_pass"]["cpu"]
    direct_w = big["direct_extract"]["wall"] + big["direct_classes"]["wall"]
    direct_c = big["direct_extract"]["cpu"] + big["direct_classes"]["cpu"]
    rs_per_polygon = same["rasterstats"]["wall"] / n_rs
    rs_big_seconds = rs_per_polygon * n_big
    rs_big_cpu = same["rasterstats"]["cpu"] / n_rs * n_big
    stages = {
        "single_pass": round(single_w, 3),
        "ours": round(ours_w, 3),
        "ours_door": round(clock.median("door"), 3),
        "ours_sums": round(clock.median("sums"), 3),
        "ours_one_process": round(one_w, 3),
        "ours_split": round(big["ours_split"]["wall"], 3),
        "ours_rest": round(
            statistics.median(
                w - r["door"] - r["sums"]
                for w, r in zip(big["ours"]["walls"], clock.runs, strict=True)
            ),
            3,
        ),
        "exactextract_direct": round(direct_w, 3),
        "exactextract_direct_extract": round(big["direct_extract"]["wall"], 3),
        "exactextract_direct_classes": round(big["direct_classes"]["wall"], 3),
        "exactextract_count_only": round(big["exactextract_count"]["wall"], 3),
        "coverage_floor": round(big["coverage_floor"]["wall"], 3),
        "rasterstats_subset": round(same["rasterstats"]["wall"], 3),
        "ours_subset": round(same["ours_subset"]["wall"], 3),
    }
    stages_cpu = {
        "single_pass": round(single_c, 3),
        "ours": round(ours_c, 3),
        "ours_door": round(clock.median("door_cpu"), 3),
        "ours_sums": round(clock.median("sums_cpu"), 3),
        "ours_one_process": round(one_c, 3),
        "ours_split": round(big["ours_split"]["cpu"], 3),
        "exactextract_direct": round(direct_c, 3),
        "exactextract_count_only": round(big["exactextract_count"]["cpu"], 3),
        "coverage_floor": round(big["coverage_floor"]["cpu"], 3),
        "rasterstats_subset": round(same["rasterstats"]["cpu"], 3),
        "ours_subset": round(same["ours_subset"]["cpu"], 3),
    }
    speedup = rs_big_seconds / ours_w
    results.update(
        {
            "polygons": n_big,
            "cells": WIDTH * HEIGHT,
            "seconds": round(ours_w, 3),
            "seconds_115": round(small_runs["wall"], 3),
            "seconds_115_best": round(min(small_runs["walls"]), 3),
            "seconds_115_first": round(small_runs["walls"][0], 3),
            "cpu_seconds": round(ours_c, 3),
            "cpu_seconds_115": round(small_runs["cpu"], 3),
            "speedup_cpu_vs_rasterstats": round(rs_big_cpu / ours_c, 1),
            "rasterstats_seconds": round(rs_big_seconds, 1),
            "rasterstats_measured_on": n_rs,
            "speedup_vs_rasterstats": round(speedup, 1),
            "speedup_same_subset": round(
                same["rasterstats"]["wall"] / same["ours_subset"]["wall"], 1
            ),
            "peak_rss_mb": round(mem_10k["peak_rss_mb"], 1),
            "rss_increase_ours_mb": round(mem_10k["increase_mb"], 1),
            "error_ours": round(err_ours, 6),
            "error_rasterstats": round(err_rs, 6),
            "reference_polygons": n_ref,
            "strategy_layout_seconds": matrix,
            "rounds": args.rounds,
            "single_pass_seconds": round(single_w, 3),
            "ratio_to_single_pass": round(ours_w / single_w, 2),
            "ratio_to_single_pass_cpu": round(ours_c / single_c, 2),
            "ratio_exactextract_count_only_to_single_pass": round(
                big["exactextract_count"]["wall"] / single_w, 2
            ),
            "ratio_coverage_floor_to_single_pass": round(
                big["coverage_floor"]["wall"] / single_w, 2
            ),
            "ratio_coverage_floor_to_single_pass_cpu": round(
                big["coverage_floor"]["cpu"] / single_c, 2
            ),
            "speedup_vs_exactextract_direct": round(direct_w / ours_w, 2),
            "speedup_cpu_vs_exactextract_direct": round(direct_c / ours_c, 2),
            "peak_rss_mb_50k": round(mem_50k["peak_rss_mb"], 1),
            "peak_rss_mb_50k_caller_worker": [
                round(mem_50k["caller_peak_rss_mb"], 1),
                round(mem_50k["worker_peak_rss_mb"], 1),
            ],
            "peak_pss_mb_50k": round(mem_50k["peak_pss_mb"], 1),
            "peak_pss_mb": round(mem_10k["peak_pss_mb"], 1),
            "seconds_50k": round(mem_50k["seconds"], 2),
            "processes_per_round": [run["processes"] for run in clock.runs],
            "cores": workers._cpus(),
            "ratio_to_single_pass_one_process": round(one_w / single_w, 2),
            "ratio_to_single_pass_one_process_cpu": round(one_c / single_c, 2),
            "ratio_to_single_pass_split": round(big["ours_split"]["wall"] / single_w, 2),
            "ratio_to_single_pass_split_cpu": round(big["ours_split"]["cpu"] / single_c, 2),
            "stage_seconds": stages,
            "stage_seconds_inside_one_process": inside.medians(),
            "stage_cpu_seconds": stages_cpu,
            "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        }
    )
    log(
        f"medians of {args.rounds} rounds: ours {ours_w:.2f} s = {ours_w / single_w:.2f}x a "
        f"single pass ({single_w:.2f} s, one process) with processes per round "
        f"{[run['processes'] for run in clock.runs]} on {workers._cpus()} cores; "
        f"CPU {ours_c / single_c:.2f}x; in one process "
        f"{one_w / single_w:.2f}x (CPU {one_c / single_c:.2f}x), split over every core "
        f"{big['ours_split']['wall'] / single_w:.2f}x (CPU "
        f"{big['ours_split']['cpu'] / single_c:.2f}x); coverage alone "
        f"{big['coverage_floor']['wall'] / single_w:.2f}x (exactextract's own sources "
        f"{big['exactextract_count']['wall'] / single_w:.2f}x); exactextract direct "
        f"{direct_w / ours_w:.2f}x slower than ours; rasterstats {speedup:.1f}x slower"
    )
    log(f"load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(json.dumps(results), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
