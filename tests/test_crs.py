import geopandas as gpd
import pyproj
import pytest
from shapely.geometry import Point, box

from ninhbinh_geo import crs
from ninhbinh_geo._errors import CRSError


def _pts(xy, epsg=4326):
    return gpd.GeoDataFrame({"former_province": ["Ninh Bình"] * len(xy)},
                            geometry=[Point(x, y) for x, y in xy], crs=epsg)


def test_zone_crs_central_meridians():
    def lon_0(code):
        params = pyproj.CRS(code).coordinate_operation.params
        return next(p.value for p in params if p.name == "Longitude of natural origin")

    assert lon_0(crs.ZONE_CRS["105_00"]) == 105
    assert lon_0(crs.ZONE_CRS["105_30"]) == 105.5
    assert pyproj.CRS(crs.METRIC_CRS).utm_zone == "48N"


def test_no_crs_is_refused():
    g = gpd.GeoDataFrame(geometry=[Point(106, 20)])
    with pytest.raises(CRSError, match="has no CRS"):
        crs.to_metric(g, "clusters")


def test_projected_mislabelled_as_degrees():
    g = _pts([(598000.0, 2240000.0)])
    with pytest.raises(CRSError, match="metres, not degrees"):
        crs.to_storage(g, "clusters")


def test_swapped_lon_lat():
    g = _pts([(20.25, 105.97), (20.4, 106.1)])
    with pytest.raises(CRSError, match="look swapped"):
        crs.check_coordinates(g, "clusters")


def test_metric_area_is_not_degrees():
    # A 0.01° x 0.01° box near Ninh Bình is about 1.04 km x 1.11 km: ~116 ha, not 0.0001.
    g = gpd.GeoDataFrame(geometry=[box(105.95, 20.25, 105.96, 20.26)], crs=4326)
    area_ha = crs.to_metric(g).area.iloc[0] / 1e4
    geod_ha = abs(pyproj.Geod(ellps="WGS84").geometry_area_perimeter(g.geometry.iloc[0])[0]) / 1e4
    assert area_ha == pytest.approx(geod_ha, rel=2e-3)


def test_assert_metric_refuses_degrees():
    with pytest.raises(CRSError, match="not a projected CRS in metres"):
        crs.assert_metric("EPSG:4326")
    assert crs.assert_metric("EPSG:9209").to_epsg() == 9209


def test_pick_zone_by_majority_and_by_longitude():
    g = _pts([(106.2, 20.4)] * 3)
    g["former_province"] = ["Nam Định", "Nam Định", "Hà Nam"]
    assert crs.pick_zone(g) == "EPSG:9209"
    g2 = _pts([(105.9, 20.5), (105.8, 20.3), (106.3, 20.2)]).drop(columns="former_province")
    assert crs.pick_zone(g2) == "EPSG:9209"
    g3 = _pts([(105.1, 20.5), (105.2, 20.3)]).drop(columns="former_province")
    assert crs.pick_zone(g3) == "EPSG:5897"


def test_roundtrip_within_a_centimetre():
    g = _pts([(105.97, 20.25), (106.17, 20.42)])
    for target in ("EPSG:3405", "EPSG:5897", "EPSG:9209"):
        back = crs.to_metric(g, crs=target).to_crs(4326).to_crs(target)
        there = crs.to_metric(g, crs=target)
        assert back.distance(there).max() < 0.01


def test_crs_module_needs_only_pyproj():
    # the command line checks --zone with assert_metric before geopandas is imported
    import subprocess
    import sys

    code = "import sys, ninhbinh_geo.crs; print('geopandas' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_project_checked_is_to_crs_without_a_check():
    mislabelled = gpd.GeoDataFrame(geometry=[Point(600000, 2240000)], crs=4326)
    with pytest.raises(CRSError):
        crs.to_metric(mislabelled)
    # trusted: no check (the caller vouches for the layer)
    assert crs.project_checked(mislabelled.set_crs(3405, allow_override=True), 4326).crs == 4326
