"""Tests of ninhbinh_geo.webmap: offline HTML, escaping, shared legends, a real browser."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from ninhbinh_geo import styles, webmap
from ninhbinh_geo._errors import NinhBinhGeoError, OutputError, SchemaError
from ninhbinh_geo.labels import label

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__xss=1">',
    "CCN \"Quote\" 'single' & ampersand",
    "line one\nline two\r\nline three",
    "CCN \u202eright-to-left\u200f mark",
    "{{ 7*7 }} {% if true %}jinja{% endif %}",
    "Đ" + "x" * 4999,
]

# --- fixtures built in code, in the metric CRS (EPSG:3405), stored in EPSG:4326 -------------


def _sites(kind: str, xy_m: list[tuple[float, float]], **columns: list) -> gpd.GeoDataFrame:
    """Sites with the columns of DEVELOPERS.md; footprints are circles of ``area_ha``."""
    n = len(xy_m)
    pts = gpd.GeoSeries([Point(x, y) for x, y in xy_m], crs=3405)
    area = pd.Series(columns.pop("area_ha"), dtype=float)
    radius_m = np.sqrt(area.fillna(5.0).to_numpy() * 1e4 / np.pi)
    prov = kind.lower()
    data = {
        "site_id": [f"{kind}-NB-{i:02d}" for i in range(n)],
        "name_vi": [f"{kind} Số {i}" for i in range(n)],
        "kind": [kind] * n,
        "former_province": ["Ninh Bình"] * n,
        "district_old": ["Yên Mô"] * n,
        "communes": [pd.NA] * n,
        "status": ["operating"] * n,
        "status_year": pd.array([2015] * n, dtype="Int64"),
        "area_ha": area,
        "area_basis": ["establishment decision"] * n,
        "area_alt": [""] * n,
        "industrial_ha": [np.nan] * n,
        "leasable_ha": [np.nan] * n,
        "leased_ha": [np.nan] * n,
        "occupancy_pct": [np.nan] * n,
        "jobs": [np.nan] * n,
        "projects": [np.nan] * n,
        "has_wwtp": pd.array([pd.NA] * n, dtype="boolean"),
        "wwtp_compliant": pd.array([pd.NA] * n, dtype="boolean"),
        "craft_village": [False] * n,
        "mountainous": [False] * n,
        "expansion_ha": [np.nan] * n,
        "major": [False] * n,
        "location_accuracy": ["approximate"] * n,
        "location_basis": ["commune centre"] * n,
        "footprint_accuracy": ["illustrative"] * n,
        "footprint_basis": ["circle of area_ha"] * n,
        "source": [f"Sở Công Thương ({prov})"] * n,
        "source_url": ["https://congthuong.ninhbinh.gov.vn/a?b=1&c=2"] * n,
        "source_date": ["2024-12-31"] * n,
        "licence": ["public facts"] * n,
        "accuracy": ["approximate"] * n,
    }
    data.update(columns)
    gdf = gpd.GeoDataFrame(data, geometry=pts.buffer(radius_m).values, crs=3405).to_crs(4326)
    lonlat = pts.to_crs(4326)
    gdf["lon"], gdf["lat"] = lonlat.x.to_numpy(), lonlat.y.to_numpy()
    return gdf


CLUSTER_XY = [
    (590000.0, 2240000.0),
    (594000.0, 2243000.0),
    (598000.0, 2236000.0),
    (586000.0, 2232000.0),
    (603000.0, 2229000.0),
]
PARK_XY = [(602000.0, 2245000.0), (580000.0, 2250000.0), (610000.0, 2238000.0)]


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    clusters = _sites("CCN", CLUSTER_XY, area_ha=[5.0, 12.0, 30.0, 48.0, np.nan])
    parks = _sites("KCN", PARK_XY, area_ha=[300.0, 120.0, 250.0], major=[True, False, True])
    # 590000,2240000 -> 602000,2245000 is a 5-12-13 triangle: 13 km exactly.
    links = gpd.GeoDataFrame(
        {
            "site_id": ["CCN-NB-00", "CCN-NB-01"],
            "park_id": ["KCN-NB-00", "KCN-NB-00"],
            "park_name": ["KCN Số 0", "KCN Số 0"],
            "rank": [1, 1],
        },
        geometry=[LineString([CLUSTER_XY[0], PARK_XY[0]]), LineString([CLUSTER_XY[1], PARK_XY[0]])],
        crs=3405,
    )
    links["straight_km"] = links.length / 1000.0
    links = links.to_crs(4326)
    province = gpd.GeoDataFrame(
        {"name": ["Ninh Bình"]}, geometry=[box(570000, 2220000, 620000, 2260000)], crs=3405
    ).to_crs(4326)
    hazard = gpd.GeoDataFrame(
        {"depth_m": [0.5, 1.5], "accuracy": ["illustrative", "illustrative"]},
        geometry=[box(596000, 2226000, 606000, 2234000), box(606000, 2226000, 616000, 2234000)],
        crs=3405,
    ).to_crs(4326)
    findings = pd.DataFrame(
        {
            "site_id": ["CCN-NB-00", "CCN-NB-00", "CCN-NB-01", "CCN-NB-01", "CCN-NB-02"],
            "name_vi": ["CCN Số 0", "CCN Số 0", "CCN Số 1", "CCN Số 1", "CCN Số 2"],
            "rule_id": ["CCN-01", "CCN-08", "CCN-01", "CCN-08", "CCN-01"],
            "result": ["pass", "fail", "not_applicable", "pass", "needs_review"],
            "measured": [30.0, 80.0, np.nan, 5.0, 74.9],
            "threshold": [75.0] * 5,
            "unit": ["ha"] * 5,
            "legal_source": ["Decree 32/2024/NĐ-CP Art. 2(1)"] * 5,
            "statement_vi": ["đạt", "vượt", "không áp dụng", "đạt", "cần xem"],
            "statement_en": ["ok", "over", "n/a", "ok", "check"],
        }
    )
    exposure = pd.DataFrame(
        {
            "site_id": ["CCN-NB-02", "CCN-NB-02", "CCN-NB-04"],
            "hazard": ["flood"] * 3,
            "return_period": [10, 100, 100],
            "exposed_ha": [3.0, 12.0, np.nan],
            "exposed_share": [0.1, 0.4, np.nan],
            "accuracy": ["illustrative"] * 3,
        }
    )
    return {
        "province": province,
        "hazard": hazard,
        "clusters": clusters,
        "parks": parks,
        "satellite_links": links,
        "zoning_findings": findings,
        "exposure": exposure,
    }


def _legends(data: dict, **kw) -> dict[str, styles.Legend]:
    # FisherJenks gives the same optimal breaks as the default NaturalBreaks on data this
    # small, in milliseconds instead of seconds (k-means restarts).
    return styles.default_legends(data, **{"scheme": "FisherJenks", **kw})


# --- reading the page back ------------------------------------------------------------------


class _Tags(HTMLParser):
    """All start tags with their attributes, and the text, of an HTML fragment or page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    p = _Tags()
    p.feed(fragment)
    p.close()
    return p


