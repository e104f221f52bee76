"""Tests of ninhbinh_geo.diff: what changed between two reviews, and why.

The pair of reviews is made here on the embedded data (GeoPackage and tables only): the old
one as shipped; the new one with three changes at once, each of which the diff must name with
its own cause:

- input: CCN Liêm Tuc's area from 74 to 76 ha, across the 75 ha ceiling of CCN-01
  (Decree 32/2024 Art. 2(1)) → CCN-01 pass → fail, cause ``input_value``;
- threshold: CCN-08 (area after expansion) lowered from 75 to 70 ha in a copy of the rules
  table → Kim Bình (73.46 ha) and Thi Sơn (74.10 ha) pass → fail, cause ``rule_threshold``;
  Trung Lương (68.71 ha) still passes;
- wording: CCN-02's English statement rewritten, nothing else → same rule hash, no outcome
  changes, cause ``rule_text`` in the rules diff.

Smaller cases (sites and rules added or removed, effective dates, an unexplained change) use
findings tables written in code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from ninhbinh_geo import datasets, diff, review
from ninhbinh_geo._errors import InputFileError
from ninhbinh_geo.cli import main
from ninhbinh_geo.zoning import rules as zoning_rules

SITE, AREA_OLD, AREA_NEW = "CCN-HN-LIEMTUC", 74.0, 76.0
NEW_WORDING = "A craft-village or mountain cluster may cover 5 to 75 ha."


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pair")
    review.run_review(root / "old", only=("gpkg", "report"))
    load = datasets.load_clusters

    def changed_clusters():
        clusters = load()
        row = clusters.index[clusters["site_id"] == SITE]
        assert clusters.loc[row, "area_ha"].tolist() == [AREA_OLD]
        clusters.loc[row, "area_ha"] = AREA_NEW
        return clusters

    rules = pd.read_csv(zoning_rules.rules_path(), dtype=str, keep_default_na=False)
    assert rules.loc[rules["rule_id"] == "CCN-08", "threshold"].tolist() == ["75"]
    rules.loc[rules["rule_id"] == "CCN-08", "threshold"] = "70"
    rules.loc[rules["rule_id"] == "CCN-02", "statement_en"] = NEW_WORDING
    copy = root / "rules.csv"
    rules.to_csv(copy, index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(datasets, "load_clusters", changed_clusters)
        mp.setattr(zoning_rules, "rules_path", lambda: copy)
        review.run_review(root / "new", only=("gpkg", "report"))
    return root / "old", root / "new"


@pytest.fixture(scope="module")
def changes(pair) -> diff.ReviewDiff:
    return diff.compare_reviews(*pair)


def _row(frame: pd.DataFrame, site: str, rule: str) -> pd.Series:
    found = frame[(frame["site_id"] == site) & (frame["rule_id"] == rule)]
    assert len(found) == 1, (site, rule)
    return found.iloc[0]


def test_input_change_across_75_ha_names_the_input(changes):
    row = _row(changes.sites, SITE, "CCN-01")
    assert (row["result_old"], row["result_new"]) == ("pass", "fail")
    assert row["outcome_changed"]
    assert row["cause"] == "input_value"
    assert (row["measured_old"], row["measured_new"]) == (AREA_OLD, AREA_NEW)
    assert row["changed_inputs"] == "area_ha: 74 → 76"
    assert row["rule_hash_old"] == row["rule_hash_new"]


def test_threshold_change_names_the_rule_and_its_sites(changes):
    moved = changes.sites[(changes.sites["rule_id"] == "CCN-08")]
    assert sorted(moved["site_id"]) == ["CCN-HN-KIMBINH", "CCN-HN-THISON"]
    for _, row in moved.iterrows():
        assert (row["result_old"], row["result_new"]) == ("pass", "fail")
        assert row["causes"] == "rule_threshold"
        assert (row["threshold_old"], row["threshold_new"]) == (75.0, 70.0)
        assert row["rule_hash_old"] != row["rule_hash_new"]
        assert row["measured_old"] == row["measured_new"]
        assert row["changed_inputs"] == ""


def test_only_the_expected_outcomes_changed(changes):
    moved = changes.sites[changes.sites["outcome_changed"].astype(bool)]
    pairs = set(zip(moved["site_id"], moved["rule_id"], strict=True))
    # CCN-02 (5–75 ha for craft-village or mountain sites, flags unknown here) moves with
    # the area too; its cause is the input, and its rewording is named beside it
    assert pairs == {
        (SITE, "CCN-01"),
        (SITE, "CCN-02"),
        ("CCN-HN-KIMBINH", "CCN-08"),
        ("CCN-HN-THISON", "CCN-08"),
    }
    assert _row(changes.sites, SITE, "CCN-02")["causes"] == "input_value; rule_text"
    # rows without an outcome change are the site's other measured values that moved
    still = changes.sites[~changes.sites["outcome_changed"].astype(bool)]
    assert set(still["site_id"]) <= {SITE}
    assert set(still["cause"]) <= {"input_value"}


def test_rules_diff_names_threshold_and_wording(changes):
    rules = changes.rules.set_index("rule_id")
    assert sorted(rules.index) == ["CCN-02", "CCN-08"]
    assert rules.loc["CCN-08", "cause"] == "rule_threshold"
    assert rules.loc["CCN-08", "outcomes_changed"] == 2
    assert rules.loc["CCN-02", "cause"] == "rule_text"
    assert rules.loc["CCN-02", "rule_hash_old"] == rules.loc["CCN-02", "rule_hash_new"]
    assert rules.loc["CCN-02", "statement_en_new"] == NEW_WORDING
    assert rules.loc["CCN-02", "outcomes_changed"] == 1  # the input moved it, not the wording


def test_same_review_twice_has_no_changes(pair):
    same = diff.compare_reviews(pair[0], pair[0])
    assert same.sites.empty
    assert same.rules.empty
    assert diff.summary_lines(same, "en")[-1] == "No changes."


def test_written_table_layer_and_cli(pair, tmp_path, capsys):
    assert main(["diff", str(pair[0]), str(pair[1]), "--lang", "en", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "4 outcomes changed at 3 sites; 2 rules changed."
    assert f"{SITE} CCN-01: pass → fail — Input value changed (area_ha: 74 → 76)" in out
    table = pd.read_csv(tmp_path / "tables" / "diff.csv")
    assert list(table.columns) == list(diff.DIFF_COLUMNS)
    layer = pyogrio.read_dataframe(tmp_path / "diff.gpkg", layer="review_diff")
    assert len(layer) == len(table)
    assert layer.crs.to_epsg() in (5897, 9209)  # a VN-2000 TM-3 zone
    assert layer.geometry.notna().all()
    assert main(["diff", str(tmp_path / "nope"), str(pair[1])]) == 3


def test_diff_report_section_in_both_languages(changes, tmp_path):
    """The diff writes its report section: counts, each cause in words, the changed rules."""
    for lang, causes in (
        ("en", ("Input value changed", "Rule threshold changed", "Rule wording changed")),
        ("vi", ("Số liệu đầu vào thay đổi", "Ngưỡng của quy tắc thay đổi")),
    ):
        out = tmp_path / lang
        names = [p.name for p in diff.write_diff(changes, out, lang=lang)]
        assert names[-2:] == ["diff.html", "diff.md"]
        text = (out / "diff.md").read_text(encoding="utf-8")
        assert diff.summary_lines(changes, lang)[0] in text
        assert all(c in text for c in causes), lang
        assert f"| {SITE} |" in text
        assert "tables/diff.csv" in text
    assert "input_value" not in (tmp_path / "vi" / "diff.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------
# Small cases, findings written in code
# ------------------------------------------------------------------------------------------

_BASE = {
    "site_id": "CCN-A",
    "name_vi": "CCN A",
    "rule_id": "R-1",
    "result": "pass",
    "measured": 10.0,
    "threshold": 20.0,
    "threshold_high": float("nan"),
    "rule_hash": "h1",
    "effective_date": "2024-05-01",
    "statement_vi": "Quy tắc",
    "statement_en": "Rule",
}


def _write(folder: Path, rows: list[dict]) -> Path:
    (folder / "tables").mkdir(parents=True)
    pd.DataFrame(rows).to_csv(folder / "tables" / "findings.csv", index=False)
    return folder


def test_added_removed_dates_and_unexplained(tmp_path):
    old = _write(
        tmp_path / "old",
        [
            _BASE,
            {**_BASE, "site_id": "CCN-GONE"},
            {**_BASE, "rule_id": "R-OLD", "rule_hash": "h9"},
            {**_BASE, "rule_id": "R-2", "rule_hash": "h2"},
            {**_BASE, "rule_id": "R-3", "rule_hash": "h3"},
        ],
    )
    new = _write(
        tmp_path / "new",
        [
            {**_BASE, "result": "fail"},  # nothing stored explains it
            {**_BASE, "site_id": "CCN-NEW"},
            {**_BASE, "rule_id": "R-NEW", "rule_hash": "h8"},
            {**_BASE, "rule_id": "R-2", "rule_hash": "h2", "effective_date": "2025-07-01"},
            # the comparison changed (hash), not the thresholds
            {**_BASE, "rule_id": "R-3", "rule_hash": "h3b", "result": "needs_review"},
        ],
    )
    sites = diff.diff_reviews(old, new).set_index(["site_id", "rule_id"])
    assert sites.loc[("CCN-A", "R-1"), "cause"] == "unexplained"
    assert sites.loc[("CCN-GONE", "R-1"), "cause"] == "site_removed"
    assert sites.loc[("CCN-NEW", "R-1"), "cause"] == "site_added"
    assert sites.loc[("CCN-A", "R-OLD"), "cause"] == "rule_removed"
    assert sites.loc[("CCN-A", "R-NEW"), "cause"] == "rule_added"
    assert sites.loc[("CCN-A", "R-3"), "cause"] == "rule_definition"
    assert ("CCN-A", "R-2") not in sites.index  # same outcome and value: not a site change
    rules = diff.diff_rules(old, new).set_index("rule_id")["cause"].to_dict()
    assert rules == {
        "R-2": "effective_date",
        "R-3": "rule_definition",
        "R-NEW": "rule_added",
        "R-OLD": "rule_removed",
    }
    # no cluster layer: rows have no footprint, the GeoPackage is not written
    assert sites.geometry.isna().all()


def test_bad_folders_raise_our_error(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        diff.diff_reviews(tmp_path / "missing", tmp_path)
    with pytest.raises(InputFileError, match="holds no zoning findings"):
        diff.diff_reviews(tmp_path, tmp_path)
    old = _write(tmp_path / "old", [{k: v for k, v in _BASE.items() if k != "rule_hash"}])
    with pytest.raises(InputFileError, match="older"):
        diff.diff_reviews(old, old)
