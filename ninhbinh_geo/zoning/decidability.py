"""How much of a review the data decide, and which missing data would decide the rest.

A (site, rule) pair is *decided* when its result is ``pass``, ``fail`` or ``not_applicable``,
and undecided when it ``needs_review``. Each undecided finding names in ``missing_input`` the
input(s) that would decide it, as ``kind:detail`` keys separated by ``; ``:

============ ======================================================================
kind         meaning
============ ======================================================================
``column``   a site attribute is empty (``column:area_ha``, ``column:status``…)
``layer``    the layer the rule needs was not supplied (``layer:dykes``)
``position`` the site's position is approximate or illustrative (``position:approximate``)
``footprint`` the footprint is illustrative or missing (``footprint:illustrative``)
``zones``    the layer lacks the polygons of the zone the rule is about (``zones:heritage``)
``hazard``   the hazard raster is illustrative or does not cover the site
``exposure`` the exposure table has no row for the rule's hazard
``sites``    the site layer lacks the other sites the rule compares with
``review``   the rule itself asks for a case-by-case review when violated
``source``   the rule's legal source is unverified (status U), so it cannot fail
============ ======================================================================
"""

from __future__ import annotations

import pandas as pd

from .._errors import SchemaError
from ..labels import label

_DECIDED = ("pass", "fail", "not_applicable")
_DEFAULT_LABEL = {"column", "layer", "zones"}


def _need(findings: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in findings.columns]
    if missing:
        raise SchemaError(
            f"Layer 'findings' lacks column(s) {missing}; pass the output of zoning.check()."
        )


def decided_share(findings: pd.DataFrame) -> pd.DataFrame:
    """Return the share of (site, rule) pairs the data decide, per rule and in all.

    Parameters
    ----------
    findings : pandas.DataFrame
        The output of :func:`~ninhbinh_geo.zoning.check` (``rule_id`` and ``result`` are read).

    Returns
    -------
    pandas.DataFrame
        One row per rule in order of first appearance, then a row ``rule_id = "all"``:
        ``pairs``, ``decided`` (pass, fail or not applicable), ``n_pass``, ``n_fail``,
        ``n_not_applicable``, ``n_needs_review`` and ``decided_share`` (decided ÷ pairs,
        0–1).

    Raises
    ------
    SchemaError
        When ``findings`` lacks ``rule_id`` or ``result``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"rule_id": ["A", "A", "B", "B"],
    ...                   "result": ["pass", "needs_review", "fail", "not_applicable"]})
    >>> decided_share(f)[["rule_id", "pairs", "decided", "decided_share"]].values.tolist()
    [['A', 2, 1, 0.5], ['B', 2, 2, 1.0], ['all', 4, 3, 0.75]]
    """
    _need(findings, ("rule_id", "result"))
    counts = pd.crosstab(findings["rule_id"], findings["result"])
    order = list(pd.unique(findings["rule_id"]))
    counts = counts.reindex(index=order, columns=[*_DECIDED, "needs_review"], fill_value=0)
    counts.loc["all"] = counts.sum()
    out = pd.DataFrame({"rule_id": counts.index, "pairs": counts.sum(axis=1).to_numpy()})
    out["decided"] = counts[list(_DECIDED)].sum(axis=1).to_numpy()
    for result in ("pass", "fail", "not_applicable", "needs_review"):
        out[f"n_{result}"] = counts[result].to_numpy()
    out["decided_share"] = (out["decided"] / out["pairs"].where(out["pairs"] > 0)).astype(float)
    return out.reset_index(drop=True)


def missing_text(key: str, lang: str = "vi") -> str:
    """Return a missing-input key in words.

    Parameters
    ----------
    key : str
        A ``kind:detail`` key of ``missing_input`` (see the module's docstring).
    lang : {"vi", "en"}, default "vi"
        Language.

    Returns
    -------
    str
        E.g. ``"craft_village/mountainous unknown"`` for ``column:craft_village|mountainous``.

    Examples
    --------
    >>> missing_text("layer:dykes", "en")
    'dykes layer absent'
    >>> missing_text("position:approximate", "en")
    'site position (approximate location)'
    """
    kind, _, detail = key.partition(":")
    detail = detail.replace("|", "/")
    if kind in _DEFAULT_LABEL:
        return label(f"missing.{kind}", lang).format(what=detail)
    try:
        return label(f"missing.{kind}.{detail}" if detail else f"missing.{kind}", lang)
    except KeyError:
        return key


def missing_data(findings: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """Return, for the undecided pairs, which missing input would decide them, with counts.

    Parameters
    ----------
    findings : pandas.DataFrame
        The output of :func:`~ninhbinh_geo.zoning.check` (``site_id``, ``rule_id``,
        ``result`` and ``missing_input`` are read).
    lang : {"vi", "en"}, default "en"
        Language of the ``missing`` text.

    Returns
    -------
    pandas.DataFrame
        One row per missing input, most pairs first: ``missing_input`` (the key),
        ``missing`` (in words), ``pairs`` (undecided pairs that need it), ``alone`` (pairs
        that need nothing else: supplying it decides them), ``sites`` (distinct sites) and
        ``rules`` (the rule ids, comma-separated). A pair that needs two inputs counts under
        both, so ``pairs`` may sum to more than the undecided pairs; ``alone`` does not.

    Raises
    ------
    SchemaError
        When ``findings`` lacks one of the columns read.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"site_id": ["a", "b", "a"], "rule_id": ["R1", "R1", "R2"],
    ...     "result": ["needs_review", "needs_review", "pass"],
    ...     "missing_input": ["layer:dykes", "layer:dykes; column:status", ""]})
    >>> missing_data(f)[["missing", "pairs", "alone", "sites"]].values.tolist()
    [['dykes layer absent', 2, 1, 2], ['status unknown', 1, 0, 1]]
    """
    _need(findings, ("site_id", "rule_id", "result", "missing_input"))
    open_ = findings[findings["result"] == "needs_review"]
    keys = open_["missing_input"].fillna("").map(lambda t: [k for k in t.split("; ") if k])
    keys = keys.map(lambda k: k or ["unknown"])
    long = pd.DataFrame(
        {
            "missing_input": keys.explode().to_numpy(),
            "site_id": open_["site_id"].repeat(keys.map(len)).to_numpy(),
            "rule_id": open_["rule_id"].repeat(keys.map(len)).to_numpy(),
            "alone": keys.map(len).eq(1).repeat(keys.map(len)).to_numpy(),
        }
    )
    columns = ["missing_input", "missing", "pairs", "alone", "sites", "rules"]
    if long.empty:
        return pd.DataFrame(columns=columns)
    out = long.groupby("missing_input", sort=False).agg(
        pairs=("rule_id", "size"),
        alone=("alone", "sum"),
        sites=("site_id", "nunique"),
        rules=("rule_id", lambda r: ", ".join(pd.unique(r))),
    )
    out = out.reset_index().sort_values(["pairs", "missing_input"], ascending=[False, True])
    out["missing"] = out["missing_input"].map(lambda k: missing_text(k, lang))
    out["alone"] = out["alone"].astype(int)
    return out[columns].reset_index(drop=True)
