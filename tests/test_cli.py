"""The ``ninhbinh-geo`` command as a user runs it: help, exit codes, real rasters, bad input."""

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import rasterio
import rasterio.features
from rasterio.transform import from_origin
from shapely.geometry import shape

from ninhbinh_geo import cli, datasets
from ninhbinh_geo.review import OUTPUT_GROUPS, steps

# progress lines of a whole review: loading, the steps, the output groups
_TOTAL = 1 + len(steps.STEPS) + len(OUTPUT_GROUPS)

# The console script the user runs; `python -m ninhbinh_geo.cli` where it is not installed.
_SCRIPT = Path(sys.executable).with_name("ninhbinh-geo")
EXE = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "ninhbinh_geo.cli"]


def run(*args, **kw):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [*EXE, *map(str, args)], capture_output=True, text=True, env=env, timeout=300, **kw
    )


def test_help_names_every_option():
    parser = cli.build_parser()
    text = parser.format_help()
    for cmd in ("review", "check", "map", "export"):
        assert cmd in text
    sub = run("review", "--help")
    assert sub.returncode == 0
    for opt in (
        "--clusters",
        "--parks",
        "--roads",
        "--hazard",
        "--dem",
        "--slr-cm",
        "--zone",
        "--lang",
        "--out",
        "--force",
        "exit codes",
    ):
        assert opt in sub.stdout, opt


def test_bad_command_line_exits_2():
    res = run("review", "--lang", "fr")
    assert res.returncode == 2
    assert "invalid choice" in res.stderr


def test_existing_outputs_without_force_exit_4(tmp_path):
    (tmp_path / "review.gpkg").write_bytes(b"old")
    res = run("review", "--out", tmp_path)
    assert res.returncode == 4
    assert "--force" in res.stderr
    assert "Traceback" not in res.stderr
    assert (tmp_path / "review.gpkg").read_bytes() == b"old"


def test_unwritable_output_exits_4(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run("review", "--out", blocker / "out")
    assert res.returncode == 4
    assert "Cannot create the output folder" in res.stderr


def test_invalid_user_layer_exits_3_with_the_schema_message(tmp_path):
    bad = datasets.load_clusters().head(3).drop(columns=["name_vi"])
    bad = bad.drop(columns=[c for c in bad.columns if "name" in c and c != "geometry"])
    path = tmp_path / "ccn.gpkg"
    bad.to_file(path, layer="ccn")
    res = run("review", "--clusters", path, "--out", tmp_path / "out")
    assert res.returncode == 3, res.stderr
    assert "error:" in res.stderr
    assert "name" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "out" / "review.gpkg").exists()


def test_hazard_that_is_not_a_raster_exits_3(tmp_path):
    fake = tmp_path / "flood_rp00100.tif"
    fake.write_text("not a raster")
    res = run("review", "--hazard", fake, "--out", tmp_path / "out", "--quiet")
    assert res.returncode == 3, res.stderr
    assert "flood_rp00100" in res.stderr
    assert "Traceback" not in res.stderr


def test_check_subcommand(tmp_path):
    good = tmp_path / "good.gpkg"
    datasets.load_clusters().head(5).to_file(good, layer="ccn")
    res = run("check", good)
    assert res.returncode == 0, res.stderr
    assert "OK: 5 sites" in res.stdout
    missing = run("check", tmp_path / "nope.gpkg")
    assert missing.returncode == 3
    assert "nope.gpkg" in missing.stderr


