"""The zoning-review step and the zoning outcome carried by the cluster layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..options import ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd


def zoning_step(state: ReviewState) -> ReviewState:
    """Check the zoning-review rules on every cluster; the summary, decidability and rules.

    The heritage and protected-area rules read the ``protected_areas`` layer (the embedded one
    unless the inputs put another in its place); the tables ``zoning_decided`` and
    ``zoning_missing`` say what share of (site, rule) pairs the data decide and which missing
    data would decide the rest.
    """
    from ... import zoning

    protected = state.layers.get("protected_areas")
    layers = {} if protected is None else {"heritage": protected}
    findings = zoning.check(state.clusters, exposure=state.tables["exposure"], layers=layers)
    summary = zoning.summarize(findings)
    return state.add(
        clusters=with_outcome(state.clusters, summary),
        layers={"zoning_findings": findings},
        tables={
            "findings_summary": summary,
            "findings": findings,
            "rules": zoning.load_rules(),
            "zoning_decided": zoning.decided_share(findings),
            "zoning_missing": zoning.missing_data(findings, lang=state.options.lang),
        },
    )


def with_outcome(clusters: gpd.GeoDataFrame, summary: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return the clusters with their zoning outcome: ``worst_result`` and ``binding_rule``.

    Taken from the ``findings_summary`` table (NA for a cluster without findings), so that the
    cluster layer can be drawn by zoning outcome (an alternate QGIS style).

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"site_id": ["A", "B"]})
    >>> s = pd.DataFrame({"site_id": ["A"], "worst_result": ["fail"], "binding_rule": ["CCN-01"]})
    >>> with_outcome(cl, s)["worst_result"].tolist()
    ['fail', <NA>]
    """
    columns = ["worst_result", "binding_rule"]
    by_site = summary.drop_duplicates("site_id").set_index("site_id")
    out = clusters.drop(columns=columns, errors="ignore")
    return out.assign(**{c: out["site_id"].map(by_site[c]).astype("string") for c in columns})
