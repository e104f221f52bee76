"""Number columns of the site layer: one way of reading per column, areas in ha, no silent NaN.

The harmoniser's number stage. Each cell is read by :func:`~ninhbinh_geo.io.numbers._read_cell`;
then, per column:

- the values that read one way only ("12,5", "1.035,5" / "12.5", "1,035.5") fix how the column
  writes numbers; a column holding both ways is refused;
- "505.000" or "505,000" (one separator, three digits) follows its column; where its column
  writes decimals with the other separator, it is refused (it may be thousands written the
  other way); where nothing in the column tells, the rest of the file decides, else an area in
  m² or a count reads it as thousands (neither has thousandths), else it is refused;
- areas are converted to hectares from the unit in the cell, else the unit in the heading
  (``"Diện tích (m²)"``), else hectares (and the report says so);
- qualifiers go to ``<column>_qualifier`` (``approx``, ``at_least``, ``at_most``, ``exact``);
- a value that is no number is refused, or with ``allow_missing=True`` becomes NaN with its
  reason in ``<column>_reason``; a word saying the value is not known ("đang cập nhật") becomes
  NaN with its reason, always.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import NumberFormatError, first_ids
from .numbers import _read_cell, _Reading, _value
from .spelling import _fold, _short

_AREA_COLUMNS = ("area_ha", "industrial_ha", "leasable_ha", "leased_ha", "expansion_ha",
                 "area_m2")  # fmt: skip
_COUNT_COLUMNS = ("jobs", "projects")
_TO_HA = {"ha": 1.0, "m2": 1e-4, "km2": 100.0}
_UNIT_LABEL = {"ha": "ha", "m2": "m²", "km2": "km²", "%": "%", "count": "count"}
_FIX = (
    "Write them one way in the file, or pass --allow-missing (Python: allow_missing=True) to "
    "leave these values empty, each with its reason in a '{col}_reason' column."
)


def _heading_unit(heading: str) -> str | None:
    """Find the unit a heading names: ``"Diện tích (m²)"`` -> ``"m2"``; None when none."""
    tokens = _fold(heading).split()
    text = " ".join(tokens)
    if "km2" in tokens:
        return "km2"
    if "m2" in tokens or "sqm" in tokens or text.endswith(("m 2", "sq m")):
        return "m2"
    if {"ha", "hecta", "hectares", "hectare"} & set(tokens):
        return "ha"
    if "%" in heading or "pct" in tokens or "percent" in tokens:
        return "%"
    return None


@dataclass
class _Column:
    """A number column being read: its target, heading, cells and what was found."""

    target: str
    heading: str
    cells: list[_Reading]
    labels: Sequence[str]
    values: list[float] = field(default_factory=list)
    reasons: list[str | None] = field(default_factory=list)
    bad: dict[int, str] = field(default_factory=dict)  # position -> why it cannot be read
    notes: list[str] = field(default_factory=list)

    def rows(self, shape: str) -> list[int]:
        return [i for i, r in enumerate(self.cells) if r.shape == shape]

    def example(self, i: int) -> str:
        return f"{(self.cells[i].raw or self.cells[i].text)!r} ({self.labels[i]})"


def _style_of(col: _Column) -> str | None:
    """How the column writes numbers ("vi", "en" or None); conflicting rows go to ``bad``."""
    vi, en = col.rows("vi"), col.rows("en")
    if vi and en:
        minority = vi if len(vi) < len(en) else en if len(en) < len(vi) else vi + en
        why = (
            f"the column writes decimals both ways: {col.example(vi[0])} with a comma, "
            f"{col.example(en[0])} with a point"
        )
        col.bad.update(dict.fromkeys(minority, why))
        return "vi" if len(vi) > len(en) else "en" if len(en) > len(vi) else None
    return "vi" if vi else "en" if en else None


def _either_way(col: _Column, style: str | None, file_style: str | None, unit: str | None) -> str:
    """Decide the values with one separator and three digits; return the style to read them."""
    dot3, comma3 = col.rows("dot3"), col.rows("comma3")
    if style in ("vi", "en"):
        # "505,000" in a column that writes "12,5": a decimal with three places, or thousands
        # written the other way? Only a column that writes three places or more tells.
        suspects = comma3 if style == "vi" else dot3
        sep = "," if style == "vi" else "."
        precise = any(len(col.cells[i].text.rsplit(sep, 1)[-1]) >= 3 for i in col.rows(style))
        other = "English" if style == "vi" else "Vietnamese"
        for i in [] if precise else suspects:
            col.bad[i] = (
                f"{col.example(i)} would be a decimal with three places here (the column "
                f"writes {col.example(col.rows(style)[0])}), but looks like thousands written "
                f"the {other} way"
            )
        return style
    if dot3 and comma3:
        why = (
            f"{col.example(dot3[0])} and {col.example(comma3[0])} group thousands with "
            f"different separators, or one of them is a decimal"
        )
        col.bad.update(dict.fromkeys(dot3 + comma3, why))
        return "vi"
    if not (dot3 or comma3):
        return "vi"
    if file_style is not None:
        col.notes.append(
            f"{col.target}: {col.example((dot3 or comma3)[0])} read the "
            f"{'Vietnamese' if file_style == 'vi' else 'English'} way, as the other number "
            f"columns of the file are written"
        )
        return file_style
    thousands = "vi" if dot3 else "en"
    for i in dot3 or comma3:
        cell_unit = col.cells[i].unit or unit
        if cell_unit in ("m2", "count"):
            continue
        col.bad[i] = (
            f"{col.example(i)} could be {_value(col.cells[i], 'en' if dot3 else 'vi'):g} or "
            f"{_value(col.cells[i], thousands):g}, and nothing in the file tells which way it "
            f"writes numbers"
        )
    if len(col.bad) < len(dot3 or comma3):
        col.notes.append(
            f"{col.target}: {col.example((dot3 or comma3)[0])} read as thousands (areas in m² "
            f"and counts have no thousandths)"
        )
    return thousands


def _convert(col: _Column, i: int, number: float, unit: str | None) -> float:
    """Convert a number to the column's unit (hectares for areas); NaN and ``bad`` if it cannot."""
    cell = col.cells[i]
    cell_unit = cell.unit or unit
    if col.target in _AREA_COLUMNS:
        if cell_unit in (None, "ha"):
            return number
        if cell_unit in _TO_HA:
            return number * _TO_HA[cell_unit]
    elif (
        (col.target == "occupancy_pct" and cell_unit in (None, "%"))
        or (col.target in _COUNT_COLUMNS and cell_unit in (None, "count"))
        or cell.unit is None
    ):
        return number
    col.bad[i] = (
        f"{col.example(i)} has a unit ({_UNIT_LABEL.get(cell_unit, cell_unit)}) that "
        f"does not fit the column"
    )
    return math.nan


