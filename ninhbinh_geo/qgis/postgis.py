"""The styled layers in a PostGIS schema, with their QGIS styles in ``public.layer_styles``.

:func:`write_postgis` writes the layers of a review into one schema of a PostgreSQL/PostGIS
database the way QGIS itself would find them: one table per layer (primary key ``fid``,
geometry column ``geom`` typed and with an SRID, a GiST index), and every named style (QML and
SLD 1.1, :mod:`.named_styles`) in ``public.layer_styles``, the table QGIS's postgres provider
creates and reads (same columns and types as QGIS 3.22 creates; ``f_table_catalog`` is the
database, ``useAsDefault`` only on the default). QGIS then opens each table with its default
style and lists the alternates.

Atomic: everything happens in one transaction. The layers go into a new schema that no one
else sees until the commit; at the end the previous schema (if any) is renamed away, the new
one takes its name, the old tables are dropped and the style rows replaced, and the transaction
commits. A failed or killed write rolls back on the server and leaves the previous schema and
its styles intact. An advisory lock serialises two writers of the same schema. A schema is
replaced only if ninhbinh_geo wrote it (its comment says so), and objects outside it that
depend on its tables (a planner's view) stop the swap rather than being dropped.
"""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import __version__
from .. import crs as _crs
from .._errors import OutputError, SchemaError
from ..io.postgis import connect, parse_postgis_url
from ..styles import Legend
from .geopackage import _choose_crs, _is_spatial, _style_rows, _validate_layers
from .qml import _check_lang

__all__ = ["DEFAULT_SCHEMA", "LAYER_STYLES_DDL", "PostgisWrite", "write_postgis"]

