"""Tests of ninhbinh_geo.io.numbers and io.quantities: separators, units, qualifiers, m² to ha.

All values below are made up for the tests.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point

from ninhbinh_geo import io
from ninhbinh_geo._errors import NumberFormatError
from ninhbinh_geo.io.numbers import _read_cell, _value


def test_decimal_commas_converted_not_refused():
    raw = gpd.GeoDataFrame(
        {
            "Tên CCN": ["A", "B", "C", "D"],
            "Diện tích (ha)": ["12,5", "1.035,5", "7", "1.035"],
            "occupancy": ["85,5%", "100", None, "0,5"],
        },
        geometry=[Point(105.9, 20.2)] * 4,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t", kind="CCN")
    # "1.035" next to decimal commas is one thousand and thirty-five, not 1.035
    assert out["area_ha"].tolist() == [12.5, 1035.5, 7.0, 1035.0]
    assert out["occupancy_pct"].tolist()[:2] == [85.5, 100.0]
    assert np.isnan(out["occupancy_pct"].iloc[2])
    assert "occupancy_pct_reason" not in out.columns  # an empty cell needs no reason
    assert any("Vietnamese way (decimal comma" in line for line in out.attrs["harmonise_report"])


def test_english_thousands_separator():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area_m2": ["1,035,000.5", "12,500.25"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].tolist() == pytest.approx([103.50005, 1.250025])


def test_text_that_is_no_number_is_refused_or_left_empty_with_its_reason():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "Diện tích (ha)": ["50", "năm mươi"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    with pytest.raises(NumberFormatError) as err:
        io.harmonise(raw, layer="t")
    msg = str(err.value)
    assert "Layer 't', column 'Diện tích (ha)' (area_ha)" in msg
    assert "'năm mươi' (row 1 (CCN-NB-B)) is no number" in msg
    assert "--allow-missing" in msg
    out = io.harmonise(raw, layer="t", allow_missing=True)
    assert out["area_ha"].iloc[0] == 50.0
    assert np.isnan(out["area_ha"].iloc[1])
    assert out["area_ha_reason"].tolist() == [
        None,
        "not read: 'năm mươi' (row 1 (CCN-NB-B)) is no number",
    ]


def test_lone_ambiguous_number_is_refused_unless_the_file_tells():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A"], "Diện tích (ha)": ["1.035"]}, geometry=[Point(105.9, 20.2)], crs=4326
    )
    with pytest.raises(NumberFormatError, match=r"could be 1.035 or 1035, and nothing in the file"):
        io.harmonise(raw, layer="t")
    told = raw.assign(occupancy=["12,5"])  # another column writes decimals with a comma
    out = io.harmonise(told, layer="t")
    assert out["area_ha"].iloc[0] == 1035.0
    english = raw.assign(occupancy=["12.5"])
    assert io.harmonise(english, layer="t")["area_ha"].iloc[0] == 1.035


def test_three_decimals_follow_a_column_that_writes_them():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area": ["1.138419", "18.289"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    assert io.harmonise(raw, layer="t")["area_ha"].tolist() == [1.138419, 18.289]
    short = raw.assign(area=["1.5", "18.289"])
    with pytest.raises(NumberFormatError, match=r"would be a decimal with three places"):
        io.harmonise(short, layer="t")


def test_area_in_m2_fills_missing_hectares_only():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area_ha": [None, "3"], "Diện tích (m2)": ["50.000", "7,5"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].tolist() == [5.0, 3.0]
    assert out["area_basis"].tolist() == ["'Diện tích (m2)' (m²) ÷ 10,000", None]
    report = out.attrs["harmonise_report"]
    assert "area_ha: 1 areas converted from m² to ha" in report


@pytest.mark.parametrize(
    ("cell", "value", "unit", "qualifier"),
    [
        ("khoảng 50,5 ha", 50.5, "ha", "approx"),
        ("~52", 52.0, None, "approx"),
        ("≈ 52 ha", 52.0, "ha", "approx"),
        ("hơn 30 ha", 30.0, "ha", "at_least"),
        ("trên 30", 30.0, None, "at_least"),
        ("> 30", 30.0, None, "at_least"),
        ("50 ha trở lên", 50.0, "ha", "at_least"),
        ("dưới 5 ha", 5.0, "ha", "at_most"),
        ("505.000 m²", 505000.0, "m2", None),
        ("505000m2", 505000.0, "m2", None),
        ("1 200 người", 1200.0, "count", None),
        ("12\u202f500,5", 12500.5, None, None),
        ("85,5%", 85.5, "%", None),
        ("−5", -5.0, None, None),
    ],
)
def test_one_cell(cell, value, unit, qualifier):
    reading = _read_cell(cell)
    assert _value(reading, "vi") == value
    assert (reading.unit, reading.qualifier) == (unit, qualifier)


@pytest.mark.parametrize(
    ("cell", "shape"),
    [("505.000", "dot3"), ("505,000", "comma3"), ("0,125", "vi"), ("0.125", "en"),
     ("1.035,5", "vi"), ("1,035.5", "en"), ("1.200.000", "vi"), ("1,200,000", "en"),
     ("505 000", "neutral"), ("", "missing"), ("đang cập nhật", "unknown"), ("-", "unknown"),
     ("50-60 ha", "unreadable"), ("12 5", "unreadable")],
)  # fmt: skip
def test_shapes(cell, shape):
    assert _read_cell(cell).shape == shape


@given(st.integers(min_value=1, max_value=999_999_999))
def test_every_style_reads_back_the_number_it_wrote(hundredths):
    value = hundredths / 100
    en = f"{value:,.2f}"
    vi = en.replace(",", " ").replace(".", ",").replace(" ", ".")
    fr = en.replace(",", "\u202f").replace(".", ",")
    for text, style in ((en, "en"), (vi, "vi"), (fr, "vi")):
        reading = _read_cell(text)
        assert reading.shape in (style, "neutral"), text
        assert _value(reading, style) == pytest.approx(value, abs=1e-9), text
