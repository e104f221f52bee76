"""Reliability of the review outputs: crash safety, lossless round trips and hostile text.

1. Crash safety. An export is killed with SIGKILL at a known point (tests/crash_export.py pauses
   there and signals through a file): the previous outputs must stay byte-identical (sha256), no
   partial file may appear under a final name, and what the killed run leaves behind must not
   break the next run nor be taken for output.
2. Lossless round trips. Every layer of the review, written to GeoPackage (the review's own
   ``review.gpkg``) and to GeoJSON in EPSG:4326 (pyogrio), reads back with the same rows,
   attributes, NFC text, CRS and geometry within 1 mm. The dtype changes the formats impose are
   listed in :data:`_ALLOWED_DTYPES`; everything else must come back as it went in.
3. Hostile text. Site names and attributes holding HTML, quotes, ``&``, newlines, a right-to-left
   override, Jinja braces, ``$…$`` and a 10,000-character string pass through the web map, the
   report (HTML and Markdown), the CSV tables, the QGIS styles and project, and the static maps
   without breaking a file or adding markup.

The review runs twice per session: once on the embedded data (``embedded``) and once with a
user clusters file holding the hostile text (``hostile``), the latter into the folder a killed
review left behind, so it is also the "next run after a crash". The hostile clusters file is a
test fixture: the embedded clusters with five names and notes replaced and every ``source``
replaced by a text that says it is a test fixture.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import html
import importlib.util
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from ninhbinh_geo import crs as nb_crs
from ninhbinh_geo import datasets, qgis, review, staticmap, styles
from ninhbinh_geo.labels import label

REPO = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).with_name("crash_export.py")
CHILD_TIMEOUT_S = 120.0

# --------------------------------------------------------------------------------------------
# Hostile text (test fixture)
# --------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JINJA = "{{ 7*7 }}"
MATH = "$x^2$"
RLO = "\u202e"
MD_LINK = "[click](javascript:alert(1))"
_LONG_UNIT = "Đồng Văn <b>&amp;</b> \"q\" 'a' {{ x }} $y$ | "
LONG = (_LONG_UNIT * (10_000 // len(_LONG_UNIT) + 1))[:10_000]

# Row position in datasets.load_clusters() -> the name given in the user file. Row 3 is given
# in NFD (decomposed accents) on purpose: every output must hold it in NFC.
HOSTILE_NAMES = {
    0: f"CCN {SCRIPT} Sơn",
    1: f"CCN {IMG} \"Mai\" & 'Hà' {MD_LINK}",
    2: f"CCN Gia\nVân {RLO}RTL {JINJA} {{% if 1 %}}x{{% endif %}}",
    3: unicodedata.normalize("NFD", f"CCN {MATH} Đồng Hóa \\ backslash"),
    4: "CCN " + LONG[:-4],
}
HOSTILE_COMMUNES = {
    0: f"xã {SCRIPT}\n{IMG} & \"q\" 'a' {JINJA} {MATH} {RLO}end",
    1: LONG,
}
HOSTILE_NOTE = f"note {SCRIPT}\nline 2 & {JINJA} {MATH} {RLO}"
HOSTILE_SOURCE = f"test fixture (names altered) {MATH} {SCRIPT} & co"
HOSTILE_URL = "javascript:alert(1)"
PAYLOADS = (SCRIPT, IMG)


def _harmonised(text: str) -> str:
    """The name as the review holds it: NFC, whitespace runs (newlines) folded to one space.

    The folding is io.harmonise's documented normalisation of names, not a loss in an output.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _visible_tree(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` whose path has no hidden (``.``) component."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = _sha256(path)
    return out


