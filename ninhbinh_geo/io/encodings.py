"""Legacy text found and decoded, per file and per column: UTF-8, TCVN3, VNI and Windows-1258.

A value is decoded with every code page that could have produced it
(:mod:`~ninhbinh_geo.io.codepages`), and each reading is scored as Vietnamese
(:func:`~ninhbinh_geo.io.spelling._score`). A value whose best reading is unique decides for
itself; a value read equally well several ways (``"Gia Phó"`` is Unicode "Phó", TCVN3 "Phú"
and VNI "Phĩ") follows its column when at least 90 % of the column's decided values agree,
else the file. When neither tells, the value is refused with the candidates named, and the
``encoding=`` option (``--encoding``) settles it.

Two sources: ``"bytes"`` (cells of an 8-bit file, held as Latin-1 strings: every byte kept) and
``"unicode"`` (text that is already Unicode but may show legacy bytes as Latin-1 characters,
as KML and Excel cells typed in a .VnTime font do). Every decoded value is NFC.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from .._errors import EncodingError, first_ids
from .codepages import (
    _DECODERS,
    ENCODING_ALIASES,
    ENCODING_NAMES,
    TCVN3_TO_UNICODE,
    _as_bytes,
    decode_tcvn3,
)
from .spelling import _nfc, _score, _short

__all__ = ["TCVN3_TO_UNICODE", "decode_tcvn3"]

_LEGACY = ("tcvn3", "vni", "cp1258")
# Share of a column's decided values that must agree before its undecided values follow them.
_MAJORITY = 0.9


@dataclass
class _Verdict:
    """How the values of one column read: per value, its best encodings and the chosen one."""

    name: str
    values: list[object]
    readings: list[dict[str, str]] = field(default_factory=list)
    best: list[frozenset[str]] = field(default_factory=list)

    def decided(self) -> Counter[str]:
        return Counter(next(iter(b)) for b in self.best if len(b) == 1)

    def tied(self) -> list[int]:
        return [i for i, b in enumerate(self.best) if len(b) > 1]


def _encoding_key(encoding: str | None) -> str | None:
    """Normalise an ``encoding=`` argument; refuse one that is not known."""
    if encoding is None:
        return None
    key = ENCODING_ALIASES.get(str(encoding).strip().lower())
    if key is None:
        raise EncodingError(
            f"encoding={encoding!r} is not known. Use one of 'utf-8', 'tcvn3' (ABC), 'vni', "
            f"'cp1258' (Windows-1258), e.g. --encoding tcvn3."
        )
    return key


def _readings(value: object, source: str) -> dict[str, str]:
    """Every way ``value`` can be read; empty for values that read only one way."""
    if not isinstance(value, str) or value.isascii():
        return {}
    if source == "bytes":
        data = value.encode("latin-1")
        return {name: decode(data) for name, decode in _DECODERS.items()}
    out = {"unicode": str(_nfc(value))}
    data = _as_bytes(value)
    if data is not None:
        out.update({name: _DECODERS[name](data) for name in _LEGACY})
    return out


def _judge(name: str, values: Sequence[object], source: str) -> _Verdict:
    """Score every reading of every value of a column."""
    verdict = _Verdict(name=name, values=list(values))
    for value in verdict.values:
        readings = _readings(value, source)
        scores = {enc: _score(text) for enc, text in readings.items()}
        top = max(scores.values(), default=0)
        verdict.readings.append(readings)
        verdict.best.append(frozenset(e for e, s in scores.items() if s == top))
    return verdict


def _plain(value: object) -> object:
    """Return a value that reads one way only (no legacy byte): NFC text, None if missing."""
    if isinstance(value, float) and math.isnan(value):
        return None  # pandas 3 reads a missing text as NaN; text columns hold None
    return _nfc(value) if isinstance(value, str) else value


def _choose(verdict: _Verdict, fallback: str | None, forced: str | None) -> list[str | None]:
    """Choose the encoding of each value; None where it cannot be decided."""
    decided = verdict.decided()
    total = sum(decided.values())
    winner, n = decided.most_common(1)[0] if decided else (None, 0)
    follow = winner if winner and n / total >= _MAJORITY else (fallback if not decided else None)
    chosen: list[str | None] = []
    for readings, best in zip(verdict.readings, verdict.best, strict=True):
        if not readings:
            chosen.append("")
        elif forced is not None:
            chosen.append(forced if forced in readings else "unicode")
        elif len(best) == 1:
            chosen.append(next(iter(best)))
        elif follow in best:
            chosen.append(follow)
        else:
            chosen.append(None)
    return chosen


def _refuse_undecided(
    verdict: _Verdict, chosen: list[str | None], where: str, labels: Sequence[str]
) -> None:
    """Raise :class:`EncodingError` naming the candidates of the undecided values."""
    rows = [i for i, c in enumerate(chosen) if c is None]
    i = rows[0]
    candidates = sorted(verdict.best[i] - {"unicode"}) or sorted(verdict.best[i])
    readings = ", ".join(
        f"{ENCODING_NAMES[c]} {verdict.readings[i][c]!r}" for c in sorted(verdict.best[i])
    )
    decided = verdict.decided()
    mixed = (
        f" The column mixes encodings: {dict(decided.most_common())} values read one way only."
        if len(decided) > 1
        else ""
    )
    raise EncodingError(
        f"{where}, column '{verdict.name}': cannot tell the text encoding of "
        f"{len(rows)} values (rows {first_ids(labels[j] for j in rows)}): "
        f"{verdict.values[i]!r} reads as {readings}; it is ambiguous.{mixed} Pass "
        f"--encoding {candidates[0]} (Python: encoding='{candidates[0]}')"
        + "".join(f" or --encoding {c}" for c in candidates[1:])
        + ", or convert the file to Unicode (e.g. with UniKey's converter) and read it again."
    )


def _apply(verdict: _Verdict, chosen: list[str | None]) -> list[object]:
    return [
        readings[c] if c and c in readings else _plain(v)
        for v, readings, c in zip(verdict.values, verdict.readings, chosen, strict=True)
    ]


def _report_line(verdict: _Verdict, chosen: list[str | None], decoded: list[object]) -> str:
    """One report line for a column whose values were decoded from a legacy code page."""
    legacy = Counter(c for c in chosen if c in _LEGACY)
    if not legacy:
        return ""
    enc, n = legacy.most_common(1)[0]
    same = [j for j, c in enumerate(chosen) if c == enc]
    i = next((j for j in same if decoded[j] != verdict.values[j]), same[0])
    kept = chosen.count("unicode")
    others = {ENCODING_NAMES[c]: m for c, m in legacy.items() if c != enc}
    return (
        f"{verdict.name}: decoded {n} values from {ENCODING_NAMES[enc]} to Unicode (e.g. "
        f"{_short(str(verdict.values[i]))!r} -> {_short(str(decoded[i]))!r})"
        + (f"; also {others}" if others else "")
        + (f"; {kept} values already in Unicode kept" if kept else "")
    )


def _decode_columns(
    columns: dict[str, Sequence[object]],
    *,
    source: str,
    forced: str | None,
    where: str,
    labels: dict[str, Sequence[str]],
) -> tuple[dict[str, list[object]], list[str], str]:
    """Decode each column; return them, report lines and the encoding found for the file.

    ``labels`` names, per column, the row of each value as a planner sees it.
    """
    verdicts = {name: _judge(name, values, source) for name, values in columns.items()}
    found: Counter[str] = Counter()
    for v in verdicts.values():
        found.update(v.decided())
    if forced is not None:
        file_enc = forced
    elif found:
        file_enc = found.most_common(1)[0][0]
    else:
        file_enc = "unicode" if source == "unicode" else None
    out: dict[str, list[object]] = {}
    report: list[str] = []
    for name, verdict in verdicts.items():
        chosen = _choose(verdict, file_enc, forced)
        if any(c is None for c in chosen):
            _refuse_undecided(verdict, chosen, where, labels[name])
        out[name] = _apply(verdict, chosen)
        line = _report_line(verdict, chosen, out[name])
        if line:
            report.append(line)
    return out, report, file_enc or "ascii"


def _decode_grid(
    grid: list[list[object]],
    *,
    source: str,
    forced: str | None,
    where: str,
    row_numbers: Sequence[int],
) -> tuple[list[list[object]], list[str], str]:
    """Decode the cells of a table read raw, column by column of the sheet."""
    width = max((len(r) for r in grid), default=0)
    cells = [[r[j] if j < len(r) else None for r in grid] for j in range(width)]
    names = [_column_name(j, column) for j, column in enumerate(cells)]
    labels = [f"row {n}" for n in row_numbers]
    decoded, report, found = _decode_columns(
        dict(zip(names, cells, strict=True)), source=source, forced=forced, where=where,
        labels=dict.fromkeys(names, labels),
    )  # fmt: skip
    out = [[decoded[names[j]][i] for j in range(width)] for i in range(len(grid))]
    return out, [f"column {line}" for line in report], found


def _column_name(j: int, cells: list[object]) -> str:
    """Name a sheet's column as a planner finds it: its letter and its first text (raw)."""
    first = next((c for c in cells if isinstance(c, str) and c.strip()), None)
    return f"{_letter(j)}: {_short(first.strip(), 30)}" if first else _letter(j)


