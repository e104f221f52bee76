"""The notebooks of ``notebooks/`` run without error and print what a correct run prints.

Each notebook is executed by ``tests/run_notebook.py`` in a process of its own (nbclient leaves
a thread behind, and a process holding a thread forks no workers), with a kernel started from
this interpreter (``sys.executable``): the venv that runs pytest is the one that runs the
notebook. The working directory of the kernel is a temporary folder.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
RUNNER = Path(__file__).resolve().with_name("run_notebook.py")
NAMES = (
    "01_quickstart.ipynb",
    "02_flood_and_sea_level.ipynb",
    "03_zoning_review_for_qgis.ipynb",
    "04_satellite_network_access.ipynb",
)


def _execute(name: str, tmp_path: Path) -> tuple[nbformat.NotebookNode, float]:
    done = tmp_path / f"executed-{name}"
    run = subprocess.run(
        [sys.executable, str(RUNNER), str(NOTEBOOKS / name), str(done), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    # nbclient's CellExecutionError names the cell and its traceback
    assert run.returncode == 0, run.stderr[-6000:]
    nb = nbformat.read(done, as_version=4)
    seconds = float(nb.metadata["ninhbinh_test_seconds"])
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]
    assert not errors, errors
    probe = _text(nb.cells[0])
    assert f"KERNEL-PYTHON {sys.executable}" in probe, probe
    assert any(tmp_path.glob("ninhbinh-*")), "the notebook wrote outside its temporary folder"
    return nb, seconds


def _text(cell: nbformat.NotebookNode) -> str:
    """Everything a code cell printed or displayed as text or HTML."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif out.get("output_type") in ("execute_result", "display_data"):
            data = out.get("data", {})
            parts.append(data.get("text/plain", ""))
            parts.append(data.get("text/html", ""))
    return "\n".join(parts)


def _all_text(nb: nbformat.NotebookNode) -> str:
    return "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")


def _number(pattern: str, text: str) -> float:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not found in the notebook's output"
    return float(m.group(1))


# --------------------------------------------------------------------------------------------
# committed notebooks are clean


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_writes_only_to_temporary_folders(name):
    source = "\n".join(c.source for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells)
    assert "tempfile.mkdtemp" in source
    # no output path relative to the working directory (which is the repository for a user)
    assert not re.search(r"""(to_csv|to_excel|to_file|write|save_map)\(\s*["']""", source)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_says_what_is_illustrative(name):
    text = "\n".join(
        c.source
        for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells
        if c.cell_type == "markdown"
    ).lower()
    assert "illustrative" in text
    assert any(w in text for w in ("invented", "synthetic", "hypothetical"))


# --------------------------------------------------------------------------------------------
# executed notebooks


@pytest.mark.slow
def test_quickstart_runs(tmp_path):
    import ninhbinh_geo as nb

    out, seconds = _execute("01_quickstart.ipynb", tmp_path)
    text = _all_text(out)
    n_clusters = len(nb.datasets.load_clusters())
    assert f"industrial clusters (CCN) in the inventory: {n_clusters}\n" in text
    # '125.000,5' m² with a decimal comma and dot thousands is 12.50005 ha
    assert "CCN-HN-VIDUMOT: area_ha = 12.50005" in text
    assert "CCN-HN-VIDUHAI: area_ha = 30.00000" in text
    assert "CCN-ND-VIDUBA: area_ha = 48.25000" in text
    # the bad inputs print the package's errors, naming the value, the row and the column
    assert re.search(r"(Schema|Vocabulary)Error: .*status.*'sắp làm'.*CCN-HN-VIDUHAI", text)
    assert re.search(r"InputFileError: .*no latitude column", text)
    # satellites counted and the web map displayed with Leaflet inlined (it draws offline)
    sat = _number(r"satellite clusters \(<= 15 km from a major park\): (\d+) of", text)
    assert 0 < sat <= n_clusters
    last = out.cells[-1]
    html = "".join(o.get("data", {}).get("text/html", "") for o in last.outputs)
    assert "L.map(" in html
    assert "Leaflet 1.9" in html  # leaflet.js inlined by save_map, so it draws without internet
    assert "offline basemap: 105 tiles, zoom 8-11" in text
    assert "var Embedded = L.TileLayer.extend" in html  # the basemap's tiles are in the page
    print(f"01_quickstart: {seconds:.1f} s")


