"""Planners' hazard files and the review's use of them: return periods from their names, depth
units, pictures of maps refused, one raster enough, the sea of a DEM from the shipped coastline.

Rasters are written by the tests (synthetic values, documented where they are made).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin
from shapely.geometry import box

from ninhbinh_geo import cli, datasets, exposure, sealevel
from ninhbinh_geo._errors import SchemaError
from ninhbinh_geo.review.steps.hazard import _annual, _coastline_sea

# A 1 ha site (100 m x 100 m) in EPSG:3405 near Gia Vân, and a 20 m grid around it.
X0, Y0 = 591_100.0, 2_251_600.0
SITE = box(X0 + 20, Y0 - 120, X0 + 120, Y0 - 20)


def _sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"site_id": ["CCN-NB-TEST"]}, geometry=[SITE], crs=3405)


def _raster(path: Path, values: np.ndarray, *, dtype: str = "float32", **kw) -> Path:
    count = values.shape[0] if values.ndim == 3 else 1
    kw.setdefault("transform", from_origin(X0, Y0, 20, 20))
    profile = {"driver": "GTiff", "width": values.shape[-1], "height": values.shape[-2],
               "count": count, "dtype": dtype, "crs": "EPSG:3405", **kw}  # fmt: skip
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(values.astype(dtype) if values.ndim == 3 else values.astype(dtype)[None])
    return path


@pytest.mark.parametrize(
    ("name", "years"),
    [("lu_rp100.tif", 100.0), ("T100.tif", 100.0), ("FU-1in100.tif", 100.0),
     ("flood_100yr.tif", 100.0), ("flood-100-year.tif", 100.0),
     ("ngap_chu_ky_100_nam.tif", 100.0), ("Ngập chu kỳ 100 năm.tif", 100.0),
     ("lu_tan_suat_1%.tif", 100.0), ("tần suất 1%.tif", 100.0), ("tần suất 0,5%.tif", 200.0),
     ("tan_suat_2%.tif", 50.0), ("lu_2017_nam_dinh.tif", None), ("slr_100cm_depth.tif", None)],
)  # fmt: skip
def test_return_periods_from_names(name, years):
    assert exposure.parse_return_period(name) == years


def test_centimetres_without_a_tag_are_refused_by_their_mean(tmp_path):
    # 15 cm of water everywhere: read as metres, a mean of 15 m (below the 50 m maximum)
    depth = np.full((8, 8), 15.0)
    path = _raster(tmp_path / "depth.tif", depth)
    with pytest.raises(SchemaError) as err:
        exposure.raster_exposure(_sites(), {100: path})
    msg = str(err.value)
    assert "mean depth of 15.0 m" in msg
    assert "--units cm" in msg
    out = exposure.raster_exposure(_sites(), {100: path}, units="cm")
    assert out["mean_depth_m"].iloc[0] == pytest.approx(0.15)
    assert out["exposed_ha"].iloc[0] == pytest.approx(1.0)
    tagged = _raster(tmp_path / "depth_tagged.tif", depth)
    with rasterio.open(tagged, "r+") as ds:
        ds.units = ("cm",)
    assert exposure.raster_exposure(_sites(), [tagged])["mean_depth_m"].iloc[0] == (
        pytest.approx(0.15)
    )
    named = _raster(tmp_path / "do_sau (cm).tif", depth)
    assert exposure.raster_exposure(_sites(), [named])["mean_depth_m"].iloc[0] == (
        pytest.approx(0.15)
    )


def test_pictures_of_flood_maps_are_refused(tmp_path):
    rgb = _raster(tmp_path / "map.tif", np.zeros((3, 8, 8)) + 200, dtype="uint8")
    with pytest.raises(SchemaError, match="holds 3 colour bands of 0-255, not water depths"):
        exposure.raster_exposure(_sites(), [rgb])
    palette = _raster(tmp_path / "classes.tif", np.ones((8, 8)), dtype="uint8")
    with rasterio.open(palette, "r+") as ds:
        ds.write_colormap(1, {0: (255, 255, 255, 255), 1: (0, 0, 255, 255)})
    with pytest.raises(SchemaError, match="holds a colour palette"):
        exposure.raster_exposure(_sites(), [palette])


def test_one_return_period_gives_no_annual_figure_and_says_why():
    one = pd.DataFrame({"site_id": ["A"], "return_period": [100.0], "exposed_ha": [2.0]})
    tables, why = _annual(one, "en")
    assert tables == {}
    assert why == ["No expected annual exposure: it needs at least two return periods, and 1 "
                   "was given (100 years)"]  # fmt: skip
    two = pd.concat([one, one.assign(return_period=10.0, exposed_ha=1.0)])
    tables, why = _annual(two, "vi")
    assert why == []
    assert tables["ead"]["ead_ha"].iloc[0] == pytest.approx(0.09 * 1.5 + 0.01 * 2.0)


def test_two_rasters_for_one_period_are_named(tmp_path, capsys):
    a = _raster(tmp_path / "lu_rp100.tif", np.zeros((8, 8)))
    b = _raster(tmp_path / "ngap_chu_ky_100_nam.tif", np.zeros((8, 8)))
    rc = cli.main(["review", "--hazard", str(a), "--hazard", str(b), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 3
    assert "['lu_rp100.tif', 'ngap_chu_ky_100_nam.tif'] all stand for the 100-year" in err
    assert "--hazard 100=lu_rp100.tif --hazard 200=ngap_chu_ky_100_nam.tif" in err
    assert "[2/13]" not in err
    assert not (tmp_path / "o").exists()


def test_the_sea_of_the_shipped_coastline():
    sea = _coastline_sea(datasets.load_coastline(), datasets.load_province()).to_crs(4326)
    area_km2 = float(sea.to_crs(3405).area.sum()) / 1e6
    assert 1_000 < area_km2 < 3_000  # the Gulf of Tonkin within 15 km of the province
    in_sea = shapely.Point(106.3, 20.0)
    on_land = shapely.Point(105.97, 20.25)  # Ninh Bình city
    assert sea.contains(in_sea).any()
    assert not sea.contains(on_land).any()
    # it overlaps the province only where the coastline draws river mouths as sea
    province = datasets.load_province().to_crs(3405).geometry.iloc[0]
    assert float(sea.to_crs(3405).intersection(province).area.sum()) / 1e6 < 0.01 * area_km2


def test_land_below_sea_level_stays_land(tmp_path):
    # A synthetic DEM (documented here) over the coast of Nghĩa Hưng, 250 m cells in EPSG:3405:
    # sea cells of the shipped coastline at -3 m, land at 0.3 m rising 1 m per 4 km inland,
    # and an inland polder at -0.5 m behind a 3 m dyke, far from the sea.
    sea = _coastline_sea(datasets.load_coastline(), datasets.load_province())
    west, north, cell, n = 620_000.0, 2_240_000.0, 250.0, 120
    xs = west + (np.arange(n) + 0.5) * cell
    ys = north - (np.arange(n) + 0.5) * cell
    gx, gy = np.meshgrid(xs, ys)
    points = shapely.points(gx, gy)
    is_sea = shapely.contains_xy(shapely.union_all(sea.geometry.values), gx, gy)
    to_sea = shapely.distance(points, shapely.union_all(sea.geometry.values))
    dem = np.where(is_sea, -3.0, 0.3 + to_sea / 4000.0)
    ring = (np.abs(gx - (west + 4_000)) < 1_500) & (np.abs(gy - (north - 4_000)) < 1_500)
    polder = (np.abs(gx - (west + 4_000)) < 1_000) & (np.abs(gy - (north - 4_000)) < 1_000)
    dem = np.where(ring, 3.0, dem)
    dem = np.where(polder, -0.5, dem)
    assert not is_sea[ring].any()
    assert is_sea.any()
    path = _raster(tmp_path / "dem.tif", dem, transform=from_origin(west, north, cell, cell))
    r = sealevel.inundation_depth(path, slr_cm=50, sea=sea)
    depth = r.depth_m
    assert (depth[polder] == 0).all()  # below the sea, but land: dry behind its dyke
    coast = ~is_sea & (dem < 0.5) & ~polder
    assert coast.any()
    assert (depth[coast] > 0).all()  # low land joined to the sea floods
    assert (depth[is_sea] == r.nodata).all()
    # the old default took the polder's cells for sea only when they touched the edge; here the
    # result is the same whatever the edge holds, because the sea is named


@pytest.mark.slow
def test_a_review_with_one_hazard_raster(tmp_path, capsys):
    from io_corpus import rows, write_csv

    clusters = write_csv(tmp_path / "ccn.csv", rows(6))
    prov = datasets.load_province().to_crs(3405)
    minx, miny, maxx, maxy = prov.total_bounds
    cell = 1000.0
    shape = (int((maxy - miny) // cell) + 3, int((maxx - minx) // cell) + 3)
    depth = _raster(
        tmp_path / "do_sau.tif",
        np.full(shape, 0.5),
        transform=from_origin(minx - cell, maxy + cell, cell, cell),
    )
    out = tmp_path / "out"
    rc = cli.main(["review", "--clusters", str(clusters), "--hazard", f"100={depth}",
                   "--lang", "en", "--out", str(out), "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "No expected annual exposure: it needs at least two return periods, and 1 was " \
        "given (100 years)" in err
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "No expected annual exposure" in report
    assert not (out / "tables" / "ead.csv").exists()
    expo = pd.read_csv(out / "tables" / "exposure.csv")
    assert set(expo["hazard"]) == {"rp100"}
    assert expo["return_period"].unique().tolist() == [100.0]
    assert expo["mean_depth_m"].dropna().round(6).unique().tolist() == [0.5]
