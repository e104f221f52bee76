"""Coordinates as planners write them: decimal degrees, DMS text, "lat, lon" pairs, VN-2000 metres.

One value: decimal degrees with a point or a comma (``105.941``, ``105,941``), degrees-minutes-
seconds (``20°15'30"N``, ``105° 58′ 12″ E``, ``20d15m30s``), or metres with or without
thousands separators (``2 245 300,5``, ``589.000``). One cell holding both (``"20.2583,
105.9712"`` as a web map copies it) is split and its order found from the magnitudes: in Viet
Nam a longitude is near 105 and a latitude near 20, so the two never look alike.

Metres need a CRS, which cannot be read off the values: VN-2000 TM-3 105°00' (EPSG:5897), TM-3
105°30' (EPSG:9209) and UTM 48N (EPSG:3405) all put most points of the province inside it.
:func:`_metre_candidates` names the ones that do, for the message that asks for ``--crs``.
Northings are near 2 200 000 m and eastings near 600 000 m, so a surveyor's X = northing is
recognised by magnitude.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pyproj

#: Headings of a longitude or easting column (folded).
LON_HEADINGS = ("lon", "lng", "long", "longitude", "kinh do", "kinhdo", "kinh do e",
                "kinh do dong", "x", "toa do x", "x m", "toa do x m", "easting", "e",
                "x vn2000", "x vn 2000", "toa do x vn2000", "toa do x vn 2000")  # fmt: skip
#: Headings of a latitude or northing column (folded).
LAT_HEADINGS = ("lat", "latitude", "vi do", "vido", "vi do n", "vi do bac", "y", "toa do y",
                "y m", "toa do y m", "northing", "n", "y vn2000", "y vn 2000",
                "toa do y vn2000", "toa do y vn 2000")  # fmt: skip
#: Headings of one column holding both coordinates (folded).
PAIR_HEADINGS = ("toa do", "coordinates", "coordinate", "lat lon", "lat long", "lat lng",
                 "latlon", "latlong", "lon lat", "vi tri lat lon", "toa do lat lon",
                 "toa do gps", "gps", "vi do kinh do", "kinh do vi do", "toa do vi do kinh do",
                 "vi tri toa do", "google maps", "toa do google maps")  # fmt: skip
COORDINATE_HEADINGS = frozenset(LON_HEADINGS + LAT_HEADINGS + PAIR_HEADINGS)

#: Longitudes and latitudes of Viet Nam (with a margin): how a value is known as one or other.
LON_RANGE = (100.0, 112.0)
LAT_RANGE = (8.0, 24.0)
#: VN-2000 metre CRSs used in the province, as offered in messages.
METRE_CRS = {
    "EPSG:5897": "VN-2000 TM-3 105°00'",
    "EPSG:9209": "VN-2000 TM-3 105°30'",
    "EPSG:3405": "VN-2000 UTM 48N",
}
#: Northings of the province are near this (m); eastings are far smaller.
_NORTHING_MIN_M = 1_500_000

_NUM = r"\d+(?:[.,]\d+)?"
_DMS = re.compile(
    rf"(?P<h1>[NSEW])?\s*(?P<d>{_NUM})\s*(?:°|º|˚|d|độ)\s*"
    rf"(?:(?P<m>{_NUM})\s*(?:'|′|’|‘|m(?![a-zA-Z])|phút)\s*)?"
    rf"(?:(?P<s>{_NUM})\s*(?:\"|″|”|''|s(?![a-zA-Z])|giây)\s*)?(?P<h2>[NSEW])?",
    re.IGNORECASE,
)
_DMS_SPACED = re.compile(rf"(?P<d>\d+)\s+(?P<m>\d+)\s+(?P<s>{_NUM})\s*(?P<h2>[NSEW])", re.I)
_DECIMAL = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_THOUSANDS = (
    (re.compile(r"\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+(?:,\d+)?"), ".", ","),
    (re.compile(r"\d{1,3}(?:[,\s\u00a0\u202f]\d{3})+(?:\.\d+)?"), ",", "."),
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _dms_value(m: re.Match[str]) -> float | None:
    """Degrees of a DMS match; None when minutes or seconds are 60 or more."""
    d = _number(m.group("d"))
    mins = _number(m.group("m")) if m.group("m") else 0.0
    secs = _number(m.group("s")) if m.group("s") else 0.0
    if mins >= 60 or secs >= 60:
        return None
    hemi = (m.groupdict().get("h1") or m.group("h2") or "").upper()
    value = d + mins / 60 + secs / 3600
    return -value if hemi in ("S", "W") else value


def _coordinate(value: object) -> float | None:
    """One coordinate in degrees or metres; NaN for an empty cell; None when unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u2212", "-")
    if not text:
        return math.nan
    if _DECIMAL.fullmatch(text):
        number = _number(text)
        # "589.000" is no longitude: beyond 180 with one group of three, it is thousands.
        if abs(number) <= 180 or not re.fullmatch(r"[+-]?\d{1,3}[.,]\d{3}", text):
            return number
    for pattern, group, decimal in _THOUSANDS:
        if pattern.fullmatch(text):
            cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(group, "")
            return float(cleaned.replace(decimal, "."))
    m = _DMS.fullmatch(text) or _DMS_SPACED.fullmatch(text)
    return _dms_value(m) if m else None


