"""Text from data made safe for the page: HTML escaping and the display of attribute values.

Every text that comes from data passes through :func:`_esc` before it reaches the page: HTML
special characters become entities, and so do braces, because branca compiles every rendered
piece of the page a second time as a Jinja template.

Numbers are written by :func:`ninhbinh_geo.formatting.format_number` in the reader's language
(1.035 / 3.178,5 in Vietnamese): years as text, published figures with their published
decimals (355,5 ha, not 356), shares as percentages, and distances rounded to the step their
positions support (``distance_precision_km``, ``road_precision_km``) with that accuracy said
beside them. Values that are label keys (a status, a reason why a road distance is missing) are
written in words.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..formatting import decimals_of, format_number, format_year
from ..labels import label

# Columns whose values are label keys ``<prefix>.<value>`` (translated in popups).
_CATEGORY_PREFIX = {
    "status": "status",
    "kind": "kind",
    "result": "result",
    "worst_result": "result",
    "accuracy": "accuracy",
    "location_accuracy": "accuracy",
    "footprint_accuracy": "accuracy",
    "distance_accuracy": "accuracy",
    "road_accuracy": "accuracy",
    "straight_basis": "straight_basis",
    "outcome": "outcome",
}
# Columns whose values are whole label keys (network.ROAD_REASONS).
_KEY_COLUMNS = ("road_reason", "road_reason_to_nearest", "reason")
# Years are text: 2025, never 2.025.
_YEAR_COLUMNS = ("status_year", "year", "source_year")
# Published figures keep the decimals they were published with.
_PUBLISHED = (
    "area_ha",
    "industrial_ha",
    "leasable_ha",
    "leased_ha",
    "expansion_ha",
    "jobs",
    "projects",
    "occupancy_pct_published",
)
# Shares (0–1) shown as percentages.
_SHARES = ("exposed_share", "coverage_share", "zone_share")
# Distances: the column of their rounding step and of their accuracy class, first found wins;
# a missing distance is explained by its reason column.
_DISTANCES = {
    "straight_km": (("distance_precision_km",), ("distance_accuracy",), None),
    "straight_km_points": (("distance_precision_km",), ("distance_accuracy",), None),
    "road_km_to_nearest": (
        ("distance_precision_km",),
        ("distance_accuracy",),
        "road_reason_to_nearest",
    ),
    "road_km": (
        ("road_precision_km", "distance_precision_km"),
        ("road_accuracy", "distance_accuracy"),
        "road_reason",
    ),
}

# branca compiles every rendered piece of the page again as a Jinja template, so a "{{" or "{%"
# in a name would be evaluated (or break the page): braces in data become HTML entities.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


@functools.lru_cache(maxsize=1024)
def _has_label(key: str) -> bool:
    try:
        label(key, "vi")
    except KeyError:
        return False
    return True


def _esc(text: object) -> str:
    """Escape text from data for HTML (and for branca's second Jinja pass)."""
    return html.escape(str(text), quote=True).translate(_BRACES)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _first(row: Mapping[str, object], columns: tuple[str, ...]) -> object:
    for col in columns:
        if col in row and not _is_missing(row[col]):
            return row[col]
    return None


def _nodata(lang: str) -> str:
    return f'<span class="nbg-nodata">{_esc(label("nodata", lang))}</span>'


def _distance(column: str, value: float, row: Mapping[str, object], lang: str) -> str:
    """Write a distance rounded to what its positions support, with that accuracy beside it."""
    steps, classes, _ = _DISTANCES[column]
    step = _first(row, steps)
    accuracy = _first(row, classes)
    if step is None:
        return _esc(format_number(value, lang))
    text = format_number(value, lang, precision=float(step))
    acc = label(f"accuracy.{accuracy}", lang) if _has_label(f"accuracy.{accuracy}") else ""
    note = label("map.rounded_to", lang).format(
        accuracy=acc, step=format_number(float(step), lang, decimals=decimals_of(float(step)))
    )
    return f'{_esc(text)} <span class="nbg-note">({_esc(note.lstrip(", "))})</span>'


def _number(column: str, value: float, row: Mapping[str, object], lang: str) -> str:
    if column in _YEAR_COLUMNS:
        return _esc(format_year(value))
    if column in _DISTANCES:
        return _distance(column, value, row, lang)
    if column in _PUBLISHED:
        return _esc(format_number(value, lang, decimals=decimals_of(value)))
    if column in _SHARES:
        return _esc(f"{format_number(value * 100, lang, precision=1)} %")
    return _esc(format_number(value, lang))


def _fmt_value(
    column: str, value: object, lang: str, row: Mapping[str, object] | None = None
) -> str:
    """Return the escaped HTML of one attribute value (``row`` gives its context)."""
    row = row or {}
    if _is_missing(value):
        reason = _DISTANCES.get(column, (None, None, None))[2]
        if reason and not _is_missing(row.get(reason)) and _has_label(str(row[reason])):
            return f'<span class="nbg-nodata">{_esc(label(str(row[reason]), lang))}</span>'
        return _nodata(lang)
    if isinstance(value, bool | np.bool_):
        return _esc(label(f"bool.{str(bool(value)).lower()}", lang))
    if isinstance(value, int | float | np.integer | np.floating):
        return _number(column, float(value), row, lang)
    prefix = _CATEGORY_PREFIX.get(column)
    if prefix and _has_label(f"{prefix}.{value}"):
        return _esc(label(f"{prefix}.{value}", lang))
    if column in _KEY_COLUMNS and _has_label(str(value)):
        return _esc(label(str(value), lang))
    # <bdi> keeps a right-to-left mark or bidi text in a name from reordering the row around it.
    return f"<bdi>{_esc(value)}</bdi>"


def _col_label(column: str, lang: str) -> str:
    key = "col.statement" if column in ("statement_vi", "statement_en") else f"col.{column}"
    return label(key, lang) if _has_label(key) else column
