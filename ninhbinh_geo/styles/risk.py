"""Legends of the climate-risk layers (issue 13): sea-level zones, road segments cut by floods."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .graduated import graduated_legend
from .legend import Legend, _is_illustrative, categorized_legend

__all__ = ["INUNDATION_COLORS"]

#: Sea-level zones by class (colour, label key suffix), in legend order.
INUNDATION_COLORS = {"flooded": "#2171b5", "low_unconnected": "#fd8d3c"}


def _risk_legends(
    layers: Mapping[str, pd.DataFrame], *, scheme: str, k: int, **_: object
) -> dict[str, Legend]:
    """Road segments cut by floods (by links cut); sea-level zones (flooded, cut off)."""
    out: dict[str, Legend] = {}
    if "sea_level_zones" in layers:
        out["sea_level_zones"] = categorized_legend(
            "sea_level_zones",
            "inundation_class",
            {c: (color, c) for c, color in INUNDATION_COLORS.items()},
            title_key="layer.sea_level_zones",
            label_prefix="inundation_class",
            illustrative=_is_illustrative(layers["sea_level_zones"]),
        )
    if "flood_cut_roads" not in layers:
        return out
    roads = layers["flood_cut_roads"]
    return {
        **out,
        "flood_cut_roads": graduated_legend(
            roads["links_cut"].astype(float),
            layer="flood_cut_roads",
            column="links_cut",
            title_key="layer.flood_cut_roads",
            scheme=scheme,
            k=min(k, 4),
            cmap="Reds",
            geometry="line",
            illustrative=_is_illustrative(roads),
        ),
    }