def _scenario_parts(page: str) -> dict[str, tuple[str, str]]:
    """The group and scenario of every per-scenario GeoJSON variable (the scenario switch)."""
    out = {}
    for group, parts in re.findall(r"\[(feature_group_\w+), \{(.*?)\}\]", page):
        for key, var in re.findall(r"\"([^\"]*)\": (geo_json_\w+)", parts):
            out[var] = (group, key)
    return out


def _layer_names(page: str) -> dict[str, str]:
    """Layer of every GeoJSON variable: from the legend's pairs and the scenario switch."""
    names = dict(re.findall(r"\[((?:geo_json|feature_group)_\w+), \"(\w+)\"\]", page))
    for var, (group, _key) in _scenario_parts(page).items():
        names[var] = names[group]
    return names


def _page_features(page: str, scenario: str | None = None) -> dict[str, list[dict]]:
    """Features of every layer read from the page's addData(...) scripts: of every scenario,
    or of ``scenario`` only (e.g. "0:100:", the 100-year flood) for layers drawn per scenario."""
    names, parts = _layer_names(page), _scenario_parts(page)
    out: dict[str, list[dict]] = {}
    for var, data in re.findall(r"^\s*(geo_json_\w+)\.addData\((.*)\);$", page, flags=re.M):
        if scenario is not None and var in parts and parts[var][1] != scenario:
            continue
        out.setdefault(names[var], []).extend(json.loads(data)["features"])
    return out


def _legend_boxes(page: str) -> dict[str, list[dict]]:
    boxes: dict[str, list[dict]] = {}
    current = None
    for _tag, attrs in _parse(page).tags:
        if "nbg-legend-box" in attrs.get("class", ""):
            current = attrs["data-layer"]
            boxes[current] = []
        elif "nbg-legend-row" in attrs.get("class", "") and current:
            boxes[current].append(attrs)
    return boxes


def _save(m, tmp_path: Path, **kw) -> str:
    return webmap.save_map(m, tmp_path / "map.html", **kw).read_text(encoding="utf-8")


# --- offline page ---------------------------------------------------------------------------


def test_offline_page_inlines_leaflet_and_loads_nothing(layers, tmp_path):
    page = _save(webmap.make_map(layers, _legends(layers)), tmp_path)
    tags = _parse(page).tags
    assert [a["src"] for t, a in tags if t == "script" and a.get("src")] == []
    assert [a for t, a in tags if t == "link" and "stylesheet" in a.get("rel", "")] == []
    assert not re.search(r"(src|href)\s*=\s*[\"']?https?://[^\"']*\.(js|css)", page)
    # Leaflet comes from the installed package, whole; nothing else is pulled in.
    leaflet_js = (files("js_lib_leaflet") / "static/js_lib_leaflet/leaflet.js").read_text("utf-8")
    assert leaflet_js in page
    assert "Leaflet 1.9.4" in page
    for unused in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "font-awesome"):
        assert unused not in page.lower()
    # The CSS images (layer-control icon) are data URIs, not relative files next to the page.
    assert "url(images/" not in page
    assert "url(data:image/png;base64," in page
    assert (tmp_path / "map.html").stat().st_mode & 0o044 == 0o044  # readable like any file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]  # no temporary left


def test_online_page_links_leaflet_only(layers, tmp_path):
    m = webmap.make_map(layers, _legends(layers))
    page = _save(m, tmp_path, offline=False)
    srcs = [a["src"] for t, a in _parse(page).tags if t == "script" and a.get("src")]
    assert len(srcs) == 1
    assert "leaflet" in srcs[0]
    assert "Leaflet 1.9.4" not in page
    # Saving offline afterwards swaps the links for the inline files.
    page = _save(m, tmp_path, offline=True)
    assert not [a for t, a in _parse(page).tags if t == "script" and a.get("src")]