#: Schema written when neither the URL (``?schema=``) nor ``schema=`` names one.
DEFAULT_SCHEMA = "ninhbinh_review"
#: Primary key and geometry column of every table (QGIS's own defaults for PostGIS imports).
PK, GEOM = "fid", "geom"
#: ``public.layer_styles`` exactly as QGIS 3.22 creates it (QgsPostgresProviderMetadata::saveStyle).
LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS public.layer_styles(
id SERIAL PRIMARY KEY
,f_table_catalog varchar
,f_table_schema varchar
,f_table_name varchar
,f_geometry_column varchar
,styleName text
,styleQML xml
,styleSLD xml
,useAsDefault boolean
,description text
,owner varchar(63) DEFAULT CURRENT_USER
,ui xml
,update_time timestamp DEFAULT CURRENT_TIMESTAMP
,type varchar
)
"""
#: Marks a schema as written by ninhbinh_geo (its COMMENT starts with this).
MARK = "ninhbinh_geo review"
_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,47}$")
_RESERVED = ("public", "information_schema", "topology", "tiger", "tiger_data")
# QGIS's geometry display string (the layer_styles "type" column) by geometry kind.
_QGIS_TYPE = {"point": "Point", "line": "Line", "polygon": "Polygon"}
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}


@dataclass(frozen=True)
class PostgisWrite:
    """What :func:`write_postgis` wrote: schema, tables with their row counts, SRID, styles."""

    schema: str
    tables: dict[str, int]
    srid: int
    styles: int
    replaced: bool


# --------------------------------------------------------------------------------------------
# Columns and rows
# --------------------------------------------------------------------------------------------


def _pg_type(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "bigint"
    if pd.api.types.is_float_dtype(series):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "timestamp"
    return "text"


def _geometry_type(gdf: gpd.GeoDataFrame, kind: str) -> tuple[str, bool]:
    """Return the PostGIS geometry type of the layer and whether single parts are promoted."""
    types = set(gdf.geometry.dropna().geom_type)
    if len(types) == 1:
        return next(iter(types)), False
    singles = {t for t in types if t in _MULTI}
    if types and types <= singles | {_MULTI[t] for t in singles}:
        return _MULTI[next(iter(singles))], True
    return {"point": "MultiPoint", "line": "MultiLineString", "polygon": "MultiPolygon"}.get(
        kind, "Geometry"
    ), True


def _values(series: pd.Series, pg_type: str) -> list[object]:
    """Python values psycopg adapts: None for missing, text for anything not a number."""
    missing = series.isna().to_numpy()
    values = series.astype(object).tolist()
    if pg_type == "text":
        return [None if m else str(v) for v, m in zip(values, missing, strict=True)]
    if pg_type == "timestamp":
        return [
            None if m else pd.Timestamp(v).to_pydatetime()
            for v, m in zip(values, missing, strict=True)
        ]
    cast = {"boolean": bool, "bigint": int, "double precision": float}[pg_type]
    return [None if m else cast(v) for v, m in zip(values, missing, strict=True)]


def _ewkb(gdf: gpd.GeoDataFrame, srid: int, promote: bool) -> list[str | None]:
    geoms = gdf.geometry.to_numpy()
    if promote:
        geoms = np.array(
            [
                g
                if g is None or g.geom_type.startswith("Multi")
                else {
                    "Point": shapely.MultiPoint,
                    "LineString": shapely.MultiLineString,
                    "Polygon": shapely.MultiPolygon,
                }[g.geom_type]([g])
                for g in geoms
            ],
            dtype=object,
        )
    geoms = shapely.set_srid(geoms, srid)
    return list(shapely.to_wkb(geoms, hex=True, include_srid=True))


# --------------------------------------------------------------------------------------------
# Checks (the door)
# --------------------------------------------------------------------------------------------


def _target_schema(url_schema: str | None, schema: str | None) -> str:
    name = schema or url_schema or DEFAULT_SCHEMA
    if not _SCHEMA_RE.match(name) or name in _RESERVED or name.startswith("pg_"):
        raise OutputError(
            f"Cannot write the review into schema {name!r}: use a new, lower-case name of "
            f"letters, digits and '_' (at most 48), not {', '.join(_RESERVED)} or pg_*; "
            f"e.g. ?schema={DEFAULT_SCHEMA}."
        )
    return name


def _check_columns(layers: Mapping[str, pd.DataFrame]) -> None:
    for name, df in layers.items():
        taken = [c for c in df.columns if str(c).lower() in (PK, GEOM) and c != _geom_name(df)]
        long = [c for c in df.columns if len(str(c).encode("utf-8")) > 63]
        if taken or long:
            raise SchemaError(
                f"Layer '{name}': columns {taken or long} cannot be PostGIS columns "
                f"({'reserved for the key and geometry' if taken else 'longer than 63 bytes'});"
                f" rename them."
            )


def _geom_name(df: pd.DataFrame) -> str | None:
    return df.geometry.name if _is_spatial(df) else None


# --------------------------------------------------------------------------------------------
# Writing, inside one transaction
# --------------------------------------------------------------------------------------------


def _ensure_srid(cur: Any, target: pyproj.CRS) -> int:
    """Return the SRID of ``target``; add it to ``spatial_ref_sys`` when PostGIS lacks it."""
    auth = target.to_authority()
    if not auth or auth[0] != "EPSG":
        raise OutputError(f"The export CRS {target.name} has no EPSG code for PostGIS.")
    srid = int(auth[1])
    cur.execute("SELECT 1 FROM spatial_ref_sys WHERE srid = %s", (srid,))
    if cur.fetchone() is None:
        # PostGIS ships an older EPSG list (VN-2000 / TM-3 105°30' = 9209 is newer); the row
        # is built as GDAL's PostgreSQL driver builds it: WKT and PROJ string.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            proj4 = target.to_proj4() or ""
        cur.execute(
            "INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
            "VALUES (%s, 'EPSG', %s, %s, %s)",
            (srid, srid, target.to_wkt("WKT1_GDAL"), proj4),
        )
    return srid


def _create_table(
    cur: Any, schema: str, name: str, df: pd.DataFrame, kind: str, srid: int
) -> tuple[list[str], list[str], bool]:
    from psycopg import sql

    geom_col = _geom_name(df)
    attrs = [c for c in df.columns if c != geom_col]
    types = [_pg_type(df[c]) for c in attrs]
    cols = [sql.SQL("{} bigint PRIMARY KEY").format(sql.Identifier(PK))]
    cols += [
        sql.SQL("{} {}").format(sql.Identifier(str(c)), sql.SQL(t))
        for c, t in zip(attrs, types, strict=True)
    ]
    promote = False
    if geom_col is not None:
        gtype, promote = _geometry_type(df, kind)
        cols.append(
            sql.SQL("{} geometry({}, {})").format(
                sql.Identifier(GEOM), sql.SQL(gtype), sql.Literal(srid)
            )
        )
    cur.execute(
        sql.SQL("CREATE TABLE {}.{} ({})").format(
            sql.Identifier(schema), sql.Identifier(name), sql.SQL(", ").join(cols)
        )
    )
    return [str(c) for c in attrs], types, promote


def _copy_rows(
    cur: Any,
    schema: str,
    name: str,
    df: pd.DataFrame,
    attrs: list[str],
    types: list[str],
    srid: int,
    promote: bool,
) -> None:
    from psycopg import sql

    geom_col = _geom_name(df)
    columns = [PK, *attrs] + ([GEOM] if geom_col else [])
    data = [list(range(1, len(df) + 1))]
    data += [_values(df[c], t) for c, t in zip(attrs, types, strict=True)]
    if geom_col:
        data.append(_ewkb(df, srid, promote))
    statement = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
        sql.Identifier(schema),
        sql.Identifier(name),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )
    with cur.copy(statement) as copy:
        for row in zip(*data, strict=True):
            copy.write_row(row)
    if geom_col:
        cur.execute(
            sql.SQL("CREATE INDEX ON {}.{} USING gist ({})").format(
                sql.Identifier(schema), sql.Identifier(name), sql.Identifier(GEOM)
            )
        )


def _write_tables(
    cur: Any,
    staging: str,
    layers: Mapping[str, pd.DataFrame],
    kinds: Mapping[str, str],
    target: pyproj.CRS,
    srid: int,
) -> dict[str, int]:
    """Create the staging schema and write every layer into it (reprojected to ``target``)."""
    from psycopg import sql

    cur.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(staging)))
    written = {}
    for name, df in layers.items():
        if _is_spatial(df):
            df = _crs.project_checked(df, target)
        attrs, types, promote = _create_table(cur, staging, name, df, kinds[name], srid)
        _copy_rows(cur, staging, name, df, attrs, types, srid, promote)
        written[name] = len(df)
    return written


def _write_styles(
    cur: Any, schema: str, rows: list[dict[str, object]], kinds: Mapping[str, str]
) -> int:
    """Replace the schema's rows of ``public.layer_styles`` by the named styles of the layers."""
    cur.execute(LAYER_STYLES_DDL)
    cur.execute(
        "DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() "
        "AND f_table_schema = %s",
        (schema,),
    )
    for row in rows:
        table = str(row["f_table_name"])
        cur.execute(
            "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time, type) VALUES (current_database(), %s, %s, %s, %s, "
            "XMLPARSE(DOCUMENT %s), XMLPARSE(DOCUMENT %s), %s, %s, current_user, NULL, "
            "CURRENT_TIMESTAMP, %s)",
            (
                schema,
                table,
                GEOM,
                row["styleName"],
                row["styleQML"],
                row["styleSLD"],
                bool(row["useAsDefault"]),
                row["description"],
                _QGIS_TYPE[kinds[table]],
            ),
        )
    return len(rows)


