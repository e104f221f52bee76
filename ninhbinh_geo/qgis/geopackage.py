"""The styled GeoPackage: checking and writing the layers, and the ``layer_styles`` table.

:func:`export_geopackage` checks every layer once (names, geometry types, CRS and coordinates,
legend columns), reprojects them to one VN-2000 TM-3 zone and writes them, with the QML of
their legends (:mod:`.qml`) as default styles in the ``layer_styles`` table, into a temporary
GeoPackage that replaces the target only when complete.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj

from .. import _atomic
from .. import crs as _crs
from .._errors import CRSError, OutputError, SchemaError, first_ids
from ..labels import label
from ..styles import Legend
from .named_styles import STYLE_NAME, named_styles
from .qml import _SITE_LAYERS, _check_lang, _check_legend, _qml_text
from .sld import _sld_text
from .xml import _clean

__all__ = ["STYLE_NAME", "export_geopackage"]

_EMPTY_GEOMETRY_TYPE = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon"}
_LAYER_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

# The layer_styles table exactly as QGIS creates it through OGR in a GeoPackage (same column
# names, widths and types), so QGIS finds, lists and updates our rows like its own.
_LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS "layer_styles" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "f_table_catalog" TEXT(256),
    "f_table_schema" TEXT(256),
    "f_table_name" TEXT(256),
    "f_geometry_column" TEXT(256),
    "styleName" TEXT(30),
    "styleQML" TEXT,
    "styleSLD" TEXT,
    "useAsDefault" BOOLEAN,
    "description" TEXT,
    "owner" TEXT(30),
    "ui" TEXT(30),
    "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""
_LAYER_STYLES_COLUMNS = (
    "f_table_catalog",
    "f_table_schema",
    "f_table_name",
    "f_geometry_column",
    "styleName",
    "styleQML",
    "styleSLD",
    "useAsDefault",
    "description",
    "owner",
    "ui",
    "update_time",
)


# --------------------------------------------------------------------------------------------
# Checking the layers (the door)
# --------------------------------------------------------------------------------------------


def _geometry_kind(df: pd.DataFrame) -> str:
    if not isinstance(df, gpd.GeoDataFrame) or df.geometry.name not in df.columns:
        return "none"
    types = set(df.geometry.dropna().geom_type)
    if not types:
        return "none"
    kinds = {
        "Point": "point",
        "MultiPoint": "point",
        "LineString": "line",
        "MultiLineString": "line",
        "LinearRing": "line",
        "Polygon": "polygon",
        "MultiPolygon": "polygon",
    }
    found = {kinds.get(t, "mixed") for t in types}
    if len(found) != 1 or "mixed" in found:
        return "mixed"
    return found.pop()


def _is_spatial(df: pd.DataFrame) -> bool:
    try:
        return isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns
    except AttributeError:  # a GeoDataFrame whose active geometry column was dropped
        return False


def _check_names(layers: Mapping[str, pd.DataFrame]) -> None:
    if not layers:
        raise SchemaError("No layers to export: pass a dict {layer name: GeoDataFrame}.")
    bad = [
        n
        for n in layers
        if not isinstance(n, str)
        or not _LAYER_NAME_RE.match(n)
        or n.lower().startswith(("gpkg_", "rtree_"))
        or n.lower() == "layer_styles"
    ]
    if bad:
        raise SchemaError(
            f"Layer names {first_ids(bad)} cannot be GeoPackage tables: use ASCII letters, "
            f"digits and '_' (starting with a letter, at most 63 characters), not 'gpkg_*', "
            f"'rtree_*' or 'layer_styles'."
        )
    lowered = pd.Series([n.lower() for n in layers])
    dup = lowered[lowered.duplicated()].tolist()
    if dup:
        raise SchemaError(
            f"Layer names {first_ids(dup)} differ only in case; GeoPackage table "
            f"names are case-insensitive. Rename one of them."
        )


def _check_legend_column(name: str, df: pd.DataFrame, legend: Legend) -> None:
    if legend.column not in df.columns:
        raise SchemaError(
            f"Layer '{name}' has no column '{legend.column}' that its legend colours "
            f"by; build the legends from these layers (styles.default_legends)."
        )
    if legend.kind == "graduated" and not (
        pd.api.types.is_numeric_dtype(df[legend.column]) or df[legend.column].isna().all()
    ):
        bad_rows = df.index[
            pd.to_numeric(df[legend.column], errors="coerce").isna() & df[legend.column].notna()
        ]
        raise SchemaError(
            f"Layer '{name}', column '{legend.column}' is not numeric (rows "
            f"{first_ids(bad_rows)}); QGIS cannot classify it. Convert it with "
            f"pandas.to_numeric."
        )


def _check_layer(name: str, df: pd.DataFrame, legend: Legend | None) -> str:
    """Check one layer (columns, geometry, CRS, legend); return its geometry kind."""
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"Layer '{name}' is a {type(df).__name__}, not a (Geo)DataFrame.")
    dup_cols = df.columns[df.columns.duplicated()].tolist()
    if dup_cols:
        raise SchemaError(
            f"Layer '{name}' has duplicate columns {first_ids(dup_cols)}; "
            f"rename them before exporting."
        )
    spatial = _is_spatial(df)
    kind = _geometry_kind(df) if spatial else "none"
    if kind == "none" and spatial and legend is not None:
        # An empty layer still gets its style, for the geometry its legend is drawn for.
        kind = legend.geometry
    if kind == "mixed":
        types = sorted(set(df.geometry.dropna().geom_type))
        raise SchemaError(
            f"Layer '{name}', column '{df.geometry.name}': mixed geometry types {types}; "
            f"a GeoPackage layer holds one type. Split it into one layer per type."
        )
    if spatial:
        _crs.check_coordinates(df, name)
    if legend is not None and kind != "none":
        if legend.column is not None:
            _check_legend_column(name, df, legend)
        _check_legend(legend, kind)
    return kind


def _validate_layers(
    layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]
) -> dict[str, str]:
    """Check names, types, CRS and legends; return the geometry kind of every layer."""
    _check_names(layers)
    return {name: _check_layer(name, df, legends.get(name)) for name, df in layers.items()}


def _parse_crs(crs: object) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(
            f"Export CRS {crs!r} is not a valid CRS ({exc}); use 'EPSG:5897' (VN-2000 TM-3 "
            f"105°00') or 'EPSG:9209' (105°30')."
        ) from exc


def _choose_crs(layers: Mapping[str, pd.DataFrame], crs: object | None) -> pyproj.CRS:
    """Return the export CRS: ``crs`` if given (checked), else the zone of most sites."""
    if crs is not None:
        return _crs.assert_metric(_parse_crs(crs))
    sites = [layers[n] for n in _SITE_LAYERS if n in layers and _is_spatial(layers[n])]
    if not sites:
        sites = [df for df in layers.values() if _is_spatial(df) and not df.empty]
    if not sites:
        return pyproj.CRS.from_user_input(_crs.ZONE_CRS["105_00"])
    both = pd.concat([_crs.project_checked(s, _crs.STORAGE_CRS) for s in sites], ignore_index=True)
    return pyproj.CRS.from_user_input(_crs.pick_zone(gpd.GeoDataFrame(both, crs=_crs.STORAGE_CRS)))


def _check_output(path: Path, suffixes: tuple[str, ...], what: str) -> None:
    if path.suffix.lower() not in suffixes:
        raise OutputError(f"The {what} '{path}' must end in {' or '.join(suffixes)}.")
    if not path.parent.is_dir():
        raise OutputError(
            f"Cannot write the {what} '{path}': folder '{path.parent}' does not "
            f"exist. Create it first."
        )
    if not os.access(path.parent, os.W_OK):
        raise OutputError(
            f"Cannot write the {what} '{path}': folder '{path.parent}' is not writable."
        )


# --------------------------------------------------------------------------------------------
# The layer_styles table
# --------------------------------------------------------------------------------------------


def _layer_title(legend: Legend, lang: str) -> str:
    """Name of the layer in QGIS: the layer label, then the legend title when it adds to it.

    A legend drawing one scenario of its table (``where``) names that scenario in its title;
    the layer holds every scenario (the project splits it per scenario), so the name does not.
    """
    if legend.where:
        legend = dataclasses.replace(legend, note=None)
    title = legend.title(lang)
    try:
        layer_label = label(f"layer.{legend.layer}", lang)
    except KeyError:
        return _clean(title)
    if title.startswith(layer_label):
        return _clean(title)
    return _clean(f"{layer_label} – {title}")


def _style_rows(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    kinds: Mapping[str, str],
    lang: str,
) -> list[dict[str, object]]:
    """Return the ``layer_styles`` rows: per styled spatial layer its default, then alternates.

    Every row carries the style as QML (``styleQML``) and as SLD 1.1 (``styleSLD``); only the
    default has ``useAsDefault = 1``. ``f_geometry_column`` is filled in by the writer (the
    GeoPackage and PostGIS name it differently).
    """
    rows = []
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    spatial = {n: df for n, df in layers.items() if kinds[n] != "none"}
    for name, found in named_styles(spatial, legends, lang=lang).items():
        df, kind = layers[name], kinds[name]
        labels = found[0].legend.layer not in _SITE_LAYERS or "name_vi" in df.columns
        for style in found:
            _check_legend(style.legend, kind)
            rows.append(
                {
                    "f_table_catalog": "",
                    "f_table_schema": "",
                    "f_table_name": name,
                    "f_geometry_column": None,
                    "styleName": style.name,
                    "styleQML": _qml_text(
                        style.legend, lang=lang, geometry_type=kind, labels=labels
                    ),
                    "styleSLD": _sld_text(
                        style.legend,
                        lang=lang,
                        geometry_type=kind,
                        layer_name=name,
                        style_name=style.name,
                        labels=labels,
                    ),
                    "useAsDefault": int(style.default),
                    "description": _layer_title(style.legend, lang),
                    "owner": "",
                    "ui": None,
                    "update_time": stamp,
                }
            )
    return rows


def _write_styles(path: Path, rows: list[dict[str, object]]) -> None:
    """Create the QGIS ``layer_styles`` table in the GeoPackage and insert the default styles."""
    con = sqlite3.connect(path)
    try:
        with con:
            geom_cols = dict(
                con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
            )
            con.execute(_LAYER_STYLES_DDL)
            # Registered as an attribute table, as GDAL does for the table QGIS creates, so that
            # OGR (and therefore QGIS) sees it.
            con.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                "description, last_change) VALUES ('layer_styles', 'attributes', "
                "'layer_styles', '', strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
            )
            cols = ", ".join(f'"{c}"' for c in _LAYER_STYLES_COLUMNS)
            marks = ", ".join("?" for _ in _LAYER_STYLES_COLUMNS)
            for row in rows:
                row = {**row, "f_geometry_column": geom_cols.get(row["f_table_name"], "")}
                con.execute(
                    f"INSERT INTO layer_styles ({cols}) VALUES ({marks})",
                    [row[c] for c in _LAYER_STYLES_COLUMNS],
                )
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# Writing the file
# --------------------------------------------------------------------------------------------


# GDAL's configuration option of SQLite's PRAGMA synchronous for GeoPackage and SQLite files.
_SYNCHRONOUS = "OGR_SQLITE_SYNCHRONOUS"


def _write_layer(df: pd.DataFrame, path: Path, name: str, target: pyproj.CRS, kind: str) -> None:
    """Write one checked layer, reprojected to ``target``, as a table of the GeoPackage."""
    options: dict[str, object] = {}
    if _is_spatial(df):
        df = _crs.project_checked(df, target)
        if df.geometry.isna().all() and kind in _EMPTY_GEOMETRY_TYPE:
            # Without any geometry GDAL cannot infer the type and QGIS would not apply a style.
            options["geometry_type"] = _EMPTY_GEOMETRY_TYPE[kind]
    elif isinstance(df, gpd.GeoDataFrame):
        df = pd.DataFrame(df)
    try:
        # GeoPackage 1.2: GDAL >= 3.9 writes 1.4 by default, which the GDAL of QGIS 3.22/3.28
        # (Debian 12, many Windows installs) reports as "only partially supported".
        pyogrio.write_dataframe(
            df, path, layer=name, driver="GPKG", dataset_options={"VERSION": "1.2"}, **options
        )
    except (
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
        pyogrio.errors.DataSourceError,
        pyogrio.errors.CRSError,
        TypeError,
        ValueError,
    ) as exc:
        raise OutputError(
            f"Layer '{name}' could not be written to the GeoPackage: {exc}. Check that every "
            f"column holds one simple type (text, number, boolean or date)."
        ) from exc


def _remove_quietly(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _temp_path(path: Path) -> Path:
    # Hidden sibling naming this process (see _atomic); ends in the final suffix so that GDAL
    # recognises the driver. Leftovers of killed exports are removed first.
    _atomic.remove_stale(path.parent)
    return _atomic.temp_path(path, path.suffix)


@contextlib.contextmanager
def _unsynchronised() -> Iterator[None]:
    """Let SQLite skip its flushes to disk while the layers go into the temporary file.

    Each layer written is a transaction that SQLite flushes to the disk (``fsync``) before it
    goes on; for a temporary file published only when complete that buys nothing (a killed
    process loses nothing the kernel has; a power cut may lose any recent file either way), and
    it halves the time of writing the review's 15 layers (0.64 s to 0.29 s on this machine).
    GDAL's option is process-wide: the previous value is restored after.
    """
    previous = pyogrio.get_gdal_config_option(_SYNCHRONOUS)
    pyogrio.set_gdal_config_options({_SYNCHRONOUS: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({_SYNCHRONOUS: previous})


def _write_geopackage(
    path: Path,
    layers: Mapping[str, pd.DataFrame],
    kinds: Mapping[str, str],
    target: pyproj.CRS,
    rows: list[dict[str, object]],
) -> None:
    """Write the checked layers and their style rows to a temporary file, then publish it."""
    tmp = _temp_path(path)
    try:
        with _unsynchronised():
            for name, df in layers.items():
                _write_layer(df, tmp, name, target, kinds[name])
        _write_styles(tmp, rows)
        _atomic.publish(tmp, path)
    except OutputError:
        raise
    except sqlite3.Error as exc:
        raise OutputError(f"Could not write the QGIS styles into '{path}': {exc}.") from exc
    except OSError as exc:
        raise OutputError(
            f"Could not write the GeoPackage '{path}': {exc}. The previous file, if any, is "
            f"unchanged."
        ) from exc
    finally:
        _remove_quietly(tmp)


def export_geopackage(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    path: str | os.PathLike[str],
    *,
    crs: object | None = None,
    lang: str = "vi",
) -> Path:
    """Write all layers into one GeoPackage with their QGIS styles as default styles.

    Every layer becomes a GeoPackage table named by its key, reprojected to one VN-2000 TM-3
    zone. Every spatial layer with a legend gets a default style (``useAsDefault = 1``) in the
    ``layer_styles`` table QGIS reads, so QGIS draws it with the legend's colours and classes as
    soon as it is opened. DataFrames without geometry are written as attribute-only tables
    (without style). The file is built under a temporary name in the same folder and moved into
    place at the end: a failed export leaves an existing file untouched.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame or DataFrame
        Layers by name (``clusters``, ``parks``, ``satellite_links``, ``province``, ...); names
        are ASCII identifiers. Geometry layers need a CRS; each must hold one geometry type.
    legends : dict of str to ninhbinh_geo.styles.Legend
        Legends by layer name, e.g. from :func:`ninhbinh_geo.styles.default_legends`. Spatial
        layers without a legend are written without a style (QGIS then picks its own);
        legends of layers not in ``layers`` are ignored.
    path : str or os.PathLike
        The ``.gpkg`` file; an existing file is replaced.
    crs : str, optional
        Export CRS, e.g. ``"EPSG:5897"`` (VN-2000 TM-3 105°00') or ``"EPSG:9209"`` (105°30');
        must be metric. Default: the zone of the majority of the sites in ``clusters`` and
        ``parks`` (:func:`ninhbinh_geo.crs.pick_zone`).
    lang : {"vi", "en"}, default "vi"
        Language of the legend titles and class labels in the styles.

    Returns
    -------
    pathlib.Path
        The written GeoPackage. Its geometry layers are in the chosen zone; the row index of
        the inputs is not written (identity lives in columns such as ``site_id``).

    Raises
    ------
    SchemaError
        On bad layer names, mixed geometry types, or a legend column missing or not numeric.
    CRSError
        When a layer has no CRS or implausible coordinates, or ``crs`` is not metric.
    OutputError
        When the folder is missing or not writable or a layer cannot be written.

    Examples
    --------
    >>> import tempfile, pyogrio
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> prov = gpd.GeoDataFrame(geometry=[Point(105.9, 20.3).buffer(0.3)], crs=4326)
    >>> lg = styles.default_legends({"province": prov})
    >>> out = export_geopackage({"province": prov}, lg, f"{tempfile.mkdtemp()}/nb.gpkg",
    ...                         crs="EPSG:5897")
    >>> pyogrio.read_info(out, layer="province")["crs"]
    'EPSG:5897'
    """
    path = Path(path)
    _check_output(path, (".gpkg",), "GeoPackage")
    _check_lang(lang)
    kinds = _validate_layers(layers, legends)
    target = _choose_crs(layers, crs)
    rows = _style_rows(layers, legends, kinds, lang)
    _write_geopackage(path, layers, kinds, target, rows)
    return path
