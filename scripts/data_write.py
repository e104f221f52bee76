"""Writing the derived files: atomic, byte-for-byte reproducible, with provenance stamped on.

Every writer of the build goes through here so that a rebuild from the same sources gives the
same bytes (fixed GeoJSON options and layer names, fixed GeoTIFF creation options, no
timestamps) and a killed build never leaves a half-written file in ``data/``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio

__all__ = [
    "GEOJSON_OPTIONS",
    "STORAGE",
    "atomic_write_text",
    "provenance",
    "write_csv",
    "write_geojson",
    "write_geotiff",
]

STORAGE = "EPSG:4326"
GEOJSON_OPTIONS = {"COORDINATE_PRECISION": 6, "WRITE_BBOX": "NO"}


def _temporary(path: Path, suffix: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=suffix)
    os.close(fd)
    return Path(tmp)


def _publish(tmp: Path, path: Path) -> None:
    # mkstemp creates the file private (0600); shipped data must be readable by everyone.
    tmp.chmod(0o644)
    tmp.replace(path)


def atomic_write_text(path: Path, text: str) -> None:
    tmp = _temporary(path, ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    _publish(tmp, path)


def write_csv(df: pd.DataFrame, path: Path) -> None:
    atomic_write_text(path, df.to_csv(index=False, lineterminator="\n"))


def write_geojson(gdf: gpd.GeoDataFrame, path: Path) -> None:
    tmp = _temporary(path, ".geojson")
    tmp.unlink()
    # Name the layer after the final file: GeoJSON stores it, and a temp name would make every
    # rebuild differ.
    pyogrio.write_dataframe(
        gdf.to_crs(STORAGE), tmp, layer=path.stem, driver="GeoJSON", layer_options=GEOJSON_OPTIONS
    )
    _publish(tmp, path)


def write_geotiff(
    path: Path,
    data: np.ndarray,
    profile: dict,
    *,
    tags: dict[str, str],
    band_tags: dict[str, str],
    description: str,
) -> None:
    """Write one band, deflate-compressed with a predictor, tagged, atomically."""
    tmp = _temporary(path, ".tif")
    profile = {
        **profile,
        "driver": "GTiff",
        "count": 1,
        "compress": "deflate",
        "predictor": 3 if np.issubdtype(data.dtype, np.floating) else 2,
        "zlevel": 9,
    }
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data, 1)
        dst.update_tags(**tags)
        dst.update_tags(1, **band_tags)
        dst.set_band_description(1, description)
    _publish(tmp, path)


def provenance(gdf: gpd.GeoDataFrame, prov: dict[str, str]) -> gpd.GeoDataFrame:
    out = gdf.copy()
    for key, value in prov.items():
        out[key] = value
    return out
