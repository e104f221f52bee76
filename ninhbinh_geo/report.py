"""The review report, as one HTML page and one Markdown file.

The report puts the province's official figures beside the inventory and its coverage, then the
efficiency, satellite-network, exposure and zoning tables, the static maps, and the sources,
licences and accuracy classes of every layer. Every string that comes from data is escaped
(Jinja2 autoescaping in HTML; pipes, brackets and line breaks in Markdown).
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from . import _atomic
from .labels import LABELS, label

__all__ = [
    "Section",
    "build_sections",
    "format_value",
    "render_html",
    "render_markdown",
    "write_report",
]

#: Table keys the report knows, in the order they appear, with their section title.
SECTION_ORDER: tuple[tuple[str, str], ...] = (
    ("facts", "report.facts"),
    ("coverage", "report.coverage"),
    ("efficiency", "report.efficiency"),
    ("efficiency_district", "report.efficiency_district"),
    ("efficiency_sites", "report.efficiency_sites"),
    ("proximity", "report.proximity"),
    ("network", "report.network"),
    ("exposure", "report.exposure"),
    ("ead", "report.ead"),
    ("findings_summary", "report.findings_summary"),
    ("findings", "report.findings"),
    ("rules", "report.rules"),
    ("sources", "report.sources"),
)

_QUALIFIER_PREFIX = {"at_least": "> ", "approx": "≈ "}


@dataclass(frozen=True)
class Section:
    """One section of the report: a title, an optional note, a table and images."""

    anchor: str
    title: str
    table: pd.DataFrame | None = None
    note: str = ""
    images: tuple[str, ...] = field(default_factory=tuple)


def format_value(value: object, lang: str = "vi") -> str:
    r"""Format one cell for the report.

    Numbers get thousands separators (a narrow no-break space in Vietnamese, a comma in English)
    and at most two decimals (decimal comma in Vietnamese); missing values show as an em dash.

    Parameters
    ----------
    value : object
        The cell value.
    lang : {"vi", "en"}
        Language of the number format.

    Returns
    -------
    str
        The formatted text (not yet escaped).

    Examples
    --------
    >>> format_value(5467.2, "en"), format_value(5467.2, "vi"), format_value(float("nan"))
    ('5,467.2', '5\u202f467,2', '—')
    >>> format_value(True, "vi")
    'Có'
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return label("bool.true" if value else "bool.false", lang)
    if isinstance(value, int | float) and not isinstance(value, bool):
        v = float(value)
        text = f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        if lang == "vi":
            text = text.replace(",", "\u202f").replace(".", ",")
        return text
    return str(value)


def _header(column: str, lang: str) -> str:
    key = f"col.{column}"
    return LABELS[key][lang] if key in LABELS else column


