"""Depth–damage curves as data: the shipped JRC curves, a user's own, checked on entry."""

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ninhbinh_geo import datasets, risk
from ninhbinh_geo._errors import InputFileError, SchemaError

SHARED_FACTS = Path(__file__).resolve().parents[2] / "shared" / "facts"
needs_shared = pytest.mark.skipif(
    not (SHARED_FACTS / "jrc_depth_damage_asia.csv").is_file(),
    reason="the project's shared fact tables are not on this machine",
)


@needs_shared
def test_shipped_curves_agree_exactly_with_the_fact_table():
    facts = pd.read_csv(SHARED_FACTS / "jrc_depth_damage_asia.csv")
    ours = risk.load_curves()
    pd.testing.assert_frame_equal(
        ours[["sector", "depth_m", "damage_factor"]].reset_index(drop=True), facts
    )
    # derived, not a byte copy
    shipped = datasets.get_path("risk/jrc_depth_damage_asia.csv").read_bytes()
    original = (SHARED_FACTS / "jrc_depth_damage_asia.csv").read_bytes()
    assert hashlib.sha256(shipped).digest() != hashlib.sha256(original).digest()


def test_shipped_curves_carry_their_source_and_licence():
    c = risk.load_curves()
    assert set(c["sector"]) == {
        "residential", "commercial", "industrial", "transport", "infrastructure_roads"
    }  # fmt: skip
    assert c["curve_id"].str.startswith("JRC-ASIA-").all()
    assert (c["source_url"] == "https://doi.org/10.2760/16510").all()
    assert c["source"].str.contains("JRC105688").all()
    assert c["licence"].str.startswith("CC BY 4.0").all()
    ind = c[c["sector"] == "industrial"]
    assert ind["damage_factor"].tolist() == [0.0, 0.283, 0.482, 0.629, 0.717, 0.857, 0.909,
                                             0.955, 1.0]  # fmt: skip
    text = datasets.get_path("risk/SOURCES.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text
    assert "10.2760/16510" in text


def test_construction_costs_are_the_published_figures():
    costs = risk.construction_costs().set_index("sector")
    assert costs["cost_per_m2"].to_dict() == {
        "residential": 384.93, "commercial": 440.32, "industrial": 319.31
    }  # fmt: skip
    assert set(costs["currency"]) == {"EUR"}
    assert set(costs["price_year"]) == {2010}


def test_damage_factor_interpolates_between_points():
    c = risk.load_curves()
    got = risk.damage_factor(c, "industrial", np.array([-1.0, 0.0, 0.25, 0.75, 2.5, 7.0, np.nan]))
    want = [0.0, 0.0, 0.1415, (0.283 + 0.482) / 2, (0.717 + 0.857) / 2, 1.0, np.nan]
    np.testing.assert_allclose(got, want)


def test_a_users_curve_is_accepted_and_kept():
    mine = pd.DataFrame(
        {"sector": "factory", "depth_m": [0, 1, 3], "damage_factor": [0, 0.4, 0.9],
         "source": "survey 2024"}
    )  # fmt: skip
    c = risk.load_curves(mine)
    assert c["curve_id"].tolist() == ["factory"] * 3
    assert c["source"].iloc[0] == "survey 2024"
    assert risk.damage_factor(c, "factory", np.array([2.0]))[0] == pytest.approx(0.65)


@pytest.mark.parametrize(
    ("rows", "match"),
    [
        ({"depth_m": [0, 2, 1], "damage_factor": [0, 0.2, 0.4]}, r"not sorted at row 2"),
        ({"depth_m": [0, 1, 1], "damage_factor": [0, 0.2, 0.4]}, r"not sorted at row 2"),
        ({"depth_m": [0, 1, 2], "damage_factor": [0, 0.5, 0.4]}, r"falls from 0.5 to 0.4 at row 2"),
        ({"depth_m": [0, 1, 2], "damage_factor": [0, 50, 90]}, r"50 at row 1 is outside 0-1"),
        ({"depth_m": [0, None, 2], "damage_factor": [0, 0.5, 0.9]}, r"'depth_m'.*rows 1"),
        ({"depth_m": [0], "damage_factor": [0]}, "at least two depths"),
    ],
)
def test_a_bad_curve_names_its_row(rows, match):
    frame = pd.DataFrame({"sector": "x", **rows})
    with pytest.raises(SchemaError, match=match):
        risk.load_curves(frame)


def test_a_bad_csv_names_the_line(tmp_path):
    path = tmp_path / "curves.csv"
    path.write_text(
        "sector,depth_m,damage_factor\nok,0,0\nok,1,1\nbad,0,0\nbad,1,0.5\nbad,2,0.3\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"Layer 'curves.csv', sector 'bad'.*at line 6"):
        risk.load_curves(path)
    with pytest.raises(InputFileError, match="Cannot read"):
        risk.load_curves(tmp_path / "missing.csv")
    with pytest.raises(SchemaError, match=r"lacks columns \['damage_factor'\]"):
        risk.load_curves(pd.DataFrame({"sector": ["a"], "depth_m": [0]}))
