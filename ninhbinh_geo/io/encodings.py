"""Legacy text: TCVN3 (ABC) detected per column and decoded to Unicode NFC; folding for matching.

TCVN3 (TCVN 5712:1993, the "ABC" fonts .VnTime/.VnArial) stores Vietnamese letters in the bytes
0xA1-0xFE of an 8-bit code page, so a file read as Latin-1 shows "Gia TrÊn" for "Gia Trấn".
Each value of a text column is classified (TCVN3, Unicode, plain ASCII or undecidable) and the
column is decoded when its values say so; a column whose encoding cannot be decided is refused.
Only TCVN3 is recognised: files in VNI or Windows-1258 are not converted (save them as UTF-8).

Folding (lower case, no accents, đ -> d, punctuation -> one space) is how headings and words of
the other rooms are compared.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import geopandas as gpd
import pandas as pd

from .._errors import EncodingError, first_ids

# Upper-case letters with tones live in separate "H" fonts of TCVN3, so they are absent here.
# Key: the Latin-1 code point (= byte value); value: the Unicode NFC letter.
TCVN3_TO_UNICODE: dict[str, str] = {
    "\xa1": "Ă", "\xa2": "Â", "\xa3": "Ê", "\xa4": "Ô", "\xa5": "Ơ", "\xa6": "Ư", "\xa7": "Đ",
    "\xa8": "ă", "\xa9": "â", "\xaa": "ê", "\xab": "ô", "\xac": "ơ", "\xad": "ư", "\xae": "đ",
    "\xb5": "à", "\xb6": "ả", "\xb7": "ã", "\xb8": "á", "\xb9": "ạ",
    "\xbb": "ằ", "\xbc": "ẳ", "\xbd": "ẵ", "\xbe": "ắ", "\xc6": "ặ",
    "\xc7": "ầ", "\xc8": "ẩ", "\xc9": "ẫ", "\xca": "ấ", "\xcb": "ậ",
    "\xcc": "è", "\xce": "ẻ", "\xcf": "ẽ", "\xd0": "é", "\xd1": "ẹ",
    "\xd2": "ề", "\xd3": "ể", "\xd4": "ễ", "\xd5": "ế", "\xd6": "ệ",
    "\xd7": "ì", "\xd8": "ỉ", "\xdc": "ĩ", "\xdd": "í", "\xde": "ị",
    "\xdf": "ò", "\xe1": "ỏ", "\xe2": "õ", "\xe3": "ó", "\xe4": "ọ",
    "\xe5": "ồ", "\xe6": "ổ", "\xe7": "ỗ", "\xe8": "ố", "\xe9": "ộ",
    "\xea": "ờ", "\xeb": "ở", "\xec": "ỡ", "\xed": "ớ", "\xee": "ợ",
    "\xef": "ù", "\xf1": "ủ", "\xf2": "ũ", "\xf3": "ú", "\xf4": "ụ",
    "\xf5": "ừ", "\xf6": "ử", "\xf7": "ữ", "\xf8": "ứ", "\xf9": "ự",
    "\xfa": "ỳ", "\xfb": "ỷ", "\xfc": "ỹ", "\xfd": "ý", "\xfe": "ỵ",
}  # fmt: skip
_TCVN3_TRANS = str.maketrans(TCVN3_TO_UNICODE)
# Latin-1 letters that Unicode Vietnamese uses.
_VI_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# Characters that only TCVN3 text shows (punctuation-like Latin-1 that is no Vietnamese letter).
_TCVN3_ONLY = set(TCVN3_TO_UNICODE) - _VI_LATIN1
# Vietnamese letters that TCVN3 bytes never produce ("Hà Nam" in Unicode has "à", byte 0xE0,
# which TCVN3 leaves unused): their presence means the text is already Unicode.
_UNICODE_ONLY_LATIN1 = _VI_LATIN1 - set(TCVN3_TO_UNICODE)
# Share of classified values that must agree before undecidable values follow them.
_TCVN3_MAJORITY = 0.9


# --------------------------------------------------------------------------------------------
# folding: how headings and words are compared


def _fold(text: str) -> str:
    """Fold for matching: NFC, lower case, no accents, đ -> d, punctuation -> one space."""
    text = unicodedata.normalize("NFD", str(text).replace("Đ", "d").replace("đ", "d").lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("²", "2")
    return re.sub(r"[^a-z0-9%]+", " ", text).strip()


def _fold_same_length(text: str) -> str:
    """Fold character by character, keeping positions, so a match can slice the original."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append("d" if ch in "Đđ" else base)
    return "".join(out)