def _letter(j: int) -> str:
    """Spreadsheet column letter of the 0-based column ``j`` (A, B, …, Z, AA, …)."""
    name = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        name = chr(65 + r) + name
    return name


def _decode_frame(
    df: pd.DataFrame,
    *,
    source: str,
    forced: str | None,
    where: str,
    ids: Sequence[str],
) -> tuple[pd.DataFrame, list[str], str]:
    """Decode the headings (as one group) and the text columns of a layer.

    Returns a new frame (same index), report lines and the encoding found.
    """
    geom = df.geometry.name if isinstance(df, gpd.GeoDataFrame) else None
    text_cols = [
        c
        for c in df.columns
        if c != geom
        and (pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c]))
    ]
    headings = [c for c in df.columns if c != geom and isinstance(c, str)]
    columns: dict[str, Sequence[object]] = {"(headings)": headings}
    columns.update({str(c): df[c].astype(object).tolist() for c in text_cols})
    labels: dict[str, Sequence[str]] = {str(c): list(ids) for c in text_cols}
    labels["(headings)"] = [f"heading {h!r}" for h in headings]
    decoded, report, found = _decode_columns(
        columns, source=source, forced=forced, where=where, labels=labels
    )
    out = df.copy()
    for c in text_cols:
        out[c] = pd.Series(decoded[str(c)], index=df.index, dtype=object)
    renamed = {
        old: new for old, new in zip(headings, decoded["(headings)"], strict=True) if old != new
    }
    if renamed:
        out = out.rename(columns=renamed)
        report = [
            f"{renamed[old]}{x[len(old) :]}" if (old := x.split(":", 1)[0]) in renamed else x
            for x in report
        ]
        line = next((x for x in report if x.startswith("(headings)")), "")
        report = [x for x in report if x != line]
        if line:
            enc = line.split(" values from ", 1)[1].split(" to Unicode", 1)[0]
            report.insert(0, f"headings decoded from {enc}: {renamed}")
        else:
            report.insert(0, f"headings normalised to Unicode NFC: {renamed}")
    return out, report, found


def _decode_text(
    src: gpd.GeoDataFrame, layer: str, ids: pd.Series, report: list[str]
) -> gpd.GeoDataFrame:
    """Decode legacy text that did not come through ``read_layer`` (the harmoniser's stage).

    A layer read by :func:`~ninhbinh_geo.io.read_layer` is decoded already
    (``attrs["text_decoded"]``); its text is only normalised to NFC.
    """
    if src.attrs.get("text_decoded"):
        out = src.copy()
        for c in out.columns:
            if c != out.geometry.name and pd.api.types.is_object_dtype(out[c]):
                out[c] = pd.Series([_nfc(v) for v in out[c]], index=out.index, dtype=object)
        return out
    out, lines, _ = _decode_frame(
        src, source="unicode", forced=None, where=f"Layer '{layer}'", ids=list(ids)
    )
    report.extend(lines)
    return out