def test_offline_refuses_a_cdn_plugin(layers, tmp_path):
    import folium.plugins

    m = webmap.make_map(layers, _legends(layers))
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(OutputError, match="offline=False"):
        webmap.save_map(m, tmp_path / "map.html")
    assert not list(tmp_path.iterdir())


def test_save_errors_and_atomic_overwrite(layers, tmp_path):
    m = webmap.make_map(layers, _legends(layers))
    with pytest.raises(OutputError, match="does not exist"):
        webmap.save_map(m, tmp_path / "missing" / "map.html")
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    assert webmap.save_map(m, target) == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


# --- escaping -------------------------------------------------------------------------------

ALLOWED_POPUP_TAGS = {"div", "h4", "p", "table", "tr", "th", "td", "bdi", "span", "a"}


def test_hostile_text_is_shown_as_text(layers, tmp_path):
    clusters = layers["clusters"]
    hostile = pd.concat([clusters.iloc[[0]]] * len(HOSTILE), ignore_index=True)
    hostile["site_id"] = [f"CCN-X-{i}" for i in range(len(HOSTILE))]
    hostile["name_vi"] = HOSTILE
    hostile["communes"] = HOSTILE[::-1]
    hostile["source"] = HOSTILE
    hostile["source_url"] = "javascript:alert(1)"
    hostile = gpd.GeoDataFrame(hostile, geometry="geometry", crs=4326)
    findings = pd.DataFrame(
        {
            "site_id": hostile["site_id"],
            "name_vi": HOSTILE,
            "rule_id": HOSTILE,
            "result": "fail",
            "statement_vi": HOSTILE,
        }
    )
    data = {"clusters": hostile, "zoning_findings": findings}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)

    for raw in ("<script>alert(1)</script>", "<img src=x", "{{ 7*7 }}", "{%", "javascript:"):
        assert raw not in page
    assert "49 jinja" not in page  # nothing evaluated as a Jinja template
    assert page.count("Leaflet 1.9.4") == 1
    feats = _page_features(page)
    assert len(feats["clusters"]) == 2 * len(HOSTILE)  # outline and point of every site
    assert len(feats["zoning_findings"]) == len(HOSTILE)
    for name, items in feats.items():
        for f, expected in zip(items[:: 2 if name == "clusters" else 1], HOSTILE, strict=True):
            for key in ("popup", "tooltip"):
                parsed = _parse(f["properties"][key])
                assert {t for t, _ in parsed.tags} <= ALLOWED_POPUP_TAGS
                assert not any(k.startswith("on") for _, a in parsed.tags for k in a)
                text = "".join(parsed.text)
                # HTML collapses line breaks; everything else is shown exactly.
                shown = expected if key == "popup" else expected[:79]
                assert shown.replace("\r", "") in text.replace("\r", "")
            hrefs = [a.get("href") for t, a in _parse(f["properties"]["popup"]).tags if t == "a"]
            assert hrefs == []  # a javascript: URL is never a link
    assert "{{ 7*7 }}" in "".join(_parse(feats["clusters"][10]["properties"]["popup"]).text)


def test_popup_has_figures_source_link_and_accuracy(layers, tmp_path):
    page = _save(webmap.make_map(layers, _legends(layers), lang="en"), tmp_path)
    feats = _page_features(page)
    link = feats["satellite_links"][0]["properties"]["popup"]
    text = "".join(_parse(link).text)
    assert f"{label('col.straight_km', 'en')}13" in text  # the 5-12-13 link
    popup = feats["clusters"][4]["properties"]["popup"]  # CCN-NB-02, 30 ha
    parsed = _parse(popup)
    text = "".join(parsed.text)
    assert "CCN Số 2" in text
    assert f"{label('col.area_ha', 'en')}30" in text
    hrefs = [a["href"] for t, a in parsed.tags if t == "a"]
    assert hrefs == ["https://congthuong.ninhbinh.gov.vn/a?b=1&c=2"]
    assert label("accuracy.approximate", "en") in text
    assert label("accuracy.illustrative", "en") in text  # footprint accuracy
    assert label("warn.illustrative", "en") in text  # the footprint is illustrative
    # Base layers have no popups; the zoning markers list every rule of the site.
    assert all("popup" not in f["properties"] for f in feats["province"])
    ccn0 = "".join(_parse(feats["zoning_findings"][0]["properties"]["popup"]).text)
    # the worst result, the binding rule, the failing rule's row; the pass is counted
    assert f"{label('map.worst_result', 'en')}Fail" in ccn0
    assert f"{label('map.binding_rule', 'en')}CCN-08" in ccn0
    assert "over" in ccn0
    assert "Finding" in ccn0
    assert "1 other rules: pass or not applicable" in ccn0
    assert "CCN-01" not in ccn0
    assert "statement_en" not in ccn0


def test_non_illustrative_rows_have_no_warning(layers, tmp_path):
    parks = layers["parks"].assign(footprint_accuracy="digitized")
    data = {"parks": parks}
    legends = _legends(data)
    assert not legends["parks"].illustrative
    page = _save(webmap.make_map(data, legends), tmp_path)
    assert label("warn.illustrative", "vi") not in page
    # (the words, not the letters: the basemap's base64 tiles hold any four letters)
    assert "MINH HỌA" not in "".join(_parse(page).text)


# --- the shared legend ----------------------------------------------------------------------


