r"""One number as planners write it: separators, a unit and a qualifier in the cell.

:func:`_read_cell` reads one cell the Vietnamese, English or French way: decimal comma or point;
thousands grouped with dots, commas, spaces, no-break (U+00A0) or narrow no-break (U+202F)
spaces; a unit after the number (``ha``, ``m²``, ``m2``, ``km²``, ``%``, ``người``); a
qualifier before it (``khoảng``/``~``/``≈`` = approximately, ``hơn``/``trên``/``>`` = at
least, ``dưới``/``<`` = at most). Words that say a value is not known (``đang cập nhật``,
``chưa có``, ``-``) are recognised as such.

Some texts read two ways: ``"505.000"`` is 505 000 the Vietnamese way and 505 the English way,
``"505,000"`` the other way round. A cell cannot tell; its column (or the rest of the file) can,
and that is decided in :mod:`~ninhbinh_geo.io.quantities`. Each reading therefore carries its
*shape*: ``"neutral"`` (same either way), ``"vi"`` or ``"en"`` (only one way), ``"dot3"`` or
``"comma3"`` (one separator followed by three digits: either way), ``"missing"``, ``"unknown"``
(a word saying so) or ``"unreadable"``.

Examples
--------
>>> r = _read_cell("khoảng 50,5 ha")
>>> r.shape, _value(r, "vi"), r.unit, r.qualifier
('vi', 50.5, 'ha', 'approx')
>>> r = _read_cell("505\u202f000 m²")
>>> r.shape, _value(r, None), r.unit
('neutral', 505000.0, 'm2')
>>> _read_cell("505.000").shape, _value(_read_cell("505.000"), "vi")
('dot3', 505000.0)
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import numpy as np

from .spelling import _fold, _fold_same_length

_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_QUALIFIERS = (
    ("approx", r"khoang|xap xi|gan|chung|ca\.?|approx\.?|approximately|about|around|~|≈|±"),
    ("at_least", r"hon|tren|it nhat|toi thieu|over|more than|at least|>=|≥|>"),
    ("at_most", r"duoi|toi da|khong qua|under|less than|at most|<=|≤|<"),
)
_PREFIX = re.compile(
    "^(?:" + "|".join(f"(?P<{name}>{words})" for name, words in _QUALIFIERS) + r")\s*"
)
_SUFFIX_QUALIFIER = re.compile(r"\s*(?P<at_least>tro len)\s*$|\s*(?P<at_most>tro xuong)\s*$")
_UNIT = re.compile(
    r"\s*(?P<unit>ha|hecta|hec ta|hec-ta|m²|m2|m 2|km²|km2|%|nguoi|lao dong|du an|da)\.?\s*$"
)
_UNIT_NAMES = {"hecta": "ha", "hec ta": "ha", "hec-ta": "ha", "m²": "m2", "m 2": "m2",
               "km²": "km2", "nguoi": "count", "lao dong": "count", "du an": "count",
               "da": "count"}  # fmt: skip
#: Words that say a value is not known (folded).
UNKNOWN_WORDS = frozenset({"", "chua co", "chua ro", "khong ro", "dang cap nhat",
                           "chua cap nhat", "khong co so lieu", "chua co so lieu", "n a", "na",
                           "unknown", "not known", "chua xac dinh"})  # fmt: skip
_SPACED = re.compile(rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?")
_SHAPES = (
    ("neutral", re.compile(r"\d+")),
    ("dot3", re.compile(r"[1-9]\d{0,2}\.\d{3}")),
    ("comma3", re.compile(r"[1-9]\d{0,2},\d{3}")),
    ("vi", re.compile(r"\d+,\d+|\d{1,3}(?:\.\d{3}){2,}|\d{1,3}(?:\.\d{3})+,\d+")),
    ("en", re.compile(r"\d+\.\d+|\d{1,3}(?:,\d{3}){2,}|\d{1,3}(?:,\d{3})+\.\d+")),
)


class _Reading(NamedTuple):
    """One cell read: its number text (no unit, no qualifier), shape, unit and qualifier."""

    text: str
    shape: str
    unit: str | None = None
    qualifier: str | None = None
    number: float | None = None  # a cell that was a number already (Excel)
    raw: str = ""  # the cell as written


def _strip_words(text: str) -> tuple[str, str | None, str | None]:
    """Take the qualifier and the unit off a cell; return the rest, the unit, the qualifier."""
    folded = _fold_same_length(text)
    qualifier = None
    m = _PREFIX.match(folded)
    if m:
        qualifier = m.lastgroup
        text, folded = text[m.end() :], folded[m.end() :]
    m = _SUFFIX_QUALIFIER.search(folded)
    if m:
        qualifier = qualifier or m.lastgroup
        text, folded = text[: m.start()], folded[: m.start()]
    unit = None
    m = _UNIT.search(folded)
    if m and m.start() > 0:
        unit = _UNIT_NAMES.get(m.group("unit"), m.group("unit"))
        text = text[: m.start()]
    return text.strip(), unit, qualifier


def _read_cell(value: object) -> _Reading:
    """Read one cell (see the module docstring)."""
    if value is None or value is np.nan or (isinstance(value, float) and math.isnan(value)):
        return _Reading("", "missing")
    if isinstance(value, bool | np.bool_):
        return _Reading(str(value), "unreadable")
    if isinstance(value, int | float | np.integer | np.floating):
        return _Reading(repr(value), "neutral", number=float(value), raw=repr(value))
    raw = str(value).strip()
    if not raw:
        return _Reading("", "missing")
    if _fold(raw) in UNKNOWN_WORDS and not any(ch.isdigit() for ch in raw):
        return _Reading(raw, "unknown", raw=raw)
    text, unit, qualifier = _strip_words(raw)
    text = text.replace("\u2212", "-")
    sign = ""
    if text[:1] in "+-":
        sign, text = text[:1], text[1:].strip()
    if _SPACED.fullmatch(text):
        text = re.sub(f"[{_SPACES}]", "", text)
    for shape, pattern in _SHAPES:
        if pattern.fullmatch(text):
            return _Reading(sign + text, shape, unit, qualifier, raw=raw)
    return _Reading(raw, "unreadable", unit, qualifier, raw=raw)


def _value(reading: _Reading, style: str | None) -> float:
    """Return the number of a reading in a column written the ``style`` way ("vi", "en")."""
    if reading.number is not None:
        return reading.number
    text, shape = reading.text, reading.shape
    if shape == "neutral":
        return float(text)
    either = shape in ("dot3", "comma3")
    if shape == "vi" or (either and style == "vi"):
        return float(text.replace(".", "").replace(",", "."))
    if shape == "en" or (either and style == "en"):
        return float(text.replace(",", ""))
    return math.nan
