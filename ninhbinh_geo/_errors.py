"""The package's own exceptions.

Every message names the layer, the column, the first offending rows and the fix, so that a
user never has to read a traceback from deep inside pandas, pyogrio or exactextract.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CRSError",
    "DataCoverageError",
    "EncodingError",
    "InputFileError",
    "LocationError",
    "NinhBinhGeoError",
    "NumberFormatError",
    "OutputError",
    "RulesError",
    "SchemaError",
    "VocabularyError",
    "first_ids",
]


class NinhBinhGeoError(Exception):
    """Base class of every error raised on purpose by ninhbinh_geo."""


class SchemaError(NinhBinhGeoError, ValueError):
    """A layer does not have the columns, types or values the library needs."""


class CRSError(NinhBinhGeoError, ValueError):
    """A layer or raster has no CRS, a wrong CRS, or coordinates that do not fit its CRS."""


class InputFileError(NinhBinhGeoError, OSError):
    """A file cannot be found, has an unsupported format, or lacks the named layer."""


class EncodingError(SchemaError):
    """Text is in a legacy Vietnamese encoding (TCVN3/ABC) or otherwise not valid Unicode."""


class NumberFormatError(SchemaError):
    """Numbers in a column cannot be read, or cannot all be read the same way (1.035 or 1,035)."""


class VocabularyError(SchemaError):
    """A value (a status phrase) is not in the package's table of known phrases."""


class LocationError(SchemaError):
    """Sites lie outside the province, or their coordinates cannot be read."""


class DataCoverageError(NinhBinhGeoError, ValueError):
    """A raster or layer does not cover the sites, or holds no usable values for them."""


class RulesError(NinhBinhGeoError, ValueError):
    """A zoning-rules table is malformed (unknown operator, unit, or layer)."""


class OutputError(NinhBinhGeoError, OSError):
    """An output cannot be written (directory not writable, outputs exist without --force)."""


def first_ids(ids: Iterable[object], n: int = 5) -> str:
    """Format the first ``n`` identifiers of offending rows for an error message.

    Parameters
    ----------
    ids : iterable
        Row identifiers (site ids or index labels).
    n : int, default 5
        How many to show before summarising the rest.

    Returns
    -------
    str
        For example ``"'CCN-01', 'CCN-07' and 3 more"``.

    Examples
    --------
    >>> first_ids(["a", "b", "c"], n=2)
    "'a', 'b' and 1 more"
    """
    ids = list(ids)
    shown = ", ".join(repr(i) for i in ids[:n])
    rest = len(ids) - n
    return f"{shown} and {rest} more" if rest > 0 else shown
