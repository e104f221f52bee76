"""Straight-line distances from clusters to the major parks: the satellite network.

Distances are measured in a metric CRS (EPSG:3405 by default, via :func:`crs.to_metric`), in
two ways that are both reported: edge to edge between the footprints (how far apart the
sites really are; 0 when they touch) and between representative points (points inside each
footprint, comparable with road distances, which start from those points).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from ._errors import CRSError, SchemaError, first_ids
from .crs import METRIC_CRS, STORAGE_CRS, assert_metric, check_coordinates, project_checked
from .schema import hub_parks

__all__ = ["SATELLITE_MAX_KM", "distance_matrix", "nearest_parks", "satellite_links"]

#: Default radius of the satellite network, in km (edge to edge). A planning assumption, not
#: a legal threshold: about 30 minutes by motorbike at 30 km/h on the delta's provincial
#: roads, the daily commute of a cluster's workforce and the same-trip reach of a supplier
#: delivering to a park. Pass ``max_km`` to test other radii.
SATELLITE_MAX_KM = 15.0


def _ids(sites: pd.DataFrame) -> np.ndarray:
    if "site_id" in sites.columns:
        return sites["site_id"].astype(str).to_numpy()
    return sites.index.astype(str).to_numpy()


def _check_sites(sites: gpd.GeoDataFrame, layer: str) -> None:
    """Check a site layer at the door: a GeoDataFrame with a CRS its coordinates fit."""
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError(f"Layer '{layer}' must be a GeoDataFrame, not {type(sites).__name__}.")
    if sites.crs is None:
        raise CRSError(f"Layer '{layer}' has no CRS; set it, e.g. {layer}.set_crs('EPSG:4326').")
    check_coordinates(sites, layer)


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


def _shapes(sites: gpd.GeoDataFrame, layer: str, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Return footprints and representative points in ``crs``; ``lon``/``lat`` stand in.

    ``sites`` was checked at the door (:func:`_check_sites`).
    """
    geom = np.asarray(project_checked(sites, crs).geometry.values, dtype=object)
    nogeom = shapely.is_missing(geom) | shapely.is_empty(geom)
    if nogeom.any() and {"lon", "lat"} <= set(sites.columns):
        lonlat = sites.loc[nogeom, ["lon", "lat"]].to_numpy(dtype=float)
        ok = np.isfinite(lonlat).all(axis=1)
        tr = pyproj.Transformer.from_crs(STORAGE_CRS, crs, always_xy=True)
        x, y = tr.transform(lonlat[ok, 0], lonlat[ok, 1])
        fill = np.flatnonzero(nogeom)[ok]
        geom[fill] = shapely.points(np.c_[x, y])
        nogeom = shapely.is_missing(geom) | shapely.is_empty(geom)
    if nogeom.any():
        raise SchemaError(
            f"Layer '{layer}': {int(nogeom.sum())} sites have no footprint and no lon/lat point "
            f"(site_id {first_ids(_ids(sites)[nogeom])}). Give them a geometry or lon/lat, or "
            f"drop them before measuring distances."
        )
    return geom, shapely.point_on_surface(geom)


