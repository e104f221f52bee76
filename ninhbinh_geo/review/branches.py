"""Steps of a review run beside the others in forked processes, with the result of a serial run.

A :class:`Branch` names consecutive steps of :data:`~ninhbinh_geo.review.steps.STEPS` that read
nothing the steps listed between its ``after`` step and them add, and add nothing those steps
read. The branch starts in a forked worker from the state after its ``after`` step, while the
caller goes on with the steps in between; when the caller reaches the branch's first step it
waits for the worker and merges what the branch added — new columns of the clusters and parks,
layers, tables, warnings, other fields — in the order a serial run adds them, so the state is the
same as one step after another (``tests/test_review_branches.py`` compares both).

Where workers cannot be forked (not Linux, another thread running, one CPU) or a branch does not
match the steps (a caller changed :data:`~ninhbinh_geo.review.steps.STEPS`), the steps run one
after another in the caller. A worker that dies (killed, out of memory) has its steps run again
in the caller; an error of a step is raised in the caller with its class and message, and the
worker's log records are re-emitted there. Workers ignore Ctrl-C and die with the caller.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .._forking import Outcome, can_fork, cpus, die_with_parent, outcome_of, portable, replay
from .options import ReviewState

__all__ = ["Branch", "run_steps"]

logger = logging.getLogger(__name__)

# The fields of ReviewState a branch merges in their own way (the others: when replaced).
_FRAMES = ("clusters", "parks")
_MAPPINGS = ("layers", "tables")
_FIXED = ("options", "staging")


@dataclass(frozen=True)
class Branch:
    """Steps that may run in a worker process beside the steps before them.

    Attributes
    ----------
    after : str or None
        The message of the step whose state the branch starts from; None: the state the
        steps start from (the inputs as loaded).
    steps : tuple of str
        The messages of the branch's steps: consecutive in the list of steps, after ``after``.
    """

    after: str | None
    steps: tuple[str, ...]


@dataclass
class _Started:
    branch: Branch
    process: Any  # multiprocessing.Process
    reader: Any  # multiprocessing.connection.Connection
    start: ReviewState


def _delta(before: ReviewState, after: ReviewState) -> dict[str, Any]:
    """Return what the steps that turned ``before`` into ``after`` added, ready to pickle."""
    delta: dict[str, Any] = {}
    for f in dataclasses.fields(after):
        name = f.name
        old, new = getattr(before, name), getattr(after, name)
        if name in _FIXED or new is old:
            continue
        if name in _FRAMES:
            if not new.index.equals(old.index):
                raise RuntimeError(f"A step of a review branch changed the rows of {name}.")
            added = [c for c in new.columns if c not in old.columns]
            delta[name] = new[added].copy() if added else None
        elif name in _MAPPINGS:
            delta[name] = {k: v for k, v in new.items() if old.get(k) is not v}
        elif name == "warnings":
            delta[name] = tuple(new[len(old) :])
        else:
            delta[name] = new
    return delta


def _merge(state: ReviewState, delta: dict[str, Any]) -> ReviewState:
    """Add what a branch added to ``state``, as the branch's steps would have."""
    changes = {k: v for k, v in delta.items() if k not in (*_FRAMES, *_MAPPINGS, "warnings")}
    for name in _FRAMES:
        added = delta.get(name)
        if added is not None and len(added.columns):
            frame = getattr(state, name)
            if not frame.index.equals(added.index):
                raise RuntimeError(f"A step beside a review branch changed the rows of {name}.")
            # same rows in the same order: the columns go in by position, dtypes kept
            changes[name] = frame.assign(**{c: added[c].array for c in added.columns})
    return state.add(
        layers=delta.get("layers"),
        tables=delta.get("tables"),
        warnings=delta.get("warnings", ()),
        **changes,
    )


def _run(state: ReviewState, steps: Sequence[Any]) -> ReviewState:
    for step in steps:
        state = step.run(state)
    return state


