"""WorldPop population counts, 1 km, 2000 and 2020: ``data/population/``.

The source rasters (already a window of WorldPop's national grid) are cut again to the
province's bounding box plus :data:`MARGIN_KM`, on the same grid (a window of whole cells: no
resampling, values unchanged), and re-encoded (deflate, floating-point predictor) with tags that
carry the credit WorldPop asks for.
"""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import rasterio
import rasterio.features
import rasterio.windows
from data_write import write_geotiff

__all__ = ["MARGIN_KM", "WORLDPOP", "YEARS", "build_population", "province_total"]

YEARS = (2000, 2020)
SOURCE = "data/population/worldpop/vnm_ppp_{year}_1km_Aggregated_UNadj_clip.tif"
#: Cells kept beyond the province's bounding box (labour within reach crosses the border).
MARGIN_KM = 5.0
WORLDPOP = {
    "source": (
        "WorldPop, Global High Resolution Population Denominators Project, Viet Nam 1 km "
        "aggregated, UN-adjusted (via kraemer-lab/geoglue)"
    ),
    "source_url": "https://doi.org/10.5258/SOTON/WP00671",
    "source_date": "2025-02-21",
    "licence": "CC BY 4.0",
    "credit": (
        "WorldPop (www.worldpop.org - School of Geography and Environmental Science, "
        "University of Southampton), Global High Resolution Population Denominators Project, "
        "DOI 10.5258/SOTON/WP00671, CC BY 4.0"
    ),
    "accuracy": "approximate",
}


def _window(src: rasterio.io.DatasetReader, bounds: tuple[float, ...]) -> rasterio.windows.Window:
    """Whole-cell window of ``src`` covering ``bounds`` (lon/lat)."""
    win = rasterio.windows.from_bounds(*bounds, transform=src.transform)
    col0, row0 = math.floor(win.col_off), math.floor(win.row_off)
    col1 = math.ceil(win.col_off + win.width)
    row1 = math.ceil(win.row_off + win.height)
    col0, row0 = max(col0, 0), max(row0, 0)
    col1, row1 = min(col1, src.width), min(row1, src.height)
    return rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0)


def province_total(path: Path, province: gpd.GeoDataFrame) -> float:
    """People in the cells whose centre lies in the province (the PROVENANCE check's rule)."""
    with rasterio.open(path) as src:
        data = src.read(1, masked=True)
        inside = rasterio.features.geometry_mask(
            province.to_crs(src.crs).geometry, data.shape, src.transform, invert=True
        )
    return float(data[inside].sum())


def build_population(shared: Path, out: Path, province: gpd.GeoDataFrame) -> dict[int, Path]:
    lat = float(province.geometry.union_all().centroid.y)
    dlat = MARGIN_KM / 110.574
    dlon = MARGIN_KM / (111.320 * math.cos(math.radians(lat)))
    minx, miny, maxx, maxy = province.total_bounds
    bounds = (minx - dlon, miny - dlat, maxx + dlon, maxy + dlat)
    written = {}
    for year in YEARS:
        with rasterio.open(shared / SOURCE.format(year=year)) as src:
            if src.crs.to_epsg() != 4326 or src.count != 1:
                raise SystemExit(f"WorldPop {year}: expected one band in EPSG:4326")
            win = _window(src, bounds)
            data = src.read(1, window=win)
            profile = {
                "height": data.shape[0],
                "width": data.shape[1],
                "dtype": data.dtype,
                "crs": src.crs,
                "transform": src.window_transform(win),
                "nodata": src.nodata,
            }
        valid = data != profile["nodata"]
        if (data[valid] < 0).any():
            raise SystemExit(f"WorldPop {year}: negative counts")
        path = out / f"population/worldpop_ppp_{year}_1km_ninhbinh.tif"
        write_geotiff(
            path,
            data,
            profile,
            tags={
                "source": WORLDPOP["source"],
                "source_url": WORLDPOP["source_url"],
                "source_date": WORLDPOP["source_date"],
                "licence": WORLDPOP["licence"],
                "credit": WORLDPOP["credit"],
                "accuracy": WORLDPOP["accuracy"],
                "units": "people per cell",
                "year": str(year),
                "method": (
                    f"window of whole cells of the source grid covering the province plus "
                    f"{MARGIN_KM:g} km; no resampling, values unchanged"
                ),
            },
            band_tags={"units": "people per cell", "year": str(year)},
            description=f"population count {year} (people per ~1 km cell, UN-adjusted)",
        )
        total = province_total(path, province)
        size = f"{data.shape[1]} x {data.shape[0]} cells"
        print(f"population {year}: {size}, {total:,.0f} people in the province")
        written[year] = path
    return written
