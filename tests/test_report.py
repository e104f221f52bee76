"""The report: summary first, key figures that agree with the facts, no English codes in the
Vietnamese text, top rows only, pluggable sections, escaping."""

from __future__ import annotations

import types
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from report_text import english_codes, english_numbers, parse_official_cell

from ninhbinh_geo import datasets, efficiency, report
from ninhbinh_geo.labels import LABELS, label
from ninhbinh_geo.report import sections as report_sections
from ninhbinh_geo.report.model import Table
from ninhbinh_geo.report.sections import summary as summary_section
from ninhbinh_geo.report.sections import zoning as zoning_section

SHARED_FACTS = (
    Path(__file__).resolve().parents[2] / "shared" / "facts" / "province_clusters_2024.csv"
)
HOSTILE = '<script>alert("x")</script> & "q" \u202e RTL\nnew line | pipe'


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


# ------------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def tables():
    """The tables of the summary, efficiency and sources, from the embedded data (no review)."""
    clusters = efficiency.site_indicators(datasets.load_clusters())
    facts = datasets.load_facts()
    scopes = pd.concat(
        [
            efficiency.aggregate(clusters, by=by, facts=facts)
            for by in ("province", "former_province")
        ],
        ignore_index=True,
    )
    return {
        "facts": facts,
        "coverage": datasets.load_coverage(),
        "efficiency": scopes,
        "efficiency_district": efficiency.aggregate(clusters, by="district_old").reset_index(),
        "efficiency_sites": clusters.drop(columns="geometry")[
            [
                "site_id",
                "name_vi",
                "former_province",
                "status",
                "area_ha",
                "occupancy_pct",
                "jobs_per_ha",
                "projects_per_ha",
            ]
        ],
        "sources": pd.DataFrame(
            {
                "layer": ["clusters"],
                "source": [HOSTILE],
                "licence": ["CC BY-SA 4.0"],
                "accuracy": ["illustrative"],
                "rows": [75],
            }
        ),
    }


def _section(sections, anchor):
    return next(s for s in sections if s.anchor == anchor)


# ------------------------------------------------------------------------------- key figures
def _facts_csv() -> pd.DataFrame:
    path = SHARED_FACTS if SHARED_FACTS.is_file() else datasets.get_path("facts")
    return pd.read_csv(path).set_index(["scope", "indicator"])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_key_figure_agrees_with_the_facts_table(tables, lang):
    facts = _facts_csv()
    indicator_of = {
        LABELS[k][lang]: k.removeprefix("indicator.") for k in LABELS if k.startswith("indicator.")
    }
    table = _section(report.build_sections(tables, lang=lang), "summary").tables()[0]
    assert len(table.rows) == facts.index.get_level_values("indicator").nunique()
    checked = 0
    for row in table.rows:
        indicator = indicator_of[row[0]]
        for i, scope in enumerate(summary_section.SCOPES):
            numbers = parse_official_cell(row[1 + 2 * i], lang)
            figures = [n for n in numbers if n[0] == "figure"]
            if (scope, indicator) in facts.index:
                fact = facts.loc[(scope, indicator)]
                assert figures == [("figure", fact["value"], fact["qualifier"])], (scope, indicator)
                checked += 1
            else:
                assert not figures, (scope, indicator)
            for _, value, _ in (n for n in numbers if n[0] == "sum"):
                parts = [facts.loc[(s, indicator), "value"] for s in summary_section.SCOPES[1:]]
                assert value == pytest.approx(sum(parts), abs=1e-9)
    assert checked == len(facts)


def test_key_figures_in_vietnamese_and_english(tables):
    vi = _section(report.build_sections(tables, lang="vi"), "summary").tables()[0]
    en = _section(report.build_sections(tables, lang="en"), "summary").tables()[0]
    area_vi, area_en = vi.rows[1], en.rows[1]
    assert area_vi[1] == "> 5.400 (Σ ≈ 5.467,2)"
    assert area_en[1] == "> 5,400 (Σ ≈ 5,467.2)"
    assert (area_vi[3], area_vi[5], area_vi[7]) == ("≈ 1.035", "3.178,5", "1.253,7")
    jobs = next(r for r in vi.rows if r[0] == label("indicator.jobs"))
    assert jobs[5] == "> 20.900"
    # Ninh Bình's eight plants "built or under way" keep that qualifier and are not summed
    wwtp = next(
        r for r in vi.rows if r[0] == label("indicator.clusters_with_central_wastewater_plant")
    )
    assert wwtp[7] == "8 (đã và đang đầu tư)"
    assert wwtp[1] == "–"
    wwtp_en = next(
        r
        for r in en.rows
        if r[0] == label("indicator.clusters_with_central_wastewater_plant", "en")
    )
    assert wwtp_en[7] == "8 (built or under way)"
    # the reviewed layer beside: 75 clusters in the layer, 4 operating
    planned = vi.rows[0]
    assert planned[1:3] == ("115", "75")