def test_colours_and_breaks_come_from_the_legends(layers, tmp_path):
    legends = _legends(layers, k=3)
    page = _save(webmap.make_map(layers, legends), tmp_path)
    boxes = _legend_boxes(page)
    assert set(boxes) == set(layers)
    for name, rows in boxes.items():
        # the zoning findings are drawn by their outcome per site
        legend = legends["zoning_outcome" if name == "zoning_findings" else name]
        classes = [r for r in rows if "data-color" in r and "nbg-nodata-row" not in r["class"]]
        assert [r["data-color"] for r in classes] == [c.color for c in legend.classes]
        if legend.kind == "graduated":
            assert [float(r["data-upper"]) for r in classes] == legend.breaks
            assert [float(r["data-lower"]) for r in classes] == [c.lower for c in legend.classes]
    # Every cluster is drawn in its class colour: 5, 12, 30, 48 ha and one without area.
    feats = _page_features(page, scenario="0:100:")
    colors = [f["properties"]["style"]["fillColor"] for f in feats["clusters"][::2]]
    lg = legends["clusters"]
    assert colors == [lg.color_for(v) for v in (5.0, 12.0, 30.0, 48.0, np.nan)]
    assert colors[0] == lg.classes[0].color
    assert colors[-1] == lg.nodata_color
    assert len(set(colors[:4])) >= 3
    assert any("nbg-nodata-row" in r["class"] for r in boxes["clusters"])
    assert not any("nbg-nodata-row" in r["class"] for r in boxes["parks"])
    # Major parks in the major colour, drawn bigger.
    park_points = [f for f in feats["parks"] if f["geometry"]["type"] == "Point"]
    assert [f["properties"]["style"]["color"] for f in park_points] == [
        styles.MAJOR_COLORS[True],
        styles.MAJOR_COLORS[False],
        styles.MAJOR_COLORS[True],
    ]
    assert (
        park_points[0]["properties"]["style"]["radius"]
        > park_points[1]["properties"]["style"]["radius"]
    )
    # Worst result per site: fail beats pass; pass beats not applicable; a needs-review
    # nothing says more about is a case review.
    rings = [f["properties"]["style"]["color"] for f in feats["zoning_findings"]]
    assert rings == [styles.OUTCOME_COLORS[r] for r in ("fail", "pass", "needs_review.review")]
    # Exposure: the largest share of a site (0.4 of 0.1 and 0.4), no data where unknown.
    halos = [f["properties"]["style"]["fillColor"] for f in feats["exposure"]]
    assert halos == [legends["exposure"].color_for(0.4), legends["exposure"].nodata_color]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_titles_in_the_chosen_language(layers, tmp_path, lang):
    legends = _legends(layers)
    page = _save(webmap.make_map(layers, legends, lang=lang), tmp_path)
    text = "".join(_parse(page.split('id="nbg-legend"')[1].split("<script>")[0]).text)
    for name in layers:  # one legend box per layer drawn
        key = "zoning_outcome" if name == "zoning_findings" else name
        assert legends[key].title(lang) in text
    # said once, above the boxes: hazard, exposure, footprints are illustrative
    assert text.count(label("warn.illustrative", lang)) == 1
    assert f"<title>{label('title.overview', lang)}</title>" in page


def test_map_draws_in_a_notebook_without_saving(layers):
    # Jupyter shows a folium Map through _repr_html_; Leaflet must already be inline.
    html_page = webmap.make_map(layers, _legends(layers))._repr_html_()
    assert "Leaflet 1.9" in html.unescape(html_page)
    assert "cdn.jsdelivr" not in html.unescape(html_page)


def test_bad_input_raises_our_errors(layers):
    legends = _legends(layers)
    with pytest.raises(SchemaError, match="unknown layer"):
        webmap.make_map({"rivers": layers["province"]}, legends)
    with pytest.raises(SchemaError, match="default_legends"):
        webmap.make_map({"clusters": layers["clusters"]}, {})
    bad = layers["zoning_findings"].assign(result=["pass", "oops", "fail", "pass", "pass"])
    with pytest.raises(SchemaError, match="CCN-NB-00"):
        webmap.make_map({**layers, "zoning_findings": bad}, legends)
    with pytest.raises(SchemaError, match="'nope'"):
        webmap.make_map(layers, legends, popup_columns={"clusters": ["nope"]})
    with pytest.raises(NinhBinhGeoError, match="lang"):
        webmap.make_map(layers, legends, lang="fr")


def test_sites_without_location_are_reported_not_dropped(layers, tmp_path):
    findings = pd.concat(
        [
            layers["zoning_findings"],
            pd.DataFrame({"site_id": ["CCN-GHOST"], "rule_id": ["CCN-01"], "result": ["fail"]}),
        ],
        ignore_index=True,
    )
    data = {**layers, "zoning_findings": findings}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)
    assert "CCN-GHOST" in "".join(_parse(page.split('id="nbg-legend"')[1]).text)
    assert len(_page_features(page)["zoning_findings"]) == 3


def test_inputs_are_not_mutated_and_crs_is_handled(layers, tmp_path):
    before = {k: v.copy() for k, v in layers.items()}
    metric = {**layers, "clusters": layers["clusters"].to_crs(3405)}
    webmap.make_map(metric, _legends(metric))
    for k, v in layers.items():
        pd.testing.assert_frame_equal(v, before[k])
    assert metric["clusters"].crs.to_epsg() == 3405


