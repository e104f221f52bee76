"""Tests of ninhbinh_geo.io.harmonisation: the door, its stages in order, one coordinate check.

All inventories below are made up for the tests (illustrative names, areas and points).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
from shapely.geometry import Point, box

from ninhbinh_geo import crs, io, schema
from ninhbinh_geo._errors import CRSError, SchemaError

PROVENANCE = {
    "source": "test fixture (illustrative)",
    "source_date": "2025-07-01",
    "licence": "CC0",
    "accuracy": "illustrative",
}


def test_harmonise_refuses_bad_arguments_and_no_names():
    g = gpd.GeoDataFrame({"x": ["A"]}, geometry=[Point(105.9, 20.2)], crs=4326)
    with pytest.raises(SchemaError, match=r"no column holds the site names.*'Tên CCN'"):
        io.harmonise(g, layer="t")
    with pytest.raises(SchemaError, match=r"accuracy must be one of"):
        io.harmonise(g, layer="t", accuracy="good")
    with pytest.raises(SchemaError, match=r"Layer 't' is a DataFrame, not a GeoDataFrame"):
        io.harmonise(pd.DataFrame({"name": ["CCN A"]}), layer="t")


def test_harmonise_does_not_mutate_and_keeps_index():
    raw = gpd.GeoDataFrame(
        {"name": ["Cụm CN A"], "area": ["12,5"]}, geometry=[Point(105.9, 20.2)], crs=4326
    )
    raw.index = ["r7"]
    before = raw.copy()
    out = io.harmonise(raw, layer="t")
    pd.testing.assert_frame_equal(raw, before)
    assert list(out.index) == ["r7"]
    assert out["lon"].iloc[0] == 105.9


def test_harmonise_is_idempotent_on_contract_columns():
    raw = gpd.GeoDataFrame(
        {
            "Tên CCN": ["Cụm CN Gia Vân"],
            "Diện tích (ha)": ["12,5"],
            "Tình trạng": ["Đang hoạt động"],
            "Huyện": ["Gia Viễn"],
            "craft_village": ["có"],
            "expansion_ha": ["3,5"],
            "Ghi chú": ["illustrative row"],
        },
        geometry=[box(105.88, 20.33, 105.89, 20.34)],
        crs=4326,
    )
    once = io.harmonise(raw, layer="t", **PROVENANCE)
    assert once["craft_village"].dtype == "boolean"
    assert once["craft_village"].iloc[0]
    assert once["expansion_ha"].iloc[0] == 3.5
    assert once["source_attributes"].iloc[0] == '{"Ghi chú": "illustrative row"}'
    twice = io.harmonise(once, layer="t")
    pd.testing.assert_frame_equal(
        pd.DataFrame(twice.drop(columns="geometry")), pd.DataFrame(once.drop(columns="geometry"))
    )
    schema.validate_sites(twice)


def _count_checks(monkeypatch) -> list[int]:
    calls: list[int] = []
    check = crs.check_coordinates

    def counting(gdf, layer):
        calls.append(len(gdf))
        return check(gdf, layer)

    monkeypatch.setattr(crs, "check_coordinates", counting)
    return calls


def test_harmonise_checks_coordinates_once(monkeypatch):
    calls = _count_checks(monkeypatch)
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A", "CCN B"], "area": ["12,5", "3"]},
        geometry=[Point(600_000, 2_240_000), None],
        crs=3405,
    )
    out = io.harmonise(raw, layer="t")
    assert calls == [1]  # once, on the row that has a geometry
    assert out.crs.to_epsg() == 4326
    lon, lat = pyproj.Transformer.from_crs(3405, 4326, always_xy=True).transform(600_000, 2_240_000)
    assert (out["lon"].iloc[0], out["lat"].iloc[0]) == pytest.approx((lon, lat))
    assert out["lon"].isna().tolist() == [False, True]


def test_harmonise_refuses_a_layer_without_crs_even_without_geometries():
    unlocated = gpd.GeoDataFrame({"name": ["CCN A"]}, geometry=[None])
    with pytest.raises(CRSError, match=r"Layer 't' has no CRS"):
        io.harmonise(unlocated, layer="t")
    with_crs = unlocated.set_crs(4326)
    assert io.harmonise(with_crs, layer="t")["lon"].isna().all()
    swapped = gpd.GeoDataFrame({"name": ["CCN A"]}, geometry=[Point(20.2, 105.9)], crs=4326)
    with pytest.raises(CRSError, match=r"longitude and latitude look swapped"):
        io.harmonise(swapped, layer="t")
