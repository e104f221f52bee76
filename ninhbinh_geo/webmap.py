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
"""

from __future__ import annotations

import base64
import functools
import html
import importlib.resources
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import CssLink, Element, Figure, JavascriptLink, MacroElement
from folium.template import Template
from folium.utilities import JsCode
from shapely.geometry import Point

from . import _atomic
from . import crs as _crs
from ._errors import NinhBinhGeoError, OutputError, SchemaError, first_ids
from .labels import LANGS, label
from .styles import Legend

__all__ = ["LAYER_ORDER", "make_map", "save_map"]

#: Layers :func:`make_map` draws, bottom to top (the order of the layer control).
LAYER_ORDER = (
    "hazard",
    "exposure",
    "districts",
    "former_provinces",
    "province",
    "coastline",
    "roads",
    "satellite_links",
    "parks",
    "clusters",
    "zoning_findings",
)

# Boundaries, coastline and roads are the base map: drawn without popups so that a click always
# reaches the sites above them.
_BASE_LAYERS = ("districts", "former_provinces", "province", "coastline", "roads")

#: Columns shown in the popups by default (only those present in the layer are shown).
_POPUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "clusters": (
        "site_id",
        "kind",
        "status",
        "status_year",
        "former_province",
        "district_old",
        "communes",
        "area_ha",
        "occupancy_pct",
        "jobs_per_ha",
        "projects_per_ha",
        "nearest_park",
        "straight_km",
        "road_km",
        "detour_ratio",
        "expansion_ha",
    ),
    "parks": (
        "site_id",
        "kind",
        "major",
        "status",
        "status_year",
        "former_province",
        "district_old",
        "area_ha",
        "occupancy_pct",
        "jobs",
        "projects",
    ),
    "satellite_links": ("site_id", "park_name", "rank", "straight_km", "road_km"),
    "hazard": ("hazard", "return_period", "depth_m"),
    "exposure": (
        "hazard",
        "return_period",
        "exposed_ha",
        "exposed_share",
        "mean_depth_m",
        "max_depth_m",
        "ead_ha",
    ),
    "zoning_findings": ("rule_id", "result", "measured", "threshold", "unit", "legal_source"),
}
_ACCURACY_COLUMNS = ("accuracy", "location_accuracy", "footprint_accuracy")
# Columns whose values are label keys ``<prefix>.<value>`` (translated in popups).
_CATEGORY_PREFIX = {
    "status": "status",
    "kind": "kind",
    "result": "result",
    "accuracy": "accuracy",
    "location_accuracy": "accuracy",
    "footprint_accuracy": "accuracy",
}
#: Zoning results, worst first: a site's marker shows its worst result.
_RESULT_ORDER = ("fail", "needs_review", "pass", "not_applicable")
_TOOLTIP_MAX_CHARS = 80
_SITE_RADIUS_PX = 5
_MAJOR_RADIUS_PX = 8
_FINDING_RADIUS_PX = 10
_EXPOSURE_RADIUS_PX = 12


@functools.lru_cache(maxsize=1024)
def _has_label(key: str) -> bool:
    try:
        label(key, "vi")
    except KeyError:
        return False
    return True


# branca compiles every rendered piece of the page again as a Jinja template, so a "{{" or "{%"
# in a name would be evaluated (or break the page): braces in data become HTML entities.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def _esc(text: object) -> str:
    """Escape text from data for HTML (and for branca's second Jinja pass)."""
    return html.escape(str(text), quote=True).translate(_BRACES)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _fmt_number(value: float) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.0f}"


def _fmt_value(column: str, value: object, lang: str) -> str:
    """Return the escaped HTML of one attribute value."""
    if _is_missing(value):
        return f'<span class="nbg-nodata">{_esc(label("nodata", lang))}</span>'
    if isinstance(value, bool | np.bool_):
        return _esc(label(f"bool.{str(bool(value)).lower()}", lang))
    if isinstance(value, int | float | np.integer | np.floating):
        return _esc(_fmt_number(float(value)))
    prefix = _CATEGORY_PREFIX.get(column)
    if prefix and _has_label(f"{prefix}.{value}"):
        return _esc(label(f"{prefix}.{value}", lang))
    # <bdi> keeps a right-to-left mark or bidi text in a name from reordering the row around it.
    return f"<bdi>{_esc(value)}</bdi>"


