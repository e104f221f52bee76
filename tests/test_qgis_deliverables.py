"""Tests of the QGIS deliverables: named styles, SLD 1.1, map themes and the A3 print layout.

Fixtures are small illustrative layers built in code (from tests/test_qgis.py): clusters with
occupancy, status and zoning outcome, an exposure table with two return periods and one
sea-level scenario, hazard zones traced from the 100-year raster. The last tests open the
outputs in real QGIS 3.22 (Debian's python3-qgis) through tests/qgis_probe.py, export the
layout to PDF and render its first page to PNG with pdftoppm (kept in the test's tmp folder).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box
from test_qgis import _CLUSTERS, HOSTILE, PROBE, QGIS_PYTHON, _qgis_available, _sites

from ninhbinh_geo import __version__, qgis, styles
from ninhbinh_geo.labels import label
from ninhbinh_geo.qgis import layout as qlayout
from ninhbinh_geo.qgis.named_styles import STYLE_NAME, named_styles
from ninhbinh_geo.qgis.sld import OGC_NS, SE_NS, SLD_NS, legend_sld

NS = {"sld": SLD_NS, "se": SE_NS, "ogc": OGC_NS}
# hazard key, return period (NaN for sea-level rise)
SCENARIOS = [
    ("illustrative_depth_rp00010", 10.0),
    ("illustrative_depth_rp00100", 100.0),
    ("slr_77cm_depth", np.nan),
]


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    clusters = _sites(_CLUSTERS, "CCN").assign(
        occupancy_pct=[80.0, np.nan, 35.0, 60.0],
        worst_result=pd.array(["pass", "fail", "needs_review", pd.NA], dtype="string"),
    )
    rows = []
    for i, (key, rp) in enumerate(SCENARIOS):
        for j, site in clusters.iterrows():
            rows.append(
                {
                    "site_id": site["site_id"],
                    "hazard": key,
                    "return_period": rp,
                    # two decimals: QGIS 3.22 imports SLD literals rounded to 6 significant
                    # digits, so a float-noise break (0.30000000000000004) would move a value
                    # sitting on it to the next class in QGIS's import (not in GeoServer)
                    "exposed_share": round(min(1.0, 0.1 * (i + 1) * (j + 1)), 2),
                    "max_depth_m": 0.3 * (i + 1) + 0.2 * j,
                    "accuracy": "illustrative",
                    "source": "illustrative test hazard",
                    "geometry": site.geometry,
                }
            )
    exposure = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    hazard = gpd.GeoDataFrame(
        {
            "hazard": ["illustrative_depth_rp00100"] * 2,
            "depth_m": [0.3, 1.2],
            "accuracy": "illustrative",
            "source": "illustrative test hazard",
        },
        geometry=[box(105.9, 20.2, 106.0, 20.3), box(106.0, 20.3, 106.1, 20.4)],
        crs="EPSG:4326",
    )
    province = gpd.GeoDataFrame(
        {"name": ["Ninh Bình"], "source": ["test boundary"], "accuracy": ["illustrative"]},
        geometry=[box(105.75, 20.05, 106.35, 20.75)],
        crs="EPSG:4326",
    )
    return {"province": province, "hazard": hazard, "exposure": exposure, "clusters": clusters}


@pytest.fixture(scope="module")
def legends(layers) -> dict[str, styles.Legend]:
    return styles.default_legends(layers, k=3)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory, layers, legends) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("deliver")
    gpkg = qgis.export_geopackage(layers, legends, folder / "review.gpkg", crs="EPSG:5897")
    project = qgis.write_project(gpkg, list(layers), folder / "review.qgz", lang="vi")
    return gpkg, project


def _project_root(project: Path) -> ET.Element:
    with zipfile.ZipFile(project) as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8")
    return ET.fromstring(text.split("\n", 1)[1])


# ------------------------------------------------------------------------------------------
# Named styles
# ------------------------------------------------------------------------------------------


def test_named_styles_default_first_then_alternates(layers, legends):
    found = named_styles(layers, legends, lang="en")
    assert [(s.name, s.legend.column, s.default) for s in found["clusters"]] == [
        (STYLE_NAME, "area_ha", True),
        ("Occupancy (%)", "occupancy_pct", False),
        ("Status", "status", False),
        ("Worst result", "worst_result", False),
    ]
    assert [(s.name, s.legend.column) for s in found["exposure"]] == [
        (STYLE_NAME, "exposed_share"),
        ("Maximum depth (m)", "max_depth_m"),
    ]
    assert [s.name for s in found["province"]] == [STYLE_NAME]
    # the alternates are the shared legends: same colours as every other output
    occupancy = found["clusters"][1].legend
    assert occupancy == legends["efficiency"]
    outcome = found["clusters"][3].legend
    assert [c.color for c in outcome.classes] == list(styles.RESULT_COLORS.values())


def test_no_alternate_repeats_the_default(layers):
    by_status = styles.default_legends(layers, cluster_column="status", k=3)
    names = [s.legend.column for s in named_styles(layers, by_status)["clusters"]]
    assert names == ["status", "occupancy_pct", "worst_result"]


def test_layer_styles_rows_one_default_per_layer_with_sld(outputs, legends):
    gpkg, _ = outputs
    con = sqlite3.connect(gpkg)
    try:
        rows = con.execute(
            "SELECT f_table_name, styleName, useAsDefault, styleQML, styleSLD FROM layer_styles"
        ).fetchall()
    finally:
        con.close()
    by_layer: dict[str, list[tuple]] = {}
    for row in rows:
        by_layer.setdefault(row[0], []).append(row)
    assert {k: len(v) for k, v in by_layer.items()} == {
        "province": 1,
        "hazard": 1,
        "exposure": 2,
        "clusters": 4,
    }
    for found in by_layer.values():
        assert [r[2] for r in found] == [1] + [0] * (len(found) - 1)
        assert found[0][1] == STYLE_NAME
        for _, name, _, qml, sld in found:
            assert qml.startswith("<!DOCTYPE qgis")
            root = ET.fromstring(sld.split("\n", 1)[1])
            assert root.tag == f"{{{SLD_NS}}}StyledLayerDescriptor"
            assert root.get("version") == "1.1.0"
            assert root.find("sld:NamedLayer/sld:UserStyle/se:Name", NS).text == name
    assert by_layer["clusters"][3][1] == label("col.worst_result", "vi")
    # alternates render the other column
    assert 'attr="worst_result"' in by_layer["clusters"][3][3]


# ------------------------------------------------------------------------------------------
# SLD 1.1 / SE 1.1 (structure; QGIS reads it in the real-QGIS test below)
# ------------------------------------------------------------------------------------------


def _sld_root(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.split("\n", 1)[1])


def test_sld_graduated_rules_are_the_legend_classes(legends):
    lg = legends["clusters"]
    root = _sld_root(legend_sld(lg, lang="en"))
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").endswith(
        "sld/1.1.0/StyledLayerDescriptor.xsd"
    )
    # SLD 1.1 order: NamedLayer > se:Name, UserStyle > se:Name, se:Description,
    # se:FeatureTypeStyle > se:Rule (Name, Description, Filter | ElseFilter, Symbolizer)
    named = root.find("sld:NamedLayer", NS)
    assert [c.tag for c in named] == [f"{{{SE_NS}}}Name", f"{{{SLD_NS}}}UserStyle"]
    user = named.find("sld:UserStyle", NS)
    assert [c.tag.split("}")[1] for c in user] == ["Name", "Description", "FeatureTypeStyle"]
    rules = user.findall("se:FeatureTypeStyle/se:Rule", NS)
    assert len(rules) == len(lg.classes) + 2  # classes, no data, labels
    for i, (rule, cls) in enumerate(zip(rules, lg.classes, strict=False)):
        assert [c.tag.split("}")[1] for c in rule] == [
            "Name",
            "Description",
            "Filter",
            "PolygonSymbolizer",
        ]
        low, high = rule.find("ogc:Filter/ogc:And", NS)
        assert low.tag.endswith("GreaterThanOrEqualTo" if i == 0 else "}PropertyIsGreaterThan")
        assert low.find("ogc:PropertyName", NS).text == "area_ha"
        assert float(low.find("ogc:Literal", NS).text) == cls.lower
        assert high.tag.endswith("PropertyIsLessThanOrEqualTo")
        assert float(high.find("ogc:Literal", NS).text) == cls.upper
        fill = rule.find("se:PolygonSymbolizer/se:Fill/se:SvgParameter[@name='fill']", NS)
        assert fill.text == cls.color
    nodata = rules[-2]
    assert nodata.find("se:ElseFilter", NS) is not None
    assert (
        nodata.find("se:PolygonSymbolizer/se:Fill/se:SvgParameter", NS).text == styles.NODATA_COLOR
    )
    text = rules[-1].find("se:TextSymbolizer/se:Label/ogc:PropertyName", NS)
    assert text.text == "name_vi"


def test_sld_literals_are_exact_doubles():
    lg = styles.graduated_legend(
        pd.Series([0.1, 0.1 + 0.2, 0.7]),
        layer="exposure",
        column="exposed_share",
        title_key="col.exposed_share",
        scheme="EqualInterval",
        k=3,
    )
    root = _sld_root(legend_sld(lg))
    literals = [float(e.text) for e in root.iter(f"{{{OGC_NS}}}Literal")]
    assert literals[:2] == [lg.classes[0].lower, lg.classes[0].upper]
    assert set(literals) == {c.lower for c in lg.classes} | {c.upper for c in lg.classes}


def test_sld_categories_outline_and_sizes(legends):
    outcome = named_styles(
        {"clusters": _sites(_CLUSTERS, "CCN").assign(worst_result="fail")},
        styles.default_legends({"clusters": _sites(_CLUSTERS, "CCN")}, k=3),
    )["clusters"][-1].legend
    rules = _sld_root(legend_sld(outcome)).findall(".//se:Rule", NS)
    values = [r.find("ogc:Filter/ogc:PropertyIsEqualTo/ogc:Literal", NS) for r in rules[:4]]
    assert [v.text for v in values] == list(styles.RESULT_COLORS)
    # a boundary line legend on polygons: outline only, 0.4 mm = 1.4286 px of 0.28 mm
    province = _sld_root(legend_sld(legends["province"], geometry_type="polygon"))
    sym = province.find(".//se:PolygonSymbolizer", NS)
    assert sym.find("se:Fill", NS) is None
    width = sym.find("se:Stroke/se:SvgParameter[@name='stroke-width']", NS)
    assert width.text == "1.4286"
    point = _sld_root(legend_sld(legends["province"], geometry_type="point"))
    assert point.find(".//se:PointSymbolizer/se:Graphic/se:Size", NS).text == "10.7143"


def test_sld_escapes_hostile_text():
    lg = styles.Legend(
        layer="clusters",
        column="name_vi",
        kind="categorized",
        title_key="col.result",
        classes=(styles.LegendClass("#d7191c", HOSTILE, HOSTILE, value=HOSTILE + "\x01"),),
    )
    root = _sld_root(legend_sld(lg))
    literal = root.find(".//ogc:Literal", NS).text
    assert literal == HOSTILE + "\ufffd"


# ------------------------------------------------------------------------------------------
# Project: scenarios, themes, layout (XML; QGIS reads it below)
# ------------------------------------------------------------------------------------------


def test_project_has_one_exposure_layer_and_theme_per_scenario(outputs):
    _, project = outputs
    root = _project_root(project)
    tree = root.findall("layer-tree-group/layer-tree-layer")
    names = [t.get("name") for t in tree]
    titles = [
        label("scenario.return_period", "vi").format(n="10"),
        label("scenario.return_period", "vi").format(n="100"),
        label("scenario.slr", "vi").format(cm="77"),
    ]
    exposure = [n for n in names if n.startswith(label("layer.exposure", "vi"))]
    assert [n.rsplit(" – ", 1)[1] for n in exposure] == titles
    sources = [t.get("source") for t in tree if "layername=exposure" in t.get("source")]
    assert sources[0].endswith("|subset=\"hazard\" = 'illustrative_depth_rp00010'")
    themes = [p.get("name") for p in root.findall("visibility-presets/visibility-preset")]
    assert themes == [label("theme.overview", "vi"), *titles]
    # the print layout follows the 100-year theme (the hazard zones were traced from it); the
    # tree starts in that state
    checked = {t.get("name") for t in tree if t.get("checked") == "Qt::Checked"}
    assert sum(n in checked for n in exposure) == 1
    assert exposure[1] in checked


def test_named_styles_in_the_project_style_manager(outputs):
    _, project = outputs
    root = _project_root(project)
    layers = {ml.find("id").text: ml for ml in root.findall("projectlayers/maplayer")}
    clusters = next(ml for i, ml in layers.items() if i.startswith("clusters_"))
    manager = clusters.find("map-layer-style-manager")
    assert manager.get("current") == STYLE_NAME
    styles_ = manager.findall("map-layer-style")
    assert styles_[0].get("name") == STYLE_NAME
    assert len(styles_) == 4
    assert styles_[3].find("qgis/renderer-v2").get("attr") == "worst_result"


def test_layout_items_and_texts(outputs):
    _, project = outputs
    root = _project_root(project)
    layout = root.find("Layouts/Layout")
    types = [int(i.get("type")) for i in layout.iter("LayoutItem")]
    assert sorted(types) == [65638, 65639, 65640, 65641, 65641, 65641, 65641, 65642, 65646]
    page = layout.find("PageCollection/LayoutItem")
    assert page.get("size") == "420.0,297.0,mm"
    texts = [i.get("labelText") for i in layout.iter("LayoutItem") if i.get("labelText")]
    assert texts[0] == label("title.overview", "vi")
    assert any(
        t.startswith(f"{label('map.sources', 'vi')}: illustrative test hazard") for t in texts
    )
    assert any(f"ninhbinh_geo {__version__}" in t for t in texts)


def test_fit_extent_and_nice_scale():
    assert qlayout.fit_extent((0.0, 0.0, 100.0, 50.0), 100.0, 100.0) == (
        -2.5,
        -27.5,
        102.5,
        77.5,
    )
    assert qlayout._nice_km(13_000) == 10
    assert qlayout._nice_km(3_400) == 2
    assert qlayout._nice_km(3_800) == 5
    assert qlayout._nice_km(170) == 0.2


def test_sources_text_counts_what_it_leaves_out():
    text = qlayout._sources_text([f"s{i}" for i in range(11)], "en")
    assert text == "Sources: s0; s1; s2; s3; s4; s5; s6; s7; and 3 more"


# ------------------------------------------------------------------------------------------
# Real QGIS 3.22: styles, SLD, themes, layout to PDF
# ------------------------------------------------------------------------------------------


def _run_probe(tmp_path: Path, request: dict) -> dict:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    res = subprocess.run(
        [QGIS_PYTHON, str(PROBE), str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.mark.qgis
@pytest.mark.slow
def test_real_qgis_styles_themes_and_layout_pdf(tmp_path, outputs, layers, legends):
    reason = _qgis_available()
    if reason:
        pytest.skip(reason)
    gpkg, project = outputs
    pdf = tmp_path / "layout.pdf"
    report = _run_probe(
        tmp_path,
        {
            "gpkg": str(gpkg),
            "database_styles": ["clusters", "exposure"],
            "deliverables": str(project),
            "layout_pdf": str(pdf),
        },
    )
    # QGIS lists every named style stored in the GeoPackage
    db = report["database_styles"]
    assert db["clusters"]["count"] == 4
    assert db["clusters"]["names"][0] == STYLE_NAME
    # QGIS imports each SLD (as rules) and colours every feature as the QML does
    for name in ("clusters", "exposure"):
        sld = db[name]["sld"]
        default = next(v for v in sld.values() if v["default"])
        assert default["ok"], default["message"]
        assert default["renderer"] == "RuleRenderer"
        assert default["colors"] == db[name]["default_colors"]
        assert all(v["ok"] for v in sld.values())
    outcome = db["clusters"]["sld"][label("col.worst_result", "vi")]
    want = legends["clusters"].colors(layers["clusters"]["area_ha"]).tolist()
    assert db["clusters"]["default_colors"] == want
    colors = styles.RESULT_COLORS
    assert outcome["colors"] == [
        colors["pass"],
        colors["fail"],
        colors["needs_review"],
        styles.NODATA_COLOR,
    ]

    deliver = report["deliverables"]
    assert deliver["read"]
    # the style manager switches the clusters between their four styles
    clusters_name = f"{label('layer.clusters', 'vi')} – {legends['clusters'].title('vi')}"
    managed = deliver["styles"][clusters_name]
    assert managed["current"] == STYLE_NAME
    assert {n: s["attr"] for n, s in managed["styles"].items()} == {
        STYLE_NAME: 'coalesce("area_ha", -999999999999999)',
        label("col.occupancy_pct", "vi"): 'coalesce("occupancy_pct", -999999999999999)',
        label("col.status", "vi"): "status",
        label("col.worst_result", "vi"): "worst_result",
    }
    assert managed["styles"][label("col.worst_result", "vi")]["colors"] == sorted(
        {colors["pass"], colors["fail"], colors["needs_review"], styles.NODATA_COLOR}
    )
    # each theme shows its scenario's layers only
    themes = deliver["themes"]
    rp = label("scenario.return_period", "vi")
    overview, rp10, rp100, slr = (
        themes[label("theme.overview", "vi")],
        themes[rp.format(n="10")],
        themes[rp.format(n="100")],
        themes[label("scenario.slr", "vi").format(cm="77")],
    )
    background = set(overview)
    assert not any("chu kỳ" in n or "biển" in n for n in overview)
    assert len(overview) == 2  # province and clusters (the hazard zones belong to rp100)
    assert [n for n in rp10 if n not in background] == [
        n for n in rp10 if n.endswith(label("scenario.return_period", "vi").format(n="10"))
    ]
    assert len(rp10) == 3
    assert len(slr) == 3
    assert len(rp100) == 4  # its exposure layer and the hazard zones
    assert any(n.startswith(label("layer.hazard", "vi")) for n in rp100)
    # the layout: A3, one map following the 100-year theme, legend, scale bar, north arrow
    lay = deliver["layout"]
    assert lay["page_mm"] == [420.0, 297.0]
    assert lay["items"] == {"map": 1, "legend": 1, "scalebar": 1, "picture": 1, "label": 4}
    assert lay["map_follows"] is True
    assert lay["map_theme"] == label("scenario.return_period", "vi").format(n="100")
    assert sorted(lay["map_layers"]) == sorted(rp100)
    assert lay["picture"].endswith("north_arrow.svg")
    assert lay["scalebar_units"] == 1  # QgsUnitTypes.DistanceKilometers
    assert lay["legend_rows"] >= 3
    assert lay["pdf_result"] == 0
    assert pdf.stat().st_size > 20_000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        # the first page as PNG beside the PDF, to look at (tests keep the tmp folder)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(tmp_path / "layout")],
            check=True,
            timeout=60,
        )
        assert (tmp_path / "layout.png").stat().st_size > 10_000


def test_themes_show_the_overview_and_their_scenario_only():
    from ninhbinh_geo.qgis import themes

    entries = [
        themes.LayerEntry("province", "p", "Tỉnh"),
        themes.LayerEntry("service_areas", "s", "Vùng phục vụ"),
        themes.LayerEntry("clusters", "c", "CCN"),
        themes.LayerEntry("exposure", "e10", "Phơi nhiễm – 10", scenario="rp10"),
        themes.LayerEntry("exposure", "e100", "Phơi nhiễm – 100", scenario="rp100"),
    ]
    # the review's other layers (service areas …) stay in the project, unchecked in every theme
    assert [e.layer_id for e in themes.theme_layers(entries, "rp10")] == ["p", "c", "e10"]
    assert [e.layer_id for e in themes.theme_layers(entries, None)] == ["p", "c"]


def test_a_scenario_table_is_named_without_the_scenario_its_legend_draws(layers, legends):
    from ninhbinh_geo.qgis.geopackage import _layer_title

    lg = legends["exposure"]
    assert lg.where  # the maps draw one scenario of the table …
    assert "100" in lg.title("vi")
    # … but the layer holds every scenario: its name names none
    name = _layer_title(lg, "vi")
    assert name.startswith(label("layer.exposure", "vi"))
    assert "100" not in name
