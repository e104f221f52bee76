"""Writing a review's outputs: into a staging folder, then moved into place all at once.

Every output is first written into a staging folder inside ``out_dir`` and moved into place
(:func:`promote`) only when every one of them succeeded, so a failed run leaves the previous
outputs intact. The output modules are imported by the writer that needs them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .._errors import OutputError
from .options import ReviewOptions, ReviewResult

__all__ = [
    "OUTPUT_GROUPS",
    "OUTPUT_NAMES",
    "check_outputs",
    "promote",
    "report_inputs",
    "write_outputs",
]

#: What a review writes into its output folder (files and folders).
OUTPUT_NAMES = (
    "review.gpkg",
    "review.qgz",
    "map.html",
    "report.html",
    "report.md",
    "maps",
    "tables",
)
#: Outputs by group, for writing only part of a review (``ninhbinh-geo map`` / ``export``).
OUTPUT_GROUPS = {
    "gpkg": ("review.gpkg", "review.qgz"),
    "map": ("map.html",),
    "maps": ("maps",),
    "report": ("report.html", "report.md", "tables"),
}
#: The group that writes no file: the layers and styles go into the PostGIS schema of
#: ``ReviewOptions.to_postgis``; it runs (last) whenever that URL is given.
POSTGIS_GROUP = "postgis"


def check_outputs(
    out_dir: str | os.PathLike, *, force: bool = False, names: Sequence[str] = OUTPUT_NAMES
) -> Path:
    """Check that ``out_dir`` can receive a review's outputs.

    Parameters
    ----------
    out_dir : path-like
        The output folder; created when missing.
    force : bool, default False
        Whether existing outputs may be replaced.
    names : sequence of str
        The outputs that will be written (default: all of :data:`OUTPUT_NAMES`).

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    OutputError
        When the folder cannot be created or written, or holds outputs and ``force`` is False.

    Examples
    --------
    >>> import tempfile
    >>> check_outputs(tempfile.mkdtemp()).is_dir()
    True
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the output folder '{out}': {exc.strerror}. Choose another --out."
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"The output folder '{out}' is not writable. Choose another --out.")
    existing = [name for name in names if (out / name).exists()]
    if existing and not force:
        raise OutputError(
            f"The output folder '{out}' already holds {', '.join(existing)}. Pass --force to "
            f"replace them, or choose another --out."
        )
    return out


#: What the writers are given: the review, the staging folder, the options and the paths the
#: writers before them wrote, by group (the report shows the maps drawn in the same run).
_Writer = Callable[[ReviewResult, Path, ReviewOptions, Mapping[str, list[Path]]], list[Path]]


def _write_gpkg(
    result: ReviewResult, staging: Path, options: ReviewOptions, written: Mapping[str, list[Path]]
) -> list[Path]:
    from .. import qgis

    gpkg = qgis.export_geopackage(
        result.layers, result.legends, staging / "review.gpkg", crs=options.zone, lang=options.lang
    )
    qgis.write_project(gpkg, list(result.layers), staging / "review.qgz", crs=options.zone)
    return [Path(gpkg), staging / "review.qgz"]


def _write_web_map(
    result: ReviewResult, staging: Path, options: ReviewOptions, written: Mapping[str, list[Path]]
) -> list[Path]:
    from .. import webmap

    m = webmap.make_map(
        result.layers,
        result.legends,
        lang=options.lang,
        tiles=options.tiles,
        tiles_attribution=options.tiles_attribution,
    )
    webmap.save_map(m, staging / "map.html")
    return [staging / "map.html"]


def _start_static_maps(result: ReviewResult, staging: Path, options: ReviewOptions) -> object:
    """Start drawing the static maps in worker processes; return the maps in progress."""
    # start_review_maps is looked up on the module at call time, so that tests can replace it.
    from .. import staticmap

    (staging / "maps").mkdir(exist_ok=True)
    return staticmap.start_review_maps(
        result.layers,
        result.legends,
        staging / "maps",
        lang=options.lang,
        formats=tuple(options.formats),
    )


def report_inputs(options: ReviewOptions) -> dict[str, object]:
    """Name what the review was given, for the report (file names; None: embedded data).

    Examples
    --------
    >>> report_inputs(ReviewOptions(clusters=Path("/data/my_ccn.csv")))["clusters"]
    'my_ccn.csv'
    """

    def name(path: object) -> str | None:
        return None if path is None else Path(path).name

    hazards = [h[-1] if isinstance(h, tuple) else h for h in options.hazards]
    return {
        "clusters": name(options.clusters),
        "parks": name(options.parks),
        "roads": name(options.roads),
        "hazards": tuple(name(h) for h in hazards),
        "dem": name(options.dem),
        "slr_cm": tuple(options.slr_cm),
        "max_km": options.max_km,
        "max_snap_m": options.max_snap_m,
    }


