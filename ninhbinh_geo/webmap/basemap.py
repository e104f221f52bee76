"""The background under the layers: the embedded offline basemap, an online tile service, or none.

:func:`_add_basemap` is the one place a background is added to the map. The layers are drawn in
panes above Leaflet's tile pane (:data:`~ninhbinh_geo.webmap.features.PANES`), so whatever
background is added here stays under every symbol.

- ``"embedded"`` (the default): the tiles of :func:`~ninhbinh_geo.webmap.tiles.render_basemap`
  written into the page as base64 PNG, served by a small ``L.TileLayer`` whose ``getTileUrl``
  looks them up; identical tiles (the empty land around the province) are stored once. The page
  needs no internet, and the credits of every dataset drawn are in the attribution control.
- a name of `xyzservices <https://xyzservices.readthedocs.io>`_ (``"OpenStreetMap"``,
  ``"OpenTopoMap"``): that online service, credited with its own attribution.
- a URL template (``https://…/{z}/{x}/{y}.png``): an online service; its attribution must be
  given (``tiles_attribution``), since every tile service requires one.
- a ``folium.TileLayer``: used as given. ``None`` (or ``"none"``): no background.
"""

from __future__ import annotations

import re

import folium
from branca.element import MacroElement
from folium.template import Template

from .._errors import NinhBinhGeoError
from ..labels import label
from .elements import _json_for_script
from .text import _esc

__all__ = ["EMBEDDED"]

#: The ``tiles`` value of the offline basemap embedded in the page (the default).
EMBEDDED = "embedded"
# A transparent 1×1 GIF: the tile of a place the basemap does not cover.
_EMPTY_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
_URL_FIELDS = ("{z}", "{x}", "{y}")


class _EmbeddedTiles(MacroElement):
    """The offline basemap: PNG tiles in the page, looked up by ``z/x/y``."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>div.leaflet-container {background: {{ this.outside }};}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var index = {{ this.index }}, data = {{ this.data }};
            var Embedded = L.TileLayer.extend({
                getTileUrl: function (c) {
                    var i = index[c.z + '/' + c.x + '/' + c.y];
                    return i === undefined ? {{ this.empty }} : 'data:image/png;base64,' + data[i];
                }
            });
            return new Embedded('', {{ this.options }}).addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        import base64

        from .tiles import OUTSIDE_COLOR, render_basemap

        super().__init__()
        self._name = "NbgBasemap"
        # around the tiles, the colour of their edge: the basemap has no visible border
        self.outside = OUTSIDE_COLOR
        basemap = render_basemap()
        unique: dict[bytes, int] = {}
        index = {key: unique.setdefault(png, len(unique)) for key, png in basemap.tiles.items()}
        self.index = _json_for_script(index)
        self.data = _json_for_script([base64.b64encode(png).decode("ascii") for png in unique])
        self.empty = _json_for_script(_EMPTY_TILE)
        west, south, east, north = basemap.bounds
        first, last = basemap.zooms
        self.options = _json_for_script(
            {
                "minNativeZoom": first,
                "maxNativeZoom": last,
                "maxZoom": 18,
                "bounds": [[south, west], [north, east]],
                "attribution": _basemap_credits(basemap.credits, lang),
            }
        )


def _short_source(source: str) -> str:
    """Return the name of a source without its details: "GSHHG 2.3.7, WDBII…" → "GSHHG 2.3.7"."""
    return re.split(r",| \(| via ", source, maxsplit=1)[0].strip()


def _basemap_credits(credits: tuple[tuple[str, str, str], ...], lang: str) -> str:
    """Return the escaped credits of the basemap's datasets: name (as a link) and licence."""
    parts = []
    for source, url, licence in credits:
        name = _esc(_short_source(source))
        if re.match(r"https?://", url):
            name = f'<a href="{_esc(url)}" title="{_esc(source)}">{name}</a>'
        parts.append(f"{name} ({_esc(licence)})")
    return f'<span class="nbg-basemap-credits">{_esc(label("map.basemap", lang))}: ' + (
        "; ".join(parts) + "</span>"
    )


def _online_tiles(tiles: str, attribution: str | None) -> folium.TileLayer:
    """Return the layer of an online tile service: a provider name or a URL template."""
    import xyzservices

    if attribution is not None and not str(attribution).strip():
        attribution = None
    attr = None if attribution is None else _esc(str(attribution))
    if any(field in tiles for field in _URL_FIELDS):
        if not all(field in tiles for field in _URL_FIELDS):
            raise NinhBinhGeoError(
                f"Tile URL '{tiles}' lacks one of {{z}}, {{x}}, {{y}}; give a template such as "
                f"https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png."
            )
        if attr is None:
            raise NinhBinhGeoError(
                f"Tile URL '{tiles}' has no attribution: every tile service requires its credit "
                f"on the map. Pass it with --tiles-attribution (tiles_attribution= in Python), "
                f"e.g. --tiles-attribution '© OpenStreetMap contributors'."
            )
        return folium.TileLayer(tiles, attr=attr, control=False)
    query = "OpenStreetMap Mapnik" if tiles.strip().lower() == "openstreetmap" else tiles
    try:
        provider = xyzservices.providers.query_name(query)
    except ValueError:
        raise NinhBinhGeoError(
            f"Unknown tile service '{tiles}': give a name such as 'OpenStreetMap' or "
            f"'OpenTopoMap' (xyzservices), a URL template with {{z}}/{{x}}/{{y}} and "
            f"--tiles-attribution, or leave --tiles out for the offline basemap."
        ) from None
    if provider.requires_token():
        raise NinhBinhGeoError(
            f"Tile service '{tiles}' needs an access key; give its URL template with the key "
            f"and --tiles-attribution instead."
        )
    return folium.TileLayer(provider, attr=attr, control=False)


def _add_basemap(
    m: folium.Map,
    tiles: str | folium.TileLayer | None,
    lang: str = "vi",
    attribution: str | None = None,
) -> MacroElement | folium.TileLayer | None:
    """Add the background ``tiles`` to ``m``; return it (None: no background).

    The background is not listed in the layer control and credits itself in the attribution
    control.
    """
    if tiles is None or (isinstance(tiles, str) and tiles.strip().lower() == "none"):
        return None
    if isinstance(tiles, folium.TileLayer):
        layer: MacroElement | folium.TileLayer = tiles
    elif str(tiles).strip().lower() == EMBEDDED:
        layer = _EmbeddedTiles(lang)
    else:
        layer = _online_tiles(str(tiles), attribution)
    layer.add_to(m)
    return layer
