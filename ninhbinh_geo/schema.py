"""Validation of the site layer (industrial clusters and parks).

The site layer is the contract of ``DEVELOPERS.md``: one row per site, footprint polygons in
EPSG:4326. :func:`validate_sites` checks a layer at the boundary, where it enters the package,
so that the analyses can trust it.

Required and optional columns
-----------------------------
Required (:data:`REQUIRED_COLUMNS`): ``site_id``, ``name_vi``, ``kind``, ``former_province``,
``status``, ``area_ha`` and ``geometry``, plus the provenance columns ``source``,
``source_date``, ``licence`` and ``accuracy`` (:data:`REQUIRED_PROVENANCE`). Provenance is
required because every output states where a row comes from; a user's own layer without it is
refused with a message showing how to add it (:func:`ninhbinh_geo._provenance.with_provenance`
or ``ninhbinh_geo.io.harmonise(..., source=..., source_date=..., licence=..., accuracy=...)``).
``source_url`` is optional (a field survey has no address). Every other column of the contract
is optional; when present it is checked for its type and allowed values.
"""

from __future__ import annotations

import itertools
import unicodedata
import warnings
from collections.abc import Hashable, Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pandas.api import types as ptypes

from . import crs as _crs
from ._errors import EncodingError, SchemaError, first_ids
from ._provenance import ACCURACY_CLASSES
from .hubs import hub_parks  # the park layer's door, kept here by its public name

__all__ = [
    "BOOL_COLUMNS",
    "FLOAT_COLUMNS",
    "FORMER_PROVINCES",
    "INT_COLUMNS",
    "KIND_VALUES",
    "MAX_PLAUSIBLE_AREA_HA",
    "NULLABLE_BOOL_COLUMNS",
    "OPTIONAL_COLUMNS",
    "PROVINCE_BBOX",
    "REQUIRED_COLUMNS",
    "REQUIRED_PROVENANCE",
    "STATUS_VALUES",
    "TEXT_COLUMNS",
    "hub_parks",
    "validate_sites",
]

KIND_VALUES = ("CCN", "KCN")
STATUS_VALUES = ("planned", "established", "operating", "suspended", "ceased")
FORMER_PROVINCES = ("Hà Nam", "Nam Định", "Ninh Bình")
#: Provenance every row must carry; ``source_url`` is optional.
REQUIRED_PROVENANCE = ("source", "source_date", "licence", "accuracy")
#: Columns a site layer must have (descriptive columns, then provenance).
REQUIRED_COLUMNS = (
    "site_id",
    "name_vi",
    "kind",
    "former_province",
    "status",
    "area_ha",
    "geometry",
    *REQUIRED_PROVENANCE,
)
FLOAT_COLUMNS = (
    "area_ha",
    "industrial_ha",
    "leasable_ha",
    "leased_ha",
    "occupancy_pct",
    "jobs",
    "projects",
    "expansion_ha",
    "lon",
    "lat",
)
INT_COLUMNS = ("status_year",)
#: Booleans where NA means "unknown" (pandas ``boolean`` dtype).
NULLABLE_BOOL_COLUMNS = ("has_wwtp", "wwtp_compliant", "craft_village", "mountainous")
#: Booleans that must be known for every row (numpy ``bool``).
BOOL_COLUMNS = ("major",)
TEXT_COLUMNS = (
    "site_id",
    "name_vi",
    "kind",
    "former_province",
    "district_old",
    "communes",
    "status",
    "area_basis",
    "area_alt",
    "location_accuracy",
    "location_basis",
    "footprint_accuracy",
    "footprint_basis",
    "source",
    "source_url",
    "source_date",
    "licence",
    "accuracy",
)
OPTIONAL_COLUMNS = tuple(
    c
    for c in (*TEXT_COLUMNS, *FLOAT_COLUMNS, *INT_COLUMNS, *NULLABLE_BOOL_COLUMNS, *BOOL_COLUMNS)
    if c not in REQUIRED_COLUMNS
)
#: Columns whose values must be accuracy classes (NA allowed except for ``accuracy``).
_ACCURACY_COLUMNS = ("accuracy", "location_accuracy", "footprint_accuracy")
#: Names checked for Unicode NFC and legacy encodings.
_NAME_COLUMNS = ("name_vi", "former_province", "district_old", "communes")

