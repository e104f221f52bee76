"""Styled GeoPackage and QGIS project export, written without QGIS installed.

:func:`export_geopackage` writes every layer of a review into one GeoPackage in a VN-2000 TM-3
zone and stores, for each layer, a QGIS style (QML) in the GeoPackage ``layer_styles`` table
with the schema QGIS itself creates (``QgsOgrProviderMetadata::saveStyle``). QGIS applies a
style marked ``useAsDefault = 1`` when the layer is opened, so the layers open ready-made: the
same colours and class breaks as the web map and the static maps, because all three read the
same :class:`ninhbinh_geo.styles.Legend` objects. :func:`write_project` adds a QGIS project file
(``.qgs`` or ``.qgz``) that opens the layers in drawing order; :func:`legend_qml` returns the QML
of one legend.

The QML and project XML follow the format of QGIS 3.22 (the version Debian ships and the tests
open the files with); later QGIS versions read it too.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
import sqlite3
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
from matplotlib.colors import to_rgba

from . import _atomic
from . import crs as _crs
from ._errors import CRSError, InputFileError, OutputError, SchemaError, first_ids
from .labels import LANGS, label
from .styles import Legend

__all__ = ["QGIS_FORMAT_VERSION", "STYLE_NAME", "export_geopackage", "legend_qml", "write_project"]

#: Version written into the QML and project files: the oldest QGIS the files were checked with.
QGIS_FORMAT_VERSION = "3.22.16-Białowieża"
#: ``styleName`` of the default styles (the QGIS column is 30 characters wide).
STYLE_NAME = "ninhbinh_geo"

# Layers labelled with the site name, and the layer labelled with its distance in km.
_SITE_LAYERS = ("clusters", "parks")
_LINK_LAYERS = ("satellite_links",)
# Drawing order, top first: sites above links above everything else; boundaries at the bottom
# so that they never hide a site. Unknown layers keep their given order between the two.
_TOP_RANK = {"clusters": 0, "parks": 1, "satellite_links": 2, "zoning_findings": 3, "exposure": 4}
_BOTTOM_RANK = {
    "roads": 1,
    "coastline": 2,
    "hazard": 3,
    "districts": 4,
    "former_provinces": 5,
    "province": 6,
}

# Line widths and marker sizes in millimetres on the map, chosen so that boundaries read as
# background and links as thin connectors at 1:100 000–1:500 000.
_LINE_WIDTH_MM = {"line": 0.5, "boundary": 0.4}
_OUTLINE_WIDTH_MM = 0.26
_MARKER_SIZE_MM = 3.0
# Label typography (not a data colour, so it is not part of a legend): dark text on a white halo
# stays legible over every legend colour.
_LABEL_TEXT_RGBA = "30,30,30,255"
_LABEL_HALO_RGBA = "255,255,255,255"
_LABEL_SIZE_PT = 8.0

# Value NULL is mapped to in graduated styles (far below any area, distance, share or depth);
# an integer literal, exactly representable as a double and parsed by every QGIS expression engine.
_NODATA_SENTINEL = -999_999_999_999_999
# QgsWkbTypes::GeometryType of the <layerGeometryType> element.
_QGIS_GEOMETRY_CODE = {"point": 0, "line": 1, "polygon": 2, "none": 4}
_SYMBOL_TYPE = {"point": "marker", "line": "line", "polygon": "fill"}
_EMPTY_GEOMETRY_TYPE = {"point": "Point", "line": "MultiLineString", "polygon": "MultiPolygon"}
_LAYER_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
# XML 1.0 forbids these code points even as character references; ElementTree would write them.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

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
# XML helpers
# --------------------------------------------------------------------------------------------


def _clean(text: object) -> str:
    """Return ``text`` as a string that is legal in XML 1.0 (invalid code points become U+FFFD).

    ElementTree escapes ``<``, ``&``, quotes and newlines, but writes control characters as
    they are, which makes the whole file unreadable to QGIS.
    """
    return _XML_INVALID_RE.sub("\ufffd", str(text))


def _el(parent: ET.Element | None, tag: str, text: object = None, **attrs: object) -> ET.Element:
    clean = {k: _clean(v) for k, v in attrs.items()}
    node = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
    if text is not None:
        node.text = _clean(text)
    return node


def _rgba(color: str) -> str:
    r, g, b, a = to_rgba(color)
    return ",".join(str(round(v * 255)) for v in (r, g, b, a))


def _option_map(parent: ET.Element, props: Mapping[str, object]) -> ET.Element:
    opt = _el(parent, "Option", type="Map")
    for key, value in props.items():
        _el(opt, "Option", name=key, value=value, type="QString")
    return opt


def _empty_properties(parent: ET.Element, tag: str) -> None:
    ddp = _el(parent, tag)
    opt = _el(ddp, "Option", type="Map")
    _el(opt, "Option", name="name", value="", type="QString")
    _el(opt, "Option", name="properties")
    _el(opt, "Option", name="type", value="collection", type="QString")


def _symbol(
    parent: ET.Element, name: str, geometry_type: str, color: str, *, outline_only: bool
) -> ET.Element:
    """Append one QGIS symbol drawing ``color`` for ``geometry_type``.

    ``outline_only`` draws polygons as their outline in ``color`` (boundary legends are line
    legends, but boundaries are often stored as polygons; a filled province would hide the map).
    """
    rgba = _rgba(color)
    sym = _el(
        parent,
        "symbol",
        name=name,
        type=_SYMBOL_TYPE[geometry_type],
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    _empty_properties(sym, "data_defined_properties")
    if geometry_type == "polygon":
        cls = "SimpleFill"
        props = {
            "color": rgba,
            "style": "no" if outline_only else "solid",
            "outline_color": rgba,
            "outline_style": "solid",
            "outline_width": _LINE_WIDTH_MM["boundary"] if outline_only else _OUTLINE_WIDTH_MM,
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
            "offset": "0,0",
            "offset_unit": "MM",
        }
    elif geometry_type == "line":
        cls = "SimpleLine"
        props = {
            "line_color": rgba,
            "line_style": "solid",
            "line_width": _LINE_WIDTH_MM["line"],
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
    else:
        cls = "SimpleMarker"
        props = {
            "name": "circle",
            "color": rgba,
            "outline_color": rgba,
            "outline_style": "solid",
            "outline_width": "0",
            "size": _MARKER_SIZE_MM,
            "size_unit": "MM",
        }
    layer = _el(sym, "layer", **{"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _option_map(layer, props)
    _empty_properties(layer, "data_defined_properties")
    return sym


def _number(value: float) -> str:
    """Shortest decimal that reads back as exactly ``value`` (QGIS parses it with toDouble)."""
    return repr(float(value))


def _category_value(value: object) -> str:
    """Return the text QGIS compares a category with: ``QVariant::toString`` of the value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _quote_field(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _label_spec(legend: Legend, lang: str) -> tuple[str, bool] | None:
    """Return (field or expression, is_expression) of the labels of ``legend``'s layer."""
    if legend.layer in _SITE_LAYERS:
        return "name_vi", False
    if legend.layer in _LINK_LAYERS and legend.column:
        unit = label("map.scale_km", lang).replace("'", "''")
        return f"format_number({_quote_field(legend.column)}, 1) || ' {unit}'", True
    return None


def _labeling(root: ET.Element, spec: tuple[str, bool], geometry_type: str) -> None:
    field, is_expression = spec
    lab = _el(root, "labeling", type="simple")
    settings = _el(lab, "settings", calloutType="simple")
    style = _el(
        settings,
        "text-style",
        fieldName=field,
        isExpression=int(is_expression),
        fontSize=_LABEL_SIZE_PT,
        fontSizeUnit="Point",
        textColor=_LABEL_TEXT_RGBA,
        textOpacity="1",
        namedStyle="Regular",
        fontWeight="50",
        fontItalic="0",
        allowHtml="0",
        multilineHeight="1",
        capitalization="0",
    )
    _el(
        style,
        "text-buffer",
        bufferDraw="1",
        bufferSize="0.7",
        bufferSizeUnits="MM",
        bufferColor=_LABEL_HALO_RGBA,
        bufferOpacity="1",
        bufferNoFill="1",
        bufferJoinStyle="128",
    )
    _el(
        settings,
        "text-format",
        wrapChar="",
        multilineAlign="3",
        formatNumbers="0",
        autoWrapLength="0",
    )
    # QgsPalLayerSettings::Placement: AroundPoint = 0, OverPoint = 1, Line = 2.
    placement = {"point": 0, "polygon": 1, "line": 2}[geometry_type]
    _el(
        settings,
        "placement",
        placement=placement,
        placementFlags="10",
        dist="1",
        distUnits="MM",
        # Site names win over distance labels when they collide (QGIS priority 0–10).
        priority=3 if is_expression else 8,
        offsetType="0",
        quadOffset="4",
        centroidInside="1",
        fitInPolygonOnly="0",
        polygonPlacementFlags="2",
    )
    _el(
        settings,
        "rendering",
        drawLabels="1",
        obstacle="1",
        obstacleType="1",
        obstacleFactor="1",
        displayAll="0",
        upsidedownLabels="0",
        labelPerPart="0",
        mergeLines="0",
        maxNumLabels="2000",
        limitNumLabels="0",
        scaleVisibility="0",
        minFeatureSize="0",
        zIndex="0",
        unplacedVisibility="0",
    )


# --------------------------------------------------------------------------------------------
# QML
# --------------------------------------------------------------------------------------------


def _renderer(root: ET.Element, legend: Legend, lang: str, geometry_type: str) -> str:
    """Append the <renderer-v2> of ``legend``; return the QGIS renderer type."""
    outline_only = geometry_type == "polygon" and legend.geometry == "line"
    graduated_without_classes = legend.kind == "graduated" and not legend.breaks
    if legend.kind == "single" or graduated_without_classes:
        # A graduated legend with no valid value has one no-data class; QGIS would draw nothing
        # for NULL values with a graduated renderer, the other outputs draw them grey.
        rtype = "singleSymbol"
    elif legend.kind in ("categorized", "graduated"):
        rtype = f"{legend.kind}Symbol"
    else:
        raise SchemaError(
            f"Legend of layer '{legend.layer}' has kind {legend.kind!r}; a QGIS style can be "
            f"written for 'categorized', 'graduated' or 'single' legends."
        )
    attrs: dict[str, object] = {
        "type": rtype,
        "symbollevels": "0",
        "forceraster": "0",
        "enableorderby": "0",
        "referencescale": "-1",
    }
    if rtype == "categorizedSymbol":
        attrs["attr"] = legend.column
    elif rtype == "graduatedSymbol":
        # QGIS draws no symbol for NULL with a graduated renderer: a site with unknown area would
        # vanish from the map. Mapping NULL to a sentinel gives it the no-data class, as
        # Legend.color_for does in the web and static maps.
        attrs["attr"] = f"coalesce({_quote_field(str(legend.column))}, {_NODATA_SENTINEL})"
    if rtype == "graduatedSymbol":
        attrs["graduatedMethod"] = "GraduatedColor"
    rend = _el(root, "renderer-v2", **attrs)
    symbols = ET.Element("symbols")
    if rtype == "singleSymbol":
        _symbol(symbols, "0", geometry_type, legend.classes[0].color, outline_only=outline_only)
        rend.append(symbols)
    elif rtype == "categorizedSymbol":
        cats = _el(rend, "categories")
        for i, cls in enumerate(legend.classes):
            _el(
                cats,
                "category",
                value=_category_value(cls.value),
                label=cls.text(lang),
                symbol=i,
                render="true",
            )
            _symbol(symbols, str(i), geometry_type, cls.color, outline_only=outline_only)
        # The empty value is QGIS's "all other values" category; it also catches NULL, like
        # Legend.color_for gives the no-data colour to values outside the legend.
        n = len(legend.classes)
        _el(cats, "category", value="", label=label("nodata", lang), symbol=n, render="true")
        _symbol(symbols, str(n), geometry_type, legend.nodata_color, outline_only=outline_only)
        rend.append(symbols)
    else:
        ranges = _el(rend, "ranges")
        for i, cls in enumerate(legend.classes):
            _el(
                ranges,
                "range",
                lower=_number(cls.lower),
                upper=_number(cls.upper),
                label=cls.text(lang),
                symbol=i,
                render="true",
            )
            _symbol(symbols, str(i), geometry_type, cls.color, outline_only=outline_only)
        n = len(legend.classes)
        _el(
            ranges,
            "range",
            lower=_NODATA_SENTINEL,
            upper=_NODATA_SENTINEL,
            label=label("nodata", lang),
            symbol=n,
            render="true",
        )
        _symbol(symbols, str(n), geometry_type, legend.nodata_color, outline_only=outline_only)
        rend.append(symbols)
    if rtype != "singleSymbol":
        source = _el(rend, "source-symbol")
        _symbol(source, "0", geometry_type, legend.classes[0].color, outline_only=outline_only)
    if rtype == "graduatedSymbol":
        # "Custom": QGIS keeps our breaks instead of reclassifying with its own method.
        method = _el(rend, "classificationMethod", id="Custom")
        _el(method, "symmetricMode", enabled="0", symmetrypoint="0", astride="0")
        _el(method, "labelFormat", format="%1 - %2", labelprecision="2", trimtrailingzeroes="1")
        params = _el(method, "parameters")
        _el(params, "Option")
        _el(method, "extraInformation")
    _el(rend, "rotation")
    _el(rend, "sizescale")
    return rtype


def _qml_element(legend: Legend, *, lang: str, geometry_type: str, labels: bool) -> ET.Element:
    if lang not in LANGS:
        raise SchemaError(f"Unknown language {lang!r} for the QGIS styles; use one of {LANGS}.")
    if geometry_type not in _SYMBOL_TYPE:
        raise SchemaError(
            f"Layer '{legend.layer}': cannot style geometry type {geometry_type!r}; use one of "
            f"{tuple(_SYMBOL_TYPE)}."
        )
    if not legend.classes:
        raise SchemaError(
            f"Legend of layer '{legend.layer}' has no classes; rebuild it with ninhbinh_geo.styles."
        )
    spec = _label_spec(legend, lang) if labels else None
    root = _el(
        None,
        "qgis",
        version=QGIS_FORMAT_VERSION,
        styleCategories="Symbology|Labeling",
        labelsEnabled=int(spec is not None),
        hasScaleBasedVisibilityFlag="0",
        minScale="100000000",
        maxScale="0",
    )
    _renderer(root, legend, lang, geometry_type)
    if spec is not None:
        _labeling(root, spec, geometry_type)
    _el(root, "blendMode", "0")
    _el(root, "featureBlendMode", "0")
    _el(root, "layerOpacity", "1")
    _el(root, "layerGeometryType", _QGIS_GEOMETRY_CODE[geometry_type])
    return root


def legend_qml(
    legend: Legend,
    *,
    lang: str = "vi",
    geometry_type: str | None = None,
    labels: bool = True,
) -> str:
    """Return the QGIS style (QML) of one layer drawn with ``legend``.

    Categorized legends become a ``categorizedSymbol`` renderer (one category per class plus
    QGIS's "all other values" category in the legend's no-data colour, which also catches
    NULL), graduated legends a ``graduatedSymbol`` renderer with exactly the legend's class
    bounds (method "Custom", so QGIS does not reclassify), single legends a ``singleSymbol``
    renderer. A graduated legend without any valid value (one no-data class) becomes a single
    symbol in the no-data colour. Clusters and parks are labelled with ``name_vi``, satellite
    links with their distance in km.

    Parameters
    ----------
    legend : ninhbinh_geo.styles.Legend
        The legend shared with the web map and the static maps.
    lang : {"vi", "en"}, default "vi"
        Language of the class labels.
    geometry_type : {"polygon", "line", "point"}, optional
        Geometry of the layer the style is for; default ``legend.geometry``. A line legend on
        polygons (boundaries stored as polygons) draws the outlines only.
    labels : bool, default True
        Whether to switch on the labels of sites and links.

    Returns
    -------
    str
        The QML document (XML, with the QGIS doctype); all text from data is escaped.

    Raises
    ------
    SchemaError
        When the legend kind, the geometry type or ``lang`` is unknown.

    Examples
    --------
    >>> from ninhbinh_geo import styles
    >>> lg = styles.categorized_legend(
    ...     "clusters", "status", {"operating": ("#2b83ba", "operating")},
    ...     title_key="col.status", label_prefix="status")
    >>> qml = legend_qml(lg, lang="en")
    >>> 'type="categorizedSymbol"' in qml, 'label="Operating"' in qml
    (True, True)
    """
    geometry_type = geometry_type or legend.geometry
    root = _qml_element(legend, lang=lang, geometry_type=geometry_type, labels=labels)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )


