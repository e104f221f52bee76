"""Tests of ninhbinh_geo.zoning.checks_site: area, expansion, wastewater plant, occupancy."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box
from zoning_fixtures import X0, Y0, finding, group_sites, layer, make_sites, rules_with

from ninhbinh_geo import zoning


@pytest.mark.parametrize(
    ("row", "rule", "result", "measured"),
    [
        ({}, "CCN-01", "pass", 12.0),  # footprint 300 m x 400 m
        ({"geom": box(X0, Y0, X0 + 200, Y0 + 200)}, "CCN-01", "fail", 4.0),
        ({"area_ha": 80.0}, "CCN-01", "fail", 80.0),  # the official figure wins
        ({"area_ha": np.nan, "geom": None}, "CCN-01", "needs_review", np.nan),
        ({"area_ha": 7.0, "craft_village": True}, "CCN-02", "pass", 7.0),
        ({"area_ha": 4.0, "mountainous": True}, "CCN-02", "fail", 4.0),
        (
            {"area_ha": np.nan, "geom": None, "craft_village": True},
            "CCN-02",
            "needs_review",
            np.nan,
        ),
        ({"area_ha": 7.0, "craft_village": True}, "CCN-01", "not_applicable", np.nan),
        ({"area_ha": 7.0}, "CCN-02", "not_applicable", np.nan),
        # craft-village flag unknown: a 7 ha site cannot be failed on the 10 ha floor
        ({"area_ha": 7.0, "craft_village": None}, "CCN-01", "needs_review", 7.0),
        ({"kind": "KCN", "area_ha": 400.0}, "KCN-02", "pass", 400.0),
        ({"kind": "KCN", "area_ha": 600.0}, "KCN-02", "needs_review", 600.0),
        ({"kind": "KCN", "area_ha": np.nan, "geom": None}, "KCN-02", "needs_review", np.nan),
        ({"kind": "KCN", "area_ha": 60.0}, "CCN-01", "not_applicable", np.nan),
    ],
)
def test_area_rules(row, rule, result, measured):
    f = finding(zoning.check(make_sites(row)), rule)
    assert f["result"] == result, f["reason"]
    if np.isnan(measured):
        assert f["result"] == "not_applicable" or np.isnan(f["measured"])
    else:
        assert f["measured"] == pytest.approx(measured, abs=1e-3)


def test_illustrative_footprint_area_is_not_a_measurement():
    small = box(X0, Y0, X0 + 200, Y0 + 200)  # 4 ha marker drawn without a known area
    f = zoning.check(
        make_sites(
            {"geom": small, "footprint_accuracy": "illustrative"},
            {
                "site_id": "CCN-T1",
                "geom": small,
                "area_ha": 20.0,
                "footprint_accuracy": "illustrative",
            },
        )
    )
    unknown = finding(f, "CCN-01", 0)
    assert unknown["result"] == "needs_review"
    assert np.isnan(unknown["measured"])
    assert "footprint is illustrative" in unknown["reason"]
    official = finding(f, "CCN-01", 1)  # the official figure does not depend on the outline
    assert official["result"] == "pass"
    assert official["measured"] == 20.0


def test_area_basis_is_stated():
    f = zoning.check(make_sites({}, {"site_id": "CCN-T1", "area_ha": 30.0}))
    assert "footprint area in EPSG:3405" in finding(f, "CCN-01", 0)["basis"]
    assert finding(f, "CCN-01", 1)["basis"] == "area_ha (official figure)"
    assert finding(f, "CCN-01", 1)["measured"] == 30.0


@pytest.mark.parametrize(
    ("row", "result", "measured"),
    [
        ({"area_ha": 60.0, "expansion_ha": 10.0}, "pass", 70.0),
        ({"area_ha": 60.0, "expansion_ha": 20.0}, "fail", 80.0),
        ({"area_ha": 60.0, "expansion_ha": 15.0}, "pass", 75.0),  # the cap is inclusive
        ({"area_ha": np.nan, "geom": None, "expansion_ha": 10.0}, "needs_review", np.nan),
        ({"area_ha": 60.0}, "not_applicable", np.nan),
    ],
)
def test_expanded_area(row, result, measured):
    f = finding(zoning.check(make_sites(row)), "CCN-08")
    assert f["result"] == result, f["reason"]
    if not np.isnan(measured):
        assert f["measured"] == pytest.approx(measured)


def test_expanded_area_from_proposed_polygon_counts_only_new_land():
    sites = make_sites({})  # 12 ha footprint, no area_ha
    # 300 m x 400 m extension overlapping half of the site: 6 ha of new land
    ext = layer([box(X0 + 150, Y0, X0 + 450, Y0 + 400)], site_id=["CCN-T0"])
    f = finding(zoning.check(sites, proposed=ext), "CCN-08")
    assert f["result"] == "pass"
    assert f["measured"] == pytest.approx(18.0, abs=1e-3)
    big = layer([box(X0 + 300, Y0, X0 + 2000, Y0 + 400)], site_id=["CCN-T0"])  # + 68 ha
    f = finding(zoning.check(sites, proposed=big), "CCN-08")
    assert f["result"] == "fail"
    assert f["measured"] == pytest.approx(80.0, abs=1e-3)
    # with an official area the extension is added to it
    f = finding(zoning.check(make_sites({"area_ha": 50.0}), proposed=ext), "CCN-08")
    assert f["measured"] == pytest.approx(56.0, abs=1e-3)
    assert "proposed extension polygon" in f["basis"]


@pytest.mark.parametrize(
    ("row", "rule", "result"),
    [
        ({"has_wwtp": True, "wwtp_compliant": True}, "ENV-01", "pass"),
        ({"has_wwtp": True, "wwtp_compliant": False}, "ENV-01", "fail"),
        ({"has_wwtp": False, "wwtp_compliant": None}, "ENV-01", "fail"),
        ({"has_wwtp": None, "wwtp_compliant": True}, "ENV-01", "needs_review"),
        ({"status": "planned", "has_wwtp": False}, "ENV-01", "not_applicable"),
        ({"status": None, "has_wwtp": False}, "ENV-01", "needs_review"),
        ({"expansion_ha": 5.0, "has_wwtp": True}, "CCN-10", "pass"),
        ({"expansion_ha": 5.0, "has_wwtp": False}, "CCN-10", "fail"),
        ({"expansion_ha": 5.0, "has_wwtp": None}, "CCN-10", "needs_review"),
        ({"has_wwtp": False}, "CCN-10", "not_applicable"),
    ],
)
def test_wastewater_rules(row, rule, result):
    f = finding(zoning.check(make_sites(row)), rule)
    assert f["result"] == result, f["reason"]
    if result == "needs_review" and row.get("has_wwtp", True) is None:
        assert "has_wwtp unknown (no data)" in f["reason"]


@pytest.mark.parametrize(
    ("row", "result", "measured"),
    [
        ({"expansion_ha": 5.0, "occupancy_pct": 75.0}, "pass", 75.0),
        ({"expansion_ha": 5.0, "industrial_ha": 50.0, "leased_ha": 30.0}, "pass", 60.0),
        ({"expansion_ha": 5.0, "occupancy_pct": 40.0}, "needs_review", 40.0),
        ({"expansion_ha": 5.0}, "needs_review", np.nan),
        ({"occupancy_pct": 10.0}, "not_applicable", np.nan),
    ],
)
def test_expansion_occupancy(row, result, measured):
    f = finding(zoning.check(make_sites(row)), "CCN-09")
    assert f["result"] == result, f["reason"]
    if not np.isnan(measured):
        assert f["measured"] == pytest.approx(measured)
    if result == "needs_review" and np.isnan(measured):
        assert f["reason"].startswith("occupancy unknown")


def test_expansion_occupancy_fails_when_the_table_says_fail():
    rules = rules_with("CCN-09", result_if_violated="fail")
    f = finding(
        zoning.check(make_sites({"expansion_ha": 5.0, "occupancy_pct": 59.9}), rules=rules),
        "CCN-09",
    )
    assert f["result"] == "fail"


@pytest.mark.parametrize(
    ("existing", "result", "measured"),
    [
        (((100.0, 60.0), (100.0, 50.0)), "pass", 55.0),  # 110/200 leased
        (((200.0, 40.0), (100.0, 20.0)), "fail", 20.0),  # 60/300, 240 ha unleased
        (((100.0, 10.0),), "pass", 10.0),  # only 90 ha unleased <= 100 ha
        (((150.0, 40.0),), "fail", 40.0 / 150.0 * 100),  # 110 ha unleased
        (((100.0, 60.0), (100.0, np.nan)), "needs_review", np.nan),
    ],
)
def test_new_cluster_group_occupancy(existing, result, measured):
    f = finding(zoning.check(group_sites({}, *existing)), "CCN-07")
    assert f["result"] == result, f["reason"]
    if not np.isnan(measured):
        assert f["measured"] == pytest.approx(measured)
    else:
        assert "occupancy unknown for 'CCN-T2'" in f["reason"]


def test_group_occupancy_uses_only_the_chosen_unit_and_existing_clusters():
    sites = make_sites(
        {"status": "planned", "district_old": "A", "former_province": "Nam Định"},
        # same district, existing: 60/100
        {
            "site_id": "CCN-T1",
            "district_old": "A",
            "former_province": "Nam Định",
            "industrial_ha": 100.0,
            "leased_ha": 60.0,
        },
        # other district, same former province: 0/300
        {
            "site_id": "CCN-T2",
            "district_old": "B",
            "former_province": "Nam Định",
            "industrial_ha": 300.0,
            "leased_ha": 0.0,
        },
        # same district but itself only planned: ignored
        {
            "site_id": "CCN-T3",
            "district_old": "A",
            "status": "planned",
            "industrial_ha": 500.0,
            "leased_ha": 0.0,
        },
        # a park in the same district: ignored
        {
            "site_id": "KCN-T4",
            "kind": "KCN",
            "district_old": "A",
            "industrial_ha": 500.0,
            "leased_ha": 0.0,
        },
    )
    by_district = finding(zoning.check(sites), "CCN-07")
    assert by_district["result"] == "pass"
    assert by_district["measured"] == pytest.approx(60.0)
    by_province = finding(zoning.check(sites, group_by="former_province"), "CCN-07")
    assert by_province["result"] == "fail"  # 60/400 = 15 %, 340 ha unleased
    assert by_province["measured"] == pytest.approx(15.0)
    whole = finding(zoning.check(sites, group_by="province"), "CCN-07")
    assert whole["measured"] == pytest.approx(15.0)


def test_group_occupancy_without_existing_clusters_or_group_is_needs_review():
    alone = finding(zoning.check(make_sites({"status": "planned"})), "CCN-07")
    assert alone["result"] == "needs_review"
    assert "no existing cluster" in alone["reason"]
    nogroup = finding(zoning.check(group_sites({"district_old": None}, (100.0, 90.0))), "CCN-07")
    assert nogroup["result"] == "needs_review"
    assert "district_old unknown" in nogroup["reason"]


def test_group_occupancy_falls_back_to_published_rate():
    sites = group_sites({}, (100.0, np.nan))
    sites.loc[sites["site_id"] == "CCN-T1", "occupancy_pct"] = 70.0
    f = finding(zoning.check(sites), "CCN-07")
    assert f["result"] == "pass"
    assert f["measured"] == pytest.approx(70.0)
