"""Steps on the sites themselves: efficiency, straight-line proximity, road distances."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..options import ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


def efficiency_step(state: ReviewState) -> ReviewState:
    """Measure occupancy, jobs and projects per ha; sum them by province and district."""
    import pandas as pd

    from ... import efficiency

    clusters = efficiency.site_indicators(state.clusters)
    facts = state.tables["facts"]
    by_province = [
        efficiency.aggregate(clusters, by=by, facts=facts) for by in ("province", "former_province")
    ]
    tables = {
        "efficiency": pd.concat(by_province, ignore_index=True),
        # the district names are the aggregate's index: kept as the first column
        "efficiency_district": efficiency.aggregate(clusters, by="district_old").reset_index(),
    }
    return state.add(clusters=clusters, tables=tables)


def proximity_step(state: ReviewState) -> ReviewState:
    """Measure the straight-line distance of every cluster to the nearest major park."""
    from ... import proximity

    kw = {} if state.options.max_km is None else {"max_km": state.options.max_km}
    # The clusters and parks were checked when loaded: the trusting inner function.
    return state.add(clusters=proximity._nearest_parks(state.clusters, state.parks, **kw))


def network_step(state: ReviewState) -> ReviewState:
    """Measure road distances to the parks over the road graph; draw the satellite links.

    Each cluster gets the road distance to its nearest hub in a straight line
    (``road_km_to_nearest``) and the nearest hub by road (``road_park``, ``road_km``), with
    the same access leg allowed off the road layer (``max_snap_m``) for sites and parks;
    each link carries the road distance of its own (cluster, hub) pair.
    """
    import pandas as pd

    from ... import network, proximity

    graph = network.build_graph(state.layers["roads"])
    # the straight-line nearest hub comes from the proximity step, when it ran
    target = "both" if "nearest_park_id" in state.clusters.columns else "nearest_park"
    clusters = network.road_distances(
        graph, state.clusters, state.parks, max_snap_m=state.options.max_snap_m, target=target
    )
    # the nearest hub by road may be another park than the straight-line one: its own accuracy
    by_road = proximity.pair_accuracy(clusters, state.parks, park_id_column="road_park_id")
    clusters = clusters.assign(
        road_accuracy=by_road["distance_accuracy"],
        road_precision_km=by_road["distance_precision_km"],
    )
    links = proximity._satellite_links(clusters, state.parks)
    return state.add(
        clusters=clusters,
        graph=graph,
        layers={"satellite_links": links},
        tables={
            "network": pd.DataFrame(graph.components),
            "road_access": road_access(clusters, links, max_snap_m=state.options.max_snap_m),
        },
    )


def road_access(clusters: pd.DataFrame, links: pd.DataFrame, *, max_snap_m: float) -> pd.DataFrame:
    """Count the road distances measured and, for the others, why not.

    One row per (layer, outcome): the clusters' ``road_km_to_nearest`` (else ``road_km``)
    and the links' ``road_km``, with ``with_road_km``, ``road_reason`` (a ``labels`` key, NA
    where measured), ``rows``, ``share`` of the layer and ``max_snap_m``, the access leg
    allowed off the road layer.

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"road_km": [3.0, None], "road_reason": [None, "road_reason.site_far"]})
    >>> road_access(cl, cl.iloc[:0], max_snap_m=5000)[["layer", "rows", "share"]].to_dict("list")
    {'layer': ['clusters', 'clusters'], 'rows': [1, 1], 'share': [0.5, 0.5]}
    """
    import pandas as pd

    suffix = "_to_nearest" if "road_km_to_nearest" in clusters.columns else ""
    parts = []
    for layer, frame, sfx in (("clusters", clusters, suffix), ("satellite_links", links, "")):
        if f"road_km{sfx}" not in frame.columns or frame.empty:
            continue
        has = frame[f"road_km{sfx}"].notna()
        reason = frame[f"road_reason{sfx}"].astype("string").where(~has)
        counts = (
            pd.DataFrame({"with_road_km": has, "road_reason": reason})
            .value_counts(dropna=False, sort=False)
            .rename("rows")
            .reset_index()
            .sort_values(["with_road_km", "rows"], ascending=False, kind="stable")
        )
        counts.insert(0, "layer", layer)
        counts["share"] = counts["rows"] / len(frame)
        parts.append(counts)
    if not parts:
        return pd.DataFrame()
    out = pd.concat(parts, ignore_index=True)
    out["max_snap_m"] = float(max_snap_m)
    return out
