"""Where sites are and how well that is known: their points, accuracy and precision.

A site's point is its location point ``lon``/``lat`` where its footprint is illustrative or
missing, else a point inside its real outline. Accuracy comes from ``location_accuracy`` and
``footprint_accuracy`` (else the row's ``accuracy``; untagged counts as illustrative), ranked in
:data:`~ninhbinh_geo._provenance.ACCURACY_CLASSES` order; :data:`DISTANCE_PRECISION_KM` turns
the worst class of a pair into the rounding step its distance supports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import crs as _crs
from .._errors import CRSError, SchemaError, first_ids
from .._provenance import ACCURACY_CLASSES
from ..crs import check_coordinates

__all__ = ["DISTANCE_PRECISION_KM", "pair_accuracy", "round_to_precision"]

#: Rounding step (km) a distance supports, by the worst accuracy class of the two positions it
#: runs between. Outputs round with it; the analysis columns keep the unrounded value.
DISTANCE_PRECISION_KM = {
    # surveyed or digitized outlines and points are good to metres or tens of metres: 10 m
    "surveyed": 0.01,
    "digitized": 0.01,
    # a portal or geocoded point lies on the site or its access road, within a few hundred
    # metres of where a planner would measure from: 100 m
    "approximate": 0.1,
    # a point placed on a ring around its district's or province's centre may be kilometres
    # off: whole kilometres, the finest step that does not claim more than the placement knows
    "illustrative": 1.0,
}
_ILLUSTRATIVE = ACCURACY_CLASSES.index("illustrative")


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


def _accuracy_rank(sites: pd.DataFrame, column: str) -> np.ndarray:
    """Rank in ``ACCURACY_CLASSES`` of ``column`` per site (0 = surveyed).

    A blank value falls back on the row's ``accuracy``; a site with neither counts as
    illustrative, as in the review's provenance (nothing says the position is real).
    """
    blank = pd.Series(pd.NA, index=sites.index, dtype="object")
    values = sites[column].astype("object") if column in sites.columns else blank
    if "accuracy" in sites.columns:
        given = values.notna() & (values.astype(str).str.strip() != "")
        values = values.where(given, sites["accuracy"].astype("object"))
    rank = {c: float(i) for i, c in enumerate(ACCURACY_CLASSES)}
    return values.map(rank).fillna(_ILLUSTRATIVE).astype(int).to_numpy()


@dataclass(frozen=True)
class _Sites:
    """Where the sites of a layer are, in a metric CRS, and how well that is known."""

    geom: np.ndarray  # footprints (the point where a site has none)
    point: np.ndarray  # location point where the outline is illustrative or missing, else inside
    real: np.ndarray  # bool: a footprint that is a real outline (edges may be measured)
    point_rank: np.ndarray  # accuracy rank of the point (of the outline it lies in, or lon/lat)


def _has_lonlat(sites: pd.DataFrame) -> np.ndarray:
    if not {"lon", "lat"} <= set(sites.columns):
        return np.zeros(len(sites), dtype=bool)
    return np.isfinite(sites[["lon", "lat"]].to_numpy(dtype=float)).all(axis=1)


def _point_ranks(sites: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Which footprints are real outlines, and the accuracy rank of each site's point.

    The point of a real outline lies inside it and is as good as the outline; otherwise it
    is ``lon``/``lat`` (``location_accuracy``), or, lacking those, a point inside an
    illustrative drawing (the worse of the two classes).
    """
    has_geom = drawing = np.zeros(len(sites), dtype=bool)
    if isinstance(sites, gpd.GeoDataFrame):
        geom = np.asarray(sites.geometry.values, dtype=object)
        has_geom = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
        drawing = has_geom & (shapely.get_dimensions(geom) > 0)  # not a point itself
    outline = _accuracy_rank(sites, "footprint_accuracy")
    location = _accuracy_rank(sites, "location_accuracy")
    real = has_geom & (outline < _ILLUSTRATIVE)
    drawn = drawing & ~_has_lonlat(sites)  # the point lies in an illustrative drawing
    rank = np.where(drawn, np.maximum(location, outline), location)
    return real, np.where(real, outline, rank)


def _lonlat_points(sites: pd.DataFrame, crs: str) -> np.ndarray:
    """``lon``/``lat`` as points in ``crs``; None where missing or not finite."""
    out = np.full(len(sites), None, dtype=object)
    ok = _has_lonlat(sites)
    if ok.any():
        lonlat = sites[["lon", "lat"]].to_numpy(dtype=float)
        tr = pyproj.Transformer.from_crs(_crs.STORAGE_CRS, crs, always_xy=True)
        x, y = tr.transform(lonlat[ok, 0], lonlat[ok, 1])
        out[ok] = shapely.points(np.c_[x, y])
    return out


def _sites(sites: gpd.GeoDataFrame, layer: str, crs: str) -> _Sites:
    """Footprints, points and accuracy of a layer checked at the door (:func:`_check_sites`)."""
    geom = np.asarray(_crs.project_checked(sites, crs).geometry.values, dtype=object)
    nogeom = shapely.is_missing(geom) | shapely.is_empty(geom)
    real, point_rank = _point_ranks(sites)
    lonlat = _lonlat_points(sites, crs)
    inside = np.full(len(geom), None, dtype=object)
    inside[~nogeom] = shapely.point_on_surface(geom[~nogeom])
    point = np.where(real | shapely.is_missing(lonlat), inside, lonlat)
    lost = shapely.is_missing(point)
    if lost.any():
        raise SchemaError(
            f"Layer '{layer}': {int(lost.sum())} sites have no footprint and no lon/lat point "
            f"(site_id {first_ids(_ids(sites)[lost])}). Give them a geometry or lon/lat, or "
            f"drop them before measuring distances."
        )
    geom = np.where(nogeom, point, geom)
    return _Sites(geom, point, real, point_rank)


