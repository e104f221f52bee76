"""Depth–damage curves as data: the shipped JRC curves for Asia, a user's own, checked on entry.

A curve is a set of rows ``(sector, depth_m, damage_factor)``: the share of the maximum damage
at a water depth above ground. :func:`load_curves` reads the shipped JRC table
(``data/risk/jrc_depth_damage_asia.csv``, Huizinga, de Moel & Szewczyk 2017, CC BY 4.0) or a
user's CSV/DataFrame and checks it (:func:`check_curves`); :func:`damage_factor` interpolates
a checked curve; :func:`construction_costs` reads the JRC construction costs of Viet Nam.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import InputFileError, SchemaError, first_ids

__all__ = [
    "COSTS_FILE",
    "CURVES_FILE",
    "check_curves",
    "construction_costs",
    "damage_factor",
    "load_curves",
]

#: The shipped JRC depth–damage curves for Asia (relative to the data folder).
CURVES_FILE = "risk/jrc_depth_damage_asia.csv"
#: The shipped JRC maximum construction costs of Viet Nam (2010 EUR per m² of floor area).
COSTS_FILE = "risk/jrc_construction_cost_vietnam.csv"
_REQUIRED = ("sector", "depth_m", "damage_factor")


def _data_path(name: str) -> Path:
    from ..datasets import get_path  # the data folder of an installed or editable package

    return get_path(name)


def load_curves(curves: str | os.PathLike | pd.DataFrame | None = None) -> pd.DataFrame:
    """Read depth–damage curves: the shipped JRC curves for Asia, or a user's own, checked.

    Parameters
    ----------
    curves : path or DataFrame, optional
        A CSV file or DataFrame with ``sector``, ``depth_m`` (m) and ``damage_factor``
        (0–1), one row per point; ``curve_id`` and ``source`` are kept when present. Default:
        the JRC curves for Asia (sectors ``residential``, ``commercial``, ``industrial``,
        ``transport``, ``infrastructure_roads``).

    Returns
    -------
    pandas.DataFrame
        The checked curves: ``curve_id`` (from the sector when missing), ``sector``,
        ``depth_m``, ``damage_factor``, ``source`` and the other columns given.

    Raises
    ------
    InputFileError
        When the file cannot be read.
    SchemaError
        As :func:`check_curves`.

    Examples
    --------
    >>> c = load_curves()
    >>> c[c["sector"] == "industrial"]["damage_factor"].tolist()[:3]
    [0.0, 0.283, 0.482]
    >>> c["source"].iloc[0][:37]
    'Huizinga, de Moel & Szewczyk (2017), '
    """
    if curves is None:
        return check_curves(pd.read_csv(_data_path(CURVES_FILE)), layer="JRC curves")
    if isinstance(curves, pd.DataFrame):
        return check_curves(curves, layer="curves")
    path = Path(curves)
    try:
        frame = pd.read_csv(path)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputFileError(
            f"Cannot read the depth–damage curves '{path}': {exc}. Give a CSV with columns "
            f"sector, depth_m, damage_factor."
        ) from None
    # lines of the file, for messages: the header is line 1
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="line")
    return check_curves(frame, layer=path.name)


def check_curves(curves: pd.DataFrame, *, layer: str = "curves") -> pd.DataFrame:
    """Check depth–damage curves; return a sorted copy with ``curve_id`` and ``source``.

    Within each sector: at least two points, depths finite and strictly increasing in the
    order given, factors within 0–1 and never decreasing with depth. A message names the
    sector and the first bad row (its index: the line of a CSV read by :func:`load_curves`).

    Examples
    --------
    >>> import pandas as pd
    >>> bad = pd.DataFrame({"sector": "x", "depth_m": [0, 1, 2], "damage_factor": [0, .6, .4]})
    >>> check_curves(bad)
    Traceback (most recent call last):
    ...
    ninhbinh_geo._errors.SchemaError: Layer 'curves', sector 'x': the damage factor falls from
    0.6 to 0.4 at row 2 (depth 2 m); a damage factor must not decrease with depth.
    """
    if not isinstance(curves, pd.DataFrame):
        raise SchemaError(f"Layer '{layer}' must be a DataFrame, not {type(curves).__name__}.")
    row = "line" if curves.index.name == "line" else "row"
    missing = [c for c in _REQUIRED if c not in curves.columns]
    if missing:
        raise SchemaError(
            f"Layer '{layer}' lacks columns {missing}; a curve is rows of sector, depth_m "
            f"(metres) and damage_factor (0-1)."
        )
    out = curves.copy()
    for col in ("depth_m", "damage_factor"):
        num = pd.to_numeric(out[col], errors="coerce")
        bad = ~np.isfinite(num.to_numpy(dtype=float))
        if bad.any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}' is missing or not a number at {row}s "
                f"{first_ids(out.index[bad])}."
            )
        out[col] = num.astype(float)
    out["sector"] = out["sector"].astype(str)
    for sector, grp in out.groupby("sector", sort=False):
        _check_one(grp, f"Layer '{layer}', sector '{sector}'", row)
    if "curve_id" not in out.columns:
        out["curve_id"] = out["sector"]
    if "source" not in out.columns:
        out["source"] = "user curves"
    first = ["curve_id", "sector", "depth_m", "damage_factor", "source"]
    return out[first + [c for c in out.columns if c not in first]]


def _check_one(grp: pd.DataFrame, where: str, row: str) -> None:
    depth = grp["depth_m"].to_numpy()
    factor = grp["damage_factor"].to_numpy()
    if len(grp) < 2:
        raise SchemaError(f"{where} has {len(grp)} point; a curve needs at least two depths.")
    outside = (factor < 0) | (factor > 1)
    if outside.any():
        i = int(np.argmax(outside))
        raise SchemaError(
            f"{where}: damage factor {factor[i]:g} at {row} {grp.index[i]} is outside 0-1 (a "
            f"share of the maximum damage; divide percentages by 100)."
        )
    step = np.diff(depth)
    if (step <= 0).any():
        i = int(np.argmax(step <= 0)) + 1
        raise SchemaError(
            f"{where}: depths are not sorted at {row} {grp.index[i]} ({depth[i - 1]:g} m then "
            f"{depth[i]:g} m); give each depth once, in increasing order."
        )
    fall = np.diff(factor) < 0
    if fall.any():
        i = int(np.argmax(fall)) + 1
        raise SchemaError(
            f"{where}: the damage factor falls from {factor[i - 1]:g} to {factor[i]:g} at {row} "
            f"{grp.index[i]} (depth {depth[i]:g} m); a damage factor must not decrease with "
            f"depth."
        )


def damage_factor(curves: pd.DataFrame, sector: str, depth_m: np.ndarray) -> np.ndarray:
    """Damage factor of ``sector`` at each depth, interpolated linearly on checked curves.

    Depths at or below the first point take its factor (0 for the JRC curves), depths beyond
    the last take the last factor; NaN stays NaN.

    Examples
    --------
    >>> import numpy as np
    >>> damage_factor(load_curves(), "industrial", np.array([0.25, 1.0, 9.0])).round(4).tolist()
    [0.1415, 0.482, 1.0]
    """
    grp = curves[curves["sector"] == sector]
    depth = np.asarray(depth_m, dtype=float)
    out = np.interp(depth, grp["depth_m"].to_numpy(), grp["damage_factor"].to_numpy())
    return np.where(np.isnan(depth), np.nan, out)


def construction_costs() -> pd.DataFrame:
    """Read the JRC maximum construction costs of Viet Nam (2010 EUR per m² of floor area).

    Examples
    --------
    >>> construction_costs().set_index("sector")["cost_per_m2"].to_dict()
    {'residential': 384.93, 'commercial': 440.32, 'industrial': 319.31}
    """
    path = _data_path(COSTS_FILE)
    if not path.is_file():  # pragma: no cover - the file ships with the package
        raise InputFileError(f"The shipped construction costs '{path}' are missing.")
    return pd.read_csv(path)
