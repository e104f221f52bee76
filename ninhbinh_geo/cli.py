"""The ``ninhbinh-geo`` command.

Sub-commands: ``review`` (everything), ``check`` (validate a user's layer), ``map`` (only the web
map), ``export`` (only the styled GeoPackage and QGIS project) and ``diff`` (what changed between
two reviews). Exit codes: 0 success, 2 bad command line, 3 bad input data, 4 outputs cannot be
written, 1 an unexpected error (a bug: please report it with the traceback shown).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from ._errors import NinhBinhGeoError, OutputError
from ._riskcurve import METHODS as EAD_METHODS
from .cli_types import (
    _ENCODINGS,
    DATABASE_SCHEMES,
    LAYER_SUFFIXES,
    RASTER_SUFFIXES,
    _close_m,
    _database_url,
    _draws,
    _error_m,
    _existing_file,
    _formats,
    _hazard,
    _positive,
    _positive_km,
    _speed,
    _status,
    _to_postgis,
    _zone,
)
from .review.options import DEFAULT_FORMATS

# Only the standard library and light modules of ours are imported here, and the checks below
# need no data: `--help` and a mistyped option answer at once. The analyses are imported when a
# command runs.

__all__ = ["EXIT_CODES", "build_parser", "main"]

EXIT_CODES = {"ok": 0, "bug": 1, "usage": 2, "input": 3, "output": 4}

_EPILOG = """\
exit codes:
  0  success
  2  bad command line
  3  bad input data (the message names the layer, column, rows and the fix)
  4  outputs cannot be written (folder not writable, or outputs exist without --force)
  1  unexpected error (a bug: please report it)

examples:
  ninhbinh-geo review --out review-out
  ninhbinh-geo review --clusters my_clusters.gpkg --hazard rp100.tif --hazard rp10.tif \\
      --dem fabdem.tif --slr-cm 28 --slr-cm 77 --zone EPSG:9209 --lang en --out out --force
  ninhbinh-geo check my_clusters.xlsx
  ninhbinh-geo review --to-postgis "postgresql://gis@db/office?schema=ninhbinh_review"
  ninhbinh-geo diff review-2024 review-2025 --out changes
