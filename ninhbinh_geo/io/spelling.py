"""How Vietnamese is spelt: folding for matching, and syllables that tell right text from wrong.

Folding (NFC, lower case, no accents, đ -> d, punctuation -> one space) is how the other rooms
compare headings and words: ``"Tên CCN"``, ``"TEN CCN"`` and ``"ten_ccn"`` fold alike.

:func:`_score` says how much a text looks like Vietnamese: every word that holds a
Vietnamese letter must be one syllable (initial consonant, vowel cluster, final consonant, at
most one tone, one letter case pattern), and no character may be one Vietnamese never writes.
Text decoded with the wrong code page fails this test ("Gia TrÊn", "Ñoàng", "Viêòt"), which
is how :mod:`~ninhbinh_geo.io.encodings` picks the code page.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_BASE_VOWELS = "aăâeêioôơuưy"
# Every Vietnamese letter outside ASCII, both cases (NFC).
_VI_LOWER = {unicodedata.normalize("NFC", b + t) for b in _BASE_VOWELS for t in ("", *_TONES)}
_VI_LETTERS = frozenset(_VI_LOWER | {c.upper() for c in _VI_LOWER} | {"đ", "Đ"})
# Non-letters that planners' text holds without being a sign of a wrong code page.
_SYMBOLS = frozenset("\u00a0\u202f\u2009\u2007\u200b²³°º′″‘’“”„–—…·×±≈≥≤÷«»•€")
_INITIALS = r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnprstvx])?"
# Vowel clusters (without tone) by what may follow them: nothing, an optional final consonant,
# or a final consonant that must be there ("tiên", not "tiê").
_OPEN = (
    "iêu yêu oai oay oeo uây uôi uya uyu ươi ươu ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui "
    "ưa ưi ưu"
)
_MAY_CLOSE = "oa oă oe oo uâ uê uơ uy a e ê i o ô ơ u ư y"
_MUST_CLOSE = "uyê iê yê uô ươ ă â"
_FINAL = "(?:ng|nh|ch|[cmnpt])"


def _alternatives(words: str) -> str:
    return "|".join(sorted(words.split(), key=len, reverse=True))


_SYLLABLE = re.compile(
    rf"{_INITIALS}(?:(?:{_alternatives(_OPEN)})|(?:{_alternatives(_MAY_CLOSE)}){_FINAL}?"
    rf"|(?:{_alternatives(_MUST_CLOSE)}){_FINAL})"
)
_WORD = re.compile(r"[^\W\d_]+")


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


def _is_syllable(word: str) -> bool:
    """Tell whether ``word`` is one Vietnamese syllable in one case pattern, with one tone."""
    if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _score(text: str) -> int:
    """Plausibility of ``text`` as Vietnamese: syllables with accents minus signs of wrong text.

    +1 for each word that holds a letter outside ASCII and is a Vietnamese syllable; -1 for
    each such word that is not, and for each character outside ASCII that is neither a
    Vietnamese letter nor a common symbol (U+FFFD from a byte the code page leaves unused,
    "§", "¸", a stray combining mark).

    Examples
    --------
    >>> _score("Gia Trấn"), _score("Gia TrÊn"), _score("Khaùnh")
    (1, -1, -1)
    """
    bad = sum(1 for ch in text if not ch.isascii() and ch not in _VI_LETTERS and ch not in _SYMBOLS)
    good = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if _is_syllable(word):
            good += 1
        else:
            bad += 1
    return good - bad
