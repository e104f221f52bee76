"""The background under the layers: none by default (the boundaries are the base map), or tiles.

:func:`_add_basemap` is the one place a background is added to the map. The layers are drawn in
panes above Leaflet's tile pane (:data:`~ninhbinh_geo.webmap.features.PANES`), so whatever
background is added here stays under every symbol. Offline raster tiles read from a local folder
(issue 15) and the command's ``--tiles`` option plug in here: build the ``folium.TileLayer`` (or
another raster layer) and hand it to :func:`~ninhbinh_geo.webmap.make_map` as ``tiles``.
"""

from __future__ import annotations

import folium

__all__: list[str] = []


def _add_basemap(m: folium.Map, tiles: str | folium.TileLayer | None) -> folium.TileLayer | None:
    """Add the background ``tiles`` to ``m`` (a name, a URL template or a layer); None: none.

    The background is not listed in the layer control and credits itself through its own
    ``attr`` in the attribution control.
    """
    if tiles is None:
        return None
    layer = tiles if isinstance(tiles, folium.TileLayer) else folium.TileLayer(tiles, control=False)
    layer.add_to(m)
    return layer