def test_hundred_sites_render_in_under_two_seconds(tmp_path):
    rng = np.random.default_rng(7)
    xy = list(
        zip(rng.uniform(570000, 620000, 100), rng.uniform(2220000, 2260000, 100), strict=True)
    )
    clusters = _sites("CCN", xy[:70], area_ha=list(rng.uniform(5, 75, 70)))
    parks = _sites(
        "KCN",
        xy[70:],
        area_ha=list(rng.uniform(100, 400, 30)),
        major=[i % 5 == 0 for i in range(30)],
    )
    data = {"clusters": clusters, "parks": parks}
    legends = _legends(data, scheme="Quantiles")
    webmap.make_map(data, legends)  # warm-up: first-use imports are not the map's cost
    start = time.perf_counter()
    webmap.save_map(webmap.make_map(data, legends), tmp_path / "map.html")
    assert time.perf_counter() - start < 2.0


# --- a real browser, offline ----------------------------------------------------------------

_PROBE = """
<script>
var HOSTILE0 = '<scr' + 'ipt>alert(1)</scr' + 'ipt>';  // a literal would close this script
var NAMES = __NAMES__;  // layer-control label -> layer name
// Run once the map has settled (fitBounds may still be animating the zoom at 'load').
window.addEventListener('load', function () { setTimeout(probe, 1500); });
function probe() {
  var map = null, byName = {};
  Object.keys(window).forEach(function (k) {
    var v = window[k];
    if (v instanceof L.Map) { map = v; }
    if (k.indexOf('layer_control_') === 0 && v && v.overlays) {
      Object.keys(v.overlays).forEach(function (t) { byName[NAMES[t]] = v.overlays[t]; });
    }
  });
  var shown = Object.keys(byName).filter(function (n) { return map.hasLayer(byName[n]); });
  function boxes() {
    return Array.prototype.filter.call(document.querySelectorAll('.nbg-legend-box'),
      function (b) { return b.offsetParent !== null; }).map(function (b) {
        return b.getAttribute('data-layer'); });
  }
  var legend = document.getElementById('nbg-legend');
  var attr = document.querySelector('.leaflet-control-attribution');
  var result = {shown: shown.slice().sort(), boxes: boxes().sort(),
    legend: [legend.scrollHeight, legend.clientHeight, legend.getBoundingClientRect().top],
    scale: Array.prototype.map.call(document.querySelectorAll('.leaflet-control-scale-line'),
      function (e) { return e.textContent; }),
    credits: attr.textContent};
  // switched on, the zoning rings and exposure halos stay under the cluster markers (tested
  // before any popup opens and pans the map)
  ['zoning_findings', 'exposure'].forEach(function (n) { if (byName[n]) { map.addLayer(byName[n]); } });
  var hits = 0, tried = 0;
  if (byName.clusters) {
    byName.clusters.eachLayer(function (l) {
      if (!(l instanceof L.CircleMarker)) { return; }
      var p = map.latLngToContainerPoint(l.getLatLng());
      var rect = map.getContainer().getBoundingClientRect();
      var el = document.elementFromPoint(rect.left + p.x, rect.top + p.y);
      tried++;
      if (el === l._path) { hits++; }
    });
  }
  result.hits = [hits, tried];
  result.boxes_after = boxes().sort();
  result.credits_after = attr.textContent;
  var popups = 0, tooltips = 0, texts = [];
  shown.forEach(function (n) {
    byName[n].eachLayer(function (l) {
      if (l.getPopup()) {
        l.openPopup();
        var el = l.getPopup().getElement().querySelector('.leaflet-popup-content');
        texts.push(el.textContent);
        if (el.querySelector('img,script,iframe')) { window.__xss = 2; }
        popups++;
        l.closePopup();
      }
      if (l.getTooltip()) { l.openTooltip(); tooltips++; l.closeTooltip(); }
    });
  });
  result.popups = popups;
  result.tooltips = tooltips;
  result.xss = window.__xss || 0;
  result.hostile = texts.filter(function (t) { return t.indexOf(HOSTILE0) >= 0; }).length;
  var pre = document.createElement('pre');
  pre.id = 'nbg-probe';
  pre.textContent = JSON.stringify(result);
  document.body.appendChild(pre);
}
</script>
"""


def _chromium_dom(page: Path, user_dir: Path, size: str = "1200,900") -> tuple[str, list[str]]:
    cmd = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={user_dir}",
        # Network off: no name resolves and every proxied request goes to a closed port.
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=5000",
        f"--window-size={size}",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    console = [ln for ln in done.stderr.splitlines() if ":CONSOLE" in ln]
    return done.stdout, console


def _probe(m, data, legends, tmp_path: Path, lang: str = "vi", size: str = "1200,900"):
    """Save the map, open it in headless Chromium offline, return the probe's report."""
    path = webmap.save_map(m, tmp_path / "map.html")
    names = {}
    for name in data:
        text = label(f"layer.{name}", lang)
        if legends[name].illustrative:
            text += f" ({label('accuracy.illustrative', lang).upper()})"
        names[html.escape(text)] = name
    probe = tmp_path / "probe.html"
    script = _PROBE.replace("__NAMES__", json.dumps(names))
    probe.write_text(
        path.read_text(encoding="utf-8").replace("</html>", script + "</html>"), encoding="utf-8"
    )
    dom, console = _chromium_dom(probe, tmp_path / "chromium", size)
    assert console == [], console
    probe_text = dom.split('id="nbg-probe">')[1].split("</pre>")[0]
    return dom, json.loads(html.unescape(probe_text))


_CHROMIUM = pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
    reason="headless Chromium (/usr/bin/chromium) is not installed",
)


