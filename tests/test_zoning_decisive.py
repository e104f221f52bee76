"""Tests of decisive rules, margins, binding rules, decidability and rule identity (zoning).

Hand-worked cases: the size rules of Decree 32/2024 Art. 2(1) (ordinary cluster 10–75 ha,
craft-village or mountainous 5–75 ha) decide whenever the flags cannot change the outcome.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from zoning_fixtures import X0, Y0, finding, layer, make_sites, rules_with

from ninhbinh_geo import zoning
from ninhbinh_geo._errors import RulesError, SchemaError

UNKNOWN = {"craft_village": None, "mountainous": None}


def _size(area_ha: float, **flags: object) -> tuple[pd.Series, pd.Series]:
    """CCN-01 and CCN-02 findings of one cluster of ``area_ha`` (official area, no footprint)."""
    f = zoning.check(make_sites({"area_ha": area_ha, "geom": None, **flags}))
    return finding(f, "CCN-01"), finding(f, "CCN-02")


# ------------------------------------------------------------------ decisive size rules -------


@pytest.mark.parametrize("area", [3.0, 120.0])
def test_size_outside_5_to_75_fails_whatever_the_flags(area):
    ordinary, special = _size(area, **UNKNOWN)
    assert (ordinary["result"], special["result"]) == ("fail", "fail"), ordinary["reason"]
    assert "violated whatever craft_village/mountainous" in ordinary["reason"]
    assert ordinary["missing_input"] == special["missing_input"] == ""
    s = zoning.summarize(zoning.check(make_sites({"area_ha": area, "geom": None, **UNKNOWN})))
    assert s.loc[0, "worst_result"] == "fail"


def test_50_ha_passes_with_flags_unknown():
    ordinary, special = _size(50.0, **UNKNOWN)
    assert (ordinary["result"], special["result"]) == ("pass", "pass")


def test_7_ha_with_unknown_flags_needs_review_and_names_the_flags():
    ordinary, special = _size(7.0, **UNKNOWN)
    assert ordinary["result"] == "needs_review"  # fails CCN-01 if ordinary
    assert special["result"] == "pass"  # meets CCN-02 if craft village or mountainous
    assert ordinary["missing_input"] == "column:craft_village|mountainous"
    assert "applicability unknown" in ordinary["reason"]


@pytest.mark.parametrize(
    ("flags", "ordinary", "special"),
    [
        ({"craft_village": True, "mountainous": None}, "not_applicable", "pass"),
        ({"craft_village": None, "mountainous": True}, "not_applicable", "pass"),
        ({"craft_village": False, "mountainous": False}, "fail", "not_applicable"),
    ],
)
def test_7_ha_with_known_flags(flags, ordinary, special):
    f01, f02 = _size(7.0, **flags)
    assert (f01["result"], f02["result"]) == (ordinary, special)


def test_3_ha_craft_village_fails_the_5_ha_floor():
    ordinary, special = _size(3.0, craft_village=True, mountainous=None)
    assert (ordinary["result"], special["result"]) == ("not_applicable", "fail")


def test_an_illustrative_footprint_never_decides_the_size_on_its_own():
    big = box(X0, Y0, X0 + 1200, Y0 + 1000)  # 120 ha drawn
    f = zoning.check(make_sites({"geom": big, "footprint_accuracy": "illustrative"}))
    assert finding(f, "CCN-01")["result"] == "needs_review"
    assert "illustrative" in finding(f, "CCN-01")["reason"]
    assert finding(f, "CCN-01")["missing_input"] == "column:area_ha"
    # the official area decides, whatever the drawn circle
    f = zoning.check(
        make_sites({"geom": big, "footprint_accuracy": "illustrative", "area_ha": 40.0})
    )
    assert finding(f, "CCN-01")["result"] == "pass"
    assert finding(f, "CCN-01")["basis"] == "area_ha (official figure)"


def test_an_extension_alone_over_the_cap_fails_with_the_current_area_unknown():
    f = finding(zoning.check(make_sites({"expansion_ha": 80.0})), "CCN-08")
    # the 300 m x 400 m digitized footprint gives 12 ha: 92 ha after
    assert (f["result"], f["measured"]) == ("fail", pytest.approx(92.0))
    site = make_sites({"expansion_ha": 80.0, "footprint_accuracy": "illustrative"})
    f = finding(zoning.check(site), "CCN-08")
    assert (f["result"], f["measured"]) == ("fail", 80.0)
    assert "extension alone is 80 ha" in f["reason"]


# ------------------------------------------------------------------ margins -------------------


@pytest.mark.parametrize(
    ("area", "margin", "vi", "en"),
    [
        (87.4, 12.4, "12,4 ha trên ngưỡng 75 ha", "12.4 ha above 75 ha"),
        (3.0, 7.0, "7 ha dưới ngưỡng 10 ha", "7 ha below 10 ha"),
        (50.0, -25.0, "25 ha dưới ngưỡng 75 ha", "25 ha below 75 ha"),
        (12.0, -2.0, "2 ha trên ngưỡng 10 ha", "2 ha above 10 ha"),
        (75.0, 0.0, "đúng ngưỡng 75 ha", "exactly at 75 ha"),
    ],
)
def test_size_margin_sign_unit_and_text(area, margin, vi, en):
    f = finding(zoning.check(make_sites({"area_ha": area, "geom": None})), "CCN-01")
    assert f["margin"] == pytest.approx(margin)
    assert f["margin_unit"] == "ha"
    assert (f["margin_vi"], f["margin_en"]) == (vi, en)


def test_margins_of_other_units():
    sites = make_sites(
        {"kind": "KCN", "site_id": "KCN-T0", "area_ha": 1734.5, "geom": None},
        {"site_id": "CCN-T1", "expansion_ha": 5.0, "occupancy_pct": 50.0, "has_wwtp": False},
    )
    f = zoning.check(sites)
    park = f[(f["site_id"] == "KCN-T0") & (f["rule_id"] == "KCN-02")].iloc[0]
    assert park["margin"] == pytest.approx(1234.5)
    assert park["margin_vi"] == "1.234,5 ha trên ngưỡng 500 ha"
    assert park["margin_en"] == "1,234.5 ha above 500 ha"
    occ = finding(f, "CCN-09", 1)  # 50 % against >= 60 %
    assert (occ["margin"], occ["margin_unit"], occ["margin_en"]) == (10.0, "%", "10 % below 60 %")
    wwtp = finding(f, "CCN-10", 1)
    assert (wwtp["margin"], wwtp["margin_unit"], wwtp["margin_en"]) == (
        1.0,
        "bool",
        "condition not met",
    )
    na = finding(f, "KCN-02", 1)  # not applicable: no margin
    assert math.isnan(na["margin"])
    assert na["margin_en"] == ""


def test_share_margin_reads_as_percent_and_unknown_has_none():
    table = pd.DataFrame(
        {"site_id": ["CCN-T0"], "hazard": ["flood"], "return_period": [100], "exposed_share": [0.6]}
    )
    f = finding(zoning.check(make_sites({}), exposure=table), "EXP-01")
    assert (f["margin"], f["margin_unit"]) == (pytest.approx(0.35), "share")
    assert f["margin_en"] == "35 % above 25 %"
    dyke = finding(zoning.check(make_sites({})), "DYK-01")  # no layer: nothing measured
    assert math.isnan(dyke["margin"])
    assert dyke["margin_unit"] == ""


# ------------------------------------------------------------------ binding rule --------------


def test_binding_rule_severity_before_id_and_id_breaks_ties():
    zone_i = layer([box(X0 + 200, Y0, X0 + 500, Y0 + 400)], zone=["I"])
    sites = make_sites(
        {"area_ha": 3.0, "geom": None, **UNKNOWN},  # CCN-01 and CCN-02 fail, both blocking
        {"site_id": "CCN-T1", "has_wwtp": False},  # ENV-01 (major) and HER-01 (blocking) fail
    )
    s = zoning.summarize(zoning.check(sites, layers={"heritage": zone_i}))
    assert s.loc[0, "worst_result"] == "fail"
    assert s.loc[0, "rules_failed"] == "CCN-01, CCN-02"
    assert (s.loc[0, "binding_rule"], s.loc[0, "binding_severity"]) == ("CCN-01", "blocking")
    assert s.loc[0, "binding_margin"] == 7.0  # 3 ha: 7 ha below 10 ha
    assert s.loc[0, "binding_margin_en"] == "7 ha below 10 ha"
    assert set(s.loc[1, "rules_failed"].split(", ")) == {"ENV-01", "HER-01"}
    assert s.loc[1, "binding_rule"] == "HER-01"  # blocking beats major, though "E" < "H"
    assert s.loc[1, "binding_margin_en"] == "100 m inside the area"


def test_binding_rule_of_a_needs_review_site_names_what_would_decide_it():
    s = zoning.summarize(zoning.check(make_sites({"area_ha": 7.0, "geom": None, **UNKNOWN})))
    assert s.loc[0, "worst_result"] == "needs_review"
    # blocking needs-review rules: CCN-01 (flags) and DYK-01/02 (no layer); CCN-01 first by id
    assert s.loc[0, "binding_rule"] == "CCN-01"
    assert s.loc[0, "binding_missing_input"] == "column:craft_village|mountainous"


# ------------------------------------------------------------------ decidability -------------


def _three_sites() -> pd.DataFrame:
    rules = zoning.load_rules().loc[["CCN-01", "CCN-02", "DYK-01"]]
    sites = make_sites(
        {"area_ha": 50.0, "geom": None, **UNKNOWN},
        {"site_id": "CCN-T1", "area_ha": 7.0, "geom": None, **UNKNOWN},
        {"site_id": "CCN-T2", "area_ha": np.nan, "geom": None, **UNKNOWN},
    )
    return zoning.check(sites, rules=rules)


def test_decided_share_on_a_small_fixture():
    share = _three_sites().pipe(zoning.decided_share).set_index("rule_id")
    # decided: T0 CCN-01 and CCN-02 (pass), T1 CCN-02 (pass); the rest waits
    assert share.loc["all", ["pairs", "decided", "n_pass", "n_needs_review"]].tolist() == [
        9,
        3,
        3,
        6,
    ]
    assert share.loc["all", "decided_share"] == pytest.approx(1 / 3)
    assert share.loc["CCN-01", "decided_share"] == pytest.approx(1 / 3)
    assert share.loc["CCN-02", "decided_share"] == pytest.approx(2 / 3)
    assert share.loc["DYK-01", "decided"] == 0


def test_missing_data_counts_pairs_alone_and_sites():
    table = zoning.missing_data(_three_sites()).set_index("missing_input")
    assert table.loc["layer:dykes", ["pairs", "alone", "sites"]].tolist() == [3, 3, 3]
    flags = table.loc["column:craft_village|mountainous"]
    # T1 CCN-01 (alone), T2 CCN-01 and CCN-02 (with the area)
    assert flags[["pairs", "alone", "sites"]].tolist() == [3, 1, 2]
    assert flags["missing"] == "craft_village/mountainous unknown"
    assert table.loc["column:area_ha", ["pairs", "alone", "rules"]].tolist() == [
        2,
        0,
        "CCN-01, CCN-02",
    ]
    vi = zoning.missing_data(_three_sites(), lang="vi").set_index("missing_input")
    assert vi.loc["layer:dykes", "missing"] == "thiếu lớp dykes"


def test_decidability_rejects_foreign_tables():
    with pytest.raises(SchemaError, match="missing_input"):
        zoning.missing_data(pd.DataFrame({"site_id": [], "rule_id": [], "result": []}))
    with pytest.raises(SchemaError, match="result"):
        zoning.decided_share(pd.DataFrame({"rule_id": ["A"]}))
    assert zoning.missing_data(_three_sites().iloc[:0]).empty


# ------------------------------------------------------------------ rule identity ------------


def test_rule_hash_ignores_wording_and_follows_the_norm():
    shipped = zoning.load_rules()
    h = shipped.loc["CCN-01", "rule_hash"]
    assert len(h) == 12
    assert int(h, 16) >= 0
    reworded = rules_with(
        "CCN-01", statement_en="Reworded.", notes="new note", source_url="https://example.org"
    )
    assert reworded.loc["CCN-01", "rule_hash"] == h
    assert rules_with("CCN-01", threshold="10.0").loc["CCN-01", "rule_hash"] == h
    assert rules_with("CCN-01", threshold_high="80").loc["CCN-01", "rule_hash"] != h
    assert rules_with("CCN-01", legal_source="Decree 1/2030").loc["CCN-01", "rule_hash"] != h
    reordered = rules_with("DYK-01", params="settled_m=5;sea_m=200;river_m=20;land_m=25;"
                           "grades=special|I|II|III")  # fmt: skip
    assert reordered.loc["DYK-01", "rule_hash"] == shipped.loc["DYK-01", "rule_hash"]
    assert shipped["rule_hash"].is_unique


def test_every_finding_carries_the_rule_hash_and_effective_date():
    rules = zoning.load_rules()
    f = zoning.check(make_sites({}))
    by_rule = f.set_index("rule_id")
    assert (by_rule["rule_hash"] == rules["rule_hash"]).all()
    assert (by_rule["effective_date"] == rules["effective_date"]).all()
    assert by_rule.loc["CCN-01", "effective_date"] == "2024-05-01"


def test_effective_dates_are_iso_and_always_explained():
    rules = zoning.load_rules()
    assert (rules["effective_date_basis"].str.len() > 10).all()
    dated = rules[rules["effective_date"] != ""]
    assert set(dated["rule_id"]) >= {"CCN-01", "CCN-02", "KCN-02"}
    assert pd.to_datetime(dated["effective_date"], format="%Y-%m-%d").notna().all()
    assert rules.loc["KCN-02", "effective_date"] == "2022-07-15"
    assert rules.loc["DYK-01", "effective_date"] == ""  # not stated in the sources


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"effective_date": "01/05/2024"}, "YYYY-MM-DD"),
        ({"effective_date": "2024-05-01", "effective_date_basis": ""}, "no effective_date_basis"),
    ],
)
def test_bad_effective_dates_raise(changes, match):
    with pytest.raises(RulesError, match=match):
        rules_with("CCN-01", **changes)


def test_a_table_without_date_columns_still_loads():
    raw = pd.read_csv(zoning.rules_path(), dtype=str, keep_default_na=False)
    rules = zoning.load_rules(raw.drop(columns=list(zoning.DATE_COLUMNS)))
    assert (rules["effective_date"] == "").all()
    assert rules.loc["CCN-01", "rule_hash"] == zoning.load_rules().loc["CCN-01", "rule_hash"]