# --------------------------------------------------------------------------------------------
# GeoPackage
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


def _validate_layers(
    layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]
) -> dict[str, str]:
    """Check names, types, CRS and legend columns; return the geometry kind of every layer."""
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
    kinds: dict[str, str] = {}
    for name, df in layers.items():
        if not isinstance(df, pd.DataFrame):
            raise SchemaError(f"Layer '{name}' is a {type(df).__name__}, not a (Geo)DataFrame.")
        dup_cols = df.columns[df.columns.duplicated()].tolist()
        if dup_cols:
            raise SchemaError(
                f"Layer '{name}' has duplicate columns {first_ids(dup_cols)}; "
                f"rename them before exporting."
            )
        kind = _geometry_kind(df) if _is_spatial(df) else "none"
        if kind == "none" and _is_spatial(df) and name in legends:
            # An empty layer still gets its style, for the geometry its legend is drawn for.
            kind = legends[name].geometry
        if kind == "mixed":
            types = sorted(set(df.geometry.dropna().geom_type))
            raise SchemaError(
                f"Layer '{name}', column '{df.geometry.name}': mixed geometry types {types}; "
                f"a GeoPackage layer holds one type. Split it into one layer per type."
            )
        if _is_spatial(df):
            _crs.check_coordinates(df, name)
        legend = legends.get(name)
        if legend is not None and kind != "none" and legend.column is not None:
            if legend.column not in df.columns:
                raise SchemaError(
                    f"Layer '{name}' has no column '{legend.column}' that its legend colours "
                    f"by; build the legends from these layers (styles.default_legends)."
                )
            if legend.kind == "graduated" and not (
                pd.api.types.is_numeric_dtype(df[legend.column]) or df[legend.column].isna().all()
            ):
                bad_rows = df.index[
                    pd.to_numeric(df[legend.column], errors="coerce").isna()
                    & df[legend.column].notna()
                ]
                raise SchemaError(
                    f"Layer '{name}', column '{legend.column}' is not numeric (rows "
                    f"{first_ids(bad_rows)}); QGIS cannot classify it. Convert it with "
                    f"pandas.to_numeric."
                )
        kinds[name] = kind
    return kinds