def test_published_figures_keep_their_published_precision():
    facts = pd.DataFrame(
        {
            "scope": ["former_nam_dinh"],
            "indicator": ["planned_area"],
            "value": [355.5],
            "unit": ["ha"],
            "qualifier": ["exact"],
        }
    )
    ctx = report.ReportContext({"facts": facts}, lang="vi")
    cell = summary_section.official_cell(
        ctx, facts.set_index(["scope", "indicator"]), "former_nam_dinh", "planned_area"
    )
    assert cell == "355,5"


def test_coverage_counts_the_layer_reviewed(tables):
    mine = datasets.load_clusters().head(7)  # 7 clusters of former Hà Nam
    cov = datasets.load_coverage(mine)
    ctx_tables = {**tables, "coverage": cov}
    table = _section(report.build_sections(ctx_tables, lang="en"), "summary").tables()[0]
    assert table.rows[0][1:5] == ("115", "7", "21", "7")
    assert cov.set_index("scope").loc["total", "inventory_ccn"] == 7


# --------------------------------------------------------------------------- no English codes
def test_the_scan_finds_codes():
    page = (
        "<p>kết quả needs_review, Minh họa</p><table><tr><th>Nguồn</th></tr><tr><td>pass</td>"
        "</tr></table><p><code>tables/road_access.csv</code> illustrative</p>"
    )
    assert english_codes(page) == ["needs_review", "needs_review", "illustrative"]


def test_vietnamese_report_has_no_english_codes(tables, tmp_path):
    review_like = {**tables, **_analysis_tables()}
    ctx = report.ReportContext(
        review_like,
        table_links={k: f"tables/{k}.csv" for k in review_like},
        geopackage="review.gpkg",
        layers=("clusters", "satellite_links"),
    )
    html_path, _ = report.write_report(
        review_like, tmp_path, lang="vi", context=ctx, maps=["maps/map_overview.png"]
    )
    page = html_path.read_text(encoding="utf-8")
    assert english_codes(page) == []
    assert english_numbers(page) == []
    assert english_numbers("<p>3,178.5 ha; 1.035 ha; 12.4 ha</p>") == ["178.5", "12.4"]