def _hidden(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


@dataclass
class Child:
    """A child export started in the background; it sleeps at its pause point until killed."""

    name: str
    proc: subprocess.Popen
    signal: Path
    log: Path


def _start_child(name: str, mode: str, target: Path, base: Path, *extra: str) -> Child:
    """Start ``crash_export.py MODE TARGET SIGNAL [EXTRA]`` with its stderr in a log file."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    signal_path, log = base / f"{name}.signal.json", base / f"{name}.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), mode, str(target), str(signal_path), *extra],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    return Child(name, proc, signal_path, log)


def _kill_at_pause(child: Child) -> dict:
    """Wait until the child signals its pause point, SIGKILL it there; return its signal."""
    proc = child.proc
    try:
        deadline = time.monotonic() + CHILD_TIMEOUT_S
        while not child.signal.exists():
            if proc.poll() is not None:
                pytest.fail(
                    f"child {child.name} exited with {proc.returncode} before its pause point:\n"
                    + child.log.read_text(errors="replace")[-3000:]
                )
            if time.monotonic() > deadline:
                pytest.fail(f"child {child.name} did not reach its pause point in time")
            time.sleep(0.02)
        info = json.loads(child.signal.read_text(encoding="utf-8"))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return info


def _child_module():
    spec = importlib.util.spec_from_file_location("crash_export", CHILD)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Page(HTMLParser):
    """Elements, script texts and visible text of an HTML page (charrefs decoded)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._raw: str | None = None
        self._buf: list[str] = []
        self._cell: list[str] | None = None
        self._h4: list[str] | None = None
        self.h4: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._raw, self._buf = tag, []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "h4":
            self._h4 = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            if tag == "script":
                self.scripts.append("".join(self._buf))
            self._raw = None
        elif tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None
        elif tag == "h4" and self._h4 is not None:
            self.h4.append("".join(self._h4))
            self._h4 = None

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._buf.append(data)
            return
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._h4 is not None:
            self._h4.append(data)

    def event_handlers(self) -> list[tuple[str, str, str | None]]:
        return [(t, k, v) for t, a in self.elements for k, v in a.items() if k.startswith("on")]


def _features(page: _Page) -> list[dict]:
    """The GeoJSON features the web map adds with ``addData``."""
    out = []
    for script in page.scripts:
        for m in re.finditer(r"\.addData\((\{\"type\":\"FeatureCollection\".*?\})\);\n", script):
            out += json.loads(m.group(1))["features"]
    return out


# --------------------------------------------------------------------------------------------
# Session fixtures: the two reviews and the killed one
# --------------------------------------------------------------------------------------------


@dataclass
class Review:
    out: Path
    result: review.ReviewResult


@dataclass
class KilledReview:
    out: Path
    before: dict[str, str]  # visible files of the previous review -> sha256
    after: dict[str, str]  # the same right after the kill
    hidden_after: list[str]
    staging: Path
    staged: list[str]  # files in the staging folder when killed


GPKG_PAUSES = ("layer", "styles")


@dataclass
class GpkgChild:
    child: Child
    dest: Path
    before: str  # sha256 of the previous GeoPackage
    layers_before: list[str]


@pytest.fixture(scope="session")
def gpkg_children(tmp_path_factory) -> dict[str, GpkgChild]:
    """Start one GeoPackage export per pause point over an existing GeoPackage.

    Started before the first review so that their start-up (imports take seconds) overlaps it;
    they sleep at their pause point until :func:`killed_gpkg` kills them.
    """
    layers = _child_module().embedded_layers()
    legends = styles.default_legends(layers)
    children = {}
    for pause in GPKG_PAUSES:
        base = tmp_path_factory.mktemp(f"gpkg_{pause}")
        dest = base / "out" / "review.gpkg"
        dest.parent.mkdir()
        # The previous file: the same layers in the other zone, so that its bytes differ.
        qgis.export_geopackage(layers, legends, dest, crs="EPSG:9209")
        before = _sha256(dest)
        names = sorted(name for name, _ in pyogrio.list_layers(dest))
        child = _start_child(f"gpkg_{pause}", "gpkg", dest, base, pause)
        children[pause] = GpkgChild(child, dest, before, names)
    yield children
    for c in children.values():  # a test that failed early leaves its child sleeping
        if c.child.proc.poll() is None:
            c.child.proc.kill()
            c.child.proc.wait()


@pytest.fixture(scope="session")
def embedded(tmp_path_factory, gpkg_children) -> Review:
    out = tmp_path_factory.mktemp("embedded") / "review-out"
    return Review(out, review.run_review(out))


@pytest.fixture(scope="session")
def killed_review(tmp_path_factory, embedded) -> KilledReview:
    base = tmp_path_factory.mktemp("killed")
    out = base / "review-out"
    shutil.copytree(embedded.out, out)
    before = _visible_tree(out)
    info = _kill_at_pause(_start_child("review", "review", out, base))
    staging = Path(info["staging"])
    staged = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    # Keep a copy of the killed run's leftovers: the next run into `out` removes them.
    shutil.copytree(staging, base / "junk-only" / staging.name)
    return KilledReview(out, before, _visible_tree(out), _hidden(out), staging, staged)


@pytest.fixture(scope="session")
def hostile_input(tmp_path_factory) -> tuple[Path, gpd.GeoDataFrame]:
    clusters = datasets.load_clusters()
    pos = clusters.index
    for i, name in HOSTILE_NAMES.items():
        clusters.loc[pos[i], "name_vi"] = name
    for i, text in HOSTILE_COMMUNES.items():
        clusters.loc[pos[i], "communes"] = text
    clusters.loc[pos[:5], "note"] = HOSTILE_NOTE
    clusters["source"] = HOSTILE_SOURCE
    clusters.loc[pos[1], "source_url"] = HOSTILE_URL
    path = tmp_path_factory.mktemp("inputs") / "ccn_hostile.gpkg"
    pyogrio.write_dataframe(clusters, path, layer="clusters", driver="GPKG")
    return path, clusters


@pytest.fixture(scope="session")
def hostile(killed_review, hostile_input) -> Review:
    # Into the folder of the killed review: this is also the next run after the crash.
    options = review.ReviewOptions(clusters=hostile_input[0], formats=("png", "pdf"))
    return Review(killed_review.out, review.run_review(killed_review.out, options, force=True))


@pytest.fixture(scope="session")
def hostile_ids(hostile_input) -> dict[str, str]:
    """site_id -> the name the outputs must show (harmonised: NFC, whitespace folded)."""
    clusters = hostile_input[1]
    return {clusters["site_id"].iloc[i]: _harmonised(n) for i, n in HOSTILE_NAMES.items()}


# --------------------------------------------------------------------------------------------
# 1. Crash safety
# --------------------------------------------------------------------------------------------


@dataclass
class KilledGpkg:
    folder: Path
    before: str
    layers_before: list[str]
    after: str
    layers_after: list[str]
    listing_after_kill: list[str]
    info: dict
    tmp_existed: bool
    next_layers: list[str]
    next_crs: str
    next_rows: int
    next_styles: int
    listing_after_next: list[str]


@pytest.fixture(scope="session", params=GPKG_PAUSES)
def killed_gpkg(request, gpkg_children) -> KilledGpkg:
    """Kill export_geopackage over an existing file, then export again into the same folder."""
    started = gpkg_children[request.param]
    dest = started.dest
    folder = dest.parent
    info = _kill_at_pause(started.child)
    after = _sha256(dest)
    layers_after = sorted(name for name, _ in pyogrio.list_layers(dest))
    listing = sorted(p.name for p in folder.iterdir())
    tmp_existed = Path(info["tmp"]).is_file()
    # The next run, in this process, over the file and next to what the killed run left.
    layers = _child_module().embedded_layers()
    qgis.export_geopackage(layers, styles.default_legends(layers), dest, crs="EPSG:5897")
    with sqlite3.connect(dest) as con:
        # one default style per layer (alternates are counted in tests/test_qgis_deliverables.py)
        n_styles = con.execute(
            "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1"
        ).fetchone()[0]
    return KilledGpkg(
        folder=folder,
        before=started.before,
        layers_before=started.layers_before,
        after=after,
        layers_after=layers_after,
        listing_after_kill=listing,
        info=info,
        tmp_existed=tmp_existed,
        next_layers=sorted(name for name, _ in pyogrio.list_layers(dest)),
        next_crs=pyogrio.read_info(dest, layer="clusters")["crs"],
        next_rows=len(pyogrio.read_dataframe(dest, layer="clusters", read_geometry=False)),
        next_styles=n_styles,
        listing_after_next=sorted(p.name for p in folder.iterdir()),
    )


def test_killed_geopackage_export_keeps_the_previous_file(killed_gpkg):
    k = killed_gpkg
    # The kill hit mid-export: the child was writing a temporary GeoPackage next to the target.
    assert k.tmp_existed
    tmp = Path(k.info["tmp"])
    assert tmp.parent == k.folder
    assert tmp.name != "review.gpkg"
    assert tmp.name.startswith(".")
    assert len(k.info["layers"]) == (3 if k.info["stage"] == "layer" else 5)
    # The previous file is byte-identical and still a readable GeoPackage with its layers.
    assert k.after == k.before
    assert k.layers_after == k.layers_before
    assert len(k.layers_before) == 5 + 1  # + layer_styles
    # No partial file under a final (visible) name: only review.gpkg is visible.
    assert [n for n in k.listing_after_kill if not n.startswith(".")] == ["review.gpkg"]


def test_next_geopackage_export_after_a_kill_succeeds(killed_gpkg):
    k = killed_gpkg
    assert k.next_layers == sorted(
        ["clusters", "districts", "layer_styles", "parks", "province", "roads"]
    )
    assert k.next_crs == "EPSG:5897"  # the new file, not the previous one (EPSG:9209)
    assert k.next_rows == len(datasets.load_clusters())
    assert k.next_styles == 5
    assert [n for n in k.listing_after_next if not n.startswith(".")] == ["review.gpkg"]


def test_killed_geopackage_export_leaves_no_junk_after_the_next_run(killed_gpkg):
    assert killed_gpkg.listing_after_next == ["review.gpkg"]


def test_killed_review_keeps_the_previous_outputs(killed_review):
    k = killed_review
    # The kill hit the static-maps step: the new GeoPackage, project, web map and the first
    # map were complete in the staging folder, and none of them reached the output folder.
    assert {"review.gpkg", "review.qgz", "map.html"} <= set(k.staged)
    maps = [s for s in k.staged if s.startswith("maps/")]
    assert maps == ["maps/map_overview.pdf", "maps/map_overview.png"]
    assert k.staging.parent == k.out
    assert k.staging.name.startswith(".")
    # Every previous output (gpkg, qgz, html, md, 6 PNG maps, 13 tables) is byte-identical,
    # and no other visible file appeared.
    assert len(k.before) >= 5 + 6 + 13
    assert k.after == k.before
    assert k.staging.name in k.hidden_after


def test_review_after_a_kill_succeeds_and_ignores_the_leftovers(killed_review, hostile, tmp_path):
    out, result = hostile.out, hostile.result
    assert sorted(p.name for p in result.paths) == sorted(review.OUTPUT_NAMES)
    assert all(p.parent == out for p in result.paths)
    # maps/ holds exactly the maps of this run, no staged file of the killed run.
    written_maps = sorted(p.name for p in (out / "maps").iterdir())
    assert len(written_maps) == 2 * len(staticmap.MAP_NAMES) == 12
    assert all(re.fullmatch(r"map_[a-z]+\.(png|pdf)", n) for n in written_maps)
    assert not any(
        ".ninhbinh-geo-staging" in p.read_text(encoding="utf-8")
        for p in (out / "report.html", out / "report.md", out / "map.html")
    )
    # A folder that holds only a killed run's staging folder holds no outputs.
    junk_only = killed_review.out.parent / "junk-only"
    assert review.check_outputs(junk_only, force=False) == junk_only


def test_killed_review_leaves_no_junk_after_the_next_run(killed_review, hostile):
    assert not killed_review.staging.exists()
    assert not [n for n in _hidden(hostile.out) if n.startswith(".ninhbinh-geo-staging")]


def test_atomic_writes_give_outputs_the_permissions_of_a_new_file(embedded):
    umask = os.umask(0)
    os.umask(umask)
    expected = 0o666 & ~umask
    if expected == 0o600:
        pytest.skip("with umask 077 every file is 0600 anyway")
    modes = {
        rel: stat.S_IMODE((embedded.out / rel).stat().st_mode)
        for rel in _visible_tree(embedded.out)
    }
    assert {rel: oct(m) for rel, m in modes.items() if m != expected} == {}


# --------------------------------------------------------------------------------------------
# 2. Lossless round trips
# --------------------------------------------------------------------------------------------

# Dtype kinds that change in a round trip, because of the format or of pyogrio's numpy reader:
# nullable integers and booleans have no numpy dtype with a missing value, so they come back as
# float64 (GeoPackage stores booleans as INTEGER 0/1) or, in GeoJSON, as object (True/False/None);
# GeoJSON has no integer width (int32 when the values fit) and no type for an all-null column
# (object). Text comes back as pandas' default string dtype. Everything else must be unchanged.
_ALLOWED_DTYPES = {
    ("gpkg", "bool", False): {"bool"},
    ("gpkg", "nullable_bool", False): {"bool"},
    ("gpkg", "nullable_bool", True): {"float64"},
    ("gpkg", "int", False): {"int64", "int32"},
    ("gpkg", "int", True): {"float64"},
    ("gpkg", "float", False): {"float64"},
    ("gpkg", "float", True): {"float64"},
    ("gpkg", "text", False): {"str", "object"},
    ("gpkg", "text", True): {"str", "object"},
    ("geojson", "bool", False): {"bool"},
    ("geojson", "nullable_bool", False): {"bool"},
    ("geojson", "nullable_bool", True): {"object", "float64"},
    ("geojson", "int", False): {"int64", "int32"},
    ("geojson", "int", True): {"float64"},
    ("geojson", "float", False): {"float64"},
    ("geojson", "float", True): {"float64", "object"},  # object only when all are null
    ("geojson", "text", False): {"str", "object"},
    ("geojson", "text", True): {"str", "object"},
    # GeoJSON has no date type; it is read with DATE_AS_STRING so that text stays text.
    ("gpkg", "datetime", False): {"datetime64[ms]"},
    ("gpkg", "datetime", True): {"datetime64[ms]"},
    ("geojson", "datetime", False): {"str", "object"},
    ("geojson", "datetime", True): {"str", "object"},
}


def _kind(s: pd.Series) -> str:
    if isinstance(s.dtype, pd.BooleanDtype):
        return "nullable_bool"
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "int"
    if pd.api.types.is_float_dtype(s.dtype):
        return "float"
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return "datetime"
    values = s.dropna()
    if pd.api.types.is_string_dtype(s.dtype) and all(isinstance(v, str) for v in values):
        return "text"
    raise AssertionError(f"column '{s.name}' has dtype {s.dtype} this test does not know")


def _assert_round_trip(orig: pd.DataFrame, back: pd.DataFrame, fmt: str, layer: str) -> None:
    orig = orig.reset_index(drop=True)
    assert len(back) == len(orig), layer
    cols = [c for c in orig.columns if c != "geometry"]
    assert sorted(c for c in back.columns if c != "geometry") == sorted(cols), layer
    for c in cols:
        o, b = orig[c], back[c]
        kind = _kind(o)
        o_na, b_na = o.isna().to_numpy(), b.isna().to_numpy()
        allowed = _ALLOWED_DTYPES[(fmt, kind, bool(o_na.any()))]
        if fmt == "geojson" and kind == "float" and b.dtype == object:
            assert o_na.all(), f"{layer}.{c}: float column read back as object"
        assert str(b.dtype) in allowed, f"{layer}.{c}: {o.dtype} -> {b.dtype}"
        assert (o_na == b_na).all(), f"{layer}.{c}: missing values moved"
        ov, bv = list(o[~o_na]), list(b[~b_na])
        if kind == "text" and fmt == "geojson" and any(isinstance(v, dict) for v in bv):
            # GDAL writes a text holding a JSON object (source_attributes) as that object, and
            # pyogrio returns it parsed: the content must be the same.
            assert [json.loads(v) for v in ov] == bv, f"{layer}.{c}: JSON text changed"
        elif kind == "text":
            assert ov == bv, f"{layer}.{c}: text changed"
            assert all(unicodedata.is_normalized("NFC", v) for v in bv), f"{layer}.{c}: not NFC"
        elif kind in ("bool", "nullable_bool"):
            assert all(v in (0, 1) for v in bv), f"{layer}.{c}"
            assert [bool(v) for v in ov] == [bool(v) for v in bv], f"{layer}.{c}"
        elif kind == "datetime":
            assert list(pd.to_datetime(pd.Series(bv))) == ov, f"{layer}.{c}"
        elif kind == "int":
            assert all(float(v).is_integer() for v in bv), f"{layer}.{c}"
            assert [int(v) for v in ov] == [int(v) for v in bv], f"{layer}.{c}"
        elif fmt == "gpkg":  # binary doubles: exact
            assert np.array_equal(np.asarray(ov, float), np.asarray(bv, float)), f"{layer}.{c}"
        else:  # GDAL's decimal text of a double may differ in the last bit
            np.testing.assert_allclose(np.asarray(bv, float), np.asarray(ov, float), rtol=1e-15)


def _assert_same_geometry(orig: gpd.GeoDataFrame, back: gpd.GeoDataFrame, metric, layer: str):
    a = orig.geometry.to_crs(metric).reset_index(drop=True)
    b = back.geometry.to_crs(metric)
    a_missing = (a.isna() | a.is_empty).to_numpy()
    assert (a_missing == (b.isna() | b.is_empty).to_numpy()).all(), layer
    a, b = a[~a_missing], b[~a_missing]
    base = lambda t: t.removeprefix("Multi")  # noqa: E731 - GPKG may promote to Multi*
    assert [base(t) for t in a.geom_type] == [base(t) for t in b.geom_type], layer
    # Vertex by vertex (a Hausdorff distance on the traced hazard zones takes seconds); the
    # formats keep every vertex and ring order, so the arrays must align.
    ca, cb = shapely.get_coordinates(a.to_numpy()), shapely.get_coordinates(b.to_numpy())
    assert ca.shape == cb.shape, f"{layer}: vertices added or lost"
    assert shapely.get_num_coordinates(a.to_numpy()).tolist() == (
        shapely.get_num_coordinates(b.to_numpy()).tolist()
    ), layer
    moved = float(np.max(np.hypot(*(ca - cb).T), initial=0.0))
    assert moved <= 1e-3, f"{layer}: a vertex moved {moved} m"


# Every layer of the embedded review; of the hostile review, the layers the user's clusters
# reach (the others are the embedded ones again).
ROUND_TRIPS = [("embedded", n) for n in review.LAYER_ORDER] + [
    ("hostile", n) for n in ("exposure", "satellite_links", "clusters", "zoning_findings")
]


def _export_crs(layers: dict[str, gpd.GeoDataFrame]) -> pyproj.CRS:
    sites = pd.concat([nb_crs.to_storage(layers[n]) for n in ("clusters", "parks")])
    return pyproj.CRS.from_user_input(nb_crs.pick_zone(gpd.GeoDataFrame(sites, crs=4326)))


@pytest.mark.parametrize(("which", "layer"), ROUND_TRIPS)
def test_geopackage_round_trip(request, which, layer):
    rev: Review = request.getfixturevalue(which)
    if layer not in rev.result.layers:
        pytest.skip(f"the {which} review has no layer '{layer}'")
    orig = rev.result.layers[layer]
    target = _export_crs(rev.result.layers)
    assert target.to_epsg() in (5897, 9209)
    back = pyogrio.read_dataframe(rev.out / "review.gpkg", layer=layer)
    assert back.crs == target
    _assert_round_trip(orig, back, "gpkg", layer)
    _assert_same_geometry(orig, back, target, layer)


@pytest.mark.parametrize(("which", "layer"), ROUND_TRIPS)
def test_geojson_round_trip(request, tmp_path, which, layer):
    rev: Review = request.getfixturevalue(which)
    if layer not in rev.result.layers:
        pytest.skip(f"the {which} review has no layer '{layer}'")
    orig = rev.result.layers[layer]
    path = tmp_path / f"{layer}.geojson"
    pyogrio.write_dataframe(orig.to_crs(4326), path, driver="GeoJSON")
    # GDAL would otherwise turn text that looks like a date (source_date) into a datetime.
    back = pyogrio.read_dataframe(path, DATE_AS_STRING="YES")
    assert back.crs == pyproj.CRS.from_epsg(4326)
    _assert_round_trip(orig, back, "geojson", layer)
    _assert_same_geometry(orig, back, _export_crs(rev.result.layers), layer)


def test_hostile_text_is_stored_exactly(hostile, hostile_ids):
    """Names, communes and the unmapped note survive the GeoPackage as given."""
    back = pyogrio.read_dataframe(hostile.out / "review.gpkg", layer="clusters").set_index(
        "site_id"
    )
    for site_id, name in hostile_ids.items():
        assert back.loc[site_id, "name_vi"] == name
    assert len(back.loc[list(hostile_ids)[4], "name_vi"]) == 10_000
    assert "Đồng Hóa" in back.loc[list(hostile_ids)[3], "name_vi"]  # NFD given, NFC stored
    ids = list(hostile_ids)
    # Text columns keep inner newlines (only names fold whitespace).
    assert back.loc[ids[0], "communes"] == HOSTILE_COMMUNES[0]
    assert back.loc[ids[1], "communes"] == LONG
    # An unmapped column of the user's file is kept, per row, as JSON in source_attributes.
    assert json.loads(back.loc[ids[2], "source_attributes"])["note"] == HOSTILE_NOTE
    assert (back["source"] == HOSTILE_SOURCE).all()


# --------------------------------------------------------------------------------------------
# 3. Hostile text in every output
# --------------------------------------------------------------------------------------------

_POPUP_TAGS = {"div", "h4", "bdi", "p", "table", "tr", "th", "td", "span", "a"}


def test_web_map_escapes_hostile_text(embedded, hostile, hostile_ids):
    text = (hostile.out / "map.html").read_text(encoding="utf-8")
    page = _Page(text)
    base = _Page((embedded.out / "map.html").read_text(encoding="utf-8"))
    # Data adds no element to the page (popups are JSON strings, not markup).
    assert collections.Counter(t for t, _ in page.elements) == collections.Counter(
        t for t, _ in base.elements
    )
    assert page.event_handlers() == []
    assert not [a for t, a in page.elements if t == "img"]
    for script in page.scripts:
        assert not any(p in script for p in PAYLOADS)
        assert "</script" not in script.lower()
        assert "<!--" not in script
    assert not any(p in "".join(page.text) for p in PAYLOADS)

    features = _features(page)
    assert features
    titles: list[str] = []
    cells: list[str] = []
    for f in features:
        for key in ("popup", "tooltip"):
            if key not in f["properties"]:
                continue
            popup = _Page(f["properties"][key])
            assert {t for t, _ in popup.elements} <= _POPUP_TAGS, key
            assert popup.event_handlers() == []
            assert popup.scripts == []
            assert all(
                re.match(r"^https?://", a.get("href") or "") for t, a in popup.elements if t == "a"
            )
            if key == "popup":
                titles += popup.h4
                cells += popup.cells
                if any(RLO in t for t in popup.h4):
                    # Isolated, so the override cannot reorder the popup around the name.
                    assert [t for t, _ in popup.elements][:3] == ["div", "h4", "bdi"]
    for name in hostile_ids.values():
        # The cluster's footprint and its marker, its exposure halo in each of the three return
        # periods of the scenario switch, and its zoning ring.
        assert titles.count(name) == 6, name[:60]
    # Jinja braces are shown, not evaluated; a long name is shown in full in the popup.
    assert any(JINJA in t for t in titles)
    assert not any("49" in t for t in titles if "7*7" in t)
    assert HOSTILE_COMMUNES[0] in cells
    assert LONG in cells
    # A javascript: source address is not made a link.
    assert HOSTILE_SOURCE in cells


def test_report_html_escapes_hostile_text(hostile, hostile_ids):
    page = _Page((hostile.out / "report.html").read_text(encoding="utf-8"))
    tags = {t for t, _ in page.elements}
    assert tags <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div", "strong",
        "ul", "li", "nav", "ol", "a", "code", "section", "figure", "img", "table", "thead",
        "tbody", "tr", "th", "td",
    }  # fmt: skip
    assert page.scripts == []
    assert page.event_handlers() == []
    imgs = [a["src"] for t, a in page.elements if t == "img"]
    assert imgs
    assert all(re.fullmatch(r"maps/map_[a-z]+\.png", s) for s in imgs)
    assert all((hostile.out / s).is_file() for s in imgs)
    # The report shows the top rows of each table (full tables in tables/*.csv): a row naming
    # a site shows its id, then its name whole, as text. The hostile sites come first among
    # the zoning review's ties (ordered by id), so most of them are shown.
    shown = 0
    for site_id, name in hostile_ids.items():
        rows = [i for i, cell in enumerate(page.cells) if cell == site_id]
        assert all(page.cells[i + 1] == name for i in rows), name[:60]
        assert page.cells.count(name) == len(rows), name[:60]
        shown += bool(rows)
    assert shown >= 3
    assert HOSTILE_SOURCE in page.cells