def _accuracy_columns(rank: np.ndarray) -> dict[str, np.ndarray]:
    accuracy = np.asarray(ACCURACY_CLASSES, dtype=object)[rank]
    precision = np.array([DISTANCE_PRECISION_KM[a] for a in accuracy], dtype=float)
    return {"distance_accuracy": accuracy, "distance_precision_km": precision}


def pair_accuracy(
    clusters: pd.DataFrame,
    parks: pd.DataFrame,
    *,
    park_id_column: str = "nearest_park_id",
) -> pd.DataFrame:
    """Accuracy and precision of a distance between each cluster's point and a park's point.

    For distances measured between the sites' points to a park named per row, e.g. the road
    distance to ``road_park_id``: the worst accuracy of the two points (of the real outline a
    point lies in, else ``location_accuracy``; a blank class falls back on ``accuracy``,
    untagged counts as illustrative).

    Parameters
    ----------
    clusters : pandas.DataFrame
        Clusters with ``park_id_column``.
    parks : pandas.DataFrame
        Parks with a unique ``site_id``.
    park_id_column : str, default "nearest_park_id"
        Column of ``clusters`` naming the park of each row; NA gives NA.

    Returns
    -------
    pandas.DataFrame
        Index of ``clusters``; ``distance_accuracy`` and ``distance_precision_km``
        (:data:`DISTANCE_PRECISION_KM`).

    Raises
    ------
    SchemaError
        When the column is missing, or names a park that is not in ``parks``.

    Examples
    --------
    >>> import pandas as pd
    >>> cl = pd.DataFrame({"road_park_id": ["P", "Q"], "location_accuracy": ["approximate"] * 2})
    >>> pk = pd.DataFrame({"site_id": ["P", "Q"],
    ...                    "location_accuracy": ["digitized", "illustrative"]})
    >>> pair_accuracy(cl, pk, park_id_column="road_park_id").to_dict("list")
    {'distance_accuracy': ['approximate', 'illustrative'], 'distance_precision_km': [0.1, 1.0]}
    """
    if park_id_column not in clusters.columns:
        raise SchemaError(
            f"Layer 'clusters' has no column '{park_id_column}'; pass the column that names "
            f"the park of each row."
        )
    if "site_id" not in parks.columns or parks["site_id"].duplicated().any():
        raise SchemaError("Layer 'parks' needs a unique 'site_id'.")
    lookup = pd.Series(_point_ranks(parks)[1], index=parks["site_id"])
    want = clusters[park_id_column]
    unknown = sorted(set(want.dropna().astype(str)) - set(lookup.index.astype(str)))
    if unknown:
        raise SchemaError(
            f"Layer 'clusters', column '{park_id_column}': {first_ids(unknown)} are not in the "
            f"parks layer; pass the same parks as to the distances."
        )
    park_rank = want.map(lookup)
    known = park_rank.notna().to_numpy()
    rank = np.maximum(_point_ranks(clusters)[1], park_rank.fillna(0))
    cols = _accuracy_columns(rank.astype(int).to_numpy()[known])
    out = pd.DataFrame(
        {
            "distance_accuracy": pd.Series(pd.NA, index=clusters.index, dtype="object"),
            "distance_precision_km": np.nan,
        },
        index=clusters.index,
    )
    out.loc[known, "distance_accuracy"] = cols["distance_accuracy"]
    out.loc[known, "distance_precision_km"] = cols["distance_precision_km"]
    return out


def round_to_precision(
    values: pd.Series | np.ndarray | Sequence[float],
    precision: pd.Series | np.ndarray | Sequence[float] | float,
) -> pd.Series | np.ndarray:
    """Round each value to a multiple of its precision (half away from zero), for outputs.

    Parameters
    ----------
    values : Series or array-like of float
        Distances (or any measures); NaN stays NaN.
    precision : float or Series or array-like of float
        The step of each value (e.g. ``distance_precision_km``), aligned with ``values``
        (by position; a Series by index when ``values`` is a Series). Must be > 0 wherever a
        value is given.

    Returns
    -------
    Series or numpy.ndarray
        A Series with the index of ``values`` when it is one, else an array; floats without
        binary noise (0.3, not 0.30000000000000004).

    Raises
    ------
    SchemaError
        When a precision is missing or not positive where a value is given.

    Examples
    --------
    >>> round_to_precision([5.2684, 5.2684, 5.2684, 0.45], [1.0, 0.1, 0.01, 0.1]).tolist()
    [5.0, 5.3, 5.27, 0.5]
    >>> import pandas as pd
    >>> round_to_precision(pd.Series([12.5, float("nan")], index=["a", "b"]), 1.0).to_dict()
    {'a': 13.0, 'b': nan}
    """
    index = values.index if isinstance(values, pd.Series) else None
    if index is not None and isinstance(precision, pd.Series):
        precision = precision.reindex(index)
    v = np.asarray(values, dtype=float)
    p = np.broadcast_to(np.asarray(precision, dtype=float), v.shape)
    bad = np.isfinite(v) & ~(p > 0)
    if bad.any():
        raise SchemaError(
            f"round_to_precision: {int(bad.sum())} values have no positive precision "
            f"(positions {first_ids(np.flatnonzero(bad))}); give a step > 0, e.g. "
            f"distance_precision_km."
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        # the steps are decimal: round the quotient first so that 0.45 / 0.1 = 4.4999… is 4.5
        steps = np.floor(np.round(np.abs(v) / p, 9) + 0.5)
        out = np.round(np.sign(v) * steps * p, 12)
    out = np.where(np.isfinite(v), out, v)
    return pd.Series(out, index=index, name=values.name) if index is not None else out