def _facts_table(facts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Show each official figure with its qualifier: '> 5,400', never another number."""
    out = facts.copy()
    out["value"] = [
        _QUALIFIER_PREFIX.get(q, "") + format_value(v, lang)
        for v, q in zip(out["value"], out.get("qualifier", [""] * len(out)), strict=True)
    ]
    return out


def build_sections(
    tables: dict[str, pd.DataFrame],
    *,
    maps: Sequence[str] = (),
    notes: dict[str, str] | None = None,
    lang: str = "vi",
) -> list[Section]:
    """Arrange the review's tables into report sections.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables by key; known keys are those of :data:`SECTION_ORDER` (``facts``, ``coverage``,
        ``efficiency``, ``proximity``, ``exposure``, ``findings``, ``sources`` …). Geometry
        columns are dropped. Unknown keys are appended at the end under their key.
    maps : sequence of str
        Relative paths of the map images to show in a "Maps" section.
    notes : dict of str to str, optional
        A note shown under the title of the section with that key.
    lang : {"vi", "en"}
        Language of titles and headers.

    Returns
    -------
    list of Section

    Examples
    --------
    >>> import pandas as pd
    >>> s = build_sections({"coverage": pd.DataFrame({"a": [1]})}, lang="en")
    >>> [x.title for x in s]
    ['Inventory coverage against the official figures']
    """
    notes = notes or {}
    sections: list[Section] = []
    known = dict(SECTION_ORDER)
    keys = [k for k, _ in SECTION_ORDER if k in tables] + [k for k in tables if k not in known]
    for key in keys:
        table = pd.DataFrame(tables[key]).drop(columns="geometry", errors="ignore")
        if key == "facts" and "value" in table.columns:
            table = _facts_table(table, lang)
        title = label(known[key], lang) if key in known else key
        sections.append(Section(anchor=key, title=title, table=table, note=notes.get(key, "")))
    if maps:
        sections.insert(
            min(len(sections), 2),
            Section(
                anchor="maps",
                title=label("report.maps", lang),
                images=tuple(maps),
                note=notes.get("maps", ""),
            ),
        )
    return sections


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# A cell is a link only when the whole cell is one http(s) URL without spaces.
_ENV.tests["link"] = lambda v: v.startswith(("http://", "https://")) and " " not in v
_HTML = _ENV.from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:72em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0}
td.num{text-align:right;white-space:nowrap}
.warn{background:#fff3cd;border:1px solid #e0b000;padding:.5em 1em;margin:1em 0}
img{max-width:100%;border:1px solid #ddd;margin:.5em 0}
.note{color:#555;font-style:italic}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ generated }}</p>
{% if warnings %}<div class="warn"><strong>{{ warnings_title }}</strong><ul>
{% for w in warnings %}<li>{{ w }}</li>{% endfor %}</ul></div>{% endif %}
<nav><h2>{{ toc }}</h2><ol>{% for s in sections %}
<li><a href="#{{ s.anchor }}">{{ s.title }}</a></li>{% endfor %}</ol></nav>
{% for s in sections %}
<section id="{{ s.anchor }}">
<h2>{{ s.title }}</h2>
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% for img in s.images %}<figure><img src="{{ img }}" alt="{{ img }}"></figure>{% endfor %}
{% if s.table is not none %}{% if s.table.empty %}<p>{{ no_rows }}</p>{% else %}
<table><thead><tr>{% for h in s.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row in s.rows %}<tr>{% for cell, num in row %}<td{% if num %} class="num"{% endif %}>
{%- if cell is link %}<a href="{{ cell }}">{{ cell }}</a>{% else %}{{ cell }}{% endif %}</td>
{%- endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}{% endif %}
</section>
{% endfor %}
</body>
</html>
"""
)


def _rows(table: pd.DataFrame, lang: str) -> list[list[tuple[str, bool]]]:
    numeric = [pd.api.types.is_numeric_dtype(table[c]) for c in table.columns]
    return [
        [(format_value(v, lang), num) for v, num in zip(row, numeric, strict=True)]
        for row in table.itertuples(index=False, name=None)
    ]


def render_html(
    sections: Sequence[Section],
    *,
    lang: str = "vi",
    title: str | None = None,
    warnings: Sequence[str] = (),
) -> str:
    """Render the report as one self-contained HTML page (images by relative path).

    Parameters
    ----------
    sections : sequence of Section
        From :func:`build_sections`.
    lang : {"vi", "en"}
        Language of the page furniture.
    title : str, optional
        Page title; defaults to the report title label.
    warnings : sequence of str
        Shown in a box at the top (illustrative data, coverage gaps …).

    Returns
    -------
    str
        The HTML; every text from data is escaped.

    Examples
    --------
    >>> import pandas as pd
    >>> s = build_sections({"sources": pd.DataFrame({"source": ["<script>x</script>"]})})
    >>> "<script>x" in render_html(s)
    False
    """
    prepared = []
    for s in sections:
        headers = [] if s.table is None else [_header(c, lang) for c in s.table.columns]
        rows = [] if s.table is None else _rows(s.table, lang)
        prepared.append(
            {
                "anchor": s.anchor,
                "title": s.title,
                "note": s.note,
                "images": s.images,
                "table": s.table,
                "headers": headers,
                "rows": rows,
            }
        )
    return _HTML.render(
        lang=lang,
        title=title or label("title.report", lang),
        sections=prepared,
        warnings=list(warnings),
        warnings_title=label("report.warnings", lang),
        toc=label("report.toc", lang),
        generated=label("report.generated", lang),
        no_rows=label("report.no_rows", lang),
    )


