"""The A3 print layout of the QGIS project: map, legend, scale bar, north arrow, title, sources.

:func:`add_print_layout` appends a ``<Layouts>`` element holding one A3 landscape layout to the
project XML. The map follows a map theme (the scenario of the hazard zones, see
:mod:`.themes`), the legend lists the layers that map shows, the scale bar measures in
kilometres (the project CRS is a metric VN-2000 zone), the north arrow is QGIS's own, and the
bottom of the page names the data sources, the tool and its version. QGIS fills in everything
else (fonts, frames, symbols) with its defaults when it reads the layout.
"""

from __future__ import annotations

import datetime as _dt
import math
import textwrap
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .. import __version__
from ..labels import label
from .xml import _el, _number

#: A3 landscape, millimetres.
PAGE_MM = (420.0, 297.0)
_MARGIN_MM = 10.0
_MAP_BOX = (_MARGIN_MM, 26.0, 290.0, 261.0)  # x, y, width, height
_PANEL_X = _MARGIN_MM + _MAP_BOX[2] + 6.0
_PANEL_W = PAGE_MM[0] - _PANEL_X - _MARGIN_MM
#: Longest list of sources printed on the page; the others are counted.
MAX_SOURCES = 8
_FONT = "DejaVu Sans"
# QGIS item types (QgsLayoutItemRegistry: QGraphicsItem::UserType + 100 + n).
_PAGE, _MAP, _PICTURE, _LABEL, _LEGEND, _SCALEBAR = 65638, 65639, 65640, 65641, 65642, 65646
# Qt alignment flags of label items.
_ALIGN_LEFT, _ALIGN_TOP, _ALIGN_VCENTER = 1, 32, 128
_NORTH_ARROW_SVG = ":/images/north_arrows/layout_default_north_arrow.svg"


def _uuid(seed: str, name: str) -> str:
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"ninhbinh_geo/{seed}/{name}")) + "}"


def _mm(x: float, y: float) -> str:
    return f"{_number(round(x, 3))},{_number(round(y, 3))},mm"


def _item(
    parent: ET.Element,
    kind: int,
    box: tuple[float, float, float, float],
    uid: str,
    z: int,
    **attrs: object,
) -> ET.Element:
    x, y, w, h = box
    return _el(
        parent,
        "LayoutItem",
        type=kind,
        uuid=uid,
        templateUuid=uid,
        position=_mm(x, y),
        positionOnPage=_mm(x, y),
        size=_mm(w, h),
        zValue=z,
        referencePoint="0",
        itemRotation="0",
        visibility="1",
        opacity="1",
        positionLock="false",
        excludeFromExports="0",
        **attrs,
    )


def _font(size_pt: float, *, bold: bool = False) -> str:
    """Return a Qt font description: family, size, pixel size, style hint, weight, flags."""
    return f"{_FONT},{_number(size_pt)},-1,5,{75 if bold else 50},0,0,0,0,0"


def _label(
    parent: ET.Element,
    box: tuple[float, float, float, float],
    uid: str,
    text: str,
    *,
    size_pt: float,
    bold: bool = False,
    valign: int = _ALIGN_TOP,
) -> None:
    item = _item(
        parent,
        _LABEL,
        box,
        uid,
        5,
        labelText=text,
        htmlState="0",
        halign=_ALIGN_LEFT,
        valign=valign,
        marginX="0",
        marginY="0",
        frame="false",
        background="false",
    )
    _el(item, "LabelFont", description=_font(size_pt, bold=bold), style="")
    _el(item, "FontColor", red="30", green="30", blue="30", alpha="255")


#: Legend text styles: (QGIS style name, size in points, bold, top margin in mm).
_LEGEND_STYLES = (
    ("title", 13, True, 0.0),
    ("group", 10, True, 2.5),
    ("subgroup", 8.5, True, 2.5),
    ("symbol", 7.5, False, 1.0),
    ("symbolLabel", 7.5, False, 1.0),
)
#: Characters per line of a layer title in the legend (the panel is about 100 mm wide).
LEGEND_WRAP_CHARS = 48


