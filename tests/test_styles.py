import itertools
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from ninhbinh_geo import styles
from ninhbinh_geo._errors import SchemaError


def _class_of(lg: styles.Legend, value: float) -> int:
    return [c.color for c in lg.classes].index(lg.color_for(value))


def test_round_bounds_classify_like_mapclassify():
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 10.0, 11.0, 12.0, float("nan")])
    lg = styles.graduated_legend(values, layer="c", column="v", title_key="col.area_ha",
                                 scheme="Quantiles", k=2)
    import mapclassify

    mc = mapclassify.Quantiles(values.dropna().to_numpy(), k=2)
    # mapclassify cuts at 4.0 (the median); no value lies in (4, 10), so the legend prints 5
    assert mc.bins.tolist() == [4.0, 12.0]
    assert lg.breaks == [5.0, 12.0]
    assert [c.label_vi for c in lg.classes] == ["1–5", "5–12"]
    assert [_class_of(lg, v) for v in values.dropna()] == mc.yb.tolist()
    colors = lg.colors(values)
    assert colors.iloc[0] == lg.classes[0].color
    assert colors.iloc[-2] == lg.classes[-1].color
    assert colors.iloc[-1] == styles.NODATA_COLOR


def test_cluster_areas_get_round_bounds_in_both_languages():
    # the embedded clusters' areas went 6.67 – 17 / 17 – 30.64 / …; the classes stay the same
    areas = pd.Series([6.67, 9.5, 12.0, 17.0, 22.0, 30.64, 38.0, 45.35, 50.0, 57.15, 66.0, 75.0,
                       1035.0, 3178.5])
    lg = styles.graduated_legend(areas, layer="c", column="area_ha", title_key="col.area_ha", k=4)
    raw = styles.class_breaks(areas.to_numpy(), "FisherJenks", 4)
    assert [_class_of(lg, v) for v in areas] == np.searchsorted(raw, areas).tolist()
    vi = [c.label_vi for c in lg.classes]
    en = [c.label_en for c in lg.classes]
    assert vi[-1] == "2.000–3.179"
    assert en[-1] == "2,000–3,179"
    for cls in lg.classes:
        lo, hi = cls.label_vi.split("–")
        assert lo != hi


def test_share_in_percent_with_unit():
    shares = pd.Series([0.0, 0.0, 0.0, 0.31, 0.35, 0.62, 0.66, 0.97, 1.0])
    lg = styles.graduated_legend(shares, layer="exposure", column="exposed_share",
                                 title_key="col.exposed_share", k=3, unit="%", label_scale=100)
    assert [c.label_vi for c in lg.classes] == ["0–20 %", "20–80 %", "80–100 %"]
    assert lg.breaks == [0.2, 0.8, 1.0]  # the bounds stay shares


def test_few_distinct_values_get_one_class_per_value():
    # "53.58", then "53.58 – 100": a one-value class; now one class per value instead
    lg = styles.graduated_legend(pd.Series([53.584627, 100.0, 100.0, np.nan]), layer="c",
                                 column="occupancy_pct", title_key="col.occupancy_pct", k=5)
    assert lg.kind == "categorized"
    assert [(c.value, c.label_vi, c.label_en) for c in lg.classes] == [
        (53.584627, "53,58", "53.58"),
        (100.0, "100", "100"),
    ]
    assert lg.color_for(100.0) == lg.classes[1].color
    assert lg.color_for(np.nan) == styles.NODATA_COLOR
    # two values that would print alike at two decimals get a third
    close = styles.graduated_legend(pd.Series([1.231, 1.234]), layer="c", column="v",
                                    title_key="col.area_ha")
    assert [c.label_en for c in close.classes] == ["1.231", "1.234"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        # figures as published or measured: up to 3 decimals
        st.floats(min_value=-1e4, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
        min_size=2,
        max_size=40,
    ),
    st.integers(min_value=2, max_value=6),
    st.sampled_from(["FisherJenks", "EqualInterval"]),
)
def test_legend_keeps_the_scheme_classes_and_never_prints_a_bound_twice(values, k, scheme):
    s = pd.Series(values)
    lg = styles.graduated_legend(s, layer="c", column="v", title_key="col.area_ha", k=k,
                                 scheme=scheme)
    distinct = np.unique(s)
    if len(distinct) < k:
        assert lg.kind == "categorized"
        assert [c.value for c in lg.classes] == distinct.tolist()
        assert len({c.label_en for c in lg.classes}) == len(distinct)
        return
    raw = styles.class_breaks(s.to_numpy(), scheme, k)
    # the same classes in the same order; an empty class (EqualInterval) is merged
    dense = np.unique(np.searchsorted(raw, s.to_numpy()), return_inverse=True)[1]
    assert [_class_of(lg, v) for v in s] == dense.tolist()
    bounds = [lg.classes[0].lower, *lg.breaks]
    assert all(a < b for a, b in itertools.pairwise(bounds))
    for cls in lg.classes:
        for lang in ("vi", "en"):
            # "-5–0": split at the dash between the bounds, not a minus sign
            lo, hi = cls.text(lang).rsplit("–", 1)
            assert lo != hi, cls


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


