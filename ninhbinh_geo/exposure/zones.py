"""Exposure to vector hazard zones (flood zones, coastal zones, dyke or river corridors)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .._errors import SchemaError, first_ids
from ..crs import METRIC_CRS, assert_metric, check_coordinates, project_checked
from .rasters import _least_accurate
from .sites import _check_sites

__all__ = ["zone_exposure"]


def zone_exposure(
    sites: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    class_column: str,
    metric_crs: str = METRIC_CRS,
) -> pd.DataFrame:
    """Measure the area and share of each site inside each class of vector hazard zones.

    Zones of one class are dissolved first, so overlapping polygons of a class are counted
    once; zones of different classes may overlap and each class is measured on its own.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site layer with ``site_id`` and polygon footprints, in any CRS.
    zones : geopandas.GeoDataFrame
        Hazard zones (flood zones, coastal zones, dyke or river corridors), polygons in any CRS.
    class_column : str
        Column of ``zones`` holding the zone class (e.g. ``"zone"``, ``"depth_class"``).
    metric_crs : str, default "EPSG:3405"
        Projected CRS in metres in which areas are computed.

    Returns
    -------
    pandas.DataFrame
        One row per (site, zone class), all combinations, sites in input order: ``site_id``,
        ``zone_class``, ``site_ha`` (footprint area), ``zone_ha`` (area of the footprint inside
        the class), ``zone_share`` (``zone_ha / site_ha``), ``accuracy`` (least accurate class
        of the zones of that class, from their ``accuracy`` column, else ``approximate``). The
        index repeats the site index once per class.

    Raises
    ------
    SchemaError
        Bad site layer, missing ``class_column``, empty or non-polygonal zones.
    CRSError
        Layers without a CRS, or a ``metric_crs`` that is not projected in metres.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[box(0, 0, 100, 100)],
    ...                          crs="EPSG:3405")
    >>> zones = gpd.GeoDataFrame({"zone": ["flood", "flood"]},
    ...     geometry=[box(0, 0, 50, 100), box(0, 0, 100, 25)], crs="EPSG:3405")
    >>> zone_exposure(sites, zones, class_column="zone")[["zone_ha", "zone_share"]].values.tolist()
    [[0.625, 0.625]]
    """
    sites = _check_sites(sites)
    _check_zones(zones, class_column)
    assert_metric(metric_crs)
    site_m = project_checked(sites, metric_crs)
    zone_m = project_checked(zones, metric_crs)
    site_geoms = np.asarray(site_m.geometry.values, dtype=object)
    site_area = shapely.area(site_geoms)
    frames = []
    for zone_class, grp in zone_m.groupby(class_column, sort=True):
        dissolved = shapely.union_all(shapely.make_valid(np.asarray(grp.geometry.values)))
        shapely.prepare(dissolved)
        inter = shapely.area(shapely.intersection(site_geoms, dissolved))
        frames.append(
            pd.DataFrame(
                {
                    "site_id": sites["site_id"].to_numpy(),
                    "zone_class": zone_class,
                    "site_ha": site_area / 1e4,
                    "zone_ha": inter / 1e4,
                    "zone_share": inter / site_area,
                    "accuracy": _least_accurate(grp),
                },
                index=sites.index,
            )
        )
    out = pd.concat(frames)
    # sites first, then classes: the table reads site by site
    pos = np.tile(np.arange(len(sites)), len(frames))
    return out.iloc[np.argsort(pos, kind="stable")]


def _check_zones(zones: gpd.GeoDataFrame, class_column: str) -> None:
    if not isinstance(zones, gpd.GeoDataFrame):
        raise SchemaError(f"Layer 'zones' must be a GeoDataFrame, not {type(zones).__name__}.")
    check_coordinates(zones, "zones")
    if class_column not in zones.columns:
        raise SchemaError(
            f"Layer 'zones' has no column '{class_column}' (columns: "
            f"{[c for c in zones.columns if c != zones.geometry.name]}); pass the column that "
            f"holds the zone class as class_column=."
        )
    if zones.empty:
        raise SchemaError("Layer 'zones' is empty; there is nothing to measure against.")
    zg = zones.geometry
    bad = zg.isna() | zg.is_empty | ~zg.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        raise SchemaError(
            f"Layer 'zones' needs polygons, but rows {first_ids(zones.index[bad])} are "
            f"{', '.join(sorted(set(zg[bad].geom_type.fillna('missing'))))}. Buffer corridor "
            f"lines into polygons first (e.g. the dyke protection widths)."
        )
    if zones[class_column].isna().any():
        raise SchemaError(
            f"Layer 'zones', column '{class_column}' is empty in rows "
            f"{first_ids(zones.index[zones[class_column].isna()])}."
        )
