"""Tests of ninhbinh_geo.efficiency: indicators per site, aggregates and official figures."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from ninhbinh_geo import efficiency
from ninhbinh_geo._errors import SchemaError

NA = pd.NA


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    """Six clusters with figures chosen so every indicator can be computed by hand."""
    data = {
        "site_id": ["A", "B", "C", "D", "E", "F"],
        "kind": ["CCN"] * 6,
        "former_province": ["Hà Nam", "Hà Nam", "Nam Định", "Nam Định", "Ninh Bình", "Ninh Bình"],
        "district_old": ["Duy Tiên", "Duy Tiên", "Ý Yên", None, "Kim Sơn", "Kim Sơn"],
        "status": ["operating", "planned", "operating", "established", "operating", "operating"],
        "area_ha": [50.0, 30.0, 40.0, np.nan, 20.0, 0.0],
        "leasable_ha": [40.0, np.nan, 30.0, np.nan, np.nan, 0.0],
        "leased_ha": [30.0, np.nan, 30.0, np.nan, 5.0, 0.0],
        "occupancy_pct": [np.nan, np.nan, 90.0, np.nan, 80.0, np.nan],
        "jobs": [1000.0, np.nan, 0.0, 500.0, 300.0, 10.0],
        "projects": [10.0, np.nan, 4.0, np.nan, np.nan, np.nan],
        "has_wwtp": pd.array([True, NA, False, True, True, NA], dtype="boolean"),
        "wwtp_compliant": pd.array([True, NA, NA, False, NA, NA], dtype="boolean"),
    }
    geoms = [Point(105.9 + 0.05 * i, 20.3) for i in range(6)]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=4326, index=[10, 20, 30, 40, 50, 60])


def test_site_indicators_exact(sites):
    out = efficiency.site_indicators(sites)
    # A: 30/40 = 75 % computed; C: 30/30 = 100 % computed (published 90 kept aside);
    # E: leasable unknown -> published 80 %; F: leasable 0 -> nothing published -> NaN
    np.testing.assert_array_equal(
        out["occupancy_pct"].to_numpy(), [75.0, np.nan, 100.0, np.nan, 80.0, np.nan]
    )
    assert out["occupancy_basis"].tolist() == [
        "leased/leasable",
        NA,
        "leased/leasable",
        NA,
        "published",
        NA,
    ]
    assert out.loc[30, "occupancy_pct_published"] == 90.0
    assert out.loc[20, "occupancy_pct_reason"] == "planned: not yet leasing"
    assert out.loc[40, "occupancy_pct_reason"] == (
        "no leased/leasable area and no published occupancy"
    )
    assert "leasable area is 0 ha" in out.loc[60, "occupancy_pct_reason"]
    assert out["occupancy_pct_reason"].isna().tolist() == [True, False, True, False, True, False]
    # jobs per ha: 1000/50 = 20, C reports 0 jobs -> 0 (a real zero), D area unknown
    np.testing.assert_array_equal(
        out["jobs_per_ha"].to_numpy(), [20.0, np.nan, 0.0, np.nan, 15.0, np.nan]
    )
    assert out["jobs_per_ha_reason"].tolist() == [
        NA,
        "jobs not reported",
        NA,
        "area unknown",
        NA,
        "area is 0 ha",
    ]
    assert out["projects_per_ha"].tolist()[:3] == [0.2, pytest.approx(np.nan, nan_ok=True), 0.1]
    assert out.loc[50, "projects_per_ha_reason"] == "projects not reported"


def test_site_indicators_keeps_index_crs_and_input(sites):
    before = sites.copy()
    out = efficiency.site_indicators(sites)
    pd.testing.assert_frame_equal(sites, before)
    assert list(out.index) == [10, 20, 30, 40, 50, 60]
    assert out.crs == sites.crs
    assert isinstance(out, gpd.GeoDataFrame)


def test_missing_columns_are_reasons_not_zero(sites):
    out = efficiency.site_indicators(sites.drop(columns=["jobs"]))
    assert out["jobs_per_ha"].isna().all()
    assert out.loc[10, "jobs_per_ha_reason"] == "no 'jobs' column in the layer"


def test_text_and_negative_numbers_raise(sites):
    bad = sites.astype({"jobs": object})
    bad.loc[20, "jobs"] = "about 300"
    with pytest.raises(SchemaError, match=r"column 'jobs'.*'B'"):
        efficiency.site_indicators(bad)
    neg = sites.copy()
    neg.loc[30, "area_ha"] = -4
    with pytest.raises(SchemaError, match=r"negative.*'C'"):
        efficiency.aggregate(neg)


def test_aggregate_by_former_province_equals_hand_sums(sites):
    agg = efficiency.aggregate(sites)
    assert list(agg.index) == ["Hà Nam", "Nam Định", "Ninh Bình"]
    ha = agg.loc["Hà Nam"]
    assert ha["n_sites"] == 2
    assert ha["n_planned"] == 1
    assert ha["n_operating"] == 1
    assert ha["area_ha"] == 80.0
    assert ha["operating_share"] == pytest.approx(50 / 80)
    assert ha["established_share"] == pytest.approx(50 / 80)
    assert ha["occupancy_pct"] == pytest.approx(75.0)
    assert ha["jobs"] == 1000.0
    assert ha["jobs_per_ha"] == pytest.approx(20.0)
    assert ha["projects_per_ha"] == pytest.approx(0.2)
    nd = agg.loc["Nam Định"]
    assert nd["n_established"] == 2  # established or operating
    assert nd["n_area_known"] == 1
    assert nd["area_ha"] == 40.0
    assert nd["established_share"] == 1.0
    # jobs: 0 + 500 = 500 reported, but only C has an area: 0 jobs on 40 ha
    assert nd["jobs"] == 500.0
    assert nd["jobs_per_ha"] == 0.0
    # wastewater: operating C has no plant -> share 0 of 1 known, compliance known False
    assert nd["wwtp_share"] == 0.0
    assert nd["wwtp_compliant_share"] == 0.0
    assert nd["n_wwtp"] == 1  # D (established) has one
    nb = agg.loc["Ninh Bình"]
    # F has 0 ha: no ratio on it; E: 300 jobs on 20 ha
    assert nb["jobs_per_ha"] == pytest.approx(15.0)
    assert pd.isna(nb["occupancy_pct"])  # no site with leasable > 0
    assert nb["mean_occupancy_operating_pct"] == pytest.approx(80.0)
    assert nb["wwtp_share"] == 1.0  # E True, F unknown -> 1 of 1 known
    assert pd.isna(nb["n_wwtp_compliant"])  # nothing known about compliance: NA, not 0
    assert nb["n_operating_wwtp_compliant_known"] == 0
    assert pd.isna(nb["wwtp_compliant_share"])


def test_aggregate_by_district_keeps_unknown_group(sites):
    agg = efficiency.aggregate(sites, by="district_old")
    assert agg["n_sites"].sum() == 6
    assert agg.loc["Duy Tiên", "area_ha"] == 80.0
    unknown = agg[agg.index.isna()]
    assert unknown["n_sites"].tolist() == [1]


def test_aggregate_province_and_facts(sites):
    facts = pd.DataFrame(
        {
            "scope": ["merged_province", "merged_province", "former_nam_dinh", "former_ha_nam"],
            "indicator": ["clusters_operating", "planned_area", "jobs", "jobs"],
            "value": [8.0, 500.0, 2000.0, 4000.0],
            "unit": ["count", "ha", "workers", "workers"],
            "qualifier": ["exact", "at_least", "at_least", "approx"],
        }
    )
    prov = efficiency.aggregate(sites, by="province", facts=facts)
    row = prov.loc["merged_province"]
    assert row["n_operating"] == 4
    assert row["area_ha"] == 140.0
    assert row["official_clusters_operating"] == 8.0
    assert row["coverage_clusters_operating"] == 0.5
    assert row["official_planned_area_text"] == "> 500 ha"
    assert row["official_planned_area_qualifier"] == "at_least"
    assert row["coverage_planned_area"] == pytest.approx(140 / 500)
    assert np.isnan(row["official_jobs"])  # no province-wide figure: not summed up silently
    by_prov = efficiency.aggregate(sites, facts=facts)
    assert by_prov.loc["Nam Định", "official_jobs_text"] == "> 2,000 workers"
    assert by_prov.loc["Nam Định", "coverage_jobs"] == pytest.approx(500 / 2000)
    assert by_prov.loc["Hà Nam", "official_jobs_text"] == "≈ 4,000 workers"
    assert by_prov.loc["Hà Nam", "scope"] == "former_ha_nam"
    assert pd.isna(by_prov.loc["Ninh Bình", "official_jobs"])


def test_aggregate_refuses_parks_with_facts_and_bad_facts(sites):
    facts = pd.DataFrame(
        {
            "scope": ["merged_province"],
            "indicator": ["clusters_operating"],
            "value": [47.0],
            "unit": ["count"],
            "qualifier": ["exact"],
        }
    )
    mixed = sites.copy()
    mixed.loc[60, "kind"] = "KCN"
    with pytest.raises(SchemaError, match=r"parks.*'F'"):
        efficiency.aggregate(mixed, facts=facts)
    with pytest.raises(SchemaError, match="qualifier"):
        efficiency.aggregate(sites, facts=facts.assign(qualifier="roughly"))
    with pytest.raises(SchemaError, match="several figures"):
        efficiency.aggregate(sites, facts=pd.concat([facts, facts]))
    with pytest.raises(SchemaError, match="by must be"):
        efficiency.aggregate(sites, by="commune")


def test_aggregate_does_not_mutate(sites):
    before = sites.copy()
    efficiency.aggregate(sites, by="province")
    pd.testing.assert_frame_equal(sites, before)


def test_classify_keeps_nan_and_index():
    df = pd.DataFrame({"v": [1.0, 1.5, np.nan, 40.0, 42.0, 100.0]}, index=list("abcdef"))
    cls = efficiency.classify(df, "v", scheme="FisherJenks", k=3)
    assert list(cls.index) == list("abcdef")
    assert cls.tolist() == [0, 0, NA, 1, 1, 2]
    nb = efficiency.classify(df, "v", k=3)  # NaturalBreaks, the default
    assert nb.isna().tolist() == [False, False, True, False, False, False]
    assert nb["a"] == nb["b"] < nb["d"] == nb["e"] < nb["f"]
    few = efficiency.classify(pd.DataFrame({"v": [2.0, 2.0, np.nan]}), "v", k=5)
    assert few.tolist() == [0, 0, NA]
    with pytest.raises(SchemaError, match="scheme"):
        efficiency.classify(df, "v", scheme="Astrology")
    with pytest.raises(SchemaError, match="no column"):
        efficiency.classify(df, "w")


def test_embedded_clusters_against_facts_if_available():
    datasets = pytest.importorskip("ninhbinh_geo.datasets")
    try:
        clusters, facts = datasets.load_clusters(), datasets.load_facts()
    except Exception as exc:  # built by another module
        pytest.skip(f"embedded data not available: {exc}")
    agg = efficiency.aggregate(clusters, by="province", facts=facts)
    row = agg.iloc[0]
    assert row["n_sites"] == len(clusters)
    assert row["official_clusters_planned_2021_2030"] == 115.0
    assert row["coverage_clusters_planned_2021_2030"] == pytest.approx(len(clusters) / 115)
    assert row["official_planned_area_text"] == "> 5,400 ha"


def test_mapclassify_is_imported_by_classify_only():
    import subprocess
    import sys

    code = "import sys, ninhbinh_geo.efficiency; print('mapclassify' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
