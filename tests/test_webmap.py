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


def _page_features(page: str) -> dict[str, list[dict]]:
    """Features of every layer, read from the page's own addData(...) scripts."""
    names = dict(re.findall(r"\[(geo_json_\w+), \"(\w+)\"\]", page))
    out: dict[str, list[dict]] = {}
    for var, data in re.findall(r"^\s*(geo_json_\w+)\.addData\((.*)\);$", page, flags=re.M):
        out[names[var]] = json.loads(data)["features"]
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
    assert "MINH" not in "".join(_parse(page).text)


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
    feats = _page_features(page)
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
    assert rings == [
        styles.OUTCOME_COLORS[r] for r in ("fail", "pass", "needs_review.review")
    ]
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
