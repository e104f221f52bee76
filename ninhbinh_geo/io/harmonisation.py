"""Harmonising: an inventory of any common shape turned into the columns of the site layer.

:func:`harmonise` is the door: it checks its arguments, then runs the stages in order, each in
the room named after it, each adding lines to ``attrs["harmonise_report"]``:
:mod:`~ninhbinh_geo.io.encodings` (TCVN3 text), :mod:`~ninhbinh_geo.io.columns` (headings),
:mod:`~ninhbinh_geo.io.numbers` (separators, m²), :mod:`~ninhbinh_geo.io.vocabulary` (names,
kinds, status words, provinces, yes/no, site ids), :mod:`~ninhbinh_geo.io.conform`
(provenance, ``source_attributes``, columns and dtypes), and the location, where the layer's
coordinates are checked, once.
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
from .conform import (
    _FLOAT_OUT,
    _conform,
    _fill_provenance,
    _given_provenance,
    _keep_unmapped,
)
from .encodings import _decode_text
from .numbers import _area_in_hectares, _parse_number_columns
from .vocabulary import _flags, _former_provinces, _names_and_kinds, _site_ids, _status_words

# Columns parsed as numbers (area_m2 becomes area_ha).
_NUMBER_COLUMNS = tuple(sorted(_FLOAT_OUT | set(_schema.FLOAT_COLUMNS) | {"area_m2"}))


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
) -> gpd.GeoDataFrame:
    """Turn an inventory of any common shape into the columns of the site layer.

    What it does, in order, each step reported in ``attrs["harmonise_report"]``:

    1. legacy TCVN3 (ABC) text in headings and text columns is converted to Unicode NFC
       (detected by its byte-range characters, e.g. ``"Gia TrÊn"`` -> ``"Gia Trấn"``); a column
       mixing encodings so that some values cannot be decided raises :class:`EncodingError`;
    2. headings in Vietnamese or English (``"Tên CCN"``, ``"Diện tích (m2)"``, ``"Tỷ lệ lấp
       đầy (%)"``, ``"Tình trạng"``, ``"Huyện"``, ``"Xã"``, ``"name"``, ``"occupancy"``…,
       case and accents ignored) are renamed to the contract's columns;
    3. numbers with decimal commas (``"12,5"``) and thousands separators (``"1.035,5"``) are
       parsed; areas in m² are converted to hectares; a text that is no number becomes NaN
       and is reported with its rows (and a warning);
    4. name prefixes (CCN, Cụm CN, Cụm công nghiệp, KCN, Khu công nghiệp) become ``"CCN …"``
       / ``"KCN …"`` and set ``kind``; status words are mapped (đang hoạt động -> operating,
       đã thành lập -> established, quy hoạch -> planned…); the former province is taken from
       a province column, else ``former_province=``, else the former district;
    5. ``site_id`` is generated when absent: ``<kind>-<HN|ND|NB>-<NAME>`` from the accent-free
       name without prefix (Roman numerals as digits: ``KCN-HN-DONGVAN1``), the same for the
       same site in any file;
    6. provenance columns are filled from the arguments where empty.

    Unmapped source columns are not dropped: they are kept, per row, as JSON text in
    ``source_attributes``. Values that do not map (an unknown status word) are kept for
    :func:`ninhbinh_geo.schema.validate_sites` to report.

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
        For rows whose province is neither given nor known from their district.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in EPSG:4326, columns :data:`HARMONISED_COLUMNS` then
        ``geometry``; text as object, numbers as float64 (``area_ha`` in ha, ``occupancy_pct``
        in %), ``status_year`` Int64, ``has_wwtp`` pandas boolean. ``attrs["harmonise_report"]``
        is a list of what was changed.

    Raises
    ------
    EncodingError
        When the encoding of a text column is ambiguous.
    SchemaError
        When ``kind``, ``accuracy`` or ``former_province`` is not an allowed value, or no
        column holds names.
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
        gdf, layer=layer, kind=kind, former_province=former_province, provenance=provenance
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
) -> gpd.GeoDataFrame:
    """Run the stages of :func:`harmonise` on a GeoDataFrame whose arguments were checked.

    ``provenance`` holds the ``source``, ``source_date``, ``licence``, ``accuracy`` and
    ``source_url`` arguments. The coordinates are checked here, once, in :func:`_locate`.
    """
    report: list[str] = []
    ids = pd.Series([f"row {i!r}" for i in gdf.index], index=gdf.index)
    src = _decode_text(gdf.copy(), layer, ids, report)
    out, mapping, unmapped = _select_columns(src, layer, report)
    out = _parse_number_columns(out, _NUMBER_COLUMNS, layer, ids, report)
    out, area_basis_note = _area_in_hectares(out, mapping, report)
    out = _names_and_kinds(out, kind, report)
    out = _status_words(out, report)
    out = _former_provinces(out, former_province, report)
    out = _flags(out)
    out = _site_ids(out, report)
    out = _fill_provenance(out, provenance, report)
    if area_basis_note and "area_basis" not in out.columns:
        out["area_basis"] = area_basis_note
    out = _keep_unmapped(out, src, unmapped, report)
    result = _conform(_locate(out, src, layer))
    result.attrs = {**gdf.attrs, "harmonise_report": report}
    return result


def _locate(out: pd.DataFrame, src: gpd.GeoDataFrame, layer: str) -> gpd.GeoDataFrame:
    """Put the geometry of ``src`` under ``out``, check it, and return it in EPSG:4326.

    The one coordinate check of the harmoniser: a layer without CRS is refused; the rows with a
    geometry must fit the CRS they claim. Empty ``lon``/``lat`` are filled from representative
    points of the geometries (NaN for rows without one).
    """
    result = gpd.GeoDataFrame(out, geometry=src.geometry.values, crs=src.crs, index=src.index)
    result = result.rename_geometry("geometry") if result.geometry.name != "geometry" else result
    located = ~(result.geometry.isna() | result.geometry.is_empty)
    # A layer without CRS fails here even when no row has a geometry.
    _crs.check_coordinates(result[located], layer)
    result = _crs.project_checked(result, _crs.STORAGE_CRS)
    points = result.geometry.where(located).representative_point() if located.any() else None
    for col, attr in (("lon", "x"), ("lat", "y")):
        if col not in result.columns or result[col].isna().all():
            result[col] = getattr(points, attr) if points is not None else np.nan
            result.loc[~located, col] = np.nan
    return result
