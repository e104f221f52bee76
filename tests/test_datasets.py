"""Tests of the embedded data and ninhbinh_geo.datasets."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest

from ninhbinh_geo import datasets
from ninhbinh_geo._errors import InputFileError
from ninhbinh_geo._provenance import ACCURACY_CLASSES

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SHARED_FACTS = SHARED / "facts" / "province_clusters_2024.csv"
needs_shared = pytest.mark.skipif(
    not SHARED_FACTS.is_file(),
    reason=f"the project's source folder {SHARED} is absent (only present on the build machine)",
)

EXPECTED_DISTRICTS = {
    "Hà Nam": ["Bình Lục", "Duy Tiên", "Kim Bảng", "Lý Nhân", "Phủ Lý", "Thanh Liêm"],
    "Nam Định": [
        "Giao Thủy", "Hải Hậu", "Mỹ Lộc", "Nam Trực", "Nam Định", "Nghĩa Hưng", "Trực Ninh",
        "Vụ Bản", "Xuân Trường", "Ý Yên",
    ],
    "Ninh Bình": [
        "Gia Viễn", "Hoa Lư", "Kim Sơn", "Nho Quan", "Ninh Bình", "Tam Điệp", "Yên Khánh",
        "Yên Mô",
    ],
}  # fmt: skip
MAJOR_PARKS = {
    "KCN Đồng Văn I", "KCN Đồng Văn II", "KCN Đồng Văn III", "KCN Đồng Văn IV",
    "KCN Đồng Văn V", "KCN Đồng Văn VI", "KCN Bảo Minh", "KCN Khánh Phú", "KCN Gián Khẩu",
}  # fmt: skip


@pytest.fixture(scope="module")
def sites():
    return datasets.load_sites()


@pytest.fixture(scope="module")
def districts():
    return datasets.load_districts()


# ------------------------------------------------------------------------------------- facts
@needs_shared
def test_facts_agree_with_shared_table():
    shared = pd.read_csv(SHARED_FACTS)
    ours = datasets.load_facts()
    assert "quote_vi" not in ours.columns
    assert len(ours) == len(shared)
    merged = shared.merge(ours, on=["scope", "indicator"], suffixes=("_src", ""), validate="1:1")
    assert len(merged) == len(shared)
    assert np.allclose(merged["value"], merged["value_src"], rtol=0, atol=0)
    for col in ("unit", "qualifier", "as_of", "source_date"):
        assert (merged[col] == merged[f"{col}_src"]).all(), col
    # Our address is the source's address without its trailing remark.
    assert all(
        src.split(" ")[0] == url
        for src, url in zip(merged["source_url_src"], merged["source_url"], strict=True)
    )


@needs_shared
def test_article_sentences_are_not_shipped():
    quotes = pd.read_csv(SHARED_FACTS)["quote_vi"].dropna()
    shipped = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (REPO / "data").rglob("*")
        if p.suffix in {".csv", ".md", ".geojson"}
    )
    long_quotes = [q for q in quotes if len(q) > 25]
    assert long_quotes
    assert not [q for q in long_quotes if q in shipped]


def test_fact_sums_hold():
    f = datasets.load_facts()
    v = f.set_index(["scope", "indicator"])["value"]
    formers = ["former_ha_nam", "former_nam_dinh", "former_ninh_binh"]
    planned = [v[(s, "clusters_planned_2021_2030")] for s in formers]
    assert planned == [21, 70, 24]
    assert sum(planned) == v[("merged_province", "clusters_planned_2021_2030")] == 115
    operating = [v[(s, "clusters_operating")] for s in formers]
    assert operating == [14, 20, 13]
    assert sum(operating) == v[("merged_province", "clusters_operating")] == 47
    area = sum(v[(s, "planned_area")] for s in formers)
    assert area == pytest.approx(5467.2, abs=1e-9)
    # Published as "more than 5,400 ha": an at_least figure below the sum.
    row = f[(f["scope"] == "merged_province") & (f["indicator"] == "planned_area")].iloc[0]
    assert row["qualifier"] == "at_least"
    assert row["value"] <= area
    assert f["source_url"].str.match(r"^https?://\S+$").all()


# -------------------------------------------------------------------------------- boundaries
def test_province_area_metric_matches_geodesic():
    province = datasets.load_province()
    assert province.crs.to_epsg() == 4326
    metric_km2 = float(province.to_crs(3405).area.iloc[0]) / 1e6
    geod_m2, _ = pyproj.Geod(ellps="WGS84").geometry_area_perimeter(province.geometry.iloc[0])
    geodesic_km2 = abs(geod_m2) / 1e6
    assert metric_km2 == pytest.approx(geodesic_km2, rel=0.005)
    # The union of the former provinces, no more, no less.
    former_km2 = datasets.load_former_provinces().to_crs(3405).area.sum() / 1e6
    assert metric_km2 == pytest.approx(former_km2, rel=1e-3)
    assert 3500 < metric_km2 < 4000


def test_district_names_have_their_diacritics(districts):
    assert len(districts) == 24
    got = {p: sorted(g["name_vi"]) for p, g in districts.groupby("former_province")}
    assert got == {p: sorted(n) for p, n in EXPECTED_DISTRICTS.items()}
    assert (districts["name_ascii"].str.len() > 0).all()
    assert districts.set_index("name_vi").loc["Phủ Lý", "name_full"] == "TP Phủ Lý"
    assert districts.set_index("name_vi").loc["Duy Tiên", "district_type"] == "thị xã"
    assert (districts["accuracy"] == "approximate").all()


def test_every_name_is_nfc(sites, districts):
    layers = {
        "sites": sites[["name_vi", "former_province", "district_old", "communes"]],
        "districts": districts[["name_vi", "name_full", "former_province"]],
        "former": datasets.load_former_provinces()[["name_vi"]],
        "roads": datasets.load_roads()[["road_class", "level", "name"]],
    }
    for name, frame in layers.items():
        for value in frame.stack().dropna():
            assert unicodedata.is_normalized("NFC", value), (name, value)


def test_geographic_layers_carry_provenance():
    for loader in (
        datasets.load_province, datasets.load_former_provinces, datasets.load_districts,
        datasets.load_coastline, datasets.load_roads, datasets.load_sites,
    ):  # fmt: skip
        gdf = loader()
        assert gdf.crs.to_epsg() == 4326, loader.__name__
        for col in ("source", "source_url", "source_date", "licence", "accuracy"):
            assert gdf[col].notna().all(), (loader.__name__, col)
            assert (gdf[col] != "").all(), (loader.__name__, col)
        assert gdf["accuracy"].isin(ACCURACY_CLASSES).all(), loader.__name__


def test_roads_exclude_railway_and_stay_near_the_province():
    roads = datasets.load_roads()
    assert not (roads["road_class"] == "Đường sắt").any()
    assert roads["licence"].eq("CC BY-SA 4.0").all()
    region = datasets.load_province().to_crs(3405).buffer(15_000 + 10).iloc[0]
    assert roads.to_crs(3405).within(region).all()
    # Lengths were recomputed after clipping, in metres.
    assert np.allclose(roads.to_crs(3405).length, roads["length_m"], rtol=1e-3)


def test_coastline_is_lines_near_the_sea():
    coast = datasets.load_coastline()
    assert set(coast.geom_type) <= {"LineString", "MultiLineString"}
    # The coast of Nam Định and Ninh Bình runs roughly 80-150 km; within the 15 km margin more.
    total_km = coast.to_crs(3405).length.sum() / 1000
    assert 80 < total_km < 600
    assert coast["licence"].eq("ODbL 1.0").all()


# --------------------------------------------------------------------------------- inventory
def test_inventory_rows_have_provenance_and_valid_classes(sites):
    assert sites["source_url"].str.match(r"^https?://\S+$").all()
    assert (sites["source_date"].str.len() > 0).all()
    assert (sites["licence"].str.len() > 0).all()
    assert sites["location_accuracy"].isin(["approximate", "illustrative"]).all()
    assert sites["footprint_accuracy"].eq("illustrative").all()
    assert sites["accuracy"].eq("illustrative").all()
    illustrative = sites["location_accuracy"] == "illustrative"
    assert sites.loc[illustrative, "location_basis"].str.startswith("illustrative").all()
    assert sites.loc[~illustrative, "location_basis"].str.len().gt(20).all()


def test_footprint_area_matches_area_ha(sites):
    area_ha = sites.to_crs(3405).area / 1e4
    known = sites["area_ha"].notna()
    assert known.sum() > 50
    ratio = area_ha[known] / sites.loc[known, "area_ha"]
    assert ratio.between(0.99, 1.01).all(), ratio[~ratio.between(0.99, 1.01)]
    # Unknown areas stay NaN and get the documented nominal circle, said so in the basis.
    assert area_ha[~known].between(4.95, 5.05).all()
    assert sites.loc[~known, "footprint_basis"].str.contains("area unknown").all()
    hoaxa = sites.set_index("site_id").loc["KCN-ND-HOAXA"]
    assert hoaxa["area_ha"] == 285.37
    assert "285.27" in hoaxa["area_alt"]
    assert "293.85" in hoaxa["area_alt"]


def test_site_ids_unique_and_hubs_present(sites):
    assert sites["site_id"].is_unique
    parks = datasets.load_parks()
    assert set(parks.loc[parks["major"], "name_vi"]) == MAJOR_PARKS
    assert not datasets.load_clusters()["major"].any()
    # Multi-site source rows were split, one row each.
    ids = set(sites["site_id"])
    assert {"CCN-HN-HOANGDONG", "CCN-HN-TIENTAN", "KCN-HN-CHAUSON", "KCN-ND-VIETHAI"} <= ids
    assert (sites["name_vi"] == "KCN Hòa Xá").sum() == 1
    assert not sites["name_vi"].str.contains(";").any()


def test_site_dtypes(sites):
    assert sites["has_wwtp"].dtype == "boolean"
    assert sites["wwtp_compliant"].dtype == "boolean"
    assert sites["status_year"].dtype == "Int64"
    assert sites["area_ha"].dtype == np.float64
    assert sites["major"].dtype == bool
    assert sites["craft_village"].dtype == "boolean"
    assert sites["mountainous"].isna().all()  # no source says; unknown, not False
    assert sites.loc[sites["name_vi"].str.contains("làng nghề"), "craft_village"].all()
    # Unknown status (sites listed only on the IIP portal) stays NA, never guessed.
    assert sites["status"].isin(["planned", "established", "operating"]).sum() == 89
    assert sites["status"].isna().sum() == 25
    assert sites.set_index("site_id").loc["KCN-ND-HOAXA", "has_wwtp"] is np.True_
    assert pd.isna(sites.set_index("site_id").loc["CCN-NB-CAUYEN", "has_wwtp"])


def test_locations_fall_in_their_district(sites, districts):
    polys = districts.set_index("name_vi").to_crs(3405).geometry
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), index=sites.index, crs=4326
    ).to_crs(3405)
    first = sites["district_old"].str.split(";").str[0].str.strip()
    placed = (sites["location_accuracy"] == "illustrative") & first.notna()
    for i in sites.index[placed]:
        assert polys[first[i]].contains(pts.geometry[i]), sites.loc[i, "site_id"]
    # Approximate points stay within 5 km of their district (the meso shapes are coarse).
    approx = (sites["location_accuracy"] == "approximate") & first.notna()
    for i in sites.index[approx]:
        assert polys[first[i]].distance(pts.geometry[i]) < 5_000, sites.loc[i, "site_id"]


def test_loaders_return_copies():
    a = datasets.load_clusters()
    a.loc[0, "name_vi"] = "changed"
    a["note"] = None
    b = datasets.load_clusters()
    assert b.loc[0, "name_vi"] != "changed"
    assert b["note"].notna().any()
    f = datasets.load_facts()
    f["value"] = 0.0
    assert datasets.load_facts()["value"].max() > 0


def test_coverage_counts(sites):
    cov = datasets.load_coverage().set_index("scope")
    assert cov["planned_official"].to_dict() == {
        "Hà Nam": 21, "Nam Định": 70, "Ninh Bình": 24, "total": 115,
    }  # fmt: skip
    assert cov.loc["total", "operating_official"] == 47
    ccn = sites[sites["kind"] == "CCN"]
    assert cov.loc["total", "inventory_ccn"] == len(ccn)
    nb = ccn[ccn["former_province"] == "Ninh Bình"]
    assert cov.loc["Ninh Bình", "inventory_ccn"] == len(nb)
    assert cov.loc["Ninh Bình", "inventory_operating"] == (nb["status"] == "operating").sum()
    assert cov.loc["total", "inventory_share_pct"] == pytest.approx(round(100 * len(ccn) / 115, 1))


def test_get_path_unknown_name_says_what_exists():
    with pytest.raises(InputFileError, match="districts"):
        datasets.get_path("no_such_layer")
    assert datasets.get_path("sites").name == "sites.csv"


def test_clusters_head_shows_named_clusters_with_sources():
    head = datasets.load_clusters().head()
    assert head["name_vi"].str.startswith("CCN ").all()
    assert head["source_url"].str.startswith("http").all()
    out = subprocess.run(
        [sys.executable, "-c",
         "import ninhbinh_geo as nb; print(nb.datasets.load_clusters().head())"],
        capture_output=True, text=True, check=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    # the printed head names the clusters and shows where each comes from
    assert out.stdout.count(" CCN ") == 5
    assert out.stdout.count("https://") == 5


@needs_shared
def test_build_script_reproduces_the_shipped_data(tmp_path):
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_data.py"), "--shared", str(SHARED),
         "--out", str(tmp_path)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    for rel in (
        "inventory/sites.csv", "facts/province_facts_2024.csv",
        "protected/protected_areas.geojson", "places/places.geojson", "hydro/rivers.geojson",
        "population/worldpop_ppp_2000_1km_ninhbinh.tif",
        "population/worldpop_ppp_2020_1km_ninhbinh.tif",
    ):  # fmt: skip
        assert (tmp_path / rel).read_bytes() == (REPO / "data" / rel).read_bytes(), rel
    # No file of the source folder is shipped byte for byte.
    import hashlib

    digest = lambda p: hashlib.md5(p.read_bytes()).hexdigest()  # noqa: E731
    shared_md5 = {digest(p) for p in (SHARED / "data").rglob("*") if p.is_file()}
    shipped = [p for p in (REPO / "data").rglob("*") if p.is_file()]
    assert not [p for p in shipped if digest(p) in shared_md5]


# ------------------------------------------------------------------------------------- wheel
def _hatchling_available() -> bool:
    try:
        import hatchling  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _hatchling_available(), reason="hatchling is not installed")
def test_data_found_in_installed_wheel(tmp_path):
    start = time.monotonic()
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = wheels.glob("ninhbinh_geo-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    code = (
        "import ninhbinh_geo, ninhbinh_geo.datasets as d;"
        "p = str(d.get_path('sites'));"
        f"assert '_data' in p and p.startswith({str(target)!r}), p;"
        "print(len(d.load_clusters()), len(d.load_parks()));"
        "assert '_data' in str(d.population_path(2020)), d.population_path(2020);"
        "assert len(d.load_protected_areas()) == 3 and len(d.load_rivers()) > 0;"
        "assert d.load_places()['licence'].eq('CC BY 4.0').all();"
        "assert (d.get_path('rivers').parent / 'COPYING.LESSER').is_file()"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    n_clusters, n_parks = map(int, out.stdout.split())
    assert n_clusters == len(datasets.load_clusters())
    assert n_parks == len(datasets.load_parks())
    assert math.isfinite(time.monotonic() - start)


# ------------------------------------------------ locations from the IIP portal (issue 12.1)
IIP_SOURCE = "IIP Vietnam investment portal (api.iipvietnam.vn)"
GOOD_LOCATION = ("surveyed", "digitized", "approximate")
#: A point taken from the portal lies within this distance of its former district's (coarse,
#: pre-2013) shape; the build enforces the same limit (scripts/data_iip.MAX_DISTRICT_KM).
MAX_DISTRICT_KM = 5.0


def _from_portal(sites):
    return sites["location_basis"].str.startswith("IIP Vietnam portal point, unverified")


def test_every_hub_park_has_an_approximate_or_better_location():
    parks = datasets.load_parks()
    hubs = parks[parks["major"]].set_index("name_vi")
    assert set(hubs.index) == MAJOR_PARKS
    assert hubs["location_accuracy"].isin(GOOD_LOCATION).all(), hubs["location_accuracy"]
    # Đồng Văn I and II have no portal record: the unverified web-map points, flagged so.
    for name in ("KCN Đồng Văn I", "KCN Đồng Văn II"):
        assert hubs.loc[name, "location_basis"].startswith("unverified point"), name
    for name in ("KCN Đồng Văn V", "KCN Gián Khẩu", "KCN Khánh Phú"):
        assert "IIP Vietnam portal point" in hubs.loc[name, "location_basis"], name


def test_located_share_does_not_fall_back(sites):
    # 31 of 89 sites had an approximate location before the portal's points; 60 of those 89
    # after, plus the 25 sites the portal alone lists: 85 of 114.
    good = sites["location_accuracy"].isin(GOOD_LOCATION)
    assert good.sum() >= 85
    assert _from_portal(sites).sum() == 48 + 25
    # Still placed by district or province: illustrative, and the basis says how.
    rest = sites[~good]
    assert rest["location_basis"].str.startswith("illustrative: only the former").all()


@pytest.mark.xfail(
    strict=True,
    reason=(
        "issue 12.1 target: 29 sites (23 Hà Nam clusters of the 2023 draft plan, 6 planned "
        "parks and clusters) have no portal record, and ../shared has commune points only for "
        "the former Ninh Bình; 85 of 114 (75 %) are approximate. See inventory/SOURCES.md."
    ),
)
def test_ninety_percent_of_sites_at_an_approximate_location(sites):
    assert sites["location_accuracy"].isin(GOOD_LOCATION).mean() >= 0.9


def test_portal_points_lie_near_their_former_district(sites, districts):
    polys = districts.set_index("name_vi").to_crs(3405).geometry
    provinces = datasets.load_former_provinces().set_index("name_vi").to_crs(3405).geometry
    portal = sites[_from_portal(sites)]
    pts = gpd.GeoSeries(
        gpd.points_from_xy(portal["lon"], portal["lat"]), index=portal.index, crs=4326
    ).to_crs(3405)
    for i, s in portal.iterrows():
        names = [] if pd.isna(s["district_old"]) else s["district_old"].split(";")
        if names:
            km = min(polys[n.strip()].distance(pts[i]) for n in names) / 1000
            assert km < MAX_DISTRICT_KM or "exception:" in s["location_basis"], s["site_id"]
        else:  # no district named: the point must at least lie in its former province
            assert provinces[s["former_province"]].distance(pts[i]) < 1_000, s["site_id"]


def test_matched_sites_keep_their_former_address_and_official_area(sites):
    s = sites.set_index("site_id")
    khanh_cu = s.loc["KCN-NB-KHANHCU"]
    # The inventory's official area stays; the portal's differing one goes to area_alt, dated.
    assert khanh_cu["area_ha"] == 67.0
    assert "170 ha (IIP portal, 2025-04-15)" in khanh_cu["area_alt"]
    assert khanh_cu["address_2025"].startswith("Xã Khánh Cư")
    trung_son = s.loc["CCN-NB-TRUNGSON"]
    assert trung_son["communes"] == "phường Nam Sơn, Trung Sơn; xã Đông Sơn"
    assert trung_son["address_2025"].startswith("phường Nam Sơn")
    # Its portal point was reviewed and refused: the commune-based point stays, saying why.
    assert trung_son["location_basis"].startswith("commune label point")
    assert "was not taken" in trung_son["location_basis"]
    # Matched sites have the portal's address; the others have none.
    portal = _from_portal(sites)
    assert (sites.loc[portal, "address_2025"].str.len() > 10).all()
    assert (sites.loc[~portal & sites["location_basis"].str.contains("no record of the IIP"),
                      "address_2025"]).isna().all()  # fmt: skip


def test_portal_only_sites_carry_their_source_and_no_invented_status(sites):
    added = sites[sites["source"].eq(IIP_SOURCE)]
    assert len(added) == 25
    assert set(added["kind"]) == {"CCN", "KCN"}
    assert added["source_url"].str.match(r"^https://api\.iipvietnam\.vn/").all()
    assert added["source_date"].str.match(r"^2025-\d\d-\d\d$").all()
    assert added["licence"].eq("facts from a public portal, restated (no licence claimed)").all()
    assert added["location_accuracy"].eq("approximate").all()
    assert added["location_basis"].str.startswith("IIP Vietnam portal point, unverified").all()
    # Nothing beyond what the portal lists: the status is unknown (NA), never guessed; no
    # year, occupancy, flag or commune.
    for col in ("status", "status_year", "communes", "has_wwtp", "craft_village"):
        assert added[col].isna().all(), col
    for col in ("occupancy_pct", "jobs", "projects", "leased_ha"):
        assert added[col].isna().all(), col
    assert added["area_ha"].gt(0).all()
    assert added["former_province"].isin(["Hà Nam", "Nam Định", "Ninh Bình"]).all()
    vsip = added.set_index("site_id").loc["KCN-ND-VSIPNAMDINH"]
    assert (vsip["name_vi"], vsip["district_old"], vsip["area_ha"]) == (
        "KCN VSIP Nam Định", "Giao Thủy", 180.0
    )


def test_portal_area_adopted_only_where_no_other_source_states_one(sites):
    s = sites.set_index("site_id")
    # Gián Khẩu had no area from the inventory's sources: the portal's listed area is taken,
    # with the portal as its basis.
    gian_khau = s.loc["KCN-NB-GIANKHAU"]
    assert gian_khau["area_ha"] == 262.0
    assert gian_khau["area_basis"].startswith("area listed on the IIP portal")


# ----------------------------------------------------------- protected areas (issue 12.3)
#: Areas of the drawn polygons stated in ../shared/data/protected/legocity/PROVENANCE.txt.
DRAWN_HA = {"ramsar": 10_590, "world_heritage": 6_204, "biosphere_reserve": 157_402}


def test_protected_areas_have_their_designations_and_areas():
    pa = datasets.load_protected_areas()
    assert pa.crs.to_epsg() == 4326
    assert set(pa.geom_type) <= {"Polygon", "MultiPolygon"}
    by = pa.set_index("designation")
    assert set(by.index) == set(DRAWN_HA)
    for designation, drawn in DRAWN_HA.items():
        assert by.loc[designation, "area_ha"] == pytest.approx(drawn, rel=0.01), designation
    # area_ha is the polygon's, in a metric CRS, and agrees with a geodesic computation.
    metric = pa.to_crs(3405).area / 1e4
    assert np.allclose(metric, pa["area_ha"], atol=0.06)
    geod = pyproj.Geod(ellps="WGS84")
    for geom, area in zip(pa.geometry, pa["area_ha"], strict=True):
        assert abs(geod.geometry_area_perimeter(geom)[0]) / 1e4 == pytest.approx(area, rel=0.005)
    assert by.loc["world_heritage", "official_area_ha"] == 6226.0
    assert by.loc["world_heritage", "designation_year"] == 2014
    assert by.loc["ramsar", "designation_year"] == 1989
    assert by.loc["biosphere_reserve", "designation_year"] == 2004
    assert pd.isna(by.loc["ramsar", "official_area_ha"])
    assert pa["licence"].eq("CC BY-SA 4.0").all()
    assert pa["name_vi"].map(lambda v: unicodedata.is_normalized("NFC", v)).all()


# ---------------------------------------------------------------- population (issue 14.3)
#: Sums over the cells whose centre lies in the union of the three former provinces, as stated
#: in ../shared/data/population/worldpop/PROVENANCE.txt.
PROVENANCE_TOTALS = {2000: 3_607_450, 2020: 3_358_268}


@pytest.mark.parametrize("year", sorted(PROVENANCE_TOTALS))
def test_population_total_in_the_province(year):
    pop = datasets.load_population(year)
    assert pop.crs.to_epsg() == 4326
    inside = pop.within(datasets.load_province().geometry.iloc[0])
    total = pop.loc[inside, "people"].sum()
    # Within 1 %; the 0.01 % left comes from the union being dissolved again here.
    assert total == pytest.approx(PROVENANCE_TOTALS[year], rel=0.01)
    assert total == pytest.approx(PROVENANCE_TOTALS[year], rel=2e-4)
    assert pop["people"].ge(0).all()
    assert pop["licence"].eq("CC BY 4.0").all()
    assert "10.5258/SOTON/WP00671" in pop.attrs["credit"]


def test_population_rasters_are_tagged_and_on_the_source_grid():
    rasterio = pytest.importorskip("rasterio")
    for year in datasets.POPULATION_YEARS:
        with rasterio.open(datasets.population_path(year)) as src:
            tags = src.tags()
            assert tags["units"] == "people per cell"
            assert tags["year"] == str(year)
            assert tags["licence"] == "CC BY 4.0"
            assert tags["credit"].startswith("WorldPop")
            assert {"source", "source_date", "source_url"} <= set(tags)
            assert src.crs.to_epsg() == 4326
            assert src.profile["compress"] == "deflate"
            # The source grid: 30 arc-second cells, origin on the WorldPop lattice.
            assert src.res == pytest.approx((1 / 120, 1 / 120), rel=1e-6)
            origin_cells = (src.transform.c - 102.14875) * 120
            assert origin_cells == pytest.approx(round(origin_cells), abs=1e-3)
    with pytest.raises(InputFileError, match="2000"):
        datasets.population_path(2010)


@needs_shared
def test_population_values_are_the_sources():
    rasterio = pytest.importorskip("rasterio")
    from rasterio.windows import from_bounds

    for year in datasets.POPULATION_YEARS:
        with rasterio.open(datasets.population_path(year)) as ours:
            data, bounds = ours.read(1), ours.bounds
        src_path = SHARED / f"data/population/worldpop/vnm_ppp_{year}_1km_Aggregated_UNadj_clip.tif"
        with rasterio.open(src_path) as src:
            win = from_bounds(*bounds, transform=src.transform).round_offsets().round_lengths()
            assert np.array_equal(src.read(1, window=win), data)


# ------------------------------------------------------------ basemap data (issue 15.1)
def test_places_are_named_towns_near_the_province():
    places = datasets.load_places()
    assert places.crs.to_epsg() == 4326
    assert places["feature_class"].eq("P").all()
    assert places["licence"].eq("CC BY 4.0").all()
    region = datasets.load_province().to_crs(3405).buffer(15_000 + 10).iloc[0]
    assert places.to_crs(3405).within(region).all()
    inside = places.to_crs(4326).within(datasets.load_province().geometry.iloc[0])
    assert (inside == places["in_province"]).all()
    named = places.dropna(subset=["name_vi"])
    assert len(named) >= 5
    assert named["name_vi"].map(lambda v: unicodedata.is_normalized("NFC", v)).all()
    assert named["name_vi_basis"].notna().all()
    assert set(places.loc[places["name"].str.startswith("Thi Tran "), "place_type"]) == {"thị trấn"}


def test_rivers_are_clipped_lines_with_their_licence_texts():
    rivers = datasets.load_rivers()
    assert set(rivers.geom_type) <= {"LineString", "MultiLineString"}
    region = datasets.load_province().to_crs(3405).buffer(15_000 + 10).iloc[0]
    assert rivers.to_crs(3405).within(region).all()
    assert np.allclose(rivers.to_crs(3405).length, rivers["length_m"], rtol=1e-3)
    assert rivers["licence"].eq("LGPL-3.0-or-later").all()
    assert rivers["note"].str.contains("Wessel").all()
    folder = datasets.get_path("rivers").parent
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in (folder / "COPYING.LESSER").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in (folder / "COPYING").read_text()
    assert "Wessel" in (folder / "SOURCES.md").read_text(encoding="utf-8")


def test_new_layers_carry_provenance():
    loaders = {
        "protected_areas": datasets.load_protected_areas,
        "places": datasets.load_places,
        "rivers": datasets.load_rivers,
        "population_2000": lambda: datasets.load_population(2000),
        "population_2020": lambda: datasets.load_population(2020),
    }
    for name, loader in loaders.items():
        gdf = loader()
        assert gdf.crs.to_epsg() == 4326, name
        for col in ("source", "source_url", "source_date", "licence", "accuracy"):
            assert gdf[col].notna().all(), (name, col)
            assert (gdf[col] != "").all(), (name, col)
        assert gdf["accuracy"].isin(ACCURACY_CLASSES).all(), name
    for folder in ("protected", "population", "places", "hydro"):
        assert datasets.get_path(f"{folder}/SOURCES.md").is_file(), folder


def test_new_loaders_return_copies():
    a = datasets.load_population(2020)
    a["people"] = 0.0
    assert datasets.load_population(2020)["people"].max() > 1000
    p = datasets.load_protected_areas()
    p.loc[0, "name_vi"] = "changed"
    assert datasets.load_protected_areas().loc[0, "name_vi"] != "changed"


@pytest.mark.skipif(
    not (REPO / "scripts" / "data_names.py").is_file(), reason="build scripts not in this tree"
)
def test_build_name_folding_examples_run(monkeypatch):
    import doctest
    import importlib

    monkeypatch.syspath_prepend(str(REPO / "scripts"))
    for name in ("data_names", "data_iip"):
        module = importlib.import_module(name)
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0, name
        assert result.failed == 0, name


def test_clusters_and_parks_meet_the_site_contract_as_loaded():
    # The inventory is validated once when read; its clusters and parks are handed out
    # without a second check, so they must be exactly what a check would return.
    from ninhbinh_geo.schema import validate_sites

    for kind, loaded in (("CCN", datasets.load_clusters()), ("KCN", datasets.load_parks())):
        checked = validate_sites(loaded, kind=kind, layer=kind)
        pd.testing.assert_frame_equal(checked, loaded, check_exact=True)
        assert loaded.attrs["repairs"] == []


def test_load_clusters_reads_only_the_inventory():
    code = (
        "import sys, ninhbinh_geo as nb; nb.datasets.load_clusters();"
        "print(sorted(m for m in ('matplotlib', 'rasterio', 'mapclassify', 'scipy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
