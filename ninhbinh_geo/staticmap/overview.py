"""The overview map: boundaries, coastline, roads, parks and clusters; major parks named."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from ..styles import Legend
from .compose import _compose
from .layers import _base, _checked_layers, _require, _sites_drawn
from .page import _check_options

__all__ = ["plot_overview"]

# One way to draw the map per tuple: all its layers present and not empty.
_NEEDS = (("clusters",), ("parks",))
_LINES = ("province", "former_provinces", "districts", "coastline", "roads")
_SITES = ("parks", "clusters")


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    return _checked_layers(layers, legends, {n: n for n in (*_LINES, *_SITES)}, checked)


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES) + _sites_drawn(layers, legends, _SITES)
    credited = {d.name: [d.source] for d in drawn}
    return _compose(
        "title.overview", drawn, credited=credited, lang=lang, paper=paper, label_parks=True
    )


def plot_overview(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the overview map: boundaries, coastline, roads, parks and clusters.

    Major parks are drawn larger and named. Clusters and parks take their colours from
    ``legends["clusters"]`` and ``legends["parks"]``.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Layers in any CRS (usually EPSG:4326), named as in
        :func:`ninhbinh_geo.styles.default_legends`. Uses ``province``, ``former_provinces``,
        ``districts``, ``coastline``, ``roads``, ``parks`` and ``clusters`` when present; needs
        ``clusters`` or ``parks``.
    legends : dict of str to Legend
        The shared legends, one per layer drawn.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size; landscape or portrait is chosen to draw the province at the largest scale.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405 (metres), on an Agg canvas; write it with
        :func:`save_figure`.

    Raises
    ------
    SchemaError
        When a needed layer, its legend or the column its legend colours by is missing.
    CRSError
        When a layer has no CRS or implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["CCN-A"], "area_ha": [40.0], "source": ["demo"],
    ...                       "licence": ["CC0"], "accuracy": ["illustrative"]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> layers = {"clusters": c}
    >>> fig = plot_overview(layers, default_legends(layers))
    >>> [t.get_text() for t in fig.texts][:1]
    ['Tổng quan KCN và CCN tỉnh Ninh Bình']
    """
    _check_options(lang, paper)
    _require(layers, "overview", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
