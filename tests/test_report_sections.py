"""The risk and access sections of the report: key figures read back from the vi and en text,
the illustrative marking, and the why-lines when data are absent.

The tables are written here in the shape the review steps write them (issues 13 and 14), with
round numbers a wrong implementation would not reproduce.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from report_text import english_codes

from ninhbinh_geo import report
from ninhbinh_geo.formatting import parse_number
from ninhbinh_geo.labels import label
from ninhbinh_geo.report.sections import access as access_section
from ninhbinh_geo.report.sections import risk as risk_section


def _risk_tables(accuracy: str = "illustrative") -> dict[str, pd.DataFrame]:
    methods = pd.DataFrame(
        {
            # the chosen method is not the first row
            "ead_method": ["trapezoid", "step", "loglinear"] * 2,
            "rare_tail": "flat",
            "protection_rp": float("nan"),
            "value": ["exposed_ha"] * 3 + ["damage_eur"] * 3,
            "total": [137.0, 95.0, 122.0, 50_900_000.0, 26_200_000.0, 42_200_000.0],
            "sites": 3,
            "ratio_to_chosen": [137 / 95, 1.0, 122 / 95, 50.9 / 26.2, 1.0, 42.2 / 26.2],
            "chosen": [False, True, False] * 2,
        }
    )
    ead = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "name_vi": ["CCN An", "CCN Bình", "CCN Cầu"],
            "ead_method": "step",
            "ead_ha": [1.5, 0.0, 4.25],
            "ead_damage_eur": [1_234_000.0, 0.0, 4_567_000.0],
            "ead_damage_eur_trapezoid": [2e6, 0.0, 5e6],
            "accuracy": accuracy,
        }
    )
    common = {"sector": "industrial", "currency": "EUR", "price_year": 2010}
    damage = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"] * 2,
            "return_period": [10.0] * 3 + [100.0] * 3,
            "curve_id": "JRC-ASIA-INDUSTRIAL",
            **common,
            "cost_per_m2": 319.31,
            "built_share": 0.5,
            "damage_eur": [1e6, 0.0, 2e6, 3e6, 0.0, 12_340_000.0],
            "accuracy": accuracy,
        }
    )
    totals = pd.DataFrame(
        {
            "return_period": [10.0, 100.0],
            "sites": 3,
            "sites_damaged": [2, 2],
            "damage_eur": [3e6, 15_340_000.0],
            **common,
            "cost_per_m2": 319.31,
            "built_share": 0.5,
            "accuracy": accuracy,
        }
    )
    cut = pd.DataFrame(
        {
            "site_id": ["A", "B", "C"],
            "name_vi": ["CCN An", "CCN Bình", "CCN Cầu"],
            "flood_hub_id": ["KCN-X"] * 3,
            "road_km_dry": [6.21, 9.0, None],
            "first_cut_rp": [100.0, 10.0, None],
            "cut_annual_p": [0.01, 0.1, None],
            "accuracy": accuracy,
        }
    )
    cut_summary = pd.DataFrame(
        {
            "return_period": [10.0, 100.0],
            "closed_edges": [18, 35],
            "closed_km": [232.4, 334.1],
            "links_measured": 2,
            "links_cut": [1, 2],
            "clusters_isolated": [1, 3],
            "close_m": 0.3,
            "accuracy": accuracy,
        }
    )
    return {
        "ead": ead,
        "ead_methods": methods,
        "damage": damage,
        "damage_totals": totals,
        "flood_cut": cut,
        "flood_cut_summary": cut_summary,
    }


def _md(tables, lang, **ctx_kw) -> str:
    ctx = report.ReportContext(tables, **ctx_kw)
    sections = report.build_sections(tables, lang=lang, context=ctx)
    return report.render_markdown(sections, lang=lang)


def _section_text(md: str, title_key: str, lang: str) -> str:
    title = label(title_key, lang)
    start = md.index(f"## {title}")
    end = md.find("\n## ", start + 3)
    return md[start : end if end > 0 else None]


def _cells(md: str, first: str, after: str = "") -> list[str]:
    """The cells of the first table row after ``after`` whose first cell is ``first``."""
    for line in md[md.index(after) :].splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("|") and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


# ------------------------------------------------------------------------------------ risk
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_risk_states_the_chosen_method_beside_the_others(lang):
    md = _md(_risk_tables(), lang)
    text = _section_text(md, "report.risk", lang)
    step = label("ead_method.step", lang)
    # the chosen method first, marked, and its totals; the others beside with their ratio
    row = _cells(text, step)
    assert row[1] == label("bool.true", lang)
    assert parse_number(row[2], lang)[0] == 95
    assert parse_number(row[4], lang)[0] == 26.2  # million EUR
    trap = _cells(text, label("ead_method.trapezoid", lang))
    assert trap[1] == label("bool.false", lang)
    assert parse_number(trap[3], lang)[0] == pytest.approx(1.44)  # 137 / 95
    assert parse_number(trap[4], lang)[0] == 50.9
    assert step in text.split("\n\n")[3]  # the method sentence names the chosen one
    # the headline: the chosen total and the others' totals, illustrative
    summary = _section_text(md, "report.summary", lang)
    line = next(x for x in summary.splitlines() if "26" + ("," if lang == "vi" else ".") in x)
    for value in ("26,2", "50,9", "42,2") if lang == "vi" else ("26.2", "50.9", "42.2"):
        assert value in line
    assert label("exp.illustrative_suffix", lang).strip(" —") in line


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_risk_damage_with_its_assumptions_and_top_sites(lang):
    text = _section_text(_md(_risk_tables(), lang), "report.risk", lang)
    # assumptions: curve, sector, cost with its published decimals, currency, year, share
    assert "JRC-ASIA-INDUSTRIAL" in text
    assert ("319,31 EUR/m²" if lang == "vi" else "319.31 EUR/m²") in text
    assert "2010" in text
    assert "50%" in text
    assert label("sector.industrial", lang) in text
    # totals per return period in millions
    assert parse_number(_cells(text, "100")[3], lang)[0] == pytest.approx(15.3)
    # top sites by expected annual damage (thousands), C before A, B (no damage) left out
    c, a = _cells(text, "C"), _cells(text, "A")
    assert text.index("| C |") < text.index("| A |")
    assert "| B |" not in text.split(label("risk.top", lang))[1].split("###")[0]
    assert parse_number(c[2], lang)[0] == 4567
    assert parse_number(a[2], lang)[0] == 1234
    assert parse_number(c[4], lang)[0] == pytest.approx(12.34)  # 100-year damage, millions


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_risk_flood_cut_links_and_sea_level_why(lang):
    text = _section_text(_md(_risk_tables(), lang), "report.risk", lang)
    row = _cells(text, "10", after=label("risk.cut", lang))
    assert [parse_number(x, lang)[0] for x in row[1:]] == [0.3, 18, 232, 2, 1, 1]
    # links cut first: the most frequent return period first
    links = text[text.index(label("risk.cut_first", lang)) :]
    assert links.index("| B | CCN Bình") < links.index("| A | CCN An")
    assert "| C | CCN Cầu" not in links  # no road distance: no link to cut
    # no DEM: the why-line with the command that fills it
    assert label("risk.slr_no_dem", lang).replace("<", "&lt;").replace(">", "&gt;") in text
    with_dem = _md(_risk_tables(), lang, inputs={"dem": "dem.tif"})
    assert label("risk.slr_no_draws", lang) in with_dem


def test_risk_sea_level_probability_when_drawn():
    prob = pd.DataFrame(
        {
            "site_id": ["A", "B", "C", "D"] * 2,
            "slr_cm": [50.0] * 4 + [100.0] * 4,
            "p_inundated": [0.0, 0.2, 0.6, None, 0.1, 0.5, 0.9, None],
            "draws": 200,
            "error_m": 2.0,
        }
    )
    text = _section_text(_md({"slr_probability": prob}, "en"), "report.risk", "en")
    assert _cells(text, "50")[1:5] == ["3", "1", "2", "200"]
    assert _cells(text, "100")[1:5] == ["3", "2", "3", "200"]


def test_risk_is_not_marked_illustrative_on_a_real_hazard():
    md = _md(_risk_tables(accuracy="approximate"), "en")
    assert label("risk.illustrative", "en") not in md
    assert "ILLUSTRATIVE" not in _section_text(md, "report.summary", "en")
    assert label("risk.illustrative", "en") in _md(_risk_tables(), "en")


def test_risk_and_access_absent_without_their_tables():
    assert risk_section.build(report.ReportContext({})) is None
    assert access_section.build(report.ReportContext({})) is None
    claimed = report.sections.claimed_tables()
    assert set(_risk_tables()) | set(_access_tables()) <= claimed


# ------------------------------------------------------------------------------------ access
def _access_tables(accuracy: str = "illustrative") -> dict[str, pd.DataFrame]:
    travel = pd.DataFrame(
        {
            "site_id": ["A", "B", "C", "D", "E"],
            "name_vi": ["CCN An", "CCN Bình", "CCN Cầu", "CCN Đồng", "CCN Én"],
            "travel_park": ["KCN X", "KCN X", "KCN Y", "KCN Y", None],
            "travel_min": [9.4, 15.0, 31.0, 61.0, None],
        }
    )
    speeds = pd.DataFrame(
        {
            "road_class": ["Quốc Gia", "Cấp Tỉnh", "access leg"],
            "speed_kmh": [50.0, 40.0, 20.0],
            "planning_kmh": [50.0, 40.0, 20.0],
            "ceiling_kmh": [50.0, 50.0, 40.0],
            "ceiling_basis": ["Art. 6", "Art. 6", "Art. 8"],
            "source": "Circular 31/2019/TT-BGTVT",
        }
    )
    service = pd.DataFrame(
        {
            "park_id": ["KCN-X"] * 3 + ["KCN-Y"] * 3,
            "park_name": ["KCN X"] * 3 + ["KCN Y"] * 3,
            "minutes": [15.0, 30.0, 45.0] * 2,
            "clusters_within": [2, 3, 4, 0, 1, 2],
            "accuracy": "approximate",
        }
    )
    reach = pd.DataFrame(
        {
            "year": [2000, 2020],
            "people": [3_607_837.0, 3_358_697.0],
            "unreached_share": [0.33, 0.31],
            "max_snap_m": 5000.0,
        }
    )
    hubs = pd.DataFrame(
        {
            "site_id": ["KCN-X", "KCN-Y"],
            "name_vi": ["KCN X", "KCN Y"],
            "people_30min_2000": [100_000.0, 300_000.0],
            "people_30min_2020": [125_000.0, 270_000.0],
            "people_30min_change_pct": [25.0, -10.0],
        }
    )
    access = travel[["site_id", "name_vi", "travel_min"]].assign(
        access_gravity=[2.0, 1.0, 0.5, None, None],
        access_2sfca=[0.25, 0.25, 0.125, None, None],
        access_e2sfca=[0.5, 0.25, 0.125, None, None],
        access_bfca=[0.2, 0.2, 0.1, None, None],
        hubs_within_30min=[2, 1, 0, 0, 0],
    )
    basis = pd.DataFrame(
        {
            "index": ["2sfca", "supply", "demand", "hubs left out (no supply)"],
            "decay": ["step, 1 within 30 min", "hubs' leasable_ha", "clusters' area_ha", "KCN-Z"],
        }
    )
    candidates = pd.DataFrame(
        {
            "candidate_id": ["CAND-01", "CAND-02"],
            "rank": [1, 2],
            "score": [0.92, 0.81],
            "travel_min": [16.1, 9.2],
            "people_30min": [916_400.0, 772_141.0],
            "area_ha": [50.0, 50.0],
            "accuracy": accuracy,
            "stay_share": [1.0, 0.77],
            "scenarios": 26.0,
            "worst_rank": [2, 4],
        }
    )
    surface = pd.DataFrame(
        {
            "item": ["flood", "travel_time", "labour", "road"],
            "kind": ["constraint", "factor", "factor", "factor"],
            "weight": [None, 0.4, 0.4, 0.2],
        }
    )
    return {
        "travel_times": travel,
        "speeds": speeds,
        "service_areas": service,
        "population_reach": reach,
        "labour_hubs": hubs,
        "access": access,
        "access_basis": basis,
        "siting_candidates": candidates,
        "siting_surface": surface,
    }


def test_travel_bands_count_each_cluster_once_per_budget():
    assert access_section.travel_bands(pd.Series([9.4, 15.0, 31.0, 61.0, None])) == {
        "15": 2, "30": 2, "45": 3, "over": 1, "none": 1
    }  # fmt: skip


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_access_travel_time_with_cited_speeds_and_service_areas(lang):
    md = _md(_access_tables(), lang)
    text = _section_text(md, "report.access", lang)
    law = "Thông tư 31/2019/TT-BGTVT" if lang == "vi" else "Circular 31/2019/TT-BGTVT"
    assert law in text
    assert "Quốc Gia 50 km/h" in text
    assert "Cấp Tỉnh 40 km/h" in text
    assert _cells(text, label("acc.access_leg", lang))[1:3] == ["20", "40"]
    # 5 clusters: 2 within 15 min, 2 within 30, 3 within 45, 1 beyond, 1 not reached
    sentence = next(p for p in text.split("\n\n") if p.startswith(("Trong 5", "Of 5")))
    numbers = [parse_number(n, lang)[0] for n in re.findall(r"\d+(?:[.,]\d+)?", sentence)]
    assert numbers[:7] == [5, 2, 15, 2, 30, 3, 45][: len(numbers[:7])]
    assert numbers[-1] == 23  # the median of 9.4, 15, 31, 61 rounded
    # clusters inside each hub's service areas, per budget
    assert _cells(text, "KCN X")[1:4] == ["2", "3", "4"]
    assert _cells(text, "KCN Y")[1:4] == ["0", "1", "2"]
    assert label("acc.service_basis", lang).format(leg="20", km="5") in text
    # the headline of the summary
    summary = _section_text(md, "report.summary", lang)
    assert label("acc.headline", lang).format(b30="2", n="5", none="1") in summary


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_access_labour_credits_worldpop_and_states_its_limits(lang):
    text = _section_text(_md(_access_tables(), lang), "report.access", lang)
    assert "WorldPop (www.worldpop.org" in text
    assert "CC BY 4.0" in text
    assert "10.5258/SOTON/WP00671" in text
    assert "7 %" in text
    assert "2019" in text
    assert "1 km" in text
    assert ("3.607.837" if lang == "vi" else "3,607,837") in text
    y = _cells(text, "KCN Y", after=label("acc.labour_title", lang))
    assert [parse_number(x, lang)[0] for x in y[1:4]] == [300_000, 270_000, -10]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_access_indices_name_the_supply_and_the_hubs_left_out(lang):
    text = _section_text(_md(_access_tables(), lang), "report.access", lang)
    assert label("acc.left_out", lang).format(ids="KCN-Z") in text
    assert label("col.leasable_ha", lang) in text
    a = _cells(text, "A", after=label("acc.index_title", lang))
    assert parse_number(a[5], lang)[0] == 0.5  # E2SFCA, the order of the table
    assert text.index("| A | CCN An |") < text.index("| B | CCN Bình |")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_access_candidates_with_stability_marked_illustrative(lang):
    md = _md(_access_tables(), lang)
    text = _section_text(md, "report.access", lang)
    assert label("warn.illustrative_candidates", lang) in text
    row = _cells(text, "CAND-02")
    assert row[1] == "2"
    assert row[6] == "77%"
    assert row[7] == "4"
    assert row[8] == label("accuracy.illustrative", lang)
    assert label("acc.siting", lang).format(n="2", scenarios="26", kept="1") in text
    summary = _section_text(md, "report.summary", lang)
    assert label("acc.illustrative_suffix", lang) in summary
    real = _md(_access_tables(accuracy="approximate"), lang)
    assert label("warn.illustrative_candidates", lang) not in real
    assert label("acc.illustrative_suffix", lang) not in real


def test_vietnamese_risk_and_access_have_no_english_codes(tmp_path):
    tables = {**_risk_tables(), **_access_tables()}
    html_path, _ = report.write_report(tables, tmp_path, lang="vi")
    page = html_path.read_text(encoding="utf-8")
    assert english_codes(page) == []
    for code in ("access leg", "flat", "industrial", "step", "trapezoid", "loglinear"):
        assert f">{code}<" not in page, code
