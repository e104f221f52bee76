"""Derive the embedded data of ninhbinh_geo from the read-only source folder ``../shared``.

Run from the repository root::

    python scripts/build_data.py --shared ../shared

It rewrites ``data/boundaries``, ``data/roads``, ``data/facts``, ``data/inventory`` and, through
its sibling modules, ``data/protected`` (``data_protected``), ``data/population``
(``data_population``), ``data/places`` and ``data/hydro`` (``data_basemap``); never
``data/hazard`` or ``data/rules``, which other scripts own. The IIP portal's points are matched
to the inventory in ``data_iip`` following the reviewed table ``scripts/iip_matches.csv``;
names are folded in ``data_names`` and every file is written by ``data_write``. Every output
is derived (clipped, dissolved, columns selected and renamed, coordinates rounded to 6
decimals, re-encoded), carries the provenance columns ``source``, ``source_url``,
``source_date``, ``licence``, ``accuracy`` and is described in the folder's ``SOURCES.md``.
The site inventory is curated row by row in ``scripts/inventory_curation.csv``: the script
checks that each curated site points at a real row of the source tables and that each URL it
cites appears in them, so the CSV is reproducible.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import data_basemap
import data_iip
import data_population
import data_protected
import geopandas as gpd
import pandas as pd
import pyogrio
import shapely
from data_names import fold, nfc
from data_write import provenance, write_csv, write_geojson
from shapely.geometry import Point

REPO = Path(__file__).resolve().parents[1]
CURATION = Path(__file__).with_name("inventory_curation.csv")
METRIC = "EPSG:3405"
STORAGE = "EPSG:4326"
#: Roads and coastline are kept within this margin around the province so that routes that
#: leave and re-enter it, and the neighbouring coast, stay in the network.
MARGIN_M = 15_000.0
#: Illustrative placement rings (metres) around a district's or former province's point.
DISTRICT_RING_M = 3_000.0
PROVINCE_RING_M = 6_000.0

PROVINCES = ("Hà Nam", "Nam Định", "Ninh Bình")
PROVINCE_CODE = {"Hà Nam": "HN", "Nam Định": "ND", "Ninh Bình": "NB"}

#: The 24 former districts (names with diacritics) and their type before the 2025 reforms.
#: Types as used in 2024; Kim Bảng appears as a thị xã (TX Kim Bảng) in 2025 sources.
DISTRICT_TYPES = {
    "Phủ Lý": "thành phố",
    "Duy Tiên": "thị xã",
    "Kim Bảng": "huyện",
    "Thanh Liêm": "huyện",
    "Bình Lục": "huyện",
    "Lý Nhân": "huyện",
    "Nam Định": "thành phố",
    "Mỹ Lộc": "huyện",
    "Vụ Bản": "huyện",
    "Ý Yên": "huyện",
    "Nghĩa Hưng": "huyện",
    "Nam Trực": "huyện",
    "Trực Ninh": "huyện",
    "Xuân Trường": "huyện",
    "Giao Thủy": "huyện",
    "Hải Hậu": "huyện",
    "Ninh Bình": "thành phố",
    "Tam Điệp": "thành phố",
    "Hoa Lư": "huyện",
    "Gia Viễn": "huyện",
    "Nho Quan": "huyện",
    "Yên Khánh": "huyện",
    "Yên Mô": "huyện",
    "Kim Sơn": "huyện",
}
DISTRICT_NOTES = {
    "Kim Bảng": "thị xã Kim Bảng in 2025 sources (kcn_parks.csv row KCN Kim Bảng 4)",
    "Tam Điệp": "thành phố since 2015; the tnmt-nb commune file still says thị xã",
    "Duy Tiên": "thị xã since 2020 (its wards, e.g. phường Tiên Nội, appear in 2023-2024 sources)",
}
TYPE_PREFIX = {"thành phố": "TP", "thị xã": "TX", "huyện": "Huyện"}

ODM = {
    "source": "Open Development Mekong, Địa phận tỉnh (via phamductu/vietnamese-provincial-icons)",
    "source_url": "https://github.com/phamductu/vietnamese-provincial-icons",
    "source_date": "2022",
    "licence": "CC BY-SA 4.0",
    "accuracy": "digitized",
}
WOF = {
    "source": "Who's On First (Mesoshapes, meso:source AOTM)",
    "source_url": "https://whosonfirst.org/",
    "source_date": "2024-03-06",
    "licence": "CC0 1.0 (Mesoshapes); credit Who's On First",
    "accuracy": "approximate",
}
OSM = {
    "source": "OpenStreetMap contributors via @geo-maps/countries-coastline-1m 0.6.0",
    "source_url": "https://github.com/simonepri/geo-maps",
    "source_date": "2017",
    "licence": "ODbL 1.0",
    "accuracy": "digitized",
}
LEGOCITY = {
    "source": "LegoCity open data (CTU-SematX), opendata/giaothong/giaothong.geojson",
    "source_url": "https://github.com/CTU-SematX/LegoCity",
    "source_date": "2025-12",
    "licence": "CC BY-SA 4.0",
    "accuracy": "approximate",
}
INVENTORY_LICENCE = "public facts, restated (no licence claimed)"

SITE_COLUMNS = [
    "site_id", "name_vi", "kind", "former_province", "district_old", "communes", "address_2025",
    "status",
    "status_year", "area_ha", "area_basis", "area_alt", "industrial_ha", "leasable_ha",
    "leased_ha", "occupancy_pct", "jobs", "projects", "has_wwtp", "wwtp_compliant",
    "craft_village", "mountainous", "expansion_ha", "major", "lon", "lat", "location_accuracy",
    "location_basis", "footprint_basis", "source", "source_url", "source_date", "licence",
    "accuracy", "note",
]  # fmt: skip
#: Footprint basis of every row: no source gives a footprint.
FOOTPRINT_BASIS = (
    "no published footprint: ninhbinh_geo.datasets draws a circle of area_ha around the point"
)
FLOAT_FIELDS = (
    "area_ha", "industrial_ha", "leasable_ha", "leased_ha", "occupancy_pct", "jobs",
    "projects", "expansion_ha",
)  # fmt: skip


# --------------------------------------------------------------------------------- boundaries
def build_boundaries(shared: Path, out: Path) -> dict[str, gpd.GeoDataFrame]:
    odm = pyogrio.read_dataframe(shared / "data/boundaries/odm/odm_3provinces.geojson")
    odm["name_vi"] = odm["ten_tinh"].map(nfc)
    if sorted(odm["name_vi"]) != sorted(PROVINCES):
        raise SystemExit(f"ODM provinces are {sorted(odm['name_vi'])}, expected {PROVINCES}")
    former = gpd.GeoDataFrame(
        {
            "name_vi": odm["name_vi"],
            "name_en": odm["name_vi"].map(lambda s: fold(s).title()),
            "code": odm["name_vi"].map(PROVINCE_CODE),
            "valid_until": "2025-06-30",
        },
        geometry=odm.geometry.values,
        crs=STORAGE,
    ).sort_values("name_vi", ignore_index=True)
    former = provenance(former, ODM)
    former["note"] = "pre-2025 province; merged into Ninh Bình on 2025-07-01"

    union = shapely.union_all(former.geometry.values)
    province = gpd.GeoDataFrame(
        {
            "name_vi": ["Ninh Bình"],
            "name_en": ["Ninh Binh"],
            "valid_from": ["2025-07-01"],
            "formed_from": ["; ".join(PROVINCES)],
        },
        geometry=[union],
        crs=STORAGE,
    )
    province = provenance(province, ODM)
    province["note"] = "union (dissolve) of the three former provinces of the ODM layer"

    wof = pyogrio.read_dataframe(shared / "data/boundaries/wof/wof_24districts.geojson")
    names = wof["gadm_name"].map(nfc)
    unknown = sorted(set(names) - set(DISTRICT_TYPES))
    missing = sorted(set(DISTRICT_TYPES) - set(names))
    if unknown or missing or len(wof) != 24:
        raise SystemExit(f"WOF districts: unknown {unknown}, missing {missing}, {len(wof)} rows")
    # The WOF ``name`` is ASCII: check that each diacritic name folds back onto it.
    bad = [n for n, a in zip(names, wof["name"], strict=True) if fold(n) != a.lower()]
    if bad:
        raise SystemExit(f"WOF gadm_name does not match its ASCII name for {bad}")
    dtype = names.map(DISTRICT_TYPES)
    districts = gpd.GeoDataFrame(
        {
            "district_id": wof["hasc"],
            "name_vi": names,
            "name_full": dtype.map(TYPE_PREFIX) + " " + names,
            "name_ascii": wof["name"],
            "district_type": dtype,
            "district_type_as_of": "2024",
            "former_province": wof["province"].map(nfc),
            "wof_id": wof["wof_id"].astype("int64"),
        },
        geometry=wof.geometry.values,
        crs=STORAGE,
    ).sort_values(["former_province", "name_vi"], ignore_index=True)
    districts = provenance(districts, WOF)
    districts["note"] = districts["name_vi"].map(DISTRICT_NOTES).fillna("")
    districts["note"] = (
        "pre-2013 generalised meso shape, not an official boundary; " + districts["note"]
    ).str.rstrip("; ")

    write_geojson(province, out / "boundaries/province_2025.geojson")
    write_geojson(former, out / "boundaries/former_provinces.geojson")
    write_geojson(districts, out / "boundaries/districts.geojson")
    return {"province": province, "former": former, "districts": districts}


def build_coastline(shared: Path, out: Path, province: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    land = pyogrio.read_dataframe(
        shared / "data/boundaries/osm-coastline/vnm_coastline_osm_2017_full.gpkg"
    ).to_crs(METRIC)
    region = province.to_crs(METRIC).buffer(MARGIN_M).union_all()
    lines = shapely.intersection(land.boundary.union_all(), region)
    merged = shapely.line_merge(lines)
    parts = [g for g in shapely.get_parts(merged) if g.length > 0]
    coast = gpd.GeoDataFrame(
        {"feature": "coastline", "length_m": [round(g.length, 1) for g in parts]},
        geometry=parts,
        crs=METRIC,
    ).to_crs(STORAGE)
    coast = provenance(coast, OSM)
    coast["note"] = (
        f"boundary of the OSM-derived land polygon within {MARGIN_M / 1000:.0f} km of the "
        "province; land borders are not part of it"
    )
    write_geojson(coast, out / "boundaries/coastline.geojson")
    return coast


# --------------------------------------------------------------------------------------- roads
def build_roads(shared: Path, out: Path, province: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    raw = pyogrio.read_dataframe(shared / "data/roads/legocity/giaothong.geojson")
    for col in ("ma", "ten", "loai_duong", "cap_duong"):
        raw[col] = raw[col].map(nfc)
    roads = raw[raw["loai_duong"] != "Đường sắt"].to_crs(METRIC)
    region = province.to_crs(METRIC).buffer(MARGIN_M).union_all()
    roads = roads[roads.intersects(region)].copy()
    roads["geometry"] = roads.geometry.intersection(region)
    roads = roads[~roads.geometry.is_empty & roads.geom_type.str.contains("Line")]
    roads = roads.sort_values("gid", ignore_index=True)
    out_gdf = gpd.GeoDataFrame(
        {
            "road_id": "LC-" + roads["gid"].astype(str),
            "road_class": roads["loai_duong"],
            "level": roads["cap_duong"],
            "ref": roads["ma"],
            "name": roads["ten"],
            "length_m": roads.geometry.length.round(1),
        },
        geometry=roads.geometry.values,
        crs=METRIC,
    ).to_crs(STORAGE)
    out_gdf = provenance(out_gdf, LEGOCITY)
    write_geojson(out_gdf, out / "roads/roads.geojson")
    return out_gdf


# --------------------------------------------------------------------------------------- facts
def build_facts(shared: Path, out: Path) -> pd.DataFrame:
    src = pd.read_csv(shared / "facts/province_clusters_2024.csv", dtype=str)
    # Some source URLs carry a remark in parentheses: keep the URL clean, move the remark.
    url = src["source_url"].str.extract(r"^(\S+)\s*(?:\((.*)\))?\s*$")
    facts = pd.DataFrame(
        {
            "scope": src["scope"],
            "indicator": src["indicator"],
            "value": src["value"].astype(float),
            "unit": src["unit"],
            "qualifier": src["qualifier"],
            "as_of": src["as_of"],
            "source_url": url[0],
            "source_date": src["source_date"],
            "note": url[1].fillna(""),
        }
    )
    write_csv(facts, out / "facts/province_facts_2024.csv")
    return facts


# ----------------------------------------------------------------------------------- inventory
def _first_url(text: str) -> str:
    for token in re.split(r"\s+;\s+|\s+", text or ""):
        if token.startswith("http"):
            return token
    return ""


def _district(text: str) -> str:
    """Normalise a source's district to the district layer's name (no TP/TX prefix)."""
    text = nfc(text or "")
    text = re.sub(r"^(TX/TP|TP|TX|Huyện|Thành phố|Thị xã)\s+", "", text)
    return "; ".join(re.sub(r"^(TX/TP|TP|TX)\s+", "", p.strip()) for p in text.split(";"))


def _float(text: str, what: str) -> float:
    text = (text or "").strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError as err:
        raise SystemExit(f"{what}: '{text}' is not a number; curate it explicitly") from err


def _host(url: str) -> str:
    return urlparse(url).netloc.removeprefix("www.")


def _commune_key(name: str) -> str:
    name = re.sub(r"^(P\.|TT\.|Tt\.|TT|xã|phường|thị trấn)\s+", "", nfc(name).strip())
    return re.sub(r"\s+", " ", name).strip().lower()


def _load_sources(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    inv = shared / "data/inventory"
    read = lambda name: pd.read_csv(inv / name, dtype=str, keep_default_na=False)  # noqa: E731
    ccn = read("ccn_clusters.csv").map(nfc)
    kcn = read("kcn_parks.csv").map(nfc)
    corpus = "\n".join(
        nfc((inv / f).read_text(encoding="utf-8"))
        for f in ("ccn_clusters.csv", "kcn_parks.csv", "province_summaries.csv", "NOTES.md")
    )
    return ccn, kcn, corpus


def _curate(shared: Path) -> pd.DataFrame:
    """One row per site: curation values, filled from the source row where left blank."""
    ccn, kcn, corpus = _load_sources(shared)
    cur = pd.read_csv(CURATION, dtype=str, keep_default_na=False).map(nfc)
    rows = []
    for _, c in cur.iterrows():
        table = ccn if c["source_file"] == "ccn" else kcn
        match = table[table["name_vi"] == c["source_name"]]
        if len(match) > 1 and c["source_url"]:
            match = match[match["source_url"].str.contains(c["source_url"], regex=False)]
        if len(match) != 1:
            raise SystemExit(f"{c['site_id']}: {len(match)} source rows named {c['source_name']!r}")
        s = match.iloc[0]

        def pick(field: str, default: str, c: pd.Series = c) -> str:
            value = c[field]
            return "" if value == "-" else (value or default)

        if c["part"]:
            prefix = "CCN" if c["source_file"] == "ccn" else "KCN"
            part = c["part"]
            default_name = part if part.startswith(prefix) else f"{prefix} {part}"
        else:
            default_name = re.sub(r"\s*\(.*\)$", "", s["name_vi"])
        url = pick("source_url", _first_url(s["source_url"]))
        if not url.startswith("http") or url not in corpus:
            raise SystemExit(f"{c['site_id']}: source URL {url!r} not found in the source tables")
        multi = bool(c["part"])
        row = {
            "site_id": c["site_id"],
            "name_vi": pick("name_vi", default_name),
            "kind": "CCN" if c["source_file"] == "ccn" else "KCN",
            "former_province": s["former_province"],
            "district_old": pick("district_old", "" if multi else _district(s["district_old"])),
            "communes": pick("communes", "" if multi else s["communes_or_wards"]),
            "status": c["status"],
            "status_year": c["status_year"],
            "area_basis": pick("area_basis", "" if multi else s["area_basis"]),
            "area_alt": c["area_alt"],
            "has_wwtp": c["has_wwtp"],
            "wwtp_compliant": c["wwtp_compliant"],
            # No source says which clusters are craft-village or mountainous beyond those
            # named so: unknown stays empty (NA), never a made-up False.
            "craft_village": c["craft_village"],
            "mountainous": "",
            "major": c["major"] == "True",
            "source": _host(url),
            "source_url": url,
            "source_date": pick("source_date", s["source_date"]),
            "licence": INVENTORY_LICENCE,
            "note": "; ".join(x for x in (c["note"], "" if multi else s["note"]) if x),
            "_point_labels": c["point_labels"],
            "_geocode_communes": c["geocode_communes"],
            "_geonames_place": c["geonames_place"],
        }
        area_default = "" if multi or c["area_ha"] else s["area_ha"]
        row["area_ha"] = _float(c["area_ha"] or area_default, f"{c['site_id']} area_ha")
        for field in FLOAT_FIELDS[1:]:
            row[field] = _float(c[field], f"{c['site_id']} {field}")
        rows.append(row)
    sites = pd.DataFrame(rows)
    if sites["site_id"].duplicated().any():
        raise SystemExit(f"duplicate site_id: {sites.loc[sites.site_id.duplicated(), 'site_id']}")
    bad_status = ~sites["status"].isin(["planned", "established", "operating"])
    if bad_status.any():
        raise SystemExit(f"bad status for {sites.loc[bad_status, 'site_id'].tolist()}")
    return sites


def _ring_points(
    sites: pd.DataFrame, polygons: dict[str, shapely.Geometry], key: str, radius_m: float
) -> dict[str, tuple[Point, float]]:
    """Spread the sites of each polygon evenly on a ring around its representative point.

    Deterministic (sites in site_id order, first one due north); the radius halves until
    every point lies inside the polygon.
    """
    placed: dict[str, tuple[Point, float]] = {}
    for name, group in sites.groupby(key, sort=True):
        poly = polygons[name]
        centre = poly.representative_point()
        ids = sorted(group["site_id"])
        radius = radius_m
        while True:
            pts = [
                Point(
                    centre.x + radius * math.sin(2 * math.pi * k / len(ids)),
                    centre.y + radius * math.cos(2 * math.pi * k / len(ids)),
                )
                for k in range(len(ids))
            ]
            if all(poly.contains(p) for p in pts) or radius < 100:
                break
            radius /= 2
        for sid, pt in zip(ids, pts, strict=True):
            placed[sid] = (pt if poly.contains(pt) else centre, radius)
    return placed


def _locate(
    sites: pd.DataFrame, shared: Path, districts: gpd.GeoDataFrame, former: gpd.GeoDataFrame
) -> pd.DataFrame:
    inv = shared / "data/inventory"
    points = pd.read_csv(inv / "kcn_points_unverified_github.csv", dtype=str).map(nfc)
    communes = pd.read_csv(inv / "ninhbinh_old_commune_points_tnmt-nb.csv", dtype=str).map(nfc)
    communes["key"] = communes["commune"].map(_commune_key)
    communes["district_key"] = communes["district"].map(_district)
    geonames = pd.read_csv(shared / "data/places/geonames/geonames_cities1000_bbox.csv")
    geonames["key"] = geonames["name"].str.replace(r"^(Thi Tran|Thanh Pho) ", "", regex=True)
    geonames["key"] = geonames["key"].str.lower()

    out = sites.copy()
    lon, lat, acc, basis = {}, {}, {}, {}
    for _, s in out.iterrows():
        sid = s["site_id"]
        if s["_point_labels"]:
            labels = [x.strip() for x in s["_point_labels"].split(";")]
            sel = points[points["label_in_source"].isin(labels)]
            if len(sel) != len(labels):
                raise SystemExit(f"{sid}: point labels {labels} not all found")
            lon[sid], lat[sid] = sel["lon"].astype(float).mean(), sel["lat"].astype(float).mean()
            acc[sid] = "approximate"
            what = " and ".join(f"'{x}'" for x in labels)
            extra = "; mean of the two points" if len(labels) > 1 else ""
            office = "; the label is the management board office" if "Board" in what else ""
            basis[sid] = (
                f"unverified point {what} from an anonymous public web map (no licence, no "
                f"date; not official){extra}{office}"
            )
            continue
        if s["_geocode_communes"]:
            if s["former_province"] != "Ninh Bình":
                raise SystemExit(f"{sid}: commune points exist only for the former Ninh Bình")
            names = [x.strip() for x in s["_geocode_communes"].split(";")]
            district = s["district_old"].split(";")[0].strip()
            sel = communes[
                communes["key"].isin([_commune_key(n) for n in names])
                & (communes["district_key"] == district)
            ]
            found = set(sel["key"])
            if found != {_commune_key(n) for n in names}:
                raise SystemExit(f"{sid}: communes {names} not all found in {district}")
            lon[sid], lat[sid] = sel["lon"].astype(float).mean(), sel["lat"].astype(float).mean()
            acc[sid] = "approximate"
            from_name = (
                ""
                if s["communes"]
                else "; communes named in the site's name (the source names none)"
            )
            basis[sid] = (
                f"commune label point(s) of {', '.join(names)} ({district}), mean of "
                f"{len(sel)} point(s), tnmt-nb 2024 (pre-2025 communes){from_name}"
            )
            continue
        fold_prov = fold(s["former_province"])
        place = s["_geonames_place"]
        if not place and s["communes"]:
            keys = {fold(_commune_key(x)) for x in re.split(r"[;,]", s["communes"]) if x.strip()}
            hits = geonames[
                geonames["key"].isin(keys) & (geonames["admin1"].map(fold) == fold_prov)
            ]
            place = hits["name"].iloc[0] if len(hits) else ""
        if place:
            hit = geonames[
                (geonames["name"] == place) & (geonames["admin1"].map(fold) == fold_prov)
            ]
            if len(hit) != 1:
                raise SystemExit(f"{sid}: GeoNames place {place!r} not found in {fold_prov}")
            lon[sid], lat[sid] = float(hit["lon"].iloc[0]), float(hit["lat"].iloc[0])
            acc[sid] = "approximate"
            basis[sid] = (
                f"GeoNames place '{place}' (cities1000), the town the site is named after or "
                "lies in"
            )
            continue

    rest = out[~out["site_id"].isin(list(lon))].copy()
    dist_poly = dict(zip(districts["name_vi"], districts.to_crs(METRIC).geometry, strict=True))
    prov_poly = dict(zip(former["name_vi"], former.to_crs(METRIC).geometry, strict=True))
    rest["_district"] = rest["district_old"].str.split(";").str[0].str.strip()
    by_district = rest[rest["_district"] != ""]
    by_province = rest[rest["_district"] == ""]
    unknown = sorted(set(by_district["_district"]) - set(dist_poly))
    if unknown:
        raise SystemExit(f"districts not in the district layer: {unknown}")
    placed = {
        **{
            k: (*v, "d")
            for k, v in _ring_points(by_district, dist_poly, "_district", DISTRICT_RING_M).items()
        },
        **{
            k: (*v, "p")
            for k, v in _ring_points(
                by_province, prov_poly, "former_province", PROVINCE_RING_M
            ).items()
        },
    }
    ring = gpd.GeoSeries([v[0] for v in placed.values()], crs=METRIC).to_crs(STORAGE)
    for (sid, (_, radius, level)), pt in zip(placed.items(), ring, strict=True):
        s = rest.loc[rest["site_id"] == sid].iloc[0]
        lon[sid], lat[sid] = pt.x, pt.y
        acc[sid] = "illustrative"
        if level == "d":
            basis[sid] = (
                f"illustrative: only the former district ({s['_district']}) is known; placed for "
                f"display on a {radius / 1000:g} km ring around the district's representative point"
            )
        else:
            basis[sid] = (
                f"illustrative: only the former province ({s['former_province']}) is known; "
                f"placed for display on a {radius / 1000:g} km ring around the province's "
                "representative point"
            )
    out["lon"] = out["site_id"].map(lon).round(6)
    out["lat"] = out["site_id"].map(lat).round(6)
    out["location_accuracy"] = out["site_id"].map(acc)
    out["location_basis"] = out["site_id"].map(basis)
    out["accuracy"] = out["location_accuracy"]
    out["footprint_basis"] = FOOTPRINT_BASIS
    return out


def _check_districts(sites: pd.DataFrame, districts: gpd.GeoDataFrame) -> list[str]:
    """Warn where an approximate point falls outside the district the row names."""
    warnings = []
    pts = gpd.GeoSeries(gpd.points_from_xy(sites["lon"], sites["lat"]), crs=STORAGE)
    polys = dict(zip(districts["name_vi"], districts.geometry, strict=True))
    for (_, s), pt in zip(sites.iterrows(), pts, strict=True):
        names = [d.strip() for d in s["district_old"].split(";") if d.strip()]
        if names and not any(polys[d].buffer(0.01).contains(pt) for d in names):
            warnings.append(f"{s['site_id']}: point outside {names} ({s['location_accuracy']})")
    return warnings


def _commune_points(shared: Path) -> gpd.GeoDataFrame:
    """Commune label points of the former Ninh Bình (tnmt-nb), keyed by folded name."""
    raw = pd.read_csv(
        shared / "data/inventory/ninhbinh_old_commune_points_tnmt-nb.csv", dtype=str
    ).map(nfc)
    return gpd.GeoDataFrame(
        {
            "key": raw["commune"].map(lambda c: fold(_commune_key(c))),
            "commune": raw["commune"],
            "district_name": raw["district"].map(_district),
        },
        geometry=gpd.points_from_xy(raw["lon"].astype(float), raw["lat"].astype(float)),
        crs=STORAGE,
    )


def _accuracy_counts(sites: pd.DataFrame) -> pd.DataFrame:
    """Sites at an approximate (or better) location / all sites, per kind and former province."""
    good = sites["location_accuracy"] != "illustrative"
    table = (
        sites.assign(good=good).groupby(["kind", "former_province"])["good"].agg(["sum", "size"])
    )
    table.loc[("all", "all"), :] = [int(good.sum()), len(sites)]
    return table.astype(int).rename(columns={"sum": "approximate", "size": "sites"})


def build_inventory(
    shared: Path, out: Path, districts: gpd.GeoDataFrame, former: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Write ``inventory/sites.csv``.

    The curated inventory is located (``_locate``), then the reviewed IIP portal records are
    applied (``data_iip``): matched sites take the portal's point where the review says so,
    and records the inventory lacks become rows of their own. The portal's listing does not
    say whether a site is planned, established or operating, so an added row's ``status`` is
    empty (unknown) unless the review table sets it; it is never guessed.
    """
    sites = _locate(_curate(shared), shared, districts, former)
    before = _accuracy_counts(sites)
    points = data_iip.read_points(shared)
    table = data_iip.read_decisions()
    auto = data_iip.candidates(points, sites, districts)
    data_iip.check_decisions(points, auto, table, set(sites["site_id"]))
    sites = data_iip.apply_decisions(sites, points, table)
    added = data_iip.new_sites(points, table, districts, former, _commune_points(shared))
    added["footprint_basis"] = FOOTPRINT_BASIS
    added = added.reindex(columns=SITE_COLUMNS, fill_value="")
    sites = pd.concat([sites, added], ignore_index=True)
    for w in _check_districts(sites, districts):
        print("warning:", w, file=sys.stderr)
    order = ["kind", "former_province", "site_id"]
    sites = sites.sort_values(order, ignore_index=True)
    write_csv(sites[SITE_COLUMNS], out / "inventory/sites.csv")
    after = _accuracy_counts(sites)
    counts = pd.concat({"before": before, "after": after}, axis=1)
    print("sites at an approximate location, before and after the IIP portal points:")
    print(counts.to_string())
    unknown = int((added["status"] == "").sum())
    print(f"IIP records: {table['decision'].value_counts().to_dict()}; status unknown {unknown}")
    return sites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--out", type=Path, default=REPO / "data")
    args = parser.parse_args(argv)
    shared, out = args.shared.resolve(), args.out.resolve()
    if not (shared / "data").is_dir():
        parser.error(f"{shared} has no data/ folder; pass --shared <path to ../shared>")
    b = build_boundaries(shared, out)
    coast = build_coastline(shared, out, b["province"])
    roads = build_roads(shared, out, b["province"])
    facts = build_facts(shared, out)
    sites = build_inventory(shared, out, b["districts"], b["former"])
    protected = data_protected.build_protected(shared, out)
    data_population.build_population(shared, out, b["province"])
    places = data_basemap.build_places(shared, out, b["province"], b["districts"])
    rivers = data_basemap.build_rivers(shared, out, b["province"])
    print(f"province 1, former provinces {len(b['former'])}, districts {len(b['districts'])}")
    print(f"coastline {len(coast)} lines, roads {len(roads)} lines, facts {len(facts)} rows")
    print(f"protected areas {len(protected)}, places {len(places)}, rivers {len(rivers)} lines")
    print(sites.groupby(["former_province", "kind"]).size().unstack(fill_value=0))
    print(sites["location_accuracy"].value_counts())
    return 0


if __name__ == "__main__":
    sys.exit(main())