#: No CCN or KCN comes near this: the largest parks of the province are a few hundred hectares
#: and Decree 35/2022/NĐ-CP treats parks of this size as economic zones. A larger value is almost
#: always square metres read as hectares.
MAX_PLAUSIBLE_AREA_HA = 5000.0
#: WGS 84 bounds (min lon, min lat, max lon, max lat) of the new Ninh Bình province, widened by
#: about 20 km so that sites on the border and imprecise points are not refused.
PROVINCE_BBOX = (105.3, 19.7, 106.9, 20.9)

_POLYGONAL = {"Polygon", "MultiPolygon"}
_POINTS = {"Point", "MultiPoint"}
_LINES = {"LineString", "MultiLineString", "LinearRing"}

# Latin-1 letters that Vietnamese uses; any other character of U+00A1-U+00FF in a name is a
# TCVN3 (ABC) byte shown as Latin-1/cp1252 (e.g. "Gia TiÕn" for "Gia Tiến").
_VI_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
_TCVN3_MARKS = {chr(c) for c in range(0xA1, 0x100)} - _VI_LATIN1


def _ids(df: pd.DataFrame, mask: Iterable[bool] | pd.Series) -> str:
    """First ids of the rows selected by ``mask``: ``site_id`` when usable, else index labels."""
    mask = pd.Series(np.asarray(mask, dtype=bool), index=df.index)
    if "site_id" in df.columns:
        ids = df.loc[mask, "site_id"]
        labels: list[Hashable] = [
            sid if isinstance(sid, str) and sid else f"row {idx!r}" for idx, sid in ids.items()
        ]
    else:
        labels = [f"row {idx!r}" for idx in df.index[mask]]
    return first_ids(labels)


def _looks_tcvn3(text: object) -> bool:
    """Tell whether ``text`` shows the byte-range characters of TCVN3 (ABC) legacy text."""
    if not isinstance(text, str):
        return False
    if any(ord(ch) > 0xFF for ch in text):
        # Real Unicode Vietnamese (đ, ư, ơ, ă or a precomposed tone): not legacy text.
        return False
    if any(ch in _TCVN3_MARKS for ch in text):
        return True
    # "TrÊn": an upper-case Ê/Õ/Ó... after a lower-case letter is TCVN3's "ấ", "ế", "ó"...
    return any(a.islower() and b in _VI_LATIN1 and b.isupper() for a, b in itertools.pairwise(text))


def _check_required(gdf: gpd.GeoDataFrame, layer: str) -> None:
    try:
        gdf.geometry  # noqa: B018 - raises when no active geometry column is set
    except AttributeError as exc:
        raise SchemaError(
            f"Layer '{layer}' has no active geometry column (columns: {list(gdf.columns)}). "
            f"Set it with gdf.set_geometry('<column>'), or build points from lon/lat with "
            f"geopandas.points_from_xy and validate with allow_points=True."
        ) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in gdf.columns]
    if gdf.geometry.name != "geometry" and "geometry" in missing:
        missing.remove("geometry")
    if not missing:
        return
    missing_prov = [c for c in missing if c in REQUIRED_PROVENANCE]
    missing_desc = [c for c in missing if c not in REQUIRED_PROVENANCE]
    parts = []
    if missing_desc:
        parts.append(
            f"Layer '{layer}' lacks the required column(s) {missing_desc}. Rename your columns to "
            f"these names, or read the file with ninhbinh_geo.io.read_inventory(), which maps "
            f"common Vietnamese and English headings (e.g. 'Tên CCN', 'Diện tích (ha)', 'Tình "
            f"trạng') onto them."
        )
    if missing_prov:
        parts.append(
            f"Layer '{layer}' lacks the provenance column(s) {missing_prov}. Add them with "
            f"ninhbinh_geo._provenance.with_provenance(gdf, source='...', "
            f"source_date='YYYY-MM-DD', "
            f"licence='...', accuracy='approximate') or pass source=, source_date=, licence=, "
            f"accuracy= to ninhbinh_geo.io.harmonise()/read_inventory(); accuracy is one of "
            f"{', '.join(ACCURACY_CLASSES)}."
        )
    raise SchemaError(" ".join(parts))


