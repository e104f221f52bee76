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
