"""Open a GeoPackage and a project written by ninhbinh_geo.qgis in real QGIS and report on them.

Runs under Debian's Python with python3-qgis (``/usr/bin/python3``), never inside the venv:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_probe.py request.json

``request.json`` holds ``{"gpkg": ..., "layers": [...], "project": ..., "png": ...}`` and
optionally ``"database_styles": [...]`` (the named styles QGIS lists for those layers, each
SLD imported by QGIS), ``"deliverables": project`` with ``"layout_pdf"`` (named styles, map
themes and the print layout exported to PDF) and ``"postgis": {...}`` (tables of a PostGIS
schema opened through QGIS's postgres provider with their default style). The probe prints one
JSON object on the last line of stdout: for each layer how QGIS loaded it (validity, CRS,
feature count, renderer type, classes with colours and bounds, labels), how QGIS read the
project (layer order, validity, renderers, CRS) and statistics of a PNG rendered from the
project. tests/test_qgis*.py and tests/test_postgis.py assert on that report.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def _hex(color: QColor) -> str:
    return color.name().lower()


def _renderer_report(layer: QgsVectorLayer) -> dict:
    renderer = layer.renderer()
    out = {"renderer": renderer.type() if renderer else None, "classes": []}
    if renderer is None:
        return out
    kind = renderer.type()
    if kind == "categorizedSymbol":
        out["attr"] = renderer.classAttribute()
        for cat in renderer.categories():
            out["classes"].append(
                {
                    "value": None if cat.value() is None else str(cat.value()),
                    "label": cat.label(),
                    "color": _hex(cat.symbol().color()),
                }
            )
    elif kind == "graduatedSymbol":
        out["attr"] = renderer.classAttribute()
        for rng in renderer.ranges():
            out["classes"].append(
                {
                    "lower": rng.lowerValue(),
                    "upper": rng.upperValue(),
                    "label": rng.label(),
                    "color": _hex(rng.symbol().color()),
                }
            )
    elif kind == "singleSymbol":
        sym = renderer.symbol()
        out["classes"].append(
            {"color": _hex(sym.color()), "brush": sym.symbolLayer(0).properties().get("style")}
        )
    labeling = layer.labeling()
    out["labels_enabled"] = bool(layer.labelsEnabled())
    if labeling is not None and layer.labelsEnabled():
        settings = labeling.settings()
        out["label_field"] = settings.fieldName
        out["label_is_expression"] = bool(settings.isExpression)
    return out


def _feature_colors(layer: QgsVectorLayer) -> list[str | None]:
    """Colour QGIS picks for every feature (proves the categories match the data values)."""
    from qgis.core import QgsExpressionContextUtils, QgsRenderContext

    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    # Graduated styles classify an expression (coalesce), which needs the layer's scope.
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(ctx, layer.fields())
    colors = []
    for feat in layer.getFeatures():
        ctx.expressionContext().setFeature(feat)
        sym = renderer.symbolForFeature(feat, ctx)
        colors.append(_hex(sym.color()) if sym is not None else None)
    renderer.stopRender(ctx)
    return colors


def _layer_report(gpkg: str, name: str) -> dict:
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    out = {"valid": layer.isValid()}
    if not layer.isValid():
        return out
    out["crs"] = layer.crs().authid()
    out["feature_count"] = layer.featureCount()
    out["geometry_type"] = int(layer.geometryType())
    out.update(_renderer_report(layer))
    if layer.renderer() is not None and layer.isSpatial():
        out["feature_colors"] = _feature_colors(layer)
    out["fields"] = [f.name() for f in layer.fields()]
    if "name_vi" in out["fields"]:
        out["name_vi"] = [f["name_vi"] for f in layer.getFeatures()]
    return out


def _render(project: QgsProject, png: str) -> dict:
    root = project.layerTreeRoot()
    layers = [n.layer() for n in root.findLayers() if n.layer() and n.layer().isSpatial()]
    settings = QgsMapSettings()
    settings.setLayers(layers)  # first = top, as in the layer tree
    settings.setDestinationCrs(project.crs())
    extent = QgsRectangle()
    extent.setMinimal()
    for lyr in layers:
        extent.combineExtentWith(lyr.extent())  # layers are in the project CRS
    extent.scale(1.05)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(800, 600))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    counts: Counter = Counter()
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            counts[image.pixel(x, y) & 0xFFFFFF] += 1
    total = sum(counts.values())
    white = counts.get(0xFFFFFF, 0)
    frequent = {f"#{rgb:06x}": n for rgb, n in counts.items() if n >= 10}
    return {
        "path": png,
        "width": image.width(),
        "height": image.height(),
        "distinct_colors": len(counts),
        "non_white_share": 1 - white / total,
        "frequent_colors": frequent,
    }


def _project_report(path: str, png: str | None) -> dict:
    project = QgsProject.instance()
    ok = project.read(path)
    out = {"read": bool(ok), "crs": project.crs().authid(), "title": project.title()}
    nodes = project.layerTreeRoot().findLayers()
    out["tree"] = []
    for node in nodes:
        lyr = node.layer()
        entry = {"name": node.name(), "valid": bool(lyr and lyr.isValid())}
        if lyr is not None and lyr.isValid():
            entry["table"] = lyr.dataProvider().uri().uri()
            entry["source"] = lyr.source()
            entry["crs"] = lyr.crs().authid()
            entry["feature_count"] = lyr.featureCount()
            entry.update(_renderer_report(lyr) if lyr.isSpatial() else {"renderer": None})
        out["tree"].append(entry)
    out["layer_count"] = len(project.mapLayers())
    if png:
        out["png"] = _render(project, png)
    project.clear()
    return out


def _colors_of(layer: QgsVectorLayer) -> list[str | None]:
    """Colour of every feature under the layer's current renderer (rule-based too)."""
    from qgis.core import QgsExpressionContextUtils, QgsRenderContext

    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(ctx, layer.fields())
    colors = []
    for feat in layer.getFeatures():
        ctx.expressionContext().setFeature(feat)
        syms = renderer.symbolsForFeature(feat, ctx)
        colors.append(_hex(syms[0].color()) if syms else None)
    renderer.stopRender(ctx)
    return colors


