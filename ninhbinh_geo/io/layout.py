"""The layout of a planner's table: which sheet, which rows are headings, which rows are data.

Offices' tables carry a title above the headings, a units row ("ha", "m²", "%") or a row of
column numbers ("(1)", "(2)"…) under them, headings merged over two columns with sub-headings
below, a district merged down over its clusters, sub-heading rows ("I. Huyện Gia Viễn") and
total rows ("Tổng cộng"). :func:`_frame_from_grid` finds the heading rows by their words,
joins a heading and its unit ("Diện tích" over "ha" -> "Diện tích (ha)"), and drops the rows
that are no site with a note naming them; sub-headings are kept in a ``section`` column of the
rows below. :func:`_choose_sheet` picks the sheet that holds the site table, or asks for one.
Row numbers are kept as Excel shows them, for messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from .._errors import InputFileError, first_ids
from .columns import _ALIASES
from .coordinates import COORDINATE_HEADINGS
from .encodings import _letter
from .spelling import _fold, _short
from .tables import _Grid

# Rows looked at to find the headings.
_HEAD_ROWS = 30
_KNOWN = frozenset(a for aliases in _ALIASES.values() for a in aliases) | COORDINATE_HEADINGS
_KNOWN |= {"stt", "tt", "so tt", "so thu tu", "ghi chu", "note", "notes", "toa do", "coordinates"}
_KEYWORDS = ("ten", "dien tich", "huyen", "tinh trang", "kinh do", "vi do", "toa do", "quy mo",
             "lap day", "name", "area", "status", "ghi chu", "dia diem", "vi tri")  # fmt: skip
_NAME_HEADINGS = frozenset(_ALIASES["name_vi"])
_UNITS = frozenset({"ha", "m2", "km2", "%", "nguoi", "du an", "nam", "dvt", "don vi", "don vi tinh",
                    "lao dong", "trieu dong", "ty dong", "usd", "trieu usd", "m", "km", "do",
                    "hecta", "hec ta", "so"})  # fmt: skip
_TOTAL = re.compile(
    r"^(tổng cộng|tổng số|tổng|cộng|toàn tỉnh|tổng toàn tỉnh|cộng toàn tỉnh|total|grand total"
    r"|sub-?total|tong cong|tong so)(\s*:)?(\s+\S.*)?$"
)
_ENUMERATOR = re.compile(r"^\s*([IVXLC]+|[A-Ea-e]|\d{1,2})\s*[.)/:\-]\s*\S")
_GROUP_WORDS = ("huyen ", "thanh pho ", "tp ", "thi xa ", "tx ", "tinh ", "khu vuc ", "cac ",
                "nhom ", "danh sach ")  # fmt: skip


@dataclass
class _Layout:
    headings: list[str]
    first_data: int
    report: list[str] = field(default_factory=list)


def _is_text(value: object) -> bool:
    return isinstance(value, str) and not re.fullmatch(r"[\d\s.,()\-+%]*", value)


def _heading_score(row: list[object]) -> int:
    """How much a row looks like the headings of a site table (2 per known heading)."""
    score = 0
    for cell in dict.fromkeys(c for c in row if _is_text(c)):
        folded = _fold(cell)
        if folded in _KNOWN:
            score += 2
        elif any(re.search(rf"(?<![a-z]){k}(?![a-z])", folded) for k in _KEYWORDS):
            score += 1
    return score


def _has_name_heading(grid: _Grid, rows: list[int]) -> bool:
    return any(_is_text(c) and _fold(c) in _NAME_HEADINGS for r in rows for c in grid.rows[r])


def _header_row(grid: _Grid) -> int | None:
    """Position of the best heading row among the first rows, None when no row scores."""
    scores = [_heading_score(r) for r in grid.rows[:_HEAD_ROWS]]
    if not scores or max(scores) < 2:
        return None
    return scores.index(max(scores))


def _is_units_row(row: list[object]) -> bool:
    cells = [c for c in row if c is not None]
    return bool(cells) and all(isinstance(c, str) and _fold(c) in _UNITS for c in cells)


def _is_numbering_row(row: list[object]) -> bool:
    """Tell whether a row numbers the columns: (1) (2) (3)…, 1 2 3… or A B C…."""
    cells = [str(c).strip().strip("()[]") for c in row if c is not None]
    if len(cells) < 3:
        return False
    if all(c.isdigit() for c in cells):
        return [int(c) for c in cells] == list(range(int(cells[0]), int(cells[0]) + len(cells)))
    return "".join(cells) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: len(cells)]


def _spans_down(grid: _Grid, h: int) -> bool:
    """Whether heading row ``h`` continues below: merged down, or across over sub-headings."""
    below = grid.rows[h + 1] if h + 1 < len(grid.rows) else []
    for r0, c0, r1, c1 in grid.merged:
        if r0 != h:
            continue
        if r1 > h:
            return True
        if c1 > c0 and any(_is_text(below[c]) for c in range(c0, min(c1 + 1, len(below)))):
            return True
    return False


_UNIT_IN_HEADING = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def _join_heading(parts: list[str]) -> str:
    """Join the heading cells of one column, top to bottom.

    "Diện tích" over "ha" -> "Diện tích (ha)"; "Diện tích (ha)" over "Đã cho thuê" ->
    "Diện tích Đã cho thuê (ha)"; "Tọa độ" over "X" -> "X" (a heading known by itself).
    """
    parts = list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    if not parts:
        return ""
    head = parts[0]
    for part in parts[1:]:
        m = _UNIT_IN_HEADING.match(head)
        base, unit = (m.group(1), m.group(2)) if m and _fold(m.group(2)) in _UNITS else (head, "")
        if _fold(part) in _UNITS:
            head = head if unit else f"{head} ({part.strip().strip('()')})"
        elif _fold(part) in _KNOWN and _fold(f"{base} {part}") not in _KNOWN:
            head = part
        else:
            head = f"{base} {part}" + (f" ({unit})" if unit else "")
    return head


def _find_layout(grid: _Grid, where: str) -> _Layout:
    """Find the heading rows, the units and numbering rows, and the first data row."""
    h = _header_row(grid)
    report: list[str] = []
    if h is None:
        h = next((i for i, r in enumerate(grid.rows) if sum(c is not None for c in r) >= 2), 0)
    rows = [h]
    if _spans_down(grid, h) and h + 1 < len(grid.rows):
        rows.append(h + 1)
    nxt = rows[-1] + 1
    while nxt < len(grid.rows) and (
        _is_units_row(grid.rows[nxt]) or _is_numbering_row(grid.rows[nxt])
    ):
        kind = "units" if _is_units_row(grid.rows[nxt]) else "column numbers"
        report.append(f"row {grid.row_numbers[nxt]} read as a row of {kind} under the headings")
        rows.append(nxt)
        nxt += 1
    width = max((len(r) for r in grid.rows), default=0)
    head_rows = [r for r in rows if not _is_numbering_row(grid.rows[r])]
    headings = [
        _join_heading(
            [
                str(grid.rows[r][j])
                for r in head_rows
                if j < len(grid.rows[r]) and grid.rows[r][j] is not None
            ]
        )
        for j in range(width)
    ]
    if h > 0:
        title = " / ".join(
            str(next(c for c in r if c is not None)) for r in grid.rows[:h] if any(r)
        )
        report.append(
            f"headings found in row {grid.row_numbers[h]}"
            + (f" (rows above are a title: {_short(title, 100)!r})" if title else "")
        )
    if len(head_rows) > 1 and not _is_units_row(grid.rows[head_rows[1]]):
        report.append(f"headings span rows {grid.row_numbers[h]}-{grid.row_numbers[h + 1]}")
    return _Layout(headings=_unique(headings), first_data=nxt, report=report)


def _unique(headings: list[str]) -> list[str]:
    out: list[str] = []
    for j, head in enumerate(headings):
        name = head or f"(column {_letter(j)})"
        n = 2
        while name in out:
            name = f"{head or _letter(j)} ({n})"
            n += 1
        out.append(name)
    return out


def _row_kind(row: list[object], coord_cols: list[int], name_col: int | None) -> str:
    """Classify a row below the headings: "empty", "total", "section" or "data".

    A section (sub-heading) row holds one text and nothing else. Written outside the name
    column (in the number column, or merged across) it cannot be a site; in the name column it
    is a section only when it reads like one ("I. Huyện Gia Viễn", "Các cụm công nghiệp
    mới"), so that a site whose other cells are empty is never taken for one.
    """
    cells = [c for c in row if c is not None]
    if not cells:
        return "empty"
    distinct = list(dict.fromkeys(cells))
    one_text = len(distinct) == 1 and _is_text(distinct[0])
    # A text merged across the row fills the coordinate cells too: that is no coordinate.
    has_coords = not one_text and any(j < len(row) and row[j] is not None for j in coord_cols)
    texts = [c for c in cells[:3] if isinstance(c, str)]
    if not has_coords and any(_TOTAL.match(t.strip().lower()) for t in texts):
        return "total"
    if not one_text:
        return "data"
    where = [j for j, c in enumerate(row) if c is not None]
    if name_col is None or where != [name_col]:
        return "section"
    text = str(distinct[0]).strip()
    return "section" if _ENUMERATOR.match(text) or _fold(text).startswith(_GROUP_WORDS) else "data"


def _frame_from_grid(grid: _Grid, where: str) -> tuple[pd.DataFrame, list[int], list[str]]:
    """Turn a grid into a table of its data rows; return it, their row numbers and a report.

    Total and sub-heading rows are dropped and named in the report; the text of a sub-heading
    is kept in a ``section`` column of the rows below it. Empty rows hold nothing and are
    skipped.
    """
    layout = _find_layout(grid, where)
    report = list(layout.report)
    width = len(layout.headings)
    coord_cols = [j for j, h in enumerate(layout.headings) if _fold(h) in COORDINATE_HEADINGS]
    name_col = next((j for j, h in enumerate(layout.headings) if _fold(h) in _NAME_HEADINGS), None)
    kept: list[list[object]] = []
    numbers: list[int] = []
    sections: list[object] = []
    dropped: dict[str, list[tuple[int, str]]] = {"total": [], "section": []}
    section: object = None
    for row, number in zip(
        grid.rows[layout.first_data :], grid.row_numbers[layout.first_data :], strict=True
    ):
        kind = _row_kind(row, coord_cols, name_col)
        if kind == "data":
            kept.append([*row[:width], *[None] * (width - len(row))])
            numbers.append(number)
            sections.append(section)
        elif kind != "empty":
            text = str(next(c for c in row if c is not None)).strip()
            dropped[kind].append((number, text))
            section = text if kind == "section" else section
    for kind, what in (("total", "total"), ("section", "sub-heading")):
        if dropped[kind]:
            report.append(
                f"dropped {len(dropped[kind])} {what} rows (not sites): rows "
                f"{first_ids(f'{n}: {_short(t, 40)}' for n, t in dropped[kind])}"
                + (
                    "; their text is kept in column 'section' of the rows below"
                    if kind == "section"
                    else ""
                )
            )
    report.extend(_fill_down_notes(grid, layout))
    frame = pd.DataFrame(kept, columns=layout.headings, dtype=object)
    frame = frame[
        [
            h
            for j, h in enumerate(layout.headings)
            if not h.startswith("(column ") or frame.iloc[:, j].notna().any()
        ]
    ]
    if dropped["section"]:
        frame["section"] = sections
    return frame, numbers, report


def _fill_down_notes(grid: _Grid, layout: _Layout) -> list[str]:
    """Report the cells merged down in the data rows (filled with their top value)."""
    notes = []
    for r0, c0, r1, _ in grid.merged:
        if r0 >= layout.first_data and r1 > r0 and c0 < len(layout.headings):
            notes.append(
                f"column '{layout.headings[c0]}': cells merged down over rows "
                f"{grid.row_numbers[r0]}-{grid.row_numbers[r1]} filled with "
                f"{_short(str(grid.rows[r0][c0]), 40)!r}"
            )
    return notes


def _is_site_table(grid: _Grid) -> bool:
    h = _header_row(grid)
    return h is not None and _has_name_heading(grid, [h, h + 1]) and len(grid.rows) > h + 1


def _choose_sheet(grids: dict[str, _Grid], where: str) -> str:
    """Choose the sheet that holds the site table; refuse when none or several do."""
    if len(grids) == 1:
        return next(iter(grids))
    tables = [name for name, g in grids.items() if _is_site_table(g)]
    if len(tables) == 1:
        others = [n for n in grids if n != tables[0]]
        grids[tables[0]].report.append(
            f"sheet '{tables[0]}' read: the only one with a table of named sites (other "
            f"sheets: {others})"
        )
        return tables[0]
    filled = [n for n, g in grids.items() if any(any(c is not None for c in r) for r in g.rows)]
    if not tables and len(filled) == 1:
        return filled[0]
    listed = tables or filled
    what = "a table of named sites (a 'Tên' column)" if tables else "anything recognisable"
    raise InputFileError(
        f"{where} has {len(grids)} sheets and {len(tables)} of them hold {what}: "
        f"{listed}. Say which one: pass --sheet '{listed[0] if listed else ''}' "
        f"(Python: sheet='{listed[0] if listed else ''}')."
    )
