"""Scenarios on the web map: one return period or sea-level rise shown at a time.

The hazard zones, the sea-level zones and the exposure of the sites exist per scenario: a
return period of the flood rasters or a sea-level rise. When the layers hold two scenarios or
more, each of these layers is drawn as one overlay of the layer control (switched on and off as
before) holding one sub-layer per scenario, and a radio-button control ("Scenario") picks the
scenario every such overlay shows. A layer without the scenario chosen shows nothing (the
hazard zones belong to the return period they were traced from). The scenario of the exposure
legend (the 100-year flood when there is one) is chosen when the page opens.

A scenario is named as in the QGIS project's map themes: by return period, else by the
sea-level rise in cm read from the ``slr_cm`` column or the ``hazard`` name (``slr_28cm``),
else by the ``hazard`` name.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pandas as pd
from branca.element import MacroElement
from folium.template import Template

from ..formatting import format_number
from ..labels import label
from ..styles import Legend
from ..styles.outcomes import scenario_note
from .elements import _json_for_script
from .text import _esc

__all__: list[str] = []

#: Layers drawn per scenario when the map holds two scenarios or more.
SCENARIO_LAYERS = ("hazard", "sea_level_zones", "exposure")
_SLR_RE = re.compile(r"slr[_-]?(\d+(?:\.\d+)?)\s*cm", re.IGNORECASE)


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _row_key(row: Mapping[str, Any]) -> tuple[int, float, str] | None:
    """Return the scenario of a row: (0, years), (1, cm) or (2, 0, hazard name); None: none."""
    rp = _number(row.get("return_period"))
    if rp is not None:
        return (0, rp, "")
    cm = _number(row.get("slr_cm"))
    name = row.get("hazard")
    if cm is None and isinstance(name, str) and _SLR_RE.search(name):
        cm = float(_SLR_RE.search(name).group(1))  # type: ignore[union-attr]
    if cm is not None:
        return (1, cm, "")
    return (2, 0.0, str(name)) if isinstance(name, str) and name else None


def _keys(table: pd.DataFrame) -> pd.Series:
    """Return the scenario of every row of a layer (None where it names none)."""
    cols = [c for c in ("return_period", "slr_cm", "hazard") if c in table.columns]
    rows = table[cols].to_dict("records") if cols else [{}] * len(table)
    return pd.Series([_row_key(r) for r in rows], index=table.index, dtype=object)


def _key_text(key: tuple[int, float, str]) -> str:
    return f"{key[0]}:{key[1]:g}:{key[2]}"


def _title(key: tuple[int, float, str], lang: str) -> str:
    kind, value, name = key
    if kind == 2:
        return name
    text = format_number(value, lang, decimals=0 if value == int(value) else 1)
    # (both placeholders: the report's labels name the number {cm}, the QGIS themes' {n})
    name = "scenario.return_period" if kind == 0 else "scenario.slr"
    return label(name, lang).format(n=text, cm=text)


def _scenarios(layers: Mapping[str, pd.DataFrame]) -> list[tuple[int, float, str]]:
    """Return the scenarios of the scenario layers, return periods first, in order.

    Only layers whose every row names a scenario count: a layer of hazard zones that names
    none is drawn whole, as without scenarios.
    """
    found: set[tuple[int, float, str]] = set()
    for name in SCENARIO_LAYERS:
        keys = _keys(layers[name]) if name in layers else pd.Series([None])
        if keys.notna().all():
            found.update(keys)
    return sorted(found)


def _splits(table: pd.DataFrame) -> bool:
    """Whether a scenario layer is drawn per scenario: every row names one."""
    return bool(len(table)) and bool(_keys(table).notna().all())


def _split(table: pd.DataFrame) -> dict[tuple[int, float, str], pd.DataFrame]:
    """Return the rows of a layer by scenario (see :func:`_splits`)."""
    keys = _keys(table)
    return {k: table.loc[keys.apply(lambda v, k=k: v == k)] for k in sorted(set(keys) - {None})}


def _default_scenario(
    found: list[tuple[int, float, str]], legends: Mapping[str, Legend]
) -> tuple[int, float, str]:
    """Return the scenario shown first: the exposure legend's, the 100-year flood, the first."""
    legend = legends.get("exposure")
    if legend is not None and legend.where:
        key = _row_key(legend.where)
        if key in found:
            return key  # type: ignore[return-value]
    return next((k for k in found if k[:2] == (0, 100.0)), found[0])