def _col_label(column: str, lang: str) -> str:
    key = "col.statement" if column in ("statement_vi", "statement_en") else f"col.{column}"
    return label(key, lang) if _has_label(key) else column


def _link(url: object, text: object) -> str:
    """Return an escaped link, or plain text when ``url`` is not an http(s) address."""
    shown = f"<bdi>{_esc(text)}</bdi>"
    if _is_missing(url) or not re.match(r"^https?://", str(url).strip(), flags=re.IGNORECASE):
        return shown
    href = _esc(str(url).strip())
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{shown}</a>'


def _is_illustrative(row: Mapping[str, Any], legend: Legend) -> bool:
    present = [c for c in _ACCURACY_COLUMNS if c in row]
    if not present:
        return legend.illustrative
    return any(row[c] == "illustrative" for c in present if not _is_missing(row[c]))


def _title_of(row: Mapping[str, Any], layer: str, lang: str) -> str:
    for col in ("name_vi", "name", "site_id"):
        if col in row and not _is_missing(row[col]) and str(row[col]).strip():
            return str(row[col])
    return label(f"layer.{layer}", lang)


def _table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="nbg-table">{cells}</table>'


def _provenance_rows(row: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """Return the source (as a link), its date and licence, and the accuracy classes."""
    rows: list[tuple[str, str]] = []
    if "source" in row or "source_url" in row:
        text = row.get("source")
        url = row.get("source_url")
        if _is_missing(text) or not str(text).strip():
            text = url if not _is_missing(url) else label("nodata", lang)
        rows.append((label("col.source", lang), _link(url, text)))
    for col in ("source_date", "licence", *_ACCURACY_COLUMNS):
        if col in row:
            rows.append((_col_label(col, lang), _fmt_value(col, row[col], lang)))
    return rows


def _popup_html(
    row: Mapping[str, Any],
    columns: Sequence[str],
    *,
    layer: str,
    legend: Legend,
    lang: str,
    details: str = "",
) -> str:
    parts = [f'<div class="nbg-popup"><h4><bdi>{_esc(_title_of(row, layer, lang))}</bdi></h4>']
    if _is_illustrative(row, legend):
        parts.append(f'<p class="nbg-warn">{_esc(label("warn.illustrative", lang))}</p>')
    rows = [(_col_label(c, lang), _fmt_value(c, row[c], lang)) for c in columns if c in row]
    if details:
        parts.append(_table(rows) if rows else "")
        parts.append(details)
        rows = []
    rows += _provenance_rows(row, lang)
    if rows:
        parts.append(_table(rows))
    parts.append("</div>")
    return "".join(parts)


def _tooltip_html(row: Mapping[str, Any], legend: Legend, *, layer: str, lang: str) -> str:
    name = _title_of(row, layer, lang)
    if len(name) > _TOOLTIP_MAX_CHARS:
        name = name[: _TOOLTIP_MAX_CHARS - 1] + "…"
    text = f"<bdi>{_esc(name)}</bdi>"
    if legend.column and legend.column in row:
        value = _fmt_value(legend.column, row[legend.column], lang)
        text += f" · {_esc(_col_label(legend.column, lang))}: {value}"
    return text


# --- preparing the layers -------------------------------------------------------------------


def _check_layers(layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]) -> None:
    unknown = [name for name in layers if name not in LAYER_ORDER]
    if unknown:
        raise SchemaError(
            f"make_map got unknown layer name(s) {first_ids(unknown)}; use the names of "
            f"styles.default_legends: {', '.join(LAYER_ORDER)}."
        )
    missing = [name for name in layers if name not in legends]
    if missing:
        raise SchemaError(
            f"Layer(s) {first_ids(missing)} have no legend, and the web map takes every colour "
            f"from a legend. Build the legends with styles.default_legends(layers)."
        )
    for name, gdf in layers.items():
        column = legends[name].column
        if column and name not in ("exposure", "zoning_findings") and column not in gdf.columns:
            raise SchemaError(
                f"Layer '{name}': the legend colours by column '{column}', which the layer "
                f"does not have. Rebuild the legends from these layers with "
                f"styles.default_legends."
            )


