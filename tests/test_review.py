"""The whole review on the embedded data: what it writes, and that it never half-writes."""

import hashlib
import re
import sqlite3

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from report_text import english_codes, english_numbers, markdown_table, parse_official_cell

from ninhbinh_geo import datasets, report, review, staticmap
from ninhbinh_geo._errors import OutputError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    lines = []
    result = review.run_review(out, progress=lines.append)
    return out, result, lines


def _digest(folder):
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_output_is_written(reviewed):
    out, result, lines = reviewed
    for name in review.OUTPUT_NAMES:
        assert (out / name).exists(), name
    assert {p.name for p in result.paths} == set(review.OUTPUT_NAMES)
    for stem in staticmap.MAP_NAMES:  # PNG only by default; PDF on request (--formats)
        assert (out / "maps" / f"map_{stem}.png").stat().st_size > 10_000
    assert not list((out / "maps").glob("*.pdf"))
    for table in (
        "facts",
        "coverage",
        "efficiency",
        "proximity",
        "exposure",
        "ead",
        "findings",
        "findings_summary",
        "rules",
        "sources",
        "network",
    ):
        assert (out / "tables" / f"{table}.csv").exists(), table
    # progress was reported step by step and nothing of the staging folder is left
    from ninhbinh_geo.review import steps

    total = 1 + len(steps.STEPS) + len(review.OUTPUT_GROUPS)
    assert lines[0].startswith(f"[1/{total}]")
    assert lines[-1].startswith(f"[{total}/{total}]")
    assert not list(out.glob(".ninhbinh-geo-staging-*"))


def test_web_map_has_the_basemap_and_scenarios_within_its_size_budget(reviewed):
    out, _, _ = reviewed
    page = (out / "map.html").read_text(encoding="utf-8")
    # issue 15: under 6 MB with the offline basemap embedded and every scenario drawn
    assert (out / "map.html").stat().st_size < 6_000_000
    assert "var Embedded = L.TileLayer.extend" in page
    assert '"minNativeZoom":8,"maxNativeZoom":11' in page
    # one scenario at a time: the hazard zones traced from the 100-year raster, the demo's
    # exposure per return period (10, 100 and 1000 years)
    keys = re.findall(r'"0:\d+:"(?=: geo_json)', page)
    assert keys == ['"0:100:"', '"0:10:"', '"0:100:"', '"0:1000:"']
    # coordinates cut to 5 decimals: no number with 6 in the GeoJSON
    geometry = re.findall(r'"coordinates":\[[^"]*', page)
    assert geometry
    assert not any(re.search(r"\.\d{6}", g) for g in geometry)


def test_geopackage_layers_columns_and_zone(reviewed):
    out, result, _ = reviewed
    layers = dict(pyogrio.list_layers(out / "review.gpkg"))
    for name in (
        "province",
        "districts",
        "parks",
        "clusters",
        "satellite_links",
        "exposure",
        "zoning_findings",
        "layer_styles",
    ):
        assert name in layers
    clusters = gpd.read_file(out / "review.gpkg", layer="clusters")
    for col in (
        "nearest_park",
        "straight_km",
        "road_km",
        "snap_m",
        "detour_ratio",
        "is_satellite",
        "occupancy_pct",
        "jobs_per_ha",
        "projects_per_ha",
        "source",
        "licence",
        "accuracy",
    ):
        assert col in clusters.columns, col
    # most sites lie in the former Hà Nam and Ninh Bình: VN-2000 TM-3 105°00'
    assert clusters.crs.to_epsg() == 5897
    assert len(clusters) == len(result.layers["clusters"])
    findings = gpd.read_file(out / "review.gpkg", layer="zoning_findings")
    for col in (
        "site_id",
        "rule_id",
        "result",
        "measured",
        "threshold",
        "unit",
        "legal_source",
        "source_status",
    ):
        assert col in findings.columns, col
    assert set(findings["result"]) <= {"pass", "fail", "needs_review", "not_applicable"}
    with sqlite3.connect(out / "review.gpkg") as con:
        styled = {r[0] for r in con.execute("SELECT f_table_name FROM layer_styles")}
    assert {"clusters", "parks", "zoning_findings", "exposure"} <= styled


