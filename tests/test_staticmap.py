"""Tests of ninhbinh_geo.staticmap: the PNG/PDF review maps."""

from __future__ import annotations

import functools
import json
import logging
import os
import pickle
import re
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from matplotlib.colors import to_hex
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from PIL import Image
from shapely.geometry import LineString, Polygon, box

from ninhbinh_geo import _forking, crs, labels, staticmap, styles
from ninhbinh_geo._errors import CRSError, OutputError, SchemaError
from ninhbinh_geo.staticmap import efficiency as efficiency_map
from ninhbinh_geo.staticmap import review as sm_review
from ninhbinh_geo.staticmap import workers
from ninhbinh_geo.staticmap.furniture import _sources_block, _sources_text
from ninhbinh_geo.staticmap.layers import _coast_lines
from ninhbinh_geo.staticmap.review import _PLOTTERS as PLOTTERS

# The fixture province sits around Phủ Lý–Nam Định in EPSG:3405 (VN-2000 / UTM 48N), metres.
X0, Y0 = 600_000.0, 2_240_000.0
ODM = ("Open Development Mekong", "CC BY-SA 4.0")
OSM = ("© OpenStreetMap contributors", "ODbL")


def _metric(geoms, **cols) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=3405).to_crs(4326)


def _with_source(gdf, source, licence, accuracy="approximate"):
    out = gdf.copy()
    out["source"], out["licence"], out["accuracy"] = source, licence, accuracy
    out["source_url"], out["source_date"] = "https://example.org/x", "2025"
    return out


def _sites(
    kind: str,
    rows: list[tuple[str, str, float, float, float]],
    *,
    accuracy: str = "approximate",
    major=None,
) -> gpd.GeoDataFrame:
    """Sites with the columns of DEVELOPERS.md; rows are (site_id, name, x, y, area_ha)."""
    side = [np.sqrt(a * 10_000) for *_, a in rows]
    geoms = [
        box(x - s / 2, y - s / 2, x + s / 2, y + s / 2)
        for (_, _, x, y, _), s in zip(rows, side, strict=True)
    ]
    n = len(rows)
    gdf = _metric(
        geoms,
        site_id=[r[0] for r in rows],
        name_vi=[r[1] for r in rows],
        kind=[kind] * n,
        former_province=["Hà Nam"] * n,
        district_old=[pd.NA] * n,
        communes=[pd.NA] * n,
        status=["operating"] * n,
        status_year=pd.array([2010] * n, dtype="Int64"),
        area_ha=[r[4] for r in rows],
        area_basis=["decision"] * n,
        area_alt=[""] * n,
        industrial_ha=[np.nan] * n,
        leasable_ha=[np.nan] * n,
        leased_ha=[np.nan] * n,
        occupancy_pct=np.linspace(20, 95, n),
        jobs=[np.nan] * n,
        projects=[np.nan] * n,
        has_wwtp=pd.array([True] * n, dtype="boolean"),
        wwtp_compliant=pd.array([pd.NA] * n, dtype="boolean"),
        craft_village=[False] * n,
        mountainous=[False] * n,
        expansion_ha=[np.nan] * n,
        major=list(major) if major is not None else [False] * n,
        location_accuracy=["approximate"] * n,
        location_basis=["commune point"] * n,
        footprint_accuracy=[accuracy] * n,
        footprint_basis=["area around point"] * n,
    )
    pts = gdf.geometry.representative_point()
    gdf["lon"], gdf["lat"] = pts.x, pts.y
    return _with_source(gdf, "Sở Công Thương", "facts", accuracy)


def make_layers(*, illustrative: bool = False, tall: bool = False) -> dict:
    """A 60 × 40 km province of three former provinces (40 × 60 km when ``tall``)."""
    w, h = (40_000, 60_000) if tall else (60_000, 40_000)
    thirds = [box(X0 + i * w / 3, Y0, X0 + (i + 1) * w / 3, Y0 + h) for i in range(3)]
    province = _with_source(_metric([box(X0, Y0, X0 + w, Y0 + h)], name=["Ninh Bình"]), *ODM)
    former = _with_source(_metric(thirds, name=["Hà Nam", "Nam Định", "Ninh Bình"]), *ODM)
    # A land polygon clipped to a box, as the packaged coastline is.
    coast = _with_source(_metric([box(X0 - 5000, Y0 - 5000, X0 + w, Y0 + h + 5000)]), *OSM)
    roads = _with_source(
        _metric([LineString([(X0, Y0 + h / 2), (X0 + w, Y0 + h / 2)])]),
        "legocity",
        "CC BY-SA 4.0",
        "digitized",
    )
    acc = "illustrative" if illustrative else "approximate"
    parks = _sites(
        "KCN",
        [
            ("KCN-HN-DONGVAN1", "KCN Đồng Văn I", X0 + 10_000, Y0 + 30_000, 300.0),
            ("KCN-NB-KHANHPHU", "KCN Khánh Phú", X0 + 30_000, Y0 + 10_000, 355.5),
            ("KCN-ND-MYTHUAN", "KCN Mỹ Thuận", X0 + 35_000, Y0 + 35_000, 113.7),
        ],
        accuracy=acc,
        major=[True, True, False],
    )
    clusters = _sites(
        "CCN",
        [
            ("CCN-A", "CCN Mai Sơn", X0 + 12_000, Y0 + 25_000, 50.0),
            ("CCN-B", "CCN Nghĩa Phong", X0 + 26_000, Y0 + 12_000, 75.0),
            ("CCN-C", "CCN Yên Ninh", X0 + 20_000, Y0 + 20_000, 20.0),
            ("CCN-D", "CCN Đồng Hướng", X0 + 5_000, Y0 + 5_000, 10.0),
        ],
        accuracy=acc,
    )
    cm = clusters.to_crs(3405).geometry.representative_point()
    pm = parks.to_crs(3405).geometry.representative_point()
    links = _metric(
        [LineString([cm.iloc[0], pm.iloc[0]]), LineString([cm.iloc[1], pm.iloc[1]])],
        site_id=["CCN-A", "CCN-B"],
        park_id=["KCN-HN-DONGVAN1", "KCN-NB-KHANHPHU"],
        park_name=["KCN Đồng Văn I", "KCN Khánh Phú"],
        rank=[1, 1],
    )
    links["straight_km"] = links.to_crs(3405).length / 1000
    hazard = _with_source(
        _metric([box(X0 + w * 0.6, Y0, X0 + w, Y0 + h / 2)], depth_m=[1.5]),
        "ninhbinh_geo",
        "CC0",
        "illustrative" if illustrative else "approximate",
    )
    exposure = pd.DataFrame(
        {
            "site_id": ["CCN-A", "CCN-A", "CCN-B", "CCN-B", "CCN-C", "CCN-C", "CCN-D", "CCN-D"],
            "hazard": ["h10", "h100"] * 4,
            "return_period": [10, 100] * 4,
            "exposed_share": [0.1, 0.6, 0.0, 0.2, 0.3, 0.5, np.nan, np.nan],
            "accuracy": [acc] * 8,
        }
    )
    findings = pd.DataFrame(
        {
            "site_id": ["CCN-A", "CCN-A", "CCN-B", "CCN-B", "CCN-C", "CCN-D"],
            "name_vi": ["CCN Mai Sơn"] * 2
            + ["CCN Nghĩa Phong"] * 2
            + ["CCN Yên Ninh", "CCN Đồng Hướng"],
            "rule_id": ["CCN-01", "CCN-02"] * 2 + ["CCN-01", "CCN-01"],
            "result": ["pass", "fail", "pass", "not_applicable", "needs_review", "not_applicable"],
        }
    )
    # travel time (issue 14): minutes to the nearest hub, service areas, candidate sites
    clusters["travel_min"] = [12.0, 25.0, 52.0, np.nan]
    hubs = pm.iloc[:2]
    service = _with_source(
        _metric(
            [p.buffer(r) for p in hubs for r in (3_000, 7_000, 11_000)],
            park_id=[i for i in ("KCN-HN-DONGVAN1", "KCN-NB-KHANHPHU") for _ in range(3)],
            minutes=[15.0, 30.0, 45.0] * 2,
        ),
        "ninhbinh_geo.network.service_areas",
        "derived",
    )
    candidates = _with_source(
        _metric(
            [box(X0 + 40_000, Y0 + 20_000, X0 + 40_700, Y0 + 20_700),
             box(X0 + 50_000, Y0 + 30_000, X0 + 50_700, Y0 + 30_700)],
            candidate_id=["CAND-01", "CAND-02"],
            rank=[1, 2],
            score=[0.9, 0.7],
        ),
        "ninhbinh_geo.siting",
        "derived",
        acc,
    )  # fmt: skip
    return {
        "province": province,
        "former_provinces": former,
        "coastline": coast,
        "roads": roads,
        "hazard": hazard,
        "exposure": exposure,
        "satellite_links": links,
        "parks": parks,
        "clusters": clusters,
        "zoning_findings": findings,
        "service_areas": service,
        "candidate_sites": candidates,
    }