def _legend_title(legend: Legend, key: tuple[int, float, str], lang: str) -> str:
    """Return a legend's title naming scenario ``key`` (as the legends of one scenario do)."""
    kind, value, name = key
    if kind == 0:
        note = scenario_note(name, value)
    elif kind == 1:
        note = tuple(_title(key, g) for g in ("vi", "en"))
    else:
        note = scenario_note(name, None)
    return replace(legend, note=note).title(lang)


class _ScenarioSwitch(MacroElement):
    """The radio buttons choosing the scenario every scenario layer shows."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.nbg-scenarios {padding: 6px 10px; font: 12px/1.4 sans-serif;}
        .nbg-scenarios label {display: block; cursor: pointer;}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var groups = [
            {%- for group, parts in this.groups %}
                [{{ group.get_name() }}, {
                {%- for key, layer in parts %}{{ key|tojson }}: {{ layer.get_name() }},{% endfor -%}
                }],
            {%- endfor %}
            ];
            var titles = {{ this.titles }};
            function pick(key) {
                groups.forEach(function (g) {
                    Object.keys(g[1]).forEach(function (k) {
                        if (k === key) { g[0].addLayer(g[1][k]); }
                        else { g[0].removeLayer(g[1][k]); }
                    });
                });
                // the legend titles name the scenario shown
                Object.keys(titles).forEach(function (layer) {
                    var summary = document.querySelector(
                        '.nbg-legend-box[data-layer="' + layer + '"] summary');
                    if (summary && summary.lastChild) {
                        summary.lastChild.textContent = titles[layer][key] || '';
                    }
                });
            }
            var Switch = L.Control.extend({
                options: {position: 'topright'},
                onAdd: function () {
                    var div = L.DomUtil.create(
                        'div', 'leaflet-control-layers leaflet-control nbg-scenarios');
                    div.innerHTML = {{ this.html }};
                    L.DomEvent.disableClickPropagation(div);
                    L.DomEvent.disableScrollPropagation(div);
                    div.addEventListener('change', function (e) { pick(e.target.value); });
                    return div;
                }
            });
            new Switch().addTo(map);
            pick({{ this.first|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        groups: list[tuple[Any, dict[tuple[int, float, str], Any]]],
        legends: Mapping[str, Legend],
        first: tuple[int, float, str],
        lang: str,
    ) -> None:
        super().__init__()
        self._name = "NbgScenarios"
        self.groups = [(g, [(_key_text(k), v) for k, v in parts.items()]) for g, parts in groups]
        found = sorted({k for _, parts in groups for k in parts})
        none = f" ({label('map.no_scenario', lang)})"
        titles = {
            legend.layer: {
                _key_text(k): _legend_title(legend, k, lang) + ("" if k in parts else none)
                for k in found
            }
            for legend, (_, parts) in zip(legends.values(), groups, strict=True)
        }
        self.titles = _json_for_script(titles)
        self.first = _key_text(first)
        rows = [
            f'<label><input type="radio" name="nbg-scenario" value="{_esc(_key_text(k))}"'
            f"{' checked' if k == first else ''}> {_esc(_title(k, lang))}</label>"
            for k in found
        ]
        heading = f"<strong>{_esc(label('map.scenario', lang))}</strong>"
        self.html = _json_for_script(heading + "".join(rows))
