"""Tests of ninhbinh_geo.exposure: hand-computed areas on hand-made rasters."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from ninhbinh_geo import exposure
from ninhbinh_geo._errors import CRSError, DataCoverageError, InputFileError, SchemaError

X0, Y0 = 600000.0, 2250040.0  # top-left of the 4 x 4 test grid, EPSG:3405, 10 m cells
NODATA = -9999.0
DEPTHS = np.array(
    [
        [0.0, 0.2, 0.6, 1.2],
        [0.05, 0.3, 0.9, 2.5],
        [0.0, 0.0, 0.4, 3.0],
        [NODATA, NODATA, NODATA, NODATA],
    ],
    dtype="float32",
)


def write_raster(path, data, *, crs="EPSG:3405", transform=None, nodata=NODATA, tags=None, **extra):
    transform = transform or from_origin(X0, Y0, 10, 10)
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": str(data.dtype),
        "transform": transform,
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    profile.update(extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
        if tags:
            dst.update_tags(**tags)
    return path


@pytest.fixture
def grid(tmp_path):
    return write_raster(tmp_path / "depth_rp00100.tif", DEPTHS)


def sites_3405(*geoms, ids=None):
    ids = ids or [f"S{i}" for i in range(len(geoms))]
    return gpd.GeoDataFrame({"site_id": ids}, geometry=list(geoms), crs="EPSG:3405")


# Footprint x 5..35, y 5..25 below the grid's top edge: covers half of columns 0
# and 3 and half of rows 0 and 2. Cell areas (m²) = 100 x column weight x row weight:
#   row 0 (0.5): depths 0.0/0.2/0.6/1.2 -> 25, 50, 50, 25
#   row 1 (1.0): depths 0.05/0.3/0.9/2.5 -> 50, 100, 100, 50
#   row 2 (0.5): depths 0.0/0.0/0.4/3.0 -> 25, 50, 50, 25           total 600 m²
# exposed (>= 0.1 m) = 50+50+25+100+100+50+50+25 = 450 m²
# classes: [0.1,0.5) 0.2, 0.3, 0.4 -> 50+100+50 = 200; [0.5,1) 0.6, 0.9 -> 150; [1,2) 1.2 -> 25;
#          [2,inf) 2.5, 3.0 -> 75
# mean depth over exposed = (10+30+20+30+90+30+125+75)/450 = 410/450
HALF = box(X0 + 5, Y0 - 25, X0 + 35, Y0 - 5)


def test_hand_computed_areas(grid):
    out = exposure.raster_exposure(sites_3405(HALF), [grid])
    row = out.iloc[0]
    assert row["hazard"] == "depth_rp00100"
    assert row["return_period"] == 100
    assert row["exposed_ha"] == pytest.approx(450 / 1e4, rel=1e-9)
    assert row["exposed_share"] == pytest.approx(0.75, rel=1e-9)
    assert row["class_0.1_0.5_ha"] == pytest.approx(200 / 1e4, rel=1e-9)
    assert row["class_0.5_1_ha"] == pytest.approx(150 / 1e4, rel=1e-9)
    assert row["class_1_2_ha"] == pytest.approx(25 / 1e4, rel=1e-9)
    assert row["class_2_inf_ha"] == pytest.approx(75 / 1e4, rel=1e-9)
    assert row["mean_depth_m"] == pytest.approx(410 / 450, rel=1e-6)
    assert row["max_depth_m"] == pytest.approx(3.0)
    assert row["coverage_share"] == pytest.approx(1.0, abs=1e-3)
    assert row["accuracy"] == "approximate"
    assert out.crs.to_epsg() == 4326


def test_classes_sum_to_exposed_and_custom_breaks(grid):
    sites = sites_3405(HALF, box(X0, Y0 - 30, X0 + 40, Y0))
    out = exposure.raster_exposure(sites, [grid], breaks_m=(0.25, 1.0))
    cols = exposure.class_columns((0.25, 1.0))
    assert cols == ["class_0.25_1_ha", "class_1_inf_ha"]
    np.testing.assert_allclose(out[cols].sum(axis=1), out["exposed_ha"], rtol=1e-12)
    # second site: full cells of rows 0-2; >= 0.25: 0.6,1.2,0.3,0.9,2.5,0.4,3.0 = 7 cells
    assert out.iloc[1]["exposed_ha"] == pytest.approx(700 / 1e4)
    assert out.iloc[1]["class_1_inf_ha"] == pytest.approx(300 / 1e4)


def test_partial_coverage_warns(grid):
    # x 30..50 while the grid ends at 40: half outside; column 3 depths 1.2 (half), 2.5, 3.0 (half)
    site = box(X0 + 30, Y0 - 25, X0 + 50, Y0 - 5)
    with pytest.warns(UserWarning, match="covers only part"):
        out = exposure.raster_exposure(sites_3405(site), [grid])
    row = out.iloc[0]
    assert row["coverage_share"] == pytest.approx(0.5, rel=1e-6)
    assert row["exposed_ha"] == pytest.approx(200 / 1e4)
    assert row["exposed_share"] == pytest.approx(1.0)
    assert "50%" in row["reason"]


def test_nodata_cells_excluded_or_dry(grid):
    # rows 2 and 3 fully: row 2 valid (0, 0, 0.4, 3.0), row 3 nodata
    site = box(X0, Y0 - 40, X0 + 40, Y0 - 20)
    with pytest.warns(UserWarning, match="covers only part"):
        out = exposure.raster_exposure(sites_3405(site), [grid])
    assert out.iloc[0]["coverage_share"] == pytest.approx(0.5)
    assert out.iloc[0]["exposed_share"] == pytest.approx(0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dry = exposure.raster_exposure(sites_3405(site), [grid], nodata_as_dry=True)
    assert dry.iloc[0]["coverage_share"] == pytest.approx(1.0)
    assert dry.iloc[0]["exposed_ha"] == pytest.approx(200 / 1e4)
    assert dry.iloc[0]["exposed_share"] == pytest.approx(0.25)


def test_index_preserved_and_input_not_mutated(grid):
    sites = sites_3405(HALF, box(X0, Y0 - 10, X0 + 10, Y0))
    sites.index = [7, 3]
    before = sites.copy()
    out = exposure.raster_exposure(sites, {10: grid, "rp100": grid})
    pd.testing.assert_frame_equal(sites, before)
    assert list(out.index) == [7, 3, 7, 3]
    assert list(out["hazard"]) == ["rp10", "rp10", "rp100", "rp100"]
    assert list(out["return_period"]) == [10, 10, 100, 100]
    # the dry corner cell (depth 0.0): no exposure, mean depth undefined with a reason
    dry = out.loc[3].iloc[0]
    assert dry["exposed_ha"] == 0
    assert np.isnan(dry["mean_depth_m"])
    assert "mean depth undefined" in dry["reason"]


def lonlat_raster(tmp_path, lat_wet_above, *, res=0.0005, crs="EPSG:4326"):
    """A lon/lat grid around 106.0E 20.3N, depth 1 m north of ``lat_wet_above``, 0 south."""
    west, north, n = 105.99, 20.31, 40
    lats = north - (np.arange(n) + 0.5) * res
    data = np.where(lats[:, None] > lat_wet_above, 1.0, 0.0) * np.ones((1, n))
    return write_raster(
        tmp_path / "ll.tif",
        data.astype("float32"),
        crs=crs,
        transform=from_origin(west, north, res, res),
    )


def test_geographic_raster_same_area_as_metric(tmp_path):
    # footprint 500 m x 400 m in EPSG:3405 around 106.0E 20.3N
    x, y = pyproj.Transformer.from_crs(4326, 3405, always_xy=True).transform(106.0, 20.3)
    site = sites_3405(box(x - 250, y - 200, x + 250, y + 200))
    wet_all = lonlat_raster(tmp_path, -90)
    out = exposure.raster_exposure(site, [wet_all])
    assert out.iloc[0]["exposed_ha"] == pytest.approx(20.0, rel=0.01)
    assert out.iloc[0]["coverage_share"] == pytest.approx(1.0, abs=1e-3)
    # wet north of 20.3N only: compare with the metric area of the part north of that parallel
    half = lonlat_raster(tmp_path, 20.3)
    north = box(105.9, 20.3, 106.1, 20.4).segmentize(0.0005)  # parallels stay curves in 3405
    north = gpd.GeoSeries([north], crs=4326).to_crs(3405).iloc[0]
    expected_ha = site.geometry.iloc[0].intersection(north).area / 1e4
    got = exposure.raster_exposure(site, [half]).iloc[0]["exposed_ha"]
    assert got == pytest.approx(expected_ha, rel=0.01)


def test_same_area_in_web_mercator_raster(tmp_path):
    # Web Mercator inflates areas by ~13 % at 20N: the areal scale factor must correct it
    x, y = pyproj.Transformer.from_crs(4326, 3857, always_xy=True).transform(106.0, 20.3)
    data = np.ones((60, 60), dtype="float32")
    path = write_raster(
        tmp_path / "merc.tif",
        data,
        crs="EPSG:3857",
        transform=from_origin(x - 600, y + 600, 20, 20),
    )
    xm, ym = pyproj.Transformer.from_crs(4326, 3405, always_xy=True).transform(106.0, 20.3)
    site = sites_3405(box(xm - 200, ym - 200, xm + 200, ym + 200))
    out = exposure.raster_exposure(site, [path])
    assert out.iloc[0]["exposed_ha"] == pytest.approx(16.0, rel=0.01)


def test_ellipsoidal_cell_area_matches_geodesic():
    geod = pyproj.Geod(ellps="WGS84")
    lon0, lat0, d = 106.0, 20.3, 1 / 3600
    ring_lon = [lon0, lon0 + d, lon0 + d, lon0, lon0]
    ring_lat = [lat0, lat0, lat0 + d, lat0 + d, lat0]
    expected = abs(geod.polygon_area_perimeter(ring_lon, ring_lat)[0])
    got = exposure._geographic_cell_area_m2(
        np.array([lat0 + d / 2]), d, d, pyproj.CRS("EPSG:4326")
    )[0]
    assert got == pytest.approx(expected, rel=1e-6)
    assert 850 < got < 950  # about 28.9 m x 30.8 m


def test_return_period_parsing():
    parse = exposure.parse_return_period
    assert parse("inunriver_historical_000000000WATCH_1980_rp00100.tif") == 100
    assert parse("inunriver_rcp8p5_0000GFDL-ESM2M_2050_rp00005.tif") == 5
    assert parse("inuncoast_rcp8p5_wtsub_2080_rp1000_0_perc_50.tif") == 1000
    assert parse("inuncoast_historical_nosub_hist_rp0001_5.tif") == 1.5
    assert parse("FU-1in100.tif") == 100
    assert parse("P_1in20.tif") == 20
    assert parse("depth.tif") is None


def test_expected_annual_exposure_hand_integral():
    t = pd.DataFrame(
        {
            "site_id": ["A", "A", "B", "B"],
            "return_period": [100, 10, 10, 100],
            "exposed_ha": [5.0, 2.0, 0.0, 1.0],
            "accuracy": ["approximate", "illustrative", "approximate", "approximate"],
        }
    )
    out = exposure.expected_annual_exposure(t)
    # A: (0.1 - 0.01) * (2 + 5) / 2 + 0.01 * 5 = 0.315 + 0.05
    assert out.set_index("site_id").loc["A", "ead_ha"] == pytest.approx(0.365)
    # B: 0.09 * 0.5 + 0.01 * 1 = 0.055
    assert out.set_index("site_id").loc["B", "ead_ha"] == pytest.approx(0.055)
    assert out.set_index("site_id").loc["A", "accuracy"] == "illustrative"
    assert list(out.index) == [0, 2]


def test_expected_annual_exposure_from_rasters(tmp_path, grid):
    twice = write_raster(tmp_path / "FU-1in1000.tif", DEPTHS * np.where(DEPTHS > 0, 2, 1))
    table = exposure.raster_exposure(sites_3405(HALF), [grid, twice])
    ead = exposure.expected_annual_exposure(table).iloc[0]["ead_ha"]
    a100, a1000 = table["exposed_ha"]
    assert ead == pytest.approx((0.01 - 0.001) * (a100 + a1000) / 2 + 0.001 * a1000)
    assert a1000 > a100  # 0.05 m cell doubled to 0.1 m now counts


def test_expected_annual_exposure_bad_tables():
    with pytest.raises(SchemaError, match="at least two return periods"):
        exposure.expected_annual_exposure(
            pd.DataFrame({"site_id": ["A"], "return_period": [100], "exposed_ha": [1.0]})
        )
    mixed = pd.DataFrame(
        {
            "site_id": ["A"] * 3,
            "return_period": [10, 100, 100],
            "exposed_ha": [1.0, 2.0, 3.0],
            "hazard": ["r10", "r100", "c100"],
        }
    )
    with pytest.raises(SchemaError, match="mixes hazard families"):
        exposure.expected_annual_exposure(mixed)
    unknown = pd.DataFrame(
        {
            "site_id": ["A", "A"],
            "return_period": [np.nan, 100],
            "exposed_ha": [1.0, 2.0],
            "hazard": ["x", "rp100"],
        }
    )
    with pytest.raises(SchemaError, match="'x'"):
        exposure.expected_annual_exposure(unknown)


def test_zone_exposure_dissolves_overlaps():
    sites = sites_3405(box(0, 0, 100, 100), box(500, 500, 600, 600), ids=["A", "B"])
    zones = gpd.GeoDataFrame(
        {"zone": ["flood", "flood", "dyke"], "accuracy": ["approximate", "illustrative", None]},
        geometry=[box(0, 0, 50, 100), box(0, 0, 100, 25), box(90, 0, 95, 1000)],
        crs="EPSG:3405",
    )
    out = exposure.zone_exposure(sites, zones, class_column="zone")
    assert list(out["site_id"]) == ["A", "A", "B", "B"]
    flood_a = out[(out.site_id == "A") & (out.zone_class == "flood")].iloc[0]
    # union = 50 x 100 + 50 x 25 = 6250 m² (7500 if the overlap were counted twice)
    assert flood_a["zone_ha"] == pytest.approx(0.625)
    assert flood_a["accuracy"] == "illustrative"
    dyke_a = out[(out.site_id == "A") & (out.zone_class == "dyke")].iloc[0]
    assert dyke_a["zone_share"] == pytest.approx(0.05)
    assert out[out.site_id == "B"]["zone_ha"].tolist() == [0.0, 0.0]
    with pytest.raises(SchemaError, match="class_column"):
        exposure.zone_exposure(sites, zones, class_column="kind")


# ---------------------------------------------------------------------------- bad input


def test_raster_without_crs(tmp_path):
    path = write_raster(tmp_path / "nocrs.tif", DEPTHS, crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        exposure.raster_exposure(sites_3405(HALF), [path])


def test_raster_missing_sites(tmp_path):
    path = write_raster(
        tmp_path / "far.tif", DEPTHS, transform=from_origin(200000, 1500000, 10, 10)
    )
    with pytest.raises(DataCoverageError, match="misses every one"):
        exposure.raster_exposure(sites_3405(HALF), [path])


def test_all_nodata(tmp_path):
    path = write_raster(tmp_path / "empty.tif", np.full((4, 4), NODATA, dtype="float32"))
    with pytest.raises(DataCoverageError, match="only nodata"):
        exposure.raster_exposure(sites_3405(HALF), [path])


def test_centimetres_detected_and_units_option(tmp_path):
    cm = np.where(DEPTHS == NODATA, NODATA, DEPTHS * 100).astype("float32")
    path = write_raster(tmp_path / "depth.tif", cm)
    with pytest.raises(SchemaError, match="units='cm'"):
        exposure.raster_exposure(sites_3405(HALF), [path])
    out = exposure.raster_exposure(sites_3405(HALF), [path], units="cm")
    assert out.iloc[0]["exposed_ha"] == pytest.approx(450 / 1e4, rel=1e-6)
    assert out.iloc[0]["max_depth_m"] == pytest.approx(3.0, rel=1e-6)
    # a unit word in the file name says it too
    named = write_raster(tmp_path / "depth_cm.tif", cm)
    out = exposure.raster_exposure(sites_3405(HALF), [named])
    assert out.iloc[0]["max_depth_m"] == pytest.approx(3.0, rel=1e-6)


def test_undeclared_nodata(tmp_path):
    path = write_raster(tmp_path / "undeclared.tif", DEPTHS, nodata=None)
    site = box(X0, Y0 - 40, X0 + 40, Y0 - 20)
    with pytest.raises(SchemaError, match="nodata=-9999"):
        exposure.raster_exposure(sites_3405(site), [path])
    with pytest.warns(UserWarning, match="covers only part"):
        out = exposure.raster_exposure(sites_3405(site), [path], nodata=NODATA)
    assert out.iloc[0]["coverage_share"] == pytest.approx(0.5)


def test_not_a_raster(tmp_path):
    fake = tmp_path / "depth.tif"
    fake.write_text("this is not a GeoTIFF")
    with pytest.raises(InputFileError, match="not a raster"):
        exposure.raster_exposure(sites_3405(HALF), [fake])
    with pytest.raises(InputFileError, match="does not exist"):
        exposure.raster_exposure(sites_3405(HALF), [tmp_path / "missing.tif"])


def test_bad_sites(grid):
    pts = gpd.GeoDataFrame({"site_id": ["P"]}, geometry=gpd.points_from_xy([X0], [Y0]), crs=3405)
    with pytest.raises(SchemaError, match="polygon footprints"):
        exposure.raster_exposure(pts, [grid])
    dup = sites_3405(HALF, HALF, ids=["A", "A"])
    with pytest.raises(SchemaError, match="not unique"):
        exposure.raster_exposure(dup, [grid])
    no_crs = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[HALF])
    with pytest.raises(CRSError):
        exposure.raster_exposure(no_crs, [grid])


def test_raster_tag_accuracy_and_open_dataset(tmp_path):
    path = write_raster(tmp_path / "t.tif", DEPTHS, tags={"accuracy": "illustrative"})
    with rasterio.open(path) as ds:
        out = exposure.raster_exposure(sites_3405(HALF), {"demo": ds})
        assert not ds.closed  # a dataset the caller opened stays open
    assert out.iloc[0]["accuracy"] == "illustrative"
    assert np.isnan(out.iloc[0]["return_period"])


def test_strategies_agree(grid):
    sites = sites_3405(HALF, box(X0 + 3, Y0 - 27, X0 + 31, Y0 - 2))
    a = exposure.raster_exposure(sites, [grid], strategy="feature-sequential")
    b = exposure.raster_exposure(sites, [grid], strategy="raster-sequential", max_cells_in_memory=4)
    cols = ["exposed_ha", "mean_depth_m", "max_depth_m", *exposure.class_columns()]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_packaged_illustrative_hazard():
    paths = exposure.illustrative_hazard_paths()
    assert list(paths) == [10.0, 100.0, 1000.0]
    for path in paths.values():
        with rasterio.open(path) as ds:
            assert ds.tags()["accuracy"] == "illustrative"
            assert "ILLUSTRATIVE" in ds.descriptions[0]
            assert path.stat().st_size < 300_000
    x, y = pyproj.Transformer.from_crs(4326, 3405, always_xy=True).transform(106.17, 20.42)
    site = sites_3405(box(x - 300, y - 300, x + 300, y + 300))
    out = exposure.raster_exposure(site, paths)
    assert set(out["accuracy"]) == {"illustrative"}
    # nested proxies: a rarer nominal period never floods less
    assert out["exposed_ha"].is_monotonic_increasing


def test_declared_centimetre_unit_is_used(tmp_path):
    cm = np.where(DEPTHS == NODATA, NODATA, DEPTHS * 100).astype("float32")
    path = write_raster(tmp_path / "cm_declared.tif", cm)
    with rasterio.open(path, "r+") as ds:
        ds.units = ("cm",)
    out = exposure.raster_exposure(sites_3405(HALF), [path])
    assert out.iloc[0]["class_2_inf_ha"] == pytest.approx(75 / 1e4, rel=1e-6)


def test_depth_zones_trace_classes_and_agree_with_raster(grid):
    zones = exposure.depth_zones({100: grid})
    assert zones.crs.to_epsg() == 4326
    assert zones["depth_class"].tolist() == ["0.1-0.5 m", "0.5-1 m", "1-2 m", "2-inf m"]
    # whole grid: 3, 2, 1 and 2 cells of 100 m²
    np.testing.assert_allclose(zones["area_ha"], [0.03, 0.02, 0.01, 0.02], rtol=1e-9)
    assert set(zones["return_period"]) == {100.0}
    # the same classes measured as vector zones give the raster's class areas (hand values)
    by_zone = exposure.zone_exposure(sites_3405(HALF), zones, class_column="depth_class")
    # (rtol 1e-3: the zones went through EPSG:4326 storage and back)
    np.testing.assert_allclose(by_zone["zone_ha"], [0.02, 0.015, 0.0025, 0.0075], rtol=1e-3)
    with pytest.raises(DataCoverageError, match="max_cells"):
        exposure.depth_zones(grid, max_cells=10)


def test_batches_give_the_same_table(grid, tmp_path, monkeypatch):
    from ninhbinh_geo.exposure import extract

    sites = sites_3405(
        HALF,
        box(X0 + 3, Y0 - 27, X0 + 31, Y0 - 2),
        box(X0, Y0 - 40, X0 + 40, Y0 - 20),  # half on nodata
        box(X0 + 30, Y0 - 25, X0 + 50, Y0 - 5),  # half outside the grid
        box(X0 + 12, Y0 - 13, X0 + 14, Y0 - 11),  # inside one cell
        box(X0 + 500, Y0 - 500, X0 + 510, Y0 - 490),  # off the grid
    )
    x, y = pyproj.Transformer.from_crs(4326, 3405, always_xy=True).transform(106.0, 20.3)
    lonlat_sites = sites_3405(
        *(box(x - 250 + 90 * i, y - 200 + 40 * i, x + 50 + 90 * i, y + 20 + 40 * i) for i in range(5))
    )
    cases = [
        (sites, grid, {}),
        (sites, grid, {"strategy": "raster-sequential", "max_cells_in_memory": 4}),
        (lonlat_sites, lonlat_raster(tmp_path, 20.3), {"strategy": "raster-sequential"}),
    ]
    cols = ["exposed_ha", "exposed_share", "mean_depth_m", "max_depth_m", "coverage_share"]
    cols += exposure.class_columns()
    for i, (layer, raster, kw) in enumerate(cases):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            whole = exposure.raster_exposure(layer, [raster], **kw)
            monkeypatch.setattr(extract, "FOOTPRINTS_PER_BATCH", 2)  # 3 batches of <= 2
            batched = exposure.raster_exposure(layer, [raster], **kw)
            monkeypatch.undo()
        np.testing.assert_allclose(batched[cols], whole[cols], rtol=1e-9, atol=1e-15)
        assert batched["reason"].tolist() == whole["reason"].tolist()
        if i < 2:  # the hand-computed overlap of HALF, whatever the batch it fell in
            assert batched.iloc[0]["exposed_ha"] == pytest.approx(450 / 1e4, rel=1e-9)
            assert batched.iloc[5]["reason"] == "raster does not reach this footprint"


def test_scaled_band_with_nodata_in_both_strategies(tmp_path):
    # depth stored as millimetres in uint16 with scale 0.001 and nodata 65535 (row 3)
    mm = np.where(DEPTHS == NODATA, 65535, np.round(DEPTHS * 1000)).astype("uint16")
    path = write_raster(tmp_path / "mm.tif", mm, nodata=65535)
    with rasterio.open(path, "r+") as ds:
        ds.scales = (0.001,)
    site = box(X0, Y0 - 40, X0 + 40, Y0 - 20)  # row 2 valid (0, 0, 0.4, 3.0), row 3 nodata
    for strategy in ("feature-sequential", "raster-sequential"):
        with pytest.warns(UserWarning, match="covers only part"):
            out = exposure.raster_exposure(sites_3405(site), [path], strategy=strategy)
        row = out.iloc[0]
        assert row["coverage_share"] == pytest.approx(0.5, rel=1e-9), strategy
        assert row["exposed_ha"] == pytest.approx(200 / 1e4, rel=1e-9), strategy
        assert row["max_depth_m"] == pytest.approx(3.0, rel=1e-9), strategy
