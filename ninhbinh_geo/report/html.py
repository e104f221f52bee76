"""The report as one HTML page: Jinja2 with autoescaping, so text from data is only ever text."""

from __future__ import annotations

from collections.abc import Sequence

import jinja2

from ..labels import label
from .model import Bullets, Heading, Images, Links, Paragraph, Section, Table

__all__ = ["render_html"]

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
# A cell is a link only when the whole cell is one http(s) URL without spaces.
_ENV.tests["link"] = lambda v: v.startswith(("http://", "https://")) and " " not in v
_HTML = _ENV.from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5em auto;max-width:74em;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #2a6f97;padding-bottom:.15em;
margin-top:1.8em}h3{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.4em 0 .3em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#eef3f7}th.group{text-align:center;background:#dde8f0}
td.num{text-align:right;white-space:nowrap}
.warn{background:#fff3cd;border:1px solid #e0b000;padding:.4em 1em;margin:1em 0}
.lead{font-size:1.08em}.note{color:#555;font-size:.92em}
.foot{color:#555;font-size:.85em;margin:0 0 1em}
.links{font-size:.9em}code{background:#f3f3f3;padding:0 .2em;font-size:.95em}
nav ol{columns:2;font-size:.92em}
figure{display:inline-block;margin:.5em 1em .5em 0;max-width:46%;vertical-align:top}
img{max-width:100%;border:1px solid #ddd}figure p{margin:.2em 0;font-size:.85em;color:#444}
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="note">{{ generated }}</p>
{% if warnings %}<div class="warn"><strong>{{ warnings_title }}</strong><ul>
{% for w in warnings %}<li>{{ w }}</li>{% endfor %}</ul></div>{% endif %}
<nav><h2>{{ toc }}</h2><ol>{% for s in sections %}
<li><a href="#{{ s.anchor }}">{{ s.title }}</a></li>{% endfor %}</ol></nav>
{% for s in sections %}
<section id="{{ s.anchor }}">
<h2>{{ s.title }}</h2>
{% for b in s.blocks %}{% if b.kind == "p" %}<p{% if b.style %} class="{{ b.style }}"{% endif %}>
{{- b.text }}</p>
{% elif b.kind == "h" %}<h3>{{ b.text }}</h3>
{% elif b.kind == "ul" %}<ul>{% for i in b.entries %}<li>{{ i }}</li>{% endfor %}</ul>
{% elif b.kind == "links" %}<p class="links">{{ b.lead }}: {% for i in b.entries %}
{%- if not loop.first %}, {% endif %}<a href="{{ i.href }}">
{%- if i.code %}<code>{{ i.text }}</code>{% else %}{{ i.text }}{% endif %}</a>{% endfor %}</p>
{% elif b.kind == "img" %}{% for img, cap in b.images %}<figure>
<a href="{{ img }}"><img src="{{ img }}" alt="{{ cap }}"></a>
<p>{{ cap }}</p></figure>{% endfor %}
{% elif b.kind == "table" %}{% if not b.rows %}<p>{{ no_rows }}</p>{% else %}<table><thead>
{% if b.groups %}<tr>{% for g, n in b.groups %}
{%- if n > 1 %}<th colspan="{{ n }}" class="group">{{ g }}</th>{% else %}<th>{{ g }}</th>{% endif %}
{%- endfor %}</tr>
{% endif %}<tr>{% for h in b.headers %}<th>{{ h }}</th>{% endfor %}</tr></thead><tbody>
{% for row in b.rows %}<tr>{% for cell, num in row %}<td{% if num %} class="num"{% endif %}>
{%- if cell is link %}<a href="{{ cell }}">{{ cell }}</a>{% else %}{{ cell }}{% endif %}</td>
{%- endfor %}</tr>
{% endfor %}</tbody></table>{% endif %}
{% if b.footer %}<p class="foot">{{ b.footer }}</p>{% endif %}
{% endif %}{% endfor %}</section>
{% endfor %}
</body>
</html>
"""
)


def _block(block: object) -> dict:
    """Return the block as the template reads it."""
    if isinstance(block, Paragraph):
        return {"kind": "p", "text": block.text, "style": block.style}
    if isinstance(block, Heading):
        return {"kind": "h", "text": block.text}
    if isinstance(block, Bullets):
        return {"kind": "ul", "entries": block.items}
    if isinstance(block, Links):
        return {"kind": "links", "lead": block.lead, "entries": block.items}
    if isinstance(block, Images):
        captions = list(block.captions) + [""] * (len(block.paths) - len(block.captions))
        return {"kind": "img", "images": list(zip(block.paths, captions, strict=True))}
    if isinstance(block, Table):
        numeric = list(block.numeric) + [False] * (len(block.headers) - len(block.numeric))
        rows = [list(zip(row, numeric, strict=False)) for row in block.rows]
        # a header group spans columns only where the widths add up to the table's
        groups = block.groups if sum(n for _, n in block.groups) == len(block.headers) else ()
        return {
            "kind": "table",
            "headers": block.headers,
            "rows": rows,
            "groups": groups,
            "footer": block.footer,
        }
    raise TypeError(f"Unknown report block {type(block).__name__}")


def render_html(
    sections: Sequence[Section],
    *,
    lang: str = "vi",
    title: str | None = None,
    warnings: Sequence[str] = (),
) -> str:
    """Render the report as one HTML page (images and tables linked by relative path).

    Parameters
    ----------
    sections : sequence of Section
        From :func:`~ninhbinh_geo.report.build_sections`.
    lang : {"vi", "en"}
        Language of the page furniture.
    title : str, optional
        Page title; defaults to the report title label.
    warnings : sequence of str
        Shown in a box at the top (illustrative data, coverage gaps …).

    Returns
    -------
    str
        The HTML; every text is escaped.

    Examples
    --------
    >>> from ninhbinh_geo.report.model import Paragraph, Section
    >>> page = render_html([Section("a", "A", (Paragraph("<script>x</script>"),))])
    >>> "<script>x" in page, "&lt;script&gt;x" in page
    (False, True)
    """
    prepared = [
        {"anchor": s.anchor, "title": s.title, "blocks": [_block(b) for b in s.blocks]}
        for s in sections
    ]
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
