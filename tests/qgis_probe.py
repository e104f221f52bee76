"""Open a GeoPackage and a project written by ninhbinh_geo.qgis in real QGIS and report on them.

Runs under Debian's Python with python3-qgis (``/usr/bin/python3``), never inside the venv:

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tests/qgis_probe.py request.json

``request.json`` holds ``{"gpkg": ..., "layers": [...], "project": ..., "png": ...}``. The probe
prints one JSON object on the last line of stdout: for each layer how QGIS loaded it (validity,
CRS, feature count, renderer type, classes with colours and bounds, labels), how QGIS read the
project (layer order, validity, renderers, CRS) and statistics of a PNG rendered from the project.
tests/test_qgis.py asserts on that report.
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


def main() -> None:
    request = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    app = QgsApplication([], False)
    app.setPrefixPath("/usr", True)
    app.initQgis()
    report: dict = {"qgis_version": __import__("qgis.core").core.Qgis.QGIS_VERSION}
    report["layers"] = {n: _layer_report(request["gpkg"], n) for n in request["layers"]}
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