def test_every_layer_carries_provenance(reviewed):
    _, result, _ = reviewed
    for name, gdf in result.layers.items():
        for col in ("source", "licence", "accuracy", "source_date"):
            assert col in gdf.columns, (name, col)
            assert gdf[col].notna().all(), (name, col)


def test_straight_and_road_distances_are_consistent(reviewed):
    _, result, _ = reviewed
    c = result.layers["clusters"]
    assert (c["straight_km"] >= 0).all()
    both = c.dropna(subset=["road_km"])
    assert len(both) > 10
    # along roads is never shorter than the straight line between the same two places
    assert (both["road_km"] >= both["road_straight_km"] - 1e-9).all()
    # a missing road distance always says why
    assert c.loc[c["road_km"].isna(), "road_reason"].str.len().gt(0).all()


def test_report_names_sources_and_illustrative_layers(reviewed):
    out, _, _ = reviewed
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    for text in (html, md):
        assert "MINH HỌA" in text
        assert "CC BY-SA 4.0" in text
        assert "Decree 32/2024" in text or "32/2024" in text
    # the official figures with their qualifier, never another number, written the vi way
    assert "&gt; 5.400 (Σ ≈ 5.467,2)" in html
    assert 'src="maps/map_overview.png"' in html


def test_outputs_exist_without_force_is_refused(reviewed):
    out, _, _ = reviewed
    with pytest.raises(OutputError, match="--force"):
        review.run_review(out)


def test_failed_run_leaves_previous_outputs_intact(reviewed, monkeypatch):
    out, _, _ = reviewed
    before = _digest(out)

    class Broken:
        paths = ()

        def result(self):
            raise RuntimeError("simulated failure while drawing the maps")

        def cancel(self):
            pass

    monkeypatch.setattr(staticmap, "start_review_maps", lambda *a, **k: Broken())
    with pytest.raises(RuntimeError, match="simulated failure"):
        review.run_review(out, force=True)
    assert _digest(out) == before
    assert not list(out.glob(".ninhbinh-geo-staging-*"))


def test_a_writer_failing_stops_the_map_workers(reviewed, monkeypatch):
    # the maps are drawn while the GeoPackage is written: when it fails, the workers are
    # stopped before the staging folder goes, and the old outputs stay
    from ninhbinh_geo import qgis

    out, _, _ = reviewed
    before = _digest(out)
    cancelled = []
    start = staticmap.start_review_maps

    def tracked(*args, **kwargs):
        maps = start(*args, **kwargs)
        cancel = maps.cancel
        maps.cancel = lambda: (cancelled.append(True), cancel())
        return maps

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure while writing the GeoPackage")

    monkeypatch.setattr(staticmap, "start_review_maps", tracked)
    monkeypatch.setattr(qgis, "export_geopackage", broken)
    with pytest.raises(RuntimeError, match="GeoPackage"):
        review.run_review(out, force=True)
    assert cancelled == [True]
    assert _digest(out) == before
    assert not list(out.glob(".ninhbinh-geo-staging-*"))


