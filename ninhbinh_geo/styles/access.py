"""Legends of the satellite network by travel time (issue 14).

Service areas by their budget (15/30/45 minutes), the clusters by minutes to the nearest hub in
the same classes and beyond, and candidate sites for new clusters by their suitability score.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..labels import label
from .graduated import graduated_legend
from .legend import Legend, LegendClass, _is_illustrative, _to_hex

__all__ = ["SERVICE_AREA_CMAP", "TRAVEL_TIME_BOUNDS"]

#: Colours of the service areas, shortest budget first (darkest: closest to the hub).
SERVICE_AREA_CMAP = "Greens_r"


def _access_legends(
    layers: Mapping[str, pd.DataFrame], *, scheme: str, k: int, **_: object
) -> dict[str, Legend]:
    """Service areas by budget, clusters by travel time, candidates by score (issue 14)."""
    from matplotlib import colormaps

    out: dict[str, Legend] = {}
    if "service_areas" in layers and "minutes" in layers["service_areas"].columns:
        budgets = sorted(pd.to_numeric(layers["service_areas"]["minutes"]).dropna().unique())
        cm = colormaps[SERVICE_AREA_CMAP]
        classes = tuple(
            LegendClass(
                _to_hex(cm(0.15 + 0.6 * i / max(len(budgets) - 1, 1))),
                label("legend.within_min", "vi").format(m=f"{m:g}"),
                label("legend.within_min", "en").format(m=f"{m:g}"),
                value=float(m),
            )
            for i, m in enumerate(budgets)
        )
        out["service_areas"] = Legend(
            layer="service_areas",
            column="minutes",
            kind="categorized",
            classes=classes,
            title_key="layer.service_areas",
            illustrative=_is_illustrative(layers["service_areas"]),
        )
    clusters = layers.get("clusters")
    if clusters is not None and "travel_min" in clusters.columns:
        # the map of the satellite network by travel time: the clusters by the service areas'
        # budgets (15, 30, 45 minutes) and beyond
        out["traveltime"] = _travel_time_legend(clusters)
    if "candidate_sites" in layers:
        out["candidate_sites"] = graduated_legend(
            layers["candidate_sites"]["score"],
            layer="candidate_sites",
            column="score",
            title_key="col.score",
            scheme=scheme,
            k=min(k, 4),
            cmap="Purples",
            illustrative=_is_illustrative(layers["candidate_sites"]),
        )
    return out


#: Class bounds of the clusters' travel time to the nearest hub, minutes.
TRAVEL_TIME_BOUNDS = (15.0, 30.0, 45.0)


def _travel_time_legend(clusters: pd.DataFrame) -> Legend:
    """Clusters by minutes to the nearest hub: within 15, 30, 45 minutes and beyond."""
    from matplotlib import colormaps

    cm = colormaps["RdYlGn_r"]
    values = pd.to_numeric(clusters["travel_min"], errors="coerce")
    top = max(float(values.max()) if values.notna().any() else 0.0, TRAVEL_TIME_BOUNDS[-1] + 1)
    bounds = (0.0, *TRAVEL_TIME_BOUNDS, top)
    classes = []
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        key = "legend.within_min" if i == 0 else "legend.min_range"
        key = "legend.over_min" if i == len(TRAVEL_TIME_BOUNDS) else key
        args = {"m": f"{hi:g}" if i == 0 else f"{lo:g}", "lo": f"{lo:g}", "hi": f"{hi:g}"}
        classes.append(
            LegendClass(
                _to_hex(cm(0.1 + 0.8 * i / len(TRAVEL_TIME_BOUNDS))),
                label(key, "vi").format(**args),
                label(key, "en").format(**args),
                lower=lo,
                upper=hi,
            )
        )
    return Legend(
        layer="clusters",
        column="travel_min",
        kind="graduated",
        classes=tuple(classes),
        title_key="col.travel_min",
        scheme="manual",
        illustrative=_is_illustrative(clusters),
    )
