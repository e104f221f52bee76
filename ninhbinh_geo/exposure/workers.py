"""Footprint sums split over forked processes, each summing its own band of the raster.

Many footprints are ordered north to south and cut into as many parts as this process has
cores that other programs leave idle (at most :data:`PROCESSES`); the caller sums the first
part while forked children sum the others, each through the dataset opened again, and send
back their rows' sums. exactextract still computes every coverage fraction: a part is summed
exactly as it would be in the caller (the same batches, the same operations), so a split
changes no number. It saves wall time only: on 2 idle cores 10,000 footprints take about
0.7 of the time in one process, for about 1.2 times the CPU (benchmarks/exposure.py).

Forking is safe only when no other thread runs (a lock held by another thread would stay
locked forever in the child): it is used only on Linux from a single-threaded, non-daemonic
process, for a raster file that can be opened again by its name; anywhere else the parts are
summed one after another in the caller. A child inherits everything (nothing is pickled on the
way in), dies with the caller, and ends with ``os._exit``; an error in a child is raised again
in the caller, of the same class and message, with the child's log records (the process
helpers of :mod:`ninhbinh_geo._forking`); a child that dies leaves its part to the caller.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import signal
from collections.abc import Callable
from pathlib import Path

import numpy as np
import rasterio

from .._forking import Outcome, die_with_parent, outcome_of, replay
from .._forking import can_fork as _can_fork
from .._forking import cpus as _cpus

#: At most this many processes sum the footprints of one raster (the caller and its children).
PROCESSES = 4
#: Fewest footprints a process is given: fewer cost more to fork, and to read the raster's
#: bands in two processes, than they save. benchmarks/exposure.py, 20 M-cell raster, tiled 256
#: deflate, 2 idle cores, medians of 7: 2,000 footprints 0.64 s in 2 processes against 0.81 s
#: in one (CPU 1.13 against 0.80 s); 10,000: about 1.5 against 2.0 s.
FOOTPRINTS_PER_PROCESS_FROM = 1_000

Sums = dict[str, np.ndarray]


def _reopenable(ds: rasterio.io.DatasetReader) -> bool:
    """Whether a child can open ``ds`` again by its name (a plain dataset of a local file)."""
    return type(ds) is rasterio.io.DatasetReader and Path(ds.name).is_file()


def _free_cores() -> float:
    """Cores this process may use that other processes left idle over the last minute.

    The 1-minute load average counts this process (about one); a core others keep busy is
    not free: two processes on it take longer than one (benchmarks/exposure.py, 10,000
    footprints, 2 cores, one of them busy with another program: 2.95 s split against 2.39 s
    in one process, medians of 7).
    """
    try:
        others = max(os.getloadavg()[0] - 1.0, 0.0)
    except OSError:  # pragma: no cover - no load average on this system
        others = 0.0
    return _cpus() - others


def _process_count(n_footprints: int, ds: rasterio.io.DatasetReader) -> int:
    """How many processes should sum ``n_footprints`` footprints of ``ds`` (1: the caller)."""
    cores = min(_cpus(), math.floor(_free_cores() + 0.5))
    wanted = min(PROCESSES, cores, n_footprints // FOOTPRINTS_PER_PROCESS_FROM)
    if wanted < 2 or not _can_fork() or not _reopenable(ds):
        return 1
    return wanted


def _split(rows: np.ndarray, parts: int) -> list[np.ndarray]:
    """Cut ``rows`` (ordered north to south) into ``parts`` contiguous parts of equal size."""
    return [part for part in np.array_split(rows, parts) if len(part)]


def _child(run: Callable[[np.ndarray, bool], Sums], rows: np.ndarray, fd: int, parent: int):
    """Sum ``rows`` in a forked child and write the outcome to ``fd``; never returns."""
    code = 1
    try:
        die_with_parent(parent)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C
        outcome = outcome_of(lambda: run(rows, True))  # its sums, log records or error
        with os.fdopen(fd, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _fork(run: Callable[[np.ndarray, bool], Sums], rows: np.ndarray) -> tuple[int, int] | None:
    """Start a child summing ``rows``; return its pid and the pipe to read, None if it failed."""
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # pragma: no cover - runs in the child, which ends with os._exit
        os.close(read_fd)
        _child(run, rows, write_fd, parent)
    os.close(write_fd)
    return pid, read_fd


def _collect(pid: int, read_fd: int) -> Outcome | None:
    """Read a child's outcome and reap it; None if it died without one."""
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        return pickle.loads(data)
    except Exception:
        return None


def _sum_parts(run: Callable[[np.ndarray, bool], Sums], parts: list[np.ndarray]) -> list[Sums]:
    """Return ``run(part, in_child)`` of every part: the first in the caller, the others forked.

    ``run`` gets the rows of one part and whether it runs in a child (which must open the
    raster again) and returns the sums of those rows. Parts whose child could not be started or
    died are summed in the caller afterwards.
    """
    children = [_fork(run, part) for part in parts[1:]]
    try:
        results = [run(parts[0], False)]
    except BaseException:
        for child in children:
            if child is not None:
                with contextlib.suppress(OSError):
                    os.kill(child[0], signal.SIGKILL)
                _collect(*child)
        raise
    outcomes = [_collect(*child) if child is not None else None for child in children]
    for part, outcome in zip(parts[1:], outcomes, strict=True):
        # a child that died leaves its part to the caller; its error is raised here
        results.append(run(part, False) if outcome is None else replay(outcome))
    return results
