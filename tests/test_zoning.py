"""Tests of ninhbinh_geo.zoning: every rule passes, fails and lacks data on hand-made fixtures.

All fixtures are drawn in EPSG:3405 (metres) so that areas and distances are known by
construction, then stored in EPSG:4326 as the site layer contract requires.
"""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from ninhbinh_geo import zoning
from ninhbinh_geo._errors import RulesError, SchemaError

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


# ------------------------------------------------------------------ shipped table ----------


def test_shipped_table_loads_with_sources_and_statuses():
    rules = zoning.load_rules()
    required = {"CCN-01", "CCN-02", "CCN-07", "CCN-08", "CCN-09", "CCN-10", "ENV-01"}
    required |= {"DYK-01", "DYK-02", "RIV-01", "HER-01", "HER-02", "EXP-01", "QH-05-I"}
    assert required <= set(rules["rule_id"])
    assert rules["legal_source"].str.len().gt(10).all()
    assert rules["source_status"].isin(["C", "P", "S", "U"]).all()
    for col in ("statement_vi", "statement_en", "legal_source"):
        for text in rules[col]:
            assert unicodedata.normalize("NFC", text) == text
    # the numbers of rules.md
    assert rules.loc["CCN-01", ["threshold", "threshold_high"]].tolist() == [10.0, 75.0]
    assert rules.loc["CCN-02", ["threshold", "threshold_high"]].tolist() == [5.0, 75.0]
    assert rules.loc["CCN-08", "threshold"] == 75.0
    assert rules.loc["CCN-09", "threshold"] == 60.0
    assert rules.loc["CCN-07", "params"] == "status=planned;or_unleased_max_ha=100"
    assert "params_dict" not in rules.columns  # the public table holds only its own columns
    assert rules.loc["CCN-01", "source_status"] == "C"
    assert rules.loc["CCN-07", "source_status"] == "P"
    dist = rules[rules["check"] == "distance_min_by_class"].set_index("rule_id")["threshold"]
    assert dist.to_dict() == {
        "QH-05-I": 1000.0,
        "QH-05-II": 500.0,
        "QH-05-III": 300.0,
        "QH-05-IV": 100.0,
        "QH-05-V": 50.0,
    }
    assert set(zoning.CHECKS) >= set(rules["check"])


def test_shipped_csv_is_nfc_on_disk():
    text = zoning.rules_path().read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text


# ------------------------------------------------------------------ bad rules tables -------


def _write(tmp_path, rule_id: str, **changes: object):
    raw = pd.read_csv(zoning.rules_path(), dtype=str, keep_default_na=False)
    for col, value in changes.items():
        raw.loc[raw["rule_id"] == rule_id, col] = value
    path = tmp_path / "rules.csv"
    raw.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("rule_id", "changes", "match"),
    [
        ("CCN-08", {"operator": "=>"}, "unknown operator '=>'"),
        ("CCN-01", {"unit": "acre"}, "unknown unit 'acre'"),
        ("CCN-09", {"threshold": "sixty"}, "threshold='sixty', which is not a number"),
        ("CCN-01", {"check": "area_rnge"}, "unknown check 'area_rnge'"),
        ("CCN-01", {"threshold_high": ""}, "needs threshold_high"),
        ("HER-01", {"operator": ">="}, "only takes"),
        ("CCN-01", {"unit": "m"}, "measures in"),
        ("DYK-01", {"layer": ""}, "needs a layer name"),
        ("DYK-01", {"params": "grades=I;land=25"}, r"unknown params \['land'\]"),
        ("ENV-01", {"source_status": "X"}, "unknown source_status"),
        ("ENV-01", {"legal_source": ""}, "empty legal_source"),
        ("CCN-08", {"threshold": ""}, "needs a threshold"),
    ],
)
def test_bad_rules_raise_rules_error_naming_the_rule(tmp_path, rule_id, changes, match):
    path = _write(tmp_path, rule_id, **changes)
    with pytest.raises(RulesError, match=match) as err:
        zoning.load_rules(path)
    assert repr(rule_id) in str(err.value)


def test_missing_column_and_duplicate_id(tmp_path):
    raw = pd.read_csv(zoning.rules_path(), dtype=str, keep_default_na=False)
    with pytest.raises(RulesError, match="lacks the column"):
        zoning.load_rules(raw.drop(columns=["severity"]))
    with pytest.raises(RulesError, match="'CCN-01' appears more than once"):
        zoning.load_rules(pd.concat([raw, raw.iloc[[0]]]))
    with pytest.raises(RulesError, match="does not exist"):
        zoning.load_rules(tmp_path / "nope.csv")