def _check_geometry(
    gdf: gpd.GeoDataFrame, layer: str, *, allow_points: bool, repair: bool, repairs: list[str]
) -> gpd.GeoSeries:
    geom = gdf.geometry
    col = geom.name
    missing = geom.isna() | geom.is_empty
    if missing.any():
        raise SchemaError(
            f"Layer '{layer}', column '{col}': empty or missing geometry in rows "
            f"{_ids(gdf, missing)}. Draw the footprint, or give the location as a point and "
            f"validate with allow_points=True; rows are never dropped silently."
        )
    types = geom.geom_type
    families = {
        "polygon" if t in _POLYGONAL else "point" if t in _POINTS else "line" if t in _LINES else t
        for t in types.unique()
    }
    if len(families) > 1:
        counts = ", ".join(f"{n} {t}" for t, n in types.value_counts().items())
        minority = types.value_counts().index[-1]
        raise SchemaError(
            f"Layer '{layer}', column '{col}': mixed geometry types ({counts}); e.g. "
            f"{minority} in rows {_ids(gdf, types == minority)}. A site layer holds one kind of "
            f"geometry: footprints (Polygon/MultiPolygon). Split the layer, or buffer the points "
            f"into footprints and mark footprint_accuracy='illustrative'."
        )
    (family,) = families
    if family == "point" and not allow_points:
        raise SchemaError(
            f"Layer '{layer}', column '{col}': geometries are points (rows "
            f"{_ids(gdf, types.ne(''))}), but sites need footprints (Polygon/MultiPolygon). "
            f"Pass allow_points=True when "
            f"a point layer is intended (e.g. locations only), or supply polygons."
        )
    if family not in ("polygon", "point"):
        bad = ~types.isin(_POLYGONAL | _POINTS)
        raise SchemaError(
            f"Layer '{layer}', column '{col}': geometry type {sorted(types.unique())} in rows "
            f"{_ids(gdf, bad)} is not allowed; sites are Polygon or MultiPolygon footprints."
        )
    invalid = ~geom.is_valid
    if not invalid.any():
        return geom
    reasons = shapely.is_valid_reason(geom[invalid].values)
    first_reason = str(reasons[0])
    if not repair:
        raise SchemaError(
            f"Layer '{layer}', column '{col}': invalid geometry in rows {_ids(gdf, invalid)} "
            f"({first_reason}). Fix the rings in a GIS, or call validate_sites(..., repair=True) "
            f"to repair them with shapely.make_valid (the repair is reported)."
        )
    fixed = geom.copy()
    made = shapely.make_valid(geom[invalid].values)
    # make_valid may return a GeometryCollection with stray lines; keep the polygonal part only
    # when it has the same family, so the layer keeps one geometry type.
    keep_family = _POLYGONAL if family == "polygon" else _POINTS
    cleaned = []
    for g in made:
        if g.geom_type == "GeometryCollection":
            parts = [p for p in g.geoms if p.geom_type in keep_family]
            g = shapely.union_all(parts) if parts else shapely.Polygon()
        cleaned.append(g)
    fixed[invalid] = cleaned
    still_bad = fixed.is_empty | ~fixed.geom_type.isin(keep_family)
    if still_bad.any():
        raise SchemaError(
            f"Layer '{layer}', column '{col}': geometry in rows {_ids(gdf, still_bad)} is "
            f"invalid ({first_reason}) and shapely.make_valid leaves no footprint. Redraw it."
        )
    repairs.append(
        f"geometry: repaired {int(invalid.sum())} invalid geometries with shapely.make_valid "
        f"(rows {_ids(gdf, invalid)}; first problem: {first_reason})"
    )
    return fixed