def _parse_crs(crs: object) -> pyproj.CRS:
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise CRSError(
            f"Export CRS {crs!r} is not a valid CRS ({exc}); use 'EPSG:5897' (VN-2000 TM-3 "
            f"105°00') or 'EPSG:9209' (105°30')."
        ) from exc


def _choose_crs(layers: Mapping[str, pd.DataFrame], crs: object | None) -> pyproj.CRS:
    if crs is not None:
        return _crs.assert_metric(_parse_crs(crs))
    sites = [layers[n] for n in _SITE_LAYERS if n in layers and _is_spatial(layers[n])]
    if not sites:
        sites = [df for df in layers.values() if _is_spatial(df) and not df.empty]
    if not sites:
        return pyproj.CRS.from_user_input(_crs.ZONE_CRS["105_00"])
    both = pd.concat([_crs.to_storage(s) for s in sites], ignore_index=True)
    return pyproj.CRS.from_user_input(_crs.pick_zone(gpd.GeoDataFrame(both, crs=_crs.STORAGE_CRS)))


def _write_layer(df: pd.DataFrame, path: Path, name: str, target: pyproj.CRS, kind: str) -> None:
    options: dict[str, object] = {}
    if _is_spatial(df):
        df = df.to_crs(target)
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


def _layer_title(legend: Legend, lang: str) -> str:
    """Name of the layer in QGIS: the layer label, then the legend title when it adds to it."""
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
    rows = []
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    for name, df in layers.items():
        legend = legends.get(name)
        if legend is None or kinds[name] == "none":
            continue
        labels = legend.layer not in _SITE_LAYERS or "name_vi" in df.columns
        qml = legend_qml(legend, lang=lang, geometry_type=kinds[name], labels=labels)
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": name,
                "f_geometry_column": None,
                "styleName": STYLE_NAME,
                "styleQML": qml,
                "styleSLD": "",
                "useAsDefault": 1,
                "description": _layer_title(legend, lang),
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


