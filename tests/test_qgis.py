"""Tests of ninhbinh_geo.qgis: styled GeoPackage, QML and QGIS project.

The fixtures are small illustrative layers built in code (coordinates near Ninh Bình, areas and
distances made up); they carry ``accuracy = "illustrative"``. The last test opens the outputs in
real QGIS (Debian's python3-qgis) through tests/qgis_probe.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, Point, box

from ninhbinh_geo import qgis, styles
from ninhbinh_geo._errors import CRSError, InputFileError, OutputError, SchemaError
from ninhbinh_geo.labels import label

QGIS_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("qgis_probe.py")
HOSTILE = "CCN <script>alert('x')</script> & \"Mai\" Sơn\nline 2 \u200fRTL"

# (site_id, name_vi, former_province, status, area_ha, lon, lat)
_CLUSTERS = [
    ("CCN-NB-A", "CCN Gia Phú", "Ninh Bình", "operating", 12.0, 105.92, 20.25),
    ("CCN-ND-B", HOSTILE, "Nam Định", "planned", 48.5, 106.17, 20.42),
    ("CCN-ND-C", "CCN Xuân Tiến", "Nam Định", "established", 75.0, 106.05, 20.18),
    ("CCN-HN-D", "CCN Kiện Khê", "Hà Nam", "operating", np.nan, 105.87, 20.52),
]


def _sites(rows: list[tuple], kind: str) -> gpd.GeoDataFrame:
    """A site layer with the columns of DEVELOPERS.md (illustrative values)."""
    n = len(rows)
    df = pd.DataFrame(
        {
            "site_id": [r[0] for r in rows],
            "name_vi": [r[1] for r in rows],
            "kind": kind,
            "former_province": [r[2] for r in rows],
            "district_old": pd.Series([pd.NA] * n, dtype="string"),
            "communes": pd.Series([pd.NA] * n, dtype="string"),
            "status": [r[3] for r in rows],
            "status_year": pd.array([2019] + [pd.NA] * (n - 1), dtype="Int64"),
            "area_ha": [r[4] for r in rows],
            "area_basis": "illustrative",
            "area_alt": "",
            "industrial_ha": np.nan,
            "leasable_ha": np.nan,
            "leased_ha": np.nan,
            "occupancy_pct": np.nan,
            "jobs": np.nan,
            "projects": np.nan,
            "has_wwtp": pd.array([True] + [pd.NA] * (n - 1), dtype="boolean"),
            "wwtp_compliant": pd.array([pd.NA] * n, dtype="boolean"),
            "craft_village": False,
            "mountainous": False,
            "expansion_ha": np.nan,
            "major": [i == 0 for i in range(n)] if kind == "KCN" else False,
            "lon": [r[5] for r in rows],
            "lat": [r[6] for r in rows],
            "location_accuracy": "illustrative",
            "location_basis": "test fixture",
            "footprint_accuracy": "illustrative",
            "footprint_basis": "circle around the point",
            "source": "test fixture",
            "source_url": "",
            "source_date": "2025",
            "licence": "CC0",
            "accuracy": "illustrative",
        }
    )
    geom = [Point(r[5], r[6]).buffer(0.02 if kind == "CCN" else 0.03) for r in rows]
    return gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    clusters = _sites(_CLUSTERS, "CCN")
    parks = _sites(
        [
            ("KCN-HN-DONGVAN1", "KCN Đồng Văn I", "Hà Nam", "operating", 200.0, 105.90, 20.62),
            ("KCN-ND-BAOMINH", "KCN Bảo Minh", "Nam Định", "operating", 150.0, 106.10, 20.33),
            ("KCN-ND-MYTRUNG", "KCN Mỹ Trung", "Nam Định", "operating", 150.0, 106.13, 20.47),
        ],
        "KCN",
    )
    links = gpd.GeoDataFrame(
        {
            "site_id": ["CCN-NB-A", "CCN-ND-B", "CCN-ND-C"],
            "park_id": ["KCN-HN-DONGVAN1", "KCN-ND-BAOMINH", "KCN-ND-BAOMINH"],
            "park_name": ["KCN Đồng Văn I", "KCN Bảo Minh", "KCN Bảo Minh"],
            "straight_km": [12.5, 7.25, 16.0],
            "rank": [1, 1, 1],
        },
        geometry=[
            LineString([(105.92, 20.25), (105.90, 20.62)]),
            LineString([(106.17, 20.42), (106.10, 20.33)]),
            LineString([(106.05, 20.18), (106.10, 20.33)]),
        ],
        crs="EPSG:4326",
    )
    province = gpd.GeoDataFrame(
        {"name": ["Ninh Bình"], "accuracy": ["illustrative"]},
        geometry=[box(105.75, 20.05, 106.35, 20.75)],
        crs="EPSG:4326",
    )
    findings = pd.DataFrame(
        {
            "site_id": ["CCN-NB-A"],
            "rule_id": ["CCN-01"],
            "result": ["pass"],
            "statement_vi": [HOSTILE],
        }
    )
    return {
        "province": province,
        "satellite_links": links,
        "findings": findings,
        "clusters": clusters,
        "parks": parks,
    }


@pytest.fixture(scope="module")
def legends(layers: dict[str, pd.DataFrame]) -> dict[str, styles.Legend]:
    return styles.default_legends(layers, k=3)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, layers, legends) -> Path:
    out = tmp_path_factory.mktemp("export") / "ninhbinh.gpkg"
    return qgis.export_geopackage(layers, legends, out)


def _qml(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE qgis")
    return ET.fromstring(text.split("\n", 1)[1])


def _rgba(hex_color: str) -> str:
    h = hex_color.lstrip("#")
    return ",".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4)) + ",255"


def _symbol_colors(renderer: ET.Element) -> dict[str, str]:
    out = {}
    for sym in renderer.find("symbols"):
        opts = {o.get("name"): o.get("value") for o in sym.find("layer/Option")}
        out[sym.get("name")] = opts.get("color", opts.get("line_color"))
    return out


# ------------------------------------------------------------------------------------------
# QML, no QGIS needed
# ------------------------------------------------------------------------------------------


def test_categorized_qml_equals_legend(legends):
    lg = legends["parks"]
    for lang in ("vi", "en"):
        rend = _qml(qgis.legend_qml(lg, lang=lang)).find("renderer-v2")
        assert rend.get("type") == "categorizedSymbol"
        assert rend.get("attr") == "major"
        cats = rend.findall("categories/category")
        colors = _symbol_colors(rend)
        assert [c.get("value") for c in cats] == ["true", "false", ""]
        assert [c.get("label") for c in cats] == [
            *(c.text(lang) for c in lg.classes),
            label("nodata", lang),
        ]
        assert [colors[c.get("symbol")] for c in cats] == [
            "123,50,148,255",
            "194,165,207,255",
            _rgba(styles.NODATA_COLOR),
        ]


def test_graduated_qml_keeps_exact_breaks_and_colours():
    values = pd.Series([0.1, 0.1 + 0.2, 1 / 3, 2.0, 7.0, np.nan])
    lg = styles.graduated_legend(
        values,
        layer="exposure",
        column="exposed_share",
        title_key="col.exposed_share",
        scheme="EqualInterval",
        k=3,
    )
    rend = _qml(qgis.legend_qml(lg)).find("renderer-v2")
    assert rend.get("type") == "graduatedSymbol"
    assert rend.get("attr").startswith('coalesce("exposed_share", ')
    ranges = rend.findall("ranges/range")
    assert len(ranges) == len(lg.classes) + 1
    colors = _symbol_colors(rend)
    for rng, cls in zip(ranges, lg.classes, strict=False):
        # Exact float equality: a formatted "%.2f" bound would move values across classes.
        assert float(rng.get("lower")) == cls.lower
        assert float(rng.get("upper")) == cls.upper
        assert colors[rng.get("symbol")] == _rgba(cls.color)
    assert [float(r.get("upper")) for r in ranges[:-1]] == lg.breaks
    nodata = ranges[-1]
    assert float(nodata.get("lower")) < min(values.dropna())
    assert nodata.get("label") == label("nodata", "vi")
    assert colors[nodata.get("symbol")] == _rgba(styles.NODATA_COLOR)
    assert rend.find("classificationMethod").get("id") == "Custom"


def test_single_line_legend_on_polygons_draws_outline_only(legends):
    root = _qml(qgis.legend_qml(legends["province"], geometry_type="polygon"))
    rend = root.find("renderer-v2")
    assert rend.get("type") == "singleSymbol"
    opts = {o.get("name"): o.get("value") for o in rend.find("symbols/symbol/layer/Option")}
    assert opts["style"] == "no"
    assert opts["outline_color"] == _rgba("#252525")
    assert root.find("layerGeometryType").text == "2"
    assert root.get("labelsEnabled") == "0"


def test_labels_for_sites_and_links(legends):
    site = _qml(qgis.legend_qml(legends["clusters"]))
    assert site.get("labelsEnabled") == "1"
    style = site.find("labeling/settings/text-style")
    assert (style.get("fieldName"), style.get("isExpression")) == ("name_vi", "0")
    link = _qml(qgis.legend_qml(legends["satellite_links"], lang="en"))
    style = link.find("labeling/settings/text-style")
    assert style.get("isExpression") == "1"
    assert style.get("fieldName") == "format_number(\"straight_km\", 1) || ' km'"
    assert link.find("labeling/settings/placement").get("placement") == "2"


def test_hostile_legend_text_stays_valid_xml():
    evil = HOSTILE + "\x01\x1f"
    lg = styles.Legend(
        layer="zoning_findings",
        column="result",
        kind="categorized",
        title_key="col.result",
        classes=(styles.LegendClass("#d7191c", evil, evil, value=evil),),
    )
    rend = _qml(qgis.legend_qml(lg)).find("renderer-v2")
    cat = rend.find("categories/category")
    # Newlines, quotes, <, & and the RTL mark survive; XML-illegal control characters do not.
    assert cat.get("value") == HOSTILE + "\ufffd\ufffd"
    assert cat.get("label") == HOSTILE + "\ufffd\ufffd"


def test_unknown_lang_and_geometry_rejected(legends):
    with pytest.raises(SchemaError, match="language"):
        qgis.legend_qml(legends["parks"], lang="fr")
    with pytest.raises(SchemaError, match="geometry type"):
        qgis.legend_qml(legends["parks"], geometry_type="raster")


# ------------------------------------------------------------------------------------------
# GeoPackage
# ------------------------------------------------------------------------------------------


def test_default_zone_is_majority_and_geometry_reprojected(exported, layers):
    # 4 of 7 sites (2 clusters, 2 parks) lie in the former Nam Định: zone 105°30'.
    info = pyogrio.read_info(exported, layer="clusters")
    assert info["crs"] == "EPSG:9209"
    for name in ("clusters", "parks", "satellite_links", "province"):
        assert pyogrio.read_info(exported, layer=name)["crs"] == info["crs"]
    got = pyogrio.read_dataframe(exported, layer="clusters")
    want = layers["clusters"].to_crs(info["crs"])
    assert np.allclose(got.geometry.centroid.x, want.geometry.centroid.x, atol=1e-3)
    # TM-3 coordinates of Ninh Bình: eastings near 500 km ± 60 km, northings near 2 240 km.
    assert 440_000 < got.geometry.centroid.x.min() < got.geometry.centroid.x.max() < 620_000
    assert 2_200_000 < got.geometry.centroid.y.min() < 2_300_000


def test_clear_majority_and_explicit_zone(tmp_path, layers, legends):
    sub = {"clusters": layers["clusters"].iloc[1:3]}  # both Nam Định
    out = qgis.export_geopackage(sub, legends, tmp_path / "nd.gpkg")
    assert pyogrio.read_info(out, layer="clusters")["crs"] == "EPSG:9209"
    out = qgis.export_geopackage(sub, legends, tmp_path / "z.gpkg", crs="EPSG:5897")
    assert pyogrio.read_info(out, layer="clusters")["crs"] == "EPSG:5897"
    # Central meridian 105°: a point on it lies within the datum shift (< 300 m) of x = 500 km.
    pt = gpd.GeoDataFrame({"name_vi": ["x"]}, geometry=[Point(105.0, 20.3)], crs=4326)
    out = qgis.export_geopackage({"pt": pt}, {}, tmp_path / "pt.gpkg", crs="EPSG:5897")
    x = pyogrio.read_dataframe(out, layer="pt").geometry.x.iloc[0]
    assert abs(x - 500_000) < 300
    with pytest.raises(CRSError, match="not a projected CRS in metres"):
        qgis.export_geopackage(sub, legends, tmp_path / "deg.gpkg", crs="EPSG:4326")
    with pytest.raises(CRSError, match="not a valid CRS"):
        qgis.export_geopackage(sub, legends, tmp_path / "bad.gpkg", crs="EPSG:99999999")
    # Inputs are not mutated: still in storage CRS, same values.
    assert layers["clusters"].crs.to_epsg() == 4326
    assert layers["clusters"].geometry.iloc[0].centroid.x == pytest.approx(105.92)


def test_empty_layer_keeps_type_and_style(tmp_path, layers, legends):
    empty = layers["parks"].iloc[0:0]
    out = qgis.export_geopackage({"parks": empty}, legends, tmp_path / "e.gpkg", crs="EPSG:5897")
    assert pyogrio.read_info(out, layer="parks")["geometry_type"] == "MultiPolygon"
    con = sqlite3.connect(out)
    assert con.execute("SELECT f_table_name FROM layer_styles").fetchall() == [("parks",)]
    con.close()


def test_layer_styles_table_as_qgis_creates_it(exported, layers, legends):
    con = sqlite3.connect(exported)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(layer_styles)")]
        assert cols == [
            "id",
            "f_table_catalog",
            "f_table_schema",
            "f_table_name",
            "f_geometry_column",
            "styleName",
            "styleQML",
            "styleSLD",
            "useAsDefault",
            "description",
            "owner",
            "ui",
            "update_time",
        ]
        assert con.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone() == ("attributes",)
        rows = con.execute(
            "SELECT f_table_name, f_table_schema, f_geometry_column, "
            "useAsDefault, styleQML, description FROM layer_styles WHERE useAsDefault = 1"
        ).fetchall()
        defaults = con.execute(
            "SELECT f_table_name, COUNT(*) FROM layer_styles WHERE useAsDefault = 1 "
            "GROUP BY f_table_name"
        ).fetchall()
        version = con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()
    assert version == 0x47504B47  # "GPKG"
    by_table = {r[0]: r for r in rows}
    assert {n for _, n in defaults} == {1}  # alternates never compete with the default
    # One default style per styled spatial layer; the attribute table gets none.
    assert sorted(by_table) == ["clusters", "parks", "province", "satellite_links"]
    for name, (_, schema, geom_col, default, qml, desc) in by_table.items():
        assert (schema, geom_col, default) == ("", "geom", 1)
        assert qml == qgis.legend_qml(
            legends[name], geometry_type="line" if name == "satellite_links" else "polygon"
        )
        assert desc
    assert by_table["clusters"][5] == (
        f"{label('layer.clusters')} – {legends['clusters'].title('vi')}"
    )
    listed = {row[0] for row in pyogrio.list_layers(exported)}
    assert listed == {
        "clusters",
        "parks",
        "satellite_links",
        "province",
        "findings",
        "layer_styles",
    }
    findings = pyogrio.read_dataframe(exported, layer="findings", read_geometry=False)
    assert findings["statement_vi"].tolist() == [HOSTILE]


def test_lang_en_styles(tmp_path, layers, legends):
    out = qgis.export_geopackage(
        {"parks": layers["parks"]}, legends, tmp_path / "en.gpkg", lang="en"
    )
    con = sqlite3.connect(out)
    qml, desc = con.execute("SELECT styleQML, description FROM layer_styles").fetchone()
    con.close()
    labels = [c.get("label") for c in _qml(qml).iter("category")]
    assert labels == ["Major parks (satellite hubs)", "Industrial parks (KCN)", "No data"]
    assert desc == "Industrial parks (KCN) (ILLUSTRATIVE)"


def test_hostile_names_round_trip(exported, layers):
    got = pyogrio.read_dataframe(exported, layer="clusters")
    assert got["name_vi"].tolist() == layers["clusters"]["name_vi"].tolist()
    assert HOSTILE in got["name_vi"].tolist()
    assert got["status_year"].iloc[0] == 2019
    assert pd.isna(got["status_year"].iloc[1])


def _listing(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_failed_export_leaves_old_file_intact(tmp_path, layers, legends, monkeypatch):
    out = qgis.export_geopackage({"parks": layers["parks"]}, legends, tmp_path / "nb.gpkg")
    before = _listing(tmp_path)

    def disk_full(path, rows):
        # The layers are already in the temporary file when the style write fails.
        assert path.exists()
        assert path.parent == tmp_path
        assert path != out
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(qgis.geopackage, "_write_styles", disk_full)
    with pytest.raises(OutputError, match=r"No space left.*previous file.*unchanged"):
        qgis.export_geopackage(layers, legends, out)
    assert _listing(tmp_path) == before
    monkeypatch.undo()

    real_write = pyogrio.write_dataframe
    written = []

    def fail_on_parks(df, path, layer, **kwargs):
        if layer == "parks":  # the second layer, after province is in the temporary file
            raise pyogrio.errors.FieldError("simulated: cannot create field 'communes'")
        written.append(layer)
        return real_write(df, path, layer=layer, **kwargs)

    monkeypatch.setattr(qgis.geopackage.pyogrio, "write_dataframe", fail_on_parks)
    with pytest.raises(OutputError, match="Layer 'parks' could not be written"):
        qgis.export_geopackage(
            {"province": layers["province"], "parks": layers["parks"]}, legends, out
        )
    monkeypatch.undo()
    assert written == ["province"]
    assert _listing(tmp_path) == before
    assert {r[0] for r in pyogrio.list_layers(out)} == {"parks", "layer_styles"}


def test_bad_input_raises_our_errors(tmp_path, layers, legends):
    with pytest.raises(SchemaError, match="cannot be GeoPackage tables"):
        qgis.export_geopackage({"my layer|x": layers["parks"]}, legends, tmp_path / "a.gpkg")
    with pytest.raises(SchemaError, match="no column 'major'"):
        qgis.export_geopackage(
            {"parks": layers["parks"].drop(columns="major")}, legends, tmp_path / "a.gpkg"
        )
    with pytest.raises(CRSError, match="has no CRS"):
        qgis.export_geopackage(
            {"parks": layers["parks"].set_crs(None, allow_override=True)},
            legends,
            tmp_path / "a.gpkg",
        )
    with pytest.raises(OutputError, match="does not exist"):
        qgis.export_geopackage(layers, legends, tmp_path / "missing" / "a.gpkg")
    mixed = gpd.GeoDataFrame(geometry=[Point(106, 20.3), box(106, 20.3, 106.1, 20.4)], crs=4326)
    with pytest.raises(SchemaError, match="mixed geometry types"):
        qgis.export_geopackage({"mixed": mixed}, legends, tmp_path / "a.gpkg")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------
# Project, parsed without QGIS
# ------------------------------------------------------------------------------------------


def test_project_xml(tmp_path, exported, layers):
    gpkg = tmp_path / "data" / "nb.gpkg"
    gpkg.parent.mkdir()
    gpkg.write_bytes(exported.read_bytes())
    title = HOSTILE + "\x0b"
    proj = qgis.write_project(gpkg, list(layers), tmp_path / "nb.qgs", title=title)
    root = ET.fromstring(proj.read_text(encoding="utf-8").split("\n", 1)[1])
    assert root.find("title").text == HOSTILE + "\ufffd"
    assert (
        root.find("projectCrs/spatialrefsys/authid").text
        == pyogrio.read_info(gpkg, layer="clusters")["crs"]
    )
    tree = root.findall("layer-tree-group/layer-tree-layer")
    tables = [n.get("source").split("layername=")[1] for n in tree]
    assert tables == ["clusters", "parks", "satellite_links", "findings", "province"]
    assert all(n.get("source").startswith("./data/nb.gpkg|layername=") for n in tree)
    maplayers = root.findall("projectlayers/maplayer")
    assert [m.find("datasource").text for m in maplayers] == [n.get("source") for n in tree]
    assert [m.find("id").text for m in maplayers] == [
        e.get("id") for e in root.findall("layerorder/layer")
    ]
    by_table = {m.find("datasource").text.split("=")[1]: m for m in maplayers}
    assert by_table["clusters"].find("renderer-v2").get("type") == "graduatedSymbol"
    assert by_table["findings"].find("renderer-v2") is None
    assert by_table["findings"].get("geometry") == "No geometry"
    assert root.find("properties/Paths/Absolute").text == "false"

    qgz = qgis.write_project(gpkg, ["province", "clusters"], tmp_path / "nb.qgz")
    with zipfile.ZipFile(qgz) as zf:
        assert zf.namelist() == ["nb.qgs"]
        inner = ET.fromstring(zf.read("nb.qgs").decode("utf-8").split("\n", 1)[1])
    assert [n.get("name") for n in inner.findall("layer-tree-group/layer-tree-layer")] == [
        f"{label('layer.clusters')} – {styles.default_legends(layers)['clusters'].title()}",
        label("layer.province"),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "nb.qgs", "nb.qgz"]

    with pytest.raises(InputFileError, match="no layers 'roads'"):
        qgis.write_project(gpkg, ["clusters", "roads"], tmp_path / "x.qgs")
    with pytest.raises(OutputError, match=r"\.qgs or \.qgz"):
        qgis.write_project(gpkg, ["clusters"], tmp_path / "x.xml")


# ------------------------------------------------------------------------------------------
# Real QGIS
# ------------------------------------------------------------------------------------------


def _qgis_available() -> str | None:
    if not Path(QGIS_PYTHON).exists():
        return f"{QGIS_PYTHON} not found (install Debian's python3-qgis)"
    try:
        res = subprocess.run(
            [QGIS_PYTHON, "-c", "import qgis.core"],
            capture_output=True,
            timeout=60,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{QGIS_PYTHON} cannot run: {exc}"
    if res.returncode != 0:
        return f"{QGIS_PYTHON} cannot import qgis.core (install Debian's python3-qgis)"
    return None


@pytest.mark.qgis
@pytest.mark.slow
def test_opens_styled_in_real_qgis(tmp_path, exported, layers, legends):
    reason = _qgis_available()
    if reason:
        pytest.skip(reason)
    gpkg = tmp_path / "nb.gpkg"
    gpkg.write_bytes(exported.read_bytes())
    names = list(layers)
    qgs = qgis.write_project(gpkg, names, tmp_path / "nb.qgs")
    qgz = qgis.write_project(gpkg, names, tmp_path / "nb.qgz")
    png = tmp_path / "nb.png"
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(
            {
                "gpkg": str(gpkg),
                "layers": names,
                "project": str(qgs),
                "project_qgz": str(qgz),
                "png": str(png),
            }
        )
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    res = subprocess.run(
        [QGIS_PYTHON, str(PROBE), str(request)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    report = json.loads(res.stdout.strip().splitlines()[-1])
    zone = pyogrio.read_info(gpkg, layer="clusters")["crs"]
    got = report["layers"]

    # Every spatial layer opened alone gets its default style from layer_styles.
    assert {n: got[n]["renderer"] for n in names} == {
        "clusters": "graduatedSymbol",
        "parks": "categorizedSymbol",
        "satellite_links": "graduatedSymbol",
        "province": "singleSymbol",
        "findings": None,
    }
    for name in ("clusters", "parks", "satellite_links", "province"):
        assert got[name]["valid"]
        assert got[name]["crs"] == zone
        assert got[name]["feature_count"] == len(layers[name])
        lg = legends[name]
        if lg.kind == "graduated":
            classes = got[name]["classes"]
            assert len(classes) == len(lg.classes) + 1
            assert [(c["lower"], c["upper"], c["color"]) for c in classes[:-1]] == [
                (c.lower, c.upper, c.color) for c in lg.classes
            ]
        elif lg.kind == "categorized":
            assert [(c["value"], c["color"]) for c in got[name]["classes"][:-1]] == [
                (str(c.value).lower(), c.color) for c in lg.classes
            ]
        # The colour QGIS gives each feature is the colour the web and static maps give it,
        # including the no-data grey of the cluster with unknown area.
        want = lg.colors(layers[name][lg.column] if lg.column else layers[name].geometry)
        assert got[name]["feature_colors"] == want.tolist()
    assert got["clusters"]["feature_colors"][3] == styles.NODATA_COLOR
    assert got["parks"]["classes"][0]["label"] == legends["parks"].classes[0].label_vi
    assert got["clusters"]["label_field"] == "name_vi"
    assert got["satellite_links"]["label_is_expression"] is True
    assert got["province"]["classes"][0]["brush"] == "no"
    assert got["clusters"]["name_vi"] == layers["clusters"]["name_vi"].tolist()
    assert got["findings"]["valid"]
    assert got["findings"]["geometry_type"] == 4

    for key in ("project", "project_qgz"):
        proj = report[key]
        assert proj["read"]
        assert proj["crs"] == zone
        assert proj["layer_count"] == len(names)
        tree = proj["tree"]
        assert all(t["valid"] for t in tree)
        assert [t["source"].split("layername=")[1] for t in tree] == [
            "clusters",
            "parks",
            "satellite_links",
            "findings",
            "province",
        ]
        assert all(t["source"].startswith(str(gpkg)) for t in tree)
        assert [t["renderer"] for t in tree] == [
            "graduatedSymbol",
            "categorizedSymbol",
            "graduatedSymbol",
            None,
            "singleSymbol",
        ]

    image = report["project"]["png"]
    assert png.stat().st_size > 5_000
    assert image["distinct_colors"] >= 20
    assert 0.01 < image["non_white_share"] < 0.5
    # Interiors of clusters and parks are painted exactly in their legend colours.
    painted = set(image["frequent_colors"])
    for name in ("clusters", "parks"):
        lg = legends[name]
        want = set(lg.colors(layers[name][lg.column]))
        assert want <= painted, (name, want - painted)


def test_layers_are_written_without_sqlite_flushes_and_the_setting_is_restored(
    tmp_path, layers, legends, monkeypatch
):
    from ninhbinh_geo.qgis import geopackage

    seen = []
    write = pyogrio.write_dataframe

    def recording(*args, **kwargs):
        seen.append(pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS"))
        return write(*args, **kwargs)

    monkeypatch.setattr(geopackage.pyogrio, "write_dataframe", recording)
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "FULL"})  # a user's own choice
    try:
        path = qgis.export_geopackage(layers, legends, tmp_path / "out.gpkg")
        assert seen
        assert all(v is False for v in seen)  # GDAL reads "OFF" as False
        assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") == "FULL"
    finally:
        pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": None})
    with sqlite3.connect(path) as con:  # a whole, consistent database
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert {n for n, _ in pyogrio.list_layers(path)} >= set(layers)
