"""One legend for every output: the web map, the static maps and the QGIS styles.

A :class:`Legend` says how one layer is coloured: by category (``categorized``), by classes of a
numeric column computed with :mod:`mapclassify` (``graduated``), or with one colour (``single``).
The output modules only read legends; they never choose colours or class breaks themselves, so
the web map, the PNG/PDF maps and the QML written into the GeoPackage always agree.

Class breaks of the two schemes the review uses, ``FisherJenks`` and ``EqualInterval``, are
computed here with the same arithmetic as mapclassify (the same breaks, tested against it);
other schemes go to mapclassify. Importing mapclassify pulls in scipy.stats and scikit-learn
(about 2.5 s), which a review then does without. Matplotlib (colour maps) is imported where a
colour is made.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import SchemaError
from .labels import label


def _to_hex(color: object) -> str:
    from matplotlib.colors import to_hex

    return to_hex(color)


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
        classes=(LegendClass(_to_hex(color), title_vi, title_en),),
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
        classes.append(LegendClass(_to_hex(color), label(key, "vi"), label(key, "en"), value=value))
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
        classes: tuple[LegendClass, ...] = (
            LegendClass(NODATA_COLOR, label("nodata", "vi"), label("nodata", "en")),
        )
    else:
        classes = _graduated_classes(valid, class_breaks(valid.to_numpy(), scheme, k), cmap)
    return Legend(
        layer=layer,
        column=column,
        kind="graduated",
        classes=classes,
        title_key=title_key,
        scheme=scheme,
        geometry=geometry,
        illustrative=illustrative,
    )


def _graduated_classes(valid: pd.Series, bins: np.ndarray, cmap: str) -> tuple[LegendClass, ...]:
    """One class per break, coloured along ``cmap``; the first class starts at the minimum."""
    from matplotlib import colormaps

    cm = colormaps[cmap]
    n = len(bins)
    classes = []
    lower = float(valid.min())
    for i, upper in enumerate(bins):
        color = _to_hex(cm(0.15 + 0.8 * (i / max(n - 1, 1))))
        # A class holding one value (e.g. the minimum is also the first break) reads "10",
        # not "10 – 10".
        text = (
            _fmt(float(upper)) if lower == float(upper) else f"{_fmt(lower)} – {_fmt(float(upper))}"
        )
        classes.append(LegendClass(color, text, text, lower=lower, upper=float(upper)))
        lower = float(upper)
    return tuple(classes)


def class_breaks(values: np.ndarray, scheme: str = "FisherJenks", k: int = 5) -> np.ndarray:
    """Upper bounds of the classes of ``values`` (sorted, unique), as mapclassify gives them.

    Parameters
    ----------
    values : numpy.ndarray
        Finite numbers (at least one).
    scheme : str, default "FisherJenks"
        A :func:`mapclassify.classify` scheme. ``FisherJenks`` and ``EqualInterval`` are
        computed here, the others by mapclassify.
    k : int, default 5
        Number of classes; reduced to the number of distinct values when there are fewer.

    Returns
    -------
    numpy.ndarray
        The breaks, float64, ascending; the last is the maximum.

    Examples
    --------
    >>> import numpy as np
    >>> class_breaks(np.array([1.0, 2.0, 3.0, 10.0, 11.0, 30.0]), "FisherJenks", 3).tolist()
    [3.0, 11.0, 30.0]
    """
    values = np.asarray(values, dtype=float)
    k_eff = int(max(1, min(k, len(np.unique(values)))))
    if k_eff == 1:
        return np.array([values.max()])
    own = _OWN_SCHEMES.get(scheme.lower().replace("_", ""))
    if own is not None:
        return np.unique(own(values, k_eff))
    # Imported here: mapclassify pulls in scipy.stats and scikit-learn (~2.5 s).
    import mapclassify

    with warnings.catch_warnings():
        # mapclassify suggests numba for speed; irrelevant for a few hundred sites.
        warnings.filterwarnings("ignore", message=".*[Nn]umba.*")
        bins = mapclassify.classify(values, scheme=scheme, k=k_eff).bins
    return np.unique(np.asarray(bins))


def _fisher_jenks_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Fisher-Jenks optimal breaks, bit for bit those of ``mapclassify.FisherJenks``.

    The dynamic programme of mapclassify's ``_fisher_jenks_means`` (BSD-3-Clause, after
    D. J. Lewis's Python port of Jenks's code), with its inner loops as numpy operations on
    the same float32 sums. Among equal variances the last candidate wins, as in its loop.
    """
    x = np.sort(values).astype("f8")
    x32 = x.astype(np.float32)
    n = len(x)
    mat1 = np.zeros((n + 1, k + 1), dtype=np.int32)
    mat2 = np.zeros((n + 1, k + 1), dtype=np.float32)
    mat1[1, 1:] = 1
    mat2[2:, 1:] = np.inf
    columns = np.arange(k - 1)
    for end in range(2, n + 1):
        tail = x32[end - 1 :: -1]  # the values of the last class, growing leftwards
        s1 = np.cumsum(tail, dtype=np.float32)
        s2 = np.cumsum(tail * tail, dtype=np.float32)
        variance = s2 - (s1 * s1) / np.arange(1, end + 1, dtype=np.float32)
        # candidate m (1-based) closes the classes before it at row end - m
        cand = variance[: end - 1, None] + mat2[end - 1 : 0 : -1, 1:k]
        last = (end - 2) - np.argmin(cand[::-1], axis=0)
        mat1[end, 2:] = end - last
        mat2[end, 2:] = cand[last, columns]
        mat1[end, 1] = 1
        mat2[end, 1] = variance[-1]
    kclass = np.zeros(k + 1, dtype=x.dtype)
    kclass[k] = x[n - 1]
    kclass[0] = x[0]
    row = n
    for count in range(k, 1, -1):
        pivot = int(mat1[row, count])
        kclass[count - 1] = x[pivot - 2]
        row = pivot - 1
    return np.delete(kclass, 0)


