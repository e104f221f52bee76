"""The QGIS project (``.qgs`` / ``.qgz``) that opens the layers of a styled GeoPackage.

:func:`write_project` reads what the GeoPackage holds (tables, geometry types, spatial
reference systems, default styles), then writes the project XML: spatial references, the layer
tree in drawing order, one map layer per table carrying its default style, the initial view
extent, and the file itself, atomically.
"""

from __future__ import annotations

import copy
import hashlib
import os
import sqlite3
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyproj

from .. import _atomic
from .. import crs as _crs
from .._errors import CRSError, InputFileError, OutputError, SchemaError, first_ids
from ..labels import label
from .geopackage import _check_output, _parse_crs, _remove_quietly, _temp_path
from .layout import add_print_layout, legend_title
from .named_styles import STYLE_NAME
from .themes import (
    LayerEntry,
    add_map_themes,
    layer_entries,
    print_theme,
    read_scenarios,
    theme_layers,
    theme_names,
)
from .xml import QGIS_FORMAT_VERSION, _document, _el, _number

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

_Contents = Mapping[str, dict]
_Styles = Mapping[str, tuple[str, str]]


# --------------------------------------------------------------------------------------------
# Reading the GeoPackage
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
        alternates: dict[str, list[tuple[str, str]]] = {}
        has_styles = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'"
        ).fetchone()
        if has_styles:
            for table, name, qml, desc, default in con.execute(
                "SELECT f_table_name, styleName, styleQML, description, useAsDefault "
                "FROM layer_styles ORDER BY update_time, id"
            ):
                if default:
                    styles[table] = (qml, desc or "")
                else:
                    alternates.setdefault(table, []).append((name, qml))
        for table, info in contents.items():
            info["alternates"] = alternates.get(table, [])
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            info["sources"] = (
                [r[0] for r in con.execute(f'SELECT DISTINCT "source" FROM "{table}"') if r[0]]
                if "source" in cols
                else []
            )
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


def _layer_crs(info: Mapping[str, object]) -> pyproj.CRS | None:
    """Return the CRS of a spatial table of the GeoPackage, None for an attribute table."""
    return _srs_of(info["srs"]) if info.get("geom_column") else None


def _check_tables(gpkg: Path, contents: _Contents, names: list[str]) -> None:
    missing = [n for n in names if n not in contents or n == "layer_styles"]
    if missing:
        raise InputFileError(
            f"GeoPackage '{gpkg}' has no layers {first_ids(missing)}; it has "
            f"{first_ids(sorted(t for t in contents if t != 'layer_styles'), n=20)}."
        )


def _project_crs(gpkg: Path, contents: _Contents, names: list[str], crs: object) -> pyproj.CRS:
    """Return ``crs``, or the one CRS of the layers (the export zone when none has a CRS)."""
    if crs is not None:
        return _parse_crs(crs)
    found = {_layer_crs(contents[n]) for n in names}
    found.discard(None)
    if len(found) > 1:
        raise CRSError(
            f"Layers {first_ids(names)} of '{gpkg}' are in different CRSs "
            f"({first_ids(sorted(c.to_string() for c in found))}); pass crs='EPSG:5897' or "
            f"'EPSG:9209' for the project."
        )
    return found.pop() if found else _crs.assert_metric(_crs.ZONE_CRS["105_00"])


# --------------------------------------------------------------------------------------------
# Project XML
# --------------------------------------------------------------------------------------------


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


def _source_file(gpkg: Path, project: Path) -> str:
    """Return the GeoPackage path as the project refers to it: relative when possible."""
    try:
        rel = Path(os.path.relpath(gpkg.resolve(), project.resolve().parent)).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return gpkg.resolve().as_posix()
    return rel if rel.startswith("../") else f"./{rel}"


def _datasource(source_file: str, entry: LayerEntry) -> str:
    uri = f"{source_file}|layername={entry.table}"
    return f"{uri}|subset={entry.subset}" if entry.subset else uri


def _layer_tree(
    root: ET.Element, entries: Sequence[LayerEntry], source_file: str, shown: set[str]
) -> None:
    tree = _el(root, "layer-tree-group")
    _el(tree, "customproperties")
    for entry in entries:
        node = _el(
            tree,
            "layer-tree-layer",
            id=entry.layer_id,
            name=entry.display,
            source=_datasource(source_file, entry),
            providerKey="ogr",
            checked="Qt::Checked" if entry.layer_id in shown else "Qt::Unchecked",
            expanded="1",
        )
        # the title the print layout's legend shows, wrapped to the legend panel
        props = _el(_el(node, "customproperties"), "Option", type="Map")
        _el(
            props,
            "Option",
            name="legend/title-label",
            value=legend_title(entry.display),
            type="QString",
        )


def _parse_qml(gpkg: Path, name: str, qml: str) -> ET.Element:
    try:
        return ET.fromstring(qml)
    except ET.ParseError as exc:
        raise InputFileError(
            f"A style of layer '{name}' in '{gpkg}' is not valid XML ({exc}); "
            f"export the GeoPackage again."
        ) from exc


def _style_root(gpkg: Path, name: str, styles: _Styles) -> ET.Element | None:
    """Return the parsed default style of a table, None when it has none."""
    if name not in styles:
        return None
    return _parse_qml(gpkg, name, styles[name][0])


