"""Tests of ninhbinh_geo.network: graph building and road distances on hand-made grids."""

from __future__ import annotations

import math

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from ninhbinh_geo import labels, network, proximity
from ninhbinh_geo._errors import CRSError, SchemaError
from ninhbinh_geo.network import distances, graph, joining, noding, snapping

X0, Y0 = 600_000.0, 2_240_000.0  # inside the province, EPSG:3405


def grid_roads(n: int = 4, step_m: float = 1000.0) -> gpd.GeoDataFrame:
    """Full-length lines of an n×n node grid (a 3×3 km grid for n=4), crossing unsplit."""
    span = (n - 1) * step_m
    lines = [LineString([(X0, Y0 + i * step_m), (X0 + span, Y0 + i * step_m)]) for i in range(n)]
    lines += [LineString([(X0 + i * step_m, Y0), (X0 + i * step_m, Y0 + span)]) for i in range(n)]
    return gpd.GeoDataFrame({"loai_duong": ["Đường chính"] * len(lines)}, geometry=lines, crs=3405)


def sites(points: dict[str, tuple[float, float]], index: list | None = None) -> gpd.GeoDataFrame:
    geoms = [Point(X0 + dx, Y0 + dy) for dx, dy in points.values()]
    return gpd.GeoDataFrame({"site_id": list(points)}, geometry=geoms, crs=3405, index=index)


def parks(points: dict[str, tuple[float, float]]) -> gpd.GeoDataFrame:
    out = sites(points)
    out["name_vi"] = ["KCN " + k for k in points]
    out["major"] = True
    return out


@pytest.fixture(scope="module")
def grid() -> network.RoadGraph:
    return network.build_graph(grid_roads())


def test_grid_is_noded_into_24_edges_of_1km(grid):
    assert grid.n_nodes == 16
    assert grid.n_edges == 24
    np.testing.assert_allclose(grid.edge_length_m, 1000.0)
    assert grid.components["length_km"].tolist() == [24.0]
    assert grid.crs.to_epsg() == 3405


def test_road_distance_on_grid_equals_hand_computed(grid):
    # park on the corner node; site 100 m east of the x=3 km road, at y=2.5 km:
    # 3 km east + 2.5 km north along the grid + 100 m snap = 5.6 km
    cl = sites({"CCN-A": (3100, 2500)}, index=[42])
    out = network.road_distances(grid, cl, parks({"P": (0, 0)}))
    row = out.loc[42]
    assert row["snap_m"] == pytest.approx(100.0)
    assert row["road_km"] == pytest.approx(5.6)
    assert row["road_straight_km"] == pytest.approx(math.hypot(3100, 2500) / 1000)
    assert row["detour_ratio"] == pytest.approx(5.6 / (math.hypot(3100, 2500) / 1000))
    assert pd.isna(row["road_reason"])
    assert row["component"] == row["park_component"] == 0


def test_points_in_the_middle_of_edges(grid):
    # park at 0.5 km on the bottom road; site 50 m above the same road at 1.5 km: 1 km + 50 m
    # second site on the park's own edge, 30 m below it at 0.2 km: 0.3 km + 30 m
    cl = sites({"A": (1500, 50), "B": (200, -30)})
    out = network.road_distances(grid, cl, parks({"P": (500, 0)}))
    assert out["road_km"].tolist() == pytest.approx([1.05, 0.33])


def test_nearest_park_is_nearest_by_road_and_all_lists_every_pair(grid):
    pk = parks({"P1": (0, 0), "P2": (3000, 3000)})
    cl = sites({"A": (2000, 2600), "B": (600, 0)})
    out = network.road_distances(grid, cl, pk)
    assert out["road_park_id"].tolist() == ["P2", "P1"]
    # A: snap 0 (on the y=3 km road? no: 400 m below it) -> on x=2 km road at y=2.6 km
    assert out["road_km"].tolist() == pytest.approx([1.4, 0.6])
    long = network.road_distances(grid, cl, pk, target="all")
    assert len(long) == 4
    table = long.set_index(["site_id", "park_id"])["road_km"]
    assert table[("A", "P1")] == pytest.approx(4.6)
    assert table[("B", "P2")] == pytest.approx(5.4)