@functools.cache
def case(*, illustrative: bool = False, tall: bool = False) -> tuple[dict, dict]:
    """Layers and their shared legends, built once.

    The main case uses the review's default classification (NaturalBreaks, which takes seconds
    in mapclassify without numba); the variants use Quantiles, which is quick.
    """
    lay = make_layers(illustrative=illustrative, tall=tall)
    if illustrative or tall:
        return lay, styles.default_legends(lay, scheme="Quantiles")
    return lay, styles.default_legends(lay)


@pytest.fixture(scope="module")
def layers():
    return case()[0]


@pytest.fixture(scope="module")
def legends():
    return case()[1]


@pytest.fixture(scope="module")
def written(layers, legends, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    t0 = time.perf_counter()
    paths = staticmap.review_maps(layers, legends, out)
    return paths, time.perf_counter() - t0


def _fig_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def _handle_color(h) -> str:
    if isinstance(h, Line2D):
        if h.get_marker() not in (None, "None", "none", ""):
            return to_hex(h.get_markerfacecolor(), keep_alpha=False)
        return to_hex(h.get_color(), keep_alpha=False)
    assert isinstance(h, Patch)
    return to_hex(h.get_facecolor(), keep_alpha=False)


def _fig_legend_entries(fig) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for leg in fig.legends:
        title = leg.get_title().get_text().replace("\n", " ")
        pairs = [
            (t.get_text(), _handle_color(h))
            for t, h in zip(leg.get_texts(), leg.legend_handles, strict=True)
        ]
        out.append((title, pairs))
    return out


# --------------------------------------------------------------------------------------------


def test_review_maps_writes_png_and_pdf_for_every_map(written):
    paths, seconds = written
    assert [p.name for p in paths] == [
        f"map_{n}.{ext}" for n in staticmap.MAP_NAMES for ext in ("png", "pdf")
    ]
    for p in paths:
        head = p.read_bytes()[:8]
        assert p.stat().st_size > 10_000
        assert head.startswith(b"\x89PNG" if p.suffix == ".png" else b"%PDF")
    # No temporary files are left next to the maps.
    assert sorted(paths[0].parent.iterdir()) == sorted(paths)
    assert seconds / len(staticmap.MAP_NAMES) < 3.0


def _paper_px(paper: str, tall: bool) -> tuple[float, float]:
    long_mm, short_mm = staticmap.PAPER_MM[paper]
    # A wide province is drawn landscape, a tall one portrait.
    w_mm, h_mm = (short_mm, long_mm) if tall else (long_mm, short_mm)
    dpi = staticmap.PNG_DPI[paper]
    assert 150 <= dpi <= 200
    return w_mm / 25.4 * dpi, h_mm / 25.4 * dpi


def test_png_size_is_the_paper_at_the_dpi(written, tmp_path):
    # Every written A4 map of the wide fixture province is A4 landscape at 200 dpi.
    for png in [p for p in written[0] if p.suffix == ".png"]:
        w_px, h_px = Image.open(png).size
        ew, eh = _paper_px("A4", tall=False)
        assert max(abs(w_px - ew), abs(h_px - eh)) <= 1, png.name
    lay, lgs = case(tall=True)
    fig = staticmap.plot_zoning(lay, lgs, paper="A3")
    png, _ = staticmap.save_figure(fig, tmp_path / "m")
    w_px, h_px = Image.open(png).size
    ew, eh = _paper_px("A3", tall=True)
    assert abs(w_px - ew) <= 1
    assert abs(h_px - eh) <= 1


@pytest.mark.parametrize("paper", ["A4", "A3"])
@pytest.mark.parametrize("tall", [False, True])
def test_orientation_fits_the_province(paper, tall):
    lay, lgs = case(tall=tall)
    fig = staticmap.plot_overview(lay, lgs, paper=paper)
    w_in, h_in = fig.get_size_inches()
    ew, eh = _paper_px(paper, tall)
    dpi = staticmap.PNG_DPI[paper]
    assert (w_in * dpi, h_in * dpi) == pytest.approx((ew, eh))
    # The whole province is inside the map frame.
    xmin, xmax = fig.axes[0].get_xlim()
    ymin, ymax = fig.axes[0].get_ylim()
    bx0, by0, bx1, by1 = lay["province"].to_crs(3405).total_bounds
    assert xmin < bx0 < bx1 < xmax
    assert ymin < by0 < by1 < ymax


@pytest.mark.parametrize("name", staticmap.MAP_NAMES)
def test_legend_colours_are_the_shared_legends(name, layers, legends):
    fig = PLOTTERS[name](layers, legends)
    entries = _fig_legend_entries(fig)
    used = {
        "overview": ["province", "former_provinces", "coastline", "roads", "parks", "clusters"],
        "efficiency": ["province", "former_provinces", "parks", "clusters"],
        "satellite": [
            "province",
            "former_provinces",
            "roads",
            "satellite_links",
            "clusters",
            "parks",
        ],
        "exposure": ["province", "former_provinces", "coastline", "hazard", "exposure"],
        "zoning": ["province", "former_provinces", "zoning_findings"],
        "traveltime": [
            "province",
            "former_provinces",
            "roads",
            "service_areas",
            "clusters",
            "parks",
            "candidate_sites",
        ],
    }[name]
    singles = [p for title, pairs in entries if not title for p in pairs]
    for layer in used:
        # the efficiency map colours the clusters by their own (occupancy) legend, the zoning
        # map its sites by their outcome
        key = {
            ("efficiency", "clusters"): "efficiency",
            ("zoning", "zoning_findings"): ("zoning_outcome"),
            ("traveltime", "clusters"): "traveltime",
        }.get((name, layer), layer)
        lg = legends.get(key, legends[layer])
        if lg.kind == "single":
            assert (lg.title("vi"), lg.classes[0].color) in singles, layer
            continue
        matches = [pairs for title, pairs in entries if lg.title("vi") in title]
        assert len(matches) == 1, (layer, [t for t, _ in entries])
        expected = [(c.text("vi"), c.color) for c in lg.classes]
        assert matches[0][: len(expected)] == expected, layer


def test_nodata_entry_only_when_a_value_is_missing(layers, legends):
    # CCN-D has no exposed share: the exposure legend gets a no-data entry in its grey.
    fig = staticmap.plot_exposure(layers, legends)
    expo = next(p for t, p in _fig_legend_entries(fig) if legends["exposure"].title() in t)
    assert expo[-1] == (labels.label("nodata"), styles.NODATA_COLOR)
    fig = staticmap.plot_zoning(layers, legends)
    zoning = next(p for t, p in _fig_legend_entries(fig) if "Kết quả" in t)
    assert labels.label("nodata") not in [lab for lab, _ in zoning]


def test_font_has_every_vietnamese_glyph():
    path = findfont(FontProperties(family="DejaVu Sans"), fallback_to_default=False)
    assert staticmap.font_path().samefile(path)
    charmap = FT2Font(path).get_charmap()
    texts = [v for d in labels.LABELS.values() for v in d.values()]
    chars = {c for t in texts for c in t if not c.isspace()}
    assert "ệ" in chars
    assert "Đ" in chars
    assert sorted(c for c in chars if ord(c) not in charmap) == []
    # The module's own check agrees, and catches a missing glyph.
    assert staticmap.missing_glyphs("".join(chars)) == set()
    assert staticmap.missing_glyphs("Khu 工") == {"工"}


def test_maps_render_without_missing_glyph_warnings(layers, legends):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in staticmap.MAP_NAMES:
            fig = PLOTTERS[name](layers, legends)
            fig.canvas.draw()  # Agg lays out and rasterises every glyph here
    glyph = [str(w.message) for w in caught if "glyph" in str(w.message).lower()]
    assert glyph == []
    families = {t.get_fontfamily()[0] for t in fig.findobj(Text) if t.get_text()}
    assert families <= {"DejaVu Sans", "sans-serif"}
    assert {t.get_fontname() for t in fig.findobj(Text) if t.get_text()} == {"DejaVu Sans"}


def test_hostile_names_render_as_written(legends, tmp_path, caplog):
    lay = make_layers()
    parks = lay["parks"].copy()
    parks["name_vi"] = ["KCN $x^2$ \\frac{1}{2}", "<script>alert('x')</script>", "KCN A\nB\tC 工"]
    parks["major"] = True  # so that every name is drawn as a label
    lay["parks"] = parks
    clusters = lay["clusters"].copy()
    clusters["source"] = ["$$ giá", "<b>x</b>", "a\nb", "ok"]
    lay["clusters"] = clusters
    with caplog.at_level(logging.WARNING, logger="ninhbinh_geo.staticmap"):
        fig = staticmap.plot_overview(lay, legends)
        png, pdf = staticmap.save_figure(fig, tmp_path / "hostile")
    texts = _fig_texts(fig)
    assert "KCN $x^2$ \\frac{1}{2}" in texts
    assert "<script>alert('x')</script>" in texts
    # Control characters become spaces; a glyph the font lacks becomes '?', and is logged.
    assert any("KCN A B C ?" in t for t in texts)
    assert "no glyph" in caplog.text
    assert all(not t.get_parse_math() for t in fig.findobj(Text))
    assert png.stat().st_size > 0
    assert pdf.stat().st_size > 0
    sources = next(t for t in fig.texts if t.get_gid() == "sources").get_text()
    assert "$$ giá" in sources


@pytest.mark.parametrize("name", staticmap.MAP_NAMES)
def test_illustrative_mark_follows_accuracy(name):
    marks = {
        labels.label("warn.illustrative_footprint"),
        labels.label("warn.illustrative_hazard"),
        labels.label("warn.illustrative_candidates_map"),
    }

    def shown(lay, lgs):
        fig = PLOTTERS[name](lay, lgs)
        return {
            t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == "illustrative_mark"
        }

    assert shown(*case(illustrative=False)) == set()
    got = shown(*case(illustrative=True))
    assert got
    assert got <= marks
    if name == "exposure":
        assert labels.label("warn.illustrative_hazard") in got
    if name == "traveltime":
        assert labels.label("warn.illustrative_candidates_map") in got


def test_illustrative_mark_in_english():
    fig = staticmap.plot_overview(*case(illustrative=True), lang="en")
    texts = " ".join(t.get_text().replace("\n", " ") for t in fig.texts)
    assert labels.label("warn.illustrative_footprint", "en") in texts
    assert labels.label("title.overview", "en") in texts


def test_scale_bar_is_true_in_km(layers, legends):
    fig = staticmap.plot_overview(layers, legends)
    fig.canvas.draw()
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "scalebar"]
    x0 = min(p.get_x() for p in bars)
    x1 = max(p.get_x() + p.get_width() for p in bars)
    y = bars[0].get_y()
    label_km = float(
        re.match(
            r"([\d.]+) km", [t.get_text() for t in ax.texts if t.get_gid() == "scalebar_label"][-1]
        )[1]
    )
    # Length read through the axes transform: bar pixels over axes pixels times the x span.
    (px0, _), (px1, _) = ax.transData.transform([(x0, y), (x1, y)])
    span_m = np.diff(ax.get_xlim())[0]
    km = (px1 - px0) / ax.get_window_extent().width * span_m / 1000
    assert km == pytest.approx(label_km, rel=1e-6)
    # One metre is as long in x as in y, so the bar holds in every direction.
    sx, sy = np.diag(ax.transData.get_matrix()[:2, :2])
    assert sx == pytest.approx(sy, rel=1e-6)
    # And the ground distance between the bar's ends is that many km (UTM scale < 0.1 %).
    lon, lat = pyproj.Transformer.from_crs(3405, 4326, always_xy=True).transform([x0, x1], [y, y])
    geodesic_km = pyproj.Geod(ellps="WGS84").inv(lon[0], lat[0], lon[1], lat[1])[2] / 1000
    assert geodesic_km == pytest.approx(label_km, rel=1e-3)
    # The 60 km wide province gives a bar of 10 km (22 % of the map, rounded down).
    assert label_km == 10.0


