"""Capacity-aware access: gravity, 2SFCA, enhanced 2SFCA and balanced FCA indices.

"Nearest park" ignores capacity: twenty clusters leaning on one hub while another has room.
These indices share each hub's supply (jobs, or leasable ha) among the demand that reaches it
within a travel-time catchment, with a step, zone, gravity or Gaussian decay.

Rooms:

- ``decay``: :class:`Decay` and its forms :func:`step`, :func:`zones`, :func:`power`,
  :func:`gaussian`;
- ``fca``: the indices on a cost matrix (:func:`gravity`, :func:`two_step_fca`,
  :func:`enhanced_two_step_fca`, :func:`balanced_fca`; :func:`three_step_fca` refuses, with
  the reason);
- ``sites``: :func:`site_access`, the indices of clusters (demand) against hubs (supply) from
  a column of each, with no silent default for a missing supply.
"""

from .decay import LUO_QI_ZONES, Decay, gaussian, power, step, zones
from .fca import (
    THREE_STEP_REASON,
    balanced_fca,
    enhanced_two_step_fca,
    gravity,
    three_step_fca,
    two_step_fca,
)
from .sites import SUPPLY_COLUMNS, site_access

__all__ = [
    "LUO_QI_ZONES",
    "SUPPLY_COLUMNS",
    "THREE_STEP_REASON",
    "Decay",
    "balanced_fca",
    "enhanced_two_step_fca",
    "gaussian",
    "gravity",
    "power",
    "site_access",
    "step",
    "three_step_fca",
    "two_step_fca",
    "zones",
]
