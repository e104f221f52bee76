"""Tests of ninhbinh_geo.sealevel: connected bathtub on hand-made DEMs."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from ninhbinh_geo import exposure, sealevel
from ninhbinh_geo._errors import CRSError, DataCoverageError, InputFileError, SchemaError

X0, Y0, CELL = 600000.0, 2250000.0, 30.0
ND = -9999.0

# Sea on the left (column 0, -2 m). A channel at 0.2 m (row 2, then down column 3) reaches a
# low field at 0.1 m (row 3, columns 4-6). A basin at 0.05 m (rows 0-1, columns 5-6), lower
# than the field, is closed by a 3 m ridge (column 4) and a 2 m bank (row 2, columns 5-6).
DEM = np.array(
    [
        # col: 0     1     2     3     4     5     6
        [-2.0, 1.0, 1.0, 1.0, 3.0, 0.05, 0.05],  # basin behind the 3 m ridge
        [-2.0, 1.0, 1.0, 1.0, 3.0, 0.05, 0.05],
        [-2.0, 0.2, 0.2, 0.2, 3.0, 2.0, 2.0],  # channel from the sea, stopped by the ridge
        [-2.0, 1.0, 1.0, 0.2, 0.1, 0.1, 0.1],  # channel turns and reaches a low field
        [-2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    ],
    dtype="float32",
)


def write_dem(path, data, *, crs="EPSG:3405", nodata=ND, x0=X0, y0=Y0, **extra):
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(x0, y0, CELL, CELL),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    profile.update(extra)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data.astype("float32"), 1)
    return path


@pytest.fixture
def dem(tmp_path):
    return write_dem(tmp_path / "dem.tif", DEM)


def test_basin_behind_ridge_stays_dry_channel_floods(dem):
    r = sealevel.inundation_depth(dem, slr_cm=50)
    d = r.depth_m.astype(float)
    assert (d[:, 0] == ND).all()  # sea
    # channel cells at 0.2 m under 0.5 m of level: 0.3 m of water
    np.testing.assert_allclose(d[2, 1:4], 0.3, atol=1e-6)
    np.testing.assert_allclose(d[3, 3], 0.3, atol=1e-6)
    # low field reached through the channel: 0.5 - 0.1 = 0.4 m
    np.testing.assert_allclose(d[3, 4:7], 0.4, atol=1e-6)
    # the basin is lower than the field, but behind the ridge: dry
    assert (d[0:2, 5:7] == 0).all()
    assert r.flooded_cells == 7
    assert r.tags["low_unconnected_cells"] == "4"
    assert r.tags["accuracy"] == "approximate"


def test_below_level_only(dem):
    r = sealevel.inundation_depth(dem, slr_cm=15)  # 0.15 m: the 0.2 m channel blocks the field
    assert r.flooded_cells == 0
    r = sealevel.inundation_depth(dem, slr_cm=15, base_level_m=0.1)  # level 0.25 m
    np.testing.assert_allclose(r.depth_m[3, 4], 0.15, atol=1e-6)


def test_diagonal_connectivity(tmp_path):
    z = np.array([[-1, 2, 2], [-1, 0.05, 2], [-1, 2, 0.05]], dtype="float32")
    path = write_dem(tmp_path / "diag.tif", z)
    four = sealevel.inundation_depth(path, slr_cm=50, connectivity=4).depth_m
    eight = sealevel.inundation_depth(path, slr_cm=50, connectivity=8).depth_m
    assert four[2, 2] == 0
    assert four[1, 1] == pytest.approx(0.45)
    assert eight[2, 2] == pytest.approx(0.45)


def test_sea_given_as_polygons_and_mask(dem):
    # declare only the top-left cell as sea: the channel (row 2) is reached through column 0
    sea = gpd.GeoDataFrame(geometry=[box(X0, Y0 - CELL, X0 + CELL, Y0)], crs="EPSG:3405")
    r = sealevel.inundation_depth(dem, slr_cm=50, sea=sea)
    assert r.depth_m[0, 0] == ND
    assert r.depth_m[4, 0] == pytest.approx(2.5)  # column 0 below it is land under 2.5 m
    mask = np.zeros(DEM.shape, dtype=bool)
    mask[0, 0] = True
    assert np.array_equal(sealevel.inundation_depth(dem, slr_cm=50, sea=mask).depth_m, r.depth_m)
    with pytest.raises(SchemaError, match="shape"):
        sealevel.inundation_depth(dem, slr_cm=50, sea=mask[:2])


def test_voids_barrier_or_fill(tmp_path):
    z = DEM.copy()
    z[1, 2] = z[3, 2] = 0.2  # so that the nearest valid cells of the void are all 0.2 m
    z[2, 2] = ND  # a void across the channel
    path = write_dem(tmp_path / "void.tif", z)
    with pytest.warns(UserWarning, match="1 void cells"):
        barrier = sealevel.inundation_depth(path, slr_cm=50)
    assert barrier.depth_m[2, 2] == ND
    assert barrier.depth_m[3, 5] == 0  # cut off from the sea by the void
    assert barrier.tags["void_cells"] == "1"
    with pytest.warns(UserWarning, match="nearest valid cell"):
        filled = sealevel.inundation_depth(path, slr_cm=50, voids="fill")
    assert filled.depth_m[3, 5] == pytest.approx(0.4)
    assert filled.depth_m[2, 2] > 0


def test_no_sea_raises(tmp_path):
    path = write_dem(tmp_path / "inland.tif", np.full((3, 3), 5.0))
    with pytest.raises(DataCoverageError, match="no sea cell"):
        sealevel.inundation_depth(path, slr_cm=50)


def test_bad_dem_inputs(tmp_path):
    with pytest.raises(CRSError, match="no CRS"):
        sealevel.inundation_depth(write_dem(tmp_path / "nocrs.tif", DEM, crs=None), slr_cm=50)
    fake = tmp_path / "fake.tif"
    fake.write_text("no raster")
    with pytest.raises(InputFileError):
        sealevel.inundation_depth(fake, slr_cm=50)
    with pytest.raises(InputFileError, match="does not exist"):
        sealevel.inundation_depth(tmp_path / "none.tif", slr_cm=50)
    with pytest.raises(SchemaError, match="centimetres"):
        sealevel.inundation_depth(write_dem(tmp_path / "ok.tif", DEM), slr_cm=float("nan"))


def test_mosaic_of_tiles_equals_whole(tmp_path, dem):
    left = write_dem(tmp_path / "left.tif", DEM[:, :4])
    right = write_dem(tmp_path / "right.tif", DEM[:, 4:], x0=X0 + 4 * CELL)
    whole = sealevel.inundation_depth(dem, slr_cm=50).depth_m
    tiles = sealevel.inundation_depth([left, right], slr_cm=50).depth_m
    np.testing.assert_array_equal(whole, tiles)


def test_written_geotiff_and_site_exposure(tmp_path):
    # 300 x 300 DEM: sea in the west 100 columns at -1 m, land at 0.3 m, a 2 m ridge at col 200
    z = np.full((300, 300), 0.3, dtype="float32")
    z[:, :100] = -1.0
    z[:, 200] = 2.0
    path = write_dem(tmp_path / "big.tif", z)
    out = tmp_path / "slr.tif"
    r = sealevel.inundation_depth(path, slr_cm=56, out_path=out)
    assert r.path == out
    with rasterio.open(out) as ds:
        assert ds.dtypes[0] == "float32"
        assert ds.nodata == ND
        assert ds.profile["tiled"]
        assert ds.compression.value.lower() == "deflate"
        assert ds.tags()["accuracy"] == "approximate"
        assert ds.tags()["slr_cm"] == "56"
    # a site of 10 x 4 cells straddling the ridge: 5 columns flooded at 0.26 m, 1 ridge, 4 dry
    site = gpd.GeoDataFrame(
        {"site_id": ["S"]},
        geometry=[box(X0 + 195 * CELL, Y0 - 14 * CELL, X0 + 205 * CELL, Y0 - 10 * CELL)],
        crs="EPSG:3405",
    )
    table = exposure.raster_exposure(site, {"slr56": out})
    row = table.iloc[0]
    assert row["exposed_ha"] == pytest.approx(5 * 4 * CELL * CELL / 1e4)
    assert row["mean_depth_m"] == pytest.approx(0.26, abs=1e-6)
    with r.open() as ds:
        again = exposure.raster_exposure(site, {"slr56": ds})
    assert again.iloc[0]["exposed_ha"] == pytest.approx(row["exposed_ha"])


def test_scenarios_table():
    s = sealevel.slr_scenarios()
    assert {"scenario_id", "year", "slr_cm", "source"} <= set(s.columns)
    assert sorted(s.loc[s.year == 2050, "slr_cm"]) == [24, 28]
    assert sorted(s.loc[s.year == 2100, "slr_cm"]) == [56, 77]
    assert sealevel.REFERENCE_FIGURES[("Nam Định", 100)] == 43.67


def test_sea_layer_mislabelled_as_degrees_is_refused(dem):
    sea = gpd.GeoDataFrame(geometry=[box(X0, Y0 - CELL, X0 + CELL, Y0)], crs="EPSG:4326")
    with pytest.raises(CRSError, match="metres, not degrees"):
        sealevel.inundation_depth(dem, slr_cm=50, sea=sea)