"""


#: Suffixes of the layer files ``--clusters``/``--parks``/``--roads`` take: those of
def _add_risk(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("climate risk")
    g.add_argument(
        "--ead-method",
        choices=EAD_METHODS,
        default="trapezoid",
        help="how expected annual values are integrated over the return periods: trapezoid "
        "(linear in probability), step (World Bank CCDR), loglinear (Delft-FIAT); the other "
        "methods' totals are shown beside it (default: trapezoid)",
    )
    g.add_argument(
        "--damage-sector",
        default="industrial",
        metavar="SECTOR",
        help="depth-damage curve and construction cost (JRC, Asia): industrial, commercial, "
        "residential (default: industrial, stated in the report)",
    )
    g.add_argument(
        "--flood-close-m",
        type=_close_m,
        action="append",
        default=[],
        metavar="M",
        help="water depth in m above which a road is closed (default 0.3); CLASS=M for one "
        "road class (repeatable)",
    )
    g.add_argument(
        "--datum-offset-m",
        type=float,
        metavar="M",
        help="height of the national datum's zero (Hòn Dấu) in the --dem's vertical datum; about "
        "0.86 for EGM2008 DEMs such as Copernicus GLO-30 and FABDEM (an assumption; default 0)",
    )
    g.add_argument(
        "--slr-draws",
        type=_draws,
        metavar="N",
        help="draws of the DEM's vertical error for a probability of inundation per cluster "
        "and scenario, with --dem and --dem-error-m (seeded)",
    )
    g.add_argument(
        "--dem-error-m",
        type=_error_m,
        metavar="M",
        help="standard deviation of the --dem's vertical error in metres, for --slr-draws",
    )


def _add_inputs(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inputs (default: the embedded data of the new Ninh Bình)")
    layer_file = _existing_file(LAYER_SUFFIXES, "layer")
    raster_file = _existing_file(RASTER_SUFFIXES, "raster")
    g.add_argument(
        "--clusters",
        type=layer_file,
        metavar="FILE",
        help="your cluster (CCN) layer: GeoPackage, GeoJSON, Shapefile, KML, CSV/XLSX "
        "with lon/lat columns, or a PostGIS table postgresql://user@host/db?table=NAME",
    )
    g.add_argument("--parks", type=layer_file, metavar="FILE", help="your park (KCN) layer")
    g.add_argument(
        "--roads",
        type=layer_file,
        metavar="FILE",
        help="a road line layer (e.g. OpenStreetMap roads)",
    )
    g.add_argument(
        "--hazard",
        type=_hazard,
        action="append",
        default=[],
        metavar="[T=]RASTER",
        help="flood-depth GeoTIFF, one per return period (repeatable); the return period is "
        "read from names like *rp100*, *T100*, *1in100*, *100yr*, *chu_ky_100_nam*, "
        "*tan_suat_1%%*, or given as T=RASTER (e.g. 100=depth.tif); one raster is enough "
        "(no expected-annual figure then); default: the ILLUSTRATIVE demo hazard",
    )
    g.add_argument(
        "--units",
        choices=("m", "cm"),
        help="unit of the --hazard depths when neither the raster's metadata nor its name "
        "says it (default: metres)",
    )
    g.add_argument(
        "--dem",
        type=raster_file,
        metavar="FILE",
        help="elevation model GeoTIFF (Copernicus GLO-30, FABDEM …) for sea-level rise",
    )
    g.add_argument(
        "--slr-cm",
        type=float,
        action="append",
        default=[],
        metavar="N",
        help="sea-level rise scenario in cm, with --dem (repeatable; default 100)",
    )
    g.add_argument(
        "--sea",
        type=layer_file,
        metavar="FILE",
        help="polygons of the sea for --dem (default: the sea side of the shipped coastline; "
        "land below sea level stays land)",
    )
    _add_reading(p)


def _add_reading(p: argparse.ArgumentParser, *, title: str | None = None) -> None:
    """Options for reading the user's layers (the fixes the error messages name)."""
    g = p.add_argument_group(
        title or "reading your layers (--clusters, --parks): the fixes error messages name"
    )
    if title is None:
        g.add_argument("--layer", help="layer of a GeoPackage or other multi-layer file")
    g.add_argument("--sheet", help="sheet of an XLSX workbook (default: the one with sites)")
    g.add_argument(
        "--crs",
        metavar="EPSG",
        help="CRS of coordinates in metres, e.g. EPSG:9209 (VN-2000 TM-3 105°30'), EPSG:5897 "
        "(105°00'), EPSG:3405 (UTM 48N); degrees need none",
    )
    g.add_argument(
        "--lonlat",
        metavar="SPEC",
        help="'LON,LAT' column names (longitude first), one column holding both, or 'auto' "
        "(in every row the value near 106 is the longitude)",
    )
    g.add_argument("--encoding", choices=_ENCODINGS, help="text encoding, when not found")
    g.add_argument(
        "--allow-missing",
        action="store_true",
        help="leave values that cannot be read empty, with their reason in <column>_reason",
    )
    g.add_argument(
        "--allow-outside",
        action="store_true",
        help="keep sites outside the province, flagged (outside_province)",
    )
    g.add_argument(
        "--status",
        type=_status,
        action="append",
        default=[],
        metavar="PHRASE=STATUS",
        help='what a status phrase of your file means, e.g. "hoàn thành=operating" (repeatable)',
    )
    g.add_argument(
        "--repair", action="store_true", help="close open rings and mend invalid polygons"
    )


