"""Flood damage: curve at the representative depth × exposed share × value, money stated."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ninhbinh_geo import risk
from ninhbinh_geo._errors import SchemaError

EXPO = pd.DataFrame(
    {
        "site_id": ["A", "A", "A", "B", "B", "B"],
        "hazard": ["rp10", "rp100", "rp1000"] * 2,
        "return_period": [10.0, 100.0, 1000.0] * 2,
        "exposed_share": [0.0, 0.4, 1.0, np.nan, 0.5, 0.5],
        "mean_depth_m": [np.nan, 1.0, 2.5, np.nan, 0.5, 6.0],
        "accuracy": ["illustrative"] * 6,
    },
    index=[7, 8, 9, 3, 4, 5],
)
SITES = pd.DataFrame({"site_id": ["A", "B"], "area_ha": [10.0, 2.0]})


def test_damage_by_hand_with_the_jrc_cost():
    d = risk.flood_damage(EXPO, SITES, sector="industrial")
    assert d.index.tolist() == EXPO.index.tolist()
    value_a = 10 * 10_000 * 0.5 * 319.31  # area x built share x EUR 2010 per m2
    np.testing.assert_allclose(d["asset_value_eur"].iloc[:3], value_a)
    # dry: nothing, whatever the depth; 1 m: 0.482; 2.5 m: halfway between 0.717 and 0.857
    want_a = [0.0, 0.482 * 0.4 * value_a, 0.787 * 1.0 * value_a]
    np.testing.assert_allclose(d["damage_eur"].iloc[:3], want_a)
    value_b = 2 * 10_000 * 0.5 * 319.31
    assert np.isnan(d["damage_eur"].iloc[3])
    assert d["damage_reason"].iloc[3] == "no hazard data on the footprint"
    np.testing.assert_allclose(d["damage_eur"].iloc[4:], [0.283 * 0.5 * value_b, 0.5 * value_b])
    row = d.iloc[1]
    assert (row["currency"], row["price_year"], row["cost_per_m2"], row["built_share"]) == (
        "EUR",
        2010,
        319.31,
        0.5,
    )
    assert row["curve_id"] == "JRC-ASIA-INDUSTRIAL"
    assert row["sector"] == "industrial"
    assert row["value_basis"] == "area_ha x built share 0.5 x cost per m2"
    assert (d["accuracy"] == "illustrative").all()


def test_expected_annual_damage_goes_through_expected_annual():
    d = risk.flood_damage(EXPO, SITES, sector="industrial", built_share=0.3)
    ead = risk.expected_annual(d, value="damage_eur", name="ead_damage_eur", method="step")
    value_a = 10 * 10_000 * 0.3 * 319.31
    # step sum: 0 * 0.09 + D100 * 0.009 + D1000 * 0.001 (flat tail)
    want = 0.482 * 0.4 * value_a * 0.009 + 0.787 * value_a * 0.001
    assert ead.set_index("site_id").loc["A", "ead_damage_eur"] == pytest.approx(want)
    assert np.isnan(ead.set_index("site_id").loc["B", "ead_damage_eur"])
    assert set(ead["ead_method"]) == {"step"}


def test_a_value_column_in_another_currency():
    sites = SITES.assign(value_bn=[50e9, 10e9])
    d = risk.flood_damage(
        EXPO, sites, sector="commercial", value_column="value_bn", currency="VND",
        price_year=2024,
    )  # fmt: skip
    assert "damage_vnd" in d.columns
    assert "damage_eur" not in d.columns
    assert d["damage_vnd"].iloc[1] == pytest.approx(0.538 * 0.4 * 50e9)
    assert d["value_basis"].iloc[0] == "column value_bn"
    assert np.isnan(d["cost_per_m2"].iloc[0])
    assert d["price_year"].iloc[0] == 2024


def test_own_cost_and_footprint_area_where_area_is_missing():
    sites = gpd.GeoDataFrame(
        {"site_id": ["A", "B"], "area_ha": [np.nan, 2.0]},
        geometry=[box(600000, 2240000, 600100, 2240100), box(0, 0, 1, 1)],
        crs=3405,
    )
    d = risk.flood_damage(
        EXPO, sites, sector="residential", cost_per_m2=8e6, currency="VND", price_year=2024
    )
    # A: the 100 m x 100 m footprint is 1 ha
    assert d["asset_value_vnd"].iloc[0] == pytest.approx(1 * 10_000 * 0.5 * 8e6)
    assert d["value_basis"].iloc[0].startswith("footprint area")
    assert d["value_basis"].iloc[3].startswith("area_ha")


def test_a_users_curve():
    curves = risk.load_curves(
        pd.DataFrame({"sector": "mine", "depth_m": [0, 2], "damage_factor": [0, 1]})
    )
    d = risk.flood_damage(EXPO, SITES, sector="mine", curves=curves, cost_per_m2=100,
                          currency="USD")  # fmt: skip
    assert d["damage_factor"].iloc[1] == 0.5
    assert d["curve_id"].iloc[1] == "mine"


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({}, "needs a sector.*--damage-sector"),
        ({"sector": "farm"}, "Unknown sector 'farm'"),
        ({"sector": "transport"}, "no construction cost for sector 'transport'"),
        ({"sector": "industrial", "built_share": 1.5}, "built_share"),
        ({"sector": "industrial", "cost_per_m2": 300}, "currency"),
        ({"sector": "industrial", "cost_per_m2": -3, "currency": "EUR"}, "positive"),
        ({"sector": "industrial", "value_column": "v", "currency": "euro"}, "ISO code"),
        ({"sector": "industrial", "value_column": "v", "currency": "EUR"}, "no column 'v'"),
    ],
)
def test_bad_options(kw, match):
    with pytest.raises(SchemaError, match=match):
        risk.flood_damage(EXPO, SITES, **kw)


def test_bad_tables():
    with pytest.raises(SchemaError, match="mean_depth_m"):
        risk.flood_damage(EXPO.drop(columns="mean_depth_m"), SITES, sector="industrial")
    with pytest.raises(SchemaError, match="'B'"):
        risk.flood_damage(EXPO, SITES.iloc[:1], sector="industrial")


def test_inputs_are_not_changed():
    e, s = EXPO.copy(), SITES.copy()
    risk.flood_damage(EXPO, SITES, sector="industrial")
    pd.testing.assert_frame_equal(EXPO, e)
    pd.testing.assert_frame_equal(SITES, s)
