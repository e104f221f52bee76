"""Coordinate reference systems used by ninhbinh_geo.

Storage is always EPSG:4326 (WGS 84 lon/lat). Areas and distances are computed in a metric CRS,
by default VN-2000 / UTM zone 48N (EPSG:3405). Exports go to the VN-2000 TM-3 zone the user
works in: 105°00' (EPSG:5897) for the former Hà Nam and Ninh Bình, 105°30' (EPSG:9209) for the
former Nam Định. No function of the package returns a length or an area in degrees.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pyproj

from ._errors import CRSError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

# Only pyproj at module level: the command line checks --zone with assert_metric before the
# geospatial stack is imported.

__all__ = [
    "METRIC_CRS",
    "STORAGE_CRS",
    "ZONE_BY_FORMER_PROVINCE",
    "ZONE_CRS",
    "assert_metric",
    "pick_zone",
    "project_checked",
    "to_metric",
    "to_storage",
]

STORAGE_CRS = "EPSG:4326"
#: VN-2000 / UTM zone 48N: one metric CRS for the whole province (scale error < 0.1 % here).
METRIC_CRS = "EPSG:3405"
#: VN-2000 TM-3 zones used by the provincial land administration.
ZONE_CRS = {"105_00": "EPSG:5897", "105_30": "EPSG:9209"}
#: Circular 973/2001/TT-TCĐC assigns central meridian 105°00' to Hà Nam and Ninh Bình and
#: 105°30' to Nam Định.
ZONE_BY_FORMER_PROVINCE = {
    "Hà Nam": ZONE_CRS["105_00"],
    "Ninh Bình": ZONE_CRS["105_00"],
    "Nam Định": ZONE_CRS["105_30"],
}

# The new province lies within these WGS 84 bounds (with a margin of about 20 km).
_PROVINCE_LON = (105.3, 106.9)
_PROVINCE_LAT = (19.7, 20.9)


def _require_crs(gdf: gpd.GeoDataFrame, layer: str) -> pyproj.CRS:
    if gdf.crs is None:
        raise CRSError(
            f"Layer '{layer}' has no CRS. Set the CRS the coordinates are in, e.g. "
            f"gdf.set_crs('EPSG:4326') for lon/lat or gdf.set_crs('EPSG:5897') for "
            f"VN-2000 TM-3 105°."
        )
    return pyproj.CRS.from_user_input(gdf.crs)


def check_coordinates(gdf: gpd.GeoDataFrame, layer: str) -> None:
    """Check that coordinates are plausible for the CRS the layer claims.

    A projected CRS mislabelled as geographic shows coordinates far beyond ±180/±90; lon/lat
    swapped shows latitudes near 105. Both raise :class:`CRSError` naming the fix.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The layer, in any CRS.
    layer : str
        Name of the layer, used in messages.

    Raises
    ------
    CRSError
        When the layer has no CRS or its coordinates do not fit it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> check_coordinates(gpd.GeoDataFrame(geometry=[Point(105.97, 20.25)], crs=4326), "demo")
    """
    crs = _require_crs(gdf, layer)
    if gdf.empty or not crs.is_geographic:
        return
    minx, miny, maxx, maxy = gdf.total_bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return
    if (
        _PROVINCE_LAT[0] - 1 <= minx
        and maxx <= _PROVINCE_LAT[1] + 1
        and _PROVINCE_LON[0] - 1 <= miny
        and maxy <= _PROVINCE_LON[1] + 1
    ):
        raise CRSError(
            f"Layer '{layer}' has x in [{minx:.2f}, {maxx:.2f}] and y in [{miny:.2f}, {maxy:.2f}]: "
            f"longitude and latitude look swapped (Ninh Bình is near lon 106, lat 20). Swap the "
            f"columns when reading, e.g. read with x='lon', y='lat'."
        )
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise CRSError(
            f"Layer '{layer}' claims a geographic CRS ({crs.to_string()}) but has coordinates "
            f"up to x={maxx:.0f}, y={maxy:.0f}, which are metres, not degrees. The layer is "
            f"probably in a "
            f"projected CRS such as VN-2000 TM-3 (EPSG:5897/9209) or UTM 48N (EPSG:3405): use "
            f"gdf.set_crs(<that EPSG>, allow_override=True) instead of reprojecting."
        )


def to_storage(gdf: gpd.GeoDataFrame, layer: str = "layer") -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in the storage CRS, EPSG:4326.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer with a CRS.
    layer : str
        Name of the layer, used in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in EPSG:4326.

    Raises
    ------
    CRSError
        When ``gdf`` has no CRS or implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(600000, 2240000)], crs=3405)
    >>> to_storage(g).crs.to_epsg()
    4326
    """
    check_coordinates(gdf, layer)
    return gdf.to_crs(STORAGE_CRS)