def test_rules_csv_from_excel_with_bom_loads_and_latin1_is_refused(tmp_path):
    text = zoning.rules_path().read_text(encoding="utf-8")
    bom = tmp_path / "bom.csv"
    bom.write_text(text, encoding="utf-8-sig")
    assert len(zoning.load_rules(bom)) == len(zoning.load_rules())
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(text.encode("utf-8").replace("Không".encode(), "Kh\xf4ng".encode("latin-1")))
    with pytest.raises(RulesError, match="not UTF-8"):
        zoning.load_rules(legacy)


def test_user_table_can_extend_the_shipped_rules():
    raw = pd.read_csv(zoning.rules_path(), dtype=str, keep_default_na=False)
    mine = raw[raw["rule_id"] == "CCN-01"].assign(rule_id="MY-01", threshold="20")
    rules = zoning.load_rules(pd.concat([raw, mine]))
    f = zoning.check(make_sites({}), rules=rules)
    assert finding(f, "CCN-01")["result"] == "pass"  # 12 ha
    assert finding(f, "MY-01")["result"] == "fail"  # 12 ha < 20 ha


def test_supplied_layer_that_no_rule_uses_is_an_error():
    with pytest.raises(RulesError, match=r"\['dyke'\].*no rule uses them"):
        zoning.check(make_sites({}), layers={"dyke": dyke_below(30, grade="II")})


# ------------------------------------------------------------------ output contract --------


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


# ------------------------------------------------------------------ area rules -------------


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


def test_proposed_polygon_for_unknown_site_raises():
    ext = layer([box(X0, Y0, X0 + 10, Y0 + 10)], site_id=["CCN-NOPE"])
    with pytest.raises(SchemaError, match="CCN-NOPE"):
        zoning.check(make_sites({}), proposed=ext)


# ------------------------------------------------------------------ wastewater -------------


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


# ------------------------------------------------------------------ occupancy --------------


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


def _group(new: dict, *existing: tuple[float, float], **extra) -> gpd.GeoDataFrame:
    rows = [{"status": "planned", **new}]
    for k, (ind, leased) in enumerate(existing, start=1):
        rows.append({"site_id": f"CCN-T{k}", "industrial_ha": ind, "leased_ha": leased, **extra})
    return make_sites(*rows)


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
    f = finding(zoning.check(_group({}, *existing)), "CCN-07")
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
    nogroup = finding(zoning.check(_group({"district_old": None}, (100.0, 90.0))), "CCN-07")
    assert nogroup["result"] == "needs_review"
    assert "district_old unknown" in nogroup["reason"]


def test_group_occupancy_falls_back_to_published_rate():
    sites = _group({}, (100.0, np.nan))
    sites.loc[sites["site_id"] == "CCN-T1", "occupancy_pct"] = 70.0
    f = finding(zoning.check(sites), "CCN-07")
    assert f["result"] == "pass"
    assert f["measured"] == pytest.approx(70.0)


# ------------------------------------------------------------------ dykes and rivers -------


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


def test_no_dyke_layer_is_needs_review_never_pass():
    f = finding(zoning.check(make_sites({})), "DYK-01")
    assert f["result"] == "needs_review"
    assert f["reason"] == "no dykes layer supplied"


def test_dyke_layer_without_grade_column_raises():
    with pytest.raises(SchemaError, match="'grade'"):
        zoning.check(make_sites({}), layers={"dykes": dyke_below(30)})


def test_illustrative_footprint_cannot_pass_or_fail_a_geometric_rule():
    sites = make_sites({"footprint_accuracy": "illustrative"})
    f = finding(zoning.check(sites, layers={"dykes": dyke_below(100, grade="II")}), "DYK-01")
    assert f["result"] == "needs_review"
    assert "ILLUSTRATIVE footprint, would be pass" in f["reason"]


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


def test_unverified_rule_is_never_a_hard_fail_but_confirmed_one_is():
    rivers = dyke_below(30.0, corridor_m=50.0)
    confirmed = rules_with("RIV-01", source_status="C")
    f = finding(zoning.check(make_sites({}), layers={"rivers": rivers}, rules=confirmed), "RIV-01")
    assert f["result"] == "fail"


# ------------------------------------------------------------------ heritage ---------------


@pytest.mark.parametrize(
    ("zone", "rule", "result", "measured"),
    [
        ("I", "HER-01", "fail", 4.0),  # 100 m x 400 m overlap
        ("I", "HER-02", "pass", 0.0),
        ("core", "HER-01", "fail", 4.0),
        ("II", "HER-02", "needs_review", 4.0),
        ("buffer", "HER-01", "pass", 0.0),
        (None, "HER-01", "needs_review", 0.0),  # zone unknown
    ],
)
def test_heritage_zones(zone, rule, result, measured):
    heritage = layer([box(X0 + 200, Y0, X0 + 500, Y0 + 400)], zone=[zone])
    f = finding(zoning.check(make_sites({}), layers={"heritage": heritage}), rule)
    assert f["result"] == result, f["reason"]
    assert f["measured"] == pytest.approx(measured, abs=1e-3)


