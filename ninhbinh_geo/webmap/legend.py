"""The HTML legend and the map title: one collapsible box per layer, shown with its layer.

The legend boxes are static HTML built here from the shared
:class:`ninhbinh_geo.styles.Legend` objects (every text escaped): the same classes, colours and
bounds as the static maps and the QGIS styles. Only the boxes of the layers shown are visible
(a small script shows and hides a box with its layer in the layer control), and each box folds
away with a click on its title (``<details>``), so the panel fits a 1280 × 800 screen without
scrolling. A site layer's box says how sites still placed by district are drawn. The page's
stylesheet (legend, title, popups, credits) comes with the legend.
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
.nbg-legend {position: fixed; left: 10px; bottom: 30px; z-index: 1000;
  max-height: calc(100vh - 80px); overflow-y: auto; width: 270px; font: 11px/1.3 sans-serif;}
.nbg-legend-box {background: rgba(255,255,255,0.93); border: 1px solid #999; border-radius: 4px;
  padding: 3px 6px; margin-top: 4px; overflow-wrap: anywhere;}
.nbg-legend-box summary {cursor: pointer; font-weight: bold;}
.nbg-legend-layer {color: #555; font-weight: normal;}
.nbg-legend-title {font-weight: bold;}
.nbg-legend-row {display: flex; align-items: center; gap: 6px; margin: 0;}
.nbg-swatch {display: inline-block; width: 14px; height: 10px; flex: none;
  border: 1px solid rgba(0,0,0,0.3);}
.nbg-swatch.nbg-line {height: 3px; border: none;}
.nbg-swatch.nbg-point {width: 9px; height: 9px; border-radius: 50%;}
.nbg-swatch.nbg-hollow {background: #fff !important; border: 2px dashed #555; width: 7px;
  height: 7px; border-radius: 50%;}
.nbg-warn {color: #a50f15; font-weight: bold; margin: 2px 0 !important;}
.nbg-note {color: #555; font-style: italic;}
.nbg-title {position: fixed; top: 10px; left: 60px; z-index: 1000; max-width: 55vw;
  background: rgba(255,255,255,0.9); padding: 4px 10px; border-radius: 4px;
  font: bold 15px sans-serif; pointer-events: none;}
.nbg-popup {font-size: 12px; max-width: 340px; max-height: 320px; overflow-y: auto;
  overflow-wrap: anywhere;}
.nbg-popup h4 {margin: 0 0 4px 0; font-size: 14px;}
.nbg-table {border-collapse: collapse; margin: 2px 0;}
.nbg-table th {text-align: left; padding: 1px 8px 1px 0; vertical-align: top;}
.nbg-table td {padding: 1px 4px; vertical-align: top;}
.nbg-rows td, .nbg-rows th {border-bottom: 1px solid #ddd;}
.leaflet-container {background: #f5f5f3;}
.leaflet-control-layers {font-size: 12px; line-height: 1.25;}
.leaflet-control-attribution {max-width: 62vw; font-size: 10px; line-height: 1.3;}
.nbg-more {display: inline;}
.nbg-more summary {display: inline; cursor: pointer; color: #0078a8;}
</style>
"""


def _row(color: str, text: str, shape: str, attrs: str = "", extra_class: str = "") -> str:
    return (
        f'<div class="nbg-legend-row{extra_class}" data-color="{_esc(color)}"{attrs}>'
        f'<span class="nbg-swatch {shape}" style="background:{_esc(color)}"></span>'
        f"<span>{_esc(text)}</span></div>"
    )


def _class_rows(legend: Legend, lang: str, shape: str) -> list[str]:
    rows = []
    for cls in legend.classes:
        attrs = ""
        if cls.lower is not None and cls.upper is not None:
            attrs = f' data-lower="{float(cls.lower)!r}" data-upper="{float(cls.upper)!r}"'
        if cls.value is not None:
            attrs += f' data-value="{_esc(cls.value)}"'
        rows.append(_row(cls.color, cls.text(lang), shape, attrs))
    return rows


def _legend_box(
    legend: Legend,
    lang: str,
    *,
    layer_name: str,
    not_drawn: Sequence[object],
    nodata: bool,
    shown: bool = True,
    by_district: int = 0,
) -> str:
    """One layer's box: a folding title and its classes (one row for a single colour).

    ``by_district`` counts the sites of the layer still placed by district, drawn hollow.
    """
    shape = {"line": "nbg-line", "point": "nbg-point"}.get(legend.geometry, "")
    attrs = (
        f'data-layer="{_esc(legend.layer)}" data-kind="{_esc(legend.kind)}" '
        f'data-column="{_esc(legend.column or "")}"'
    )
    hidden = "" if shown else ' style="display:none"'
    title = legend.title(lang)
    if legend.kind == "single":
        color = legend.classes[0].color
        row = _row(color, title, shape, extra_class=" nbg-legend-title")
        return f'<div class="nbg-legend-box" {attrs}{hidden}>{row}</div>'
    head = _esc(title)
    if layer_name != title:
        head = f'<span class="nbg-legend-layer">{_esc(layer_name)} – </span>{head}'
    parts = [f'<div class="nbg-legend-box" {attrs}{hidden}><details open><summary>{head}</summary>']
    parts += _class_rows(legend, lang, shape)
    if nodata:
        parts.append(
            _row(legend.nodata_color, label("nodata", lang), shape, extra_class=" nbg-nodata-row")
        )
    if by_district:
        text = label("map.illustrative_location_legend", lang).format(n=by_district)
        parts.append(
            f'<div class="nbg-legend-row nbg-by-district"><span class="nbg-swatch nbg-hollow">'
            f"</span><span>{_esc(text)}</span></div>"
        )
    if not_drawn:
        text = label("map.not_drawn", lang).format(n=len(not_drawn), ids=first_ids(not_drawn))
        parts.append(f'<div class="nbg-note">{_esc(text)}</div>')
    parts.append("</details></div>")
    return "".join(parts)


class _Legend(MacroElement):
    """The legend boxes (static HTML, escaped here); a script hides a box with its layer."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro html(this, kwargs) %}
        <div class="nbg-title">{{ this.title_html }}</div>
        <div class="nbg-legend" id="nbg-legend">{{ this.warn_html }}{{ this.boxes_html }}</div>
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

    def __init__(
        self,
        title_html: str,
        boxes_html: str,
        pairs: list[tuple[Any, str]],
        warn_html: str = "",
    ) -> None:
        super().__init__()
        self._name = "NbgLegend"
        self.css = _LEGEND_CSS
        self.title_html = title_html
        self.boxes_html = boxes_html
        self.warn_html = warn_html
        self.pairs = pairs
