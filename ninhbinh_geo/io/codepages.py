"""The legacy code pages of Vietnamese offices: TCVN3 (ABC), VNI and Windows-1258, to Unicode NFC.

Text in these encodings reaches the package in two shapes: as bytes (a CSV or a Shapefile
``.dbf`` saved by an old spreadsheet), or as Unicode that shows the bytes as Latin-1/cp1252
characters (a KML written by a converter that did not know the font: ``"Gia TrÊn"`` for "Gia
Trấn" in TCVN3, ``"Gia Traán"`` in VNI, ``"Gia Trâìn"`` in Windows-1258). Both shapes are decoded
here from the same byte string (:func:`_as_bytes`).

- **TCVN3** (TCVN 5712:1993, the ".VnTime" fonts): one byte per letter, tones included.
- **VNI** (the "VNI-Times" fonts): a base letter followed by a byte for its marks (``a`` + ``á``
  = "ấ", ``o`` + ``ø`` = "ò"); đ, ơ, ư, ỉ, ĩ, ị, ỵ have bytes of their own.
- **Windows-1258**: base letters (â, ê, ô, ă, đ, ơ, ư) and combining tone marks (U+0300, U+0301,
  U+0303, U+0309, U+0323), normalised here to NFC.

The strict decoders (``_DECODERS``) put U+FFFD where a byte means nothing in the code page, so
that a wrong guess shows up when text is scored (:mod:`~ninhbinh_geo.io.encodings`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

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
# Bytes 0x80-0xFF that TCVN3 leaves unused: a wrong guess when they appear.
_TCVN3_STRICT = str.maketrans(
    {chr(b): TCVN3_TO_UNICODE.get(chr(b), "\ufffd") for b in range(0x80, 0x100)}
)

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# VNI mark bytes (as cp1252 characters) after a vowel, lower-case form; the upper-case byte
# (0x20 lower) means the same.
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
# Letters with a byte of their own (lower case; upper case is the byte 0x20 lower).
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị",
               "î": "ỵ"}  # fmt: skip


def _vni_table() -> tuple[dict[str, str], dict[str, str]]:
    """Build the VNI tables: {base + mark: letter} and {single byte: letter}, both cases."""
    pairs: dict[str, str] = {}

    def add(base: str, mark: str, combining: str, letter: str | None = None) -> None:
        # Either case of the mark byte; the letter takes the case of its base.
        for b in (base, base.upper()):
            composed = (
                unicodedata.normalize(
                    "NFC", (letter.upper() if b.isupper() else letter) + combining
                )
                if letter
                else unicodedata.normalize("NFC", b + combining)
            )
            pairs[b + mark] = pairs[b + mark.upper()] = composed

    for base in "aeouy":
        for mark, tone in _VNI_TONES.items():
            add(base, mark, tone)
    for base in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            add(base, mark, _CIRCUMFLEX + tone)
    for mark, tone in _VNI_BREVE.items():
        add("a", mark, _BREVE + tone)
    # ơ and ư (single bytes ô and ö) take the tone bytes too: "ôù" = "ớ", "öø" = "ừ".
    for base, letter in (("ô", "o"), ("ö", "u")):
        for mark, tone in _VNI_TONES.items():
            add(base, mark, _HORN + tone, letter)
    single = {**_VNI_SINGLE, **{k.upper(): v.upper() for k, v in _VNI_SINGLE.items()}}
    return pairs, single


_VNI_PAIRS, _VNI_SINGLES = _vni_table()


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


def decode_vni(text: str, *, strict: bool = False) -> str:
    """Convert text in the legacy VNI encoding, read as cp1252, to Unicode NFC.

    Parameters
    ----------
    text : str
        Text whose characters U+0080-U+00FF (cp1252) stand for VNI bytes.
    strict : bool, default False
        Put U+FFFD for a byte that means nothing in VNI at its place (used to score guesses).

    Returns
    -------
    str
        The Vietnamese text in Unicode NFC.

    Examples
    --------
    >>> decode_vni("Cuïm CN Ñoàng Vaên"), decode_vni("Khaùnh Phuù")
    ('Cụm CN Đồng Văn', 'Khánh Phú')
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair in _VNI_PAIRS:
            out.append(_VNI_PAIRS[pair])
            i += 2
            continue
        ch = text[i]
        if ch in _VNI_SINGLES:
            out.append(_VNI_SINGLES[ch])
        elif strict and not ch.isascii():
            out.append("\ufffd")
        else:
            out.append(ch)
        i += 1
    return unicodedata.normalize("NFC", "".join(out))


def decode_cp1258(data: bytes) -> str:
    r"""Decode Windows-1258 bytes and compose their combining tone marks (Unicode NFC).

    Parameters
    ----------
    data : bytes
        Text in Windows-1258; bytes that mean nothing in it become U+FFFD.

    Returns
    -------
    str
        The Vietnamese text in Unicode NFC.

    Examples
    --------
    >>> decode_cp1258(b"Vi\xea\xf2t Nam"), decode_cp1258(b"\xd0\xf4\xccng V\xe3n")
    ('Việt Nam', 'Đồng Văn')
    """
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


def _as_bytes(text: str) -> bytes | None:
    """Return the bytes a legacy text stands for (Latin-1, else cp1252); None for true Unicode."""
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec)
        except UnicodeEncodeError:
            continue
    return None


def _tcvn3_strict(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN3_STRICT))


def _vni_strict(data: bytes) -> str:
    return decode_vni(data.decode("cp1252", errors="replace"), strict=True)


def _utf8_strict(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))


#: Decoders of a byte string, by the names used in reports and in ``encoding=``.
_DECODERS: dict[str, Callable[[bytes], str]] = {
    "utf-8": _utf8_strict,
    "tcvn3": _tcvn3_strict,
    "vni": _vni_strict,
    "cp1258": decode_cp1258,
}
#: How the encodings are named to a planner.
ENCODING_NAMES = {
    "unicode": "Unicode",
    "utf-8": "Unicode (UTF-8)",
    "utf-8-sig": "Unicode (UTF-8 with BOM)",
    "tcvn3": "TCVN3 (ABC)",
    "vni": "VNI",
    "cp1258": "Windows-1258",
}
#: Spellings accepted by ``encoding=`` / ``--encoding``.
ENCODING_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8", "utf-8-sig": "utf-8",
    "tcvn3": "tcvn3", "abc": "tcvn3", "tcvn": "tcvn3", "vn3": "tcvn3",
    "vni": "vni", "vni-windows": "vni",
    "cp1258": "cp1258", "windows-1258": "cp1258", "1258": "cp1258",
}  # fmt: skip