def _analysis_tables() -> dict[str, pd.DataFrame]:
    """Small network, exposure and zoning tables with every code the analyses write."""
    prox = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "name_vi": ["CCN A", "CCN B"],
            "nearest_park": ["KCN X", "KCN X"],
            "straight_km": [2.04, 3.46],
            "straight_basis": ["points", "edges"],
            "road_km_to_nearest": [6.79, None],
            "road_reason_to_nearest": [None, "road_reason.site_far"],
            "distance_accuracy": ["approximate", "illustrative"],
            "distance_precision_km": [0.1, 1.0],
            "road_park": ["KCN Y", "KCN X"],
            "road_km": [6.51, None],
            "road_reason": [None, "road_reason.site_far"],
            "road_accuracy": ["approximate", "illustrative"],
            "road_precision_km": [0.1, 1.0],
            "is_satellite": [True, True],
            "satellite_rank": [1, 2],
        }
    )
    access = pd.DataFrame(
        {
            "layer": ["clusters", "clusters", "satellite_links"],
            "with_road_km": [True, False, False],
            "road_reason": [None, "road_reason.site_far", "road_reason.other_piece"],
            "rows": [1, 1, 2],
            "share": [0.5, 0.5, 1.0],
            "max_snap_m": 5000.0,
        }
    )
    expo = pd.DataFrame(
        {
            "site_id": ["A", "B"] * 2,
            "hazard": ["rp10"] * 2 + ["rp100"] * 2,
            "return_period": [10.0, 10.0, 100.0, 100.0],
            "exposed_ha": [0.0, 3.4, 1.2, 8.6],
            "exposed_share": [0, 0.3, 0.1, 0.8],
            "class_0.1_0.5_ha": [0.0, 3.4, 1.2, 8.6],
            "max_depth_m": [0, 0.4, 0.2, 0.9],
            "accuracy": "illustrative",
        }
    )
    summary = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "name_vi": ["CCN A", "CCN B"],
            "worst_result": ["fail", "needs_review"],
            "binding_rule": ["CCN-01", "DYK-01"],
            "binding_severity": ["blocking", "blocking"],
            "binding_margin": [12.4, None],
            "binding_margin_vi": ["12,4 ha trên ngưỡng 75 ha", ""],
            "binding_margin_en": ["12.4 ha above 75 ha", ""],
            "binding_missing_input": ["", "layer:dykes; column:craft_village|mountainous"],
        }
    )
    decided = pd.DataFrame(
        {
            "rule_id": ["CCN-01", "DYK-01", "all"],
            "pairs": [2, 2, 4],
            "decided": [2, 0, 2],
            "n_pass": [1, 0, 1],
            "n_fail": [1, 0, 1],
            "n_not_applicable": [0, 0, 0],
            "n_needs_review": [0, 2, 2],
            "decided_share": [1.0, 0.0, 0.5],
        }
    )
    missing = pd.DataFrame(
        {
            "missing_input": [
                "layer:dykes",
                "column:status",
                "column:occupancy_pct (existing clusters)",
            ],
            "missing": ["x", "y", "z"],
            "pairs": [2, 1, 1],
            "alone": [1, 0, 0],
            "sites": [2, 1, 1],
            "rules": ["DYK-01", "CCN-07", "CCN-07"],
        }
    )
    rules = pd.DataFrame(
        {
            "rule_id": ["CCN-01", "DYK-01"],
            "severity": ["blocking", "major"],
            "legal_source": ["Decree 32/2024/NĐ-CP, Art. 2", "Law on Dykes"],
        }
    )
    locations = pd.DataFrame(
        {
            "layer": ["clusters", "parks"],
            "sites": [2, 1],
            "located": [1, 1],
            "illustrative": [1, 0],
            "by_district": [1, 0],
            "by_province": [0, 0],
            "footprints_illustrative": [2, 1],
        }
    )
    return {
        "proximity": prox,
        "road_access": access,
        "exposure": expo,
        "findings_summary": summary,
        "zoning_decided": decided,
        "zoning_missing": missing,
        "rules": rules,
        "locations": locations,
        "network": pd.DataFrame({"nodes": [3], "edges": [2], "length_km": [12.3]}),
    }


# ------------------------------------------------------------------------------ the sections
def test_summary_comes_first_then_notes_and_next_steps(tables):
    built = report.build_sections(
        {**tables, **_analysis_tables()}, lang="en", maps=["maps/map_overview.png"]
    )
    assert [s.anchor for s in built] == [
        "summary",
        "notes",
        "next",
        "maps",
        "efficiency",
        "network",
        "exposure",
        "zoning",
        "sources",
    ]
    summary = built[0]
    headings = [b.text for b in summary.blocks if isinstance(b, report.model.Heading)]
    assert headings == [
        "The question",
        "Key figures: official and in the reviewed layer",
        "Main results",
    ]
    notes = " ".join(b for s in built[1].blocks for b in getattr(s, "items", ()))
    assert "Exposed" in notes
    assert "access leg" in notes
    assert "ring around its centre" in notes
    next_text = " ".join(str(b) for b in built[2].blocks)
    assert "dykes layer absent" in next_text  # from zoning_missing, in words


def test_top_rows_only_with_the_full_table_linked(tables):
    sites = pd.DataFrame(
        {
            "site_id": [f"S{i:02d}" for i in range(40)],
            "name_vi": "CCN",
            "status": "operating",
            "area_ha": 10.0,
            "occupancy_pct": [float(i) for i in range(40)],
        }
    )
    ctx = report.ReportContext({}, table_links={"efficiency_sites": "tables/efficiency_sites.csv"})
    built = report.build_sections({"efficiency_sites": sites}, lang="en", context=ctx)
    section = _section(built, "efficiency")
    table = section.tables()[0]
    assert len(table.rows) == report.MAX_ROWS
    assert table.rows[0][0] == "S00"  # lowest occupancy first
    assert table.footer == "15 of 40 rows shown."
    links = next(b for b in section.blocks if isinstance(b, report.model.Links))
    assert [i.href for i in links.items] == ["tables/efficiency_sites.csv"]


