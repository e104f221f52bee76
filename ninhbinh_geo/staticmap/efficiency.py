"""The land-use efficiency map: clusters coloured by an efficiency indicator, parks shown."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from ..styles import Legend
from .compose import _compose
from .layers import _base, _checked_layers, _drawn, _require
from .page import _check_options

__all__ = ["plot_efficiency"]

_NEEDS = (("clusters",),)
_LINES = ("province", "former_provinces", "districts")


def _clusters_legend(legends: Mapping[str, Legend]) -> str:
    """Return the legend of the clusters: the efficiency one when given, else their own."""
    return "efficiency" if legends.get("efficiency") else "clusters"


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    wanted = {**{n: n for n in _LINES}, "parks": "parks", "clusters": _clusters_legend(legends)}
    return _checked_layers(layers, legends, wanted, checked)


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES)
    if "parks" in layers:
        drawn.append(_drawn("parks", layers["parks"], legends["parks"], "site"))
    legend = legends[_clusters_legend(legends)]
    drawn.append(_drawn("clusters", layers["clusters"], legend, "site"))
    credited = {d.name: [d.source] for d in drawn}
    return _compose("title.efficiency", drawn, credited=credited, lang=lang, paper=paper)


def plot_efficiency(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the land-use efficiency map: clusters coloured by an efficiency indicator.

    The clusters are coloured with ``legends["efficiency"]`` when it is given (for example a
    :func:`ninhbinh_geo.styles.graduated_legend` of ``occupancy_pct`` or ``jobs_per_ha``), else
    with ``legends["clusters"]`` (the column the review colours clusters by). Parks are shown
    for orientation.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``clusters``.
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
        When ``clusters``, a legend or the legend's column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import graduated_legend
    >>> c = gpd.GeoDataFrame({"site_id": ["A", "B"], "occupancy_pct": [30.0, 90.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21),
    ...                                box(106.0, 20.3, 106.01, 20.31)], crs=4326)
    >>> lg = {"efficiency": graduated_legend(c["occupancy_pct"], layer="clusters",
    ...       column="occupancy_pct", title_key="col.occupancy_pct", k=2)}
    >>> plot_efficiency({"clusters": c}, lg, lang="en").get_label()
    'Land-use efficiency of clusters'
    """
    _check_options(lang, paper)
    _require(layers, "efficiency", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
