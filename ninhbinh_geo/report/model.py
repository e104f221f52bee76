"""What a report is made of: sections holding paragraphs, lists, tables, links and images.

The blocks hold plain text (never markup): the renderers (:mod:`.html`, :mod:`.markdown`) escape
every string they write, so text from data can only ever be shown as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Block",
    "Bullets",
    "Heading",
    "Images",
    "Link",
    "Links",
    "Paragraph",
    "Section",
    "Table",
]


@dataclass(frozen=True)
class Link:
    """A link to a file written beside the report (``tables/x.csv``) or a web address.

    ``code`` shows the text as an identifier (a file or layer name), not as prose.
    """

    text: str
    href: str
    code: bool = True


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of text; ``style`` ``"note"`` shows it as a side note, ``"lead"`` larger."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Heading:
    """A sub-heading inside a section."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A list of short statements."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Links:
    """A line of links after a lead text: ``Full tables: a.csv, b.csv``."""

    lead: str
    items: tuple[Link, ...]


@dataclass(frozen=True)
class Images:
    """Images by path relative to the report, each with its caption."""

    paths: tuple[str, ...]
    captions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """A table of formatted cells.

    Attributes
    ----------
    headers : tuple of str
        Column headers.
    rows : tuple of tuple of str
        Formatted cells (numbers already written the reader's way).
    numeric : tuple of bool
        Columns aligned right.
    groups : tuple of (str, int)
        Optional header groups above the headers: title and number of columns spanned.
    footer : str
        A line under the table ("15 of 75 rows").
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    groups: tuple[tuple[str, int], ...] = ()
    footer: str = ""

    @property
    def empty(self) -> bool:
        """Whether the table has no rows."""
        return not self.rows


Block = Paragraph | Heading | Bullets | Links | Images | Table


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor, a title and its blocks in order."""

    anchor: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def tables(self) -> list[Table]:
        """Return the section's tables, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]
