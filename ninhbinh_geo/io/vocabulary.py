"""Values in planners' words: kinds, name prefixes, provinces, districts, yes/no, site ids.

Each vocabulary is a table of folded words (see :mod:`ninhbinh_geo.io.encodings`) and a
function mapping one value onto the contract's value (``DEVELOPERS.md``); a word that does not
map is kept for :func:`ninhbinh_geo.schema.validate_sites` to report. Status phrases have their
own table in :mod:`~ninhbinh_geo.io.statuses`. The stage functions at
the end apply them to the harmoniser's frame and say in its report what they changed. Site ids
are built here too, from the kind, the former province and the name without its prefix.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .. import schema as _schema
from .._errors import VocabularyError, first_ids
from .spelling import _fold, _fold_same_length

# Name prefixes and suffixes, matched on the folded name.
_PREFIX_CCN = re.compile(r"^\s*(cum\s+cong\s+nghiep|cum\s+cn|ccn)(?![a-z0-9])[\s.:\-–]*")
_PREFIX_KCN = re.compile(r"^\s*(khu\s+cong\s+nghiep|khu\s+cn|kcn)(?![a-z0-9])[\s.:\-–]*")
# English inventories put the kind after the name: "Bao Minh Industrial Park".
_SUFFIX_CCN = re.compile(r"\s+industrial\s+cluster\s*$")
_SUFFIX_KCN = re.compile(r"\s+industrial\s+(park|zone|estate)\s*$")

_KIND_WORDS = {
    "CCN": ("ccn", "cum cong nghiep", "cum cn", "cluster", "industrial cluster"),
    "KCN": ("kcn", "khu cong nghiep", "khu cn", "park", "industrial park", "industrial zone"),
}

_PROVINCE_WORDS = {"ha nam": "Hà Nam", "nam dinh": "Nam Định", "ninh binh": "Ninh Bình"}
_PROVINCE_CODE = {"Hà Nam": "HN", "Nam Định": "ND", "Ninh Bình": "NB"}
# Former districts and district-level towns before the 2025 merger (folded names).
_DISTRICT_PROVINCE = {
    **dict.fromkeys(
        ("phu ly", "duy tien", "kim bang", "thanh liem", "binh luc", "ly nhan"), "Hà Nam"
    ),
    **dict.fromkeys(
        (
            "nam dinh", "my loc", "vu ban", "y yen", "nghia hung", "nam truc", "truc ninh",
            "xuan truong", "giao thuy", "hai hau",
        ),
        "Nam Định",
    ),
    **dict.fromkeys(
        ("ninh binh", "tam diep", "hoa lu", "gia vien", "nho quan", "yen khanh", "yen mo",
         "kim son"),
        "Ninh Bình",
    ),
}  # fmt: skip
_DISTRICT_PREFIX = re.compile(r"^(huyen|thanh pho|tp|thi xa|tx|quan)(?![a-z])[\s.]*")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7",
          "viii": "8", "ix": "9", "x": "10"}  # fmt: skip
_TRUE_WORDS = {"co", "yes", "true", "1", "x", "da co", "y", "dat"}
_FALSE_WORDS = {"khong", "no", "false", "0", "chua", "chua co", "n", "khong co"}


# --------------------------------------------------------------------------------------------
# one value


def _split_name(name: object) -> tuple[object, object]:
    """Split a site name into (name without prefix, kind named by the prefix or suffix)."""
    if not isinstance(name, str) or not name.strip():
        return None, None
    name = re.sub(r"\s+", " ", name.strip())
    folded = _fold_same_length(name)
    for kind, pattern in (("CCN", _PREFIX_CCN), ("KCN", _PREFIX_KCN)):
        m = pattern.match(folded)
        if m and name[m.end() :].strip():
            return name[m.end() :].strip(), kind
    for kind, pattern in (("CCN", _SUFFIX_CCN), ("KCN", _SUFFIX_KCN)):
        m = pattern.search(folded)
        if m and name[: m.start()].strip():
            return name[: m.start()].strip(), kind
    return name, None


def _kind_value(value: object) -> object:
    if not isinstance(value, str):
        return None
    f = _fold(value)
    for kind, words in _KIND_WORDS.items():
        if f in words:
            return kind
    return value


def _province_value(value: object) -> object:
    if not isinstance(value, str):
        return None
    f = re.sub(r"^tinh\s+", "", _fold(value))
    return _PROVINCE_WORDS.get(f, value)


def _province_from_district(value: object) -> object:
    if not isinstance(value, str):
        return None
    f = _DISTRICT_PREFIX.sub("", _fold(value)).strip()
    return _DISTRICT_PROVINCE.get(f)


#: Cells that say "unknown" the way exports write an empty cell.
_EMPTY_WORDS = {
    *("", "na", "n a", "nan", "none", "null", "?", "unknown"),
    *("chua ro", "khong ro", "chua xac dinh"),
}
#: What an unreadable yes/no value becomes before it is refused (never a silent unknown).
_UNREADABLE = object()


def _bool_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.number):
        # 1/0 as a GeoPackage, Shapefile or spreadsheet stores a yes/no column
        return bool(value) if value in (0, 1) else _UNREADABLE
    f = _fold(str(value))
    if f in _EMPTY_WORDS:
        return pd.NA
    if f in _TRUE_WORDS:
        return True
    if f in _FALSE_WORDS:
        return False
    return _UNREADABLE


def _slug(name: str) -> str:
    bare = _split_name(name)[0]
    rest = _fold(bare if isinstance(bare, str) else name)
    words = [_ROMAN.get(w, w) if i and w in _ROMAN else w for i, w in enumerate(rest.split())]
    return re.sub(r"[^A-Z0-9]", "", "".join(words).upper())


def _make_site_id(kind: object, name: object, province: object) -> object:
    if not isinstance(name, str) or kind not in _schema.KIND_VALUES:
        return None
    code = _PROVINCE_CODE.get(province) if isinstance(province, str) else None
    parts = [kind, code, _slug(name)] if code else [kind, _slug(name)]
    return "-".join(parts)


# --------------------------------------------------------------------------------------------
# the harmoniser's value stages: each fills columns of ``out`` in place and returns it


def _names_and_kinds(out: pd.DataFrame, kind: str | None, report: list[str]) -> pd.DataFrame:
    """Set ``kind`` and write every name as ``"CCN …"`` / ``"KCN …"``.

    A kind column wins over the name's prefix or suffix, the name over the ``kind=`` argument;
    an unknown word in the kind column is kept for validate_sites to report.
    """
    # Plain lists: Series.map would turn None into NaN (a truthy float) under pandas 3.
    split = [_split_name(v) for v in out["name_vi"]]
    bare = [b for b, _ in split]
    prefix_kind = [k for _, k in split]
    kind_col = [_kind_value(v) for v in out["kind"]] if "kind" in out.columns else [None] * len(out)
    kinds = [
        kc if kc in _schema.KIND_VALUES else pk or kind or kc
        for kc, pk in zip(kind_col, prefix_kind, strict=True)
    ]
    out["kind"] = pd.Series(kinds, index=out.index, dtype=object)
    new_names = pd.Series(
        [
            f"{k} {b}" if k in _schema.KIND_VALUES and isinstance(b, str) else b
            for k, b in zip(out["kind"], bare, strict=True)
        ],
        index=out.index,
        dtype=object,
    )
    changed = out["name_vi"].notna() & new_names.ne(out["name_vi"])
    if changed.any():
        report.append(
            f"name_vi: prefix or spacing normalised in {int(changed.sum())} names (e.g. "
            f"{out.loc[changed, 'name_vi'].iloc[0]!r} -> {new_names[changed].iloc[0]!r})"
        )
    out["name_vi"] = new_names
    return out


def _former_provinces(out: pd.DataFrame, report: list[str]) -> pd.DataFrame:
    """Take the former province from its column, else from the former district's name."""
    if "former_province" in out.columns:
        out["former_province"] = out["former_province"].map(_province_value)
    else:
        out["former_province"] = None
    if "district_old" in out.columns and out["former_province"].isna().any():
        guess = out["district_old"].map(_province_from_district)
        fill = out["former_province"].isna() & guess.notna()
        out.loc[fill, "former_province"] = guess[fill]
        if fill.any():
            report.append(
                f"former_province: inferred from the former district for {int(fill.sum())} rows"
            )
    return out


