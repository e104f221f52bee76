"""Headings: Vietnamese and English column names mapped onto the columns of the site layer.

Headings are compared after folding (lower case, no accents, đ -> d, punctuation -> space), so
``"Tên CCN"``, ``"TEN CCN"`` and ``"ten_ccn"`` are the same heading. A column already named as
in the contract keeps its name; other columns of the contract pass through unchanged (so that
harmonising twice changes nothing); the rest are unmapped and end up in ``source_attributes``.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd

from .. import schema as _schema
from .._errors import SchemaError
from .spelling import _fold, _short

# Headings recognised by harmonise(), compared after folding. Order matters: the first alias
# found wins for its target.
_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": ("site id", "site_id", "ma ccn", "ma kcn", "ma cum", "ma khu", "id site"),
    "name_vi": (
        "name vi", "ten ccn", "ten kcn", "ten cum", "ten cum cong nghiep", "ten cum cn",
        "ten khu cong nghiep", "ten khu", "ten", "name", "site name", "cluster name",
        "park name", "ten goi", "ten ccn kcn", "ten khu cum cong nghiep", "ten cum khu",
    ),
    "kind": ("kind", "loai", "loai hinh", "type", "phan loai"),
    "former_province": ("former province", "tinh cu", "tinh", "province", "ten tinh"),
    "district_old": (
        "district old", "huyen", "huyen cu", "quan huyen", "huyen thi xa thanh pho",
        "district", "ten huyen", "dia ban huyen", "huyen thanh pho", "huyen tp", "huyen thi xa",
        "quan huyen thi xa",
    ),
    "communes": (
        "communes", "xa", "xa phuong", "phuong xa", "xa phuong thi tran", "commune",
        "communes or wards", "ten xa", "dia diem", "vi tri", "location",
    ),
    "status": (
        "status", "tinh trang", "trang thai", "hien trang", "tinh trang hoat dong",
        "hien trang hoat dong", "tinh hinh hoat dong",
    ),
    "status_year": ("status year", "nam thanh lap", "year", "nam"),
    "area_ha": (
        "area ha", "dien tich ha", "dien tich quy hoach ha", "quy mo ha", "area",
        "dien tich", "quy mo", "total area ha", "dien tich hecta", "tong dien tich",
        "tong dien tich ha", "quy mo dien tich ha", "quy mo dien tich", "dt", "dt ha",
        "dien tich quy hoach", "total area",
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

# Columns of the contract (and those the harmoniser adds) that are kept as they are, so that
# harmonising twice changes nothing.
_PASSTHROUGH = {
    *_schema.OPTIONAL_COLUMNS, *_schema.REQUIRED_COLUMNS, "source_attributes",
    "outside_province", "province_distance_km",
    *(f"{c}_{suffix}" for c in _schema.FLOAT_COLUMNS for suffix in ("qualifier", "reason")),
}  # fmt: skip


_UNIT_TAIL = re.compile(r"\s+(ha|hecta|m2|m 2|km2|sqm|sq m)$")
_MEASURES = ("area_ha", "industrial_ha", "leasable_ha", "leased_ha")


def _base(folded: str) -> str:
    """Drop the unit of a folded heading: ``"dien tich m2"`` -> ``"dien tich"``."""
    return _UNIT_TAIL.sub("", folded)


def _map_columns(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map source headings to targets; return {source: target} and report lines.

    Exact contract names first, then the aliases in order; a heading of a measure with another
    unit than the alias ("Diện tích quy hoạch (m²)") matches by the words before its unit.
    """
    folded = {c: _fold(c) for c in columns}
    mapping: dict[str, str] = {}
    notes: list[str] = []
    taken: set[str] = set()
    for c in columns:
        if c in _ALIASES and c not in taken:
            mapping[c] = c
            taken.add(c)

    def take(target: str, hits: list[str]) -> bool:
        if not hits:
            return False
        mapping[hits[0]] = target
        taken.add(target)
        if hits[0] != target:
            notes.append(f"column '{hits[0]}' -> '{target}'")
        return True

    for target, aliases in _ALIASES.items():
        if target in taken:
            continue
        for alias in aliases:
            if take(target, [c for c in columns if c not in mapping and folded[c] == alias]):
                break
    for target in _MEASURES:
        if target in taken:
            continue
        bases = {_base(a) for a in _ALIASES[target]}
        take(target, [c for c in columns if c not in mapping and _base(folded[c]) in bases])
    # Field names of Shapefiles run the words together: "TinhTrang", "DIENTICH", "TenCCN".
    for target, aliases in _ALIASES.items():
        if target in taken:
            continue
        for alias in aliases:
            compact = alias.replace(" ", "")
            if len(compact) > 3 and take(
                target,
                [c for c in columns if c not in mapping and folded[c].replace(" ", "") == compact],
            ):
                break
    return mapping, notes


def _select_columns(
    src: gpd.GeoDataFrame, layer: str, report: list[str]
) -> tuple[pd.DataFrame, dict[str, str], list[object]]:
    """Take the mapped and contract columns of ``src`` into a new frame under their targets.

    Returns the frame (same index), the mapping {source heading: target} and the unmapped
    source columns.

    Raises
    ------
    SchemaError
        When no column holds the site names.
    """
    columns = [c for c in src.columns if c != src.geometry.name]
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
    return out, mapping, unmapped


def _row_labels(frame: pd.DataFrame, numbers: list[int] | None) -> list[str]:
    """Name each row as a planner finds it: ``"row 7 (CCN Gia Vân)"`` or ``"feature 3 (…)"``.

    The row number is the one a spreadsheet shows (title and heading rows counted); a vector
    file's features are counted from 1.
    """
    columns = [str(c) for c in frame.columns]
    mapping, _ = _map_columns(columns)
    name = next((c for c, t in mapping.items() if t == "name_vi"), None)
    base = (
        [f"row {n}" for n in numbers]
        if numbers is not None
        else [f"feature {i + 1}" for i in range(len(frame))]
    )
    if name is None:
        return base
    names = frame[frame.columns[columns.index(name)]]
    return [
        f"{b} ({_short(v.strip(), 40)})" if isinstance(v, str) and v.strip() else b
        for b, v in zip(base, names, strict=True)
    ]
