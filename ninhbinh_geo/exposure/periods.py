"""Return periods read from hazard file names and labels.

One place for the naming conventions of flood products: Aqueduct (``..._rp00100.tif``, coastal
``..._rp0001_5...``), Fathom (``FU-1in100.tif``), plain labels (``rp100``, ``RP_25``, ``T50``,
``100yr``, ``100-year``) and Vietnamese names (``chu_ky_100_nam``, ``chu kỳ 100 năm``,
``tan_suat_1%`` / ``tần suất 1%``: an annual exceedance probability of 1 % is the 100-year
flood).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

__all__ = ["parse_return_period"]

_AQUEDUCT_RP = re.compile(r"(?:^|[_\-.])rp(\d+)(?:_(\d+))?(?=$|[_\-.])", re.IGNORECASE)
_FATHOM_RP = re.compile(r"1in(\d+(?:\.\d+)?)", re.IGNORECASE)
_GENERIC_RP = re.compile(r"(?:^|[_\-.])(?:rp|t)[_\-]?(\d+(?:\.\d+)?)(?=$|[_\-.]|y)", re.IGNORECASE)
# On the folded name (lower case, no accents, separators as single spaces).
_CHU_KY = re.compile(r"(?:^| )chu ?ky ?(\d+(?:\.\d+)?)(?: ?nam)?(?= |$)")
_TAN_SUAT = re.compile(r"(?:^| )(?:tan ?suat|aep|p) ?(\d+(?:\.\d+)?) ?%")
_YEARS = re.compile(
    r"(?:^| )(\d+(?:\.\d+)?) ?(?:yr|yrs|year|years|nam)(?= |$)(?! dinh)"  # not "Nam Định"
)
#: Numbers before "year"/"năm" in this range are calendar years (``lu_2017_nam``), not periods.
_CALENDAR_YEARS = (1900, 2100)
#: Raster file suffixes dropped from a name before it is read or used as a label.
_RASTER_SUFFIX = re.compile(r"\.(tif|tiff|vrt|nc|img)$", re.IGNORECASE)


def _strip_suffix(name: str) -> str:
    return _RASTER_SUFFIX.sub("", name)


def _folded(stem: str) -> str:
    """Lower case, no accents (đ -> d), runs of separators as one space; "%" and "." kept."""
    text = re.sub(r"(\d),(\d)", r"\1.\2", stem)  # "0,5%" is 0.5 %
    text = unicodedata.normalize("NFD", text.replace("Đ", "d").replace("đ", "d").lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9%.]+", " ", text).strip()


def _vietnamese_or_years(stem: str) -> float | None:
    """Read "chu kỳ 100 năm", "tần suất 1%", "100yr", "100 năm" from a folded name."""
    folded = _folded(stem)
    m = _CHU_KY.search(folded)
    if m:
        return float(m.group(1))
    m = _TAN_SUAT.search(folded)
    if m and float(m.group(1)) > 0:
        return round(100.0 / float(m.group(1)), 6)
    m = _YEARS.search(folded)
    if m and not _CALENDAR_YEARS[0] <= float(m.group(1)) <= _CALENDAR_YEARS[1]:
        return float(m.group(1))
    return None


def parse_return_period(name: str) -> float | None:
    """Read a return period in years from a hazard file name or label.

    Understands Aqueduct names (``..._rp00100.tif``, coastal ``..._rp0001_5...`` = 1.5 years),
    Fathom names (``FU-1in100.tif``), plain labels (``rp100``, ``RP_25``, ``T50``, ``100yr``,
    ``100-year``) and Vietnamese ones (``chu_ky_100_nam``, ``chu kỳ 100 năm``, ``tan_suat_1%``
    = 100 years, ``tần suất 0,5%`` = 200 years).

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
    >>> [parse_return_period(n) for n in ("ngap_chu_ky_100_nam.tif", "Ngập chu kỳ 50 năm.tif",
    ...                                   "lu_tan_suat_1%.tif", "tần suất 0,5%.tif", "depth_100yr")]
    [100.0, 50.0, 100.0, 200.0, 100.0]
    >>> parse_return_period("lu_2017_nam_dinh.tif") is None  # a calendar year, then Nam Định
    True
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
    return _vietnamese_or_years(stem)