def test_matches_networkx_on_a_jittered_grid():
    rng = np.random.default_rng(7)
    n, step = 8, 500.0
    xs, ys = np.meshgrid(np.arange(n) * step, np.arange(n) * step)
    xs = xs + rng.uniform(-80, 80, xs.shape)
    ys = ys + rng.uniform(-80, 80, ys.shape)
    rows = [LineString(np.c_[X0 + xs[i], Y0 + ys[i]]) for i in range(n)]
    cols = [LineString(np.c_[X0 + xs[:, j], Y0 + ys[:, j]]) for j in range(n)]
    g = network.build_graph(gpd.GeoDataFrame(geometry=rows + cols, crs=3405), tolerance_m=1)
    nxg = nx.Graph()
    for (u, v), w in zip(g.edge_nodes, g.edge_length_m, strict=True):
        nxg.add_edge(int(u), int(v), weight=float(w))
    park_node, site_nodes = 0, [10, 27, 40, 63]
    xy = g.nodes_xy
    pk = gpd.GeoDataFrame(
        {"site_id": ["P"], "name_vi": ["KCN P"], "major": [True]},
        geometry=[Point(xy[park_node])],
        crs=3405,
    )
    cl = gpd.GeoDataFrame(
        {"site_id": [f"S{i}" for i in site_nodes]},
        geometry=[Point(xy[i]) for i in site_nodes],
        crs=3405,
    )
    out = network.road_distances(g, cl, pk)
    expected = nx.single_source_dijkstra_path_length(nxg, park_node)
    np.testing.assert_allclose(
        out["road_km"].to_numpy() * 1000, [expected[i] for i in site_nodes], rtol=1e-9, atol=1e-5
    )


def test_disconnected_site_is_flagged_never_zero():
    roads = grid_roads()
    island = LineString([(X0 + 10_000, Y0), (X0 + 12_000, Y0)])
    roads = pd.concat(
        [roads, gpd.GeoDataFrame({"loai_duong": ["Đường chính"]}, geometry=[island], crs=3405)],
        ignore_index=True,
    )
    g = network.build_graph(roads)
    assert len(g.components) == 2
    cl = sites({"A": (11_000, 20), "B": (1000, 20)})
    out = network.road_distances(g, cl, parks({"P": (0, 0)}))
    a, b = out.iloc[0], out.iloc[1]
    assert np.isnan(a["road_km"])
    assert np.isnan(a["detour_ratio"])
    assert a["component"] != a["park_component"]
    # the only hub lies on another piece: the site reaches no hub at all
    assert a["road_reason"] == "road_reason.no_hub_reached"
    assert b["road_km"] == pytest.approx(1.02)
    # with the park given explicitly the reason is the different pieces
    cl["nearest_park_id"] = "P"
    out = network.road_distances(g, cl, parks({"P": (0, 0)}), target="nearest_park_id")
    assert out["road_reason"].iloc[0] == "road_reason.other_piece"


def test_site_beyond_snap_tolerance_gets_nan_and_reason(grid):
    cl = sites({"far": (1500, 5000), "near": (1500, 3200)})
    out = network.road_distances(grid, cl, parks({"P": (0, 0)}), max_snap_m=1000)
    assert np.isnan(out["road_km"].iloc[0])
    assert out["snap_m"].iloc[0] == pytest.approx(2000)
    assert out["road_reason"].iloc[0] == "road_reason.site_far"
    assert out["max_snap_m"].tolist() == [1000.0, 1000.0]
    assert out.attrs["max_snap_m"] == 1000.0
    assert out["road_km"].iloc[1] == pytest.approx(4.5 + 0.2)


def test_park_beyond_snap_tolerance(grid):
    out = network.road_distances(grid, sites({"A": (0, 0)}), parks({"P": (0, -5000)}))
    assert np.isnan(out["road_km"].iloc[0])
    assert out["road_reason"].iloc[0] == "road_reason.park_far"


def test_ends_within_tolerance_are_joined_and_dangles_tied():
    gap = gpd.GeoDataFrame(
        geometry=[
            LineString([(X0, Y0), (X0 + 1000, Y0)]),
            LineString([(X0 + 1005, Y0), (X0 + 2000, Y0)]),  # 5 m gap end to end
            LineString([(X0 + 1500, Y0 + 12), (X0 + 1500, Y0 + 800)]),  # T 12 m short
        ],
        crs=3405,
    )
    assert len(network.build_graph(gap, tolerance_m=0).components) == 3
    g = network.build_graph(gap, tolerance_m=20)
    assert len(g.components) == 1
    assert g.connectors == 1
    out = network.road_distances(g, sites({"A": (1500, 800)}), parks({"P": (0, 0)}))
    # gaps within tolerance_m are closed by merging their ends, so they count 0 m:
    # 1000 m + 495 m along the bottom road, then the 788 m of the T road
    assert out["road_km"].iloc[0] == pytest.approx(2.283)


