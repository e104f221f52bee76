"""Where the sites are: inside the province, and in which former province and district.

Every located site is tested against the shipped outline of the new province
(:func:`ninhbinh_geo.datasets.load_province`): one farther than :data:`PROVINCE_TOLERANCE_M` is
refused, naming it and its distance, unless ``allow_outside=True`` (``--allow-outside``) keeps it
with the flag columns ``outside_province`` and ``province_distance_km``. A site's former province
and former district, when the file does not give them, are taken from the shipped polygons
(:func:`~ninhbinh_geo.datasets.load_former_provinces`,
:func:`~ninhbinh_geo.datasets.load_districts`)
and reported as filled.

``datasets`` imports ``io``, so the boundaries are loaded inside the functions that use them.
"""

from __future__ import annotations

import functools
from collections import Counter

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import crs as _crs
from .._errors import LocationError, first_ids

#: Sites farther than this from the shipped province outline are refused (or flagged).
#: Why 2 km: the outline (Open Development Mekong, from the national survey) draws the coast
#: of Kim Sơn and Nghĩa Hưng inland of land reclaimed since (the coast there advances some
#: 50-100 m a year), and its edges are generalised; a real site on the border or on new
#: coastal land can lie a kilometre or two outside it. A typo in the first decimal of a
#: coordinate moves a site about 11 km, well beyond.
PROVINCE_TOLERANCE_M = 2_000.0


@functools.cache
def _boundaries() -> tuple[shapely.Geometry, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Load the province outline and the former provinces and districts (metric CRS)."""
    from .. import datasets  # datasets imports io: load lazily

    province = datasets.load_province().to_crs(_crs.METRIC_CRS)
    shape = shapely.union_all(province.geometry.values)
    former = datasets.load_former_provinces().to_crs(_crs.METRIC_CRS)[["name_vi", "geometry"]]
    districts = datasets.load_districts().to_crs(_crs.METRIC_CRS)
    return shape, former, districts[["name_vi", "former_province", "geometry"]]


def _located(geometry: gpd.GeoSeries) -> np.ndarray:
    return ~(geometry.isna() | geometry.is_empty).to_numpy()


def _distance_m(geometry: gpd.GeoSeries) -> pd.Series:
    """Distance of each geometry (EPSG:4326) to the province outline, in m (NaN when empty)."""
    shape, _, _ = _boundaries()
    located = _located(geometry)
    out = np.full(len(geometry), np.nan)
    if located.any():
        metric = gpd.GeoSeries(geometry.values[located], crs=geometry.crs).to_crs(_crs.METRIC_CRS)
        out[located] = metric.distance(shape).to_numpy()
    return pd.Series(out, index=geometry.index)


def _inside_counts(lon: np.ndarray, lat: np.ndarray, crs: str) -> dict[str, object]:
    """How many points (degrees) lie in the province, and whether the zone fits their province.

    ``zone_ok``: the former province most of them fall in uses ``crs`` for its land records
    (:data:`ninhbinh_geo.crs.ZONE_BY_FORMER_PROVINCE`).
    """
    finite = np.isfinite(lon) & np.isfinite(lat)
    points = gpd.GeoSeries(gpd.points_from_xy(lon[finite], lat[finite]), crs=_crs.STORAGE_CRS)
    distance = _distance_m(points)
    former = Counter(_former_of(points).dropna())
    main = former.most_common(1)[0][0] if former else None
    return {
        "inside": int((distance <= PROVINCE_TOLERANCE_M).sum()),
        "total": int(finite.sum()),
        "former": dict(former),
        "zone_ok": main is not None and _crs.ZONE_BY_FORMER_PROVINCE.get(main) == crs,
    }


def _former_of(geometry: gpd.GeoSeries) -> pd.Series:
    """Find the former province of each geometry (None when outside all of them)."""
    return _place_of(geometry, 1)


def _place_of(geometry: gpd.GeoSeries, which: int) -> pd.Series:
    """Name of the former province (``which`` = 1) or district (2) of each geometry."""
    _, former, districts = _boundaries()
    polygons = former if which == 1 else districts
    out = np.full(len(geometry), None, dtype=object)
    located = _located(geometry)
    if located.any():
        points = gpd.GeoDataFrame(
            geometry=gpd.GeoSeries(geometry.values[located], crs=geometry.crs)
            .representative_point()
            .to_crs(_crs.METRIC_CRS)
        )
        hit = gpd.sjoin_nearest(
            points, polygons, how="left", max_distance=PROVINCE_TOLERANCE_M, distance_col="_d"
        )
        names = hit[~hit.index.duplicated(keep="first")]["name_vi"].reindex(points.index)
        out[located] = [v if isinstance(v, str) else None for v in names]
    return pd.Series(out, index=geometry.index, dtype=object)


def _flag_outside(
    out: pd.DataFrame,
    geometry: gpd.GeoSeries,
    *,
    layer: str,
    ids: pd.Series,
    allow_outside: bool,
    report: list[str],
) -> pd.DataFrame:
    """Refuse (or flag) the sites farther than :data:`PROVINCE_TOLERANCE_M` from the province."""
    distance = _distance_m(geometry)
    outside = distance > PROVINCE_TOLERANCE_M
    if not outside.any():
        return out
    listed = [
        f"{label} ({d / 1000:.1f} km)"
        for label, d in zip(ids[outside], distance[outside], strict=True)
    ]
    if not allow_outside:
        raise LocationError(
            f"Layer '{layer}': {int(outside.sum())} sites lie outside the new Ninh Bình "
            f"province, farther than the {PROVINCE_TOLERANCE_M / 1000:g} km tolerance from its "
            f"outline: {first_ids(listed)}. Check their coordinates (a typo in one digit, "
            f"longitude and latitude swapped, or metres in the wrong CRS); to keep them anyway, "
            f"flagged, pass --allow-outside (Python: allow_outside=True)."
        )
    out["outside_province"] = outside.to_numpy()
    out["province_distance_km"] = (distance / 1000).round(3).to_numpy()
    report.append(
        f"outside_province: {int(outside.sum())} sites kept outside the province "
        f"(allow_outside): {first_ids(listed)}"
    )
    return out


def _fill_places(out: pd.DataFrame, geometry: gpd.GeoSeries, report: list[str]) -> pd.DataFrame:
    """Fill ``former_province`` and ``district_old`` from the coordinates where they are empty."""
    for col, which, what in (
        ("former_province", 1, "the shipped former provinces (Open Development Mekong)"),
        ("district_old", 2, "the shipped former districts (Who's On First, approximate)"),
    ):
        if col not in out.columns:
            out[col] = None
        empty = out[col].isna().to_numpy() & _located(geometry)
        if not empty.any():
            continue
        found = _place_of(geometry, which).to_numpy()
        filled = empty & pd.notna(found)
        if filled.any():
            values = out[col].to_numpy(dtype=object, copy=True)
            values[filled] = found[filled]
            out[col] = values
            report.append(
                f"{col}: filled from the coordinates for {int(filled.sum())} rows ({what})"
            )
    return out
