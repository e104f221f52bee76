"""Sea level: the datum offset, the low land the sea cannot reach, a probability per site."""

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from ninhbinh_geo import review, sealevel, sealevel_uncertainty
from ninhbinh_geo._errors import SchemaError
from ninhbinh_geo.cli import build_parser

X0, Y0, CELL = 600_000.0, 2_240_000.0, 100.0


def _dem(path, z):
    with rasterio.open(
        path, "w", driver="GTiff", width=z.shape[1], height=z.shape[0], count=1,
        dtype="float32", crs="EPSG:3405", transform=from_origin(X0, Y0, CELL, CELL),
        nodata=-9999,
    ) as ds:  # fmt: skip
        ds.write(z.astype("float32"), 1)
    return path


def _cells(c0, c1, r0, r1):
    return box(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


@pytest.fixture
def coast(tmp_path):
    # sea in columns 0-1; a plain at 0.3 m (columns 2-5); a 3 m ridge (6); a basin at 0.2 m
    z = np.full((6, 12), 0.3)
    z[:, :2] = -2.0
    z[:, 6] = 3.0
    z[:, 7:] = 0.2
    return _dem(tmp_path / "dem.tif", z)


def test_the_datum_offset_raises_the_water_level(coast):
    plain = sealevel.inundation_depth(coast, slr_cm=20)  # 0.2 m: the plain at 0.3 m stays dry
    assert plain.flooded_cells == 0
    lifted = sealevel.inundation_depth(coast, slr_cm=20, datum_offset_m=0.2)
    same = sealevel.inundation_depth(coast, slr_cm=20, base_level_m=0.2)
    np.testing.assert_array_equal(lifted.depth_m, same.depth_m)
    assert lifted.flooded_cells == 6 * 4
    assert lifted.depth_m[0, 3] == pytest.approx(0.1)
    assert lifted.tags["datum_offset_m"] == "0.2"
    assert lifted.tags["water_level_m"] == "0.4"
    assert sealevel.HON_DAU_OVER_EGM2008_M == 0.86


def test_low_land_cut_off_from_the_sea_is_its_own_class(coast):
    r = sealevel.inundation_depth(coast, slr_cm=40)
    classes = r.classes()
    assert (classes[:, :2] == 255).all()  # the sea
    assert (classes[:, 2:6] == 1).all()  # flooded from the sea
    assert (classes[:, 6] == 0).all()  # the ridge
    assert (classes[:, 7:] == 2).all()  # the basin: below 0.4 m, cut off by the ridge
    assert r.tags["low_unconnected_cells"] == str(6 * 5)
    zones = sealevel.inundation_zones(r)
    by_class = zones.groupby("inundation_class")["area_ha"].sum()
    assert by_class["flooded"] == pytest.approx(6 * 4)  # 24 cells of 1 ha
    assert by_class["low_unconnected"] == pytest.approx(6 * 5)
    assert zones.crs.to_epsg() == 4326
    assert set(zones["slr_cm"]) == {40.0}


def test_probability_of_one_cell_matches_the_normal_law(tmp_path):
    dem = _dem(tmp_path / "one.tif", np.array([[-1.0, 0.3]]))
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[_cells(1.2, 1.8, 0.2, 0.8)], crs=3405)
    out = sealevel_uncertainty.inundation_probability(
        dem, site, slr_cm=[40, 50, 60], error_m=0.2, correlation_m=0, draws=3000, seed=7
    )
    # flooded when 0.3 + e < level: P = Phi((level - 0.3) / 0.2)
    phi = [0.5 * (1 + math.erf(x / math.sqrt(2))) for x in (0.5, 1.0, 1.5)]
    np.testing.assert_allclose(out["p_inundated"], phi, atol=0.03)
    assert out["inundated_without_error"].tolist() == [True, True, True]
    assert out["p_inundated"].is_monotonic_increasing  # one field per draw for all scenarios
    assert set(out["draws"]) == {3000}
    assert set(out["seed"]) == {7}


