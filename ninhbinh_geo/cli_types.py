"""Argument types of the ``ninhbinh-geo`` command line: each reads one option's text or refuses it.

A refusal is an :class:`argparse.ArgumentTypeError` whose message says what to write instead;
argparse turns it into a usage error (exit code 2) before any data is read. Only the standard
library is imported here, so that ``--help`` and a mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import math
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from ._errors import NinhBinhGeoError
from .review.options import MAP_FORMATS

#: Suffixes of the layer files ``--clusters``/``--parks``/``--roads`` take: those of
#: :data:`ninhbinh_geo.io.SUPPORTED_FORMATS` (a test keeps both in step).
LAYER_SUFFIXES = (".gpkg", ".geojson", ".json", ".shp", ".kml", ".csv", ".xlsx")
#: Suffixes of the rasters ``--hazard``/``--dem`` take (GDAL formats).
RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".img", ".nc", ".asc", ".hgt")


#: URL schemes of a PostGIS table (``--clusters postgresql://…?table=NAME``).
DATABASE_SCHEMES = ("postgresql://", "postgres://")


def _database_url(text: str, *, table: bool) -> str:
    """Check a PostGIS URL without connecting: the scheme, and ``table=`` where one is read."""
    import urllib.parse

    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(text).query))
    if table and not query.get("table"):
        raise argparse.ArgumentTypeError(
            f"'{text}': name the table to read, e.g. postgresql://user@host/db?table=ccn"
        )
    return text


def _to_postgis(text: str) -> str:
    if not text.lower().startswith(DATABASE_SCHEMES):
        raise argparse.ArgumentTypeError(
            f"'{text}': give a database URL, e.g. postgresql://user@host/db?schema=ninhbinh_review"
        )
    return _database_url(text, table=False)


def _existing_file(suffixes: Sequence[str], what: str) -> Callable[[str], Path | str]:
    def parse(text: str) -> Path | str:
        if what == "layer" and text.lower().startswith(DATABASE_SCHEMES):
            return _database_url(text, table=True)
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"'{text}': {what} must be a {', '.join(suffixes)} file"
            )
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"'{text}': no such file")
        return path

    return parse


def _zone(text: str) -> str:
    from pyproj.exceptions import CRSError as ProjCRSError

    from .crs import assert_metric

    try:
        assert_metric(text)
    except NinhBinhGeoError:  # a CRS, but not projected in metres
        why = "not a projected CRS in metres"
    except ProjCRSError:
        why = "not a CRS that PROJ knows"
    else:
        return text
    raise argparse.ArgumentTypeError(
        f"'{text}' is {why}; use EPSG:5897 (VN-2000 TM-3 105°00') or EPSG:9209 (105°30')"
    )


def _formats(text: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    unknown = [f for f in formats if f not in MAP_FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"'{text}': choose formats among {', '.join(MAP_FORMATS)}, comma-separated"
        )
    return formats


def _hazard(text: str) -> Path | tuple[float, Path]:
    """``RASTER`` or ``T=RASTER`` (the return period T in years given explicitly)."""
    period, sep, name = text.partition("=")
    if sep and not Path(text).is_file():
        try:
            years = float(period.strip())
        except ValueError:
            years = math.nan
        if not (math.isfinite(years) and years > 0):
            raise argparse.ArgumentTypeError(
                f"'{text}': write the return period in years before '=', e.g. 100=depth.tif"
            )
        return years, _existing_file(RASTER_SUFFIXES, "raster")(name.strip())
    return _existing_file(RASTER_SUFFIXES, "raster")(text)


def _status(text: str) -> tuple[str, str]:
    phrase, sep, status = text.rpartition("=")
    if not sep or not phrase.strip() or status.strip() not in _STATUSES:
        raise argparse.ArgumentTypeError(
            f"'{text}': write PHRASE=STATUS, e.g. \"hoàn thành hạ tầng=established\"; the status "
            f"is one of {', '.join(_STATUSES)}"
        )
    return phrase.strip(), status.strip()


#: The statuses of the site layer (``schema.STATUS_VALUES``; a test keeps both in step).
_STATUSES = ("planned", "established", "operating", "suspended", "ceased")
#: Encodings ``--encoding`` takes (``io.codepages.ENCODING_ALIASES`` reads more spellings).
_ENCODINGS = ("utf-8", "tcvn3", "vni", "cp1258")


def _positive_km(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive distance in km")
    return value


def _close_m(text: str) -> tuple[str | None, float]:
    """``0.3`` (every road) or ``CLASS=0.5`` (one road class): a depth in metres > 0."""
    name, _, depth = text.rpartition("=")
    try:
        value = float(depth)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a water depth in metres > 0 (e.g. 0.3, or 'Đường chính=0.5')"
        )
    return (name or None), value


def _draws(text: str) -> int:
    """Read a whole number of draws >= 1."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of draws >= 1")
    return int(text)


def _error_m(text: str) -> float:
    """Read a vertical error in metres > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a vertical error in metres > 0")
    return value


def _speed(text: str) -> tuple[str, float]:
    name, _, value = text.rpartition("=")
    try:
        kmh = float(value)
    except ValueError:
        kmh = math.nan
    if not name.strip() or not (math.isfinite(kmh) and kmh > 0):
        raise argparse.ArgumentTypeError(f"'{text}': give CLASS=KMH, e.g. 'Quốc Gia=45'")
    return unicodedata.normalize("NFC", name.strip()), kmh


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a positive number")
    return value
