"""Travel time on the road graph, and the service areas of the hubs (issue 14.1, 14.2)."""

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

import ninhbinh_geo as nb
from ninhbinh_geo._errors import SchemaError
from ninhbinh_geo.network import build_graph, service_areas, speeds, traveltime

X0, Y0 = 600_000.0, 2_240_000.0


def _roads(lines, levels):
    return gpd.GeoDataFrame({"level": levels}, geometry=lines, crs=3405)


@pytest.fixture(scope="module")
def tee():
    """A 10 km national road west–east and a 6 km provincial road north from its middle."""
    roads = _roads(
        [
            LineString([(X0, Y0), (X0 + 10_000, Y0)]),
            LineString([(X0 + 5_000, Y0), (X0 + 5_000, Y0 + 6_000)]),
        ],
        ["Quốc Gia", "Cấp Tỉnh"],
    )
    return roads, traveltime.with_speeds(build_graph(roads), roads)


def _site(ids, xy):
    return gpd.GeoDataFrame(
        {"site_id": ids, "name_vi": ids, "major": True},
        geometry=[Point(x, y) for x, y in xy],
        crs=3405,
    )


def test_speeds_stay_below_their_ceiling_and_are_cited():
    for c in speeds.SPEED_CLASSES.values():
        assert 0 < c.planning_kmh <= c.ceiling_kmh
        assert c.ceiling_basis.startswith("Art.")
    assert speeds.OPEN_TWO_WAY_CAR_KMH == 80
    assert speeds.TOWN_TWO_WAY_KMH == 50
    table = speeds.speed_table()
    assert (table["speed_kmh"] <= table["ceiling_kmh"]).all()
    assert table["source"].eq("Circular 31/2019/TT-BGTVT").all()


def test_edge_times_follow_the_class_speed(tee):
    roads, g = tee
    # 10 km at 50 km/h = 12 min in two 5 km edges; 6 km at 40 km/h = 9 min
    minutes = sorted(np.round(g.edge_time_s / 60, 9))
    assert minutes == [6.0, 6.0, 9.0]
    assert g.matrix is build_graph(roads).matrix or g.n_edges == 3
    faster = traveltime.with_speeds(g, roads, speeds_kmh={"Cấp Tỉnh": 30})
    assert sorted(np.round(faster.edge_time_s / 60, 9)) == [6.0, 6.0, 12.0]
    assert g.edge_time_s.sum() / 60 == pytest.approx(21.0)  # the input graph is unchanged


def test_speed_errors_name_the_fix(tee):
    roads, g = tee
    with pytest.raises(SchemaError, match="legal ceiling"):
        traveltime.with_speeds(g, roads, speeds_kmh={"Quốc Gia": 90})
    odd = roads.assign(level=["Quốc Gia", "Đường làng"])
    with pytest.raises(SchemaError, match=r"no speed for classes.*Đường làng"):
        traveltime.with_speeds(g, odd)
    with pytest.raises(SchemaError, match="positive"):
        traveltime.with_speeds(g, roads, speeds_kmh={"Quốc Gia": 0})
    with pytest.raises(SchemaError, match="with_speeds"):
        traveltime.travel_minutes(
            build_graph(roads), _site(["a"], [(X0, Y0)]), _site(["b"], [(X0, Y0)])
        )


def test_travel_minutes_by_hand(tee):
    _, g = tee
    # a: 1 km south of the west end (3 min at 20 km/h); b: 500 m east of the north end
    a, b = _site(["a"], [(X0, Y0 - 1000)]), _site(["b"], [(X0 + 5_500, Y0 + 6_000)])
    m = traveltime.travel_minutes(g, a, b)
    # leg 3 + 5 km national (6) + 6 km provincial (9) + leg 1.5 = 19.5 min
    assert m.loc["a", "b"] == pytest.approx(19.5)
    assert traveltime.travel_minutes(g, b, a).loc["b", "a"] == pytest.approx(19.5)
    far = _site(["c"], [(X0, Y0 - 4000)])
    assert np.isnan(traveltime.travel_minutes(g, far, b).loc["c", "b"])  # beyond 3 km
    same = _site(["d"], [(X0 + 1000, Y0)])
    assert traveltime.travel_minutes(g, a, same).loc["a", "d"] == pytest.approx(3 + 1.2)


