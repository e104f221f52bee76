"""Tests of ninhbinh_geo.io.numbers: separators, numbers written as text, m² to ha.

All values below are made up for the tests.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from ninhbinh_geo import io


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
    assert any("decimal commas" in line for line in out.attrs["harmonise_report"])


def test_english_thousands_separator():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area_m2": ["1,035,000.5", "12,500.25"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].tolist() == pytest.approx([103.50005, 1.250025])


def test_text_that_is_no_number_becomes_nan_with_report():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "Diện tích (ha)": ["50", "đang cập nhật"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    with pytest.warns(UserWarning, match=r"column 'area_ha': values that are no number") as record:
        out = io.harmonise(raw, layer="t")
    assert record[0].filename == __file__  # the warning points at the caller of harmonise
    assert out["area_ha"].iloc[0] == 50.0
    assert np.isnan(out["area_ha"].iloc[1])
    assert '"area_ha": "đang cập nhật"' in out["source_attributes"].iloc[1]


def test_ambiguous_number_is_read_as_decimal_and_reported():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A"], "Diện tích (ha)": ["1.035"]}, geometry=[Point(105.9, 20.2)], crs=4326
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].iloc[0] == 1.035
    assert any("['1.035'] could use" in line for line in out.attrs["harmonise_report"])


def test_area_in_m2_fills_missing_hectares_only():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area_ha": [None, "3"], "Diện tích (m2)": ["50.000", "7,5"]},
        geometry=[Point(105.9, 20.2)] * 2,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].tolist() == [5.0, 3.0]
    assert out["area_basis"].iloc[0] == "'Diện tích (m2)' (m²) ÷ 10,000"
    report = out.attrs["harmonise_report"]
    assert "area_ha: 1 areas converted from m² ('Diện tích (m2)') to ha" in report
