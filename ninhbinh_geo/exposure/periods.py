"""Return periods read from hazard file names and labels.

One place for the naming conventions of flood products: Aqueduct (``..._rp00100.tif``, coastal
``..._rp0001_5...``), Fathom (``FU-1in100.tif``) and plain labels (``rp100``, ``RP_25``,
``T50``). Names in other conventions (e.g. Vietnamese ``chu kỳ 100 năm``, ``tần suất 1%``) are
added here.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["parse_return_period"]

_AQUEDUCT_RP = re.compile(r"(?:^|[_\-.])rp(\d+)(?:_(\d+))?(?=$|[_\-.])", re.IGNORECASE)
_FATHOM_RP = re.compile(r"1in(\d+(?:\.\d+)?)", re.IGNORECASE)
_GENERIC_RP = re.compile(r"(?:^|[_\-.])(?:rp|t)[_\-]?(\d+(?:\.\d+)?)(?=$|[_\-.]|y)", re.IGNORECASE)
#: Raster file suffixes dropped from a name before it is read or used as a label.
_RASTER_SUFFIX = re.compile(r"\.(tif|tiff|vrt|nc|img)$", re.IGNORECASE)


def _strip_suffix(name: str) -> str:
    return _RASTER_SUFFIX.sub("", name)


def parse_return_period(name: str) -> float | None:
    """Read a return period in years from a hazard file name or label.

    Understands Aqueduct names (``..._rp00100.tif``, coastal ``..._rp0001_5...`` = 1.5 years),
    Fathom names (``FU-1in100.tif``) and plain labels (``rp100``, ``RP_25``, ``T50``).

    Parameters
    ----------
    name : str
        File name, path or label.

    Returns
    -------
    float or None
        Return period in years, or None when the name carries none.

    Examples
    --------
    >>> parse_return_period("inunriver_historical_000000000WATCH_1980_rp00100.tif")
    100.0
    >>> parse_return_period("inuncoast_historical_nosub_hist_rp0001_5.tif")
    1.5
    >>> parse_return_period("FU-1in100.tif"), parse_return_period("rp25"), parse_return_period("x")
    (100.0, 25.0, None)
    """
    stem = _strip_suffix(Path(str(name)).name)
    m = _AQUEDUCT_RP.search(stem)
    if m and len(m.group(1)) >= 4:
        # Aqueduct pads to 4 (coastal, with a decimal part after "_") or 5 digits (river).
        whole = float(m.group(1))
        dec = m.group(2)
        return whole + (float(f"0.{dec}") if dec and len(dec) <= 2 else 0.0)
    m = _FATHOM_RP.search(stem)
    if m:
        return float(m.group(1))
    m = _GENERIC_RP.search(stem)
    if m:
        return float(m.group(1))
    return None
