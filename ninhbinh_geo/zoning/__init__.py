"""Zoning-review rule checks for industrial clusters (CCN) and parks (KCN).

The rules are data (``data/rules/rules.csv``); :func:`check` measures every site against every
rule and returns one finding per (site, rule) with its margin and the rule's identity;
:func:`summarize` gives the worst result per site and the rule that binds;
:func:`decided_share` and :func:`missing_data` say how much the data decide and what would
decide the rest. The policy behind the results is stated in :mod:`ninhbinh_geo.zoning.decide`.

Rooms, in the order they import each other:

- ``context``: the checked inputs every check reads, the per-site result frame, cell reading.
- ``positions``: where a site surely lies when its footprint is illustrative.
- ``checks_site``: a site's own figures (area, area after expansion, wastewater plant, occupancy).
- ``checks_spatial``: the footprint against layers (dyke/river corridors, zones, housing distance).
- ``checks_protected``: the footprint against heritage and protected areas, position-aware.
- ``checks_exposure``: the worst exposed share of a hazard in the exposure table.
- ``checks``: the dispatch table :data:`CHECKS`, check name → function and what it accepts.
- ``conditions``: whether a rule applies to a site (kind, status, expansion, flags), and
  whether a violation holds whatever the unknown flags.
- ``rules``: the rules table: path, columns, vocabularies, :func:`load_rules`, validation,
  :func:`rule_hash` and the effective dates.
- ``margins``: the signed margin of a finding and its text.
- ``decide``: the result policy, one finding per (site, rule).
- ``engine``: the door :func:`check`.
- ``summary``: :func:`summarize`, the worst result and binding rule per site.
- ``decidability``: :func:`decided_share`, :func:`missing_data`.
"""

from __future__ import annotations

from .checks import CHECKS
from .checks_site import EXISTING_STATUSES
from .decidability import decided_share, missing_data, missing_text
from .decide import OUTPUT_COLUMNS
from .engine import check
from .positions import LOCATION_TOLERANCE_M, embedded_units
from .rules import (
    APPLIES_TO,
    DATE_COLUMNS,
    NORMATIVE_FIELDS,
    OPERATORS,
    RULE_COLUMNS,
    SEVERITIES,
    SOURCE_STATUSES,
    UNITS,
    load_rules,
    rule_hash,
    rules_path,
)
from .summary import RESULTS, summarize

__all__ = [
    "APPLIES_TO",
    "CHECKS",
    "DATE_COLUMNS",
    "EXISTING_STATUSES",
    "LOCATION_TOLERANCE_M",
    "NORMATIVE_FIELDS",
    "OPERATORS",
    "OUTPUT_COLUMNS",
    "RESULTS",
    "RULE_COLUMNS",
    "SEVERITIES",
    "SOURCE_STATUSES",
    "UNITS",
    "check",
    "decided_share",
    "embedded_units",
    "load_rules",
    "missing_data",
    "missing_text",
    "rule_hash",
    "rules_path",
    "summarize",
]
