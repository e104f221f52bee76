"""How far each finding is from the rule's threshold: the signed margin and its text.

Sign convention (every check, in the rule's unit):

- ``margin > 0``: the measurement violates the rule by that much, i.e. how far it must move to
  pass (``12.4`` ha above a 75 ha cap; ``100`` m inside a protected area);
- ``margin < 0``: it meets the rule, and ``|margin|`` is the room left before it would not
  (``-25`` ha: 25 ha below the 75 ha cap);
- ``margin == 0``: exactly at the threshold (a pass for ``<=``/``>=``, a violation for
  ``<``/``>``).

For ``between`` the margin is measured to the nearer bound; for a condition (unit ``bool``) it
is ``1`` when the condition is not met and ``0`` when it is; for an overlap rule
(``intersects``/``not_intersects``, unit ``ha``) it is the area in violation (``0`` = none).
The margin is NaN where the measurement is unknown.

Numbers in the texts go through :func:`_number`, the one place that formats them, so that the
project's number formatter can replace it.
"""

from __future__ import annotations

import math

from ..labels import label

_CAPS = ("<=", "<")
_FLOORS = (">=", ">")
_DISTANCE_UNITS = ("m", "km")
#: Decimals shown per unit (metres whole, shares to the hundredth).
_DECIMALS = {"m": 0, "km": 2, "ha": 2, "%": 1, "share": 2, "bool": 0}


def _number(value: float, lang: str, unit: str = "") -> str:
    """Format a number for ``lang``: ``vi`` 1.234,5 and ``en`` 1,234.5; trailing zeros cut."""
    text = f"{abs(value):,.{_DECIMALS.get(unit, 2)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return ("-" if value < 0 and text.strip("0.,") else "") + text


#: Margins are rounded to this many decimals: a difference such as 8.46 - 10 carries float
#: noise (-1.5399999999999991) that no unit of a rule can express, and that a GeoJSON or CSV
#: round trip would not keep.
_MARGIN_DECIMALS = 6


def _margin(measured: float, operator: str, low: float, high: float) -> float:
    """Return the signed margin of ``measured`` against the rule (see the module docstring)."""
    return round(_raw_margin(measured, operator, low, high), _MARGIN_DECIMALS)


def _raw_margin(measured: float, operator: str, low: float, high: float) -> float:
    if not math.isfinite(measured):
        return math.nan
    if operator in _CAPS:
        return measured - low
    if operator in _FLOORS:
        return low - measured
    if operator == "between":
        return max(low - measured, measured - high)
    if operator == "==":
        return 0.0 if measured == low else 1.0
    if operator in ("intersects", "not_intersects"):
        return measured if operator == "not_intersects" else (0.0 if measured > 0 else 1.0)
    return math.nan


def _margin_text(
    margin: float, measured: float, operator: str, low: float, high: float, unit: str, lang: str
) -> str:
    """Say the margin in words: "12,4 ha trên ngưỡng 75 ha" / "12.4 ha above 75 ha"."""
    if not math.isfinite(margin):
        return ""
    if unit == "share":  # a share reads better as a percentage
        margin, measured, low, high, unit = margin * 100, measured * 100, low * 100, high * 100, "%"
    if operator == "==" or unit == "bool":
        return label("margin.not_met" if margin > 0 else "margin.met", lang)
    if operator in ("intersects", "not_intersects"):
        if margin <= 0:
            return label("margin.no_overlap", lang)
        return label("margin.overlap", lang).format(value=_number(margin, lang, unit), unit=unit)
    if operator in _FLOORS and unit in _DISTANCE_UNITS and low == 0:
        key = "margin.inside" if measured < 0 else "margin.outside"
        return label(key, lang).format(value=_number(abs(measured), lang, unit), unit=unit)
    if operator == "between":
        # the nearer bound: the one crossed, or the one closer to the measurement
        threshold = high if (measured - high) >= (low - measured) else low
        above = measured > threshold or (measured == threshold and threshold == high)
    else:
        threshold = low
        above = measured >= threshold if operator in _CAPS else measured > threshold
    key = "margin.above" if above else "margin.below"
    if measured == threshold:
        key = "margin.at"
    return label(key, lang).format(
        value=_number(abs(margin), lang, unit),
        threshold=_number(threshold, lang, unit),
        unit=unit,
    )


def _margin_columns(
    measured: float, operator: str, low: float, high: float, unit: str
) -> dict[str, object]:
    """Return the four margin columns of one finding."""
    margin = _margin(measured, operator, low, high)
    return {
        "margin": margin,
        "margin_unit": unit if math.isfinite(margin) else "",
        "margin_vi": _margin_text(margin, measured, operator, low, high, unit, "vi"),
        "margin_en": _margin_text(margin, measured, operator, low, high, unit, "en"),
    }
