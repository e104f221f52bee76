"""Class breaks: mapclassify's schemes, and the round numbers a legend prints instead.

:func:`class_breaks` gives the upper bounds of the classes of a scheme exactly as mapclassify
does; ``FisherJenks`` and ``EqualInterval`` are computed here with mapclassify's arithmetic (the
same breaks, tested against it), other schemes go to mapclassify, whose import pulls in
scipy.stats and scikit-learn (about 2.5 s).

:func:`nice_bounds` then turns those breaks into round numbers that classify every value
exactly as the breaks do: a break at 17.3 with no value until 31.2 becomes 20. A legend built
on them reads "5–20, 20–45, 45–75" instead of "6.67–17.3, 17.3–45.35, …", and no class shows one
value twice ("53.58" then "53.58 – 100").
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

__all__ = ["class_breaks", "nice_bounds"]

#: Round steps, coarse to fine within a decade (1-2-5 series).
_MANTISSAS = (5, 2, 1)
# Steps finer than a millionth of the values' span are not "nice" any more: the raw break wins.
_FINEST_EXPONENT_BELOW_SPAN = 7


def class_breaks(values: np.ndarray, scheme: str = "FisherJenks", k: int = 5) -> np.ndarray:
    """Upper bounds of the classes of ``values`` (sorted, unique), as mapclassify gives them.

    Parameters
    ----------
    values : numpy.ndarray
        Finite numbers (at least one).
    scheme : str, default "FisherJenks"
        A :func:`mapclassify.classify` scheme. ``FisherJenks`` and ``EqualInterval`` are
        computed here, the others by mapclassify.
    k : int, default 5
        Number of classes; reduced to the number of distinct values when there are fewer.

    Returns
    -------
    numpy.ndarray
        The breaks, float64, ascending; the last is the maximum.

    Examples
    --------
    >>> import numpy as np
    >>> class_breaks(np.array([1.0, 2.0, 3.0, 10.0, 11.0, 30.0]), "FisherJenks", 3).tolist()
    [3.0, 11.0, 30.0]
    """
    values = np.asarray(values, dtype=float)
    k_eff = int(max(1, min(k, len(np.unique(values)))))
    if k_eff == 1:
        return np.array([values.max()])
    own = _OWN_SCHEMES.get(scheme.lower().replace("_", ""))
    if own is not None:
        return np.unique(own(values, k_eff))
    # Imported here: mapclassify pulls in scipy.stats and scikit-learn (~2.5 s).
    import mapclassify

    with warnings.catch_warnings():
        # mapclassify suggests numba for speed; irrelevant for a few hundred sites.
        warnings.filterwarnings("ignore", message=".*[Nn]umba.*")
        bins = mapclassify.classify(values, scheme=scheme, k=k_eff).bins
    return np.unique(np.asarray(bins))


def _fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Fisher-Jenks optimal breaks, bit for bit those of ``mapclassify.FisherJenks``.

    The dynamic programme of mapclassify's ``_fisher_jenks_means`` (BSD-3-Clause, after
    D. J. Lewis's Python port of Jenks's code), with its inner loops as numpy operations on
    the same float32 sums. Among equal variances the last candidate wins, as in its loop.
    """
    x = np.sort(values).astype("f8")
    x32 = x.astype(np.float32)
    n = len(x)
    mat1 = np.zeros((n + 1, k + 1), dtype=np.int32)
    mat2 = np.zeros((n + 1, k + 1), dtype=np.float32)
    mat1[1, 1:] = 1
    mat2[2:, 1:] = np.inf
    columns = np.arange(k - 1)
    for end in range(2, n + 1):
        tail = x32[end - 1 :: -1]  # the values of the last class, growing leftwards
        s1 = np.cumsum(tail, dtype=np.float32)
        s2 = np.cumsum(tail * tail, dtype=np.float32)
        variance = s2 - (s1 * s1) / np.arange(1, end + 1, dtype=np.float32)
        # candidate m (1-based) closes the classes before it at row end - m
        cand = variance[: end - 1, None] + mat2[end - 1 : 0 : -1, 1:k]
        last = (end - 2) - np.argmin(cand[::-1], axis=0)
        mat1[end, 2:] = end - last
        mat2[end, 2:] = cand[last, columns]
        mat1[end, 1] = 1
        mat2[end, 1] = variance[-1]
    kclass = np.zeros(k + 1, dtype=x.dtype)
    kclass[k] = x[n - 1]
    kclass[0] = x[0]
    row = n
    for count in range(k, 1, -1):
        pivot = int(mat1[row, count])
        kclass[count - 1] = x[pivot - 2]
        row = pivot - 1
    return np.delete(kclass, 0)