def _md_tables(text: str) -> list[list[list[str]]]:
    tables, current = [], []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            current.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
        elif current:
            tables.append(current)
            current = []
    return tables


def _md_unescape(cell: str) -> str:
    # Markdown backslash escapes (CommonMark: any ASCII punctuation), then HTML entities.
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", cell))


def test_report_markdown_keeps_tables_intact(hostile, hostile_ids):
    text = (hostile.out / "report.md").read_text(encoding="utf-8")
    # Markup from data arrives as entities ("&lt;script&gt;"), never as a tag.
    assert "<script" not in text.lower()
    assert "<img" not in text.lower()
    tables = _md_tables(text)
    assert len(tables) >= 10
    for table in tables:
        widths = {len(row) for row in table}
        assert len(widths) == 1, f"a row has another number of cells: {sorted(widths)}"
    # Tables naming sites (top rows; full tables in tables/*.csv) start with the id and the
    # name: every row naming a hostile site shows its name whole.
    headers = [label("col.site_id"), label("col.name_vi")]
    shown: dict[str, set[str]] = {}
    for table in tables:
        if table[0][:2] == headers:
            for row in table[2:]:
                if row[0] in hostile_ids:
                    shown.setdefault(row[0], set()).add(_md_unescape(row[1]))
    assert len(shown) >= 3
    assert shown == {site_id: {hostile_ids[site_id]} for site_id in shown}