def _check_text(out: gpd.GeoDataFrame, layer: str, *, repair: bool, repairs: list[str]) -> None:
    for col in TEXT_COLUMNS:
        if col not in out.columns:
            continue
        s = out[col]
        if col == "source_date" and ptypes.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), None)
            continue
        if ptypes.infer_dtype(s, skipna=True) in ("string", "empty"):
            continue  # text and missing values only (one pass in C)
        bad = s.notna() & ~s.map(lambda v: isinstance(v, str))
        if bad.any():
            example = s[bad].iloc[0]
            raise SchemaError(
                f"Layer '{layer}', column '{col}': expected text, found "
                f"{type(example).__name__} ({example!r}) in rows {_ids(out, bad)}. Convert with "
                f"gdf['{col}'] = gdf['{col}'].astype('string').astype(object)."
            )

    def blank(col: str) -> pd.Series:
        # The column holds text or missing values only (checked above).
        values = out[col].to_numpy(dtype=object)
        flags = [not (isinstance(v, str) and v.strip()) for v in values]
        return pd.Series(flags, index=out.index, dtype=bool)

    hints = {
        "site_id": "Give every site an id, or read the file with io.read_inventory(), which "
        "generates ids from kind, former province and name.",
        "name_vi": "Every site needs its Vietnamese name.",
        "kind": "Set 'CCN' or 'KCN'; io.harmonise(..., kind='CCN') sets it for names "
        "without a prefix.",
        "former_province": "Set Hà Nam, Nam Định or Ninh Bình; io.harmonise() infers it from "
        "the former district or takes former_province=.",
    }
    for col in ("site_id", "name_vi"):
        if blank(col).any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': missing value in rows "
                f"{_ids(out, blank(col))}. {hints[col]}"
            )
    missing_prov = [c for c in REQUIRED_PROVENANCE if blank(c).any()]
    if missing_prov:
        rows = blank(missing_prov[0])
        raise SchemaError(
            f"Layer '{layer}', column(s) {missing_prov}: provenance missing in rows "
            f"{_ids(out, rows)}. Pass source=, source_date=, licence=, accuracy= to "
            f"ninhbinh_geo.io.read_inventory()/harmonise(), or fill them with "
            f"ninhbinh_geo._provenance.with_provenance(gdf, source='...', "
            f"source_date='YYYY-MM-DD', licence='...', accuracy='approximate')."
        )
    # A missing status is allowed: it means the sources do not say (NA, never guessed), and
    # every analysis treats it as unknown.
    for col in ("kind", "former_province"):
        if blank(col).any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': missing value in rows "
                f"{_ids(out, blank(col))}. {hints[col]}"
            )
    for col in _NAME_COLUMNS:
        if col not in out.columns:
            continue
        s = out[col]
        legacy = s.map(_looks_tcvn3).astype(bool)
        if legacy.any():
            raise EncodingError(
                f"Layer '{layer}', column '{col}': text looks like the legacy TCVN3 (ABC) "
                f"encoding in rows {_ids(out, legacy)} (e.g. {s[legacy].iloc[0]!r}). Read the file "
                f"with ninhbinh_geo.io.read_inventory() or pass the layer through "
                f"ninhbinh_geo.io.harmonise(), which converts TCVN3 to Unicode."
            )
        texts = [v for v in s.to_numpy(dtype=object) if isinstance(v, str)]
        if all(unicodedata.is_normalized("NFC", v) for v in texts):
            continue
        nfc = s.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
        changed = s.notna() & (nfc != s)
        if changed.any():
            if not repair:
                raise EncodingError(
                    f"Layer '{layer}', column '{col}': text is not Unicode NFC (decomposed "
                    f"accents, e.g. {s[changed].iloc[0]!r}) in rows {_ids(out, changed)}; names "
                    f"would not match. Normalise with unicodedata.normalize('NFC', ...) or call "
                    f"validate_sites(..., repair=True)."
                )
            out[col] = nfc
            repairs.append(
                f"{col}: normalised {int(changed.sum())} values to Unicode NFC "
                f"(rows {_ids(out, changed)})"
            )