def _has_geometry(gdf: pd.DataFrame) -> bool:
    if not isinstance(gdf, gpd.GeoDataFrame):
        return False
    try:
        gdf.geometry  # noqa: B018 - raises when the frame has no active geometry column
    except AttributeError:
        return False
    return True


def _to_storage(gdf: pd.DataFrame, name: str) -> gpd.GeoDataFrame | None:
    """Return the layer in EPSG:4326, or None when it has no geometry (a plain table)."""
    if not _has_geometry(gdf):
        return None
    if gdf.empty:
        return gdf.set_crs(4326, allow_override=True) if gdf.crs is None else gdf.to_crs(4326)
    return _crs.to_storage(gdf, name)


_Site = tuple[dict[str, Any], Any]


def _records(gdf: pd.DataFrame) -> tuple[list[dict[str, Any]], list[Any]]:
    """Return the rows as dicts (without geometry) and the geometries (None for a table)."""
    if _has_geometry(gdf):
        geom_col = gdf.geometry.name
        return gdf.drop(columns=geom_col).to_dict("records"), list(gdf.geometry.to_numpy())
    return gdf.to_dict("records"), [None] * len(gdf)


def _sites_lookup(layers: Mapping[str, pd.DataFrame]) -> dict[object, _Site]:
    """Return ``{site_id: (attributes, footprint)}`` of the clusters and parks."""
    out: dict[object, _Site] = {}
    for name in ("clusters", "parks"):
        gdf = layers.get(name)
        if gdf is None or "site_id" not in gdf.columns:
            continue
        gdf = _to_storage(gdf, name)
        if gdf is None:
            continue
        keep = [c for c in ("site_id", "name_vi", "lon", "lat", *_ACCURACY_COLUMNS) if c in gdf]
        records, geoms = _records(gdf[[*keep, gdf.geometry.name]])
        for rec, geom in zip(records, geoms, strict=True):
            out.setdefault(rec["site_id"], (rec, geom))
    return out


def _point_of(row: Mapping[str, Any], geom: Any) -> Point | None:
    """Return the site's location point: lon/lat when given, else a point inside the shape."""
    lon, lat = row.get("lon"), row.get("lat")
    if not _is_missing(lon) and not _is_missing(lat):
        return Point(float(lon), float(lat))
    if geom is None or geom.is_empty:
        return None
    return geom.representative_point()


def _per_site(
    table: pd.DataFrame, name: str, sites: Mapping[object, _Site]
) -> tuple[list[tuple[list[dict[str, Any]], dict[str, Any], Point]], list[object]]:
    """Group a per-(site, x) table by site and find each site's location point.

    Returns ``[(rows of the site, attributes of the site, point)]`` and the ids not located.
    The point is the table's own point geometry, else the site layers' lon/lat, else the
    table's lon/lat, else a point inside the table's or the site's shape.
    """
    if "site_id" not in table.columns:
        raise SchemaError(
            f"Layer '{name}' has no column 'site_id'; the web map draws it per site. Pass the "
            f"table returned by the analysis unchanged."
        )
    gdf = _to_storage(table, name)
    records, geoms = _records(gdf if gdf is not None else table)
    groups: dict[object, list[int]] = {}
    for i, rec in enumerate(records):
        groups.setdefault(rec["site_id"], []).append(i)
    out, lost = [], []
    for site_id, idx in groups.items():
        rows = [records[i] for i in idx]
        site_rec, site_geom = sites.get(site_id, ({}, None))
        own = [geoms[i] for i in idx if geoms[i] is not None and not geoms[i].is_empty]
        base = {**site_rec}
        for col in ("name_vi", "source", "source_url", "source_date", "licence", "accuracy"):
            if col in rows[0] and not _is_missing(rows[0][col]):
                base[col] = rows[0][col]
        geom = own[0] if own else site_geom
        if geom is not None and geom.geom_type == "Point":
            point = geom
        else:
            # The site layer's lon/lat win over the table's own: one point per site on the map.
            point = _point_of({**rows[0], **site_rec}, geom)
        if point is None:
            lost.append(site_id)
            continue
        out.append((rows, base, point))
    return out, lost


