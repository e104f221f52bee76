"""The review writes the expected-annual method, flood damage and the flood-cut road links."""

import numpy as np
import pandas as pd
import pytest

from ninhbinh_geo import review, risk, styles
from ninhbinh_geo.cli import _options, build_parser

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    out = tmp_path_factory.mktemp("risk-review")
    options = review.ReviewOptions(ead_method="step", flood_close_m_by_class={"Đường chính": 0.5})
    result = review.run_review(out, options, only=("report",))
    return out, result


def test_ead_table_states_the_method_and_the_others(reviewed):
    out, result = reviewed
    ead = pd.read_csv(out / "tables" / "ead.csv")
    assert set(ead["ead_method"]) == {"step"}
    assert set(ead["rare_tail"]) == {"flat"}
    assert set(ead["protection_rp"]) == {10.0}
    assert set(ead["accuracy"]) == {"illustrative"}
    for col in ("ead_ha", "ead_ha_trapezoid", "ead_ha_loglinear", "ead_damage_eur",
                "ead_damage_eur_trapezoid", "ead_damage_eur_loglinear"):  # fmt: skip
        assert col in ead.columns, col
    # the chosen method is risk.expected_annual of the exposure table
    expo = result.tables["exposure"]
    expo = expo[expo["return_period"].notna()]
    again = risk.expected_annual(expo, method="step", value="exposed_ha")
    np.testing.assert_allclose(ead["ead_ha"], again["ead"])
    totals = pd.read_csv(out / "tables" / "ead_methods.csv")
    chosen = totals[totals["chosen"]]
    assert chosen["ead_method"].tolist() == ["step", "step"]
    assert chosen["value"].tolist() == ["exposed_ha", "damage_eur"]
    damage_total = totals.set_index(["value", "ead_method"])["total"]
    assert damage_total["damage_eur", "step"] == pytest.approx(ead["ead_damage_eur"].sum())
    assert damage_total["damage_eur", "trapezoid"] == pytest.approx(
        ead["ead_damage_eur_trapezoid"].sum()
    )


def test_damage_per_return_period_with_its_money_basis(reviewed):
    out, result = reviewed
    damage = pd.read_csv(out / "tables" / "damage.csv")
    assert set(damage["sector"]) == {"industrial"}
    assert set(damage["currency"]) == {"EUR"}
    assert set(damage["price_year"]) == {2010}
    assert set(damage["cost_per_m2"]) == {319.31}
    totals = pd.read_csv(out / "tables" / "damage_totals.csv")
    assert totals["return_period"].tolist() == [10.0, 100.0, 1000.0]
    # rarer floods do more damage on the nested demo hazard
    assert totals["damage_eur"].is_monotonic_increasing
    assert totals["damage_eur"].iloc[0] > 0
    assert set(totals["accuracy"]) == {"illustrative"}
    clusters = result.layers["clusters"]
    for col in ("damage_eur_rp10", "damage_eur_rp1000", "ead_damage_eur", "ead_method"):
        assert col in clusters.columns
    assert set(clusters["risk_accuracy"]) == {"illustrative"}
    # the sector the review chose is said, in words, with the curve, cost and built share
    said = [w for w in result.warnings if "ngành công nghiệp" in w]
    assert len(said) == 1
    assert "JRC-ASIA-INDUSTRIAL" in said[0]
    assert "319,31 EUR/m² giá năm 2010" in said[0]
    assert "50%" in said[0]


def test_flood_cut_columns_layer_and_summary(reviewed):
    out, result = reviewed
    cut = pd.read_csv(out / "tables" / "flood_cut.csv")
    for rp in ("rp10", "rp100", "rp1000"):
        for col in (f"road_km_{rp}", f"extra_km_{rp}", f"cut_{rp}", f"isolated_{rp}"):
            assert col in cut.columns, col
    assert set(cut["cut_ead_method"]) == {"step"}
    measured = cut[cut["road_km_dry"].notna()]
    assert len(measured) > 10
    # a road distance with floods is never shorter than the dry one
    for rp in ("rp10", "rp100", "rp1000"):
        assert (measured[f"extra_km_{rp}"].dropna() >= -1e-9).all()
    cut_any = measured["first_cut_rp"].notna()
    assert (measured.loc[cut_any, "cut_annual_p"] > 0).all()
    assert (measured.loc[~cut_any, "cut_annual_p"] == 0).all()
    summary = pd.read_csv(out / "tables" / "flood_cut_summary.csv")
    assert summary["close_m"].iloc[0] == "0.3 (Đường chính: 0.5)"
    assert summary["closed_edges"].is_monotonic_increasing
    roads = result.layers["flood_cut_roads"]
    assert len(roads) > 0
    assert roads.crs.to_epsg() == 4326
    assert (roads["accuracy"] == "illustrative").all()
    assert roads["links_cut"].is_monotonic_decreasing
    legend = result.legends["flood_cut_roads"]
    assert legend.illustrative
    assert legend.geometry == "line"
    assert legend.column == "links_cut"


def test_legend_of_the_flood_cut_roads_is_built_by_styles(reviewed):
    _, result = reviewed
    legends = styles.default_legends({"flood_cut_roads": result.layers["flood_cut_roads"]})
    assert legends["flood_cut_roads"].breaks == result.legends["flood_cut_roads"].breaks


def test_command_line_options_reach_the_review():
    args = build_parser().parse_args(
        ["review", "--ead-method", "loglinear", "--damage-sector", "commercial",
         "--flood-close-m", "0.4", "--flood-close-m", "Đường thứ cấp=0.2"]
    )  # fmt: skip
    options = _options(args)
    assert options.ead_method == "loglinear"
    assert options.damage_sector == "commercial"
    assert options.flood_close_m == 0.4
    assert dict(options.flood_close_m_by_class) == {"Đường thứ cấp": 0.2}
    with pytest.raises(SystemExit):
        build_parser().parse_args(["review", "--ead-method", "simpson"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["review", "--flood-close-m", "-1"])
    with pytest.raises(ValueError, match="expected-annual method"):
        review.ReviewOptions(ead_method="simpson")