def _read_column(col: _Column, file_style: str | None, unit: str | None) -> None:
    """Fill ``col.values`` and ``col.reasons`` (``col.bad`` names what cannot be read)."""
    style = _style_of(col)
    if style is not None:
        i = col.rows(style)[0]
        col.notes.append(
            f"{col.target}: numbers read the "
            + (
                "Vietnamese way (decimal comma, dot thousands)"
                if style == "vi"
                else "English way (decimal point, comma thousands)"
            )
            + f", as {col.example(i)} shows"
        )
    style = _either_way(col, style, file_style, unit)
    for i, cell in enumerate(col.cells):
        if cell.shape == "unreadable":
            col.bad[i] = f"{col.example(i)} is no number"
        if i in col.bad or cell.shape in ("missing", "unknown"):
            col.values.append(math.nan)
            col.reasons.append(
                None
                if cell.shape == "missing"
                else f"not known: written {cell.text!r}"
                if cell.shape == "unknown"
                else None
            )
            continue
        col.values.append(_convert(col, i, _value(cell, style), unit))
        col.reasons.append(None)
    for i, why in col.bad.items():
        col.reasons[i] = f"not read: {why}"


def _file_style(columns: list[_Column]) -> str | None:
    """How the file writes numbers, when its columns agree (None when they do not tell)."""
    vi = any(c.rows("vi") for c in columns)
    en = any(c.rows("en") for c in columns)
    return "vi" if vi and not en else "en" if en and not vi else None


def _refuse(col: _Column, layer: str) -> None:
    rows = sorted(col.bad)
    first = col.bad[rows[0]]
    raise NumberFormatError(
        f"Layer '{layer}', column '{col.heading}' ({col.target}): {len(rows)} values cannot be "
        f"read for sure, in rows {first_ids(col.labels[i] for i in rows)}: {first}. "
        + _FIX.format(col=col.target)
    )


def _coordinate_column(col: _Column, raw: pd.Series) -> None:
    """Longitudes and latitudes in a layer's attributes: decimals, never thousands."""
    from .coordinates import _coordinate

    for i, v in enumerate(raw):
        number = _coordinate(v)
        if number is None:
            col.bad[i] = f"{col.example(i)} is no coordinate"
            number = math.nan
        col.values.append(float(number))
        col.reasons.append(None)
    for i, why in col.bad.items():
        col.reasons[i] = f"not read: {why}"


def _unit_notes(col: _Column, unit: str | None) -> list[str]:
    """Report lines on the units of an area column, and the per-row area basis."""
    if col.target not in _AREA_COLUMNS:
        return []
    notes = []
    from_cell = [i for i, c in enumerate(col.cells) if c.unit in _TO_HA and c.unit != "ha"]
    if from_cell:
        i = from_cell[0]
        notes.append(
            f"{col.target}: {len(from_cell)} values given with their unit in the cell "
            f"converted to ha (e.g. {col.example(i)} -> {col.values[i]:g} ha)"
        )
    if unit in ("m2", "km2"):
        notes.append(
            f"{col.target}: read in {_UNIT_LABEL[unit]} as the heading '{col.heading}' says, "
            f"converted to ha"
        )
    elif unit is None and col.heading != col.target and col.target != "area_m2":
        notes.append(f"{col.target}: '{col.heading}' has no unit in its heading; read as hectares")
    return notes


