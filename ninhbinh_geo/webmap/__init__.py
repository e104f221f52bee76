"""Interactive web map of a review: one HTML file that also works without internet.

:func:`make_map` draws the layers of a review with :mod:`folium` (Leaflet), coloured only from the
shared :mod:`ninhbinh_geo.styles` legends, with a layer control, one legend box per layer and
popups that give the key figures, the source and the accuracy class of every feature.
:func:`save_map` writes the page atomically; with ``offline=True`` (the default) Leaflet's
JavaScript and CSS are read from the installed ``django-js-lib-leaflet`` package and inlined, so
a planner without internet sees the same map. The map needs nothing else: no jQuery, Bootstrap or
icon fonts (plain circle markers and GeoJSON, our own legend HTML).

Every text that comes from data is HTML-escaped here, in Python, before it reaches the page:
folium's ``Popup``, ``Tooltip``, ``GeoJsonPopup`` and ``GeoJsonTooltip`` insert their text into
the page as markup, so they are not used.

Rooms, in the order the data flows through them:

- ``text``: HTML escaping and the display of attribute values.
- ``popups``: popups and tooltips (key figures, source, accuracy) as escaped HTML.
- ``features``: the features of each layer and their styles; one marker per site for tables.
- ``elements``: pieces of the page written as finished text: raw HTML, inline GeoJSON.
- ``legend``: the HTML legend boxes, the title and the page's stylesheet.
- ``save``: Leaflet inlined from ``django-js-lib-leaflet`` and the atomic write (:func:`save_map`).
- ``tiles``: the offline basemap drawn from the shipped data as XYZ PNG tiles
  (:func:`render_basemap`).
- ``basemap``: the background under the layers: the embedded tiles, an online service, none.
- ``make``: the door :func:`make_map`, checking the layers once and drawing them in order.
"""

from __future__ import annotations

from .basemap import EMBEDDED
from .make import LAYER_ORDER, make_map
from .save import save_map
from .tiles import EMBEDDED_ZOOMS, BasemapTiles, render_basemap

__all__ = [
    "EMBEDDED",
    "EMBEDDED_ZOOMS",
    "LAYER_ORDER",
    "BasemapTiles",
    "make_map",
    "render_basemap",
    "save_map",
]
