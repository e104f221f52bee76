"""The legend object every output reads, and the single-colour and categorized builders.

A :class:`Legend` says how one layer is coloured: by category (``categorized``), by classes of a
numeric column (``graduated``), or with one colour (``single``). Its classes carry their colour,
their label in Vietnamese and English and, for classes of numbers, their bounds; the title may
carry a note (the return period of a hazard) and the legend may draw only some rows of a table
(``where``: the exposure of one scenario).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from ..labels import label

__all__ = [
    "NODATA_COLOR",
    "Legend",
    "LegendClass",
    "categorized_legend",
    "single_legend",
]

NODATA_COLOR = "#bdbdbd"


def _is_illustrative(gdf: pd.DataFrame) -> bool:
    """Whether any row of the layer is illustrative (its legend then says so)."""
    cols = [c for c in ("accuracy", "footprint_accuracy") if c in gdf.columns]
    return any(bool((gdf[c] == "illustrative").any()) for c in cols)


def _to_hex(color: object) -> str:
    # matplotlib is imported when a colour is made, never by ``import ninhbinh_geo.styles``.
    from matplotlib.colors import to_hex

    return to_hex(color)


@dataclass(frozen=True)
class LegendClass:
    """One entry of a legend.

    For a categorized legend ``value`` is the category; for a graduated one the class holds
    values ``lower < v <= upper`` (the first class also includes ``lower``). A categorized class
    of numbers (a depth class, one value of a few) may also carry the bounds it stands for.
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
        The classification scheme of a graduated legend.
    geometry : {"polygon", "line", "point"}
        Geometry type the legend is drawn for.
    nodata_color : str
        Colour of a value in no class.
    note : tuple of (str, str), optional
        Vietnamese and English text added to the title, e.g. the return period of a hazard.
    where : mapping, optional
        ``{column: value}``: the rows of a per-site table the legend draws (the exposure of one
        stated scenario); see :meth:`rows`.
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
    note: tuple[str, str] | None = None
    where: Mapping[str, object] = field(default_factory=dict)

    def title(self, lang: str = "vi") -> str:
        """Return the legend title in ``lang``, with its note and the illustrative mark."""
        text = label(self.title_key, lang)
        if self.note:
            text = f"{text} – {self.note[0] if lang == 'vi' else self.note[1]}"
        if self.illustrative:
            text = f"{text} ({label('accuracy.illustrative', lang).upper()})"
        return text

    @property
    def breaks(self) -> list[float]:
        """Upper bounds of the classes of a graduated legend (empty otherwise)."""
        if self.kind != "graduated":
            return []
        return [float(c.upper) for c in self.classes if c.upper is not None]

    def color_for(self, value: object) -> str:
        """Return the hex colour of one value (the no-data colour when it fits no class)."""
        if self.kind == "single":
            return self.classes[0].color
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return self.nodata_color
        if self.kind == "categorized":
            for c in self.classes:
                if c.value == value:
                    return c.color
            return self.nodata_color
        v = float(value)
        for i, c in enumerate(self.classes):
            if c.lower is None or c.upper is None:
                continue
            low_ok = v >= c.lower if i == 0 else v > c.lower
            if low_ok and v <= c.upper:
                return c.color
        return self.nodata_color

    def colors(self, values: pd.Series) -> pd.Series:
        """Return the hex colour of every value of ``values`` (same index)."""
        if self.kind == "single":
            return pd.Series(self.classes[0].color, index=values.index)
        return values.map(self.color_for)

    def rows(self, table: pd.DataFrame) -> pd.DataFrame:
        """Return the rows of ``table`` this legend draws (all of them without ``where``).

        Examples
        --------
        >>> import dataclasses
        >>> import pandas as pd
        >>> lg = single_legend("exposure", "#08519c", title_key="layer.exposure")
        >>> t = pd.DataFrame({"hazard": ["h10", "h100"], "exposed_share": [0.1, 0.4]})
        >>> len(lg.rows(t)), len(dataclasses.replace(lg, where={"hazard": "h100"}).rows(t))
        (2, 1)
        """
        return _select(table, self.where)


def _select(table: pd.DataFrame, where: Mapping[str, object]) -> pd.DataFrame:
    """Return the rows of ``table`` holding the values of ``where`` (absent columns pass)."""
    if not where:
        return table
    keep = pd.Series(True, index=table.index)
    for column, value in where.items():
        if column in table.columns:
            values = table[column]
            if isinstance(value, float):  # a return period: 100 and 100.0 are one
                values = pd.to_numeric(values, errors="coerce")
            keep &= (values == value).fillna(False).astype(bool)
    return table.loc[keep]


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