def test_the_report_is_written_while_the_maps_are_drawn_and_must_match_them(reviewed, monkeypatch):
    out, _, _ = reviewed
    before = _digest(out)
    start = staticmap.start_review_maps
    order = []

    class Late:
        """The maps of the real start, but one file short when they come back."""

        def __init__(self, maps):
            self.maps, self.paths = maps, maps.paths

        def result(self):
            order.append("maps waited for")
            return self.maps.result()[:-1]

        def cancel(self):
            self.maps.cancel()

    from ninhbinh_geo import report

    write_report = report.write_report

    def recording(*args, **kwargs):
        order.append("report")
        assert kwargs["maps"] == [f"maps/{p.name}" for p in Late.planned if p.suffix == ".png"]
        return write_report(*args, **kwargs)

    def late_start(*args, **kwargs):
        maps = Late(start(*args, **kwargs))
        Late.planned = maps.paths
        return maps

    monkeypatch.setattr(staticmap, "start_review_maps", late_start)
    monkeypatch.setattr(report, "write_report", recording)
    with pytest.raises(OutputError, match="not those planned"):
        review.run_review(out, force=True)
    assert order == ["report", "maps waited for"]
    assert [p.name for p in Late.planned][:2] == ["map_overview.png", "map_efficiency.png"]
    assert _digest(out) == before  # nothing promoted


def test_only_the_web_map(tmp_path):
    result = review.run_review(tmp_path, only=("map",))
    assert [p.name for p in result.paths] == ["map.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]
    with pytest.raises(ValueError, match="Unknown output groups"):
        review.run_review(tmp_path, only=("pdf",), force=True)


def test_output_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="Cannot create the output folder"):
        review.check_outputs(blocker / "out")


def test_tables_agree_with_layers(reviewed):
    out, result, _ = reviewed
    prox = pd.read_csv(out / "tables" / "proximity.csv")
    clusters = result.layers["clusters"].set_index("site_id")
    assert len(prox) == len(clusters)
    merged = prox.set_index("site_id")["straight_km"]
    assert merged.to_numpy() == pytest.approx(clusters.loc[merged.index, "straight_km"].to_numpy())
    # a road distance names the park it runs to, which may not be the straight-line nearest
    by_road = prox.set_index("site_id")["road_park"]
    assert (by_road == clusters.loc[by_road.index, "road_park"]).all()
    assert (by_road != prox.set_index("site_id")["nearest_park"]).any()


def test_the_steps_are_one_list_and_run_in_its_order():
    from ninhbinh_geo.review import steps

    assert [s.run for s in steps.STEPS] == [
        steps.efficiency_step,
        steps.proximity_step,
        steps.network_step,
        steps.exposure_step,
        steps.risk_step,
        steps.flood_cut_step,
        steps.sea_level_step,
        steps.zoning_step,
        steps.traveltime_step,
        steps.labour_step,
        steps.access_step,
        steps.siting_step,
    ]
    # every step's progress line is printed between the loading and the outputs
    assert len(review.OUTPUT_GROUPS) + len(steps.STEPS) + 1 == 17


def test_a_new_step_is_one_function_and_one_line(tmp_path, monkeypatch):
    from ninhbinh_geo.review import steps

    def count_satellites(state):
        table = state.clusters.groupby("nearest_park")["is_satellite"].sum().reset_index()
        return state.add(tables={"satellites_per_park": table})

    monkeypatch.setattr(
        steps, "STEPS", (*steps.STEPS, steps.Step("satellites per park", count_satellites))
    )
    lines = []
    result = review.run_review(tmp_path, only=("report",), progress=lines.append)
    assert any("satellites per park" in line for line in lines)
    assert lines[-1].startswith(f"[{len(steps.STEPS) + 2}/{len(steps.STEPS) + 2}]")
    table = pd.read_csv(tmp_path / "tables" / "satellites_per_park.csv")
    assert table["is_satellite"].sum() == result.layers["clusters"]["is_satellite"].sum()


def test_state_add_never_changes_the_state_it_was_given():
    from pathlib import Path

    from ninhbinh_geo.review.options import ReviewState

    state = ReviewState(review.ReviewOptions(), Path(), clusters=None, parks=None)
    new = state.add(layers={"hazard": None, "roads": "r"}, tables={"t": 1}, warnings=["w"])
    assert (dict(state.layers), dict(state.tables), state.warnings) == ({}, {}, ())
    # a layer given as None (nothing to draw) is left out
    assert dict(new.layers) == {"roads": "r"}
    assert new.warnings == ("w",)


