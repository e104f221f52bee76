"""The features of each layer: geometries and site markers with their style, popup and tooltip.

A layer drawn by its own geometry (:func:`_geometry_features`) gives one feature per row, plus a
circle marker at the location point of every cluster and park; a site still placed by district
(``location_accuracy`` illustrative) gets a hollow, dashed marker and says so in its tooltip.
The per-(site, x) tables give one marker per site (:func:`_site_features`): the exposure of the
scenario the legend names (a halo under the site), and the zoning outcome (a ring under the
site, so the cluster stays visible). Every feature names its pane, so areas lie under lines and
lines under points whatever order the layers are switched on in. The layers come in EPSG:4326,
checked by :func:`ninhbinh_geo.webmap.make_map`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from ..labels import label
from ..styles import Legend
from .popups import (
    _ACCURACY_COLUMNS,
    _details_table,
    _placed_by_district,
    _popup_html,
    _table,
    _tooltip_html,
)
from .text import _col_label, _esc, _fmt_value, _is_missing

#: Zoning results, worst first: a site's marker shows its worst result.
_RESULT_ORDER = ("fail", "needs_review", "pass", "not_applicable")
_SITE_RADIUS_PX = 5
_MAJOR_RADIUS_PX = 8
_FINDING_RADIUS_PX = 9
_EXPOSURE_RADIUS_PX = 12
#: Leaflet panes (created by make_map), bottom to top, with their z-index: areas < lines <
#: the halos and rings drawn under sites < the site markers.
PANES = {
    "nbg-areas": 410,
    "nbg-lines": 420,
    "nbg-halos": 430,
    "nbg-rings": 435,
    "nbg-points": 440,
}
# A site still placed by district: a hollow marker with a dashed edge, a dashed outline.
_DASH = "3 2"

_Site = tuple[dict[str, Any], Any]
_Feature = tuple[Any, dict[str, Any]]


def _has_geometry(gdf: pd.DataFrame) -> bool:
    if not isinstance(gdf, gpd.GeoDataFrame):
        return False
    try:
        gdf.geometry  # noqa: B018 - raises when the frame has no active geometry column
    except AttributeError:
        return False
    return True


def _records(gdf: pd.DataFrame) -> tuple[list[dict[str, Any]], list[Any]]:
    """Return the rows as dicts (without geometry) and the geometries (None for a table)."""
    if _has_geometry(gdf):
        geom_col = gdf.geometry.name
        return gdf.drop(columns=geom_col).to_dict("records"), list(gdf.geometry.to_numpy())
    return gdf.to_dict("records"), [None] * len(gdf)


def _sites_lookup(layers: Mapping[str, pd.DataFrame]) -> dict[object, _Site]:
    """Return ``{site_id: (attributes, footprint)}`` of the checked clusters and parks."""
    out: dict[object, _Site] = {}
    for name in ("clusters", "parks"):
        gdf = layers.get(name)
        if gdf is None or "site_id" not in gdf.columns:
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
    table: pd.DataFrame, sites: Mapping[object, _Site]
) -> tuple[list[tuple[list[dict[str, Any]], dict[str, Any], Point]], list[object]]:
    """Group a checked per-(site, x) table by site and find each site's location point.

    Returns ``[(rows of the site, attributes of the site, point)]`` and the ids not located.
    The point is the table's own point geometry, else the site layers' lon/lat, else the
    table's lon/lat, else a point inside the table's or the site's shape.
    """
    records, geoms = _records(table)
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
            "fill": True,  # folium's CircleMarker is not filled by default
            "fillColor": color,
            "fillOpacity": 0.9,
            "weight": weight,
            "radius": radius,
            "pane": "nbg-points",
        }
    if legend.geometry == "line":
        return {
            "color": color,
            "weight": weight,
            "opacity": 0.9,
            "fill": False,
            "pane": "nbg-lines",
        }
    return {
        "color": color,
        "fill": True,
        "fillColor": color,
        "fillOpacity": 0.45,
        "weight": weight,
        "pane": "nbg-areas",
    }


def _area_style(legend: Legend, color: str, name: str, weight: float) -> dict:
    """Areas of a layer: a site footprint outlined; hazard zones without outlines (cell edges)."""
    style = _style(legend, color, point=False, radius=0, weight=weight)
    if name == "hazard":
        return {**style, "stroke": False, "fillOpacity": 0.4}
    return style


def _by_district(style: dict, *, point: bool) -> dict:
    """Return the style of a site still placed by district: hollow marker, dashed edges."""
    if point:
        return {
            **style,
            "fillColor": "#ffffff",
            "fillOpacity": 1.0,
            "weight": 2.5,
            "dashArray": _DASH,
        }
    return {**style, "fillOpacity": 0.15, "dashArray": _DASH}


def _link_title(row: dict[str, Any], sites: Mapping[object, _Site]) -> dict[str, Any]:
    """Name a satellite link by its cluster and hub: "CCN Mai Sơn → KCN Đồng Văn I"."""
    if "name_vi" in row or "site_id" not in row:
        return row
    cluster = sites.get(row["site_id"], ({}, None))[0].get("name_vi", row["site_id"])
    park = row.get("park_name")
    return {**row, "name_vi": f"{cluster} → {park}" if not _is_missing(park) else cluster}


def _geometry_features(
    gdf: gpd.GeoDataFrame,
    name: str,
    legend: Legend,
    *,
    columns: Sequence[str],
    lang: str,
    interactive: bool,
    sites: Mapping[object, _Site] | None = None,
) -> tuple[list[_Feature], list[object], bool]:
    """Return the features of a layer drawn by its own geometry (and site points).

    Also returns the ids of the rows not drawn (no geometry) and whether any feature got the
    legend's no-data colour.
    """
    colors = legend.colors(gdf[legend.column] if legend.column else gdf.index.to_series())
    is_site = name in ("clusters", "parks")
    ids = list(gdf["site_id"] if "site_id" in gdf.columns else gdf.index)
    records, geoms = _records(gdf)
    if name == "satellite_links":
        records = [_link_title(r, sites or {}) for r in records]
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
        by_district = is_site and _placed_by_district(row)
        if not empty and geom.geom_type != "Point":
            style = _area_style(legend, color, name, weight)
            style = _by_district(style, point=False) if by_district else style
            features.append(_feature(geom, style, popup, tooltip))
        if is_site and point is not None:
            radius = _MAJOR_RADIUS_PX if major else _SITE_RADIUS_PX
            style = _style(legend, color, point=True, radius=radius, weight=weight)
            style = _by_district(style, point=True) if by_district else style
            features.append(_feature(point, style, popup, tooltip))
        elif not is_site and not empty and geom.geom_type == "Point":
            style = _style(legend, color, point=True, radius=_SITE_RADIUS_PX, weight=weight)
            features.append(_feature(geom, style, popup, tooltip))
    return features, lost, nodata


def _zoning_summary(outcome: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """Return the popup head of a zoning outcome: worst result, binding rule, margin, missing."""
    from ..zoning import missing_text  # words for the missing inputs, from the analysis floor

    rows = [(label("map.worst_result", lang), _fmt_value("result", outcome["worst_result"], lang))]
    if outcome.get("binding_rule"):
        rows.append(
            (label("map.binding_rule", lang), _fmt_value("", outcome["binding_rule"], lang))
        )
    margin = outcome.get(f"binding_margin_{lang}", "")
    if margin:
        rows.append((label("map.binding_margin", lang), _esc(margin)))
    keys = [k for k in str(outcome.get("binding_missing_input", "")).split("; ") if k]
    if keys:
        words = "; ".join(missing_text(k, lang) for k in keys)
        rows.append((label("map.missing_input", lang), _esc(words)))
    return rows


def _site_marker(
    rows: list[dict[str, Any]],
    name: str,
    legend: Legend,
    lang: str,
    outcome: Mapping[str, Any] | None,
) -> tuple[object, str, list[tuple[str, str]], dict]:
    """Return the value, colour, summary rows and style of one site's marker."""
    if name == "zoning_findings":
        worst = min((r["result"] for r in rows), key=_RESULT_ORDER.index)
        outcome = outcome or {"worst_result": worst, "outcome": worst}
        value: object = outcome[legend.column] if legend.column == "outcome" else worst
        color = legend.color_for(value)
        summary = _zoning_summary(outcome, lang)
        style = {
            "color": color,
            "fill": False,
            "weight": 3,
            "radius": _FINDING_RADIUS_PX,
            "pane": "nbg-rings",
        }
        return value, color, summary, style
    # the scenario the legend names (all rows of the site when it names none)
    chosen = [r for r in rows if all(r.get(c) == v for c, v in legend.where.items())]
    values = pd.to_numeric(pd.Series([r[legend.column] for r in chosen], dtype=object))
    value = float(values.max()) if values.notna().any() else float("nan")
    color = legend.color_for(value)
    summary = [(_col_label(legend.column, lang), _fmt_value(legend.column, value, lang))]
    style = {
        "color": color,
        "fill": True,
        "fillColor": color,
        "fillOpacity": 0.8,
        "stroke": False,
        "radius": _EXPOSURE_RADIUS_PX,
        "pane": "nbg-halos",
    }
    return value, color, summary, style