def test_north_arrow_and_furniture(layers, legends):
    fig = staticmap.plot_satellite(layers, legends)
    ax = fig.axes[0]
    assert any(p.get_gid() == "north_arrow" for p in ax.patches)
    assert [t.get_text() for t in ax.texts if t.get_gid() == "north_arrow_label"] == ["B"]
    texts = {t.get_gid(): t.get_text() for t in fig.texts}
    assert texts["title"] == labels.label("title.satellite")
    # Major parks are named, the minor one is not.
    names = [t.get_text() for t in ax.texts]
    assert "KCN Đồng Văn I" in names
    assert "KCN Khánh Phú" in names
    assert not any("Mỹ Thuận" in n for n in names)


def test_sources_line_names_sources_and_licences(layers, legends):
    fig = staticmap.plot_overview(layers, legends)
    src = next(t for t in fig.texts if t.get_gid() == "sources").get_text().replace("\n", " ")
    # grouped by licence, in the order the layers cite them
    assert src.startswith("Nguồn: Open Development Mekong; legocity – CC BY-SA 4.0 · ")
    assert "© OpenStreetMap contributors – ODbL" in src
    assert "Sở Công Thương – facts" in src
    assert src.count("Open Development Mekong") == 1  # province and former provinces share it


def test_sources_line_lists_every_source_wrapped_never_cut():
    # 40 news pages cited row by row: the old line showed three and "và 37 nguồn khác"
    pages = [f"trang-tin-{i:02d}.vn" for i in range(40)]
    frame = pd.DataFrame({"source": [*pages, "OSM"], "licence": ["public facts"] * 40 + ["ODbL"]})
    assert (
        _sources_text([frame], "en") == f"Sources: {'; '.join(pages)} – public facts · OSM – ODbL"
    )
    texts, footers = _sources_block({"clusters": [frame]}, "vi", "A4")
    for text in texts.values():
        assert "…" not in text
        assert "nguồn khác" not in text
        assert text.replace("\n", " ").count("trang-tin-") == 40
        assert text.count("\n") >= 2  # wrapped onto lines
    # the portrait page wraps more often, and its sources band is taller
    assert texts["portrait"].count("\n") > texts["landscape"].count("\n")
    assert footers["portrait"] > footers["landscape"] >= 13.0


