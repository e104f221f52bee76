"""Cells of the report's tables: numbers through ``formatting``, codes through ``labels``.

Every number is written by :mod:`ninhbinh_geo.formatting`, every code by :mod:`ninhbinh_geo.labels`.

A section describes the columns it shows (:class:`Column`: which column, its header, how to write
it) and :func:`frame_table` turns the top rows of a DataFrame into a :class:`~.model.Table` of
formatted text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from ..formatting import decimals_of, format_number, format_percent, format_year
from ..labels import LABELS, label
from .model import Table

__all__ = ["MAX_ROWS", "MISSING", "Column", "format_value", "frame_table", "header", "translate"]

#: Most rows a section shows of a table; the full table is linked.
MAX_ROWS = 15
#: Text of a missing value.
MISSING = "–"
_KINDS = ("auto", "text", "number", "count", "published", "share", "percent", "year", "code")


@dataclass(frozen=True)
class Column:
    """How a report table shows one column of a DataFrame.

    Attributes
    ----------
    name : str
        The DataFrame's column.
    header : str, optional
        A ``labels`` key for the header; ``col.<name>`` by default.
    kind : str, default "auto"
        ``auto`` (by type; codes that are ``labels`` keys are translated), ``text`` (as is),
        ``number``, ``count`` (no decimals), ``published`` (the decimals the figure was
        published with), ``share`` (0–1 shown as %), ``percent``, ``year`` or ``code``
        (``labels`` key ``prefix + value``).
    prefix : str
        For ``code``: the ``labels`` key prefix (``"status."``, ``"result."``).
    precision : str or float, optional
        For ``number``: the rounding step, or the column holding each row's step
        (``distance_precision_km``); rounding is half away from zero.
    decimals : int, optional
        For ``number``: fixed decimals.
    """

    name: str
    header: str | None = None
    kind: str = "auto"
    prefix: str = ""
    precision: str | float | None = None
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"Column kind must be one of {_KINDS}, not {self.kind!r}")


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def translate(value: object, lang: str, prefix: str = "") -> str:
    """Return the label of a code (``prefix + value``) or the text itself when it has none.

    Examples
    --------
    >>> translate("needs_review", "vi", "result."), translate("road_reason.site_far", "en")[:18]
    ('Cần xem xét', 'The site lies fart')
    >>> translate("CCN-01", "vi")
    'CCN-01'
    """
    if _missing(value) or value == "":
        return MISSING
    key = f"{prefix}{value}"
    return LABELS[key][lang] if key in LABELS else str(value)


def format_value(value: object, lang: str = "vi") -> str:
    """Format one cell by its type: numbers the ``lang`` way, booleans as yes/no, codes by label.

    Parameters
    ----------
    value : object
        The cell value.
    lang : {"vi", "en"}
        Language.

    Returns
    -------
    str
        The text (not yet escaped); a missing value is an en dash.

    Examples
    --------
    >>> format_value(5467.2, "en"), format_value(5467.2, "vi"), format_value(float("nan"))
    ('5,467.2', '5.467,2', '–')
    >>> format_value(True, "vi"), format_value("result.fail", "en")
    ('Có', 'Fail')
    """
    if _missing(value):
        return MISSING
    if isinstance(value, bool | np.bool_):
        return label("bool.true" if value else "bool.false", lang)
    if isinstance(value, Real):
        return format_number(value, lang)
    return translate(value, lang)


def header(column: Column | str, lang: str) -> str:
    """Return the header of a column: its label, else its name.

    Examples
    --------
    >>> header("area_ha", "vi"), header(Column("x", header="col.area_ha"), "en")
    ('Diện tích (ha)', 'Area (ha)')
    """
    if isinstance(column, str):
        column = Column(column)
    key = column.header or f"col.{column.name}"
    return LABELS[key][lang] if key in LABELS else column.name


def _cell(value: object, column: Column, row: pd.Series, lang: str) -> str:
    kind = column.kind
    if kind == "auto" and (column.decimals is not None or column.precision is not None):
        kind = "number"
    if kind == "auto" or (kind not in ("text", "code") and _missing(value)):
        return format_value(value, lang)
    if kind == "text":
        return MISSING if _missing(value) or value == "" else str(value)
    if kind == "code":
        return translate(value, lang, column.prefix)
    if kind == "year":
        return format_year(value, missing=MISSING)
    if kind in ("share", "percent"):
        return format_percent(value, lang, share=kind == "share", missing=MISSING)
    if kind == "count":
        return format_number(value, lang, decimals=0, missing=MISSING)
    if kind == "published":
        return format_number(value, lang, decimals=decimals_of(float(value)), missing=MISSING)
    step = row.get(column.precision) if isinstance(column.precision, str) else column.precision
    step = None if _missing(step) else float(step)
    return format_number(value, lang, precision=step, decimals=column.decimals, missing=MISSING)


def frame_table(
    frame: pd.DataFrame,
    columns: Sequence[Column | str],
    lang: str,
    *,
    limit: int | None = MAX_ROWS,
    total: int | None = None,
) -> Table:
    """Turn the first ``limit`` rows of ``frame`` into a table of formatted cells.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows in the order shown (sort before).
    columns : sequence of Column or str
        The columns shown; a name stands for ``Column(name)``. Absent columns are left out.
    lang : {"vi", "en"}
        Language of numbers, codes and headers.
    limit : int or None, default :data:`MAX_ROWS`
        Most rows shown (all when None).
    total : int, optional
        Rows of the whole table when ``frame`` is already a selection (for the footer).

    Returns
    -------
    Table
        With a footer "n of N rows" when rows were left out.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"status": ["planned", "operating"], "area_ha": [1253.7, 75.0]})
    >>> t = frame_table(df, [Column("status", kind="code", prefix="status."), "area_ha"], "vi")
    >>> t.headers, t.rows
    (('Tình trạng', 'Diện tích (ha)'), (('Quy hoạch', '1.253,7'), ('Đang hoạt động', '75')))
    """
    specs = [Column(c) if isinstance(c, str) else c for c in columns]
    specs = [c for c in specs if c.name in frame.columns]
    shown = frame if limit is None else frame.head(limit)
    rows = tuple(
        tuple(_cell(row[c.name], c, row, lang) for c in specs) for _, row in shown.iterrows()
    )
    numeric = tuple(
        c.kind not in ("text", "code")
        and pd.api.types.is_numeric_dtype(frame[c.name])
        and not pd.api.types.is_bool_dtype(frame[c.name])
        for c in specs
    )
    total = len(frame) if total is None else total
    footer = ""
    if len(rows) < total:
        footer = label("report.rows_shown", lang).format(
            shown=format_number(len(rows), lang), total=format_number(total, lang)
        )
    return Table(tuple(header(c, lang) for c in specs), rows, numeric, footer=footer)