def _legend_styles(legend: ET.Element) -> None:
    """Set smaller legend fonts than QGIS's defaults, so that the panel holds every layer."""
    styles = _el(legend, "styles")
    for name, size, bold, top in _LEGEND_STYLES:
        style = _el(
            styles,
            "style",
            name=name,
            alignment="1",
            marginTop=_number(top),
            marginLeft="2" if name == "symbolLabel" else "0",
        )
        _el(style, "styleFont", description=_font(size, bold=bold), style="")


def legend_title(text: str) -> str:
    r"""Return ``text`` wrapped onto lines for the layout legend (QGIS breaks at newlines).

    Examples
    --------
    >>> legend_title("Phơi nhiễm ngập lụt – Tỷ lệ diện tích bị ngập (MINH HỌA) – Lũ 100 năm")
    'Phơi nhiễm ngập lụt – Tỷ lệ diện tích bị ngập\n(MINH HỌA) – Lũ 100 năm'
    """
    return textwrap.fill(text, LEGEND_WRAP_CHARS, break_long_words=False)


def _nice_km(length_m: float) -> float:
    """Return a round length (1, 2 or 5 × 10^n km) close to ``length_m``."""
    km = max(length_m / 1000.0, 1e-3)
    power = 10 ** math.floor(math.log10(km))
    return min((f * power for f in (1, 2, 5, 10)), key=lambda v: abs(v - km))


def fit_extent(
    bounds: tuple[float, float, float, float], width_mm: float, height_mm: float
) -> tuple[float, float, float, float]:
    """Grow ``bounds`` (5 % margin) to the aspect ratio of a map frame of that size.

    Examples
    --------
    >>> fit_extent((0.0, 0.0, 100.0, 100.0), 200.0, 100.0)
    (-55.0, -2.5, 155.0, 102.5)
    """
    xmin, ymin, xmax, ymax = bounds
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    w, h = (xmax - xmin) * 1.05, (ymax - ymin) * 1.05
    ratio = width_mm / height_mm
    if w / h < ratio:
        w = h * ratio
    else:
        h = w / ratio
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def _sources_text(sources: Sequence[str], lang: str) -> str:
    shown = list(sources[:MAX_SOURCES])
    if len(sources) > MAX_SOURCES:
        shown.append(label("map.more_sources", lang).format(n=len(sources) - MAX_SOURCES))
    return f"{label('map.sources', lang)}: " + "; ".join(shown)


def _map_item(layout: ET.Element, uid: str, extent: tuple[float, ...], theme: str) -> None:
    item = _item(
        layout,
        _MAP,
        _MAP_BOX,
        uid,
        1,
        followPreset="true",
        followPresetName=theme,
        keepLayerSet="false",
        drawCanvasItems="true",
        mapRotation="0",
        frame="true",
        background="true",
        outlineWidthM="0.3,mm",
    )
    xmin, ymin, xmax, ymax = extent
    _el(
        item,
        "Extent",
        xmin=_number(xmin),
        ymin=_number(ymin),
        xmax=_number(xmax),
        ymax=_number(ymax),
    )
    _el(item, "LayerSet")


def _scale_bar(layout: ET.Element, uid: str, map_uid: str, extent: tuple[float, ...]) -> None:
    segment_km = _nice_km((extent[2] - extent[0]) / 8)
    x, y, _, h = _MAP_BOX
    _item(
        layout,
        _SCALEBAR,
        (x + 4, y + h - 16, 80, 12),
        uid,
        3,
        mapUuid=map_uid,
        style="Single Box",
        unitType="km",
        unitLabel="km",
        numMapUnitsPerScaleBarUnit="1",
        numUnitsPerSegment=_number(segment_km),
        segmentSizeMode="0",
        numSegments="2",
        numSegmentsLeft="0",
        numSubdivisions="1",
        height="3",
        labelBarSpace="3",
        boxContentSpace="1",
        alignment="0",
        frame="false",
        background="true",
    )


