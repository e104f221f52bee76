"""Tests of ninhbinh_geo.io: reading files, harmonising inventories, legacy TCVN3 text.

All inventories below are made up for the tests (illustrative names, areas and points), except
the TCVN3 KML of the former Ninh Bình province read from ../shared (test material only).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box

from ninhbinh_geo import io, schema
from ninhbinh_geo._errors import CRSError, EncodingError, InputFileError, SchemaError

SHARED = Path(__file__).resolve().parents[2] / "shared"
TENXA_KML = SHARED / "data" / "inventory" / "raw" / "tnmt-nb_tenxa.kml"
TENXA_CSV = SHARED / "data" / "inventory" / "ninhbinh_old_commune_points_tnmt-nb.csv"

PROVENANCE = {
    "source": "test fixture (illustrative)",
    "source_date": "2025-07-01",
    "licence": "CC0",
    "accuracy": "illustrative",
}
_UNICODE_TO_TCVN3 = {v: k for k, v in io.TCVN3_TO_UNICODE.items()}


def _to_tcvn3(text: str) -> str:
    """Encode NFC Vietnamese as TCVN3 characters (as a Latin-1 reader would show them)."""
    return "".join(_UNICODE_TO_TCVN3.get(ch, ch) for ch in text)


# --------------------------------------------------------------------------------------------
# fixtures: three differently shaped inventories


def _vietnamese_xlsx(tmp_path: Path) -> Path:
    """A Vietnamese sheet: areas in m² with Vietnamese separators, percentages with commas."""
    df = pd.DataFrame(
        {
            "STT": [1, 2],
            "Tên cụm công nghiệp": ["Cụm CN Gia Vân", "Cụm công nghiệp Khánh Nhạc"],
            "Huyện": ["Huyện Gia Viễn", "Yên Khánh"],
            "Xã": ["Gia Vân", "Khánh Nhạc"],
            "Diện tích (m2)": ["450.000", "1.035.000,5"],
            "Tỷ lệ lấp đầy (%)": ["85,5", None],
            "Tình trạng": ["Đang hoạt động", "Đã thành lập"],
            "Kinh độ": [105.88, 106.08],
            "Vĩ độ": [20.33, 20.20],
        }
    )
    path = tmp_path / "ccn_vi.xlsx"
    df.to_excel(path, index=False, sheet_name="CCN")
    return path


def _english_geojson(tmp_path: Path) -> Path:
    """An English GeoJSON of park footprints with numbers as numbers."""
    gdf = gpd.GeoDataFrame(
        {
            "name": ["Bao Minh Industrial Park", "Khu công nghiệp Đồng Văn I"],
            "type": ["park", "KCN"],
            "province": ["Nam Dinh", "Hà Nam"],
            "district": ["Vu Ban", "Duy Tien"],
            "area": [154.0, 131.2],
            "occupancy": [98.5, np.nan],
            "status": ["operating", "in operation"],
            "wastewater": ["yes", "no"],
        },
        geometry=[box(106.05, 20.33, 106.065, 20.34), box(105.92, 20.62, 105.93, 20.63)],
        crs="EPSG:4326",
    )
    path = tmp_path / "parks_en.geojson"
    gdf.to_file(path, driver="GeoJSON")
    return path


def _tcvn3_csv(tmp_path: Path) -> Path:
    """A legacy CSV: headings and names in TCVN3 bytes, as old .VnTime spreadsheets export."""
    rows = [
        ["Tên CCN", "Huyện", "Diện tích (ha)", "Tình trạng", "lon", "lat"],
        ["CCN Gia Trấn", "Gia Viễn", "12,5", "Quy hoạch", "105,94", "20,34"],
        ["CCN Đồng Hướng", "Kim Sơn", "75", "đang hoạt động", "106,07", "20,06"],
    ]
    text = "\n".join(",".join(f'"{_to_tcvn3(v)}"' for v in row) for row in rows) + "\n"
    path = tmp_path / "ccn_tcvn3.csv"
    path.write_bytes(text.encode("latin-1"))
    return path


# --------------------------------------------------------------------------------------------
# read_layer: errors


def test_file_not_found(tmp_path):
    with pytest.raises(InputFileError, match=r"File not found: '.*missing\.gpkg'"):
        io.read_layer(tmp_path / "missing.gpkg")


def test_unsupported_format(tmp_path):
    path = tmp_path / "sites.dxf"
    path.write_text("0\nEOF\n")
    with pytest.raises(InputFileError) as err:
        io.read_layer(path)
    msg = str(err.value)
    assert "format '.dxf' is not supported" in msg
    for fmt in ("GeoPackage (.gpkg)", "GeoJSON (.geojson)", "Shapefile (.shp)", "KML (.kml)"):
        assert fmt in msg
    assert "CSV with lon/lat columns (.csv)" in msg


def _gpkg(tmp_path: Path) -> Path:
    path = tmp_path / "plan.gpkg"
    pts = gpd.GeoDataFrame({"name": ["CCN A"]}, geometry=[Point(105.9, 20.2)], crs=4326)
    pyogrio.write_dataframe(pts, path, layer="clusters")
    pyogrio.write_dataframe(pts.iloc[:0], path, layer="empty_layer")
    return path


def test_geopackage_layer_not_found_lists_layers(tmp_path):
    path = _gpkg(tmp_path)
    with pytest.raises(
        InputFileError,
        match=r"layer 'parks' not found\. Available layers: \['clusters', 'empty_layer'\]",
    ):
        io.read_layer(path, layer="parks")
    with pytest.raises(InputFileError, match=r"holds 2 layers: \['clusters', 'empty_layer'\]"):
        io.read_layer(path)
    gdf = io.read_layer(path, layer="clusters")
    assert gdf["name"].tolist() == ["CCN A"]
    assert gdf.attrs["format"] == "GeoPackage"


def test_empty_layer(tmp_path):
    with pytest.raises(InputFileError, match=r"layer 'empty_layer' is empty \(no features\)"):
        io.read_layer(_gpkg(tmp_path), layer="empty_layer")
    csv = tmp_path / "empty.csv"
    csv.write_text("name,lon,lat\n")
    with pytest.raises(InputFileError, match=r"'empty\.csv' has no rows below its header"):
        io.read_layer(csv)


def test_no_crs_shapefile(tmp_path):
    path = tmp_path / "noprj.shp"
    gdf = gpd.GeoDataFrame({"name": ["CCN A"]}, geometry=[Point(600000, 2240000)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pyogrio warns that there is no CRS
        pyogrio.write_dataframe(gdf, path)
    with pytest.raises(CRSError, match=r"'noprj\.shp' has no CRS.*crs='EPSG:5897'"):
        io.read_layer(path)
    read = io.read_layer(path, crs="EPSG:3405")
    assert read.crs.to_epsg() == 3405
    with pytest.raises(CRSError, match=r"declares EPSG:3405 but crs=EPSG:5897"):
        io.read_layer(_write_gpkg_3405(tmp_path), crs=5897)


def _write_gpkg_3405(tmp_path: Path) -> Path:
    path = tmp_path / "metric.gpkg"
    gdf = gpd.GeoDataFrame({"name": ["A"]}, geometry=[Point(600000, 2240000)], crs=3405)
    pyogrio.write_dataframe(gdf, path, layer="metric")
    return path


def test_csv_in_metres_without_crs(tmp_path):
    path = tmp_path / "vn2000.csv"
    path.write_text("Tên CCN,x,y\nCCN A,589000.5,2239000.25\n", encoding="utf-8")
    with pytest.raises(CRSError, match=r"which are metres, not degrees, and the file has no CRS"):
        io.read_layer(path)
    gdf = io.read_layer(path, crs="EPSG:5897")
    assert gdf.crs.to_epsg() == 5897
    assert (gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y) == (589000.5, 2239000.25)


def test_csv_without_coordinate_columns(tmp_path):
    path = tmp_path / "nocoords.csv"
    path.write_text("Tên CCN,Huyện\nCCN A,Gia Viễn\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"no longitude and latitude column found.*lon="):
        io.read_layer(path)


def test_corrupt_geopackage_is_wrapped(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"not a database at all")
    with pytest.raises(InputFileError, match=r"'broken\.gpkg' cannot be opened as GeoPackage"):
        io.read_layer(path)


def test_rows_without_coordinates_are_kept(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text("name,lon,lat\nCCN A,105.9,20.2\nCCN B,,\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"rows 1 have no coordinates; they are kept"):
        gdf = io.read_layer(path)
    assert len(gdf) == 2
    assert gdf.geometry.iloc[1] is None
    assert gdf.attrs["rows_without_coordinates"] == ["1"]


def test_explicit_lon_lat_columns_and_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="notes", index=False)
        pd.DataFrame({"ten": ["CCN A"], "E": [105.9], "N": [20.2]}).to_excel(
            writer, sheet_name="ccn", index=False
        )
    with pytest.raises(
        InputFileError, match=r"sheet 'CCN' not found\. Available sheets: \['notes', 'ccn'\]"
    ):
        io.read_layer(path, layer="CCN")
    gdf = io.read_layer(path, layer="ccn", lon="E", lat="N")
    assert (gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y) == (105.9, 20.2)


# --------------------------------------------------------------------------------------------
# harmonise


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
    with pytest.warns(UserWarning, match=r"column 'area_ha': values that are no number"):
        out = io.harmonise(raw, layer="t")
    assert out["area_ha"].iloc[0] == 50.0
    assert np.isnan(out["area_ha"].iloc[1])
    assert '"area_ha": "đang cập nhật"' in out["source_attributes"].iloc[1]


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
    assert "headings decoded from TCVN3: {'Tªn CCN': 'Tên CCN'}" in report
    assert any(line.startswith("Tên CCN: decoded 3 values from TCVN3") for line in report)


def test_tcvn3_ambiguous_is_refused():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN Gia TrÊn", "CCN Đồng Văn", "CCN Gia Phó"]},
        geometry=[Point(105.9, 20.3)] * 3,
        crs=4326,
    )
    with pytest.raises(EncodingError) as err:
        io.harmonise(raw, layer="mixed")
    msg = str(err.value)
    assert "Layer 'mixed', column 'name': mixed text encodings" in msg
    assert "1 values look like legacy TCVN3" in msg
    assert "'CCN Gia Phó', rows 'row 2'" in msg
    assert "ambiguous" in msg


def test_unicode_text_is_not_decoded():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN Hà Nam", "CCN Phú Thứ", "CCN Ý Yên"]},
        geometry=[Point(106.1, 20.3)] * 3,
        crs=4326,
    )
    out = io.harmonise(raw, layer="u")
    assert out["name_vi"].tolist() == ["CCN Hà Nam", "CCN Phú Thứ", "CCN Ý Yên"]


def test_harmonise_refuses_bad_arguments_and_no_names():
    g = gpd.GeoDataFrame({"x": ["A"]}, geometry=[Point(105.9, 20.2)], crs=4326)
    with pytest.raises(SchemaError, match=r"no column holds the site names.*'Tên CCN'"):
        io.harmonise(g, layer="t")
    with pytest.raises(SchemaError, match=r"accuracy must be one of"):
        io.harmonise(g, layer="t", accuracy="good")


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


# --------------------------------------------------------------------------------------------
# three inventories, one layer


def test_three_inventories_make_one_consistent_layer(tmp_path):
    vi = io.read_inventory(_vietnamese_xlsx(tmp_path), layer="CCN", allow_points=True, **PROVENANCE)
    en = io.read_inventory(_english_geojson(tmp_path), **PROVENANCE)
    legacy = io.read_inventory(_tcvn3_csv(tmp_path), allow_points=True, **PROVENANCE)

    assert list(vi.columns) == list(en.columns) == list(legacy.columns)
    assert vi.dtypes.equals(en.dtypes)
    assert vi.dtypes.equals(legacy.dtypes)
    both = pd.concat([vi, en, legacy], ignore_index=True)
    assert isinstance(both, gpd.GeoDataFrame)
    assert both.crs.to_epsg() == 4326
    assert len(both) == 6
    assert list(both.dtypes) == list(vi.dtypes)
    # footprints (GeoJSON) and points (tables) in one layer are refused by design
    with pytest.raises(SchemaError, match=r"mixed geometry types \(4 Point, 2 Polygon\)"):
        schema.validate_sites(both, allow_points=True)
    points = both[both.geom_type == "Point"]
    assert len(schema.validate_sites(points, allow_points=True)) == 4


def test_three_inventories_values(tmp_path):
    vi = io.read_inventory(_vietnamese_xlsx(tmp_path), layer="CCN", allow_points=True, **PROVENANCE)
    assert vi["site_id"].tolist() == ["CCN-NB-GIAVAN", "CCN-NB-KHANHNHAC"]
    assert vi["name_vi"].tolist() == ["CCN Gia Vân", "CCN Khánh Nhạc"]
    # 450.000 m² = 45 ha; 1.035.000,5 m² = 103.50005 ha
    assert vi["area_ha"].tolist() == pytest.approx([45.0, 103.50005])
    assert vi["area_basis"].iloc[0] == "'Diện tích (m2)' (m²) ÷ 10,000"
    assert vi["occupancy_pct"].iloc[0] == 85.5
    assert np.isnan(vi["occupancy_pct"].iloc[1])
    assert vi["status"].tolist() == ["operating", "established"]
    assert vi["communes"].tolist() == ["Gia Vân", "Khánh Nhạc"]
    assert '"STT": 1' in vi["source_attributes"].iloc[0]

    en = io.read_inventory(_english_geojson(tmp_path), **PROVENANCE)
    assert en["site_id"].tolist() == ["KCN-ND-BAOMINH", "KCN-HN-DONGVAN1"]
    assert en["name_vi"].tolist() == ["KCN Bao Minh", "KCN Đồng Văn I"]
    assert en["kind"].tolist() == ["KCN", "KCN"]
    assert en["former_province"].tolist() == ["Nam Định", "Hà Nam"]
    assert en["status"].tolist() == ["operating", "operating"]
    assert en["has_wwtp"].tolist() == [True, False]
    assert en["area_ha"].tolist() == [154.0, 131.2]

    legacy = io.read_inventory(_tcvn3_csv(tmp_path), allow_points=True, **PROVENANCE)
    assert legacy["name_vi"].tolist() == ["CCN Gia Trấn", "CCN Đồng Hướng"]
    assert legacy["district_old"].tolist() == ["Gia Viễn", "Kim Sơn"]
    assert legacy["site_id"].tolist() == ["CCN-NB-GIATRAN", "CCN-NB-DONGHUONG"]
    assert legacy["area_ha"].tolist() == [12.5, 75.0]
    assert legacy["status"].tolist() == ["planned", "operating"]
    assert legacy.geometry.iloc[0].coords[0] == (105.94, 20.34)


def test_read_inventory_validates(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "Tên CCN,Huyện,Diện tích (ha),Tình trạng,lon,lat\n"
        "CCN A,Gia Viễn,12,hoàn thành,105.9,20.3\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemaError, match=r"column 'status': value\(s\) \['hoàn thành'\]"):
        io.read_inventory(path, allow_points=True, **PROVENANCE)
    ok = tmp_path / "ok.csv"
    ok.write_text(
        "Tên CCN,Huyện,Tình trạng,lon,lat\nCCN A,Gia Viễn,Quy hoạch,105.9,20.3\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SchemaError,
        match=r"column\(s\) \['source', 'source_date', 'licence', 'accuracy'\]: provenance "
        r"missing in rows 'CCN-NB-A'\. Pass source=",
    ):
        io.read_inventory(ok, allow_points=True)
    out = io.read_inventory(ok, allow_points=True, **PROVENANCE)
    assert out["site_id"].tolist() == ["CCN-NB-A"]
    assert np.isnan(out["area_ha"].iloc[0])


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
    intact = raw["Name"] == ref["commune_raw_tcvn3"]
    expected = ref["commune"].str.split().str.join(" ")
    assert intact.sum() >= 120
    assert out.loc[intact, "name_vi"].tolist() == expected[intact].tolist()
    assert out.loc[2, "name_vi"] == "Gia Trấn"
    assert out["lon"].round(6).tolist() == ref["lon"].round(6).tolist()


# --------------------------------------------------------------------------------------------
# more shapes of input


def test_semicolon_csv_with_decimal_commas_and_coordinates(tmp_path):
    path = tmp_path / "excel_vi.csv"
    path.write_text(
        "Tên CCN;Diện tích (ha);Kinh độ;Vĩ độ\n"
        "CCN Gia Vân;1.035,5;105,941;20,345\n"
        "CCN Gia Lập;12;105.941;20.345\n",
        encoding="utf-8",
    )
    gdf = io.read_layer(path)
    # coordinates never have thousands separators: "105.941" is not 105941
    assert [(p.x, p.y) for p in gdf.geometry] == [(105.941, 20.345), (105.941, 20.345)]
    out = io.harmonise(gdf, layer="t")
    assert out["area_ha"].tolist() == [1035.5, 12.0]


def test_ambiguous_number_is_read_as_decimal_and_reported():
    raw = gpd.GeoDataFrame(
        {"name": ["CCN A"], "Diện tích (ha)": ["1.035"]}, geometry=[Point(105.9, 20.2)], crs=4326
    )
    out = io.harmonise(raw, layer="t")
    assert out["area_ha"].iloc[0] == 1.035
    assert any("['1.035'] could use" in line for line in out.attrs["harmonise_report"])


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


def test_xlsx_dates_become_iso_text(tmp_path):
    path = tmp_path / "dated.xlsx"
    pd.DataFrame(
        {
            "Tên KCN": ["KCN Bảo Minh"],
            "Ngày": [pd.Timestamp("2024-10-04")],
            "lon": [106.06],
            "lat": [20.34],
        }
    ).to_excel(path, index=False)
    out = io.harmonise(io.read_layer(path), layer="t")
    assert out["source_date"].iloc[0] == "2024-10-04"


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
