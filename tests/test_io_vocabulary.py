"""Tests of ninhbinh_geo.io.vocabulary: name prefixes, kinds, status words, provinces, site ids.

All names below are made up for the tests or are real place names with illustrative values.
"""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from ninhbinh_geo import io


def test_status_words_and_prefixes_and_ids():
    raw = gpd.GeoDataFrame(
        {
            "Tên": [
                "Cụm công nghiệp Đồng Văn",
                "CỤM CN Mai Sơn",
                "Khu công nghiệp Đồng Văn III",
                "KCN Bảo Minh",
                "Gia Lập",
            ],
            "Tình trạng": [
                "Đang hoạt động",
                "đã thành lập",
                "Đang xây dựng hạ tầng",
                "operational",
                "Chưa thành lập (quy hoạch)",
            ],
            "Huyện": ["Duy Tiên", "Yên Mô", "Thị xã Duy Tiên", "Vụ Bản", "Gia Viễn"],
        },
        geometry=[Point(105.95, 20.3)] * 5,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t", kind="CCN")
    assert out["name_vi"].tolist() == [
        "CCN Đồng Văn",
        "CCN Mai Sơn",
        "KCN Đồng Văn III",
        "KCN Bảo Minh",
        "CCN Gia Lập",
    ]
    assert out["kind"].tolist() == ["CCN", "CCN", "KCN", "KCN", "CCN"]
    assert out["status"].tolist() == [
        "operating",
        "established",
        "established",
        "operating",
        "planned",
    ]
    assert out["former_province"].tolist() == [
        "Hà Nam",
        "Ninh Bình",
        "Hà Nam",
        "Nam Định",
        "Ninh Bình",
    ]
    assert out["site_id"].tolist() == [
        "CCN-HN-DONGVAN",
        "CCN-NB-MAISON",
        "KCN-HN-DONGVAN3",
        "KCN-ND-BAOMINH",
        "CCN-NB-GIALAP",
    ]


def test_site_id_is_stable_across_spellings():
    a = gpd.GeoDataFrame(
        {"Tên KCN": ["Khu công nghiệp Đồng Văn I"], "Tỉnh": ["Tỉnh Hà Nam"]},
        geometry=[Point(105.92, 20.62)],
        crs=4326,
    )
    b = gpd.GeoDataFrame(
        {"name": ["KCN  Dong Van I"], "province": ["Ha Nam"]},
        geometry=[Point(105.92, 20.62)],
        crs=4326,
    )
    assert io.harmonise(a, layer="a")["site_id"].iloc[0] == "KCN-HN-DONGVAN1"
    assert io.harmonise(b, layer="b")["site_id"].iloc[0] == "KCN-HN-DONGVAN1"


def test_kind_column_wins_over_name_and_yes_no_words():
    raw = gpd.GeoDataFrame(
        {
            "name": ["Gia Lập", "KCN Gia Vân", "Khánh Phú Industrial Park"],
            "Loại": ["cụm công nghiệp", "Cụm CN", None],
            "XLNT": ["Có", "không", "chưa rõ"],
        },
        geometry=[Point(105.95, 20.3)] * 3,
        crs=4326,
    )
    out = io.harmonise(raw, layer="t", kind="KCN", former_province="Ninh Bình")
    assert out["kind"].tolist() == ["CCN", "CCN", "KCN"]
    assert out["name_vi"].tolist() == ["CCN Gia Lập", "CCN Gia Vân", "KCN Khánh Phú"]
    assert out["has_wwtp"].tolist()[:2] == [True, False]
    assert out["has_wwtp"].isna().tolist() == [False, False, True]
    assert str(out["has_wwtp"].dtype) == "boolean"


def test_yes_no_columns_survive_a_geopackage_round_trip_and_refuse_other_words(tmp_path):
    # A GeoPackage stores a yes/no column as 1/0 (REAL): read back as yes/no, not as unknown.
    import pyogrio

    from ninhbinh_geo import datasets, io
    from ninhbinh_geo._errors import VocabularyError

    clusters = datasets.load_clusters()
    path = tmp_path / "ccn.gpkg"
    pyogrio.write_dataframe(clusters, path, layer="clusters", driver="GPKG")
    back = io.read_inventory(path)
    assert back["craft_village"].sum() == clusters["craft_village"].sum() == 2
    assert back["craft_village"].isna().sum() == clusters["craft_village"].isna().sum()
    # a value that is neither yes nor no is refused with its column and row, never made unknown
    edited = clusters.assign(craft_village=clusters["craft_village"].astype(object))
    edited.loc[edited.index[3], "craft_village"] = "đang xây"
    pyogrio.write_dataframe(edited, path, layer="clusters", driver="GPKG")
    with pytest.raises(VocabularyError, match=r"craft_village.*đang xây.*feature 4"):
        io.read_inventory(path)
