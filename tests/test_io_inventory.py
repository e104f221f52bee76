"""Tests of ninhbinh_geo.io.inventory: three differently shaped inventories, one site layer.

All inventories below are made up for the tests (illustrative names, areas and points).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ninhbinh_geo import io, schema
from ninhbinh_geo._errors import InputFileError, NumberFormatError, SchemaError, VocabularyError

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
    with pytest.raises(VocabularyError, match=r"column 'Tình trạng' \(status\): 1 phrases are not in the table of status phrases: \['hoàn thành'\] \(rows 'row 2 \(CCN A, CCN-NB-A\)'\)"):
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


def test_read_inventory_checks_its_arguments_before_reading(tmp_path):
    missing = tmp_path / "missing.csv"
    with pytest.raises(SchemaError, match=r"kind must be one of \('CCN', 'KCN'\) or None"):
        io.read_inventory(missing, kind="cluster")
    with pytest.raises(SchemaError, match=r"former_province must be one of"):
        io.read_inventory(missing, former_province="Thanh Hóa")
    with pytest.raises(InputFileError, match=r"File not found"):
        io.read_inventory(missing, kind="CCN")


def test_read_inventory_never_leaves_a_silent_nan(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text(
        "Tên CCN,Huyện,Tình trạng,Diện tích (ha),lon,lat\n"
        "CCN A,Gia Viễn,Quy hoạch,đang cập nhật,105.9,20.3\n"
        "CCN B,Gia Viễn,Quy hoạch,năm mươi,105.91,20.3\n",
        encoding="utf-8",
    )
    with pytest.raises(NumberFormatError, match=r"'năm mươi' \(row 3 \(CCN B, CCN-NB-B\)\) is no number"):
        io.read_inventory(path, allow_points=True, **PROVENANCE)
    out = io.read_inventory(path, allow_points=True, allow_missing=True, **PROVENANCE)
    assert out["area_ha"].isna().all()
    assert out["area_ha_reason"].tolist() == [
        "not known: written 'đang cập nhật'",
        "not read: 'năm mươi' (row 3 (CCN B, CCN-NB-B)) is no number",
    ]
