"""Tests of ninhbinh_geo.schema.validate_sites: every refusal names layer, column, rows and fix."""

from __future__ import annotations

import unicodedata

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from ninhbinh_geo import schema
from ninhbinh_geo._errors import CRSError, EncodingError, SchemaError


def _sites(n: int = 3, **overrides: object) -> gpd.GeoDataFrame:
    """Small illustrative clusters near Ninh Bình city (made up, not real footprints)."""
    ids = [f"CCN-NB-T{i}" for i in range(n)]
    data = {
        "site_id": ids,
        "name_vi": [f"CCN Thử {i}" for i in range(n)],
        "kind": ["CCN"] * n,
        "former_province": ["Ninh Bình"] * n,
        "status": ["operating"] * n,
        "area_ha": [10.0 + i for i in range(n)],
        "source": ["test fixture (illustrative)"] * n,
        "source_date": ["2025-07-01"] * n,
        "licence": ["CC0"] * n,
        "accuracy": ["illustrative"] * n,
    }
    data.update(overrides)
    geoms = [box(105.90 + 0.02 * i, 20.20, 105.91 + 0.02 * i, 20.21) for i in range(n)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs="EPSG:4326", index=[10 * i for i in range(n)])


def test_valid_layer_is_copied_in_4326_with_index_and_types():
    sites = _sites().to_crs("EPSG:3405")
    sites["has_wwtp"] = [True, None, False]
    sites["status_year"] = [2010, None, 2021.0]
    sites["area_ha"] = sites["area_ha"].astype(object)
    before = sites.copy()
    out = schema.validate_sites(sites, layer="clusters", kind="CCN")
    assert out.crs.to_epsg() == 4326
    assert list(out.index) == [0, 10, 20]
    assert out.attrs["repairs"] == []
    assert str(out["has_wwtp"].dtype) == "boolean"
    assert out["has_wwtp"].isna().tolist() == [False, True, False]
    assert str(out["status_year"].dtype) == "Int64"
    assert out["status_year"].tolist()[::2] == [2010, 2021]
    assert out["area_ha"].dtype == np.float64
    # input untouched: still in EPSG:3405 with object areas
    pd.testing.assert_frame_equal(sites, before)
    assert sites.crs.to_epsg() == 3405
    # the round trip 4326 -> 3405 -> 4326 lands on the original corner (within 1e-7 degree, about 1 cm;
    # the VN-2000 datum shift is not exactly invertible)
    assert out.geometry.iloc[0].bounds == pytest.approx((105.90, 20.20, 105.91, 20.21), abs=1e-7)


def test_constants():
    assert schema.STATUS_VALUES == ("planned", "established", "operating", "suspended", "ceased")
    assert schema.KIND_VALUES == ("CCN", "KCN")
    assert {"site_id", "geometry", "source", "licence", "accuracy"} <= set(schema.REQUIRED_COLUMNS)
    assert "source_url" not in schema.REQUIRED_COLUMNS


def test_no_crs():
    sites = _sites().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"Layer 'clusters' has no CRS.*set_crs"):
        schema.validate_sites(sites, layer="clusters")


def test_projected_coordinates_labelled_as_degrees():
    metric = _sites().to_crs("EPSG:5897")
    mislabelled = metric.set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(CRSError, match=r"metres, not degrees.*EPSG:5897"):
        schema.validate_sites(mislabelled, layer="clusters")


def test_lon_lat_swapped():
    sites = _sites()
    sites.geometry = shapely.transform(sites.geometry.values, lambda xy: xy[:, ::-1])
    with pytest.raises(CRSError, match=r"longitude and latitude look swapped"):
        schema.validate_sites(sites, layer="clusters")


def test_missing_required_column():
    with pytest.raises(
        SchemaError, match=r"Layer 'parks' lacks the required column\(s\) \['status'\]"
    ):
        schema.validate_sites(_sites().drop(columns="status"), layer="parks")


