"""Legends of numbers: classes with round bounds, or one class per value when there are few.

:func:`graduated_legend` classifies a numeric column with a scheme (:func:`.breaks.class_breaks`)
and prints the classes with round bounds (:func:`.breaks.nice_bounds`) in the reader's number
format (:func:`ninhbinh_geo.formatting.format_number`: "5–20" / "0,5–1"). A column with fewer
distinct values than classes gets one class per value instead (a unique-values legend), so no
class reads "53.58" and the next "53.58 – 100".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .._errors import SchemaError
from ..formatting import decimals_of, format_number
from ..labels import label
from .breaks import class_breaks, nice_bounds
from .legend import NODATA_COLOR, Legend, LegendClass, _to_hex

__all__ = ["bound_text", "graduated_legend"]

# Decimals of a one-value class label when the value has more (a computed occupancy).
_VALUE_DECIMALS = 2


def bound_text(value: float, lang: str, *, scale: float = 1.0, decimals: int | None = None) -> str:
    """Write one class bound as the reader of ``lang`` expects, with all its decimals.

    Parameters
    ----------
    value : float
        The bound, in the column's unit.
    lang : {"vi", "en"}
        Language.
    scale : float, default 1
        Factor applied first (100 writes a share as a percentage).
    decimals : int, optional
        Decimals written; by default all those of the (scaled) bound.

    Returns
    -------
    str

    Examples
    --------
    >>> bound_text(1035.0, "vi"), bound_text(0.25, "en", scale=100), bound_text(0.5, "vi")
    ('1.035', '25', '0,5')
    """
    shown = round(float(value) * scale, 10)
    return format_number(shown, lang, decimals=decimals_of(shown) if decimals is None else decimals)


def _sampled_colors(n: int, cmap: str) -> list[str]:
    from matplotlib import colormaps

    cm = colormaps[cmap]
    return [_to_hex(cm(0.15 + 0.8 * (i / max(n - 1, 1)))) for i in range(n)]


def _with_unit(text: str, unit: str | None) -> str:
    return f"{text} {unit}" if unit else text


def _range_classes(
    bounds: list[float], cmap: str, unit: str | None, scale: float
) -> tuple[LegendClass, ...]:
    colors = _sampled_colors(len(bounds) - 1, cmap)
    classes = []
    for color, lo, hi in zip(colors, bounds[:-1], bounds[1:], strict=True):
        vi, en = (
            _with_unit(f"{bound_text(lo, g, scale=scale)}–{bound_text(hi, g, scale=scale)}", unit)
            for g in ("vi", "en")
        )
        classes.append(LegendClass(color, vi, en, lower=float(lo), upper=float(hi)))
    return tuple(classes)


def _value_decimals(distinct: np.ndarray, scale: float) -> list[int]:
    """Decimals of each value's label: its own up to 2, more where two would print alike."""
    shown = [round(float(v) * scale, 10) for v in distinct]
    decimals = [min(decimals_of(v), _VALUE_DECIMALS) for v in shown]
    for d in range(7):
        if len({round(v, max(d, own)) for v, own in zip(shown, decimals, strict=True)}) == len(
            shown
        ):
            return [max(d, own) for own in decimals]
    return [decimals_of(v) for v in shown]


def _value_classes(
    distinct: np.ndarray, cmap: str, unit: str | None, scale: float
) -> tuple[LegendClass, ...]:
    colors = _sampled_colors(len(distinct), cmap)
    decimals = _value_decimals(distinct, scale)
    return tuple(
        LegendClass(
            color,
            _with_unit(bound_text(v, "vi", scale=scale, decimals=d), unit),
            _with_unit(bound_text(v, "en", scale=scale, decimals=d), unit),
            value=float(v),
        )
        for color, v, d in zip(colors, distinct, decimals, strict=True)
    )


def _classes(
    valid: np.ndarray, scheme: str, k: int, cmap: str, unit: str | None, scale: float
) -> tuple[str, tuple[LegendClass, ...]]:
    """Return the kind and classes of a legend of ``valid`` (finite) numbers."""
    if valid.size == 0:
        return "graduated", (
            LegendClass(NODATA_COLOR, label("nodata", "vi"), label("nodata", "en")),
        )
    distinct = np.unique(valid)
    if len(distinct) < k:
        return "categorized", _value_classes(distinct, cmap, unit, scale)
    bounds = nice_bounds(valid, class_breaks(valid, scheme, k))
    return "graduated", _range_classes(bounds, cmap, unit, scale)


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
    unit: str | None = None,
    label_scale: float = 1.0,
    note: tuple[str, str] | None = None,
    where: Mapping[str, object] | None = None,
) -> Legend:
    """Build the legend of a numeric column: classes with round bounds, or one per value.

    The values are classified with ``scheme``; each break is then moved to the roundest
    number that classifies every value the same way (:func:`~ninhbinh_geo.styles.nice_bounds`),
    so the legend prints "5–20, 20–50" rather than "6.67–17.3, 17.3–45.35". When the column has
    fewer distinct values than ``k``, the legend has one class per value instead (kind
    ``"categorized"``), so no class holds a single value between two bounds that print alike.
    Bounds are written with :func:`ninhbinh_geo.formatting.format_number` in each language.

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
        Number of classes.
    cmap : str, default "YlOrRd"
        Matplotlib colour map the class colours are sampled from.
    geometry : {"polygon", "line", "point"}
        What the legend is drawn for.
    illustrative : bool
        Whether the layer is illustrative.
    unit : str, optional
        Written after every class label ("m", "%").
    label_scale : float, default 1
        Factor of the printed bounds (100 prints a share as a percentage); the bounds
        themselves stay in the column's unit.
    note : tuple of (str, str), optional
        Vietnamese and English text added to the title (a return period).
    where : mapping, optional
        The rows of a per-site table the legend draws (see :meth:`Legend.rows`).

    Returns
    -------
    Legend
        Classes with ``lower``/``upper`` bounds, or with one ``value`` each; with no valid
        value, one no-data class.

    Raises
    ------
    SchemaError
        When ``values`` is not numeric.

    Examples
    --------
    >>> import pandas as pd
    >>> lg = graduated_legend(pd.Series([1.0, 2.0, 3.0, 6.0, 10.0]), layer="c", column="v",
    ...                       title_key="col.area_ha", scheme="EqualInterval", k=3)
    >>> lg.breaks, [c.label_vi for c in lg.classes]
    ([4.0, 8.0, 10.0], ['1–4', '4–8', '8–10'])
    >>> few = graduated_legend(pd.Series([53.584627, 100.0, 100.0]), layer="c", column="v",
    ...                        title_key="col.occupancy_pct")
    >>> few.kind, [c.label_vi for c in few.classes]
    ('categorized', ['53,58', '100'])
    """
    if not pd.api.types.is_numeric_dtype(values) and not values.isna().all():
        raise SchemaError(
            f"Layer '{layer}': column '{column}' is not numeric (dtype {values.dtype}); a "
            f"graduated legend needs numbers. Convert it with pandas.to_numeric first."
        )
    valid = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    kind, classes = _classes(valid[np.isfinite(valid)], scheme, k, cmap, unit, label_scale)
    return Legend(
        layer=layer,
        column=column,
        kind=kind,
        classes=classes,
        title_key=title_key,
        scheme=scheme,
        geometry=geometry,
        illustrative=illustrative,
        note=note,
        where=dict(where or {}),
    )
