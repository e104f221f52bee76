"""One legend for every output: the web map, the static maps and the QGIS styles.

A :class:`Legend` says how one layer is coloured: by category (``categorized``), by classes of a
numeric column computed with :mod:`mapclassify` (``graduated``), or with one colour (``single``).
The output modules only read legends; they never choose colours or class breaks themselves, so
the web map, the PNG/PDF maps and the QML written into the GeoPackage always agree.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from ._errors import SchemaError
from .labels import label

__all__ = [
    "MAJOR_COLORS",
    "NODATA_COLOR",
    "RESULT_COLORS",
    "STATUS_COLORS",
    "Legend",
    "LegendClass",
    "categorized_legend",
    "default_legends",
    "graduated_legend",
    "single_legend",
]

NODATA_COLOR = "#bdbdbd"


@dataclass(frozen=True)
class LegendClass:
    """One entry of a legend.

    For a categorized legend ``value`` is the category; for a graduated one the class holds
    values ``lower < v <= upper`` (the first class also includes ``lower``).
    """

    color: str
    label_vi: str
    label_en: str
    value: object = None
    lower: float | None = None
    upper: float | None = None

    def text(self, lang: str = "vi") -> str:
        """Return the label in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.label_vi if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Legend:
    """How one layer is coloured, shared by every output.

    Attributes
    ----------
    layer : str
        Layer name, e.g. ``"clusters"``.
    column : str or None
        Column the colours depend on; ``None`` for a single-colour legend.
    kind : {"categorized", "graduated", "single"}
        Renderer type (the QGIS names are derived from it).
    classes : tuple of LegendClass
        The entries, in legend order.
    title_key : str
        Key in :mod:`ninhbinh_geo.labels` for the legend title.
    illustrative : bool
        Whether the layer is illustrative; outputs then add the illustrative mark.
    scheme : str or None
        The mapclassify scheme of a graduated legend.
    geometry : {"polygon", "line", "point"}
        Geometry type the legend is drawn for.
    """

    layer: str
    column: str | None
    kind: str
    classes: tuple[LegendClass, ...]
    title_key: str
    illustrative: bool = False
    scheme: str | None = None
    geometry: str = "polygon"
    nodata_color: str = NODATA_COLOR
    extra: dict = field(default_factory=dict)

    def title(self, lang: str = "vi") -> str:
        """Return the legend title in ``lang``, with the illustrative mark when it applies."""
        text = label(self.title_key, lang)
        if self.illustrative:
            text = f"{text} ({label('accuracy.illustrative', lang).upper()})"
        return text

    @property
    def breaks(self) -> list[float]:
        """Upper bounds of the classes of a graduated legend (empty otherwise)."""
        return [float(c.upper) for c in self.classes if c.upper is not None]

    def color_for(self, value: object) -> str:
        """Return the hex colour of one value (the no-data colour when it fits no class)."""
        if self.kind == "single":
            return self.classes[0].color
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.nodata_color
        if self.kind == "categorized":
            for c in self.classes:
                if c.value == value:
                    return c.color
            return self.nodata_color
        v = float(value)
        for i, c in enumerate(self.classes):
            low_ok = v >= c.lower if i == 0 else v > c.lower
            if low_ok and v <= c.upper:
                return c.color
        return self.nodata_color

    def colors(self, values: pd.Series) -> pd.Series:
        """Return the hex colour of every value of ``values`` (same index)."""
        return (
            values.map(self.color_for)
            if self.kind != "single"
            else pd.Series(self.classes[0].color, index=values.index)
        )


def single_legend(
    layer: str,
    color: str,
    *,
    title_key: str,
    geometry: str = "polygon",
    illustrative: bool = False,
) -> Legend:
    """Build a single-colour legend.

    Examples
    --------
    >>> single_legend("province", "#444444", title_key="layer.province").kind
    'single'
    """
    title_vi, title_en = label(title_key, "vi"), label(title_key, "en")
    return Legend(
        layer=layer,
        column=None,
        kind="single",
        classes=(LegendClass(to_hex(color), title_vi, title_en),),
        title_key=title_key,
        illustrative=illustrative,
        geometry=geometry,
    )