def test_missing_provenance_says_how_to_add_it():
    sites = _sites().drop(columns=["licence", "source_date"])
    with pytest.raises(SchemaError) as err:
        schema.validate_sites(sites, layer="mine")
    msg = str(err.value)
    assert "provenance column(s) ['source_date', 'licence']" in msg
    assert "with_provenance(gdf, source=" in msg
    assert "io.harmonise()" in msg


def test_source_url_is_optional():
    out = schema.validate_sites(_sites())
    assert "source_url" not in out.columns


def test_wrong_type_area():
    sites = _sites(area_ha=[10.0, "mười", 12.0])
    with pytest.raises(
        SchemaError, match=r"column 'area_ha': expected a number, found 'mười' in rows 'CCN-NB-T1'"
    ):
        schema.validate_sites(sites)


def test_wrong_type_boolean():
    sites = _sites()
    sites["has_wwtp"] = [True, "có", False]
    with pytest.raises(SchemaError, match=r"column 'has_wwtp': expected True/False, found 'có'"):
        schema.validate_sites(sites)


def test_boolean_flag_must_be_known():
    sites = _sites()
    sites["major"] = [True, None, False]
    with pytest.raises(SchemaError, match=r"column 'major': missing values in rows 'CCN-NB-T1'"):
        schema.validate_sites(sites)


def test_unknown_craft_village_and_mountainous_stay_unknown():
    # no source says which clusters are craft-village or mountainous: NA, never a made-up False
    sites = _sites()
    sites["craft_village"] = [True, None, False]
    sites["mountainous"] = [None, None, None]
    out = schema.validate_sites(sites)
    assert out["craft_village"].dtype == "boolean"
    assert out["craft_village"].isna().tolist() == [False, True, False]
    assert out["mountainous"].isna().all()


def test_wrong_type_text():
    with pytest.raises(SchemaError, match=r"column 'site_id': expected text, found int"):
        schema.validate_sites(_sites(site_id=[1, 2, 3]))


def test_duplicate_id():
    sites = _sites(site_id=["CCN-A", "CCN-B", "CCN-A"])
    with pytest.raises(SchemaError, match=r"column 'site_id': duplicate ids 'CCN-A', 'CCN-A'"):
        schema.validate_sites(sites)


def test_status_not_allowed():
    sites = _sites(status=["operating", "active", "planned"])
    with pytest.raises(
        SchemaError,
        match=r"column 'status': value\(s\) \['active'\] not allowed in rows 'CCN-NB-T1'\. "
        r"Allowed: planned, established, operating",
    ):
        schema.validate_sites(sites)


def test_kind_not_allowed_and_kind_filter():
    with pytest.raises(SchemaError, match=r"column 'kind': value\(s\) \['cluster'\]"):
        schema.validate_sites(_sites(kind=["CCN", "cluster", "CCN"]))
    with pytest.raises(SchemaError, match=r"validated as kind='KCN'"):
        schema.validate_sites(_sites(), kind="KCN")


def test_accuracy_class_not_allowed():
    with pytest.raises(SchemaError, match=r"column 'accuracy'.*\['exact'\].*surveyed, digitized"):
        schema.validate_sites(_sites(accuracy=["exact", "illustrative", "illustrative"]))


def test_implausible_area_names_rows_and_values():
    sites = _sites(area_ha=[10.0, 125000.0, 0.0])
    with pytest.raises(SchemaError) as err:
        schema.validate_sites(sites)
    msg = str(err.value)
    assert "implausible area (125000, 0 ha) in rows 'CCN-NB-T1', 'CCN-NB-T2'" in msg
    assert "divide by 10,000" in msg


def test_unknown_area_is_nan_not_refused():
    out = schema.validate_sites(_sites(area_ha=[10.0, np.nan, 12.0]))
    assert np.isnan(out["area_ha"].iloc[1])


