"""Zoning-review rule checks for industrial clusters (CCN) and parks (KCN).

The rules are data: a table (shipped as ``data/rules/rules.csv``, see ``data/rules/SOURCES.md``)
with one row per rule, naming the kind of measurement (``check``), the comparison, the thresholds,
the user layer it needs, its legal source and how well that source was confirmed (C/P/S/U).
:func:`check` measures every site against every rule through a small dispatch table of check
functions keyed by ``check`` and returns one finding per (site, rule).

Policy (why the results are as they are):

- Missing data is never a pass. A rule whose input is missing (no dyke layer, occupancy unknown,
  no exposure row) gives ``needs_review`` with the reason.
- A rule of status ``U`` (unverified) never fails hard: a violation becomes ``needs_review``.
  Rules of status ``P`` and ``S`` keep their result, and the reason says the source is partly
  confirmed or secondary.
- A rule measured on an ``illustrative`` footprint (``footprint_accuracy``), or on an exposure
  row whose ``accuracy`` is ``illustrative``, gives ``needs_review``: a made-up outline can
  neither clear nor condemn a site.
- When it is unknown whether a rule applies (a flag or the status is missing), a violation
  becomes ``needs_review``; a pass stays a pass (the site meets the rule if it applies).
- A site's area is ``area_ha`` (the official figure) when given, else its footprint area in
  EPSG:3405, but never the area of an illustrative footprint; ``basis`` says which.
- An exposure share that passes but was measured on a raster covering under 99 % of the site
  gives ``needs_review``: the uncovered part may be flooded.
- A layer a rule needs but that is not supplied gives ``needs_review``; a supplied layer that no
  rule names raises :class:`RulesError` (a misspelt key would otherwise silently be ignored).

For corridor rules ``measured`` is the distance from the footprint to the nearest line feature
and ``threshold`` the corridor width on the side facing the site; the result comes from the
actual overlap of the footprint with the (one-sided) corridors.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from . import crs as _crs
from ._errors import RulesError, SchemaError, first_ids

__all__ = [
    "CHECKS",
    "OPERATORS",
    "RESULTS",
    "RULE_COLUMNS",
    "SOURCE_STATUSES",
    "UNITS",
    "check",
    "load_rules",
    "rules_path",
    "summarize",
]

#: Columns every rules table must have.
RULE_COLUMNS = (
    "rule_id",
    "applies_to",
    "check",
    "operator",
    "threshold",
    "threshold_high",
    "unit",
    "layer",
    "params",
    "statement_vi",
    "statement_en",
    "legal_source",
    "source_status",
    "source_url",
    "severity",
    "result_if_violated",
)
OPERATORS = ("between", "<=", ">=", "<", ">", "==", "intersects", "not_intersects")
UNITS = ("ha", "m", "km", "%", "share", "bool")
SOURCE_STATUSES = ("C", "P", "S", "U")
SEVERITIES = ("blocking", "major", "advisory")
#: Results, worst first (the order :func:`summarize` uses).
RESULTS = ("fail", "needs_review", "pass", "not_applicable")
APPLIES_TO = ("CCN", "KCN", "both")
#: Statuses of clusters that already exist (the base of the occupancy tests).
EXISTING_STATUSES = ("established", "operating")
#: Keys of the ``params`` column understood by every check (applicability conditions).
_CONDITION_PARAMS = frozenset({"if", "unless", "status", "when"})
_STATUS_NOTES = {
    "P": "source status P: numbers seen, article not seen; check the official text",
    "S": "source status S: secondary source only; check the official text before relying on it",
    "U": "source status U: unverified rule, so a violation is reported as needs_review",
}
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V"}
_OUTPUT_COLUMNS = (
    "site_id",
    "name_vi",
    "rule_id",
    "check",
    "result",
    "measured",
    "threshold",
    "threshold_high",
    "unit",
    "basis",
    "reason",
    "legal_source",
    "source_status",
    "source_url",
    "severity",
    "statement_vi",
    "statement_en",
)


def rules_path() -> Path:
    """Return the path of the shipped rules table.

    Returns
    -------
    pathlib.Path
        ``rules.csv`` inside the installed package data, or in the source checkout's ``data/``.

    Examples
    --------
    >>> rules_path().name
    'rules.csv'
    """
    installed = Path(__file__).parent / "_data" / "rules" / "rules.csv"
    if installed.exists():
        return installed
    return Path(__file__).resolve().parents[1] / "data" / "rules" / "rules.csv"


# --------------------------------------------------------------------------------------------
# Loading and validating the rules table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CheckSpec:
    """What a check needs: its function, allowed operators, units and parameters."""

    func: Callable[[_Context, pd.Series], dict[str, list]]
    operators: tuple[str, ...]
    units: tuple[str, ...]
    params: frozenset[str] = field(default_factory=frozenset)
    needs_layer: bool = False
    needs_threshold: bool = True
    geometric: bool = False


def _parse_params(text: object, rule_id: str, where: str) -> dict[str, str]:
    if text is None or (isinstance(text, float) and math.isnan(text)) or str(text).strip() == "":
        return {}
    out: dict[str, str] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        if "=" not in part:
            raise RulesError(
                f"Rules table {where}: rule {rule_id!r} has params {text!r}; each item must be "
                f"key=value, items separated by ';' (e.g. 'hazard=flood;return_period=100')."
            )
        key, value = part.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _blank(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and value.strip() == "")
    )


def _as_number(value: object, rule_id: str, column: str, where: str) -> float:
    if _blank(value):
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} has {column}={value!r}, which is not a number. "
            f"Write a plain number in {column} (e.g. 75 or 0.25) or leave it empty."
        ) from None


def load_rules(path: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate a zoning-rules table.

    Parameters
    ----------
    path : str, pathlib.Path, pandas.DataFrame or None
        A CSV file (UTF-8) or a table already in memory; ``None`` loads the shipped table
        (:func:`rules_path`). To extend the shipped rules, concatenate your rows to
        ``load_rules()`` and pass the result.

    Returns
    -------
    pandas.DataFrame
        One row per rule, index = ``rule_id``, the columns of the table; ``threshold`` and
        ``threshold_high`` as floats (NaN when empty), text NFC-normalised.

    Raises
    ------
    RulesError
        A missing column, a duplicate or empty ``rule_id``, an unknown ``check``, ``operator``,
        ``unit``, ``applies_to``, ``source_status``, ``severity`` or ``result_if_violated``, an
        operator or unit the check cannot use, a non-numeric threshold, a missing threshold,
        an unknown parameter, or a missing layer name or legal source. The message names the
        rule and the fix.

    Examples
    --------
    >>> rules = load_rules()
    >>> rule = rules.loc["CCN-01"]
    >>> float(rule["threshold"]), float(rule["threshold_high"]), rule["unit"]
    (10.0, 75.0, 'ha')
    >>> set(rules["source_status"]) <= {"C", "P", "S", "U"}
    True
    """
    return _load(path).drop(columns="params_dict")