def categorized_legend(
    layer: str,
    column: str,
    categories: dict[object, tuple[str, str]],
    *,
    title_key: str,
    label_prefix: str | None = None,
    geometry: str = "polygon",
    illustrative: bool = False,
) -> Legend:
    """Build a legend with one colour per category.

    Parameters
    ----------
    layer, column : str
        Layer name and the column holding the categories.
    categories : dict
        ``{value: (hex colour, label key suffix)}`` in legend order. With ``label_prefix``
        the label is ``label(f"{label_prefix}.{suffix}")``, otherwise the suffix is a label key.
    title_key : str
        Label key of the legend title.
    label_prefix : str, optional
        Prefix of the label keys of the categories.
    geometry : {"polygon", "line", "point"}
        What the legend is drawn for.
    illustrative : bool
        Whether the layer is illustrative.

    Returns
    -------
    Legend

    Examples
    --------
    >>> lg = categorized_legend("findings", "result", {"pass": ("#1a9641", "pass")},
    ...                         title_key="col.result", label_prefix="result")
    >>> lg.color_for("pass"), lg.classes[0].label_en
    ('#1a9641', 'Pass')
    """
    classes = []
    for value, (color, suffix) in categories.items():
        key = f"{label_prefix}.{suffix}" if label_prefix else suffix
        classes.append(LegendClass(to_hex(color), label(key, "vi"), label(key, "en"), value=value))
    return Legend(
        layer=layer,
        column=column,
        kind="categorized",
        classes=tuple(classes),
        title_key=title_key,
        geometry=geometry,
        illustrative=illustrative,
    )


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 100 else f"{x:,.0f}"


def graduated_legend(
    values: pd.Series,
    *,
    layer: str,
    column: str,
    title_key: str,
    scheme: str = "FisherJenks",
    k: int = 5,
    cmap: str = "YlOrRd",
    geometry: str = "polygon",
    illustrative: bool = False,
) -> Legend:
    """Build a graduated legend from the values of a numeric column with mapclassify.

    Parameters
    ----------
    values : pandas.Series
        The numeric values to classify; NaN values are ignored (drawn in the no-data colour).
    layer, column : str
        Layer name and the column classified.
    title_key : str
        Label key of the legend title.
    scheme : str, default "FisherJenks"
        A :func:`mapclassify.classify` scheme, e.g. ``"Quantiles"``, ``"EqualInterval"``,
        ``"NaturalBreaks"``. The default is exact and deterministic (NaturalBreaks uses
        random k-means restarts, so two calls may give different breaks).
    k : int, default 5
        Number of classes; reduced to the number of distinct values when there are fewer.
    cmap : str, default "YlOrRd"
        Matplotlib colour map the class colours are sampled from.
    geometry : {"polygon", "line", "point"}
        What the legend is drawn for.
    illustrative : bool
        Whether the layer is illustrative.

    Returns
    -------
    Legend
        Classes with ``lower``/``upper`` bounds; with no valid value, one no-data class.

    Raises
    ------
    SchemaError
        When ``values`` is not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> lg = graduated_legend(pd.Series([1.0, 2.0, 3.0, 10.0]), layer="c", column="v",
    ...                       title_key="col.area_ha", scheme="EqualInterval", k=3)
    >>> lg.breaks
    [4.0, 7.0, 10.0]
    """
    if not pd.api.types.is_numeric_dtype(values) and not values.isna().all():
        raise SchemaError(
            f"Layer '{layer}': column '{column}' is not numeric (dtype {values.dtype}); a "
            f"graduated legend needs numbers. Convert it with pandas.to_numeric first."
        )
    valid = pd.to_numeric(values, errors="coerce").dropna().astype(float)
    if valid.empty:
        nd = LegendClass(NODATA_COLOR, label("nodata", "vi"), label("nodata", "en"))
        return Legend(
            layer=layer,
            column=column,
            kind="graduated",
            classes=(nd,),
            title_key=title_key,
            scheme=scheme,
            geometry=geometry,
            illustrative=illustrative,
        )
    k_eff = int(max(1, min(k, valid.nunique())))
    if k_eff == 1:
        bins = np.array([valid.max()])
    else:
        # Imported here: mapclassify pulls in scipy.stats and scikit-learn (~3 s), which only a
        # graduated legend needs.
        import mapclassify

        with warnings.catch_warnings():
            # mapclassify suggests numba for speed; irrelevant for a few hundred sites.
            warnings.filterwarnings("ignore", message=".*[Nn]umba.*")
            bins = np.asarray(mapclassify.classify(valid.to_numpy(), scheme=scheme, k=k_eff).bins)
    bins = np.unique(bins)
    cm = colormaps[cmap]
    n = len(bins)
    classes = []
    lower = float(valid.min())
    for i, upper in enumerate(bins):
        color = to_hex(cm(0.15 + 0.8 * (i / max(n - 1, 1))))
        # A class holding one value (e.g. the minimum is also the first break) reads "10",
        # not "10 – 10".
        text = (
            _fmt(float(upper)) if lower == float(upper) else f"{_fmt(lower)} – {_fmt(float(upper))}"
        )
        classes.append(LegendClass(color, text, text, lower=lower, upper=float(upper)))
        lower = float(upper)
    return Legend(
        layer=layer,
        column=column,
        kind="graduated",
        classes=tuple(classes),
        title_key=title_key,
        scheme=scheme,
        geometry=geometry,
        illustrative=illustrative,
    )


