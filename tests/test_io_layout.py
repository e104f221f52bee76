"""Tests of ninhbinh_geo.io.layout, io.kml, io.location and io.coordinates on their own.

Files are built in code (``io_corpus``); names are real clusters, values illustrative.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from io_corpus import SITES, kml, placemark, rows, write_csv, write_xlsx
from shapely.geometry import Point

from ninhbinh_geo import io
from ninhbinh_geo.io.coordinates import _coordinate, _pair
from ninhbinh_geo.io.location import _distance_m

# --------------------------------------------------------------------------------------------
# layout


def test_row_numbers_count_the_title_and_heading_rows(tmp_path):
    table = [["DANH SÁCH"], [], *rows(3)]
    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": table})
    gdf = io.read_layer(path)
    assert gdf.attrs["row_labels"] == ["row 4 (CCN Gia Vân)", "row 5 (CCN Đức Lý)",
                                       "row 6 (CCN Hợp Hưng)"]  # fmt: skip


def test_a_site_with_only_its_name_is_kept(tmp_path):
    table = rows(2)
    table.append([None, "CCN Mai Sơn", None, None, None, None, None])
    path = write_csv(tmp_path / "t.csv", table)
    with pytest.warns(UserWarning, match=r"'row 4 \(CCN Mai Sơn\)' have no coordinates"):
        gdf = io.read_layer(path)
    assert len(gdf) == 3
    assert gdf.attrs["rows_without_coordinates"] == ["row 4 (CCN Mai Sơn)"]


def test_a_site_named_like_a_total_word_is_kept(tmp_path):
    # "Tống Xá" (a village of Ý Yên) folds like "tổng"; only "Tổng"/"Tổng cộng" are totals.
    table = rows(1)
    table.append([2, "Tống Xá", "Ý Yên", "20", "Quy hoạch", 106.02, 20.33])
    gdf = io.read_layer(write_csv(tmp_path / "t.csv", table))
    assert gdf["Tên CCN"].tolist() == ["CCN Gia Vân", "Tống Xá"]


def test_sections_are_kept_for_the_rows_below(tmp_path):
    t = rows(3)
    table = [t[0], ["I. Huyện Gia Viễn"], t[1], ["II. Các cụm khác"], t[2], t[3]]
    gdf = io.read_layer(write_xlsx(tmp_path / "t.xlsx", {"S": table}, {"S": ["A2:G2"]}))
    assert gdf["section"].tolist() == ["I. Huyện Gia Viễn", "II. Các cụm khác",
                                       "II. Các cụm khác"]  # fmt: skip


# --------------------------------------------------------------------------------------------
# KML


def test_kml_folders_and_extended_data_names(tmp_path):
    body = (
        "<Folder><name>CCN</name><Folder><name>Huyện Gia Viễn</name>"
        + placemark(SITES[0], {"Diện tích (ha)": "30", "Tình trạng": "Quy hoạch"})
        + "</Folder></Folder>"
        + placemark(SITES[1], {"Diện tích (ha)": "65", "Tình trạng": "Quy hoạch"})
    )
    path = tmp_path / "ge.kml"
    path.write_text(kml(body), encoding="utf-8")
    gdf = io.read_layer(path)
    assert gdf["folder"].tolist() == ["CCN / Huyện Gia Viễn", None]
    assert {"Diện tích (ha)", "Tình trạng", "Name"} <= set(gdf.columns)
    out = io.harmonise(gdf, layer="ge")
    assert json.loads(out["source_attributes"].iloc[0])["folder"] == "CCN / Huyện Gia Viễn"
    assert out["area_ha"].tolist() == [30.0, 65.0]


def test_kml_polygon_with_hole(tmp_path):
    ring = "105.87,20.35 105.88,20.35 105.88,20.36 105.87,20.36 105.87,20.35"
    hole = "105.874,20.354 105.876,20.354 105.876,20.356 105.874,20.354"
    body = (f"<Placemark><name>CCN Gia Vân</name><Polygon><outerBoundaryIs><LinearRing>"
            f"<coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs><innerBoundaryIs>"
            f"<LinearRing><coordinates>{hole}</coordinates></LinearRing></innerBoundaryIs>"
            f"</Polygon></Placemark>")  # fmt: skip
    path = tmp_path / "p.kml"
    path.write_text(kml(body), encoding="utf-8")
    polygon = io.read_layer(path).geometry.iloc[0]
    assert len(polygon.interiors) == 1


# --------------------------------------------------------------------------------------------
# coordinates and location


@pytest.mark.parametrize(
    ("text", "value"),
    [("105.941", 105.941), ("105,941", 105.941), ("20°15'30\"N", 20.258333),
     ("105° 58′ 12″ E", 105.97), ("20d15m30s", 20.258333), ("20 15 30 N", 20.258333),
     ("20°15'30\"S", -20.258333), ("2.245.300,5", 2245300.5), ("589.000", 589000.0),
     ("2 245 300", 2245300.0)],
)  # fmt: skip
def test_one_coordinate(text, value):
    assert _coordinate(text) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize("text", ["105.9.12", "20°75'N", "abc", "20-21"])
def test_unreadable_coordinate(text):
    assert _coordinate(text) is None


def test_pairs_are_ordered_by_magnitude():
    assert _pair("20.2583, 105.9712") == (105.9712, 20.2583)
    assert _pair("105.9712 20.2583") == (105.9712, 20.2583)
    assert _pair("20,2583; 105,9712") == (105.9712, 20.2583)
    assert _pair("20.2, 30.1") is None


def test_tolerance_and_distances():
    assert io.PROVINCE_TOLERANCE_M == 2000.0
    inside = Point(SITES[0].lon, SITES[0].lat)
    hanoi = Point(105.85, 21.03)  # about 45 km north of the province
    d = _distance_m(gpd.GeoSeries([inside, hanoi, None], crs=4326))
    assert d.iloc[0] == 0.0
    assert 30_000 < d.iloc[1] < 60_000
    assert np.isnan(d.iloc[2])