def test_railway_is_left_out():
    roads = grid_roads()
    rail = LineString([(X0 - 500, Y0 + 500), (X0 + 3500, Y0 + 500)])
    roads = pd.concat(
        [roads, gpd.GeoDataFrame({"loai_duong": ["Đường sắt"]}, geometry=[rail], crs=3405)],
        ignore_index=True,
    )
    g = network.build_graph(roads)
    assert g.excluded_rows == 1
    assert g.n_edges == 24
    assert float(g.edge_length_m.sum()) == pytest.approx(24_000)


def test_speeds_give_travel_minutes(grid):
    g = network.build_graph(grid_roads(), speeds_kmh={"Đường chính": 60})
    out = network.road_distances(g, sites({"A": (3100, 2500)}), parks({"P": (0, 0)}))
    # 5.5 km at 60 km/h = 5.5 min; 100 m snap at 20 km/h = 0.3 min
    assert out["road_min"].iloc[0] == pytest.approx(5.8)
    with pytest.raises(SchemaError, match="no speed"):
        network.build_graph(grid_roads(), speeds_kmh={"Đường thứ cấp": 40})


def test_input_not_mutated_and_index_kept(grid):
    cl = sites({"A": (3100, 2500), "B": (100, 100)}, index=["x", "y"])
    pk = parks({"P": (0, 0)})
    before_cl, before_pk = cl.copy(), pk.copy()
    out = network.road_distances(grid, cl, pk)
    assert list(out.index) == ["x", "y"]
    assert out.crs == cl.crs
    pd.testing.assert_frame_equal(cl, before_cl)
    pd.testing.assert_frame_equal(pk, before_pk)
    roads = grid_roads()
    copy = roads.copy()
    network.build_graph(roads)
    pd.testing.assert_frame_equal(roads, copy)


def test_polygon_sites_and_lon_lat_fallback(grid):
    square = Polygon(
        [
            (X0 + 2900, Y0 + 2400),
            (X0 + 3300, Y0 + 2400),
            (X0 + 3300, Y0 + 2600),
            (X0 + 2900, Y0 + 2600),
        ]
    )
    cl = gpd.GeoDataFrame({"site_id": ["A", "B"]}, geometry=[square, None], crs=3405)
    cl = cl.to_crs(4326)
    lon, lat = cl.geometry.iloc[0].representative_point().coords[0]
    cl["lon"], cl["lat"] = [lon, lon], [lat, lat]
    out = network.road_distances(grid, cl, parks({"P": (0, 0)}).to_crs(4326))
    assert out["road_km"].iloc[0] == pytest.approx(out["road_km"].iloc[1], abs=0.01)
    cl.loc[1, ["lon", "lat"]] = np.nan
    with pytest.raises(SchemaError, match="no footprint and no lon/lat"):
        network.road_distances(grid, cl, parks({"P": (0, 0)}))


@pytest.mark.parametrize(
    ("layer", "error", "match"),
    [
        (gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 1, Y0)])]), CRSError, "no CRS"),
        (gpd.GeoDataFrame(geometry=[], crs=3405), SchemaError, "empty"),
        (gpd.GeoDataFrame(geometry=[Point(X0, Y0)], crs=3405), SchemaError, "Point"),
        (
            gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 900, Y0)])], crs=4326),
            CRSError,
            "metres, not degrees",
        ),
        (
            gpd.GeoDataFrame(geometry=[LineString([(105.9, 20.2), (106.0, 20.3)])], crs=3405),
            CRSError,
            "these are degrees",
        ),
        (pd.DataFrame({"a": [1]}), SchemaError, "GeoDataFrame"),
        (
            gpd.GeoDataFrame(
                {"loai_duong": ["Đường sắt"]},
                geometry=[LineString([(X0, Y0), (X0 + 900, Y0)])],
                crs=3405,
            ),
            SchemaError,
            "nothing is left",
        ),
    ],
)
def test_bad_roads_raise_clear_errors(layer, error, match):
    with pytest.raises(error, match=match):
        network.build_graph(layer)


