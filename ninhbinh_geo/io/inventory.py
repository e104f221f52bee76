"""Inventories in one call: read, harmonise and validate a planner's file; default provenance.

:func:`read_inventory` chains :func:`~ninhbinh_geo.io.read_layer`, the harmoniser and
:func:`ninhbinh_geo.schema.validate_sites`; :func:`file_provenance` gives a user's file the
provenance it does not carry.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import geopandas as gpd

from .. import schema as _schema
from .._errors import InputFileError
from .conform import _given_provenance
from .formats import read_layer
from .harmonisation import _check_arguments, _harmonise


def read_inventory(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    sheet: str | None = None,
    lon: str | None = None,
    lat: str | None = None,
    lonlat: str | None = None,
    crs: object = None,
    encoding: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    source_date: str | None = None,
    licence: str | None = None,
    accuracy: str | None = None,
    source_url: str | None = None,
    former_province: str | None = None,
    allow_missing: bool = False,
    allow_outside: bool = False,
    status_words: dict[str, str] | None = None,
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
    layer, sheet, lon, lat, lonlat, crs, encoding, repair
        Passed to :func:`read_layer` (``repair`` to ``validate_sites`` too).
    kind, source, source_date, licence, accuracy, source_url, former_province
        Passed to :func:`harmonise`.
    allow_missing, allow_outside, status_words
        Passed to :func:`harmonise`; sites kept outside the province (``allow_outside``)
        are not refused by ``validate_sites`` either.
    allow_points, province
        Passed to :func:`ninhbinh_geo.schema.validate_sites` (``allow_points=True`` for
        tables of locations without footprints).

    Returns
    -------
    geopandas.GeoDataFrame
        The validated site layer in EPSG:4326; ``attrs["harmonise_report"]`` (what was read,
        found and changed) and ``attrs["repairs"]``.

    Raises
    ------
    NinhBinhGeoError
        As the three steps do: InputFileError, CRSError, EncodingError, LocationError,
        NumberFormatError, VocabularyError, SchemaError.

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
    _check_arguments(kind=kind, accuracy=accuracy, former_province=former_province)
    raw = read_layer(
        path, layer=layer, sheet=sheet, lon=lon, lat=lat, lonlat=lonlat, crs=crs,
        encoding=encoding, repair=repair,
    )  # fmt: skip
    name = raw.attrs.get("sheet") or layer or Path(path).stem
    provenance = _given_provenance(source, source_date, licence, accuracy, source_url)
    options = {"allow_missing": allow_missing, "allow_outside": allow_outside,
               "status_words": status_words}  # fmt: skip
    harmonised = _harmonise(
        raw, layer=name, kind=kind, former_province=former_province, provenance=provenance,
        options=options,
    )  # fmt: skip
    return _validated(
        harmonised, name, kind=kind, repair=repair, allow_points=allow_points,
        province=province, allow_outside=allow_outside,
    )  # fmt: skip


def _validated(
    harmonised: gpd.GeoDataFrame,
    name: str,
    *,
    kind: str | None,
    repair: bool,
    allow_points: bool,
    province: object,
    allow_outside: bool,
) -> gpd.GeoDataFrame:
    """Validate a harmonised layer; keep its report. Sites kept outside stay allowed."""
    margin = 1000.0
    if allow_outside and province is None:
        from .. import datasets  # datasets imports io: load lazily

        province, margin = datasets.load_province(), float("inf")
    valid = _schema.validate_sites(
        harmonised, layer=name, kind=kind, repair=repair, allow_points=allow_points,
        province=province, province_margin_m=margin,
    )  # fmt: skip
    valid.attrs["harmonise_report"] = harmonised.attrs.get("harmonise_report", [])
    return valid


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
