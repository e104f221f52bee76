"""Tests of ninhbinh_geo.zoning.checks_exposure: the worst exposed share of a hazard."""

from __future__ import annotations

import numpy as np
import pytest
from zoning_fixtures import exposure_table, finding, make_sites, rules_with

from ninhbinh_geo import zoning


@pytest.mark.parametrize(
    ("rows", "rule", "result", "measured"),
    [
        ((("CCN-T0", "flood", 100, 0.10), ("CCN-T0", "flood", 10, 0.90)), "EXP-01", "pass", 0.10),
        ((("CCN-T0", "flood", 100, 0.40),), "EXP-01", "needs_review", 0.40),
        ((("CCN-T0", "flood", 10, 0.40),), "EXP-01", "needs_review", np.nan),  # no 100-yr row
        ((("CCN-T9", "flood", 100, 0.10),), "EXP-01", "needs_review", np.nan),  # other site
        (
            (("CCN-T0", "sea_level", 2050, 0.1), ("CCN-T0", "sea_level", 2100, 0.3)),
            "EXP-02",
            "needs_review",
            0.3,
        ),
        (
            (("CCN-T0", "sea_level", 2050, 0.1), ("CCN-T0", "sea_level", 2100, 0.2)),
            "EXP-02",
            "pass",
            0.2,
        ),
    ],
)
def test_exposure_rules(rows, rule, result, measured):
    f = finding(zoning.check(make_sites({}), exposure=exposure_table(*rows)), rule)
    assert f["result"] == result, f["reason"]
    if np.isnan(measured):
        assert np.isnan(f["measured"])
        assert "no exposure value" in f["reason"]
    else:
        assert f["measured"] == pytest.approx(measured)


def test_exposure_fails_when_rule_is_confirmed_and_blocking():
    rules = rules_with("EXP-01", source_status="C", result_if_violated="fail")
    ex = exposure_table(("CCN-T0", "flood", 100, 0.40))
    assert (
        finding(zoning.check(make_sites({}), exposure=ex, rules=rules), "EXP-01")["result"]
        == "fail"
    )
    assert finding(zoning.check(make_sites({})), "EXP-01")["reason"] == (
        "no exposure layer supplied; source status U: unverified rule, so a violation is "
        "reported as needs_review"
    )


def test_exposure_matches_raster_labels_and_takes_the_worst_row_by_position():
    # the index of raster_exposure repeats the site index once per hazard
    ex = exposure_table(
        ("CCN-T0", "inunriver_historical_000000000WATCH_1980_rp00100", 100.0, 0.05),
        ("CCN-T0", "FU-1in100", 100.0, 0.20),
        ("CCN-T0", "FU-1in10", 10.0, 0.80),
        ("CCN-T0", "slr_2100_rcp85", np.nan, 0.30),
    )
    ex.index = [0, 0, 0, 0]
    f = zoning.check(make_sites({}), exposure=ex)
    flood = finding(f, "EXP-01")
    assert flood["result"] == "pass"
    assert flood["measured"] == pytest.approx(0.20)
    assert "'FU-1in100'" in flood["basis"]
    assert "worst of 2 rows" in flood["basis"]
    assert finding(f, "EXP-02")["measured"] == pytest.approx(0.30)


def test_exposure_on_partly_covered_site_is_never_a_pass():
    ex = exposure_table(("CCN-T0", "flood", 100, 0.05)).assign(coverage_share=0.6)
    f = finding(zoning.check(make_sites({}), exposure=ex), "EXP-01")
    assert f["result"] == "needs_review"
    assert "covers only 60 %" in f["reason"]


def test_exposure_on_illustrative_hazard_is_needs_review():
    rules = rules_with("EXP-01", source_status="C", result_if_violated="fail")
    ex = exposure_table(("CCN-T0", "flood", 100, 0.40)).assign(accuracy="illustrative")
    f = finding(zoning.check(make_sites({}), exposure=ex, rules=rules), "EXP-01")
    assert f["result"] == "needs_review"
    assert "ILLUSTRATIVE hazard" in f["reason"]
