"""What changed between two reviews: per site the rule outcomes that changed, and why.

:func:`diff_reviews` compares two output folders of ``ninhbinh-geo review`` (the old and the
new). Every finding carries the identity of its rule (``rule_hash``, a hash of the rule's
normative content, and ``effective_date``) and what was measured, so a change of outcome can be
traced to its cause:

- ``input_value``: the site's data changed (the measured value, or a site attribute such as
  ``area_ha`` or ``craft_village`` in the cluster layer);
- ``rule_threshold``: the rule's threshold changed (its hash changed with it);
- ``rule_definition``: another normative part of the rule changed (comparison, parameters,
  layer, legal source, severity; the hash changed, the thresholds did not);
- ``rule_text``: only the rule's wording changed (same hash, other statement);
- ``effective_date``: the date the cited text took effect changed;
- ``rule_added`` / ``rule_removed``, ``site_added`` / ``site_removed``;
- ``unexplained``: the outcome changed and nothing stored in the two reviews explains it.

The result has one row per (site, rule) whose outcome or measured value changed, with every
cause found; :func:`diff_rules` lists the rules that changed, even where no outcome did (a
rewording changes none). :func:`write_diff` writes both as ``tables/diff.csv`` and
``tables/diff_rules.csv`` and the sites as the GeoPackage layer ``review_diff``.
"""

from __future__ import annotations

import math
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from . import crs as _crs
from ._errors import InputFileError

__all__ = [
    "CAUSES",
    "DIFF_COLUMNS",
    "INPUT_COLUMNS",
    "RULE_DIFF_COLUMNS",
    "ReviewDiff",
    "compare_reviews",
    "diff_reviews",
    "diff_rules",
    "summary_lines",
    "write_diff",
]

#: Causes, in the order they are reported (label keys ``diff.cause.<cause>``).
CAUSES = (
    "input_value",
    "rule_threshold",
    "rule_definition",
    "rule_text",
    "effective_date",
    "rule_added",
    "rule_removed",
    "site_added",
    "site_removed",
    "unexplained",
)
#: Site attributes compared as inputs of the rules (those of the cluster layer's contract).
INPUT_COLUMNS = (
    "kind",
    "status",
    "area_ha",
    "industrial_ha",
    "leasable_ha",
    "leased_ha",
    "occupancy_pct",
    "has_wwtp",
    "wwtp_compliant",
    "craft_village",
    "mountainous",
    "expansion_ha",
    "lon",
    "lat",
    "footprint_accuracy",
    "location_accuracy",
)
#: Columns of the per-site diff (:func:`diff_reviews`), geometry last.
DIFF_COLUMNS = (
    "site_id",
    "name_vi",
    "rule_id",
    "result_old",
    "result_new",
    "outcome_changed",
    "cause",
    "causes",
    "measured_old",
    "measured_new",
    "threshold_old",
    "threshold_new",
    "threshold_high_old",
    "threshold_high_new",
    "changed_inputs",
    "rule_hash_old",
    "rule_hash_new",
    "effective_date_old",
    "effective_date_new",
)
#: Columns of the per-rule diff (:func:`diff_rules`).
RULE_DIFF_COLUMNS = (
    "rule_id",
    "cause",
    "rule_hash_old",
    "rule_hash_new",
    "threshold_old",
    "threshold_new",
    "threshold_high_old",
    "threshold_high_new",
    "effective_date_old",
    "effective_date_new",
    "statement_en_old",
    "statement_en_new",
    "outcomes_changed",
)
_KEYS = ["site_id", "rule_id"]
_RULE_FIELDS = (
    "rule_hash",
    "threshold",
    "threshold_high",
    "effective_date",
    "statement_vi",
    "statement_en",
)


@dataclass(frozen=True)
class ReviewDiff:
    """The two parts of a diff: per (site, rule), and per rule."""

    sites: gpd.GeoDataFrame
    rules: pd.DataFrame