def _km(
    clusters: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, crs: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    c_geom, c_pt = _shapes(clusters, "clusters", crs)
    p_geom, p_pt = _shapes(parks, "parks", crs)
    edge = shapely.distance(c_geom[:, None], p_geom[None, :]) / 1000
    point = shapely.distance(c_pt[:, None], p_pt[None, :]) / 1000
    return edge, point, c_pt, p_pt


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
        Parks need ``site_id`` and ``name_vi``.
    form : {"long", "wide"}, default "long"
        ``"long"``: one row per pair with ``site_id``, ``park_id``, ``park_name``,
        ``straight_km`` (edge to edge) and ``straight_km_points``; ``"wide"``: edge-to-edge
        km, index of ``clusters``, one column per ``park_id``.
    major_only : bool, default True
        Only parks with ``major`` True.
    park_names : sequence of str, optional
        Use these parks (``name_vi`` or ``site_id``) instead of the major ones.
    crs : str, default "EPSG:3405"
        Metric CRS of the measurement.

    Returns
    -------
    pandas.DataFrame
        Distances in km, measured in ``crs``.

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
    edge, point, _, _ = _km(clusters, hubs, crs)
    p_ids = hubs["site_id"].astype(str).to_numpy()
    if form == "wide":
        return pd.DataFrame(edge, index=clusters.index, columns=pd.Index(p_ids, name="park_id"))
    n_c, n_p = edge.shape
    return pd.DataFrame(
        {
            "site_id": np.repeat(_ids(clusters), n_p),
            "park_id": np.tile(p_ids, n_c),
            "park_name": np.tile(hubs["name_vi"].astype(str).to_numpy(), n_c),
            "straight_km": edge.ravel(),
            "straight_km_points": point.ravel(),
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
        Satellite radius, edge to edge, in km (see :data:`SATELLITE_MAX_KM`: about 30 min
        by motorbike, the daily commute and same-trip supply radius; an assumption).
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
        ``nearest_park`` (name), ``straight_km`` (edge to edge, km), ``straight_km_points``
        (between representative points, km, to the same park), ``is_satellite``
        (``straight_km <= max_km``) and ``satellite_rank`` (Int64: 1 = the closest of the
        satellites of that park; NA for clusters that are not satellites).

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
    """
    hubs = _select_hubs(
        parks, max_km=max_km, major_only=major_only, park_names=park_names, crs=crs
    )
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
    hubs = _select_hubs(
        parks, max_km=max_km, major_only=major_only, park_names=park_names, crs=crs
    )
    return _nearest(clusters, hubs, max_km=max_km, crs=crs)


def _nearest(
    clusters: gpd.GeoDataFrame, hubs: gpd.GeoDataFrame, *, max_km: float, crs: str
) -> gpd.GeoDataFrame:
    edge, point, _, _ = _km(clusters, hubs, crs)
    # Nearest by edge distance; ties (e.g. a footprint touching two parks) go to the nearer
    # representative point, then to the smaller park site_id, so row order never matters.
    park_rank = np.broadcast_to(np.argsort(np.argsort(hubs["site_id"].astype(str))), edge.shape)
    pick = np.lexsort((park_rank, point, edge), axis=-1)[:, 0]
    rows = np.arange(len(pick))
    out = clusters.copy()
    out["nearest_park_id"] = hubs["site_id"].astype(str).to_numpy()[pick]
    out["nearest_park"] = hubs["name_vi"].astype(str).to_numpy()[pick]
    out["straight_km"] = edge[rows, pick]
    out["straight_km_points"] = point[rows, pick]
    out["is_satellite"] = out["straight_km"] <= max_km
    sat = out[out["is_satellite"]]
    # ties on the edge distance (e.g. touching footprints) are broken by the point distance,
    # then by site_id
    order = sat.sort_values(
        ["nearest_park_id", "straight_km", "straight_km_points", "site_id"], kind="stable"
    )
    rank = order.groupby("nearest_park_id", sort=False).cumcount() + 1
    out["satellite_rank"] = pd.Series(rank, dtype="Int64").reindex(out.index)
    return out


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
        Output of :func:`nearest_parks`. ``road_km`` is carried when present (after
        ``network.road_distances(..., target="nearest_park_id")``); where its
        ``road_park_id`` is another park than ``nearest_park_id`` it is left NaN.
    parks : geopandas.GeoDataFrame
        The park layer given to :func:`nearest_parks`.
    satellites_only : bool, default True
        Draw only clusters with ``is_satellite`` True.
    crs : str, default "EPSG:3405"
        Metric CRS in which the representative points are taken.

    Returns
    -------
    geopandas.GeoDataFrame
        LineStrings cluster point → park point in EPSG:4326, index of the clusters, with
        ``site_id``, ``park_id``, ``park_name``, ``straight_km``, ``rank`` (Int64) and
        ``road_km`` when present.

    Raises
    ------
    SchemaError
        When the proximity columns are missing or a ``nearest_park_id`` is not in ``parks``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
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


def _links(
    cl: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, lookup: pd.Series, crs: str
) -> gpd.GeoDataFrame:
    cols = {
        "site_id": _ids(cl),
        "park_id": cl["nearest_park_id"].astype(str).to_numpy(),
        "park_name": cl.get("nearest_park", pd.Series(pd.NA, index=cl.index)).to_numpy(),
        "straight_km": cl["straight_km"].to_numpy(dtype=float),
        "rank": pd.array(cl["satellite_rank"], dtype="Int64"),
    }
    if "road_km" in cl.columns:
        road = cl["road_km"].astype(float)
        if "road_park_id" in cl.columns:
            # a road distance to another park than the one the line is drawn to must not show
            road = road.where(cl["road_park_id"].astype(str) == cols["park_id"])
        cols["road_km"] = road.to_numpy()
    if cl.empty:
        return gpd.GeoDataFrame(cols, geometry=[], index=cl.index, crs=STORAGE_CRS)
    _, c_pt = _shapes(cl, "clusters", crs)
    _, p_pt = _shapes(parks, "parks", crs)
    p_pt = p_pt[lookup[cols["park_id"]].to_numpy()]
    lines = shapely.linestrings(
        np.stack([shapely.get_coordinates(c_pt), shapely.get_coordinates(p_pt)], axis=1)
    )
    out = gpd.GeoDataFrame(cols, geometry=lines, index=cl.index, crs=crs)
    return out.to_crs(STORAGE_CRS)