def _load(path: str | Path | pd.DataFrame | None) -> pd.DataFrame:
    """Validate a rules table; add ``params_dict``, the parsed ``params`` of each rule."""
    if isinstance(path, pd.DataFrame):
        # a table from load_rules (maybe extended) is validated again from its raw columns
        raw = path.drop(columns=["params_dict"], errors="ignore")
        where = "(table in memory)"
    else:
        file = Path(path) if path is not None else rules_path()
        where = f"'{file}'"
        if not file.exists():
            raise RulesError(f"Rules table {where} does not exist. Pass the path of a rules CSV.")
        try:
            # utf-8-sig: tables saved from Excel start with a byte-order mark
            raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError as err:
            raise RulesError(
                f"Rules table {where} is not UTF-8 ({err.reason} at byte {err.start}). Save it "
                f"as CSV UTF-8; Vietnamese text in TCVN3/VNI must be converted to Unicode first."
            ) from None
    raw = raw.reset_index(drop=True) if "rule_id" in raw.columns else raw.reset_index()
    missing = [c for c in RULE_COLUMNS if c not in raw.columns]
    if missing:
        raise RulesError(
            f"Rules table {where} lacks the column(s) {missing}. Every rules table needs "
            f"{list(RULE_COLUMNS)}; start from a copy of {rules_path()}."
        )
    ids = raw["rule_id"].map(lambda v: "" if _blank(v) else str(v).strip())
    if (ids == "").any():
        raise RulesError(
            f"Rules table {where}: rows {first_ids(raw.index[ids == ''])} have no rule_id. "
            f"Give every rule a unique id."
        )
    dup = ids[ids.duplicated()]
    if not dup.empty:
        raise RulesError(
            f"Rules table {where}: rule_id {first_ids(dup.unique())} appears more than once. "
            f"Rule ids must be unique; rename your own rules (e.g. 'MY-01')."
        )
    rows = []
    for i, rec in raw.iterrows():
        rows.append(_validate_rule(rec, ids[i], where))
    out = pd.DataFrame(rows).set_index("rule_id", drop=False)
    out.index.name = None
    return out


def _text(value: object) -> str:
    return "" if _blank(value) else unicodedata.normalize("NFC", str(value).strip())


def _validate_rule(rec: pd.Series, rule_id: str, where: str) -> dict[str, object]:
    row = {c: _text(rec[c]) for c in rec.index if c not in ("threshold", "threshold_high")}
    row["rule_id"] = rule_id

    def bad(column: str, value: str, allowed: tuple[str, ...] | list[str], fix: str = "") -> None:
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} has unknown {column} {value!r}; use one of "
            f"{list(allowed)}.{(' ' + fix) if fix else ''}"
        )

    if row["applies_to"] not in APPLIES_TO:
        bad("applies_to", row["applies_to"], APPLIES_TO)
    if row["check"] not in CHECKS:
        bad("check", row["check"], sorted(CHECKS), "New kinds of check need code in zoning.CHECKS.")
    spec = CHECKS[row["check"]]
    if row["operator"] not in OPERATORS:
        bad("operator", row["operator"], OPERATORS)
    if row["operator"] not in spec.operators:
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} uses operator {row['operator']!r} with check "
            f"{row['check']!r}, which only takes {list(spec.operators)}."
        )
    if row["unit"] not in UNITS:
        bad("unit", row["unit"], UNITS)
    if row["unit"] not in spec.units:
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} uses unit {row['unit']!r} with check "
            f"{row['check']!r}, which measures in {list(spec.units)}."
        )
    if row["source_status"] not in SOURCE_STATUSES:
        bad("source_status", row["source_status"], SOURCE_STATUSES, "See rules.md's legend.")
    if row["severity"] not in SEVERITIES:
        bad("severity", row["severity"], SEVERITIES)
    if row["result_if_violated"] not in ("fail", "needs_review"):
        bad("result_if_violated", row["result_if_violated"], ("fail", "needs_review"))
    for col in ("legal_source", "statement_vi", "statement_en"):
        if not row[col]:
            raise RulesError(
                f"Rules table {where}: rule {rule_id!r} has an empty {col}. Every rule states "
                f"itself in Vietnamese and English and names its legal source (or says it has "
                f"none)."
            )
    row["threshold"] = _as_number(rec["threshold"], rule_id, "threshold", where)
    row["threshold_high"] = _as_number(rec["threshold_high"], rule_id, "threshold_high", where)
    if spec.needs_threshold and math.isnan(row["threshold"]):
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} (check {row['check']!r}) needs a threshold."
        )
    if row["operator"] == "between" and not row["threshold_high"] >= row["threshold"]:
        # also catches a missing threshold_high: NaN compares False
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} uses 'between' and needs threshold_high "
            f">= threshold (got {row['threshold']} and {row['threshold_high']})."
        )
    if spec.needs_layer and not row["layer"]:
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} (check {row['check']!r}) needs a layer name, "
            f"e.g. 'dykes', 'rivers', 'heritage', 'residential' or 'exposure'."
        )
    params = _parse_params(rec["params"], rule_id, where)
    unknown = sorted(set(params) - spec.params - _CONDITION_PARAMS)
    if unknown:
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} has unknown params {unknown} for check "
            f"{row['check']!r}; it understands {sorted(spec.params | _CONDITION_PARAMS)}."
        )
    if params.get("when", "expanding") != "expanding":
        raise RulesError(
            f"Rules table {where}: rule {rule_id!r} has when={params['when']!r}; only "
            f"'when=expanding' is understood."
        )
    for key in spec.params:
        if key.endswith(("_m", "_ha")) and key in params:
            _as_number(params[key], rule_id, f"params {key}", where)
    row["params_dict"] = params
    return row


# --------------------------------------------------------------------------------------------
# Context shared by the checks
# --------------------------------------------------------------------------------------------


@dataclass
class _Context:
    sites: gpd.GeoDataFrame  # storage CRS, RangeIndex
    metric: gpd.GeoSeries  # footprints in the metric CRS, same index
    layers: dict[str, gpd.GeoDataFrame]  # metric CRS
    exposure: pd.DataFrame | None
    group_by: str
    class_column: str
    proposed: gpd.GeoDataFrame | None  # metric CRS, with site_id
    expanding: pd.Series  # bool per site
    kinds: pd.Series  # CCN, KCN or None (unknown)

    def col(self, name: str) -> pd.Series:
        """Return a site column, or an all-NA series when the column is absent."""
        if name in self.sites.columns:
            return self.sites[name]
        return pd.Series(pd.NA, index=self.sites.index, dtype="object")