def _pair(value: object) -> tuple[float, float] | None:
    """Read the two coordinates of a "lat, lon" cell as (lon, lat); None when unreadable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan, math.nan
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return math.nan, math.nan
    dms = [m for m in _DMS.finditer(text) if m.group(0).strip()]
    if len(dms) == 2:
        a, b = _dms_value(dms[0]), _dms_value(dms[1])
        if a is None or b is None:
            return None
    else:
        numbers = _DECIMAL.findall(text)
        if len(numbers) != 2:
            return None
        a, b = _number(numbers[0]), _number(numbers[1])
    return _lon_lat(a, b)


def _in(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _lon_lat(a: float, b: float) -> tuple[float, float] | None:
    """Order two degrees as (lon, lat) by their magnitudes; None when they do not tell."""
    if _in(a, LAT_RANGE) and _in(b, LON_RANGE):
        return b, a
    if _in(a, LON_RANGE) and _in(b, LAT_RANGE):
        return a, b
    return None


def _is_metres(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the values are metres: some beyond 180 (a latitude beyond 90 is a swap)."""
    finite = np.isfinite(x) & np.isfinite(y)
    return bool(finite.any()) and bool(
        (np.abs(x[finite]) > 180).any() or (np.abs(y[finite]) > 180).any()
    )


def _x_is_northing(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the first column holds northings (a Vietnamese surveyor's X), by magnitude."""
    finite = np.isfinite(x) & np.isfinite(y)
    return bool(np.median(x[finite]) > _NORTHING_MIN_M > np.median(y[finite]))


def _to_degrees(easting: np.ndarray, northing: np.ndarray, crs: str) -> tuple[np.ndarray, ...]:
    t = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return t.transform(easting, northing)


def _metre_candidates(easting: np.ndarray, northing: np.ndarray) -> dict[str, dict[str, object]]:
    """For each VN-2000 CRS, how many points it puts in the province and in which former one.

    Returns {crs: {"inside": n, "total": n, "former": {province: n}, "zone_ok": bool}}.
    """
    from .location import _inside_counts  # the shipped boundaries, loaded when needed

    out: dict[str, dict[str, object]] = {}
    for crs in METRE_CRS:
        lon, lat = _to_degrees(easting, northing, crs)
        out[crs] = _inside_counts(np.asarray(lon), np.asarray(lat), crs)
    return out


def _metres_advice(easting: np.ndarray, northing: np.ndarray, *, swapped: bool) -> str:
    """Say which VN-2000 CRSs put these metres in the province, and the ``--crs`` to pass.

    ``swapped``: the values came as X = northing (the surveyor's order); said in the advice.
    """
    candidates = _metre_candidates(easting, northing)
    fits = {c: v for c, v in candidates.items() if v["inside"] == v["total"] and v["total"]}
    order = (
        "X = northing, Y = easting (the surveyor's order)"
        if swapped
        else ("X = easting, Y = northing")
    )
    if not fits:
        best = max(candidates, key=lambda c: candidates[c]["inside"])
        return (
            f"They look like VN-2000 metres ({order}), but no VN-2000 CRS puts all of them in "
            f"the province (at best {candidates[best]['inside']} of "
            f"{candidates[best]['total']} with {best}). Check the coordinates, then pass the "
            f"CRS they are in, e.g. --crs {best} (Python: crs='{best}')."
        )
    # A TM-3 zone that fits the former province the sites fall in comes first.
    ranked = sorted(fits, key=lambda c: (not fits[c]["zone_ok"], c == "EPSG:3405"))
    first = ranked[0]
    names = "; ".join(
        f"{METRE_CRS[c]} ({c}) puts them in {', '.join(fits[c]['former'])}" for c in ranked
    )
    why = (
        f", and {METRE_CRS[first]} is the zone the land records of "
        f"{next(iter(fits[first]['former']))} use"
        if fits[first]["zone_ok"]
        else ""
    )
    return (
        f"These look like {METRE_CRS[first]} metres with {order}{why}: pass --crs "
        f"{first} (Python: crs='{first}'). The values cannot tell the CRS for sure: {names}."
    )
