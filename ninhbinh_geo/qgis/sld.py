"""OGC SLD 1.1 (Symbology Encoding 1.1) of the shared legends, for GeoServer and QGIS.

:func:`legend_sld` writes one :class:`ninhbinh_geo.styles.Legend` as a Styled Layer Descriptor
1.1.0 document whose symbology is in the Symbology Encoding 1.1 namespace (``se:``), with
``ogc:Filter`` (Filter Encoding 1.1) rules: one rule per class with exactly the legend's
colour and bounds, then an ``se:ElseFilter`` rule in the no-data colour (NULL and any value
outside the legend), as the QML and :meth:`Legend.color_for` do. GeoServer reads SLD 1.1 with
``se:`` symbolizers (its "SLD 1.1 / SE 1.1" style format); QGIS imports it with
``QgsVectorLayer.loadSldStyle`` (as rules). The GeoPackage and the PostGIS ``layer_styles``
rows carry this text in ``styleSLD`` beside the QML.

Sizes: QML sizes are millimetres on the map; SE sizes are pixels of the standard rendering
pixel of 0.28 mm (SE 1.1 §10.2), so a size in pixels is ``mm / 0.28``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .._errors import SchemaError
from ..labels import label
from ..styles import Legend
from .qml import (
    _LABEL_SIZE_PT,
    _LINE_WIDTH_MM,
    _MARKER_SIZE_MM,
    _OUTLINE_WIDTH_MM,
    _SITE_LAYERS,
    _SYMBOL_TYPE,
    _category_value,
    _check_lang,
    _check_legend,
    _renderer_type,
)
from .xml import _clean, _number

SLD_NS = "http://www.opengis.net/sld"
SE_NS = "http://www.opengis.net/se"
OGC_NS = "http://www.opengis.net/ogc"
XLINK_NS = "http://www.w3.org/1999/xlink"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Where the SLD 1.1.0 schema is published (named in ``xsi:schemaLocation``).
SLD_SCHEMA_LOCATION = (
    "http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd"
)
#: Millimetres per pixel of the SE standard rendering pixel.
SE_PIXEL_MM = 0.28

_LABEL_TEXT_HEX = "#1e1e1e"
_LABEL_HALO_HEX = "#ffffff"
_LABEL_HALO_MM = 0.7

for _prefix, _uri in (
    ("sld", SLD_NS),
    ("se", SE_NS),
    ("ogc", OGC_NS),
    ("xlink", XLINK_NS),
    ("xsi", XSI_NS),
):
    ET.register_namespace(_prefix, _uri)


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _se(parent: ET.Element, tag: str, text: object = None, **attrs: object) -> ET.Element:
    node = ET.SubElement(parent, _q(SE_NS, tag), {k: _clean(v) for k, v in attrs.items()})
    if text is not None:
        node.text = _clean(text)
    return node


def _ogc(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    node = ET.SubElement(parent, _q(OGC_NS, tag))
    if text is not None:
        node.text = _clean(text)
    return node


def _px(mm: float) -> str:
    return _number(round(mm / SE_PIXEL_MM, 4))


def _svg(parent: ET.Element, name: str, value: object) -> None:
    _se(parent, "SvgParameter", value, name=name)


# --------------------------------------------------------------------------------------------
# Symbolizers
# --------------------------------------------------------------------------------------------


def _stroke(parent: ET.Element, color: str, width_mm: float) -> None:
    stroke = _se(parent, "Stroke")
    _svg(stroke, "stroke", color)
    _svg(stroke, "stroke-width", _px(width_mm))
    _svg(stroke, "stroke-linejoin", "bevel")


def _symbolizer(rule: ET.Element, geometry_type: str, color: str, *, outline_only: bool) -> None:
    """Append the symbolizer drawing ``color`` on ``geometry_type`` (as the QML symbol does)."""
    if geometry_type == "polygon":
        sym = _se(rule, "PolygonSymbolizer")
        if not outline_only:
            _svg(_se(sym, "Fill"), "fill", color)
        _stroke(sym, color, _LINE_WIDTH_MM["boundary"] if outline_only else _OUTLINE_WIDTH_MM)
    elif geometry_type == "line":
        sym = _se(rule, "LineSymbolizer")
        stroke = _se(sym, "Stroke")
        _svg(stroke, "stroke", color)
        _svg(stroke, "stroke-width", _px(_LINE_WIDTH_MM["line"]))
        _svg(stroke, "stroke-linejoin", "round")
        _svg(stroke, "stroke-linecap", "round")
    else:
        sym = _se(rule, "PointSymbolizer")
        graphic = _se(sym, "Graphic")
        mark = _se(graphic, "Mark")
        _se(mark, "WellKnownName", "circle")
        _svg(_se(mark, "Fill"), "fill", color)
        _se(graphic, "Size", _px(_MARKER_SIZE_MM))


def _text_symbolizer(rule: ET.Element, field: str) -> None:
    """Site names in dark text on a white halo, as the QML labels."""
    sym = _se(rule, "TextSymbolizer")
    _ogc(_se(sym, "Label"), "PropertyName", field)
    font = _se(sym, "Font")
    # SE font sizes are pixels; a point is 1/72 inch = 0.3528 mm.
    _svg(font, "font-size", _px(_LABEL_SIZE_PT * 25.4 / 72))
    halo = _se(sym, "Halo")
    _se(halo, "Radius", _px(_LABEL_HALO_MM))
    _svg(_se(halo, "Fill"), "fill", _LABEL_HALO_HEX)
    _svg(_se(sym, "Fill"), "fill", _LABEL_TEXT_HEX)


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def _comparison(parent: ET.Element, op: str, column: str, value: object) -> None:
    cmp_ = _ogc(parent, op)
    _ogc(cmp_, "PropertyName", column)
    _ogc(cmp_, "Literal", value)


def _rule(fts: ET.Element, title: str) -> ET.Element:
    rule = _se(fts, "Rule")
    _se(rule, "Name", title)
    _se(_se(rule, "Description"), "Title", title)
    return rule


def _class_rules(fts: ET.Element, legend: Legend, lang: str, geometry_type: str) -> None:
    outline_only = geometry_type == "polygon" and legend.geometry == "line"
    rtype = _renderer_type(legend)
    if rtype == "singleSymbol":
        rule = _rule(fts, legend.classes[0].text(lang))
        _symbolizer(rule, geometry_type, legend.classes[0].color, outline_only=outline_only)
        return
    column = str(legend.column)
    for i, cls in enumerate(legend.classes):
        rule = _rule(fts, cls.text(lang))
        filt = ET.SubElement(rule, _q(OGC_NS, "Filter"))
        if rtype == "categorizedSymbol":
            _comparison(filt, "PropertyIsEqualTo", column, _category_value(cls.value))
        else:
            both = _ogc(filt, "And")
            # the first class holds its lower bound, the others start just above it
            lower_op = "PropertyIsGreaterThanOrEqualTo" if i == 0 else "PropertyIsGreaterThan"
            _comparison(both, lower_op, column, _number(cls.lower))
            _comparison(both, "PropertyIsLessThanOrEqualTo", column, _number(cls.upper))
        _symbolizer(rule, geometry_type, cls.color, outline_only=outline_only)
    rule = _rule(fts, label("nodata", lang))
    _se(rule, "ElseFilter")
    _symbolizer(rule, geometry_type, legend.nodata_color, outline_only=outline_only)


def _sld_text(
    legend: Legend,
    *,
    lang: str,
    geometry_type: str,
    layer_name: str,
    style_name: str,
    labels: bool,
) -> str:
    """Return the SLD of a legend checked with :func:`_check_legend` (and a checked ``lang``)."""
    root = ET.Element(
        _q(SLD_NS, "StyledLayerDescriptor"),
        {"version": "1.1.0", _q(XSI_NS, "schemaLocation"): SLD_SCHEMA_LOCATION},
    )
    named = ET.SubElement(root, _q(SLD_NS, "NamedLayer"))
    _se(named, "Name", layer_name)
    user = ET.SubElement(named, _q(SLD_NS, "UserStyle"))
    _se(user, "Name", style_name)
    _se(_se(user, "Description"), "Title", legend.title(lang))
    fts = _se(user, "FeatureTypeStyle")
    _class_rules(fts, legend, lang, geometry_type)
    if labels and legend.layer in _SITE_LAYERS:
        rule = _rule(fts, "name_vi")
        _text_symbolizer(rule, "name_vi")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def legend_sld(
    legend: Legend,
    *,
    lang: str = "vi",
    geometry_type: str | None = None,
    layer_name: str | None = None,
    style_name: str | None = None,
    labels: bool = True,
) -> str:
    """Return the SLD 1.1.0 / SE 1.1 style of one layer drawn with ``legend``.

    One ``se:Rule`` per legend class (``ogc:PropertyIsEqualTo`` for a category; for a
    graduated class ``lower < value <= upper``, the first class including its lower bound),
    then an ``se:ElseFilter`` rule in the legend's no-data colour, so that NULL and unknown
    values are drawn grey as on every other output. Sites get a ``se:TextSymbolizer`` with
    ``name_vi``. GeoServer reads this document as an "SLD 1.1" style; QGIS imports it.

    Parameters
    ----------
    legend : ninhbinh_geo.styles.Legend
        The legend shared with the QML, the web map and the static maps.
    lang : {"vi", "en"}, default "vi"
        Language of the rule titles.
    geometry_type : {"polygon", "line", "point"}, optional
        Geometry of the layer; default ``legend.geometry``. A line legend on polygons draws
        the outlines only.
    layer_name, style_name : str, optional
        ``se:Name`` of the named layer (default ``legend.layer``) and of the user style
        (default the layer name).
    labels : bool, default True
        Whether to add the site-name labels.

    Returns
    -------
    str
        The SLD document (XML 1.0, UTF-8 declaration); all text from data is escaped.

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
    >>> sld = legend_sld(lg, lang="en")
    >>> 'version="1.1.0"' in sld, '<se:SvgParameter name="fill">#2b83ba<' in sld
    (True, True)
    """
    geometry_type = geometry_type or legend.geometry
    _check_lang(lang)
    _check_legend(legend, geometry_type)
    if geometry_type not in _SYMBOL_TYPE:  # pragma: no cover - _check_legend refuses it
        raise SchemaError(f"Cannot style geometry type {geometry_type!r}.")
    name = layer_name or legend.layer
    return _sld_text(
        legend,
        lang=lang,
        geometry_type=geometry_type,
        layer_name=name,
        style_name=style_name or name,
        labels=labels,
    )
