"""The satellite network by travel time: clusters by minutes to the nearest hub, over service areas.

The clusters take the classes of ``legends["traveltime"]`` (within 15, 30, 45 minutes of the
nearest hub and beyond; :mod:`ninhbinh_geo.styles.access`), the hubs' service areas lie
underneath by budget (``legends["service_areas"]``, the longest budget drawn first so the
shorter ones stay visible), candidate sites for new clusters are marked by their score and
named, and the hubs are named.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from ..styles import Legend
from .compose import _compose
from .layers import _base, _checked_layers, _drawn, _marker_points, _require
from .page import _check_options
from .placing import _Item

__all__ = ["plot_traveltime"]

# the review draws it when the travel-time step ran (its service areas); alone, sites suffice
_NEEDS = (("clusters", "parks", "service_areas"),)
_PLOT_NEEDS = (("clusters", "parks"),)
_LINES = ("province", "former_provinces", "roads")
# layer name → the key of the legend it is coloured by
_LEGEND_OF = {"service_areas": "service_areas", "clusters": "traveltime", "parks": "parks"}
_MAX_CANDIDATE_LABELS = 10


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    wanted: dict[str, str | None] = {n: n for n in _LINES}
    wanted |= {**_LEGEND_OF, "candidate_sites": "candidate_sites"}
    return _checked_layers(layers, legends, wanted, checked)


def _candidate_labels(candidates: gpd.GeoDataFrame) -> list[_Item]:
    """Name the best candidate sites by their id."""
    top = candidates.sort_values("rank", kind="stable") if "rank" in candidates else candidates
    top = top.head(_MAX_CANDIDATE_LABELS)
    ids = top["candidate_id"] if "candidate_id" in top else top.index.astype(str)
    pts = _marker_points(top.geometry)
    return [
        _Item(str(i), float(x), float(y), [(float(x), float(y))])
        for i, x, y in zip(ids, pts.x, pts.y, strict=True)
    ]


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES)
    if "service_areas" in layers and "service_areas" in legends:
        areas = layers["service_areas"]
        # a hub the roads do not reach has rows without an area (their reason is in the table)
        areas = areas[[g is not None and not g.is_empty for g in areas.geometry]]
        areas = areas.sort_values("minutes", ascending=False, kind="stable")
        drawn.append(_drawn("service_areas", areas, legends["service_areas"], "area"))
    drawn.append(_drawn("clusters", layers["clusters"], legends["traveltime"], "site"))
    drawn.append(_drawn("parks", layers["parks"], legends["parks"], "site"))
    labels: list[_Item] = []
    if "candidate_sites" in layers and "candidate_sites" in legends:
        found = layers["candidate_sites"]
        drawn.append(_drawn("candidate_sites", found, legends["candidate_sites"], "site"))
        labels = _candidate_labels(found)
    credited = {d.name: [d.source] for d in drawn}
    return _compose(
        "title.traveltime",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        label_parks=True,
        labels=labels,
    )


def plot_traveltime(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the satellite network by travel time: clusters by minutes to the nearest hub.

    Clusters are coloured by ``legends["traveltime"]`` (their ``travel_min``, in the classes
    of the service areas' budgets); the hubs' ``service_areas`` are drawn underneath by
    ``legends["service_areas"]``, ``candidate_sites`` on top by their score, named by their id;
    major parks are named.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``clusters`` (with ``travel_min``) and ``parks``;
        draws ``service_areas`` and ``candidate_sites`` when present.
    legends : dict of str to Legend
        The shared legends (``traveltime``, ``parks``, and ``service_areas`` and
        ``candidate_sites`` for those layers).
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When a needed layer, legend or column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> parks = gpd.GeoDataFrame({"site_id": ["KCN-1"], "name_vi": ["KCN Đồng Văn I"],
    ...                           "major": [True]},
    ...                          geometry=[box(105.9, 20.2, 105.92, 20.22)], crs=4326)
    >>> clusters = gpd.GeoDataFrame({"site_id": ["CCN-1", "CCN-2"], "area_ha": [12.0, 40.0],
    ...                              "travel_min": [12.0, 50.0]},
    ...                             geometry=[box(105.95, 20.23, 105.96, 20.24),
    ...                                       box(106.1, 20.3, 106.11, 20.31)], crs=4326)
    >>> layers = {"parks": parks, "clusters": clusters}
    >>> fig = plot_traveltime(layers, default_legends(layers), lang="en")
    >>> fig.get_label()
    'The satellite network by travel time'
    """
    _check_options(lang, paper)
    _require(layers, "traveltime", _PLOT_NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