def _result_frame(index: pd.Index) -> dict[str, list]:
    # plain lists, filled site by site; a scalar assigned to a key applies to every site
    n = len(index)
    return {
        "outcome": ["unknown"] * n,
        "measured": [math.nan] * n,
        "threshold": [math.nan] * n,
        "threshold_high": [math.nan] * n,
        "basis": [""] * n,
        "reason": [""] * n,
    }


def _compare(value: float, operator: str, low: float, high: float) -> bool:
    if operator == "between":
        return low <= value <= high
    return {
        "<=": value <= low,
        ">=": value >= low,
        "<": value < low,
        ">": value > low,
        "==": value == low,
    }[operator]


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if math.isfinite(x) else "NaN"


def _bool_value(value: object) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "có", "x"):
        return True
    if text in ("false", "0", "no", "n", "không"):
        return False
    return None


def _site_area(ctx: _Context, i: int) -> tuple[float, str]:
    """Return the site's area in ha and its basis (official figure first, then the footprint)."""
    official = pd.to_numeric(pd.Series([ctx.col("area_ha").iloc[i]]), errors="coerce").iloc[0]
    if pd.notna(official):
        return float(official), "area_ha (official figure)"
    geom = ctx.metric.iloc[i]
    if geom is None or geom.is_empty:
        return math.nan, "no area_ha and no footprint"
    if str(ctx.col("footprint_accuracy").iloc[i]) == "illustrative":
        # an illustrative outline drawn without a known area is a marker, not a measurement
        return math.nan, "no area_ha, and the footprint is illustrative (its area is no measure)"
    return geom.area / 1e4, f"footprint area in {_crs.METRIC_CRS} (no area_ha given)"


# --------------------------------------------------------------------------------------------
# The checks (each returns a frame of outcome/measured/threshold/basis/reason per site)
# --------------------------------------------------------------------------------------------