# --------------------------------------------------------------------------------------------
# Reading a review folder
# --------------------------------------------------------------------------------------------


def _read_findings(folder: Path) -> pd.DataFrame:
    csv = folder / "tables" / "findings.csv"
    gpkg = folder / "review.gpkg"
    if csv.is_file():
        frame = pd.read_csv(
            csv,
            dtype={"site_id": str, "rule_id": str, "rule_hash": str, "effective_date": str},
            keep_default_na=True,
        )
    elif gpkg.is_file() and "zoning_findings" in {n for n, _ in pyogrio.list_layers(gpkg)}:
        frame = pyogrio.read_dataframe(gpkg, layer="zoning_findings", read_geometry=False)
    else:
        raise InputFileError(
            f"'{folder}' holds no zoning findings (tables/findings.csv or the layer "
            f"zoning_findings of review.gpkg); give the output folder of ninhbinh-geo review."
        )
    missing = [c for c in ("site_id", "rule_id", "result", "rule_hash") if c not in frame]
    if missing:
        raise InputFileError(
            f"The findings of '{folder}' lack {missing}; they were written by an older "
            f"ninhbinh_geo. Run the review again with this version to compare."
        )
    return frame.drop_duplicates(_KEYS).set_index(_KEYS)


def _read_sites(folder: Path) -> gpd.GeoDataFrame | None:
    gpkg = folder / "review.gpkg"
    if not gpkg.is_file() or "clusters" not in {n for n, _ in pyogrio.list_layers(gpkg)}:
        return None
    sites = pyogrio.read_dataframe(gpkg, layer="clusters")
    sites = _crs.project_checked(sites, _crs.STORAGE_CRS) if sites.crs is not None else sites
    return sites.drop_duplicates("site_id").set_index("site_id")


def _read_rules(folder: Path) -> pd.DataFrame | None:
    csv = folder / "tables" / "rules.csv"
    if not csv.is_file():
        return None
    rules = pd.read_csv(csv, dtype={"rule_id": str, "rule_hash": str, "effective_date": str})
    return rules.drop_duplicates("rule_id").set_index("rule_id")


def _folder(path: str | os.PathLike[str]) -> Path:
    folder = Path(path)
    if not folder.is_dir():
        raise InputFileError(f"Review folder '{folder}' not found; give a --out folder.")
    return folder