def test_report_markdown_escapes_inline_markup(hostile):
    text = (hostile.out / "report.md").read_text(encoding="utf-8")
    assert MD_LINK not in text
    assert MATH not in text


def test_csv_tables_round_trip_hostile_names(hostile, hostile_ids):
    clusters = hostile.result.layers["clusters"]
    names = dict(zip(clusters["site_id"], clusters["name_vi"], strict=True))
    for table in ("proximity", "efficiency_sites", "findings"):
        with (hostile.out / "tables" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        expected = len(hostile.result.tables[table])
        assert len(rows) == expected, table
        if table != "findings":
            assert expected == len(clusters) == len(datasets.load_clusters())
            assert [r["site_id"] for r in rows] == list(clusters["site_id"])
        assert all(r["name_vi"] == names[r["site_id"]] for r in rows), table
        got = {r["site_id"]: r["name_vi"] for r in rows if r["site_id"] in hostile_ids}
        assert got == hostile_ids, table


def test_qgis_styles_and_project_stay_valid_xml(hostile, hostile_ids):
    gpkg = hostile.out / "review.gpkg"
    with sqlite3.connect(gpkg) as con:
        styles_rows = con.execute(
            "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault = 1"
        ).fetchall()
        names = dict(con.execute('SELECT site_id, name_vi FROM "clusters"').fetchall())
    assert sorted(t for t, _ in styles_rows) == sorted(hostile.result.layers)
    for table, qml in styles_rows:
        root = ET.fromstring(qml)
        assert root.tag == "qgis", table
        if table == "clusters":
            # QGIS labels the sites from the attribute, never from text baked into the style.
            assert root.find("labeling/settings/text-style").get("fieldName") == "name_vi"
    # The attribute QGIS labels with holds the names exactly (SQLite text, no escaping).
    assert {k: names[k] for k in hostile_ids} == hostile_ids
    with zipfile.ZipFile(hostile.out / "review.qgz") as zf:
        (member,) = zf.namelist()
        project = ET.fromstring(zf.read(member))
    layers = project.findall("projectlayers/maplayer")
    # the exposure table is one layer per scenario (a "|subset=" of the same table)
    sources = [ml.findtext("datasource").split("|subset=")[0] for ml in layers]
    assert set(sources) == {f"./review.gpkg|layername={n}" for n in hostile.result.layers}


def test_static_maps_draw_dollar_text_literally(hostile):
    from PIL import Image

    maps = sorted((hostile.out / "maps").glob("map_*.png"))
    assert len(maps) == len(staticmap.MAP_NAMES) == 6
    for png in maps:
        with Image.open(png) as im:
            im.verify()
    assert len(list((hostile.out / "maps").glob("map_*.pdf"))) == 6
    assert all(p.read_bytes().startswith(b"%PDF") for p in (hostile.out / "maps").glob("*.pdf"))
    # The credits line cites the hostile source: drawn as written, never parsed as mathtext.
    fig = staticmap.plot_overview(hostile.result.layers, hostile.result.legends)
    texts = [t for t in fig.findobj(Text) if MATH in t.get_text()]
    assert texts
    assert all(not t.get_parse_math() and not t.get_usetex() for t in texts)
    FigureCanvasAgg(fig).draw()