def _write_report(
    result: ReviewResult, staging: Path, options: ReviewOptions, written: Mapping[str, list[Path]]
) -> list[Path]:
    import pandas as pd

    from .. import report

    (staging / "tables").mkdir(exist_ok=True)
    links = {}
    for name, table in result.tables.items():
        frame = pd.DataFrame(table).drop(columns="geometry", errors="ignore")
        frame.to_csv(staging / "tables" / f"{name}.csv", index=False, encoding="utf-8")
        links[name] = f"tables/{name}.csv"
    pngs = [f"maps/{p.name}" for p in written.get("maps", []) if p.suffix == ".png"]
    gpkg = "review.gpkg" if any(p.name == "review.gpkg" for p in written.get("gpkg", [])) else None
    context = report.ReportContext(
        result.tables,
        table_links=links,
        geopackage=gpkg,
        layers=tuple(result.layers) if gpkg else (),
        inputs=report_inputs(options),
    )
    return report.write_report(
        result.tables,
        staging,
        maps=pngs,
        warnings=result.warnings,
        lang=options.lang,
        context=context,
    )


def _write_postgis(
    result: ReviewResult, staging: Path, options: ReviewOptions, written: Mapping[str, list[Path]]
) -> list[Path]:
    # Last of the writers: the database is replaced only when every file was staged.
    from ..qgis import postgis

    postgis.write_postgis(
        result.layers,
        result.legends,
        str(options.to_postgis),
        crs=options.zone,
        lang=options.lang,
    )
    return []


#: The static maps: started first, drawn in worker processes while the writers below run.
_MAPS_GROUP = ("maps", "static maps (drawn alongside the other outputs)")

#: The writers by output group, in the order they run, with their progress line.
_WRITERS: tuple[tuple[str, str, _Writer], ...] = (
    ("gpkg", "GeoPackage with QGIS styles and project", _write_gpkg),
    ("map", "web map", _write_web_map),
    ("report", "tables and report", _write_report),
    (POSTGIS_GROUP, "PostGIS schema with QGIS styles", _write_postgis),
)


def write_outputs(
    result: ReviewResult,
    staging: Path,
    options: ReviewOptions,
    tick: Callable[[str], None],
    groups: Sequence[str],
) -> dict[str, list[Path]]:
    """Write the outputs of ``groups`` (keys of :data:`OUTPUT_GROUPS`) into ``staging``.

    The static maps are started first, in worker processes, and drawn while the GeoPackage,
    the web map and the report (which shows them by the files they are being written to) are
    written; they are waited for last, and the outputs are promoted only when every one of them
    is complete. When a writer fails, the map workers are stopped before the error goes on (and
    the staging folder with it).

    Returns
    -------
    dict of str to list of Path
        The staged paths each group wrote.
    """
    written: dict[str, list[Path]] = {}
    maps = None
    if _MAPS_GROUP[0] in groups:
        tick(_MAPS_GROUP[1])
        maps = _start_static_maps(result, staging, options)
    try:
        for group, message, write in _WRITERS:
            if group not in groups:
                continue
            if group == "report" and maps is not None:
                # the report shows the maps by the files they are being drawn into
                written[_MAPS_GROUP[0]] = list(maps.paths)
            tick(message)
            written[group] = write(result, staging, options, written)
        if maps is not None:
            drawn, planned = [Path(p) for p in maps.result()], list(maps.paths)
            maps = None
            if drawn != planned:  # what the report shows is what was drawn
                raise OutputError(f"The static maps written {drawn} are not those planned.")
            written[_MAPS_GROUP[0]] = drawn
    finally:
        if maps is not None:
            maps.cancel()  # a writer failed: the workers stop before the staging goes
    return written


def promote(staging: Path, out: Path, names: Sequence[str]) -> list[Path]:
    """Move every staged output into place; replaced folders go only once the new one is in.

    Returns
    -------
    list of Path
        The outputs moved into ``out``, in the order of ``names``.
    """
    written = []
    for name in names:
        src, dst = staging / name, out / name
        if not src.exists():
            continue
        if src.is_dir():
            old = None
            if dst.exists():
                old = out / f".{name}.old-{os.getpid()}"
                dst.replace(old)
            src.replace(dst)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        else:
            src.replace(dst)
        written.append(dst)
    return written