def test_overview_sources_fit_in_the_page_and_do_not_touch_the_credits():
    lay, lgs = case()
    clusters = lay["clusters"].copy()
    clusters["source"] = [f"nguồn tin số {i} rất dài về cụm công nghiệp" * 3 for i in range(4)]
    fig = staticmap.plot_overview({**lay, "clusters": clusters}, lgs)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {t.get_gid(): t.get_window_extent(renderer) for t in fig.texts}
    page = fig.bbox
    assert boxes["sources"].x1 <= page.x1
    assert boxes["sources"].y0 > boxes["credits"].y1  # above the credits line
    assert boxes["sources"].y1 < fig.axes[0].get_window_extent(renderer).y0  # below the map
    text = next(t for t in fig.texts if t.get_gid() == "sources").get_text().replace("\n", " ")
    assert all(f"nguồn tin số {i} rất dài" in text for i in range(4))


def test_zoning_shows_one_outcome_per_site_and_labels_fails(layers, legends):
    fig = staticmap.plot_zoning(layers, legends, lang="en")
    markers = next(c for c in fig.axes[0].collections if c.get_gid() == "zoning_findings_markers")
    colors = [to_hex(c) for c in markers.get_facecolors()]
    # CCN-A pass+fail → fail; CCN-B pass+n/a → pass; CCN-C needs review (nothing says why:
    # a case review); CCN-D n/a.
    assert colors == [
        styles.OUTCOME_COLORS[r] for r in ("fail", "pass", "needs_review.review", "not_applicable")
    ]
    sizes = markers.get_sizes()
    assert sizes[0] > sizes[1] == sizes[2]  # the fail stands out
    labels_ = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "map_label"]
    assert labels_ == ["CCN-02"]  # the binding rule of the fail (no margin in this table)


def test_zoning_needs_review_differ_by_what_is_missing(layers, legends):
    findings = pd.DataFrame(
        {
            "site_id": ["CCN-A", "CCN-B", "CCN-C", "CCN-D"],
            "rule_id": ["CCN-01", "DYK-01", "CCN-07", "CCN-01"],
            "result": ["fail", "needs_review", "needs_review", "needs_review"],
            "margin_en": ["12.4 ha above 75 ha", "", "", ""],
            "missing_input": ["", "layer:dykes", "sites:existing", "column:area_ha"],
        }
    )
    lay = {**layers, "zoning_findings": findings}
    lgs = {**legends, **styles.default_legends({"zoning_findings": findings})}
    fig = staticmap.plot_zoning(lay, lgs, lang="en")
    markers = next(c for c in fig.axes[0].collections if c.get_gid() == "zoning_findings_markers")
    colors = [to_hex(c) for c in markers.get_facecolors()]
    assert colors == [
        styles.OUTCOME_COLORS[o]
        for o in ("fail", "needs_review.layer", "needs_review.sites", "needs_review.column")
    ]
    assert len(set(colors)) == 4
    entries = dict(next(p for t, p in _fig_legend_entries(fig) if "binding rule" in t))
    entries = {k.replace("\n", " "): v for k, v in entries.items()}  # wrapped in the panel
    assert "Fail: CCN-01 (1)" in entries
    assert "Needs review – a map layer is missing: DYK-01 (1)" in entries
    assert [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "map_label"] == [
        "CCN-01: 12.4 ha above 75 ha"
    ]


