"""Tests of ninhbinh_geo.zoning.checks_protected and .positions: protected and heritage areas.

The site is the 300 m x 400 m box of ``zoning_fixtures`` (x from X0 to X0 + 300); areas are
drawn east of it, so every distance below is hand-computed from the box edges (metres,
EPSG:3405).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box
from strategies import footprint
from zoning_fixtures import X0, Y0, finding, layer, make_sites, rules_with

import ninhbinh_geo as nb
from ninhbinh_geo import zoning
from ninhbinh_geo._errors import SchemaError


def _area_at(gap_m: float, designation: str, *, width: float = 1000.0, **cols) -> dict:
    """An area whose west edge lies ``gap_m`` east of the site (negative: overlapping)."""
    x = X0 + 300 + gap_m
    shape = box(x, Y0 - 500, x + width, Y0 + 900)
    return {"heritage": layer([shape], designation=[designation], name_vi=["Khu A"], **cols)}


@pytest.mark.parametrize(
    ("gap", "result", "measured", "margin", "text"),
    [
        (700.0, "pass", 700.0, -700.0, "700 m outside the area"),
        (-100.0, "fail", -100.0, 100.0, "100 m inside the area"),
        (0.0, "pass", 0.0, 0.0, "0 m outside the area"),  # touching is not inside
    ],
)
def test_world_heritage_property_inside_or_outside(gap, result, measured, margin, text):
    f = finding(zoning.check(make_sites({}), layers=_area_at(gap, "world_heritage")), "HER-01")
    assert f["result"] == result, f["reason"]
    assert f["measured"] == pytest.approx(measured, abs=0.5)
    assert (f["margin"], f["margin_unit"]) == (pytest.approx(margin, abs=0.5), "m")
    assert f["margin_en"] == text
    assert "Decree 109/2017/NĐ-CP, Art. 4, cl. 1" in f["legal_source"]
    if result == "fail":
        assert f["reason"].startswith("100 m inside Khu A (world_heritage)")


@pytest.mark.parametrize(
    ("gap", "result", "missing", "margin_en"),
    [
        (700.0, "needs_review", "zones:heritage", "4,300 m below 5,000 m"),
        (6000.0, "pass", "", "1,000 m above 5,000 m"),
    ],
)
def test_buffer_zone_screened_within_5_km_of_the_property(gap, result, missing, margin_en):
    f = finding(zoning.check(make_sites({}), layers=_area_at(gap, "world_heritage")), "HER-02")
    assert f["result"] == result, f["reason"]
    assert (f["measured"], f["threshold"]) == (pytest.approx(gap, abs=0.5), 5000.0)
    assert f["missing_input"] == missing
    assert f["margin_en"] == margin_en


def test_a_drawn_buffer_zone_is_used_as_drawn():
    area = _area_at(700.0, "world_heritage", zone=["buffer"])
    f = finding(zoning.check(make_sites({}), layers=area), "HER-02")
    assert (f["result"], f["threshold"]) == ("pass", 0.0)  # 700 m from the drawn buffer zone
    inside = _area_at(-50.0, "world_heritage", zone=["buffer"])
    f = finding(zoning.check(make_sites({}), layers=inside), "HER-02")
    assert f["result"] == "needs_review"  # the rule asks for a case review in zone II
    assert f["missing_input"] == "review:rule"


@pytest.mark.parametrize(
    ("gap", "result", "margin_en"),
    [(700.0, "fail", "300 m below 1,000 m"), (1200.0, "pass", "200 m above 1,000 m")],
)
def test_distance_to_the_boundary_against_the_rules_buffer(gap, result, margin_en):
    rules = rules_with("NAT-01", threshold=1000, source_status="C", result_if_violated="fail")
    f = finding(zoning.check(make_sites({}), layers=_area_at(gap, "ramsar"), rules=rules), "NAT-01")
    assert f["result"] == result, f["reason"]
    assert f["margin_en"] == margin_en


def test_ramsar_and_biosphere_reserve_need_review_inside_and_say_their_status():
    layers = {
        "heritage": gpd.GeoDataFrame(
            {"designation": ["ramsar", "biosphere_reserve"]},
            geometry=[box(X0 - 100, Y0 - 100, X0 + 400, Y0 + 500), box(X0 + 1000, Y0, X0 + 2000, Y0 + 400)],
            crs=3405,
        ).to_crs(4326)
    }  # fmt: skip
    f = zoning.check(make_sites({}), layers=layers)
    ramsar, mab = finding(f, "NAT-01"), finding(f, "NAT-02")
    assert ramsar["result"] == "needs_review"  # never a hard fail: the subzones are not drawn
    # the deepest point of the site is its centre, 150 + 100 m from the area's west edge
    assert ramsar["measured"] == pytest.approx(-250.0, abs=0.5)
    assert "source status S" in ramsar["reason"]
    assert ramsar["missing_input"] == "review:rule"
    assert (mab["result"], mab["severity"]) == ("pass", "advisory")
    assert mab["measured"] == pytest.approx(700.0, abs=0.5)
    assert finding(f, "HER-01")["result"] == "pass"  # no world heritage area in the layer


def test_depth_of_a_footprint_spanning_a_narrow_area_is_its_half_width():
    strip = box(X0 + 100, Y0 - 1000, X0 + 200, Y0 + 2000)  # 100 m wide, crossing the site
    area = {"heritage": layer([strip], designation=["world_heritage"])}
    f = finding(zoning.check(make_sites({}), layers=area), "HER-01")
    assert f["measured"] == pytest.approx(-50.0, abs=1.0)


# ------------------------------------------------------------------ uncertain positions -------

ILLUSTRATIVE = {"footprint_accuracy": "illustrative", "location_accuracy": "approximate"}


@pytest.mark.parametrize(
    ("gap", "result", "missing"),
    [
        (700.0, "needs_review", "position:approximate"),  # within the 3 km tolerance
        (3500.0, "pass", ""),  # farther than 3 km from every position the site can have
    ],
)
def test_approximate_location_decides_only_beyond_its_tolerance(gap, result, missing):
    area = _area_at(gap, "world_heritage")
    f = finding(zoning.check(make_sites(ILLUSTRATIVE), layers=area), "HER-01")
    assert f["result"] == result, f["reason"]
    assert f["missing_input"] == missing
    assert "approximate location point, widened by 3,000 m" in f["basis"]


def test_approximate_location_deep_inside_an_area_fails():
    area = {"heritage": layer([box(X0 - 10_000, Y0 - 10_000, X0 + 10_000, Y0 + 10_000)],
                              designation=["world_heritage"])}  # fmt: skip
    f = finding(zoning.check(make_sites(ILLUSTRATIVE), layers=area), "HER-01")
    assert f["result"] == "fail"  # every position within 3 km is inside


def test_location_tolerance_is_a_parameter():
    area = _area_at(700.0, "world_heritage")
    f = zoning.check(
        make_sites(ILLUSTRATIVE), layers=area, location_tolerance_m={"approximate": 500}
    )
    assert finding(f, "HER-01")["result"] == "pass"
    with pytest.raises(SchemaError, match="unknown accuracy class 'rough'"):
        zoning.check(make_sites({}), location_tolerance_m={"rough": 10})


def _units() -> gpd.GeoDataFrame:
    """District D1 (province P) around the site, 2 km on each side; province P much larger."""
    return gpd.GeoDataFrame(
        {
            "level": ["district", "province"],
            "name_vi": ["D1", "P"],
            "former_province": ["P", "P"],
            "accuracy": ["digitized", "digitized"],
        },
        geometry=[
            box(X0 - 2000, Y0 - 2000, X0 + 2300, Y0 + 2400),
            box(X0 - 30_000, Y0 - 30_000, X0 + 30_000, Y0 + 30_000),
        ],
        crs=3405,
    ).to_crs(4326)


@pytest.mark.parametrize(
    ("district", "gap", "result"),
    [
        ("D1", 3000.0, "pass"),  # district edge 2 km east + 0.5 km: 0.5 km short of the area
        ("D1", 2200.0, "needs_review"),  # the widened district reaches the area
        ("D9", 3000.0, "needs_review"),  # unknown district: the province, which reaches it
    ],
)
def test_illustrative_location_is_placed_by_its_district(district, gap, result):
    site = {"footprint_accuracy": "illustrative", "location_accuracy": "illustrative",
            "district_old": district, "former_province": "P"}  # fmt: skip
    f = zoning.check(make_sites(site), layers=_area_at(gap, "world_heritage"), admin_units=_units())
    h = finding(f, "HER-01")
    assert h["result"] == result, h["reason"]
    if result == "needs_review":
        assert h["missing_input"] == "position:illustrative"
    else:
        assert "former district(s) D1" in h["basis"]


def test_admin_units_without_their_columns_raise():
    with pytest.raises(SchemaError, match="admin_units"):
        zoning.check(make_sites({}), admin_units=_units().drop(columns="level"))


def test_embedded_units_hold_districts_and_provinces():
    u = zoning.embedded_units()
    assert set(u["level"]) == {"district", "province"}
    assert {"Hoa Lư", "Bình Lục"} <= set(u.loc[u["level"] == "district", "name_vi"])
    assert u.crs.to_epsg() == 4326


# ------------------------------------------------------------------ the embedded data ----------


def test_protected_area_rules_on_the_embedded_clusters():
    clusters = nb.datasets.load_clusters()
    areas = nb.datasets.load_protected_areas()
    f = zoning.check(clusters, layers={"heritage": areas})
    rules = ("HER-01", "HER-02", "NAT-01", "NAT-02")
    pa = f[f["rule_id"].isin(rules)]
    decided = pa["result"].isin(["pass", "fail", "not_applicable"])
    # every site gets at least one decided heritage/protected-area finding
    assert decided.groupby(pa["site_id"]).any().all()
    her = pa[pa["rule_id"] == "HER-01"]
    assert her["result"].isin(["pass", "fail"]).mean() >= 0.9
    # undecided ones name their missing input: a position, a zone polygon or the rule's review
    kinds = pa.loc[~decided, "missing_input"].str.split(":").str[0]
    assert set(kinds) <= {"position", "zones", "review"}
    # a Hà Nam cluster 25 km from Tràng An is decided although its point is illustrative
    far = her.set_index("site_id").loc["CCN-HN-ANMYDONXA"]
    assert far["result"] == "pass"
    assert "former district(s) Bình Lục" in far["basis"]
    assert np.isfinite(her["margin"]).all()


# ------------------------------------------------------------------ properties ------------------

PROPS = settings(deadline=None, derandomize=True, database=None, max_examples=25)


@PROPS
@given(foot=footprint(), gap=st.floats(-2000, 2000, allow_nan=False))
def test_sign_of_the_distance_follows_the_overlap_and_the_result_the_margin(foot, gap):
    """For any footprint (holes, parts, slivers): measured < 0 iff it overlaps the area; an
    exact footprint fails HER-01 iff its margin is positive."""
    _, miny, maxx, maxy = foot.bounds
    area = box(maxx + gap, miny - 500, maxx + gap + 800, maxy + 500)
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["CCN-P0"],
            "kind": ["CCN"],
            "footprint_accuracy": ["digitized"],
            "district_old": ["A"],
        },
        geometry=[foot],
        crs=3405,
    )
    areas = gpd.GeoDataFrame({"designation": ["world_heritage"]}, geometry=[area], crs=3405)
    f = zoning.check(sites, layers={"heritage": areas}).set_index("rule_id").loc["HER-01"]
    overlap = foot.intersection(area).area
    if overlap > 1.0:  # clearly overlapping (m²)
        assert f["measured"] < 0
    elif overlap == 0:
        assert f["measured"] == pytest.approx(foot.distance(area), abs=0.05)
    assert (f["result"] == "fail") == (f["margin"] > 0)
    assert f["margin"] == pytest.approx(-f["measured"], abs=1e-6)  # rounded to 6 decimals