def test_district_table_names_the_districts(tables):
    section = _section(report.build_sections(tables, lang="vi"), "efficiency")
    districts = section.tables()[1]
    assert districts.headers[0] == "Huyện cũ"
    names = [r[0] for r in districts.rows]
    assert "Gia Viễn" in names
    assert "Không rõ huyện" in names
    assert all(n and n != "–" for n in names)


def test_distances_rounded_to_their_precision_with_accuracy_in_the_row():
    built = report.build_sections(_analysis_tables(), lang="vi")
    closest = _section(built, "network").tables()[-1]
    rows = {r[0]: dict(zip(closest.headers, r, strict=True)) for r in closest.rows}
    straight, road = label("col.straight_km"), label("col.road_km_to_nearest")
    assert rows["A"][straight] == "2,0"
    assert rows["A"][road] == "6,8"
    assert rows["A"][label("col.accuracy_step")] == "Gần đúng (0,1 km)"
    assert rows["B"][straight] == "3"
    assert rows["B"][road] == "–"
    assert rows["B"][label("col.accuracy_step")] == "Minh họa (1 km)"
    assert rows["B"][label("col.note")] == label("road_reason.site_far")


def test_exposure_without_annual_figure_says_why():
    one = _analysis_tables()["exposure"].query("return_period == 100")
    section = _section(report.build_sections({"exposure": one}, lang="en"), "exposure")
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    assert (
        "No expected annual exposed area: it needs flood maps of at least two return periods, "
        "and this review has 1 (100)" in text
    )
    # and the most exposed clusters at that return period, rounded to whole illustrative ha
    top = section.tables()[-1]
    assert [r[0] for r in top.rows] == ["B", "A"]
    assert top.rows[0][2] == "9"


def test_expected_annual_area_when_given():
    tables = _analysis_tables()
    ead = pd.DataFrame({"site_id": ["A", "B"], "ead_ha": [0.2, 1.6], "accuracy": "illustrative"})
    section = _section(report.build_sections({**tables, "ead": ead}, lang="en"), "exposure")
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    assert "10, 100-year return periods" in text
    top = section.tables()[-1]
    assert top.headers[2] == label("col.ead_ha", "en")
    assert top.rows[0][2] == "2"


def test_sea_level_section_says_why_it_is_empty():
    expo = _analysis_tables()["exposure"]
    section = _section(report.build_sections({"exposure": expo}, lang="en"), "exposure")
    text = " ".join(getattr(b, "text", "") for b in section.blocks)
    assert "no digital elevation model (DEM)" in text
    assert "--dem <DEM.tif> --slr-cm 100" in text
    slr = expo.assign(hazard="slr_100cm_depth", return_period=float("nan"))
    with_slr = pd.concat([expo, slr], ignore_index=True)
    ctx = report.ReportContext({}, inputs={"dem": "dem.tif"})
    section = _section(
        report.build_sections({"exposure": with_slr}, lang="vi", context=ctx), "exposure"
    )
    table = section.tables()[-1]
    assert table.rows[0][0] == "Nước biển dâng 100 cm"
    assert table.rows[0][1] == "2"


def test_missing_inputs_in_words():
    words = zoning_section.missing_in_words
    assert words("layer:dykes; column:craft_village|mountainous", "vi") == (
        "thiếu lớp đê điều; chưa có dữ liệu CCN làng nghề / địa bàn miền núi"
    )
    assert words("column:area_ha", "vi") == "chưa có dữ liệu diện tích (ha)"
    assert words("column:occupancy_pct (existing clusters)", "en") == (
        "occupancy (%) of the existing clusters unknown"
    )
    assert words("", "vi") == ""