def _site_features(
    table: pd.DataFrame,
    name: str,
    legend: Legend,
    *,
    sites: Mapping[object, _Site],
    columns: Sequence[str],
    lang: str,
) -> tuple[list[_Feature], list[object], bool]:
    """Return one marker per site for the per-(site, x) tables: exposure and zoning findings.

    Also returns the ids of the sites not located and whether any marker got the legend's
    no-data colour. A zoning popup lists the rules that fail or need review (the others are
    counted); an exposure popup every scenario of the site.
    """
    outcomes: dict[object, dict[str, Any]] = {}
    if name == "zoning_findings":
        from ..styles import zoning_outcomes

        columns = [*columns]
        statement = f"statement_{lang}"
        columns.insert(2, statement if statement in table.columns else "statement_vi")
        outcomes = {o["site_id"]: o for o in zoning_outcomes(table).to_dict("records")}
    groups, lost = _per_site(table, sites)
    features = []
    nodata = False
    for rows, base, point in groups:
        outcome = outcomes.get(rows[0]["site_id"])
        value, color, summary, style = _site_marker(rows, name, legend, lang, outcome)
        nodata = nodata or (legend.kind != "single" and color == legend.nodata_color)
        row = {**base, legend.column: value}
        shown = rows
        if name == "zoning_findings":
            shown = [r for r in rows if r["result"] in ("fail", "needs_review")]
            if len(shown) < len(rows):
                others = label("map.other_rules", lang).format(n=len(rows) - len(shown))
                summary = [*summary, ("", _esc(others))]
        details = _table(summary) + _details_table(shown, columns, lang)
        popup = _popup_html(row, (), layer=name, legend=legend, lang=lang, details=details)
        tooltip = _tooltip_html(row, legend, layer=name, lang=lang)
        features.append(_feature(point, style, popup, tooltip))
    return features, lost, nodata