def test_travel_minutes_agree_with_road_distances_on_the_embedded_data():
    roads = nb.datasets.load_roads()
    g = traveltime.with_speeds(build_graph(roads), roads)
    clusters, parks = nb.datasets.load_clusters(), nb.datasets.load_parks()
    hubs = parks[parks["major"]]
    m = traveltime.travel_minutes(g, clusters, hubs, max_snap_m=5000)
    rd = nb.network.road_distances(g, clusters, parks, target="all", max_snap_m=5000)
    ref = rd.pivot(index="site_id", columns="park_id", values="road_min").loc[m.index, m.columns]
    np.testing.assert_allclose(m.to_numpy(), ref.to_numpy(), rtol=1e-12, atol=1e-9)


def test_both_search_strategies_match_networkx():
    """From end nodes (few roads) or from the sources: the same seconds as networkx."""
    rng = np.random.default_rng(3)
    n, step = 12, 1000.0
    xs = np.arange(n) * step
    lines = [LineString([(X0, Y0 + y), (X0 + xs[-1], Y0 + y)]) for y in xs]
    lines += [LineString([(X0 + x, Y0), (X0 + x, Y0 + xs[-1])]) for x in xs]
    levels = rng.choice(["Quốc Gia", "Cấp Tỉnh", "Cấp Huyện"], len(lines)).tolist()
    roads = _roads(lines, levels)
    g = traveltime.with_speeds(build_graph(roads), roads)
    pts = shapely.points(rng.uniform([X0, Y0], [X0 + xs[-1], Y0 + xs[-1]], (40, 2)))
    kw = {"access_speed_kmh": 20.0, "max_snap_m": 3000.0}
    src = traveltime._places(g, pts[:30], **kw)
    dst = traveltime._places(g, pts[30:], **kw)
    few = np.vstack([t for _, t in traveltime._times(g, src, dst, batch=2)])  # sources mode
    many = np.vstack([t for _, t in traveltime._times(g, src, dst, batch=30)])  # nodes mode
    np.testing.assert_allclose(few, many, rtol=1e-12)
    nxg = nx.Graph()
    u, v = g.edge_nodes[:, 0], g.edge_nodes[:, 1]
    for a, b, w in zip(u, v, g.edge_time_s, strict=True):
        nxg.add_edge(int(a), int(b), weight=float(w))
    su, sv, s_u, s_v = traveltime._ends(g, src)
    du, dv, d_u, d_v = traveltime._ends(g, dst)
    for i in range(len(src)):
        nxg.add_edge("s", int(su[i]), weight=float(s_u[i]))
        nxg.add_edge("s", int(sv[i]), weight=float(s_v[i]))
        d = nx.single_source_dijkstra_path_length(nxg, "s")
        nxg.remove_node("s")
        for j in range(len(dst)):
            ref = min(d[int(du[j])] + d_u[j], d[int(dv[j])] + d_v[j])
            if src.edge[i] == dst.edge[j]:
                pace = g.edge_time_s[dst.edge[j]] / g.edge_length_m[dst.edge[j]]
                ref = min(ref, abs(src.along[i] - dst.along[j]) * pace)
            ref += src.leg_s[i] + dst.leg_s[j]
            assert few[i, j] == pytest.approx(ref, rel=1e-12)


def test_catchment_profile_matches_the_sums(tee):
    _, g = tee
    kw = {"access_speed_kmh": 20.0, "max_snap_m": 3000.0}
    rng = np.random.default_rng(0)
    pts = shapely.points(rng.uniform([X0, Y0 - 2000], [X0 + 10_000, Y0 + 6_000], (60, 2)))
    src, dst = traveltime._places(g, pts[:10], **kw), traveltime._places(g, pts[10:], **kw)
    w = rng.uniform(0, 100, len(dst))
    prof = traveltime._catchment_profile(g, src, dst, w, max_s=1800, step_s=60)
    sums = traveltime._catchment_sums(g, src, dst, w, np.arange(0, 1801, 60.0))[:, :, 0]
    np.testing.assert_allclose(prof, sums, rtol=1e-12)


def test_service_area_cuts_the_partly_reached_road(tee):
    _, g = tee
    hub = _site(["KCN-A"], [(X0, Y0)])
    sa = service_areas.service_areas(g, hub, minutes=[9], buffer_m=50)
    geom = sa.to_crs(3405).geometry.iloc[0]
    # 9 min: 5 km of national road (6 min) then 3 min on the provincial road = 2 km north,
    # and 7.5 km along the national road; plus the hub's own disc of 3 km (9 min at 20 km/h)
    _minx, _miny, maxx, maxy = geom.bounds
    assert maxx - X0 == pytest.approx(7_500 + 50, abs=1)
    assert maxy - Y0 == pytest.approx(3_000, abs=1)
    assert geom.contains(Point(X0 + 5_000, Y0 + 1_990))
    assert not geom.contains(Point(X0 + 5_000, Y0 + 2_100))
    # an untagged hub position counts as illustrative; a tagged one keeps "approximate" at best
    assert sa["accuracy"].iloc[0] == "illustrative"
    tagged = hub.assign(location_accuracy="surveyed")
    assert service_areas.service_areas(g, tagged, minutes=[9])["accuracy"].iloc[0] == "approximate"


