"""The flood-exposure map: one stated scenario, its hazard zones and each site's exposed share.

The dots and the background come from the same scenario: the one the exposure legend names
(:func:`ninhbinh_geo.styles.exposure_scenario`: the hazard layer's, else the 100-year flood),
named in the title and the legends. A hazard layer of another scenario is not drawn under it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from .._errors import SchemaError
from ..styles import Legend
from .compose import _compose
from .layers import (
    _base,
    _checked_layers,
    _drawn,
    _footprint_sources,
    _require,
    _with_site_geometry,
)
from .page import _check_options

__all__ = ["plot_exposure"]

logger = logging.getLogger(__name__)

_NEEDS = (("exposure",),)
_LINES = ("province", "former_provinces", "coastline")


def _check_exposure(expo: pd.DataFrame) -> None:
    for col in ("site_id", "exposed_share"):
        if col not in expo.columns:
            raise SchemaError(
                f"Layer 'exposure' has no column '{col}'; pass the table returned by "
                f"ninhbinh_geo.exposure.raster_exposure."
            )


def _worst_exposure(expo: pd.DataFrame) -> pd.DataFrame:
    """One row per site: the scenario with the largest exposed share (NaN only if all are)."""
    share = pd.to_numeric(expo["exposed_share"], errors="coerce")
    order = expo.assign(_share=share).sort_values(
        ["site_id", "_share"], ascending=[True, False], na_position="last", kind="stable"
    )
    return order.drop_duplicates("site_id").drop(columns="_share")


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    _check_exposure(layers["exposure"])
    wanted: dict[str, str | None] = {
        n: n for n in (*_LINES, "hazard", "flood_cut_roads", "exposure")
    }
    # the sites lend their footprints (a table without) and their location accuracy
    wanted |= {"clusters": None, "parks": None}
    return _checked_layers(layers, legends, wanted, checked)


def _hazard_of_scenario(
    layers: Mapping[str, gpd.GeoDataFrame], legend: Legend
) -> gpd.GeoDataFrame | None:
    """Return the hazard layer when it shows the exposure legend's scenario, else None."""
    hz = layers.get("hazard")
    wanted = legend.where.get("hazard")
    if hz is None or wanted is None or "hazard" not in hz.columns:
        return hz
    if (hz["hazard"] == wanted).any():
        return hz[hz["hazard"] == wanted]
    logger.warning(
        "The hazard layer shows %s, not the scenario of the exposure map (%s): not drawn under it.",
        sorted(map(str, pd.unique(hz["hazard"]))),
        wanted,
    )
    return None


def _cut_roads_of_scenario(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend]
) -> gpd.GeoDataFrame | None:
    """Return the flood-cut road segments closed by the shown scenario's flood (issue 13.5).

    A segment is drawn when the most frequent flood closing it (``closed_rp``) is at most as
    rare as the scenario of the exposure legend; all of them when the legend names none.
    """
    roads = layers.get("flood_cut_roads")
    if roads is None or "flood_cut_roads" not in legends:
        return None
    period = legends["exposure"].where.get("return_period")
    if period is not None and "closed_rp" in roads.columns:
        roads = roads[pd.to_numeric(roads["closed_rp"], errors="coerce") <= float(period)]
    return roads if len(roads) else None


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    legend = legends["exposure"]
    drawn = _base(layers, legends, _LINES)
    hazard = _hazard_of_scenario(layers, legend)
    if hazard is not None:
        drawn.append(_drawn("hazard", hazard, legends["hazard"], "area"))
    cut = _cut_roads_of_scenario(layers, legends)
    if cut is not None:
        drawn.append(_drawn("flood_cut_roads", cut, legends["flood_cut_roads"], "line"))
    expo = layers["exposure"]
    # One row per site: of the stated scenario, or the largest share when none is named.
    shown = _with_site_geometry(_worst_exposure(legend.rows(expo)), "exposure", layers)
    drawn.append(_drawn("exposure", shown, legend, "site", source=expo))
    credited = {d.name: [d.source] for d in drawn}
    if not isinstance(expo, gpd.GeoDataFrame):
        credited.update(_footprint_sources(layers, shown["site_id"]))
    note = legend.note[0 if lang == "vi" else 1] if legend.note else None
    return _compose(
        "title.exposure",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        notes={} if legend.where else {"exposure": "map.exposure_worst"},
        title_note=note,
    )


def plot_exposure(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the flood-exposure map of one stated scenario: its hazard zones and exposed shares.

    ``exposure`` holds one row per (site, hazard) as from
    :func:`ninhbinh_geo.exposure.raster_exposure`. The map shows the scenario
    ``legends["exposure"]`` names (:func:`ninhbinh_geo.styles.default_legends` picks the
    hazard layer's, else the 100-year flood), in the title and the legend: each site with its
    ``exposed_share`` of that scenario, over the hazard zones of that scenario (a hazard layer
    of another scenario is not drawn). A legend naming no scenario shows each site's largest
    share, and says so. Without a geometry of its own, the footprints are taken from
    ``clusters`` and ``parks`` by ``site_id``. The road segments whose closure cuts
    cluster–hub links (``flood_cut_roads``, with ``closed_rp``) are drawn when the scenario's
    flood closes them.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``exposure``; draws ``hazard`` when present.
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
        When ``exposure`` lacks ``site_id``/``exposed_share`` or has no footprints to draw.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A", "B"], "area_ha": [12.0, 40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21),
    ...                                box(106.0, 20.3, 106.01, 20.31)], crs=4326)
    >>> e = pd.DataFrame({"site_id": ["A", "A", "B"], "hazard": ["h10", "h100", "h10"],
    ...                   "exposed_share": [0.1, 0.6, 0.0], "accuracy": ["illustrative"] * 3})
    >>> layers = {"clusters": c, "exposure": e}
    >>> fig = plot_exposure(layers, default_legends(layers), lang="en")
    >>> any("ILLUSTRATIVE" in t.get_text() for t in fig.texts)
    True
    >>> fig.get_label()  # no return period in the table: the scenario is named by its label
    'Flood exposure of clusters – scenario h10'

    """
    _check_options(lang, paper)
    _require(layers, "exposure", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