@pytest.mark.chromium
@_CHROMIUM
def test_page_works_offline_in_chromium(layers, tmp_path):
    clusters = layers["clusters"].copy()
    clusters.loc[clusters.index[0], "name_vi"] = HOSTILE[0]
    clusters.loc[clusters.index[1], "name_vi"] = HOSTILE[1]
    clusters.loc[clusters.index[2], "name_vi"] = HOSTILE[-1]
    data = {**layers, "clusters": clusters}
    legends = _legends(data)
    dom, result = _probe(webmap.make_map(data, legends), data, legends, tmp_path)
    tags = _parse(dom).tags
    # Drawn by then (zoning and exposure switched on by the probe): 5 clusters and 3 parks
    # (outline + point each), 2 links, 2 hazard zones, 3 sites with findings, 2 with exposure.
    interactive = [
        a for t, a in tags if t == "path" and "leaflet-interactive" in a.get("class", "")
    ]
    assert len(interactive) == 2 * 5 + 2 * 3 + 2 + 2 + 3 + 2
    # The map opens on the overview; the province outline is drawn but not interactive.
    assert result["shown"] == sorted(["province", "hazard", "satellite_links", "parks", "clusters"])
    assert result["boxes"] == result["shown"]
    assert result["boxes_after"] == sorted([*result["shown"], "zoning_findings", "exposure"])
    opened = 2 * 5 + 2 * 3 + 2 + 2
    assert {k: result[k] for k in ("popups", "tooltips", "xss", "hostile")} == {
        "popups": opened,
        "tooltips": opened,
        "xss": 0,
        "hostile": 3,  # the cluster's outline and point, and its link named after it
    }
    # Leaflet strokes its paths with stroke-linejoin (the attribution's flag icon has none).
    base = [
        a
        for t, a in tags
        if t == "path"
        and "stroke-linejoin" in a
        and "leaflet-interactive" not in a.get("class", "")
    ]
    assert len(base) == 1
    assert len([a for t, a in tags if "nbg-legend-box" in a.get("class", "")]) == len(data)
    inputs = [
        a
        for t, a in tags
        if t == "input" and "leaflet-control-layers-selector" in a.get("class", "")
    ]
    assert len(inputs) == len(data)
    # Every cluster marker is the top element at its centre, rings and halos switched on.
    assert result["hits"] == [5, 5]
    # One metric scale, no miles.
    assert len(result["scale"]) == 1
    assert re.fullmatch(r"\d+ k?m", result["scale"][0])
    # Credits of the layers shown, updated when a layer is switched on.
    assert "Sở Công Thương (ccn)" in result["credits"]
    assert "public facts" in result["credits"]


@pytest.mark.chromium
@_CHROMIUM
def test_overview_fits_a_1280x800_screen_without_scrolling(tmp_path):
    from ninhbinh_geo import datasets, exposure

    parks, clusters = datasets.load_parks(), datasets.load_clusters()
    links = gpd.GeoDataFrame(
        {
            "site_id": clusters["site_id"].iloc[:12].to_numpy(),
            "park_name": ["KCN Đồng Văn I"] * 12,
            "road_km": [4.8, 7.0, 9.5, 11.1, 15.0, 19.1, 22.0, 26.1, 33.0, 41.0, 60.0, np.nan],
        },
        geometry=[
            LineString([(x, y), (105.95, 20.6)])
            for x, y in zip(clusters["lon"].iloc[:12], clusters["lat"].iloc[:12], strict=True)
        ],
        crs=4326,
    )
    data = {
        "province": datasets.load_province(),
        "districts": datasets.load_districts(),
        "roads": datasets.load_roads(),
        "hazard": exposure.depth_zones({100: exposure.illustrative_hazard_paths()[100]}),
        "satellite_links": links,
        "parks": parks,
        "clusters": clusters,
    }
    legends = _legends(data)
    m = webmap.make_map(data, legends)
    _, result = _probe(m, data, legends, tmp_path, size="1280,800")
    scroll_height, client_height, top = result["legend"]
    assert scroll_height <= client_height  # the legend panel does not scroll
    assert top > 0
    assert result["boxes"] == sorted(["province", "hazard", "satellite_links", "parks", "clusters"])


def test_tiles_are_optional_and_not_scripts(layers, tmp_path):
    no_tiles = _save(webmap.make_map(layers, _legends(layers)), tmp_path)
    assert "L.tileLayer" not in no_tiles
    m = webmap.make_map(layers, _legends(layers), tiles="OpenStreetMap")
    page = _save(m, tmp_path)  # tiles are images: the page still saves offline
    assert "L.tileLayer" in page
    assert "tile.openstreetmap.org" in page


def test_single_colour_layer_has_no_nodata_row(tmp_path):
    # the districts are drawn in the same grey as "no data"; a single-colour layer has no
    # missing values, so its legend must not list a "no data" row
    from ninhbinh_geo import datasets, styles

    layers = {"districts": datasets.load_districts()}
    legends = styles.default_legends(layers)
    assert legends["districts"].classes[0].color == styles.NODATA_COLOR
    page = _save(webmap.make_map(layers, legends), tmp_path)
    assert "nbg-nodata-row" not in page


# --- what a planner reads at a glance -------------------------------------------------------


def _added_to_map(page: str) -> set[str]:
    """Names of the layers added to the map when the page opens."""
    names = _layer_names(page)
    added = r"^\s*((?:geo_json|feature_group)_\w+)\.addTo\(map_\w+\);$"
    return {names[v] for v in re.findall(added, page, re.M)}


