"""The satellite-network map: links from clusters to their major parks, which are named."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from ..styles import Legend
from .compose import _compose
from .layers import _base, _checked_layers, _drawn, _require, _sites_drawn
from .page import _check_options

__all__ = ["plot_satellite"]

_NEEDS = (("satellite_links", "parks"),)
_LINES = ("province", "former_provinces", "roads")
_SITES = ("clusters", "parks")


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    names = (*_LINES, "satellite_links", *_SITES)
    return _checked_layers(layers, legends, {n: n for n in names}, checked)


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES)
    links = layers["satellite_links"]
    drawn.append(_drawn("satellite_links", links, legends["satellite_links"], "line"))
    drawn += _sites_drawn(layers, legends, _SITES)
    credited = {d.name: [d.source] for d in drawn}
    return _compose(
        "title.satellite", drawn, credited=credited, lang=lang, paper=paper, label_parks=True
    )


def plot_satellite(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the satellite-network map: links from clusters to their major parks.

    Links take the colours of ``legends["satellite_links"]`` (road or straight-line km); major
    parks are drawn larger and named.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``satellite_links`` and ``parks``.
    legends : dict of str to Legend
        The shared legends.
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
    >>> from shapely.geometry import LineString, box
    >>> from ninhbinh_geo.styles import default_legends
    >>> parks = gpd.GeoDataFrame({"site_id": ["KCN-1"], "name_vi": ["KCN Đồng Văn I"],
    ...                           "major": [True]},
    ...                          geometry=[box(105.9, 20.2, 105.92, 20.22)], crs=4326)
    >>> links = gpd.GeoDataFrame({"site_id": ["CCN-1"], "straight_km": [5.2]},
    ...                          geometry=[LineString([(105.91, 20.21), (105.95, 20.23)])],
    ...                          crs=4326)
    >>> layers = {"parks": parks, "satellite_links": links}
    >>> fig = plot_satellite(layers, default_legends(layers))
    >>> any(t.get_text() == "KCN Đồng Văn I" for t in fig.axes[0].texts)
    True
    """
    _check_options(lang, paper)
    _require(layers, "satellite", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
