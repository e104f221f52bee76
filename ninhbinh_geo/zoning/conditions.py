"""Applicability conditions: whether a rule applies to a site (True, False or unknown).

A rule applies by site kind (``applies_to``: CCN, KCN or both) and by the conditions in its
``params``: ``status=planned|...``, ``when=expanding``, ``if=<flag columns>`` and
``unless=<flag columns>``. An unknown kind, status or flag makes applicability unknown
(``None``), which the engine turns from a fail into ``needs_review`` — unless every value the
unknown flags could take leads to a violation (:func:`_violated_whatever_the_flags`): a
cluster over 75 ha breaks CCN-01 if it is an ordinary cluster and CCN-02 if it is a
craft-village or mountainous one, so it fails whatever its flags.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence

import pandas as pd

from .context import _blank, _bool_value, _Context

#: Keys of the ``params`` column understood by every check (applicability conditions).
_CONDITION_PARAMS = frozenset({"if", "unless", "status", "when"})
#: At most this many unknown flags are enumerated (2**n scenarios) to decide a rule group.
_MAX_UNKNOWN_FLAGS = 6

_Applies = tuple[bool | None, str, str]  # (applies, why, missing input when unknown)


def _site_kinds(sites: pd.DataFrame) -> pd.Series:
    if "kind" in sites.columns:
        kind = sites["kind"].astype("object").map(lambda v: None if _blank(v) else str(v).upper())
    else:
        kind = pd.Series(None, index=sites.index, dtype="object")
    prefix = sites["site_id"].astype(str).str[:3].str.upper()
    return kind.where(kind.notna(), prefix.where(prefix.isin(["CCN", "KCN"])))


def _flag_columns(rule: pd.Series) -> list[str]:
    """Return the flag columns of a rule's ``if``/``unless`` conditions, in order."""
    params = rule["params_dict"]
    cols = [c for key in ("if", "unless") if key in params for c in params[key].split("|")]
    return list(dict.fromkeys(cols))


def _applies_at(
    rule: pd.Series,
    kind: object,
    status: object,
    expanding: bool,
    flag: Callable[[str], bool | None],
) -> _Applies:
    """Whether ``rule`` applies to one site; ``flag(column)`` gives a flag's value or None."""
    state: list = [True, "", ""]

    def update(value: bool | None, text: str, missing: str = "") -> None:
        if value is False and state[0] is not False:
            state[:] = [False, text, ""]
        elif value is None and state[0] is True:
            state[:] = [None, text, missing]

    params = rule["params_dict"]
    if rule["applies_to"] != "both":
        if kind is None or pd.isna(kind):
            update(None, "site kind (CCN/KCN) unknown", "column:kind")
        elif kind != rule["applies_to"]:
            update(False, f"rule applies to {rule['applies_to']} only")
    if "status" in params:
        allowed = params["status"].split("|")
        if _blank(status):
            update(None, "site status unknown", "column:status")
        elif str(status) not in allowed:
            update(False, f"site status is {status!r}; rule is for {'/'.join(allowed)} sites")
    if params.get("when") == "expanding" and not expanding:
        update(False, "no expansion proposed (expansion_ha empty, no proposed polygon)")
    for key, want in (("if", True), ("unless", False)):
        if key not in params:
            continue
        flags = [flag(c) for c in params[key].split("|")]
        hit = True if any(flags) else (False if all(f is False for f in flags) else None)
        if hit is None:
            update(None, f"{params[key].replace('|', '/')} unknown", f"column:{params[key]}")
        elif hit is not want:
            update(False, f"{key} {params[key].replace('|', ' or ')}: condition not met")
    return state[0], state[1], state[2]


def _applies(ctx: _Context, rule: pd.Series) -> list[_Applies]:
    """Return (applies, why, missing input) per site; ``applies`` is True, False or None."""
    kinds = ctx.kinds.tolist()
    status = ctx.col("status").tolist()
    expanding = ctx.expanding.tolist()
    values = {c: [_bool_value(v) for v in ctx.col(c)] for c in _flag_columns(rule)}
    return [
        _applies_at(rule, kinds[i], status[i], expanding[i], lambda c, i=i: values[c][i])
        for i in range(len(ctx.sites))
    ]


def _violated_whatever_the_flags(
    ctx: _Context, i: int, rules: Sequence[pd.Series], violated: Mapping[str, bool]
) -> bool:
    """Whether site ``i`` breaks one of ``rules`` for every value of its unknown flags.

    ``rules`` share one check and their ``if``/``unless`` flags (CCN-01 and CCN-02);
    ``violated[rule_id]`` says whether the site breaks that rule's test (its outcome does not
    depend on the flags). A rule whose kind, status or expansion is unknown stops the
    reasoning: its applicability does not follow from the flags alone.
    """
    cols = list(dict.fromkeys(c for r in rules for c in _flag_columns(r)))
    known = {c: _bool_value(ctx.col(c).iloc[i]) for c in cols}
    unknown = [c for c, v in known.items() if v is None]
    if not unknown or len(unknown) > _MAX_UNKNOWN_FLAGS:
        return False
    kind, status = ctx.kinds.iloc[i], ctx.col("status").iloc[i]
    expanding = bool(ctx.expanding.iloc[i])
    for combo in itertools.product((True, False), repeat=len(unknown)):
        flags = {**known, **dict(zip(unknown, combo, strict=True))}
        broken = False
        for rule in rules:
            applies = _applies_at(rule, kind, status, expanding, flags.get)[0]
            if applies is None:
                return False
            broken |= bool(applies) and violated[rule["rule_id"]]
        if not broken:
            return False
    return True


def _flag_groups(table: pd.DataFrame) -> list[list[pd.Series]]:
    """Rules grouped by check and flag columns (CCN-01 and CCN-02 form one group)."""
    groups: dict[tuple[str, frozenset[str]], list[pd.Series]] = {}
    for _, rule in table.iterrows():
        cols = _flag_columns(rule)
        if cols:
            groups.setdefault((rule["check"], frozenset(cols)), []).append(rule)
    return list(groups.values())