def test_bad_parks_and_targets(grid):
    cl = sites({"A": (0, 0)})
    with pytest.raises(SchemaError, match="major"):
        network.road_distances(grid, cl, parks({"P": (0, 0)}).drop(columns="major"))
    with pytest.raises(SchemaError, match="target"):
        network.road_distances(grid, cl, parks({"P": (0, 0)}), target="fastest")
    with pytest.raises(SchemaError, match="nearest_park_id"):
        network.road_distances(grid, cl, parks({"P": (0, 0)}), target="nearest_park_id")
    cl["nearest_park_id"] = "Q"
    with pytest.raises(SchemaError, match="'Q'"):
        network.road_distances(grid, cl, parks({"P": (0, 0)}), target="nearest_park_id")


def test_embedded_roads_build_into_few_pieces():
    datasets = pytest.importorskip("ninhbinh_geo.datasets")
    try:
        roads = datasets.load_roads()
    except Exception as exc:  # the embedded data are built by another module
        pytest.skip(f"embedded roads not available: {exc}")
    g = network.build_graph(roads)
    pieces = g.components
    # the source is known to fall apart into a handful of pieces; the main one dominates
    assert 2 <= len(pieces) <= 8
    assert pieces["length_km"].iloc[0] > 0.5 * pieces["length_km"].sum()


def test_lines_shorter_than_tolerance_raise():
    tiny = gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 5, Y0)])], crs=3405)
    with pytest.raises(SchemaError, match="no edge is left"):
        network.build_graph(tiny, tolerance_m=20)


def test_speeds_by_road_class():
    roads = grid_roads()
    roads.loc[0, "loai_duong"] = "Đường thứ cấp"  # the y=0 road
    speeds = {"Đường thứ cấp": 60, "Đường chính": 30}
    g = network.build_graph(roads, speeds_kmh=speeds)
    out = network.road_distances(g, sites({"A": (2500, 30)}), parks({"P": (0, 0)}))
    # 2.5 km on the 60 km/h road = 2.5 min; 30 m snap at 20 km/h = 0.09 min
    assert out["road_min"].iloc[0] == pytest.approx(2.59)
    out = network.road_distances(g, sites({"B": (30, 2500)}), parks({"P": (0, 0)}))
    # 2.5 km up the x=0 road at 30 km/h = 5 min, + 0.09 min
    assert out["road_min"].iloc[0] == pytest.approx(5.09)


