"""Labour within reach: WorldPop cells assigned through the road network (issue 14.3)."""

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

import ninhbinh_geo as nb
from ninhbinh_geo import population
from ninhbinh_geo._errors import SchemaError
from ninhbinh_geo.network import build_graph, traveltime

X0, Y0 = 600_000.0, 2_240_000.0


@pytest.fixture(scope="module")
def line():
    """A 20 km national road (1.2 min per km)."""
    roads = gpd.GeoDataFrame(
        {"level": ["Quốc Gia"]}, geometry=[LineString([(X0, Y0), (X0 + 20_000, Y0)])], crs=3405
    )
    return traveltime.with_speeds(build_graph(roads), roads)


def _cells(xy, p2000, p2020):
    return gpd.GeoDataFrame(
        {"people_2000": p2000, "people_2020": p2020},
        geometry=[Point(x, y) for x, y in xy],
        crs=3405,
    )


def test_cells_are_counted_through_the_network_not_in_a_circle(line):
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(X0, Y0)], crs=3405)
    cells = _cells(
        [
            (X0 + 10_000, Y0 + 1_000),  # 12 min along + 3 min leg = 15 min
            (X0 + 14_000, Y0),  # 16.8 min
            (X0, Y0 + 2_500),  # 2.5 km away in a circle, but 7.5 min by its leg
            (X0 + 5_000, Y0 + 4_000),  # beyond the 3 km access leg: reached by no one
        ],
        [100.0, 200.0, 50.0, 1000.0],
        [150.0, 180.0, 60.0, 1000.0],
    )
    out = population.labour_within(line, site, minutes=[7.5, 15, 30], cells=cells)
    row = out.iloc[0]
    assert row["people_7.5min_2020"] == 60.0
    assert row["people_15min_2020"] == 210.0
    assert row["people_30min_2020"] == 390.0
    assert row["people_30min_2000"] == 350.0
    assert row["people_30min_change"] == 40.0
    assert row["people_30min_change_pct"] == pytest.approx(100 * 40 / 350)
    assert out.attrs["unassigned_share"][2020] == pytest.approx(1000 / 1390)
    assert out.attrs["credit"].startswith("WorldPop")
    assert len(out.attrs["limits"]) == 4


def test_the_access_speed_and_the_longest_leg_are_the_stated_ones(line):
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(X0, Y0)], crs=3405)
    cells = _cells([(X0, Y0 + 2_500)], [10.0], [10.0])
    walk = population.labour_within(line, site, minutes=15, cells=cells, access_speed_kmh=5)
    assert walk["people_15min_2020"].iloc[0] == 0.0  # 30 min on foot
    assert (
        population.labour_within(line, site, minutes=15, cells=cells)["people_15min_2020"].iloc[0]
        == 10.0
    )
    short = population.labour_within(line, site, minutes=15, cells=cells, max_snap_m=2000)
    assert short["people_15min_2020"].iloc[0] == 0.0


def test_a_site_beyond_the_roads_gets_nan_and_input_is_kept(line):
    sites = gpd.GeoDataFrame(
        {"site_id": ["far", "near"]},
        geometry=[Point(X0, Y0 + 9_000), Point(X0, Y0)],
        index=[7, 3],
        crs=3405,
    )
    before = sites.copy()
    cells = _cells([(X0 + 1_000, Y0)], [5.0], [6.0])
    out = population.labour_within(line, sites, cells=cells)
    assert list(out.index) == [7, 3]
    assert np.isnan(out.loc[7, "people_30min_2020"])
    assert out.loc[3, "people_30min_2020"] == 6.0
    assert sites.equals(before)


def test_cells_as_squares_count_by_their_centre(line):
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(X0, Y0)], crs=3405)
    squares = gpd.GeoDataFrame(
        {"people_2020": [7.0]}, geometry=[box(X0 + 500, Y0 - 500, X0 + 1500, Y0 + 500)], crs=3405
    )
    assert (
        population.labour_within(line, site, minutes=2, cells=squares)["people_2min_2020"].iloc[0]
        == 7.0
    )


def test_bad_inputs_name_the_fix(line):
    site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(X0, Y0)], crs=3405)
    with pytest.raises(SchemaError, match="people_<year>"):
        population.labour_within(line, site, cells=_cells([(X0, Y0)], [1.0], [1.0])[["geometry"]])
    bad = _cells([(X0, Y0)], [1.0], [-1.0])
    with pytest.raises(SchemaError, match="people_2020"):
        population.labour_within(line, site, cells=bad)
    with pytest.raises(SchemaError, match="minutes"):
        population.labour_within(line, site, minutes=[0], cells=_cells([(X0, Y0)], [1.0], [1.0]))


def test_the_shipped_cells_hold_the_documented_province_totals():
    cells = population.population_cells()
    province = nb.datasets.load_province().geometry.iloc[0]
    inside = cells.within(province)
    # data/population/SOURCES.md: 3,358,698 people in 2020 and 3,607,837 in 2000
    assert cells.loc[inside, "people_2020"].sum() == pytest.approx(3_358_698, abs=1)
    assert cells.loc[inside, "people_2000"].sum() == pytest.approx(3_607_837, abs=1)


def test_hubs_reach_hundreds_of_thousands_and_a_third_of_the_province_is_unreached():
    roads = nb.datasets.load_roads()
    g = traveltime.with_speeds(build_graph(roads), roads)
    parks = nb.datasets.load_parks()
    hubs = parks[parks["major"]]
    out = population.labour_within(g, hubs, minutes=[15, 30], max_snap_m=5000)
    reached = out["people_30min_2020"].dropna()
    assert len(reached) >= 7
    ok = out["people_30min_2020"].notna()
    assert (out.loc[ok, "people_15min_2020"] <= out.loc[ok, "people_30min_2020"]).all()
    assert reached.min() > 1e5
    assert reached.max() < 3.4e6
    share = population.unreached_share(
        g, within=nb.datasets.load_province(), max_snap_m=5000
    ).set_index("year")
    assert 0.2 < share.loc[2020, "unreached_share"] < 0.45