def test_service_area_reach_off_the_road_shrinks_with_the_time_left(tee):
    _, g = tee
    hub = _site(["KCN-A"], [(X0, Y0)])
    cl = _site(["c1", "c2"], [(X0 + 2_000, Y0 + 1_000), (X0 + 7_000, Y0 + 1_000)])
    sa = service_areas.service_areas(g, hub, minutes=[6, 12], clusters=cl).set_index("minutes")
    geom = sa.to_crs(3405).geometry
    # at x km along the national road (1.2 min/km) the time left in 6 min is 6 − 1.2 x;
    # off the road at 20 km/h that reaches r(x) = (6 − 1.2 x) / 3 km; above x = 2 km the
    # discs reach up to max_x sqrt(r(x)² − (2 − x)²) = 1.309 km (at x = 1.43 km)
    assert geom[6.0].contains(Point(X0 + 2_000, Y0 + 1_250))
    assert not geom[6.0].contains(Point(X0 + 2_000, Y0 + 1_400))
    # c1: leg 3 min + 2.4 min + nothing: 5.4 min; c2: 3 + 8.4 = 11.4 min
    assert sa.loc[6.0, "clusters_within"] == 1
    assert sa.loc[6.0, "cluster_ids"] == "c1"
    assert sa.loc[12.0, "clusters_within"] == 2
    assert sa.loc[12.0, "area_km2"] > sa.loc[6.0, "area_km2"]


def test_service_area_of_a_hub_off_every_road(tee):
    _, g = tee
    hub = _site(["KCN-Z"], [(X0, Y0 + 50_000)])
    sa = service_areas.service_areas(g, hub, minutes=[30])
    assert sa["reason"].iloc[0] == "road_reason.park_far"
    assert sa.geometry.iloc[0].is_empty
    with pytest.raises(SchemaError, match="minutes"):
        service_areas.service_areas(g, hub, minutes=[0])


def test_service_areas_on_the_embedded_data_grow_with_the_budget():
    roads = nb.datasets.load_roads()
    g = traveltime.with_speeds(build_graph(roads), roads)
    sa = service_areas.service_areas(g, nb.datasets.load_parks(), max_snap_m=5000)
    wide = sa.pivot(index="park_id", columns="minutes", values="area_km2")
    reached = wide[45.0] > 0
    assert (wide.loc[reached, 15.0] < wide.loc[reached, 30.0]).all()
    assert (wide.loc[reached, 30.0] < wide.loc[reached, 45.0]).all()
    assert sa.crs.to_epsg() == 4326
    assert list(sa["minutes"].iloc[[0, -1]]) == [45.0, 15.0]
    assert pd.Series(sa["clusters_within"]).ge(0).all()


def test_legends_of_the_service_areas_and_of_the_clusters_by_travel_time():
    from ninhbinh_geo import styles

    sa = gpd.GeoDataFrame(
        {"minutes": [45.0, 30.0, 15.0], "accuracy": "approximate"},
        geometry=[Point(X0, Y0).buffer(r) for r in (3000, 2000, 1000)],
        crs=3405,
    )
    cl = gpd.GeoDataFrame(
        {"travel_min": [5.0, 20.0, 44.0, 70.0, np.nan], "accuracy": "approximate"},
        geometry=[Point(X0, Y0).buffer(100)] * 5,
        crs=3405,
    )
    lg = styles.default_legends({"service_areas": sa, "clusters": cl}, cluster_column="travel_min")
    areas = lg["service_areas"]
    assert [c.value for c in areas.classes] == [15.0, 30.0, 45.0]
    assert areas.classes[0].label_en == "within 15 min"
    assert len({c.color for c in areas.classes}) == 3
    tt = lg["traveltime"]
    assert tt.breaks[:3] == [15.0, 30.0, 45.0]
    assert [c.label_en for c in tt.classes] == [
        "within 15 min",
        "15–30 min",
        "30–45 min",
        "over 45 min",
    ]
    colors = [tt.color_for(v) for v in cl["travel_min"]]
    assert len(set(colors[:4])) == 4
    assert colors[4] == styles.NODATA_COLOR
