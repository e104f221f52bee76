"""Review steps run in a forked branch give the state of a serial run (review/branches.py)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from ninhbinh_geo import _forking
from ninhbinh_geo.review import branches, steps
from ninhbinh_geo.review.branches import Branch, run_steps
from ninhbinh_geo.review.inputs import load_inputs
from ninhbinh_geo.review.options import ReviewOptions, ReviewState
from ninhbinh_geo.review.steps import Step

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or _forking.cpus() < 2,
    reason="branches are forked on Linux with 2 CPUs or more",
)

PARENT = os.getpid()
_CHILD = "NINHBINH_GEO_TEST_BRANCHES_CHILD"


@pytest.fixture(autouse=True, scope="module")
def _in_a_process_that_may_fork():
    """Run this module in a fresh interpreter when this one holds a thread (it cannot fork).

    A test run may hold a thread by the time it gets here (a library's event loop); branches
    then run one after another, as they should, and these tests would not see a fork.
    """
    if _forking.can_fork() or os.environ.get(_CHILD):
        yield
        return
    threads = [t.name for t in threading.enumerate()]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
        env={**os.environ, _CHILD: "1"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-6000:]
    pytest.skip(f"passed in a fresh interpreter: this one holds the threads {threads}")


def _state() -> ReviewState:
    clusters = gpd.GeoDataFrame(
        {"site_id": ["A", "B", "C"]},
        geometry=[Point(0, 0), Point(1, 1), Point(2, 2)],
        crs=3405,
        index=[10, 20, 30],
    )
    parks = gpd.GeoDataFrame({"site_id": ["P"]}, geometry=[Point(5, 5)], crs=3405)
    return ReviewState(ReviewOptions(), Path(), clusters=clusters, parks=parks)


def _column(name: str, value: float) -> Step:
    """A step that adds a cluster column, a table and a warning, recording where it ran."""

    def run(state: ReviewState) -> ReviewState:
        table = pd.DataFrame({"pid": [os.getpid()]})
        clusters = state.clusters.assign(**{name: value})
        return state.add(clusters=clusters, tables={name: table}, warnings=[name])

    return Step(name, run)


def _ran_in(state: ReviewState, name: str) -> int:
    return int(state.tables[name]["pid"].iloc[0])


def test_a_branch_runs_in_another_process_and_merges_in_the_serial_order():
    todo = [_column("a", 1.0), _column("b", 2.0), _column("c", 3.0), _column("d", 4.0)]
    serial = run_steps(_state(), todo)
    forked = run_steps(_state(), todo, [Branch(after="a", steps=("c", "d"))])
    assert _ran_in(forked, "b") == PARENT
    assert _ran_in(forked, "c") == _ran_in(forked, "d") != PARENT
    assert list(forked.clusters.columns) == list(serial.clusters.columns)
    assert list(forked.clusters.columns) == ["site_id", "geometry", "a", "b", "c", "d"]
    pd.testing.assert_frame_equal(forked.clusters, serial.clusters)
    assert isinstance(forked.clusters, gpd.GeoDataFrame)
    assert list(forked.tables) == list(serial.tables) == ["a", "b", "c", "d"]
    assert forked.warnings == serial.warnings == ("a", "b", "c", "d")


def test_branches_start_from_the_inputs_and_after_another_branch():
    todo = [_column(n, float(i)) for i, n in enumerate("abcde")]
    chained = [Branch(after=None, steps=("b",)), Branch(after="b", steps=("d", "e"))]
    forked = run_steps(_state(), todo, chained)
    assert _ran_in(forked, "a") == _ran_in(forked, "c") == PARENT
    assert len({_ran_in(forked, "b"), _ran_in(forked, "d"), PARENT}) == 3
    assert _ran_in(forked, "e") == _ran_in(forked, "d")
    serial = run_steps(_state(), todo)
    pd.testing.assert_frame_equal(forked.clusters, serial.clusters)
    assert forked.warnings == serial.warnings == tuple("abcde")


def test_steps_after_the_branch_see_what_it_added():
    def reads_c(state):
        return state.add(tables={"e": pd.DataFrame({"c": [state.clusters["c"].sum()]})})

    todo = [_column("a", 1.0), _column("b", 2.0), _column("c", 3.0), Step("e", reads_c)]
    forked = run_steps(_state(), todo, [Branch(after="a", steps=("c",))])
    assert forked.tables["e"]["c"].iloc[0] == 9.0


def test_branches_that_do_not_match_the_steps_run_in_the_caller():
    todo = [_column("a", 1.0), _column("b", 2.0), _column("c", 3.0)]
    for branch in (
        Branch(after="a", steps=("b", "x")),  # a step not in the list
        Branch(after="c", steps=("b",)),  # starting after its own steps
        Branch(after="a", steps=("c", "b")),  # not in the order of the list
    ):
        state = run_steps(_state(), todo, [branch])
        assert {_ran_in(state, n) for n in "abc"} == {PARENT}
        assert state.warnings == ("a", "b", "c")


def test_an_error_in_a_branch_is_raised_in_the_caller_with_its_traceback(caplog):
    def fails(state):
        logging.getLogger("ninhbinh_geo.review.test").warning("said in pid %s", os.getpid())
        raise ValueError("Layer 'roads' has no speeds")

    todo = [_column("a", 1.0), _column("b", 2.0), Step("c", fails)]
    with caplog.at_level("WARNING"), pytest.raises(ValueError, match="no speeds") as info:
        run_steps(_state(), todo, [Branch(after="a", steps=("c",))])
    assert "in the worker process" in str(info.value.__cause__)
    assert "fails" in str(info.value.__cause__)
    (record,) = [r for r in caplog.records if r.name == "ninhbinh_geo.review.test"]
    assert record.getMessage() != f"said in pid {PARENT}"  # re-emitted here from the worker


def test_a_branch_that_changes_rows_is_refused():
    def drops(state):
        return state.add(clusters=state.clusters.iloc[1:])

    todo = [_column("a", 1.0), _column("b", 2.0), Step("c", drops)]
    with pytest.raises(RuntimeError, match="changed the rows of clusters"):
        run_steps(_state(), todo, [Branch(after="a", steps=("c",))])


def test_a_step_beside_a_branch_that_changes_rows_is_refused():
    def reorders(state):
        return state.add(clusters=state.clusters.iloc[::-1])

    todo = [_column("a", 1.0), Step("b", reorders), _column("c", 3.0)]
    with pytest.raises(RuntimeError, match="beside a review branch changed the rows"):
        run_steps(_state(), todo, [Branch(after="a", steps=("c",))])


def test_a_killed_worker_has_its_steps_run_again_in_the_caller(caplog):
    def dies_in_a_worker(state):
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGKILL)
        return state.add(tables={"c": pd.DataFrame({"pid": [os.getpid()]})}, warnings=["c"])

    todo = [_column("a", 1.0), _column("b", 2.0), Step("c", dies_in_a_worker)]
    with caplog.at_level("WARNING", "ninhbinh_geo.review.branches"):
        state = run_steps(_state(), todo, [Branch(after="a", steps=("c",))])
    assert _ran_in(state, "c") == PARENT
    assert state.warnings == ("a", "b", "c")
    assert "died" in caplog.text


def test_an_error_in_the_caller_stops_the_running_branch(monkeypatch, tmp_path):
    started = []
    start = branches._start

    def recording(branch, state, todo):
        begun = start(branch, state, todo)
        started.append(begun)
        return begun

    def sleeps(state):
        import time

        time.sleep(60)
        return state

    def fails(state):
        raise KeyError("caller")

    monkeypatch.setattr(branches, "_start", recording)
    todo = [_column("a", 1.0), Step("b", fails), Step("c", sleeps)]
    with pytest.raises(KeyError):
        run_steps(_state(), todo, [Branch(after="a", steps=("c",))])
    (begun,) = started
    assert not begun.process.is_alive()


def test_the_review_branch_gives_the_state_of_a_serial_run():
    """The review's own branch (travel time, labour, access, siting) on the embedded data."""
    options = ReviewOptions()
    staging = Path(tempfile.mkdtemp())
    start = load_inputs(options, staging)
    serial = run_steps(start, steps.STEPS)
    forked = run_steps(start, steps.STEPS, steps.BRANCHES)
    pd.testing.assert_frame_equal(forked.clusters, serial.clusters)
    pd.testing.assert_frame_equal(forked.parks, serial.parks)
    assert list(forked.layers) == list(serial.layers)
    for name, layer in serial.layers.items():
        pd.testing.assert_frame_equal(forked.layers[name], layer, obj=name)
    assert list(forked.tables) == list(serial.tables)
    for name, table in serial.tables.items():
        pd.testing.assert_frame_equal(forked.tables[name], table, obj=name)
    assert forked.warnings == serial.warnings
    pd.testing.assert_frame_equal(forked.hub_minutes, serial.hub_minutes)
    assert forked.hazards == serial.hazards
