"""Tables: CSV (UTF-8 or legacy 8-bit, comma/semicolon/tab) and XLSX workbooks (one sheet).

Values are kept as they are written (text such as ``"1.035,5"``) for the harmoniser to
interpret. A CSV that is not UTF-8 is read as Latin-1, which keeps legacy TCVN3 bytes intact
for :mod:`ninhbinh_geo.io.encodings`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._errors import InputFileError

#: Suffixes of the tables read here (points come from their lon/lat columns).
TABLE_SUFFIXES = (".csv", ".xlsx")


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV as text, keeping raw numbers ("1.035,5") for harmonise to interpret."""
    encodings = ("utf-8-sig", "latin-1")
    with path.open("rb") as f:
        header = f.readline()
    # Excel in a Vietnamese locale writes ";" because "," is the decimal separator there.
    sep = max((b",", b";", b"\t"), key=header.count).decode()
    for encoding in encodings:
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, sep=sep)
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputFileError(
                f"File '{path.name}' cannot be read as CSV ({exc}). Save it as comma-separated "
                f"UTF-8 text with one header row."
            ) from exc
        return df.replace("", None), encoding
    raise InputFileError(f"File '{path.name}' cannot be decoded as text.")  # pragma: no cover


def _read_xlsx(path: Path, sheet: str | None) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises several unrelated types on damaged files
        raise InputFileError(
            f"File '{path.name}' cannot be opened as an XLSX workbook ({type(exc).__name__}: "
            f"{exc}). Save it from Excel or LibreOffice as .xlsx."
        ) from exc
    with book:
        if sheet is not None and sheet not in book.sheet_names:
            raise InputFileError(
                f"File '{path.name}': sheet '{sheet}' not found. Available sheets: "
                f"{book.sheet_names}. Pass layer='<sheet name>'."
            )
        try:
            return pd.read_excel(book, sheet_name=sheet if sheet is not None else 0, dtype=object)
        except (ValueError, KeyError) as exc:
            raise InputFileError(
                f"File '{path.name}': sheet {sheet or 'first'!r} cannot be read as a table "
                f"({exc}). Keep one header row and data below it."
            ) from exc


def _read_table(path: Path, suffix: str, sheet: str | None) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV or XLSX table; return it and the text encoding of a CSV (else None).

    Raises
    ------
    InputFileError
        Unreadable file or sheet, or no rows below the header.
    """
    encoding = None
    if suffix == ".csv":
        table, encoding = _read_csv(path)
    else:
        table = _read_xlsx(path, sheet)
    if table.empty:
        raise InputFileError(
            f"File '{path.name}' has no rows below its header. Check the sheet or the file."
        )
    return table, encoding