# Characters that make inline Markdown (links, emphasis, code, maths, strike-through) or end a
# table cell; each is backslash-escaped so data can only ever be text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]$~|])")


def _md_cell(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return re.sub(r"[\r\n\t\v\f\u2028\u2029]+", " ", text).strip()


def render_markdown(
    sections: Sequence[Section],
    *,
    lang: str = "vi",
    title: str | None = None,
    warnings: Sequence[str] = (),
) -> str:
    r"""Render the report as Markdown (GitHub tables).

    Cells are escaped: Markdown punctuation (backslash, backtick, ``* _ [ ] $ ~ |``) is escaped,
    ``<``, ``>`` and ``&`` become entities and line breaks are folded, so hostile text cannot
    break a table, make a link or inject markup.

    Parameters
    ----------
    sections : sequence of Section
        From :func:`build_sections`.
    lang : {"vi", "en"}
        Language of the furniture.
    title : str, optional
        Document title; defaults to the report title label.
    warnings : sequence of str
        Listed at the top.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> s = build_sections({"sources": pd.DataFrame({"source": ["a|b"]})}, lang="en")
    >>> "a\\|b" in render_markdown(s, lang="en")
    True
    """
    lines = [
        f"# {_md_cell(title or label('title.report', lang))}",
        "",
        f"_{label('report.generated', lang)}_",
        "",
    ]
    if warnings:
        lines += [f"> **{label('report.warnings', lang)}**", ">"]
        lines += [f"> - {_md_cell(w)}" for w in warnings]
        lines.append("")
    for s in sections:
        lines += [f"## {_md_cell(s.title)}", ""]
        if s.note:
            lines += [f"_{_md_cell(s.note)}_", ""]
        lines += [f"![{_md_cell(img)}]({img})" for img in s.images]
        if s.images:
            lines.append("")
        if s.table is not None:
            if s.table.empty:
                lines += [label("report.no_rows", lang), ""]
                continue
            headers = [_md_cell(_header(c, lang)) for c in s.table.columns]
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "|".join("---" for _ in headers) + "|")
            for row in _rows(s.table, lang):
                lines.append("| " + " | ".join(_md_cell(c) for c, _ in row) + " |")
            lines.append("")
    return "\n".join(lines) + "\n"


def write_report(
    tables: dict[str, pd.DataFrame],
    out_dir: str | os.PathLike,
    *,
    maps: Sequence[str] = (),
    notes: dict[str, str] | None = None,
    warnings: Sequence[str] = (),
    lang: str = "vi",
    stem: str = "report",
) -> list[Path]:
    """Write ``report.html`` and ``report.md`` into ``out_dir`` (atomically).

    Parameters
    ----------
    tables : dict of str to DataFrame
        The review tables (see :func:`build_sections`).
    out_dir : path-like
        Existing directory to write into; map paths are relative to it.
    maps : sequence of str
        Relative paths of map images.
    notes : dict of str to str, optional
        Notes per section key.
    warnings : sequence of str
        Warnings shown at the top.
    lang : {"vi", "en"}
        Report language.
    stem : str, default "report"
        File name stem.

    Returns
    -------
    list of Path
        The HTML and Markdown paths.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> d = tempfile.mkdtemp()
    >>> [p.name for p in write_report({"coverage": pd.DataFrame({"n": [1]})}, d)]
    ['report.html', 'report.md']
    """
    out = Path(out_dir)
    sections = build_sections(tables, maps=maps, notes=notes, lang=lang)
    html_path = _atomic.write_text(
        out / f"{stem}.html", render_html(sections, lang=lang, warnings=warnings)
    )
    md_path = _atomic.write_text(
        out / f"{stem}.md", render_markdown(sections, lang=lang, warnings=warnings)
    )
    return [html_path, md_path]