def test_overview_layers_open_and_the_rest_are_one_click_away(layers, tmp_path):
    data = {**layers, "districts": layers["province"], "roads": layers["satellite_links"]}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)
    assert _added_to_map(page) == {"province", "hazard", "satellite_links", "parks", "clusters"}
    # every layer is in the layer control, listed expanded (one click away)
    assert page.count('"collapsed": false') == 1
    control = page.split("_layers = {")[1].split("};")[0]
    assert control.count("geo_json_") + control.count("feature_group_") == len(data)
    # the legend shows the boxes of the layers shown; the others wait, hidden, with their layer
    hidden = {
        a["data-layer"]
        for t, a in _parse(page).tags
        if "nbg-legend-box" in a.get("class", "") and "display:none" in a.get("style", "")
    }
    assert hidden == {"districts", "roads", "exposure", "zoning_findings"}
    # without hazard zones the exposure opens instead; a caller may choose
    no_hazard = {k: v for k, v in layers.items() if k != "hazard"}
    page = _save(webmap.make_map(no_hazard, _legends(no_hazard)), tmp_path)
    assert "exposure" in _added_to_map(page)
    page = _save(webmap.make_map(layers, _legends(layers), show=["zoning_findings"]), tmp_path)
    assert _added_to_map(page) == {"zoning_findings"}


def test_areas_lie_under_lines_and_lines_under_points(layers, tmp_path):
    page = _save(webmap.make_map(layers, _legends(layers)), tmp_path)
    panes = dict(re.findall(r'createPane\("([\w-]+)"\)\.style\.zIndex = (\d+);', page))
    z = {name: int(v) for name, v in panes.items()}
    assert z["nbg-areas"] < z["nbg-lines"] < z["nbg-halos"] < z["nbg-rings"] < z["nbg-points"]
    assert z["nbg-areas"] > 400  # above Leaflet's overlay pane, and so above any background
    feats = _page_features(page)

    def panes_of(name, kind=None):
        return {
            f["properties"]["style"]["pane"]
            for f in feats[name]
            if kind is None or f["geometry"]["type"] == kind
        }

    assert panes_of("hazard") == {"nbg-areas"}
    assert panes_of("province") == panes_of("satellite_links") == {"nbg-lines"}
    assert panes_of("clusters", "Polygon") == {"nbg-areas"}
    assert panes_of("clusters", "Point") == panes_of("parks", "Point") == {"nbg-points"}
    # the zoning rings are outlines under the cluster markers, larger than them
    rings = [f["properties"]["style"] for f in feats["zoning_findings"]]
    assert {r["pane"] for r in rings} == {"nbg-rings"}
    assert all(r["fill"] is False and r["radius"] > 5 for r in rings)
    assert panes_of("exposure") == {"nbg-halos"}


def test_scale_is_metric_and_title_is_an_option(layers, tmp_path):
    m = webmap.make_map(layers, _legends(layers), title="Rà soát <b>2025</b> & {{ x }}")
    page = _save(m, tmp_path)
    assert "L.control.scale({metric: true, imperial: false})" in page
    assert "L.control.scale()" not in page
    title = page.split('class="nbg-title">')[1].split("</div>")[0]
    assert title == "Rà soát &lt;b&gt;2025&lt;/b&gt; &amp; &#123;&#123; x &#125;&#125;"
    assert "<title>Rà soát &lt;b&gt;2025&lt;/b&gt;" in page
    default = _save(webmap.make_map(layers, _legends(layers), lang="en"), tmp_path)
    assert f'class="nbg-title">{label("title.overview", "en")}</div>' in default


def test_credits_of_every_layer_are_on_the_map_face_escaped(layers, tmp_path):
    clusters = layers["clusters"].copy()
    clusters["source"] = ['<img src=x onerror="alert(1)">', "Sở Công Thương"] * 2 + ["{{ 7*7 }}"]
    data = {**layers, "clusters": clusters}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)
    script = page.split("var heading = ")[0].rsplit("var layers = [", 1)[1]
    pairs = dict(re.findall(r"\[((?:geo_json|feature_group)_\w+), (\[.*?\]\]|\[\])\]", script))
    names = _layer_names(page)
    credited = {names[v]: json.loads(p) for v, p in pairs.items()}
    assert set(credited) == set(data)
    assert credited["clusters"] == [
        ["&lt;img src=x onerror=&quot;alert(1)&quot;&gt;", "public facts"],
        ["Sở Công Thương", "public facts"],
        ["&#123;&#123; 7*7 &#125;&#125;", "public facts"],
    ]
    assert credited["parks"] == [["Sở Công Thương (kcn)", "public facts"]]
    assert "<img src=x" not in page
    assert "map.attributionControl" in page
    assert "overlayadd overlayremove" in page


