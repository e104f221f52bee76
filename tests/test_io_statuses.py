"""Tests of ninhbinh_geo.io.statuses: the one table of status phrases, and nothing guessed."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from ninhbinh_geo import io, schema
from ninhbinh_geo._errors import VocabularyError


def _layer(phrases: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"CCN S{i}" for i in range(len(phrases))], "Tình trạng": phrases},
        geometry=[Point(105.95 + i * 0.001, 20.2) for i in range(len(phrases))],
        crs=4326,
    )


def test_table_maps_onto_the_schema_values_only():
    assert set(io.STATUS_PHRASES.values()) == set(schema.STATUS_VALUES)
    assert {"suspended", "ceased"} <= set(schema.STATUS_VALUES)


@pytest.mark.parametrize(
    ("phrase", "status"),
    [
        ("Đã ngừng hoạt động", "ceased"),
        ("Ngừng hoạt động", "ceased"),
        ("Đang ngừng hoạt động", "ceased"),
        ("Tạm dừng", "suspended"),
        ("Tạm dừng hoạt động", "suspended"),
        ("Chưa đi vào hoạt động", "established"),
        ("Chưa hoạt động", "established"),
        ("Đã thành lập, chưa hoạt động", "established"),
        ("Đang hoạt động", "operating"),
        ("ĐANG HOẠT ĐỘNG", "operating"),
        ("Chưa thành lập (quy hoạch)", "planned"),
        ("Đã giải thể", "ceased"),
        ("Đã đưa ra khỏi quy hoạch", "ceased"),
        ("on hold", "suspended"),
    ],
)
def test_phrases_that_hold_a_word_of_another_status(phrase, status):
    out = io.harmonise(_layer([phrase]), layer="t")
    assert out["status"].tolist() == [status]


def test_a_phrase_not_in_the_table_is_refused_with_its_rows_and_the_fix():
    layer = _layer(["Đang hoạt động", "Đang hoạt động một phần", "Hoàn thành", "Hoàn thành"])
    with pytest.raises(VocabularyError) as err:
        io.harmonise(layer, layer="t")
    msg = str(err.value)
    assert "2 phrases are not in the table" in msg
    assert "['Đang hoạt động một phần', 'Hoàn thành']" in msg
    assert "rows 'row 1 (CCN-NB-S1)', 'row 2 (CCN-NB-S2)', 'row 3 (CCN-NB-S3)'" in msg
    assert '--status "Đang hoạt động một phần=operating"' in msg
    out = io.harmonise(
        layer, layer="t",
        status_words={"Đang hoạt động một phần": "operating", "hoàn thành": "established"},
    )  # fmt: skip
    assert out["status"].tolist() == ["operating", "operating", "established", "established"]


def test_a_planner_phrase_must_map_onto_an_allowed_status():
    with pytest.raises(VocabularyError, match=r"the status must be one of planned, established"):
        io.harmonise(_layer(["x"]), layer="t", status_words={"x": "active"})