def test_a_new_section_is_one_module_and_one_line(tables, monkeypatch):
    risk = types.ModuleType("risk")
    risk.KEY, risk.TITLE, risk.TABLES = "risk", "report.exposure", ("risk",)
    risk.build = lambda ctx: report.Section(
        "risk", "Risk", (report.frame_table(ctx.table("risk"), ["site_id"], ctx.lang),)
    )
    risk.notes = lambda ctx: ["Risk is exposure times damage."]
    risk.next_steps = lambda ctx: ["Give damage curves."]
    monkeypatch.setattr(
        report_sections,
        "SECTIONS",
        (*report_sections.SECTIONS[:-2], risk, *report_sections.SECTIONS[-2:]),
    )
    built = report.build_sections(
        {
            **tables,
            "risk": pd.DataFrame({"site_id": ["A"]}),
            "other_table": pd.DataFrame({"x": [1]}),
        },
        lang="en",
    )
    anchors = [s.anchor for s in built]
    assert anchors[-3:] == ["risk", "other", "sources"]
    assert "Risk is exposure times damage." in _section(built, "notes").blocks[0].items
    assert "Give damage curves." in _section(built, "next").blocks[-1].items
    # a table no section presents gets its top rows under its key
    other = _section(built, "other")
    assert other.blocks[0].text == "other_table"
    assert other.tables()[0].rows == (("1",),)


# -------------------------------------------------------------------------- escaping, writing
def test_hostile_text_is_escaped_in_html_and_markdown(tables, tmp_path):
    paths = report.write_report(
        tables, tmp_path, maps=["maps/overview.png"], warnings=[HOSTILE], lang="vi"
    )
    html = paths[0].read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    assert "script" not in parser.tags
    assert any("<script>" in t for t in parser.text)  # shown as text
    md = paths[1].read_text(encoding="utf-8")
    assert "<script>" not in md
    rows = [line for line in md.splitlines() if line.startswith("| Cụm công nghiệp")]
    assert len(rows) == 1
    assert rows[0].count(" | ") == 4  # the pipe in the data did not add a column
    assert '<img src="maps/overview.png"' in html


def test_markdown_text_cannot_start_a_block():
    md = report.render_markdown(
        [
            report.Section(
                "s",
                "S",
                (
                    report.model.Paragraph("# heading?"),
                    report.model.Bullets(("> quote?", "1. list?")),
                ),
            )
        ]
    )
    assert "\n\\# heading?\n" in md
    assert "- &gt; quote?" in md
    assert "- 1\\. list?" in md


def test_empty_table_and_language():
    empty = Table(("a",), ())
    html = report.render_html([report.Section("x", "X", (empty,))], lang="en")
    assert "No rows." in html
    html_vi = report.render_html([report.Section("x", "X", (empty,))], lang="vi")
    assert "Không có dòng nào." in html_vi
    assert 'lang="vi"' in html_vi


def test_format_value_uses_the_one_formatter():
    assert report.format_value(1035.0, "vi") == "1.035"
    assert report.format_value(3178.5, "en") == "3,178.5"
    assert report.format_value(pd.NA) == "–"
    assert report.format_value("status.planned", "vi") == "Quy hoạch"


def test_years_are_text():
    df = pd.DataFrame({"status_year": [2025.0, None]})
    table = report.frame_table(df, [report.Column("status_year", kind="year")], "vi")
    assert table.rows == (("2025",), ("–",))


def test_failed_write_leaves_old_report(tables, tmp_path, monkeypatch):
    report.write_report(tables, tmp_path)
    before = (tmp_path / "report.html").read_text(encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report.markdown, "render_markdown", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_report({"coverage": datasets.load_coverage()}, tmp_path)
    # the HTML was replaced atomically, the Markdown untouched, and no temp file is left
    assert (tmp_path / "report.md").exists()
    assert not list(tmp_path.glob(".report*.tmp"))
    assert before != (tmp_path / "report.html").read_text(encoding="utf-8")


def test_exposed_areas_take_the_worse_of_raster_and_outline_accuracy():
    expo = _analysis_tables()["exposure"].assign(accuracy="approximate")
    sites = pd.DataFrame(
        {
            "site_id": ["A", "B"],
            "name_vi": ["CCN A", "CCN B"],
            "footprint_accuracy": ["digitized", "illustrative"],
        }
    )
    built = report.build_sections({"exposure": expo, "efficiency_sites": sites}, lang="vi")
    top = _section(built, "exposure").tables()[-1]
    rows = {r[0]: r for r in top.rows}
    # B: 8.6 ha on an illustrative circle → 9 ha; A: 1.2 ha, approximate raster → 1,2 ha
    assert rows["B"][2] == "9"
    assert rows["B"][-1] == "Minh họa (1 ha)"
    assert rows["A"][2] == "1,2"
    assert rows["A"][-1] == "Gần đúng (0,1 ha)"