@pytest.mark.parametrize("edge_tree_max", [0, 5_000], ids=["blocks", "edge-tree"])
def test_box_snapping_equals_nearest_neighbour_search(monkeypatch, edge_tree_max):
    # a jittered 12×12 grid of 200 m: snap radius ~100 m, so the sites below mix points
    # inside the radius, points far outside it (the second pass) and points on nodes; the
    # block index (large graphs) and the STRtree of edges (small ones) both find them
    monkeypatch.setattr(snapping, "_EDGE_TREE_MAX_EDGES", edge_tree_max)
    rng = np.random.default_rng(3)
    n, step = 12, 200.0
    xs, ys = np.meshgrid(np.arange(n) * step, np.arange(n) * step)
    xs = xs + rng.uniform(-30, 30, xs.shape)
    ys = ys + rng.uniform(-30, 30, ys.shape)
    rows = [LineString(np.c_[X0 + xs[i], Y0 + ys[i]]) for i in range(n)]
    cols = [LineString(np.c_[X0 + xs[:, j], Y0 + ys[:, j]]) for j in range(n)]
    g = network.build_graph(gpd.GeoDataFrame(geometry=rows + cols, crs=3405), tolerance_m=1)
    xy = np.r_[
        rng.uniform([X0 - 3000, Y0 - 3000], [X0 + 5000, Y0 + 5000], (300, 2)),
        g.nodes_xy[:20],
    ]
    pts = np.array([Point(p) for p in xy])
    box_edge, box_snap, box_along = snapping._snap(g, pts)
    assert (g._index.edge_tree is None) == (edge_tree_max == 0)
    assert (box_snap > g._index.radius_m).sum() > 50  # the second pass did run
    # the same as the nearest-neighbour search of an STRtree of every edge
    (i_pt, nn_edge), nn_snap = shapely.STRtree(g.edge_geometry).query_nearest(
        pts, return_distance=True, all_matches=False
    )
    np.testing.assert_array_equal(i_pt, np.arange(len(pts)))
    np.testing.assert_allclose(box_snap, nn_snap, rtol=0, atol=1e-9)
    same = nn_edge == box_edge  # (on a node several edges are equally near)
    assert same.sum() > 150
    nn_along = shapely.line_locate_point(g.edge_geometry[nn_edge], pts)
    np.testing.assert_allclose(box_along[same], nn_along[same], rtol=0, atol=1e-6)
    # the nearest edge really is the nearest: brute force over every edge
    brute = shapely.distance(pts[:, None], g.edge_geometry[None, :])
    np.testing.assert_allclose(box_snap, brute.min(axis=1), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(box_edge, brute.argmin(axis=1))
    np.testing.assert_allclose(box_snap[-20:], 0, atol=1e-9)
    # the index reads the bounds the noding stage took from the coordinates
    np.testing.assert_array_equal(g.edge_bounds, shapely.bounds(g.edge_geometry))


def test_nodes_are_numbered_along_the_ground():
    # Morton order: the 16 nodes of the 3×3 km grid go quadrant by quadrant, so the four
    # nodes of the south-west 1×1 km square come first
    g = network.build_graph(grid_roads())
    first = g.nodes_xy[:4] - [X0, Y0]
    assert sorted(map(tuple, first.round())) == [(0, 0), (0, 1000), (1000, 0), (1000, 1000)]
    # renumbering keeps the matrix and the edge list in agreement
    u, v = g.edge_nodes[:, 0], g.edge_nodes[:, 1]
    np.testing.assert_allclose(np.asarray(g.matrix[u, v]).ravel(), g.edge_length_m)
    np.testing.assert_allclose(np.hypot(*(g.nodes_xy[u] - g.nodes_xy[v]).T), g.edge_length_m)


def test_keep_nearest_takes_the_lowest_edge_of_equally_near_ones_in_any_order():
    edge, snap = np.zeros(3, dtype=np.int64), np.full(3, np.inf)
    i_pt = np.array([2, 0, 2, 0, 0, 2])
    i_edge = np.array([9, 4, 3, 7, 2, 5])
    dist = np.array([1.0, 5.0, 1.0, 0.5, 0.5, 2.0])
    snapping._keep_nearest(edge, snap, i_pt, i_edge, dist)
    assert edge.tolist() == [2, 0, 3]  # point 1 had no candidate: left as it was
    assert snap.tolist() == [0.5, np.inf, 1.0]


def _translate(lines: np.ndarray, dx: float, dy: float) -> np.ndarray:
    return shapely.transform(lines, lambda xy: xy + np.array([dx, dy]))


def _old_edge_list(lines: np.ndarray, tolerance_m: float):
    """The edge list as the implementation before issue 10 made it: GEOS noding throughout."""

    def node(g: np.ndarray) -> np.ndarray:
        out = shapely.get_parts(shapely.node(shapely.multilinestrings(g)))
        return out[shapely.length(out) > 0]

    def ends_of(pieces: np.ndarray):
        coords, idx = shapely.get_coordinates(pieces, return_index=True)
        return joining._endpoints(coords, np.bincount(idx, minlength=len(pieces)))

    parts = shapely.get_parts(lines)
    pieces = node(parts[shapely.length(parts) > 0])
    ends, bounds = ends_of(pieces)
    labels, nodes_xy = joining._cluster_points(ends, tolerance_m)
    n_links = 0
    if tolerance_m > 0:
        as_lines = noding._Lines(
            shapely.get_coordinates(pieces), shapely.get_num_coordinates(pieces), pieces
        )
        as_lines, links = joining._connectors(as_lines, ends, labels, tolerance_m)
        n_links = len(links)
        if n_links:
            pieces = node(np.r_[as_lines.all(), links])
            ends, bounds = ends_of(pieces)
            labels, nodes_xy = joining._cluster_points(ends, tolerance_m)
    m = len(pieces)
    u, v, length = labels[:m], labels[m:], shapely.length(pieces)
    keep = u != v
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((length, b, a))
    order = order[keep[order]]
    first = np.r_[True, (a[order][1:] != a[order][:-1]) | (b[order][1:] != b[order][:-1])]
    sel = np.sort(order[first])
    return u[sel], v[sel], length[sel], pieces[sel], bounds[sel], nodes_xy, n_links


def _assert_same_edge_list(lines: np.ndarray, tolerance_m: float) -> None:
    u0, v0, len0, geom0, bounds0, xy0, links0 = _old_edge_list(lines, tolerance_m)
    _, _, (u, v, length, edge_lines, bounds), xy, links = graph._edge_list(lines, tolerance_m)
    # the same nodes, edges and lengths, in the same order, to the last bit
    np.testing.assert_array_equal(xy, xy0)
    np.testing.assert_array_equal(u, u0)
    np.testing.assert_array_equal(v, v0)
    np.testing.assert_array_equal(length, len0)
    np.testing.assert_array_equal(bounds, bounds0)
    assert shapely.equals_exact(edge_lines.all(), geom0, tolerance=0).all()
    assert links == links0


def test_numpy_noding_gives_the_graph_geos_noding_gave(monkeypatch):
    # crossings without a shared vertex, a T-junction (an end on another road's interior),
    # a shared vertex, collinear roads whose ends overlap, a multilinestring, a dangling
    # end 3 m short of a road (a connector at tolerance_m=5) and a closed ring
    layer = [
        LineString([(0, 0), (3000, 0)]),
        LineString([(0, 1000), (1400, 1000), (3000, 1000)]),
        LineString([(500, -500), (700, 1600)]),  # crosses both, no shared vertex
        LineString([(1400, 1000), (1500, 2000)]),  # shares a vertex with the 2nd road
        LineString([(2000, 0), (2000, 600)]),  # T-junction on the first road
        LineString([(2500, 1000), (3500, 1000)]),  # overlaps the end of the 2nd road
        MultiLineString([[(2600, -400), (2600, 1300)], [(2800, 300), (2800, 997)]]),
        LineString([(100, 1500), (400, 1500), (400, 1800), (100, 1800), (100, 1500)]),
    ]
    lines = _translate(np.array(layer, dtype=object), X0, Y0)
    monkeypatch.setattr(noding, "_GEOS_NODING_MAX_VERTICES", 0)  # the numpy noder here
    xy, part = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    assert not noding._folds(xy, part)
    for tolerance_m in (0.0, 5.0, 20.0):
        _assert_same_edge_list(lines, tolerance_m)
    g = network.build_graph(gpd.GeoDataFrame(geometry=lines, crs=3405), tolerance_m=5)
    assert g.connectors == 1


def test_numpy_noding_equals_geos_on_random_lattice_lines(monkeypatch):
    # lines on a 10 m lattice meet in every degenerate way: shared vertices, ends on other
    # roads, collinear overlaps, crossings at computed points; a third of them jittered
    monkeypatch.setattr(noding, "_GEOS_NODING_MAX_VERTICES", 0)
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(60):
        lines = []
        for _ in range(rng.integers(2, 30)):
            pts = rng.integers(0, 8, size=(rng.integers(2, 6), 2)).astype(float) * 10
            if rng.random() < 0.3:
                pts += rng.uniform(-3, 3, size=pts.shape)
            pts = pts[np.r_[True, (np.diff(pts, axis=0) != 0).any(axis=1)]] + [X0, Y0]
            if len(pts) > 1 and not noding._folds(pts, np.zeros(len(pts), dtype=int)):
                lines.append(LineString(pts))
        if len(lines) > 3 and rng.random() < 0.3:
            lines.append(MultiLineString([lines.pop().coords, lines.pop().coords]))
        lines = np.array(lines, dtype=object)
        if not len(lines):
            continue
        for tolerance_m in (0.0, 2.0, 5.0):
            try:
                _old_edge_list(lines, tolerance_m)
            except ValueError:  # every line collapsed: nothing to compare
                continue
            _assert_same_edge_list(lines, tolerance_m)
            checked += 1
    assert checked > 150


def test_lines_that_fold_back_are_noded_by_geos():
    # a repeated vertex and a line turning back on itself: GEOS nodes them by rules of its
    # own, so they go to GEOS, and the graph is the one GEOS noding gives
    lines = _translate(
        np.array(
            [
                LineString([(0, 0), (1000, 0), (1000, 0), (1000, 800)]),
                LineString([(500, -300), (500, 300), (500, 100)]),
            ],
            dtype=object,
        ),
        X0,
        Y0,
    )
    xy, part = shapely.get_coordinates(lines, return_index=True)
    assert noding._folds(xy, part)
    for tolerance_m in (0.0, 20.0):
        _assert_same_edge_list(lines, tolerance_m)


# ---------------------------------------------------------------------------------------------
# both parks of a cluster; one access leg for sites and parks; reasons; reuse of the stages


def test_both_names_the_straight_nearest_and_the_road_nearest_hub(grid):
    # A: 1.0 km in a straight line from the site, but 1.2 km off the grid; B on the grid
    cl = sites({"C": (1500, 3100)})
    cl["nearest_park_id"] = "A"
    pk = parks({"A": (1500, 4200), "B": (0, 0)})
    out = network.road_distances(grid, cl, pk, target="both", max_snap_m=1500)
    row = out.iloc[0]
    # to A: 100 m leg, 0 m along the top road, 1200 m leg = 1.3 km
    assert row["road_km_to_nearest"] == pytest.approx(1.3, abs=1e-9)
    assert pd.isna(row["road_reason_to_nearest"])
    # nearest by road is A too (B: 0.1 + 1.5 + 3 km)
    assert row["road_park_id"] == "A"
    # with a 1 km leg A is out of reach: B by road, 4.6 km, and A has no road distance
    out = network.road_distances(grid, cl, pk, target="both", max_snap_m=1000)
    row = out.iloc[0]
    assert (row["road_park_id"], row["road_park"]) == ("B", "KCN B")
    assert row["road_km"] == pytest.approx(0.1 + 1.5 + 3.0, abs=1e-9)
    assert np.isnan(row["road_km_to_nearest"])
    assert row["road_reason_to_nearest"] == "road_reason.park_far"
    assert pd.isna(row["road_reason"])


def test_parks_and_sites_get_the_same_access_leg(grid):
    # a park 4.9 km off the grid is measured with a 5 km leg, one 5.1 km off is not, and the
    # same holds for a site
    near_park = parks({"P": (0, -4900)})
    far_park = parks({"P": (0, -5100)})
    near_site, far_site = sites({"S": (3000, 7900)}), sites({"S": (3000, 8100)})
    ok = network.road_distances(grid, near_site, near_park, max_snap_m=5000)
    assert ok["road_km"].iloc[0] == pytest.approx(4.9 + 3 + 3 + 4.9, abs=1e-9)
    for cl, pk, reason in (
        (near_site, far_park, "road_reason.park_far"),
        (far_site, near_park, "road_reason.site_far"),
    ):
        out = network.road_distances(grid, cl, pk, max_snap_m=5000, target="all")
        assert np.isnan(out["road_km"].iloc[0])
        assert out["road_reason"].iloc[0] == reason
    with pytest.raises(SchemaError, match="max_snap_m"):
        network.road_distances(grid, near_site, near_park, max_snap_m=-1)


def test_road_reasons_are_label_keys():
    assert len(set(network.ROAD_REASONS)) == 5
    for key in network.ROAD_REASONS:
        assert key.startswith("road_reason.")
        assert labels.label(key, "vi") != labels.label(key, "en")


def test_sites_are_snapped_from_the_points_proximity_measures_from(grid):
    # an illustrative square drawn 600 m east of its location point, and a real outline
    # whose lon/lat lies elsewhere: road distances start from the same points as the
    # straight lines of proximity
    sq = Polygon(
        [
            (X0 + 2900, Y0 + 2400),
            (X0 + 3300, Y0 + 2400),
            (X0 + 3300, Y0 + 2600),
            (X0 + 2900, Y0 + 2600),
        ]
    )
    cl = gpd.GeoDataFrame(
        {"site_id": ["ILL", "REAL"], "footprint_accuracy": ["illustrative", "digitized"]},
        geometry=[sq, sq],
        crs=3405,
    ).to_crs(4326)
    lonlat = gpd.GeoSeries([Point(X0 + 2500, Y0 + 2500)] * 2, crs=3405).to_crs(4326)
    cl["lon"], cl["lat"] = lonlat.x.to_numpy(), lonlat.y.to_numpy()
    pk = parks({"P": (0, 0)})
    near = proximity.nearest_parks(cl, pk)
    out = network.road_distances(grid, near, pk, target="both")
    np.testing.assert_allclose(out["road_straight_km"], near["straight_km_points"], atol=1e-6)
    # ILL from (2500, 2500): 500 m to the x=2 or x=3 km road; REAL from (3100, 2500): 100 m
    assert out["snap_m"].tolist() == pytest.approx([500.0, 100.0], abs=1e-3)


def _edge_between(g: network.RoadGraph, a: tuple, b: tuple) -> int:
    xy = g.nodes_xy - [X0, Y0]
    na = int(np.flatnonzero(np.hypot(*(xy - a).T) < 1e-6)[0])
    nb = int(np.flatnonzero(np.hypot(*(xy - b).T) < 1e-6)[0])
    ends = g.edge_nodes
    return int(
        np.flatnonzero(
            ((ends[:, 0] == na) & (ends[:, 1] == nb)) | ((ends[:, 0] == nb) & (ends[:, 1] == na))
        )[0]
    )


def test_closed_edges_rerun_the_same_search_on_the_same_snaps(grid):
    # the stages a flood-cut run reuses: snap once, measure with the edges left open
    cl = sites({"S": (2000, 500), "ON_CUT": (1500, 0)})
    pk = parks({"P": (0, 0)})
    snapped = distances._Snapped.of(grid, cl, pk)
    open_all = distances._measure(grid, snapped, pk)
    assert open_all.road_m[0].tolist() == pytest.approx([2500.0, 1500.0])
    cut = np.ones(grid.n_edges, dtype=bool)
    cut[_edge_between(grid, (1000, 0), (2000, 0))] = False
    closed = distances._measure(grid, snapped, pk, open_edges=cut)
    # around the closed edge: up to y=1 km, across and down 500 m = 3.5 km; the site on the
    # closed edge reaches nothing
    assert closed.road_m[0, 0] == pytest.approx(3500.0)
    assert np.isinf(closed.road_m[0, 1])
    reason, valid = distances._reasons(closed, max_snap_m=1000)
    assert valid[0].tolist() == [True, False]
    assert reason[0, 1] == "road_reason.no_route"
    # travel times run through the same stages
    timed = network.build_graph(grid_roads(), speeds_kmh={"Đường chính": 36})
    minutes = distances._measure(timed, distances._Snapped.of(timed, cl, pk), pk, open_edges=cut)
    # 3.5 km at 36 km/h = 5.833 min
    assert minutes.minutes[0, 0] == pytest.approx(3500 / 10 / 60)


def _slanted_t(angle: float, at: list[float], gap_m: float) -> gpd.GeoDataFrame:
    """A 1 km road at ``angle`` and side roads 100 m long, ending ``gap_m`` short of it."""
    d = np.array([math.cos(angle), math.sin(angle)])
    n = np.array([-d[1], d[0]])
    lines = [LineString([(X0, Y0), (X0 + 1000 * d[0], Y0 + 1000 * d[1])])]
    for f in at:
        foot = np.array([X0, Y0]) + 1000 * f * d
        lines.append(LineString([foot + 100 * n, foot + gap_m * n]))
    return gpd.GeoDataFrame(geometry=lines, crs=3405)


@pytest.mark.parametrize(
    ("angle", "at", "gap_m"),
    [(0.61, [0.5], 0.06), (0.3, [0.37], 3.3), (1.1, [0.613], 0.06), (0.7, [0.3, 0.7], 0.5)],
)
@pytest.mark.parametrize("geos_max_vertices", [0, noding._GEOS_NODING_MAX_VERTICES])
def test_a_dangling_end_just_off_a_slanted_road_is_tied_to_it(
    angle, at, gap_m, geos_max_vertices, monkeypatch
):
    # the nearest point on a slanted road is rounded off it: without making it a vertex of
    # the road, the connector would not meet the road and the side road would stay apart
    # (with the numpy noder and with GEOS alike)
    monkeypatch.setattr(noding, "_GEOS_NODING_MAX_VERTICES", geos_max_vertices)
    g = network.build_graph(_slanted_t(angle, at, gap_m))
    assert len(g.components) == 1
    assert g.connectors == len(at)
    # a site at the far end of the first side road, a park at the start of the road
    d = np.array([math.cos(angle), math.sin(angle)])
    top = 1000 * at[0] * d + 100 * np.array([-d[1], d[0]])
    out = network.road_distances(g, sites({"S": tuple(top)}), parks({"P": (0, 0)}))
    # the gap counts 0 m (its ends were joined): along the road, then up the side road
    assert out["road_km"].iloc[0] == pytest.approx((1000 * at[0] + 100 - gap_m) / 1000, abs=1e-6)


def test_a_dangling_end_nearest_to_a_vertex_of_a_road_is_tied_at_that_vertex():
    bent = LineString([(X0, Y0), (X0 + 500, Y0 + 300), (X0 + 1000, Y0)])
    side = LineString([(X0 + 500, Y0 + 400), (X0 + 500, Y0 + 305)])  # 5 m above the bend
    g = network.build_graph(gpd.GeoDataFrame(geometry=[bent, side], crs=3405))
    assert len(g.components) == 1
    assert g.n_edges == 3
