"""The offline basemap, online tile services, the scenario switch and the page in Chromium."""

from __future__ import annotations

import base64
import io
import json
import math
import re
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest

# The helpers of the web map's own tests.
import test_webmap as _wm
from PIL import Image
from shapely.geometry import box
from test_webmap import _CHROMIUM, CHROMIUM, _chromium_dom, _layer_names, _legends

from ninhbinh_geo import cli, datasets, webmap
from ninhbinh_geo._errors import NinhBinhGeoError
from ninhbinh_geo.labels import label
from ninhbinh_geo.webmap import tilecache
from ninhbinh_geo.webmap import tiles as _tiles

LAND = (242, 239, 233)  # tiles._LAND
ROAD = (227, 168, 87)  # tiles._ROAD["Quốc Gia"]
OUTSIDE = tuple(int(_tiles.OUTSIDE_COLOR[i : i + 2], 16) for i in (1, 3, 5))


def _near(rgb: np.ndarray, color: tuple[int, int, int], tol: int = 4) -> np.ndarray:
    return (np.abs(rgb[..., :3].astype(int) - np.array(color)) <= tol).all(axis=-1)


def _decode(png: bytes) -> np.ndarray:
    img = Image.open(io.BytesIO(png))
    img.load()
    assert img.format == "PNG"
    assert img.size == (256, 256)
    return np.asarray(img.convert("RGB"))


