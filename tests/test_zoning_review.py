"""Tests of the zoning step of the review and of the protected-area layer it adds.

The review loads the embedded protected areas by default, hands them to the heritage and
protected-area rules, and writes the decidability tables; the layer gets a legend and draws on
the web map through the generic layer path.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from ninhbinh_geo import labels, styles, webmap, zoning
from ninhbinh_geo.review import steps
from ninhbinh_geo.review.inputs import load_inputs
from ninhbinh_geo.review.options import ReviewOptions


def _state():
    state = load_inputs(ReviewOptions(), Path(tempfile.mkdtemp()))
    table = pd.DataFrame(
        {
            "site_id": state.clusters["site_id"],
            "hazard": "flood_rp100",
            "return_period": 100.0,
            "exposed_share": 0.0,
        }
    )
    return state.add(tables={"exposure": table})


def test_review_loads_the_protected_areas_and_decides_the_heritage_rules():
    state = _state()
    assert "protected_areas" in state.layers
    assert "protected_areas" in steps.LAYER_ORDER
    out = steps.zoning_step(state)
    f = out.layers["zoning_findings"]
    pa = f[f["rule_id"].isin(["HER-01", "HER-02", "NAT-01", "NAT-02"])]
    decided = pa["result"].isin(["pass", "fail", "not_applicable"])
    assert decided.groupby(pa["site_id"]).any().all()  # every site: a decided finding
    assert (f.loc[f["rule_id"] == "HER-01", "basis"] != "").all()
    share = out.tables["zoning_decided"].set_index("rule_id")
    assert share.loc["all", "pairs"] == len(f)
    assert share.loc["HER-01", "decided_share"] >= 0.9
    missing = out.tables["zoning_missing"]
    assert {"missing_input", "missing", "pairs", "alone"} <= set(missing.columns)
    assert "layer:dykes" in set(missing["missing_input"])
    summary = out.tables["findings_summary"]
    assert {"binding_rule", "binding_margin_vi"} <= set(summary.columns)


def test_without_the_layer_the_heritage_rules_wait_for_it():
    state = _state()
    layers = {k: v for k, v in state.layers.items() if k != "protected_areas"}
    bare = type(state)(
        options=state.options, staging=state.staging, clusters=state.clusters, parks=state.parks
    ).add(layers=layers, tables=state.tables)
    f = steps.zoning_step(bare).layers["zoning_findings"]
    her = f[f["rule_id"] == "HER-01"]
    assert (her["missing_input"] == "layer:heritage").all()


def test_protected_areas_legend_and_web_map():
    areas = _state().layers["protected_areas"]
    legend = styles.default_legends({"protected_areas": areas})["protected_areas"]
    assert legend.column == "designation"
    assert [c.value for c in legend.classes] == ["world_heritage", "ramsar", "biosphere_reserve"]
    assert legend.classes[0].label_vi == labels.label("designation.world_heritage", "vi")
    assert legend.color_for("ramsar") == styles.PROTECTED_COLORS["ramsar"]
    html = webmap.make_map({"protected_areas": areas}, {"protected_areas": legend}).get_root()
    page = html.render()
    assert labels.label("layer.protected_areas", "vi") in page
    assert "Quần thể danh thắng Tràng An" in page


def test_missing_text_of_every_key_the_checks_write():
    keys = ["column:status", "layer:dykes", "position:approximate", "position:illustrative"]
    keys += ["footprint:illustrative", "zones:heritage", "hazard:illustrative", "exposure:row"]
    keys += ["sites:existing", "review:rule", "source:U", "footprint"]
    for key in keys:
        for lang in ("vi", "en"):
            assert zoning.missing_text(key, lang) != key, key
    assert zoning.missing_text("unknown", "vi") == "không rõ"
    assert zoning.missing_text("column:area_ha", "vi") == "chưa có dữ liệu area_ha"