#: Colours of the categorical legends; every output takes them from here.
RESULT_COLORS = {
    "fail": "#d7191c",
    "needs_review": "#fdae61",
    "pass": "#1a9641",
    "not_applicable": "#969696",
}
STATUS_COLORS = {"operating": "#2b83ba", "established": "#abdda4", "planned": "#fdae61"}
MAJOR_COLORS = {True: "#7b3294", False: "#c2a5cf"}


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
        ``coastline``, ``roads``, ``parks``, ``clusters``, ``satellite_links``, ``hazard``,
        ``exposure``, ``zoning_findings``. Unknown names get no legend.
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
        ``occupancy_pct``, for the efficiency map) when the clusters have that column.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> c = gpd.GeoDataFrame({"area_ha": [10.0, 50.0, 75.0]},
    ...                      geometry=[Point(106, 20).buffer(0.01)] * 3, crs=4326)
    >>> sorted(default_legends({"clusters": c}, k=2)["clusters"].breaks)
    [10.0, 75.0]
    """

    def is_illustrative(name: str) -> bool:
        gdf = layers[name]
        cols = [c for c in ("accuracy", "footprint_accuracy") if c in gdf.columns]
        return any(bool((gdf[c] == "illustrative").any()) for c in cols)

    singles = {
        "province": ("#252525", "layer.province", "line"),
        "former_provinces": ("#636363", "layer.former_provinces", "line"),
        "districts": ("#bdbdbd", "layer.districts", "line"),
        "coastline": ("#3182bd", "layer.coastline", "line"),
        "roads": ("#8c6d31", "layer.roads", "line"),
    }
    out: dict[str, Legend] = {}
    for name, (color, key, geom) in singles.items():
        if name in layers:
            out[name] = single_legend(name, color, title_key=key, geometry=geom)
    if "parks" in layers:
        out["parks"] = categorized_legend(
            "parks",
            "major",
            {
                True: (MAJOR_COLORS[True], "layer.major_parks"),
                False: (MAJOR_COLORS[False], "layer.parks"),
            },
            title_key="layer.parks",
            illustrative=is_illustrative("parks"),
        )
    if "clusters" in layers:
        clusters = layers["clusters"]
        if cluster_column == "status":
            out["clusters"] = categorized_legend(
                "clusters",
                "status",
                {s: (c, s) for s, c in STATUS_COLORS.items()},
                title_key="col.status",
                label_prefix="status",
                illustrative=is_illustrative("clusters"),
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
                illustrative=is_illustrative("clusters"),
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
                illustrative=is_illustrative("clusters"),
            )
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
        hz = layers["hazard"]
        col = "depth_m" if "depth_m" in hz.columns else None
        if col:
            out["hazard"] = graduated_legend(
                hz[col],
                layer="hazard",
                column=col,
                title_key="layer.hazard",
                scheme="EqualInterval",
                k=min(k, 4),
                cmap="Blues",
                illustrative=is_illustrative("hazard"),
            )
        else:
            out["hazard"] = single_legend(
                "hazard",
                "#6baed6",
                title_key="layer.hazard",
                illustrative=is_illustrative("hazard"),
            )
    if "exposure" in layers:
        out["exposure"] = graduated_legend(
            layers["exposure"]["exposed_share"],
            layer="exposure",
            column="exposed_share",
            title_key="col.exposed_share",
            scheme=scheme,
            k=k,
            cmap="Blues",
            illustrative=is_illustrative("exposure"),
        )
    if "zoning_findings" in layers:
        out["zoning_findings"] = categorized_legend(
            "zoning_findings",
            "result",
            {r: (c, r) for r, c in RESULT_COLORS.items()},
            title_key="col.result",
            label_prefix="result",
        )
    return out
