"""Reading a planner's own files and turning differently shaped inventories into the site layer.

:func:`read_layer` reads GeoPackage, GeoJSON, Shapefile, KML (through pyogrio), and CSV or XLSX
tables with longitude/latitude columns. :func:`harmonise` maps Vietnamese or English headings,
name prefixes, units, decimal commas, status words and legacy TCVN3 (ABC) text onto the columns
of the site layer (``DEVELOPERS.md``). :func:`read_inventory` chains both with
:func:`ninhbinh_geo.schema.validate_sites`.

Legacy encodings: only TCVN3 (ABC) is recognised. Files in VNI or Windows-1258 are not
converted; save them as Unicode (UTF-8) first.
"""

from __future__ import annotations

import datetime
import html.parser
import itertools
import json
import os
import re
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from . import crs as _crs
from . import schema as _schema
from ._errors import CRSError, EncodingError, InputFileError, SchemaError, first_ids
from ._provenance import ACCURACY_CLASSES, PROVENANCE_COLUMNS

__all__ = [
    "HARMONISED_COLUMNS",
    "NOMINAL_AREA_HA",
    "SUPPORTED_FORMATS",
    "TCVN3_TO_UNICODE",
    "decode_tcvn3",
    "file_provenance",
    "harmonise",
    "nominal_footprints",
    "read_inventory",
    "read_layer",
]

#: File extensions read by :func:`read_layer`, with the format they stand for.
SUPPORTED_FORMATS = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "Shapefile",
    ".kml": "KML",
    ".csv": "CSV with lon/lat columns",
    ".xlsx": "Excel XLSX with lon/lat columns",
}

# TCVN3 (TCVN 5712:1993, the "ABC" fonts .VnTime/.VnArial) stores Vietnamese letters in the
# bytes 0xA1-0xFE of an 8-bit code page. Files read as Latin-1 show them as "Gia TrÊn" for
# "Gia Trấn". Upper-case letters with tones live in separate "H" fonts, so they are absent here.
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

#: Columns of every harmonised layer, in this order (so that layers from different sources
#: concatenate with the same columns and dtypes); unmapped source columns follow them.
HARMONISED_COLUMNS = (
    "site_id", "name_vi", "kind", "former_province", "district_old", "communes", "status",
    "status_year", "area_ha", "area_basis", "industrial_ha", "leasable_ha", "leased_ha",
    "occupancy_pct", "jobs", "projects", "has_wwtp", "lon", "lat", "source", "source_url",
    "source_date", "licence", "accuracy", "source_attributes",
)  # fmt: skip

_TEXT_OUT = {
    "site_id", "name_vi", "kind", "former_province", "district_old", "communes", "status",
    "area_basis", "source", "source_url", "source_date", "licence", "accuracy",
    "source_attributes",
}  # fmt: skip
_PASSTHROUGH = {*_schema.OPTIONAL_COLUMNS, *_schema.REQUIRED_COLUMNS, "source_attributes"}
_FLOAT_OUT = {
    "area_ha", "industrial_ha", "leasable_ha", "leased_ha", "occupancy_pct", "jobs", "projects",
    "lon", "lat",
}  # fmt: skip

# Headings recognised by harmonise(), compared after folding (lower case, no accents, đ -> d,
# punctuation -> space). Order matters: the first alias found wins for its target.
_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": ("site id", "site_id", "ma ccn", "ma kcn", "ma cum", "ma khu", "id site"),
    "name_vi": (
        "name vi", "ten ccn", "ten kcn", "ten cum", "ten cum cong nghiep", "ten cum cn",
        "ten khu cong nghiep", "ten khu", "ten", "name", "site name", "cluster name",
        "park name", "ten goi",
    ),
    "kind": ("kind", "loai", "loai hinh", "type", "phan loai"),
    "former_province": ("former province", "tinh cu", "tinh", "province", "ten tinh"),
    "district_old": (
        "district old", "huyen", "huyen cu", "quan huyen", "huyen thi xa thanh pho",
        "district", "ten huyen", "dia ban huyen",
    ),
    "communes": (
        "communes", "xa", "xa phuong", "phuong xa", "xa phuong thi tran", "commune",
        "communes or wards", "ten xa", "dia diem", "vi tri", "location",
    ),
    "status": ("status", "tinh trang", "trang thai", "hien trang", "tinh trang hoat dong"),
    "status_year": ("status year", "nam thanh lap", "year", "nam"),
    "area_ha": (
        "area ha", "dien tich ha", "dien tich quy hoach ha", "quy mo ha", "area",
        "dien tich", "quy mo", "total area ha", "dien tich hecta",
    ),
    "area_m2": ("area m2", "dien tich m2", "dien tich m 2", "area sqm", "dien tich m²"),
    "industrial_ha": ("industrial ha", "dat cong nghiep ha", "dien tich dat cong nghiep ha"),
    "leasable_ha": ("leasable ha", "dien tich cho thue ha", "dat cho thue ha"),
    "leased_ha": ("leased ha", "dien tich da cho thue ha", "da cho thue ha"),
    "occupancy_pct": (
        "occupancy pct", "ty le lap day", "ty le lap day %", "occupancy", "occupancy %",
        "occupancy rate", "lap day", "ty le lap day phan tram",
    ),
    "jobs": ("jobs", "so lao dong", "lao dong", "workers", "employees", "so lao dong nguoi"),
    "projects": ("projects", "so du an", "du an", "number of projects"),
    "has_wwtp": (
        "has wwtp", "wwtp", "xlnt", "he thong xlnt", "xu ly nuoc thai",
        "he thong xu ly nuoc thai", "tram xlnt", "wastewater",
    ),
    "source": ("source", "nguon"),
    "source_url": ("source url", "url", "link", "duong dan"),
    "source_date": ("source date", "ngay", "ngay nguon", "date"),
    "licence": ("licence", "license", "giay phep"),
    "accuracy": ("accuracy", "do chinh xac"),
}  # fmt: skip