_Feature = tuple[Any, dict[str, Any]]


def _feature(geom: Any, style: dict, popup: str | None, tooltip: str | None) -> _Feature:
    """Return one feature as (shapely geometry, properties); JSON is written on save."""
    props: dict[str, Any] = {"style": style}
    if popup is not None:
        props["popup"] = popup
    if tooltip is not None:
        props["tooltip"] = tooltip
    return geom, props


def _style(legend: Legend, color: str, *, point: bool, radius: float, weight: float) -> dict:
    if point:
        return {
            "color": color,
            "fillColor": color,
            "fillOpacity": 0.9,
            "weight": weight,
            "radius": radius,
        }
    if legend.geometry == "line":
        return {"color": color, "weight": weight, "opacity": 0.9, "fill": False}
    return {"color": color, "fillColor": color, "fillOpacity": 0.45, "weight": weight}


def _geometry_features(
    gdf: gpd.GeoDataFrame,
    name: str,
    legend: Legend,
    *,
    columns: Sequence[str],
    lang: str,
    interactive: bool,
) -> tuple[list[_Feature], list[object], bool]:
    """Return the features of a layer drawn by its own geometry (and site points).

    Also returns the ids of the rows not drawn (no geometry) and whether any feature got the
    legend's no-data colour.
    """
    colors = legend.colors(gdf[legend.column] if legend.column else gdf.index.to_series())
    is_site = name in ("clusters", "parks")
    ids = list(gdf["site_id"] if "site_id" in gdf.columns else gdf.index)
    records, geoms = _records(gdf)
    features, lost = [], []
    nodata = False
    for row, geom, color, row_id in zip(records, geoms, colors, ids, strict=True):
        empty = geom is None or geom.is_empty
        point = _point_of(row, geom) if is_site else None
        if empty and point is None:
            lost.append(row_id)
            continue
        nodata = nodata or (legend.kind != "single" and color == legend.nodata_color)
        popup = tooltip = None
        if interactive:
            popup = _popup_html(row, columns, layer=name, legend=legend, lang=lang)
            tooltip = _tooltip_html(row, legend, layer=name, lang=lang)
        major = name == "parks" and row.get("major") is True
        weight = 3.0 if major else (2.0 if legend.geometry == "line" else 1.0)
        if not empty and geom.geom_type != "Point":
            style = _style(legend, color, point=False, radius=0, weight=weight)
            features.append(_feature(geom, style, popup, tooltip))
        if is_site and point is not None:
            radius = _MAJOR_RADIUS_PX if major else _SITE_RADIUS_PX
            style = _style(legend, color, point=True, radius=radius, weight=weight)
            features.append(_feature(point, style, popup, tooltip))
        elif not is_site and not empty and geom.geom_type == "Point":
            style = _style(legend, color, point=True, radius=_SITE_RADIUS_PX, weight=weight)
            features.append(_feature(geom, style, popup, tooltip))
    return features, lost, nodata


def _details_table(rows: list[dict[str, Any]], columns: Sequence[str], lang: str) -> str:
    shown = [c for c in columns if c in rows[0]]
    head = "".join(f"<th>{_esc(_col_label(c, lang))}</th>" for c in shown)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt_value(c, r[c], lang)}</td>" for c in shown) + "</tr>"
        for r in rows
    )
    return f'<table class="nbg-table nbg-rows"><tr>{head}</tr>{body}</table>'


