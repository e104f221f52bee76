"""Named styles per layer: the default style and its alternates, as QML and SLD.

A planner switches a layer between views of the same data: the clusters by area (the
default), by occupancy, by status or by zoning outcome; the flood exposure by the share of the
footprint flooded (the default) or by its depth class. :func:`named_styles` lists, for every
styled layer, its default style and the alternates its columns allow; each is built with the
public legend builders of :mod:`ninhbinh_geo.styles` and its colour constants, with the same
scheme as the default legends, so an alternate looks like the other outputs. Each named style
becomes one row of the ``layer_styles`` table (GeoPackage and PostGIS; ``useAsDefault`` only on
the default) and one entry of the layer's style manager in the QGIS project.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .. import styles as _styles
from ..labels import label
from ..styles import Legend

#: ``styleName`` of the default styles (the QGIS column is 30 characters wide).
STYLE_NAME = "ninhbinh_geo"
#: Longest style name QGIS's ``layer_styles.styleName`` column takes.
STYLE_NAME_MAX = 30


@dataclass(frozen=True)
class NamedStyle:
    """One style of a layer: its name, its legend and whether QGIS applies it by default."""

    layer: str
    name: str
    legend: Legend
    default: bool
    description: str


def _is_illustrative(df: pd.DataFrame) -> bool:
    cols = [c for c in ("accuracy", "footprint_accuracy") if c in df.columns]
    return any(bool((df[c] == "illustrative").any()) for c in cols)


def _has_values(df: pd.DataFrame, column: str) -> bool:
    return column in df.columns and bool(df[column].notna().any())


def _cluster_alternates(clusters: pd.DataFrame, legends: Mapping[str, Legend]) -> list[Legend]:
    """Occupancy, status and zoning outcome (the ones the default does not already show)."""
    illustrative = _is_illustrative(clusters)
    default_column = legends["clusters"].column
    out = []
    if "efficiency" in legends and default_column != "occupancy_pct":
        out.append(legends["efficiency"])
    if "status" in clusters.columns and default_column != "status":
        out.append(
            _styles.categorized_legend(
                "clusters",
                "status",
                {s: (c, s) for s, c in _styles.STATUS_COLORS.items()},
                title_key="col.status",
                label_prefix="status",
                illustrative=illustrative,
            )
        )
    if _has_values(clusters, "worst_result"):
        out.append(
            _styles.categorized_legend(
                "clusters",
                "worst_result",
                {r: (c, r) for r, c in _styles.RESULT_COLORS.items()},
                title_key="col.worst_result",
                label_prefix="result",
                illustrative=illustrative,
            )
        )
    return out


def _exposure_alternates(exposure: pd.DataFrame, legends: Mapping[str, Legend]) -> list[Legend]:
    """Depth: the deepest water on the footprint, in classes like the hazard zones."""
    if not _has_values(exposure, "max_depth_m") or legends["exposure"].column == "max_depth_m":
        return []
    hazard = legends.get("hazard")
    return [
        _styles.graduated_legend(
            exposure["max_depth_m"],
            layer="exposure",
            column="max_depth_m",
            title_key="col.max_depth_m",
            # the same scheme and colour ramp as the hazard zones' depth legend
            scheme=(hazard.scheme if hazard is not None and hazard.scheme else "EqualInterval"),
            k=4,
            cmap="Blues",
            illustrative=_is_illustrative(exposure),
        )
    ]


def _link_alternates(links: pd.DataFrame, legends: Mapping[str, Legend]) -> list[Legend]:
    """Add the straight-line distance beside the road distance."""
    if legends["satellite_links"].column != "road_km" or not _has_values(links, "straight_km"):
        return []
    return [
        _styles.graduated_legend(
            links["straight_km"],
            layer="satellite_links",
            column="straight_km",
            title_key="col.straight_km",
            k=4,
            cmap="PuRd",
            geometry="line",
        )
    ]


_ALTERNATES = {
    "clusters": _cluster_alternates,
    "exposure": _exposure_alternates,
    "satellite_links": _link_alternates,
}


def _style_name(legend: Legend, lang: str, taken: set[str]) -> str:
    """Return a short, unique name: the legend title in ``lang`` (cut to the column's width)."""
    base = label(legend.title_key, lang)[:STYLE_NAME_MAX].strip()
    name, n = base, 2
    while name in taken or name == STYLE_NAME:
        suffix = f" {n}"
        name = base[: STYLE_NAME_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def named_styles(
    layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend], *, lang: str = "vi"
) -> dict[str, list[NamedStyle]]:
    """Return the named styles of every layer that has a legend: the default, then alternates.

    Parameters
    ----------
    layers : dict of str to DataFrame
        The layers by name (as :func:`export_geopackage` takes them).
    legends : dict of str to Legend
        Their default legends (:func:`ninhbinh_geo.styles.default_legends`).
    lang : {"vi", "en"}, default "vi"
        Language of the style names and descriptions.

    Returns
    -------
    dict of str to list of NamedStyle
        By layer name: first the default style (``name`` :data:`STYLE_NAME`,
        ``default=True``), then the alternates the layer's columns allow: clusters by
        occupancy (``occupancy_pct``), status and zoning outcome (``worst_result``); exposure
        by depth (``max_depth_m``); satellite links by straight-line distance when the
        default shows the road distance. Alternates are named by their legend title.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> c = gpd.GeoDataFrame({"area_ha": [10.0, 50.0], "status": ["planned", "operating"],
    ...                       "worst_result": ["pass", "fail"]},
    ...                      geometry=[Point(106, 20).buffer(0.01)] * 2, crs=4326)
    >>> found = named_styles({"clusters": c}, styles.default_legends({"clusters": c}), lang="en")
    >>> [(s.name, s.legend.column) for s in found["clusters"]]
    [('ninhbinh_geo', 'area_ha'), ('Status', 'status'), ('Worst result', 'worst_result')]
    """
    out: dict[str, list[NamedStyle]] = {}
    for name, df in layers.items():
        legend = legends.get(name)
        if legend is None:
            continue
        found = [NamedStyle(name, STYLE_NAME, legend, True, legend.title(lang))]
        taken: set[str] = set()
        for alt in _ALTERNATES.get(name, lambda *_: [])(df, legends):
            found.append(
                NamedStyle(name, _style_name(alt, lang, taken), alt, False, alt.title(lang))
            )
        out[name] = found
    return out