def _database_styles(gpkg: str, name: str) -> dict:
    """The styles QGIS lists for a layer of the GeoPackage, and each SLD imported by QGIS."""
    import sqlite3
    import tempfile

    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    listed = layer.listStylesInDatabase()
    out = {"count": listed[0], "names": list(listed[2]), "default_colors": _colors_of(layer)}
    con = sqlite3.connect(gpkg)
    rows = con.execute(
        "SELECT styleName, styleSLD, useAsDefault FROM layer_styles WHERE f_table_name = ?",
        (name,),
    ).fetchall()
    con.close()
    out["sld"] = {}
    for style_name, sld, default in rows:
        copy = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        with tempfile.NamedTemporaryFile("w", suffix=".sld", delete=False, encoding="utf-8") as f:
            f.write(sld)
        message, ok = copy.loadSldStyle(f.name)
        Path(f.name).unlink()
        entry = {"ok": bool(ok), "message": message, "default": bool(default)}
        if ok:
            entry["renderer"] = copy.renderer().type()
            entry["colors"] = _colors_of(copy)
        out["sld"][style_name] = entry
    return out


def _named_styles_report(project: QgsProject) -> dict:
    """Per project layer: its named styles, and the class column of each once switched to."""
    out = {}
    for layer in project.mapLayers().values():
        manager = layer.styleManager()
        entry = {"current": manager.currentStyle(), "styles": {}}
        for name in manager.styles():
            manager.setCurrentStyle(name)
            renderer = layer.renderer()
            attr = renderer.classAttribute() if hasattr(renderer, "classAttribute") else None
            entry["styles"][name] = {
                "renderer": renderer.type(),
                "attr": attr,
                "colors": sorted({c for c in _colors_of(layer) if c}),
            }
        manager.setCurrentStyle(entry["current"])
        out[layer.name()] = entry
    return out


def _themes_report(project: QgsProject) -> dict:
    """Per map theme: the layers it shows, found by applying it to the layer tree."""
    from qgis.core import QgsLayerTreeModel

    root = project.layerTreeRoot()
    model = QgsLayerTreeModel(root)
    themes = project.mapThemeCollection()
    out = {}
    for name in themes.mapThemes():
        themes.applyTheme(name, root, model)
        out[name] = [n.layer().name() for n in root.findLayers() if n.isVisible()]
    return out