def _site_features(
    table: pd.DataFrame,
    name: str,
    legend: Legend,
    *,
    sites: Mapping[object, _Site],
    columns: Sequence[str],
    lang: str,
) -> tuple[list[_Feature], list[object], bool]:
    """Return one marker per site for the per-(site, x) tables: exposure and zoning findings."""
    if legend.column not in table.columns:
        raise SchemaError(
            f"Layer '{name}' has no column '{legend.column}', which its legend colours by. "
            f"Pass the table returned by the analysis unchanged."
        )
    if name == "zoning_findings":
        bad = table.loc[~table["result"].isin(_RESULT_ORDER)]
        if not bad.empty:
            ids = bad["site_id"] if "site_id" in bad.columns else bad.index
            raise SchemaError(
                f"Layer 'zoning_findings': column 'result' has values outside "
                f"{_RESULT_ORDER} for sites {first_ids(pd.unique(ids))}. Use the results of "
                f"zoning.check."
            )
        columns = [*columns]
        statement = f"statement_{lang}"
        columns.insert(2, statement if statement in table.columns else "statement_vi")
    groups, lost = _per_site(table, name, sites)
    features = []
    nodata = False
    for rows, base, point in groups:
        if name == "zoning_findings":
            value: object = min((r["result"] for r in rows), key=_RESULT_ORDER.index)
            color = legend.color_for(value)
            summary = [(label("map.worst_result", lang), _fmt_value("result", value, lang))]
            style = {"color": color, "fill": False, "weight": 3, "radius": _FINDING_RADIUS_PX}
        else:
            values = pd.to_numeric(pd.Series([r[legend.column] for r in rows]), errors="coerce")
            value = float(values.max()) if values.notna().any() else float("nan")
            color = legend.color_for(value)
            summary = [(_col_label(legend.column, lang), _fmt_value(legend.column, value, lang))]
            style = {
                "color": color,
                "fillColor": color,
                "fillOpacity": 0.8,
                "stroke": False,
                "radius": _EXPOSURE_RADIUS_PX,
            }
        nodata = nodata or (legend.kind != "single" and color == legend.nodata_color)
        row = {**base, legend.column: value}
        details = _table(summary) + _details_table(rows, columns, lang)
        popup = _popup_html(row, (), layer=name, legend=legend, lang=lang, details=details)
        tooltip = _tooltip_html(row, legend, layer=name, lang=lang)
        features.append(_feature(point, style, popup, tooltip))
    return features, lost, nodata


# --- legend and page furniture --------------------------------------------------------------

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

    def __init__(self, features: list[_Feature]) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.features = features

    def render(self, **kwargs: Any) -> None:
        """Add the script that loads and styles the features to the page."""
        layer = self._parent.get_name()
        geoms = shapely.to_geojson(np.array([g for g, _ in self.features], dtype=object))
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


