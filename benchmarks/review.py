"""Time ``ninhbinh-geo review`` on the embedded data, its start-up, and loading the clusters.

Each command runs as a separate process, as a user runs it (Python start-up and imports
included); the review writes into a fresh temporary folder each time. A round runs, in turn,
the review, ``ninhbinh-geo --help`` and ``python -c "import ninhbinh_geo as nb;
nb.datasets.load_clusters()"``, so that a change in the machine's load touches all three alike.
The reviews use a basemap cache of their own (``NINHBINH_GEO_CACHE_DIR``, a fresh folder): a
first review, not counted in the rounds, draws the tiles and keeps them, as a user's first
review does, and is reported as ``cold_seconds``; the rounds then read them, as every later
review of the same installation does. Reported: the median and the worst review of the rounds,
the peak resident memory of the review process (``ru_maxrss`` from ``os.wait4``: the process or
the largest of the processes it waited for), the median CPU time of the review, and the medians
of the other two commands.

Targets (on 2 cores): review median < 6 s, peak RSS < 600 MB, ``--help`` < 0.5 s, loading the
clusters < 0.8 s. Wall times depend on what else runs: the load average is printed with them.

    python benchmarks/review.py             # 5 rounds
    python benchmarks/review.py --runs 9

The last line printed is one JSON object with ``median_seconds``, ``max_seconds``,
``peak_rss_mb``, ``help_seconds``, ``load_clusters_seconds``, ``runs`` and ``targets_met``
(and ``cpu_seconds``, ``cold_seconds``, ``loadavg``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 6.0
TARGET_RSS_MB = 600.0
TARGET_HELP_SECONDS = 0.5
TARGET_LOAD_SECONDS = 0.8
LOAD_CLUSTERS = "import ninhbinh_geo as nb; nb.datasets.load_clusters()"


def command() -> list[str]:
    script = Path(sys.executable).with_name("ninhbinh-geo")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "ninhbinh_geo.cli"]


def timed(args: list[str]) -> tuple[float, float, float]:
    """Run ``args``; return wall seconds, CPU seconds and peak RSS in MB of the process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{err}")
    # ru_maxrss is in KiB on Linux
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def review_once() -> tuple[float, float, float]:
    out = Path(tempfile.mkdtemp(prefix="nbgeo-bench-"))
    try:
        return timed([*command(), "review", "--out", str(out), "--quiet"])
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _own_cache() -> Path:
    """Give the reviews a basemap cache of their own, empty at first (see the docstring)."""
    folder = Path(tempfile.mkdtemp(prefix="nbgeo-bench-cache-"))
    os.environ["NINHBINH_GEO_CACHE_DIR"] = str(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (at least 5 for the record)")
    args = parser.parse_args()
    reviews, cpus, rss, helps, loads = [], [], [], [], []
    cache = _own_cache()
    cold, cold_cpu, cold_rss = review_once()  # draws and keeps the basemap tiles
    print(f"first review, basemap drawn: {cold:.2f} s (cpu {cold_cpu:.2f} s, {cold_rss:.0f} MB)")
    for i in range(args.runs):
        seconds, cpu, peak = review_once()
        reviews.append(seconds)
        cpus.append(cpu)
        rss.append(peak)
        helps.append(timed([*command(), "--help"])[0])
        loads.append(timed([sys.executable, "-c", LOAD_CLUSTERS])[0])
        print(
            f"round {i + 1}/{args.runs}: review {seconds:.2f} s (cpu {cpu:.2f} s, "
            f"{peak:.0f} MB), --help {helps[-1]:.2f} s, load_clusters {loads[-1]:.2f} s, "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    result = {
        "median_seconds": round(statistics.median(reviews), 2),
        "max_seconds": round(max(reviews), 2),
        "peak_rss_mb": round(max(rss), 1),
        "help_seconds": round(statistics.median(helps), 3),
        "load_clusters_seconds": round(statistics.median(loads), 3),
        "runs": args.runs,
        "cold_seconds": round(cold, 2),
        "cpu_seconds": round(statistics.median(cpus), 2),
        "loadavg": round(os.getloadavg()[0], 2),
    }
    result["targets_met"] = (
        result["median_seconds"] < TARGET_SECONDS
        and result["peak_rss_mb"] < TARGET_RSS_MB
        and result["help_seconds"] < TARGET_HELP_SECONDS
        and result["load_clusters_seconds"] < TARGET_LOAD_SECONDS
    )
    shutil.rmtree(cache, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