def _layout_report(project: QgsProject, pdf: str) -> dict:
    from qgis.core import (
        QgsLayoutExporter,
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemMap,
        QgsLayoutItemPicture,
        QgsLayoutItemScaleBar,
    )

    layouts = project.layoutManager().printLayouts()
    out = {"names": [lay.name() for lay in layouts]}
    if not layouts:
        return out
    layout = layouts[0]
    page = layout.pageCollection().page(0).pageSize()
    out["page_mm"] = [round(page.width(), 1), round(page.height(), 1)]
    kinds = {
        QgsLayoutItemMap: "map",
        QgsLayoutItemLegend: "legend",
        QgsLayoutItemScaleBar: "scalebar",
        QgsLayoutItemPicture: "picture",
        QgsLayoutItemLabel: "label",
    }
    items = Counter()
    texts = []
    for item in layout.items():
        for cls, kind in kinds.items():
            if isinstance(item, cls):
                items[kind] += 1
                if kind == "label":
                    texts.append(item.text())
                if kind == "map":
                    out["map_theme"] = item.followVisibilityPresetName()
                    out["map_follows"] = item.followVisibilityPreset()
                    out["map_layers"] = [lyr.name() for lyr in item.layersToRender()]
                if kind == "picture":
                    out["picture"] = item.picturePath()
                if kind == "scalebar":
                    out["scalebar_units"] = int(item.units())
                    out["scalebar_segment"] = item.unitsPerSegment()
                if kind == "legend":
                    out["legend_rows"] = item.model().rowCount()
    out["items"] = dict(items)
    out["labels"] = texts
    result = QgsLayoutExporter(layout).exportToPdf(pdf, QgsLayoutExporter.PdfExportSettings())
    out["pdf_result"] = int(result)
    return out


def _postgis_report(request: dict) -> dict:
    """Each table of a PostGIS schema opened through QGIS's postgres provider."""
    from qgis.core import QgsDataSourceUri, QgsProviderRegistry

    base = QgsDataSourceUri()
    base.setConnection(
        request["host"], request.get("port", "5432"), request["dbname"], request["user"], ""
    )
    # The table's geometry column, type, SRID and key as QGIS's connection API lists them, put
    # into the URI as QGIS's browser does when a planner adds the table.
    connection = (
        QgsProviderRegistry.instance()
        .providerMetadata("postgres")
        .createConnection(base.uri(False), {})
    )
    listed = {t.tableName(): t for t in connection.tables(request["schema"])}
    out = {}
    for table in request["tables"]:
        info = listed[table]
        geometry = info.geometryColumnTypes()[0]
        uri = QgsDataSourceUri(base.uri(False))
        uri.setDataSource(
            request["schema"], table, info.geometryColumn(), "", info.primaryKeyColumns()[0]
        )
        uri.setWkbType(geometry.wkbType)
        uri.setSrid(str(request["srid"]))  # the table's SRID, as geometry_columns gives it
        layer = QgsVectorLayer(uri.uri(False), table, "postgres")
        entry = {"valid": layer.isValid(), "uri": uri.uri(False)}
        if layer.isValid():
            entry["crs"] = layer.crs().authid()
            entry["crs_description"] = layer.crs().description()
            entry["feature_count"] = layer.featureCount()
            entry.update(_renderer_report(layer))
            entry["feature_colors"] = _colors_of(layer)
            listed_styles = layer.listStylesInDatabase()
            entry["database_styles"] = list(listed_styles[2])
            entry["related_styles"] = listed_styles[0]
        out[table] = entry
    return out


def _deliverables_report(path: str, pdf: str | None) -> dict:
    project = QgsProject.instance()
    ok = project.read(path)
    out = {
        "read": bool(ok),
        "styles": _named_styles_report(project),
        "themes": _themes_report(project),
    }
    if pdf:
        out["layout"] = _layout_report(project, pdf)
    project.clear()
    return out


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    report: dict = {"qgis_version": __import__("qgis.core").core.Qgis.QGIS_VERSION}
    report["layers"] = {n: _layer_report(request["gpkg"], n) for n in request.get("layers", [])}
    report["database_styles"] = {
        n: _database_styles(request["gpkg"], n) for n in request.get("database_styles", [])
    }
    if request.get("deliverables"):
        report["deliverables"] = _deliverables_report(
            request["deliverables"], request.get("layout_pdf")
        )
    if request.get("postgis"):
        report["postgis"] = _postgis_report(request["postgis"])
    for key in ("project", "project_qgz"):
        if request.get(key):
            png = request.get("png") if key == "project" else None
            report[key] = _project_report(request[key], png)
    print(json.dumps(report, ensure_ascii=False))
    sys.stdout.flush()
    # exitQgis can crash at interpreter shutdown in offscreen mode; the report is out already.
    os._exit(0)


if __name__ == "__main__":
    main()
