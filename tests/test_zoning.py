"""Tests of ninhbinh_geo.zoning: the door (check), the result policy (engine), summarize.

Every shipped rule passes, fails and lacks data on hand-made fixtures (``zoning_fixtures``);
the measurements of each check are tested in ``test_zoning_<room>.py``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from zoning_fixtures import (
    X0,
    Y0,
    dyke_below,
    exposure_table,
    finding,
    group_sites,
    layer,
    make_sites,
    rules_with,
)

import ninhbinh_geo as nb
from ninhbinh_geo import crs, zoning
from ninhbinh_geo._errors import CRSError, RulesError, SchemaError

# ------------------------------------------------------------------ the door ---------------


def test_public_names_of_the_former_module_stay_importable():
    names = {"check", "summarize", "load_rules", "rules_path", "CHECKS", "RESULTS"}
    names |= {"RULE_COLUMNS", "OPERATORS", "UNITS", "SOURCE_STATUSES", "SEVERITIES"}
    names |= {"APPLIES_TO", "EXISTING_STATUSES"}
    assert names <= set(zoning.__all__)
    assert all(getattr(nb.zoning, name) is getattr(zoning, name) for name in names)
    assert zoning.RESULTS == ("fail", "needs_review", "pass", "not_applicable")


def test_each_layer_is_checked_once_at_the_door(monkeypatch):
    seen = []
    real = crs.check_coordinates

    def counting(gdf: gpd.GeoDataFrame, name: str) -> None:
        seen.append(name)
        real(gdf, name)

    monkeypatch.setattr(crs, "check_coordinates", counting)
    ext = layer([box(X0 + 300, Y0, X0 + 400, Y0 + 400)], site_id=["CCN-T0"])
    f = zoning.check(make_sites({}), layers={"dykes": dyke_below(30, grade="II")}, proposed=ext)
    assert sorted(seen) == ["dykes", "proposed", "sites"]
    assert finding(f, "DYK-01")["result"] == "pass"


def test_sites_in_metres_labelled_as_degrees_raise_at_the_door():
    sites = make_sites({}).to_crs(3405).set_crs(4326, allow_override=True)
    with pytest.raises(CRSError, match="Layer 'sites' claims a geographic CRS"):
        zoning.check(sites)


def test_supplied_layer_that_no_rule_uses_is_an_error():
    with pytest.raises(RulesError, match=r"\['dyke'\].*no rule uses them"):
        zoning.check(make_sites({}), layers={"dyke": dyke_below(30, grade="II")})


def test_one_row_per_site_and_rule_in_4326_with_footprint_and_no_mutation():
    sites = make_sites({}, {"site_id": "CCN-T1"})
    sites.index = ["a", "b"]
    before = sites.copy()
    f = zoning.check(sites)
    n_rules = len(zoning.load_rules())
    assert len(f) == 2 * n_rules
    assert f.crs.to_epsg() == 4326
    assert list(f["site_id"][:n_rules].unique()) == ["CCN-T0"]
    assert list(f["rule_id"][:n_rules]) == list(zoning.load_rules()["rule_id"])
    assert f.geometry.iloc[0].equals(sites.geometry.iloc[0])
    assert set(f["result"]) <= set(zoning.RESULTS)
    for col in ("measured", "threshold", "unit", "legal_source", "source_status", "severity"):
        assert col in f.columns
    pd.testing.assert_frame_equal(sites, before)


def test_sites_without_unique_ids_or_group_column_raise():
    sites = make_sites({}, {"site_id": "CCN-T0"})
    with pytest.raises(SchemaError, match="'CCN-T0'"):
        zoning.check(sites)
    with pytest.raises(SchemaError, match="commune_new"):
        zoning.check(make_sites({}), group_by="commune_new")


def test_proposed_polygon_for_unknown_site_raises():
    ext = layer([box(X0, Y0, X0 + 10, Y0 + 10)], site_id=["CCN-NOPE"])
    with pytest.raises(SchemaError, match="CCN-NOPE"):
        zoning.check(make_sites({}), proposed=ext)


# ------------------------------------------------------------------ result policy ----------


def test_no_dyke_layer_is_needs_review_never_pass():
    f = finding(zoning.check(make_sites({})), "DYK-01")
    assert f["result"] == "needs_review"
    assert f["reason"] == "no dykes layer supplied"


def test_illustrative_footprint_cannot_pass_or_fail_a_geometric_rule():
    sites = make_sites({"footprint_accuracy": "illustrative"})
    f = finding(zoning.check(sites, layers={"dykes": dyke_below(100, grade="II")}), "DYK-01")
    assert f["result"] == "needs_review"
    assert "ILLUSTRATIVE footprint, would be pass" in f["reason"]


def test_unverified_rule_is_never_a_hard_fail_but_confirmed_one_is():
    rivers = dyke_below(30.0, corridor_m=50.0)
    confirmed = rules_with("RIV-01", source_status="C")
    f = finding(zoning.check(make_sites({}), layers={"rivers": rivers}, rules=confirmed), "RIV-01")
    assert f["result"] == "fail"


# ------------------------------------------------------------------ summary ----------------


def test_summarize_worst_result_and_counts():
    sites = make_sites(
        {}, {"site_id": "CCN-T1", "area_ha": 4.0}, {"site_id": "CCN-T2", "has_wwtp": None}
    )
    s = zoning.summarize(zoning.check(sites))
    assert list(s["site_id"]) == ["CCN-T0", "CCN-T1", "CCN-T2"]
    assert s.crs.to_epsg() == 4326
    # no layers supplied, so even the good site is needs_review (missing data is never a pass)
    assert s.loc[0, "worst_result"] == "needs_review"
    assert s.loc[1, "worst_result"] == "fail"
    assert s.loc[1, "rules_failed"] == "CCN-01"
    assert "ENV-01" in s.loc[2, "rules_needs_review"].split(", ")
    n = len(zoning.load_rules())
    counts = s[[f"n_{r}" for r in zoning.RESULTS]].sum(axis=1)
    assert (counts == n).all()
    assert s.loc[0, "n_pass"] == 2  # CCN-01 and ENV-01


def test_no_sites_give_empty_findings_and_summary():
    f = zoning.check(make_sites({}).iloc[:0])
    assert len(f) == 0
    assert f.crs.to_epsg() == 4326
    assert "result" in f.columns
    s = zoning.summarize(f)
    assert len(s) == 0
    assert "worst_result" in s.columns


def test_summarize_rejects_foreign_tables():
    with pytest.raises(SchemaError, match="result"):
        zoning.summarize(gpd.GeoDataFrame({"site_id": ["a"], "rule_id": ["x"]}))


# ------------------------------------------------------------------ every rule, three ways -


def _dykes(d_m: float, grade: str) -> dict:
    return {"layers": {"dykes": dyke_below(d_m, grade=grade)}}


def _heritage(zone: str | None, overlap: bool, designation: str | None = None) -> dict:
    x = X0 + 200 if overlap else X0 + 2000
    return {
        "layers": {
            "heritage": layer(
                [box(x, Y0, x + 300, Y0 + 400)], zone=[zone], designation=[designation]
            )
        }
    }


def _res(cls: str | None, d_m: float) -> dict:
    """Site of hazard class ``cls`` with housing ``d_m`` north of its north edge."""
    res = box(X0, Y0 + 400 + d_m, X0 + 300, Y0 + 500 + d_m)
    return {"sites": make_sites({"hazard_class": cls}), "layers": {"residential": layer([res])}}


_EXP = {"EXP-01": ("flood", 100), "EXP-02": ("sea_level", 2100)}


def _scenario(rule_id: str, case: str) -> dict:
    """check() arguments giving a pass, a violation or missing data for each shipped rule."""
    p, v = case == "pass", case == "fail"
    expand = {"expansion_ha": 5.0}
    if rule_id == "CCN-01":
        return {"sites": make_sites({"area_ha": 12.0 if p else 4.0 if v else np.nan, "geom": None})}
    if rule_id == "CCN-02":
        area = 7.0 if p else 4.0 if v else np.nan
        return {"sites": make_sites({"craft_village": True, "area_ha": area, "geom": None})}
    if rule_id == "CCN-07":
        leased = 120.0 if p else 10.0 if v else np.nan  # 60 % / 5 % and 190 ha unleased
        return {"sites": group_sites({}, (200.0, leased))}
    if rule_id == "CCN-08":
        return {
            "sites": make_sites(
                {
                    "area_ha": 60.0 if p or v else np.nan,
                    "geom": None,
                    "expansion_ha": 10.0 if p else 20.0,
                }
            )
        }
    if rule_id == "CCN-09":
        return {
            "sites": make_sites({**expand, "occupancy_pct": 70.0 if p else 50.0 if v else None})
        }
    if rule_id == "CCN-10":
        return {"sites": make_sites({**expand, "has_wwtp": True if p else False if v else None})}
    if rule_id == "ENV-01":
        return {"sites": make_sites({"wwtp_compliant": True if p else False if v else None})}
    if rule_id == "KCN-02":
        area = 300.0 if p else 700.0 if v else np.nan
        return {"sites": make_sites({"kind": "KCN", "area_ha": area, "geom": None})}
    if rule_id in ("DYK-01", "DYK-02"):
        grade = "II" if rule_id == "DYK-01" else "V"
        return _dykes(40.0 if p else 2.0, grade) if p or v else {}
    if rule_id == "RIV-01":
        return (
            {"layers": {"rivers": dyke_below(80.0 if p else 10.0, corridor_m=50.0)}}
            if p or v
            else {}
        )
    if rule_id in ("HER-01", "HER-02"):
        zone = "I" if rule_id == "HER-01" else "buffer"
        return _heritage(zone, overlap=v) if p or v else {}
    if rule_id in ("NAT-01", "NAT-02"):
        designation = "ramsar" if rule_id == "NAT-01" else "biosphere_reserve"
        return _heritage(None, overlap=v, designation=designation) if p or v else {}
    if rule_id in _EXP:
        hazard, rp = _EXP[rule_id]
        return {
            "exposure": exposure_table(("CCN-T0", hazard, rp, 0.1 if p else 0.6 if v else np.nan))
        }
    if rule_id.startswith("QH-05-"):
        cls = rule_id.removeprefix("QH-05-")
        need = {"I": 1000, "II": 500, "III": 300, "IV": 100, "V": 50}[cls]
        return _res(None if case == "missing" else cls, need + 10 if p else need - 10)
    raise AssertionError(f"no scenario for {rule_id}: add one when adding a rule")


def _strict(rule_id: str) -> pd.DataFrame:
    """The shipped table with the rule made confirmed and blocking, to see its raw violation."""
    return rules_with(rule_id, source_status="C", result_if_violated="fail")


@pytest.mark.parametrize("rule_id", list(zoning.load_rules()["rule_id"]))
def test_every_shipped_rule_passes_fails_and_wants_data(rule_id):
    strict = _strict(rule_id)
    outcomes = {}
    for case in ("pass", "fail", "missing"):
        kwargs = {"sites": make_sites({}), **_scenario(rule_id, case), "rules": strict}
        outcomes[case] = finding(zoning.check(**kwargs), rule_id)
    assert outcomes["pass"]["result"] == "pass", outcomes["pass"]["reason"]
    assert outcomes["fail"]["result"] == "fail", outcomes["fail"]["reason"]
    assert outcomes["missing"]["result"] == "needs_review", outcomes["missing"]["reason"]
    # with the shipped policy a violation is fail or needs_review, never a pass
    shipped = zoning.check(**{"sites": make_sites({}), **_scenario(rule_id, "fail")})
    assert finding(shipped, rule_id)["result"] in ("fail", "needs_review")
