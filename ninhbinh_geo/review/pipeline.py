"""The review from end to end: inputs, the steps, the assembled result, the outputs."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _atomic
from . import branches, steps
from .inputs import load_inputs
from .options import ReviewOptions, ReviewResult, ReviewState
from .outputs import OUTPUT_GROUPS, POSTGIS_GROUP, check_outputs, promote, write_outputs
from .provenance import sources_table, with_derived_provenance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["assemble", "locations_table", "run_review"]

#: Columns of the proximity table (those the clusters have).
PROXIMITY_COLUMNS = (
    "site_id",
    "name_vi",
    "former_province",
    # the nearest hub in a straight line, and the distances to it (straight, by road)
    "nearest_park",
    "straight_km",
    "straight_basis",
    "road_km_to_nearest",
    "road_reason_to_nearest",
    "distance_accuracy",
    "distance_precision_km",
    # the nearest hub by road, which is not the straight-line nearest where that one lies
    # beyond the access leg or on another piece of the road network
    "road_park",
    "road_km",
    "road_reason",
    "road_accuracy",
    "road_precision_km",
    "straight_km_points",
    "snap_m",
    "max_snap_m",
    "detour_ratio",
    "is_satellite",
    "satellite_rank",
)
#: Columns of the per-cluster efficiency table, in the clusters' own order.
EFFICIENCY_SITE_COLUMNS = (
    "site_id",
    "name_vi",
    "former_province",
    "status",
    "area_ha",
    "occupancy_pct",
    "jobs_per_ha",
    "projects_per_ha",
    "occupancy_pct_reason",
    # how well the outline is known: the report rounds areas measured on it accordingly
    "footprint_accuracy",
)


#: How a location basis names a position placed on a ring around an administrative unit's centre.
_PLACED_BY = {"by_district": "only the former district", "by_province": "only the former province"}


def locations_table(layers: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Count how well the sites are placed, per site layer (``clusters``, ``parks``).

    Returns
    -------
    pandas.DataFrame
        One row per layer: ``layer``, ``sites``, ``located`` (position ``approximate`` or
        better), ``illustrative`` (position only known to an administrative unit),
        ``by_district`` and ``by_province`` (of those, placed by former district or province,
        from ``location_basis``), ``footprints_illustrative``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"location_accuracy": ["approximate", "illustrative"],
    ...     "location_basis": ["portal", "illustrative: only the former district (X) is known"],
    ...     "footprint_accuracy": ["illustrative"] * 2})
    >>> locations_table({"clusters": c}).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'layer': 'clusters', 'sites': 2, 'located': 1, 'illustrative': 1, 'by_district': 1,
     'by_province': 0, 'footprints_illustrative': 2}
    """
    import pandas as pd

    rows = []
    for name in ("clusters", "parks"):
        sites = layers.get(name)
        if sites is None or "location_accuracy" not in sites:
            continue
        placed = sites["location_accuracy"].astype("string").eq("illustrative").fillna(False)
        basis = sites.get("location_basis", pd.Series("", index=sites.index)).astype("string")
        row = {"layer": name, "sites": len(sites), "located": int((~placed).sum())}
        row["illustrative"] = int(placed.sum())
        for column, phrase in _PLACED_BY.items():
            row[column] = int(
                (placed & basis.str.contains(phrase, regex=False).fillna(False)).sum()
            )
        footprint = sites.get("footprint_accuracy", pd.Series(pd.NA, index=sites.index))
        row["footprints_illustrative"] = int(footprint.astype("string").eq("illustrative").sum())
        rows.append(row)
    return pd.DataFrame(rows)


class _Progress:
    def __init__(self, total: int, emit: Callable[[str], None] | None) -> None:
        self.total, self.step, self.emit = total, 0, emit
        self.t0 = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.step += 1
        if self.emit is not None:
            elapsed = time.perf_counter() - self.t0
            self.emit(f"[{self.step}/{self.total}] {message} ({elapsed:.1f} s)")


def assemble(state: ReviewState) -> ReviewResult:
    """Turn the state after the last step into the review's result.

    Layers in :data:`~ninhbinh_geo.review.steps.LAYER_ORDER` with their derived provenance, the
    per-cluster tables (``proximity``, ``efficiency_sites``), the sources table and the legends.
    """
    from .. import styles

    clusters = state.clusters
    found = {**state.layers, "parks": state.parks, "clusters": clusters}
    layers = {k: found[k] for k in steps.LAYER_ORDER if found.get(k) is not None}
    layers = with_derived_provenance(layers, state.hazards)
    table = clusters.drop(columns="geometry")
    tables = {
        **state.tables,
        "proximity": table[[c for c in PROXIMITY_COLUMNS if c in table.columns]],
        "efficiency_sites": table[[c for c in table.columns if c in EFFICIENCY_SITE_COLUMNS]],
        "locations": locations_table(layers),
        "sources": sources_table(layers),
    }
    legends = styles.default_legends(layers, cluster_column=state.options.cluster_column)
    return ReviewResult(
        layers=layers, tables=tables, legends=legends, warnings=list(state.warnings)
    )


def _analyse(options: ReviewOptions, tick: Callable[[str], None], staging: Path) -> ReviewResult:
    tick("loading layers")
    state = load_inputs(options, staging)
    # looked up at run time: a caller may add its own steps
    state = branches.run_steps(state, steps.STEPS, steps.BRANCHES, tick)
    return assemble(state)


def run_review(
    out_dir: str | os.PathLike = "review-out",
    options: ReviewOptions | None = None,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    only: Sequence[str] | None = None,
) -> ReviewResult:
    """Run the whole review and write its outputs into ``out_dir``.

    It loads and checks the user's files (or the embedded data) first, runs the analyses of
    :data:`~ninhbinh_geo.review.steps.STEPS`, and writes the GeoPackage with QGIS styles, the
    QGIS project, the web map, the static maps, the CSV tables and the report into a staging
    folder, moved into place only when every output succeeded.

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
        Called with one line per step (``print`` to stderr from the command line); the first
        line comes at once, before the inputs are read.
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
    ValueError
        Unknown output groups in ``only``.

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
    created = not Path(out_dir).exists()
    if options.to_postgis is not None:  # the database is written last, when a URL is given
        groups = (*groups, POSTGIS_GROUP)
    out = check_outputs(out_dir, force=force, names=names)
    tick = _Progress(1 + len(steps.STEPS) + len(groups), progress)
    t0 = time.perf_counter()
    # Leftovers of killed runs (staging folders, temp files) are removed; ours names our pid.
    _atomic.remove_stale(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{_atomic.STAGING_PREFIX}{os.getpid()}-", dir=out))
    try:
        (staging / "tables").mkdir()
        result = _analyse(options, tick, staging)
        write_outputs(result, staging, options, tick, groups)
        result.paths = promote(staging, out, names)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:  # a failed run leaves nothing behind that was not there before
            with contextlib.suppress(OSError):
                out.rmdir()  # only when empty
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - t0
    return result