@pytest.mark.slow
def test_flood_and_sea_level_runs(tmp_path):
    out, seconds = _execute("02_flood_and_sea_level.ipynb", tmp_path)
    text = _all_text(out)
    # hand-computed in the notebook's markdown
    assert _number(r"SYN-A exposed at the 100-year flood: ([\d.]+) ha", text) == pytest.approx(6.0)
    assert _number(r"\(share ([\d.]+); hand-computed 6 ha", text) == pytest.approx(0.75)
    assert _number(r"SYN-B in class 1-2 m at the 100-year flood: ([\d.]+) ha", text) == (
        pytest.approx(0.125)
    )
    assert _number(r"mean depth ([\d.]+) m \(hand-computed 0.125", text) == pytest.approx(0.95)
    assert _number(r"SYN-A expected annual exposure: ([\d.]+)", text) == pytest.approx(0.386)
    # connected bathtub: the basin below +28 cm stays dry behind the ridge
    assert "+28 cm (2050): flooded cells 270, basin flooded cells 0" in text
    assert "+77 cm (2100): flooded cells 1028, basin flooded cells 540" in text
    assert _number(r"PLAIN slr_28cm_2050: exposed ([\d.]+) ha", text) == pytest.approx(3.6)
    assert _number(r"BASIN slr_28cm_2050: exposed ([\d.]+) ha", text) == 0.0
    assert _number(r"BASIN slr_77cm_2100: exposed ([\d.]+) ha", text) == pytest.approx(5.4)
    assert "accuracy of the exposure rows: ['illustrative']" in text
    assert "mosaic equals the synthetic DEM: True" in text
    assert "flooded cells from the tiles at +77 cm: 1028" in text
    assert "return periods in the switch: [10.0, 100.0, 1000.0]" in text
    print(f"02_flood_and_sea_level: {seconds:.1f} s")


@pytest.mark.slow
def test_zoning_review_for_qgis_runs(tmp_path):
    out, seconds = _execute("03_zoning_review_for_qgis.ipynb", tmp_path)
    text = _all_text(out)
    assert "CCN-NB-DEXUAT80 CCN-01: FAIL - measured 80 ha (threshold 10–75)" in text
    assert "margin: 5 ha above 75 ha" in text  # 80 ha against the 75 ha cap
    # hand-computed: the 25 m land-side corridor reaches 15 m into the 500 m wide site
    assert "CCN-NB-DEXUATVENDE DYK-01: FAIL - measured 10 m (threshold 25)" in text
    assert "0.75 ha of the site lies inside the dykes corridor" in text
    assert "CCN-NB-DEXUATHOPLE CCN-07: NEEDS_REVIEW" in text
    assert "CCN-NB-DEXUATHOPLE CCN-01: PASS" in text
    assert "CCN-NB-DEXUATHOPLE DYK-01: PASS" in text
    assert "legal source: Decree 32/2024/NĐ-CP, Art. 2, cl. 1 [status C]" in text
    assert "['needs_review', " in text
    assert "would be fail" in text
    # layer_styles rows listed from the GeoPackage, and the command's outputs
    assert re.search(r"clusters\s+ninhbinh_geo\s+1", text)
    assert "exit code: 0" in text
    for name in ("review.gpkg", "review.qgz", "map.html", "report.html", "report.md"):
        assert re.search(rf"^{re.escape(name)}  \(", text, re.MULTILINE), name
    print(f"03_zoning_review_for_qgis: {seconds:.1f} s")


@pytest.mark.slow
def test_satellite_network_notebook_runs(tmp_path):
    out, seconds = _execute("04_satellite_network_access.ipynb", tmp_path)
    text = _all_text(out)
    assert "WorldPop" in text
    assert "3SFCA (Wan, Zou & Sternberg 2012) is not offered" in text
    assert "illustrative" in text
    assert seconds < 120
