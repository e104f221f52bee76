"""Data credits on the map face: the sources and licences of the layers shown.

Every layer brings the (source, licence) pairs of its rows, escaped here. A small script writes
the credits of the layers on the map into Leaflet's attribution control, grouped by licence
("A; B – CC BY-SA 4.0 · C – ODbL 1.0"), and rewrites them when a layer is switched on or off.
A licence cited by many rows (the news pages behind the site figures) shows its first three
sources and folds the others behind "+N", one click away.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from ..labels import label
from .elements import _json_for_script
from .text import _esc

__all__: list[str] = []

# Sources shown per licence before the others fold behind "+N".
_SHOWN_PER_LICENCE = 3


def _credits(table: pd.DataFrame) -> list[list[str]]:
    """Return the escaped (source, licence) pairs of a layer, the most cited first."""
    if "source" not in table.columns:
        return []
    lic = table["licence"] if "licence" in table.columns else pd.Series("", index=table.index)
    pairs = pd.DataFrame({"s": table["source"], "l": lic}).dropna(subset=["s"]).fillna("")
    pairs = pairs[pairs["s"].astype(str).str.strip() != ""]
    return [[_esc(s), _esc(c)] for s, c in pairs.astype(str).value_counts(sort=True).index]


class _Credits(MacroElement):
    """The credits of the layers shown, in the attribution control, kept up to date."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var layers = [
            {%- for layer, pairs in this.layers %}
                [{{ layer.get_name() }}, {{ pairs }}],
            {%- endfor %}
            ];
            var heading = {{ this.heading }}, perLicence = {{ this.per_licence }};
            var shown = '';
            function text(sources) {
                var out = sources.slice(0, perLicence).join('; ');
                if (sources.length > perLicence) {
                    out += ' <details class="nbg-more"><summary>+' +
                        (sources.length - perLicence) + '</summary>' +
                        sources.slice(perLicence).join('; ') + '</details>';
                }
                return out;
            }
            function update() {
                var groups = {}, order = [];
                layers.forEach(function (l) {
                    if (!map.hasLayer(l[0])) { return; }
                    l[1].forEach(function (p) {
                        if (!(p[1] in groups)) { groups[p[1]] = []; order.push(p[1]); }
                        if (groups[p[1]].indexOf(p[0]) < 0) { groups[p[1]].push(p[0]); }
                    });
                });
                var parts = order.map(function (lic) {
                    return lic ? text(groups[lic]) + ' – ' + lic : text(groups[lic]);
                });
                var html = parts.length ?
                    '<span class="nbg-credits">' + heading + ': ' + parts.join(' · ') + '</span>' :
                    '';
                var control = map.attributionControl;
                if (!control) { return; }
                if (shown) { control.removeAttribution(shown); }
                if (html) { control.addAttribution(html); }
                shown = html;
            }
            map.on('overlayadd overlayremove', update);
            update();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layers: list[tuple[Any, list[list[str]]]], lang: str) -> None:
        super().__init__()
        self._name = "NbgCredits"
        self.layers = [(layer, _json_for_script(pairs)) for layer, pairs in layers]
        self.heading = _json_for_script(_esc(label("map.credits", lang)))
        self.per_licence = _SHOWN_PER_LICENCE
