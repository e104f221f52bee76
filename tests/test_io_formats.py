"""Tests of ninhbinh_geo.io.formats and the readers it calls (tables, points, vector, kml).

All files below are made up for the tests (illustrative names and points).
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
from ninhbinh_geo._errors import CRSError, InputFileError

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
    assert "CSV with coordinate columns (.csv)" in msg


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
    with pytest.raises(InputFileError, match=r"'empty\.csv' has no rows below its headings"):
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
    with pytest.raises(CRSError, match=r"declares EPSG:3405 but --crs EPSG:5897 was passed"):
        io.read_layer(_write_gpkg_3405(tmp_path), crs=5897)


def _write_gpkg_3405(tmp_path: Path) -> Path:
    path = tmp_path / "metric.gpkg"
    gdf = gpd.GeoDataFrame({"name": ["A"]}, geometry=[Point(600000, 2240000)], crs=3405)
    pyogrio.write_dataframe(gdf, path, layer="metric")
    return path


def test_csv_in_metres_without_crs(tmp_path):
    path = tmp_path / "vn2000.csv"
    path.write_text("Tên CCN,x,y\nCCN A,589000.5,2239000.25\n", encoding="utf-8")
    with pytest.raises(CRSError, match=r"hold metres .* and the file has no CRS.*--crs EPSG:5897"):
        io.read_layer(path)
    gdf = io.read_layer(path, crs="EPSG:5897")
    assert gdf.crs.to_epsg() == 5897
    assert (gdf.geometry.iloc[0].x, gdf.geometry.iloc[0].y) == (589000.5, 2239000.25)


def test_csv_without_coordinate_columns(tmp_path):
    path = tmp_path / "nocoords.csv"
    path.write_text("Tên CCN,Huyện\nCCN A,Gia Viễn\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"no longitude and latitude column found.*--lonlat"):
        io.read_layer(path)


def test_corrupt_geopackage_is_wrapped(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"not a database at all")
    with pytest.raises(InputFileError, match=r"'broken\.gpkg' cannot be opened as GeoPackage"):
        io.read_layer(path)


def test_rows_without_coordinates_are_kept(tmp_path):
    path = tmp_path / "partial.csv"
    path.write_text("name,lon,lat\nCCN A,105.9,20.2\nCCN B,,\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"'row 3 \(CCN B\)' have no coordinates; they are kept") as record:
        gdf = io.read_layer(path)
    assert record[0].filename == __file__  # the warning points at the caller of read_layer
    assert len(gdf) == 2
    assert gdf.geometry.iloc[1] is None
    assert gdf.attrs["rows_without_coordinates"] == ["row 3 (CCN B)"]


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
