"""The corpus of planners' files (``tests/io_corpus.py``) through ``ninhbinh-geo``.

Every file goes through ``ninhbinh-geo check`` with the options of its case (``cli.main`` in
process: the same code as the console script, without a new interpreter per file), a
representative set of refusals through ``review`` (exit 3 before any analysis, nothing left in
``--out``), and one file through the console script itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from io_corpus import CASES, Case

from ninhbinh_geo import cli, cli_types, schema

_FOREIGN = ("GDAL", "pyogrio", "shapely", "GEOS", "Traceback", "driver", "openpyxl",
            "IllegalArgumentException")  # fmt: skip
#: Refusals run through ``review`` too: one of each kind of problem.
REVIEW_REFUSALS = ("ambiguous.csv", "two_tables.xlsx", "contradictory.csv", "status_unknown.csv",
                   "vn2000_9209_xnorth.csv", "outside.csv", "open_ring.geojson", "no_dbf.shp",
                   "swapped.csv", "empty.gpkg")  # fmt: skip


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli_corpus")
    return {case.name: case.build(root / case.name) for case in CASES}


def _check(path: Path, case: Case, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = cli.main(["check", str(path), *case.args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _rows(case: Case) -> int:
    return len(next(iter(case.expect.values()))) if case.expect else 0


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check(case: Case, corpus: dict[str, Path], capsys: pytest.CaptureFixture[str]):
    rc, out, err = _check(corpus[case.name], case, capsys)
    if case.error is None:
        assert rc == 0, err
        assert f"OK: {_rows(case)} sites in" in out
        report = out.replace("\nchanged: ", "\n")
        for word in case.report:
            assert word in report, word
        return
    assert rc == 3, (out, err)
    assert err.startswith("error: ")
    for word in case.words:
        assert word in err, word
    assert case.fix in err
    assert not [w for w in _FOREIGN if w in err], err


@pytest.mark.parametrize("name", REVIEW_REFUSALS)
def test_review_refuses_before_the_analyses_and_leaves_nothing(
    name: str, corpus: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    case = next(c for c in CASES if c.name == name)
    out = tmp_path / "out"
    rc = cli.main(["review", "--clusters", str(corpus[name]), *case.args, "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 3, err
    assert "[2/13]" not in err  # no analysis ran
    assert case.fix in err
    assert not out.exists()  # nothing left behind that was not there before


def test_a_failed_run_keeps_an_existing_folder_as_it_was(
    corpus: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    rc = cli.main(["review", "--clusters", str(corpus["outside.csv"]), "--out", str(out)])
    assert rc == 3
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--slr-cm", "50"], "--slr-cm needs --dem"),
        (["--units", "cm"], "--units needs --hazard"),
        (["--sea", "pyproject.toml"], "must be a .gpkg"),
        (["--hazard", "abc=x.tif"], "write the return period in years before '='"),
        (["--status", "hoàn thành=active"], "the status is one of planned"),
    ],
)
def test_options_that_need_another_are_argument_errors(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["review", *args, "--out", str(tmp_path / "never")])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "never").exists()


def test_sea_without_dem_is_an_argument_error(corpus, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["review", "--sea", str(corpus["polygons.geojson"]), "--out", str(tmp_path)])
    assert exc.value.code == 2
    assert "--sea needs --dem" in capsys.readouterr().err


def test_reading_options_reach_read_inventory():
    parser = cli.build_parser()
    args = parser.parse_args([
        "review", "--sheet", "Danh sách", "--crs", "EPSG:9209", "--lonlat", "auto",
        "--encoding", "vni", "--allow-missing", "--allow-outside", "--repair",
        "--status", "hoàn thành=operating", "--layer", "ccn",
    ])  # fmt: skip
    assert cli._options(args).read == {
        "layer": "ccn", "sheet": "Danh sách", "crs": "EPSG:9209", "lonlat": "auto",
        "encoding": "vni", "allow_missing": True, "allow_outside": True, "repair": True,
        "status_words": {"hoàn thành": "operating"},
    }  # fmt: skip
    assert tuple(schema.STATUS_VALUES) == cli_types._STATUSES


def test_console_script(corpus: dict[str, Path]):
    script = Path(sys.executable).with_name("ninhbinh-geo")
    exe = [str(script)] if script.exists() else [sys.executable, "-m", "ninhbinh_geo.cli"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    ok = subprocess.run([*exe, "check", str(corpus["tcvn3.csv"])], capture_output=True,
                        text=True, env=env, timeout=300)  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "OK: 3 sites" in ok.stdout
    assert re.search(r"changed: encoding: TCVN3 \(ABC\)", ok.stdout)
    bad = subprocess.run([*exe, "check", str(corpus["vn2000_9209_xnorth.csv"])],
                         capture_output=True, text=True, env=env, timeout=300)  # fmt: skip
    assert bad.returncode == 3
    assert "--crs EPSG:9209" in bad.stderr
    assert "Traceback" not in bad.stderr
