"""QGIS styles (QML) of the shared legends: symbols, renderers and labels.

:func:`legend_qml` turns one :class:`ninhbinh_geo.styles.Legend` into the QML QGIS applies to a
layer: a categorized, graduated or single-symbol renderer with exactly the legend's colours and
class bounds, and the labels of sites (their name) and satellite links (their distance in km).
The GeoPackage export stores this text as each layer's default style.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
from matplotlib.colors import to_rgba

from .._errors import SchemaError
from ..labels import LANGS, label
from ..styles import Legend
from .xml import QGIS_FORMAT_VERSION, _document, _el, _empty_properties, _number, _option_map

# Layers labelled with the site name, and the layer labelled with its distance in km.
_SITE_LAYERS = ("clusters", "parks")
_LINK_LAYERS = ("satellite_links",)

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


# --------------------------------------------------------------------------------------------
# Symbols
# --------------------------------------------------------------------------------------------


def _rgba(color: str) -> str:
    r, g, b, a = to_rgba(color)
    return ",".join(str(round(v * 255)) for v in (r, g, b, a))


def _symbol_layer(geometry_type: str, rgba: str, *, outline_only: bool) -> tuple[str, dict]:
    """Return the QGIS symbol layer class and its properties for ``geometry_type``."""
    if geometry_type == "polygon":
        return "SimpleFill", {
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
    if geometry_type == "line":
        return "SimpleLine", {
            "line_color": rgba,
            "line_style": "solid",
            "line_width": _LINE_WIDTH_MM["line"],
            "line_width_unit": "MM",
            "capstyle": "round",
            "joinstyle": "round",
        }
    return "SimpleMarker", {
        "name": "circle",
        "color": rgba,
        "outline_color": rgba,
        "outline_style": "solid",
        "outline_width": "0",
        "size": _MARKER_SIZE_MM,
        "size_unit": "MM",
    }


def _symbol(
    parent: ET.Element, name: str, geometry_type: str, color: str, *, outline_only: bool
) -> ET.Element:
    """Append one QGIS symbol drawing ``color`` for ``geometry_type``.

    ``outline_only`` draws polygons as their outline in ``color`` (boundary legends are line
    legends, but boundaries are often stored as polygons; a filled province would hide the map).
    """
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
    cls, props = _symbol_layer(geometry_type, _rgba(color), outline_only=outline_only)
    layer = _el(sym, "layer", **{"class": cls, "enabled": "1", "locked": "0", "pass": "0"})
    _option_map(layer, props)
    _empty_properties(layer, "data_defined_properties")
    return sym


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------


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
    _label_placement(settings, geometry_type, is_expression=is_expression)


def _label_placement(settings: ET.Element, geometry_type: str, *, is_expression: bool) -> None:
    """Append where labels go and how they are drawn (after the text style of ``settings``)."""
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
# Renderers
# --------------------------------------------------------------------------------------------


def _renderer_type(legend: Legend) -> str:
    """Return the QGIS renderer type that draws ``legend``."""
    if legend.kind == "single" or (legend.kind == "graduated" and not legend.breaks):
        # A graduated legend with no valid value has one no-data class; QGIS would draw nothing
        # for NULL values with a graduated renderer, the other outputs draw them grey.
        return "singleSymbol"
    if legend.kind in ("categorized", "graduated"):
        return f"{legend.kind}Symbol"
    raise SchemaError(
        f"Legend of layer '{legend.layer}' has kind {legend.kind!r}; a QGIS style can be "
        f"written for 'categorized', 'graduated' or 'single' legends."
    )


def _category_value(value: object) -> str:
    """Return the text QGIS compares a category with: ``QVariant::toString`` of the value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _renderer_attrs(legend: Legend, rtype: str) -> dict[str, object]:
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
        attrs["graduatedMethod"] = "GraduatedColor"
    return attrs


def _categories(
    rend: ET.Element, symbols: ET.Element, legend: Legend, lang: str, geometry_type: str
) -> None:
    outline_only = geometry_type == "polygon" and legend.geometry == "line"
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


def _ranges(
    rend: ET.Element, symbols: ET.Element, legend: Legend, lang: str, geometry_type: str
) -> None:
    outline_only = geometry_type == "polygon" and legend.geometry == "line"
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


def _renderer(root: ET.Element, legend: Legend, lang: str, geometry_type: str) -> str:
    """Append the <renderer-v2> of ``legend``; return the QGIS renderer type."""
    outline_only = geometry_type == "polygon" and legend.geometry == "line"
    rtype = _renderer_type(legend)
    rend = _el(root, "renderer-v2", **_renderer_attrs(legend, rtype))
    symbols = ET.Element("symbols")
    if rtype == "singleSymbol":
        _symbol(symbols, "0", geometry_type, legend.classes[0].color, outline_only=outline_only)
    elif rtype == "categorizedSymbol":
        _categories(rend, symbols, legend, lang, geometry_type)
    else:
        _ranges(rend, symbols, legend, lang, geometry_type)
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


# --------------------------------------------------------------------------------------------
# The style document
# --------------------------------------------------------------------------------------------


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise SchemaError(f"Unknown language {lang!r} for the QGIS styles; use one of {LANGS}.")


def _check_legend(legend: Legend, geometry_type: str) -> None:
    """Raise :class:`SchemaError` unless a style can be written for ``legend`` on this geometry."""
    if geometry_type not in _SYMBOL_TYPE:
        raise SchemaError(
            f"Layer '{legend.layer}': cannot style geometry type {geometry_type!r}; use one of "
            f"{tuple(_SYMBOL_TYPE)}."
        )
    if not legend.classes:
        raise SchemaError(
            f"Legend of layer '{legend.layer}' has no classes; rebuild it with ninhbinh_geo.styles."
        )
    _renderer_type(legend)


def _qml_text(legend: Legend, *, lang: str, geometry_type: str, labels: bool) -> str:
    """Return the QML of a legend checked with :func:`_check_legend` (and a checked ``lang``)."""
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
    return _document(root)


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
    _check_lang(lang)
    _check_legend(legend, geometry_type)
    return _qml_text(legend, lang=lang, geometry_type=geometry_type, labels=labels)
