"""Illustrative footprints for sites known only by a point: circles of their official area.

Analyses need polygons; where no footprint is published, :func:`nominal_footprints` draws a
64-gon of exactly the official area (or of :data:`NOMINAL_AREA_HA`, a marker, when the area is
unknown) and marks the row ``illustrative``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import crs as _crs
from .._errors import SchemaError

#: Area of the marker circle drawn for a site whose area is unknown (a marker, not a size).
NOMINAL_AREA_HA = 5.0
# Vertices per quarter circle of a drawn footprint (64-gon).
_QUAD_SEGS = 16


def _footprint_radius_m(area_ha: float) -> float:
    """Radius of the drawn polygon (4 * quad_segs vertices) that has exactly ``area_ha``."""
    n = 4 * _QUAD_SEGS
    return float(np.sqrt(area_ha * 1e4 / (n / 2 * np.sin(2 * np.pi / n))))


def nominal_footprints(
    sites: gpd.GeoDataFrame, *, nominal_area_ha: float = NOMINAL_AREA_HA
) -> gpd.GeoDataFrame:
    """Draw an illustrative footprint around every site given as a point.

    Where no real footprint exists, analyses still need a polygon: a circle (a 64-gon drawn in
    EPSG:3405) of exactly the official ``area_ha`` around the location point, or of
    ``nominal_area_ha`` where the area is unknown (``area_ha`` stays NaN). Such rows get
    ``footprint_accuracy = accuracy = "illustrative"`` and a ``footprint_basis`` saying how
    the polygon was drawn; the point's own accuracy is kept in ``location_accuracy`` and its
    coordinates in ``lon``/``lat``. Rows that already have a polygon are returned unchanged.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Sites with Point and/or Polygon geometries and an ``area_ha`` column, any CRS.
    nominal_area_ha : float, default 5.0
        Area of the marker circle drawn where ``area_ha`` is unknown.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy in EPSG:4326, same index, every geometry a polygon.

    Raises
    ------
    SchemaError
        When there is no ``area_ha`` column or ``nominal_area_ha`` is not positive.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> pts = gpd.GeoDataFrame({"area_ha": [50.0, float("nan")]},
    ...                        geometry=[Point(105.97, 20.25), Point(106.1, 20.4)], crs=4326)
    >>> fp = nominal_footprints(pts)
    >>> (fp.to_crs(3405).area / 1e4).round(3).tolist()
    [50.0, 5.0]
    >>> fp["footprint_accuracy"].tolist()
    ['illustrative', 'illustrative']
    """
    if "area_ha" not in sites.columns:
        raise SchemaError(
            "Layer 'sites' has point locations but no 'area_ha' column to draw footprints "
            "from; add the official area in hectares, or supply polygon footprints."
        )
    if not nominal_area_ha > 0:
        raise SchemaError(f"nominal_area_ha must be positive, not {nominal_area_ha!r}.")
    out = _crs.to_storage(sites, "sites")
    is_point = out.geometry.geom_type == "Point"
    if not is_point.any():
        return out
    pts = out.loc[is_point]
    area = pd.to_numeric(pts["area_ha"], errors="coerce")
    known = area.notna() & (area > 0)
    drawn_ha = area.where(known, nominal_area_ha)
    metric = pts.geometry.to_crs(_crs.METRIC_CRS)
    radius = drawn_ha.map(_footprint_radius_m).to_numpy()
    circles = metric.buffer(radius, quad_segs=_QUAD_SEGS).to_crs(_crs.STORAGE_CRS)
    loc = (
        pts["location_accuracy"].astype(str)
        if "location_accuracy" in pts.columns
        else pd.Series("given", index=pts.index)
    )
    basis = (
        "no published footprint: circle of the official area_ha ("
        + area.map("{:g}".format)
        + " ha) drawn around the "
        + loc
        + " location point"
    )
    basis = basis.where(
        known,
        f"no published footprint and area unknown: nominal {nominal_area_ha:g} ha circle drawn "
        "around the " + loc + " location point (a marker, not a size)",
    )
    for col in ("lon", "lat"):
        if col not in out.columns:
            out[col] = np.nan
    out.loc[is_point, "lon"] = pts.geometry.x
    out.loc[is_point, "lat"] = pts.geometry.y
    for col in ("footprint_accuracy", "footprint_basis", "accuracy"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="object")
        out[col] = out[col].astype("object")
    out.loc[is_point, "footprint_accuracy"] = "illustrative"
    out.loc[is_point, "footprint_basis"] = basis
    # The row's geometry is now a drawn footprint, so the row as a whole is illustrative.
    out.loc[is_point, "accuracy"] = "illustrative"
    geometry = out.geometry.copy()
    geometry.loc[is_point] = circles
    return out.set_geometry(geometry)
