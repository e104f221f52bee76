"""Points from the longitude/latitude columns of a table (CSV or XLSX).

The columns are found by name (lon, lng, long, longitude, x, kinh độ / lat, latitude, y, vĩ
độ; accents and case ignored) or given. Values are decimal degrees written with a decimal point
or comma; a table without CRS whose values are metres is refused with the CRS to pass. Rows
without coordinates are kept with an empty geometry and announced.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from .. import crs as _crs
from .._errors import CRSError, InputFileError, first_ids
from .encodings import _fold
from .numbers import _parse_numbers

_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "kinh do", "kinhdo", "kinh_do")
_LAT_NAMES = ("lat", "latitude", "y", "vi do", "vido", "vi_do")


def _find_column(columns: list[str], wanted: str | None, names: tuple[str, ...]) -> str | None:
    if wanted is not None:
        return wanted if wanted in columns else None
    folded = {_fold(c): c for c in reversed(columns)}
    for name in names:
        if _fold(name) in folded:
            return folded[_fold(name)]
    return None


def _coordinate_columns(
    columns: list[str], path: Path, lon: str | None, lat: str | None
) -> tuple[str, str]:
    """Find the longitude and latitude columns; refuse a table without them."""
    lon_col = _find_column(columns, lon, _LON_NAMES)
    lat_col = _find_column(columns, lat, _LAT_NAMES)
    if lon_col is None or lat_col is None:
        which = []
        if lon_col is None:
            which.append(f"longitude ({lon!r})" if lon else "longitude")
        if lat_col is None:
            which.append(f"latitude ({lat!r})" if lat else "latitude")
        raise InputFileError(
            f"File '{path.name}': no {' and '.join(which)} column found among {columns}. "
            f"Name them lon/lat (or lng, long, x, kinh_do / y, vi_do) or pass "
            f"read_layer(path, lon='<column>', lat='<column>')."
        )
    return lon_col, lat_col


def _coordinates(
    df: pd.DataFrame, path: Path, lon_col: str, lat_col: str
) -> tuple[pd.Series, pd.Series]:
    """Parse both columns as decimal numbers; refuse values that are no number."""
    x = _parse_numbers(df[lon_col], decimal_only=True)
    y = _parse_numbers(df[lat_col], decimal_only=True)
    unparsed = (df[lon_col].notna() & x.isna()) | (df[lat_col].notna() & y.isna())
    unparsed &= df[lon_col].astype(str).str.strip().ne("") & df[lat_col].astype(str).str.strip().ne(
        ""
    )
    if unparsed.any():
        raise InputFileError(
            f"File '{path.name}', columns '{lon_col}'/'{lat_col}': coordinates that are not "
            f"numbers in rows {first_ids(df.index[unparsed])} (e.g. "
            f"{df.loc[unparsed, lon_col].iloc[0]!r}, {df.loc[unparsed, lat_col].iloc[0]!r}). "
            f"Write decimal degrees such as 105.97 and 20.25 (degrees-minutes-seconds are not "
            f"read)."
        )
    return x, y


def _degrees_or_refuse(
    x: pd.Series, y: pd.Series, missing: pd.Series, path: Path, lon_col: str, lat_col: str
) -> str:
    """Return the storage CRS for a table without CRS; refuse values in metres."""
    finite = ~missing
    if finite.any() and ((x[finite].abs() > 180).any() or (y[finite].abs() > 90).any()):
        raise CRSError(
            f"File '{path.name}': columns '{lon_col}'/'{lat_col}' hold values up to "
            f"{x[finite].abs().max():.0f}/{y[finite].abs().max():.0f}, which are metres, not "
            f"degrees, and the file has no CRS. Pass crs=, e.g. read_layer(path, "
            f"crs='EPSG:5897') for VN-2000 TM-3 105°, 'EPSG:9209' for 105°30' or "
            f"'EPSG:3405' for UTM 48N."
        )
    return _crs.STORAGE_CRS


def _points_from_table(
    df: pd.DataFrame, path: Path, *, lon: str | None, lat: str | None, crs: object
) -> gpd.GeoDataFrame:
    """Make a point layer of a table read by :mod:`~ninhbinh_geo.io.tables`.

    In ``crs``, else in degrees (EPSG:4326). The coordinate columns are dropped; their values
    are the geometry. Called by :func:`~ninhbinh_geo.io.read_layer` only (the warning points
    at its caller).
    """
    columns = [str(c) for c in df.columns]
    df.columns = columns
    lon_col, lat_col = _coordinate_columns(columns, path, lon, lat)
    x, y = _coordinates(df, path, lon_col, lat_col)
    missing = x.isna() | y.isna()
    geometry = gpd.GeoSeries(
        [None if m else shapely.Point(a, b) for a, b, m in zip(x, y, missing, strict=True)],
        index=df.index,
    )
    if crs is None:
        crs = _degrees_or_refuse(x, y, missing, path, lon_col, lat_col)
    out = gpd.GeoDataFrame(df.drop(columns=[lon_col, lat_col]), geometry=geometry, crs=crs)
    if missing.any():
        out.attrs["rows_without_coordinates"] = [str(i) for i in df.index[missing]]
        warnings.warn(
            f"File '{path.name}': rows {first_ids(df.index[missing])} have no coordinates; they "
            f"are kept with an empty geometry (validation refuses them until located).",
            UserWarning,
            stacklevel=3,  # here, read_layer, its caller
        )
    return out