_PREFIX_CCN = re.compile(r"^\s*(cum\s+cong\s+nghiep|cum\s+cn|ccn)(?![a-z0-9])[\s.:\-–]*")
_PREFIX_KCN = re.compile(r"^\s*(khu\s+cong\s+nghiep|khu\s+cn|kcn)(?![a-z0-9])[\s.:\-–]*")
# English inventories put the kind after the name: "Bao Minh Industrial Park".
_SUFFIX_CCN = re.compile(r"\s+industrial\s+cluster\s*$")
_SUFFIX_KCN = re.compile(r"\s+industrial\s+(park|zone|estate)\s*$")

# Status words, folded; checked in this order (more specific first: "chua thanh lap" before
# "thanh lap").
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("chua thanh lap", "planned"),
    ("chua hoat dong", "established"),
    ("dang hoat dong", "operating"),
    ("da hoat dong", "operating"),
    ("hoat dong", "operating"),
    ("operating", "operating"),
    ("operational", "operating"),
    ("in operation", "operating"),
    ("van hanh", "operating"),
    ("da thanh lap", "established"),
    ("thanh lap", "established"),
    ("established", "established"),
    ("dang xay dung", "established"),
    ("under construction", "established"),
    ("dau tu xay dung", "established"),
    ("quy hoach", "planned"),
    ("planned", "planned"),
    ("plan", "planned"),
    ("du kien", "planned"),
    ("proposed", "planned"),
    ("de xuat", "planned"),
)

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

_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "kinh do", "kinhdo", "kinh_do")
_LAT_NAMES = ("lat", "latitude", "y", "vi do", "vido", "vi_do")


# --------------------------------------------------------------------------------------------
# text helpers


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


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _nfc(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


# --------------------------------------------------------------------------------------------
# reading


class _TableRows(html.parser.HTMLParser):
    """Collect two-cell table rows (field, value) of the popup tables of ArcGIS KML exports."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _description_fields(description: object) -> dict[str, str]:
    if not isinstance(description, str) or "<td" not in description.lower():
        return {}
    parser = _TableRows()
    parser.feed(description)
    return {r[0]: r[1] for r in parser.rows if len(r) == 2 and r[0]}


def _expand_kml_descriptions(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn the attribute tables that ArcGIS writes into KML descriptions into columns.

    The placemark ``<name>`` of such files is sometimes damaged (the TCVN3 byte 0xAD of "ư" is
    lost), while the table keeps every attribute, so both are offered to the harmoniser.
    """
    if "description" not in gdf.columns:
        return gdf
    fields = gdf["description"].map(_description_fields)
    if not fields.map(bool).any():
        return gdf
    table = pd.DataFrame(fields.tolist(), index=gdf.index)
    table = table[[c for c in table.columns if c not in gdf.columns]]
    return gdf.join(table)


# Number styles. "vi": decimal comma, dot thousands ("1.035,5"); "en": decimal point, comma
# thousands ("1,035.5"); "plain": no evidence either way, so a lone separator is decimal.
_STRONG_VI = re.compile(
    r"-?(\d{1,3}(\.\d{3}){2,}(,\d+)?|\d{1,3}(\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,}|\d{4,},\d+)"
)
_STRONG_EN = re.compile(
    r"-?(\d{1,3}(,\d{3}){2,}(\.\d+)?|\d{1,3}(,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}|\d{4,}\.\d+)"
)
_ONE_GROUP = re.compile(r"-?\d{1,3}[.,]\d{3}")


def _clean_number_text(value: str) -> str:
    return value.strip().replace("\u00a0", "").replace(" ", "").replace("%", "")


def _to_float(value: object, *, style: str) -> float:
    """Parse a number written in ``style`` ("vi", "en" or "plain"); NaN when it is no number."""
    if value is None or value is pd.NA or isinstance(value, bool | np.bool_):
        return np.nan
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = _clean_number_text(str(value))
    if not text:
        return np.nan
    if "," in text and "." in text:
        # The separator written last is the decimal one: "1.035,5" or "1,035.5".
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif "," in text:
        thousands = style == "en" and re.fullmatch(r"-?\d{1,3}(,\d{3})+", text)
        if thousands or re.fullmatch(r"-?\d{1,3}(,\d{3}){2,}", text):
            text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
    elif "." in text:
        thousands = style == "vi" and re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text)
        if thousands or re.fullmatch(r"-?\d{1,3}(\.\d{3}){2,}", text):
            text = text.replace(".", "")
    try:
        return float(text)
    except ValueError:
        return np.nan


def _number_style(s: pd.Series) -> tuple[str, list[str]]:
    """Find how a column writes numbers; also return its values that stay ambiguous."""
    strings = [_clean_number_text(v) for v in s if isinstance(v, str)]
    vi = sum(bool(_STRONG_VI.fullmatch(t)) for t in strings)
    en = sum(bool(_STRONG_EN.fullmatch(t)) for t in strings)
    style = "vi" if vi and not en else "en" if en and not vi else "plain"
    ambiguous = [t for t in strings if _ONE_GROUP.fullmatch(t)] if style == "plain" else []
    return style, ambiguous


def _parse_numbers(s: pd.Series, *, decimal_only: bool = False) -> pd.Series:
    """Parse a column; ``decimal_only`` for coordinates, which never have thousands."""
    style = "plain" if decimal_only else _number_style(s)[0]
    return pd.Series([_to_float(v, style=style) for v in s], index=s.index, dtype="float64")


def _find_column(columns: list[str], wanted: str | None, names: tuple[str, ...]) -> str | None:
    if wanted is not None:
        return wanted if wanted in columns else None
    folded = {_fold(c): c for c in reversed(columns)}
    for name in names:
        if _fold(name) in folded:
            return folded[_fold(name)]
    return None


