"""Internationally designated protected and heritage areas: ``data/protected/``.

Source: the LegoCity open-data heritage layer (CTU-SematX), three polygons in or near the
province: Tràng An (World Heritage), Xuân Thủy (Ramsar site; core of the biosphere reserve) and
the Red River Delta biosphere reserve. Names and designations are facts; the layer's
Vietnamese category labels and remarks are not shipped. Polygons are kept whole (the biosphere
reserve reaches into Thái Bình), not simplified (623 vertices in all).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
from data_names import nfc
from data_write import provenance, write_geojson

__all__ = ["AREAS", "LEGOCITY_HERITAGE", "build_protected"]

SOURCE_FILE = "data/protected/legocity/legocity_heritage_intl_sites_bbox.geojson"
METRIC = "EPSG:3405"
LEGOCITY_HERITAGE = {
    "source": "LegoCity open data (CTU-SematX), opendata/heritage/heritage.geojson",
    "source_url": "https://github.com/CTU-SematX/LegoCity",
    "source_date": "2025-12-08",
    "licence": "CC BY-SA 4.0",
    # The polygons' own origin is not stated; Tràng An's drawn area is within 0.4 % of the
    # official figure, but nothing says how they were drawn.
    "accuracy": "approximate",
}
#: One entry per source polygon, keyed by the source's name (``Ten``). Years and official
#: areas are published facts with their basis; the source's own year is kept beside them.
AREAS = {
    "Tràng An - Ninh Bình": {
        "area_id": "WH-1438-TRANGAN",
        "name_vi": "Quần thể danh thắng Tràng An",
        "name_en": "Trang An Landscape Complex",
        "designation": "world_heritage",
        "designation_year": 2014,
        "designation_basis": (
            "inscribed on the World Heritage List in 2014 (UNESCO, property 1438, mixed "
            "cultural and natural); the source layer's year is 2014"
        ),
        "official_area_ha": 6226.0,
        "official_area_basis": "core zone 6,226 ha (UNESCO World Heritage List, property 1438)",
        "designation_url": "https://whc.unesco.org/en/list/1438",
    },
    "Xuân Thủy - Nam Định": {
        "area_id": "RAMSAR-XUANTHUY",
        "name_vi": "Khu Ramsar Xuân Thủy",
        "name_en": "Xuan Thuy Ramsar Site",
        "designation": "ramsar",
        "designation_year": 1989,
        "designation_basis": (
            "Viet Nam's first Ramsar site, designated in 1989 (Ramsar Sites Information "
            "Service); the source layer's year 2003 is that of Xuân Thủy National Park; the "
            "polygon is also the core zone of the Red River Delta biosphere reserve"
        ),
        "official_area_ha": float("nan"),
        "official_area_basis": "",
        "designation_url": "https://rsis.ramsar.org/",
    },
    "Châu thổ sông Hồng": {
        "area_id": "MAB-REDRIVERDELTA",
        "name_vi": "Khu dự trữ sinh quyển thế giới châu thổ sông Hồng",
        "name_en": "Red River Delta Biosphere Reserve",
        "designation": "biosphere_reserve",
        "designation_year": 2004,
        "designation_basis": (
            "designated by UNESCO's Man and the Biosphere Programme in 2004; the source layer's "
            "year is 2004; the polygon reaches into Thái Bình"
        ),
        "official_area_ha": float("nan"),
        "official_area_basis": "",
        "designation_url": "https://www.unesco.org/en/mab/wnbr",
    },
}


def build_protected(shared: Path, out: Path) -> gpd.GeoDataFrame:
    raw = pyogrio.read_dataframe(shared / SOURCE_FILE)
    raw["Ten"] = raw["Ten"].map(nfc)
    if sorted(raw["Ten"]) != sorted(AREAS):
        raise SystemExit(f"protected areas are {sorted(raw['Ten'])}, expected {sorted(AREAS)}")
    if not raw.is_valid.all():
        raise SystemExit("a protected-area polygon is invalid: repair it before shipping")
    facts = [AREAS[name] for name in raw["Ten"]]
    gdf = gpd.GeoDataFrame(
        {
            "area_id": [f["area_id"] for f in facts],
            "name_vi": [f["name_vi"] for f in facts],
            "name_en": [f["name_en"] for f in facts],
            "name_source": raw["Ten"],
            "designation": [f["designation"] for f in facts],
            "designation_year": [f["designation_year"] for f in facts],
            "designation_basis": [f["designation_basis"] for f in facts],
            "designation_url": [f["designation_url"] for f in facts],
            "official_area_ha": [f["official_area_ha"] for f in facts],
            "official_area_basis": [f["official_area_basis"] for f in facts],
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    gdf["area_ha"] = (gdf.to_crs(METRIC).area / 1e4).round(1)
    gdf = provenance(gdf, LEGOCITY_HERITAGE)
    gdf["note"] = "polygon as drawn in the source (not simplified); area_ha computed in EPSG:3405"
    gdf = gdf.sort_values("area_id", ignore_index=True)
    write_geojson(gdf, out / "protected/protected_areas.geojson")
    return gdf
