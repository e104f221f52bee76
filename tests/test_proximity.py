"""Tests of ninhbinh_geo.proximity: straight-line distances and the satellite network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from ninhbinh_geo import labels, network, proximity
from ninhbinh_geo._errors import CRSError, SchemaError
from ninhbinh_geo.proximity import positions

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
            "footprint_accuracy": ["digitized"] * 3,
            "location_accuracy": ["approximate"] * 3,
        },
        geometry=[square(10_000, 0, 2000), square(0, 30_000, 2000), square(1000, 0, 500)],
        crs=3405,
    ).to_crs(4326)


@pytest.fixture
def clusters() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "site_id": ["CCN-A", "CCN-B", "CCN-C", "CCN-D"],
            "footprint_accuracy": ["digitized"] * 4,
            "location_accuracy": ["approximate"] * 4,
        },
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
    assert out["straight_basis"].tolist() == ["edges"] * 4
    # digitized outlines: measured edge to edge, and from points inside them, to 10 m
    assert out["distance_accuracy"].tolist() == ["digitized"] * 4
    assert out["distance_precision_km"].tolist() == [0.01] * 4
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
    # without its footprint the site is a point: measured between points, 4 km
    assert out.loc[3, "straight_km"] == pytest.approx(4.0, abs=1e-3)
    assert out.loc[3, "straight_basis"] == "points"
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
    assert links["road_reason"].tolist()[1] == proximity.ROAD_REASON_OTHER_PARK
    assert pd.isna(links["road_reason"].tolist()[0])


def test_each_layer_is_checked_once_at_the_door(clusters, parks, monkeypatch):
    checked = []
    real = positions.check_coordinates
    monkeypatch.setattr(
        positions, "check_coordinates", lambda gdf, layer: checked.append(layer) or real(gdf, layer)
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


# ---------------------------------------------------------------------------------------------
# precision follows accuracy; illustrative footprints are measured between points


def _circle_sites(rows: list[dict], crs: int = 3405) -> gpd.GeoDataFrame:
    """Sites drawn as circles (radius_m) around (x, y) m from the origin, lon/lat given."""
    geoms = [Point(X0 + r["x"], Y0 + r["y"]).buffer(r["radius_m"], 64) for r in rows]
    centres = gpd.GeoSeries(
        [Point(X0 + r.get("lon_x", r["x"]), Y0 + r.get("lon_y", r["y"])) for r in rows], crs=crs
    ).to_crs(4326)
    keep = ("site_id", "name_vi", "major", "footprint_accuracy", "location_accuracy")
    frame = pd.DataFrame([{k: r[k] for k in keep if k in r} for r in rows])
    frame["lon"], frame["lat"] = centres.x.to_numpy(), centres.y.to_numpy()
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=crs).to_crs(4326)


def _pair(c_fp: str, p_fp: str, c_loc: str = "approximate", p_loc: str = "approximate", **kw):
    cl = _circle_sites(
        [
            {
                "site_id": "CCN-A",
                "x": 0,
                "y": 0,
                "radius_m": 500,
                "footprint_accuracy": c_fp,
                "location_accuracy": c_loc,
            }
        ]
    )
    pk = _circle_sites(
        [
            {
                "site_id": "KCN-P",
                "name_vi": "KCN P",
                "major": True,
                "x": 1200,
                "y": 0,
                "radius_m": 1000,
                "footprint_accuracy": p_fp,
                "location_accuracy": p_loc,
                **kw,
            }
        ]
    )
    return cl, pk


def test_overlapping_illustrative_circles_are_not_0_km_apart():
    # the circles overlap by 300 m: edge to edge 0 km, centres 1.2 km apart
    cl, pk = _pair("illustrative", "illustrative")
    out = proximity.nearest_parks(cl, pk)
    assert out["straight_basis"].tolist() == ["points"]
    assert out["straight_km"].iloc[0] == pytest.approx(1.2, abs=1e-6)
    assert out["straight_km"].iloc[0] == out["straight_km_points"].iloc[0]
    # one drawn circle is enough to measure between points
    out = proximity.nearest_parks(*_pair("digitized", "illustrative"))
    assert out["straight_basis"].tolist() == ["points"]
    assert out["straight_km"].iloc[0] == pytest.approx(1.2, abs=1e-6)
    # two real outlines that overlap are 0 km apart, edge to edge
    out = proximity.nearest_parks(*_pair("digitized", "surveyed"))
    assert out["straight_basis"].tolist() == ["edges"]
    assert out["straight_km"].iloc[0] == 0.0
    assert out["straight_km_points"].iloc[0] == pytest.approx(1.2, abs=1e-6)


def test_illustrative_footprint_is_measured_from_its_location_point():
    # the park's circle is drawn at 1.2 km but its location point lies at 2.0 km
    cl, pk = _pair("digitized", "illustrative", lon_x=2000)
    out = proximity.nearest_parks(cl, pk)
    assert out["straight_km"].iloc[0] == pytest.approx(2.0, abs=1e-6)
    # a real outline is measured from a point inside it, whatever its lon/lat says
    cl, pk = _pair("digitized", "digitized", lon_x=2000)
    out = proximity.nearest_parks(cl, pk)
    assert out["straight_km_points"].iloc[0] == pytest.approx(1.2, abs=1e-6)


@pytest.mark.parametrize(
    ("c_fp", "p_fp", "c_loc", "p_loc", "accuracy", "precision"),
    [
        # points: the worse of the two location points
        ("illustrative", "illustrative", "illustrative", "approximate", "illustrative", 1.0),
        ("illustrative", "illustrative", "approximate", "approximate", "approximate", 0.1),
        ("illustrative", "illustrative", "approximate", "digitized", "approximate", 0.1),
        # a real outline: its point lies inside it, as good as the outline
        ("digitized", "illustrative", "illustrative", "approximate", "approximate", 0.1),
        ("surveyed", "digitized", "illustrative", "illustrative", "digitized", 0.01),
        ("surveyed", "surveyed", "approximate", "approximate", "surveyed", 0.01),
    ],
)
def test_precision_follows_the_worst_position(c_fp, p_fp, c_loc, p_loc, accuracy, precision):
    out = proximity.nearest_parks(*_pair(c_fp, p_fp, c_loc, p_loc))
    assert out["distance_accuracy"].tolist() == [accuracy]
    assert out["distance_precision_km"].tolist() == [precision]
    long = proximity.distance_matrix(*_pair(c_fp, p_fp, c_loc, p_loc))
    assert long["distance_accuracy"].tolist() == [accuracy]


def test_precision_constants_are_ordered_by_accuracy():
    from ninhbinh_geo._provenance import ACCURACY_CLASSES

    steps = [proximity.DISTANCE_PRECISION_KM[c] for c in ACCURACY_CLASSES]
    assert steps == sorted(steps)
    assert proximity.DISTANCE_PRECISION_KM["illustrative"] == 1.0
    assert proximity.DISTANCE_PRECISION_KM["approximate"] == 0.1


def test_untagged_footprints_count_as_illustrative(clusters, parks):
    bare_c = clusters.drop(columns=["footprint_accuracy", "location_accuracy"])
    bare_p = parks.drop(columns=["footprint_accuracy", "location_accuracy"])
    out = proximity.nearest_parks(bare_c, bare_p)
    assert out["straight_basis"].tolist() == ["points"] * 4
    np.testing.assert_allclose(out["straight_km"], [10, 4, 15, 30], atol=1e-4)
    assert out["distance_accuracy"].tolist() == ["illustrative"] * 4
    # the row's accuracy stands in for a blank class
    out = proximity.nearest_parks(
        bare_c.assign(accuracy="digitized"), bare_p.assign(accuracy="digitized")
    )
    assert out["straight_basis"].tolist() == ["edges"] * 4


def test_round_to_precision_by_hand():
    values = pd.Series([5.2684, 5.2684, 5.2684, 0.45, 0.05, np.nan], index=list("abcdef"))
    steps = pd.Series([1.0, 0.1, 0.01, 0.1, 1.0, 1.0], index=list("abcdef"))
    out = proximity.round_to_precision(values, steps)
    assert list(out.index) == list("abcdef")
    assert out.iloc[:5].tolist() == [5.0, 5.3, 5.27, 0.5, 0.0]
    assert np.isnan(out["f"])
    # aligned by index when both are Series
    out = proximity.round_to_precision(values.iloc[:2], steps.iloc[::-1])
    assert out.tolist() == [5.0, 5.3]
    assert proximity.round_to_precision(np.array([36.249]), 0.1).tolist() == [36.2]
    with pytest.raises(SchemaError, match="positive precision"):
        proximity.round_to_precision([1.0, 2.0], [0.1, 0.0])
    assert proximity.round_to_precision([np.nan], [np.nan])[0] != 0  # NaN needs no step


def test_pair_accuracy_of_the_park_named_per_row():
    cl = pd.DataFrame(
        {"road_park_id": ["P", "Q", None], "location_accuracy": ["approximate"] * 3},
        index=[4, 2, 9],
    )
    pk = pd.DataFrame({"site_id": ["P", "Q"], "location_accuracy": ["digitized", "illustrative"]})
    out = proximity.pair_accuracy(cl, pk, park_id_column="road_park_id")
    assert list(out.index) == [4, 2, 9]
    assert out["distance_accuracy"].tolist()[:2] == ["approximate", "illustrative"]
    assert out["distance_precision_km"].tolist()[:2] == [0.1, 1.0]
    assert pd.isna(out.loc[9, "distance_accuracy"])
    with pytest.raises(SchemaError, match="'R'"):
        proximity.pair_accuracy(cl.assign(road_park_id="R"), pk, park_id_column="road_park_id")
    with pytest.raises(SchemaError, match="no column"):
        proximity.pair_accuracy(cl, pk)


# ---------------------------------------------------------------------------------------------
# links carry the road distance of their own (cluster, hub) pair


def _u_roads() -> gpd.GeoDataFrame:
    """A U of roads: 10 km east along y=0, 2 km north, 10 km back west along y=2 km."""
    line = LineString([(X0, Y0), (X0 + 10_000, Y0), (X0 + 10_000, Y0 + 2000), (X0, Y0 + 2000)])
    return gpd.GeoDataFrame({"road_class": ["Đường chính"]}, geometry=[line], crs=3405)


def _u_sites() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Cluster 100 m below the west end; hub A 100 m above the other arm, hub B down the road."""

    def pts(names, xy, **cols):
        return gpd.GeoDataFrame(
            {
                "site_id": names,
                **cols,
                "location_accuracy": "approximate",
                "footprint_accuracy": "illustrative",
            },
            geometry=[Point(X0 + x, Y0 + y) for x, y in xy],
            crs=3405,
        )

    cl = pts(["CCN-C"], [(0, -100)])
    pk = pts(
        ["KCN-A", "KCN-B"],
        [(0, 2100), (3000, -100)],
        name_vi=["KCN A", "KCN B"],
        major=[True, True],
    )
    return cl, pk


