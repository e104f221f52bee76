"""One number formatter for every output: Vietnamese and English conventions, years, qualifiers."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ninhbinh_geo.formatting import decimals_of, format_number, format_year


@pytest.mark.parametrize(
    ("value", "kwargs", "vi", "en"),
    [
        (1035, {"qualifier": "approx"}, "≈ 1.035", "≈ 1,035"),
        (3178.5, {"decimals": 1}, "3.178,5", "3,178.5"),
        (20900, {"qualifier": "at_least"}, "> 20.900", "> 20,900"),
        (355.5, {"decimals": 1}, "355,5", "355.5"),
        (0.25, {}, "0,25", "0.25"),
        (12.0, {}, "12", "12"),
        (1234567.891, {"decimals": 2}, "1.234.567,89", "1,234,567.89"),
        (np.float64(5.555), {"precision": 0.1}, "5,6", "5.6"),
        (np.int64(47), {}, "47", "47"),
        (-0.4, {"precision": 1}, "0", "0"),
    ],
)
def test_vietnamese_and_english_conventions(value, kwargs, vi, en):
    assert format_number(value, "vi", **kwargs) == vi
    assert format_number(value, "en", **kwargs) == en


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, np.nan, "12", True])
def test_missing_or_not_a_number(missing):
    assert format_number(missing, "vi") == "–"


def test_years_are_text():
    assert format_year(2025) == "2025"
    assert format_year(np.float64(2019.0)) == "2019"
    assert format_year(pd.NA) == "–"


def test_published_precision_is_kept():
    assert decimals_of(355.5) == 1
    assert format_number(355.5, "vi", decimals=decimals_of(355.5)) == "355,5"


def test_bad_arguments():
    with pytest.raises(ValueError, match="lang"):
        format_number(1, "fr")
    with pytest.raises(ValueError, match="qualifier"):
        format_number(1, "vi", qualifier="about")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_vi_text_reads_back_as_the_rounded_value(x):
    text = format_number(x, "vi", decimals=2)
    back = float(text.replace(".", "").replace(",", "."))
    assert math.isclose(back, round(x, 2), abs_tol=0.006)