def _remove_quietly(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _temp_path(path: Path) -> Path:
    # Hidden sibling naming this process (see _atomic); ends in the final suffix so that GDAL
    # recognises the driver. Leftovers of killed exports are removed first.
    _atomic.remove_stale(path.parent)
    return _atomic.temp_path(path, path.suffix)


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
    if lang not in LANGS:
        raise SchemaError(f"Unknown language {lang!r} for the QGIS styles; use one of {LANGS}.")
    kinds = _validate_layers(layers, legends)
    target = _choose_crs(layers, crs)
    rows = _style_rows(layers, legends, kinds, lang)
    tmp = _temp_path(path)
    try:
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
    return path


# --------------------------------------------------------------------------------------------
# QGIS project
# --------------------------------------------------------------------------------------------


def _read_gpkg(gpkg: Path) -> tuple[dict[str, dict], dict[str, tuple[str, str]]]:
    """Return {table: contents row + geometry} and {table: (QML, description)} of a GeoPackage."""
    if not gpkg.is_file():
        raise InputFileError(f"GeoPackage '{gpkg}' not found; write it with export_geopackage.")
    try:
        con = sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputFileError(f"Cannot open GeoPackage '{gpkg}': {exc}.") from exc
    try:
        contents = {
            r[0]: {"data_type": r[1], "srs_id": r[2], "bounds": r[3:7]}
            for r in con.execute(
                "SELECT table_name, data_type, srs_id, min_x, min_y, max_x, max_y "
                "FROM gpkg_contents"
            )
        }
        for table, column, gtype in con.execute(
            "SELECT table_name, column_name, geometry_type_name FROM gpkg_geometry_columns"
        ):
            if table in contents:
                contents[table].update(geom_column=column, geom_type=gtype.upper())
        srs = {
            r[0]: (r[1], r[2], r[3])
            for r in con.execute(
                "SELECT srs_id, organization, organization_coordsys_id, definition "
                "FROM gpkg_spatial_ref_sys"
            )
        }
        for info in contents.values():
            info["srs"] = srs.get(info["srs_id"])
        styles: dict[str, tuple[str, str]] = {}
        has_styles = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'"
        ).fetchone()
        if has_styles:
            for table, qml, desc in con.execute(
                "SELECT f_table_name, styleQML, description FROM layer_styles "
                "WHERE useAsDefault = 1 ORDER BY update_time"
            ):
                styles[table] = (qml, desc or "")
    except sqlite3.Error as exc:
        raise InputFileError(f"'{gpkg}' is not a readable GeoPackage: {exc}.") from exc
    finally:
        con.close()
    return contents, styles


