"""Harmonising: an inventory of any common shape turned into the columns of the site layer.

:func:`harmonise` is the door: it checks its arguments, then runs the stages in order, each in
the room named after it, each adding lines to ``attrs["harmonise_report"]`` (after the lines of
``attrs["read_report"]`` from :func:`~ninhbinh_geo.io.read_layer`):
:mod:`~ninhbinh_geo.io.encodings` (legacy text), :mod:`~ninhbinh_geo.io.columns` (headings),
the location (the layer's coordinates checked, once), :mod:`~ninhbinh_geo.io.vocabulary`
(names, kinds, provinces, site ids) with :mod:`~ninhbinh_geo.io.location` (former province and
district from the coordinates) — first, so that every later message names the site's id —
then :mod:`~ninhbinh_geo.io.quantities` (numbers, units, qualifiers),
:mod:`~ninhbinh_geo.io.statuses` (status phrases), the province test
(:mod:`~ninhbinh_geo.io.location`) and :mod:`~ninhbinh_geo.io.conform` (provenance,
``source_attributes``, columns and dtypes).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import crs as _crs
from .. import schema as _schema
from .._errors import SchemaError
from .._provenance import ACCURACY_CLASSES
from .columns import _select_columns
from .conform import _conform, _fill_provenance, _given_provenance, _keep_unmapped
from .encodings import _decode_text
from .location import _fill_places, _flag_outside
from .quantities import _area_in_hectares, _parse_number_columns
from .statuses import _status_words
from .vocabulary import (
    _flags,
    _former_provinces,
    _names_and_kinds,
    _province_argument,
    _site_ids,
)


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
    allow_missing: bool = False,
    allow_outside: bool = False,
    status_words: dict[str, str] | None = None,
) -> gpd.GeoDataFrame:
    """Turn an inventory of any common shape into the columns of the site layer.

    The stages (module docstring) each add lines to ``attrs["harmonise_report"]``: legacy text
    decoded; Vietnamese or English headings renamed (``"Tên CCN"``, ``"Diện tích (m2)"``,
    ``"Tình trạng"``…, case and accents ignored); numbers read one way per column with their
    units (areas to ha) and qualifiers (``<column>_qualifier``); names, kinds and status phrases
    (:data:`STATUS_PHRASES`) mapped; the former province taken from its column, the district,
    the coordinates or ``former_province=``; every site tested against the province
    (:data:`PROVINCE_TOLERANCE_M`); ``site_id`` made when absent (``KCN-HN-DONGVAN1``);
    provenance filled from the arguments. Nothing is guessed: what cannot be read for sure is
    refused (or, with ``allow_missing``, left NaN with its reason in ``<column>_reason``).
    Unmapped source columns are not dropped: they are kept, per row, as JSON text in
    ``source_attributes``.

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
        For rows whose province is neither given nor known from their district or location.
    allow_missing : bool, default False
        Leave values that cannot be read empty (NaN, with their reason in
        ``<column>_reason``) instead of refusing them.
    allow_outside : bool, default False
        Keep sites outside the province, flagged in ``outside_province`` and
        ``province_distance_km``, instead of refusing them.
    status_words : dict, optional
        More status phrases, e.g. ``{"hoàn thành hạ tầng": "established"}``.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in EPSG:4326, columns :data:`HARMONISED_COLUMNS` then
        ``geometry``; text as object, numbers as float64 (``area_ha`` in ha, ``occupancy_pct``
        in %), ``status_year`` Int64, ``has_wwtp`` pandas boolean. ``attrs["harmonise_report"]``
        is a list of what was changed.

    Raises
    ------
    EncodingError, NumberFormatError, VocabularyError, LocationError
        Text whose encoding cannot be told; numbers that cannot be read (all one way); a
        status phrase not in the table; sites outside the province (without allow_outside).
    SchemaError
        A ``kind``, ``accuracy`` or ``former_province`` not allowed; no column of names.
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
    _check_layer(gdf, layer)
    _check_arguments(kind=kind, accuracy=accuracy, former_province=former_province)
    provenance = _given_provenance(source, source_date, licence, accuracy, source_url)
    return _harmonise(
        gdf,
        layer=layer,
        kind=kind,
        former_province=former_province,
        provenance=provenance,
        options={
            "allow_missing": allow_missing,
            "allow_outside": allow_outside,
            "status_words": status_words,
        },
    )


