"""Tests of the footprint sums split over forked processes (ninhbinh_geo.exposure.workers)."""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np
import pyproj
import pytest
import rasterio
from shapely.geometry import box
from test_exposure import DEPTHS, X0, Y0, lonlat_raster, sites_3405, write_raster

from ninhbinh_geo import exposure
from ninhbinh_geo._errors import DataCoverageError
from ninhbinh_geo.exposure import extract, workers

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="children fork on Linux only"),
    pytest.mark.filterwarnings("ignore:Hazard raster:UserWarning"),  # partly covered footprints
]

COLUMNS = ["exposed_ha", "exposed_share", "mean_depth_m", "max_depth_m", "coverage_share"]


def edge_sites():
    """Footprints of every kind: the hand-computed HALF first, partial, tiny, off the grid."""
    return sites_3405(
        box(X0 + 5, Y0 - 25, X0 + 35, Y0 - 5),  # HALF of test_exposure: 450 m² exposed
        box(X0 + 3, Y0 - 27, X0 + 31, Y0 - 2),
        box(X0, Y0 - 40, X0 + 40, Y0 - 20),  # half on nodata
        box(X0 + 30, Y0 - 25, X0 + 50, Y0 - 5),  # half outside the grid
        box(X0 + 12, Y0 - 13, X0 + 14, Y0 - 11),  # inside one cell
        box(X0 + 500, Y0 - 500, X0 + 510, Y0 - 490),  # off the grid
        box(X0 + 21, Y0 - 29, X0 + 39, Y0 - 11),  # 0.81 of 4 cells: 0.9, 2.5, 0.4 and 3.0 m
    )


@pytest.fixture
def forks(monkeypatch):
    """Split every raster-sequential call over up to 3 processes; count the children started."""
    if not workers._can_fork():
        pytest.skip("another thread runs in this process: forking would be unsafe")
    started = []
    fork = workers._fork

    def counted(run, rows):
        child = fork(run, rows)
        started.append(child is not None)
        return child

    monkeypatch.setattr(workers, "_fork", counted)
    monkeypatch.setattr(workers, "FOOTPRINTS_PER_PROCESS_FROM", 2)
    monkeypatch.setattr(workers, "_cpus", lambda: 3)
    monkeypatch.setattr(workers, "_free_cores", lambda: 3.0)
    return started