def _equal_interval_bins(values: np.ndarray, k: int) -> np.ndarray:
    """Equal-interval breaks, as ``mapclassify.EqualInterval`` computes them."""
    max_y, min_y = values.max(), values.min()
    width = (max_y - min_y) * 1.0 / k
    cuts = np.arange(min_y + width, max_y + width, width)
    if len(cuts) > k:  # np.arange can overshoot by one step
        cuts = cuts[0:k]
    cuts[-1] = max_y
    return cuts.copy()


#: Schemes computed here, by mapclassify's normalised name.
_OWN_SCHEMES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "fisherjenks": _fisher_jenks_bins,
    "equalinterval": _equal_interval_bins,
}


#: Colours of the categorical legends; every output takes them from here.
RESULT_COLORS = {
    "fail": "#d7191c",
    "needs_review": "#fdae61",
    "pass": "#1a9641",
    "not_applicable": "#969696",
}
STATUS_COLORS = {
    "operating": "#2b83ba",
    "established": "#abdda4",
    "planned": "#fdae61",
    # sites that stopped, for a time or for good (io.STATUS_PHRASES)
    "suspended": "#bababa",
    "ceased": "#636363",
}
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
        ``coastline``, ``roads``, ``protected_areas``, ``parks``, ``clusters``,
        ``satellite_links``, ``hazard``, ``exposure``, ``zoning_findings``. Unknown names get
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
    out: dict[str, Legend] = {}
    for builder in (_line_legends, _protected_legends, _site_legends, _derived_legends):
        out.update(builder(layers, cluster_column=cluster_column, scheme=scheme, k=k))
    return out


#: Protected and heritage areas by designation (colour, label key suffix), in legend order.
PROTECTED_COLORS = {
    "world_heritage": "#8c510a",
    "ramsar": "#35978f",
    "biosphere_reserve": "#a6dba0",
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


#: Background line layers: one colour each (colour, label key).
_LINE_LAYERS = {
    "province": ("#252525", "layer.province"),
    "former_provinces": ("#636363", "layer.former_provinces"),
    "districts": ("#bdbdbd", "layer.districts"),
    "coastline": ("#3182bd", "layer.coastline"),
    "roads": ("#8c6d31", "layer.roads"),
}


def _is_illustrative(gdf: pd.DataFrame) -> bool:
    cols = [c for c in ("accuracy", "footprint_accuracy") if c in gdf.columns]
    return any(bool((gdf[c] == "illustrative").any()) for c in cols)


def _line_legends(layers: Mapping[str, pd.DataFrame], **_: object) -> dict[str, Legend]:
    return {
        name: single_legend(name, color, title_key=key, geometry="line")
        for name, (color, key) in _LINE_LAYERS.items()
        if name in layers
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
        out["hazard"] = _hazard_legend(layers["hazard"], k=k)
    if "exposure" in layers:
        out["exposure"] = graduated_legend(
            layers["exposure"]["exposed_share"],
            layer="exposure",
            column="exposed_share",
            title_key="col.exposed_share",
            scheme=scheme,
            k=k,
            cmap="Blues",
            illustrative=_is_illustrative(layers["exposure"]),
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


def _hazard_legend(hz: pd.DataFrame, *, k: int) -> Legend:
    if "depth_m" not in hz.columns:
        return single_legend(
            "hazard", "#6baed6", title_key="layer.hazard", illustrative=_is_illustrative(hz)
        )
    return graduated_legend(
        hz["depth_m"],
        layer="hazard",
        column="depth_m",
        title_key="layer.hazard",
        scheme="EqualInterval",
        k=min(k, 4),
        cmap="Blues",
        illustrative=_is_illustrative(hz),
    )