def _srs_of(info: tuple[str, int, str] | None) -> pyproj.CRS | None:
    if info is None:
        return None
    org, code, definition = info
    if org and org.upper() == "EPSG" and code and code > 0:
        return pyproj.CRS.from_epsg(code)
    if definition and definition.strip() not in ("", "undefined"):
        return pyproj.CRS.from_wkt(definition)
    return None


def _spatialrefsys(parent: ET.Element, crs: pyproj.CRS) -> None:
    srs = _el(parent, "spatialrefsys")
    _el(srs, "wkt", crs.to_wkt())
    with warnings.catch_warnings():
        # The PROJ string is informative only (QGIS reads the WKT first); its loss of
        # precision is expected.
        warnings.simplefilter("ignore", UserWarning)
        proj4 = crs.to_proj4() or ""
    _el(srs, "proj4", proj4)
    auth = crs.to_authority()
    _el(srs, "authid", f"{auth[0]}:{auth[1]}" if auth else "")
    _el(srs, "description", crs.name)
    _el(srs, "geographicflag", "true" if crs.is_geographic else "false")


def _layer_order(names: Iterable[str]) -> list[str]:
    names = list(names)

    def rank(item: tuple[int, str]) -> tuple[int, int, int]:
        pos, name = item
        if name in _TOP_RANK:
            return (0, _TOP_RANK[name], pos)
        if name in _BOTTOM_RANK:
            return (2, _BOTTOM_RANK[name], pos)
        return (1, 0, pos)

    return [n for _, n in sorted(enumerate(names), key=rank)]


