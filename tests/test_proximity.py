"""Tests of ninhbinh_geo.proximity: straight-line distances and the satellite network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from shapely.geometry import Point, box

from ninhbinh_geo import proximity
from ninhbinh_geo._errors import CRSError, SchemaError

X0, Y0 = 600_000.0, 2_240_000.0  # EPSG:3405, inside the province


def square(cx: float, cy: float, side_m: float):
    h = side_m / 2
    return box(X0 + cx - h, Y0 + cy - h, X0 + cx + h, Y0 + cy + h)


@pytest.fixture
def parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["KCN-1", "KCN-2", "KCN-3"],
            "name_vi": ["KCN Một", "KCN Hai", "KCN Ba"],
            "major": [True, True, False],
        },
        geometry=[square(10_000, 0, 2000), square(0, 30_000, 2000), square(1000, 0, 500)],
        crs=3405,
    ).to_crs(4326)


@pytest.fixture
def clusters() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ["CCN-A", "CCN-B", "CCN-C", "CCN-D"]},
        geometry=[
            square(0, 0, 1000),  # 8.5 km edge to edge from KCN-1, centres 10 km apart
            square(6000, 0, 1000),  # 2.5 km from KCN-1
            square(0, 45_000, 1000),  # 13.5 km from KCN-2
            square(0, 60_000, 1000),  # 28.5 km from KCN-2: not a satellite
        ],
        crs=3405,
        index=[7, 3, 11, 5],
    ).to_crs(4326)


def test_edge_and_point_distances_by_hand(clusters, parks):
    out = proximity.nearest_parks(clusters, parks)
    assert out["nearest_park_id"].tolist() == ["KCN-1", "KCN-1", "KCN-2", "KCN-2"]
    assert out["nearest_park"].tolist() == ["KCN Một", "KCN Một", "KCN Hai", "KCN Hai"]
    # the squares went through EPSG:4326 and back: allow a few centimetres
    np.testing.assert_allclose(out["straight_km"], [8.5, 2.5, 13.5, 28.5], atol=1e-4)
    np.testing.assert_allclose(out["straight_km_points"], [10, 4, 15, 30], atol=1e-4)
    assert out["is_satellite"].tolist() == [True, True, True, False]
    assert out["satellite_rank"].tolist() == [2, 1, 1, pd.NA]


def test_non_major_park_used_when_asked(clusters, parks):
    out = proximity.nearest_parks(clusters, parks, major_only=False)
    # KCN-3 (not major) lies 0.25 km from CCN-A's edge
    assert out.loc[7, "nearest_park_id"] == "KCN-3"
    assert out.loc[7, "straight_km"] == pytest.approx(0.25, abs=1e-4)
    out = proximity.nearest_parks(clusters, parks, park_names=["KCN Ba"])
    assert set(out["nearest_park_id"]) == {"KCN-3"}


def test_max_km_and_default(clusters, parks):
    assert proximity.SATELLITE_MAX_KM == 15.0
    out = proximity.nearest_parks(clusters, parks, max_km=5)
    assert out["is_satellite"].tolist() == [False, True, False, False]
    with pytest.raises(SchemaError, match="max_km"):
        proximity.nearest_parks(clusters, parks, max_km=0)


def test_straight_line_agrees_with_geodesic_within_half_percent():
    geod = pyproj.Geod(ellps="WGS84")
    rng = np.random.default_rng(3)
    lon = rng.uniform(105.6, 106.6, 40)
    lat = rng.uniform(19.9, 20.7, 40)
    cl = gpd.GeoDataFrame(
        {"site_id": [f"C{i}" for i in range(20)]},
        geometry=[Point(x, y) for x, y in zip(lon[:20], lat[:20], strict=True)],
        crs=4326,
    )
    pk = gpd.GeoDataFrame(
        {"site_id": ["P1", "P2"], "name_vi": ["KCN P1", "KCN P2"], "major": [True, True]},
        geometry=[Point(lon[20], lat[20]), Point(lon[21], lat[21])],
        crs=4326,
    )
    long = proximity.distance_matrix(cl, pk)
    expected = []
    for i in range(20):
        for j in (20, 21):
            expected.append(geod.inv(lon[i], lat[i], lon[j], lat[j])[2] / 1000)
    np.testing.assert_allclose(long["straight_km"], expected, rtol=0.005)
    np.testing.assert_allclose(long["straight_km_points"], expected, rtol=0.005)
    near = proximity.nearest_parks(cl, pk)
    best = np.minimum(expected[0::2], expected[1::2])
    np.testing.assert_allclose(near["straight_km"], best, rtol=0.005)


def test_distance_matrix_wide_and_long(clusters, parks):
    wide = proximity.distance_matrix(clusters, parks, form="wide")
    assert list(wide.index) == [7, 3, 11, 5]
    assert list(wide.columns) == ["KCN-1", "KCN-2"]
    assert wide.loc[3, "KCN-1"] == pytest.approx(2.5, abs=1e-4)
    # CCN-B to KCN-2: dx 6 km - 0.5 - 1 = 4.5, dy 30 km - 1.5 = 28.5 (corner to corner)
    assert wide.loc[3, "KCN-2"] == pytest.approx(np.hypot(4.5, 28.5), abs=1e-3)
    long = proximity.distance_matrix(clusters, parks, major_only=False)
    assert len(long) == 12
    assert set(long.columns) >= {"site_id", "park_id", "park_name", "straight_km"}
    with pytest.raises(SchemaError, match="form"):
        proximity.distance_matrix(clusters, parks, form="tall")


def test_satellite_links(clusters, parks):
    near = proximity.nearest_parks(clusters, parks)
    near["road_km"] = [12.0, 3.0, 20.0, np.nan]
    links = proximity.satellite_links(near, parks)
    assert links.crs.to_epsg() == 4326
    assert list(links.index) == [7, 3, 11]
    assert links["rank"].tolist() == [2, 1, 1]
    assert links["road_km"].tolist() == [12.0, 3.0, 20.0]
    assert links["park_name"].tolist() == ["KCN Một", "KCN Một", "KCN Hai"]
    metric = links.to_crs(3405)
    np.testing.assert_allclose(metric.length / 1000, [10, 4, 15], atol=1e-3)
    start = metric.geometry.iloc[0].coords[0]
    assert start == pytest.approx((X0, Y0), abs=0.05)
    all_links = proximity.satellite_links(near, parks, satellites_only=False)
    assert len(all_links) == 4
    with pytest.raises(SchemaError, match="nearest_parks"):
        proximity.satellite_links(clusters, parks)


def test_input_not_mutated(clusters, parks):
    c0, p0 = clusters.copy(), parks.copy()
    out = proximity.nearest_parks(clusters, parks)
    proximity.satellite_links(out, parks)
    pd.testing.assert_frame_equal(clusters, c0)
    pd.testing.assert_frame_equal(parks, p0)
    assert list(out.index) == [7, 3, 11, 5]
    assert out.crs == clusters.crs


def test_park_name_errors(clusters, parks):
    with pytest.raises(SchemaError, match=r"no park named 'KCN Mot'.*KCN Một"):
        proximity.nearest_parks(clusters, parks, park_names=["KCN Mot"])
    dup = parks.copy()
    dup.loc[1, "name_vi"] = "KCN Một"
    with pytest.raises(SchemaError, match=r"'KCN Một'.*more than once"):
        proximity.nearest_parks(clusters, dup)
    none_major = parks.assign(major=False)
    with pytest.raises(SchemaError, match="major=True"):
        proximity.nearest_parks(clusters, none_major)
    with pytest.raises(SchemaError, match="column 'major'"):
        proximity.nearest_parks(clusters, parks.drop(columns="major"))


def test_missing_footprint_uses_lon_lat_or_raises(clusters, parks):
    cl = clusters.copy()
    pt = cl.geometry.iloc[1].representative_point()
    cl["lon"], cl["lat"] = pt.x, pt.y
    cl.loc[3, "geometry"] = None
    out = proximity.nearest_parks(cl, parks)
    # without the footprint the edge distance runs from the point: 4 km - 1 km half side
    assert out.loc[3, "straight_km"] == pytest.approx(3.0, abs=1e-3)
    cl.loc[3, ["lon", "lat"]] = np.nan
    with pytest.raises(SchemaError, match=r"no footprint and no lon/lat point.*'CCN-B'"):
        proximity.nearest_parks(cl, parks)


def test_no_crs_raises(clusters, parks):
    bare = gpd.GeoDataFrame(clusters.drop(columns="geometry"), geometry=list(clusters.geometry))
    with pytest.raises(CRSError, match="no CRS"):
        proximity.nearest_parks(bare, parks)


def test_embedded_sites_if_available():
    datasets = pytest.importorskip("ninhbinh_geo.datasets")
    try:
        cl, pk = datasets.load_clusters(), datasets.load_parks()
    except Exception as exc:  # built by another module
        pytest.skip(f"embedded sites not available: {exc}")
    out = proximity.nearest_parks(cl, pk)
    assert out["nearest_park_id"].isin(pk.loc[pk["major"], "site_id"]).all()
    assert (out["straight_km"] <= out["straight_km_points"] + 1e-9).all()
    ranks = out.dropna(subset=["satellite_rank"]).groupby("nearest_park_id")["satellite_rank"]
    for _, r in ranks:
        assert sorted(r.tolist()) == list(range(1, len(r) + 1))


def test_links_hide_road_km_to_another_park(clusters, parks):
    near = proximity.nearest_parks(clusters, parks)
    near["road_km"] = [12.0, 3.0, 20.0, 40.0]
    near["road_park_id"] = ["KCN-1", "KCN-2", "KCN-2", "KCN-2"]
    links = proximity.satellite_links(near, parks)
    assert links["road_km"].tolist()[0] == 12.0
    assert np.isnan(links["road_km"].tolist()[1])
    assert links["road_km"].tolist()[2] == 20.0


def test_each_layer_is_checked_once_at_the_door(clusters, parks, monkeypatch):
    checked = []
    real = proximity.check_coordinates
    monkeypatch.setattr(
        proximity, "check_coordinates", lambda gdf, layer: checked.append(layer) or real(gdf, layer)
    )
    out = proximity.nearest_parks(clusters, parks)
    assert checked == ["clusters", "parks"]
    proximity.satellite_links(out, parks)
    assert checked == ["clusters", "parks"] * 2
    # the review's trusting inner functions, for layers it checked when loading them
    checked.clear()
    inner = proximity._nearest_parks(clusters, parks)
    links = proximity._satellite_links(inner, parks)
    assert checked == []
    pd.testing.assert_frame_equal(inner, out)
    pd.testing.assert_frame_equal(links, proximity.satellite_links(out, parks))


def test_mislabelled_layer_is_refused_at_the_door(clusters, parks):
    metres = clusters.to_crs(3405).set_crs(4326, allow_override=True)
    with pytest.raises(CRSError, match="metres, not degrees"):
        proximity.nearest_parks(metres, parks)
