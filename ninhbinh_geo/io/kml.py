"""KML as Google Earth and ArcGIS write it: every placemark of nested folders, one layer.

The file is parsed here (not through GDAL, which makes one layer per folder): each placemark
becomes a row with its ``Name``, ``Description``, the fields of its ``ExtendedData`` under their
own names (Vietnamese names kept as written) and the path of the folders holding it in a
``folder`` column (``"CCN / Huyện Gia Viễn"``). Points, lines, polygons (with holes) and
multi-geometries are read; KML coordinates are always longitude, latitude in WGS 84.

ArcGIS exports carry their attributes in a popup table inside ``Description``; its two-cell
rows become columns too. The placemark ``<name>`` of such files is sometimes damaged (the TCVN3
byte 0xAD of "ư" is lost) while the table keeps every attribute, so both are offered to the
harmoniser.
"""

from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import shapely.errors

from .._errors import InputFileError


class _TableRows(html.parser.HTMLParser):
    """Collect two-cell table rows (field, value) of the popup tables of ArcGIS KML exports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _description_fields(description: object) -> dict[str, str]:
    if not isinstance(description, str) or "<td" not in description.lower():
        return {}
    parser = _TableRows()
    parser.feed(description)
    return {r[0]: r[1] for r in parser.rows if len(r) == 2 and r[0]}


def _expand_kml_descriptions(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the fields of the description tables as columns (those the layer lacks)."""
    if "Description" not in gdf.columns:
        return gdf
    fields = gdf["Description"].map(_description_fields)
    if not fields.map(bool).any():
        return gdf
    table = pd.DataFrame(fields.tolist(), index=gdf.index)
    table = table[[c for c in table.columns if c not in gdf.columns]]
    return gdf.join(table)


def _local(tag: object) -> str:
    """Drop the namespace of an element's name (``{http://…/kml/2.2}Placemark`` -> Placemark)."""
    return str(tag).rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _coords(element: ET.Element | None) -> list[tuple[float, ...]]:
    text = _text(_child(element, "coordinates")) if element is not None else None
    if not text:
        return []
    return [tuple(float(v) for v in t.split(",")[:2]) for t in text.split()]


def _geometry(element: ET.Element) -> shapely.Geometry | None:
    """Build the geometry of a KML geometry element (None when it holds no coordinates)."""
    name = _local(element.tag)
    if name == "Point":
        pts = _coords(element)
        return shapely.Point(pts[0]) if pts else None
    if name == "LineString":
        pts = _coords(element)
        return shapely.LineString(pts) if len(pts) >= 2 else None
    if name == "Polygon":

        def ring(boundary: ET.Element) -> list[tuple[float, ...]]:
            return _coords(_child(boundary, "LinearRing"))

        outer = [ring(b) for b in element if _local(b.tag) == "outerBoundaryIs"]
        inner = [ring(b) for b in element if _local(b.tag) == "innerBoundaryIs"]
        return shapely.Polygon(outer[0], [r for r in inner if r]) if outer and outer[0] else None
    if name == "MultiGeometry":
        parts = [g for g in (_geometry(c) for c in element) if g is not None]
        if len(parts) <= 1:
            return parts[0] if parts else None
        kinds = {g.geom_type for g in parts}
        make = {"Polygon": shapely.MultiPolygon, "LineString": shapely.MultiLineString,
                "Point": shapely.MultiPoint}  # fmt: skip
        return make[kinds.pop()](parts) if len(kinds) == 1 else shapely.GeometryCollection(parts)
    return None


def _extended_data(placemark: ET.Element) -> dict[str, str | None]:
    """Read the fields of a placemark's ExtendedData (Data/value and SchemaData/SimpleData)."""
    out: dict[str, str | None] = {}
    extended = _child(placemark, "ExtendedData")
    if extended is None:
        return out
    for item in extended.iter():
        kind = _local(item.tag)
        if kind == "Data" and item.get("name"):
            out[item.get("name", "")] = _text(_child(item, "value"))
        elif kind == "SimpleData" and item.get("name"):
            out[item.get("name", "")] = _text(item)
    return out


def _placemark(placemark: ET.Element, folders: list[str], path: Path) -> dict[str, object]:
    name = _text(_child(placemark, "name"))
    try:
        geometry = next((g for c in placemark if (g := _geometry(c)) is not None), None)
    except (ValueError, IndexError, shapely.errors.GEOSException):
        raise InputFileError(
            f"File '{path.name}', placemark {name!r}"
            + (f" in folder '{' / '.join(folders)}'" if folders else "")
            + ": its coordinates are broken (not numbers, or a polygon of fewer than three "
            "points). Redraw it in Google Earth or QGIS and export the file again."
        ) from None
    row: dict[str, object] = {
        "Name": name,
        "Description": _text(_child(placemark, "description")),
    }
    row.update(_extended_data(placemark))
    row["folder"] = " / ".join(folders) or None
    row["geometry"] = geometry
    return row


def _walk(
    element: ET.Element, folders: list[str], rows: list[dict[str, object]], path: Path
) -> None:
    for child in element:
        kind = _local(child.tag)
        if kind == "Placemark":
            rows.append(_placemark(child, folders, path))
        elif kind == "Folder":
            name = _text(_child(child, "name")) or "(unnamed folder)"
            _walk(child, [*folders, name], rows, path)
        elif kind in ("Document", "kml"):
            _walk(child, folders, rows, path)


_PREFIX_USED = re.compile(rb"[\s<]/?([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*")
_PREFIX_DECLARED = re.compile(rb"xmlns:([A-Za-z_][\w.-]*)\s*=")
_ROOT = re.compile(rb"<kml\b")


def _declare_prefixes(data: bytes) -> bytes:
    """Declare the namespace prefixes a file uses without declaring them.

    ArcGIS writes ``xsi:schemaLocation`` without declaring ``xsi``; XML parsers refuse that,
    Google Earth and GDAL do not.
    """
    head = data[:20_000]
    used = set(_PREFIX_USED.findall(head)) - set(_PREFIX_DECLARED.findall(head))
    used -= {b"xmlns", b"xml", b"http", b"https"}
    if not used or not _ROOT.search(data):
        return data
    declarations = b"".join(b" xmlns:" + p + b'="urn:undeclared:' + p + b'"' for p in sorted(used))
    return _ROOT.sub(b"<kml" + declarations, data, count=1)


def _read_kml(path: Path) -> gpd.GeoDataFrame:
    """Read every placemark of a KML file into one layer (EPSG:4326)."""
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(
            f"File '{path.name}' is empty (0 bytes): the copy or the export did not finish. "
            f"Export it again from Google Earth or QGIS."
        )
    try:
        root = ET.fromstring(_declare_prefixes(data))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise InputFileError(
            f"File '{path.name}' is not a well-formed KML file (the XML breaks at line {line}). "
            f"Open it in Google Earth and save it again (File > Save Place As > .kml)."
        ) from None
    rows: list[dict[str, object]] = []
    _walk(root, [], rows, path)
    if not rows:
        raise InputFileError(
            f"File '{path.name}' holds no placemarks. Check that the right folder was "
            f"exported (in Google Earth: right-click the folder > Save Place As)."
        )
    frame = pd.DataFrame(rows, dtype=object)
    if frame["folder"].isna().all():
        frame = frame.drop(columns="folder")
    gdf = gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")
    return _expand_kml_descriptions(gdf)
