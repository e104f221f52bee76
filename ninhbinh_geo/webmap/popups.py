"""Popups and tooltips: the key figures, source and accuracy of a feature, escaped HTML.

folium's ``Popup``, ``Tooltip``, ``GeoJsonPopup`` and ``GeoJsonTooltip`` insert their text into
the page as markup, so they are not used: the popups and tooltips are finished HTML built here,
every text from data escaped (:mod:`.text`), and travel with the features' properties.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..labels import label
from ..styles import Legend
from .text import _col_label, _esc, _fmt_value, _is_missing

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
        "address_2025",
        "area_ha",
        "occupancy_pct",
        "jobs_per_ha",
        "projects_per_ha",
        # the nearest hub in a straight line and the road to it, then the nearest by road
        "nearest_park",
        "straight_km",
        "straight_basis",
        "road_km_to_nearest",
        "road_park",
        "road_km",
        "detour_ratio",
        "expansion_ha",
        "travel_min",
        "people_30min_2020",
        "access_2sfca",
    ),
    "parks": (
        "site_id",
        "kind",
        "major",
        "status",
        "status_year",
        "former_province",
        "district_old",
        "address_2025",
        "area_ha",
        "occupancy_pct",
        "jobs",
        "projects",
    ),
    "satellite_links": ("site_id", "park_name", "rank", "straight_km", "straight_basis", "road_km"),
    "flood_cut_roads": ("closed_rp", "links_cut", "links_cut_alone", "site_ids", "length_m"),
    "sea_level_zones": ("inundation_class", "slr_cm", "water_level_m", "datum_offset_m", "area_ha"),
    "hazard": ("hazard", "return_period", "depth_class"),
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
    # access and siting (issue 14)
    "service_areas": ("park_name", "minutes", "area_km2", "clusters_within", "buffer_basis"),
    "candidate_sites": (
        "candidate_id",
        "score",
        "stay_share",
        "travel_min",
        "people_30min",
        "road_m",
        "area_ha",
        "accuracy_basis",
    ),
}
_ACCURACY_COLUMNS = ("accuracy", "location_accuracy", "footprint_accuracy")
_TOOLTIP_MAX_CHARS = 80


def _popup_columns(
    name: str, legend: Legend, popup_columns: Mapping[str, Sequence[str]]
) -> list[str]:
    """Return the columns shown in the popups of layer ``name`` (the legend's column too)."""
    columns = list(popup_columns.get(name, _POPUP_COLUMNS.get(name, ())))
    if legend.column and legend.column not in columns and name in _POPUP_COLUMNS:
        columns.append(legend.column)
    return columns


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
            rows.append((_col_label(col, lang), _fmt_value(col, row[col], lang, row)))
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
    rows = [(_col_label(c, lang), _fmt_value(c, row[c], lang, row)) for c in columns if c in row]
    if details:
        parts.append(_table(rows) if rows else "")
        parts.append(details)
        rows = []
    rows += _provenance_rows(row, lang)
    if rows:
        parts.append(_table(rows))
    parts.append("</div>")
    return "".join(parts)


def _placed_by_district(row: Mapping[str, Any]) -> bool:
    """Whether a site is still placed by district (an illustrative location)."""
    return row.get("location_accuracy") == "illustrative"


def _tooltip_html(row: Mapping[str, Any], legend: Legend, *, layer: str, lang: str) -> str:
    name = _title_of(row, layer, lang)
    if len(name) > _TOOLTIP_MAX_CHARS:
        name = name[: _TOOLTIP_MAX_CHARS - 1] + "…"
    text = f"<bdi>{_esc(name)}</bdi>"
    if _placed_by_district(row):
        text += f' <span class="nbg-note">({_esc(label("map.illustrative_location", lang))})</span>'
    if legend.column and legend.column in row:
        value = _fmt_value(legend.column, row[legend.column], lang, row)
        text += f" · {_esc(_col_label(legend.column, lang))}: {value}"
    return text


def _details_table(rows: list[dict[str, Any]], columns: Sequence[str], lang: str) -> str:
    if not rows:
        return ""
    shown = [c for c in columns if c in rows[0]]
    head = "".join(f"<th>{_esc(_col_label(c, lang))}</th>" for c in shown)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt_value(c, r[c], lang, r)}</td>" for c in shown) + "</tr>"
        for r in rows
    )
    return f'<table class="nbg-table nbg-rows"><tr>{head}</tr>{body}</table>'