def make_map(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    tiles: str | folium.TileLayer | None = None,
    popup_columns: Mapping[str, Sequence[str]] | None = None,
) -> folium.Map:
    """Draw the layers of a review on an interactive Leaflet map.

    Every colour and class break comes from ``legends`` (see
    :func:`ninhbinh_geo.styles.default_legends`), so the web map, the static maps and the QGIS
    styles agree. Clusters and parks are drawn as their footprint and as a circle marker at their
    location point (major parks larger, with a thicker outline); satellite links as lines
    coloured by km; hazard zones as polygons; exposure as one halo per site coloured by its
    largest ``exposed_share``; zoning findings as one ring per site coloured by its worst
    ``result`` (fail, needs review, pass, not applicable). Boundaries, coastline and roads are
    the base map and have no popups. Popups give the key figures, the source (as a link when it
    is an http(s) address), the accuracy class and, for illustrative rows, the illustrative
    warning. All text from data is HTML-escaped.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layers by the names of :data:`LAYER_ORDER`, in any CRS (reprojected to EPSG:4326).
        ``exposure`` and ``zoning_findings`` may be plain tables with ``site_id``; they are then
        placed at the sites of ``clusters``/``parks``.
    legends : mapping of str to Legend
        One legend per layer, e.g. ``styles.default_legends(layers)``.
    lang : {"vi", "en"}, default "vi"
        Language of titles, labels and popups.
    tiles : str or folium.TileLayer, optional
        A background tile layer (needs internet). By default none: the boundaries are the
        base map and the page works offline.
    popup_columns : mapping of str to sequence of str, optional
        Columns shown in the popups of a layer, replacing the default key figures.

    Returns
    -------
    folium.Map
        The map (Leaflet, EPSG:3857 display), zoomed to the layers. Save it with
        :func:`save_map`; it links to no JavaScript or CSS until then.

    Raises
    ------
    SchemaError
        For an unknown layer name, a layer without a legend, a missing legend or popup column,
        or a zoning result outside pass/fail/needs_review/not_applicable.
    CRSError
        When a layer has no CRS or implausible coordinates.
    NinhBinhGeoError
        When ``lang`` is not "vi" or "en".

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> parks = gpd.GeoDataFrame(
    ...     {"site_id": ["KCN-A"], "name_vi": ["KCN A"], "major": [True],
    ...      "accuracy": ["approximate"]},
    ...     geometry=[Point(105.95, 20.55).buffer(0.01)], crs=4326)
    >>> layers = {"parks": parks}
    >>> m = make_map(layers, styles.default_legends(layers), lang="en")
    >>> type(m).__name__
    'Map'
    """
    if lang not in LANGS:
        raise NinhBinhGeoError(f"make_map: lang must be one of {LANGS}, not {lang!r}.")
    _check_layers(layers, legends)
    popup_columns = dict(popup_columns or {})
    for name, cols in popup_columns.items():
        if name not in layers:
            continue
        missing = [c for c in cols if c not in layers[name].columns]
        if missing:
            raise SchemaError(
                f"Layer '{name}': popup column(s) {first_ids(missing)} not found; choose from "
                f"{sorted(c for c in layers[name].columns if c != 'geometry')}."
            )

    sites = _sites_lookup(layers)
    m = folium.Map(location=[20.4, 106.1], zoom_start=9, tiles=None, control_scale=True)
    # folium's Map lists jQuery, Bootstrap and icon fonts from CDNs; this map uses none of them.
    m.default_js = []
    m.default_css = []
    # Inline Leaflet now, so the map also draws when a notebook displays it (save_map swaps
    # these assets for CDN links when asked to write an online page).
    js, css = _leaflet_assets()
    m.get_root().header.add_child(
        _Raw(f"<style>{css}</style>\n<script>{js}</script>"), name="nbg_leaflet"
    )
    if tiles is not None:
        folium.TileLayer(tiles, name="tiles", control=False).add_to(m)
    m.get_root().title = _esc(label("title.overview", lang))

    bounds: list[np.ndarray] = []
    pairs: list[tuple[Any, str]] = []
    boxes: list[str] = []
    for name in LAYER_ORDER:
        if name not in layers:
            continue
        legend = legends[name]
        interactive = name not in _BASE_LAYERS
        columns = list(popup_columns.get(name, _POPUP_COLUMNS.get(name, ())))
        if legend.column and legend.column not in columns and name in _POPUP_COLUMNS:
            columns.append(legend.column)
        table = layers[name]
        if name in ("exposure", "zoning_findings"):
            features, lost, nodata = _site_features(
                table, name, legend, sites=sites, columns=columns, lang=lang
            )
        else:
            gdf = _to_storage(table, name)
            if gdf is None:
                raise SchemaError(
                    f"Layer '{name}' has no geometry; pass a GeoDataFrame (EPSG:4326 or any "
                    f"CRS) with a geometry column."
                )
            features, lost, nodata = _geometry_features(
                gdf, name, legend, columns=columns, lang=lang, interactive=interactive
            )
        # Roads run far beyond the province; the view is fitted to the rest.
        if features and name != "roads":
            bounds.append(shapely.total_bounds(np.array([g for g, _ in features], dtype=object)))
        layer_name = label(f"layer.{name}", lang)
        if legend.illustrative:
            layer_name += f" ({label('accuracy.illustrative', lang).upper()})"
        # Leaflet's layer control inserts names as HTML.
        layer = folium.GeoJson(
            {"type": "FeatureCollection", "features": []},
            name=_esc(layer_name),
            marker=folium.CircleMarker(),
            on_each_feature=_ON_EACH_FEATURE if interactive else None,
            interactive=interactive,
        )
        layer.add_child(_GeoJsonData(features))
        layer.add_to(m)
        pairs.append((layer, name))
        boxes.append(
            _legend_box(legend, lang, layer_name=layer_name, not_drawn=lost, nodata=nodata)
        )

    b = np.vstack(bounds) if bounds else np.full((1, 4), np.nan)
    if np.isfinite(b).all(axis=1).any():  # a layer of empty geometries has NaN bounds
        b = b[np.isfinite(b).all(axis=1)]
        m.fit_bounds([[b[:, 1].min(), b[:, 0].min()], [b[:, 3].max(), b[:, 2].max()]])
    folium.LayerControl(collapsed=False).add_to(m)
    _Legend(_esc(label("title.overview", lang)), "".join(reversed(boxes)), pairs).add_to(m)
    return m