def _province_grid(cell_m=500.0):
    """A grid over the province in EPSG:3405 (origin, shape)."""
    prov = datasets.load_province().to_crs(3405)
    minx, miny, maxx, maxy = prov.total_bounds
    ncols = int((maxx - minx) // cell_m) + 3
    nrows = int((maxy - miny) // cell_m) + 3
    return minx - cell_m, maxy + cell_m, nrows, ncols


def _write(path, array, west, north, cell_m, **tags):
    profile = {
        "driver": "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:3405",
        "transform": from_origin(west, north, cell_m, cell_m),
        "nodata": -9999.0,
    }
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(array.astype("float32"), 1)
        ds.update_tags(**tags)


@pytest.mark.slow
def test_review_with_real_format_rasters_zone_and_english(tmp_path):
    cell = 500.0
    west, north, nrows, ncols = _province_grid(cell)
    rows, cols = np.mgrid[0:nrows, 0:ncols]
    # A synthetic DEM (documented here, used only by this test): land rising 1 m per 2 km away
    # from a sea along the south-east edge; the sea itself is at -2 m.
    dist_km = ((nrows - rows) + (ncols - cols)) * cell / 1000 / np.sqrt(2)
    dem = np.where(dist_km < 8, -2.0, (dist_km - 8) / 2.0)
    _write(tmp_path / "dem.tif", dem, west, north, cell)
    # its sea (the -2 m cells) is not the real one of the shipped coastline: name it with --sea
    cells = rasterio.features.shapes(
        (dem < 0).astype("uint8"), mask=dem < 0, transform=from_origin(west, north, cell, cell)
    )
    sea = gpd.GeoDataFrame(geometry=[shape(g) for g, _ in cells], crs=3405)
    sea.to_file(tmp_path / "sea.geojson", driver="GeoJSON")
    depth = np.where(cols < ncols // 2, 0.8, 0.0)  # west half flooded 0.8 m
    _write(
        tmp_path / "flood_rp00100.tif",
        depth,
        west,
        north,
        cell,
        source="test raster",
        licence="CC0",
    )
    _write(tmp_path / "flood_rp00010.tif", depth / 2, west, north, cell)
    out = tmp_path / "out"
    res = run(
        "review",
        "--hazard",
        tmp_path / "flood_rp00100.tif",
        "--hazard",
        tmp_path / "flood_rp00010.tif",
        "--dem",
        tmp_path / "dem.tif",
        "--slr-cm",
        100,
        "--sea",
        tmp_path / "sea.geojson",
        "--zone",
        "EPSG:9209",
        "--lang",
        "en",
        "--out",
        out,
    )
    assert res.returncode == 0, res.stderr
    assert f"[1/{_TOTAL}]" in res.stderr
    expo = gpd.read_file(out / "review.gpkg", layer="exposure")
    assert expo.crs.to_epsg() == 9209
    assert set(expo["hazard"]) == {"flood_rp00100", "flood_rp00010", "slr_100cm_depth"}
    rp100 = expo[expo["hazard"] == "flood_rp00100"]
    assert set(rp100["source"]) == {"test raster"}
    assert (rp100["accuracy"] != "illustrative").all()
    # sites wholly in the flooded west half are fully exposed at 0.8 m
    wet = rp100[rp100["exposed_share"] > 0.999]
    assert len(wet) > 0
    assert wet["mean_depth_m"].to_numpy() == pytest.approx(0.8, abs=1e-4)
    assert (out / "tables" / "slr_100cm_depth.tif").exists()
    with rasterio.open(out / "tables" / "slr_100cm_depth.tif") as ds:
        slr = ds.read(1, masked=True).filled(0)
    # land just above 0 m is flooded up to the raised level (+1 m); land above 1 m stays dry
    assert 0.9 < slr.max() <= 1.0 + 1e-6
    assert (slr[dem > 1.0] == 0).all()
    assert (slr[(dem >= 0) & (dem < 0.5)] > 0.5).all()
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Flood and sea-level-rise exposure" in report
    layers = {name for name, _ in pyogrio.list_layers(out / "review.gpkg")}
    assert "zoning_findings" in layers
    # the English report does not tell the user to plug in a real hazard: they did
    assert "To use real data" not in report


def test_main_returns_codes_in_process(tmp_path, capsys):
    (tmp_path / "map.html").write_text("old")
    assert cli.main(["map", "--out", str(tmp_path), "--quiet"]) == 4
    assert "--force" in capsys.readouterr().err
    assert Path(tmp_path / "map.html").read_text() == "old"


# Modules that take seconds to import: none of them may load before the user's mistakes are told.
HEAVY = ("pandas", "geopandas", "matplotlib", "rasterio", "folium", "mapclassify", "exactextract")


def _main_in_child(*argv, heavy=HEAVY):
    """Run cli.main(argv) in a fresh interpreter; return its exit code, stderr, heavy imports."""
    code = (
        "import sys\n"
        "from ninhbinh_geo import cli\n"
        "try:\n"
        f"    rc = cli.main({[str(a) for a in argv]!r})\n"
        "except SystemExit as exc:\n"
        "    rc = exc.code\n"
        f"print(rc, ','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    rc, _, loaded = res.stdout.strip().rpartition("\n")[2].partition(" ")
    return int(rc), res.stderr, [m for m in loaded.split(",") if m]


def test_help_imports_nothing_heavy():
    rc, _, loaded = _main_in_child("--help", heavy=(*HEAVY, "numpy", "pyproj"))
    assert (rc, loaded) == (0, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--zone", "EPSG:4326"], "not a projected CRS in metres"),
        (["--zone", "EPSG:99999"], "not a CRS that PROJ knows"),
        (["--clusters", "no_such_file.gpkg"], "no such file"),
        (["--clusters", "pyproject.toml"], "must be a .gpkg"),
        (["--hazard", "flood.png"], "must be a .tif"),
        (["--dem", "missing_dem.tif"], "no such file"),
        (["--formats", "png,svg"], "choose formats among png, pdf"),
        (["--formats", ","], "choose formats"),
        (["--max-km", "-3"], "not a positive distance"),
    ],
)
def test_argument_errors_are_told_by_the_parser_before_any_heavy_import(args, message):
    rc, err, loaded = _main_in_child("review", *args, "--out", "never-written")
    assert rc == 2
    assert message in err
    assert loaded == []
    assert not Path("never-written").exists()


def test_formats_reach_the_review_options():
    parser = cli.build_parser()
    assert cli._options(parser.parse_args(["review"])).formats == ("png",)
    assert cli._options(parser.parse_args(["review", "--formats", "png,pdf"])).formats == (
        "png",
        "pdf",
    )
    args = parser.parse_args(["review", "--formats", "PNG"])
    assert args.formats == ("png",)
    assert cli._options(args).formats == ("png",)
    # map and export write no static maps: they have no --formats
    assert not hasattr(parser.parse_args(["map"]), "formats")


def test_layer_suffixes_are_those_io_reads():
    from ninhbinh_geo import io

    assert set(cli.LAYER_SUFFIXES) == set(io.SUPPORTED_FORMATS)


def test_bad_clusters_file_is_told_before_the_analyses_and_their_imports(tmp_path):
    bad = tmp_path / "ccn.csv"
    bad.write_text("Tên CCN,vi_do\nCCN Gia Vân,20.33\n", encoding="utf-8")
    rc, err, loaded = _main_in_child("review", "--clusters", bad, "--out", tmp_path / "out")
    assert rc == 3, err
    assert "ccn.csv" in err
    assert "Traceback" not in err
    # the first progress line came at once, and nothing of the analyses or outputs was imported
    assert err.startswith(f"[1/{_TOTAL}] loading layers (0.0 s)")
    assert f"[2/{_TOTAL}]" not in err
    assert not {"matplotlib", "rasterio", "folium", "mapclassify", "exactextract"} & set(loaded)
    assert not (tmp_path / "out" / "review.gpkg").exists()


def test_the_program_ends_at_once_with_its_code_and_every_message(tmp_path):
    """``console`` skips the interpreter's teardown: exit code and piped output stay whole."""
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print('TEARDOWN RAN', file=sys.stderr))\n"
        "sys.argv = ['ninhbinh-geo', *sys.argv[1:]]\n"
        "from ninhbinh_geo.cli import console\n"
        "console()\n"
    )
    good = tmp_path / "ccn.gpkg"
    datasets.load_clusters().to_file(good, layer="ccn")
    ok = subprocess.run(
        [sys.executable, "-c", code, "check", str(good)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip()  # what the check says came through the pipe
    assert "TEARDOWN RAN" not in ok.stderr  # ended at once
    missing = tmp_path / "nowhere.gpkg"
    bad = subprocess.run(
        [sys.executable, "-c", code, "check", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 3
    assert "error:" in bad.stderr
    assert "nowhere.gpkg" in bad.stderr
    # an unexpected error still ends the normal way, with its traceback
    broken = code.replace("console()", "import ninhbinh_geo.cli as c; c.main = None; console()")
    crash = subprocess.run(
        [sys.executable, "-c", broken, "--version"], capture_output=True, text=True, timeout=120
    )
    assert crash.returncode == 1
    assert "Traceback" in crash.stderr
    assert "TEARDOWN RAN" in crash.stderr