def test_heritage_far_away_passes_and_missing_layer_is_needs_review():
    heritage = layer([box(X0 + 2000, Y0, X0 + 2500, Y0 + 400)], zone=["I"])
    f = zoning.check(make_sites({}), layers={"heritage": heritage})
    assert finding(f, "HER-01")["result"] == "pass"
    assert finding(zoning.check(make_sites({})), "HER-01")["result"] == "needs_review"


# ------------------------------------------------------------------ exposure ---------------


def _exposure(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["site_id", "hazard", "return_period", "exposed_share"])


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
    f = finding(zoning.check(make_sites({}), exposure=_exposure(*rows)), rule)
    assert f["result"] == result, f["reason"]
    if np.isnan(measured):
        assert np.isnan(f["measured"])
        assert "no exposure value" in f["reason"]
    else:
        assert f["measured"] == pytest.approx(measured)


def test_exposure_fails_when_rule_is_confirmed_and_blocking():
    rules = rules_with("EXP-01", source_status="C", result_if_violated="fail")
    ex = _exposure(("CCN-T0", "flood", 100, 0.40))
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
    ex = _exposure(
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
    ex = _exposure(("CCN-T0", "flood", 100, 0.05)).assign(coverage_share=0.6)
    f = finding(zoning.check(make_sites({}), exposure=ex), "EXP-01")
    assert f["result"] == "needs_review"
    assert "covers only 60 %" in f["reason"]


def test_exposure_on_illustrative_hazard_is_needs_review():
    rules = rules_with("EXP-01", source_status="C", result_if_violated="fail")
    ex = _exposure(("CCN-T0", "flood", 100, 0.40)).assign(accuracy="illustrative")
    f = finding(zoning.check(make_sites({}), exposure=ex, rules=rules), "EXP-01")
    assert f["result"] == "needs_review"
    assert "ILLUSTRATIVE hazard" in f["reason"]


# ------------------------------------------------------------------ residential distance ---


RES_400 = box(X0, Y0 + 800, X0 + 300, Y0 + 900)  # 400 m north of the site's north edge


@pytest.mark.parametrize(
    ("cls", "rule", "result"),
    [
        ("III", "QH-05-III", "pass"),  # needs 300 m
        ("II", "QH-05-II", "needs_review"),  # needs 500 m; advisory legacy benchmark
        ("2", "QH-05-II", "needs_review"),
        ("II", "QH-05-I", "not_applicable"),
        (None, "QH-05-V", "needs_review"),  # class unknown: never a pass
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


def test_residential_distance_with_mixed_known_and_unknown_classes():
    sites = make_sites({"hazard_class": "I"}, {"site_id": "CCN-T1", "hazard_class": None})
    f = zoning.check(sites, layers={"residential": layer([RES_400])})
    assert finding(f, "QH-05-I", 0)["result"] == "needs_review"  # 400 m < 1000 m
    assert finding(f, "QH-05-V", 0)["result"] == "not_applicable"
    for rule in ("QH-05-I", "QH-05-V"):
        unknown = finding(f, rule, 1)
        assert unknown["result"] == "needs_review"
        assert "hazard class unknown" in unknown["reason"]


def test_residential_distance_fails_when_the_table_says_fail():
    rules = rules_with("QH-05-II", result_if_violated="fail")
    res = layer([RES_400, box(X0 - 5000, Y0, X0 - 4000, Y0 + 100)])
    f = zoning.check(make_sites({"hazard_class": "II"}), layers={"residential": res}, rules=rules)
    assert finding(f, "QH-05-II")["result"] == "fail"
    assert finding(f, "QH-05-II")["threshold"] == 500.0
    no_layer = finding(zoning.check(make_sites({"hazard_class": "II"})), "QH-05-II")
    assert no_layer["result"] == "needs_review"
    assert no_layer["reason"].startswith("no residential layer supplied")


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


def _heritage(zone: str, overlap: bool) -> dict:
    x = X0 + 200 if overlap else X0 + 2000
    return {"layers": {"heritage": layer([box(x, Y0, x + 300, Y0 + 400)], zone=[zone])}}


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
        return {"sites": _group({}, (200.0, leased))}
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
    if rule_id in _EXP:
        hazard, rp = _EXP[rule_id]
        return {"exposure": _exposure(("CCN-T0", hazard, rp, 0.1 if p else 0.6 if v else np.nan))}
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