def both(layer, raster, **kw):
    """The table summed in one process and split over processes (the fixture ``forks``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(workers, "PROCESSES", 1)
            serial = exposure.raster_exposure(layer, [raster], **kw)
        split = exposure.raster_exposure(layer, [raster], **kw)
    return serial, split


def test_split_over_processes_gives_the_same_table(tmp_path, forks):
    grid = write_raster(tmp_path / "depth.tif", DEPTHS)
    cols = COLUMNS + exposure.class_columns()
    serial, split = both(edge_sites(), grid, strategy="raster-sequential", max_cells_in_memory=4)
    assert forks == [True, True]  # 7 footprints (6 on the grid) in 3 parts: 2 children
    np.testing.assert_array_equal(split[cols].to_numpy(), serial[cols].to_numpy())
    assert split["reason"].tolist() == serial["reason"].tolist()
    # hand-computed (test_exposure.HALF): 450 m² exposed, 75 m² at 2 m or more
    assert split.iloc[0]["exposed_ha"] == pytest.approx(450 / 1e4, rel=1e-9)
    assert split.iloc[0]["class_2_inf_ha"] == pytest.approx(75 / 1e4, rel=1e-9)
    # the last footprint, summed in a child (third part of the north-south order): 81 m² of
    # each of 4 cells, all exposed, 2 of them 2 m deep or more; mean (0.9+2.5+0.4+3.0)/4 m
    last = split.iloc[6]
    assert last["exposed_ha"] == pytest.approx(4 * 81 / 1e4, rel=1e-6)  # float32 fractions
    assert last["class_2_inf_ha"] == pytest.approx(2 * 81 / 1e4, rel=1e-6)
    assert last["mean_depth_m"] == pytest.approx(1.7, rel=1e-6)
    assert last["max_depth_m"] == pytest.approx(3.0)


def test_split_on_a_lonlat_grid_and_in_batches(tmp_path, forks, monkeypatch):
    x, y = pyproj.Transformer.from_crs(4326, 3405, always_xy=True).transform(106.0, 20.3)
    layer = sites_3405(
        *(
            box(x - 250 + 90 * i, y - 200 + 40 * i, x + 50 + 90 * i, y + 20 + 40 * i)
            for i in range(6)
        )
    )
    monkeypatch.setattr(extract, "FOOTPRINTS_PER_BATCH", 1)
    serial, split = both(layer, lonlat_raster(tmp_path, 20.3), strategy="raster-sequential")
    assert forks == [True, True]
    cols = COLUMNS + exposure.class_columns()
    np.testing.assert_array_equal(split[cols].to_numpy(), serial[cols].to_numpy())


def test_few_footprints_stay_in_the_caller(tmp_path, monkeypatch):
    grid = write_raster(tmp_path / "depth.tif", DEPTHS)
    monkeypatch.setattr(workers, "_fork", lambda *a: pytest.fail("forked for 7 footprints"))
    exposure.raster_exposure(edge_sites(), [grid], strategy="raster-sequential")
    free_cores = workers._free_cores
    monkeypatch.setattr(workers, "_cpus", lambda: 2)
    monkeypatch.setattr(workers, "_can_fork", lambda: True)
    with rasterio.open(grid) as ds:
        for free, processes in ((2.0, 2), (1.6, 2), (1.4, 1), (0.2, 1)):
            monkeypatch.setattr(workers, "_free_cores", lambda f=free: f)
            assert workers._process_count(50_000, ds) == processes, free
        monkeypatch.setattr(workers, "_free_cores", lambda: 2.0)
        assert workers._process_count(2_000, ds) == 2
        assert workers._process_count(1_999, ds) == 1  # fewer than 1,000 footprints each
    with rasterio.MemoryFile(grid.read_bytes()) as mem, mem.open() as ds:
        assert workers._process_count(50_000, ds) == 1  # no file a child could open again
    monkeypatch.setattr(workers, "_cpus", lambda: 8)
    monkeypatch.setattr(workers.os, "getloadavg", lambda: (3.0, 1.0, 1.0))
    assert free_cores() == 6.0  # this process is one of the 3 running


def test_an_error_in_a_child_is_raised_in_the_caller(tmp_path, forks, monkeypatch):
    grid = write_raster(tmp_path / "depth.tif", DEPTHS)
    caller = os.getpid()
    pass_sums = extract._pass_sums

    def fails_in_child(*args, **kwargs):
        if os.getpid() != caller:
            raise DataCoverageError("broken in a child")
        return pass_sums(*args, **kwargs)

    monkeypatch.setattr(extract, "_pass_sums", fails_in_child)
    with pytest.raises(DataCoverageError, match="broken in a child") as info:
        exposure.raster_exposure(edge_sites(), [grid], strategy="raster-sequential")
    assert "in the worker process" in str(info.value.__cause__)  # its traceback, chained


def test_a_child_that_dies_leaves_its_part_to_the_caller(tmp_path, forks, monkeypatch):
    grid = write_raster(tmp_path / "depth.tif", DEPTHS)
    serial, _ = both(edge_sites(), grid, strategy="raster-sequential")
    caller = os.getpid()
    pass_sums = extract._pass_sums

    def dies_in_child(*args, **kwargs):
        if os.getpid() != caller:
            os._exit(3)
        return pass_sums(*args, **kwargs)

    monkeypatch.setattr(extract, "_pass_sums", dies_in_child)
    forks.clear()
    out = exposure.raster_exposure(edge_sites(), [grid], strategy="raster-sequential")
    assert forks == [True, True]
    cols = COLUMNS + exposure.class_columns()
    np.testing.assert_array_equal(out[cols].to_numpy(), serial[cols].to_numpy())
