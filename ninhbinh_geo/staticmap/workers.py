"""Maps drawn side by side in worker processes, as if drawn one after another.

The workers are forked from the caller once it has checked the layers, so they start in a few
milliseconds with the checked layers, matplotlib (Agg) and the fonts already in memory; nothing
is pickled on the way in. Forking is safe only when no other thread runs (a lock held by another
thread would stay locked forever in the child), so it is used only on Linux from a
single-threaded, non-daemonic process; anywhere else, or when processes cannot be started, the
maps are drawn one after another in the caller.

What comes back per map is the list of files written, the log records of ``ninhbinh_geo``
emitted while drawing it (re-emitted in the caller, in map order), and the exception it raised,
of the same class and message as in a serial run. Workers ignore Ctrl-C (the caller stops them)
and die with the caller if it is killed. The process helpers are in :mod:`ninhbinh_geo._forking`.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from .._forking import Outcome as _Outcome
from .._forking import die_with_parent as _die_with_parent
from .._forking import outcome_of
from .._forking import replay as _replay

logger = logging.getLogger(__name__)

# In a worker: the function that draws and writes one map by name (set by the initializer).
_task: Callable[[str], list[Path]] | None = None


def _init_worker(task: Callable[[str], list[Path]], parent_pid: int) -> None:
    global _task
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C
    _task = task


def _work(name: str) -> _Outcome:
    """Draw and write one map in a worker, collecting its log records."""
    assert _task is not None, "worker not initialised"
    task = _task
    return outcome_of(lambda: task(name))


def _run_in_processes(
    task: Callable[[str], list[Path]], names: Sequence[str], processes: int
) -> tuple[list[Path], list[str]]:
    """Run ``task(name)`` for each name in forked workers; collect the paths in name order.

    Parameters
    ----------
    task : callable
        Draws and writes one map, returns the files written. A worker inherits it (fork), so
        it may be a closure over data that does not pickle.
    names : sequence of str
        The maps, largest first for the best balance.
    processes : int
        Number of worker processes.

    Returns
    -------
    written : list of Path
        The files of the maps done, in the order of ``names``.
    left : list of str
        The maps not done because processes could not be started or a worker died; the caller
        draws them itself.

    Raises
    ------
    Exception
        The first error (in the order of ``names``) raised by ``task`` in a worker, of the same
        class and message; the maps drawn at the same time are finished first.
    """
    running = _start_processes(task, names, processes)
    if running is None:
        return [], list(names)
    return _collect(running)


@dataclass
class _Running:
    """Maps submitted to forked workers, not collected yet."""

    pool: ProcessPoolExecutor
    names: list[str]
    futures: list = field(default_factory=list)


def _start_processes(
    task: Callable[[str], list[Path]], names: Sequence[str], processes: int
) -> _Running | None:
    """Fork the workers and hand them every map; None when workers cannot be started."""
    try:
        pool = ProcessPoolExecutor(
            processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_worker,
            initargs=(task, os.getpid()),
        )
    except (OSError, ImportError, NotImplementedError, ValueError) as exc:
        logger.warning("Maps drawn in this process: workers cannot be started (%s).", exc)
        return None
    # The parent's objects are left out of the workers' garbage collections, which would
    # otherwise write to (and so copy) every page of memory they share with the parent.
    gc.freeze()
    try:
        futures = [pool.submit(_work, name) for name in names]  # the workers fork here
    except (BrokenProcessPool, OSError, AssertionError) as exc:
        logger.warning("Maps drawn in this process: workers cannot be started (%s).", exc)
        # Workers forked before the one that failed would wait for work forever.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    finally:
        gc.unfreeze()
    return _Running(pool, list(names), futures)


def _collect(running: _Running) -> tuple[list[Path], list[str]]:
    """Wait for the workers; return the paths written and the maps left to draw here."""
    written: list[Path] = []
    done = 0
    try:
        for future in running.futures:
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:
                # A worker died (out of memory, killed): the caller draws the rest itself.
                logger.warning("Maps drawn in this process: a worker process died (%s).", exc)
                break
            written += _replay(outcome)  # an error of the map itself is raised here
            done += 1
    finally:
        running.pool.shutdown(wait=True, cancel_futures=True)
    return written, running.names[done:]


def _cancel(running: _Running) -> None:
    """Stop handing out maps and wait for the workers to finish the ones they draw."""
    running.pool.shutdown(wait=True, cancel_futures=True)
