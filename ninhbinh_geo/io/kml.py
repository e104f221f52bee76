"""KML: the attribute tables that ArcGIS writes into placemark descriptions become columns.

The placemark ``<name>`` of such files is sometimes damaged (the TCVN3 byte 0xAD of "ư" is
lost), while the popup table keeps every attribute, so both are offered to the harmoniser.
"""

from __future__ import annotations

import html.parser

import geopandas as gpd
import pandas as pd


class _TableRows(html.parser.HTMLParser):
    """Collect two-cell table rows (field, value) of the popup tables of ArcGIS KML exports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _description_fields(description: object) -> dict[str, str]:
    if not isinstance(description, str) or "<td" not in description.lower():
        return {}
    parser = _TableRows()
    parser.feed(description)
    return {r[0]: r[1] for r in parser.rows if len(r) == 2 and r[0]}


def _expand_kml_descriptions(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the fields of the description tables as columns (those the layer lacks)."""
    if "description" not in gdf.columns:
        return gdf
    fields = gdf["description"].map(_description_fields)
    if not fields.map(bool).any():
        return gdf
    table = pd.DataFrame(fields.tolist(), index=gdf.index)
    table = table[[c for c in table.columns if c not in gdf.columns]]
    return gdf.join(table)
