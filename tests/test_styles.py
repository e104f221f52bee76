import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from ninhbinh_geo import styles
from ninhbinh_geo._errors import SchemaError


def test_graduated_breaks_and_colours_follow_mapclassify():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, float("nan")])
    lg = styles.graduated_legend(values, layer="c", column="v", title_key="col.area_ha",
                                 scheme="Quantiles", k=2)
    import mapclassify

    expected = mapclassify.Quantiles(values.dropna().to_numpy(), k=2).bins
    assert lg.breaks == pytest.approx(list(expected))
    colors = lg.colors(values)
    assert colors.iloc[0] == lg.classes[0].color
    assert colors.iloc[-2] == lg.classes[-1].color
    assert colors.iloc[-1] == styles.NODATA_COLOR
    # the first class includes its lower bound, the next ones do not
    assert lg.color_for(1.0) == lg.classes[0].color
    assert lg.color_for(lg.breaks[0]) == lg.classes[0].color


def test_fewer_distinct_values_than_k():
    lg = styles.graduated_legend(pd.Series([5.0, 5.0, 7.0]), layer="c", column="v",
                                 title_key="col.area_ha", k=5)
    assert len(lg.classes) == 2


def test_all_missing_gives_nodata_class():
    lg = styles.graduated_legend(pd.Series([float("nan")] * 3), layer="c", column="v",
                                 title_key="col.area_ha")
    assert [c.color for c in lg.classes] == [styles.NODATA_COLOR]


def test_non_numeric_is_refused():
    with pytest.raises(SchemaError, match="not numeric"):
        styles.graduated_legend(pd.Series(["a", "b"]), layer="c", column="v",
                                title_key="col.area_ha")


def test_default_legends_illustrative_and_categories():
    geom = [Point(106, 20).buffer(0.01)] * 3
    clusters = gpd.GeoDataFrame({"area_ha": [10.0, 50.0, 75.0],
                                 "status": ["planned", "operating", "established"],
                                 "accuracy": ["illustrative"] * 3}, geometry=geom, crs=4326)
    findings = gpd.GeoDataFrame({"result": ["pass", "fail", "needs_review"]}, geometry=geom,
                                crs=4326)
    lg = styles.default_legends({"clusters": clusters, "zoning_findings": findings},
                                cluster_column="status")
    assert lg["clusters"].kind == "categorized"
    assert lg["clusters"].illustrative
    assert "MINH HỌA" in lg["clusters"].title("vi")
    assert lg["zoning_findings"].color_for("fail") == styles.RESULT_COLORS["fail"]
    with pytest.raises(SchemaError, match="no column 'jobs'"):
        styles.default_legends({"clusters": clusters}, cluster_column="jobs")


@pytest.mark.parametrize("scheme", ["FisherJenks", "EqualInterval", "fisher_jenks"])
def test_own_breaks_are_mapclassifys(scheme):
    import warnings

    import mapclassify
    import numpy as np

    rng = np.random.default_rng(7)
    samples = [
        rng.random(60) * 100,
        rng.integers(0, 6, 40).astype(float),  # many ties
        np.round(rng.lognormal(2, 1.5, 150), 2),
        np.array([0.0, 0.0, 0.0, 1.0, 1.0, 5.0]),
    ]
    for values in samples:
        for k in (2, 3, 5):
            k_eff = min(k, len(np.unique(values)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                expected = mapclassify.classify(values, scheme, k=k_eff).bins
            got = styles.class_breaks(values, scheme, k)
            assert np.array_equal(got, np.unique(expected)), (scheme, k, values[:5])


def test_styles_import_neither_mapclassify_nor_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, ninhbinh_geo.styles\n"
        "print(sorted(m for m in ('mapclassify', 'sklearn', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_other_schemes_still_go_to_mapclassify():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0])
    lg = styles.graduated_legend(values, layer="c", column="v", title_key="col.area_ha",
                                 scheme="Quantiles", k=3)
    import mapclassify

    assert lg.breaks == pytest.approx(list(mapclassify.Quantiles(values.to_numpy(), k=3).bins))