# --------------------------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    """Equal values: numbers within 1e-9 (relative), NaN equal to NaN, text NFC-compared."""
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA
    if a_missing or b_missing:
        return a_missing and b_missing
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return unicodedata.normalize("NFC", str(a)) == unicodedata.normalize("NFC", str(b))
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def _fmt(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


def _changed_inputs(old: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame | None) -> pd.Series:
    """Per site present in both: ``column: old → new`` of the input columns that changed."""
    if old is None or new is None:
        return pd.Series(dtype=object)
    common = old.index.intersection(new.index)
    out = {}
    for site in common:
        parts = [
            f"{c}: {_fmt(old.at[site, c])} → {_fmt(new.at[site, c])}"
            for c in INPUT_COLUMNS
            if c in old.columns and c in new.columns and not _same(old.at[site, c], new.at[site, c])
        ]
        if parts:
            out[site] = "; ".join(parts)
    return pd.Series(out, dtype=object)


def _rule_causes(o: pd.Series, n: pd.Series) -> list[str]:
    causes = []
    if not _same(o.get("rule_hash"), n.get("rule_hash")):
        thresholds = ("threshold", "threshold_high")
        moved = any(not _same(o.get(c), n.get(c)) for c in thresholds)
        causes.append("rule_threshold" if moved else "rule_definition")
    elif any(not _same(o.get(c), n.get(c)) for c in ("statement_vi", "statement_en")):
        causes.append("rule_text")
    if not _same(o.get("effective_date"), n.get("effective_date")):
        causes.append("effective_date")
    return causes


def _pair_row(key: tuple, o: pd.Series | None, n: pd.Series | None, inputs: pd.Series) -> dict:
    site, rule = key
    row: dict[str, object] = {"site_id": site, "rule_id": rule}
    for col in ("result", "measured", "threshold", "threshold_high", "rule_hash", "effective_date"):
        row[f"{col}_old"] = None if o is None else o.get(col)
        row[f"{col}_new"] = None if n is None else n.get(col)
    row["name_vi"] = (n if n is not None else o).get("name_vi")
    row["changed_inputs"] = inputs.get(site, "")
    row["outcome_changed"] = not _same(row["result_old"], row["result_new"])
    return row


def _causes(o: pd.Series | None, n: pd.Series | None, row: dict, site_status: str) -> list[str]:
    if site_status:
        return [site_status]
    if o is None or n is None:
        return ["rule_added" if o is None else "rule_removed"]
    causes = []
    if not _same(o.get("measured"), n.get("measured")) or (
        row["changed_inputs"] and row["outcome_changed"]
    ):
        causes.append("input_value")
    causes += _rule_causes(o, n)
    if row["outcome_changed"] and not causes:
        causes.append("unexplained")
    return causes


def diff_reviews(
    old_dir: str | os.PathLike[str], new_dir: str | os.PathLike[str]
) -> gpd.GeoDataFrame:
    """Compare two reviews: per (site, rule), the outcomes and measured values that changed.

    Parameters
    ----------
    old_dir, new_dir : path-like
        Output folders of ``ninhbinh-geo review`` (``tables/findings.csv`` or the layer
        ``zoning_findings`` of ``review.gpkg``; ``review.gpkg``'s cluster layer for the site
        attributes and footprints).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (site, rule) whose result or measured value changed, or that exists in one
        review only, with :data:`DIFF_COLUMNS`: the results before and after,
        ``outcome_changed``, ``cause`` (the first of :data:`CAUSES` found) and ``causes``
        (all, ``"; "``-joined), the measured values and thresholds before and after,
        ``changed_inputs`` (``column: old → new`` of the site's input columns), the rule's
        hash and effective date before and after. Geometry: the site's footprint (new review,
        else old) in EPSG:4326; empty where no cluster layer was written. Sorted by site and
        rule.

    Raises
    ------
    InputFileError
        A folder that is missing or holds no findings, or findings without ``rule_hash``.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> old, new = (pathlib.Path(tempfile.mkdtemp()) for _ in range(2))
    >>> row = {"site_id": "CCN-A", "rule_id": "CCN-01", "result": "pass", "measured": 74.0,
    ...        "threshold": 10.0, "threshold_high": 75.0, "rule_hash": "abc",
    ...        "effective_date": "2024-05-01", "statement_en": "At most 75 ha."}
    >>> for folder, changes in ((old, {}), (new, {"measured": 76.0, "result": "fail"})):
    ...     (folder / "tables").mkdir()
    ...     pd.DataFrame([{**row, **changes}]).to_csv(folder / "tables" / "findings.csv")
    >>> d = diff_reviews(old, new)
    >>> d[["site_id", "result_old", "result_new", "cause"]].values.tolist()
    [['CCN-A', 'pass', 'fail', 'input_value']]
    """
    old_folder, new_folder = _folder(old_dir), _folder(new_dir)
    old, new = _read_findings(old_folder), _read_findings(new_folder)
    old_sites, new_sites = _read_sites(old_folder), _read_sites(new_folder)
    inputs = _changed_inputs(old_sites, new_sites)
    old_ids = set(old.index.get_level_values(0))
    new_ids = set(new.index.get_level_values(0))
    rows = []
    for key in sorted(set(old.index) | set(new.index)):
        o = old.loc[key] if key in old.index else None
        n = new.loc[key] if key in new.index else None
        site_status = (
            "site_added"
            if key[0] not in old_ids
            else "site_removed"
            if key[0] not in new_ids
            else ""
        )
        row = _pair_row(key, o, n, inputs)
        causes = _causes(o, n, row, site_status)
        measured_moved = (
            o is not None and n is not None and not _same(o.get("measured"), n.get("measured"))
        )
        if not (row["outcome_changed"] or measured_moved or site_status or o is None or n is None):
            continue
        row["cause"] = causes[0] if causes else ""
        row["causes"] = "; ".join(causes)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(DIFF_COLUMNS))
    return _with_footprints(frame, old_sites, new_sites)


