"""Fixtures shared by the tests of ninhbinh_geo.zoning (``test_zoning*.py``), built in code.

All fixtures are drawn in EPSG:3405 (metres) so that areas and distances are known by
construction, then stored in EPSG:4326 as the site layer contract requires.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, box

from ninhbinh_geo import zoning

X0, Y0 = 600_000.0, 2_240_000.0
SITE_BOX = box(X0, Y0, X0 + 300, Y0 + 400)  # 300 m x 400 m = 12 ha

BASE = {
    "name_vi": "CCN Thử nghiệm",
    "kind": "CCN",
    "status": "operating",
    "district_old": "A",
    "former_province": "Ninh Bình",
    "craft_village": False,
    "mountainous": False,
    "area_ha": np.nan,
    "expansion_ha": np.nan,
    "has_wwtp": True,
    "wwtp_compliant": True,
    "occupancy_pct": np.nan,
    "industrial_ha": np.nan,
    "leased_ha": np.nan,
    "hazard_class": None,
    "footprint_accuracy": "digitized",
}


def make_sites(*rows: dict) -> gpd.GeoDataFrame:
    """Sites from dicts (metric geometry under 'geom'; default SITE_BOX), stored in EPSG:4326."""
    recs, geoms = [], []
    for k, row in enumerate(rows):
        rec = {**BASE, "site_id": f"CCN-T{k}", **row}
        geoms.append(rec.pop("geom", SITE_BOX))
        recs.append(rec)
    gdf = gpd.GeoDataFrame(pd.DataFrame(recs), geometry=geoms, crs=3405).to_crs(4326)
    gdf["has_wwtp"] = gdf["has_wwtp"].astype("boolean")
    gdf["wwtp_compliant"] = gdf["wwtp_compliant"].astype("boolean")
    return gdf


def layer(geoms: list, crs: int = 3405, **cols: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=crs).to_crs(4326)


def dyke_below(d_m: float, **attrs: object) -> gpd.GeoDataFrame:
    """A dyke line drawn west to east, d_m south of the site's south edge (site on its left)."""
    line = LineString([(X0 - 1000, Y0 - d_m), (X0 + 1300, Y0 - d_m)])
    return layer([line], **{k: [v] for k, v in attrs.items()})


def finding(findings: gpd.GeoDataFrame, rule_id: str, site: int = 0) -> pd.Series:
    rows = findings[(findings["rule_id"] == rule_id) & (findings["site_id"] == f"CCN-T{site}")]
    assert len(rows) == 1
    return rows.iloc[0]


def rules_with(rule_id: str, **changes: object) -> pd.DataFrame:
    """The shipped rules with some fields of one rule changed (as raw strings)."""
    raw = pd.read_csv(zoning.rules_path(), dtype=str, keep_default_na=False)
    for col, value in changes.items():
        raw.loc[raw["rule_id"] == rule_id, col] = str(value)
    return zoning.load_rules(raw)


def group_sites(new: dict, *existing: tuple[float, float], **extra) -> gpd.GeoDataFrame:
    rows = [{"status": "planned", **new}]
    for k, (ind, leased) in enumerate(existing, start=1):
        rows.append({"site_id": f"CCN-T{k}", "industrial_ha": ind, "leased_ha": leased, **extra})
    return make_sites(*rows)


def exposure_table(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["site_id", "hazard", "return_period", "exposed_share"])
