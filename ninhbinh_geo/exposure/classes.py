"""Depth classes: the breaks that cut flood depth into classes, and the classes' column names.

``breaks_m=(0.1, 0.5, 1, 2)`` (the default) makes the classes ``[0.1, 0.5)``, ``[0.5, 1)``,
``[1, 2)`` and ``[2, inf)`` metres, reported in columns ``class_0.1_0.5_ha``,
``class_0.5_1_ha``, ``class_1_2_ha`` and ``class_2_inf_ha`` (bounds written with ``%g``). A cell
is *exposed* when its depth is at least the first break; the class areas sum to ``exposed_ha``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from .._errors import SchemaError

__all__ = ["DEFAULT_BREAKS_M", "class_columns"]

#: Depth class breaks in metres. 0.1 m is where flood water starts to matter for buildings and
#: stock; 0.5, 1 and 2 m are the usual steps of depth-damage curves (e.g. JRC, Huizinga et al.
#: 2017) and of Aqueduct/Fathom map legends.
DEFAULT_BREAKS_M: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0)


def _fmt_break(x: float) -> str:
    return "inf" if math.isinf(x) else f"{x:g}"


def class_columns(breaks_m: Sequence[float] = DEFAULT_BREAKS_M) -> list[str]:
    """Return the names of the depth-class columns for ``breaks_m``.

    Parameters
    ----------
    breaks_m : sequence of float, default (0.1, 0.5, 1, 2)
        Increasing lower bounds of the depth classes, in metres; the last class is open.

    Returns
    -------
    list of str
        ``class_<lo>_<hi>_ha`` with bounds formatted by ``%g`` and ``inf`` for the last class.

    Raises
    ------
    SchemaError
        Breaks that are empty, not increasing, not finite, or start at or below 0 m.

    Examples
    --------
    >>> class_columns()
    ['class_0.1_0.5_ha', 'class_0.5_1_ha', 'class_1_2_ha', 'class_2_inf_ha']
    >>> class_columns([0.3, 1.5])
    ['class_0.3_1.5_ha', 'class_1.5_inf_ha']
    """
    return _class_columns(_check_breaks(breaks_m))


def _class_columns(breaks: list[float]) -> list[str]:
    """Column names for breaks already checked by :func:`_check_breaks`."""
    uppers = [*breaks[1:], math.inf]
    pairs = zip(breaks, uppers, strict=True)
    return [f"class_{_fmt_break(lo)}_{_fmt_break(hi)}_ha" for lo, hi in pairs]


def _check_breaks(breaks_m: Sequence[float]) -> list[float]:
    b = [float(x) for x in breaks_m]
    if (
        not b
        or any(not math.isfinite(x) for x in b)
        or any(lo >= hi for lo, hi in itertools.pairwise(b))
    ):
        raise SchemaError(
            f"breaks_m must be a non-empty, strictly increasing list of finite depths in metres, "
            f"e.g. (0.1, 0.5, 1, 2); got {list(breaks_m)!r}."
        )
    if b[0] <= 0:
        raise SchemaError(
            f"The first depth break must be above 0 m (it is the depth from which a cell counts "
            f"as flooded); got {b[0]!r}. Use e.g. 0.01 for 'any water'."
        )
    return b