def _add_outputs(p: argparse.ArgumentParser, default_out: str, *, maps: bool = False) -> None:
    g = p.add_argument_group("outputs")
    g.add_argument(
        "--out",
        type=Path,
        default=Path(default_out),
        metavar="DIR",
        help=f"output folder (default: {default_out})",
    )
    g.add_argument("--force", action="store_true", help="replace existing outputs")
    g.add_argument(
        "--zone",
        type=_zone,
        metavar="EPSG",
        help="export CRS: EPSG:5897 (VN-2000 TM-3 105°00', former Hà Nam and Ninh "
        "Bình) or EPSG:9209 (105°30', Nam Định); default: by majority of sites",
    )
    g.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of legends, maps and report (default: vi)",
    )
    g.add_argument(
        "--color-by",
        default="area_ha",
        metavar="COLUMN",
        help="cluster column the maps are coloured by (default: area_ha; 'status' for categories)",
    )
    g.add_argument(
        "--max-km",
        type=_positive_km,
        metavar="KM",
        help="satellite radius around the major parks (default: the library's)",
    )
    if maps:
        g.add_argument(
            "--formats",
            type=_formats,
            default=DEFAULT_FORMATS,
            metavar="LIST",
            help="static map formats, comma-separated: png, pdf (default: png)",
        )
    g.add_argument("--quiet", action="store_true", help="no progress lines")
    g.add_argument(
        "--to-postgis",
        type=_to_postgis,
        metavar="URL",
        help="also write the layers and their QGIS styles into a PostGIS schema, replacing "
        "it in one transaction: postgresql://user@host/db?schema=NAME "
        "(default schema ninhbinh_review; needs ninhbinh-geo[postgis])",
    )