def _equal_interval_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Equal-interval breaks, as ``mapclassify.EqualInterval`` computes them."""
    max_y, min_y = values.max(), values.min()
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # np.arange can overshoot by one step
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return cuts.copy()


#: Schemes computed here, by mapclassify's normalised name.
_OWN_SCHEMES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "fisherjenks": _fisher_jenks_bins,
    "equalinterval": _equal_interval_bins,
}


# ---------------------------------------------------------------------------------------------
# Round numbers


def _step_at_most(width: float) -> tuple[float, int]:
    """Return the largest step of the 1-2-5 series not above ``width`` (> 0), and its decimals.

    Examples
    --------
    >>> _step_at_most(43.0), _step_at_most(0.55), _step_at_most(1.0)
    ((20, 0), (0.5, 1), (1, 0))
    """
    exp = math.floor(math.log10(width))
    for m in _MANTISSAS:
        step = m * 10.0**exp
        if step <= width * (1 + 1e-12):
            decimals = max(0, -exp)
            return (round(step, decimals) if decimals else round(step)), decimals
    raise AssertionError("unreachable: 1 × 10^floor(log10(w)) <= w")


def _multiple(x: float, step: float, decimals: int, *, up: bool) -> float:
    """Return the multiple of ``step`` at or above (``up``) or at or below ``x``, rounded."""
    q = x / step
    n = math.ceil(q - 1e-9) if up else math.floor(q + 1e-9)
    value = round(n * step, decimals)
    # Rounding may land just on the wrong side of x: take the next multiple then.
    if up and value < x:
        value = round((n + 1) * step, decimals)
    if not up and value > x:
        value = round((n - 1) * step, decimals)
    return float(value)


def _nice_cut(low: float, high: float, span: float) -> tuple[float, float, int] | None:
    """Return the roundest ``c`` with ``low <= c < high``, its step and decimals (or None)."""
    width = high - low
    while True:
        step, decimals = _step_at_most(width)
        if step < span * 10.0**-_FINEST_EXPONENT_BELOW_SPAN:
            return None
        cut = _multiple(low, step, decimals, up=True)
        if low <= cut < high:
            return cut, step, decimals
        # no multiple of this step in the gap ([0+, 1) holds no multiple of 1; float rounding
        # at the edge of a tiny gap): the next smaller step of the 1-2-5 series
        width = step * 0.99


def nice_bounds(values: np.ndarray, breaks: np.ndarray) -> list[float]:
    """Round bounds that classify ``values`` exactly as ``breaks`` do.

    A class holds ``lower < v <= upper`` (the first also ``lower``). Each inner break ``b`` is
    replaced by the roundest number in ``[b, next value above b)`` (the largest 1-2-5 step that
    fits the gap, then its first multiple at or above ``b``); the outer bounds are the minimum
    rounded down and the maximum rounded up at the finest decimal place of the cuts.

    Parameters
    ----------
    values : numpy.ndarray
        The finite values classified.
    breaks : numpy.ndarray
        Upper bounds of the classes, ascending, the last one the maximum
        (:func:`class_breaks`).

    Returns
    -------
    list of float
        Strictly increasing bounds: the lower bound of the first class, then the upper bound
        of every class; a class without values is merged into the next one.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([6.67, 12.0, 17.3, 31.2, 45.35, 52.0, 57.15, 75.0])
    >>> nice_bounds(v, np.array([17.3, 45.35, 57.15, 75.0]))
    [6.0, 20.0, 50.0, 60.0, 75.0]
    >>> nice_bounds(np.array([53.58, 80.0, 100.0]), np.array([53.58, 80.0, 100.0]))
    [53.0, 60.0, 80.0, 100.0]
    >>> nice_bounds(np.array([0.0, 0.31, 0.62, 0.97]), np.array([0.0, 0.31, 0.97]))
    [0.0, 0.2, 0.4, 1.0]
    """
    x = np.unique(np.asarray(values, dtype=float))
    lo, hi = float(x[0]), float(x[-1])
    span = hi - lo
    cuts: list[float] = []
    found_steps: list[tuple[float, int]] = []
    for i, b in enumerate(np.asarray(breaks, dtype=float)[:-1]):
        above = x[x > b]
        if above.size == 0:
            continue
        # The first class must not shrink to its lower bound ("0" then "0–50"): when it
        # holds only the minimum, its upper bound is taken above it.
        low = float(np.nextafter(b, np.inf)) if i == 0 and b == lo else float(b)
        found = _nice_cut(low, float(above[0]), span)
        if found is None:
            cuts.append(float(b))  # no round number fits the gap: the break itself
            continue
        cuts.append(found[0])
        found_steps.append(found[1:])
    # A class with no value (EqualInterval makes them) is merged into the next one.
    cuts = [
        c for i, c in enumerate(cuts) if ((x > (cuts[i - 1] if i else -np.inf)) & (x <= c)).any()
    ]
    if found_steps:
        # The outer bounds stay near the data: rounded at the cuts' finest decimal place.
        decimals = max(d for _, d in found_steps)
        step = round(10.0**-decimals, decimals) if decimals else 1
    elif span > 0:
        step, decimals = _step_at_most(span / 10)
    else:
        return [lo, hi]
    lower = _multiple(lo, step, decimals, up=False)
    if cuts and lower >= cuts[0]:
        # a first class of the minimum alone whose gap holds no round cut (narrower than the
        # finest step): its lower bound goes one step below, so the classes stay the scheme's
        lower = _multiple(cuts[0] - step, step, decimals, up=False)
    upper = _multiple(hi, step, decimals, up=True)
    return [lower, *cuts, upper]
