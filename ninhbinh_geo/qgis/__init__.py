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

Rooms, in the order the data flows through them:

- ``xml``: legal XML text, elements, exact numbers and the QGIS document with its doctype.
- ``qml``: the style of one legend: symbols, renderers, labels (:func:`legend_qml`).
- ``geopackage``: checking and writing the layers and the ``layer_styles`` table
  (:func:`export_geopackage`).
- ``named_styles``: the default style of each layer and its alternates (clusters by occupancy,
  status or zoning outcome; exposure by depth; links by straight-line distance).
- ``sld``: the same legends as OGC SLD 1.1 / SE 1.1 (:func:`legend_sld`), for GeoServer;
  stored in ``styleSLD`` beside the QML.
- ``themes``: one project layer and one map theme per hazard scenario.
- ``layout``: the A3 print layout (map following a theme, legend, scale bar, north arrow,
  title, sources, tool version).
- ``project``: the project reading that GeoPackage: spatial references, layer order, named
  styles, themes, layout, view extent, atomic write (:func:`write_project`).
- ``postgis``: the same layers and styles in a PostGIS schema and ``public.layer_styles``,
  replaced in one transaction (:func:`write_postgis`).
"""

from __future__ import annotations

from .geopackage import STYLE_NAME, export_geopackage
from .named_styles import NamedStyle, named_styles
from .postgis import PostgisWrite, write_postgis
from .project import write_project
from .qml import legend_qml
from .sld import legend_sld
from .xml import QGIS_FORMAT_VERSION

__all__ = [
    "QGIS_FORMAT_VERSION",
    "STYLE_NAME",
    "NamedStyle",
    "PostgisWrite",
    "export_geopackage",
    "legend_qml",
    "legend_sld",
    "named_styles",
    "write_postgis",
    "write_project",
]