def test_exposure_shows_one_stated_return_period(layers, legends):
    fig = staticmap.plot_exposure(layers, legends, lang="en")
    lg = legends["exposure"]
    assert lg.where == {"hazard": "h100", "return_period": 100.0}
    markers = next(c for c in fig.axes[0].collections if c.get_gid() == "exposure_markers")
    # the 100-year shares (CCN-D unknown), not the largest of the two return periods
    assert [to_hex(c) for c in markers.get_facecolors()] == [
        lg.color_for(0.6),
        lg.color_for(0.2),
        lg.color_for(0.5),
        styles.NODATA_COLOR,
    ]
    assert lg.color_for(0.2) != lg.color_for(0.0)
    title = next(t for t in fig.texts if t.get_gid() == "title").get_text()
    assert title == "Flood exposure of clusters – 100-year return period"
    legend_titles = [t for t, _ in _fig_legend_entries(fig)]
    assert any("100-year return period" in t for t in legend_titles)
    assert not any("largest across scenarios" in t for t in legend_titles)


def test_exposure_map_draws_no_hazard_of_another_return_period(layers, legends, caplog):
    hazard = layers["hazard"].assign(hazard="h10", return_period=10.0)
    lay = {**layers, "hazard": hazard}
    lgs = {**legends, **styles.default_legends({"hazard": hazard, "exposure": layers["exposure"]})}
    assert lgs["exposure"].where["hazard"] == "h10"  # the hazard layer's scenario wins
    fig = staticmap.plot_exposure(lay, lgs)
    assert any(c.get_gid() == "hazard" for c in fig.axes[0].collections)
    other = {**lgs, "exposure": legends["exposure"]}  # a legend naming the 100-year flood
    with caplog.at_level(logging.WARNING, logger="ninhbinh_geo.staticmap"):
        fig = staticmap.plot_exposure(lay, other)
    assert not any(c.get_gid() == "hazard" for c in fig.axes[0].collections)
    assert "not drawn" in caplog.text


def test_sites_placed_by_district_are_hollow_and_said_so(legends):
    lay = make_layers()
    clusters = lay["clusters"].copy()
    clusters["location_accuracy"] = ["approximate", "illustrative", "approximate", "illustrative"]
    lay["clusters"] = clusters
    for plot in (staticmap.plot_overview, staticmap.plot_exposure, staticmap.plot_zoning):
        fig = plot(lay, legends, lang="en")
        name = {staticmap.plot_overview: "clusters", staticmap.plot_exposure: "exposure"}.get(
            plot, "zoning_findings"
        )
        markers = next(c for c in fig.axes[0].collections if c.get_gid() == f"{name}_markers")
        faces = [to_hex(c) for c in markers.get_facecolors()]
        ids = ["CCN-A", "CCN-B", "CCN-C", "CCN-D"]
        hollow = [i in ("CCN-B", "CCN-D") for i in ids]
        assert [f == "#ffffff" for f in faces] == hollow, name
        dashed = [ls[1] is not None for ls in markers.get_linestyles()]
        assert dashed == hollow, name
        texts = [t for _, pairs in _fig_legend_entries(fig) for t, _ in pairs]
        n = sum(hollow)
        if n:
            assert any(
                t.replace("\n", " ").endswith(f"illustrative location by district ({n})")
                for t in texts
            ), name


def test_hub_labels_are_grouped_placed_apart_and_never_overlap(legends):
    lay = make_layers()
    rows = [
        (
            f"KCN-HN-DONGVAN{i}",
            f"KCN Đồng Văn {r}",
            X0 + 9_000 + 900 * (i % 3),
            Y0 + 30_000 + 800 * (i // 3),
            120.0,
        )
        for i, r in enumerate(("I", "II", "III", "IV", "V", "VI"))
    ]
    rows += [
        ("KCN-A", "KCN Gián Khẩu", X0 + 12_500, Y0 + 30_500, 100.0),
        ("KCN-B", "KCN Khánh Phú", X0 + 30_000, Y0 + 10_000, 300.0),
        ("KCN-C", "KCN Bảo Minh", X0 + 31_500, Y0 + 11_000, 300.0),
    ]
    parks = _sites("KCN", rows, major=[True] * len(rows))
    fig = staticmap.plot_overview({**lay, "parks": parks}, legends)
    ax = fig.axes[0]
    labels_ = [t for t in ax.texts if t.get_gid() == "map_label"]
    texts = sorted(t.get_text() for t in labels_)
    # the six Đồng Văn parks share one label; Gián Khẩu, Khánh Phú and Bảo Minh, close to
    # them or to each other, have their own, placed apart
    assert texts == ["KCN Bảo Minh", "KCN Gián Khẩu", "KCN Khánh Phú", "KCN Đồng Văn I–VI"]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels_]
    for i, a in enumerate(boxes):
        assert ax.get_window_extent(renderer).contains(a.x0, a.y0)
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)
    # one leader per Đồng Văn park (the label stands apart from most of them), none stacked
    leaders = [ln for ln in ax.lines if ln.get_gid() == "map_label_leader"]
    assert len(leaders) >= 5
    assert not any("\n" in t for t in texts)


def test_group_names():
    from ninhbinh_geo.staticmap.placing import _group_name

    assert _group_name([f"KCN Đồng Văn {r}" for r in ("VI", "I", "III", "II", "V", "IV")]) == (
        "KCN Đồng Văn I–VI"
    )
    assert _group_name(["KCN Đồng Văn I", "KCN Đồng Văn III"]) == "KCN Đồng Văn I, III"
    assert _group_name(["KCN Gián Khẩu", "CCN Gia Vân"]) == "KCN Gián Khẩu, CCN Gia Vân"


