"""PostGIS: the styled review layers written into a schema atomically, and read back.

Runs against a real PostgreSQL/PostGIS server: the one ``.ci/run`` starts (its URL in
``NINHBINH_TEST_POSTGIS_URL``), else a throwaway one started here (tests/pg_throwaway.py, from
Debian's ``postgresql`` and ``postgis``), else every test skips with the reason. Each test
writes its own schema. The kill tests SIGKILL a writer (this file run as a child process) at a
known point of its transaction, like tests/test_reliability.py does for files.

Fixtures are illustrative layers built in code (tests/test_qgis.py and
tests/test_qgis_deliverables.py): clusters with a hostile name, a NaN area, booleans and an
integer column with NA; an exposure table; a province outline.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ninhbinh_geo import crs as nb_crs
from ninhbinh_geo import io, qgis, styles
from ninhbinh_geo._errors import InputFileError, OutputError, SchemaError
from ninhbinh_geo.io.postgis import parse_postgis_url, read_postgis_layer
from ninhbinh_geo.qgis import postgis as qpostgis
from ninhbinh_geo.qgis.named_styles import STYLE_NAME

sys.path.insert(0, str(Path(__file__).parent))
import pg_throwaway
from test_qgis import _CLUSTERS, _qgis_available, _sites

#: Makes this run's schemas, views and tables its own on a server other runs used too.
RUN = uuid.uuid4().hex[:6]
PSYCOPG = pytest.importorskip("psycopg", reason="psycopg not installed (pip install '.[test]')")
# The columns and types of public.layer_styles as QGIS 3.22 creates it: read from the table
# QGIS 3.22.16 itself created (QgsVectorLayer.saveStyleToDatabase on a fresh database).
QGIS_LAYER_STYLES = [
    ("id", "integer"),
    ("f_table_catalog", "character varying"),
    ("f_table_schema", "character varying"),
    ("f_table_name", "character varying"),
    ("f_geometry_column", "character varying"),
    ("stylename", "text"),
    ("styleqml", "xml"),
    ("stylesld", "xml"),
    ("useasdefault", "boolean"),
    ("description", "text"),
    ("owner", "character varying"),
    ("ui", "xml"),
    ("update_time", "timestamp without time zone"),
    ("type", "character varying"),
]


def make_layers() -> dict[str, pd.DataFrame]:
    """Small illustrative review layers (also built by the child process)."""
    clusters = _sites(_CLUSTERS, "CCN").assign(
        occupancy_pct=[80.0, np.nan, 35.0, 60.0],
        worst_result=pd.array(["pass", "fail", "needs_review", pd.NA], dtype="string"),
    )
    province = _sites(_CLUSTERS[:1], "CCN")[["geometry"]].assign(
        name=["Ninh Bình"], source="test boundary", accuracy="illustrative"
    )
    province = province.set_geometry([box(105.75, 20.05, 106.35, 20.75)], crs="EPSG:4326")
    exposure = clusters[["site_id", "geometry"]].assign(
        hazard="illustrative_depth_rp00100",
        return_period=100.0,
        exposed_share=[0.0, 0.25, 0.5, 1.0],
        max_depth_m=[0.0, 0.3, 0.8, 2.1],
        accuracy="illustrative",
    )
    return {"province": province, "exposure": exposure, "clusters": clusters}


@pytest.fixture(scope="session")
def pg_url():
    url = os.environ.get(pg_throwaway.ENV_URL)
    if url:
        yield url
        return
    reason = pg_throwaway.missing_reason()
    if reason:
        pytest.skip(reason)
    folder, url = pg_throwaway.start()
    try:
        yield url
    finally:
        pg_throwaway.stop(folder)


def _url(base: str, **params: str) -> str:
    return base + "".join(f"&{k}={v}" if "?" in base else f"?{k}={v}" for k, v in params.items())


def _exec(url: str, sql: str) -> None:
    with PSYCOPG.connect(parse_postgis_url(url).dsn) as con:
        con.execute(sql)


def _query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with PSYCOPG.connect(parse_postgis_url(url).dsn) as con:
        return con.execute(sql, params or None).fetchall()


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    return make_layers()


@pytest.fixture(scope="module")
def legends(layers) -> dict[str, styles.Legend]:
    return styles.default_legends(layers, k=3)


@pytest.fixture(scope="module")
def written(pg_url, layers, legends):
    url = _url(pg_url, schema=f"rt_review_{RUN}")
    return url, qgis.write_postgis(layers, legends, url, crs="EPSG:9209", lang="vi")


# ------------------------------------------------------------------------------------------
# Round trip
# ------------------------------------------------------------------------------------------


def test_round_trip_layers_crs_and_attributes(written, layers):
    url, result = written
    assert result.tables == {"province": 1, "exposure": 4, "clusters": 4}
    # EPSG:9209 (VN-2000 / TM-3 105°30') is newer than PostGIS 3.3's list: added from pyproj
    assert result.srid == 9209
    assert result.replaced is False
    back = read_postgis_layer(_url(url, table=f"rt_review_{RUN}.clusters"))
    assert back.crs.to_epsg() == 9209
    assert back.attrs["format"] == "PostGIS"
    original = layers["clusters"]
    assert back["site_id"].tolist() == original["site_id"].tolist()
    assert back["name_vi"].tolist() == original["name_vi"].tolist()  # hostile text intact
    assert back["fid"].tolist() == [1, 2, 3, 4]
    np.testing.assert_array_equal(back["area_ha"].to_numpy(), original["area_ha"].to_numpy())
    assert back["has_wwtp"].tolist() == [True, None, None, None]
    assert back["status_year"].tolist()[0] == 2019
    assert pd.isna(back["status_year"].tolist()[1])
    assert back["worst_result"].tolist()[:3] == ["pass", "fail", "needs_review"]
    # the geometry is the input in the export zone (to the nanometre)
    want = nb_crs.project_checked(original, "EPSG:9209").geometry
    assert back.geometry.geom_equals_exact(want.set_axis(back.index), tolerance=1e-6).all()
    rows = _query(
        url,
        "SELECT type, srid FROM geometry_columns WHERE f_table_schema = "
        f"'rt_review_{RUN}' ORDER BY f_table_name",
    )
    assert rows == [("POLYGON", 9209), ("POLYGON", 9209), ("POLYGON", 9209)]


def test_layer_styles_rows_as_qgis_stores_them(written, pg_url):
    url, result = written
    columns = _query(
        url,
        "SELECT column_name, data_type FROM information_schema.columns WHERE "
        "table_schema = 'public' AND table_name = 'layer_styles' ORDER BY ordinal_position",
    )
    assert columns[: len(QGIS_LAYER_STYLES)] == QGIS_LAYER_STYLES
    rows = _query(
        url,
        "SELECT f_table_catalog, f_table_name, f_geometry_column, stylename, useasdefault, "
        "type, owner, styleqml::text, stylesld::text FROM public.layer_styles "
        f"WHERE f_table_schema = 'rt_review_{RUN}' ORDER BY id",
    )
    assert result.styles == len(rows) == 1 + 2 + 4
    database = parse_postgis_url(pg_url).dsn.split("/")[-1].split("?")[0]
    assert {r[0] for r in rows} == {database}
    assert {r[2] for r in rows} == {"geom"}
    assert {r[5] for r in rows} == {"Polygon"}
    by_table: dict[str, list[tuple]] = {}
    for r in rows:
        by_table.setdefault(r[1], []).append(r)
    assert by_table["clusters"][0][3] == STYLE_NAME
    assert [r[4] for r in by_table["clusters"]] == [True, False, False, False]
    assert all(r[7].startswith("<!DOCTYPE qgis") for r in rows)
    assert all("StyledLayerDescriptor" in r[8] for r in rows)


def test_second_write_replaces_schema_and_styles(pg_url, layers, legends):
    url = _url(pg_url, schema=f"rep_review_{RUN}")
    qgis.write_postgis(layers, legends, url)
    smaller = {"clusters": layers["clusters"].iloc[:2]}
    result = qgis.write_postgis(smaller, legends, url)
    assert result.replaced is True
    tables = _query(url, f"SELECT tablename FROM pg_tables WHERE schemaname = 'rep_review_{RUN}'")
    assert tables == [("clusters",)]
    assert _query(url, f"SELECT count(*) FROM rep_review_{RUN}.clusters") == [(2,)]
    styles_ = _query(
        url, f"SELECT count(*) FROM public.layer_styles WHERE f_table_schema = 'rep_review_{RUN}'"
    )
    assert styles_ == [(4,)]
    leftovers = _query(
        url, f"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rep_review_{RUN}_%'"
    )
    assert leftovers == []


def test_a_schema_ninhbinh_geo_did_not_write_is_left_alone(pg_url, layers, legends):
    _exec(pg_url, f"CREATE SCHEMA planner_{RUN}; CREATE TABLE planner_{RUN}.mine (x int)")
    with pytest.raises(OutputError, match="not written by ninhbinh_geo"):
        qgis.write_postgis(layers, legends, _url(pg_url, schema=f"planner_{RUN}"))
    assert _query(pg_url, f"SELECT count(*) FROM planner_{RUN}.mine") == [(0,)]
    for bad in ("public", "Upper", "pg_x", "a-b"):
        with pytest.raises(OutputError, match="Cannot write the review into schema"):
            qgis.write_postgis(layers, legends, pg_url, schema=bad)


def test_a_view_on_the_review_stops_the_swap(pg_url, layers, legends):
    url = _url(pg_url, schema=f"view_review_{RUN}")
    qgis.write_postgis(layers, legends, url)
    _exec(
        pg_url, f"CREATE VIEW public.my_ccn_{RUN} AS SELECT site_id FROM view_review_{RUN}.clusters"
    )
    with pytest.raises(OutputError, match=r"cannot be replaced.*Nothing changed"):
        qgis.write_postgis({"clusters": layers["clusters"].iloc[:1]}, legends, url)
    assert _query(pg_url, f"SELECT count(*) FROM public.my_ccn_{RUN}") == [(4,)]
    assert _query(pg_url, f"SELECT count(*) FROM view_review_{RUN}.clusters") == [(4,)]


def test_bad_inputs_raise_our_errors(pg_url, layers, legends):
    with pytest.raises(SchemaError, match="reserved"):
        qgis.write_postgis({"clusters": layers["clusters"].assign(fid=1)}, legends, pg_url)
    with pytest.raises(OutputError, match="Cannot connect"):
        qgis.write_postgis(layers, legends, "postgresql://nobody@/nodb?host=/nonexistent")
    with pytest.raises(InputFileError, match="names no table"):
        read_postgis_layer(pg_url)
    with pytest.raises(InputFileError, match=r"no table public\.nothing"):
        read_postgis_layer(_url(pg_url, table="nothing"))
    with pytest.raises(InputFileError, match="not a plain name"):
        parse_postgis_url("postgresql://u@h/db?table=a;drop")


def test_planner_layer_read_back_through_the_io_checks(written):
    url, _ = written
    sites = io.read_inventory(
        _url(url, table=f"rt_review_{RUN}.clusters"),
        kind="CCN",
        source="office database",
        source_date="2025-07-01",
        licence="internal",
        accuracy="approximate",
    )
    assert sites.crs.to_epsg() == 4326
    assert sites["site_id"].tolist() == make_layers()["clusters"]["site_id"].tolist()
    # a table breaking the site contract is refused with our error, as a file would be
    _exec(
        url,
        f"CREATE TABLE public.no_names_{RUN} (id int, geom geometry(Point, 4326)); "
        f"INSERT INTO public.no_names_{RUN} VALUES (1, ST_SetSRID(ST_MakePoint(106, 20.3), "
        "4326))",
    )
    with pytest.raises(Exception) as err:  # the package's own error, whichever
        io.read_inventory(_url(url, table=f"no_names_{RUN}"), kind="CCN", allow_points=True)
    assert type(err.value).__module__ == "ninhbinh_geo._errors"


def test_cli_review_options_and_check_read_postgis(written, tmp_path):
    url, _ = written
    from ninhbinh_geo import review
    from ninhbinh_geo.cli import build_parser, main

    table_url = _url(url, table=f"rt_review_{RUN}.clusters")
    args = build_parser().parse_args(
        ["review", "--clusters", table_url, "--to-postgis", _url(url, schema="x")]
    )
    assert args.clusters == table_url
    state = review.inputs.load_inputs(review.ReviewOptions(clusters=table_url), tmp_path)
    assert len(state.clusters) == 4
    # the table's own provenance wins over the database defaults, as a file's columns do
    assert state.clusters["source"].iloc[0] == "test fixture"
    assert main(["check", table_url, "--kind", "CCN"]) == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["review", "--clusters", url])  # no table=


# ------------------------------------------------------------------------------------------
# Killed writer
# ------------------------------------------------------------------------------------------


def _child(url: str, signal_path: str, stage: str) -> None:
    """Write ``make_layers`` with a pause (signal, then sleep) at ``stage`` of the transaction."""
    layers = make_layers()
    legends = styles.default_legends(layers, k=3)
    original = {"tables": qpostgis._write_tables, "swap": qpostgis._swap}[stage]

    def pausing(*args, **kwargs):
        out = original(*args, **kwargs)
        tmp = Path(signal_path + ".part")
        tmp.write_text(json.dumps({"pid": os.getpid(), "stage": stage}), encoding="utf-8")
        tmp.replace(signal_path)
        time.sleep(600)
        sys.exit(99)
        return out

    setattr(qpostgis, f"_{'write_tables' if stage == 'tables' else 'swap'}", pausing)
    qgis.write_postgis({**layers, "clusters": layers["clusters"].iloc[:1]}, legends, url)


def _kill_at(tmp_path: Path, url: str, stage: str) -> None:
    signal_path = tmp_path / f"signal-{stage}.json"
    proc = subprocess.Popen(
        [sys.executable, __file__, "child", url, str(signal_path), stage],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / f"child-{stage}.log").open("w"),
    )
    try:
        deadline = time.monotonic() + 60
        while not signal_path.exists():
            assert proc.poll() is None, (tmp_path / f"child-{stage}.log").read_text()
            assert time.monotonic() < deadline, "the writer never reached its pause point"
            time.sleep(0.05)
        assert json.loads(signal_path.read_text())["stage"] == stage
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()


def _snapshot(url: str, schema: str) -> tuple:
    return (
        _query(url, f"SELECT count(*) FROM {schema}.clusters"),
        _query(
            url,
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            (schema,),
        ),
        _query(
            url,
            "SELECT stylename, useasdefault FROM public.layer_styles WHERE "
            "f_table_schema = %s ORDER BY id",
            (schema,),
        ),
        _query(
            url,
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY 1",
            (f"{schema}%",),
        ),
    )


@pytest.mark.parametrize("stage", ["tables", "swap"])
def test_killed_write_leaves_the_previous_schema(tmp_path, pg_url, layers, legends, stage):
    schema = f"kill_{stage}_{RUN}"
    url = _url(pg_url, schema=schema)
    qgis.write_postgis(layers, legends, url)
    before = _snapshot(url, schema)
    assert before[0] == [(4,)]
    assert before[3] == [(schema,)]
    # killed after the new tables were written ("tables") or after the schemas were swapped
    # inside the transaction, just before its commit ("swap")
    _kill_at(tmp_path, url, stage)
    # the server rolled the transaction back: same tables, comment, styles; no staging schema
    deadline = time.monotonic() + 30
    while (
        _query(url, "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in%'")[0][0]
        and time.monotonic() < deadline
    ):
        time.sleep(0.1)
    assert _snapshot(url, schema) == before
    # and the lock died with the writer: the next write goes through
    result = qgis.write_postgis({"clusters": layers["clusters"].iloc[:2]}, legends, url)
    assert result.replaced is True
    assert _query(url, f"SELECT count(*) FROM {schema}.clusters") == [(2,)]


# ------------------------------------------------------------------------------------------
# Real QGIS 3.22 opens the tables with their default style from public.layer_styles
# ------------------------------------------------------------------------------------------


@pytest.mark.qgis
@pytest.mark.slow
def test_qgis_loads_styled_layers_from_the_database(tmp_path, written, layers, legends):
    reason = _qgis_available()
    if reason:
        pytest.skip(reason)
    # the usual zone (EPSG:5897, in PostGIS's own list)
    url = _url(written[0].split("&schema=")[0], schema=f"qgis_review_{RUN}")
    qgis.write_postgis(layers, legends, url, crs="EPSG:5897")
    parts = parse_postgis_url(url)
    import urllib.parse

    split = urllib.parse.urlsplit(parts.dsn)
    query = dict(urllib.parse.parse_qsl(split.query))
    request = {
        "host": query.get("host") or split.hostname or "localhost",
        "port": str(split.port or 5432),
        "dbname": split.path.lstrip("/"),
        "user": split.username or "",
        "schema": f"qgis_review_{RUN}",
        "srid": 5897,
        "tables": ["clusters", "exposure", "province"],
    }
    from test_qgis_deliverables import _run_probe

    report = _run_probe(tmp_path, {"gpkg": "", "postgis": request})["postgis"]
    clusters = report["clusters"]
    assert clusters["valid"]
    assert clusters["crs"] == "EPSG:5897"
    assert clusters["feature_count"] == 4
    # its default style from public.layer_styles: the legend's classes and colours
    assert clusters["renderer"] == "graduatedSymbol"
    lg = legends["clusters"]
    assert [c["color"] for c in clusters["classes"][:-1]] == [c.color for c in lg.classes]
    assert clusters["feature_colors"] == lg.colors(layers["clusters"]["area_ha"]).tolist()
    assert clusters["label_field"] == "name_vi"
    # QGIS lists this table's four named styles first (then other tables' styles)
    assert clusters["related_styles"] == 4
    assert clusters["database_styles"][:4] == [
        s.name for s in qgis.named_styles({"clusters": layers["clusters"]}, legends)["clusters"]
    ]
    assert report["exposure"]["renderer"] == "graduatedSymbol"
    assert report["province"]["renderer"] == "singleSymbol"


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "child":
    _child(sys.argv[2], sys.argv[3], sys.argv[4])
