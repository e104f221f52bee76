"""Reading a report back: the visible Vietnamese text without ids, and the official figures."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ninhbinh_geo.formatting import parse_number

__all__ = [
    "ENGLISH_CODES",
    "english_codes",
    "english_numbers",
    "markdown_table",
    "parse_official_cell",
]


def parse_official_cell(text: str, lang: str) -> list[tuple[str, float, str]]:
    """('figure' or 'sum', value, qualifier) of every number of an official cell."""
    out = []
    text = re.sub(r" \((đã và đang đầu tư|built or under way)\)$", "", text)
    for part in re.split(r" \(|\)", text):
        part = part.strip().removesuffix("%")
        if not part or part == "–":
            continue
        kind = "sum" if part.startswith("Σ ") else "figure"
        value, qualifier = parse_number(part.removeprefix("Σ "), lang)
        out.append((kind, value, qualifier))
    return out


#: Values of coded columns that must never reach the Vietnamese text untranslated.
ENGLISH_CODES = {
    "needs_review",
    "not_applicable",
    "pass",
    "fail",
    "planned",
    "established",
    "operating",
    "illustrative",
    "approximate",
    "digitized",
    "surveyed",
    "points",
    "edges",
    "True",
    "False",
    "None",
    "nan",
    "NaN",
    "<NA>",
    "blocking",
    "advisory",
    "major",
    "at_least",
    "approx",
    "exact",
    "merged_province",
    "workers",
    "percent",
    "site_far",
    "park_far",
    "other_piece",
    "no_route",
}
#: Identifiers that may stay as they are: the package's name.
IDS = {"ninhbinh_geo"}
#: Columns quoting sources as published (citations, source names and licences).
QUOTED = {"Căn cứ pháp lý", "Nguồn", "Giấy phép"}
SNAKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")
WORD = re.compile(r"<?[A-Za-z_]+>?")


class _Text(HTMLParser):
    """Visible text of a report page, except code, URLs and cells of quoted columns."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0
        self._headers: list[str] = []
        self._row: list[tuple[str, str]] = []
        self._cell: tuple[str, list[str]] | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "style", "title"):
            self._skip += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = (tag, [])

    def handle_endtag(self, tag):
        if tag in ("code", "style", "title"):
            self._skip -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append((self._cell[0], "".join(self._cell[1])))
            self._cell = None
        elif tag == "tr" and self._row and all(t == "th" for t, _ in self._row):
            self._headers = [text for _, text in self._row]  # the last header row names columns

    def handle_data(self, data):
        if self._skip:
            return
        if self._cell is not None:
            self._cell[1].append(data)
            column = len(self._row)
            quoted = column < len(self._headers) and self._headers[column] in QUOTED
            if self._cell[0] == "td" and quoted:
                return
        if re.fullmatch(r"\s*https?://\S+\s*", data):
            return
        self.out.append(data)


def english_codes(page: str) -> list[str]:
    """Code words in the visible Vietnamese text of an HTML report."""
    found = []
    for text in _Text(page).out:
        found += [t for t in SNAKE.findall(text) if t not in IDS]
        found += [w for w in WORD.findall(text) if w in ENGLISH_CODES]
    return found


def markdown_table(text: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the first Markdown table after ``heading``."""
    lines = text[text.index(heading) :].splitlines()
    rows = []
    for line in lines[1:]:
        if line.startswith("|"):
            rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
        elif rows:
            break
    return [rows[0], *rows[2:]]


#: A number with a decimal point and one or two decimals: the English way. (In Vietnamese the
#: dot groups thousands, always three digits: 1.035, 20.900.)
ENGLISH_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])")


def english_numbers(page: str) -> list[str]:
    """Numbers written the English way in the visible Vietnamese text of an HTML report."""
    return [m for text in _Text(page).out for m in ENGLISH_DECIMAL.findall(text)]
