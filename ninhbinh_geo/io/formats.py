"""Reading a planner's file, whatever its format: :func:`read_layer` and its checks.

The format is chosen by the file's extension (:data:`SUPPORTED_FORMATS`). Tables go through
:mod:`~ninhbinh_geo.io.tables` (cells as written), :mod:`~ninhbinh_geo.io.encodings` (legacy
text), :mod:`~ninhbinh_geo.io.layout` (headings, totals, sheets) and
:mod:`~ninhbinh_geo.io.points`; vector files through :mod:`~ninhbinh_geo.io.vector` or
:mod:`~ninhbinh_geo.io.kml`, then :mod:`~ninhbinh_geo.io.encodings`. What was found and done is
listed in ``attrs["read_report"]``, which :func:`~ninhbinh_geo.io.harmonise` carries on.
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pyproj

from .._errors import CRSError, InputFileError
from . import postgis as _postgis
from .codepages import ENCODING_NAMES
from .columns import _row_labels
from .encodings import _decode_frame, _decode_grid, _encoding_key
from .kml import _read_kml
from .layout import _choose_sheet, _frame_from_grid
from .points import _points_from_table
from .tables import TABLE_SUFFIXES, _read_csv, _read_sheets
from .vector import (
    _check_valid,
    _geographic_plausible,
    _read_vector,
    _swap_if_asked,
    _with_file_crs,
)

#: File extensions read by :func:`read_layer`, with the format they stand for.
SUPPORTED_FORMATS = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".csv": "CSV with coordinate columns",
    ".xlsx": "Excel XLSX with coordinate columns",
}


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    sheet: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    lonlat: str | None = None,
    crs: object = None,
    encoding: str | None = None,
    repair: bool = False,
) -> gpd.GeoDataFrame:
    r"""Read a vector file or a table with coordinates into a GeoDataFrame.

    Formats (:data:`SUPPORTED_FORMATS`): GeoPackage, GeoJSON, Shapefile (pyogrio); KML (every
    placemark of nested folders; ``folder`` and ExtendedData fields as columns); CSV and XLSX
    with coordinate columns (lon/lat, x/y, kinh độ/vĩ độ…, or one "Tọa độ" column holding
    "lat, lon"). Text in TCVN3, VNI, Windows-1258 or UTF-8 is found and decoded per column. A
    workbook's headings are found below its title rows (with a units row), merged cells
    filled, total and sub-heading rows dropped with a note, and the sheet of sites chosen.
    Values of tables are kept as written (``"12,5"``) for :func:`harmonise`.

    Parameters
    ----------
    path : str or path-like
        The file.
    layer : str, optional
        Layer of a GeoPackage (required when it has several); for a workbook, the sheet.
    sheet : str, optional
        Sheet of an XLSX workbook (default: the one holding a table of named sites).
    lon, lat : str, optional
        Names of the longitude and latitude columns of a table, when not found by name.
    lonlat : str, optional
        ``"LON,LAT"`` (two column names, longitude first), one column name holding both, or
        ``"auto"``: in every row (feature), the value near 106 is the longitude.
    crs : optional
        CRS of coordinates in metres (a table, a Shapefile without .prj), e.g.
        ``"EPSG:9209"``. Anything :func:`pyproj.CRS.from_user_input` accepts.
    encoding : {"utf-8", "tcvn3", "vni", "cp1258"}, optional
        The text encoding, when the file cannot tell (the message says so).
    repair : bool, default False
        Close polygon rings that are not closed (reported) instead of refusing them.

    Returns
    -------
    geopandas.GeoDataFrame
        All data rows, in the CRS of the file (or ``crs``; tables in degrees: EPSG:4326).
        ``attrs``: ``source_path``, ``format``, ``layer``, ``sheet``, ``encoding``,
        ``read_report`` (what was found and done), ``row_labels`` (``"row 7 (CCN …)"``).

    Raises
    ------
    InputFileError
        File not found, empty or damaged; unsupported format; layer or sheet not found or not
        chosen; no coordinate columns; missing .dbf/.shx; rings not closed, invalid polygons.
    EncodingError, CRSError, LocationError
        Text encoding that cannot be told; metres without CRS, swapped longitude and latitude,
        a ``crs`` that contradicts the file; coordinates that cannot be read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sites.csv"
    >>> _ = path.write_text("Tên CCN,kinh_do,vi_do\nCCN Gia Vân,105.88,20.33\n", encoding="utf-8")
    >>> gdf = read_layer(path)
    >>> gdf.crs.to_epsg(), gdf.geometry.iloc[0].x, gdf["Tên CCN"].iloc[0]
    (4326, 105.88, 'CCN Gia Vân')
    >>> gdf.attrs["row_labels"]
    ['row 2 (CCN Gia Vân)']
    """
    if _postgis.is_postgis_url(path):  # a table of a PostGIS database (io/postgis.py)
        return _postgis.read_postgis_layer(path, layer=layer, crs=crs)
    path = _existing(Path(path))
    suffix = _supported_suffix(path)
    fmt = SUPPORTED_FORMATS[suffix]
    user_crs = _user_crs(crs)
    forced = _encoding_key(encoding)
    report: list[str] = []
    if suffix in TABLE_SUFFIXES:
        gdf, found, chosen = _table_layer(
            path, suffix, sheet or layer, lon=lon, lat=lat, lonlat=lonlat, crs=user_crs,
            forced=forced, report=report,
        )  # fmt: skip
    else:
        gdf, found = _vector_layer(
            path, fmt, layer, lonlat=lonlat, crs=user_crs, forced=forced, repair=repair,
            report=report,
        )  # fmt: skip
        chosen = None
    gdf.attrs.update(
        {
            "source_path": str(path),
            "format": fmt,
            "layer": layer if chosen is None else chosen,
            "sheet": chosen,
            "encoding": ENCODING_NAMES.get(found, found),
            "read_report": report,
            "text_decoded": True,
        }
    )
    return gdf


def _table_layer(
    path: Path,
    suffix: str,
    sheet: str | None,
    *,
    lon: str | None,
    lat: str | None,
    lonlat: str | None,
    crs: pyproj.CRS | None,
    forced: str | None,
    report: list[str],
) -> tuple[gpd.GeoDataFrame, str, str | None]:
    """Read a CSV or a sheet into points; return them, the encoding found and the sheet."""
    where = f"File '{path.name}'"
    if suffix == ".csv":
        grids, chosen = {"": _read_csv(path)}, None
    else:
        grids = _read_sheets(path, sheet)
        chosen = _choose_sheet(grids, where)
        where = f"File '{path.name}', sheet '{chosen}'"
    grid = grids[chosen or ""]
    grid.rows, lines, found = _decode_grid(
        grid.rows, source=grid.source, forced=forced, where=where, row_numbers=grid.row_numbers
    )
    table, numbers, layout = _frame_from_grid(grid, where)
    report.append(f"encoding: {_encoding_note(found, suffix, grid.source)}")
    report.extend([*grid.report, *lines, *layout])
    if table.empty:
        raise InputFileError(
            f"{where} has no rows below its headings. Check the sheet (--sheet) or the file."
        )
    labels = _row_labels(table, numbers)
    gdf = _points_from_table(
        table, path, lon=lon, lat=lat, lonlat=lonlat, crs=crs, labels=labels, report=report
    )
    gdf.attrs["row_labels"] = labels
    return gdf, found, chosen


def _vector_layer(
    path: Path,
    fmt: str,
    layer: str | None,
    *,
    lonlat: str | None,
    crs: pyproj.CRS | None,
    forced: str | None,
    repair: bool,
    report: list[str],
) -> tuple[gpd.GeoDataFrame, str]:
    """Read a vector layer, decode its text and settle its CRS; return it and the encoding."""
    if fmt == "KML":
        gdf, source, notes = _read_kml(path), "unicode", []
    else:
        gdf, source, notes = _read_vector(path, layer, fmt, repair=repair)
    where = f"File '{path.name}'" + (f", layer '{layer}'" if layer else "")
    gdf, lines, found = _decode_frame(
        gdf, source=source, forced=forced, where=where, ids=_row_labels(gdf, None)
    )
    report.append(f"encoding: {_encoding_note(found, fmt, source)}")
    report.extend([*notes, *lines])
    gdf = _swap_if_asked(gdf, lonlat, report)
    gdf = _with_file_crs(gdf, path, crs, report)
    located = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    _geographic_plausible(located, layer or path.stem)
    gdf.attrs["row_labels"] = _row_labels(gdf, None)
    return _check_valid(gdf, path, repair=repair, report=report), found


def _encoding_note(found: str, fmt: str, source: str) -> str:
    if found in ("unicode", "ascii", "utf-8"):
        return "Unicode" + (" (UTF-8)" if source == "bytes" else "")
    where = "8-bit text" if source == "bytes" else "Unicode cells showing legacy bytes"
    return f"{ENCODING_NAMES.get(found, found)} ({where}), decoded to Unicode"


def _existing(path: Path) -> Path:
    """``path``, or :class:`InputFileError` naming files of its type next to it."""
    if not path.exists():
        nearby = (
            sorted(p.name for p in path.parent.glob(f"*{path.suffix}"))[:5]
            if (path.parent.is_dir())
            else []
        )
        hint = f" Files of that type in {path.parent}: {nearby}." if nearby else ""
        raise InputFileError(f"File not found: '{path}'. Check the path and the name.{hint}")
    if path.is_dir():
        raise InputFileError(f"'{path}' is a folder, not a file. Pass the file inside it.")
    return path


def _supported_suffix(path: Path) -> str:
    """Return the lower-case extension of ``path``; refuse an unsupported format."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_FORMATS:
        formats = ", ".join(f"{v} ({k})" for k, v in SUPPORTED_FORMATS.items())
        hint = " Save it from Excel as .xlsx." if suffix == ".xls" else ""
        raise InputFileError(
            f"File '{path.name}': format '{suffix or path.name}' is not supported. Supported: "
            f"{formats}.{hint} Convert it, e.g. with ogr2ogr or QGIS 'Export > Save Features "
            f"As'."
        )
    return suffix


def _user_crs(crs: object) -> pyproj.CRS | None:
    """Return the ``crs=`` argument as a :class:`pyproj.CRS` (None stays None)."""
    if crs is None:
        return None
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        raise CRSError(
            f"--crs {crs!r} is not a CRS: write it as EPSG:<code>, e.g. --crs EPSG:9209 "
            f"(VN-2000 TM-3 105°30'), EPSG:5897 (105°00'), EPSG:3405 (UTM 48N)."
        ) from None
