"""The README's Python example runs as written.

Every ```python block of README.md runs, in order, in one namespace, in a temporary folder, on
the embedded data. Files the README marks as the user's own (a line saying "your own ...") are
made here under the names it gives: small flood-depth rasters over the province.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
#: A line of the example that names files of the user's own (made by this test).
USER_FILES = re.compile(r"#.*\byour own\b", re.IGNORECASE)


def python_blocks(text: str) -> list[str]:
    """The ```python blocks of a Markdown text."""
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def user_files(code: str) -> list[str]:
    """File names on the lines the README marks as the user's own."""
    names = []
    for line in code.splitlines():
        if USER_FILES.search(line):
            names += re.findall(r"[\"']([^\"']+\.tif)[\"']", line.split("#")[0])
    return names


def write_depth_raster(path: Path, depth_m: float) -> None:
    """A flood-depth raster over the province: ``depth_m`` in its southern half, dry north."""
    import rasterio
    from rasterio.transform import from_origin

    from ninhbinh_geo import datasets

    west, south, east, north = datasets.load_province().total_bounds
    res = 0.01
    width, height = int((east - west) / res) + 4, int((north - south) / res) + 4
    data = np.zeros((height, width), dtype="float32")
    data[height // 2 :, :] = depth_m
    profile = {
        "driver": "GTiff", "width": width, "height": height, "count": 1, "dtype": "float32",
        "crs": "EPSG:4326", "transform": from_origin(west - 2 * res, north + 2 * res, res, res),
        "nodata": -9999.0,
    }  # fmt: skip
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(data, 1)


def test_the_readme_marks_its_user_files():
    code = "\n".join(python_blocks(README.read_text(encoding="utf-8")))
    assert user_files(code) == ["depth_rp00010.tif", "depth_rp00100.tif"]


@pytest.mark.slow
def test_readme_python_example_runs_as_written(tmp_path, monkeypatch):
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```python block"
    monkeypatch.chdir(tmp_path)
    for name, depth in zip(user_files("\n".join(blocks)), (0.3, 0.8), strict=False):
        write_depth_raster(tmp_path / name, depth)
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # the README is ours
    # what the example says it makes
    findings, exposure = namespace["findings"], namespace["exposure"]
    assert len(exposure) == 2 * len(namespace["clusters"])
    assert set(findings["result"]) <= {"pass", "fail", "needs_review", "not_applicable"}
    assert exposure["exposed_ha"].gt(0).any()
