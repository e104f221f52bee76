"""The font every map is drawn in, and text from data made safe to draw.

Text is drawn in DejaVu Sans, bundled with matplotlib and covering every precomposed Vietnamese
letter, with mathtext and TeX off: a name holding ``$`` is drawn as written. A character the font
lacks is drawn as ``?`` and logged rather than as an empty box.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font

__all__ = ["FONT_FAMILY", "font_path", "missing_glyphs"]

logger = logging.getLogger(__name__)

#: Bundled with matplotlib and covering every precomposed Vietnamese letter (checked in tests).
FONT_FAMILY = "DejaVu Sans"

# matplotlib settings in force while a map is built and written.
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT_FAMILY],
    "text.usetex": False,
    "text.parse_math": False,
    "axes.unicode_minus": False,
    # Type 3 (matplotlib's default) draws every glyph; TrueType embedding (42) would triple the
    # time to write a PDF for font subsetting.
    "pdf.fonttype": 3,
}


def font_path() -> Path:
    """Return the file of the font every map is drawn in.

    Returns
    -------
    pathlib.Path
        The DejaVu Sans TrueType file bundled with matplotlib.

    Examples
    --------
    >>> font_path().name
    'DejaVuSans.ttf'
    """
    return Path(findfont(FontProperties(family=FONT_FAMILY), fallback_to_default=False))


@cache
def _charmap() -> frozenset[int]:
    return frozenset(FT2Font(str(font_path())).get_charmap())


def missing_glyphs(text: str) -> set[str]:
    """Return the characters of ``text`` (NFC-normalised) that the map font cannot draw.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    set of str
        Characters without a glyph in :data:`FONT_FAMILY`; empty when all render.

    Examples
    --------
    >>> missing_glyphs("Cụm công nghiệp Đồng Văn – Nghĩa Hưng")
    set()
    >>> sorted(missing_glyphs("Khu 工业"))
    ['业', '工']
    """
    cmap = _charmap()
    nfc = unicodedata.normalize("NFC", text)
    return {c for c in nfc if not c.isspace() and ord(c) not in cmap}


def _clean(value: object) -> str:
    """Make a string from data safe to draw on one line.

    Control characters (newlines, tabs) become spaces, and a character the font lacks becomes
    ``?`` (logged), so a name never breaks the layout or draws an empty box.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = " ".join(text.split())
    missing = missing_glyphs(text)
    if missing:
        logger.warning(
            "Characters %s have no glyph in %s; drawn as '?'.", sorted(missing), FONT_FAMILY
        )
        text = "".join("?" if c in missing else c for c in text)
    return text


def _clean_column(values: pd.Series) -> pd.Series:
    """:func:`_clean` of every value, each distinct value cleaned (and logged) once."""
    done: dict[object, str] = {}
    out = []
    for v in values:
        try:
            text = done[v]
        except KeyError:
            text = done[v] = _clean(v)
        except TypeError:  # unhashable
            text = _clean(v)
        out.append(text)
    return pd.Series(out, index=values.index, dtype=object)
