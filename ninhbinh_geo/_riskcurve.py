"""The expected-annual integration kernel: a risk curve from a few return periods, integrated.

A private module of the lowest floor (numpy only), so that every analysis that turns values at
a few return periods into one expected annual value — ``exposure.expected_annual_exposure``,
``risk.expected_annual``, ``network.flood_cut_distances`` — integrates with the same code
without one analysis importing another.

The points ``(p_i = 1/T_i, v_i)`` of one site are joined by one of three rules (``METHODS``):

- ``"trapezoid"``: straight lines in ``p`` (the trapezoidal rule);
- ``"step"``: on ``[p_i, p_j]`` (``p_i`` the rarer of two neighbours) the value of the more
  frequent event ``v_j`` (the step sum of the World Bank's CCDR tools, a lower step);
- ``"loglinear"``: straight lines in ``ln p`` (Delft-FIAT's rule).

Beyond the rarest map (``p`` below ``1/T_max``) the ``rare_tail`` is ``"flat"`` (the value of
``T_max``; since impacts grow with rarity, a lower bound of the unknown tail) or ``"none"``
(zero). Events more frequent than ``protection_rp`` do nothing (a dyke standard); by default
and at least, the most frequent map: nothing is assumed about floods more frequent than the
shortest return period mapped.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ._errors import SchemaError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# numpy is imported where it is used: the command line reads METHODS without the stack.

__all__ = ["METHODS", "RARE_TAILS", "check_options", "integrate"]

#: How the points of a risk curve are joined (see the module notes).
METHODS = ("trapezoid", "step", "loglinear")
#: What is assumed beyond the rarest return period mapped.
RARE_TAILS = ("flat", "none")


def check_options(method: object, rare_tail: object, protection_rp: object) -> float | None:
    """Check the integration options; return ``protection_rp`` as a float (or None).

    Raises
    ------
    SchemaError
        For an unknown method or tail, or a protection standard that is not a positive
        number of years.

    Examples
    --------
    >>> check_options("step", "flat", 50)
    50.0
    """
    if method not in METHODS:
        raise SchemaError(
            f"Unknown expected-annual method {method!r}; use one of {list(METHODS)} "
            f"(--ead-method on the command line)."
        )
    if rare_tail not in RARE_TAILS:
        raise SchemaError(f"Unknown rare_tail {rare_tail!r}; use one of {list(RARE_TAILS)}.")
    if protection_rp is None:
        return None
    try:
        value = float(protection_rp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = float("nan")
    if not (math.isfinite(value) and value > 0):
        raise SchemaError(
            f"protection_rp must be a return period in years > 0 (the flood protection "
            f"standard), not {protection_rp!r}; None for the most frequent map."
        )
    return value


def _segment(p_lo: float, p_hi: float, a: np.ndarray, b: np.ndarray, method: str) -> np.ndarray:
    """Integral over ``[p_lo, p_hi]`` of the curve through ``(p_lo, a)`` and ``(p_hi, b)``."""
    width = p_hi - p_lo
    if method == "trapezoid":
        return width * (a + b) / 2.0
    if method == "step":
        return width * b
    # linear in ln p: the integral of ln(x / p_lo) over the segment is p_hi * K - width
    k = math.log(p_hi / p_lo)
    return a * width + (b - a) * (p_hi - width / k)


def _value_at(
    p: float, p_lo: float, p_hi: float, a: np.ndarray, b: np.ndarray, method: str
) -> np.ndarray:
    """Value of the curve at ``p`` inside ``[p_lo, p_hi]``."""
    if method == "step":
        return b
    if method == "trapezoid":
        return a + (b - a) * (p - p_lo) / (p_hi - p_lo)
    return a + (b - a) * math.log(p / p_lo) / math.log(p_hi / p_lo)


def integrate(
    return_periods: np.ndarray,
    values: np.ndarray,
    *,
    method: str = "trapezoid",
    rare_tail: str = "flat",
    protection_rp: float | None = None,
) -> np.ndarray:
    """Integrate risk curves sampled at the same return periods: expected annual values.

    Trusts its inputs (the doors check them): distinct positive return periods, any order.

    Parameters
    ----------
    return_periods : numpy.ndarray
        ``(n,)`` return periods in years.
    values : numpy.ndarray
        ``(..., n)`` values at those return periods (one curve per leading index); a NaN
        gives a NaN result.
    method : {"trapezoid", "step", "loglinear"}
        How the points are joined.
    rare_tail : {"flat", "none"}
        Beyond the rarest return period: its value, or zero.
    protection_rp : float, optional
        Events more frequent than this return period do nothing; the most frequent map when
        None (or when it is more frequent than that map).

    Returns
    -------
    numpy.ndarray
        ``values.shape[:-1]`` expected annual values (per year).

    Examples
    --------
    The published example (return periods 10/100/1000, impacts 193/1210/3034):

    >>> import numpy as np
    >>> T, v = np.array([10.0, 100.0, 1000.0]), np.array([193.0, 1210.0, 3034.0])
    >>> [round(float(integrate(T, v, method=m)), 1) for m in METHODS]
    [85.3, 31.3, 66.2]
    """
    import numpy as np

    t = np.asarray(return_periods, dtype=float)
    order = np.argsort(-t)  # rarest first: p ascending
    p = 1.0 / t[order]
    v = np.asarray(values, dtype=float)[..., order]
    p_cut = p[-1] if protection_rp is None else min(1.0 / protection_rp, p[-1])
    tail_p = min(p[0], p_cut)
    total = v[..., 0] * tail_p if rare_tail == "flat" else np.zeros(v.shape[:-1])
    for i in range(len(p) - 1):
        lo, hi = p[i], p[i + 1]
        if p_cut <= lo:
            break
        a, b = v[..., i], v[..., i + 1]
        if p_cut < hi:  # the protection standard falls inside this segment
            b, hi = _value_at(p_cut, lo, hi, a, b, method), p_cut
        total = total + _segment(lo, hi, a, b, method)
    return total
