"""The report as Markdown (GitHub tables), every text escaped so data cannot make markup."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from ..labels import label
from .model import Bullets, Heading, Images, Link, Links, Paragraph, Section, Table

__all__ = ["md_inline", "md_text", "render_markdown"]

# Characters that make inline Markdown (links, emphasis, code, maths, strike-through) or end a
# table cell; each is backslash-escaped so data can only ever be text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]$~|])")
# Characters that start a block (heading, quote, list, numbered list) at the start of a line.
_MD_LINE_START = re.compile(r"^([#>+\-]|\d+[.)])")


def md_inline(text: str) -> str:
    r"""Escape text for Markdown: punctuation, ``<>&`` as entities, line breaks folded.

    Examples
    --------
    >>> md_inline("a|b *c* <x>\nnew")
    'a\\|b \\*c\\* &lt;x&gt; new'
    """
    text = _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    return re.sub(r"[\r\n\t\v\f\u2028\u2029]+", " ", text).strip()


def md_text(text: str) -> str:
    r"""Escape text that starts a line, so it cannot start a heading, quote or list either.

    Examples
    --------
    >>> md_text("# not a heading"), md_text("1. not a list")
    ('\\# not a heading', '1\\. not a list')
    """
    text = md_inline(text)
    match = _MD_LINE_START.match(text)
    if match:
        mark = match.group(1)
        text = mark[:-1] + "\\" + mark[-1] + text[len(mark) :]
    return text


def _md_link(link: Link) -> str:
    # hrefs are our own relative paths; a space or parenthesis is encoded so it cannot end one
    href = link.href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    text = f"`{link.text.replace('`', '')}`" if link.code else md_inline(link.text)
    return f"[{text}]({href})"


def _md_table(table: Table, lang: str) -> list[str]:
    if table.empty:
        return [label("report.no_rows", lang), ""]
    headers = list(table.headers)
    if table.groups and sum(n for _, n in table.groups) == len(headers):
        groups = [g for g, n in table.groups for _ in range(n)]
        headers = [f"{g}: {h}" if g and g != h else h for g, h in zip(groups, headers, strict=True)]
    numeric = list(table.numeric) + [False] * (len(headers) - len(table.numeric))
    lines = [
        "| " + " | ".join(md_inline(h) for h in headers) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    lines += ["| " + " | ".join(md_inline(c) for c in row) + " |" for row in table.rows]
    lines.append("")
    if table.footer:
        lines += [f"_{md_inline(table.footer)}_", ""]
    return lines


def _md_block(block: object, lang: str) -> list[str]:
    if isinstance(block, Paragraph):
        text = md_text(block.text)
        return [f"_{md_inline(block.text)}_" if block.style == "note" else text, ""]
    if isinstance(block, Heading):
        return [f"### {md_inline(block.text)}", ""]
    if isinstance(block, Bullets):
        return [*(f"- {md_text(i)}" for i in block.items), ""]
    if isinstance(block, Links):
        return [f"{md_text(block.lead)}: " + ", ".join(_md_link(i) for i in block.items), ""]
    if isinstance(block, Images):
        captions = list(block.captions) + [""] * (len(block.paths) - len(block.captions))
        return [
            *(f"![{md_inline(c)}]({p})" for p, c in zip(block.paths, captions, strict=True)),
            "",
        ]
    if isinstance(block, Table):
        return _md_table(block, lang)
    raise TypeError(f"Unknown report block {type(block).__name__}")


def render_markdown(
    sections: Sequence[Section],
    *,
    lang: str = "vi",
    title: str | None = None,
    warnings: Sequence[str] = (),
) -> str:
    r"""Render the report as Markdown (GitHub tables).

    Cells and text are escaped: Markdown punctuation (backslash, backtick, ``* _ [ ] $ ~ |``)
    is escaped, ``<``, ``>`` and ``&`` become entities and line breaks are folded, so hostile
    text cannot break a table, make a link or inject markup.

    Parameters
    ----------
    sections : sequence of Section
        From :func:`~ninhbinh_geo.report.build_sections`.
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
    >>> from ninhbinh_geo.report.model import Section, Table
    >>> md = render_markdown([Section("s", "S", (Table(("source",), (("a|b",),)),))], lang="en")
    >>> "| a\\|b |" in md
    True
    """
    lines = [
        f"# {md_text(title or label('title.report', lang))}",
        "",
        f"_{md_inline(label('report.generated', lang))}_",
        "",
    ]
    if warnings:
        lines += [f"> **{md_inline(label('report.warnings', lang))}**", ">"]
        lines += [f"> - {md_text(w)}" for w in warnings]
        lines.append("")
    lines += [f"**{md_inline(label('report.toc', lang))}**", ""]
    lines += [f"{i}. {md_inline(s.title)}" for i, s in enumerate(sections, 1)]
    lines.append("")
    for s in sections:
        lines += [f"## {md_inline(s.title)}", ""]
        for block in s.blocks:
            lines += _md_block(block, lang)
    return "\n".join(lines) + "\n"