def test_probability_is_seeded_and_says_what_it_assumed(coast):
    sites = gpd.GeoDataFrame(
        {"site_id": ["PLAIN", "BASIN", "AWAY"]},
        geometry=[_cells(3, 4, 1, 2), _cells(9, 10, 1, 2), box(700000, 2300000, 700100, 2300100)],
        crs=3405,
    )
    kw = {"slr_cm": [35, 60], "error_m": 0.15, "correlation_m": 300, "draws": 60}
    a = sealevel_uncertainty.inundation_probability(coast, sites, seed=3, **kw)
    b = sealevel_uncertainty.inundation_probability(coast, sites, seed=3, **kw)
    pd.testing.assert_frame_equal(a, b)
    by = a.set_index(["site_id", "slr_cm"])
    # the plain floods without error at 35 cm; with errors of 0.15 m sometimes not
    assert by.loc[("PLAIN", 35.0), "inundated_without_error"]
    assert 0 < by.loc[("PLAIN", 35.0), "p_inundated"] <= 1
    # the basin never floods: the 3 m ridge stands 2.6 m above the level, 17 errors high
    assert by.loc[("BASIN", 60.0), "p_inundated"] == 0.0
    assert np.isnan(by.loc[("AWAY", 35.0), "p_inundated"])
    assert by.loc[("AWAY", 35.0), "reason"] == "the footprint misses the DEM"
    assert by.loc[("PLAIN", 60.0), "p_inundated"] >= by.loc[("PLAIN", 35.0), "p_inundated"]
    assert set(a["accuracy"]) == {"approximate"}
    assert set(a["correlation_m"]) == {300.0}


def test_a_tiny_error_gives_the_bathtub_answer(coast):
    sites = gpd.GeoDataFrame(
        {"site_id": ["PLAIN", "BASIN"]}, geometry=[_cells(3, 4, 1, 2), _cells(9, 10, 1, 2)],
        crs=3405,
    )  # fmt: skip
    out = sealevel_uncertainty.inundation_probability(
        coast, sites, slr_cm=40, error_m=1e-6, draws=5
    )
    assert out["p_inundated"].tolist() == [1.0, 0.0]
    assert out["inundated_without_error"].tolist() == [True, False]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"error_m": 0}, "error_m"),
        ({"error_m": 0.2, "draws": 0}, "draws"),
        ({"error_m": 0.2, "correlation_m": -1}, "correlation_m"),
        ({"error_m": 0.2, "slr_cm": []}, "at least one"),
        ({"error_m": 0.2, "seed": 1.5}, "seed"),
    ],
)
def test_bad_options(coast, kw, match):
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[_cells(3, 4, 1, 2)], crs=3405)
    with pytest.raises(SchemaError, match=match):
        sealevel_uncertainty.inundation_probability(coast, site, **{"slr_cm": 40, **kw})


def test_the_review_step_maps_the_zones_and_the_probabilities(coast, tmp_path):
    from ninhbinh_geo.review import steps
    from ninhbinh_geo.review.options import ReviewState

    sea_file = tmp_path / "sea.gpkg"
    gpd.GeoDataFrame(geometry=[_cells(0, 2, 0, 6)], crs=3405).to_file(sea_file)
    clusters = gpd.GeoDataFrame(
        {"site_id": ["PLAIN", "BASIN"]}, geometry=[_cells(3, 4, 1, 2), _cells(9, 10, 1, 2)],
        crs=3405,
    ).to_crs(4326)  # fmt: skip
    options = review.ReviewOptions(
        dem=Path(coast), sea=sea_file, slr_cm=(40,), slr_draws=20, dem_error_m=0.01,
        datum_offset_m=0.0,
    )  # fmt: skip
    state = steps.sea_level_step(ReviewState(options, tmp_path, clusters=clusters, parks=None))
    zones = state.layers["sea_level_zones"]
    assert set(zones["inundation_class"]) == {"flooded", "low_unconnected"}
    assert zones["source"].str.contains("dem.tif").all()
    assert state.clusters["p_inundated_slr40cm"].tolist() == [1.0, 0.0]
    assert set(state.tables["slr_probability"]["draws"]) == {20}
    # without a DEM the step does nothing
    none = ReviewState(review.ReviewOptions(), tmp_path, clusters=clusters, parks=None)
    assert steps.sea_level_step(none) is none


@pytest.mark.parametrize(
    "argv",
    [
        ["review", "--slr-draws", "10"],
        ["review", "--dem-error-m", "2"],
        ["review", "--datum-offset-m", "0.86"],
        ["review", "--slr-draws", "0"],
        ["review", "--dem-error-m", "-1"],
    ],
)
def test_command_line_dependencies(argv):
    from ninhbinh_geo.cli import _check_needs

    parser = build_parser()

    def parse():
        _check_needs(parser, parser.parse_args(argv))

    with pytest.raises(SystemExit):
        parse()


def test_draws_need_the_dem_error():
    with pytest.raises(ValueError, match="--dem-error-m"):
        review.ReviewOptions(slr_draws=10)
