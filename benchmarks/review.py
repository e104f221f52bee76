"""Time the whole ``ninhbinh-geo review`` on the embedded data, as a user runs it.

The command runs as a separate process (Python start-up and imports included), writing into a
fresh temporary folder each time; its peak memory is the maximum resident set size of the child
(``resource.getrusage(RUSAGE_CHILDREN)``). Targets: under 20 s wall and under 1.5 GB peak on 2
cores. The last line printed is one JSON object with ``seconds`` (median wall time),
``seconds_min``, ``seconds_max``, ``peak_rss_mb``, ``runs`` and ``targets_met``.

    python benchmarks/review.py            # 3 runs
    python benchmarks/review.py --runs 1   # quick
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0
TARGET_RSS_MB = 1500.0


def command() -> list[str]:
    script = Path(sys.executable).with_name("ninhbinh-geo")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "ninhbinh_geo.cli"]


def run_once(out: Path) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([*command(), "review", "--out", str(out), "--quiet"],
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"review failed ({proc.returncode}):\n{proc.stderr}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = []
    for i in range(args.runs):
        out = Path(tempfile.mkdtemp(prefix="nbgeo-bench-"))
        try:
            seconds = run_once(out)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        times.append(seconds)
        print(f"run {i + 1}/{args.runs}: {seconds:.2f} s", flush=True)
    # ru_maxrss is in KiB on Linux: the largest child seen so far.
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    median = statistics.median(times)
    print(json.dumps({
        "seconds": round(median, 2),
        "seconds_min": round(min(times), 2),
        "seconds_max": round(max(times), 2),
        "peak_rss_mb": round(peak_mb, 1),
        "runs": args.runs,
        "targets_met": median < TARGET_SECONDS and peak_mb < TARGET_RSS_MB,
    }))


if __name__ == "__main__":
    main()