def _lonlat_pixel(lon: float, lat: float, z: int) -> tuple[int, int, int, int]:
    """Tile column, row and pixel of a point (the Web Mercator formulas, written out)."""
    n = 2**z * 256
    x = (lon + 180.0) / 360.0 * n
    y = 1.0 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi
    y = y / 2.0 * n
    return int(x // 256), int(y // 256), int(x % 256), int(y % 256)


@pytest.fixture(scope="module")
def layers():
    """The layers of the web map's own tests (built in code)."""
    return _wm.layers.__wrapped__()


# --- the tiles --------------------------------------------------------------------------------


def test_tiles_cover_the_province_at_every_zoom_as_png():
    basemap = webmap.render_basemap()
    assert basemap.zooms == webmap.EMBEDDED_ZOOMS == (8, 11)
    zooms = {int(k.split("/")[0]) for k in basemap.tiles}
    assert zooms == {8, 9, 10, 11}
    west, south, east, north = datasets.load_province().total_bounds
    for z in zooms:
        keys = {tuple(map(int, k.split("/")[1:])) for k in basemap.tiles if k.startswith(f"{z}/")}
        # every tile the province's corners fall in, and a full rectangle of them
        for lon, lat in [(west, south), (west, north), (east, south), (east, north)]:
            col, row, _, _ = _lonlat_pixel(lon, lat, z)
            assert (col, row) in keys
        cols, rows = {c for c, _ in keys}, {r for _, r in keys}
        assert len(keys) == len(cols) * len(rows)
    # at zoom 8 the region is 2 × 2 tiles (x 202–203, y 112–113): 1.4° a tile
    assert sorted(k for k in basemap.tiles if k.startswith("8/")) == [
        "8/202/112", "8/202/113", "8/203/112", "8/203/113",
    ]  # fmt: skip
    for png in basemap.tiles.values():
        _decode(png)
    # small: a few hundred kB in all (the page carries them as base64)
    assert 50_000 < basemap.nbytes < 600_000


def test_tiles_are_georeferenced():
    """Inside the province the tile shows land; far outside, the outside colour."""
    basemap = webmap.render_basemap()
    inside = datasets.load_former_provinces().to_crs(3405).union_all().buffer(-3000)
    point = gpd.GeoSeries([inside.representative_point()], crs=3405).to_crs(4326).iloc[0]
    for z in (10, 11):
        col, row, px, py = _lonlat_pixel(point.x, point.y, z)
        rgb = _decode(basemap.tiles[f"{z}/{col}/{row}"])
        patch = rgb[max(py - 7, 0) : py + 8, max(px - 7, 0) : px + 8]
        assert _near(patch, LAND).mean() > 0.3  # (a district edge or a label may cross it)
        assert _near(patch, OUTSIDE).mean() < 0.05
    # each city's dot is drawn at its own place (dark, a few px across) at zoom 10 and 11
    cities = datasets.load_places().query("place_type == 'thành phố'")
    assert len(cities) == 4
    for point in cities.geometry:
        for z in (10, 11):
            col, row, px, py = _lonlat_pixel(point.x, point.y, z)
            rgb = _decode(basemap.tiles[f"{z}/{col}/{row}"])
            assert (rgb[py, px] < 110).all(), (z, point)
    west, _, _, north = basemap.bounds
    col, row, px, py = _lonlat_pixel(west + 0.01, north - 0.01, 11)  # the NW corner
    rgb = _decode(basemap.tiles[f"11/{col}/{row}"])
    assert _near(rgb[py, px][None], OUTSIDE).all()
    # national roads are drawn (in their colour) somewhere on the z11 tiles
    assert sum(_near(_decode(p), ROAD).sum() for k, p in basemap.tiles.items() if k[:3] == "11/")


def test_tiles_are_the_same_bytes_on_every_run(monkeypatch):
    monkeypatch.setenv(tilecache.CACHE_ENV, "off")  # drawn twice, never read from disk
    again = webmap.render_basemap.__wrapped__((9, 10))
    assert again.tiles == webmap.render_basemap.__wrapped__((9, 10)).tiles


def test_tiles_are_drawn_once_then_read_from_the_cache(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv(tilecache.CACHE_ENV, str(tmp_path))
    drawn = webmap.render_basemap.__wrapped__((8, 9))
    (kept,) = tmp_path.glob("basemap-z8-9-*.zip")
    assert kept.name == f"basemap-z8-9-{tilecache.cache_key((8, 9))}.zip"

    def no_drawing(z, data):
        raise AssertionError("drawn again although the cache holds the tiles")

    monkeypatch.setattr(_tiles, "_render_zoom", no_drawing)
    kept_tiles = webmap.render_basemap.__wrapped__((8, 9))
    assert kept_tiles == drawn  # tiles, bounds and credits
    assert list(kept_tiles.tiles) == list(drawn.tiles)  # in drawing order, as the page lists them
    # a damaged file is logged and drawn again (here: the drawing is refused, so it raises)
    kept.write_bytes(b"not a zip")
    with (
        caplog.at_level("INFO", "ninhbinh_geo.webmap.tilecache"),
        pytest.raises(AssertionError, match="drawn again"),
    ):
        webmap.render_basemap.__wrapped__((8, 9))
    assert "unreadable" in caplog.text
    monkeypatch.undo()
    monkeypatch.setenv(tilecache.CACHE_ENV, str(tmp_path))
    assert webmap.render_basemap.__wrapped__((8, 9)) == drawn  # redrawn and kept again
    assert tilecache.load_tiles((8, 9)) == drawn


def test_cache_key_follows_the_data_code_and_libraries(monkeypatch, tmp_path):
    key = tilecache.cache_key.__wrapped__((8, 11))
    assert key == tilecache.cache_key((8, 11)) != tilecache.cache_key((8, 10))
    monkeypatch.setattr(tilecache, "_versions", lambda: ["matplotlib=99"])
    assert tilecache.cache_key.__wrapped__((8, 11)) != key
    monkeypatch.undo()
    # a changed data file gives another key: the districts copied with one byte more
    changed = tmp_path / "districts.geojson"
    changed.write_bytes(datasets.get_path("districts").read_bytes() + b"\n")
    real = datasets.get_path
    monkeypatch.setattr(datasets, "get_path", lambda n: changed if n == "districts" else real(n))
    assert tilecache.cache_key.__wrapped__((8, 11)) != key


def test_an_old_key_is_replaced_and_a_cache_that_cannot_be_written_is_skipped(
    monkeypatch, tmp_path
):
    old = tmp_path / "basemap-z8-8-000000000000000000000000.zip"
    old.write_bytes(b"old")
    other_zooms = tmp_path / "basemap-z9-9-000000000000000000000000.zip"
    other_zooms.write_bytes(b"other")
    tiles = webmap.BasemapTiles({"8/1/2": b"png"}, (8, 8), (1.0, 2.0, 3.0, 4.0), (("s", "u", "l"),))
    path = tilecache.store_tiles(tiles, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, other_zooms.name])
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    assert tilecache.store_tiles(tiles, blocker / "cache") is None
    monkeypatch.setenv(tilecache.CACHE_ENV, "off")
    assert tilecache.store_tiles(tiles) is None
    assert tilecache.load_tiles((8, 8)) is None


def test_zoom_range_is_checked():
    with pytest.raises(NinhBinhGeoError, match="EMBEDDED_ZOOMS"):
        webmap.render_basemap((11, 8))
    with pytest.raises(NinhBinhGeoError, match="5 <= first"):
        webmap.render_basemap((3, 8))


# --- the page -----------------------------------------------------------------------------


def _save(m, tmp_path: Path) -> str:
    return webmap.save_map(m, tmp_path / "map.html").read_text(encoding="utf-8")


def _embedded(page: str) -> tuple[dict, list, dict]:
    script = page.split("var Embedded = L.TileLayer.extend")[0].rsplit("var index = ", 1)[1]
    index, data = re.match(r"(\{.*?\}), data = (\[.*?\]);", script, re.S).groups()
    options = page.split("new Embedded('', ", 1)[1].split(").addTo(", 1)[0]
    return json.loads(index), json.loads(data), json.loads(options)


def test_page_embeds_the_basemap_with_its_credits(layers, tmp_path):
    page = _save(webmap.make_map(layers, _legends(layers)), tmp_path)
    index, data, options = _embedded(page)
    basemap = webmap.render_basemap()
    assert set(index) == set(basemap.tiles)
    # identical tiles (the empty land around) are stored once
    assert len(data) == len(set(basemap.tiles.values())) < len(index)
    for key, i in index.items():
        assert base64.b64decode(data[i]) == basemap.tiles[key]
    assert (options["minNativeZoom"], options["maxNativeZoom"]) == (8, 11)
    west, south, east, north = basemap.bounds
    assert options["bounds"] == [[south, west], [north, east]]
    credits = options["attribution"]
    assert credits.startswith(f'<span class="nbg-basemap-credits">{label("map.basemap", "vi")}: ')
    for loader in (datasets.load_province, datasets.load_districts, datasets.load_coastline,
                   datasets.load_roads, datasets.load_rivers, datasets.load_places):  # fmt: skip
        row = loader().iloc[0]
        assert f"({row['licence'].replace(chr(39), '&#x27;')})" in credits
        assert f'href="{row["source_url"]}"' in credits
    assert "Who&#x27;s On First" in credits  # escaped
    assert "OpenStreetMap" in credits
    assert "GeoNames" in credits
    # nothing from the internet: the tiles are data URIs
    assert "tile.openstreetmap.org" not in page


def test_online_tiles_by_name_or_url_with_attribution(layers, tmp_path):
    legends = _legends(layers)
    page = _save(webmap.make_map(layers, legends, tiles="OpenStreetMap"), tmp_path)
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in page
    assert "OpenStreetMap" in page.split("tile.openstreetmap.org", 1)[1][:600]
    assert "var Embedded" not in page
    page = _save(webmap.make_map(layers, legends, tiles="OpenTopoMap"), tmp_path)
    assert "tile.opentopomap.org" in page
    assert "SRTM" in page
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = _save(
        webmap.make_map(layers, legends, tiles=url, tiles_attribution="<b>Ex</b> & co"), tmp_path
    )
    assert url in page
    # escaped as text, then written as JSON with & < > as \u escapes
    assert "\\u0026lt;b\\u0026gt;Ex\\u0026lt;/b\\u0026gt; \\u0026amp; co" in page
    assert "<b>Ex</b>" not in page
    page = _save(webmap.make_map(layers, legends, tiles=None), tmp_path)
    assert "L.tileLayer" not in page
    assert "var Embedded" not in page


@pytest.mark.parametrize(
    ("tiles", "attribution", "match"),
    [
        ("https://tiles.example.org/{z}/{x}/{y}.png", None, "--tiles-attribution"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "  ", "no attribution"),
        ("https://tiles.example.org/{z}/{x}.png", "Ex", r"lacks one of \{z\}, \{x\}, \{y\}"),
        ("Nowhere Maps", None, "Unknown tile service 'Nowhere Maps'"),
        ("CartoDB positron", None, "needs an access key"),
    ],
)
def test_bad_tiles_are_refused(layers, tiles, attribution, match):
    with pytest.raises(NinhBinhGeoError, match=match):
        webmap.make_map(layers, _legends(layers), tiles=tiles, tiles_attribution=attribution)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--tiles", "https://t.example.org/{z}/{x}/{y}.png"], "pass --tiles-attribution"),
        (["--tiles-attribution", "Ex"], "--tiles-attribution needs --tiles"),
        (["--tiles", "Nowhere Maps"], "unknown tile service"),
    ],
)
@pytest.mark.parametrize("command", ["review", "map"])
def test_cli_refuses_bad_tiles_before_any_work(command, argv, match, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--out", str(tmp_path / "out"), *argv])
    assert exc.value.code == 2
    assert match in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_passes_tiles_to_the_review():
    parser = cli.build_parser()
    args = parser.parse_args(["map", "--tiles", "u/{z}/{x}/{y}", "--tiles-attribution", "A"])
    options = cli._options(args)
    assert (options.tiles, options.tiles_attribution) == ("u/{z}/{x}/{y}", "A")
    assert cli._options(parser.parse_args(["review"])).tiles == "embedded"
    assert cli._options(parser.parse_args(["review", "--tiles", "none"])).tiles == "none"


# --- the scenario switch ------------------------------------------------------------------


def _scenario_layers(layers) -> dict:
    """The web map's layers with hazard zones of two return periods (10 and 100 years)."""
    hazard = layers["hazard"]
    per_rp = gpd.GeoDataFrame(
        {
            "hazard": ["flood", "flood", "flood"],
            "return_period": [10.0, 100.0, 100.0],
            "depth_m": [0.5, 0.5, 1.5],
            "accuracy": ["illustrative"] * 3,
        },
        geometry=[hazard.geometry.iloc[0], *hazard.geometry],
        crs=hazard.crs,
    )
    return {**layers, "hazard": per_rp}


def _switch(page: str) -> tuple[list[tuple[str, bool]], dict[str, list[str]]]:
    html = json.loads(page.split("div.innerHTML = ", 1)[1].split(";\n", 1)[0])
    radios = re.findall(r'value="([^"]*)"( checked)?> ([^<]*)</label>', html)
    groups: dict[str, list[str]] = {}
    names = _layer_names(page)
    for group, parts in re.findall(r"\[(feature_group_\w+), \{(.*?)\}\]", page):
        groups[names[group]] = re.findall(r'"([^"]*)": geo_json_\w+', parts)
    return [(title, bool(checked)) for _, checked, title in radios], groups


def test_scenarios_switch_one_at_a_time(layers, tmp_path):
    data = _scenario_layers(layers)
    page = _save(webmap.make_map(data, _legends(data), lang="en"), tmp_path)
    radios, groups = _switch(page)
    # one radio per scenario, the exposure legend's (the hazard zones' first) chosen
    assert radios == [("10-year flood", True), ("100-year flood", False)]
    # hazard and exposure: one overlay each, holding one sub-layer per scenario
    assert groups == {"hazard": ["0:10:", "0:100:"], "exposure": ["0:10:", "0:100:"]}
    assert 'pick("0:10:")' in page
    # the layer control still lists hazard and exposure once each
    control = page.split("_layers = {")[1].split("};")[0]
    assert control.count("feature_group_") == 2
    # the legend titles follow the scenario
    titles = json.loads(page.split("var titles = ", 1)[1].split(";\n", 1)[0])
    assert titles["exposure"]["0:100:"].endswith("– 100-year return period (ILLUSTRATIVE)")


def test_sea_level_scenarios_join_the_switch(layers, tmp_path):
    """Sea-level zones (``slr_cm``) and exposure rows named ``slr_<cm>cm…`` share a scenario."""
    province = layers["province"]
    zones = gpd.GeoDataFrame(
        {"inundation_class": ["flooded", "flooded"], "slr_cm": [28.0, 77.0],
         "accuracy": ["illustrative"] * 2},
        geometry=[province.geometry.iloc[0].centroid.buffer(0.01)] * 2, crs=4326,
    )  # fmt: skip
    expo = layers["exposure"].copy()
    slr = expo.iloc[:2].assign(hazard=["slr_28cm_depth", "slr_77cm_depth"], return_period=np.nan)
    data = {**layers, "sea_level_zones": zones, "exposure": gpd.pd.concat([expo, slr])}
    page = _save(webmap.make_map(data, _legends(data), lang="vi"), tmp_path)
    radios, groups = _switch(page)
    assert [t for t, _ in radios] == [
        "Lũ chu kỳ 10 năm", "Lũ chu kỳ 100 năm", "Nước biển dâng 28 cm", "Nước biển dâng 77 cm",
    ]  # fmt: skip
    assert groups["sea_level_zones"] == ["1:28:", "1:77:"]
    assert groups["exposure"] == ["0:10:", "0:100:", "1:28:", "1:77:"]
    # a layer without the scenario chosen shows nothing, and its legend says so
    titles = json.loads(page.split("var titles = ", 1)[1].split(";\n", 1)[0])
    assert titles["sea_level_zones"]["0:10:"].endswith("(không có ở kịch bản này)")
    assert titles["sea_level_zones"]["1:28:"].endswith("Nước biển dâng 28 cm (MINH HỌA)")


def test_one_scenario_draws_layers_whole(layers, tmp_path):
    data = {**layers, "exposure": layers["exposure"].query("return_period == 100")}
    page = _save(webmap.make_map(data, _legends(data)), tmp_path)
    assert "nbg-scenario" not in page
    assert "feature_group_" not in page


# --- the page in headless Chromium, network off -------------------------------------------

_PROBE = """
<script>
setTimeout(function () {
  var map = null, groups = {};
  Object.keys(window).forEach(function (k) {
    if (k.indexOf('map_') === 0 && window[k] instanceof L.Map) { map = window[k]; }
  });
  var tiles = Array.prototype.slice.call(document.querySelectorAll('img.leaflet-tile'));
  var out = {tiles: tiles.length, loaded: tiles.filter(function (t) {
    return t.complete && t.naturalWidth === 256 && t.src.indexOf('data:image/png') === 0;
  }).length, zoom: map.getZoom()};
  out.credits = document.querySelector('.leaflet-control-attribution').textContent;
  function halos() {
    return document.querySelectorAll('.leaflet-nbg-halos-pane path').length;
  }
  var radios = document.querySelectorAll('input[name="nbg-scenario"]');
  Object.keys(window).forEach(function (k) {
    if (k.indexOf('feature_group_') === 0) { map.addLayer(window[k]); }
  });
  out.halos = [halos()];
  radios[1].checked = true;
  radios[1].dispatchEvent(new Event('change', {bubbles: true}));
  out.halos.push(halos());
  out.title = document.querySelector(
    '.nbg-legend-box[data-layer="exposure"] summary').textContent;
  var pre = document.createElement('pre');
  pre.id = 'nbg-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, 1500);
</script>
"""


def _screenshot(page: Path, user_dir: Path, out: Path) -> list[str]:
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={user_dir}", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=5000", "--window-size=1200,900", f"--screenshot={out}",
        page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    return [ln for ln in done.stderr.splitlines() if ":CONSOLE" in ln]


@pytest.mark.chromium
@_CHROMIUM
def test_basemap_and_switch_work_offline_in_chromium(layers, tmp_path):
    data = _scenario_layers(layers)
    path = webmap.save_map(webmap.make_map(data, _legends(data), lang="en"), tmp_path / "map.html")
    probe = tmp_path / "probe.html"
    probe.write_text(
        path.read_text(encoding="utf-8").replace("</html>", _PROBE + "</html>"), encoding="utf-8"
    )
    dom, console = _chromium_dom(probe, tmp_path / "chromium")
    assert console == [], console
    result = json.loads(dom.split('id="nbg-probe">')[1].split("</pre>")[0])
    # every tile on screen is one of ours, decoded (no network, no broken images)
    assert result["tiles"] >= 4
    assert result["loaded"] == result["tiles"]
    assert "Basemap: Open Development Mekong" in result["credits"]
    # exposure of the 10-year flood: site CCN-NB-02; of the 100-year one: -02 and -04
    assert result["halos"] == [1, 2]
    assert result["title"].endswith("– 100-year return period (ILLUSTRATIVE)")

    shot = tmp_path / "shot.png"
    console = _screenshot(path, tmp_path / "chromium2", shot)
    assert console == [], console
    rgb = np.asarray(Image.open(shot).convert("RGB"))
    assert rgb.shape[:2] == (900, 1200)
    # not uniform grey: the basemap's land and national roads are on the screen
    assert len(np.unique(rgb.reshape(-1, 3), axis=0)) > 200
    assert _near(rgb, LAND).mean() > 0.05
    assert _near(rgb, ROAD).sum() > 100


def test_bounds_helper_matches_the_tile_range():
    """The tile range of the bounds, by hand: lon 105.39 → col 202 at z8 (1.40625° a tile)."""
    assert _tiles._tile_range((105.39, 19.7, 106.75, 20.86), 8) == (202, 203, 112, 113)
    assert _tiles._tile_edges_m(0, 0, 0, 0, 0) == pytest.approx(
        (-20037508.342789244, 20037508.342789244, -20037508.342789244, 20037508.342789244)
    )


def test_box_is_used(layers):
    # the province of the web map's fixture is a box: its bounds lie inside the basemap's
    west, south, east, north = layers["province"].total_bounds
    b = webmap.render_basemap().bounds
    assert box(*b).contains(box(west, south, east, north))


def test_cache_folder_without_a_home_is_no_cache(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(tilecache.Path, "home", staticmethod(no_home))
    assert tilecache.cache_dir({}) is None
    assert str(tilecache.cache_dir({"XDG_CACHE_HOME": "/c"})) == "/c/ninhbinh_geo"
    assert tilecache.cache_dir({tilecache.CACHE_ENV: " OFF "}) is None