# --- the hazard legend is the layer's own depth classes --------------------------------------


@pytest.fixture(scope="module")
def zones() -> gpd.GeoDataFrame:
    from ninhbinh_geo import exposure

    return exposure.depth_zones({100: exposure.illustrative_hazard_paths()[100]})


def test_hazard_legend_equals_its_depth_classes(zones):
    lg = styles.default_legends({"hazard": zones})["hazard"]
    # the old legend said 0.1–0.4 / 0.4–0.7 / 0.7–1 over classes 0.1–0.5 / 0.5–1 / 1–2 m
    assert [(c.lower, c.upper) for c in lg.classes] == list(
        zip(zones["depth_m"], zones["depth_max_m"], strict=True)
    )
    assert [c.label_vi for c in lg.classes] == ["0,1–0,5 m", "0,5–1 m", "1–2 m"]
    assert [c.label_en for c in lg.classes] == ["0.1–0.5 m", "0.5–1 m", "1–2 m"]
    assert lg.title("vi") == "Vùng nguy cơ ngập – chu kỳ lặp lại 100 năm (MINH HỌA)"
    assert lg.title("en") == "Flood hazard zones – 100-year return period (ILLUSTRATIVE)"
    # every zone is drawn in the colour of its own class, three different blues
    colors = lg.colors(zones["depth_m"])
    assert colors.tolist() == [c.color for c in lg.classes]
    assert len(set(colors)) == 3


def test_hazard_legend_open_class_and_plain_depths():
    hz = pd.DataFrame({"depth_m": [2.0, 0.1], "depth_max_m": [np.inf, 0.5],
                       "return_period": [1000.0, 1000.0]})
    lg = styles.hazard_legend(hz)
    assert [c.label_vi for c in lg.classes] == ["0,1–0,5 m", "≥ 2 m"]
    assert lg.title("vi").endswith("chu kỳ lặp lại 1.000 năm")
    plain = styles.hazard_legend(pd.DataFrame({"depth_m": [0.5, 1.5]}))
    assert plain.kind == "categorized"
    assert [c.label_en for c in plain.classes] == ["0.5 m", "1.5 m"]


def test_the_qgis_style_of_the_hazard_is_its_depth_classes(zones):
    from ninhbinh_geo import qgis

    lg = styles.default_legends({"hazard": zones})["hazard"]
    root = ET.fromstring(qgis.legend_qml(lg).split("\n", 1)[1])
    rend = root.find("renderer-v2")
    assert rend.get("type") == "categorizedSymbol"
    assert rend.get("attr") == "depth_m"
    cats = [(c.get("value"), c.get("label")) for c in rend.find("categories")]
    assert cats[:-1] == [("0.1", "0,1–0,5 m"), ("0.5", "0,5–1 m"), ("1", "1–2 m")]


# --- one scenario on the exposure maps; one outcome per site on the zoning maps --------------


