"""Tests of ninhbinh_geo.io.encodings (legacy TCVN3 text) and ninhbinh_geo.io.kml.

The names below are made up for the tests, except the TCVN3 KML of the former Ninh Bình
province read from ../shared (test material only).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from ninhbinh_geo import io
from ninhbinh_geo._errors import EncodingError

SHARED = Path(__file__).resolve().parents[2] / "shared"
TENXA_KML = SHARED / "data" / "inventory" / "raw" / "tnmt-nb_tenxa.kml"
TENXA_CSV = SHARED / "data" / "inventory" / "ninhbinh_old_commune_points_tnmt-nb.csv"
RANHGIOI_KML = SHARED / "data" / "inventory" / "raw" / "tnmt-nb_ranhgioi_xa.kml"


def test_tcvn3_names_decoded():
    raw = gpd.GeoDataFrame(
        {"Tªn CCN": ["CCN Gia TrÊn", "CCN Gia Phó", "CCN Kh¸nh C\xadêng"]},
        geometry=[Point(105.9, 20.3)] * 3,
        crs=4326,
    )
    out = io.harmonise(raw, layer="legacy")
    # "Gia Phó" alone could be Unicode; in a TCVN3 column it is "Gia Phú" (ó = byte 0xF3 = ú)
    assert out["name_vi"].tolist() == ["CCN Gia Trấn", "CCN Gia Phú", "CCN Khánh Cường"]
    report = out.attrs["harmonise_report"]
    assert "headings decoded from TCVN3 (ABC): {'Tªn CCN': 'Tên CCN'}" in report
    assert any(line.startswith("Tên CCN: decoded 3 values from TCVN3 (ABC)") for line in report)


def test_tcvn3_ambiguous_is_refused():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN Gia TrÊn", "CCN Đồng Văn", "CCN Gia Phó"]},
        geometry=[Point(105.9, 20.3)] * 3,
        crs=4326,
    )
    with pytest.raises(EncodingError) as err:
        io.harmonise(raw, layer="mixed")
    msg = str(err.value)
    assert "Layer 'mixed', column 'name': cannot tell the text encoding of 1 values" in msg
    assert "(rows 'row 2'): 'CCN Gia Phó' reads as" in msg
    assert "TCVN3 (ABC) 'CCN Gia Phú'" in msg
    assert "The column mixes encodings: {'tcvn3': 1, 'unicode': 1}" in msg
    assert "ambiguous" in msg
    assert "--encoding tcvn3" in msg


def test_unicode_text_is_not_decoded():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN Hà Nam", "CCN Phú Thứ", "CCN Ý Yên"]},
        geometry=[Point(106.1, 20.3)] * 3,
        crs=4326,
    )
    out = io.harmonise(raw, layer="u")
    assert out["name_vi"].tolist() == ["CCN Hà Nam", "CCN Phú Thứ", "CCN Ý Yên"]


def test_tcvn3_kml_written_in_code(tmp_path):
    path = tmp_path / "legacy.kml"
    names = ["CCN Gia TrÊn", "CCN Kh¸nh Phó", "CCN §ång H\xadíng"]
    gdf = gpd.GeoDataFrame(
        {"Name": names}, geometry=[Point(105.94, 20.34), Point(106.08, 20.2), Point(106.07, 20.06)]
    ).set_crs(4326)
    pyogrio.write_dataframe(gdf, path, driver="KML")
    out = io.harmonise(io.read_layer(path), layer="legacy", former_province="Ninh Bình")
    assert out["name_vi"].tolist() == ["CCN Gia Trấn", "CCN Khánh Phú", "CCN Đồng Hướng"]
    assert out["site_id"].tolist() == ["CCN-NB-GIATRAN", "CCN-NB-KHANHPHU", "CCN-NB-DONGHUONG"]


def test_kml_description_table_becomes_columns(tmp_path):
    # An ArcGIS-style export: the placemark name lost the byte 0xAD ("ư"), the popup table kept it.
    path = tmp_path / "arcgis.kml"
    table = "<html><table><tr><td>TEN</td><td>{}</td></tr><tr><td>HUYEN</td><td>{}</td></tr>"
    gdf = gpd.GeoDataFrame(
        {
            "Name": ["CCN Gia Ph ¬ng", "CCN Kh¸nh Phó"],
            "Description": [
                table.format("Gia Ph\xadêng", "HuyÖn Gia ViÔn") + "</table></html>",
                table.format("Kh¸nh Phó", "Yªn Kh¸nh") + "</table></html>",
            ],
        },
        geometry=[Point(105.94, 20.34), Point(106.08, 20.2)],
        crs=4326,
    )
    pyogrio.write_dataframe(gdf, path, driver="KML")
    raw = io.read_layer(path)
    # read_layer decodes: the popup table's fields are columns, in Unicode
    assert raw["TEN"].tolist() == ["Gia Phường", "Khánh Phú"]
    assert raw.attrs["encoding"] == "TCVN3 (ABC)"
    out = io.harmonise(raw, layer="arcgis", kind="CCN")
    assert out["name_vi"].tolist() == ["CCN Gia Phường", "CCN Khánh Phú"]
    assert out["district_old"].tolist() == ["Huyện Gia Viễn", "Yên Khánh"]
    assert out["site_id"].tolist() == ["CCN-NB-GIAPHUONG", "CCN-NB-KHANHPHU"]


# --------------------------------------------------------------------------------------------
# the real TCVN3 KML of the former Ninh Bình province (test material only, never shipped)


@pytest.mark.skipif(
    not (TENXA_KML.exists() and TENXA_CSV.exists()),
    reason=f"shared data not found at {SHARED} (the real TCVN3 KML is not shipped with the repo)",
)
def test_real_tcvn3_kml_decodes_to_commune_names():
    raw = io.read_layer(TENXA_KML)
    assert len(raw) == 146
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = io.harmonise(raw, layer="tnmt-nb tenxa")
    ref = pd.read_csv(TENXA_CSV)
    # the attribute table in each description holds the undamaged commune name
    assert out["communes"].tolist() == ref["commune"].tolist()
    assert out.loc[2, "communes"] == "Gia Trấn"
    assert (out["former_province"] == "Ninh Bình").all()
    assert out.loc[0, "district_old"] == "Huyện Gia Viễn"
    # placemark names: the source lost the byte 0xAD ("ư") in 17 names ("Gia Ph ¬ng");
    # the others decode exactly (spacing normalised)
    intact = raw["Name"] == ref["commune_raw_tcvn3"].map(io.decode_tcvn3)
    expected = ref["commune"].str.split().str.join(" ")
    assert intact.sum() >= 120
    assert out.loc[intact, "name_vi"].tolist() == expected[intact].tolist()
    assert out.loc[2, "name_vi"] == "Gia Trấn"
    assert out["lon"].round(6).tolist() == ref["lon"].round(6).tolist()


@pytest.mark.skipif(
    not RANHGIOI_KML.exists(),
    reason=f"shared data not found at {SHARED} (the real KML is not shipped with the repo)",
)
def test_real_arcgis_kml_with_an_undeclared_prefix_is_read():
    # ArcGIS writes xsi:schemaLocation without declaring xsi: strict XML parsers refuse it.
    gdf = io.read_layer(RANHGIOI_KML)
    assert len(gdf) == 294
    assert set(gdf.geom_type) == {"LineString"}
    assert gdf.crs.to_epsg() == 4326
    assert gdf.attrs["row_labels"][0] == "feature 1 (35)"
