"""The site layer at the door: identifiers, polygon footprints, repair of invalid ones."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely

from .._errors import SchemaError, first_ids
from ..crs import check_coordinates


def _check_sites(sites: gpd.GeoDataFrame, layer: str = "sites") -> gpd.GeoDataFrame:
    """Validate the site layer and return it with valid polygonal geometries."""
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' must be a GeoDataFrame of site footprints, not "
            f"{type(sites).__name__}. Load it with ninhbinh_geo.datasets or geopandas.read_file."
        )
    check_coordinates(sites, layer)
    if "site_id" not in sites.columns:
        raise SchemaError(
            f"Layer '{layer}' has no column 'site_id' (columns: {list(sites.columns)[:12]}). "
            f"Add a unique identifier per site, e.g. sites['site_id'] = sites.index.astype(str)."
        )
    ids = sites["site_id"]
    if ids.isna().any():
        raise SchemaError(
            f"Layer '{layer}', column 'site_id' is empty in rows "
            f"{first_ids(sites.index[ids.isna()])}. Give every site an identifier."
        )
    dup = ids[ids.duplicated(keep=False)]
    if not dup.empty:
        raise SchemaError(
            f"Layer '{layer}', column 'site_id' is not unique: {first_ids(dup.unique())}. "
            f"Each footprint must have its own id."
        )
    geom = sites.geometry
    bad = geom.isna() | geom.is_empty | ~geom.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        kinds = sorted(set(geom[bad].geom_type.fillna("missing")))
        raise SchemaError(
            f"Layer '{layer}' needs polygon footprints, but sites {first_ids(ids[bad])} have "
            f"{', '.join(kinds)} geometries. Points have no area: draw or buffer a footprint "
            f"(and mark it footprint_accuracy='illustrative')."
        )
    invalid = ~geom.is_valid
    if invalid.any():
        warnings.warn(
            f"Layer '{layer}': footprints of sites {first_ids(ids[invalid])} are invalid "
            f"(self-intersecting); they were repaired with shapely.make_valid before measuring.",
            UserWarning,
            stacklevel=3,
        )
        sites = sites.copy()
        repaired = shapely.make_valid(geom[invalid].values)
        sites.loc[invalid, sites.geometry.name] = [
            _polygonal_part(g) for g in np.asarray(repaired, dtype=object)
        ]
    return sites


def _polygonal_part(geom: shapely.Geometry) -> shapely.Geometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()