def _check_area_range(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    for i in range(len(ctx.sites)):
        area, basis = _site_area(ctx, i)
        out["basis"][i] = basis
        out["measured"][i] = area
        if math.isnan(area):
            out["reason"][i] = f"site area unknown: {basis}"
            continue
        ok = _compare(area, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"area {_fmt(area)} ha"
    out["threshold"] = rule["threshold"]
    out["threshold_high"] = rule["threshold_high"]
    return out


def _check_expanded_area_max(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    extension = pd.to_numeric(ctx.col("expansion_ha"), errors="coerce")
    for i in range(len(ctx.sites)):
        base, basis = _site_area(ctx, i)
        sid = ctx.sites["site_id"].iloc[i]
        ext_basis = ""
        ext = math.nan
        if ctx.proposed is not None and (ctx.proposed["site_id"] == sid).any():
            ext_geom = ctx.proposed.loc[ctx.proposed["site_id"] == sid].geometry.union_all()
            foot = ctx.metric.iloc[i]
            # only the part of the extension outside today's footprint adds area
            if foot is not None and not foot.is_empty:
                ext_geom = ext_geom.difference(foot)
            ext = ext_geom.area / 1e4
            ext_basis = f"proposed extension polygon outside the footprint, {_crs.METRIC_CRS}"
        elif pd.notna(extension.iloc[i]):
            ext = float(extension.iloc[i])
            ext_basis = "expansion_ha"
        out["basis"][i] = f"{basis} + {ext_basis}"
        if math.isnan(base) or math.isnan(ext):
            out["reason"][i] = (
                f"current area unknown: {basis}" if math.isnan(base) else "extension area unknown"
            )
            continue
        total = base + ext
        out["measured"][i] = total
        ok = _compare(total, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"{_fmt(base)} ha now + {_fmt(ext)} ha extension = {_fmt(total)} ha"
    out["threshold"] = rule["threshold"]
    return out


def _check_wwtp_required(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    columns = rule["params_dict"].get("columns", "has_wwtp").split("|")
    for i in range(len(ctx.sites)):
        values = {c: _bool_value(ctx.col(c).iloc[i]) for c in columns}
        false = [c for c, v in values.items() if v is False]
        unknown = [c for c, v in values.items() if v is None]
        measured = 0.0 if false else (math.nan if unknown else 1.0)
        out["measured"][i] = measured
        out["basis"][i] = "site attributes " + ", ".join(columns)
        if false:
            out["outcome"][i] = "violated"
            out["reason"][i] = ", ".join(false) + " is false"
        elif unknown:
            out["reason"][i] = ", ".join(unknown) + " unknown (no data)"
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = ", ".join(columns) + " true"
    out["threshold"] = 1.0
    return out


def _occupancy_parts(ctx: _Context, positions: list[int]) -> tuple[pd.Series, pd.Series]:
    """Return leased and industrial ha of the given sites (NaN where unknown).

    Industrial land is ``industrial_ha``, else ``leasable_ha``; leased land is ``leased_ha``,
    else ``occupancy_pct`` × industrial land (the published rate is leased ÷ leasable).
    """
    ind = pd.to_numeric(ctx.col("industrial_ha"), errors="coerce").iloc[positions]
    ind = ind.fillna(pd.to_numeric(ctx.col("leasable_ha"), errors="coerce").iloc[positions])
    leased = pd.to_numeric(ctx.col("leased_ha"), errors="coerce").iloc[positions]
    pct = pd.to_numeric(ctx.col("occupancy_pct"), errors="coerce").iloc[positions]
    leased = leased.fillna(pct / 100 * ind)
    return leased.astype(float), ind.astype(float)


def _check_site_occupancy(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    pct = pd.to_numeric(ctx.col("occupancy_pct"), errors="coerce")
    leased, ind = _occupancy_parts(ctx, list(range(len(ctx.sites))))
    for i in range(len(ctx.sites)):
        if pd.notna(pct.iloc[i]):
            value, basis = float(pct.iloc[i]), "occupancy_pct (published)"
        elif pd.notna(leased.iloc[i]) and ind.iloc[i] > 0:
            value, basis = 100 * leased.iloc[i] / ind.iloc[i], "leased_ha ÷ industrial_ha"
        else:
            out["reason"][i] = "occupancy unknown"
            continue
        if rule["unit"] == "share":
            value /= 100
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        out["measured"][i] = value
        out["basis"][i] = basis
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"occupancy {_fmt(value)} {rule['unit']}"
    out["threshold"] = rule["threshold"]
    return out


def _group_keys(ctx: _Context) -> pd.Series:
    if ctx.group_by == "province" and "province" not in ctx.sites.columns:
        return pd.Series("Ninh Bình", index=ctx.sites.index)
    return ctx.sites[ctx.group_by]


def _check_group_occupancy(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    unleased_max = float(rule["params_dict"].get("or_unleased_max_ha", "nan"))
    groups = _group_keys(ctx)
    kind = ctx.kinds
    status = ctx.col("status").astype("object")
    existing = (kind == "CCN") & status.isin(EXISTING_STATUSES).fillna(False).astype(bool)
    ids = ctx.sites["site_id"]
    for i in range(len(ctx.sites)):
        group = groups.iloc[i]
        out["basis"][i] = f"existing clusters grouped by {ctx.group_by}"
        if _blank(group):
            out["reason"][i] = f"{ctx.group_by} unknown for this site"
            continue
        members = [
            j
            for j in range(len(ctx.sites))
            if j != i
            and existing.iloc[j]
            and not _blank(groups.iloc[j])
            and groups.iloc[j] == group
        ]
        if not members:
            out["reason"][i] = (
                f"no existing cluster in {ctx.group_by} {group!r} in the site layer; the "
                f"condition does not bind only if there truly is none"
            )
            continue
        leased, ind = _occupancy_parts(ctx, members)
        missing = leased.isna() | ind.isna()
        if missing.any():
            unknown_ids = ids.iloc[np.array(members)][missing.to_numpy()]
            out["reason"][i] = (
                f"occupancy unknown for {first_ids(unknown_ids)} in {ctx.group_by} {group!r}"
            )
            continue
        if ind.sum() <= 0:
            out["reason"][i] = "industrial land of the group is zero"
            continue
        occ = 100 * leased.sum() / ind.sum()
        unleased = float((ind - leased).clip(lower=0).sum())
        value = occ / 100 if rule["unit"] == "share" else occ
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"]) or (
            not math.isnan(unleased_max) and unleased <= unleased_max
        )
        out["measured"][i] = value
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = (
            f"{len(members)} existing cluster(s) in {group!r}: average occupancy {_fmt(occ)} %, "
            f"unleased industrial land {_fmt(unleased)} ha"
        )
    out["threshold"] = rule["threshold"]
    return out


def _to_unit(metres: float, unit: str) -> float:
    return metres / 1000 if unit == "km" else metres


def _grade(value: object) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    for prefix in ("grade ", "cấp ", "cap "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    if text.lower() in ("special", "đặc biệt", "dac biet", "0"):
        return "special"
    return _ROMAN.get(text, text.upper())


def _corridor_widths(
    feature: pd.Series, params: Mapping[str, str], default_m: float
) -> tuple[float, float, str]:
    """Return (left_m, right_m, note) of one line feature's protection corridor.

    ``river_side`` says which side of the line (in its drawing direction) faces the water;
    without it the larger width is used on both sides, because the corridor cannot be placed.
    """
    width_col = params.get("width_column")
    if width_col and width_col in feature.index and not _blank(feature[width_col]):
        w = float(feature[width_col])
        return w, w, f"{width_col} = {_fmt(w)} m both sides"
    if "land_m" not in params:
        return (
            default_m,
            default_m,
            (f"rule threshold {_fmt(default_m)} m both sides" if math.isfinite(default_m) else ""),
        )
    land = float(params["land_m"])
    water = float(params.get("river_m", land))
    if str(feature.get("dyke_type", "")).strip().lower() == "sea" and "sea_m" in params:
        water = float(params["sea_m"])
    if _bool_value(feature.get("settled")) and "settled_m" in params:
        w = float(params["settled_m"])
        return w, w, f"stretch through settlement: {_fmt(w)} m both sides"
    side = str(feature.get("river_side", "")).strip().lower()
    if side == "left":
        return water, land, f"water side (left) {_fmt(water)} m, land side {_fmt(land)} m"
    if side == "right":
        return land, water, f"water side (right) {_fmt(water)} m, land side {_fmt(land)} m"
    w = max(land, water)
    return w, w, f"no river_side attribute: the larger width {_fmt(w)} m used on both sides"


def _one_sided(line: BaseGeometry, left_m: float, right_m: float) -> BaseGeometry:
    # shapely: a positive single-sided buffer lies left of the line, a negative one right
    parts = [line.buffer(left_m, single_sided=True), line.buffer(-right_m, single_sided=True)]
    return parts[0].union(parts[1]) if left_m != right_m else line.buffer(left_m)


def _check_corridor_intersects(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    layer = ctx.layers[rule["layer"]].explode(index_parts=False)
    layer = layer[~layer.geometry.is_empty & layer.geometry.notna()]
    grades = params.get("grades")
    unknown_grade = pd.Series(False, index=layer.index)
    if grades:
        if "grade" not in layer.columns:
            raise SchemaError(
                f"Layer '{rule['layer']}' has no 'grade' column, which rule {rule['rule_id']} "
                f"needs (special, I, II, III, IV or V). Add the dyke grade to each feature."
            )
        g = layer["grade"].map(_grade)
        wanted = {_grade(x) for x in grades.split("|")}
        unknown_grade = g.isna()
        layer = layer[g.isin(wanted) | unknown_grade]
        unknown_grade = unknown_grade.loc[layer.index]
    known_geoms, unknown_geoms = [], []
    widths_of = []
    for (_, feat), unk in zip(layer.iterrows(), unknown_grade, strict=True):
        left, right, note = _corridor_widths(feat, params, rule["threshold"])
        if not (math.isfinite(left) and math.isfinite(right)):
            unknown_geoms.append(None)
            widths_of.append((feat.geometry, math.nan, math.nan, "corridor width unknown"))
            continue
        geom = _one_sided(feat.geometry, left, right)
        (unknown_geoms if unk else known_geoms).append(geom)
        widths_of.append((feat.geometry, left, right, note + (" (grade unknown)" if unk else "")))
    known = gpd.GeoSeries(known_geoms, crs=layer.crs).union_all() if known_geoms else None
    unk_corr = [g for g in unknown_geoms if g is not None]
    unknown = gpd.GeoSeries(unk_corr, crs=layer.crs).union_all() if unk_corr else None
    # lines whose corridor cannot be drawn: the site may lie in it, whatever its distance
    no_width = [w[0] for w in widths_of if not math.isfinite(w[1])]
    for i in range(len(ctx.sites)):
        foot = ctx.metric.iloc[i]
        if foot is None or foot.is_empty:
            out["reason"][i] = "site has no footprint"
            continue
        if not widths_of:
            out["outcome"][i] = "pass"
            out["reason"][i] = f"no {rule['layer']} feature of this rule's grades in the layer"
            continue
        dists = [foot.distance(w[0]) for w in widths_of]
        k = int(np.argmin(dists))
        line, left, right, note = widths_of[k]
        side_w = _facing_width(foot, line, left, right)
        out["measured"][i] = _to_unit(dists[k], rule["unit"])
        out["threshold"][i] = _to_unit(side_w, rule["unit"])
        out["basis"][i] = (
            f"distance from the footprint to the nearest {rule['layer']} feature; {note}"
        )
        overlap = foot.intersection(known).area if known is not None else 0.0
        overlap_unk = foot.intersection(unknown).area if unknown is not None else 0.0
        if overlap > 0:
            out["outcome"][i] = "violated"
            out["reason"][i] = (
                f"{_fmt(overlap / 1e4)} ha of the site lies inside the {rule['layer']} corridor"
            )
        elif overlap_unk > 0:
            out["reason"][i] = (
                f"{_fmt(overlap_unk / 1e4)} ha inside the corridor of a {rule['layer']} feature "
                f"whose grade is unknown"
            )
        elif no_width:
            gap = min(foot.distance(line) for line in no_width)
            out["reason"][i] = (
                f"corridor width unknown for {len(no_width)} {rule['layer']} feature(s) (no "
                f"{params.get('width_column', 'width')} value, no rule threshold); the nearest "
                f"of them is {_fmt(gap)} m away"
            )
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = (
                f"outside every {rule['layer']} corridor; nearest feature {_fmt(dists[k])} m away"
            )
    return out


def _facing_width(foot: BaseGeometry, line: BaseGeometry, left: float, right: float) -> float:
    """Width of the corridor on the side of ``line`` that faces ``foot``."""
    if not (math.isfinite(left) and math.isfinite(right)) or left == right:
        return max(left, right)
    reach = foot.distance(line) + 1.0
    left_d = foot.distance(line.buffer(reach, single_sided=True))
    right_d = foot.distance(line.buffer(-reach, single_sided=True))
    return left if left_d <= right_d else right


def _check_zone_intersects(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    layer = ctx.layers[rule["layer"]]
    zone_col = params.get("zone_column", "zone")
    if zone_col not in layer.columns:
        raise SchemaError(
            f"Layer '{rule['layer']}' has no column {zone_col!r}, which rule {rule['rule_id']} "
            f"reads to tell core from buffer zones. Add it (values e.g. "
            f"{params.get('zones', 'I|II')!r}) or set zone_column in the rule's params."
        )
    wanted = {z.strip().lower() for z in params.get("zones", "").split("|") if z.strip()}
    shown = params.get("zones", "any").replace("|", "/")
    zones = layer[zone_col].map(lambda v: "" if _blank(v) else str(v).strip().lower())
    sel = layer[zones.isin(wanted)] if wanted else layer
    unknown = layer[zones == ""]
    zone_geom = sel.geometry.union_all() if not sel.empty else None
    unk_geom = unknown.geometry.union_all() if not unknown.empty else None
    for i in range(len(ctx.sites)):
        foot = ctx.metric.iloc[i]
        if foot is None or foot.is_empty:
            out["reason"][i] = "site has no footprint"
            continue
        overlap = foot.intersection(zone_geom).area / 1e4 if zone_geom is not None else 0.0
        out["measured"][i] = overlap
        out["basis"][i] = f"overlap with {rule['layer']} zones {shown} in {_crs.METRIC_CRS}"
        hit = overlap > 0
        if rule["operator"] == "intersects":
            hit = not hit
        if hit:
            out["outcome"][i] = "violated"
            out["reason"][i] = f"{_fmt(overlap)} ha inside {rule['layer']} zone {shown}"
        elif unk_geom is not None and foot.intersection(unk_geom).area > 0:
            out["reason"][i] = f"overlaps a {rule['layer']} zone whose {zone_col} is empty"
        else:
            out["outcome"][i] = "pass"
            out["reason"][i] = f"no overlap with {rule['layer']} zone {shown}"
    out["threshold"] = rule["threshold"]
    return out


def _check_exposure_max(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    table = ctx.exposure
    assert table is not None  # check() turns a missing table into needs_review first
    # hazard labels are free text in ninhbinh_geo.exposure (file names or dict keys), so the
    # rule lists substrings that identify the hazard family
    patterns = [
        unicodedata.normalize("NFC", p).strip().lower()
        for p in params.get("hazard", "").split("|")
        if p.strip()
    ]
    labels = (
        table["hazard"]
        .astype("object")
        .map(lambda v: unicodedata.normalize("NFC", str(v)).strip().lower())
    )
    sel = table[labels.map(lambda lab: any(p in lab for p in patterns))]
    period = params.get("return_period")
    if period is not None and "return_period" in sel.columns:
        rp = pd.to_numeric(sel["return_period"], errors="coerce")
        sel = sel[rp == float(period)]
    what = f"hazard {params.get('hazard', '')!r}" + (f", return period {period}" if period else "")
    for i in range(len(ctx.sites)):
        rows = sel[(sel["site_id"] == ctx.sites["site_id"].iloc[i]).to_numpy()]
        shares = pd.to_numeric(rows["exposed_share"], errors="coerce").to_numpy(dtype=float)
        if rows.empty or np.isnan(shares).all():
            out["reason"][i] = f"no exposure value for {what}"
            continue
        k = int(np.nanargmax(shares))
        worst = rows.iloc[k]
        value = float(shares[k]) * (100 if rule["unit"] == "%" else 1)
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        many = f"worst of {len(rows)} rows, " if len(rows) > 1 else ""
        out["measured"][i] = value
        out["basis"][i] = f"exposure table, {many}hazard {worst['hazard']!r}" + (
            f", return period {worst['return_period']:g}" if "return_period" in rows else ""
        )
        out["outcome"][i] = "pass" if ok else "violated"
        reason = f"exposed {_fmt(value)} {rule['unit']}"
        coverage = pd.to_numeric(pd.Series([worst.get("coverage_share")]), errors="coerce")[0]
        if ok and pd.notna(coverage) and coverage < 0.99:
            # a share of the covered part only: the uncovered rest may be flooded
            out["outcome"][i] = "unknown"
            reason += f", but the hazard raster covers only {_fmt(100 * coverage)} % of the site"
        if str(worst.get("accuracy", "")) == "illustrative":
            out["outcome"][i] = "unknown"
            reason += " on an ILLUSTRATIVE hazard layer; use a real flood map"
        out["reason"][i] = reason
    out["threshold"] = rule["threshold"]
    return out


def _hazard_class(value: object) -> str | None:
    if _blank(value):
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    for prefix in ("class ", "cấp ", "nhóm ", "cap ", "nhom "):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :].strip()
    return _ROMAN.get(text, text.upper())


def _check_distance_min_by_class(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    wanted = _hazard_class(rule["params_dict"].get("class"))
    layer = ctx.layers[rule["layer"]]
    layer = layer[layer.geometry.notna() & ~layer.geometry.is_empty]
    # a list, not a Series: pandas would turn the None of an unknown class into NaN
    classes = [_hazard_class(v) for v in ctx.col(ctx.class_column)]
    valid = ctx.metric.notna() & ~ctx.metric.is_empty
    dist = pd.Series(np.nan, index=ctx.sites.index)
    if not layer.empty and valid.any():
        idx, d = layer.sindex.nearest(ctx.metric[valid], return_distance=True, return_all=False)
        dist.iloc[np.flatnonzero(valid.to_numpy())[idx[0]]] = d
    for i in range(len(ctx.sites)):
        cls = classes[i]
        if cls is not None and cls != wanted:
            out["outcome"][i] = "not_applicable"
            out["reason"][i] = f"site is hazard class {cls}, not {wanted}"
            continue
        d_m = dist.iloc[i]
        out["basis"][i] = f"nearest {rule['layer']} feature, edge to edge, {_crs.METRIC_CRS}"
        if layer.empty:
            out["reason"][i] = f"{rule['layer']} layer is empty"
            continue
        if math.isnan(d_m):
            out["reason"][i] = "site has no footprint"
            continue
        value = _to_unit(float(d_m), rule["unit"])
        out["measured"][i] = value
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        if cls is None:
            out["reason"][i] = (
                f"hazard class unknown ({ctx.class_column} empty); {_fmt(value)} {rule['unit']} "
                f"to {rule['layer']}, which {'meets' if ok else 'does not meet'} class {wanted}"
            )
            continue
        out["outcome"][i] = "pass" if ok else "violated"
        out["reason"][i] = f"{_fmt(value)} {rule['unit']} to the nearest {rule['layer']} feature"
    out["threshold"] = rule["threshold"]
    return out


_CMP = ("between", "<=", ">=", "<", ">")
#: The dispatch table: one function per kind of measurement (``check`` column of the rules).
CHECKS: dict[str, _CheckSpec] = {
    "area_range": _CheckSpec(_check_area_range, _CMP, ("ha",)),
    "expanded_area_max": _CheckSpec(_check_expanded_area_max, ("<=", "<"), ("ha",)),
    "wwtp_required": _CheckSpec(_check_wwtp_required, ("==",), ("bool",), frozenset({"columns"})),
    "site_occupancy": _CheckSpec(_check_site_occupancy, _CMP, ("%", "share")),
    "group_occupancy": _CheckSpec(
        _check_group_occupancy, _CMP, ("%", "share"), frozenset({"or_unleased_max_ha"})
    ),
    "corridor_intersects": _CheckSpec(
        _check_corridor_intersects,
        ("not_intersects",),
        ("m", "km"),
        frozenset({"grades", "land_m", "river_m", "sea_m", "settled_m", "width_column"}),
        needs_layer=True,
        needs_threshold=False,
        geometric=True,
    ),
    "zone_intersects": _CheckSpec(
        _check_zone_intersects,
        ("not_intersects", "intersects"),
        ("ha",),
        frozenset({"zone_column", "zones"}),
        needs_layer=True,
        needs_threshold=False,
        geometric=True,
    ),
    "exposure_max": _CheckSpec(
        _check_exposure_max,
        ("<=", "<"),
        ("share", "%"),
        frozenset({"hazard", "return_period"}),
        needs_layer=True,
        geometric=True,
    ),
    "distance_min_by_class": _CheckSpec(
        _check_distance_min_by_class,
        (">=", ">"),
        ("m", "km"),
        frozenset({"class"}),
        needs_layer=True,
        geometric=True,
    ),
}


# --------------------------------------------------------------------------------------------
# Applicability, policy and the public functions
# --------------------------------------------------------------------------------------------


def _site_kinds(sites: pd.DataFrame) -> pd.Series:
    if "kind" in sites.columns:
        kind = sites["kind"].astype("object").map(lambda v: None if _blank(v) else str(v).upper())
    else:
        kind = pd.Series(None, index=sites.index, dtype="object")
    prefix = sites["site_id"].astype(str).str[:3].str.upper()
    return kind.where(kind.notna(), prefix.where(prefix.isin(["CCN", "KCN"])))


def _applies(ctx: _Context, rule: pd.Series) -> tuple[list[bool | None], list[str]]:
    """Return (applies, why) per site; ``applies`` is True, False or None (unknown)."""
    n = len(ctx.sites)
    applies: list[bool | None] = [True] * n
    why = [""] * n

    def update(i: int, value: bool | None, text: str) -> None:
        if value is False:
            if applies[i] is not False:
                applies[i], why[i] = False, text
        elif value is None and applies[i] is True:
            applies[i], why[i] = None, text

    kinds = ctx.kinds.tolist()
    params = rule["params_dict"]
    status = ctx.col("status").tolist()
    expanding = ctx.expanding.tolist()
    flag_columns = {
        key: {c: ctx.col(c).tolist() for c in params[key].split("|")}
        for key in ("if", "unless")
        if key in params
    }
    for i in range(n):
        if rule["applies_to"] != "both":
            k = kinds[i]
            if k is None or pd.isna(k):
                update(i, None, "site kind (CCN/KCN) unknown")
            elif k != rule["applies_to"]:
                update(i, False, f"rule applies to {rule['applies_to']} only")
        if "status" in params:
            allowed = params["status"].split("|")
            s = status[i]
            if _blank(s):
                update(i, None, "site status unknown")
            elif str(s) not in allowed:
                update(i, False, f"site status is {s!r}; rule is for {'/'.join(allowed)} sites")
        if params.get("when") == "expanding" and not expanding[i]:
            update(i, False, "no expansion proposed (expansion_ha empty, no proposed polygon)")
        for key, want in (("if", True), ("unless", False)):
            if key not in params:
                continue
            flags = [_bool_value(values[i]) for values in flag_columns[key].values()]
            if any(flags):
                hit: bool | None = True
            elif all(f is False for f in flags):
                hit = False
            else:
                hit = None
            if hit is None:
                update(i, None, f"{params[key].replace('|', '/')} unknown")
            elif hit is not want:
                update(i, False, f"{key} {params[key].replace('|', ' or ')}: condition not met")
    return applies, why


def _validate_sites(sites: gpd.GeoDataFrame, group_by: str) -> None:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError("Layer 'sites' must be a GeoDataFrame with the site footprints.")
    if "site_id" not in sites.columns:
        raise SchemaError(
            "Layer 'sites' has no column 'site_id'. Give each site a unique id (see DEVELOPERS.md)."
        )
    ids = sites["site_id"]
    if ids.isna().any():
        raise SchemaError(
            f"Layer 'sites', column 'site_id': rows {first_ids(sites.index[ids.isna()])} are "
            f"empty. Give every site an id."
        )
    dup = ids[ids.duplicated()]
    if not dup.empty:
        raise SchemaError(
            f"Layer 'sites', column 'site_id': {first_ids(dup.unique())} occur more than once. "
            f"Site ids must be unique."
        )
    if group_by != "province" and group_by not in sites.columns:
        raise SchemaError(
            f"Layer 'sites' has no column {group_by!r} to group clusters by (group_by). Use "
            f"group_by='district_old', 'former_province', 'province' or an existing column."
        )


def _prepare_layers(
    rules: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame] | None
) -> dict[str, gpd.GeoDataFrame]:
    layers = dict(layers or {})
    named = set(rules["layer"]) - {""}
    extra = sorted(set(layers) - named)
    if extra:
        raise RulesError(
            f"Layer(s) {extra} were supplied but no rule uses them; the rules use {sorted(named)}. "
            f"Rename the keys of `layers` to the rule layer names (or add a rule that uses them)."
        )
    out = {}
    for name, gdf in layers.items():
        if name == "exposure" and not isinstance(gdf, gpd.GeoDataFrame):
            continue
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise SchemaError(f"Layer {name!r} must be a GeoDataFrame, not {type(gdf).__name__}.")
        out[name] = _crs.to_metric(gdf, name)
    return out


def _validate_exposure(exposure: pd.DataFrame) -> pd.DataFrame:
    needed = ["site_id", "hazard", "exposed_share"]
    missing = [c for c in needed if c not in exposure.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure' lacks column(s) {missing}. Pass the table of "
            f"ninhbinh_geo.exposure.raster_exposure (site_id, hazard, return_period, "
            f"exposed_share)."
        )
    return exposure


def check(
    sites: gpd.GeoDataFrame,
    *,
    rules: str | Path | pd.DataFrame | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    exposure: pd.DataFrame | None = None,
    group_by: str = "district_old",
    residential_class_column: str = "hazard_class",
    proposed: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Check every site against every zoning rule.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The site layer (DEVELOPERS.md), any CRS; needs ``site_id``. Columns read when present:
        ``name_vi``, ``kind``, ``status``, ``area_ha``, ``craft_village``, ``mountainous``,
        ``expansion_ha``, ``has_wwtp``, ``wwtp_compliant``, ``occupancy_pct``,
        ``industrial_ha``, ``leasable_ha``, ``leased_ha``, ``footprint_accuracy``, the
        ``group_by`` column and ``residential_class_column``.
    rules : str, pathlib.Path, pandas.DataFrame or None
        A rules table (path or the result of :func:`load_rules`); ``None`` = the shipped one.
    layers : mapping of str to geopandas.GeoDataFrame, optional
        User layers keyed by the rules' ``layer`` names: ``dykes`` (lines; ``grade``, optional
        ``river_side`` = left/right of the drawing direction, ``dyke_type`` = river/sea,
        ``settled``, ``corridor_m``), ``rivers`` (lines; ``corridor_m``), ``heritage``
        (polygons; ``zone`` = I/core or II/buffer), ``residential`` (polygons or points).
        A layer that a rule needs but is not supplied gives ``needs_review``.
    exposure : pandas.DataFrame, optional
        The table of ``ninhbinh_geo.exposure.raster_exposure`` (``site_id``, ``hazard``,
        ``return_period``, ``exposed_share``, optional ``coverage_share`` and ``accuracy``), or
        ``layers["exposure"]``. A rule picks rows whose ``hazard`` label contains one of the
        substrings in its ``hazard`` param (and the given ``return_period``) and takes the
        worst share.
    group_by : str, default "district_old"
        Unit grouping existing clusters for the occupancy test of new clusters (CCN-07):
        ``"district_old"``, ``"former_province"``, ``"province"`` or any site column.
        Districts were abolished in 2025, so the unit is a choice (rules.md N1).
    residential_class_column : str, default "hazard_class"
        Site column with the hazard class (I–V or 1–5) for the distance to housing.
    proposed : geopandas.GeoDataFrame, optional
        Proposed extension polygons with ``site_id``; such a site counts as expanding, and its
        area after expansion adds the part of the polygon outside today's footprint.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (site, rule), sites in input order then rules in table order (a new
        RangeIndex), EPSG:4326, geometry = the site's footprint. Columns ``site_id``,
        ``name_vi``, ``rule_id``, ``check``, ``result`` (pass/fail/needs_review/
        not_applicable), ``measured`` and ``threshold``/``threshold_high`` (in ``unit``),
        ``basis`` (what was measured, e.g. official area or footprint area), ``reason``,
        ``legal_source``, ``source_status``, ``source_url``, ``severity``, ``statement_vi``,
        ``statement_en``.

    Raises
    ------
    SchemaError
        Sites without unique ``site_id``, a missing ``group_by`` column, a layer without the
        column a rule reads, an exposure table without its columns.
    RulesError
        A malformed rules table, or a supplied layer that no rule uses.
    CRSError
        A layer without CRS or with implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "name_vi": ["CCN Ví dụ"], "kind": ["CCN"],
    ...      "district_old": ["Yên Mô"]},
    ...     geometry=[box(600000, 2240000, 600300, 2240400)], crs=3405)  # 300 m x 400 m = 12 ha
    >>> f = check(sites).set_index("rule_id")
    >>> f.loc["CCN-01", "result"], round(float(f.loc["CCN-01", "measured"]), 3)
    ('pass', 12.0)
    >>> f.loc["CCN-01", "basis"]
    'footprint area in EPSG:3405 (no area_ha given)'
    >>> f.loc["DYK-01", ["result", "reason"]].tolist()
    ['needs_review', 'no dykes layer supplied']
    """
    table = _load(rules)
    _validate_sites(sites, group_by)
    metric_layers = _prepare_layers(table, layers)
    if exposure is None and layers is not None and "exposure" in layers:
        exposure = layers["exposure"]
    if exposure is not None:
        exposure = _validate_exposure(exposure)
    storage = _crs.to_storage(sites, "sites").reset_index(drop=True)
    metric = _crs.to_metric(storage, "sites").geometry
    proposed_m = None
    if proposed is not None:
        if "site_id" not in proposed.columns:
            raise SchemaError(
                "Layer 'proposed' has no column 'site_id'; each extension polygon must name the "
                "site it extends."
            )
        orphan = proposed.loc[~proposed["site_id"].isin(storage["site_id"]), "site_id"]
        if not orphan.empty:
            raise SchemaError(
                f"Layer 'proposed', column 'site_id': {first_ids(orphan)} are not in the site "
                f"layer. Add the site or fix the id."
            )
        proposed_m = _crs.to_metric(proposed, "proposed")
    expansion = pd.to_numeric(
        storage["expansion_ha"] if "expansion_ha" in storage else pd.Series(np.nan, storage.index),
        errors="coerce",
    )
    expanding = expansion.fillna(0) > 0
    if proposed_m is not None:
        expanding |= storage["site_id"].isin(proposed_m["site_id"])
    ctx = _Context(
        sites=storage,
        metric=metric,
        layers=metric_layers,
        exposure=exposure,
        group_by=group_by,
        class_column=residential_class_column,
        proposed=proposed_m,
        expanding=expanding,
        kinds=_site_kinds(storage),
    )
    illustrative = [str(v) == "illustrative" for v in ctx.col("footprint_accuracy")]
    records = [
        rec
        for order, (_, rule) in enumerate(table.iterrows())
        for rec in _run_rule(ctx, rule, illustrative, order)
    ]
    records.sort(key=lambda r: (r["_site"], r["_order"]))
    long = pd.DataFrame(records, columns=[*_OUTPUT_COLUMNS, "_site"])
    geometry = storage.geometry.iloc[long["_site"].to_numpy()].to_numpy()
    return gpd.GeoDataFrame(
        long[list(_OUTPUT_COLUMNS)].reset_index(drop=True),
        geometry=list(geometry),
        crs=_crs.STORAGE_CRS,
    )


def _violation_note(rule: pd.Series) -> str:
    op, low, high = rule["operator"], rule["threshold"], rule["threshold_high"]
    if op == "between":
        need = f"needs {_fmt(low)}–{_fmt(high)} {rule['unit']}"
    elif op in ("intersects", "not_intersects") or math.isnan(low):
        need = "violates the rule"
    else:
        need = f"needs {op} {_fmt(low)} {rule['unit']}"
    if "or_unleased_max_ha" in rule["params_dict"]:
        need += f" or unleased land <= {rule['params_dict']['or_unleased_max_ha']} ha"
    if rule["result_if_violated"] == "needs_review":
        need += " (the rules table reports this violation as needs_review, see its notes)"
    return need


def _column(res: dict[str, list], key: str, n: int) -> list:
    value = res[key]
    return list(value) if isinstance(value, list) else [value] * n


def _run_rule(
    ctx: _Context, rule: pd.Series, illustrative: list[bool], order: int
) -> list[dict[str, object]]:
    """Apply one rule to every site; return one record per site (plain dicts: fast)."""
    spec = CHECKS[rule["check"]]
    applies, why = _applies(ctx, rule)
    layer = rule["layer"]
    layer_missing = bool(layer) and (
        (layer == "exposure" and ctx.exposure is None)
        or (layer != "exposure" and layer not in ctx.layers)
    )
    if layer_missing:
        res = _result_frame(ctx.sites.index)
        res["reason"] = f"no {layer} layer supplied"
        res["threshold"] = rule["threshold"]
    else:
        res = spec.func(ctx, rule)
    n = len(ctx.sites)
    cols = {k: _column(res, k, n) for k in res}
    status_note = _STATUS_NOTES.get(rule["source_status"], "")
    site_ids = ctx.sites["site_id"].tolist()
    names = ctx.col("name_vi").tolist()
    records = []
    for i in range(n):
        outcome, text = cols["outcome"][i], cols["reason"][i]
        notes = []
        if applies[i] is False:
            final, text = "not_applicable", why[i]
        elif outcome == "not_applicable":
            final = "not_applicable"
        else:
            if outcome == "pass":
                final = "pass"
            elif outcome == "violated":
                final = rule["result_if_violated"]
                notes.append(_violation_note(rule))
            else:
                final = "needs_review"
            if applies[i] is None and final == "fail":
                final = "needs_review"
                notes.append(f"applicability unknown ({why[i]})")
            if spec.geometric and illustrative[i] and final in ("pass", "fail"):
                notes.append(f"measured on an ILLUSTRATIVE footprint, would be {final}")
                final = "needs_review"
            if rule["source_status"] == "U" and final == "fail":
                final = "needs_review"
            if final != "pass" and status_note:
                notes.append(status_note)
        records.append(
            {
                "site_id": site_ids[i],
                "name_vi": names[i],
                "rule_id": rule["rule_id"],
                "check": rule["check"],
                "result": final,
                "measured": float(cols["measured"][i]),
                "threshold": float(cols["threshold"][i]),
                "threshold_high": (
                    float(cols["threshold_high"][i]) if rule["operator"] == "between" else math.nan
                ),
                "unit": rule["unit"],
                "basis": cols["basis"][i],
                "reason": "; ".join([t for t in (text, *notes) if t]),
                "legal_source": rule["legal_source"],
                "source_status": rule["source_status"],
                "source_url": rule["source_url"],
                "severity": rule["severity"],
                "statement_vi": rule["statement_vi"],
                "statement_en": rule["statement_en"],
                "_site": i,
                "_order": order,
            }
        )
    return records


def summarize(findings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Summarise findings to one row per site: the worst result and the counts per result.

    Parameters
    ----------
    findings : geopandas.GeoDataFrame
        The output of :func:`check`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site in order of first appearance (new RangeIndex), CRS of ``findings``
        (EPSG:4326): ``site_id``, ``name_vi``, ``worst_result`` (fail > needs_review > pass >
        not_applicable), ``n_fail``, ``n_needs_review``, ``n_pass``, ``n_not_applicable``,
        ``rules_failed`` and ``rules_needs_review`` (comma-separated rule ids), geometry.

    Raises
    ------
    SchemaError
        When ``findings`` lacks ``site_id``, ``rule_id`` or ``result``, or holds an unknown
        result.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "kind": ["CCN"], "area_ha": [4.0], "district_old": ["A"],
    ...      "craft_village": [False], "mountainous": [False]},
    ...     geometry=[box(600000, 2240000, 600200, 2240200)], crs=3405)
    >>> s = summarize(check(sites))
    >>> s.loc[0, ["worst_result", "rules_failed"]].tolist()
    ['fail', 'CCN-01']
    """
    missing = [c for c in ("site_id", "rule_id", "result") if c not in findings.columns]
    if missing:
        raise SchemaError(
            f"Layer 'findings' lacks column(s) {missing}; pass the output of zoning.check()."
        )
    bad = findings.loc[~findings["result"].isin(RESULTS), "rule_id"]
    if not bad.empty:
        raise SchemaError(
            f"Layer 'findings', column 'result': rules {first_ids(bad)} have results outside "
            f"{list(RESULTS)}."
        )
    rank = {r: k for k, r in enumerate(RESULTS)}
    rows = []
    for sid, grp in findings.groupby("site_id", sort=False):
        worst = min(grp["result"], key=rank.__getitem__)
        row: dict[str, object] = {
            "site_id": sid,
            "name_vi": grp["name_vi"].iloc[0] if "name_vi" in grp else pd.NA,
            "worst_result": worst,
        }
        for r in RESULTS:
            row[f"n_{r}"] = int((grp["result"] == r).sum())
        row["rules_failed"] = ", ".join(grp.loc[grp["result"] == "fail", "rule_id"])
        row["rules_needs_review"] = ", ".join(grp.loc[grp["result"] == "needs_review", "rule_id"])
        row["geometry"] = grp.geometry.iloc[0] if isinstance(grp, gpd.GeoDataFrame) else None
        rows.append(row)
    columns = ["site_id", "name_vi", "worst_result", *(f"n_{r}" for r in RESULTS)]
    columns += ["rules_failed", "rules_needs_review", "geometry"]
    return gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=getattr(findings, "crs", None)
    )
