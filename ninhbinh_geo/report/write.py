"""Building the sections from a review's tables, and writing ``report.html`` and ``report.md``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType

import pandas as pd

from .. import _atomic
from . import html, markdown
from .context import ReportContext
from .model import Paragraph, Section

__all__ = ["build_sections", "write_report"]


def build_sections(
    tables: Mapping[str, pd.DataFrame],
    *,
    maps: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
    lang: str = "vi",
    context: ReportContext | None = None,
    sections: Sequence[ModuleType] | None = None,
) -> list[Section]:
    """Arrange the review's tables into the report's sections.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Tables by key (``facts``, ``coverage``, ``efficiency``, ``proximity``, ``exposure``,
        ``findings_summary``, ``sources`` …). Tables no section presents get their top rows
        in "Other tables".
    maps : sequence of str
        Relative paths of the map images.
    notes : mapping of str to str, optional
        A note added at the end of the section with that key (``summary``, ``network`` …).
    lang : {"vi", "en"}
        Language.
    context : ReportContext, optional
        Links to the files written beside the report and what the review was given; its
        ``tables``, ``maps``, ``notes`` and ``lang`` are replaced by the arguments above.
    sections : sequence of module, optional
        The section modules, in order; :data:`ninhbinh_geo.report.sections.SECTIONS` by
        default.

    Returns
    -------
    list of Section

    Examples
    --------
    >>> import pandas as pd
    >>> s = build_sections({"sources": pd.DataFrame({"layer": ["roads"], "source": ["OSM"],
    ...                     "licence": ["ODbL 1.0"], "accuracy": ["digitized"], "rows": [3]})},
    ...                    lang="en")
    >>> [x.title for x in s]
    ['Summary', 'Notes and assumptions', 'Data sources, licences and accuracy']
    """
    from .sections import SECTIONS

    modules = tuple(SECTIONS if sections is None else sections)
    base = context or ReportContext(tables)
    ctx = ReportContext(
        tables=dict(tables),
        lang=lang,
        maps=tuple(maps),
        table_links=base.table_links,
        geopackage=base.geopackage,
        layers=base.layers,
        inputs=base.inputs,
        warnings=base.warnings,
        notes=dict(notes or {}),
        sections=modules,
    )
    built = []
    for module in modules:
        section = module.build(ctx)
        if section is None:
            continue
        extra = ctx.notes.get(section.anchor)
        if extra:
            section = Section(
                section.anchor, section.title, (*section.blocks, Paragraph(extra, "note"))
            )
        built.append(section)
    return built


def write_report(
    tables: Mapping[str, pd.DataFrame],
    out_dir: str | os.PathLike,
    *,
    maps: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
    warnings: Sequence[str] = (),
    lang: str = "vi",
    stem: str = "report",
    context: ReportContext | None = None,
    sections: Sequence[ModuleType] | None = None,
    title: str | None = None,
) -> list[Path]:
    """Write ``report.html`` and ``report.md`` into ``out_dir`` (atomically).

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The review tables (see :func:`build_sections`).
    out_dir : path-like
        Existing directory to write into; map and table paths are relative to it.
    maps : sequence of str
        Relative paths of map images.
    notes : mapping of str to str, optional
        Notes per section key.
    warnings : sequence of str
        Warnings shown at the top.
    lang : {"vi", "en"}
        Report language.
    stem : str, default "report"
        File name stem.
    context : ReportContext, optional
        Links to the full tables and GeoPackage layers, and what the review was given.
    sections : sequence of module, optional
        The section modules, in order (default: the review report's, see
        :func:`build_sections`); the diff writes its own report with its one section.
    title : str, optional
        Page title (default: the review report's).

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
    built = build_sections(
        tables, maps=maps, notes=notes, lang=lang, context=context, sections=sections
    )
    kw = {"lang": lang, "warnings": warnings, "title": title}
    html_path = _atomic.write_text(out / f"{stem}.html", html.render_html(built, **kw))
    md_path = _atomic.write_text(out / f"{stem}.md", markdown.render_markdown(built, **kw))
    return [html_path, md_path]
