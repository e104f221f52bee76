"""Straight-line distances to the hub parks, the nearest hub and the satellites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import SchemaError
from ..crs import METRIC_CRS, assert_metric
from ..schema import hub_parks
from .positions import _accuracy_columns, _check_sites, _ids, _sites

__all__ = ["SATELLITE_MAX_KM", "distance_matrix", "nearest_parks"]

#: Default radius of the satellite network, in km (on ``straight_km``). A planning assumption,
#: not a legal threshold: about 30 minutes by motorbike at 30 km/h on the delta's provincial
#: roads, the daily commute of a cluster's workforce and the same-trip reach of a supplier
#: delivering to a park. Pass ``max_km`` to test other radii.
SATELLITE_MAX_KM = 15.0


def _select_hubs(
    parks: gpd.GeoDataFrame,
    *,
    max_km: float,
    major_only: bool,
    park_names: Sequence[str] | None,
    crs: str,
) -> gpd.GeoDataFrame:
    """Check the options of :func:`nearest_parks` and select the hub parks."""
    if not max_km > 0:
        raise SchemaError(f"max_km must be a positive distance in km, not {max_km!r}.")
    assert_metric(crs)
    return hub_parks(parks, major_only=major_only, park_names=park_names)


@dataclass(frozen=True)
class _Matrix:
    """Straight-line measures of every (cluster, park) pair, arrays of shape (clusters, parks)."""

    km: np.ndarray  # on the pair's basis: edges where both outlines are real, else points
    points_km: np.ndarray  # between the sites' points
    edges: np.ndarray  # bool: measured edge to edge
    rank: np.ndarray  # accuracy rank of the pair (worst of what its distances rest on)


def _km(clusters: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, crs: str) -> _Matrix:
    c, p = _sites(clusters, "clusters", crs), _sites(parks, "parks", crs)
    edges = c.real[:, None] & p.real[None, :]
    points_km = shapely.distance(c.point[:, None], p.point[None, :]) / 1000
    km = points_km.copy()
    if edges.any():
        i, j = np.nonzero(edges)
        km[i, j] = shapely.distance(c.geom[i], p.geom[j]) / 1000
    # the point of a real outline is as good as the outline: the worse of the two points is
    # the accuracy of every distance of the pair, edge to edge or between points
    rank = np.maximum(c.point_rank[:, None], p.point_rank[None, :])
    return _Matrix(km, points_km, edges, rank)


def distance_matrix(
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    form: str = "long",
    major_only: bool = True,
    park_names: Sequence[str] | None = None,
    crs: str = METRIC_CRS,
) -> pd.DataFrame:
    """Straight-line distances in km from every cluster to every (major) park.

    Parameters
    ----------
    clusters, parks : geopandas.GeoDataFrame
        Site layers with a CRS (footprints; ``lon``/``lat`` stand in for a missing one).
        Parks need ``site_id`` and ``name_vi``. ``footprint_accuracy`` and
        ``location_accuracy`` (else ``accuracy``) say how far the geometry can be trusted;
        untagged geometry counts as illustrative.
    form : {"long", "wide"}, default "long"
        ``"long"``: one row per pair with ``site_id``, ``park_id``, ``park_name``,
        ``straight_km`` (on the pair's basis), ``straight_basis`` (``"edges"`` where both
        footprints are real outlines, else ``"points"``), ``straight_km_points`` (between the
        sites' points), ``distance_accuracy`` and ``distance_precision_km``; ``"wide"``:
        ``straight_km``, index of ``clusters``, one column per ``park_id``.
    major_only : bool, default True
        Only parks with ``major`` True.
    park_names : sequence of str, optional
        Use these parks (``name_vi`` or ``site_id``) instead of the major ones.
    crs : str, default "EPSG:3405"
        Metric CRS of the measurement.

    Returns
    -------
    pandas.DataFrame
        Distances in km, measured in ``crs``, unrounded.

    Raises
    ------
    SchemaError
        Unknown park names, duplicate park names or ids, sites without footprint and point,
        unknown ``form``.
    CRSError
        A layer without CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A"]}, geometry=[Point(600000, 2240000)],
    ...                       crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-B", "KCN-C"], "name_vi": ["KCN B", "KCN C"],
    ...                        "major": [True, True]},
    ...                       geometry=[Point(603000, 2244000), Point(600000, 2230000)], crs=3405)
    >>> distance_matrix(cl, pk, form="wide").round(1).to_dict("records")
    [{'KCN-B': 5.0, 'KCN-C': 10.0}]
    """
    if form not in ("long", "wide"):
        raise SchemaError(f"form must be 'long' or 'wide', not {form!r}.")
    assert_metric(crs)
    hubs = hub_parks(parks, major_only=major_only, park_names=park_names)
    _check_sites(clusters, "clusters")
    _check_sites(hubs, "parks")
    m = _km(clusters, hubs, crs)
    p_ids = hubs["site_id"].astype(str).to_numpy()
    if form == "wide":
        return pd.DataFrame(m.km, index=clusters.index, columns=pd.Index(p_ids, name="park_id"))
    n_c, n_p = m.km.shape
    return pd.DataFrame(
        {
            "site_id": np.repeat(_ids(clusters), n_p),
            "park_id": np.tile(p_ids, n_c),
            "park_name": np.tile(hubs["name_vi"].astype(str).to_numpy(), n_c),
            "straight_km": m.km.ravel(),
            "straight_basis": np.where(m.edges, "edges", "points").ravel(),
            "straight_km_points": m.points_km.ravel(),
            **_accuracy_columns(m.rank.ravel()),
        }
    )


def nearest_parks(
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    max_km: float = SATELLITE_MAX_KM,
    major_only: bool = True,
    park_names: Sequence[str] | None = None,
    crs: str = METRIC_CRS,
) -> gpd.GeoDataFrame:
    """Find the nearest (major) park of every cluster and mark the satellites.

    Parameters
    ----------
    clusters : geopandas.GeoDataFrame
        Cluster layer with a CRS.
    parks : geopandas.GeoDataFrame
        Park layer with ``site_id``, ``name_vi`` and ``major``.
    max_km : float, default 15.0
        Satellite radius on ``straight_km``, in km (see :data:`SATELLITE_MAX_KM`: about
        30 min by motorbike, the daily commute and same-trip supply radius; an assumption).
    major_only : bool, default True
        Only parks with ``major`` True are hubs.
    park_names : sequence of str, optional
        Use these parks (``name_vi`` or ``site_id``) as hubs instead of the major ones.
    crs : str, default "EPSG:3405"
        Metric CRS of the measurement.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``clusters`` (same index and CRS) with ``nearest_park_id``,
        ``nearest_park`` (name), ``straight_km`` (km; edge to edge where both footprints are
        real outlines, else between the sites' points), ``straight_basis`` (``"edges"`` /
        ``"points"``), ``straight_km_points`` (between the points, km, to the same park),
        ``distance_accuracy`` (worst accuracy class of the two positions: a real outline, or
        the point ``lon``/``lat`` of ``location_accuracy``),
        ``distance_precision_km`` (the rounding step that accuracy supports,
        :data:`DISTANCE_PRECISION_KM`), ``is_satellite`` (``straight_km <= max_km``) and
        ``satellite_rank`` (Int64: 1 = the closest of the satellites of that park; NA for
        clusters that are not satellites). Distances are unrounded.

    Raises
    ------
    SchemaError
        Unknown park names, duplicate park names or ids, no major park, sites without
        footprint and point.
    CRSError
        A layer without CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A", "CCN-B"]},
    ...                       geometry=[Point(600000, 2240000), Point(600000, 2270000)], crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-X"], "name_vi": ["KCN X"], "major": [True]},
    ...                       geometry=[Point(603000, 2244000)], crs=3405)
    >>> out = nearest_parks(cl, pk)
    >>> out[["nearest_park", "straight_km", "is_satellite", "satellite_rank"]].round(1)
      nearest_park  straight_km  is_satellite  satellite_rank
    0        KCN X          5.0          True               1
    1        KCN X         26.2         False            <NA>
    >>> out[["straight_basis", "distance_accuracy", "distance_precision_km"]].to_dict("list")
    {'straight_basis': ['points', 'points'], 'distance_accuracy': ['illustrative', \
'illustrative'], 'distance_precision_km': [1.0, 1.0]}
    """
    hubs = _select_hubs(parks, max_km=max_km, major_only=major_only, park_names=park_names, crs=crs)
    _check_sites(clusters, "clusters")
    _check_sites(hubs, "parks")
    return _nearest(clusters, hubs, max_km=max_km, crs=crs)


def _nearest_parks(
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    max_km: float = SATELLITE_MAX_KM,
    major_only: bool = True,
    park_names: Sequence[str] | None = None,
    crs: str = METRIC_CRS,
) -> gpd.GeoDataFrame:
    """:func:`nearest_parks` for layers already checked at the door (no coordinate checks)."""
    hubs = _select_hubs(parks, max_km=max_km, major_only=major_only, park_names=park_names, crs=crs)
    return _nearest(clusters, hubs, max_km=max_km, crs=crs)


def _nearest(
    clusters: gpd.GeoDataFrame, hubs: gpd.GeoDataFrame, *, max_km: float, crs: str
) -> gpd.GeoDataFrame:
    m = _km(clusters, hubs, crs)
    # Nearest on straight_km; ties (e.g. footprints touching two parks) go to the nearer
    # point, then to the smaller park site_id, so row order never matters.
    park_rank = np.broadcast_to(np.argsort(np.argsort(hubs["site_id"].astype(str))), m.km.shape)
    pick = np.lexsort((park_rank, m.points_km, m.km), axis=-1)[:, 0]
    rows = np.arange(len(pick))
    out = clusters.copy()
    out["nearest_park_id"] = hubs["site_id"].astype(str).to_numpy()[pick]
    out["nearest_park"] = hubs["name_vi"].astype(str).to_numpy()[pick]
    out["straight_km"] = m.km[rows, pick]
    out["straight_basis"] = np.where(m.edges[rows, pick], "edges", "points")
    out["straight_km_points"] = m.points_km[rows, pick]
    for col, values in _accuracy_columns(m.rank[rows, pick]).items():
        out[col] = values
    out["is_satellite"] = out["straight_km"] <= max_km
    sat = out[out["is_satellite"]]
    # ties on straight_km (e.g. touching footprints) are broken by the point distance,
    # then by site_id
    order = sat.sort_values(
        ["nearest_park_id", "straight_km", "straight_km_points", "site_id"], kind="stable"
    )
    rank = order.groupby("nearest_park_id", sort=False).cumcount() + 1
    out["satellite_rank"] = pd.Series(rank, dtype="Int64").reindex(out.index)
    return out