def test_links_carry_the_road_distance_of_their_own_pair():
    cl, pk = _u_sites()
    near = proximity.nearest_parks(cl, pk)
    # A: 2.2 km in a straight line; B: 3.0 km
    assert near["nearest_park_id"].tolist() == ["KCN-A"]
    assert near["straight_km"].iloc[0] == pytest.approx(2.2)
    graph = network.build_graph(_u_roads())
    both = network.road_distances(graph, near, pk, target="both", max_snap_m=500)
    links = proximity.satellite_links(both, pk)
    # by road, A is 0.1 + 10 + 2 + 10 + 0.1 km away, B 0.1 + 3 + 0.1 km
    assert links["park_id"].tolist() == ["KCN-A"]
    assert links["road_km"].iloc[0] == pytest.approx(22.2, abs=1e-9)
    assert links["road_km"].iloc[0] == both["road_km_to_nearest"].iloc[0]
    assert both["road_park_id"].tolist() == ["KCN-B"]
    assert both["road_km"].iloc[0] == pytest.approx(3.2, abs=1e-9)
    assert pd.isna(links["road_reason"].iloc[0])
    assert links["max_snap_m"].tolist() == [500.0]
    assert links["straight_basis"].tolist() == ["points"]
    assert links["distance_accuracy"].tolist() == ["approximate"]
    assert links["distance_precision_km"].tolist() == [0.1]
    # hub A 600 m off the road with a 500 m leg: no road distance to it, and why
    pk_far = pk.copy()
    pk_far.loc[0, "geometry"] = Point(X0, Y0 + 2600)
    near = proximity.nearest_parks(cl, pk_far)
    both = network.road_distances(graph, near, pk_far, target="both", max_snap_m=500)
    links = proximity.satellite_links(both, pk_far)
    assert np.isnan(links["road_km"].iloc[0])
    assert links["road_reason"].tolist() == ["road_reason.park_far"]
    assert both["road_park_id"].tolist() == ["KCN-B"]