def test_review_maps_skips_absent_maps_with_reason(layers, legends, tmp_path, caplog):
    only = {k: layers[k] for k in ("province", "clusters")}
    only_legends = {k: v for k, v in legends.items() if k in only}
    with caplog.at_level(logging.WARNING, logger="ninhbinh_geo.staticmap"):
        paths = staticmap.review_maps(only, only_legends, tmp_path, lang="en")
    assert [p.name for p in paths] == [
        "map_overview.png",
        "map_overview.pdf",
        "map_efficiency.png",
        "map_efficiency.pdf",
    ]
    assert "'satellite' skipped" in caplog.text
    assert "'satellite_links' and 'parks'" in caplog.text
    assert "'zoning' skipped" in caplog.text


def test_bad_input_raises_our_errors(layers, legends, tmp_path):
    no_clusters_legend = {k: v for k, v in legends.items() if k != "clusters"}
    with pytest.raises(SchemaError, match="No legend for layer 'clusters'"):
        staticmap.plot_overview(layers, no_clusters_legend)
    with pytest.raises(SchemaError, match="'satellite_links' and 'parks'"):
        staticmap.plot_satellite({"clusters": layers["clusters"]}, legends)
    with pytest.raises(SchemaError, match="paper"):
        staticmap.plot_overview(layers, legends, paper="Letter")
    bad = layers["zoning_findings"].assign(result="maybe")
    with pytest.raises(SchemaError, match=r"'result'.*CCN-A"):
        staticmap.plot_zoning({**layers, "zoning_findings": bad}, legends)
    no_col = layers["clusters"].drop(columns="area_ha")
    with pytest.raises(SchemaError, match="no column 'area_ha'"):
        staticmap.plot_overview({**layers, "clusters": no_col}, legends)
    fig = staticmap.plot_efficiency(layers, legends)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="writable"):
        staticmap.save_figure(fig, blocker / "sub" / "m")


def test_inputs_are_not_mutated(legends):
    lay = make_layers(illustrative=True)
    before = {k: v.copy() for k, v in lay.items()}
    staticmap.plot_zoning(lay, legends)
    staticmap.plot_exposure(lay, legends)
    staticmap.plot_overview(lay, legends)
    for k, v in lay.items():
        pd.testing.assert_frame_equal(pd.DataFrame(v), pd.DataFrame(before[k]))
        assert getattr(v, "crs", None) == getattr(before[k], "crs", None)


def test_efficiency_uses_its_own_legend_when_given(layers, legends):
    eff = styles.graduated_legend(
        layers["clusters"]["occupancy_pct"],
        layer="clusters",
        column="occupancy_pct",
        title_key="col.occupancy_pct",
        k=2,
    )
    fig = staticmap.plot_efficiency(layers, {**legends, "efficiency": eff})
    titles = [t for t, _ in _fig_legend_entries(fig)]
    assert any(labels.label("col.occupancy_pct") in t for t in titles)
    markers = next(c for c in fig.axes[0].collections if c.get_gid() == "clusters_markers")
    assert [to_hex(c) for c in markers.get_facecolors()] == list(
        eff.colors(layers["clusters"]["occupancy_pct"])
    )


def test_coastline_drops_the_edges_it_was_clipped_along():
    # Land clipped to the box lon 105.5–106.0, lat 20.0–20.5 (as the packaged coastline is);
    # a bay cuts in from the east to lon 105.8, which is the only real coast.
    land = Polygon([(105.5, 20.0), (106.0, 20.0), (105.8, 20.25), (106.0, 20.5), (105.5, 20.5)])
    clipped = gpd.GeoDataFrame({"name": ["land"]}, geometry=[land], crs=4326)
    lines = _coast_lines(clipped)
    assert lines.geometry.iloc[0].length == pytest.approx(2 * np.hypot(0.2, 0.25))
    assert lines.geometry.iloc[0].bounds == pytest.approx((105.8, 20.0, 106.0, 20.5))
    # Lines are drawn as they are.
    road = gpd.GeoDataFrame(geometry=[LineString([(105.5, 20.0), (106.0, 20.0)])], crs=4326)
    assert _coast_lines(road).geometry.iloc[0].length == pytest.approx(0.5)


# --------------------------------------------------------------------------------------------
# Formats, worker processes and the door


def _pixels(png) -> np.ndarray:
    with Image.open(png) as im:
        return np.asarray(im)


@pytest.fixture(scope="module")
def written_serially(layers, legends, tmp_path_factory):
    return staticmap.review_maps(layers, legends, tmp_path_factory.mktemp("serial"), processes=1)


# Worker processes are forked only from a single-threaded process. A test run may hold a thread
# by then (running the notebooks leaves jupyter's event-loop thread), so these scenarios run in a
# fresh interpreter when this one cannot fork: the parallel path is tested in every run.


def _scenario(name: str, folder: str) -> dict:
    """Run one worker-process scenario in this process; return what it observed."""
    folder = Path(folder)
    with (folder / "case.pkl").open("rb") as f:
        lay, lgs = pickle.load(f)
    assert _forking.can_fork()
    with pytest.MonkeyPatch.context() as mp:
        if name == "parallel":
            draw_and_save = sm_review._draw_and_save

            def recording(map_name, job):
                (folder / f"{map_name}.pid").write_text(str(os.getpid()))
                return draw_and_save(map_name, job)

            mp.setattr(sm_review, "_draw_and_save", recording)
            paths = staticmap.review_maps(lay, lgs, folder / "maps", processes=2)
            pids = {int(p.read_text()) for p in folder.glob("*.pid")}
            return {"paths": [str(p) for p in paths], "pids": sorted(pids), "me": os.getpid()}
        if name == "errors":
            only = {k: lay[k] for k in ("province", "clusters")}
            out = {}
            for processes in (1, 2):
                # A folder in the way of a file: the writer's OutputError.
                target = folder / f"blocked-{processes}"
                (target / "map_efficiency.pdf").mkdir(parents=True)
                out[f"blocked-{processes}"] = _raised(only, lgs, target, processes)
                out[f"listing-{processes}"] = sorted(p.name for p in target.iterdir())

            def broken(*args, **kwargs):
                raise SchemaError("Layer 'clusters': a test error with 'ệ' and $x$")

            mp.setattr(efficiency_map, "_draw", broken)
            for processes in (1, 2):
                out[f"drawing-{processes}"] = _raised(only, lgs, folder / "d", processes)
            return out
        if name == "logs":
            records: list[logging.LogRecord] = []
            handler = logging.Handler()
            handler.emit = records.append
            package = logging.getLogger("ninhbinh_geo")
            package.addHandler(handler)
            try:
                staticmap.review_maps(lay, lgs, folder / "maps", formats="png", processes=2)
            finally:
                package.removeHandler(handler)
            return {"records": [[r.name, r.levelname, r.getMessage()] for r in records]}
    raise ValueError(name)