def _check_values(out: gpd.GeoDataFrame, layer: str, kind: str | None) -> None:
    if kind is not None and kind not in KIND_VALUES:
        raise SchemaError(f"kind must be one of {KIND_VALUES} or None, not {kind!r}.")
    allowed = {
        "kind": (kind,) if kind else KIND_VALUES,
        "status": STATUS_VALUES,
        "former_province": FORMER_PROVINCES,
    }
    for col, values in allowed.items():
        bad = out[col].notna() & ~out[col].isin(values)
        if bad.any():
            found = sorted({str(v) for v in out.loc[bad, col]})[:5]
            fix = (
                f"This layer was validated as kind={kind!r}: pass the other kind to its own "
                f"layer, or validate with kind=None."
                if col == "kind" and kind
                else "Map your values onto these (io.harmonise() maps common Vietnamese and "
                "English words such as 'đang hoạt động' or 'quy hoạch')."
            )
            raise SchemaError(
                f"Layer '{layer}', column '{col}': value(s) {found} not allowed in rows "
                f"{_ids(out, bad)}. Allowed: {', '.join(values)}. {fix}"
            )
    for col in _ACCURACY_COLUMNS:
        if col not in out.columns:
            continue
        bad = out[col].notna() & ~out[col].isin(ACCURACY_CLASSES)
        if bad.any():
            found = sorted({str(v) for v in out.loc[bad, col]})[:5]
            raise SchemaError(
                f"Layer '{layer}', column '{col}': value(s) {found} not allowed in rows "
                f"{_ids(out, bad)}. Allowed accuracy classes: {', '.join(ACCURACY_CLASSES)} "
                f"(use 'illustrative' for anything drawn or modelled without real input)."
            )
    dup = out["site_id"].duplicated(keep=False)
    if dup.any():
        raise SchemaError(
            f"Layer '{layer}', column 'site_id': duplicate ids {_ids(out, dup)}. Each site is one "
            f"row with a unique id; merge the rows or make the ids unique (e.g. suffix -2)."
        )


def _check_types(out: gpd.GeoDataFrame, layer: str) -> None:
    for col in FLOAT_COLUMNS:
        if col not in out.columns:
            continue
        s = out[col]
        if ptypes.is_bool_dtype(s) or not (
            ptypes.is_numeric_dtype(s) or ptypes.is_object_dtype(s) or s.isna().all()
        ):
            bad = s.notna()
        elif ptypes.is_float_dtype(s) or ptypes.is_integer_dtype(s):
            bad = pd.Series(False, index=s.index)  # numbers already
        else:
            num = pd.to_numeric(s, errors="coerce")
            bad = s.notna() & num.isna() | s.map(lambda v: isinstance(v, bool))
        if bad.any():
            example = s[bad].iloc[0]
            raise SchemaError(
                f"Layer '{layer}', column '{col}': expected a number, found {example!r} in rows "
                f"{_ids(out, bad)}. Convert the column to numbers (decimal point, no thousands "
                f"separator; io.harmonise() converts '12,5' and '1.035,5'); unknown values are "
                f"NaN, never 0."
            )
        if s.dtype != "float64":
            out[col] = pd.to_numeric(s, errors="coerce").astype("float64")
    for col in INT_COLUMNS:
        if col not in out.columns:
            continue
        s = out[col]
        num = pd.to_numeric(s, errors="coerce")
        bad = (s.notna() & num.isna()) | (num.notna() & (num % 1 != 0))
        if bad.any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': expected a whole year, found "
                f"{s[bad].iloc[0]!r} in rows {_ids(out, bad)}. Use integers such as 2021, or NA."
            )
        if s.dtype != "Int64":
            out[col] = num.astype("Int64")
    for col in (*NULLABLE_BOOL_COLUMNS, *BOOL_COLUMNS):
        if col not in out.columns:
            continue
        s = out[col]
        if ptypes.is_bool_dtype(s):
            bad = pd.Series(False, index=s.index)  # bool or boolean: True/False/NA only
        else:
            bad = s.notna() & ~s.map(lambda v: isinstance(v, bool | np.bool_))
        if bad.any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': expected True/False, found {s[bad].iloc[0]!r} "
                f"in rows {_ids(out, bad)}. Convert the column to booleans "
                f"(e.g. s.map({{'có': True, 'không': False}}))."
            )
        if col in BOOL_COLUMNS:
            if s.isna().any():
                raise SchemaError(
                    f"Layer '{layer}', column '{col}': missing values in rows "
                    f"{_ids(out, s.isna())}. This flag must be known for every site; set True "
                    f"or False (False only where the source says so), or drop the column."
                )
            if s.dtype != bool:
                out[col] = s.astype(bool)
        elif s.dtype != "boolean":
            out[col] = s.astype("boolean")