def test_link_reasons_are_label_keys_in_vi_and_en():
    keys = [*network.ROAD_REASONS, proximity.ROAD_REASON_OTHER_PARK]
    for key in keys:
        vi, en = labels.label(key, "vi"), labels.label(key, "en")
        assert vi, key
        assert en, key
        assert vi != en, key
    for col in (
        "road_km_to_nearest",
        "straight_basis",
        "distance_accuracy",
        "distance_precision_km",
        "max_snap_m",
        "road_reason_to_nearest",
    ):
        assert labels.label(f"col.{col}", "vi") != labels.label(f"col.{col}", "en")
    for basis in ("edges", "points"):
        assert labels.label(f"straight_basis.{basis}", "vi")


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(0, 500, allow_nan=False),
    step=st.sampled_from(sorted(set(proximity.DISTANCE_PRECISION_KM.values()))),
)
def test_rounded_values_are_whole_steps_within_half_a_step(value, step):
    out = float(proximity.round_to_precision([value], step)[0])
    assert abs(out - value) <= step / 2 + 1e-9
    assert abs(out / step - round(out / step)) < 1e-9
    # printed as the step allows: no binary noise such as 0.30000000000000004
    assert len(repr(out).split(".")[-1]) <= max(1, -int(np.floor(np.log10(step))))
