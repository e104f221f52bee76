"""The shape every harmonised layer leaves with, whatever file it came from.

Provenance is filled from the arguments where the source has none; unmapped source columns are
kept per row as JSON text in ``source_attributes``; columns come in the order of
:data:`HARMONISED_COLUMNS` with one dtype each, so that layers from different sources
concatenate.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from .._provenance import PROVENANCE_COLUMNS

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
_FLOAT_OUT = {
    "area_ha", "industrial_ha", "leasable_ha", "leased_ha", "occupancy_pct", "jobs", "projects",
    "lon", "lat",
}  # fmt: skip


def _given_provenance(
    source: str | None,
    source_date: str | None,
    licence: str | None,
    accuracy: str | None,
    source_url: str | None,
) -> dict[str, str | None]:
    """Collect the provenance arguments of the doors by column name."""
    return {
        "source": source,
        "source_date": source_date,
        "licence": licence,
        "accuracy": accuracy,
        "source_url": source_url,
    }


def _fill_provenance(
    out: pd.DataFrame, given: dict[str, str | None], report: list[str]
) -> pd.DataFrame:
    """Add the provenance columns; fill their empty cells with the values ``given``."""
    for col in PROVENANCE_COLUMNS:
        if col not in out.columns:
            out[col] = None
        value = given[col]
        if value is not None:
            empty = out[col].isna() | out[col].astype(str).str.strip().eq("")
            out.loc[empty, col] = value
            if empty.any():
                report.append(f"{col}: set to {value!r} for {int(empty.sum())} rows (argument)")
    return out


def _keep_unmapped(
    out: pd.DataFrame, src: pd.DataFrame, unmapped: list[object], report: list[str]
) -> pd.DataFrame:
    """Move unmapped columns of ``src`` and the ``<column>__raw`` originals into JSON text."""
    raw_cols = [c for c in out.columns if c.endswith("__raw")]
    extra = src[unmapped].join(out[raw_cols].rename(columns=lambda c: c[: -len("__raw")]))
    out = out.drop(columns=raw_cols)
    previous = out["source_attributes"] if "source_attributes" in out.columns else None
    out["source_attributes"] = _attributes_json(extra, previous)
    if unmapped:
        report.append(f"kept unmapped columns in source_attributes: {unmapped}")
    return out


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
