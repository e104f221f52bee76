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
- ``project``: the project reading that GeoPackage: spatial references, layer order, view
  extent, atomic write (:func:`write_project`).
"""

from __future__ import annotations

from .geopackage import STYLE_NAME, export_geopackage
from .project import write_project
from .qml import legend_qml
from .xml import QGIS_FORMAT_VERSION

__all__ = ["QGIS_FORMAT_VERSION", "STYLE_NAME", "export_geopackage", "legend_qml", "write_project"]
