"""Work done in forked worker processes and brought back as if done in the caller.

Shared by the static maps (:mod:`ninhbinh_geo.staticmap.workers`) and the review's branches of
steps (:mod:`ninhbinh_geo.review.branches`). A worker is forked from the caller, so it starts in
a few milliseconds with the caller's data and imports in memory; what comes back is the value
its work returned, the log records of ``ninhbinh_geo`` emitted meanwhile (re-emitted in the
caller) and the exception it raised, of the same class and message as in the caller. Forking is
safe only when no other thread runs (a lock held by another thread would stay locked forever in
the child), so it is used only on Linux from a single-threaded, non-daemonic process.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Outcome", "can_fork", "cpus", "die_with_parent", "outcome_of", "replay"]

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# The logger whose records a worker sends back to the caller.
PACKAGE_LOGGER = "ninhbinh_geo"


@dataclass
class Outcome:
    """What one piece of work in a worker came to: its value, log records and exception."""

    value: Any = None
    records: list[logging.LogRecord] = field(default_factory=list)
    error: BaseException | None = None
    trace: str = ""


class WorkerTracebackError(Exception):
    """The traceback of an exception raised in a worker, chained to it as its cause."""

    def __str__(self) -> str:
        return f"\n\nin the worker process:\n{self.args[0]}"


class Collect(logging.Handler):
    """Keep the records of this process, ready to be pickled (message formatted, no args)."""

    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if record.exc_info:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.msg, record.args, record.exc_info = record.getMessage(), None, None
        except Exception:  # a bad log call must not fail the work
            self.handleError(record)
            return
        self.into.append(record)


def cpus() -> int:
    """Return the number of CPUs this process may run on.

    Examples
    --------
    >>> cpus() >= 1
    True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes may be forked from this process now.

    Examples
    --------
    >>> can_fork() == (sys.platform.startswith("linux") and threading.active_count() == 1)
    True
    """
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and not multiprocessing.current_process().daemon
    )


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux), so none is orphaned."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the line above
        os._exit(1)


def portable(exc: BaseException) -> BaseException:
    """``exc`` if it survives pickling, else a RuntimeError naming its class and message.

    Examples
    --------
    >>> portable(ValueError("bad")).args
    ('bad',)
    """
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__qualname__}: {exc}")
    return exc


def outcome_of(work: Callable[[], Any]) -> Outcome:
    """Run ``work()`` here, keeping its value, its log records and any exception it raises.

    Examples
    --------
    >>> outcome_of(lambda: 1 + 1).value
    2
    >>> type(outcome_of(lambda: 1 / 0).error).__name__
    'ZeroDivisionError'
    """
    outcome = Outcome()
    package = logging.getLogger(PACKAGE_LOGGER)
    handler, propagate = Collect(outcome.records), package.propagate
    package.addHandler(handler)
    package.propagate = False  # the caller's handlers get the records when they come back
    try:
        outcome.value = work()
    except Exception as exc:
        outcome.error, outcome.trace = portable(exc), traceback.format_exc()
    finally:
        package.removeHandler(handler)
        package.propagate = propagate
    return outcome


def replay(outcome: Outcome) -> Any:
    """Re-emit the worker's log records here; raise its exception or return its value.

    Examples
    --------
    >>> replay(outcome_of(lambda: "done"))
    'done'
    """
    for record in outcome.records:
        logging.getLogger(record.name).handle(record)
    if outcome.error is not None:
        raise outcome.error from WorkerTracebackError(outcome.trace.rstrip())
    return outcome.value
