"""One number formatter for every output: Vietnamese and English conventions, years, qualifiers."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ninhbinh_geo.formatting import (
    decimals_of,
    format_date,
    format_number,
    format_percent,
    format_year,
    parse_number,
)


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


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_rounding_to_a_step_agrees_with_round_to_precision(x):
    from ninhbinh_geo.proximity import round_to_precision

    for step in (1.0, 0.1, 0.01):
        expected = round_to_precision([x], step)[0]
        decimals = {1.0: 0, 0.1: 1, 0.01: 2}[step]
        assert format_number(x, "en", precision=step) == format_number(
            expected, "en", decimals=decimals
        )


def test_half_rounds_away_from_zero():
    assert format_number(12.5, "vi", precision=1) == "13"
    assert format_number(-2.5, "en", precision=1) == "-3"
    assert format_number(0.25, "vi", precision=0.1) == "0,3"


@pytest.mark.parametrize("lang", ["vi", "en"])
@given(
    value=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    decimals=st.integers(0, 3),
    qualifier=st.sampled_from(["exact", "approx", "at_least"]),
)
def test_parse_number_reads_back_what_format_number_wrote(lang, value, decimals, qualifier):
    text = format_number(value, lang, decimals=decimals, qualifier=qualifier)
    back, qual = parse_number(text, lang)
    assert qual == qualifier
    assert back == pytest.approx(round(value, decimals), abs=10**-decimals)


def test_parse_number_refuses_the_other_language():
    assert parse_number("3.178,5", "vi") == (3178.5, "exact")
    with pytest.raises(ValueError, match="written the 'en' way"):
        parse_number("3.178,5", "en")
    with pytest.raises(ValueError, match="not a number"):
        parse_number("1.2.3", "vi")


def test_percent_and_date():
    assert format_percent(0.4618, "vi", share=True) == "46%"
    assert format_percent(8.47, "en", decimals=1) == "8.5%"
    assert format_percent(None, "vi") == "–"
    assert format_date("2025-07-25", "vi") == "25/07/2025"
    assert format_date("2025-07-25", "en") == "2025-07-25"
    assert format_date(pd.NA, "vi") == "–"
    assert format_date("cuối năm", "vi") == "cuối năm"
