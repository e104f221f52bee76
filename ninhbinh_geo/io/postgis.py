"""A planner's layer in PostgreSQL/PostGIS: connection URLs, reading a table, its provenance.

A layer in the office database is named by a libpq URL with two parameters of ours:
``postgresql://user@host:5432/gis?schema=quy_hoach&table=ccn`` (``schema`` defaults to
``public``; ``table=quy_hoach.ccn`` names both). Every other parameter (``host=/run/postgres``
for a Unix socket, ``sslmode`` …) goes to libpq as it is, and a password comes from the URL,
``PGPASSWORD`` or ``~/.pgpass`` as with ``psql``. :func:`read_postgis_layer` reads the table
with its geometry and CRS (from ``geometry_columns`` and ``spatial_ref_sys``) into the same
GeoDataFrame a file gives, so ``read_layer``/``read_inventory`` check it like a file.

The connection goes through psycopg 3 (``pip install "ninhbinh-geo[postgis]"``), imported
when a URL is used.
"""

from __future__ import annotations

import datetime
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import InputFileError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "URL_SCHEMES",
    "PostgisURL",
    "connect",
    "is_postgis_url",
    "parse_postgis_url",
    "postgis_provenance",
    "read_postgis_layer",
]

#: URL schemes that name a PostgreSQL database (libpq accepts both).
URL_SCHEMES = ("postgresql://", "postgres://")
#: URL parameters that are ours, not libpq's.
OUR_PARAMETERS = ("schema", "table")
_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")
# PostgreSQL types read as text (dates, times, JSON ...) or as numbers (numeric → float).
_AS_FLOAT = ("numeric", "money")
_AS_TEXT = ("date", "time", "timestamp", "interval", "json", "jsonb", "uuid", "xml", "ARRAY")


@dataclass(frozen=True)
class PostgisURL:
    """A parsed database URL: the libpq part, and the schema and table it names."""

    dsn: str
    schema: str | None
    table: str | None
    shown: str

    def qualified(self) -> str:
        """Return ``schema.table`` (``public`` when no schema was named)."""
        return f"{self.schema or 'public'}.{self.table}"


def is_postgis_url(value: object) -> bool:
    """Return whether ``value`` is a ``postgresql://`` (or ``postgres://``) URL.

    Examples
    --------
    >>> is_postgis_url("postgresql://gis@db/office?table=ccn"), is_postgis_url("ccn.gpkg")
    (True, False)
    """
    return isinstance(value, str) and value.lower().startswith(URL_SCHEMES)


def _hide_password(parts: urllib.parse.SplitResult) -> str:
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def parse_postgis_url(url: str) -> PostgisURL:
    """Split a database URL into the libpq connection string and our ``schema``/``table``.

    Parameters
    ----------
    url : str
        ``postgresql://[user[:password]@][host][:port]/dbname[?param=value&…]``.

    Returns
    -------
    PostgisURL
        ``dsn`` (the URL without ``schema``/``table``, for libpq), ``schema``, ``table``
        (``table=s.t`` sets both) and ``shown`` (the URL without its password, for messages).

    Raises
    ------
    InputFileError
        Not a postgresql:// URL, or a schema or table name that is not a plain identifier.

    Examples
    --------
    >>> u = parse_postgis_url("postgresql://gis@/office?host=/tmp&table=quy_hoach.ccn")
    >>> u.dsn, u.schema, u.table
    ('postgresql://gis@/office?host=%2Ftmp', 'quy_hoach', 'ccn')
    """
    if not is_postgis_url(url):
        raise InputFileError(
            f"'{url}' is not a database URL; write postgresql://user@host/dbname?table=NAME."
        )
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    ours = {k: v for k, v in query if k in OUR_PARAMETERS}
    rest = [(k, v) for k, v in query if k not in OUR_PARAMETERS]
    schema, table = ours.get("schema") or None, ours.get("table") or None
    if table and "." in table:
        schema, table = table.split(".", 1)
    shown = _hide_password(parts)
    for what, name in (("schema", schema), ("table", table)):
        if name is not None and not _IDENTIFIER_RE.match(name):
            raise InputFileError(
                f"Database URL {shown}: {what} {name!r} is not a plain name (letters, digits "
                f"and '_', at most 63); quoted names are not supported."
            )
    dsn = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(rest)))
    return PostgisURL(dsn=dsn, schema=schema, table=table, shown=shown)


def connect(url: PostgisURL, *, error: type[Exception] = InputFileError, **kwargs: Any) -> Any:
    """Open a psycopg connection to ``url``; our exception ``error`` when that fails.

    Raises
    ------
    InputFileError (or ``error``)
        psycopg is not installed, or the server refuses or cannot be reached.
    """
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is in the postgis and test extras
        raise error(
            "Reading or writing PostGIS needs psycopg: pip install 'ninhbinh-geo[postgis]'."
        ) from None
    try:
        return psycopg.connect(url.dsn, **kwargs)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise error(
            f"Cannot connect to {url.shown}: {first}. Check the host, database, user and "
            f"password (libpq reads PGPASSWORD and ~/.pgpass)."
        ) from None


def _geometry_column(cur: Any, url: PostgisURL, schema: str) -> tuple[str, int] | None:
    cur.execute(
        "SELECT f_geometry_column, srid FROM geometry_columns "
        "WHERE f_table_schema = %s AND f_table_name = %s ORDER BY f_geometry_column LIMIT 1",
        (schema, url.table),
    )
    row = cur.fetchone()
    return (row[0], int(row[1])) if row else None


