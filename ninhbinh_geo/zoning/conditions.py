"""Applicability conditions: whether a rule applies to a site (True, False or unknown).

A rule applies by site kind (``applies_to``: CCN, KCN or both) and by the conditions in its
``params``: ``status=planned|...``, ``when=expanding``, ``if=<flag columns>`` and
``unless=<flag columns>``. An unknown kind, status or flag makes applicability unknown
(``None``), which the engine turns from a fail into ``needs_review``.
"""

from __future__ import annotations

import pandas as pd

from .context import _blank, _bool_value, _Context

#: Keys of the ``params`` column understood by every check (applicability conditions).
_CONDITION_PARAMS = frozenset({"if", "unless", "status", "when"})


def _site_kinds(sites: pd.DataFrame) -> pd.Series:
    if "kind" in sites.columns:
        kind = sites["kind"].astype("object").map(lambda v: None if _blank(v) else str(v).upper())
    else:
        kind = pd.Series(None, index=sites.index, dtype="object")
    prefix = sites["site_id"].astype(str).str[:3].str.upper()
    return kind.where(kind.notna(), prefix.where(prefix.isin(["CCN", "KCN"])))


def _applies(ctx: _Context, rule: pd.Series) -> tuple[list[bool | None], list[str]]:
    """Return (applies, why) per site; ``applies`` is True, False or None (unknown)."""
    n = len(ctx.sites)
    applies: list[bool | None] = [True] * n
    why = [""] * n

    def update(i: int, value: bool | None, text: str) -> None:
        if value is False:
            if applies[i] is not False:
                applies[i], why[i] = False, text
        elif value is None and applies[i] is True:
            applies[i], why[i] = None, text

    kinds = ctx.kinds.tolist()
    params = rule["params_dict"]
    status = ctx.col("status").tolist()
    expanding = ctx.expanding.tolist()
    flag_columns = {
        key: {c: ctx.col(c).tolist() for c in params[key].split("|")}
        for key in ("if", "unless")
        if key in params
    }
    for i in range(n):
        if rule["applies_to"] != "both":
            k = kinds[i]
            if k is None or pd.isna(k):
                update(i, None, "site kind (CCN/KCN) unknown")
            elif k != rule["applies_to"]:
                update(i, False, f"rule applies to {rule['applies_to']} only")
        if "status" in params:
            allowed = params["status"].split("|")
            s = status[i]
            if _blank(s):
                update(i, None, "site status unknown")
            elif str(s) not in allowed:
                update(i, False, f"site status is {s!r}; rule is for {'/'.join(allowed)} sites")
        if params.get("when") == "expanding" and not expanding[i]:
            update(i, False, "no expansion proposed (expansion_ha empty, no proposed polygon)")
        for key, want in (("if", True), ("unless", False)):
            if key not in params:
                continue
            flags = [_bool_value(values[i]) for values in flag_columns[key].values()]
            if any(flags):
                hit: bool | None = True
            elif all(f is False for f in flags):
                hit = False
            else:
                hit = None
            if hit is None:
                update(i, None, f"{params[key].replace('|', '/')} unknown")
            elif hit is not want:
                update(i, False, f"{key} {params[key].replace('|', ' or ')}: condition not met")
    return applies, why
