"""Zoning-review rule checks for industrial clusters (CCN) and parks (KCN).

The rules are data (``data/rules/rules.csv``); :func:`check` measures every site against every
rule and returns one finding per (site, rule); :func:`summarize` gives the worst result per site.
The policy behind the results is stated in :mod:`ninhbinh_geo.zoning.engine`.

Rooms, in the order they import each other:

- ``context``: the checked inputs every check reads, the per-site result frame, cell reading.
- ``checks_site``: a site's own figures (area, area after expansion, wastewater plant, occupancy).
- ``checks_spatial``: the footprint against layers (dyke/river corridors, zones, housing distance).
- ``checks_exposure``: the worst exposed share of a hazard in the exposure table.
- ``checks``: the dispatch table :data:`CHECKS`, check name → function and what it accepts.
- ``conditions``: whether a rule applies to a site (kind, status, expansion, flags).
- ``rules``: the rules table: path, columns, vocabularies, :func:`load_rules` and validation.
- ``engine``: the door :func:`check`, running a rule, the result policy, :func:`summarize`.
"""

from __future__ import annotations

from .checks import CHECKS
from .checks_site import EXISTING_STATUSES
from .engine import RESULTS, check, summarize
from .rules import (
    APPLIES_TO,
    OPERATORS,
    RULE_COLUMNS,
    SEVERITIES,
    SOURCE_STATUSES,
    UNITS,
    load_rules,
    rules_path,
)

__all__ = [
    "APPLIES_TO",
    "CHECKS",
    "EXISTING_STATUSES",
    "OPERATORS",
    "RESULTS",
    "RULE_COLUMNS",
    "SEVERITIES",
    "SOURCE_STATUSES",
    "UNITS",
    "check",
    "load_rules",
    "rules_path",
    "summarize",
]
