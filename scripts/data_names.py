"""Names of the build: NFC text, ASCII folding, and the keys that match a site across sources.

Two tables name the same park differently: "KHU CÔNG NGHIỆP ĐỒNG VĂN 1 MỞ RỘNG - NINH BÌNH" on
the IIP portal, "KCN Đồng Văn I mở rộng" in the inventory. :func:`site_key` folds both to the
same key (kind, folded name, qualifier) so that they can be matched automatically; every match
is then reviewed by hand in ``scripts/iip_matches.csv``.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ALIASES", "commune_keys", "fold", "nfc", "site_key"]

#: Roman numerals used in site names, as separate words (KCN Đồng Văn IV = Đồng Văn 4).
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6"}
#: Kind prefixes, longest first, folded.
_KIND_PREFIX = (
    ("khu cong nghiep", "KCN"),
    ("cum cong nghiep", "CCN"),
    ("kcn", "KCN"),
    ("ccn", "CCN"),
)
#: Words that qualify a site without changing which site it is: "hỗ trợ" (supporting industry,
#: part of the official name of KCN hỗ trợ Đồng Văn III), "làng nghề" (craft village), "dệt may"
#: (textile, part of KCN Dệt may Rạng Đông's name).
_NEUTRAL_WORDS = ("ho tro", "lang nghe", "det may")
#: Qualifiers kept apart from the name: an extension or a phase is a different (part of a) site.
_QUALIFIERS = (
    (r"\bmo rong\b", "extension"),
    (r"\bgiai doan (\d+|[ivx]+)\b", "phase"),
)
#: Known aliases (kind, folded name) -> (kind, folded name): former names of the same site.
ALIASES = {
    ("KCN", "ninh phuc"): ("KCN", "khanh phu"),  # renamed 2009 (kcn_parks.csv)
}
#: Province suffixes of IIP names ("... - NINH BÌNH", "- TỈNH NINH BÌNH", "- HÀ NAM").
_PROVINCE_SUFFIX = re.compile(r"\s+[-–]\s+(tinh\s+)?(ninh binh|ha nam|nam dinh)\s*$")


def nfc(text: object) -> object:
    """NFC-normalise strings and strip surrounding blanks; leave other values alone."""
    if isinstance(text, str):
        return unicodedata.normalize("NFC", text).strip()
    return text


def fold(text: str) -> str:
    """ASCII-fold Vietnamese (đ → d, marks dropped) and lower-case."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower().strip()


def site_key(name: str, kind: str = "") -> tuple[str, str, str]:
    """Return ``(kind, name, qualifier)`` for matching a site name across sources.

    The name is folded (no diacritics, lower case), stripped of the kind prefix, of a trailing
    province ("- Ninh Bình"), of neutral words ("hỗ trợ", "làng nghề", "dệt may") and of
    hyphens; Roman numerals become digits. An extension ("mở rộng") or a phase ("giai đoạn
    I") is returned as the qualifier, so that "Đồng Văn I mở rộng" never matches "Đồng Văn I"
    by accident. Known former names (:data:`ALIASES`) are not applied here.

    Examples
    --------
    >>> site_key("KHU CÔNG NGHIỆP ĐỒNG VĂN 1 MỞ RỘNG - NINH BÌNH")
    ('KCN', 'dong van 1', 'extension')
    >>> site_key("KCN Đồng Văn I mở rộng")
    ('KCN', 'dong van 1', 'extension')
    >>> site_key("CỤM CÔNG NGHIỆP GIA PHÚ – NINH BÌNH")
    ('CCN', 'gia phu', '')
    """
    text = fold(nfc(name))
    text = _PROVINCE_SUFFIX.sub("", text)
    for prefix, code in _KIND_PREFIX:
        if text.startswith(prefix + " "):
            text, kind = text[len(prefix) + 1 :], kind or code
            break
    qualifier = ""
    for pattern, label in _QUALIFIERS:
        if re.search(pattern, text):
            qualifier = label
            text = re.sub(pattern, " ", text)
    for word in _NEUTRAL_WORDS:
        text = re.sub(rf"\b{word}\b", " ", text)
    text = re.sub(r"[-–,()]", " ", text)
    words = [_ROMAN.get(w, w) for w in text.split()]
    return kind, " ".join(words), qualifier


def commune_keys(text: str) -> set[str]:
    """Folded commune or ward names in an address or a list ("xã Kim Thái, Liên Minh").

    District, town and province parts ("huyện Vụ Bản", "tỉnh Ninh Bình") are dropped; so are
    level words (xã, phường, thị trấn, TT).

    Examples
    --------
    >>> sorted(commune_keys("Xã Liên Minh và xã Kim Thái, huyện Vụ Bản, tỉnh Ninh Bình"))
    ['kim thai', 'lien minh']
    """
    out = set()
    for part in re.split(r"[;,/&]|\bvà\b|\band\b", nfc(text or "")):
        part = fold(part).strip()
        if not part or re.match(r"^(huyen|tinh|thanh pho|thi xa|tp|tx)\b", part):
            continue
        part = re.sub(r"^(xa|phuong|thi tran|tt\.?|p\.|wards?|communes?)\s+", "", part)
        part = re.sub(r"\s*\(.*\)\s*", " ", part)
        part = re.sub(r"\s+", " ", part).strip()
        if part:
            out.add(part)
    return out
