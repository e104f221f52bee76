"""The report's sections, one module each, and the one list that orders them.

A section module has:

- ``KEY`` — its anchor (``#network``) and the key of its extra note;
- ``TITLE`` — the ``labels`` key of its title;
- ``TABLES`` — the review tables it presents (tables no section claims get a section of their
  own from :mod:`.other`, with their top rows and a link);
- ``build(ctx) -> Section | None`` — the section, or None when the review has nothing for it;

and may have, each returning a list of strings (shown as bullets) or report blocks:

- ``headline(ctx)`` — its main results, collected in the summary's "Main results";
- ``notes(ctx)`` — its notes and assumptions, collected in "Notes and assumptions";
- ``next_steps(ctx)`` — the data or actions that would settle what it leaves open, collected
  in "What to do next".

To add a section (risk, access, a diff of two reviews): write ``sections/<name>.py`` with these
names and add the module to :data:`SECTIONS` where it should appear.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    access,
    diff,
    efficiency,
    exposure,
    maps,
    network,
    next_steps,
    notes,
    other,
    risk,
    sources,
    summary,
    zoning,
)

__all__ = ["SECTIONS", "claimed_tables"]

#: The report's sections, in the order they appear.
SECTIONS: tuple[ModuleType, ...] = (
    summary,
    notes,
    next_steps,
    maps,
    efficiency,
    network,
    exposure,
    risk,
    access,
    zoning,
    diff,
    other,
    sources,
)


def claimed_tables(sections: tuple[ModuleType, ...] = SECTIONS) -> set[str]:
    """Return the table keys some section presents (the others go to :mod:`.other`).

    Examples
    --------
    >>> {"facts", "proximity", "findings"} <= claimed_tables()
    True
    """
    return {key for module in sections for key in getattr(module, "TABLES", ())}
