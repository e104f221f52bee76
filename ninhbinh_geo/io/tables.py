"""Tables read raw: the cells of a CSV file or of the sheets of an XLSX workbook, as written.

A CSV is read as bytes: UTF-8 with or without BOM is recognised, else every byte is kept (as
Latin-1) for :mod:`~ninhbinh_geo.io.encodings` to decode, column by column. The separator is
the one that splits most lines into the same number of cells (``;`` in a Vietnamese Excel,
where ``,`` is the decimal separator). A workbook's merged cells are filled with their
top-left value (a heading over two columns, a district merged down over its clusters), and
the ranges are kept for :mod:`~ninhbinh_geo.io.layout` to report.
"""

from __future__ import annotations

import csv
import io as _stdio
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputFileError

#: Suffixes of the tables read here (points come from their lon/lat columns).
TABLE_SUFFIXES = (".csv", ".xlsx")
# Lines looked at to find the separator of a CSV.
_SNIFF_LINES = 40


@dataclass
class _Grid:
    """The cells of one sheet (or CSV file), row by row, as written."""

    rows: list[list[object]]
    #: 1-based row number of each row in the sheet (what Excel shows).
    row_numbers: list[int]
    #: Merged ranges as (first row, first column, last row, last column), 0-based positions.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    sheet: str | None = None
    #: "bytes" when the cells hold 8-bit text still to decode, else "unicode".
    source: str = "unicode"
    report: list[str] = field(default_factory=list)


def _csv_text(path: Path) -> tuple[str, str, str]:
    """Return the text of a CSV, its encoding ("utf-8", "utf-8-sig" or "bytes") and a note."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", "UTF-8 with BOM"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Every byte kept: decoded per column once the cells are known.
        return data.decode("latin-1"), "bytes", "8-bit (not UTF-8)"
    return text, "utf-8", "UTF-8" if not text.isascii() else "ASCII"


def _separator(text: str) -> str:
    """Find the separator that splits most first lines into the same number (> 1) of cells."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    best, best_score = ",", -1
    for sep in (",", ";", "\t"):
        counts = [len(row) for row in csv.reader(lines, delimiter=sep)]
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = wide.count(mode)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path) -> _Grid:
    """Read the cells of a CSV file (empty cells are None)."""
    try:
        text, encoding, note = _csv_text(path)
    except UnicodeDecodeError as exc:  # a BOM followed by bytes that are not UTF-8
        raise InputFileError(
            f"File '{path.name}' starts with a UTF-8 mark (BOM) but is not UTF-8 text. Save it "
            f"again as 'CSV UTF-8' from Excel, or pass --encoding with its real encoding."
        ) from exc
    sep = _separator(text)
    try:
        rows = [
            [cell if cell.strip() else None for cell in row]
            for row in csv.reader(_stdio.StringIO(text, newline=""), delimiter=sep)
        ]
    except csv.Error as exc:
        raise InputFileError(
            f"File '{path.name}' cannot be read as CSV (a quote is not closed, or a line is "
            f"broken: {exc}). Open it in a spreadsheet and save it again as CSV."
        ) from None
    names = {",": "comma", ";": "semicolon", "\t": "tab"}
    return _Grid(
        rows=rows,
        row_numbers=list(range(1, len(rows) + 1)),
        source="bytes" if encoding == "bytes" else "unicode",
        report=[f"file read as {note}, cells separated by {names[sep]}"],
    )


def _open_workbook(path: Path) -> object:
    import openpyxl

    if path.stat().st_size == 0:
        raise InputFileError(
            f"File '{path.name}' is empty (0 bytes): the copy or the export did not finish. "
            f"Save the workbook again from Excel or LibreOffice."
        )
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises several unrelated types on damaged files
        raise InputFileError(
            f"File '{path.name}' cannot be opened as an XLSX workbook (it is damaged, or not "
            f"an .xlsx: an old .xls must be saved as .xlsx). Open it in Excel or LibreOffice "
            f"and save it as 'Excel Workbook (.xlsx)'."
        ) from None


def _sheet_grid(ws: object, name: str) -> _Grid:
    """Read the cells of one worksheet, merged ranges filled with their top-left value."""
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    rows = [[None if isinstance(v, str) and not v.strip() else v for v in r] for r in rows]
    merged = []
    for rng in ws.merged_cells.ranges:
        min_col, min_row, max_col, max_row = rng.bounds
        value = rows[min_row - 1][min_col - 1] if min_row - 1 < len(rows) else None
        for r in range(min_row - 1, min(max_row, len(rows))):
            for c in range(min_col - 1, max_col):
                while c >= len(rows[r]):
                    rows[r].append(None)
                rows[r][c] = value
        merged.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
    return _Grid(rows=rows, row_numbers=list(range(1, len(rows) + 1)), merged=merged, sheet=name)


def _read_sheets(path: Path, sheet: str | None) -> dict[str, _Grid]:
    """Read the sheets of a workbook (only ``sheet`` when given) as grids."""
    book = _open_workbook(path)
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise InputFileError(
                f"File '{path.name}': sheet '{sheet}' not found. Available sheets: {names}. "
                f"Pass --sheet '<one of them>' (Python: sheet='<name>')."
            )
        # Chart sheets hold no cells.
        worksheets = [n for n in names if hasattr(book[n], "iter_rows")]
        wanted = [sheet] if sheet is not None else worksheets
        if sheet is not None and sheet not in worksheets:
            raise InputFileError(
                f"File '{path.name}': sheet '{sheet}' is a chart, not a table. Pass --sheet "
                f"with one of {worksheets}."
            )
        return {name: _sheet_grid(book[name], name) for name in wanted}
    finally:
        book.close()
