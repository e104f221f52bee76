"""The legends of a review's layers (:func:`default_legends`), shared by every output."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._errors import SchemaError
from ..labels import label
from .access import _access_legends
from .graduated import _sampled_colors, bound_text, graduated_legend
from .legend import (
    Legend,
    LegendClass,
    _is_illustrative,
    _to_hex,
    categorized_legend,
    single_legend,
)
from .outcomes import (
    OUTCOME_COLORS,
    RESULT_COLORS,
    exposure_scenario,
    scenario_note,
    scenario_rows,
    zoning_outcomes,
)
from .risk import _risk_legends

__all__ = [
    "MAJOR_COLORS",
    "PROTECTED_COLORS",
    "STATUS_COLORS",
    "default_legends",
    "hazard_legend",
    "outcome_legend",
]

#: Colours of the categorical legends; every output takes them from here.
STATUS_COLORS = {
    "operating": "#2b83ba",
    "established": "#abdda4",
    "planned": "#fdae61",
    # sites that stopped, for a time or for good (io.STATUS_PHRASES)
    "suspended": "#bababa",
    "ceased": "#636363",
}
MAJOR_COLORS = {True: "#7b3294", False: "#c2a5cf"}
#: Protected and heritage areas by designation (colour, label key suffix), in legend order.
PROTECTED_COLORS = {
    "world_heritage": "#8c510a",
    "ramsar": "#35978f",
    "biosphere_reserve": "#a6dba0",
}

#: Background line layers: one colour each (colour, label key).
_LINE_LAYERS = {
    "province": ("#252525", "layer.province"),
    "former_provinces": ("#636363", "layer.former_provinces"),
    "districts": ("#bdbdbd", "layer.districts"),
    "coastline": ("#3182bd", "layer.coastline"),
    "roads": ("#8c6d31", "layer.roads"),
}
# Binding rules named per outcome class of the zoning legend; more are counted, not named.
_RULES_NAMED = 3


def default_legends(
    layers: dict[str, pd.DataFrame],
    *,
    cluster_column: str = "area_ha",
    scheme: str = "FisherJenks",
    k: int = 5,
) -> dict[str, Legend]:
    """Build the legends of every layer of a review, shared by all outputs.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        Layers by name. Known names: ``province``, ``former_provinces``, ``districts``,
        ``coastline``, ``roads``, ``protected_areas``, ``parks``, ``clusters``,
        ``satellite_links``, ``hazard``, ``exposure``, ``zoning_findings``, ``flood_cut_roads``,
        ``sea_level_zones``, ``service_areas``, ``candidate_sites``. Unknown names get
        no legend.
    cluster_column : str, default "area_ha"
        Column the clusters are coloured by: ``status`` gives a categorized legend, a numeric
        column a graduated one with ``scheme`` and ``k``.
    scheme : str, default "FisherJenks"
        mapclassify scheme of the graduated legends.
    k : int, default 5
        Number of classes of the graduated legends.

    Returns
    -------
    dict of str to Legend
        One legend per known layer present in ``layers``, plus ``"efficiency"`` (clusters by
        ``occupancy_pct``, for the efficiency map) when the clusters have that column, and
        ``"zoning_outcome"`` (one outcome per site, :func:`zoning_outcomes`) with the zoning
        findings. The hazard legend has the layer's depth classes and return period; the
        exposure legend draws the rows of one scenario (:func:`exposure_scenario`), named in
        its title.

    Raises
    ------
    SchemaError
        When ``cluster_column`` is not a column of the clusters, or a classified column is
        not numeric.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> c = gpd.GeoDataFrame({"area_ha": [10.0, 50.0, 75.0]},
    ...                      geometry=[Point(106, 20).buffer(0.01)] * 3, crs=4326)
    >>> lg = default_legends({"clusters": c}, k=2)["clusters"]
    >>> lg.breaks, [c.label_en for c in lg.classes]
    ([20.0, 75.0], ['10–20', '20–75'])
    """
    out: dict[str, Legend] = {}
    builders = (
        _line_legends,
        _protected_legends,
        _site_legends,
        _derived_legends,
        _risk_legends,
        _access_legends,
    )
    for builder in builders:
        out.update(builder(layers, cluster_column=cluster_column, scheme=scheme, k=k))
    return out


def _line_legends(layers: Mapping[str, pd.DataFrame], **_: object) -> dict[str, Legend]:
    return {
        name: single_legend(name, color, title_key=key, geometry="line")
        for name, (color, key) in _LINE_LAYERS.items()
        if name in layers
    }


def _protected_legends(layers: Mapping[str, pd.DataFrame], **_: object) -> dict[str, Legend]:
    """Colour the heritage and protected areas by designation."""
    if "protected_areas" not in layers:
        return {}
    return {
        "protected_areas": categorized_legend(
            "protected_areas",
            "designation",
            {d: (c, d) for d, c in PROTECTED_COLORS.items()},
            title_key="layer.protected_areas",
            label_prefix="designation",
            illustrative=_is_illustrative(layers["protected_areas"]),
        )
    }


def _site_legends(
    layers: Mapping[str, pd.DataFrame], *, cluster_column: str, scheme: str, k: int
) -> dict[str, Legend]:
    """Parks by hub, clusters by ``cluster_column``, and clusters by occupancy (efficiency)."""
    out: dict[str, Legend] = {}
    if "parks" in layers:
        out["parks"] = categorized_legend(
            "parks",
            "major",
            {
                True: (MAJOR_COLORS[True], "layer.major_parks"),
                False: (MAJOR_COLORS[False], "layer.parks"),
            },
            title_key="layer.parks",
            illustrative=_is_illustrative(layers["parks"]),
        )
    if "clusters" not in layers:
        return out
    clusters = layers["clusters"]
    illustrative = _is_illustrative(clusters)
    if cluster_column == "status":
        out["clusters"] = categorized_legend(
            "clusters",
            "status",
            {s: (c, s) for s, c in STATUS_COLORS.items()},
            title_key="col.status",
            label_prefix="status",
            illustrative=illustrative,
        )
    else:
        if cluster_column not in clusters.columns:
            raise SchemaError(
                f"Layer 'clusters' has no column '{cluster_column}' to colour by; choose one "
                f"of {sorted(c for c in clusters.columns if c != 'geometry')}."
            )
        out["clusters"] = graduated_legend(
            clusters[cluster_column],
            layer="clusters",
            column=cluster_column,
            title_key=f"col.{cluster_column}",
            scheme=scheme,
            k=k,
            cmap="YlOrRd",
            illustrative=illustrative,
        )
    if "occupancy_pct" in clusters.columns:
        # The efficiency map colours the clusters by occupancy whatever the overview uses.
        out["efficiency"] = graduated_legend(
            clusters["occupancy_pct"],
            layer="clusters",
            column="occupancy_pct",
            title_key="col.occupancy_pct",
            scheme=scheme,
            k=k,
            cmap="RdYlGn",
            illustrative=illustrative,
        )
    return out


def _derived_legends(
    layers: Mapping[str, pd.DataFrame], *, scheme: str, k: int, **_: object
) -> dict[str, Legend]:
    """Satellite links, hazard zones, exposure and zoning findings."""
    out: dict[str, Legend] = {}
    if "satellite_links" in layers:
        links = layers["satellite_links"]
        col = "road_km" if "road_km" in links and links["road_km"].notna().any() else "straight_km"
        out["satellite_links"] = graduated_legend(
            links[col],
            layer="satellite_links",
            column=col,
            title_key=f"col.{col}",
            scheme=scheme,
            k=min(k, 4),
            cmap="PuRd",
            geometry="line",
        )
    if "hazard" in layers:
        out["hazard"] = hazard_legend(layers["hazard"], k=k)
    if "exposure" in layers:
        out["exposure"] = _exposure_legend(layers["exposure"], layers.get("hazard"), scheme, k)
    if "zoning_findings" in layers:
        findings = layers["zoning_findings"]
        out["zoning_findings"] = categorized_legend(
            "zoning_findings",
            "result",
            {r: (c, r) for r, c in RESULT_COLORS.items()},
            title_key="col.result",
            label_prefix="result",
        )
        if {"site_id", "result"} <= set(findings.columns):
            out["zoning_outcome"] = outcome_legend(zoning_outcomes(findings))
    return out


def _exposure_legend(
    expo: pd.DataFrame, hazard: pd.DataFrame | None, scheme: str, k: int
) -> Legend:
    """Exposed share (in %) of the one scenario every map shows, named in the title.

    The classes are those of every scenario's rows, so that a scenario switched to (the web
    map's switcher, a QGIS map theme) is drawn with the same classes and no row falls outside.
    """
    scenario = exposure_scenario(expo, hazard)
    where = scenario_rows(scenario)
    return graduated_legend(
        expo["exposed_share"],
        layer="exposure",
        column="exposed_share",
        title_key="col.exposed_share",
        scheme=scheme,
        k=k,
        cmap="Blues",
        geometry="point",
        illustrative=_is_illustrative(expo),
        unit="%",
        label_scale=100.0,
        note=None if scenario is None else scenario_note(*scenario),
        where=where,
    )


def _depth_text(lo: float, hi: float, lang: str) -> str:
    if math.isinf(hi):
        return f"≥ {bound_text(lo, lang)} m"
    return f"{bound_text(lo, lang)}–{bound_text(hi, lang)} m"


def _hazard_note(hz: pd.DataFrame) -> tuple[str, str] | None:
    if "return_period" in hz.columns:
        periods = pd.to_numeric(hz["return_period"], errors="coerce").dropna().unique()
        if len(periods) == 1:
            name = str(hz["hazard"].iloc[0]) if "hazard" in hz.columns else ""
            return scenario_note(name, float(periods[0]))
    if "hazard" in hz.columns and hz["hazard"].nunique() == 1:
        return scenario_note(str(hz["hazard"].iloc[0]), None)
    return None


def hazard_legend(hz: pd.DataFrame, *, k: int = 4) -> Legend:
    """Build the legend of a hazard layer: its own depth classes, unit and return period.

    A layer of depth classes (``depth_m`` lower bound and ``depth_max_m`` upper bound per row,
    as from :func:`ninhbinh_geo.exposure.depth_zones`) gets one class per depth class, keyed by
    ``depth_m`` ("0,1–0,5 m", …, "≥ 2 m"); a layer of plain depths a graduated legend of
    ``depth_m`` in m; a layer without depths one colour. The title names the return period.

    Parameters
    ----------
    hz : pandas.DataFrame
        The hazard layer.
    k : int, default 4
        Number of classes of a graduated legend of plain depths.

    Returns
    -------
    Legend

    Examples
    --------
    >>> import pandas as pd
    >>> hz = pd.DataFrame({"hazard": ["h100"] * 2, "return_period": [100.0] * 2,
    ...                    "depth_m": [0.5, 2.0], "depth_max_m": [1.0, float("inf")]})
    >>> lg = hazard_legend(hz)
    >>> [c.label_vi for c in lg.classes], lg.title("en")
    (['0,5–1 m', '≥ 2 m'], 'Flood hazard zones – 100-year return period')
    """
    illustrative = _is_illustrative(hz)
    note = _hazard_note(hz)
    if "depth_m" not in hz.columns:
        lg = single_legend("hazard", "#6baed6", title_key="layer.hazard", illustrative=illustrative)
        return Legend(**{**lg.__dict__, "note": note})
    if "depth_max_m" not in hz.columns:
        return graduated_legend(
            hz["depth_m"],
            layer="hazard",
            column="depth_m",
            title_key="layer.hazard",
            scheme="EqualInterval",
            k=min(k, 4),
            cmap="Blues",
            illustrative=illustrative,
            unit="m",
            note=note,
        )
    pairs = (
        pd.DataFrame({"lo": hz["depth_m"], "hi": hz["depth_max_m"]}, dtype=float)
        .dropna(subset=["lo"])
        .drop_duplicates("lo")
        .sort_values("lo")
    )
    colors = _sampled_colors(len(pairs), "Blues")
    classes = tuple(
        LegendClass(
            _to_hex(color),
            _depth_text(lo, hi, "vi"),
            _depth_text(lo, hi, "en"),
            value=float(lo),
            lower=float(lo),
            upper=float(hi),
        )
        for color, lo, hi in zip(colors, pairs["lo"], pairs["hi"].fillna(np.inf), strict=True)
    )
    return Legend(
        layer="hazard",
        column="depth_m",
        kind="categorized",
        classes=classes,
        title_key="layer.hazard",
        illustrative=illustrative,
        note=note,
    )


def _rules_text(rules: pd.Series) -> str:
    named = sorted(r for r in pd.unique(rules) if r)
    text = ", ".join(named[:_RULES_NAMED])
    return f"{text}, …" if len(named) > _RULES_NAMED else text


def outcome_legend(outcomes: pd.DataFrame) -> Legend:
    """Build the legend of the zoning outcome per site (:func:`zoning_outcomes`).

    One class per outcome present, always with "fail" and "pass" (a count of 0 says so), in
    the order of :data:`OUTCOME_COLORS`; each label names the binding rules and counts the
    sites ("Needs review – map layer missing: DYK-01 (13)").

    Examples
    --------
    >>> import pandas as pd
    >>> o = pd.DataFrame({"site_id": ["A", "B"], "binding_rule": ["DYK-01", "CCN-01"],
    ...                   "outcome": ["needs_review.layer", "fail"]})
    >>> [c.label_en for c in outcome_legend(o).classes]
    ['Fail: CCN-01 (1)', 'Needs review – a map layer is missing: DYK-01 (1)', 'Pass (0)']
    """
    classes = []
    for value, color in OUTCOME_COLORS.items():
        sites = outcomes[outcomes["outcome"] == value]
        if sites.empty and value not in ("fail", "pass"):
            continue
        rules = _rules_text(sites["binding_rule"]) if "binding_rule" in sites else ""
        texts = []
        for lang in ("vi", "en"):
            text = label(f"outcome.{value}", lang)
            text = f"{text}: {rules}" if rules else text
            texts.append(f"{text} ({len(sites)})")
        classes.append(LegendClass(_to_hex(color), *texts, value=value))
    return Legend(
        layer="zoning_findings",
        column="outcome",
        kind="categorized",
        classes=tuple(classes),
        title_key="legend.zoning_outcome",
        geometry="point",
    )