def _check_layer(gdf: object, layer: str) -> None:
    """Refuse anything but a GeoDataFrame."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' is a {type(gdf).__name__}, not a GeoDataFrame; read it with "
            f"read_layer()."
        )


def _check_arguments(
    *, kind: str | None, accuracy: str | None, former_province: str | None
) -> None:
    """Refuse a ``kind``, ``accuracy`` or ``former_province`` that is not an allowed value."""
    if kind is not None and kind not in _schema.KIND_VALUES:
        raise SchemaError(f"kind must be one of {_schema.KIND_VALUES} or None, not {kind!r}.")
    if accuracy is not None and accuracy not in ACCURACY_CLASSES:
        raise SchemaError(f"accuracy must be one of {ACCURACY_CLASSES}, not {accuracy!r}.")
    if former_province is not None and former_province not in _schema.FORMER_PROVINCES:
        raise SchemaError(
            f"former_province must be one of {_schema.FORMER_PROVINCES}, not {former_province!r}."
        )


def _harmonise(
    gdf: gpd.GeoDataFrame,
    *,
    layer: str,
    kind: str | None,
    provenance: dict[str, str | None],
    former_province: str | None,
    options: dict[str, object],
) -> gpd.GeoDataFrame:
    """Run the stages of :func:`harmonise` on a GeoDataFrame whose arguments were checked.

    ``provenance`` holds the ``source``, ``source_date``, ``licence``, ``accuracy`` and
    ``source_url`` arguments; ``options`` ``allow_missing``, ``allow_outside`` and
    ``status_words``. The coordinates are checked here, once, in :func:`_locate`.
    """
    report: list[str] = list(gdf.attrs.get("read_report", []))
    ids = _row_ids(gdf)
    src = _decode_text(gdf.copy(), layer, pd.Series(ids, index=gdf.index), report)
    out, mapping, unmapped = _select_columns(src, layer, report)
    headings = {target: str(heading) for heading, target in mapping.items()}
    geometry = _locate(src, layer)
    # Names, provinces and ids first, so that every message below names the site's id too.
    out = _names_and_kinds(out, kind, report)
    out = _former_provinces(out, report)
    out = _fill_places(out, geometry, report)
    out = _province_argument(out, former_province, report)
    out = _site_ids(out, report)
    ids = _with_site_ids(ids, out["site_id"])
    out, bases = _parse_number_columns(
        out, headings, layer=layer, ids=ids, allow_missing=bool(options["allow_missing"]),
        report=report,
    )  # fmt: skip
    out = _area_in_hectares(out, bases, report)
    out = _status_words(
        out, layer=layer, heading=headings.get("status", "status"), ids=ids,
        status_words=options["status_words"], report=report,  # type: ignore[arg-type]
    )  # fmt: skip
    out = _flag_outside(
        out, geometry, layer=layer, ids=pd.Series(ids, index=out.index),
        allow_outside=bool(options["allow_outside"]), report=report,
    )  # fmt: skip
    out = _flags(out, layer=layer, headings=headings, ids=ids)
    out = _fill_provenance(out, provenance, report)
    out = _keep_unmapped(out, src, unmapped, report)
    result = _conform(_with_geometry(out, geometry))
    result.attrs = {**gdf.attrs, "harmonise_report": report}
    return result


def _with_site_ids(ids: list[str], site_ids: pd.Series) -> list[str]:
    """Add each row's site id to its label: ``"row 7 (Cụm CN Gia Vân, CCN-NB-GIAVAN)"``."""
    out = []
    for label, sid in zip(ids, site_ids, strict=True):
        if not isinstance(sid, str) or not sid or sid in label:
            out.append(label)
        elif label.endswith(")"):
            out.append(f"{label[:-1]}, {sid})")
        else:
            out.append(f"{label} ({sid})")
    return out


def _row_ids(gdf: gpd.GeoDataFrame) -> list[str]:
    """Name each row as the planner finds it: ``read_layer``'s labels, else the index label."""
    labels = gdf.attrs.get("row_labels")
    if isinstance(labels, list) and len(labels) == len(gdf):
        return [str(v) for v in labels]
    return [f"row {i!r}" for i in gdf.index]


def _locate(src: gpd.GeoDataFrame, layer: str) -> gpd.GeoSeries:
    """Check the layer's coordinates, once, and return its geometry in EPSG:4326.

    A layer without CRS is refused even when no row has a geometry; the rows with a geometry
    must fit the CRS they claim.
    """
    geometry = src.geometry
    located = ~(geometry.isna() | geometry.is_empty)
    _crs.check_coordinates(gpd.GeoDataFrame(geometry=geometry[located]), layer)
    return geometry.to_crs(_crs.STORAGE_CRS)


def _with_geometry(out: pd.DataFrame, geometry: gpd.GeoSeries) -> gpd.GeoDataFrame:
    """Put the geometry under ``out``; fill empty ``lon``/``lat`` from representative points."""
    result = gpd.GeoDataFrame(out, geometry=geometry.values, crs=geometry.crs, index=out.index)
    located = ~(result.geometry.isna() | result.geometry.is_empty)
    points = result.geometry.where(located).representative_point() if located.any() else None
    for col, attr in (("lon", "x"), ("lat", "y")):
        if col not in result.columns or result[col].isna().all():
            result[col] = getattr(points, attr) if points is not None else np.nan
            result.loc[~located, col] = np.nan
    return result