def _wkb_name(geom_type: str | None) -> tuple[str, str]:
    """Return (QGIS geometry attribute, wkbType) of a GeoPackage geometry type name."""
    if not geom_type:
        return "No geometry", "NoGeometry"
    base = geom_type.replace("MULTI", "")
    geometry = {"POINT": "Point", "LINESTRING": "Line", "POLYGON": "Polygon"}.get(base, "Unknown")
    camel = {
        "POINT": "Point",
        "LINESTRING": "LineString",
        "POLYGON": "Polygon",
        "MULTIPOINT": "MultiPoint",
        "MULTILINESTRING": "MultiLineString",
        "MULTIPOLYGON": "MultiPolygon",
    }.get(geom_type, "Unknown")
    return geometry, camel


def write_project(
    gpkg_path: str | os.PathLike[str],
    layer_names: Iterable[str],
    project_path: str | os.PathLike[str],
    *,
    title: str | None = None,
    crs: object | None = None,
    lang: str = "vi",
) -> Path:
    """Write a QGIS project that opens layers of a GeoPackage with their default styles.

    The layers are read from the GeoPackage by a path relative to the project, so the two files
    can be moved together. The drawing order puts clusters and parks on top, satellite links
    below them, other layers in the given order, then roads, coastline, hazard and the
    boundaries at the bottom. Each layer gets the renderer and labels of its default style in
    the GeoPackage (the same QML QGIS applies when opening the layer alone) and, as its name,
    the legend title stored with the style.

    Parameters
    ----------
    gpkg_path : str or os.PathLike
        A GeoPackage written by :func:`export_geopackage`.
    layer_names : iterable of str
        Tables of the GeoPackage to open (attribute-only tables are added without geometry).
    project_path : str or os.PathLike
        The ``.qgs`` (XML) or ``.qgz`` (zip of the ``.qgs``) file to write; replaced if present.
    title : str, optional
        Project title; default the label ``title.overview`` in ``lang``.
    crs : str, optional
        Project CRS; default the CRS of the layers (the export zone).
    lang : {"vi", "en"}, default "vi"
        Language of the default title.

    Returns
    -------
    pathlib.Path
        The written project file.

    Raises
    ------
    InputFileError
        When the GeoPackage is missing or lacks one of ``layer_names``.
    CRSError
        When ``crs`` is not given and the layers are in different CRSs.
    OutputError
        When the project folder is missing or not writable or the suffix is not .qgs/.qgz.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> d = tempfile.mkdtemp()
    >>> prov = gpd.GeoDataFrame(geometry=[Point(105.9, 20.3).buffer(0.3)], crs=4326)
    >>> gpkg = export_geopackage({"province": prov}, styles.default_legends({"province": prov}),
    ...                          f"{d}/nb.gpkg")
    >>> write_project(gpkg, ["province"], f"{d}/nb.qgz").name
    'nb.qgz'
    """
    gpkg = Path(gpkg_path)
    project = Path(project_path)
    _check_output(project, (".qgs", ".qgz"), "QGIS project")
    names = list(layer_names)
    if isinstance(layer_names, str) or not names:
        raise SchemaError("layer_names must be a non-empty list of GeoPackage layer names.")
    contents, styles = _read_gpkg(gpkg)
    missing = [n for n in names if n not in contents or n == "layer_styles"]
    if missing:
        raise InputFileError(
            f"GeoPackage '{gpkg}' has no layers {first_ids(missing)}; it has "
            f"{first_ids(sorted(t for t in contents if t != 'layer_styles'), n=20)}."
        )
    if crs is not None:
        project_crs = _parse_crs(crs)
    else:
        found = {_srs_of(contents[n]["srs"]) for n in names if contents[n].get("geom_column")}
        found.discard(None)
        if len(found) > 1:
            raise CRSError(
                f"Layers {first_ids(names)} of '{gpkg}' are in different CRSs "
                f"({first_ids(sorted(c.to_string() for c in found))}); pass crs='EPSG:5897' or "
                f"'EPSG:9209' for the project."
            )
        project_crs = found.pop() if found else _crs.assert_metric(_crs.ZONE_CRS["105_00"])
    if title is None:
        title = label("title.overview", lang)

    try:
        rel = Path(os.path.relpath(gpkg.resolve(), project.resolve().parent)).as_posix()
        source_file = rel if rel.startswith("../") else f"./{rel}"
    except ValueError:  # another drive on Windows: no relative path exists
        source_file = gpkg.resolve().as_posix()
    order = _layer_order(names)
    digest = hashlib.sha1(gpkg.name.encode("utf-8")).hexdigest()[:8]
    ids = {n: f"{n}_{digest}" for n in order}

    root = _el(None, "qgis", projectname=title, version=QGIS_FORMAT_VERSION)
    _el(root, "homePath", path="")
    _el(root, "title", title)
    _spatialrefsys(_el(root, "projectCrs"), project_crs)
    tree = _el(root, "layer-tree-group")
    _el(tree, "customproperties")
    for n in order:
        source = f"{source_file}|layername={n}"
        display = styles.get(n, ("", ""))[1] or n
        node = _el(
            tree,
            "layer-tree-layer",
            id=ids[n],
            name=display,
            source=source,
            providerKey="ogr",
            checked="Qt::Checked",
            expanded="1",
        )
        _el(node, "customproperties")
    layers_el = _el(root, "projectlayers")
    for n in order:
        info = contents[n]
        geometry, wkb = _wkb_name(info.get("geom_type"))
        qml_root = None
        if n in styles:
            try:
                qml_root = ET.fromstring(styles[n][0])
            except ET.ParseError as exc:
                raise InputFileError(
                    f"The default style of layer '{n}' in '{gpkg}' is not valid XML ({exc}); "
                    f"export the GeoPackage again."
                ) from exc
        attrs = {"type": "vector", "geometry": geometry, "wkbType": wkb}
        if qml_root is not None:
            attrs.update({k: v for k, v in qml_root.attrib.items() if k != "version"})
        ml = _el(layers_el, "maplayer", **attrs)
        _el(ml, "id", ids[n])
        _el(ml, "datasource", f"{source_file}|layername={n}")
        _el(ml, "layername", styles.get(n, ("", ""))[1] or n)
        layer_crs = _srs_of(info["srs"]) if info.get("geom_column") else None
        if layer_crs is not None:
            _spatialrefsys(_el(ml, "srs"), layer_crs)
        _el(ml, "provider", "ogr", encoding="UTF-8")
        if qml_root is not None:
            for child in qml_root:
                ml.append(child)
    order_el = _el(root, "layerorder")
    for n in order:
        _el(order_el, "layer", id=ids[n])
    props = _el(root, "properties")
    paths = _el(props, "Paths")
    _el(paths, "Absolute", "false", type="bool")
    # QGIS reads <projectCrs> only when projections are enabled in the project properties.
    _el(_el(props, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")
    _add_view_extent(root, contents, names, project_crs)
    meta = _el(root, "projectMetadata")
    _el(meta, "title", title)
    _el(meta, "language", lang)

    ET.indent(root)
    text = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(
        root, encoding="unicode"
    )
    _atomic_write_project(project, text)
    return project


def _add_view_extent(
    root: ET.Element, contents: Mapping[str, dict], names: list[str], project_crs: pyproj.CRS
) -> None:
    """Add the initial map extent: the union of the layer extents, in the project CRS."""
    boxes = []
    for n in names:
        info = contents[n]
        layer_crs = _srs_of(info["srs"]) if info.get("geom_column") else None
        bounds = info["bounds"]
        if layer_crs is None or any(b is None for b in bounds):
            continue
        if layer_crs != project_crs:
            tr = pyproj.Transformer.from_crs(layer_crs, project_crs, always_xy=True)
            bounds = tr.transform_bounds(*bounds)
        boxes.append(bounds)
    if not boxes:
        return
    xmin = min(b[0] for b in boxes)
    ymin = min(b[1] for b in boxes)
    xmax = max(b[2] for b in boxes)
    ymax = max(b[3] for b in boxes)
    view = _el(root, "ProjectViewSettings", UseProjectScales="0", rotation="0")
    _el(view, "Scales")
    ext = _el(
        view,
        "DefaultViewExtent",
        xmin=_number(xmin),
        ymin=_number(ymin),
        xmax=_number(xmax),
        ymax=_number(ymax),
    )
    _spatialrefsys(ext, project_crs)
    canvas = _el(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    _el(canvas, "units", "meters")
    extent = _el(canvas, "extent")
    for key, value in (("xmin", xmin), ("ymin", ymin), ("xmax", xmax), ("ymax", ymax)):
        _el(extent, key, _number(value))
    _el(canvas, "rotation", "0")
    _spatialrefsys(_el(canvas, "destinationsrs"), project_crs)


def _atomic_write_project(project: Path, text: str) -> None:
    tmp = _temp_path(project)
    try:
        if project.suffix.lower() == ".qgz":
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(f"{project.stem}.qgs", text.encode("utf-8"))
        else:
            tmp.write_text(text, encoding="utf-8")
        _atomic.publish(tmp, project)
    except OSError as exc:
        raise OutputError(f"Could not write the QGIS project '{project}': {exc}.") from exc
    finally:
        _remove_quietly(tmp)
