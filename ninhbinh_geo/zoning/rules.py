"""The rules table: where it is, its columns and vocabularies, and the validation of each rule.

The rules are data: a table (shipped as ``data/rules/rules.csv``, see ``data/rules/SOURCES.md``)
with one row per rule, naming the kind of measurement (``check``), the comparison, the thresholds,
the user layer it needs, its legal source and how well that source was confirmed (C/P/S/U).
:func:`load_rules` reads and validates a table: every rule is checked against the vocabularies
below and against what its check accepts (the dispatch table, :data:`CHECKS`), and its ``params``
are parsed once into ``params_dict`` for the engine.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import unicodedata
from pathlib import Path

import pandas as pd

from .._errors import RulesError, first_ids
from .checks import CHECKS
from .conditions import _CONDITION_PARAMS
from .context import _blank

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
#: Optional columns: when the cited legal text took effect (ISO date, empty when the sources do
#: not state it) and why (the source of the date, or the reason it is empty).
DATE_COLUMNS = ("effective_date", "effective_date_basis")
#: Fields whose content makes a rule what it is; :func:`rule_hash` hashes them, not the
#: wording (statements, notes, URLs). ``threshold``/``threshold_high`` as numbers, ``params``
#: parsed into key/value pairs.
NORMATIVE_FIELDS = (
    "applies_to",
    "check",
    "operator",
    "threshold",
    "threshold_high",
    "unit",
    "layer",
    "params",
    "legal_source",
    "source_status",
    "severity",
    "result_if_violated",
)
OPERATORS = ("between", "<=", ">=", "<", ">", "==", "intersects", "not_intersects")
UNITS = ("ha", "m", "km", "%", "share", "bool")
SOURCE_STATUSES = ("C", "P", "S", "U")
SEVERITIES = ("blocking", "major", "advisory")
APPLIES_TO = ("CCN", "KCN", "both")


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
    # this file is ninhbinh_geo/zoning/rules.py: the package is one level up, the checkout two
    installed = Path(__file__).parents[1] / "_data" / "rules" / "rules.csv"
    if installed.exists():
        return installed
    return Path(__file__).resolve().parents[2] / "data" / "rules" / "rules.csv"


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


def rule_hash(rule: pd.Series | dict) -> str:
    """Return the content hash of a rule: 12 hex digits of SHA-256 over its normative fields.

    The fields are :data:`NORMATIVE_FIELDS`: what the rule checks, its comparison, thresholds
    and unit, the layer and parameters it reads, its legal source and confirmation status, its
    severity and the result of a violation. Rewording a statement or a note, or adding a URL,
    keeps the hash; changing a threshold, a parameter or the cited article changes it. Numbers
    are compared as numbers (``75`` and ``75.0`` hash alike), parameters as key/value pairs in
    any order, text after NFC normalisation and stripping.

    Parameters
    ----------
    rule : pandas.Series or dict
        A row of :func:`load_rules` (or a raw row of a rules table).

    Returns
    -------
    str
        Twelve lowercase hexadecimal digits.

    Examples
    --------
    >>> rules = load_rules()
    >>> rule = rules.loc["CCN-01"]
    >>> rule_hash(rule) == rule_hash({**rule.to_dict(), "statement_en": "Reworded."})
    True
    >>> rule_hash(rule) == rule_hash({**rule.to_dict(), "threshold_high": 80})
    False
    """
    get = rule.get
    rule_id = str(get("rule_id", "?"))
    content: dict[str, object] = {}
    for name in NORMATIVE_FIELDS:
        value = get(name, "")
        if name in ("threshold", "threshold_high"):
            number = _as_number(value, rule_id, name, "(hash)")
            content[name] = None if math.isnan(number) else number
        elif name == "params":
            content[name] = sorted(_parse_params(value, rule_id, "(hash)").items())
        else:
            content[name] = _text(value)
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def _effective_date(rec: pd.Series, rule_id: str, where: str) -> tuple[str, str]:
    """Return (effective_date, basis); the date is ISO YYYY-MM-DD or empty, never guessed."""
    date = _text(rec.get("effective_date", ""))
    basis = _text(rec.get("effective_date_basis", ""))
    if date:
        try:
            _dt.date.fromisoformat(date)
        except ValueError:
            raise RulesError(
                f"Rules table {where}: rule {rule_id!r} has effective_date={date!r}; write the "
                f"date the cited text took effect as YYYY-MM-DD, or leave it empty and say why "
                f"in effective_date_basis."
            ) from None
        if not basis:
            raise RulesError(
                f"Rules table {where}: rule {rule_id!r} has an effective_date but no "
                f"effective_date_basis; name the source that states the date."
            )
    return date, basis


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
        ``threshold_high`` as floats (NaN when empty), text NFC-normalised;
        ``effective_date`` and ``effective_date_basis`` (empty when the table lacks them) and
        ``rule_hash`` (:func:`rule_hash`).

    Raises
    ------
    RulesError
        A missing column, a duplicate or empty ``rule_id``, an unknown ``check``, ``operator``,
        ``unit``, ``applies_to``, ``source_status``, ``severity`` or ``result_if_violated``, an
        operator or unit the check cannot use, a non-numeric threshold, a missing threshold,
        an unknown parameter, a missing layer name or legal source, or an effective date that
        is not YYYY-MM-DD or has no basis. The message names the rule and the fix.

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
    row["effective_date"], row["effective_date_basis"] = _effective_date(rec, rule_id, where)
    row["rule_hash"] = rule_hash(row)
    return row
