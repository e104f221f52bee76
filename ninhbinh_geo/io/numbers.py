"""Numbers as planners write them: decimal comma or point, dot or comma thousands, m² to ha.

A column is read in one style, found from the values that can only be read one way: "vi"
(decimal comma, dot thousands: ``"1.035,5"``), "en" (decimal point, comma thousands:
``"1,035.5"``) or "plain" (no evidence either way, so a lone separator is decimal and the
ambiguous values are reported). Coordinates never have thousands separators.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._errors import first_ids
from .encodings import _fold

_STRONG_VI = re.compile(
    r"-?(\d{1,3}(\.\d{3}){2,}(,\d+)?|\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+)"
)
_STRONG_EN = re.compile(
    r"-?(\d{1,3}(,\d{3}){2,}(\.\d+)?|\d{1,3}(,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+)"
)
_ONE_GROUP = re.compile(r"-?\d{1,3}[.,]\d{3}")
# Headings of an area column that name no unit (read as hectares, and reported).
_AREA_WITHOUT_UNIT = ("area", "dien tich", "quy mo")
_M2_PER_HA = 10_000.0


def _clean_number_text(value: str) -> str:
    return value.strip().replace("\u00a0", "").replace(" ", "").replace("%", "")


def _to_float(value: object, *, style: str) -> float:
    """Parse a number written in ``style`` ("vi", "en" or "plain"); NaN when it is no number."""
    if value is None or value is pd.NA or isinstance(value, bool | np.bool_):
        return np.nan
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = _clean_number_text(str(value))
    if not text:
        return np.nan
    if "," in text and "." in text:
        # The separator written last is the decimal one: "1.035,5" or "1,035.5".
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        thousands = style == "en" and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text)
        if thousands or re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", text):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    elif "." in text:
        thousands = style == "vi" and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text)
        if thousands or re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", text):
            text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return np.nan


def _number_style(s: pd.Series) -> tuple[str, list[str]]:
    """Find how a column writes numbers; also return its values that stay ambiguous."""
    strings = [_clean_number_text(v) for v in s if isinstance(v, str)]
    vi = sum(bool(_STRONG_VI.fullmatch(t)) for t in strings)
    en = sum(bool(_STRONG_EN.fullmatch(t)) for t in strings)
    style = "vi" if vi and not en else "en" if en and not vi else "plain"
    ambiguous = [t for t in strings if _ONE_GROUP.fullmatch(t)] if style == "plain" else []
    return style, ambiguous


def _parse_numbers(s: pd.Series, *, decimal_only: bool = False) -> pd.Series:
    """Parse a column; ``decimal_only`` for coordinates, which never have thousands."""
    style = "plain" if decimal_only else _number_style(s)[0]
    return pd.Series([_to_float(v, style=style) for v in s], index=s.index, dtype="float64")


# --------------------------------------------------------------------------------------------
# the harmoniser's number stage


def _parse_number_columns(
    out: pd.DataFrame, columns: Iterable[str], layer: str, ids: pd.Series, report: list[str]
) -> pd.DataFrame:
    """Parse the number ``columns`` of ``out`` in place, reporting what was read and lost.

    A text that is no number becomes NaN, is reported with its rows (and a warning pointing
    at the caller of :func:`~ninhbinh_geo.io.harmonise` or
    :func:`~ninhbinh_geo.io.read_inventory`), and is kept in ``<column>__raw`` for
    ``source_attributes``.
    """
    for col in columns:
        if col not in out.columns:
            continue
        raw = out[col]
        parsed = _parse_numbers(raw)
        lost = raw.notna() & raw.astype(str).str.strip().ne("") & parsed.isna()
        if lost.any():
            report.append(
                f"{col}: {int(lost.sum())} values are no number and became NaN (rows "
                f"{first_ids(ids[lost])}, e.g. {raw[lost].iloc[0]!r}); originals kept in "
                f"source_attributes"
            )
            warnings.warn(
                f"Layer '{layer}', column '{col}': values that are no number became NaN in rows "
                f"{first_ids(ids[lost])} (e.g. {raw[lost].iloc[0]!r}); see "
                f"attrs['harmonise_report'].",
                UserWarning,
                stacklevel=4,  # here, the harmoniser, the door, its caller
            )
            out[f"{col}__raw"] = raw.where(lost)
        report.extend(_style_notes(col, raw, parsed))
        out[col] = parsed
    return out


def _style_notes(col: str, raw: pd.Series, parsed: pd.Series) -> list[str]:
    """Report lines saying how the separators of a column were read."""
    notes = []
    style, ambiguous = _number_style(raw)
    textual = raw.map(lambda v: isinstance(v, str)) & parsed.notna()
    if textual.any() and style == "vi":
        notes.append(
            f"{col}: decimal commas / dot thousands read (e.g. {raw[textual].iloc[0]!r}"
            f" -> {float(parsed[textual].iloc[0])!r})"
        )
    if ambiguous:
        notes.append(
            f"{col}: {ambiguous[:3]} could use '.'/',' as thousands or decimal separator "
            f"and nothing else in the column tells which; read as decimal separator "
            f"(e.g. {ambiguous[0]!r} -> {float(_to_float(ambiguous[0], style='plain'))!r})"
        )
    return notes


def _area_in_hectares(
    out: pd.DataFrame, mapping: dict[str, str], report: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """Fill ``area_ha`` from ``area_m2`` (dropped); return the frame and the area basis note.

    ``mapping`` is {source heading: target column}; the heading of the area names the unit.
    """
    if "area_m2" in out.columns:
        from_m2 = out["area_m2"] / _M2_PER_HA
        if "area_ha" in out.columns:
            fill = out["area_ha"].isna() & from_m2.notna()
            out.loc[fill, "area_ha"] = from_m2[fill]
        else:
            out["area_ha"] = from_m2
            fill = from_m2.notna()
        src_col = next(c for c, t in mapping.items() if t == "area_m2")
        report.append(f"area_ha: {int(fill.sum())} areas converted from m² ('{src_col}') to ha")
        return out.drop(columns="area_m2"), f"'{src_col}' (m²) ÷ 10,000"
    if "area_ha" in mapping.values():
        src_col = next(c for c, t in mapping.items() if t == "area_ha")
        if _fold(src_col) in _AREA_WITHOUT_UNIT:
            report.append(f"area_ha: '{src_col}' has no unit in its heading; read as hectares")
    return out, None