def add_print_layout(
    root: ET.Element,
    *,
    title: str,
    theme: str,
    bounds: tuple[float, float, float, float] | None,
    sources: Sequence[str],
    lang: str,
    seed: str,
) -> None:
    """Append ``<Layouts>`` with the A3 landscape print layout of the project.

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        The ``<qgis>`` element of the project.
    title : str
        Title printed at the top; the map theme's name is printed under it.
    theme : str
        Name of the map theme the map follows.
    bounds : tuple of float, optional
        Extent of the layers in the project CRS (xmin, ymin, xmax, ymax); the map shows it
        with a margin. Without it the map keeps QGIS's default extent.
    sources : sequence of str
        The data sources named at the bottom (the first :data:`MAX_SOURCES`).
    lang : {"vi", "en"}
        Language of the fixed texts.
    seed : str
        Makes the item ids stable for one project (the GeoPackage name).
    """
    layouts = _el(root, "Layouts")
    layout = _el(
        layouts,
        "Layout",
        name=label("layout.a3", lang),
        units="mm",
        printResolution="300",
        worldFileMap="",
    )
    pages = _el(layout, "PageCollection")
    _item(
        pages, _PAGE, (0.0, 0.0, *PAGE_MM), _uuid(seed, "page"), 0, background="true", frame="false"
    )
    _el(pages, "GuideCollection", visible="1")
    map_uid = _uuid(seed, "map")
    extent = fit_extent(bounds, _MAP_BOX[2], _MAP_BOX[3]) if bounds else (0.0, 0.0, 1.0, 1.0)
    _map_item(layout, map_uid, extent, theme)
    _legend_item(layout, _uuid(seed, "legend"), map_uid, lang)
    _scale_bar(layout, _uuid(seed, "scalebar"), map_uid, extent)
    _north_arrow(layout, _uuid(seed, "north"), map_uid)
    _texts(layout, seed, title=title, theme=theme, sources=sources, lang=lang)


def _legend_item(layout: ET.Element, uid: str, map_uid: str, lang: str) -> None:
    legend = _item(
        layout,
        _LEGEND,
        (_PANEL_X, _MAP_BOX[1], _PANEL_W, 150.0),
        uid,
        2,
        map_uuid=map_uid,
        title=label("layout.legend", lang),
        resizeToContents="1",
        legendFilterByMap="1",  # only the layers (and classes) the map shows
        columnCount="1",
        symbolWidth="6",
        symbolHeight="3.5",
        wrapChar="",
        frame="false",
        background="true",
    )
    _legend_styles(legend)


def _north_arrow(layout: ET.Element, uid: str, map_uid: str) -> None:
    """QGIS's own north arrow (an SVG picture turned with the map's grid north)."""
    x, y, w, _ = _MAP_BOX
    _item(
        layout,
        _PICTURE,
        (x + w - 18, y + 4, 14, 18),
        uid,
        4,
        file=_NORTH_ARROW_SVG,
        mode="0",
        mapUuid=map_uid,
        northMode="0",
        northOffset="0",
        resizeMode="0",
        anchorPoint="0",
        pictureRotation="0",
        frame="false",
        background="false",
        svgFillColor="30,30,30,255",
        svgBorderColor="30,30,30,255",
        svgBorderWidth="0.2",
    )


def _texts(
    layout: ET.Element, seed: str, *, title: str, theme: str, sources: Sequence[str], lang: str
) -> None:
    """Title and theme at the top; sources, tool, version and date under the legend."""
    width = PAGE_MM[0] - 2 * _MARGIN_MM
    _label(
        layout, (_MARGIN_MM, 6.0, width, 11.0), _uuid(seed, "title"), title, size_pt=20, bold=True
    )
    _label(layout, (_MARGIN_MM, 17.0, width, 7.0), _uuid(seed, "subtitle"), theme, size_pt=12)
    _label(
        layout,
        (_PANEL_X, 247.0, _PANEL_W, 30.0),
        _uuid(seed, "sources"),
        _sources_text(list(sources), lang),
        size_pt=7,
    )
    made = label("layout.made_with", lang).format(
        tool="ninhbinh_geo", version=__version__, date=_dt.date.today().isoformat()
    )
    _label(
        layout,
        (_PANEL_X, 278.0, _PANEL_W, 9.0),
        _uuid(seed, "version"),
        made,
        size_pt=7,
        valign=_ALIGN_VCENTER,
    )