def test_invalid_ring_refused_then_repaired_and_reported():
    sites = _sites()
    # a bow-tie: the ring crosses itself at (105.95, 20.25)
    bowtie = Polygon([(105.94, 20.24), (105.96, 20.26), (105.96, 20.24), (105.94, 20.26)])
    sites.loc[10, "geometry"] = bowtie
    with pytest.raises(
        SchemaError, match=r"invalid geometry in rows 'CCN-NB-T1' \(Self-intersection"
    ):
        schema.validate_sites(sites)
    with pytest.warns(UserWarning, match=r"repaired 1 invalid geometries"):
        out = schema.validate_sites(sites, repair=True)
    repaired = out.geometry.loc[10]
    expected = MultiPolygon(
        [
            Polygon([(105.94, 20.24), (105.95, 20.25), (105.94, 20.26)]),
            Polygon([(105.96, 20.24), (105.95, 20.25), (105.96, 20.26)]),
        ]
    )
    assert repaired.is_valid
    assert repaired.normalize().equals_exact(expected.normalize(), tolerance=1e-9)
    assert out.attrs["repairs"] == [
        "geometry: repaired 1 invalid geometries with shapely.make_valid (rows 'CCN-NB-T1'; "
        "first problem: Self-intersection[105.95 20.25])"
    ]
    assert not sites.geometry.loc[10].is_valid  # input not mutated


def test_empty_geometry():
    sites = _sites()
    sites.loc[20, "geometry"] = Polygon()
    sites.loc[0, "geometry"] = None
    with pytest.raises(
        SchemaError, match=r"empty or missing geometry in rows 'CCN-NB-T0', 'CCN-NB-T2'"
    ):
        schema.validate_sites(sites)


def test_mixed_geometry_types():
    sites = _sites()
    sites.loc[10, "geometry"] = Point(105.95, 20.25)
    with pytest.raises(
        SchemaError,
        match=r"mixed geometry types \(2 Polygon, 1 Point\); e\.g\. Point in rows 'CCN-NB-T1'",
    ):
        schema.validate_sites(sites)


def test_points_refused_unless_allowed():
    sites = _sites()
    sites.geometry = sites.geometry.representative_point()
    with pytest.raises(SchemaError, match=r"geometries are points.*allow_points=True"):
        schema.validate_sites(sites)
    out = schema.validate_sites(sites, allow_points=True)
    assert (out.geom_type == "Point").all()


def test_lines_refused():
    sites = _sites()
    sites.geometry = sites.geometry.boundary
    with pytest.raises(SchemaError, match=r"geometry type \['LineString'\].*not allowed"):
        schema.validate_sites(sites)


def test_non_nfc_names_refused_or_repaired():
    decomposed = unicodedata.normalize("NFD", "CCN Đồng Văn")
    sites = _sites(name_vi=["CCN A", decomposed, "CCN C"])
    with pytest.raises(
        EncodingError, match=r"column 'name_vi': text is not Unicode NFC.*'CCN-NB-T1'"
    ):
        schema.validate_sites(sites)
    with pytest.warns(UserWarning, match=r"normalised 1 values to Unicode NFC"):
        out = schema.validate_sites(sites, repair=True)
    assert out.loc[10, "name_vi"] == "CCN Đồng Văn"
    assert len(out.loc[10, "name_vi"]) == 12
    assert out.attrs["repairs"] == [
        "name_vi: normalised 1 values to Unicode NFC (rows 'CCN-NB-T1')"
    ]


def test_tcvn3_names_refused_with_pointer_to_harmonise():
    sites = _sites(name_vi=["CCN Gia TrÊn", "CCN Gia L¹c", "CCN Gia Vân"])
    with pytest.raises(
        EncodingError,
        match=r"legacy TCVN3 \(ABC\) encoding in rows 'CCN-NB-T0', 'CCN-NB-T1'.*io\.harmonise",
    ):
        schema.validate_sites(sites)


def test_former_province_not_allowed():
    with pytest.raises(SchemaError, match=r"column 'former_province'.*\['Thái Bình'\]"):
        schema.validate_sites(_sites(former_province=["Ninh Bình", "Thái Bình", "Hà Nam"]))


