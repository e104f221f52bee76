"""The whole review as one function: data in, analyses, outputs.

:func:`run_review` is what ``ninhbinh-geo review`` runs. It loads the embedded data (or the
user's files), runs the efficiency, proximity, road-network, exposure and zoning analyses, and
writes the GeoPackage with QGIS styles, the QGIS project, the web map, the static maps, the CSV
tables and the report. All outputs are first written into a staging folder inside ``out_dir``
and moved into place only when every one of them succeeded, so a failed run leaves the previous
outputs intact.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import rasterio

from . import (
    _atomic,
    datasets,
    efficiency,
    exposure,
    io,
    network,
    proximity,
    qgis,
    report,
    sealevel,
    staticmap,
    styles,
    webmap,
    zoning,
)
from ._errors import OutputError
from ._provenance import ACCURACY_CLASSES
from .labels import label

__all__ = [
    "OUTPUT_GROUPS",
    "OUTPUT_NAMES",
    "ReviewOptions",
    "ReviewResult",
    "check_outputs",
    "run_review",
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

#: Largest hazard raster traced into polygons for the maps (cells); larger ones are not drawn.
MAX_DISPLAY_CELLS = 4_000_000

#: Order of the layers in the GeoPackage and the QGIS project (bottom first).
LAYER_ORDER = (
    "province",
    "former_provinces",
    "districts",
    "coastline",
    "roads",
    "hazard",
    "exposure",
    "satellite_links",
    "parks",
    "clusters",
    "zoning_findings",
)


@dataclass(frozen=True)
class ReviewOptions:
    """What to review and how.

    Attributes
    ----------
    clusters, parks, roads : path, optional
        The user's own layers; the embedded data when ``None``.
    hazards : sequence of path
        Flood-depth rasters (one per return period); the illustrative demo hazard when empty.
    dem : path, optional
        A digital elevation model for the sea-level-rise scenarios.
    slr_cm : sequence of float
        Sea-level rise scenarios in cm (used with ``dem``).
    zone : str, optional
        Export CRS (VN-2000 TM-3 zone, e.g. ``"EPSG:5897"``); by majority of sites when ``None``.
    lang : {"vi", "en"}
        Language of legends, maps and report.
    cluster_column : str
        Column the clusters are coloured by on maps and in QGIS.
    max_km : float, optional
        Satellite radius; the default of :func:`ninhbinh_geo.proximity.nearest_parks` when ``None``.
    max_snap_m : float
        Farthest a site may lie from the road layer and still get a road distance (the access
        leg is counted as a straight line). The embedded roads hold only national and provincial
        roads, so the review allows 5 km where the library's default is 3 km.
    """

    clusters: Path | None = None
    parks: Path | None = None
    roads: Path | None = None
    hazards: Sequence[Path] = ()
    dem: Path | None = None
    slr_cm: Sequence[float] = ()
    zone: str | None = None
    lang: str = "vi"
    cluster_column: str = "area_ha"
    max_km: float | None = None
    max_snap_m: float = 5000.0


@dataclass
class ReviewResult:
    """What a review produced: its layers, tables and the paths it wrote."""

    layers: dict[str, gpd.GeoDataFrame]
    tables: dict[str, pd.DataFrame]
    legends: dict[str, styles.Legend]
    warnings: list[str]
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0


class _Progress:
    def __init__(self, total: int, emit: Callable[[str], None] | None) -> None:
        self.total, self.step, self.emit = total, 0, emit
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.step += 1
        if self.emit is not None:
            elapsed = time.perf_counter() - self.t0
            self.emit(f"[{self.step}/{self.total}] {message} ({elapsed:.1f} s)")


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


def _load_sites(path: Path | None, kind: str) -> gpd.GeoDataFrame:
    if path is None:
        return datasets.load_clusters() if kind == "CCN" else datasets.load_parks()
    # Provenance the user's file does not carry is taken from the file itself, so a planner's
    # layer works without extra options; rows given as points get illustrative footprints.
    sites = io.read_inventory(path, kind=kind, allow_points=True, **io.file_provenance(path))
    return io.nominal_footprints(sites)


def _load_roads(path: Path | None) -> gpd.GeoDataFrame:
    if path is None:
        return datasets.load_roads()
    return io.read_layer(path)


def _hazard_inputs(options: ReviewOptions, staging: Path) -> tuple[list[Path], bool]:
    """Return the hazard rasters to use and whether they are the illustrative demo layer."""
    hazards = [Path(p) for p in options.hazards]
    illustrative = not hazards
    if illustrative:
        hazards = list(exposure.illustrative_hazard_paths().values())
    if options.dem is not None:
        for cm in options.slr_cm or (100,):
            depth_path = staging / "tables" / f"slr_{cm:g}cm_depth.tif"
            sealevel.inundation_depth(options.dem, slr_cm=cm, out_path=depth_path)
            hazards.append(depth_path)
    return hazards, illustrative


def _hazard_layer(hazards: Sequence[Path]) -> gpd.GeoDataFrame | None:
    """Depth classes of the 100-year raster (else the rarest one) as polygons for the maps."""
    if not hazards:
        return None
    by_rp = {exposure.parse_return_period(p.name): p for p in hazards}
    chosen = by_rp.get(100.0) or by_rp[max((rp for rp in by_rp if rp), default=None)]
    with rasterio.open(chosen) as ds:
        if ds.width * ds.height > MAX_DISPLAY_CELLS:
            return None
    return exposure.depth_zones(chosen)


def _analyse(options: ReviewOptions, tick: Callable[[str], None], staging: Path) -> ReviewResult:
    lang = options.lang
    warnings: list[str] = []
    tick("loading layers")
    clusters = _load_sites(options.clusters, "CCN")
    parks = _load_sites(options.parks, "KCN")
    roads = _load_roads(options.roads)
    layers: dict[str, gpd.GeoDataFrame] = {
        "province": datasets.load_province(),
        "former_provinces": datasets.load_former_provinces(),
        "districts": datasets.load_districts(),
        "coastline": datasets.load_coastline(),
        "roads": roads,
    }
    facts = datasets.load_facts()
    tables: dict[str, pd.DataFrame] = {"facts": facts, "coverage": datasets.load_coverage()}
    if (clusters.get("accuracy") == "illustrative").any():
        warnings.append(label("warn.illustrative_footprint", lang))

    tick("efficiency indicators")
    clusters = efficiency.site_indicators(clusters)
    tables["efficiency"] = pd.concat(
        [
            efficiency.aggregate(clusters, by=by, facts=facts)
            for by in ("province", "former_province")
        ],
        ignore_index=True,
    )
    tables["efficiency_district"] = efficiency.aggregate(clusters, by="district_old")

    tick("straight-line proximity to the major parks")
    kw = {} if options.max_km is None else {"max_km": options.max_km}
    clusters = proximity.nearest_parks(clusters, parks, **kw)

    tick("road network distances")
    graph = network.build_graph(roads)
    clusters = network.road_distances(graph, clusters, parks, max_snap_m=options.max_snap_m)
    links = proximity.satellite_links(clusters, parks)
    tables["network"] = pd.DataFrame(graph.components)

    tick("flood and sea-level exposure")
    hazards, illustrative = _hazard_inputs(options, staging)
    if illustrative:
        warnings.append(label("warn.illustrative_hazard", lang))
        warnings.append(label("report.how_real_hazard", lang))
    expo = exposure.raster_exposure(clusters, hazards)
    tables["exposure"] = expo
    # Sea-level scenarios have no return period: the expected annual area integrates the
    # return-period rasters only.
    with_rp = expo[expo["return_period"].notna()]
    if with_rp["return_period"].nunique() > 0:
        tables["ead"] = exposure.expected_annual_exposure(with_rp)

    tick("zoning-review rules")
    findings = zoning.check(clusters, exposure=expo)
    tables["findings_summary"] = zoning.summarize(findings)
    tables["findings"] = findings
    tables["rules"] = zoning.load_rules()

    layers.update(
        {
            "hazard": _hazard_layer(hazards),
            "exposure": expo,
            "satellite_links": links,
            "parks": parks,
            "clusters": clusters,
            "zoning_findings": findings,
        }
    )
    layers = {k: layers[k] for k in LAYER_ORDER if k in layers and layers[k] is not None}
    layers = _with_derived_provenance(layers, hazards)
    tables["proximity"] = clusters.drop(columns="geometry")[
        [
            c
            for c in (
                "site_id",
                "name_vi",
                "former_province",
                "nearest_park",
                "straight_km",
                "straight_km_points",
                "road_km",
                # the park the road distance runs to: the nearest by road, which is not the
                # nearest in a straight line where that one lies far from the road layer
                "road_park",
                "snap_m",
                "detour_ratio",
                "is_satellite",
                "satellite_rank",
                "road_reason",
            )
            if c in clusters.columns
        ]
    ]
    tables["efficiency_sites"] = clusters.drop(columns="geometry")[
        [
            c
            for c in clusters.columns
            if c
            in (
                "site_id",
                "name_vi",
                "former_province",
                "status",
                "area_ha",
                "occupancy_pct",
                "jobs_per_ha",
                "projects_per_ha",
                "occupancy_pct_reason",
            )
        ]
    ]
    tables["sources"] = _sources_table(layers)
    legends = styles.default_legends(layers, cluster_column=options.cluster_column)
    return ReviewResult(layers=layers, tables=tables, legends=legends, warnings=warnings)


def _worst_accuracy(*classes: pd.Series) -> pd.Series:
    """Row-wise worst accuracy class of aligned Series (missing counts as illustrative)."""
    rank = {c: i for i, c in enumerate(ACCURACY_CLASSES)}
    ranks = pd.concat([c.map(rank) for c in classes], axis=1).fillna(len(ACCURACY_CLASSES) - 1)
    return ranks.max(axis=1).astype(int).map(dict(enumerate(ACCURACY_CLASSES)))


def _raster_provenance(paths: Sequence[Path]) -> pd.DataFrame:
    """Source, licence and date of each hazard raster, from its tags or the file itself."""
    rows = []
    for p in paths:
        with rasterio.open(p) as ds:
            tags = ds.tags()
        date = time.strftime("%Y-%m-%d", time.localtime(Path(p).stat().st_mtime))
        rows.append(
            {
                "hazard": re.sub(
                    r"\.(tif|tiff|vrt|nc|img)$", "", Path(p).name, flags=re.IGNORECASE
                ),
                "source": tags.get("source")
                or tags.get("title")
                or f"hazard raster {Path(p).name}",
                "licence": tags.get("licence") or tags.get("license") or "not stated (user file)",
                "source_date": tags.get("source_date") or date,
            }
        )
    return pd.DataFrame(rows)


def _with_derived_provenance(
    layers: dict[str, gpd.GeoDataFrame], hazards: Sequence[Path]
) -> dict[str, gpd.GeoDataFrame]:
    """Give the layers the review derives the provenance of what they were derived from."""
    today = time.strftime("%Y-%m-%d")
    sites = pd.concat([layers["clusters"], layers["parks"]])
    accuracy = sites.set_index("site_id")["accuracy"]
    out = dict(layers)
    hz = _raster_provenance(hazards).set_index("hazard")
    for name in ("exposure", "hazard"):
        gdf = out.get(name)
        if gdf is None:
            continue
        gdf = gdf.copy()
        for col in ("source", "licence", "source_date"):
            gdf[col] = gdf["hazard"].map(hz[col])
        out[name] = gdf
    links = out["satellite_links"].copy()
    links["source"] = "ninhbinh_geo.proximity / network, from the clusters and parks layers"
    links["source_date"] = today
    links["licence"] = "derived from the clusters and parks layers (their licences apply)"
    links["accuracy"] = _worst_accuracy(
        links["site_id"].map(accuracy), links["park_id"].map(accuracy)
    )
    out["satellite_links"] = links
    findings = out["zoning_findings"].copy()
    findings["source"] = "ninhbinh_geo.zoning rules table applied to the clusters layer"
    findings["source_date"] = today
    findings["licence"] = "rules: facts with legal citations; sites: their own licences"
    findings["accuracy"] = findings["site_id"].map(accuracy)
    out["zoning_findings"] = findings
    return out


def _sources_table(layers: dict[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    rows = []
    for name, gdf in layers.items():
        cols = [c for c in ("source", "licence", "accuracy") if c in gdf.columns]
        if not cols:
            continue
        grouped = gdf[cols].astype(str).value_counts().reset_index(name="rows")
        grouped.insert(0, "layer", name)
        rows.append(grouped)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _write_outputs(
    result: ReviewResult,
    staging: Path,
    options: ReviewOptions,
    tick: Callable[[str], None],
    groups: Sequence[str],
) -> None:
    lang = options.lang
    if "gpkg" in groups:
        tick("GeoPackage with QGIS styles and project")
        gpkg = qgis.export_geopackage(
            result.layers, result.legends, staging / "review.gpkg", crs=options.zone, lang=lang
        )
        qgis.write_project(gpkg, list(result.layers), staging / "review.qgz", crs=options.zone)
    if "map" in groups:
        tick("web map")
        m = webmap.make_map(result.layers, result.legends, lang=lang)
        webmap.save_map(m, staging / "map.html")
    maps: list[Path] = []
    if "maps" in groups:
        tick("static maps")
        (staging / "maps").mkdir(exist_ok=True)
        maps = staticmap.review_maps(result.layers, result.legends, staging / "maps", lang=lang)
    if "report" not in groups:
        return
    tick("tables and report")
    (staging / "tables").mkdir(exist_ok=True)
    for name, table in result.tables.items():
        frame = pd.DataFrame(table).drop(columns="geometry", errors="ignore")
        frame.to_csv(staging / "tables" / f"{name}.csv", index=False, encoding="utf-8")
    pngs = [f"maps/{Path(p).name}" for p in maps if Path(p).suffix == ".png"]
    report.write_report(result.tables, staging, maps=pngs, warnings=result.warnings, lang=lang)


def _promote(staging: Path, out: Path, names: Sequence[str]) -> list[Path]:
    """Move every staged output into place; replaced folders go only once the new one is in."""
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


def run_review(
    out_dir: str | os.PathLike = "review-out",
    options: ReviewOptions | None = None,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    only: Sequence[str] | None = None,
) -> ReviewResult:
    """Run the whole review and write its outputs into ``out_dir``.

    Parameters
    ----------
    out_dir : path-like, default "review-out"
        Output folder: ``review.gpkg``, ``review.qgz``, ``map.html``, ``report.html``,
        ``report.md``, ``maps/*.png|pdf`` and ``tables/*.csv`` are written there.
    options : ReviewOptions, optional
        Inputs and settings; the embedded data and defaults when ``None``.
    force : bool, default False
        Replace existing outputs.
    progress : callable, optional
        Called with one line per step (``print`` to stderr from the command line).
    only : sequence of str, optional
        Write only these groups of :data:`OUTPUT_GROUPS` (``"gpkg"``, ``"map"``, ``"maps"``,
        ``"report"``); everything when ``None``.

    Returns
    -------
    ReviewResult
        Layers, tables, legends, warnings, the written paths and the time taken.

    Raises
    ------
    OutputError
        When ``out_dir`` is not writable or holds outputs and ``force`` is False.
    NinhBinhGeoError
        Any input problem, with a message naming the layer, column and rows.

    Examples
    --------
    >>> import tempfile
    >>> result = run_review(tempfile.mkdtemp())  # doctest: +SKIP
    >>> sorted(p.name for p in result.paths)  # doctest: +SKIP
    ['map.html', 'maps', 'report.html', 'report.md', 'review.gpkg', 'review.qgz', 'tables']
    """
    options = options or ReviewOptions()
    groups = tuple(OUTPUT_GROUPS) if only is None else tuple(only)
    unknown = sorted(set(groups) - set(OUTPUT_GROUPS))
    if unknown:
        raise ValueError(f"Unknown output groups {unknown}; use some of {list(OUTPUT_GROUPS)}.")
    names = [n for g in groups for n in OUTPUT_GROUPS[g]]
    out = check_outputs(out_dir, force=force, names=names)
    tick = _Progress(6 + len(groups), progress)
    t0 = time.perf_counter()
    # Leftovers of killed runs (staging folders, temp files) are removed; ours names our pid.
    _atomic.remove_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{_atomic.STAGING_PREFIX}{os.getpid()}-", dir=out))
    try:
        (staging / "tables").mkdir()
        result = _analyse(options, tick, staging)
        _write_outputs(result, staging, options, tick, groups)
        result.paths = _promote(staging, out, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    return result


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
