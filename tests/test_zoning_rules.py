"""Tests of ninhbinh_geo.zoning.rules: the shipped table, malformed tables, user extensions."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from zoning_fixtures import finding, make_sites

from ninhbinh_geo import zoning
from ninhbinh_geo._errors import RulesError


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
    assert zoning.rules_path().is_file()
    assert zoning.rules_path().parent.name == "rules"
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
        ("HER-01", {"operator": "<="}, "only takes"),
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