def _style_manager(gpkg: Path, ml: ET.Element, entry: LayerEntry, alternates: list) -> None:
    """Append the layer's named styles: the default is the layer's own; alternates stored."""
    manager = _el(ml, "map-layer-style-manager", current=STYLE_NAME)
    _el(manager, "map-layer-style", name=STYLE_NAME)
    for name, qml in alternates:
        style = _el(manager, "map-layer-style", name=name)
        style.append(_parse_qml(gpkg, entry.table, qml))


def _map_layer(
    parent: ET.Element,
    gpkg: Path,
    entry: LayerEntry,
    info: Mapping[str, object],
    *,
    source_file: str,
    qml_root: ET.Element | None,
) -> None:
    """Append the <maplayer> of one layer, carrying the renderer and labels of its style."""
    geometry, wkb = _wkb_name(info.get("geom_type"))
    attrs = {"type": "vector", "geometry": geometry, "wkbType": wkb}
    if qml_root is not None:
        attrs.update({k: v for k, v in qml_root.attrib.items() if k != "version"})
    ml = _el(parent, "maplayer", **attrs)
    _el(ml, "id", entry.layer_id)
    _el(ml, "datasource", _datasource(source_file, entry))
    _el(ml, "layername", entry.display)
    layer_crs = _layer_crs(info)
    if layer_crs is not None:
        _spatialrefsys(_el(ml, "srs"), layer_crs)
    _el(ml, "provider", "ogr", encoding="UTF-8")
    if qml_root is not None:
        _style_manager(gpkg, ml, entry, list(info.get("alternates", [])))
        for child in qml_root:
            ml.append(copy.deepcopy(child))


def _add_view_extent(
    root: ET.Element, contents: _Contents, names: list[str], project_crs: pyproj.CRS
) -> tuple[float, float, float, float] | None:
    """Add the initial map extent: the union of the layer extents, in the project CRS.

    Returns that extent, None when no layer has one.
    """
    boxes = []
    for n in names:
        info = contents[n]
        layer_crs = _layer_crs(info)
        bounds = info["bounds"]
        if layer_crs is None or any(b is None for b in bounds):
            continue
        if layer_crs != project_crs:
            tr = pyproj.Transformer.from_crs(layer_crs, project_crs, always_xy=True)
            bounds = tr.transform_bounds(*bounds)
        boxes.append(bounds)
    if not boxes:
        return None
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
    return (xmin, ymin, xmax, ymax)


def _project_xml(
    gpkg: Path,
    project: Path,
    contents: _Contents,
    styles: _Styles,
    names: list[str],
    *,
    project_crs: pyproj.CRS,
    title: str,
    lang: str,
) -> ET.Element:
    """Return the <qgis> tree of the project opening the checked tables ``names``.

    Scenario tables become one layer per scenario; map themes switch between the scenarios and
    the A3 print layout's map follows the theme of the hazard zones' scenario.
    """
    source_file = _source_file(gpkg, project)
    order = _layer_order(names)
    digest = hashlib.sha1(gpkg.name.encode("utf-8")).hexdigest()[:8]
    scenarios, bound = read_scenarios(gpkg, order, lang=lang)
    displays = {n: styles.get(n, ("", ""))[1] or n for n in order}
    entries = layer_entries(order, displays, scenarios, bound, digest)
    themes = theme_names(scenarios, lang)
    printed, printed_key = print_theme(themes, bound)
    shown = {e.layer_id for e in theme_layers(entries, printed_key)}

    root = _el(None, "qgis", projectname=title, version=QGIS_FORMAT_VERSION)
    _el(root, "homePath", path="")
    _el(root, "title", title)
    _spatialrefsys(_el(root, "projectCrs"), project_crs)
    _layer_tree(root, entries, source_file, shown)
    layers_el = _el(root, "projectlayers")
    for entry in entries:
        _map_layer(
            layers_el,
            gpkg,
            entry,
            contents[entry.table],
            source_file=source_file,
            qml_root=_style_root(gpkg, entry.table, styles),
        )
    order_el = _el(root, "layerorder")
    for entry in entries:
        _el(order_el, "layer", id=entry.layer_id)
    props = _el(root, "properties")
    paths = _el(props, "Paths")
    _el(paths, "Absolute", "false", type="bool")
    # QGIS reads <projectCrs> only when projections are enabled in the project properties.
    _el(_el(props, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")
    bounds = _add_view_extent(root, contents, names, project_crs)
    add_map_themes(root, entries, themes, STYLE_NAME)
    sources = sorted({src for n in names for src in contents[n].get("sources", [])})
    add_print_layout(
        root, title=title, theme=printed, bounds=bounds, sources=sources, lang=lang, seed=digest
    )
    meta = _el(root, "projectMetadata")
    _el(meta, "title", title)
    _el(meta, "language", lang)
    return root


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
    >>> from ninhbinh_geo import qgis, styles
    >>> d = tempfile.mkdtemp()
    >>> prov = gpd.GeoDataFrame(geometry=[Point(105.9, 20.3).buffer(0.3)], crs=4326)
    >>> gpkg = qgis.export_geopackage({"province": prov},
    ...                               styles.default_legends({"province": prov}), f"{d}/nb.gpkg")
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
    _check_tables(gpkg, contents, names)
    project_crs = _project_crs(gpkg, contents, names, crs)
    if title is None:
        title = label("title.overview", lang)
    root = _project_xml(
        gpkg, project, contents, styles, names, project_crs=project_crs, title=title, lang=lang
    )
    _atomic_write_project(project, _document(root))
    return project
