"""Property tests (hypothesis) of the analyses on geometric edge cases.

Footprints are drawn in EPSG:3405 around the province and handed over in EPSG:4326 (see
tests/strategies.py): polygons with holes, multipolygons, slivers (< 1 m wide), tiny (< 0.01 ha)
and huge (> 1,000 ha) footprints, shared edges, points on boundaries, sites on road vertices.
The named cases always run through ``@example``. Runs are derandomized and keep no example
database, so the file is deterministic; budgets keep it well under 90 s on 2 busy cores.
"""

from __future__ import annotations

import contextlib
import copy
import math
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import rasterio
import shapely
from hypothesis import HealthCheck, Phase, example, given, reject, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, Polygon, box
from strategies import (
    ANCHOR,
    EDGE_CASES,
    anchors,
    build_roads,
    build_sites,
    footprints,
    grid_lines,
    site_numbers,
)

from ninhbinh_geo import crs, efficiency, exposure, network, proximity, sealevel, zoning
from ninhbinh_geo._errors import DataCoverageError, SchemaError
from ninhbinh_geo.network import snapping

PROPS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MM = 1e-3  # one millimetre, in metres


def _metric(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Footprints in EPSG:3405, indexed by site_id (the reference the analyses must match)."""
    return gpd.GeoSeries(gdf.geometry.to_crs(3405).values, index=gdf["site_id"].to_numpy())


def _permutation(n: int) -> st.SearchStrategy[list[int]]:
    return st.permutations(list(range(n)))


# ---------------------------------------------------------------------------------------------
# exposure: exposed area within the footprint, depth classes within the exposed area

DEPTH_VALUES = [0.0, 0.05, 0.1, 0.3, 0.5, 0.99, 1.0, 1.5, 2.0, 4.7, math.nan]
NODATA = -9999.0


@st.composite
def depth_grids(draw: st.DrawFn) -> dict:
    """A depth pattern (values on and between the class breaks, NaN = nodata) and a grid."""
    pattern = draw(
        hnp.arrays(
            np.float64,
            st.tuples(st.integers(1, 6), st.integers(1, 6)),
            elements=st.sampled_from(DEPTH_VALUES),
        )
    )
    return {
        "pattern": pattern,
        "cell_m": draw(st.sampled_from([3.0, 10.0, 40.0, 150.0, 600.0])),
        "cover": draw(st.floats(0.6, 1.3)),
        "offset": draw(st.tuples(st.floats(0, 1), st.floats(0, 1))),
        "crs": draw(st.sampled_from(["EPSG:3405", "EPSG:3405", "EPSG:4326"])),
    }


def _write_depth(path: Path, sites: gpd.GeoDataFrame, grid: dict) -> Path:
    """Write ``grid`` as a GeoTIFF over the sites (covering ``cover`` of their extent)."""
    target = grid["crs"]
    minx, miny, maxx, maxy = sites.to_crs(target).total_bounds
    cell = grid["cell_m"] if target == "EPSG:3405" else grid["cell_m"] / 105_000.0
    span_x, span_y = (maxx - minx) * grid["cover"], (maxy - miny) * grid["cover"]
    nx = int(min(max(math.ceil(span_x / cell) + 1, 1), 60))
    ny = int(min(max(math.ceil(span_y / cell) + 1, 1), 60))
    left = minx - grid["offset"][0] * cell
    top = maxy + grid["offset"][1] * cell
    data = np.resize(grid["pattern"], (ny, nx))
    data = np.where(np.isnan(data), NODATA, data).astype("float32")
    profile = {
        "driver": "GTiff",
        "width": nx,
        "height": ny,
        "count": 1,
        "dtype": "float32",
        "crs": target,
        "transform": from_origin(left, top, cell, cell),
        "nodata": NODATA,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return path


def _exposure(sites: gpd.GeoDataFrame, grid: dict, **kw) -> gpd.GeoDataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_depth(Path(tmp) / "depth_rp00100.tif", sites, grid)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # partial coverage is part of the test
            try:
                return exposure.raster_exposure(sites, {100: path}, **kw)
            except DataCoverageError:
                reject()  # the drawn grid holds only nodata over every site


FULL_WET = {
    "pattern": np.array([[0.3, 1.2], [2.5, 0.7]]),
    "cell_m": 40.0,
    "cover": 1.3,
    "offset": (0.5, 0.5),
    "crs": "EPSG:3405",
}
COARSE = {**FULL_WET, "cell_m": 600.0, "pattern": np.array([[2.0]])}
LONLAT = {**FULL_WET, "crs": "EPSG:4326", "pattern": np.array([[0.1, math.nan], [1.0, 0.5]])}


@settings(PROPS, max_examples=25)
@given(geoms=footprints(1, 3), grid=depth_grids())
@example(geoms=EDGE_CASES["hole"], grid=FULL_WET)
@example(geoms=EDGE_CASES["multipolygon"], grid=FULL_WET)
@example(geoms=EDGE_CASES["sliver"], grid=COARSE)
@example(geoms=EDGE_CASES["tiny"], grid=COARSE)
@example(geoms=EDGE_CASES["huge"], grid=LONLAT)
@example(geoms=EDGE_CASES["shared_edge"], grid=FULL_WET)
def test_exposed_area_never_exceeds_footprint(geoms, grid):
    sites = build_sites(geoms)
    out = _exposure(sites, grid).set_index("site_id")
    foot_ha = _metric(sites).area / 1e4
    # Cells of a lon/lat grid are measured on the ellipsoid and scaled to EPSG:3405 at one
    # point of the site; 1e-4 of relative slack absorbs that, 1e-7 the rounding elsewhere.
    rtol = 1e-4 if grid["crs"] == "EPSG:4326" else 1e-7
    classes = [c for c in out.columns if c.startswith("class_")]
    for site_id, row in out.iterrows():
        tol = rtol * foot_ha[site_id] + 1e-9
        if np.isnan(row["exposed_ha"]):
            assert row["coverage_share"] == 0, site_id
            assert row["reason"], site_id
            continue
        assert 0 <= row["exposed_ha"] <= foot_ha[site_id] + tol, (site_id, row["exposed_ha"])
        assert all(row[c] >= 0 for c in classes)
        assert sum(row[c] for c in classes) <= row["exposed_ha"] + tol
        assert sum(row[c] for c in classes) >= row["exposed_ha"] - tol
        assert 0 <= row["coverage_share"] <= 1
        if not np.isnan(row["exposed_share"]):
            assert 0 <= row["exposed_share"] <= 1 + 1e-9
        if row["exposed_ha"] > 0:
            assert row["mean_depth_m"] <= row["max_depth_m"] + 1e-9


# ---------------------------------------------------------------------------------------------
# proximity: straight-line distances


@st.composite
def two_layers(draw: st.DrawFn) -> tuple[list, list]:
    """Clusters and parks around one anchor; some clusters are points on a park's boundary."""
    a = draw(anchors())
    clusters = draw(footprints(1, 3, anchor=a))
    parks = draw(footprints(1, 3, anchor=a))
    on_edge = draw(st.lists(st.floats(0, 1), max_size=2))
    clusters += [parks[0].boundary.interpolate(f, normalized=True) for f in on_edge]
    return clusters, parks


_X, _Y = ANCHOR
NAMED_PAIRS = [
    # a cluster sharing an edge with a park, and a point on the park's boundary
    (
        [box(_X, _Y, _X + 300, _Y + 200), Point(_X + 450, _Y + 200)],
        [box(_X + 300, _Y, _X + 600, _Y + 200)],
    ),
    # a cluster inside the hole of a park, and a sliver touching the park's corner
    (
        [
            box(_X + 150, _Y + 150, _X + 250, _Y + 250),
            box(_X + 400, _Y + 400, _X + 1400, _Y + 400.3),
        ],
        EDGE_CASES["hole"],
    ),
    # a tiny cluster 5 km from a huge park and a multipolygon cluster
    (EDGE_CASES["tiny"] + EDGE_CASES["multipolygon"], [box(_X - 9000, _Y, _X - 5000, _Y + 3000)]),
]


@settings(PROPS, max_examples=30)
@given(layers=two_layers())
@example(layers=NAMED_PAIRS[0])
@example(layers=NAMED_PAIRS[1])
@example(layers=NAMED_PAIRS[2])
def test_straight_distances_non_negative_symmetric_and_metric(layers):
    a = build_sites(layers[0], kind="CCN")
    b = build_sites(layers[1], kind="KCN")
    ab = proximity.distance_matrix(a, b, form="wide", major_only=False)
    ba = proximity.distance_matrix(b, a, form="wide", major_only=False)
    assert (ab.to_numpy() >= 0).all()
    assert np.isfinite(ab.to_numpy()).all()
    np.testing.assert_allclose(ab.to_numpy(), ba.to_numpy().T, rtol=0, atol=1e-12)
    # edge to edge = shapely distance of the footprints in EPSG:3405, in km (1 µm slack)
    ref = shapely.distance(_metric(a).to_numpy()[:, None], _metric(b).to_numpy()[None, :]) / 1000
    np.testing.assert_allclose(ab.to_numpy(), ref, rtol=0, atol=1e-9)
    long = proximity.distance_matrix(a, b, major_only=False)
    # points lie inside their footprints, so they are never closer than the footprints
    assert (long["straight_km_points"] >= long["straight_km"] - 1e-12).all()
    near = proximity.nearest_parks(a, b, major_only=False).set_index("site_id")
    np.testing.assert_allclose(near["straight_km"], ab.min(axis=1).to_numpy(), atol=1e-12)
    assert (near["straight_km"] >= 0).all()
    assert (near["straight_km_points"] >= 0).all()


# ---------------------------------------------------------------------------------------------
# network: road distance never beats the straight line between the snapped points


def _bend(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """A vertex of the diagonal road strictly inside the first grid cell (not a junction)."""
    return xs[0] + (xs[1] - xs[0]) / 2, ys[0] + (ys[1] - ys[0]) / 3


def _roads(xs: list[float], ys: list[float]) -> gpd.GeoDataFrame:
    roads = build_roads(xs, ys)
    bx, by = _bend(xs, ys)
    bent = LineString([(xs[0], ys[0]), (bx, by), (xs[-1], ys[-1])])
    extra = gpd.GeoDataFrame(
        {"road_class": ["Tỉnh lộ"], "accuracy": ["illustrative"]}, geometry=[bent], crs=3405
    ).to_crs(4326)
    return pd.concat([roads, extra], ignore_index=True)


@st.composite
def road_cases(draw: st.DrawFn) -> dict:
    a = draw(anchors())
    xs, ys = draw(grid_lines(a))
    # keep at least two lines each way so that the grid has a cell for the bent road
    if len(xs) < 2:
        xs = [*xs, xs[0] + 700]
    if len(ys) < 2:
        ys = [*ys, ys[0] + 900]
    inner = (xs[0] + 200, ys[0] + 200)
    return {
        "xs": xs,
        "ys": ys,
        "clusters": draw(footprints(1, 3, anchor=inner)),
        "parks": draw(footprints(1, 2, anchor=inner)),
        "node": (draw(st.sampled_from(xs)), draw(st.sampled_from(ys))),
    }


NAMED_ROADS = {
    "xs": [_X, _X + 1000, _X + 2000],
    "ys": [_Y, _Y + 800],
    "clusters": EDGE_CASES["hole"] + EDGE_CASES["sliver"] + EDGE_CASES["tiny"],
    "parks": EDGE_CASES["multipolygon"] + EDGE_CASES["huge"],
    "node": (_X + 1000, _Y + 800),
}


def _snapped(roads_m: shapely.Geometry, pts: np.ndarray) -> np.ndarray:
    return shapely.get_point(shapely.shortest_line(pts, roads_m), 1)


@settings(PROPS, max_examples=20)
@given(case=road_cases())
@example(case=NAMED_ROADS)
def test_road_distance_at_least_straight_between_snapped_points(case):
    xs, ys = case["xs"], case["ys"]
    roads = _roads(xs, ys)
    graph = network.build_graph(roads)
    vertex_sites = [Point(*case["node"]), Point(*_bend(xs, ys))]
    clusters = build_sites(case["clusters"] + vertex_sites, kind="CCN")
    parks = build_sites(case["parks"], kind="KCN")
    out = network.road_distances(graph, clusters, parks, target="all", max_snap_m=1e9)
    assert (out["snap_m"] >= 0).all()
    assert (out["park_snap_m"] >= 0).all()
    ok = out["road_km"].notna()
    assert ok.all(), out.loc[~ok, "road_reason"].tolist()  # one connected grid
    road_m = out["road_km"] * 1000
    assert (road_m >= out["road_straight_km"] * 1000 - MM).all()
    # the network part alone is at least the straight line between the snapped points
    roads_m = shapely.union_all(roads.to_crs(3405).geometry.values)
    s_pt = _snapped(roads_m, _metric(clusters).representative_point().to_numpy())
    p_pt = _snapped(roads_m, _metric(parks).representative_point().to_numpy())
    s_of = dict(zip(clusters["site_id"], s_pt, strict=True))
    p_of = dict(zip(parks["site_id"], p_pt, strict=True))
    between = np.array(
        [
            shapely.distance(s_of[s], p_of[p])
            for s, p in zip(out["site_id"], out["park_id"], strict=True)
        ]
    )
    net_m = road_m - out["snap_m"] - out["park_snap_m"]
    assert (net_m.to_numpy() >= between - MM).all(), (net_m.to_numpy() - between).min()
    # the sites placed on a junction and on a bend of a road snap onto it (0 m to rounding of
    # the round trip through EPSG:4326)
    vertex_ids = clusters["site_id"].iloc[-2:].tolist()
    snaps = out.loc[out["site_id"].isin(vertex_ids), "snap_m"]
    assert (snaps <= 1e-6).all(), snaps.tolist()


@st.composite
def snap_cases(draw: st.DrawFn) -> dict:
    """Random roads (short and long, crossing or not) and points near, on and far from them."""
    n = draw(st.integers(1, 60))
    coord = st.floats(0, 20_000, allow_nan=False)
    ends = draw(hnp.arrays(float, (n, 4), elements=coord))
    # a few long roads next to many short ones: blocks of very different sizes
    short = draw(hnp.arrays(np.bool_, n))
    ends[short, 2:] = ends[short, :2] + (ends[short, 2:] - 10_000) / 40
    pts = draw(
        hnp.arrays(float, (draw(st.integers(1, 40)), 2), elements=st.floats(-30_000, 50_000))
    )
    return {"ends": ends, "pts": pts, "on_vertex": draw(st.booleans())}


@pytest.mark.parametrize("edge_tree_max", [0, 5_000], ids=["blocks", "edge-tree"])
@settings(PROPS, max_examples=40)
@given(case=snap_cases())
def test_snapping_finds_the_nearest_edge(case, edge_tree_max):
    e = case["ends"]
    lines = shapely.linestrings(np.stack([e[:, :2] + [_X, _Y], e[:, 2:] + [_X, _Y]], axis=1))
    lines = lines[shapely.length(lines) > 30]  # longer than the 20 m join tolerance
    if not len(lines):
        reject()
    saved, snapping._EDGE_TREE_MAX_EDGES = snapping._EDGE_TREE_MAX_EDGES, edge_tree_max
    try:
        graph = network.build_graph(gpd.GeoDataFrame(geometry=lines, crs=3405))
    except SchemaError:
        reject()
    finally:
        snapping._EDGE_TREE_MAX_EDGES = saved
    assert (graph._index.edge_tree is None) == (edge_tree_max == 0)
    xy = case["pts"] + [_X, _Y]
    if case["on_vertex"]:
        xy = np.r_[xy, graph.nodes_xy[:5]]
    pts = shapely.points(xy)
    edge, snap, along = snapping._snap(graph, pts)
    brute = shapely.distance(pts[:, None], graph.edge_geometry[None, :])
    np.testing.assert_allclose(snap, brute.min(axis=1), rtol=0, atol=1e-9)
    # of equally near edges the lowest number
    np.testing.assert_array_equal(edge, np.argmax(brute <= brute.min(axis=1)[:, None], axis=1))
    assert ((along >= 0) & (along <= graph.edge_length_m[edge])).all()


# ---------------------------------------------------------------------------------------------
# results do not depend on row order


def _by_site(
    df: pd.DataFrame, cols: list[str], keys: tuple[str, ...] = ("site_id",)
) -> pd.DataFrame:
    return df.set_index(list(keys)).sort_index()[cols]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-12)


@st.composite
def site_layers(draw: st.DrawFn, min_size: int = 2, max_size: int = 5) -> gpd.GeoDataFrame:
    geoms = draw(footprints(min_size, max_size))
    numbers = draw(site_numbers(len(geoms)))
    return build_sites(geoms, numbers=numbers)


@st.composite
def layer_and_permutation(draw: st.DrawFn, min_size: int = 2, max_size: int = 5) -> tuple:
    sites = draw(site_layers(min_size, max_size))
    return sites, draw(_permutation(len(sites)))


NAMED_LAYER = build_sites(
    EDGE_CASES["hole"] + EDGE_CASES["sliver"] + EDGE_CASES["tiny"] + EDGE_CASES["shared_edge"],
    numbers={
        "area_ha": [12.0, 0.0, None, 6.0, 8.75],
        "leasable_ha": [10.0, 0.0, 1.0, None, 5.0],
        "leased_ha": [5.0, 0.0, None, 2.0, 5.0],
        "occupancy_pct": [None, 30.0, None, 40.0, None],
        "jobs": [100.0, 5.0, None, 0.0, 30.0],
        "status": ["operating", "planned", "established", "operating", "operating"],
    },
)
REVERSED = [4, 3, 2, 1, 0]


@settings(PROPS, max_examples=20)
@given(case=layer_and_permutation())
@example(case=(NAMED_LAYER, REVERSED))
def test_site_indicators_do_not_depend_on_row_order(case):
    sites, perm = case
    cols = ["occupancy_pct", "occupancy_basis", "occupancy_pct_reason", "jobs_per_ha"]
    cols += ["jobs_per_ha_reason", "projects_per_ha", "projects_per_ha_reason"]
    a = efficiency.site_indicators(sites)
    b = efficiency.site_indicators(sites.iloc[perm])
    _same(_by_site(a, cols), _by_site(b, cols))


@st.composite
def parks_case(draw: st.DrawFn) -> tuple:
    a = draw(anchors())
    clusters = build_sites(draw(footprints(2, 5, anchor=a)), kind="CCN")
    parks = build_sites(draw(footprints(1, 3, anchor=a)), kind="KCN")
    return clusters, parks, draw(_permutation(len(clusters))), draw(_permutation(len(parks)))


NAMED_PARKS = build_sites(EDGE_CASES["multipolygon"] + EDGE_CASES["huge"], kind="KCN")


@settings(PROPS, max_examples=20)
@given(case=parks_case())
@example(case=(NAMED_LAYER, NAMED_PARKS, REVERSED, [0, 1]))
def test_nearest_parks_do_not_depend_on_row_order(case):
    clusters, parks, perm, _ = case
    cols = ["nearest_park_id", "straight_km", "straight_km_points", "is_satellite"]
    a = _by_site(proximity.nearest_parks(clusters, parks, max_km=3.0), [*cols, "satellite_rank"])
    b = proximity.nearest_parks(clusters.iloc[perm], parks, max_km=3.0)
    b = _by_site(b, [*cols, "satellite_rank"])
    _same(a[cols], b[cols])
    # clusters exactly as far from their park (duplicate outlines) share ranks between them in
    # any order (see test_satellite_rank_ties_do_not_depend_on_row_order); the set is fixed
    tie = ["nearest_park_id", "straight_km", "straight_km_points"]
    ranks_a = a.groupby(tie, dropna=False)["satellite_rank"].agg(lambda r: sorted(r.dropna()))
    ranks_b = b.groupby(tie, dropna=False)["satellite_rank"].agg(lambda r: sorted(r.dropna()))
    assert ranks_a.to_dict() == ranks_b.to_dict()


TRIPLETS = build_sites(EDGE_CASES["hole"] * 3)


@settings(PROPS, max_examples=5, phases=[Phase.explicit, Phase.generate])
@given(case=parks_case())
@example(case=(TRIPLETS, NAMED_PARKS, [2, 0, 1], [0, 1]))
def test_satellite_rank_ties_do_not_depend_on_row_order(case):
    clusters, parks, perm, _ = case
    a = proximity.nearest_parks(clusters, parks, max_km=3.0)
    b = proximity.nearest_parks(clusters.iloc[perm], parks, max_km=3.0)
    _same(_by_site(a, ["satellite_rank"]), _by_site(b, ["satellite_rank"]))


@settings(PROPS, max_examples=10, phases=[Phase.explicit, Phase.generate])
@given(case=parks_case())
@example(case=(NAMED_LAYER, NAMED_PARKS, REVERSED, [1, 0]))
def test_nearest_parks_do_not_depend_on_park_order(case):
    clusters, parks, _, park_perm = case
    cols = ["nearest_park_id", "straight_km", "straight_km_points", "is_satellite"]
    cols += ["satellite_rank"]
    a = proximity.nearest_parks(clusters, parks, max_km=3.0)
    b = proximity.nearest_parks(clusters, parks.iloc[park_perm], max_km=3.0)
    _same(_by_site(a, cols), _by_site(b, cols))


ROAD_COLS = ["road_park_id", "snap_m", "park_snap_m", "road_km", "road_straight_km"]
ROAD_COLS += ["detour_ratio", "component", "park_component", "road_reason"]


@settings(PROPS, max_examples=15)
@given(case=road_cases(), data=st.data())
@example(case=NAMED_ROADS, data=None)
def test_road_distances_do_not_depend_on_row_order(case, data):
    graph = network.build_graph(_roads(case["xs"], case["ys"]))
    clusters = build_sites(case["clusters"] + [Point(*case["node"])], kind="CCN")
    parks = build_sites(case["parks"], kind="KCN")
    n = len(clusters)
    perm = list(range(n))[::-1] if data is None else data.draw(_permutation(n))
    a = network.road_distances(graph, clusters, parks)
    b = network.road_distances(graph, clusters.iloc[perm], parks)
    _same(_by_site(a, ROAD_COLS), _by_site(b, ROAD_COLS))


# two parks digitised with the same outline (a park and its extension drawn as one polygon)
TWIN_PARKS = {**NAMED_ROADS, "parks": EDGE_CASES["multipolygon"] * 2}


@settings(PROPS, max_examples=5, phases=[Phase.explicit, Phase.generate])
@given(case=road_cases())
@example(case=TWIN_PARKS)
def test_road_distances_do_not_depend_on_park_order(case):
    graph = network.build_graph(_roads(case["xs"], case["ys"]))
    clusters = build_sites(case["clusters"] + [Point(*case["node"])], kind="CCN")
    parks = build_sites(case["parks"], kind="KCN")
    a = network.road_distances(graph, clusters, parks)
    b = network.road_distances(graph, clusters, parks.iloc[::-1])
    _same(_by_site(a, ROAD_COLS), _by_site(b, ROAD_COLS))


@settings(PROPS, max_examples=12)
@given(case=layer_and_permutation(2, 4), grid=depth_grids())
@example(case=(NAMED_LAYER, REVERSED), grid=FULL_WET)
def test_raster_exposure_does_not_depend_on_row_order(case, grid):
    sites, perm = case
    cols = ["exposed_ha", "exposed_share", "mean_depth_m", "max_depth_m", "coverage_share"]
    cols += [*exposure.class_columns(), "reason"]
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_depth(Path(tmp) / "depth_rp00100.tif", sites, grid)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                a = exposure.raster_exposure(sites, {100: path})
            except DataCoverageError:
                reject()
            b = exposure.raster_exposure(sites.iloc[perm], {100: path})
    _same(_by_site(a, cols), _by_site(b, cols))


def _zoning_layers(sites: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """Dykes, rivers, heritage zones and housing laid across the sites (EPSG:3405 → 4326)."""
    minx, miny, maxx, maxy = sites.to_crs(3405).total_bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    dykes = gpd.GeoDataFrame(
        {"grade": ["I", "IV"], "river_side": ["left", "right"], "corridor_m": [None, 10.0]},
        geometry=[
            LineString([(minx - 50, cy), (maxx + 50, cy)]),
            LineString([(cx, miny), (cx, maxy)]),
        ],
        crs=3405,
    ).to_crs(4326)
    rivers = gpd.GeoDataFrame(
        {"corridor_m": [30.0]}, geometry=[LineString([(minx, miny), (maxx, maxy)])], crs=3405
    ).to_crs(4326)
    heritage = gpd.GeoDataFrame(
        {"zone": ["I", "II"]},
        geometry=[box(cx, cy, cx + 100, cy + 100), box(minx - 500, miny - 500, minx + 20, maxy)],
        crs=3405,
    ).to_crs(4326)
    residential = gpd.GeoDataFrame(
        geometry=[box(maxx + 200, cy, maxx + 400, cy + 200), Point(minx - 80, miny - 80)], crs=3405
    ).to_crs(4326)
    return {"dykes": dykes, "rivers": rivers, "heritage": heritage, "residential": residential}


def _exposure_table(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    """A hand-made exposure table (shares from the footprint area: synthetic)."""
    share = (_metric(sites).area.to_numpy() % 1000) / 1000
    return pd.DataFrame(
        {
            "site_id": sites["site_id"].to_numpy(),
            "hazard": "flood_rp100",
            "return_period": 100.0,
            "exposed_share": share,
            "coverage_share": 1.0,
            "accuracy": "approximate",
        }
    )


@settings(PROPS, max_examples=10)
@given(case=layer_and_permutation(2, 5))
@example(case=(NAMED_LAYER, REVERSED))
def test_zoning_check_does_not_depend_on_row_order(case):
    sites, perm = case
    layers = _zoning_layers(sites)
    table = _exposure_table(sites)
    cols = ["result", "measured", "threshold", "basis", "reason"]
    a = zoning.check(sites, layers=layers, exposure=table)
    b = zoning.check(sites.iloc[perm], layers=layers, exposure=table.iloc[perm[::-1]])
    _same(_by_site(a, cols, ("site_id", "rule_id")), _by_site(b, cols, ("site_id", "rule_id")))


# ---------------------------------------------------------------------------------------------
# inputs are never mutated


def _snapshot(*frames: pd.DataFrame) -> list:
    return [(f, copy.deepcopy(f), copy.deepcopy(f.attrs)) for f in frames]


def _assert_untouched(snaps: list) -> None:
    for frame, before, attrs in snaps:
        assert list(frame.columns) == list(before.columns)
        pd.testing.assert_index_equal(frame.index, before.index, exact=True)
        assert frame.attrs == attrs
        assert frame.dtypes.equals(before.dtypes)
        geo_cols = []
        if isinstance(before, gpd.GeoDataFrame):
            assert isinstance(frame, gpd.GeoDataFrame)
            assert frame.crs == before.crs
            assert frame.geometry.name == before.geometry.name
            geo_cols = [c for c in before.columns if before[c].dtype.name == "geometry"]
            for col in geo_cols:
                assert list(shapely.to_wkb(frame[col].values)) == list(
                    shapely.to_wkb(before[col].values)
                ), col
        pd.testing.assert_frame_equal(
            pd.DataFrame(frame.drop(columns=geo_cols)),
            pd.DataFrame(before.drop(columns=geo_cols)),
            check_exact=True,
        )


BOWTIE = Polygon([(_X, _Y), (_X + 200, _Y + 200), (_X + 200, _Y), (_X, _Y + 200)])


def _twisted(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Replace the first footprint by a self-intersecting bow tie over its bounds (invalid:
    the analyses repair it, and must do so on a copy)."""
    minx, miny, maxx, maxy = (
        gpd.GeoSeries([sites.geometry.iloc[0]], crs=4326).to_crs(3405).total_bounds
    )
    tie = Polygon([(minx, miny), (maxx, maxy), (maxx, miny), (minx, maxy)])
    out = sites.copy()
    out.geometry.values[0] = gpd.GeoSeries([tie], crs=3405).to_crs(4326).iloc[0]
    return out


@settings(PROPS, max_examples=12)
@given(sites=site_layers(1, 4), grid=depth_grids(), twist=st.booleans())
@example(sites=NAMED_LAYER, grid=FULL_WET, twist=False)
@example(sites=build_sites([BOWTIE] + EDGE_CASES["hole"]), grid=FULL_WET, twist=False)
def test_exposure_functions_do_not_mutate_input(sites, grid, twist):
    if twist:
        sites = _twisted(sites)
    zones = gpd.GeoDataFrame(
        {"zone": ["flood", "flood", "coast"]},
        geometry=[g.buffer(5) for g in EDGE_CASES["huge"]] + [BOWTIE, EDGE_CASES["hole"][0]],
        crs=3405,
    ).to_crs(4326)
    zones.attrs = {"source": "synthetic"}
    snaps = _snapshot(sites, zones)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write_depth(Path(tmp) / "depth.tif", sites, grid)
        path10 = _write_depth(Path(tmp) / "depth10.tif", sites, {**grid, "cover": 1.2})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            try:
                table = exposure.raster_exposure(sites, {100: path, 10: path10})
            except DataCoverageError:
                reject()
            exposure.zone_exposure(sites, zones, class_column="zone")
            exposure.depth_zones({100: path})
    _assert_untouched(snaps)
    tsnap = _snapshot(table)
    exposure.expected_annual_exposure(table)
    _assert_untouched(tsnap)


@settings(PROPS, max_examples=8)
@given(sites=site_layers(1, 5))
@example(sites=NAMED_LAYER)
def test_efficiency_and_zoning_do_not_mutate_input(sites):
    layers = _zoning_layers(sites)
    table = _exposure_table(sites)
    snaps = _snapshot(sites, table, *layers.values())
    out = efficiency.site_indicators(sites)
    efficiency.aggregate(sites, by="former_province")
    efficiency.aggregate(sites, by="district_old")
    efficiency.classify(out, "jobs_per_ha", scheme="FisherJenks", k=3)
    findings = zoning.check(sites, layers=layers, exposure=table, group_by="former_province")
    _assert_untouched(snaps)
    fsnap = _snapshot(findings)
    zoning.summarize(findings)
    _assert_untouched(fsnap)


@settings(PROPS, max_examples=12)
@given(case=road_cases())
@example(case=NAMED_ROADS)
def test_proximity_and_network_do_not_mutate_input(case):
    roads = _roads(case["xs"], case["ys"])
    roads.attrs = {"source": "synthetic grid"}
    clusters = build_sites(case["clusters"] + [Point(*case["node"])], kind="CCN")
    parks = build_sites(case["parks"], kind="KCN")
    snaps = _snapshot(clusters, parks, roads)
    distances = proximity.distance_matrix(clusters, parks)
    near = proximity.nearest_parks(clusters, parks)
    graph = network.build_graph(roads)
    snaps += _snapshot(near, distances)
    proximity.satellite_links(near, parks)
    network.road_distances(graph, clusters, parks)
    network.road_distances(graph, near, parks, target="nearest_park_id")
    network.road_distances(graph, clusters, parks, target="all")
    _assert_untouched(snaps)


@settings(PROPS, max_examples=8)
@given(geoms=footprints(1, 2), slr_cm=st.floats(0, 300))
@example(geoms=EDGE_CASES["hole"], slr_cm=80.0)
def test_sealevel_does_not_mutate_sea_layer(geoms, slr_cm):
    sea = build_sites(geoms)[["site_id", "geometry"]]
    sea.attrs = {"source": "synthetic sea"}
    snaps = _snapshot(sea)
    minx, miny, maxx, maxy = sea.to_crs(3405).total_bounds
    z = np.linspace(-1, 3, 64, dtype="float32").reshape(8, 8)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dem.tif"
        cell = max(maxx - minx, maxy - miny) / 6 + 1
        with rasterio.open(
            path,
            "w",
            driver="GTiff",
            width=8,
            height=8,
            count=1,
            dtype="float32",
            crs="EPSG:3405",
            transform=from_origin(minx - cell, maxy + cell, cell, cell),
        ) as dst:
            dst.write(z, 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            # a sea drawn finer than the DEM cells covers no cell centre: refused, fine here
            with contextlib.suppress(DataCoverageError):
                sealevel.inundation_depth(path, slr_cm=slr_cm, sea=sea)
    _assert_untouched(snaps)


# ---------------------------------------------------------------------------------------------
# reprojection round trips stay within 1 cm


@settings(PROPS, max_examples=20)
@given(geoms=footprints(1, 3), pts=st.lists(anchors(), min_size=1, max_size=3))
@example(geoms=EDGE_CASES["sliver"] + EDGE_CASES["hole"], pts=[(562_000.0, 2_202_000.0)])
@example(geoms=EDGE_CASES["multipolygon"], pts=[(652_000.0, 2_292_000.0)])
def test_reprojection_round_trips_within_a_centimetre(geoms, pts):
    layer = gpd.GeoDataFrame(
        {"k": range(len(geoms) + len(pts))},
        geometry=list(geoms) + [Point(p) for p in pts],
        crs=3405,
    )
    start = shapely.get_coordinates(layer.geometry.values)
    storage = crs.to_storage(layer)
    # storage coordinates agree with an independent pyproj transformation (1 cm at 20° N is
    # about 9e-8 degrees)
    tr = pyproj.Transformer.from_crs(3405, 4326, always_xy=True)
    lon, lat = tr.transform(start[:, 0], start[:, 1])
    got = shapely.get_coordinates(storage.geometry.values)
    assert np.abs(got - np.c_[lon, lat]).max() < 9e-8
    back = crs.to_metric(storage)
    assert np.abs(shapely.get_coordinates(back.geometry.values) - start).max() < 0.01
    hop = crs.to_metric(crs.to_metric(storage, crs="EPSG:5897"), crs="EPSG:9209")
    hop = crs.to_metric(crs.to_storage(crs.to_metric(hop, crs="EPSG:5897")))
    assert np.abs(shapely.get_coordinates(hop.geometry.values) - start).max() < 0.01
    for zone in ("EPSG:5897", "EPSG:9209"):
        zoned = crs.to_metric(storage, crs=zone)
        again = crs.to_metric(crs.to_storage(zoned), crs=zone)
        diff = shapely.get_coordinates(again.geometry.values) - shapely.get_coordinates(
            zoned.geometry.values
        )
        assert np.abs(diff).max() < 0.01
    # areas survive the trip too (to 1e-8 relative: 1 cm² in a hectare)
    np.testing.assert_allclose(back.area.to_numpy(), layer.area.to_numpy(), rtol=1e-8, atol=1e-6)