def test_sites_placed_by_district_are_drawn_and_said_differently(layers, tmp_path):
    clusters = layers["clusters"].assign(
        location_accuracy=[
            "approximate",
            "illustrative",
            "approximate",
            "illustrative",
            "approximate",
        ]
    )
    data = {**layers, "clusters": clusters}
    page = _save(webmap.make_map(data, _legends(data), lang="en"), tmp_path)
    points = [f for f in _page_features(page)["clusters"] if f["geometry"]["type"] == "Point"]
    hollow = [f["properties"]["style"].get("fillColor") == "#ffffff" for f in points]
    assert hollow == [False, True, False, True, False]
    assert [bool(f["properties"]["style"].get("dashArray")) for f in points] == hollow
    tips = ["".join(_parse(f["properties"]["tooltip"]).text) for f in points]
    said = [f"({label('map.illustrative_location', 'en')})" in t for t in tips]
    assert said == hollow
    box = page.split('data-layer="clusters"')[1].split('data-layer="')[0]
    assert label("map.illustrative_location_legend", "en").format(n=2) in html.unescape(box)
    # the exposure halo and zoning ring of a site placed by district say so too
    zoning = _page_features(page)["zoning_findings"]
    tip = "".join(_parse(zoning[1]["properties"]["tooltip"]).text)
    assert label("map.illustrative_location", "en") in tip


def test_popups_write_numbers_the_readers_way(layers, tmp_path):
    clusters = layers["clusters"].assign(
        area_ha=[355.5, 1253.75, 30.0, 48.0, np.nan],
        status_year=pd.array([2025, 2009, pd.NA, 2015, 2015], dtype="Int64"),
        nearest_park=["KCN Số 0"] * 5,
        straight_km=[14.0276, 2.9752, 5.4711, 0.0, 8.57198],
        straight_basis=["points", "points", "edges", "points", "points"],
        distance_accuracy=[
            "illustrative",
            "illustrative",
            "digitized",
            "approximate",
            "approximate",
        ],
        distance_precision_km=[1.0, 1.0, 0.01, 0.1, 0.1],
        road_km_to_nearest=[26.0913, np.nan, 7.254, np.nan, 12.34],
        road_reason_to_nearest=[
            pd.NA,
            "road_reason.site_far",
            pd.NA,
            "road_reason.no_route",
            pd.NA,
        ],
        road_park=["KCN Số 0", "KCN Số 2", "KCN Số 0", pd.NA, "KCN Số 0"],
        road_km=[26.0913, 30.51, 7.254, np.nan, 12.34],
        road_reason=[pd.NA, pd.NA, pd.NA, "road_reason.no_hub_reached", pd.NA],
        road_accuracy=["illustrative", "approximate", "digitized", "approximate", "approximate"],
        road_precision_km=[1.0, 0.1, 0.01, 0.1, 0.1],
    )
    data = {"clusters": clusters}
    for lang, expect in (
        (
            "vi",
            [
                ("col.area_ha", "355,5"),
                ("col.status_year", "2025"),
                ("col.straight_km", "14 (Minh họa, làm tròn 1 km)"),
                ("col.straight_basis", label("straight_basis.points", "vi")),
                ("col.road_km_to_nearest", "26 (Minh họa, làm tròn 1 km)"),
                ("col.road_km", "26 (Minh họa, làm tròn 1 km)"),
            ],
        ),
        (
            "en",
            [("col.area_ha", "355.5"), ("col.straight_km", "14 (Illustrative, rounded to 1 km)")],
        ),
    ):
        page = _save(webmap.make_map(data, _legends(data), lang=lang), tmp_path)
        popups = [
            f["properties"]["popup"]
            for f in _page_features(page)["clusters"]
            if f["geometry"]["type"] == "Point"
        ]
        rows = [dict(_popup_rows(p)) for p in popups]
        for key, value in expect:
            assert rows[0][label(key, lang)] == value, (lang, key)
    # 1.253,75 ha published with two decimals; 2.009 never a year; 0,1 km steps, accuracy said
    assert rows_vi(clusters, tmp_path)[1][label("col.area_ha")] == "1.253,75"
    vi = rows_vi(clusters, tmp_path)
    assert vi[1][label("col.status_year")] == "2009"
    assert vi[4][label("col.straight_km")] == "8,6 (Gần đúng, làm tròn 0,1 km)"
    assert vi[2][label("col.straight_km")] == "5,47 (Số hóa, làm tròn 0,01 km)"
    # a missing road distance says why, in words; the straight-line nearest hub's road first
    assert vi[1][label("col.road_km_to_nearest")] == label("road_reason.site_far")
    assert vi[3][label("col.road_km")] == label("road_reason.no_hub_reached")
    order = list(vi[0])
    assert (
        order.index(label("col.nearest_park"))
        < order.index(label("col.road_km_to_nearest"))
        < order.index(label("col.road_park"))
        < order.index(label("col.road_km"))
    )


def _popup_rows(popup: str) -> list[tuple[str, str]]:
    """(header, cell text) of every row of a popup's key-figure tables."""
    rows = []
    for tr in re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", popup):
        rows.append(tuple(html.unescape(re.sub(r"<[^>]+>", "", c)) for c in tr))
    return rows


def rows_vi(clusters: gpd.GeoDataFrame, tmp_path: Path) -> list[dict[str, str]]:
    data = {"clusters": clusters}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)
    return [
        dict(_popup_rows(f["properties"]["popup"]))
        for f in _page_features(page)["clusters"]
        if f["geometry"]["type"] == "Point"
    ]


def test_a_background_plugs_in_under_the_layers(layers, tmp_path):
    import folium

    from ninhbinh_geo.webmap.basemap import _add_basemap

    m = folium.Map(tiles=None)
    assert _add_basemap(m, None) is None
    layer = folium.TileLayer("http://localhost:9/{z}/{x}/{y}.png", attr="local tiles")
    assert _add_basemap(m, layer) is layer
    page = _save(webmap.make_map(layers, _legends(layers), tiles=layer), tmp_path)
    assert "localhost:9/{z}/{x}/{y}.png" in page
    assert "local tiles" in page
