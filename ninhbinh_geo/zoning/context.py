"""What every check reads: the checked inputs, the per-site result frame, how a cell is read.

:func:`ninhbinh_geo.zoning.check` checks its inputs at the door and hands them inward as a
:class:`_Context` (sites in EPSG:4326, footprints and user layers in the metric CRS). A check
function takes the context and one rule and returns a result frame: plain lists of
``outcome``/``measured``/``threshold``/``threshold_high``/``basis``/``reason``/``missing``, one
item per site (``missing``: the input whose absence leaves an ``unknown`` outcome, e.g.
``column:area_ha`` or ``position:approximate``).
It never re-checks the frames it is given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from .positions import _Position


@dataclass
class _Context:
    sites: gpd.GeoDataFrame  # storage CRS, RangeIndex
    metric: gpd.GeoSeries  # footprints in the metric CRS, same index
    layers: dict[str, gpd.GeoDataFrame]  # metric CRS
    exposure: pd.DataFrame | None
    group_by: str
    class_column: str
    proposed: gpd.GeoDataFrame | None  # metric CRS, with site_id
    expanding: pd.Series  # bool per site
    kinds: pd.Series  # CCN, KCN or None (unknown)
    positions: list[_Position] = field(default_factory=list)  # where each site surely lies

    def col(self, name: str) -> pd.Series:
        """Return a site column, or an all-NA series when the column is absent."""
        if name in self.sites.columns:
            return self.sites[name]
        return pd.Series(pd.NA, index=self.sites.index, dtype="object")


def _result_frame(index: pd.Index) -> dict[str, list]:
    # plain lists, filled site by site; a scalar assigned to a key applies to every site
    n = len(index)
    return {
        "outcome": ["unknown"] * n,
        "measured": [math.nan] * n,
        "threshold": [math.nan] * n,
        "threshold_high": [math.nan] * n,
        "basis": [""] * n,
        "reason": [""] * n,
        "missing": [""] * n,
    }


def _blank(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and value.strip() == "")
    )


def _bool_value(value: object) -> bool | None:
    if _blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "có", "x"):
        return True
    if text in ("false", "0", "no", "n", "không"):
        return False
    return None


def _compare(value: float, operator: str, low: float, high: float) -> bool:
    if operator == "between":
        return low <= value <= high
    return {
        "<=": value <= low,
        ">=": value >= low,
        "<": value < low,
        ">": value > low,
        "==": value == low,
    }[operator]


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if math.isfinite(x) else "NaN"
