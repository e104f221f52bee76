"""One legend for every output: the web map, the static maps and the QGIS styles.

A :class:`Legend` says how one layer is coloured: by category (``categorized``), by classes of a
numeric column (``graduated``), or with one colour (``single``). The output modules only read
legends; they never choose colours or class breaks themselves, so the web map, the PNG/PDF maps
and the QML written into the GeoPackage always agree.

Class breaks follow mapclassify's schemes (``FisherJenks`` and ``EqualInterval`` computed here
with its arithmetic, the others by mapclassify, whose import costs about 2.5 s) and are then
printed as round numbers that classify every value the same way; a column with few distinct
values gets one class per value. Hazard layers keep their own depth classes with the unit and
the return period; the exposure legend names the one scenario the maps show; the zoning
findings get one outcome per site. Matplotlib (colour maps) is imported where a colour is made.

Rooms, in the order they build on each other:

- ``legend``: :class:`Legend`, :class:`LegendClass`, single-colour and categorized legends.
- ``breaks``: :func:`class_breaks` (mapclassify's) and :func:`nice_bounds` (round numbers).
- ``graduated``: :func:`graduated_legend`, classes with round bounds or one per value.
- ``outcomes``: the scenario of the exposure maps, the zoning outcome per site.
- ``layers``: :func:`default_legends`, the legends of a review's layers.
"""

from __future__ import annotations

from .breaks import class_breaks, nice_bounds
from .graduated import bound_text, graduated_legend
from .layers import (
    MAJOR_COLORS,
    PROTECTED_COLORS,
    STATUS_COLORS,
    default_legends,
    hazard_legend,
    outcome_legend,
)
from .legend import NODATA_COLOR, Legend, LegendClass, categorized_legend, single_legend
from .outcomes import OUTCOME_COLORS, RESULT_COLORS, exposure_scenario, zoning_outcomes

__all__ = [
    "MAJOR_COLORS",
    "NODATA_COLOR",
    "OUTCOME_COLORS",
    "PROTECTED_COLORS",
    "RESULT_COLORS",
    "STATUS_COLORS",
    "Legend",
    "LegendClass",
    "bound_text",
    "categorized_legend",
    "class_breaks",
    "default_legends",
    "exposure_scenario",
    "graduated_legend",
    "hazard_legend",
    "nice_bounds",
    "outcome_legend",
    "single_legend",
    "zoning_outcomes",
]
