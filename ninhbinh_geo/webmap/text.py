"""Text from data made safe for the page: HTML escaping and the display of attribute values.

Every text that comes from data passes through :func:`_esc` before it reaches the page: HTML
special characters become entities, and so do braces, because branca compiles every rendered
piece of the page a second time as a Jinja template.
"""

from __future__ import annotations

import functools
import html
import math

import numpy as np
import pandas as pd

from ..labels import label

# Columns whose values are label keys ``<prefix>.<value>`` (translated in popups).
_CATEGORY_PREFIX = {
    "status": "status",
    "kind": "kind",
    "result": "result",
    "accuracy": "accuracy",
    "location_accuracy": "accuracy",
    "footprint_accuracy": "accuracy",
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


def _fmt_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"


def _fmt_value(column: str, value: object, lang: str) -> str:
    """Return the escaped HTML of one attribute value."""
    if _is_missing(value):
        return f'<span class="nbg-nodata">{_esc(label("nodata", lang))}</span>'
    if isinstance(value, bool | np.bool_):
        return _esc(label(f"bool.{str(bool(value)).lower()}", lang))
    if isinstance(value, int | float | np.integer | np.floating):
        return _esc(_fmt_number(float(value)))
    prefix = _CATEGORY_PREFIX.get(column)
    if prefix and _has_label(f"{prefix}.{value}"):
        return _esc(label(f"{prefix}.{value}", lang))
    # <bdi> keeps a right-to-left mark or bidi text in a name from reordering the row around it.
    return f"<bdi>{_esc(value)}</bdi>"


def _col_label(column: str, lang: str) -> str:
    key = "col.statement" if column in ("statement_vi", "statement_en") else f"col.{column}"
    return label(key, lang) if _has_label(key) else column
