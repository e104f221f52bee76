"""Child process of tests/test_reliability.py: run an export and stop at a known point.

The parent starts this script, waits until it writes the signal file, then kills it with SIGKILL,
so the kill lands at a known moment of the export (not at a random one):

``python crash_export.py gpkg DEST.gpkg SIGNAL PAUSE_AT``
    Exports the embedded province, districts, roads, parks and clusters with
    ``qgis.export_geopackage`` over ``DEST.gpkg``. ``PAUSE_AT`` is ``layer`` (after the third
    layer has been written to the temporary file) or ``styles`` (after the QGIS styles were
    written, just before the temporary file is renamed over ``DEST.gpkg``).

``python crash_export.py review OUT_DIR SIGNAL``
    Runs ``ninhbinh-geo review --out OUT_DIR --force`` and stops in the static-maps step, after
    the first map (PNG and PDF) has been written into the staging folder.

The signal file is JSON naming the stage and the temporary path the export was writing; it is
written under a temporary name and renamed, so the parent never reads half of it. After
signalling, the child sleeps far longer than any test waits.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

PAUSE_S = 600.0


def _signal(signal_path: Path, **info: object) -> None:
    tmp = signal_path.with_name(signal_path.name + ".part")
    tmp.write_text(json.dumps({"pid": os.getpid(), **info}), encoding="utf-8")
    tmp.replace(signal_path)
    time.sleep(PAUSE_S)
    # Reaching this line means the parent did not kill us: fail loudly rather than finish.
    sys.exit(99)


def embedded_layers() -> dict:
    """The embedded layers the GeoPackage crash test exports (real data, see data/)."""
    from ninhbinh_geo import datasets

    return {
        "province": datasets.load_province(),
        "districts": datasets.load_districts(),
        "roads": datasets.load_roads(),
        "parks": datasets.load_parks(),
        "clusters": datasets.load_clusters(),
    }


def run_gpkg(dest: Path, signal_path: Path, pause_at: str) -> None:
    from ninhbinh_geo import qgis, styles
    from ninhbinh_geo.qgis import geopackage

    layers = embedded_layers()
    legends = styles.default_legends(layers)
    write_layer, write_styles = geopackage._write_layer, geopackage._write_styles
    written: list[str] = []

    def slow_write_layer(df, path, name, target, kind):
        write_layer(df, path, name, target, kind)
        written.append(name)
        if pause_at == "layer" and len(written) == 3:
            _signal(signal_path, stage="layer", tmp=str(path), layers=written)

    def slow_write_styles(path, rows):
        write_styles(path, rows)
        if pause_at == "styles":
            _signal(signal_path, stage="styles", tmp=str(path), layers=written)

    geopackage._write_layer = slow_write_layer
    geopackage._write_styles = slow_write_styles
    qgis.export_geopackage(layers, legends, dest, crs="EPSG:5897")
    sys.exit(98)  # the export finished: the pause point was never reached


def run_review(out_dir: Path, signal_path: Path) -> None:
    from ninhbinh_geo import cli, staticmap
    from ninhbinh_geo.staticmap import review as maps_review

    draw_and_save, start_review_maps = maps_review._draw_and_save, staticmap.start_review_maps
    saved: list[str] = []

    def slow_draw_and_save(name, job):
        if saved:  # one map is complete in the staging folder, the others are not yet drawn
            _signal(signal_path, stage="static maps", staging=str(job.out.parent))
        paths = draw_and_save(name, job)
        saved.extend(str(p) for p in paths)
        return paths

    def serial_review_maps(*args, **kwargs):
        # One map after another in this process (drawn when the review waits for them, after
        # the GeoPackage and web map), so the pause lands after exactly one map.
        return start_review_maps(*args, **{**kwargs, "processes": 1})

    maps_review._draw_and_save = slow_draw_and_save
    staticmap.start_review_maps = serial_review_maps
    code = cli.main(["review", "--out", str(out_dir), "--force", "--quiet", "--formats", "png,pdf"])
    sys.exit(97 if code == 0 else code)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "gpkg":
        run_gpkg(Path(args[0]), Path(args[1]), args[2])
    elif mode == "review":
        run_review(Path(args[0]), Path(args[1]))
    else:
        sys.exit(f"unknown mode {mode!r}")