def _check_area(out: gpd.GeoDataFrame, layer: str) -> None:
    area = out["area_ha"]
    bad = area.notna() & ((area <= 0) | (area >= MAX_PLAUSIBLE_AREA_HA))
    if bad.any():
        values = ", ".join(f"{v:g}" for v in area[bad].iloc[:5])
        raise SchemaError(
            f"Layer '{layer}', column 'area_ha': implausible area ({values} ha) in rows "
            f"{_ids(out, bad)}; a site must be > 0 and < {MAX_PLAUSIBLE_AREA_HA:g} ha. A value "
            f"this large is usually square metres: divide by 10,000 (io.harmonise() converts "
            f"columns named 'Diện tích (m2)'). Unknown areas are NaN, not 0."
        )


def _check_location(
    out: gpd.GeoDataFrame,
    layer: str,
    province: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None,
    province_margin_m: float,
) -> None:
    col = out.geometry.name
    if province is None:
        minx, miny, maxx, maxy = PROVINCE_BBOX
        b = out.geometry.bounds
        outside = (b["maxx"] < minx) | (b["minx"] > maxx) | (b["maxy"] < miny) | (b["miny"] > maxy)
        where = (
            f"the bounding box of the new Ninh Bình province {PROVINCE_BBOX} (about 20 km margin)"
        )
    else:
        if isinstance(province, gpd.GeoDataFrame | gpd.GeoSeries):
            prov = _crs.to_metric(gpd.GeoDataFrame(geometry=province.geometry), "province")
            shape = shapely.union_all(prov.geometry.values)
        else:
            shape = _crs.to_metric(gpd.GeoDataFrame(geometry=[province], crs=4326), "province")
            shape = shape.geometry.iloc[0]
        metric = _crs.project_checked(out).geometry  # ``out`` was checked at the door
        outside = pd.Series(metric.distance(shape) > province_margin_m, index=out.index)
        where = f"the province polygon (with a {province_margin_m:g} m margin)"
    if outside.any():
        raise SchemaError(
            f"Layer '{layer}', column '{col}': sites in rows {_ids(out, outside)} lie outside "
            f"{where}. Check the coordinates (a wrong CRS or a typo in lon/lat) or remove sites "
            f"of other provinces before the analysis."
        )


