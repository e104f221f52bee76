"""Pieces of the page written as finished text: raw HTML, inline GeoJSON, panes and scale.

folium embeds GeoJSON through a Jinja template that branca compiles a second time; the features
of our layers are written instead as finished JSON, safe inside an inline ``<script>``, by
:class:`_GeoJsonData`, and bound to their popups and tooltips by :data:`_ON_EACH_FEATURE`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import shapely
from branca.element import Element, MacroElement
from folium.template import Template
from folium.utilities import JsCode

from .features import _Feature

#: Decimals of a degree kept in the page: 5 (about 1 m) for every layer, 6 (about 0.1 m) for a
#: layer with surveyed rows. The package's own data are digitized, approximate or illustrative
#: (tens of metres at best), so the sixth decimal of those adds bytes, not position.
DECIMALS = {"surveyed": 6, None: 5}


class _Raw(Element):
    """A piece of the page given as finished HTML (not a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


def _json_for_script(obj: object) -> str:
    """Return JSON that is safe inside an inline <script> (no "</script>", no "<!--")."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


class _GeoJsonData(MacroElement):
    """The features of the parent ``folium.GeoJson``, added to it by a script of our own.

    folium embeds GeoJSON through a Jinja template that branca compiles a second time, which
    costs time on large layers and would evaluate a ``{{`` in the data; this writes the data
    as finished JSON instead. The features carry their style, popup and tooltip.
    """

    def __init__(self, features: list[_Feature], decimals: int = 6) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.features = features
        self.decimals = decimals

    def render(self, **kwargs: Any) -> None:
        """Add the script that loads and styles the features to the page."""
        layer = self._parent.get_name()
        geoms = shapely.to_geojson(np.array([g for g, _ in self.features], dtype=object))
        # Cut to the decimals the data support (RFC 7946 section 11.2): the digits beyond add
        # bytes, not position. (Truncated, not rounded: at most one unit of the last decimal.)
        # (the digits are matched after a look-behind and dropped: no template to expand per
        # match, 3x faster on the review's 90,000 coordinates)
        cut = re.compile(rf"(?<=\.\d{{{self.decimals}}})\d+")
        geoms = [cut.sub("", g) for g in geoms]
        parts = ",".join(
            f'{{"type":"Feature","geometry":{g},"properties":{_json_for_script(p)}}}'
            for g, (_, p) in zip(geoms, self.features, strict=True)
        )
        script = (
            f'{layer}.addData({{"type":"FeatureCollection","features":[{parts}]}});\n'
            f"{layer}.setStyle(function (feature) {{ return feature.properties.style; }});\n"
        )
        self.get_root().script.add_child(_Raw(script), name=self.get_name())


_ON_EACH_FEATURE = JsCode(
    """function (feature, layer) {
        var p = feature.properties || {};
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360}); }
        if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
    }"""
)


class _MapSetup(MacroElement):
    """The panes of the features and the metric scale bar, set up before any layer is added.

    Areas < lines < halos < rings < points, whatever order the layers are switched on in; the
    scale bar is in metres and kilometres only (no miles).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            {%- for name, z in this.panes %}
            map.createPane({{ name|tojson }}).style.zIndex = {{ z }};
            {%- endfor %}
            L.control.scale({metric: true, imperial: false}).addTo(map);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, panes: dict[str, int]) -> None:
        super().__init__()
        self._name = "NbgMapSetup"
        self.panes = list(panes.items())
