"""Where the next satellite clusters should go: surface, candidates, stability (issue 14.5)."""

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, box

from ninhbinh_geo import siting
from ninhbinh_geo._errors import SchemaError
from ninhbinh_geo.network import build_graph, traveltime
from ninhbinh_geo.siting.grid import Grid

X0, Y0 = 600_000.0, 2_240_000.0
ROAD_Y = Y0 + 5_050.0  # on the centres of a row of 100 m cells


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A 20 × 10 km province crossed by a national road; the hub at its west end."""
    roads = gpd.GeoDataFrame(
        {"level": ["Quốc Gia"]},
        geometry=[LineString([(X0 - 1_000, ROAD_Y), (X0 + 21_000, ROAD_Y)])],
        crs=3405,
    )
    graph = traveltime.with_speeds(build_graph(roads), roads)
    province = gpd.GeoDataFrame(geometry=[box(X0, Y0, X0 + 20_000, Y0 + 10_000)], crs=3405)
    parks = gpd.GeoDataFrame(
        {"site_id": ["KCN-H"], "name_vi": ["KCN H"], "major": [True], "accuracy": ["surveyed"]},
        geometry=[Point(X0 + 1_000, ROAD_Y).buffer(300)],
        crs=3405,
    )
    xs, ys = np.meshgrid(
        np.arange(X0 + 500, X0 + 20_000, 1000), np.arange(Y0 + 500, Y0 + 10_000, 1000)
    )
    cells = gpd.GeoDataFrame(
        {"people_2020": np.full(xs.size, 1000.0), "accuracy": "approximate"},
        geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()),
        crs=3405,
    )
    protected = gpd.GeoDataFrame(
        {"designation": ["world_heritage", "biosphere_reserve"], "accuracy": ["approximate"] * 2},
        geometry=[
            box(X0 + 8_000, Y0 + 7_000, X0 + 9_000, Y0 + 8_000),
            box(X0, Y0, X0 + 20_000, Y0 + 2_000),
        ],
        crs=3405,
    )
    hazard = tmp_path_factory.mktemp("hz") / "depth_rp00100.tif"
    depth = np.zeros((100, 200), dtype="float32")
    depth[:, 150:] = 1.2  # the east quarter floods 1.2 m deep
    with rasterio.open(
        hazard,
        "w",
        driver="GTiff",
        width=200,
        height=100,
        count=1,
        dtype="float32",
        crs="EPSG:3405",
        transform=from_origin(X0, Y0 + 10_000, 100, 100),
    ) as ds:
        ds.write(depth, 1)
        ds.update_tags(accuracy="illustrative")
    return graph, province, parks, cells, protected, hazard


def _surface(world, **kw):
    graph, province, parks, cells, protected, hazard = world
    args = {"cells": cells, "protected": protected, "sites": parks, "hazard": hazard}
    return siting.suitability(graph, parks, province, **{**args, **kw})


def _at(surface, x, y):
    col, row = ~surface.grid.transform * (x, y)
    return int(row), int(col)


def test_grid_is_aligned_and_measures_in_metres():
    g = Grid.covering((1050.0, 20.0, 1290.0, 260.0), 100.0, "EPSG:3405")
    assert g.shape == (3, 3)
    target = np.zeros(g.shape, bool)
    target[0, 0] = True
    dist, idx = g.distance_m(target)
    assert dist[2, 2] == pytest.approx(np.hypot(200, 200))
    assert (idx[:, 2, 2] == [0, 0]).all()


def test_travel_time_labour_and_road_by_hand(world):
    s = _surface(world, cell_m=100)
    r, c = _at(s, X0 + 6_050, ROAD_Y + 1_000)
    # the hub's leg (its point is on the road) + 5 km at 1.2 min/km + 1 km leg at 20 km/h
    assert s.raw["travel_min"][r, c] == pytest.approx(6.0 + 3.0, abs=0.2)
    assert s.raw["road_m"][r, c] == pytest.approx(1000.0)
    assert s.factors["road"][r, c] == pytest.approx(1 - 1000 / 5000)
    expected = min(1.0, (45 - s.raw["travel_min"][r, c]) / 35)  # 1 within 10 minutes
    assert s.factors["travel_time"][r, c] == pytest.approx(expected)
    r2, c2 = _at(s, X0 + 19_050, ROAD_Y + 3_000)  # 18 km (21.6 min) + 9 min leg
    assert s.factors["travel_time"][r2, c2] == pytest.approx((45 - 30.6) / 35, abs=0.01)
    # 30 min − 3 min leg = 27 min along the road: 22.5 km either way covers the whole road;
    # the 1 km population cells within 5 km of it (every row) are reached if their own leg
    # fits: rows 0.55 and 4.55 km off the road need 1.65 and 13.65 min
    assert s.raw["people"][r, c] > 0
    assert np.nanmax(s.factors["labour"]) == pytest.approx(1.0)
    assert np.isnan(s.raw["travel_min"][0, 0])  # outside the province (the grid's margin)


def test_constraints_exclude_what_they_say(world):
    s = _surface(world, cell_m=100)
    assert s.excluded["flood"][_at(s, X0 + 17_000, Y0 + 3_000)]
    assert not s.excluded["flood"][_at(s, X0 + 14_000, Y0 + 3_000)]
    assert s.excluded["protected"][_at(s, X0 + 8_500, Y0 + 8_950)]  # within the 1 km buffer
    assert not s.excluded["protected"][_at(s, X0 + 5_000, Y0 + 1_000)]  # biosphere reserve
    assert s.excluded["sites"][_at(s, X0 + 1_000, ROAD_Y + 1_200)]
    assert not s.feasible[_at(s, X0 + 17_000, Y0 + 3_000)]
    table = s.summary().set_index("item")
    assert table.loc["flood", "share_of_province"] == pytest.approx(0.25, abs=0.01)
    assert s.accuracy == "illustrative"
    assert "flood hazard" in s.accuracy_basis
    clean = _surface(world, hazard=None, cell_m=250)
    assert clean.accuracy == "approximate"


def test_candidates_are_legal_sized_spaced_and_feasible(world):
    s = _surface(world, cell_m=100)
    c = siting.candidates(s, n=4, area_ha=50, spacing_m=3_000).to_crs(3405)
    assert list(c["rank"]) == [1, 2, 3, 4]
    assert np.allclose(c.area / 1e4, 50.0)
    assert (np.diff(c["score"]) <= 1e-12).all()
    centres = shapely.centroid(c.geometry.values)
    d = shapely.distance(centres[:, None], centres[None, :])
    assert (d[~np.eye(len(c), dtype=bool)] >= 3_000 - 0.01).all()  # after the round trip
    flooded = box(X0 + 15_000, Y0, X0 + 20_000, Y0 + 10_000)
    assert not c.intersects(flooded).any()
    assert (c["accuracy"] == "illustrative").all()
    assert c["note"].str.contains("ILLUSTRATIVE").all()


def test_candidate_choices_are_checked(world):
    s = _surface(world, cell_m=250, hazard=None)
    with pytest.raises(SchemaError, match="Decree 32/2024"):
        siting.candidates(s, area_ha=80)
    with pytest.raises(SchemaError, match="diameter"):
        siting.candidates(s, area_ha=50, spacing_m=500)
    with pytest.raises(SchemaError, match="Unknown factor"):
        siting.candidates(s, weights={"slope": 1})
    with pytest.raises(SchemaError, match="cell_m"):
        _surface(world, cell_m=1)


def test_weights_move_the_ranking_and_stability_counts_it(world):
    s = _surface(world, cell_m=200, hazard=None)
    out = siting.stability(s, n=3, area_ha=30, spacing_m=2_000)
    assert (out["scenarios"] == 26).all()
    assert out["stay_share"].between(0, 1).all()
    assert out["stay_share"].iloc[0] == 1.0  # the best site survives every ±20 % move
    road_only = siting.candidates(s, n=1, area_ha=30, spacing_m=2_000, weights={"road": 1})
    assert road_only["road_m"].iloc[0] == pytest.approx(0.0)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(area=st.floats(10, 75), extra=st.floats(0, 3_000))
def test_candidates_never_overlap_nor_touch_excluded_cells(world, area, extra):
    s = _surface(world, cell_m=250)
    radius = siting.candidates.__globals__["_radius_m"](area)
    spacing = 2 * radius + extra
    c = siting.candidates(s, n=5, area_ha=area, spacing_m=spacing).to_crs(3405)
    assert np.allclose(c.area / 1e4, area)
    geoms = np.asarray(c.geometry.values, dtype=object)
    apart = ~shapely.intersects(geoms[:, None], geoms[None, :])
    assert apart[~np.eye(len(c), dtype=bool)].all()
    for geom in c.geometry:
        cells = s.grid.burn(np.array([geom]))
        assert s.feasible[cells].all()


def test_the_review_skips_siting_when_asked():
    from pathlib import Path

    from ninhbinh_geo.review import ReviewOptions, steps
    from ninhbinh_geo.review.options import ReviewState

    state = ReviewState(ReviewOptions(siting=False), Path(), clusters=None, parks=None)
    assert steps.siting_step(state) is state
    assert dataclasses.replace(state.options, siting=True).siting