def _province_argument(
    out: pd.DataFrame, former_province: str | None, report: list[str]
) -> pd.DataFrame:
    """Set ``former_province=`` where neither the file nor the coordinates tell the province."""
    if former_province is not None:
        n = int(out["former_province"].isna().sum())
        out["former_province"] = out["former_province"].fillna(former_province)
        if n:
            report.append(f"former_province: set to {former_province!r} for {n} rows (argument)")
    return out


def _flags(
    out: pd.DataFrame, *, layer: str, headings: dict[str, str], ids: list[str]
) -> pd.DataFrame:
    """Yes/no columns as booleans: pandas ``boolean`` where some are unknown (empty cells).

    Raises
    ------
    VocabularyError
        When a cell holds something that is neither yes nor no ("đang xây", 2): it is never
        read as unknown without a word.
    """
    for col in (*_schema.NULLABLE_BOOL_COLUMNS, *_schema.BOOL_COLUMNS):
        if col in out.columns:
            values = out[col].map(_bool_value)
            bad = [i for i, v in enumerate(values) if v is _UNREADABLE]
            if bad:
                seen = list(dict.fromkeys(str(out[col].iloc[i]) for i in bad))
                raise VocabularyError(
                    f"Layer '{layer}', column '{headings.get(col, col)}' ({col}): {len(bad)} "
                    f"values are neither yes nor no: {seen[:5]} (rows "
                    f"{first_ids(ids[i] for i in bad)}). Write 'có'/'không', 'x'/empty, "
                    f"yes/no or 1/0 (empty: unknown)."
                )
            flags = values.astype("boolean")
            known = col in _schema.BOOL_COLUMNS and not flags.isna().any()
            out[col] = flags.astype(bool) if known else flags
    return out


def _site_ids(out: pd.DataFrame, report: list[str]) -> pd.DataFrame:
    """Generate ``site_id`` when the source has none: ``<kind>-<HN|ND|NB>-<NAME>``."""
    if "site_id" not in out.columns:
        out["site_id"] = [
            _make_site_id(k, n, p)
            for k, n, p in zip(out["kind"], out["name_vi"], out["former_province"], strict=True)
        ]
        report.append("site_id: generated from kind, former province and name")
    return out
