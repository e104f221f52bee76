"""Benchmark: drawing the offline basemap of the web map, and its cost in bytes.

``webmap.render_basemap`` draws the shipped province, districts, coastline, rivers, roads and
places once per zoom level on one matplotlib canvas and cuts it into 256 px PNG tiles. Timed
here: loading the data (``tiles._basemap_data``, once per process), drawing zoom 8–11 (the
embedded range) and, for comparison, zoom 8–12 (what one more level would cost). Each timing is
the median of ``--repeat`` fresh renders (the in-memory cache bypassed); the load average is
printed (other work on the 2 shared cores slows it). Bytes: the PNG tiles, the unique ones the
page stores, and their base64 size in the page.

Run: ``.venv/bin/python benchmarks/basemap.py``. The last line printed is one JSON object with
``render_seconds`` (zoom 8–11), ``z12_cost_ratio`` (time of 8–12 over 8–11) and the bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ninhbinh_geo.webmap import tiles


def _median_seconds(zooms: tuple[int, int], repeat: int) -> tuple[float, tiles.BasemapTiles]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = tiles.render_basemap.__wrapped__(zooms)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    tiles._basemap_data()
    load_s = time.perf_counter() - start
    render_s, basemap = _median_seconds(tiles.EMBEDDED_ZOOMS, args.repeat)
    z12_s, z12 = _median_seconds((8, 12), args.repeat)
    unique = set(basemap.tiles.values())
    page_bytes = sum(4 * ((len(b) + 2) // 3) for b in unique)
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared)")
    print(f"data loaded in {load_s:.2f} s (once per process)")
    print(f"zoom 8-11: {len(basemap.tiles)} tiles ({len(unique)} unique), "
          f"{basemap.nbytes / 1e3:.0f} kB PNG, {page_bytes / 1e3:.0f} kB in the page, "
          f"{render_s:.2f} s")  # fmt: skip
    print(f"zoom 8-12: {len(z12.tiles)} tiles, {z12.nbytes / 1e3:.0f} kB PNG, {z12_s:.2f} s "
          f"({z12_s / render_s:.1f}x the time)")  # fmt: skip
    print(json.dumps({
        "render_seconds": round(render_s, 3), "load_seconds": round(load_s, 3),
        "tiles": len(basemap.tiles), "unique_tiles": len(unique), "png_bytes": basemap.nbytes,
        "page_bytes": page_bytes, "z12_cost_ratio": round(z12_s / render_s, 2),
        "z12_png_bytes": z12.nbytes,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
