"""Reading a planner's file, whatever its format: :func:`read_layer` and its checks.

The format is chosen by the file's extension (:data:`SUPPORTED_FORMATS`): tables go through
:mod:`~ninhbinh_geo.io.tables` and :mod:`~ninhbinh_geo.io.points`, vector files through
:mod:`~ninhbinh_geo.io.vector` (and :mod:`~ninhbinh_geo.io.kml` for the attributes of KML
placemarks).
"""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pyproj

from .._errors import CRSError, InputFileError
from . import postgis as _postgis
from .kml import _expand_kml_descriptions
from .points import _points_from_table
from .tables import TABLE_SUFFIXES, _read_table
from .vector import _read_vector, _with_file_crs

#: File extensions read by :func:`read_layer`, with the format they stand for.
SUPPORTED_FORMATS = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".csv": "CSV with lon/lat columns",
    ".xlsx": "Excel XLSX with lon/lat columns",
}


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    crs: object = None,
) -> gpd.GeoDataFrame:
    r"""Read a vector file or a table with coordinates into a GeoDataFrame.

    Formats (:data:`SUPPORTED_FORMATS`): GeoPackage, GeoJSON, Shapefile and KML through pyogrio;
    CSV and XLSX with longitude/latitude columns (found by name: lon, lng, long, longitude, x,
    kinh_do / lat, latitude, y, vi_do, accents and case ignored). Values of CSV and XLSX
    files are kept as they are written (text such as ``"12,5"``) for :func:`harmonise`. CSV
    files that are not UTF-8 are read as Latin-1, which keeps legacy TCVN3 bytes intact for
    :func:`harmonise`. ArcGIS KML exports carry their attributes in a popup table inside
    ``description``; its fields become columns.

    Parameters
    ----------
    path : str or path-like
        The file.
    layer : str, optional
        Layer of a GeoPackage (required when it has several) or other multi-layer file, or
        sheet of an XLSX workbook (default: the first sheet).
    lon, lat : str, optional
        Names of the coordinate columns of a CSV/XLSX file, when not found automatically.
    crs : optional
        CRS of the coordinates when the file has none (CSV/XLSX default: EPSG:4326 when
        the values are degrees). Anything :func:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    geopandas.GeoDataFrame
        All rows of the layer, in the CRS of the file (or ``crs``); rows of a table without
        coordinates have an empty geometry and are listed in
        ``attrs["rows_without_coordinates"]``. ``attrs["source_path"]``, ``attrs["format"]``.

    Raises
    ------
    InputFileError
        File not found, unsupported format, layer or sheet not found, empty layer, no
        coordinate columns, unreadable file.
    CRSError
        No CRS in the file and none given, or ``crs`` contradicts the CRS of the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sites.csv"
    >>> _ = path.write_text("Tên CCN,kinh_do,vi_do\nCCN Gia Vân,105.88,20.33\n", encoding="utf-8")
    >>> gdf = read_layer(path)
    >>> gdf.crs.to_epsg(), gdf.geometry.iloc[0].x, gdf["Tên CCN"].iloc[0]
    (4326, 105.88, 'CCN Gia Vân')
    """
    if _postgis.is_postgis_url(path):  # a table of a PostGIS database (io/postgis.py)
        return _postgis.read_postgis_layer(path, layer=layer, crs=crs)
    path = _existing(Path(path))
    suffix = _supported_suffix(path)
    fmt = SUPPORTED_FORMATS[suffix]
    crs = _user_crs(crs)
    encoding = None
    if suffix in TABLE_SUFFIXES:
        table, encoding = _read_table(path, suffix, layer)
        gdf = _points_from_table(table, path, lon=lon, lat=lat, crs=crs)
    else:
        gdf = _read_vector(path, layer, fmt)
        if suffix == ".kml":
            gdf = _expand_kml_descriptions(gdf)
        gdf = _with_file_crs(gdf, path, crs)
    gdf.attrs.update(
        {"source_path": str(path), "format": fmt, "layer": layer, "encoding": encoding}
    )
    return gdf


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
    return path


def _supported_suffix(path: Path) -> str:
    """Return the lower-case extension of ``path``; refuse an unsupported format."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_FORMATS:
        formats = ", ".join(f"{v} ({k})" for k, v in SUPPORTED_FORMATS.items())
        raise InputFileError(
            f"File '{path.name}': format '{suffix or path.name}' is not supported. Supported: "
            f"{formats}. Convert it, e.g. with ogr2ogr or QGIS 'Export > Save Features As'."
        )
    return suffix


def _user_crs(crs: object) -> pyproj.CRS | None:
    """Return the ``crs=`` argument as a :class:`pyproj.CRS` (None stays None)."""
    if crs is None:
        return None
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(f"crs={crs!r} is not a CRS pyproj understands: {exc}") from exc