def to_metric(
    gdf: gpd.GeoDataFrame, layer: str = "layer", *, crs: str = METRIC_CRS
) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in a metric CRS for areas and distances.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer with a CRS.
    layer : str
        Name of the layer, used in messages.
    crs : str, default "EPSG:3405"
        The metric CRS; must be projected with metre units.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in ``crs``.

    Raises
    ------
    CRSError
        When ``gdf`` has no CRS, implausible coordinates, or ``crs`` is not metric.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(105.97, 20.25)], crs=4326)
    >>> to_metric(g).crs.to_epsg()
    3405
    """
    assert_metric(crs)
    check_coordinates(gdf, layer)
    return gdf.to_crs(crs)


def project_checked(gdf: gpd.GeoDataFrame, crs: str = METRIC_CRS) -> gpd.GeoDataFrame:
    """Reproject a layer already checked at the door, without checking it again.

    Public functions check their input layers once (:func:`check_coordinates`, or
    :func:`to_metric`, which calls it); the helpers they call inside take the checked frames and
    reproject them with this function. It is :meth:`geopandas.GeoDataFrame.to_crs` and nothing
    else, named so that a reader sees the layer was checked upstream.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        A layer with a CRS whose coordinates were checked.
    crs : str, default "EPSG:3405"
        The target CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        Same rows and index, in ``crs``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(105.97, 20.25)], crs=4326)
    >>> project_checked(g).crs.to_epsg()
    3405
    """
    return gdf.to_crs(crs)


def assert_metric(crs: object) -> pyproj.CRS:
    """Raise :class:`CRSError` unless ``crs`` is a projected CRS in metres.

    Parameters
    ----------
    crs : object
        Anything :func:`pyproj.CRS.from_user_input` accepts.

    Returns
    -------
    pyproj.CRS
        The parsed CRS.

    Raises
    ------
    CRSError
        When the CRS is geographic (degrees) or its unit is not the metre.

    Examples
    --------
    >>> assert_metric("EPSG:5897").to_epsg()  # VN-2000 / TM-3 zone 482, central meridian 105°
    5897
    """
    parsed = pyproj.CRS.from_user_input(crs)
    unit = parsed.axis_info[0].unit_name if parsed.axis_info else ""
    if not parsed.is_projected or unit not in ("metre", "meter"):
        raise CRSError(
            f"CRS {parsed.to_string()} is not a projected CRS in metres; areas and distances "
            f"would be in degrees. Use EPSG:3405 (VN-2000 / UTM 48N), EPSG:5897 or EPSG:9209."
        )
    return parsed


def pick_zone(gdf: gpd.GeoDataFrame, *, column: str = "former_province") -> str:
    """Pick the VN-2000 TM-3 zone for exporting a layer.

    The zone of the majority of rows, by their former province when ``column`` is present,
    otherwise by the central meridian nearest to the longitude of each site.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Sites or any layer with a CRS.
    column : str, default "former_province"
        Column naming the former province (Hà Nam, Nam Định or Ninh Bình).

    Returns
    -------
    str
        ``"EPSG:5897"`` (105°00') or ``"EPSG:9209"`` (105°30').

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame({"former_province": ["Nam Định"] * 2 + ["Hà Nam"]},
    ...                      geometry=[Point(106.2, 20.4)] * 3, crs=4326)
    >>> pick_zone(g)
    'EPSG:9209'
    """
    if column in gdf.columns and gdf[column].isin(ZONE_BY_FORMER_PROVINCE).any():
        zones = gdf[column].map(ZONE_BY_FORMER_PROVINCE).dropna()
    else:
        lon = to_storage(gdf).geometry.representative_point().x
        zones = lon.map(lambda x: ZONE_CRS["105_30"] if x >= 105.25 else ZONE_CRS["105_00"])
    if zones.empty:
        return ZONE_CRS["105_00"]
    counts = zones.value_counts()
    return str(counts.index[0])
