"""Scenarios in the QGIS project: one layer per scenario, one map theme per scenario.

The exposure table holds one row per (site, hazard): every return period and sea-level
scenario of the review. In the project it becomes one layer per scenario, each a filtered view
of the same GeoPackage table (``|subset="hazard" = '…'``), and one map theme per scenario shows
the background, the sites and that scenario's layers only (the hazard zones belong to the
scenario they were traced from). An overview theme shows no scenario. Map themes are what QGIS
planners switch with in the Layers panel and what a print layout's map can follow.
"""

from __future__ import annotations

import math
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import label
from .xml import _el

#: Tables split into one layer per scenario (a ``hazard`` column names the scenario).
SCENARIO_TABLES = ("exposure",)
#: Tables that belong to the scenario their ``hazard`` column names (when it names one).
SCENARIO_BOUND_TABLES = ("hazard",)
#: Tables of no scenario that every map theme (and the print layout) shows: the overview, as the
#: web map opens. The review's other layers stay in the project, one click away, so that the
#: layout's legend holds what its map shows.
THEME_TABLES = (
    "province",
    "former_provinces",
    "coastline",
    "roads",
    "flood_cut_roads",
    "satellite_links",
    "parks",
    "clusters",
)

_SLR_RE = re.compile(r"slr[_-]?(\d+(?:\.\d+)?)\s*cm", re.IGNORECASE)


@dataclass(frozen=True)
class Scenario:
    """One hazard scenario of the review: the ``hazard`` value and its title."""

    key: str
    title: str
    return_period: float | None = None
    slr_cm: float | None = None


@dataclass
class LayerEntry:
    """One layer of the project: a table of the GeoPackage, whole or one scenario of it."""

    table: str
    layer_id: str
    display: str
    subset: str | None = None
    scenario: str | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fmt(value: float) -> str:
    return f"{value:g}"


def _scenario(key: str, return_period: object) -> Scenario:
    rp = None
    if return_period is not None and not (
        isinstance(return_period, float) and math.isnan(return_period)
    ):
        rp = float(return_period)
    if rp is not None:
        return Scenario(key, "", return_period=rp)
    m = _SLR_RE.search(key)
    if m:
        return Scenario(key, "", slr_cm=float(m.group(1)))
    return Scenario(key, "")


def _titled(s: Scenario, lang: str) -> Scenario:
    if s.return_period is not None:
        title = label("scenario.return_period", lang).format(n=_fmt(s.return_period))
    elif s.slr_cm is not None:
        title = label("scenario.slr", lang).format(cm=_fmt(s.slr_cm))
    else:
        title = s.key
    return Scenario(s.key, title, s.return_period, s.slr_cm)


def _has_column(con: sqlite3.Connection, table: str, column: str) -> bool:
    cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
    return column in cols


def read_scenarios(
    gpkg: Path, tables: Iterable[str], *, lang: str
) -> tuple[list[Scenario], dict[str, str]]:
    """Return the scenarios of the scenario tables, and the scenario of each bound table.

    Scenarios come in order: return periods ascending, then sea-level rise ascending, then
    others by name. A bound table (the hazard zones) belongs to a scenario when all its rows
    name that one.
    """
    tables = list(tables)
    found: dict[str, Scenario] = {}
    bound: dict[str, str] = {}
    con = sqlite3.connect(f"{gpkg.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for table in (t for t in tables if t in SCENARIO_TABLES):
            if not _has_column(con, table, "hazard"):
                continue
            rp = "return_period" if _has_column(con, table, "return_period") else "NULL"
            for key, period in con.execute(
                f'SELECT DISTINCT "hazard", {rp} FROM "{table}" WHERE "hazard" IS NOT NULL'
            ):
                found.setdefault(str(key), _scenario(str(key), period))
        for table in (t for t in tables if t in SCENARIO_BOUND_TABLES):
            if _has_column(con, table, "hazard"):
                keys = {r[0] for r in con.execute(f'SELECT DISTINCT "hazard" FROM "{table}"')}
                if len(keys) == 1 and str(next(iter(keys))) in found:
                    bound[table] = str(next(iter(keys)))
    finally:
        con.close()

    def rank(s: Scenario) -> tuple[int, float, str]:
        if s.return_period is not None:
            return (0, s.return_period, s.key)
        if s.slr_cm is not None:
            return (1, s.slr_cm, s.key)
        return (2, 0.0, s.key)

    return [_titled(s, lang) for s in sorted(found.values(), key=rank)], bound


def layer_entries(
    order: Sequence[str],
    displays: Mapping[str, str],
    scenarios: Sequence[Scenario],
    bound: Mapping[str, str],
    digest: str,
) -> list[LayerEntry]:
    """Return the project's layers in drawing order: scenario tables split per scenario."""
    entries = []
    for table in order:
        display = displays.get(table) or table
        if table in SCENARIO_TABLES and scenarios:
            for i, s in enumerate(scenarios):
                entries.append(
                    LayerEntry(
                        table,
                        f"{table}_{i}_{digest}",
                        f"{display} – {s.title}",
                        subset=f'"hazard" = {_quote_literal(s.key)}',
                        scenario=s.key,
                    )
                )
        else:
            entries.append(
                LayerEntry(table, f"{table}_{digest}", display, scenario=bound.get(table))
            )
    return entries


def theme_layers(entries: Sequence[LayerEntry], scenario: str | None) -> list[LayerEntry]:
    """Return the layers a theme shows: the overview tables and the layers of ``scenario``.

    The overview tables are :data:`THEME_TABLES`; the other layers of no scenario are left
    unchecked.
    """
    return [
        e
        for e in entries
        if (e.table in THEME_TABLES if e.scenario is None else e.scenario == scenario)
    ]


def theme_names(scenarios: Sequence[Scenario], lang: str) -> list[tuple[str, str | None]]:
    """(theme name, scenario key) of every theme: the overview, then one per scenario."""
    return [(label("theme.overview", lang), None)] + [(s.title, s.key) for s in scenarios]


def add_map_themes(
    root: ET.Element,
    entries: Sequence[LayerEntry],
    themes: Sequence[tuple[str, str | None]],
    style_name: str,
) -> None:
    """Append ``<visibility-presets>``: one map theme per (name, scenario)."""
    presets = _el(root, "visibility-presets")
    for name, scenario in themes:
        preset = _el(
            presets,
            "visibility-preset",
            name=name,
            **{"has-expanded-info": "1", "has-checked-group-info": "1"},
        )
        for entry in theme_layers(entries, scenario):
            _el(preset, "layer", id=entry.layer_id, visible="1", style=style_name, expanded="1")
            _el(preset, "expanded-legend-nodes", id=entry.layer_id)
        _el(preset, "checked-group-nodes")
        _el(preset, "expanded-group-nodes")


def print_theme(
    themes: Sequence[tuple[str, str | None]], bound: Mapping[str, str]
) -> tuple[str, str | None]:
    """Return the theme the print layout shows: the scenario of the hazard zones, else the first."""
    bound_keys = set(bound.values())
    for name, key in themes:
        if key is not None and key in bound_keys:
            return name, key
    with_scenario = [t for t in themes if t[1] is not None]
    return with_scenario[0] if with_scenario else themes[0]