def test_site_outside_province_box_and_polygon():
    sites = _sites()
    sites.loc[20, "geometry"] = box(105.80, 21.03, 105.81, 21.04)  # Hà Nội
    with pytest.raises(SchemaError, match=r"rows 'CCN-NB-T2' lie outside the bounding box"):
        schema.validate_sites(sites)
    # an outline ending 0.005° (about 522 m at lat 20.2°) west of site 2, which starts at 105.94
    outline = box(105.85, 20.15, 105.935, 20.30)
    near = _sites()
    with pytest.raises(SchemaError, match=r"rows 'CCN-NB-T2' lie outside the province polygon"):
        schema.validate_sites(near, province=outline, province_margin_m=500)
    ok = schema.validate_sites(near, province=outline, province_margin_m=550)
    assert len(ok) == 3
    frame = gpd.GeoDataFrame(geometry=[box(105.85, 20.15, 106.0, 20.30)], crs=4326).to_crs(3405)
    assert len(schema.validate_sites(near, province=frame)) == 3


def test_first_ids_are_summarised():
    sites = _sites(n=8, status=["on"] * 8)
    with pytest.raises(SchemaError, match=r"'CCN-NB-T4' and 3 more"):
        schema.validate_sites(sites)


def test_not_a_geodataframe_and_empty():
    with pytest.raises(SchemaError, match=r"is a DataFrame, not a GeoDataFrame"):
        schema.validate_sites(pd.DataFrame(_sites().drop(columns="geometry")))
    with pytest.raises(SchemaError, match=r"Layer 'sites' has no rows"):
        schema.validate_sites(_sites().iloc[:0])


def test_no_active_geometry_column():
    frame = gpd.GeoDataFrame(pd.DataFrame(_sites().drop(columns="geometry")))
    with pytest.raises(SchemaError, match=r"has no active geometry column.*set_geometry"):
        schema.validate_sites(frame)


def _parks(**overrides: object) -> gpd.GeoDataFrame:
    data = {
        "site_id": ["KCN-A", "KCN-B", "KCN-C"],
        "name_vi": ["KCN A", "KCN B", "KCN C"],
        "major": pd.array([True, pd.NA, False], dtype="boolean"),
    }
    data.update(overrides)
    geoms = [Point(105.9 + 0.1 * i, 20.3) for i in range(3)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4326, index=[5, 6, 7])


def test_hub_parks_selects_major_and_refuses_repeated_parks():
    parks = _parks()
    hubs = schema.hub_parks(parks)
    assert hubs.index.tolist() == [5]  # unknown (NA) is not a hub
    pd.testing.assert_frame_equal(hubs, parks.loc[[5]])
    everyone = parks.assign(major=True)
    assert schema.hub_parks(everyone).index.tolist() == [5, 6, 7]
    assert schema.hub_parks(parks, major_only=False).index.tolist() == [5, 6, 7]
    assert schema.hub_parks(parks, park_names=["KCN C", "KCN-B"]).index.tolist() == [6, 7]
    # two parks without a name are not the same park; two with one id are
    assert len(schema.hub_parks(_parks(name_vi=[None, None, "KCN C"]), major_only=False)) == 3
    with pytest.raises(
        SchemaError, match=r"'site_id': 'KCN-A' appear more than once \(rows 5, 7\)"
    ):
        schema.hub_parks(_parks(site_id=["KCN-A", "KCN-B", "KCN-A"]))
    with pytest.raises(SchemaError, match="no row has major=True"):
        schema.hub_parks(parks.assign(major=False))


def test_missing_status_is_kept_unknown():
    # A source that does not say whether a site is planned, established or operating leaves
    # the status unknown (NA); validation keeps it so instead of refusing the row or guessing.
    out = schema.validate_sites(_sites(status=["operating", None, "planned"]))
    assert out["status"].isna().tolist() == [False, True, False]
