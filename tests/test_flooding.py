"""Road links cut by floods: depth along edges, closures, distances on the roads left open."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point

from ninhbinh_geo import network, risk
from ninhbinh_geo._errors import CRSError, InputFileError, SchemaError

# Two routes from a cluster to its park: south 4 km (S1, S2, the park's tail), north 6 km.
W, M, E = (600000, 2240000), (602000, 2240000), (604000, 2240000)
ROADS = gpd.GeoDataFrame(
    {"road_class": ["main", "main", "minor", "main"]},
    geometry=[
        LineString([W, M]),  # S1
        LineString([M, E]),  # S2
        LineString([W, (600000, 2241000), (604000, 2241000), E]),  # N
        LineString([E, (605000, 2240000)]),  # the park's tail
    ],
    crs=3405,
)
CLUSTERS = gpd.GeoDataFrame(
    {"site_id": ["CCN-A", "CCN-FAR"]},
    geometry=[Point(600500, 2240000), Point(600500, 2250000)],
    crs=3405,
)
PARKS = gpd.GeoDataFrame(
    {"site_id": ["KCN-B"], "name_vi": ["KCN B"], "major": [True]},
    geometry=[Point(604500, 2240000)],
    crs=3405,
)
# 100 m cells, their edges 50 m off the roads so that no road runs along a cell boundary
ORIGIN = (599450, 2241550)


def _raster(path, spots, *, value=0.5, crs="EPSG:3405", nodata=-9999.0):
    depth = np.zeros((25, 60), dtype="float32")
    for x, y in spots:
        col, row = int((x - ORIGIN[0]) // 100), int((ORIGIN[1] - y) // 100)
        depth[row - 1 : row + 2, col - 1 : col + 2] = value
    with rasterio.open(
        path, "w", driver="GTiff", width=60, height=25, count=1, dtype="float32", crs=crs,
        transform=from_origin(*ORIGIN, 100, 100), nodata=nodata,
    ) as ds:  # fmt: skip
        ds.write(depth, 1)
    return path


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("flood")
    hazards = {
        10.0: _raster(folder / "rp10.tif", []),
        100.0: _raster(folder / "rp100.tif", [(603000, 2240000)]),
        1000.0: _raster(folder / "rp1000.tif", [(603000, 2240000), (602000, 2241000)]),
    }
    graph = network.build_graph(ROADS)
    dry = network.road_distances(graph, CLUSTERS, PARKS, max_snap_m=1000)
    depths = network.edge_depths(graph, hazards)
    closed = network.closed_edges(graph, depths)
    return graph, dry, depths, closed, hazards


def _edge_at(graph, x, y):
    geoms = graph.edge_geometry
    return int(np.argmin([g.distance(Point(x, y)) for g in geoms]))


def test_depth_along_every_edge(case):
    graph, _, depths, closed, _ = case
    s2, north = _edge_at(graph, 603000, 2240000), _edge_at(graph, 602000, 2241000)
    s1 = _edge_at(graph, 601000, 2240000)
    assert depths.loc[s2].tolist() == [0.0, 0.5, 0.5]
    assert depths.loc[north].tolist() == [0.0, 0.0, 0.5]
    assert depths.loc[s1].tolist() == [0.0, 0.0, 0.0]
    assert closed.loc[s2].tolist() == [False, True, True]
    assert closed.sum().tolist() == [0, 1, 2]
    assert closed.attrs == {"close_m": 0.3, "close_m_by_class": {}}


def test_flood_cut_distances_by_hand(case):
    graph, dry, _, closed, _ = case
    out = network.flood_cut_distances(graph, dry, PARKS, closed)
    a = out.iloc[0]
    assert a["flood_hub_id"] == "KCN-B"
    assert a["road_km_dry"] == pytest.approx(4.0)
    assert a["road_km_rp10"] == pytest.approx(4.0)
    assert a["extra_km_rp10"] == pytest.approx(0.0)
    # S2 closed at 100 years: back west 0.5 km and round by the north road, 6 km
    assert a["road_km_rp100"] == pytest.approx(0.5 + 6.0 + 0.5)
    assert a["extra_km_rp100"] == pytest.approx(3.0)
    assert np.isnan(a["road_km_rp1000"])
    assert [a["cut_rp10"], a["cut_rp100"], a["cut_rp1000"]] == [False, False, True]
    assert a["isolated_rp1000"]
    assert a["first_cut_rp"] == 1000.0
    # 0/1 indicator at p = 0.1, 0.01, 0.001; trapezoid with a flat tail
    assert a["cut_annual_p"] == pytest.approx(0.009 * 0.5 + 0.001)
    assert (a["cut_ead_method"], a["cut_rare_tail"], a["cut_protection_rp"]) == (
        "trapezoid",
        "flat",
        10.0,
    )
    # the far cluster has no dry road distance: the flood columns say nothing
    far = out.iloc[1]
    assert far["flood_reason"] == "road_reason.site_far"
    assert pd.isna(far["cut_rp1000"])
    assert pd.isna(far["isolated_rp1000"])
    assert np.isnan(far["cut_annual_p"])
    assert out.index.equals(CLUSTERS.index)


def test_the_annual_probability_is_risk_expected_annual_of_the_indicator(case):
    graph, dry, _, closed, _ = case
    for method in ("step", "loglinear", "trapezoid"):
        out = network.flood_cut_distances(graph, dry, PARKS, closed, method=method,
                                          rare_tail="none", protection_rp=20)  # fmt: skip
        table = pd.DataFrame(
            {"site_id": "CCN-A", "return_period": [10, 100, 1000], "value": [0.0, 0.0, 1.0]}
        )
        want = risk.expected_annual(table, method=method, rare_tail="none", protection_rp=20)
        assert out["cut_annual_p"].iloc[0] == pytest.approx(want["ead"].iloc[0])
        assert out["cut_protection_rp"].iloc[0] == 20.0


def test_nothing_closed_gives_the_dry_distances_back(case):
    graph, dry, depths, _, _ = case
    none = network.closed_edges(graph, depths * 0)
    out = network.flood_cut_distances(graph, dry, PARKS, none)
    np.testing.assert_allclose(out["road_km_rp1000"], dry["road_km"])
    assert not out["cut_rp1000"].fillna(False).any()


def test_thresholds_by_road_class(case):
    graph, dry, depths, _, _ = case
    closed = network.closed_edges(
        graph, depths, close_m_by_class={"main": 0.6}, roads=ROADS, class_column="road_class"
    )
    # S2 (main) stays open under 0.5 m; the north road (minor) closes at 1000 years
    assert closed.sum().tolist() == [0, 0, 1]
    assert closed.loc[_edge_at(graph, 602000, 2241000), 1000.0]
    out = network.flood_cut_distances(graph, dry, PARKS, closed)
    assert out["road_km_rp1000"].iloc[0] == pytest.approx(4.0)


def test_segments_that_cut_the_links(case):
    graph, dry, depths, closed, _ = case
    cut = network.flood_cut_distances(graph, dry, PARKS, closed)
    seg = network.flood_cut_segments(graph, cut, PARKS, closed, depths=depths)
    # the north road is closed too, but it is not on the dry route
    assert seg["edge_id"].tolist() == [_edge_at(graph, 603000, 2240000)]
    row = seg.iloc[0]
    assert row["closed_rp"] == 100.0
    assert (row["links_cut_rp100"], row["links_cut_rp1000"], row["links_cut"]) == (0, 1, 1)
    assert row["links_cut_alone"] == 0  # alone, S2 leaves the north detour
    assert row["site_ids"] == "CCN-A"
    assert row["depth_m_rp1000"] == 0.5
    assert row["length_m"] == pytest.approx(2000.0)
    assert seg.crs.to_epsg() == 4326


def test_a_segment_that_cuts_alone(tmp_path):
    # one road only: closing its middle cuts the link by itself
    roads = gpd.GeoDataFrame(geometry=[LineString([W, M]), LineString([M, E])], crs=3405)
    graph = network.build_graph(roads)
    dry = network.road_distances(graph, CLUSTERS.iloc[:1], PARKS.assign(
        geometry=[Point(603900, 2240000)]))  # fmt: skip
    hz = {50.0: _raster(tmp_path / "a.tif", []), 500.0: _raster(tmp_path / "b.tif", [M])}
    closed = network.closed_edges(graph, network.edge_depths(graph, hz))
    parks = PARKS.assign(geometry=[Point(603900, 2240000)])
    cut = network.flood_cut_distances(graph, dry, parks, closed)
    assert cut["first_cut_rp"].iloc[0] == 500.0
    seg = network.flood_cut_segments(graph, cut, parks, closed)
    # both edges touch the flooded junction; the park's edge closed means the park is cut off
    assert sorted(seg["links_cut_alone"].tolist()) == [1.0, 1.0]


def test_a_geographic_raster_in_centimetres(tmp_path):
    graph = network.build_graph(ROADS)
    to_ll = pyproj.Transformer.from_crs(3405, 4326, always_xy=True)
    lon, lat = to_ll.transform(603000, 2240000)
    depth = np.zeros((10, 10), dtype="float32")
    depth[4, 4] = 80.0  # cm, in a cell of 0.0005° (about 52 m) on S2; the raster spans 0.005°
    path = tmp_path / "ll.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=10, height=10, count=1, dtype="float32",
        crs="EPSG:4326", transform=from_origin(lon - 0.00235, lat + 0.00235, 0.0005, 0.0005),
    ) as ds:  # fmt: skip
        ds.write(depth, 1)
    d = network.edge_depths(graph, {100: path}, units="cm")
    assert d.loc[_edge_at(graph, 603000, 2240000), 100.0] == pytest.approx(0.8)
    # an edge keeps the depth of its part inside the raster; S1 lies wholly outside: NaN
    assert np.isnan(d.loc[_edge_at(graph, 601000, 2240000), 100.0])


def test_nodata_is_no_depth_and_leaves_the_road_open(tmp_path):
    graph = network.build_graph(ROADS)
    path = _raster(tmp_path / "nd.tif", [(603000, 2240000)], value=-9999.0)
    d = network.edge_depths(graph, {100: path})
    s2 = _edge_at(graph, 603000, 2240000)
    assert d.loc[s2, 100.0] == 0.0  # the rest of the edge is dry land
    assert not network.closed_edges(graph, d).loc[s2, 100.0]


@settings(max_examples=40, deadline=None)
@given(
    st.tuples(st.floats(0, 5900), st.floats(0, 2400), st.floats(0, 5900), st.floats(0, 2400)),
    st.integers(0, 2**31),
)
def test_sampling_never_exceeds_a_dense_sampling(xyxy, seed):
    x0, y0, x1, y1 = xyxy
    line = LineString([(ORIGIN[0] + x0, ORIGIN[1] - y0), (ORIGIN[0] + x1, ORIGIN[1] - y1)])
    if line.length < 1:
        return
    graph = network.build_graph(gpd.GeoDataFrame(geometry=[line], crs=3405), tolerance_m=0)
    values = np.random.default_rng(seed).uniform(0, 3, (25, 60)).astype("float32")
    with rasterio.MemoryFile() as mem:
        with mem.open(
            driver="GTiff",
            width=60,
            height=25,
            count=1,
            dtype="float32",
            crs="EPSG:3405",
            transform=from_origin(*ORIGIN, 100, 100),
        ) as ds:
            ds.write(values, 1)
        with mem.open() as ds:
            got = network.edge_depths(graph, {10: ds})[10.0].iloc[0]
    dense = np.linspace(0, 1, int(line.length) + 2)
    pts = np.array([line.interpolate(t, normalized=True).coords[0] for t in dense])
    col = np.clip(((pts[:, 0] - ORIGIN[0]) // 100).astype(int), 0, 59)
    row = np.clip(((ORIGIN[1] - pts[:, 1]) // 100).astype(int), 0, 24)
    cells = values[row, col]
    # the half-cell samples lie on the line: at most the dense maximum, at least the ends
    assert got <= cells.max() + 1e-6
    assert got >= max(cells[0], cells[-1]) - 1e-6


def test_bad_inputs(case, tmp_path):
    graph, dry, depths, closed, hazards = case
    with pytest.raises(SchemaError, match="map return periods"):
        network.edge_depths(graph, list(hazards.values()))
    with pytest.raises(SchemaError, match="not a return period"):
        network.edge_depths(graph, {"x": hazards[10.0]})
    with pytest.raises(InputFileError, match="Cannot open"):
        network.edge_depths(graph, {10: tmp_path / "none.tif"})
    no_crs = tmp_path / "nocrs.tif"
    with rasterio.open(
        no_crs,
        "w",
        driver="GTiff",
        width=2,
        height=2,
        count=1,
        dtype="float32",
        transform=from_origin(0, 2, 1, 1),
    ) as ds:
        ds.write(np.zeros((2, 2), dtype="float32"), 1)
    with pytest.raises(CRSError, match="no CRS"):
        network.edge_depths(graph, {10: no_crs})
    with pytest.raises(SchemaError, match="close_m must be"):
        network.closed_edges(graph, depths, close_m=0)
    with pytest.raises(SchemaError, match="pass roads="):
        network.closed_edges(graph, depths, close_m_by_class={"main": 1})
    with pytest.raises(SchemaError, match="for this graph"):
        network.closed_edges(graph, depths.iloc[:2])
    with pytest.raises(SchemaError, match=r"output of network\.road_distances"):
        network.flood_cut_distances(graph, CLUSTERS, PARKS, closed)
    with pytest.raises(SchemaError, match="target='both'"):
        network.flood_cut_distances(graph, dry, PARKS, closed, hub="nearest_park")
    with pytest.raises(SchemaError, match="hub must be"):
        network.flood_cut_distances(graph, dry, PARKS, closed, hub="x")
    with pytest.raises(SchemaError, match="--ead-method"):
        network.flood_cut_distances(graph, dry, PARKS, closed, method="simpson")
    with pytest.raises(SchemaError, match="not among the parks"):
        network.flood_cut_distances(graph, dry.assign(road_park_id="KCN-X"), PARKS, closed)
    with pytest.raises(SchemaError, match="output of flood_cut_distances"):
        network.flood_cut_segments(graph, dry, PARKS, closed)


def test_inputs_are_not_changed(case):
    graph, dry, _, closed, _ = case
    before = dry.copy()
    network.flood_cut_distances(graph, dry, PARKS, closed)
    pd.testing.assert_frame_equal(dry, before)


def test_one_return_period_gives_no_annual_probability(case):
    graph, dry, _, closed, _ = case
    out = network.flood_cut_distances(graph, dry, PARKS, closed[[1000.0]])
    assert out["cut_rp1000"].iloc[0]
    assert out["first_cut_rp"].iloc[0] == 1000.0
    assert np.isnan(out["cut_annual_p"].iloc[0])
