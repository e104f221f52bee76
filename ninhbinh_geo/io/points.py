"""Points from the coordinate columns of a table (CSV or XLSX).

The columns are found by name (lon, lng, long, longitude, x, easting, kinh độ / lat, latitude,
y, northing, vĩ độ; accents and case ignored), or one column holding both ("Tọa độ",
"lat, lon"), or given with ``lon=``/``lat=`` or ``lonlat="LON,LAT"`` (one name: the column
holding both; ``"auto"``: in every row, the value near 106 is the longitude). Values are read
by :mod:`~ninhbinh_geo.io.coordinates` (decimal degrees, DMS, metres).

Degrees need no CRS; metres need ``crs=`` (the message names the VN-2000 CRSs that fit), and
their axis order (a surveyor's X = northing) is read from the magnitudes. Longitude and
latitude swapped are refused with the ``--lonlat`` that reads them right. Rows without
coordinates are kept with an empty geometry and announced.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import crs as _crs
from .._errors import CRSError, InputFileError, LocationError, first_ids
from .coordinates import (
    LAT_HEADINGS,
    LAT_RANGE,
    LON_HEADINGS,
    LON_RANGE,
    PAIR_HEADINGS,
    _coordinate,
    _in,
    _is_metres,
    _metres_advice,
    _pair,
    _x_is_northing,
)
from .spelling import _fold


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    """Find the first column named as one of ``names`` (a unit in brackets ignored: "X (m)")."""
    folded: dict[str, str] = {}
    for c in columns:
        folded.setdefault(_fold(c), c)
        folded.setdefault(_fold(re.sub(r"\s*\([^()]*\)\s*$", "", c)), c)
    return next((folded[_fold(n)] for n in names if _fold(n) in folded), None)


def _coordinate_columns(
    columns: list[str], path: Path, lon: str | None, lat: str | None, lonlat: str | None
) -> tuple[str, ...]:
    """Find the coordinate columns: (lon, lat), or (pair,) for one column holding both."""
    if lonlat not in (None, "auto"):
        parts = [p.strip() for p in str(lonlat).split(",")]
        if str(lonlat) in columns:
            return (str(lonlat),)
        if len(parts) == 2 and all(p in columns for p in parts):
            return parts[0], parts[1]
        raise InputFileError(
            f"File '{path.name}': --lonlat {lonlat!r} names no column. Columns are {columns}; "
            f"pass --lonlat '<longitude column>,<latitude column>', one column holding both, "
            f"or 'auto'."
        )
    lon_col = lon if lon in columns else None if lon else _find(columns, LON_HEADINGS)
    lat_col = lat if lat in columns else None if lat else _find(columns, LAT_HEADINGS)
    if lon_col and lat_col:
        return lon_col, lat_col
    pair = _find(columns, PAIR_HEADINGS)
    if pair and not (lon or lat):
        return (pair,)
    which = [w for w, c in (("longitude", lon_col), ("latitude", lat_col)) if c is None]
    raise InputFileError(
        f"File '{path.name}': no {' and '.join(which)} column found among {columns}. Name them "
        f"'Kinh độ'/'Vĩ độ' (or lon/lat, X/Y, a 'Tọa độ' column holding both), or pass "
        f"--lonlat '<longitude column>,<latitude column>' (Python: lonlat='LON,LAT')."
    )


def _read_values(
    df: pd.DataFrame, cols: tuple[str, ...], path: Path, labels: list[str]
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Read the coordinates; return x, y (NaN where empty) and whether a pair gave lon/lat."""
    if len(cols) == 1:
        pairs = [_pair(v) for v in df[cols[0]]]
        bad = [i for i, p in enumerate(pairs) if p is None]
        _refuse_unreadable(df, cols, path, labels, bad, pair=True)
        return (
            np.array([p[0] for p in pairs], dtype=float),
            np.array([p[1] for p in pairs], dtype=float),
            True,
        )
    x = [_coordinate(v) for v in df[cols[0]]]
    y = [_coordinate(v) for v in df[cols[1]]]
    bad = [i for i, (a, b) in enumerate(zip(x, y, strict=True)) if a is None or b is None]
    _refuse_unreadable(df, cols, path, labels, bad, pair=False)
    return np.array(x, dtype=float), np.array(y, dtype=float), False


def _refuse_unreadable(
    df: pd.DataFrame,
    cols: tuple[str, ...],
    path: Path,
    labels: list[str],
    bad: list[int],
    *,
    pair: bool,
) -> None:
    if not bad:
        return
    example = " / ".join(repr(df[c].iloc[bad[0]]) for c in cols)
    what = (
        "a latitude and a longitude (e.g. '20.2583, 105.9712')"
        if pair
        else "decimal degrees (105.97), degrees-minutes-seconds (105°58'12\"E) or metres"
    )
    raise LocationError(
        f"File '{path.name}', column(s) {list(cols)}: coordinates that cannot be read in rows "
        f"{first_ids(labels[i] for i in bad)} (e.g. {example}). Write {what} in those cells; "
        f"a row without coordinates may stay empty. If the columns are the wrong ones, pass "
        f"--lonlat '<longitude column>,<latitude column>'."
    )