def _points_from_table(
    df: pd.DataFrame, path: Path, *, lon: str | None, lat: str | None, crs: object
) -> gpd.GeoDataFrame:
    columns = [str(c) for c in df.columns]
    df.columns = columns
    lon_col = _find_column(columns, lon, _LON_NAMES)
    lat_col = _find_column(columns, lat, _LAT_NAMES)
    if lon_col is None or lat_col is None:
        which = []
        if lon_col is None:
            which.append(f"longitude ({lon!r})" if lon else "longitude")
        if lat_col is None:
            which.append(f"latitude ({lat!r})" if lat else "latitude")
        raise InputFileError(
            f"File '{path.name}': no {' and '.join(which)} column found among {columns}. "
            f"Name them lon/lat (or lng, long, x, kinh_do / y, vi_do) or pass "
            f"read_layer(path, lon='<column>', lat='<column>')."
        )
    x = _parse_numbers(df[lon_col], decimal_only=True)
    y = _parse_numbers(df[lat_col], decimal_only=True)
    unparsed = (df[lon_col].notna() & x.isna()) | (df[lat_col].notna() & y.isna())
    unparsed &= df[lon_col].astype(str).str.strip().ne("") & df[lat_col].astype(str).str.strip().ne(
        ""
    )
    if unparsed.any():
        raise InputFileError(
            f"File '{path.name}', columns '{lon_col}'/'{lat_col}': coordinates that are not "
            f"numbers in rows {first_ids(df.index[unparsed])} (e.g. "
            f"{df.loc[unparsed, lon_col].iloc[0]!r}, {df.loc[unparsed, lat_col].iloc[0]!r}). "
            f"Write decimal degrees such as 105.97 and 20.25 (degrees-minutes-seconds are not "
            f"read)."
        )
    missing = x.isna() | y.isna()
    geometry = gpd.GeoSeries(
        [None if m else shapely.Point(a, b) for a, b, m in zip(x, y, missing, strict=True)],
        index=df.index,
    )
    if crs is None:
        finite = ~missing
        if finite.any() and ((x[finite].abs() > 180).any() or (y[finite].abs() > 90).any()):
            raise CRSError(
                f"File '{path.name}': columns '{lon_col}'/'{lat_col}' hold values up to "
                f"{x[finite].abs().max():.0f}/{y[finite].abs().max():.0f}, which are metres, not "
                f"degrees, and the file has no CRS. Pass crs=, e.g. read_layer(path, "
                f"crs='EPSG:5897') for VN-2000 TM-3 105°, 'EPSG:9209' for 105°30' or "
                f"'EPSG:3405' for UTM 48N."
            )
        crs = _crs.STORAGE_CRS
    out = gpd.GeoDataFrame(df.drop(columns=[lon_col, lat_col]), geometry=geometry, crs=crs)
    if missing.any():
        out.attrs["rows_without_coordinates"] = [str(i) for i in df.index[missing]]
        warnings.warn(
            f"File '{path.name}': rows {first_ids(df.index[missing])} have no coordinates; they "
            f"are kept with an empty geometry (validation refuses them until located).",
            UserWarning,
            stacklevel=3,
        )
    return out


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV as text, keeping raw numbers ("1.035,5") for harmonise to interpret."""
    encodings = ("utf-8-sig", "latin-1")
    with path.open("rb") as f:
        header = f.readline()
    # Excel in a Vietnamese locale writes ";" because "," is the decimal separator there.
    sep = max((b",", b";", b"\t"), key=header.count).decode()
    for encoding in encodings:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputFileError(
                f"File '{path.name}' cannot be read as CSV ({exc}). Save it as comma-separated "
                f"UTF-8 text with one header row."
            ) from exc
        return df.replace("", None), encoding
    raise InputFileError(f"File '{path.name}' cannot be decoded as text.")  # pragma: no cover


def _read_xlsx(path: Path, sheet: str | None) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several unrelated types on damaged files
        raise InputFileError(
            f"File '{path.name}' cannot be opened as an XLSX workbook ({type(exc).__name__}: "
            f"{exc}). Save it from Excel or LibreOffice as .xlsx."
        ) from exc
    with book:
        if sheet is not None and sheet not in book.sheet_names:
            raise InputFileError(
                f"File '{path.name}': sheet '{sheet}' not found. Available sheets: "
                f"{book.sheet_names}. Pass layer='<sheet name>'."
            )
        try:
            return pd.read_excel(book, sheet_name=sheet if sheet is not None else 0, dtype=object)
        except (ValueError, KeyError) as exc:
            raise InputFileError(
                f"File '{path.name}': sheet {sheet or 'first'!r} cannot be read as a table "
                f"({exc}). Keep one header row and data below it."
            ) from exc


def _read_vector(path: Path, layer: str | None, fmt: str) -> gpd.GeoDataFrame:
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputFileError(
            f"File '{path.name}' cannot be opened as {fmt} ({exc}). Check that it is a "
            f"complete {fmt} file (a Shapefile needs its .shx and .dbf next to it)."
        ) from exc
    if layer is not None and layer not in layers:
        raise InputFileError(
            f"File '{path.name}': layer '{layer}' not found. Available layers: {layers}. "
            f"Pass read_layer(path, layer='<one of them>')."
        )
    if layer is None and len(layers) > 1:
        raise InputFileError(
            f"File '{path.name}' holds {len(layers)} layers: {layers}. Choose one with "
            f"read_layer(path, layer='<name>')."
        )
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputFileError(f"File '{path.name}' cannot be read as {fmt}: {exc}.") from exc


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    crs: object = None,
) -> gpd.GeoDataFrame:
    r"""Read a vector file or a table with coordinates into a GeoDataFrame.

    Formats (:data:`SUPPORTED_FORMATS`): GeoPackage, GeoJSON, Shapefile and KML through pyogrio;
    CSV and XLSX with longitude/latitude columns (found by name: lon, lng, long, longitude, x,
    kinh_do / lat, latitude, y, vi_do, accents and case ignored). Values of CSV and XLSX
    files are kept as they are written (text such as ``"12,5"``) for :func:`harmonise`. CSV
    files that are not UTF-8 are read as Latin-1, which keeps legacy TCVN3 bytes intact for
    :func:`harmonise`. ArcGIS KML exports carry their attributes in a popup table inside
    ``description``; its fields become columns.

    Parameters
    ----------
    path : str or path-like
        The file.
    layer : str, optional
        Layer of a GeoPackage (required when it has several) or other multi-layer file, or
        sheet of an XLSX workbook (default: the first sheet).
    lon, lat : str, optional
        Names of the coordinate columns of a CSV/XLSX file, when not found automatically.
    crs : optional
        CRS of the coordinates when the file has none (CSV/XLSX default: EPSG:4326 when
        the values are degrees). Anything :func:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    geopandas.GeoDataFrame
        All rows of the layer, in the CRS of the file (or ``crs``); rows of a table without
        coordinates have an empty geometry and are listed in
        ``attrs["rows_without_coordinates"]``. ``attrs["source_path"]``, ``attrs["format"]``.

    Raises
    ------
    InputFileError
        File not found, unsupported format, layer or sheet not found, empty layer, no
        coordinate columns, unreadable file.
    CRSError
        No CRS in the file and none given, or ``crs`` contradicts the CRS of the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sites.csv"
    >>> _ = path.write_text("Tên CCN,kinh_do,vi_do\nCCN Gia Vân,105.88,20.33\n", encoding="utf-8")
    >>> gdf = read_layer(path)
    >>> gdf.crs.to_epsg(), gdf.geometry.iloc[0].x, gdf["Tên CCN"].iloc[0]
    (4326, 105.88, 'CCN Gia Vân')
    """
    path = Path(path)
    if not path.exists():
        nearby = (
            sorted(p.name for p in path.parent.glob(f"*{path.suffix}"))[:5]
            if (path.parent.is_dir())
            else []
        )
        hint = f" Files of that type in {path.parent}: {nearby}." if nearby else ""
        raise InputFileError(f"File not found: '{path}'. Check the path and the name.{hint}")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_FORMATS:
        formats = ", ".join(f"{v} ({k})" for k, v in SUPPORTED_FORMATS.items())
        raise InputFileError(
            f"File '{path.name}': format '{suffix or path.name}' is not supported. Supported: "
            f"{formats}. Convert it, e.g. with ogr2ogr or QGIS 'Export > Save Features As'."
        )
    fmt = SUPPORTED_FORMATS[suffix]
    if crs is not None:
        try:
            crs = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise CRSError(f"crs={crs!r} is not a CRS pyproj understands: {exc}") from exc
    encoding = None
    if suffix == ".csv":
        table, encoding = _read_csv(path)
    elif suffix == ".xlsx":
        table = _read_xlsx(path, layer)
    if suffix in (".csv", ".xlsx"):
        if table.empty:
            raise InputFileError(
                f"File '{path.name}' has no rows below its header. Check the sheet or the file."
            )
        gdf = _points_from_table(table, path, lon=lon, lat=lat, crs=crs)
    else:
        gdf = _read_vector(path, layer, fmt)
        if gdf.empty:
            raise InputFileError(
                f"File '{path.name}', layer '{layer or 'default'}' is empty (no features). "
                f"Check the layer name or the export that produced the file."
            )
        if suffix == ".kml":
            gdf = _expand_kml_descriptions(gdf)
        if gdf.crs is None:
            if crs is None:
                raise CRSError(
                    f"File '{path.name}' has no CRS (a Shapefile without .prj?). Pass the CRS "
                    f"its coordinates are in, e.g. read_layer(path, crs='EPSG:5897') for VN-2000 "
                    f"TM-3 105°, 'EPSG:9209' for 105°30', 'EPSG:4326' for lon/lat degrees."
                )
            gdf = gdf.set_crs(crs)
        elif crs is not None and not pyproj.CRS.from_user_input(gdf.crs).equals(crs):
            raise CRSError(
                f"File '{path.name}' declares {gdf.crs.to_string()} but crs={crs.to_string()} "
                f"was passed. Drop crs= to use the file's CRS, or if the file is wrong, use "
                f"read_layer(path).set_crs('{crs.to_string()}', allow_override=True)."
            )
    gdf.attrs.update(
        {"source_path": str(path), "format": fmt, "layer": layer, "encoding": encoding}
    )
    return gdf


# --------------------------------------------------------------------------------------------
# harmonising


def _map_columns(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map source headings to targets; return {source: target} and report lines."""
    folded = {c: _fold(c) for c in columns}
    mapping: dict[str, str] = {}
    notes: list[str] = []
    taken: set[str] = set()
    # Exact contract names first, so a layer already in the schema keeps its columns.
    for c in columns:
        if c in _ALIASES and c not in taken:
            mapping[c] = c
            taken.add(c)
    for target, aliases in _ALIASES.items():
        if target in taken:
            continue
        for alias in aliases:
            hits = [c for c in columns if c not in mapping and folded[c] == alias]
            if hits:
                mapping[hits[0]] = target
                taken.add(target)
                if hits[0] != target:
                    notes.append(f"column '{hits[0]}' -> '{target}'")
                break
    return mapping, notes


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
    if f in ("ccn", "cum cong nghiep", "cum cn", "cluster", "industrial cluster"):
        return "CCN"
    if f in ("kcn", "khu cong nghiep", "khu cn", "park", "industrial park", "industrial zone"):
        return "KCN"
    return value