def _columns(cur: Any, schema: str, table: str) -> list[tuple[str, str]]:
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    )
    return [(r[0], r[1]) for r in cur.fetchall()]


def _crs_of(cur: Any, srid: int) -> object:
    import pyproj

    if srid <= 0:
        return None
    cur.execute("SELECT auth_name, auth_srid, srtext FROM spatial_ref_sys WHERE srid = %s", (srid,))
    row = cur.fetchone()
    if row is None:
        return None
    auth, code, wkt = row
    if auth and auth.upper() == "EPSG" and code:
        return pyproj.CRS.from_epsg(int(code))
    return pyproj.CRS.from_wkt(wkt) if wkt else None


def _select(columns: list[tuple[str, str]], geom: str | None) -> Any:
    """``SELECT`` of the table's columns: numbers as float, dates as text, geometry as WKB."""
    from psycopg import sql

    parts = []
    for name, dtype in columns:
        if name == geom:
            continue
        ident = sql.Identifier(name)
        if dtype in _AS_FLOAT:
            parts.append(sql.SQL("{}::double precision AS {}").format(ident, ident))
        elif dtype.startswith(_AS_TEXT) or dtype == "USER-DEFINED":
            parts.append(sql.SQL("{}::text AS {}").format(ident, ident))
        else:
            parts.append(ident)
    if geom is not None:
        parts.append(sql.SQL("ST_AsBinary({}) AS __geom_wkb").format(sql.Identifier(geom)))
    return sql.SQL(", ").join(parts)


def read_postgis_layer(
    url: str, *, layer: str | None = None, crs: object = None
) -> gpd.GeoDataFrame:
    """Read a table of a PostGIS database into a GeoDataFrame, as a file would be read.

    Parameters
    ----------
    url : str
        ``postgresql://…?table=NAME`` (and ``schema=``, default ``public``); see
        :func:`parse_postgis_url`.
    layer : str, optional
        The table, when the URL names none (``schema.table`` allowed).
    crs : optional
        CRS of a table whose geometry has no SRID; refused when it contradicts the SRID.

    Returns
    -------
    geopandas.GeoDataFrame
        Every row, its columns (numeric as float, dates and times as text) and the geometry
        in the table's CRS. ``attrs``: ``source_path`` (the URL without password),
        ``format`` ("PostGIS"), ``layer`` (``schema.table``).

    Raises
    ------
    InputFileError
        No table named, psycopg missing, connection refused, table or geometry not found,
        empty table.
    CRSError
        No SRID and no ``crs``, or ``crs`` contradicts the SRID.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    from .columns import _row_labels
    from .vector import _with_file_crs

    parsed = parse_postgis_url(url)
    if layer and not parsed.table:
        parsed = parse_postgis_url(f"{url}{'&' if '?' in url else '?'}table={layer}")
    if not parsed.table:
        raise InputFileError(
            f"Database URL {parsed.shown} names no table; add ?table=NAME (or schema.NAME)."
        )
    schema = parsed.schema or "public"
    with connect(parsed) as con, con.cursor() as cur:
        columns = _columns(cur, schema, parsed.table)
        if not columns:
            raise InputFileError(
                f"Database {parsed.shown}: no table {schema}.{parsed.table} (or no right to "
                f"read it). Check ?schema= and ?table=."
            )
        found = _geometry_column(cur, parsed, schema)
        geom, srid = found if found else (None, 0)
        from psycopg import sql

        cur.execute(
            sql.SQL("SELECT {} FROM {}.{}").format(
                _select(columns, geom), sql.Identifier(schema), sql.Identifier(parsed.table)
            )
        )
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
        file_crs = _crs_of(cur, srid) if geom else None
    if not rows:
        raise InputFileError(
            f"Database {parsed.shown}: table {schema}.{parsed.table} is empty (no rows)."
        )
    frame = pd.DataFrame(rows, columns=names)
    wkb = frame.pop("__geom_wkb") if geom else pd.Series([None] * len(frame))
    geometry = shapely.from_wkb([None if w is None else bytes(w) for w in wkb])
    gdf = gpd.GeoDataFrame(frame, geometry=geometry, crs=file_crs)
    from pathlib import Path

    report: list[str] = []
    # _with_file_crs names the source in its messages by its file name
    gdf = _with_file_crs(gdf, Path(f"{schema}.{parsed.table}"), _user_crs(crs), report)
    gdf.attrs.update(
        {
            "source_path": parsed.shown,
            "format": "PostGIS",
            "layer": f"{schema}.{parsed.table}",
            "sheet": None,
            "encoding": "UTF-8",
            "read_report": report,
            "row_labels": _row_labels(gdf, None),
        }
    )
    return gdf


def _user_crs(crs: object) -> object:
    if crs is None:
        return None
    from .formats import _user_crs as parse

    return parse(crs)


def postgis_provenance(url: str) -> dict[str, str]:
    """Default provenance of a planner's database table that carries none of its own.

    The database twin of :func:`ninhbinh_geo.io.file_provenance`.

    Examples
    --------
    >>> p = postgis_provenance("postgresql://gis@db/office?schema=qh&table=ccn")
    >>> p["source"], p["accuracy"]
    ('user database table qh.ccn (postgresql://gis@db/office)', 'approximate')
    """
    parsed = parse_postgis_url(url)
    where = urllib.parse.urlunsplit(urllib.parse.urlsplit(parsed.shown)._replace(query=""))
    return {
        "source": f"user database table {parsed.qualified()} ({where})",
        "source_date": datetime.date.today().isoformat(),
        "licence": "not stated (user database)",
        "accuracy": "approximate",
    }