def test_map_formats_are_checked_by_the_options():
    assert review.ReviewOptions(formats=["PNG", "png"]).formats == ("png",)
    with pytest.raises(ValueError, match="svg"):
        review.ReviewOptions(formats=("png", "svg"))
    with pytest.raises(ValueError, match="formats"):
        review.ReviewOptions(formats=())


def test_formats_reach_review_maps(tmp_path, monkeypatch):
    calls = []

    class Done:
        paths = ()

        def result(self):
            return []

    def fake_start_review_maps(layers, legends, out_dir, **kwargs):
        calls.append(kwargs)
        return Done()

    monkeypatch.setattr(staticmap, "start_review_maps", fake_start_review_maps)
    review.run_review(tmp_path / "a", only=("maps",))
    review.run_review(tmp_path / "b", review.ReviewOptions(formats=("pdf", "png")), only=("maps",))
    assert calls == [
        {"lang": "vi", "formats": ("png",)},
        {"lang": "vi", "formats": ("pdf", "png")},
    ]


def test_formats_png_writes_pngs_only(tmp_path):
    review.run_review(tmp_path, review.ReviewOptions(formats=("png",)), only=("maps",))
    written = sorted(p.suffix for p in (tmp_path / "maps").iterdir())
    assert written
    assert set(written) == {".png"}


def test_road_distances_name_both_hubs_and_links_carry_their_pair(reviewed):
    from ninhbinh_geo import labels

    out, result, _ = reviewed
    c = result.layers["clusters"].set_index("site_id")
    links = result.layers["satellite_links"].set_index("site_id")
    # a link's road distance is that of its own (cluster, hub) pair, wherever one exists
    pair = c.loc[links.index, "road_km_to_nearest"]
    assert (links["park_id"] == c.loc[links.index, "nearest_park_id"]).all()
    assert links["road_km"].equals(pair.rename("road_km"))
    # the access leg is stated, and the same for sites and parks
    assert set(c["max_snap_m"]) == set(links["max_snap_m"]) == {5000.0}
    measured = c["road_km"].notna()
    assert (c.loc[measured, ["snap_m", "park_snap_m"]] <= 5000).all().all()
    # every missing road distance says why, as a label key in both languages
    for col in ("road_reason", "road_reason_to_nearest"):
        keys = set(c[col].dropna()) | set(links["road_reason"].dropna())
        assert keys, col
        for key in keys:
            assert labels.label(key, "vi") != labels.label(key, "en")
    assert c.loc[c["road_km_to_nearest"].isna(), "road_reason_to_nearest"].notna().all()
    # precision follows accuracy; illustrative footprints are measured between points
    assert set(c["straight_basis"]) <= {"edges", "points"}
    footprints = c["footprint_accuracy"].eq("illustrative")
    assert (c.loc[footprints, "straight_basis"] == "points").all()
    assert set(c["distance_precision_km"]) <= {0.01, 0.1, 1.0}
    assert (c.loc[c["distance_accuracy"] == "illustrative", "distance_precision_km"] == 1.0).all()
    assert {"distance_accuracy", "distance_precision_km"} <= set(links.columns)
    table = pd.read_csv(out / "tables" / "road_access.csv")
    assert set(table["layer"]) == {"clusters", "satellite_links"}
    assert table.groupby("layer")["share"].sum().round(9).eq(1).all()
    assert (table["max_snap_m"] == 5000).all()


# ------------------------------------------------------------------------------------ report
REPORT_MAX_BYTES = 200_000


