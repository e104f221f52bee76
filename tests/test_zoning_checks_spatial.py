"""Tests of ninhbinh_geo.zoning.checks_spatial: dyke and river corridors, heritage zones, housing."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box
from zoning_fixtures import X0, Y0, dyke_below, finding, layer, make_sites, rules_with

from ninhbinh_geo import zoning
from ninhbinh_geo._errors import SchemaError


@pytest.mark.parametrize(
    ("d_m", "attrs", "rule", "result", "threshold"),
    [
        (30.0, {"grade": "II"}, "DYK-01", "pass", 25.0),
        (22.0, {"grade": "II"}, "DYK-01", "fail", 25.0),  # no side: the larger 25 m
        (22.0, {"grade": "II", "river_side": "left"}, "DYK-01", "pass", 20.0),  # site on river side
        (22.0, {"grade": "II", "river_side": "right"}, "DYK-01", "fail", 25.0),  # on land side
        (22.0, {"grade": "I", "settled": True}, "DYK-01", "pass", 5.0),
        (
            150.0,
            {"grade": "special", "river_side": "left", "dyke_type": "sea"},
            "DYK-01",
            "fail",
            200.0,
        ),
        (22.0, {"grade": None}, "DYK-01", "needs_review", 25.0),  # grade unknown
        (22.0, {"grade": "IV"}, "DYK-01", "pass", np.nan),  # not a grade of DYK-01
        (22.0, {"grade": "IV"}, "DYK-02", "pass", 5.0),
        (3.0, {"grade": "V"}, "DYK-02", "fail", 5.0),
        (22.0, {"grade": "4", "corridor_m": 30.0}, "DYK-02", "fail", 30.0),  # provincial width
        (22.0, {"grade": "Cấp đặc biệt"}, "DYK-01", "fail", 25.0),
        (22.0, {"grade": "cấp 3"}, "DYK-01", "fail", 25.0),
    ],
)
def test_dyke_corridors(d_m, attrs, rule, result, threshold):
    f = finding(zoning.check(make_sites({}), layers={"dykes": dyke_below(d_m, **attrs)}), rule)
    assert f["result"] == result, f["reason"]
    if not np.isnan(threshold):
        assert f["measured"] == pytest.approx(d_m, abs=0.01)
        assert f["threshold"] == pytest.approx(threshold)
    if result == "fail":
        overlap_ha = (threshold - d_m) * 300 / 1e4
        assert f"{overlap_ha:.2f}".rstrip("0").rstrip(".") + " ha" in f["reason"]


def test_dyke_side_unknown_says_larger_width_used():
    f = finding(
        zoning.check(make_sites({}), layers={"dykes": dyke_below(30, grade="II")}), "DYK-01"
    )
    assert "larger width 25 m" in f["basis"]


def test_dyke_layer_without_grade_column_raises():
    with pytest.raises(SchemaError, match="'grade'"):
        zoning.check(make_sites({}), layers={"dykes": dyke_below(30)})


@pytest.mark.parametrize(
    ("d_m", "width", "result"),
    [
        (80.0, 50.0, "pass"),
        (30.0, 50.0, "needs_review"),  # a violation, but RIV-01 is status U
        (30.0, None, "needs_review"),  # width unknown
    ],
)
def test_river_corridor(d_m, width, result):
    rivers = dyke_below(d_m, corridor_m=width)
    f = finding(zoning.check(make_sites({}), layers={"rivers": rivers}), "RIV-01")
    assert f["result"] == result, f["reason"]
    assert f["measured"] == pytest.approx(d_m, abs=0.01)
    if width and d_m < width:
        assert "inside the rivers corridor" in f["reason"]
        assert "status U" in f["reason"]
    if width is None:
        assert "corridor width unknown" in f["reason"]


@pytest.mark.parametrize(
    ("zone", "rule", "result", "measured"),
    [
        ("I", "HER-01", "fail", -100.0),  # the footprint reaches 100 m into zone I
        ("I", "HER-02", "pass", np.nan),  # no zone II in the layer, and no unzoned area
        ("core", "HER-01", "fail", -100.0),
        ("II", "HER-02", "needs_review", -100.0),  # zone II: the rule asks for a review
        ("buffer", "HER-01", "pass", np.nan),
        (None, "HER-01", "needs_review", -100.0),  # zone unknown
        (None, "HER-02", "needs_review", -100.0),  # within 5 km of an area of unknown zone
    ],
)
def test_heritage_zones(zone, rule, result, measured):
    heritage = layer([box(X0 + 200, Y0, X0 + 500, Y0 + 400)], zone=[zone])
    f = finding(zoning.check(make_sites({}), layers={"heritage": heritage}), rule)
    assert f["result"] == result, f["reason"]
    if np.isnan(measured):
        assert np.isnan(f["measured"])
    else:
        assert f["measured"] == pytest.approx(measured, abs=0.5)
    if zone is None:
        assert f["missing_input"] in ("column:zone (heritage)", "zones:heritage")


def test_heritage_far_away_passes_and_missing_layer_is_needs_review():
    heritage = layer([box(X0 + 2000, Y0, X0 + 2500, Y0 + 400)], zone=["I"])
    f = zoning.check(make_sites({}), layers={"heritage": heritage})
    assert finding(f, "HER-01")["result"] == "pass"
    assert finding(zoning.check(make_sites({})), "HER-01")["result"] == "needs_review"


RES_400 = box(X0, Y0 + 800, X0 + 300, Y0 + 900)  # 400 m north of the site's north edge


@pytest.mark.parametrize(
    ("cls", "rule", "result"),
    [
        ("III", "QH-05-III", "pass"),  # needs 300 m
        ("II", "QH-05-II", "needs_review"),  # needs 500 m; advisory legacy benchmark
        ("2", "QH-05-II", "needs_review"),
        ("II", "QH-05-I", "not_applicable"),
        (None, "QH-05-V", "pass"),  # class unknown, but 400 m meets class V whatever it is
        (None, "QH-05-III", "pass"),
        (None, "QH-05-II", "needs_review"),  # 400 m < 500 m: waits for the class
    ],
)
def test_residential_distance_by_class(cls, rule, result):
    res = layer([RES_400])
    f = finding(zoning.check(make_sites({"hazard_class": cls}), layers={"residential": res}), rule)
    assert f["result"] == result, f["reason"]
    if result != "not_applicable":
        assert f["measured"] == pytest.approx(400.0, abs=0.01)
    if cls is None:
        assert "hazard class unknown" in f["reason"]
        assert f["missing_input"] == ("column:hazard_class" if result != "pass" else "")


def test_residential_distance_with_mixed_known_and_unknown_classes():
    sites = make_sites({"hazard_class": "I"}, {"site_id": "CCN-T1", "hazard_class": None})
    f = zoning.check(sites, layers={"residential": layer([RES_400])})
    assert finding(f, "QH-05-I", 0)["result"] == "needs_review"  # 400 m < 1000 m
    assert finding(f, "QH-05-V", 0)["result"] == "not_applicable"
    for rule, result in (("QH-05-I", "needs_review"), ("QH-05-V", "pass")):
        unknown = finding(f, rule, 1)
        assert unknown["result"] == result
        assert "hazard class unknown" in unknown["reason"]


def test_residential_rules_without_the_layer_decide_what_the_class_decides():
    sites = make_sites({"hazard_class": "II"}, {"site_id": "CCN-T1", "hazard_class": None})
    f = zoning.check(sites)
    assert finding(f, "QH-05-I", 0)["result"] == "not_applicable"  # class II: not rule I
    assert finding(f, "QH-05-II", 0)["missing_input"] == "layer:residential"
    unknown = finding(f, "QH-05-I", 1)
    assert unknown["result"] == "needs_review"
    assert unknown["missing_input"] == "layer:residential; column:hazard_class"


def test_residential_distance_fails_when_the_table_says_fail():
    rules = rules_with("QH-05-II", result_if_violated="fail")
    res = layer([RES_400, box(X0 - 5000, Y0, X0 - 4000, Y0 + 100)])
    f = zoning.check(make_sites({"hazard_class": "II"}), layers={"residential": res}, rules=rules)
    assert finding(f, "QH-05-II")["result"] == "fail"
    assert finding(f, "QH-05-II")["threshold"] == 500.0
    no_layer = finding(zoning.check(make_sites({"hazard_class": "II"})), "QH-05-II")
    assert no_layer["result"] == "needs_review"
    assert no_layer["reason"].startswith("no residential layer supplied")