def _add_web(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("web map background")
    g.add_argument(
        "--tiles",
        metavar="NAME|URL",
        help="background of map.html: an online tile service instead of the offline basemap "
        "embedded in the page, by name ('OpenStreetMap', 'OpenTopoMap') or URL template "
        "(https://…/{z}/{x}/{y}.png, with --tiles-attribution); 'none' for no background",
    )
    g.add_argument(
        "--tiles-attribution",
        metavar="TEXT",
        help="credit of the tile service, shown on the map (required with a URL template)",
    )


def _check_tiles(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse a tile URL template without its credit (exit 2) before any work is done."""
    tiles, credit = getattr(args, "tiles", None), getattr(args, "tiles_attribution", None)
    if tiles and "{z}" in tiles and not (credit or "").strip():
        parser.error(
            f"--tiles '{tiles}' is a URL template: pass --tiles-attribution with the "
            "credit the tile service requires (e.g. '© OpenStreetMap contributors')"
        )
    elif tiles and "{z}" not in tiles and tiles.lower() not in ("none", "embedded"):
        import xyzservices  # a small package of names and URLs

        try:
            xyzservices.providers.query_name(
                tiles + (" Mapnik" * (tiles.lower() == "openstreetmap"))
            )
        except ValueError:
            parser.error(
                f"--tiles '{tiles}': unknown tile service; try 'OpenStreetMap' or "
                "'OpenTopoMap', or a URL template with --tiles-attribution"
            )


def _add_access(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("travel time, access and siting (issue 14)")
    g.add_argument(
        "--speed",
        type=_speed,
        action="append",
        default=[],
        metavar="CLASS=KMH",
        help="speed of a road class, overriding the planning speed (repeatable), e.g. "
        "'Quốc Gia=45'; defaults: national 50, provincial 40, district 30 km/h",
    )
    g.add_argument(
        "--access-speed",
        type=_positive,
        default=20.0,
        metavar="KMH",
        help="speed off the road layer, site to road (default: 20 km/h)",
    )
    g.add_argument(
        "--access-supply",
        choices=("jobs", "leasable_ha", "area_ha"),
        default="area_ha",
        help="hub supply of the access indices (default: area_ha; hubs without it are "
        "left out and listed)",
    )
    g.add_argument(
        "--no-siting", action="store_true", help="skip the candidate sites of new clusters"
    )
    g.add_argument(
        "--siting-cell-m",
        type=_positive,
        default=250.0,
        metavar="M",
        help="cell size of the siting surface (default: 250 m)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of ``ninhbinh-geo``.

    Returns
    -------
    argparse.ArgumentParser

    Examples
    --------
    >>> build_parser().parse_args(["review", "--out", "x"]).command
    'review'
    """
    parser = argparse.ArgumentParser(
        prog="ninhbinh-geo",
        description="Planning analysis of the industrial clusters (CCN) and parks (KCN) of the "
        "new Ninh Bình province.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    review = sub.add_parser(
        "review",
        help="run every analysis and write GeoPackage, QGIS project, maps and report",
        description="Run efficiency, satellite-network, road, exposure and zoning analyses and "
        "write review.gpkg, review.qgz, map.html, report.html, report.md, maps/ and "
        "tables/ into --out.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_inputs(review)
    _add_risk(review)
    _add_outputs(review, "review-out", maps=True)
    _add_web(review)
    _add_access(review)

    check = sub.add_parser("check", help="validate a cluster or park layer and report problems")
    check.add_argument(
        "file",
        type=lambda t: (
            _database_url(t, table=True) if t.lower().startswith(DATABASE_SCHEMES) else Path(t)
        ),
        help="the layer to check (a file, or a PostGIS table postgresql://…?table=NAME)",
    )
    check.add_argument("--layer", help="layer name inside a GeoPackage")
    check.add_argument("--kind", choices=("CCN", "KCN"), help="what the layer holds")
    _add_reading(check, title="reading the layer: the fixes error messages name")

    diff = sub.add_parser(
        "diff",
        help="what changed since an earlier review: outcomes per site and rule, with the cause",
        description="Compare two review output folders: per site, the zoning outcomes that "
        "changed and why (input value, rule threshold, rule definition or wording, effective "
        "date), and the rules that changed.",
    )
    diff.add_argument("old", type=Path, help="output folder of the earlier review")
    diff.add_argument("new", type=Path, help="output folder of the later review")
    diff.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write tables/diff.csv, tables/diff_rules.csv and diff.gpkg into DIR",
    )
    diff.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default vi)")

    for name, text in (
        ("map", "write only the interactive web map"),
        ("export", "write only the styled GeoPackage and QGIS project"),
    ):
        p = sub.add_parser(
            name, help=text, epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        _add_inputs(p)
        _add_risk(p)
        _add_outputs(p, "review-out")
        if name == "map":
            _add_web(p)
        _add_access(p)
    return parser


#: Options that only mean something with another one: {option: (the other, its dest)}.
_NEEDS = {
    "--slr-cm": ("--dem", "dem"),
    "--sea": ("--dem", "dem"),
    "--units": ("--hazard", "hazard"),
    "--datum-offset-m": ("--dem", "dem"),
    "--slr-draws": ("--dem-error-m", "dem_error_m"),
    "--dem-error-m": ("--dem", "dem"),
    "--tiles-attribution": ("--tiles", "tiles"),
}


def _check_needs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse, as a command-line error (exit 2), an option given without the one it needs."""
    for option, (other, dest) in _NEEDS.items():
        value = getattr(args, option.lstrip("-").replace("-", "_"), None)
        if value not in (None, [], ()) and not getattr(args, dest, None):
            parser.error(f"{option} needs {other}: it has no effect without it")


def _read_options(args: argparse.Namespace) -> dict[str, object]:
    """Collect the keyword arguments of ``io.read_inventory`` the reading options stand for."""
    out: dict[str, object] = {
        name: getattr(args, name)
        for name in ("layer", "sheet", "crs", "lonlat", "encoding")
        if getattr(args, name, None) is not None
    }
    for flag in ("allow_missing", "allow_outside", "repair"):
        if getattr(args, flag, False):
            out[flag] = True
    if getattr(args, "status", None):
        out["status_words"] = dict(args.status)
    return out


def _options(args: argparse.Namespace) -> object:
    from .review import ReviewOptions

    formats = getattr(args, "formats", DEFAULT_FORMATS)
    close = dict(args.flood_close_m)
    return ReviewOptions(
        clusters=args.clusters,
        parks=args.parks,
        roads=args.roads,
        hazards=tuple(args.hazard),
        dem=args.dem,
        slr_cm=tuple(args.slr_cm),
        sea=args.sea,
        units=args.units,
        read=_read_options(args),
        zone=args.zone,
        lang=args.lang,
        cluster_column=args.color_by,
        max_km=args.max_km,
        formats=formats,
        ead_method=args.ead_method,
        damage_sector=args.damage_sector,
        flood_close_m=close.pop(None, 0.3),
        flood_close_m_by_class=close,
        datum_offset_m=args.datum_offset_m or 0.0,
        slr_draws=args.slr_draws or 0,
        dem_error_m=args.dem_error_m,
        speeds_kmh=dict(args.speed) or None,
        access_speed_kmh=args.access_speed,
        access_supply=args.access_supply,
        siting=not args.no_siting,
        siting_cell_m=args.siting_cell_m,
        to_postgis=getattr(args, "to_postgis", None),
        tiles=getattr(args, "tiles", None) or "embedded",
        tiles_attribution=getattr(args, "tiles_attribution", None),
    )


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        from . import io
        from .io import postgis

        url = postgis.is_postgis_url(args.file)
        read = _read_options(args)
        if url:  # a PostGIS table: the URL names it
            read["layer"] = postgis.parse_postgis_url(args.file).qualified()
        gdf = io.read_inventory(
            args.file,
            kind=args.kind,
            allow_points=True,
            **(postgis.postgis_provenance(args.file) if url else io.file_provenance(args.file)),
            **read,
        )
        report = gdf.attrs.get("harmonise_report") or []
        for line in report:
            print(f"changed: {line}")
        print(f"OK: {len(gdf)} sites in '{args.file}' pass validation.")
        return 0
    if args.command == "diff":
        from . import diff

        result = diff.compare_reviews(args.old, args.new)
        for line in diff.summary_lines(result, args.lang):
            print(line)
        if args.out is not None:
            for path in diff.write_diff(result, args.out, lang=args.lang):
                print(path)
        return 0
    # The review imports the analyses and outputs (folium, matplotlib, the raster stack) step by
    # step, after its first progress line and after reading the user's files.
    from . import review

    progress = None if getattr(args, "quiet", False) else _progress
    if args.command == "review":
        result = review.run_review(args.out, _options(args), force=args.force, progress=progress)
        for path in result.paths:
            print(path)
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"review finished in {result.seconds:.1f} s", file=sys.stderr)
        return 0
    only = ("map",) if args.command == "map" else ("gpkg",)
    result = review.run_review(
        args.out, _options(args), force=args.force, progress=progress, only=only
    )
    for path in result.paths:
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 3 for bad input data, 4 when outputs cannot be written, 2 for a bad
        command line (raised by argparse as SystemExit).

    Examples
    --------
    >>> main(["--version"])  # doctest: +SKIP
    ninhbinh-geo 0.1.0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_needs(parser, args)
    _check_tiles(parser, args)
    try:
        return _run(args)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CODES["output"]
    except NinhBinhGeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CODES["input"]
    except KeyboardInterrupt:
        print("interrupted; previous outputs are intact", file=sys.stderr)
        return 130


def console() -> None:
    """Run the command line as the ``ninhbinh-geo`` program and end the process at once.

    Once :func:`main` has returned, every output is written, closed and moved into place, and
    the worker processes are gone: the interpreter's own teardown (releasing some 2,000 modules
    and the libraries behind them, 0.4 s after a review on 2 cores) would change nothing, so the
    process ends with the exit code as soon as its messages are flushed. An unexpected error
    still ends the normal way, with its traceback.
    """
    import logging

    code = main()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach the reader
            code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    console()