def test_report_reads_summary_first_and_is_small(reviewed):
    out, _, _ = reviewed
    md = (out / "report.md").read_text(encoding="utf-8")
    for name in ("report.html", "report.md"):
        assert (out / name).stat().st_size < REPORT_MAX_BYTES, name
    headings = [line[3:] for line in md.splitlines() if line.startswith("## ")]
    assert headings == [
        "Tóm tắt",
        "Ghi chú và giả định",
        "Việc cần làm tiếp",
        "Bản đồ",
        "Hiệu quả sử dụng đất",
        "Mạng lưới vệ tinh và khoảng cách tới KCN lớn",
        "Phơi nhiễm ngập lụt và nước biển dâng",
        "Rủi ro ngập lụt: thiệt hại và đường bị cắt",
        "Tiếp cận: thời gian di chuyển, lao động trong tầm với, địa điểm mới",
        "Rà soát quy hoạch",
        "Nguồn dữ liệu, giấy phép và độ chính xác",
    ]
    # no table shows more than the top rows, except the key figures and the sources (one row
    # per layer of the review)
    start = md.index("## Nguồn dữ liệu")
    for table in markdown_table_all(md[:start]):
        assert len(table) - 2 <= max(report.MAX_ROWS, 20)
    assert len(markdown_table_all(md[start:])[0]) > 2
    # links to the full tables and the GeoPackage layers
    assert "[`tables/proximity.csv`](tables/proximity.csv)" in md
    assert "[`review.gpkg: satellite_links`](review.gpkg)" in md
    # the sea-level section says why it is empty and how to fill it
    assert "không có mô hình số độ cao (DEM)" in md
    assert "--dem &lt;DEM.tif&gt; --slr-cm 100" in md


def markdown_table_all(md):
    tables, current = [], []
    for line in [*md.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_report_key_figures_agree_with_the_facts_in_both_languages(reviewed, tmp_path):
    out, result, _ = reviewed
    facts = datasets.load_facts().set_index(["scope", "indicator"])
    report.write_report(result.tables, tmp_path, lang="en")
    for lang, path, heading in (
        ("vi", out / "report.md", "### Số liệu chính"),
        ("en", tmp_path / "report.md", "### Key figures"),
    ):
        rows = markdown_table(path.read_text(encoding="utf-8"), heading)
        figures = [
            n
            for row in rows[1:]
            for cell in row[1::2]
            for n in parse_official_cell(cell.replace("&gt;", ">"), lang)
            if n[0] == "figure"
        ]
        assert sorted(figures) == sorted(
            ("figure", v, q) for v, q in zip(facts["value"], facts["qualifier"], strict=True)
        ), lang


def test_vietnamese_report_has_no_english_codes_nor_numbers(reviewed):
    out, _, _ = reviewed
    page = (out / "report.html").read_text(encoding="utf-8")
    assert english_codes(page) == []
    assert english_numbers(page) == []
    assert "3.178,5" in page
    assert "1.650" in page  # the (site, rule) pairs, thousands with a dot


def test_district_table_names_the_districts(reviewed):
    out, _, _ = reviewed
    table = pd.read_csv(out / "tables" / "efficiency_district.csv")
    assert table.columns[0] == "district_old"
    assert {"Gia Viễn", "Yên Khánh", "Duy Tiên"} <= set(table["district_old"])
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| Gia Viễn | 6 |" in md


def test_coverage_counts_the_clusters_file_reviewed(tmp_path):
    from ninhbinh_geo.review import inputs

    clusters = datasets.load_clusters()
    mine = clusters[clusters["former_province"] == "Nam Định"].head(6)
    path = tmp_path / "my.csv"
    mine.drop(columns="geometry").to_csv(path, index=False)
    state = inputs.load_inputs(review.ReviewOptions(clusters=path), tmp_path)
    cov = state.tables["coverage"].set_index("scope")
    established = int(mine["status"].isin(["established", "operating"]).sum())
    assert cov.loc["total", "inventory_ccn"] == 6 == cov.loc["Nam Định", "inventory_ccn"]
    assert cov.loc["Hà Nam", "inventory_ccn"] == 0
    assert cov.loc["total", "inventory_established"] == established
    # statuses unknown are not counted as established
    assert established < 6