def _previous(cur: Any, schema: str, shown: str) -> bool:
    """Return whether ``schema`` exists; refuse one that ninhbinh_geo did not write."""
    cur.execute(
        "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
        (schema,),
    )
    row = cur.fetchone()
    if row is None:
        return False
    if not (row[0] or "").startswith(MARK):
        raise OutputError(
            f"Schema {schema!r} of {shown} exists and was not written by ninhbinh_geo; it is "
            f"left alone. Choose another schema (?schema=NAME) or drop it yourself."
        )
    return True


def _swap(cur: Any, schema: str, staging: str, replaced: bool) -> None:
    """Put the staging schema in the place of ``schema``; drop the previous one's tables."""
    from psycopg import errors, sql

    old = f"{schema}__old"
    if replaced:
        cur.execute(
            sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                sql.Identifier(schema), sql.Identifier(old)
            )
        )
    cur.execute(
        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
            sql.Identifier(staging), sql.Identifier(schema)
        )
    )
    if not replaced:
        return
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (old,))
    tables = [r[0] for r in cur.fetchall()]
    try:
        if tables:
            cur.execute(
                sql.SQL("DROP TABLE {}").format(
                    sql.SQL(", ").join(sql.Identifier(old, t) for t in tables)
                )
            )
        cur.execute(sql.SQL("DROP SCHEMA {}").format(sql.Identifier(old)))
    except errors.DependentObjectsStillExist as exc:
        raise OutputError(
            f"Schema {schema!r} cannot be replaced: {exc.diag.message_primary}. "
            f"{exc.diag.message_detail or ''} Drop or move those objects (views of the "
            f"review's tables belong in another schema), then write again. Nothing changed."
        ) from None


