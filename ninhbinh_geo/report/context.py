"""What the sections of a report are given: the review's tables and what to link to.

The tables, the language, and what was written beside the report (tables, GeoPackage, maps).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pandas as pd

from ..formatting import format_number, format_percent
from ..labels import LABELS, label
from .model import Block, Bullets, Link, Links

__all__ = ["ReportContext"]


@dataclass(frozen=True)
class ReportContext:
    """The review's results as the report's sections see them.

    Attributes
    ----------
    tables : mapping of str to DataFrame
        The review's tables by key (``facts``, ``coverage``, ``efficiency``, ``proximity`` …).
    lang : {"vi", "en"}
        Language of the report.
    maps : tuple of str
        Map images, by path relative to the report.
    table_links : mapping of str to str
        Table key → the path of its full CSV relative to the report (``tables/x.csv``).
    geopackage : str, optional
        Path of the GeoPackage relative to the report, when written with it.
    layers : tuple of str
        The GeoPackage's layer names.
    inputs : mapping of str to object
        What the review was given: ``clusters``, ``parks``, ``roads`` (file names or None for
        the embedded data), ``hazards`` (file names), ``dem``, ``slr_cm``, ``max_snap_m``.
    warnings : tuple of str
        The review's warnings, shown at the top.
    notes : mapping of str to str
        An extra note per section key.
    sections : tuple of module
        The section modules of the report being built, in order (see
        :mod:`ninhbinh_geo.report.sections`).
    """

    tables: Mapping[str, pd.DataFrame]
    lang: str = "vi"
    maps: tuple[str, ...] = ()
    table_links: Mapping[str, str] = field(default_factory=dict)
    geopackage: str | None = None
    layers: tuple[str, ...] = ()
    inputs: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    sections: tuple[ModuleType, ...] = ()

    def table(self, key: str) -> pd.DataFrame | None:
        """Return the table ``key`` without geometry, or None when the review has none.

        Examples
        --------
        >>> ctx = ReportContext({"a": pd.DataFrame({"x": [1]})})
        >>> ctx.table("a").shape, ctx.table("b")
        ((1, 1), None)
        """
        table = self.tables.get(key)
        if table is None:
            return None
        return pd.DataFrame(table).drop(columns="geometry", errors="ignore")

    def t(self, key: str, **values: object) -> str:
        """Return the label ``key`` in the report's language, with ``values`` filled in."""
        text = label(key, self.lang)
        return text.format(**values) if values else text

    def has_label(self, key: str) -> bool:
        """Whether ``labels`` has ``key``."""
        return key in LABELS

    def num(self, value: object, **options: Any) -> str:
        """Write a number the report's way (:func:`ninhbinh_geo.formatting.format_number`)."""
        return format_number(value, self.lang, **options)

    def pct(self, value: object, *, share: bool = True, decimals: int = 0) -> str:
        """Write a share (or a percentage with ``share=False``) as ``46%``."""
        return format_percent(value, self.lang, share=share, decimals=decimals)

    def site_names(self) -> dict[str, str]:
        """Map ``site_id`` to ``name_vi`` from any table that holds both."""
        names: dict[str, str] = {}
        for table in self.tables.values():
            if {"site_id", "name_vi"} <= set(getattr(table, "columns", ())):
                pairs = table[["site_id", "name_vi"]].dropna().drop_duplicates("site_id")
                names.update(zip(pairs["site_id"], pairs["name_vi"], strict=True))
        return names

    def links(self, tables: tuple[str, ...] = (), layers: tuple[str, ...] = ()) -> Links | None:
        """Links to the full tables and the GeoPackage layers of a section, where written.

        Examples
        --------
        >>> ctx = ReportContext({}, lang="en", table_links={"proximity": "tables/proximity.csv"},
        ...                     geopackage="review.gpkg", layers=("clusters",))
        >>> [i.text for i in ctx.links(("proximity", "x"), ("clusters",)).items]
        ['tables/proximity.csv', 'review.gpkg: clusters']
        """
        items = [
            Link(self.table_links[k], self.table_links[k]) for k in tables if k in self.table_links
        ]
        if self.geopackage:
            items += [
                Link(f"{self.geopackage}: {name}", self.geopackage)
                for name in layers
                if name in self.layers
            ]
        return Links(self.t("report.full_data"), tuple(items)) if items else None

    def collect(self, hook: str) -> list[Block]:
        """Gather what every section's ``hook`` (``headline``, ``notes``, ``next_steps``) says.

        Strings become bullets (consecutive ones in one list); blocks are kept as they are.

        Examples
        --------
        >>> import types
        >>> a = types.SimpleNamespace(notes=lambda ctx: ["one", "two"])
        >>> ReportContext({}, sections=(a, types.SimpleNamespace())).collect("notes")
        [Bullets(items=('one', 'two'))]
        """
        blocks: list[Block] = []
        pending: list[str] = []
        for module in self.sections:
            say = getattr(module, hook, None)
            for item in say(self) if say is not None else ():
                if isinstance(item, str):
                    pending.append(item)
                    continue
                if pending:
                    blocks.append(Bullets(tuple(pending)))
                    pending = []
                blocks.append(item)
        if pending:
            blocks.append(Bullets(tuple(pending)))
        return blocks
