"""The dispatch table: one check function per kind of measurement (``check`` column of the rules).

:data:`CHECKS` maps a check name to its :class:`_CheckSpec`: the function that measures it (in
``checks_site``, ``checks_spatial`` or ``checks_exposure``), the operators and units it accepts,
the parameters it reads, whether it needs a user layer or a threshold, whether it measures
the footprint (``geometric``: an illustrative footprint can neither clear nor condemn a site)
and whether it reasons itself about where an uncertain site can be (``positional``), and what
the site's own attributes decide when its layer is missing (``without_layer``).
The rules table is validated against this table; a new kind of check is one function plus one
entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from .checks_exposure import _check_exposure_max
from .checks_protected import _check_protected_area
from .checks_site import (
    _check_area_range,
    _check_expanded_area_max,
    _check_group_occupancy,
    _check_site_occupancy,
    _check_wwtp_required,
)
from .checks_spatial import (
    _check_corridor_intersects,
    _check_distance_min_by_class,
    _check_zone_intersects,
    _other_class,
)
from .context import _Context


@dataclass(frozen=True)
class _CheckSpec:
    """What a check needs: its function, allowed operators, units and parameters."""

    func: Callable[[_Context, pd.Series], dict[str, list]]
    operators: tuple[str, ...]
    units: tuple[str, ...]
    params: frozenset[str] = field(default_factory=frozenset)
    needs_layer: bool = False
    needs_threshold: bool = True
    geometric: bool = False
    positional: bool = False
    without_layer: Callable[[_Context, pd.Series], list[tuple[str, str]]] | None = None


_CMP = ("between", "<=", ">=", "<", ">")
#: The dispatch table: one function per kind of measurement (``check`` column of the rules).
CHECKS: dict[str, _CheckSpec] = {
    "area_range": _CheckSpec(_check_area_range, _CMP, ("ha",)),
    "expanded_area_max": _CheckSpec(_check_expanded_area_max, ("<=", "<"), ("ha",)),
    "wwtp_required": _CheckSpec(_check_wwtp_required, ("==",), ("bool",), frozenset({"columns"})),
    "site_occupancy": _CheckSpec(_check_site_occupancy, _CMP, ("%", "share")),
    "group_occupancy": _CheckSpec(
        _check_group_occupancy, _CMP, ("%", "share"), frozenset({"or_unleased_max_ha"})
    ),
    "corridor_intersects": _CheckSpec(
        _check_corridor_intersects,
        ("not_intersects",),
        ("m", "km"),
        frozenset({"grades", "land_m", "river_m", "sea_m", "settled_m", "width_column"}),
        needs_layer=True,
        needs_threshold=False,
        geometric=True,
    ),
    "zone_intersects": _CheckSpec(
        _check_zone_intersects,
        ("not_intersects", "intersects"),
        ("ha",),
        frozenset({"zone_column", "zones"}),
        needs_layer=True,
        needs_threshold=False,
        geometric=True,
    ),
    "exposure_max": _CheckSpec(
        _check_exposure_max,
        ("<=", "<"),
        ("share", "%"),
        frozenset({"hazard", "return_period"}),
        needs_layer=True,
        geometric=True,
    ),
    "distance_min_by_class": _CheckSpec(
        _check_distance_min_by_class,
        (">=", ">"),
        ("m", "km"),
        frozenset({"class"}),
        needs_layer=True,
        geometric=True,
        without_layer=_other_class,
    ),
    "protected_area": _CheckSpec(
        _check_protected_area,
        (">=",),
        ("m", "km"),
        frozenset(
            {"designations", "zones", "whole", "screen_m", "zone_column", "designation_column"}
        ),
        needs_layer=True,
        geometric=True,
        positional=True,
    ),
}
