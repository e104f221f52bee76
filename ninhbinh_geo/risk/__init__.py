"""Climate risk of sites: expected annual values with their method stated, and flood damage.

:func:`expected_annual` turns values at a few return periods (exposed area, damage, a 0/1
"road cut" indicator) into one expected annual value per site, with the integration method
(``"trapezoid"``, ``"step"`` as the World Bank's CCDR tools, ``"loglinear"`` as Delft-FIAT),
the tail beyond the rarest map and the protection standard stated in the result;
:func:`compare_methods` puts the totals of every method side by side.
:func:`flood_damage` reads depth–damage curves (the JRC curves for Asia shipped in
``data/risk/``, or a user's own: :func:`load_curves`) at each site's flood depth.

Rooms, in the order data flow through them:

- ``curves``: depth–damage curves and construction costs as data, checked on entry;
- ``damage``: :func:`flood_damage`;
- ``annual``: :func:`expected_annual` and :func:`compare_methods` (on the kernel
  :mod:`ninhbinh_geo._riskcurve`, shared with ``exposure`` and ``network``).
"""

from .annual import METHODS, RARE_TAILS, compare_methods, expected_annual
from .curves import check_curves, construction_costs, damage_factor, load_curves
from .damage import DEFAULT_BUILT_SHARE, flood_damage

__all__ = [
    "DEFAULT_BUILT_SHARE",
    "METHODS",
    "RARE_TAILS",
    "check_curves",
    "compare_methods",
    "construction_costs",
    "damage_factor",
    "expected_annual",
    "flood_damage",
    "load_curves",
]
