"""Build the ILLUSTRATIVE proxy flood-depth rasters shipped in data/hazard/.

No open flood map or DEM of the province could be obtained, so the demo needs a stand-in that
is honest about being one. This script derives a PROXY depth surface from two real layers:

- the coastline (OpenStreetMap-derived Viet Nam polygon, ODbL 1.0), and
- the WDBII rivers of GSHHG 2.3.7 (LGPL-3+),

as depth = max(h_coast(T) * exp(-d_coast / L_coast(T)),
               h_river(T) * exp(-d_river / L_river(T)),
               0.4 * h_river(T) * exp(-d_minor / L_river(T)))
where d_* are distances (m) to the sea, to the major rivers (WDBII classes 0 and 3) and to
minor rivers (class 4). The parameters below are nominal, chosen to give depths of the order
seen in delta floods; they are NOT calibrated and the result is NOT a flood model. Terrain,
dykes and pumping are ignored. Every output says "illustrative" in its metadata tags, band
description and in data/hazard/SOURCES.md.

Usage: .venv/bin/python scripts/make_illustrative_hazard.py [--data /work/shared/data]
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import rasterio.features
from rasterio.transform import from_origin
from scipy import ndimage

CRS = "EPSG:3405"  # VN-2000 / UTM 48N, metric: distances and cells in metres
CELL_M = 200.0
BBOX_LONLAT = (105.5, 19.8, 106.7, 20.8)  # extent of the GSHHG extract
NODATA = -9999.0
QUANTUM_M = 0.05  # depths rounded to 5 cm: no false precision, and small files
MIN_DEPTH_M = 0.1
MINOR_WEIGHT = 0.4  # minor rivers carry less water than the major ones
#: return period (years): (h_coast m, L_coast m, h_river m, L_river m) — nominal, uncalibrated
PARAMS = {
    10: (0.8, 2000.0, 1.0, 500.0),
    100: (1.5, 4000.0, 1.8, 1000.0),
    1000: (2.5, 7000.0, 2.8, 1800.0),
}
LICENCE = (
    "Derived from OpenStreetMap data (c) OpenStreetMap contributors, ODbL 1.0, and from "
    "GSHHG 2.3.7 / WDBII (Wessel & Smith), LGPL-3+; this derived raster is under ODbL 1.0 "
    "and LGPL-3+"
)


def grid(bbox: tuple[float, float, float, float]) -> tuple[rasterio.Affine, int, int]:
    box = gpd.GeoSeries.from_xy([bbox[0], bbox[2]], [bbox[1], bbox[3]], crs=4326).to_crs(CRS)
    minx, maxx = np.floor(box.x.min() / CELL_M) * CELL_M, np.ceil(box.x.max() / CELL_M) * CELL_M
    miny, maxy = np.floor(box.y.min() / CELL_M) * CELL_M, np.ceil(box.y.max() / CELL_M) * CELL_M
    width, height = int((maxx - minx) / CELL_M), int((maxy - miny) / CELL_M)
    return from_origin(minx, maxy, CELL_M, CELL_M), width, height


def distance_to(mask: np.ndarray) -> np.ndarray:
    """Euclidean distance (m) from every cell to the nearest True cell."""
    if not mask.any():
        return np.full(mask.shape, np.inf)
    return ndimage.distance_transform_edt(~mask) * CELL_M


def build(data: Path, out_dir: Path) -> list[Path]:
    land = gpd.read_file(
        data / "boundaries/osm-coastline/vnm_coastline_osm_2017_ninhbinh_clip.geojson"
    )
    rivers = gpd.read_file(data / "hydro/gshhg/rivers_wdbii_bbox.gpkg").to_crs(CRS)
    transform, width, height = grid(BBOX_LONLAT)
    shape = (height, width)
    print(f"grid {width} x {height} cells of {CELL_M:g} m in {CRS}")
    land_mask = rasterio.features.rasterize(
        land.to_crs(CRS).geometry,
        out_shape=shape,
        transform=transform,
        fill=0,
        default_value=1,
        dtype="uint8",
    ).astype(bool)
    major = rivers[rivers["gmt_class"].isin([0, 3])].geometry
    minor = rivers[rivers["gmt_class"] == 4].geometry

    def burn(geoms: gpd.GeoSeries) -> np.ndarray:
        if geoms.empty:
            return np.zeros(shape, dtype=bool)
        return rasterio.features.rasterize(
            geoms,
            out_shape=shape,
            transform=transform,
            fill=0,
            default_value=1,
            dtype="uint8",
            all_touched=True,
        ).astype(bool)

    d_coast = distance_to(~land_mask)
    d_major = distance_to(burn(major))
    d_minor = distance_to(burn(minor))
    written = []
    for rp, (hc, lc, hr, lr) in PARAMS.items():
        depth = np.maximum.reduce(
            [
                hc * np.exp(-d_coast / lc),
                hr * np.exp(-d_major / lr),
                MINOR_WEIGHT * hr * np.exp(-d_minor / lr),
            ]
        )
        depth = np.round(depth / QUANTUM_M) * QUANTUM_M
        depth[depth < MIN_DEPTH_M] = 0.0
        depth = np.where(land_mask, depth, NODATA).astype("float32")
        target = out_dir / f"illustrative_depth_rp{rp:05d}.tif"
        fd, tmp = tempfile.mkstemp(suffix=".tif", dir=out_dir)
        os.close(fd)
        try:
            with rasterio.open(
                tmp,
                "w",
                driver="GTiff",
                width=width,
                height=height,
                count=1,
                dtype="float32",
                crs=CRS,
                transform=transform,
                nodata=NODATA,
                tiled=True,
                blockxsize=256,
                blockysize=256,
                compress="deflate",
                predictor=3,
                zlevel=9,
            ) as dst:
                dst.write(depth, 1)
                dst.update_tags(
                    accuracy="illustrative",
                    return_period=str(rp),
                    units="m",
                    title=(
                        f"ILLUSTRATIVE proxy flood depth, nominal 1-in-{rp}-year — "
                        "not a flood model"
                    ),
                    method=(
                        "depth = max(h_c*exp(-d_coast/L_c), h_r*exp(-d_major_river/L_r), "
                        f"{MINOR_WEIGHT}*h_r*exp(-d_minor_river/L_r)); h_c={hc} m, "
                        f"L_c={lc:g} m, h_r={hr} m, L_r={lr:g} m; nominal, uncalibrated; "
                        "terrain and dykes ignored"
                    ),
                    source=(
                        "OSM coastline 2017 (@geo-maps/countries-coastline-1m); "
                        "GSHHG 2.3.7 WDBII rivers"
                    ),
                    licence=LICENCE,
                    generated_by="scripts/make_illustrative_hazard.py",
                )
                dst.update_tags(1, units="m", accuracy="illustrative")
                dst.set_band_description(
                    1,
                    f"ILLUSTRATIVE proxy flood depth (m), nominal 1-in-{rp} years; "
                    "not a flood model",
                )
                dst.units = ("m",)
            Path(tmp).chmod(0o644)  # mkstemp makes 0600; the data are public
            Path(tmp).replace(target)
        finally:
            if Path(tmp).exists():
                Path(tmp).unlink()
        wet = (depth > 0).sum() / land_mask.sum()
        size_kb = target.stat().st_size / 1024
        print(f"rp{rp}: {target.name} {size_kb:.0f} KB, wet share of land {wet:.1%}")
        written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "hazard"
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.data, args.out)


if __name__ == "__main__":
    main()