def _status_value(value: object) -> object:
    if not isinstance(value, str) or not value.strip():
        return None
    if value in _schema.STATUS_VALUES:
        return value
    f = _fold(value)
    for word, status in _STATUS_WORDS:
        if re.search(rf"(?<![a-z]){word}(?![a-z])", f):
            return status
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


def _bool_value(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return pd.NA
    if isinstance(value, bool | np.bool_):
        return bool(value)
    f = _fold(str(value))
    if f in _TRUE_WORDS:
        return True
    if f in _FALSE_WORDS:
        return False
    return pd.NA


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


def harmonise(
    gdf: gpd.GeoDataFrame,
    *,
    layer: str,
    kind: str | None = None,
    source: str | None = None,
    source_date: str | None = None,
    licence: str | None = None,
    accuracy: str | None = None,
    source_url: str | None = None,
    former_province: str | None = None,
) -> gpd.GeoDataFrame:
    """Turn an inventory of any common shape into the columns of the site layer.

    What it does, in order, each step reported in ``attrs["harmonise_report"]``:

    1. legacy TCVN3 (ABC) text in headings and text columns is converted to Unicode NFC
       (detected by its byte-range characters, e.g. ``"Gia TrÊn"`` -> ``"Gia Trấn"``); a column
       mixing encodings so that some values cannot be decided raises :class:`EncodingError`;
    2. headings in Vietnamese or English (``"Tên CCN"``, ``"Diện tích (m2)"``, ``"Tỷ lệ lấp
       đầy (%)"``, ``"Tình trạng"``, ``"Huyện"``, ``"Xã"``, ``"name"``, ``"occupancy"``…,
       case and accents ignored) are renamed to the contract's columns;
    3. numbers with decimal commas (``"12,5"``) and thousands separators (``"1.035,5"``) are
       parsed; areas in m² are converted to hectares; a text that is no number becomes NaN
       and is reported with its rows (and a warning);
    4. name prefixes (CCN, Cụm CN, Cụm công nghiệp, KCN, Khu công nghiệp) become ``"CCN …"``
       / ``"KCN …"`` and set ``kind``; status words are mapped (đang hoạt động -> operating,
       đã thành lập -> established, quy hoạch -> planned…); the former province is taken from
       a province column, else ``former_province=``, else the former district;
    5. ``site_id`` is generated when absent: ``<kind>-<HN|ND|NB>-<NAME>`` from the accent-free
       name without prefix (Roman numerals as digits: ``KCN-HN-DONGVAN1``), the same for the
       same site in any file;
    6. provenance columns are filled from the arguments where empty.

    Unmapped source columns are not dropped: they are kept, per row, as JSON text in
    ``source_attributes``. Values that do not map (an unknown status word) are kept for
    :func:`ninhbinh_geo.schema.validate_sites` to report.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        An inventory as read by :func:`read_layer`.
    layer : str
        Name of the layer, used in messages.
    kind : {"CCN", "KCN"}, optional
        Kind of sites whose name has no prefix.
    source, source_date, licence, source_url : str, optional
        Provenance for rows that lack it.
    accuracy : {"surveyed", "digitized", "approximate", "illustrative"}, optional
        Accuracy class of the geometry, for rows that lack it.
    former_province : {"Hà Nam", "Nam Định", "Ninh Bình"}, optional
        For rows whose province is neither given nor known from their district.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in EPSG:4326, columns :data:`HARMONISED_COLUMNS` then
        ``geometry``; text as object, numbers as float64 (``area_ha`` in ha, ``occupancy_pct``
        in %), ``status_year`` Int64, ``has_wwtp`` pandas boolean. ``attrs["harmonise_report"]``
        is a list of what was changed.

    Raises
    ------
    EncodingError
        When the encoding of a text column is ambiguous.
    SchemaError
        When ``kind``, ``accuracy`` or ``former_province`` is not an allowed value, or no
        column holds names.
    CRSError
        When the layer has no CRS or implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> raw = gpd.GeoDataFrame(
    ...     {"Tên cụm": ["Cụm công nghiệp Gia Vân"], "Diện tích (m2)": ["125.000,5"],
    ...      "Tình trạng": ["Đang hoạt động"], "Huyện": ["Gia Viễn"]},
    ...     geometry=[Point(105.88, 20.33)], crs="EPSG:4326")
    >>> out = harmonise(raw, layer="demo")
    >>> out.loc[0, ["site_id", "name_vi", "status", "former_province"]].tolist()
    ['CCN-NB-GIAVAN', 'CCN Gia Vân', 'operating', 'Ninh Bình']
    >>> round(float(out.loc[0, "area_ha"]), 5)
    12.50005
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' is a {type(gdf).__name__}, not a GeoDataFrame; read it with "
            f"read_layer()."
        )
    if kind is not None and kind not in _schema.KIND_VALUES:
        raise SchemaError(f"kind must be one of {_schema.KIND_VALUES} or None, not {kind!r}.")
    if accuracy is not None and accuracy not in ACCURACY_CLASSES:
        raise SchemaError(f"accuracy must be one of {ACCURACY_CLASSES}, not {accuracy!r}.")
    if former_province is not None and former_province not in _schema.FORMER_PROVINCES:
        raise SchemaError(
            f"former_province must be one of {_schema.FORMER_PROVINCES}, not {former_province!r}."
        )
    report: list[str] = []
    src = gdf.copy()
    geom_name = src.geometry.name
    ids = pd.Series([f"row {i!r}" for i in src.index], index=src.index)

    # 1. encodings: headings, then text columns
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

    # 2. headings
    columns = [c for c in src.columns if c != geom_name]
    mapping, notes = _map_columns([str(c) for c in columns])
    report.extend(notes)
    if "name_vi" not in mapping.values():
        raise SchemaError(
            f"Layer '{layer}': no column holds the site names. Columns are {columns}; name it "
            f"'name_vi' or one of 'Tên CCN', 'Tên KCN', 'Tên cụm', 'Tên', 'name'."
        )
    out = pd.DataFrame(index=src.index)
    for c, target in mapping.items():
        out[target] = src[c]
    # Other columns of the contract pass through, so that harmonising twice changes nothing.
    passthrough = [c for c in columns if c not in mapping and c in _PASSTHROUGH]
    for c in passthrough:
        out[c] = src[c]
    unmapped = [c for c in columns if c not in mapping and c not in _PASSTHROUGH]

    # 3. numbers
    for col in sorted(_FLOAT_OUT | set(_schema.FLOAT_COLUMNS) | {"area_m2"}):
        if col not in out.columns:
            continue
        raw = out[col]
        parsed = _parse_numbers(raw)
        lost = raw.notna() & raw.astype(str).str.strip().ne("") & parsed.isna()
        if lost.any():
            report.append(
                f"{col}: {int(lost.sum())} values are no number and became NaN (rows "
                f"{first_ids(ids[lost])}, e.g. {raw[lost].iloc[0]!r}); originals kept in "
                f"source_attributes"
            )
            warnings.warn(
                f"Layer '{layer}', column '{col}': values that are no number became NaN in rows "
                f"{first_ids(ids[lost])} (e.g. {raw[lost].iloc[0]!r}); see "
                f"attrs['harmonise_report'].",
                UserWarning,
                stacklevel=2,
            )
            unmapped_values = raw.where(lost)
            out[f"{col}__raw"] = unmapped_values
        style, ambiguous = _number_style(raw)
        textual = raw.map(lambda v: isinstance(v, str)) & parsed.notna()
        if textual.any() and style == "vi":
            report.append(
                f"{col}: decimal commas / dot thousands read (e.g. {raw[textual].iloc[0]!r}"
                f" -> {float(parsed[textual].iloc[0])!r})"
            )
        if ambiguous:
            report.append(
                f"{col}: {ambiguous[:3]} could use '.'/',' as thousands or decimal separator "
                f"and nothing else in the column tells which; read as decimal separator "
                f"(e.g. {ambiguous[0]!r} -> {float(_to_float(ambiguous[0], style='plain'))!r})"
            )
        out[col] = parsed
    area_basis_note = None
    if "area_m2" in out.columns:
        from_m2 = out["area_m2"] / 10_000.0
        if "area_ha" in out.columns:
            fill = out["area_ha"].isna() & from_m2.notna()
            out.loc[fill, "area_ha"] = from_m2[fill]
        else:
            out["area_ha"] = from_m2
            fill = from_m2.notna()
        src_col = next(c for c, t in mapping.items() if t == "area_m2")
        area_basis_note = f"'{src_col}' (m²) ÷ 10,000"
        report.append(f"area_ha: {int(fill.sum())} areas converted from m² ('{src_col}') to ha")
        out = out.drop(columns="area_m2")
    elif "area_ha" in mapping.values():
        src_col = next(c for c, t in mapping.items() if t == "area_ha")
        if _fold(src_col) in ("area", "dien tich", "quy mo"):
            report.append(f"area_ha: '{src_col}' has no unit in its heading; read as hectares")

    # 4. names, kind, status, province
    # Plain lists: Series.map would turn None into NaN (a truthy float) under pandas 3.
    split = [_split_name(v) for v in out["name_vi"]]
    bare = [b for b, _ in split]
    prefix_kind = [k for _, k in split]
    kind_col = [_kind_value(v) for v in out["kind"]] if "kind" in out.columns else [None] * len(out)
    # A kind column wins over the name, the name over the kind= argument; an unknown word in
    # the kind column is kept for validate_sites to report.
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
    if "status" in out.columns:
        mapped = out["status"].map(_status_value)
        moved = out["status"].notna() & mapped.notna() & mapped.ne(out["status"])
        if moved.any():
            report.append(
                f"status: {int(moved.sum())} values mapped from words (e.g. "
                f"{out['status'][moved].iloc[0]!r} -> {mapped[moved].iloc[0]!r})"
            )
        out["status"] = mapped
    if "former_province" in out.columns:
        out["former_province"] = out["former_province"].map(_province_value)
    else:
        out["former_province"] = None
    if former_province is not None:
        n = int(out["former_province"].isna().sum())
        out["former_province"] = out["former_province"].fillna(former_province)
        if n:
            report.append(f"former_province: set to {former_province!r} for {n} rows (argument)")
    if "district_old" in out.columns and out["former_province"].isna().any():
        guess = out["district_old"].map(_province_from_district)
        fill = out["former_province"].isna() & guess.notna()
        out.loc[fill, "former_province"] = guess[fill]
        if fill.any():
            report.append(
                f"former_province: inferred from the former district for {int(fill.sum())} rows"
            )
    for col in (*_schema.NULLABLE_BOOL_COLUMNS, *_schema.BOOL_COLUMNS):
        if col in out.columns:
            flags = out[col].map(_bool_value).astype("boolean")
            known = col in _schema.BOOL_COLUMNS and not flags.isna().any()
            out[col] = flags.astype(bool) if known else flags

    # 5. site ids
    if "site_id" not in out.columns:
        out["site_id"] = [
            _make_site_id(k, n, p)
            for k, n, p in zip(out["kind"], out["name_vi"], out["former_province"], strict=True)
        ]
        report.append("site_id: generated from kind, former province and name")

    # 6. provenance, location, unmapped columns
    given = {
        "source": source,
        "source_date": source_date,
        "licence": licence,
        "accuracy": accuracy,
        "source_url": source_url,
    }
    for col in PROVENANCE_COLUMNS:
        if col not in out.columns:
            out[col] = None
        value = given[col]
        if value is not None:
            empty = out[col].isna() | out[col].astype(str).str.strip().eq("")
            out.loc[empty, col] = value
            if empty.any():
                report.append(f"{col}: set to {value!r} for {int(empty.sum())} rows (argument)")
    if area_basis_note and "area_basis" not in out.columns:
        out["area_basis"] = area_basis_note
    raw_cols = [c for c in out.columns if c.endswith("__raw")]
    extra = src[unmapped].join(out[raw_cols].rename(columns=lambda c: c[: -len("__raw")]))
    out = out.drop(columns=raw_cols)
    previous = out["source_attributes"] if "source_attributes" in out.columns else None
    out["source_attributes"] = _attributes_json(extra, previous)
    if unmapped:
        report.append(f"kept unmapped columns in source_attributes: {unmapped}")

    geometry = src.geometry
    result = gpd.GeoDataFrame(out, geometry=geometry.values, crs=src.crs, index=src.index)
    result = result.rename_geometry("geometry") if result.geometry.name != "geometry" else result
    if result.crs is None:
        _crs.check_coordinates(result, layer)  # raises the CRSError naming the fix
    located = ~(result.geometry.isna() | result.geometry.is_empty)
    if located.any():
        _crs.check_coordinates(result[located], layer)
    result = result.to_crs(_crs.STORAGE_CRS)
    points = result.geometry.where(located).representative_point() if located.any() else None
    for col, attr in (("lon", "x"), ("lat", "y")):
        if col not in result.columns or result[col].isna().all():
            result[col] = getattr(points, attr) if points is not None else np.nan
            result.loc[~located, col] = np.nan
    result = _conform(result)
    result.attrs = {**gdf.attrs, "harmonise_report": report}
    return result


def _attributes_json(extra: pd.DataFrame, previous: pd.Series | None) -> list[object]:
    """Unmapped values of each row as JSON text, merged into earlier ``source_attributes``."""
    out: list[object] = []
    for i, (_, row) in enumerate(extra.iterrows()):
        values: dict[str, object] = {}
        if previous is not None and isinstance(previous.iloc[i], str):
            try:
                values.update(json.loads(previous.iloc[i]))
            except json.JSONDecodeError:
                values["source_attributes"] = previous.iloc[i]
        for k, v in row.items():
            if _json_value(v) is not None:
                values[str(k)] = _json_value(v)
        out.append(json.dumps(values, ensure_ascii=False) if values else None)
    return out


def _json_value(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, int | float | str | bool):
        return value
    return str(value)


def _conform(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give every harmonised layer the same columns, order and dtypes."""
    out = gdf.copy()
    casts: dict[str, Callable[[pd.Series], pd.Series]] = {
        "status_year": lambda s: pd.to_numeric(s.map(_year), errors="coerce").astype("Int64"),
        "has_wwtp": lambda s: s.astype("boolean"),
    }
    for col in HARMONISED_COLUMNS:
        if col not in out.columns:
            out[col] = None
        s = out[col]
        if col in casts:
            out[col] = casts[col](s)
        elif col in _FLOAT_OUT:
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col in _TEXT_OUT:
            values = [_text(v) for v in s]
            out[col] = pd.Series(values, index=out.index, dtype=object)
    rest = [c for c in out.columns if c not in HARMONISED_COLUMNS and c != "geometry"]
    return out[[*HARMONISED_COLUMNS, *rest, "geometry"]]


def _text(value: object) -> str | None:
    if _missing(value):
        return None
    if isinstance(value, datetime.date):  # a date cell of a spreadsheet (source_date)
        return value.strftime("%Y-%m-%d")
    return value if isinstance(value, str) else str(value)


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and np.isnan(value))
    )