def _raised(lay, lgs, folder, processes) -> list[str]:
    try:
        staticmap.review_maps(lay, lgs, folder, processes=processes)
    except Exception as exc:  # what is raised is the result
        return [type(exc).__name__, str(exc), str(exc.__cause__)]
    return []


def _run_scenario(name: str, folder, lay: dict, lgs: dict) -> dict:
    """Run a scenario here when this process can fork, else in a fresh interpreter."""
    with (folder / "case.pkl").open("wb") as f:
        pickle.dump((lay, lgs), f)
    if _forking.can_fork():
        return _scenario(name, str(folder))
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import test_staticmap as t; "
        "print(json.dumps(t._scenario(sys.argv[2], sys.argv[3])))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent), name, str(folder)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_parallel_maps_are_the_serial_maps(layers, legends, written_serially, tmp_path):
    seen = _run_scenario("parallel", tmp_path, layers, legends)
    # Drawn by two worker processes, not by the caller.
    assert len(seen["pids"]) == 2
    assert seen["me"] not in seen["pids"]
    parallel = [Path(p) for p in seen["paths"]]
    assert [p.name for p in parallel] == [p.name for p in written_serially]
    for p, s in zip(parallel, written_serially, strict=True):
        if p.suffix == ".png":
            assert np.array_equal(_pixels(p), _pixels(s)), p.name
        # No creation date, fixed compression: the very same bytes, PDF and PNG alike.
        assert p.read_bytes() == s.read_bytes(), p.name


def test_written_maps_equal_serial_ones(written, written_serially):
    # The module's default call (in workers when this process may fork, else here).
    for p, s in zip(written[0], written_serially, strict=True):
        assert p.read_bytes() == s.read_bytes(), p.name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_worker_errors_reach_the_caller_unchanged(layers, legends, tmp_path):
    seen = _run_scenario("errors", tmp_path, layers, legends)
    serial, parallel = seen["blocked-1"], seen["blocked-2"]
    assert serial[0] == parallel[0] == "OutputError"
    assert parallel[1] == serial[1].replace("blocked-1", "blocked-2")
    assert "writable" in parallel[1]
    # The overview, drawn before (or beside) the failing map, is complete; no temporary file
    # (map_efficiency.pdf is the folder in the way).
    for processes in (1, 2):
        assert seen[f"listing-{processes}"] == [
            "map_efficiency.pdf",
            "map_efficiency.png",
            "map_overview.pdf",
            "map_overview.png",
        ]
    # An error raised while drawing: same class and message, the worker's traceback chained.
    serial, parallel = seen["drawing-1"], seen["drawing-2"]
    assert serial[:2] == parallel[:2]
    assert parallel[:2] == ["SchemaError", "Layer 'clusters': a test error with 'ệ' and $x$"]
    assert "in the worker process" in parallel[2]
    assert "broken" in parallel[2]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_worker_log_records_reach_the_caller(legends, tmp_path):
    lay = make_layers()
    clusters = lay["clusters"].copy()
    clusters["source"] = ["Sở 工", "ok", "ok", "ok"]
    lay["clusters"] = clusters
    only = {k: lay[k] for k in ("province", "clusters")}
    records = _run_scenario("logs", tmp_path, only, legends)["records"]
    glyphs = [r for r in records if "no glyph" in r[2]]
    # Once per map (overview, efficiency): every distinct text is cleaned once per page.
    assert len(glyphs) == 2
    assert all(r[0].startswith("ninhbinh_geo.staticmap") and r[1] == "WARNING" for r in glyphs)


def test_serial_when_processes_cannot_start_or_threads_run(
    layers, legends, tmp_path, monkeypatch, caplog
):
    def no_processes(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_processes)
    with caplog.at_level(logging.WARNING, logger="ninhbinh_geo.staticmap"):
        done, left = workers._run_in_processes(lambda name: [Path(name)], ["a", "b"], 2)
    assert (done, left) == ([], ["a", "b"])
    assert "cannot be started" in caplog.text
    # The caller then draws every map itself.
    draw_and_save = sm_review._draw_and_save
    pids = []

    def recording(name, job):
        pids.append(os.getpid())
        return draw_and_save(name, job)

    monkeypatch.setattr(sm_review, "_draw_and_save", recording)
    only = {k: layers[k] for k in ("province", "clusters")}
    paths = staticmap.review_maps(only, legends, tmp_path, processes=2)
    assert [p.name for p in paths] == [
        "map_overview.png",
        "map_overview.pdf",
        "map_efficiency.png",
        "map_efficiency.pdf",
    ]
    assert pids == [os.getpid()] * 2
    # Another thread running: forking could deadlock, so the maps are drawn here.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not _forking.can_fork()
    finally:
        stop.set()
        thread.join()


def test_formats_are_checked_and_chosen(layers, legends, tmp_path):
    only = {k: layers[k] for k in ("province", "clusters")}
    with pytest.raises(ValueError, match=r"\['tif'\].*'png', 'pdf', 'svg'"):
        staticmap.review_maps(only, legends, tmp_path, formats=("png", "tif"))
    with pytest.raises(ValueError, match="allowed"):
        staticmap.review_maps(only, legends, tmp_path, formats=())
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="processes"):
            staticmap.review_maps(only, legends, tmp_path, processes=bad)
    assert not list(tmp_path.iterdir())  # checked before anything is drawn
    paths = staticmap.review_maps(only, legends, tmp_path, formats=["svg", "png"], processes=1)
    assert [p.name for p in paths] == [
        "map_overview.svg",
        "map_overview.png",
        "map_efficiency.svg",
        "map_efficiency.png",
    ]
    assert paths[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")
    fig = staticmap.plot_overview(only, legends)
    again = staticmap.save_figure(fig, tmp_path / "again", formats="svg")
    assert again[0].read_bytes() == paths[0].read_bytes()  # no date, no random ids


def test_each_layer_is_checked_once_at_the_door(layers, legends, tmp_path, monkeypatch):
    calls: list[str] = []
    to_metric = crs.to_metric

    def counting(gdf, layer="layer", *args, **kwargs):
        calls.append(layer)
        return to_metric(gdf, layer, *args, **kwargs)

    monkeypatch.setattr(crs, "to_metric", counting)
    staticmap.review_maps(layers, legends, tmp_path, formats="png", processes=1)
    # The exposure and findings tables have no geometry: they borrow the site footprints.
    assert sorted(calls) == sorted(
        [
            "province",
            "former_provinces",
            "coastline",
            "roads",
            "parks",
            "clusters",
            "satellite_links",
            "hazard",
            "service_areas",
            "candidate_sites",
        ]
    )
    # A malformed layer stops the call before any map is drawn.
    bad = layers["roads"].set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="roads"):
        staticmap.review_maps({**layers, "roads": bad}, legends, tmp_path / "bad")
    assert not (tmp_path / "bad").exists()


