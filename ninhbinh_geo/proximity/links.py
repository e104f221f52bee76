"""Satellite links: a line from each satellite cluster to its hub, with the pair's distances."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import SchemaError, first_ids
from ..crs import METRIC_CRS, STORAGE_CRS
from .positions import _check_sites, _ids, _sites

__all__ = ["ROAD_REASON_OTHER_PARK", "satellite_links"]


def satellite_links(
    clusters_with_proximity: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    satellites_only: bool = True,
    crs: str = METRIC_CRS,
) -> gpd.GeoDataFrame:
    """Draw a line from each satellite cluster to its park, for maps.

    Parameters
    ----------
    clusters_with_proximity : geopandas.GeoDataFrame
        Output of :func:`nearest_parks`, optionally after ``network.road_distances(...,
        target="both")``: each link then carries the road distance of its own (cluster,
        park) pair, ``road_km_to_nearest``, with ``road_reason_to_nearest``. After
        ``target="nearest_park_id"`` (or ``"nearest_park"``) ``road_km`` is carried where
        ``road_park_id`` is the link's park, else NaN with ``road_reason``
        ``"road_reason.other_park"``.
    parks : geopandas.GeoDataFrame
        The park layer given to :func:`nearest_parks`.
    satellites_only : bool, default True
        Draw only clusters with ``is_satellite`` True.
    crs : str, default "EPSG:3405"
        Metric CRS in which the points are taken.

    Returns
    -------
    geopandas.GeoDataFrame
        LineStrings cluster point → park point (the points ``straight_km_points`` runs
        between) in EPSG:4326, index of the clusters, with ``site_id``, ``park_id``,
        ``park_name``, ``straight_km``, ``rank`` (Int64), and where the clusters have them
        ``straight_basis``, ``distance_accuracy``, ``distance_precision_km``, ``road_km``,
        ``road_reason`` (a ``labels`` key, NA where ``road_km`` is given) and
        ``max_snap_m`` (the access leg allowed off the road layer).

    Raises
    ------
    SchemaError
        When the proximity columns are missing or a ``nearest_park_id`` is not in ``parks``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo.proximity import nearest_parks
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A"]}, geometry=[Point(600000, 2240000)],
    ...                       crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-X"], "name_vi": ["KCN X"], "major": [True]},
    ...                       geometry=[Point(603000, 2244000)], crs=3405)
    >>> links = satellite_links(nearest_parks(cl, pk), pk)
    >>> links[["site_id", "park_id", "straight_km", "rank"]].to_dict("records")
    [{'site_id': 'CCN-A', 'park_id': 'KCN-X', 'straight_km': 5.0, 'rank': 1}]
    >>> links.crs.to_epsg()
    4326
    """
    cl, lookup = _link_inputs(clusters_with_proximity, parks, satellites_only=satellites_only)
    if not cl.empty:
        _check_sites(cl, "clusters")
        _check_sites(parks, "parks")
    return _links(cl, parks, lookup, crs)


def _satellite_links(
    clusters_with_proximity: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    satellites_only: bool = True,
    crs: str = METRIC_CRS,
) -> gpd.GeoDataFrame:
    """:func:`satellite_links` for layers already checked at the door (no coordinate checks)."""
    cl, lookup = _link_inputs(clusters_with_proximity, parks, satellites_only=satellites_only)
    return _links(cl, parks, lookup, crs)


def _link_inputs(
    clusters_with_proximity: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, *, satellites_only: bool
) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Check the proximity columns and the parks; return the clusters to draw and park rows."""
    need = ["nearest_park_id", "straight_km", "is_satellite", "satellite_rank"]
    missing = [c for c in need if c not in clusters_with_proximity.columns]
    if missing:
        raise SchemaError(
            f"Layer 'clusters' lacks {missing}; run proximity.nearest_parks(clusters, parks) "
            f"first and pass its result."
        )
    cl = clusters_with_proximity
    if satellites_only:
        cl = cl[cl["is_satellite"].fillna(False).astype(bool)]
    if not isinstance(parks, gpd.GeoDataFrame) or "site_id" not in parks.columns:
        raise SchemaError("Layer 'parks' must be a GeoDataFrame with 'site_id' and 'name_vi'.")
    dup = parks["site_id"].duplicated(keep=False)
    if dup.any():
        raise SchemaError(
            f"Layer 'parks', column 'site_id': duplicated {first_ids(parks['site_id'][dup])}."
        )
    lookup = pd.Series(np.arange(len(parks)), index=parks["site_id"].astype(str))
    unknown = sorted(set(cl["nearest_park_id"].astype(str)) - set(lookup.index))
    if unknown:
        raise SchemaError(
            f"Layer 'clusters', column 'nearest_park_id': {first_ids(unknown)} are not in the "
            f"parks layer; pass the same parks as to nearest_parks."
        )
    return cl, lookup


#: ``road_reason`` of a link whose cluster was measured by road to another park only.
ROAD_REASON_OTHER_PARK = "road_reason.other_park"
_CARRIED = ("straight_basis", "distance_accuracy", "distance_precision_km")


def _link_roads(cl: gpd.GeoDataFrame, park_id: np.ndarray) -> dict[str, object]:
    """Road distance and reason of each link's own (cluster, park) pair, where measured."""
    na = pd.Series(pd.NA, index=cl.index, dtype="string")
    if "road_km_to_nearest" in cl.columns:
        road = cl["road_km_to_nearest"].astype(float)
        reason = cl.get("road_reason_to_nearest", na).astype("string")
    elif "road_km" in cl.columns:
        road = cl["road_km"].astype(float)
        reason = cl.get("road_reason", na).astype("string")
        if "road_park_id" in cl.columns:
            # a road distance to another park than the one the line is drawn to must not show
            other = (cl["road_park_id"].astype(str) != park_id).to_numpy()
            road = road.where(~other)
            reason = reason.where(~other, ROAD_REASON_OTHER_PARK)
    else:
        return {}
    out: dict[str, object] = {"road_km": road.to_numpy(), "road_reason": reason.array}
    if "max_snap_m" in cl.columns:
        out["max_snap_m"] = cl["max_snap_m"].to_numpy(dtype=float)
    return out


def _links(
    cl: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, lookup: pd.Series, crs: str
) -> gpd.GeoDataFrame:
    park_id = cl["nearest_park_id"].astype(str).to_numpy()
    cols: dict[str, object] = {
        "site_id": _ids(cl),
        "park_id": park_id,
        "park_name": cl.get("nearest_park", pd.Series(pd.NA, index=cl.index)).to_numpy(),
        "straight_km": cl["straight_km"].to_numpy(dtype=float),
        **{c: cl[c].to_numpy() for c in _CARRIED if c in cl.columns},
        "rank": pd.array(cl["satellite_rank"], dtype="Int64"),
        **_link_roads(cl, park_id),
    }
    if cl.empty:
        return gpd.GeoDataFrame(cols, geometry=[], index=cl.index, crs=STORAGE_CRS)
    c_pt = _sites(cl, "clusters", crs).point
    p_pt = _sites(parks, "parks", crs).point[lookup[park_id].to_numpy()]
    lines = shapely.linestrings(
        np.stack([shapely.get_coordinates(c_pt), shapely.get_coordinates(p_pt)], axis=1)
    )
    out = gpd.GeoDataFrame(cols, geometry=lines, index=cl.index, crs=crs)
    return out.to_crs(STORAGE_CRS)