def _degrees(
    x: np.ndarray,
    y: np.ndarray,
    cols: tuple[str, ...],
    path: Path,
    labels: list[str],
    lonlat: str | None,
    report: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Check the order of degrees; with ``lonlat="auto"``, put each row right."""
    ok = np.isfinite(x) & np.isfinite(y)
    swapped = ok & np.array(
        [_in(a, LAT_RANGE) and _in(b, LON_RANGE) for a, b in zip(x, y, strict=True)]
    )
    if not swapped.any():
        return x, y
    if lonlat == "auto":
        x, y = np.where(swapped, y, x), np.where(swapped, x, y)
        report.append(
            f"coordinates: longitude and latitude swapped back in {int(swapped.sum())} "
            f"rows (--lonlat auto)"
        )
        return x, y
    rows = first_ids(labels[i] for i in np.flatnonzero(swapped))
    if swapped[ok].all() and len(cols) == 2:
        raise CRSError(
            f"File '{path.name}': column '{cols[0]}' holds latitudes (near 20) and '{cols[1]}' "
            f"longitudes (near 106): the columns are swapped. Pass --lonlat "
            f"'{cols[1]},{cols[0]}' (Python: lonlat='{cols[1]},{cols[0]}'), or --lonlat auto."
        )
    raise LocationError(
        f"File '{path.name}', columns {list(cols)}: longitude and latitude are swapped in rows "
        f"{rows} (e.g. {x[swapped][0]:g}, {y[swapped][0]:g}), not in the others. Pass --lonlat "
        f"auto (Python: lonlat='auto') to take, in every row, the value near 106 as the "
        f"longitude, or swap the cells in the file."
    )


def _metres(
    x: np.ndarray,
    y: np.ndarray,
    cols: tuple[str, ...],
    path: Path,
    labels: list[str],
    crs: pyproj.CRS | None,
    report: list[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Check metres: every row in metres, a metric CRS given; put X = northing right."""
    ok = np.isfinite(x) & np.isfinite(y)
    in_degrees = ok & (np.abs(x) <= 180) & (np.abs(y) <= 90)
    if in_degrees.any():
        raise LocationError(
            f"File '{path.name}', columns {list(cols)}: rows "
            f"{first_ids(labels[i] for i in np.flatnonzero(in_degrees))} hold degrees while the "
            f"others hold metres. Write every row in one CRS (convert those rows in QGIS)."
        )
    northing_first = _x_is_northing(x[ok], y[ok])
    e, n = (y, x) if northing_first else (x, y)
    if crs is None or crs.is_geographic:
        given = f" --crs {crs.to_string()} is in degrees." if crs is not None else ""
        raise CRSError(
            f"File '{path.name}': columns '{cols[0]}'/'{cols[1]}' hold metres (up to "
            f"{np.nanmax(np.abs(x)):.0f} / {np.nanmax(np.abs(y)):.0f}) and the file has no "
            f"CRS.{given} " + _metres_advice(e[ok], n[ok], swapped=northing_first)
        )
    if northing_first:
        report.append(
            f"coordinates: column '{cols[0]}' holds northings and '{cols[1]}' eastings (the "
            f"Vietnamese surveyor's X = north), read so"
        )
    return e, n


def _points_from_table(
    df: pd.DataFrame,
    path: Path,
    *,
    lon: str | None,
    lat: str | None,
    lonlat: str | None,
    crs: pyproj.CRS | None,
    labels: list[str],
    report: list[str],
) -> gpd.GeoDataFrame:
    """Make a point layer of a table; the coordinate columns become the geometry.

    Called by :func:`~ninhbinh_geo.io.read_layer` only (the warning points at its caller).
    """
    columns = [str(c) for c in df.columns]
    df.columns = columns
    cols = _coordinate_columns(columns, path, lon, lat, lonlat)
    x, y, from_pair = _read_values(df, cols, path, labels)
    if from_pair:
        report.append(
            f"coordinates: column '{cols[0]}' holds both; the value near 106 read as "
            f"the longitude in every row"
        )
    if _is_metres(x, y):
        x, y = _metres(x, y, cols, path, labels, crs, report)
    else:
        if crs is not None and not crs.is_geographic:
            raise CRSError(
                f"File '{path.name}': columns {list(cols)} hold degrees, but --crs "
                f"{crs.to_string()} is in metres. Drop --crs (degrees are read as EPSG:4326)."
            )
        x, y = _degrees(x, y, cols, path, labels, lonlat, report)
        crs = crs or pyproj.CRS(_crs.STORAGE_CRS)
    missing = ~(np.isfinite(x) & np.isfinite(y))
    geometry = gpd.GeoSeries(
        [None if m else shapely.Point(a, b) for a, b, m in zip(x, y, missing, strict=True)],
        index=df.index,
    )
    out = gpd.GeoDataFrame(df.drop(columns=list(cols)), geometry=geometry, crs=crs)
    if missing.any():
        out.attrs["rows_without_coordinates"] = [labels[i] for i in np.flatnonzero(missing)]
        warnings.warn(
            f"File '{path.name}': {first_ids(labels[i] for i in np.flatnonzero(missing))} have "
            f"no coordinates; they are kept with an empty geometry (validation refuses them "
            f"until located).",
            UserWarning,
            stacklevel=4,  # here, read_layer's helper, read_layer, its caller
        )
    return out