def _year(value: object) -> object:
    if value is None or value is pd.NA:
        return None
    m = re.search(r"(19|20)\d{2}", str(value))
    return int(m.group(0)) if m else None


def read_inventory(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    crs: object = None,
    kind: str | None = None,
    source: str | None = None,
    source_date: str | None = None,
    licence: str | None = None,
    accuracy: str | None = None,
    source_url: str | None = None,
    former_province: str | None = None,
    repair: bool = False,
    allow_points: bool = False,
    province: object = None,
) -> gpd.GeoDataFrame:
    r"""Read, harmonise and validate an inventory of clusters or parks in one call.

    :func:`read_layer`, then :func:`harmonise`, then
    :func:`ninhbinh_geo.schema.validate_sites`. See those for the parameters.

    Parameters
    ----------
    path : str or path-like
        The file.
    layer, lon, lat, crs
        Passed to :func:`read_layer`.
    kind, source, source_date, licence, accuracy, source_url, former_province
        Passed to :func:`harmonise`.
    repair, allow_points, province
        Passed to :func:`ninhbinh_geo.schema.validate_sites` (``allow_points=True`` for
        tables of locations without footprints).

    Returns
    -------
    geopandas.GeoDataFrame
        The validated site layer in EPSG:4326; ``attrs["harmonise_report"]`` and
        ``attrs["repairs"]`` say what was changed.

    Raises
    ------
    InputFileError, CRSError, EncodingError, SchemaError
        As the three steps do.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ccn.csv"
    >>> _ = path.write_text(
    ...     "Tên CCN,Huyện,Diện tích (ha),Tình trạng,lon,lat\n"
    ...     "Gia Vân,Gia Viễn,\"50,5\",Đã thành lập,105.88,20.33\n", encoding="utf-8")
    >>> sites = read_inventory(path, kind="CCN", source="illustrative example",
    ...                        source_date="2025-07-01", licence="CC0",
    ...                        accuracy="illustrative", allow_points=True)
    >>> sites.loc[0, ["site_id", "name_vi", "status"]].tolist(), float(sites.loc[0, "area_ha"])
    (['CCN-NB-GIAVAN', 'CCN Gia Vân', 'established'], 50.5)
    """
    raw = read_layer(path, layer=layer, lon=lon, lat=lat, crs=crs)
    name = layer or Path(path).stem
    harmonised = harmonise(
        raw,
        layer=name,
        kind=kind,
        source=source,
        source_date=source_date,
        licence=licence,
        accuracy=accuracy,
        source_url=source_url,
        former_province=former_province,
    )
    report = harmonised.attrs.get("harmonise_report", [])
    valid = _schema.validate_sites(
        harmonised,
        layer=name,
        kind=kind,
        repair=repair,
        allow_points=allow_points,
        province=province,
    )
    valid.attrs["harmonise_report"] = report
    return valid