# --- saving ---------------------------------------------------------------------------------

_ASSETS = "static/js_lib_leaflet"


@functools.lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's JavaScript and CSS from the installed package, images as data URIs."""
    try:
        root = importlib.resources.files("js_lib_leaflet") / _ASSETS
        js = (root / "leaflet.js").read_text(encoding="utf-8")
        css = (root / "leaflet.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise OutputError(
            "The offline web map needs Leaflet from the package django-js-lib-leaflet, which is "
            "not installed: run `pip install django-js-lib-leaflet`, or save with offline=False."
        ) from exc

    def inline_image(match: re.Match) -> str:
        data = (root / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline_image, css)
    # An inline <script>/<style> ends at the first "</script"/"</style", whatever the context.
    if re.search(r"</script", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise OutputError("The installed Leaflet files cannot be inlined (they close the tag).")
    return js, css


class _SourceCollector(HTMLParser):
    """Collect the addresses of external scripts and stylesheets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.external.append(a["src"] or "")
        if tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.external.append(a["href"] or "")


def save_map(m: folium.Map, path: str | os.PathLike, *, offline: bool = True) -> Path:
    """Write a web map to an HTML file, atomically.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`make_map`.
    path : str or path-like
        The HTML file to write; its folder must exist.
    offline : bool, default True
        Inline Leaflet's JavaScript and CSS (read from the installed ``django-js-lib-leaflet``)
        so the page needs no internet. With False, the page loads Leaflet from folium's CDN.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        When the folder does not exist or is not writable, when Leaflet is not installed for an
        offline map, or when the map needs other JavaScript/CSS from the internet (a folium
        plugin or a map not made by :func:`make_map`) while ``offline`` is True.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from pathlib import Path
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> parks = gpd.GeoDataFrame({"site_id": ["KCN-A"], "major": [False]},
    ...                          geometry=[Point(105.95, 20.55).buffer(0.01)], crs=4326)
    >>> layers = {"parks": parks}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_map(make_map(layers, styles.default_legends(layers)),
    ...                    Path(tmp) / "map.html")
    ...     "Leaflet 1.9" in out.read_text(encoding="utf-8")
    True
    """
    path = Path(path)
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise OutputError(f"Cannot save {path}: the map is not attached to a folium Figure.")
    header = figure.header
    # Saving again (say online after offline) replaces the assets; branca has no remove method.
    for name in ("nbg_leaflet", "nbg_leaflet_js", "nbg_leaflet_css"):
        header._children.pop(name, None)
    if offline:
        js, css = _leaflet_assets()
        header.add_child(_Raw(f"<style>{css}</style>\n<script>{js}</script>"), name="nbg_leaflet")
    else:
        urls = dict(folium.Map.default_js + folium.Map.default_css)
        header.add_child(JavascriptLink(urls["leaflet"]), name="nbg_leaflet_js")
        header.add_child(CssLink(urls["leaflet_css"]), name="nbg_leaflet_css")
    page = figure.render()

    if offline:
        collector = _SourceCollector()
        collector.feed(page)
        if collector.external:
            raise OutputError(
                f"Cannot write the offline map {path}: it loads {first_ids(collector.external)} "
                f"from the internet. Build the map with webmap.make_map (no plugins needing "
                f"CDN files), or save with offline=False."
            )
    if not path.parent.is_dir():
        raise OutputError(f"Cannot write {path}: folder {path.parent} does not exist; create it.")
    try:
        _atomic.write_text(path, page)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}. Check the folder.") from exc
    return path