def _nfc(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------------------------
# TCVN3 detection and decoding


def _classify(text: object) -> str:
    """Classify one value as ``"tcvn3"``, ``"unicode"``, ``"ascii"`` or ``"unknown"``."""
    if not isinstance(text, str):
        return "ascii"
    if text.isascii():
        return "ascii"
    if any(ord(ch) > 0xFF for ch in text) or any(ch in _UNICODE_ONLY_LATIN1 for ch in text):
        return "unicode"
    if any(ch in _TCVN3_ONLY for ch in text):
        return "tcvn3"
    # "TrÊn": a capital Ê/Õ/Ó after a small letter is a TCVN3 small letter with a tone.
    if any(a.islower() and b.isupper() and b in _VI_LATIN1 for a, b in itertools.pairwise(text)):
        return "tcvn3"
    return "unknown"


def decode_tcvn3(text: str) -> str:
    r"""Convert text in the legacy TCVN3 (ABC) encoding, read as Latin-1, to Unicode NFC.

    Parameters
    ----------
    text : str
        Text whose characters U+00A1-U+00FE stand for TCVN3 bytes.

    Returns
    -------
    str
        The Vietnamese text in Unicode NFC.

    Examples
    --------
    >>> decode_tcvn3("Gia TrÊn"), decode_tcvn3("§ång H\xadíng")
    ('Gia Trấn', 'Đồng Hướng')
    """
    return unicodedata.normalize("NFC", text.translate(_TCVN3_TRANS))


def _decode_column(s: pd.Series, name: str, layer: str, ids: pd.Series) -> tuple[pd.Series, str]:
    """Decode a text column from TCVN3 when its values say so; return it and a report line."""
    kinds = s.map(_classify)
    n_tcvn3 = int((kinds == "tcvn3").sum())
    if n_tcvn3 == 0:
        return s, ""
    n_uni = int((kinds == "unicode").sum())
    unknown = kinds == "unknown"
    if unknown.any() and n_uni / (n_uni + n_tcvn3) > 1 - _TCVN3_MAJORITY:
        raise EncodingError(
            f"Layer '{layer}', column '{name}': mixed text encodings: {n_tcvn3} values look like "
            f"legacy TCVN3 (ABC) (e.g. {s[kinds == 'tcvn3'].iloc[0]!r}, rows "
            f"{first_ids(ids[kinds == 'tcvn3'])}), {n_uni} look like Unicode (e.g. "
            f"{s[kinds == 'unicode'].iloc[0]!r}), and {int(unknown.sum())} could be either "
            f"(e.g. {s[unknown].iloc[0]!r}, rows {first_ids(ids[unknown])}). The encoding is "
            f"ambiguous; convert the whole file to Unicode (e.g. with UniKey's converter, "
            f"TCVN3 -> Unicode) and read it again."
        )
    convert = (kinds == "tcvn3") | unknown
    out = s.copy()
    out[convert] = s[convert].map(decode_tcvn3)
    kept = f"; {n_uni} values already in Unicode kept" if n_uni else ""
    return out, (
        f"{name}: decoded {int(convert.sum())} values from TCVN3 (ABC) to Unicode "
        f"(e.g. {_short(s[convert].iloc[0])!r} -> {_short(out[convert].iloc[0])!r}){kept}"
    )


def _decode_text(
    src: gpd.GeoDataFrame, layer: str, ids: pd.Series, report: list[str]
) -> gpd.GeoDataFrame:
    """Decode TCVN3 headings, then TCVN3 text columns; every text value becomes stripped NFC.

    ``src`` is the harmoniser's own copy: its columns are replaced in place.
    """
    geom_name = src.geometry.name
    renamed = {}
    for c in src.columns:
        if c != geom_name and isinstance(c, str) and _classify(c) == "tcvn3":
            renamed[c] = decode_tcvn3(c)
    if renamed:
        src = src.rename(columns=renamed)
        report.append(f"headings decoded from TCVN3: {renamed}")
    for c in src.columns:
        if c == geom_name or not (
            pd.api.types.is_object_dtype(src[c]) or pd.api.types.is_string_dtype(src[c])
        ):
            continue
        # object dtype throughout: pandas 2 and 3 differ in their default string dtype.
        col = src[c].astype(object)
        decoded, line = _decode_column(col, str(c), layer, ids)
        if line:
            col = decoded
            report.append(line)
        src[c] = pd.Series([_nfc(v) for v in col], index=src.index, dtype=object)
    return src