#: Area of the marker circle drawn for a site whose area is unknown (a marker, not a size).
NOMINAL_AREA_HA = 5.0
# Vertices per quarter circle of a drawn footprint (64-gon).
_QUAD_SEGS = 16


def _footprint_radius_m(area_ha: float) -> float:
    """Radius of the drawn polygon (4 * quad_segs vertices) that has exactly ``area_ha``."""
    n = 4 * _QUAD_SEGS
    return float(np.sqrt(area_ha * 1e4 / (n / 2 * np.sin(2 * np.pi / n))))


def nominal_footprints(
    sites: gpd.GeoDataFrame, *, nominal_area_ha: float = NOMINAL_AREA_HA
) -> gpd.GeoDataFrame:
    """Draw an illustrative footprint around every site given as a point.

    Where no real footprint exists, analyses still need a polygon: a circle (a 64-gon drawn in
    EPSG:3405) of exactly the official ``area_ha`` around the location point, or of
    ``nominal_area_ha`` where the area is unknown (``area_ha`` stays NaN). Such rows get
    ``footprint_accuracy = accuracy = "illustrative"`` and a ``footprint_basis`` saying how
    the polygon was drawn; the point's own accuracy is kept in ``location_accuracy`` and its
    coordinates in ``lon``/``lat``. Rows that already have a polygon are returned unchanged.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites with Point and/or Polygon geometries and an ``area_ha`` column, any CRS.
    nominal_area_ha : float, default 5.0
        Area of the marker circle drawn where ``area_ha`` is unknown.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326, same index, every geometry a polygon.

    Raises
    ------
    SchemaError
        When there is no ``area_ha`` column or ``nominal_area_ha`` is not positive.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoDataFrame({"area_ha": [50.0, float("nan")]},
    ...                        geometry=[Point(105.97, 20.25), Point(106.1, 20.4)], crs=4326)
    >>> fp = nominal_footprints(pts)
    >>> (fp.to_crs(3405).area / 1e4).round(3).tolist()
    [50.0, 5.0]
    >>> fp["footprint_accuracy"].tolist()
    ['illustrative', 'illustrative']
    """
    if "area_ha" not in sites.columns:
        raise SchemaError(
            "Layer 'sites' has point locations but no 'area_ha' column to draw footprints "
            "from; add the official area in hectares, or supply polygon footprints."
        )
    if not nominal_area_ha > 0:
        raise SchemaError(f"nominal_area_ha must be positive, not {nominal_area_ha!r}.")
    out = _crs.to_storage(sites, "sites")
    is_point = out.geometry.geom_type == "Point"
    if not is_point.any():
        return out
    pts = out.loc[is_point]
    area = pd.to_numeric(pts["area_ha"], errors="coerce")
    known = area.notna() & (area > 0)
    drawn_ha = area.where(known, nominal_area_ha)
    metric = pts.geometry.to_crs(_crs.METRIC_CRS)
    radius = drawn_ha.map(_footprint_radius_m).to_numpy()
    circles = metric.buffer(radius, quad_segs=_QUAD_SEGS).to_crs(_crs.STORAGE_CRS)
    loc = (
        pts["location_accuracy"].astype(str)
        if "location_accuracy" in pts.columns
        else pd.Series("given", index=pts.index)
    )
    basis = (
        "no published footprint: circle of the official area_ha ("
        + area.map("{:g}".format)
        + " ha) drawn around the "
        + loc
        + " location point"
    )
    basis = basis.where(
        known,
        f"no published footprint and area unknown: nominal {nominal_area_ha:g} ha circle drawn "
        "around the " + loc + " location point (a marker, not a size)",
    )
    for col in ("lon", "lat"):
        if col not in out.columns:
            out[col] = np.nan
    out.loc[is_point, "lon"] = pts.geometry.x
    out.loc[is_point, "lat"] = pts.geometry.y
    for col in ("footprint_accuracy", "footprint_basis", "accuracy"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="object")
        out[col] = out[col].astype("object")
    out.loc[is_point, "footprint_accuracy"] = "illustrative"
    out.loc[is_point, "footprint_basis"] = basis
    # The row's geometry is now a drawn footprint, so the row as a whole is illustrative.
    out.loc[is_point, "accuracy"] = "illustrative"
    geometry = out.geometry.copy()
    geometry.loc[is_point] = circles
    return out.set_geometry(geometry)


def file_provenance(path: str | os.PathLike[str]) -> dict[str, str]:
    """Default provenance for a user's file that carries none of its own.

    Used by ``ninhbinh-geo review --clusters FILE`` and ``ninhbinh-geo check FILE``, so that a
    planner's layer works without extra options. Columns the file has win over these.

    Parameters
    ----------
    path : path-like
        The user's file (must exist).

    Returns
    -------
    dict
        ``source`` (the file name), ``source_date`` (the file's modification date),
        ``licence`` ("not stated (user file)") and ``accuracy`` ("approximate": a user's
        footprints are taken as approximate unless the file says otherwise).

    Raises
    ------
    InputFileError
        When the file does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "ccn.gpkg"
    >>> _ = p.write_bytes(b"")
    >>> file_provenance(p)["source"]
    'user file ccn.gpkg'
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"File '{p}' does not exist. Check the path and its extension.")
    mtime = datetime.date.fromtimestamp(p.stat().st_mtime).isoformat()
    return {
        "source": f"user file {p.name}",
        "source_date": mtime,
        "licence": "not stated (user file)",
        "accuracy": "approximate",
    }