def _with_footprints(
    frame: pd.DataFrame, old: gpd.GeoDataFrame | None, new: gpd.GeoDataFrame | None
) -> gpd.GeoDataFrame:
    shapes = pd.Series(dtype=object)
    for sites in (old, new):  # the new footprint wins
        if sites is not None:
            shapes = pd.concat([shapes, sites.geometry.astype(object)])
    shapes = shapes[~shapes.index.duplicated(keep="last")]
    geometry = frame["site_id"].map(shapes) if len(shapes) else [None] * len(frame)
    return gpd.GeoDataFrame(frame, geometry=list(geometry), crs=_crs.STORAGE_CRS)


def diff_rules(
    old_dir: str | os.PathLike[str],
    new_dir: str | os.PathLike[str],
    sites: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """List the rules that changed between two reviews, with the cause and the outcomes moved.

    Parameters
    ----------
    old_dir, new_dir : path-like
        Output folders of ``ninhbinh-geo review`` (``tables/rules.csv``, else the rule
        identity the findings carry).
    sites : DataFrame, optional
        The per-site diff (:func:`diff_reviews`), to count the outcomes each rule changed.

    Returns
    -------
    pandas.DataFrame
        One row per (rule, cause) with :data:`RULE_DIFF_COLUMNS`: ``cause`` one of
        ``rule_threshold``, ``rule_definition``, ``rule_text``, ``effective_date``,
        ``rule_added``, ``rule_removed``; hashes, thresholds, dates and English statements
        before and after; ``outcomes_changed``, the sites whose result for that rule changed.
    """
    old_folder, new_folder = _folder(old_dir), _folder(new_dir)
    old, new = _rules_of(old_folder), _rules_of(new_folder)
    moved = (
        sites.loc[sites["outcome_changed"].astype(bool), "rule_id"].value_counts()
        if sites is not None and len(sites)
        else pd.Series(dtype=int)
    )
    rows = []
    for rule in sorted(set(old.index) | set(new.index)):
        o = old.loc[rule] if rule in old.index else None
        n = new.loc[rule] if rule in new.index else None
        if o is None or n is None:
            causes = ["rule_added" if o is None else "rule_removed"]
        else:
            causes = _rule_causes(o, n)
        for cause in causes:
            row = {"rule_id": rule, "cause": cause, "outcomes_changed": int(moved.get(rule, 0))}
            for col in (
                "rule_hash",
                "threshold",
                "threshold_high",
                "effective_date",
                "statement_en",
            ):
                row[f"{col}_old"] = None if o is None else o.get(col)
                row[f"{col}_new"] = None if n is None else n.get(col)
            rows.append(row)
    return pd.DataFrame(rows, columns=list(RULE_DIFF_COLUMNS))


def _rules_of(folder: Path) -> pd.DataFrame:
    rules = _read_rules(folder)
    if rules is not None and "rule_hash" in rules.columns:
        return rules
    findings = _read_findings(folder).reset_index()
    cols = [c for c in _RULE_FIELDS if c in findings.columns]
    return findings.drop_duplicates("rule_id").set_index("rule_id")[cols]


def compare_reviews(old_dir: str | os.PathLike[str], new_dir: str | os.PathLike[str]) -> ReviewDiff:
    """Compare two reviews: :func:`diff_reviews` per site and :func:`diff_rules` per rule.

    Returns
    -------
    ReviewDiff
        ``sites`` (the per-site GeoDataFrame) and ``rules`` (the rules that changed, with the
        number of outcomes each changed).
    """
    sites = diff_reviews(old_dir, new_dir)
    return ReviewDiff(sites=sites, rules=diff_rules(old_dir, new_dir, sites))


def summary_lines(diff: ReviewDiff, lang: str = "vi") -> list[str]:
    """Return the diff as text lines: the count, each outcome change, each changed rule.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> empty = ReviewDiff(gpd.GeoDataFrame(columns=list(DIFF_COLUMNS)), pd.DataFrame(
    ...     columns=list(RULE_DIFF_COLUMNS)))
    >>> summary_lines(empty, "en")
    ['0 outcomes changed at 0 sites; 0 rules changed.', 'No changes.']
    """
    from .labels import label

    moved = diff.sites[diff.sites["outcome_changed"].astype(bool)]
    lines = [
        label("diff.summary", lang).format(
            n_changed=len(moved),
            n_sites=moved["site_id"].nunique(),
            n_rules=diff.rules["rule_id"].nunique(),
        )
    ]
    for row in moved.itertuples():
        causes = ", ".join(label(f"diff.cause.{c}", lang) for c in str(row.causes).split("; "))
        detail = f" ({row.changed_inputs})" if row.changed_inputs else ""
        lines.append(
            f"{row.site_id} {row.rule_id}: {_fmt(row.result_old)} → {_fmt(row.result_new)} — "
            f"{causes}{detail}"
        )
    for row in diff.rules.itertuples():
        lines.append(
            f"{label('diff.rules', lang)}: {row.rule_id} — {label(f'diff.cause.{row.cause}', lang)}"
            f" ({_fmt(row.rule_hash_old)} → {_fmt(row.rule_hash_new)})"
        )
    if len(lines) == 1:
        lines.append(label("diff.none", lang))
    return lines


def write_diff(
    diff: ReviewDiff,
    out_dir: str | os.PathLike[str],
    *,
    crs: object | None = None,
    lang: str = "vi",
) -> list[Path]:
    """Write a diff: ``tables/diff.csv``, ``tables/diff_rules.csv``, ``diff.gpkg`` and a report.

    The report (``diff.html``, ``diff.md``, in ``lang``) is the report section
    :mod:`ninhbinh_geo.report.sections.diff`: the counts, the outcomes that changed with their
    causes, the rules that changed, and links to the tables.

    The GeoPackage holds the layer ``review_diff`` (the per-site rows with the sites'
    footprints) in a VN-2000 TM-3 zone (``crs``, default the zone of most sites), written
    atomically like the review's GeoPackage. Rows without a footprint are left out of it (they
    stay in the CSV).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from . import _atomic, qgis

    out = Path(out_dir)
    (out / "tables").mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (("diff", diff.sites), ("diff_rules", diff.rules)):
        path = out / "tables" / f"{name}.csv"
        text = pd.DataFrame(frame).drop(columns="geometry", errors="ignore").to_csv(index=False)
        _atomic.write_text(path, text)
        written.append(path)
    located = diff.sites[diff.sites.geometry.notna() & ~diff.sites.geometry.is_empty]
    layers: tuple[str, ...] = ()
    if len(located):
        gpkg = qgis.export_geopackage({"review_diff": located}, {}, out / "diff.gpkg", crs=crs)
        written.append(Path(gpkg))
        layers = ("review_diff",)
    return written + _write_report(diff, out, layers, lang)


def _write_report(diff: ReviewDiff, out: Path, layers: tuple[str, ...], lang: str) -> list[Path]:
    from . import report
    from .labels import label
    from .report.sections import diff as section

    tables = {"diff": diff.sites, "diff_rules": diff.rules}
    ctx = report.ReportContext(
        tables,
        table_links={k: f"tables/{k}.csv" for k in tables},
        geopackage="diff.gpkg" if layers else None,
        layers=layers,
    )
    return report.write_report(
        tables, out, lang=lang, stem="diff", context=ctx, sections=(section,),
        title=label("diff.title", lang),
    )  # fmt: skip
