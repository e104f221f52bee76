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

import datetime
import math
import re
from numbers import Real

__all__ = [
    "QUALIFIERS",
    "decimals_of",
    "format_date",
    "format_number",
    "format_percent",
    "format_year",
    "parse_number",
]

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
        x = _round_half_away(x, precision)
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


def format_percent(
    value: object,
    lang: str = "vi",
    *,
    share: bool = False,
    decimals: int = 0,
    missing: str = "–",
) -> str:
    """Write a percentage the way a reader of ``lang`` expects: ``46%``, ``8,5%`` / ``8.5%``.

    Parameters
    ----------
    value : number or None
        The percentage (``46.2``), or a share of one (``0.462``) with ``share=True``.
    lang : {"vi", "en"}
        Language of the decimal mark.
    share : bool, default False
        Whether ``value`` is a share of one, multiplied by 100 here.
    decimals : int, default 0
        Decimals shown.
    missing : str, default "–"
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_percent(0.4618, "vi", share=True), format_percent(8.47, "vi", decimals=1)
    ('46%', '8,5%')
    """
    if not _is_number(value):
        return missing
    x = float(value) * (100 if share else 1)
    return f"{format_number(x, lang, decimals=decimals)}%"


def parse_number(text: str, lang: str = "vi") -> tuple[float, str]:
    """Read back a number written by :func:`format_number`, with its qualifier.

    Parameters
    ----------
    text : str
        E.g. ``"> 20.900"``, ``"≈ 1.035"``, ``"3.178,5"`` (Vietnamese) or ``"3,178.5"``
        (English).
    lang : {"vi", "en"}
        Language the number was written in.

    Returns
    -------
    tuple of (float, str)
        The value and its qualifier (``"exact"``, ``"approx"`` or ``"at_least"``).

    Raises
    ------
    ValueError
        When ``text`` holds no number written the ``lang`` way.

    Examples
    --------
    >>> parse_number("> 20.900", "vi"), parse_number("≈ 1,035", "en")
    ((20900.0, 'at_least'), (1035.0, 'approx'))
    >>> parse_number("3.178,5", "vi")
    (3178.5, 'exact')
    """
    if lang not in _SEPARATORS:
        raise ValueError(f"lang must be one of {tuple(_SEPARATORS)}, not {lang!r}")
    body = text.strip()
    qualifier = "exact"
    for name, sign in QUALIFIERS.items():
        if sign and body.startswith(sign.strip()):
            qualifier, body = name, body[len(sign.strip()) :].strip()
    thousands, decimal = _SEPARATORS[lang]
    pattern = rf"-?\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})*(?:{re.escape(decimal)}\d+)?"
    if not re.fullmatch(pattern, body):
        raise ValueError(f"{text!r} is not a number written the {lang!r} way")
    return float(body.replace(thousands, "").replace(decimal, ".")), qualifier


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


def format_date(value: object, lang: str = "vi", *, missing: str = "–") -> str:
    """Write a date as a reader expects: ``25/07/2025`` in Vietnamese, ``2025-07-25`` in English.

    Parameters
    ----------
    value : str, datetime.date or None
        An ISO date (``"2025-07-25"``) or a date; other text is returned as it is.
    lang : {"vi", "en"}
        Language.
    missing : str, default "–"
        Text for a missing value.

    Returns
    -------
    str

    Examples
    --------
    >>> format_date("2024-12-31", "vi"), format_date("2024-12-31", "en"), format_date(None)
    ('31/12/2024', '2024-12-31', '–')
    """
    if isinstance(value, datetime.date):
        text = value.isoformat()
    elif isinstance(value, str) and value.strip():
        text = value.strip()
    else:  # None, NaN, NA
        return missing
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text[:10]) if len(text) >= 10 else None
    if match is None:
        return text
    year, month, day = match.groups()
    return f"{day}/{month}/{year}" if lang == "vi" else f"{year}-{month}-{day}"


def _round_to(x: float, decimals: int) -> float:
    # numpy.round's arithmetic (scale, round half to even, unscale) without importing numpy,
    # so that this module stays light for the command line's start-up
    scale = 10.0**decimals
    return round(x * scale) / scale


def _round_half_away(x: float, step: float) -> float:
    # half away from zero, exactly as proximity.round_to_precision rounds (12.5 → 13, never
    # 12): the decimal quotient first, so that 0.45 / 0.1 = 4.4999… counts as 4.5
    steps = math.floor(_round_to(abs(x) / step, 9) + 0.5)
    return _round_to(math.copysign(steps * step, x), 12) if steps else 0.0


def _is_number(value: object) -> bool:
    # Real covers Python and numpy numbers; None, pd.NA and text are not numbers here.
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(float(value))
