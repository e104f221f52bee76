from html.parser import HTMLParser

import pandas as pd
import pytest

from ninhbinh_geo import report


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


HOSTILE = '<script>alert("x")</script> & "q" \u202e RTL\nnew line | pipe'


def _tables():
    facts = pd.DataFrame({"scope": ["merged_province", "former_nam_dinh"],
                          "indicator": ["planned_area", "jobs"],
                          "value": [5400.0, 20900.0], "unit": ["ha", "workers"],
                          "qualifier": ["at_least", "at_least"]})
    sources = pd.DataFrame({"layer": ["clusters"], "source": [HOSTILE],
                            "licence": ["CC BY-SA 4.0"], "accuracy": ["illustrative"]})
    return {"facts": facts, "sources": sources, "coverage": pd.DataFrame()}


def test_at_least_figures_keep_their_qualifier():
    html = report.render_html(report.build_sections(_tables(), lang="en"), lang="en")
    assert "&gt; 5,400" in html
    assert "&gt; 20,900" in html
    md = report.render_markdown(report.build_sections(_tables(), lang="vi"), lang="vi")
    assert "&gt; 5\u202f400" in md


def test_hostile_text_is_escaped_in_html_and_markdown(tmp_path):
    paths = report.write_report(_tables(), tmp_path, maps=["maps/overview.png"],
                                warnings=[HOSTILE], lang="vi")
    html = paths[0].read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    assert "script" not in parser.tags
    assert any("<script>" in t for t in parser.text)  # shown as text
    md = paths[1].read_text(encoding="utf-8")
    assert "<script>" not in md
    table_rows = [line for line in md.splitlines() if line.startswith("| clusters")]
    assert len(table_rows) == 1
    assert table_rows[0].count(" | ") == 3  # the pipe in the data did not add a column
    assert '<img src="maps/overview.png"' in html


def test_empty_table_and_language():
    html = report.render_html(report.build_sections(_tables(), lang="en"), lang="en")
    assert "No rows." in html
    html_vi = report.render_html(report.build_sections(_tables(), lang="vi"), lang="vi")
    assert "Không có dòng nào." in html_vi
    assert 'lang="vi"' in html_vi


def test_failed_write_leaves_old_report(tmp_path, monkeypatch):
    report.write_report(_tables(), tmp_path)
    before = (tmp_path / "report.html").read_text(encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "render_markdown", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_report({"coverage": pd.DataFrame({"x": [1]})}, tmp_path)
    # the HTML was replaced atomically, the Markdown untouched, and no temp file is left
    assert (tmp_path / "report.md").exists()
    assert not list(tmp_path.glob(".report*.tmp"))
    assert before != (tmp_path / "report.html").read_text(encoding="utf-8")
