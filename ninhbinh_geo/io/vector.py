"""Vector files through pyogrio: GeoPackage, GeoJSON, Shapefile and KML; their layers and CRS.

A file with several layers needs ``layer=``; an empty layer is refused; a file without CRS needs
``crs=``, and a ``crs=`` that contradicts the file's own CRS is refused rather than applied.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pyproj

from .._errors import CRSError, InputFileError

_PYOGRIO_ERRORS = (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError)


def _read_vector(path: Path, layer: str | None, fmt: str) -> gpd.GeoDataFrame:
    """Read one layer of a vector file (the only one, or ``layer``); refuse an empty layer."""
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except _PYOGRIO_ERRORS as exc:
        raise InputFileError(
            f"File '{path.name}' cannot be opened as {fmt} ({exc}). Check that it is a "
            f"complete {fmt} file (a Shapefile needs its .shx and .dbf next to it)."
        ) from exc
    if layer is not None and layer not in layers:
        raise InputFileError(
            f"File '{path.name}': layer '{layer}' not found. Available layers: {layers}. "
            f"Pass read_layer(path, layer='<one of them>')."
        )
    if layer is None and len(layers) > 1:
        raise InputFileError(
            f"File '{path.name}' holds {len(layers)} layers: {layers}. Choose one with "
            f"read_layer(path, layer='<name>')."
        )
    try:
        gdf = pyogrio.read_dataframe(path, layer=layer)
    except _PYOGRIO_ERRORS as exc:
        raise InputFileError(f"File '{path.name}' cannot be read as {fmt}: {exc}.") from exc
    if gdf.empty:
        raise InputFileError(
            f"File '{path.name}', layer '{layer or 'default'}' is empty (no features). "
            f"Check the layer name or the export that produced the file."
        )
    return gdf


def _with_file_crs(gdf: gpd.GeoDataFrame, path: Path, crs: pyproj.CRS | None) -> gpd.GeoDataFrame:
    """Set ``crs`` on a layer without CRS; refuse it when it contradicts the file's own."""
    if gdf.crs is None:
        if crs is None:
            raise CRSError(
                f"File '{path.name}' has no CRS (a Shapefile without .prj?). Pass the CRS "
                f"its coordinates are in, e.g. read_layer(path, crs='EPSG:5897') for VN-2000 "
                f"TM-3 105°, 'EPSG:9209' for 105°30', 'EPSG:4326' for lon/lat degrees."
            )
        return gdf.set_crs(crs)
    if crs is not None and not pyproj.CRS.from_user_input(gdf.crs).equals(crs):
        raise CRSError(
            f"File '{path.name}' declares {gdf.crs.to_string()} but crs={crs.to_string()} "
            f"was passed. Drop crs= to use the file's CRS, or if the file is wrong, use "
            f"read_layer(path).set_crs('{crs.to_string()}', allow_override=True)."
        )
    return gdf