def _worker(writer: Any, state: ReviewState, steps: Sequence[Any], parent: int) -> None:
    """In the worker: run the steps, send back what they added (or their error)."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C
    outcome = outcome_of(lambda: _delta(state, _run(state, steps)))
    try:
        writer.send(outcome)
    except Exception as exc:  # something added does not pickle: say so in the caller
        writer.send(Outcome(error=portable(exc), trace=traceback.format_exc()))
    writer.close()


def _start(branch: Branch, state: ReviewState, steps: Sequence[Any]) -> _Started | None:
    """Fork the branch's worker from ``state``; None when it cannot be started."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(writer, state, steps, os.getpid()), daemon=True)
    gc.freeze()  # the worker's collections leave the objects shared with the caller alone
    try:
        process.start()
    except OSError as exc:
        logger.warning("Review steps run in this process: a worker cannot start (%s).", exc)
        reader.close()
        return None
    finally:
        gc.unfreeze()
        writer.close()
    return _Started(branch, process, reader, state)


def _join(started: _Started, state: ReviewState, steps: Sequence[Any]) -> ReviewState:
    """Wait for a branch; merge what it added into ``state``."""
    try:
        outcome = started.reader.recv()
    except (EOFError, OSError):
        logger.warning(
            "Review steps run again in this process: the worker running %s died.",
            ", ".join(started.branch.steps),
        )
        return _merge(state, _delta(started.start, _run(started.start, steps)))
    finally:
        started.reader.close()
        started.process.join()
    return _merge(state, replay(outcome))


def _usable(branches: Sequence[Branch], order: list[str]) -> list[Branch]:
    """Return the branches that match the steps: consecutive, after their start step."""
    if cpus() < 2 or not can_fork():
        return []
    usable = []
    for b in branches:
        known = b.after is None or b.after in order
        if not known or not b.steps or any(m not in order for m in b.steps):
            continue
        first = order.index(b.steps[0])
        start = -1 if b.after is None else order.index(b.after)
        if order[first : first + len(b.steps)] == list(b.steps) and start < first:
            usable.append(b)
    return usable


def _start_after(
    message: str | None,
    usable: Sequence[Branch],
    state: ReviewState,
    by_message: dict[str, Any],
    started: dict[str, _Started],
) -> None:
    """Start the branches that start after the step ``message`` (None: before the first)."""
    for b in usable:
        if b.after == message:
            begun = _start(b, state, [by_message[m] for m in b.steps])
            if begun is not None:
                started[b.steps[0]] = begun


def run_steps(
    state: ReviewState,
    steps: Sequence[Any],
    branches: Sequence[Branch] = (),
    tick: Callable[[str], None] = lambda message: None,
) -> ReviewState:
    """Run ``steps`` on ``state``, the ``branches`` among them in worker processes.

    Parameters
    ----------
    state : ReviewState
        The state after loading the inputs.
    steps : sequence of Step
        The steps, in order (:data:`~ninhbinh_geo.review.steps.STEPS`).
    branches : sequence of Branch
        Steps that may run beside the others (:data:`~ninhbinh_geo.review.steps.BRANCHES`).
    tick : callable
        Called with each step's message when the step starts or its branch is waited for.

    Returns
    -------
    ReviewState
        The state after the last step: the same as running the steps one after another.

    Examples
    --------
    >>> from pathlib import Path
    >>> from ninhbinh_geo.review.options import ReviewOptions
    >>> from ninhbinh_geo.review.steps import Step
    >>> def note(text):
    ...     return Step(text, lambda s: s.add(warnings=[text]))
    >>> start = ReviewState(ReviewOptions(), Path(), clusters=None, parks=None)
    >>> steps = [note("a"), note("b"), note("c")]
    >>> run_steps(start, steps, [Branch(after="a", steps=("c",))]).warnings
    ('a', 'b', 'c')
    """
    order = [s.message for s in steps]
    by_message = {s.message: s for s in steps}
    usable = _usable(branches, order)
    started: dict[str, _Started] = {}  # by the message of the branch's first step
    done: set[str] = set()
    try:
        for step in (None, *steps):
            if step is None:  # the branches that start from the inputs
                _start_after(None, usable, state, by_message, started)
                continue
            tick(step.message)
            if step.message in done:
                continue
            branch = started.pop(step.message, None)
            if branch is not None:
                own = [by_message[m] for m in branch.branch.steps]
                state = _join(branch, state, own)
                done.update(branch.branch.steps)
                for message in branch.branch.steps:  # branches that start after these
                    _start_after(message, usable, state, by_message, started)
                continue
            state = step.run(state)
            _start_after(step.message, usable, state, by_message, started)
        return state
    finally:
        for left in started.values():  # an error in the caller: stop the workers
            with contextlib.suppress(Exception):
                left.process.kill()
                left.process.join()
                left.reader.close()