def write_postgis(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    url: str,
    *,
    schema: str | None = None,
    crs: object | None = None,
    lang: str = "vi",
) -> PostgisWrite:
    """Write the layers into a PostGIS schema with their QGIS styles in ``public.layer_styles``.

    The same layers, CRS and styles as :func:`export_geopackage`: each layer becomes a table
    of ``schema`` (key ``fid``, geometry ``geom`` in one VN-2000 TM-3 zone, GiST index), each
    named style a row of ``public.layer_styles`` as QGIS stores it, so that QGIS opens the
    tables with their default style and lists the alternates. Atomic: the new schema replaces
    the previous one in the transaction that wrote it; a failure leaves the previous one.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame or DataFrame
        Layers by name (ASCII identifiers), as for :func:`export_geopackage`.
    legends : dict of str to Legend
        Their default legends (:func:`ninhbinh_geo.styles.default_legends`).
    url : str
        ``postgresql://user@host:port/dbname?schema=NAME`` (libpq URL; the password from the
        URL, ``PGPASSWORD`` or ``~/.pgpass``). The database needs the ``postgis`` extension.
    schema : str, optional
        The schema (overrides ``?schema=``); default :data:`DEFAULT_SCHEMA`. A schema is
        replaced only when ninhbinh_geo wrote it.
    crs : str, optional
        Export CRS (metric); default the zone of most sites, as in the GeoPackage.
    lang : {"vi", "en"}, default "vi"
        Language of the style names, legends and descriptions.

    Returns
    -------
    PostgisWrite
        The schema, the tables with their row counts, the SRID, the number of style rows and
        whether a previous schema was replaced.

    Raises
    ------
    SchemaError, CRSError
        As :func:`export_geopackage` checks the layers; a column named ``fid``/``geom``.
    OutputError
        psycopg missing, connection refused, no PostGIS, a schema name that is not allowed or
        a schema ninhbinh_geo did not write, objects depending on the previous tables, or the
        server refusing the write. The previous schema is then unchanged.
    """
    _check_lang(lang)
    parsed = parse_postgis_url(url)
    target_schema = _target_schema(parsed.schema, schema)
    kinds = _validate_layers(layers, legends)
    _check_columns(layers)
    target = _choose_crs(layers, crs)
    rows = _style_rows(layers, legends, kinds, lang)
    return _write(parsed, target_schema, layers, kinds, target, rows)


def _write(
    parsed: Any,
    schema: str,
    layers: Mapping[str, pd.DataFrame],
    kinds: Mapping[str, str],
    target: pyproj.CRS,
    rows: list[dict[str, object]],
) -> PostgisWrite:
    import psycopg

    staging = f"{schema}__new"
    with connect(parsed, error=OutputError) as con:
        try:
            with con.transaction(), con.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{MARK}:{schema}",))
                cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
                if cur.fetchone() is None:
                    raise OutputError(
                        f"Database {parsed.shown} has no PostGIS; run CREATE EXTENSION postgis "
                        f"there (as its owner) first."
                    )
                replaced = _previous(cur, schema, parsed.shown)
                srid = _ensure_srid(cur, target)
                tables = _write_tables(cur, staging, layers, kinds, target, srid)
                stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
                cur.execute(f"COMMENT ON SCHEMA \"{staging}\" IS '{MARK} {__version__}, {stamp}'")
                styles = _write_styles(cur, schema, rows, kinds)
                _swap(cur, schema, staging, replaced)
        except psycopg.Error as exc:
            raise OutputError(
                f"Could not write the review into {parsed.shown}, schema {schema!r}: "
                f"{str(exc).strip().splitlines()[0]}. The previous schema is unchanged."
            ) from None
    return PostgisWrite(schema, tables, srid, styles, replaced)