def _basis(col: _Column, unit: str | None) -> list[str | None]:
    """Per row, how an area given in another unit became hectares (None for hectares)."""
    out: list[str | None] = []
    for cell in col.cells:
        u = cell.unit or unit
        out.append(
            f"'{col.heading}' ({_UNIT_LABEL[u]}) ÷ {1 / _TO_HA[u]:,.0f}"
            if u in ("m2",)
            else f"'{col.heading}' (km²) × 100"
            if u == "km2"
            else None
        )
    return out


def _parse_number_columns(
    out: pd.DataFrame,
    headings: dict[str, str],
    *,
    layer: str,
    ids: Sequence[str],
    allow_missing: bool,
    report: list[str],
) -> tuple[pd.DataFrame, dict[str, list[str | None]]]:
    """Read the number columns of ``out`` in place; return it and the per-row area bases.

    ``headings`` maps each target column to the heading it came from (for units and messages).

    Raises
    ------
    NumberFormatError
        A value that is no number, or a column whose numbers cannot all be read the same way
        (unless ``allow_missing``).
    """
    targets = [t for t in (*_NUMBER_TARGETS, "lon", "lat") if t in out.columns]
    cols = {
        t: _Column(t, headings.get(t, t), [_read_cell(v) for v in out[t]], list(ids))
        for t in targets
    }
    file_style = _file_style([c for t, c in cols.items() if t not in ("lon", "lat")])
    bases: dict[str, list[str | None]] = {}
    for t, col in cols.items():
        unit = _heading_unit(col.heading) or ("m2" if t == "area_m2" else None)
        if t in ("lon", "lat"):
            _coordinate_column(col, out[t])
        else:
            _read_column(col, file_style, unit)
        if col.bad and not allow_missing:
            _refuse(col, layer)
        out[t] = pd.Series(col.values, index=out.index, dtype="float64")
        _extra_columns(out, col, report)
        report.extend(col.notes)
        report.extend(_unit_notes(col, unit))
        if t in _AREA_COLUMNS:
            bases[t] = _basis(col, unit)
    return out, bases


def _extra_columns(out: pd.DataFrame, col: _Column, report: list[str]) -> None:
    """Add ``<column>_qualifier`` and ``<column>_reason`` where a value needs them."""
    t = col.target
    qualifiers = [c.qualifier for c in col.cells]
    if any(qualifiers):
        out[f"{t}_qualifier"] = pd.Series(
            [
                q or ("exact" if not math.isnan(v) else None)
                for q, v in zip(qualifiers, col.values, strict=True)
            ],
            index=out.index,
            dtype=object,
        )
        i = next(j for j, q in enumerate(qualifiers) if q)
        report.append(
            f"{t}: {sum(map(bool, qualifiers))} values carry a qualifier, kept in "
            f"'{t}_qualifier' (e.g. {col.example(i)} -> {col.values[i]:g}, {qualifiers[i]})"
        )
    if any(col.reasons):
        out[f"{t}_reason"] = pd.Series(col.reasons, index=out.index, dtype=object)
        i = next(j for j, r in enumerate(col.reasons) if r)
        report.append(
            f"{t}: {sum(map(bool, col.reasons))} values left empty, each with its reason in "
            f"'{t}_reason' (rows {first_ids(col.labels[j] for j, r in enumerate(col.reasons) if r)}"
            f"; e.g. {_short(str(col.reasons[i]), 80)!r})"
        )


_NUMBER_TARGETS = (*_AREA_COLUMNS, "occupancy_pct", *_COUNT_COLUMNS)


def _area_in_hectares(
    out: pd.DataFrame, bases: dict[str, list[str | None]], report: list[str]
) -> pd.DataFrame:
    """Fill empty ``area_ha`` from an area column in m²; say how other units became ha.

    ``area_m2`` (already in hectares) is dropped; ``area_basis`` is set for the rows whose area
    was given in another unit, where the source gives none.
    """
    basis = bases.get("area_ha", [None] * len(out))
    if "area_m2" in out.columns:
        m2 = bases.get("area_m2", [None] * len(out))
        if "area_ha" in out.columns:
            fill = (out["area_ha"].isna() & out["area_m2"].notna()).to_numpy()
            out["area_ha"] = np.where(fill, out["area_m2"], out["area_ha"])
        else:
            fill = out["area_m2"].notna().to_numpy()
            out["area_ha"] = out["area_m2"]
        basis = [m if f else b for b, m, f in zip(basis, m2, fill, strict=True)]
        report.append(f"area_ha: {int(fill.sum())} areas converted from m² to ha")
        out = out.drop(columns="area_m2")
    if any(basis):
        given = (
            out["area_basis"] if "area_basis" in out.columns else pd.Series(None, index=out.index)
        )
        out["area_basis"] = [
            g if isinstance(g, str) and g.strip() else b for g, b in zip(given, basis, strict=True)
        ]
    return out
