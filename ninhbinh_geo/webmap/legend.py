"""The HTML legend and the map title: one box per layer, hidden with its layer.

The legend boxes are static HTML built here from the shared
:class:`ninhbinh_geo.styles.Legend` objects (every text escaped): the same classes, colours and
bounds as the static maps and the QGIS styles. A small script hides a layer's box when the
layer is switched off in the layer control. The page's stylesheet (legend, title, popups) comes
with the legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from branca.element import MacroElement
from folium.template import Template

from .._errors import first_ids
from ..labels import label
from ..styles import Legend
from .text import _esc

_LEGEND_CSS = """
<style>
.nbg-legend {position: fixed; left: 10px; bottom: 44px; z-index: 1000;
  max-height: calc(100vh - 130px); overflow-y: auto; max-width: 300px; font: 12px/1.35 sans-serif;}
.nbg-legend-box {background: rgba(255,255,255,0.92); border: 1px solid #999; border-radius: 4px;
  padding: 6px 8px; margin-top: 6px; overflow-wrap: anywhere;}
.nbg-legend-layer {color: #555; font-size: 11px;}
.nbg-legend-title {font-weight: bold;}
.nbg-legend-row {display: flex; align-items: center; gap: 6px; margin: 1px 0;}
.nbg-swatch {display: inline-block; width: 16px; height: 12px; flex: none;
  border: 1px solid rgba(0,0,0,0.3);}
.nbg-swatch.nbg-line {height: 3px; border: none;}
.nbg-swatch.nbg-point {width: 10px; height: 10px; border-radius: 50%;}
.nbg-warn {color: #a50f15; font-weight: bold; margin: 2px 0 !important;}
.nbg-note {color: #555; font-style: italic;}
.nbg-title {position: fixed; top: 10px; left: 60px; z-index: 1000;
  background: rgba(255,255,255,0.9); padding: 4px 10px; border-radius: 4px;
  font: bold 15px sans-serif; pointer-events: none;}
.nbg-popup {font-size: 12px; max-width: 340px; max-height: 320px; overflow-y: auto;
  overflow-wrap: anywhere;}
.nbg-popup h4 {margin: 0 0 4px 0; font-size: 14px;}
.nbg-table {border-collapse: collapse; margin: 2px 0;}
.nbg-table th {text-align: left; padding: 1px 8px 1px 0; vertical-align: top;}
.nbg-table td {padding: 1px 4px; vertical-align: top;}
.nbg-rows td, .nbg-rows th {border-bottom: 1px solid #ddd;}
</style>
"""


def _legend_box(
    legend: Legend, lang: str, *, layer_name: str, not_drawn: Sequence[object], nodata: bool
) -> str:
    shape = {"line": "nbg-line", "point": "nbg-point"}.get(legend.geometry, "")
    attrs = (
        f'data-layer="{_esc(legend.layer)}" data-kind="{_esc(legend.kind)}" '
        f'data-column="{_esc(legend.column or "")}"'
    )
    single = legend.kind == "single"
    parts = [f'<div class="nbg-legend-box" {attrs}>']
    if layer_name != legend.title(lang):
        parts.append(f'<div class="nbg-legend-layer">{_esc(layer_name)}</div>')
    if not single:  # a single-colour legend is one row: its swatch and its title
        parts.append(f'<div class="nbg-legend-title">{_esc(legend.title(lang))}</div>')
    if legend.illustrative:
        parts.append(f'<div class="nbg-warn">{_esc(label("warn.illustrative", lang))}</div>')
    title_class = ' class="nbg-legend-title"' if single else ""
    for cls in legend.classes:
        bounds = ""
        if cls.lower is not None and cls.upper is not None:
            bounds = f' data-lower="{float(cls.lower)!r}" data-upper="{float(cls.upper)!r}"'
        if cls.value is not None:
            bounds += f' data-value="{_esc(cls.value)}"'
        parts.append(
            f'<div class="nbg-legend-row" data-color="{_esc(cls.color)}"{bounds}>'
            f'<span class="nbg-swatch {shape}" style="background:{_esc(cls.color)}"></span>'
            f"<span{title_class}>{_esc(legend.title(lang) if single else cls.text(lang))}"
            "</span></div>"
        )
    if nodata:
        parts.append(
            f'<div class="nbg-legend-row nbg-nodata-row" data-color="{_esc(legend.nodata_color)}">'
            f'<span class="nbg-swatch {shape}" style="background:{_esc(legend.nodata_color)}">'
            f"</span><span>{_esc(label('nodata', lang))}</span></div>"
        )
    if not_drawn:
        text = label("map.not_drawn", lang).format(n=len(not_drawn), ids=first_ids(not_drawn))
        parts.append(f'<div class="nbg-note">{_esc(text)}</div>')
    parts.append("</div>")
    return "".join(parts)


class _Legend(MacroElement):
    """The legend boxes (static HTML, escaped here); a script hides a box with its layer."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="nbg-title">{{ this.title_html }}</div>
        <div class="nbg-legend" id="nbg-legend">{{ this.boxes_html }}</div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var pairs = [
            {%- for layer, name in this.pairs %}
                [{{ layer.get_name() }}, {{ name|tojson }}],
            {%- endfor %}
            ];
            function show(e, visible) {
                pairs.forEach(function (p) {
                    if (p[0] !== e.layer) { return; }
                    var box = document.querySelector(
                        '.nbg-legend-box[data-layer="' + p[1] + '"]');
                    if (box) { box.style.display = visible ? '' : 'none'; }
                });
            }
            {{ this._parent.get_name() }}.on('overlayadd', function (e) { show(e, true); });
            {{ this._parent.get_name() }}.on('overlayremove', function (e) { show(e, false); });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title_html: str, boxes_html: str, pairs: list[tuple[Any, str]]) -> None:
        super().__init__()
        self._name = "NbgLegend"
        self.css = _LEGEND_CSS
        self.title_html = title_html
        self.boxes_html = boxes_html
        self.pairs = pairs
