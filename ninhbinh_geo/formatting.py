"""Numbers as a reader expects them: Vietnamese (1.035 ha; 3.178,5 ha) or English (1,035 ha).

One formatter for every output (report, legends, popups, labels, map text). In Vietnamese the
thousands separator is a dot and the decimal mark a comma (TCVN 6398-1 / common usage, as in the
province's own publications: "3.178,5ha", "hơn 20.900 lao động"); in English a comma and a dot.
Years are text, never grouped ("2025", not "2.025"). A published figure keeps its published
precision (pass ``decimals=`` from the figure, not a default that rounds 355.5 to 356), and its
qualifier: ``approx`` ("khoảng" / "about"), ``at_least`` ("hơn" / "more than").

Examples
--------
>>> format_number(3178.5, "vi"), format_number(3178.5, "en")
('3.178,5', '3,178.5')
>>> format_number(20900, "vi", qualifier="at_least"), format_year(2025)
('> 20.900', '2025')
"""

from __future__ import annotations

import math
from numbers import Real

__all__ = ["QUALIFIERS", "decimals_of", "format_number", "format_year"]

#: Qualifiers of published figures (``../shared/facts``: exact / approx / at_least) and the
#: sign written before the number in both languages.
QUALIFIERS = {"exact": "", "approx": "≈ ", "at_least": "> "}

_SEPARATORS = {"vi": (".", ","), "en": (",", ".")}


def decimals_of(value: float, *, max_decimals: int = 6) -> int:
    """Count the decimals a figure was published with (``355.5`` → 1, ``1035`` → 0).

    Parameters
    ----------
    value : float
        A published figure, read from text without rounding.
    max_decimals : int, default 6
        Upper bound (binary floats may carry noise beyond it).

    Returns
    -------
    int

    Examples
    --------
    >>> decimals_of(355.5), decimals_of(1253.7), decimals_of(1035.0), decimals_of(98.25)
    (1, 1, 0, 2)
    """
    text = f"{value:.{max_decimals}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def format_number(
    value: object,
    lang: str = "vi",
    *,
    decimals: int | None = None,
    precision: float | None = None,
    qualifier: str | None = None,
    missing: str = "–",
) -> str:
    """Format a number the way a reader of ``lang`` expects.

    Parameters
    ----------
    value : number or None
        The value; ``None``/NaN/NA give ``missing``.
    lang : {"vi", "en"}
        Vietnamese: thousands ``.``, decimal ``,``; English: thousands ``,``, decimal ``.``.
    decimals : int, optional
        Fixed number of decimals. Default: up to 2, trailing zeros dropped (up to 1 at 100
        and above, where hundredths mean nothing on a map).
    precision : float, optional
        Round to this step first (e.g. 1 for a distance between illustrative sites, 0.1 for
        approximate ones); the decimals follow from it unless ``decimals`` is given.
    qualifier : {"exact", "approx", "at_least"}, optional
        Written before the number: ``≈`` or ``>`` (the published qualifier is kept).
    missing : str, default "–"
        Text for a missing value.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown ``lang`` or ``qualifier``.

    Examples
    --------
    >>> format_number(1035, "vi", qualifier="approx")
    '≈ 1.035'
    >>> format_number(5467.2, "vi"), format_number(5467.2, "en")
    ('5.467,2', '5,467.2')
    >>> format_number(12.345, "vi", precision=0.1), format_number(3.46, "en", precision=1)
    ('12,3', '3')
    >>> format_number(-0.5, "vi"), format_number(float("nan"), "vi")
    ('-0,5', '–')
    """
    if lang not in _SEPARATORS:
        raise ValueError(f"lang must be one of {tuple(_SEPARATORS)}, not {lang!r}")
    if qualifier is not None and qualifier not in QUALIFIERS:
        raise ValueError(f"qualifier must be one of {tuple(QUALIFIERS)}, not {qualifier!r}")
    if not _is_number(value):
        return missing
    x = float(value)
    if precision is not None and precision > 0:
        x = round(x / precision) * precision
        if decimals is None:
            decimals = max(0, -math.floor(math.log10(precision) + 1e-9))
    if decimals is None:
        places = 1 if abs(x) >= 100 else 2
        text = f"{x:,.{places}f}".rstrip("0").rstrip(".")
    else:
        text = f"{x:,.{decimals}f}"
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    thousands, decimal = _SEPARATORS[lang]
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return f"{QUALIFIERS[qualifier or 'exact']}{text}"


def format_year(value: object, *, missing: str = "–") -> str:
    """Write a year as text, never grouped: ``2025`` (not ``2.025`` or ``2,025``).

    Examples
    --------
    >>> format_year(2025.0), format_year(None)
    ('2025', '–')
    """
    if not _is_number(value):
        return missing
    return str(round(float(value)))


def _is_number(value: object) -> bool:
    # Real covers Python and numpy numbers; None, pd.NA and text are not numbers here.
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))
