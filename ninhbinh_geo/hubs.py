"""The parks a satellite network is measured to: the hubs, checked at the door.

:func:`hub_parks` picks the major parks (``major == True``) or the parks named, after checking
that the park layer has unique ids and names that results can name. It is also reachable as
``ninhbinh_geo.schema.hub_parks``.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from ._errors import SchemaError, first_ids

__all__ = ["hub_parks"]


def hub_parks(
    parks: gpd.GeoDataFrame, *, major_only: bool = True, park_names: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Select the parks the satellite network is measured to, checking the park layer.

    Parameters
    ----------
    parks : geopandas.GeoDataFrame
        Park layer with ``site_id`` and ``name_vi`` (and ``major`` for ``major_only``).
    major_only : bool, default True
        Keep only the hubs (``major == True``).
    park_names : sequence of str, optional
        Keep exactly these parks (by ``name_vi`` or ``site_id``); overrides ``major_only``.

    Returns
    -------
    geopandas.GeoDataFrame
        The selected rows, unchanged (the layer itself when every row is selected: copy it
        before changing it).

    Raises
    ------
    SchemaError
        When the layer is empty, lacks ``site_id``/``name_vi``/``major``, repeats a park id or
        name, names an unknown park, or marks no hub.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> parks = gpd.GeoDataFrame({"site_id": ["A", "B"], "name_vi": ["KCN A", "KCN B"],
    ...                           "major": [True, False]},
    ...                          geometry=[Point(106, 20), Point(106.1, 20)], crs=4326)
    >>> hub_parks(parks)["site_id"].tolist(), hub_parks(parks, park_names=["KCN B"]).shape[0]
    (['A'], 1)
    """
    if not isinstance(parks, gpd.GeoDataFrame) or parks.empty:
        raise SchemaError("Layer 'parks' is empty or not a GeoDataFrame; pass the park layer.")
    missing = [c for c in ("site_id", "name_vi") if c not in parks.columns]
    if missing:
        raise SchemaError(
            f"Layer 'parks' lacks columns {missing}; load it with ninhbinh_geo.datasets."
        )
    for col in ("site_id", "name_vi"):
        values = [v for v in parks[col].tolist() if not pd.isna(v)]
        if len(set(values)) == len(values):  # (a set is fast on the few rows of a park layer)
            continue
        dup = parks[col].duplicated(keep=False) & parks[col].notna()
        if dup.any():
            raise SchemaError(
                f"Layer 'parks', column '{col}': {first_ids(sorted(set(parks[col][dup])))} "
                f"appear more than once (rows {first_ids(parks.index[dup])}); a park must be "
                f"one row with a unique {col}, so that results can name it."
            )
    if park_names is not None:
        known = set(parks["name_vi"]) | set(parks["site_id"])
        unknown = [n for n in park_names if n not in known]
        if unknown:
            hints = {n: difflib.get_close_matches(n, list(parks["name_vi"]), n=2) for n in unknown}
            raise SchemaError(
                f"Layer 'parks' has no park named {first_ids(unknown)} (column 'name_vi' or "
                f"'site_id'). Closest names: {hints}. Use the names exactly as in the layer."
            )
        return parks[parks["name_vi"].isin(park_names) | parks["site_id"].isin(park_names)]
    if major_only:
        if "major" not in parks.columns:
            raise SchemaError(
                "Layer 'parks' has no column 'major' to pick the hub parks; add it, pass "
                "park_names=[...], or pass major_only=False."
            )
        major = parks["major"].fillna(False).astype(bool).to_numpy()
        if not major.any():
            raise SchemaError(
                "Layer 'parks': no row has major=True; mark the hubs or pass major_only=False."
            )
        if not major.all():
            parks = parks[major]
    return parks
