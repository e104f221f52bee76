"""Expected annual values: the published example, hand-worked two-point curves, the options."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

import ninhbinh_geo as nb
from ninhbinh_geo import exposure, risk
from ninhbinh_geo._errors import SchemaError

# World Bank CCDR tools' example: return periods 10/100/1000, impacts 193/1210/3034
# (../shared/facts/README.md): step 31.3, log-linear (Delft-FIAT) 66.2, trapezoid 85.3.
PUBLISHED = pd.DataFrame(
    {"site_id": "X", "return_period": [10, 100, 1000], "value": [193.0, 1210.0, 3034.0]}
)


@pytest.mark.parametrize(("method", "expected"), [("step", 31.3), ("loglinear", 66.2),
                                                  ("trapezoid", 85.3)])  # fmt: skip
def test_published_example(method, expected):
    out = nb.risk.expected_annual(PUBLISHED, method=method)
    assert out["ead"].iloc[0] == pytest.approx(expected, abs=0.05)
    assert out[["ead_method", "rare_tail"]].iloc[0].tolist() == [method, "flat"]
    assert out["protection_rp"].iloc[0] == 10.0
    assert out["return_periods"].iloc[0] == "10, 100, 1000"


def _two_points(**kw):
    t = pd.DataFrame({"site_id": "A", "return_period": [100, 10], "value": [5.0, 2.0]})
    return float(risk.expected_annual(t, **kw)["ead"].iloc[0])


def test_two_points_by_hand():
    # p = 0.1 (value 2) and p = 0.01 (value 5); the flat tail adds 0.01 * 5 = 0.05
    assert _two_points(method="trapezoid") == pytest.approx(0.09 * 3.5 + 0.05)
    assert _two_points(method="trapezoid", rare_tail="none") == pytest.approx(0.315)
    assert _two_points(method="step") == pytest.approx(0.09 * 2 + 0.05)
    assert _two_points(method="step", rare_tail="none") == pytest.approx(0.18)
    # linear in ln p: 5 * 0.09 + (2 - 5) * (0.1 - 0.09 / ln 10)
    by_hand = 0.45 - 3 * (0.1 - 0.09 / math.log(10))
    assert _two_points(method="loglinear", rare_tail="none") == pytest.approx(by_hand)
    numeric, _ = quad(lambda p: 5 + (2 - 5) * math.log(p / 0.01) / math.log(10), 0.01, 0.1)
    assert _two_points(method="loglinear", rare_tail="none") == pytest.approx(numeric)


def test_protection_standard():
    # a 1-in-50 dyke: nothing for p > 0.02; the curve read at 0.02 by each method
    at_50 = 5 + (2 - 5) * (0.01 / 0.09)
    assert _two_points(method="trapezoid", protection_rp=50) == pytest.approx(
        0.01 * (5 + at_50) / 2 + 0.05
    )
    assert _two_points(method="step", protection_rp=50) == pytest.approx(0.01 * 2 + 0.05)
    at_50_log = 5 + (2 - 5) * math.log(2) / math.log(10)
    assert _two_points(method="loglinear", protection_rp=50, rare_tail="none") == pytest.approx(
        quad(lambda p: 5 - 3 * math.log(p / 0.01) / math.log(10), 0.01, 0.02)[0]
    )
    assert at_50_log < at_50  # the log rule bends below the straight line
    # beyond the rarest map only the tail is left; below the most frequent nothing changes
    assert _two_points(protection_rp=2000) == pytest.approx(5 / 2000)
    assert _two_points(protection_rp=2000, rare_tail="none") == 0.0
    assert _two_points(protection_rp=2) == _two_points()
    t = pd.DataFrame({"site_id": "A", "return_period": [100, 10], "value": [5.0, 2.0]})
    assert risk.expected_annual(t, protection_rp=2)["protection_rp"].iloc[0] == 10.0
    assert risk.expected_annual(t, protection_rp=50)["protection_rp"].iloc[0] == 50.0


def test_sites_index_accuracy_and_missing_values():
    t = pd.DataFrame(
        {
            "site_id": ["A", "A", "B", "B", "C", "C", "C"],
            "return_period": [10, 100, 10, 100, 10, 100, 1000],
            "exposed_ha": [2.0, 5.0, 1.0, np.nan, 0.0, 1.0, 2.0],
            "accuracy": ["approximate", "illustrative", "approximate", "approximate"] + [
                "digitized"] * 3,
        },
        index=[10, 11, 20, 21, 30, 31, 32],
    )  # fmt: skip
    out = risk.expected_annual(t, value="exposed_ha", name="ead_ha")
    assert out.index.tolist() == [10, 20, 30]
    assert out["site_id"].tolist() == ["A", "B", "C"]
    assert out["ead_ha"].iloc[0] == pytest.approx(0.365)
    assert np.isnan(out["ead_ha"].iloc[1])
    assert out["ead_reason"].tolist() == ["", "no value at return period(s) 100", ""]
    # C has three return periods, A and B two: each is integrated on its own
    assert out["return_periods"].tolist() == ["10, 100", "10, 100", "10, 100, 1000"]
    assert out["ead_ha"].iloc[2] == pytest.approx(0.09 * 0.5 + 0.009 * 1.5 + 0.001 * 2)
    assert out["accuracy"].tolist() == ["illustrative", "approximate", "digitized"]


def test_trapezoid_is_the_exposure_module_s_integral():
    rng = np.random.default_rng(1)
    t = pd.DataFrame(
        {
            "site_id": np.repeat([f"S{i}" for i in range(30)], 4),
            "return_period": np.tile([2, 25, 100, 500], 30),
            "exposed_ha": rng.uniform(0, 10, 120),
        }
    )
    ours = risk.expected_annual(t, value="exposed_ha")["ead"].to_numpy()
    theirs = exposure.expected_annual_exposure(t)["ead_ha"].to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=5), st.sampled_from(["flat", "none"]))
def test_methods_order_for_impacts_growing_with_rarity(values, tail):
    values = sorted(values)
    rps = [2, 10, 50, 250, 1000][: len(values)]
    t = pd.DataFrame({"site_id": "A", "return_period": rps, "value": values})
    step, log, trap = (
        float(risk.expected_annual(t, method=m, rare_tail=tail)["ead"].iloc[0])
        for m in ("step", "loglinear", "trapezoid")
    )
    assert step <= log * (1 + 1e-12) + 1e-9
    assert log <= trap * (1 + 1e-12) + 1e-9


def test_compare_methods_marks_the_chosen_one():
    out = risk.compare_methods(PUBLISHED, method="loglinear")
    assert out["ead_method"].tolist() == ["trapezoid", "step", "loglinear"]
    assert out["total"].round(1).tolist() == [85.3, 31.3, 66.2]
    assert out["chosen"].tolist() == [False, False, True]
    assert out.loc[2, "ratio_to_chosen"] == 1.0
    assert out.loc[0, "ratio_to_chosen"] == pytest.approx(85.267 / 66.18035, rel=1e-4)


@pytest.mark.parametrize(
    ("table", "kw", "match"),
    [
        (PUBLISHED, {"method": "simpson"}, "--ead-method"),
        (PUBLISHED, {"rare_tail": "linear"}, "rare_tail"),
        (PUBLISHED, {"protection_rp": -5}, "protection_rp"),
        (PUBLISHED, {"protection_rp": "x"}, "protection_rp"),
        (PUBLISHED.drop(columns="value"), {}, r"\['value'\]"),
        (PUBLISHED.iloc[:1], {}, "at least two return periods"),
        (PUBLISHED.assign(return_period=[10, 0, 1000]), {}, "not positive"),
        (PUBLISHED.assign(value=["1", "x", "3"]), {}, "not a number"),
        (pd.concat([PUBLISHED, PUBLISHED.iloc[:1]]), {}, "mixes hazard families"),
        ("not a table", {}, "DataFrame"),
    ],
)
def test_bad_tables_and_options(table, kw, match):
    with pytest.raises(SchemaError, match=match):
        risk.expected_annual(table, **kw)


def test_input_is_not_changed():
    before = PUBLISHED.copy()
    risk.expected_annual(PUBLISHED, method="step", protection_rp=20)
    pd.testing.assert_frame_equal(PUBLISHED, before)