def validate_sites(
    gdf: gpd.GeoDataFrame,
    *,
    layer: str = "sites",
    kind: str | None = None,
    repair: bool = False,
    allow_points: bool = False,
    province: gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | None = None,
    province_margin_m: float = 1000.0,
) -> gpd.GeoDataFrame:
    """Check a cluster or park layer against the site-layer contract.

    Checks, in order: required columns (with provenance), CRS and plausible coordinates
    (:func:`ninhbinh_geo.crs.check_coordinates`: no CRS, metres labelled as degrees, lon/lat
    swapped), non-empty valid Polygon/MultiPolygon geometries of one type, text types, no
    missing ids/names/provenance, NFC names and no legacy TCVN3 text, number/boolean types,
    allowed values of ``kind``, ``status``, ``former_province`` and accuracy classes, unique
    ``site_id``, plausible ``area_ha`` and location inside the province.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The site layer, in any CRS.
    layer : str, default "sites"
        Name of the layer, used in messages.
    kind : {"CCN", "KCN"}, optional
        When given, every row must be of this kind (a clusters-only or parks-only layer).
    repair : bool, default False
        Repair invalid geometries with :func:`shapely.make_valid` and normalise names to NFC,
        instead of refusing them. Repairs are listed in ``result.attrs["repairs"]`` and
        announced by a :class:`UserWarning`.
    allow_points : bool, default False
        Accept a layer of Point geometries (locations without footprints).
    province : GeoDataFrame, GeoSeries or shapely geometry, optional
        Province outline; when given, sites farther than ``province_margin_m`` from it are
        refused instead of testing :data:`PROVINCE_BBOX`. A bare shapely geometry is taken
        to be in EPSG:4326.
    province_margin_m : float, default 1000.0
        Tolerance in metres for the province test (outlines are digitised differently).

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326 with the same index and columns; numbers as ``float64``,
        ``status_year`` as ``Int64``, ``has_wwtp``/``wwtp_compliant`` as pandas ``boolean``,
        ``major`` as ``bool``, ``craft_village``/``mountainous`` as nullable ``boolean``.
        ``attrs["repairs"]`` lists what was repaired (empty list when nothing was).

    Raises
    ------
    SchemaError
        Missing column, wrong type, value not allowed, duplicate id, implausible area, bad or
        empty or mixed geometry, site outside the province.
    CRSError
        No CRS, or coordinates that do not fit the CRS (mislabelled or swapped).
    EncodingError
        Names not in NFC (without ``repair``) or in the legacy TCVN3 encoding.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-NB-DEMO"], "name_vi": ["CCN Demo"], "kind": ["CCN"],
    ...      "former_province": ["Ninh Bình"], "status": ["operating"], "area_ha": [50.0],
    ...      "source": ["illustrative example"], "source_date": ["2025-07-01"],
    ...      "licence": ["CC0"], "accuracy": ["illustrative"]},
    ...     geometry=[box(105.97, 20.25, 105.98, 20.26)], crs="EPSG:4326")
    >>> out = validate_sites(sites, layer="clusters", kind="CCN")
    >>> out.crs.to_epsg(), out.attrs["repairs"]
    (4326, [])
    >>> validate_sites(sites.assign(status="active"))
    Traceback (most recent call last):
    ...
    ninhbinh_geo._errors.SchemaError: Layer 'sites', column 'status': value(s) ['active'] not ...
    """
    _check_frame(gdf, layer)
    _crs.check_coordinates(gdf, layer)
    repairs: list[str] = []
    out = gdf.copy()
    out.attrs = dict(gdf.attrs)
    geom = _check_geometry(out, layer, allow_points=allow_points, repair=repair, repairs=repairs)
    out = _crs.project_checked(out.set_geometry(geom), _crs.STORAGE_CRS)
    _check_text(out, layer, repair=repair, repairs=repairs)
    _check_types(out, layer)
    _check_values(out, layer, kind)
    _check_area(out, layer)
    _check_location(out, layer, province, province_margin_m)
    out.attrs["repairs"] = repairs
    if repairs:
        warnings.warn(f"Layer '{layer}': repaired " + "; ".join(repairs), UserWarning, stacklevel=2)
    return out


def _check_frame(gdf: gpd.GeoDataFrame, layer: str) -> None:
    """Check that the layer is a GeoDataFrame with rows and the required columns."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' is a {type(gdf).__name__}, not a GeoDataFrame. Read it with "
            f"ninhbinh_geo.io.read_layer() or build it with geopandas.GeoDataFrame(..., "
            f"geometry=..., crs=...)."
        )
    if gdf.empty:
        raise SchemaError(
            f"Layer '{layer}' has no rows. Check the file, layer name or filter that produced it."
        )
    _check_required(gdf, layer)