_KILLED_PARENT = """
import os, sys, time
import geopandas as gpd
from shapely.geometry import box
from ninhbinh_geo import staticmap, styles
from ninhbinh_geo.staticmap import review

def stuck(name, job):
    (job.out / f"{os.getpid()}.worker").write_text(name)
    time.sleep(120)

review._draw_and_save = stuck
c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
                     geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
staticmap.review_maps({"clusters": c}, styles.default_legends({"clusters": c}), sys.argv[1],
                      processes=2)
"""


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_workers_die_with_a_killed_caller(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(_KILLED_PARENT)
    out = tmp_path / "maps"
    out.mkdir()
    parent = subprocess.Popen([sys.executable, str(script), str(out)])
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.worker"))) < 2:
            assert parent.poll() is None, "the parent exited early"
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.05)
        pids = [int(p.stem) for p in out.glob("*.worker")]
        assert all(_running(pid) for pid in pids)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in pids)


def test_embedded_hubs_are_labelled_apart_with_dong_van_grouped():
    from ninhbinh_geo import datasets

    lay = {
        "province": datasets.load_province(),
        "parks": datasets.load_parks(),
        "clusters": datasets.load_clusters(),
    }
    fig = staticmap.plot_satellite(
        {**lay, "satellite_links": make_layers()["satellite_links"]},
        styles.default_legends(lay) | {"satellite_links": case()[1]["satellite_links"]},
    )
    ax = fig.axes[0]
    labels_ = [t for t in ax.texts if t.get_gid() == "map_label"]
    texts = [t.get_text() for t in labels_]
    assert "KCN Đồng Văn I–VI" in texts
    assert len(texts) == len(set(texts))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in labels_]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


# --------------------------------------------------------------------------------------------
# The satellite network by travel time (issue 14.6)


def test_traveltime_map_colours_clusters_by_minutes_over_service_areas(layers, legends):
    fig = staticmap.plot_traveltime(layers, legends, lang="en")
    ax = fig.axes[0]
    tt = legends["traveltime"]
    # 12 min, 25 min, 52 min and no travel time: classes 1, 2, 4 and the no-data grey
    markers = next(c for c in ax.collections if c.get_gid() == "clusters_markers")
    faces = [to_hex(c, keep_alpha=False) for c in markers.get_facecolors()]
    assert faces == [tt.classes[0].color, tt.classes[1].color, tt.classes[3].color,
                     styles.NODATA_COLOR]  # fmt: skip
    assert [c.text("en") for c in tt.classes] == [
        "within 15 min", "15–30 min", "30–45 min", f"over {45:g} min"
    ]  # fmt: skip
    # the legend shows these classes in these colours, titled by the travel time
    entries = _fig_legend_entries(fig)
    shown = next(pairs for title, pairs in entries if tt.title("en") in title)
    assert shown[:4] == [(c.text("en"), c.color) for c in tt.classes]
    # service areas underneath, the longest budget first so the 15-minute areas lie on top
    areas = next(c for c in ax.collections if c.get_gid() == "service_areas")
    sites = next(c for c in ax.collections if c.get_gid() == "clusters")
    assert areas.get_zorder() < sites.get_zorder()
    sa = legends["service_areas"]
    colour = {c.value: c.color for c in sa.classes}
    got = [to_hex(c, keep_alpha=False) for c in areas.get_facecolors()]
    assert got == [colour[45.0]] * 2 + [colour[30.0]] * 2 + [colour[15.0]] * 2
    # hubs and candidate sites are named
    names = {t.get_text() for t in ax.texts if t.get_gid() == "map_label"}
    assert {"CAND-01", "CAND-02", "KCN Đồng Văn I", "KCN Khánh Phú"} <= names
    assert fig.get_label() == labels.label("title.traveltime", "en")


def test_traveltime_map_is_deterministic_and_written_by_the_review(layers, legends, written):
    png = next(p for p in written[0] if p.name == "map_traveltime.png")
    again = staticmap.save_figure(
        staticmap.plot_traveltime(layers, legends), png.parent.parent / "again", formats="png"
    )
    assert again[0].read_bytes() == png.read_bytes()
    # without service areas (no travel-time step) the review skips the map
    no_areas = {k: v for k, v in layers.items() if k != "service_areas"}
    names, _ = sm_review._checked_maps(no_areas, legends)
    assert "traveltime" not in names
    assert "satellite" in names


def test_exposure_map_draws_the_roads_its_flood_cuts():
    lay, _ = case()
    y = Y0 + 20_000
    cut = _with_source(
        _metric(
            [LineString([(X0, y), (X0 + 20_000, y)]), LineString([(X0, y + 5000), (X0 + 9000, y)])],
            closed_rp=[10.0, 1000.0],
            links_cut=[3, 7],
        ),
        "ninhbinh_geo.network.flooding",
        "derived",
        "illustrative",
    )
    lay = {**lay, "flood_cut_roads": cut}
    lgs = styles.default_legends(lay, scheme="Quantiles")
    assert lgs["exposure"].where["return_period"] == 100
    fig = staticmap.plot_exposure(lay, lgs)
    roads = [c for c in fig.axes[0].collections if c.get_gid() == "flood_cut_roads"]
    # the 100-year map shows the segment the 10-year flood closes, not the 1000-year one
    assert len(roads) == 1
    assert len(roads[0].get_segments()) == 1
    assert (
        to_hex(roads[0].get_colors()[0], keep_alpha=False)
        == lgs["flood_cut_roads"].colors(pd.Series([3.0])).iloc[0]
    )
    assert any(lgs["flood_cut_roads"].title("vi") in t for t, _ in _fig_legend_entries(fig))
    marks = {t.get_text() for t in fig.texts if t.get_gid() == "illustrative_mark"}
    assert labels.label("warn.illustrative_hazard") in {m.replace("\n", " ") for m in marks}