def test_exposure_legend_draws_one_named_scenario(zones):
    expo = pd.DataFrame({
        "site_id": ["A", "A", "A", "B", "B", "B"],
        "hazard": ["h10", "h100", "h1000"] * 2,
        "return_period": [10.0, 100.0, 1000.0] * 2,
        "exposed_share": [0.0, 0.3, 0.9, 0.1, 0.5, 1.0],
        "accuracy": ["illustrative"] * 6,
    })
    lg = styles.default_legends({"exposure": expo})["exposure"]
    assert lg.where == {"hazard": "h100", "return_period": 100.0}
    assert lg.rows(expo)["exposed_share"].tolist() == [0.3, 0.5]
    assert "chu kỳ lặp lại 100 năm" in lg.title("vi")
    # the classes are every scenario's: switching scenario keeps them, and no row falls outside
    assert lg.kind == "graduated"
    assert lg.classes[0].lower == 0.0
    assert lg.classes[-1].upper == 1.0
    for v in expo["exposed_share"]:
        assert sum(c.lower <= v <= c.upper for c in lg.classes) >= 1
    # the hazard layer drawn decides the scenario when the table has it
    hz = zones.assign(hazard="h1000", return_period=1000.0)
    lg = styles.default_legends({"exposure": expo, "hazard": hz})["exposure"]
    assert lg.where == {"hazard": "h1000", "return_period": 1000.0}
    assert "1,000-year" in lg.title("en")
    # one label for every return period: the return period tells the scenarios apart
    same = expo.assign(hazard="flood", return_period=[10, 100, 1000] * 2)
    lg = styles.default_legends({"exposure": same})["exposure"]
    assert lg.rows(same)["exposed_share"].tolist() == [0.3, 0.5]


def test_zoning_outcome_tells_needs_review_apart_by_what_is_missing():
    findings = pd.DataFrame({
        "site_id": ["A", "A", "B", "B", "C", "D", "E"],
        "rule_id": ["CCN-01", "DYK-01", "CCN-01", "CCN-07", "CCN-01", "CCN-10", "CCN-01"],
        "result": ["pass", "needs_review", "fail", "needs_review", "needs_review",
                   "needs_review", "pass"],
        "severity": ["blocking", "major", "blocking", "major", "blocking", "major", "blocking"],
        "missing_input": ["", "layer:dykes", "", "sites:existing",
                          "column:craft_village|mountainous", "footprint:illustrative", ""],
    })
    out = styles.zoning_outcomes(findings)
    assert out["outcome"].tolist() == [
        "needs_review.layer", "fail", "needs_review.column", "needs_review.position", "pass",
    ]
    assert out["binding_rule"].tolist() == ["DYK-01", "CCN-01", "CCN-01", "CCN-10", "CCN-01"]
    lg = styles.default_legends({"zoning_findings": findings})["zoning_outcome"]
    assert [c.value for c in lg.classes] == [
        "fail", "needs_review.layer", "needs_review.column", "needs_review.position", "pass",
    ]
    assert lg.classes[0].label_en == "Fail: CCN-01 (1)"
    assert lg.classes[1].label_vi == "Cần xem xét – thiếu lớp bản đồ: DYK-01 (1)"
    colors = {styles.OUTCOME_COLORS[v] for v in out["outcome"]}
    assert len(colors) == 5  # a map where nothing fails is still not one colour
    # no fail and no pass: both still in the legend, counted 0
    only_review = findings[findings["result"] == "needs_review"]
    lg = styles.outcome_legend(styles.zoning_outcomes(only_review))
    assert lg.classes[0].label_en == "Fail (0)"
    assert lg.classes[-1].label_en == "Pass (0)"


# --- mapclassify's breaks, computed here --------------------------------------------------------


@pytest.mark.parametrize("scheme", ["FisherJenks", "EqualInterval", "fisher_jenks"])
def test_own_breaks_are_mapclassifys(scheme):
    import warnings

    import mapclassify

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

    mc = mapclassify.Quantiles(values.to_numpy(), k=3)
    assert [_class_of(lg, v) for v in values] == mc.yb.tolist()


def test_zoning_outcome_binds_the_rule_zoning_summarize_names():
    from ninhbinh_geo import datasets, zoning

    clusters = datasets.load_clusters()
    findings = zoning.check(clusters, layers={"heritage": datasets.load_protected_areas()})
    # a fail and a tie of severities, to exercise the order of the binding rule
    findings = findings.copy()
    findings.loc[findings.index[:3], "result"] = "fail"
    want = zoning.summarize(findings)
    got = styles.zoning_outcomes(findings)
    assert got["site_id"].tolist() == want["site_id"].tolist()
    assert got["worst_result"].tolist() == want["worst_result"].tolist()
    assert got["binding_rule"].tolist() == want["binding_rule"].tolist()
    for col in ("binding_margin_vi", "binding_missing_input"):
        assert got[col].tolist() == want[col].fillna("").astype(str).tolist(), col
    assert (got["outcome"] == "fail").sum() == (want["worst_result"] == "fail").sum() >= 1
