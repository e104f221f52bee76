"""Write the notebooks of ``notebooks/`` from the cells below (run once after editing them).

    .venv/bin/python scripts/make_notebooks.py

The notebooks are written without outputs (the test suite executes them, see
tests/test_notebooks.py); kernel ``python3``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip("\n"))


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip("\n"))


# --------------------------------------------------------------------------------------------
# 01 quickstart

QUICKSTART = [
    md("""
# Quickstart: the clusters and parks of the new Ninh Bình province

For a **planner or analyst** who wants to see what the library holds and bring in their own
inventory. In about a minute of running time this notebook

1. loads the embedded data (province outline, industrial parks *KCN*, industrial clusters *CCN*,
   the province's published figures and how much of them the inventory covers) and shows where
   each row comes from and how accurate it is;
2. reads a *messy* planner's inventory (Vietnamese headings, areas in m² with decimal commas,
   lon/lat columns) and shows what was harmonised, and what a bad file looks like;
3. computes the land-use efficiency indicators and compares them with the official figures;
4. measures the satellite network: clusters to the major parks, straight and along the roads;
5. draws everything on an interactive web map.

**What is real and what is not.** The boundaries, roads, the site inventory (names, areas,
statuses, approximate locations) and the province's figures are real public data, each row with
its `source`, `licence` and an accuracy class. No footprint of any cluster or park is published,
so every polygon is an **illustrative** circle of the official area around an approximate point
(`footprint_accuracy = "illustrative"`). The small inventory built in section 2 is an
**illustrative example invented for this notebook**.
"""),
    code("""
import tempfile
from pathlib import Path

import pandas as pd

import ninhbinh_geo as nb
from ninhbinh_geo._errors import NinhBinhGeoError

pd.set_option("display.max_columns", 20)
pd.set_option("display.width", 140)
# Every file this notebook writes goes into a temporary folder, never into the repository.
work = Path(tempfile.mkdtemp(prefix="ninhbinh-quickstart-"))
print("ninhbinh_geo", nb.__version__, "- outputs in", work)
"""),
    md("""
## 1. The embedded data

All layers are GeoDataFrames in EPSG:4326 (lon/lat). Areas and distances are always computed in
a metric CRS (EPSG:3405, VN-2000 / UTM 48N) by the library.
"""),
    code("""
province = nb.datasets.load_province()
parks = nb.datasets.load_parks()
clusters = nb.datasets.load_clusters()
print(f"province: {province.loc[0, 'name_vi']}, "
      f"{province.to_crs(3405).area.iloc[0] / 1e6:,.0f} km² (EPSG:3405)")
print(f"industrial parks (KCN) in the inventory: {len(parks)}, "
      f"of which major hubs: {int(parks['major'].sum())}")
print(f"industrial clusters (CCN) in the inventory: {len(clusters)}")
clusters.groupby(["former_province", "status"]).size().unstack(fill_value=0)
"""),
    md("""
Every row says where it comes from (`source`, `source_url`, `source_date`, `licence`) and how
accurate it is: `location_accuracy` for the point, `footprint_accuracy` for the polygon and
`accuracy` for the row as a whole (`surveyed` / `digitized` / `approximate` / `illustrative`).
"""),
    code("""
provenance = ["site_id", "name_vi", "area_ha", "location_accuracy", "footprint_accuracy",
              "accuracy", "licence", "source_date", "source_url"]
clusters[provenance].head(8)
"""),
    code("""
for col in ("location_accuracy", "footprint_accuracy", "accuracy"):
    print(col, {k: int(v) for k, v in clusters[col].value_counts().items()})
print()
print("footprint_basis of the first cluster:", clusters.loc[0, "footprint_basis"])
"""),
    md("""
The province's own figures at the end of 2024 (`load_facts`), and how much of them the
inventory covers (`load_coverage`): the inventory is **incomplete**, so totals computed from it
are lower bounds, never estimates of the province.
"""),
    code("""
facts = nb.datasets.load_facts()
facts[["scope", "indicator", "value", "unit", "qualifier", "as_of"]].head(12)
"""),
    code("""
coverage = nb.datasets.load_coverage()
coverage[["scope", "planned_official", "inventory_ccn", "inventory_share_pct",
          "operating_official", "inventory_operating", "operating_share_pct"]]
"""),
    md("""
## 2. Validating a planner's own layer

Planners keep their inventories in spreadsheets. The table below is an **illustrative example
invented for this notebook** ("Ví Dụ" means "example"; the areas, statuses and coordinates are
made up): headings in Vietnamese, a name prefix written three ways, areas in **m²** with a
**decimal comma** and dot thousands (`125.000,5`), coordinates with a decimal comma in one row,
and a running-number column the library does not know.

Hand check of what we expect: `125.000,5 m²` = 125 000.5 m² = **12.50005 ha**;
`300000 m²` = 30 ha; `482.500,0 m²` = 48.25 ha.
"""),
    code("""
messy = pd.DataFrame({
    "STT": [1, 2, 3],
    "Tên CCN": ["Cụm CN Ví Dụ Một", "CCN Ví Dụ Hai", "cụm công nghiệp Ví Dụ Ba"],
    "Huyện": ["Kim Bảng", "Thanh Liêm", "Ý Yên"],
    "Diện tích (m2)": ["125.000,5", "300000", "482.500,0"],
    "Tình trạng": ["Đang hoạt động", "Đã thành lập", "Quy hoạch"],
    "Kinh độ": ["105,92", "105.93", "106.02"],
    "Vĩ độ": ["20,52", "20.45", "20.31"],
})
xlsx = work / "ccn_cua_toi.xlsx"
messy.to_excel(xlsx, index=False)
csv = work / "ccn_cua_toi.csv"
messy.to_csv(csv, index=False, encoding="utf-8")
messy
"""),
    md("""
`io.read_inventory` reads the file (CSV, XLSX, GeoPackage, GeoJSON, Shapefile, KML), harmonises
headings, units, numbers, prefixes and status words, and validates the result. The table has
points, not footprints, so we pass `allow_points=True`; the provenance arguments fill the
columns the file lacks, and we declare the rows `illustrative` because they are.
"""),
    code("""
provenance_args = {
    "kind": "CCN",
    "source": "illustrative example invented in notebooks/01_quickstart.ipynb",
    "source_date": "2025-07-01",
    "licence": "CC0",
    "accuracy": "illustrative",
}
mine = nb.io.read_inventory(xlsx, allow_points=True, **provenance_args)
mine_csv = nb.io.read_inventory(csv, allow_points=True, **provenance_args)
# The same table as CSV and as XLSX gives the same layer.
same = ["site_id", "area_ha", "lon", "lat"]
assert mine[same].equals(mine_csv[same])
for site_id, area in zip(mine["site_id"], mine["area_ha"], strict=True):
    print(f"{site_id}: area_ha = {area:.5f}")
mine[["site_id", "name_vi", "kind", "former_province", "district_old", "status", "area_ha",
      "lon", "lat", "accuracy", "source_attributes"]]
"""),
    code("""
print("What harmonise changed:")
for line in mine.attrs["harmonise_report"]:
    print(" -", line)
"""),
    md("""
The analyses need polygons. Where only a point is known, `io.nominal_footprints` draws a circle
of exactly the official area around it (in EPSG:3405) and marks it `illustrative`.
"""),
    code("""
mine_fp = nb.io.nominal_footprints(mine)
check = mine_fp[["site_id", "footprint_accuracy", "footprint_basis"]].copy()
check["drawn_ha"] = (mine_fp.to_crs(3405).area / 1e4).round(3)
check
"""),
    md("""
### A bad input and its message

Errors are the package's own (`NinhBinhGeoError` and its subclasses): they name the layer, the
column, the first offending rows and the fix. Here one status is a word the library does not
know, and another file has lost its latitude column.
"""),
    code("""
bad = messy.copy()
bad.loc[1, "Tình trạng"] = "sắp làm"  # "about to be done": not a status the library knows
bad_path = work / "ccn_loi.csv"
bad.to_csv(bad_path, index=False, encoding="utf-8")
try:
    nb.io.read_inventory(bad_path, allow_points=True, **provenance_args)
except NinhBinhGeoError as exc:
    print(f"{type(exc).__name__}: {exc}")
"""),
    code("""
no_lat = work / "ccn_thieu_vi_do.csv"
messy.drop(columns="Vĩ độ").to_csv(no_lat, index=False, encoding="utf-8")
try:
    nb.io.read_inventory(no_lat, allow_points=True, **provenance_args)
except NinhBinhGeoError as exc:
    print(f"{type(exc).__name__}: {exc}")
"""),
    md("""
## 3. Land-use efficiency

`efficiency.site_indicators` adds occupancy (leased ÷ leasable, else the published rate), jobs
and projects per hectare, each with a `*_reason` column saying why a value is missing; missing
is NaN, never 0. Few clusters publish these figures, which the reasons make visible.
"""),
    code("""
clusters = nb.efficiency.site_indicators(clusters)
known = clusters["occupancy_pct"].notna()
print(f"clusters with an occupancy figure: {int(known.sum())} of {len(clusters)}")
print(clusters["occupancy_pct_reason"].value_counts().to_string())
clusters.loc[known, ["site_id", "name_vi", "status", "area_ha", "occupancy_pct",
                     "occupancy_basis", "jobs_per_ha"]]
"""),
    md("""
`efficiency.aggregate` sums by former province and puts the official figures beside the
inventory (`official_*`) with the coverage (inventory ÷ official); nothing is extrapolated.
"""),
    code("""
by_province = nb.efficiency.aggregate(clusters, by="former_province", facts=facts)
by_province[["n_sites", "n_operating", "area_ha", "official_clusters_planned_2021_2030",
             "coverage_clusters_planned_2021_2030", "official_planned_area_text",
             "coverage_planned_area"]].round(3)
"""),
    md("""
## 4. The satellite network

Clusters within `max_km` (default 15 km) of a major park are its satellites. The distance is
edge to edge only between real outlines; where a footprint is an illustrative circle it runs
between the sites' points (`straight_basis`), and every distance carries the accuracy of its
positions and the rounding step that supports (`distance_accuracy`, `distance_precision_km`;
`proximity.round_to_precision` rounds for display). `network.build_graph` turns the road layer
(national and provincial roads only) into a graph; `network.road_distances(..., target="both")`
gives each cluster the road distance to its nearest park in a straight line
(`road_km_to_nearest`) and the park nearest *by road* (`road_park`, `road_km`), counting the
straight access leg to the nearest road (`snap_m`). We allow 5 km of access leg (`max_snap_m`)
for clusters and parks alike, as the review does, because commune and district roads are missing
from the layer (and the CT01 expressway too, see `data/roads/SOURCES.md`); where a site or park is
farther from it the road distance is NaN and `road_reason` says why (a `labels` key).
"""),
    code("""
clusters = nb.proximity.nearest_parks(clusters, parks)
graph = nb.network.build_graph(nb.datasets.load_roads())
clusters = nb.network.road_distances(graph, clusters, parks, max_snap_m=5000, target="both")
links = nb.proximity.satellite_links(clusters, parks)
print(f"satellite clusters (<= 15 km from a major park): {int(clusters['is_satellite'].sum())}"
      f" of {len(clusters)}; links drawn: {len(links)}, "
      f"{int(links['road_km'].notna().sum())} with a road distance")
print(f"road distance to the nearest park known for "
      f"{int(clusters['road_km_to_nearest'].notna().sum())} clusters; the others:")
reasons = clusters["road_reason_to_nearest"].dropna()
print(reasons.map(lambda key: nb.labels.label(key, "en")).value_counts().to_string())
shown = clusters.assign(
    straight_km=nb.proximity.round_to_precision(clusters["straight_km"],
                                                clusters["distance_precision_km"]))
(shown[["site_id", "nearest_park", "straight_km", "distance_accuracy", "road_km_to_nearest",
        "road_park", "road_km", "snap_m"]]
 .sort_values("straight_km").head(10).round(2))
"""),
    md("""
## 5. A web map

All colours and class breaks come from `styles.default_legends`, shared with the static maps
and the QGIS styles. The map carries Leaflet inline (read from the installed
`django-js-lib-leaflet`), so it draws here and in the page `webmap.save_map` writes without
internet. Illustrative layers say so in the layer list and the legend. The map opens on the
overview (province, links, parks, clusters); the other layers are one click away in the layer
list, the sources of the layers shown are credited on the map, and a site still placed by
district is drawn hollow and dashed.

Under the layers lies an **offline basemap**: the province, former provinces and districts,
coastline, rivers, roads and towns with their names, drawn from the data the package ships as
raster tiles (zoom 8 to 11, about 70 m a pixel at the finest, which is as precise as those
data are) and written into the page, with the credit of every source on the map face.
`tiles="OpenStreetMap"` (or any xyzservices name, or a URL template with
`tiles_attribution=`) uses an online tile service instead; `tiles=None` draws none.
"""),
    code("""
layers = {
    "province": province,
    "former_provinces": nb.datasets.load_former_provinces(),
    "roads": nb.datasets.load_roads(),
    "parks": parks,
    "clusters": clusters,
    "satellite_links": links,
}
legends = nb.styles.default_legends(layers)
basemap = nb.webmap.render_basemap()
print(f"offline basemap: {len(basemap.tiles)} tiles, zoom {basemap.zooms[0]}-{basemap.zooms[1]}, "
      f"{basemap.nbytes / 1e3:.0f} kB of PNG")
m = nb.webmap.make_map(layers, legends, lang="en", title="Ninh Bình: satellite clusters")
html = nb.webmap.save_map(m, work / "map.html")
print(f"web map written: {html} ({html.stat().st_size / 1e6:.1f} MB)")
m
"""),
]


# --------------------------------------------------------------------------------------------
# 02 flood and sea level

FLOOD = [
    md("""
# Flood and sea-level exposure of clusters

For an **analyst of climate and flood risk**. It shows how the library measures the exposure of
site footprints to flood-depth rasters, integrates it over return periods, and maps sea-level
rise on a DEM with the connected ("bathtub") method.

**No real flood raster or elevation model of the province is shipped** (none is openly
available at a useful resolution). Everything hazard-like in this notebook is therefore either

- a **synthetic raster made in this notebook** (sections 1 and 3; every value is stated, so the
  results can be checked by hand), or
- the packaged **illustrative proxy hazard** (section 2), derived from the real coastline and
  rivers but no flood model, tagged `accuracy = "illustrative"`.

Section 4 explains how to plug in real data (Copernicus GLO-30 / FABDEM, Aqueduct, Fathom);
section 5 turns exposure into risk: the expected-annual method, flood damage with the JRC
depth–damage curves, and the road links floods cut.
"""),
    code("""
import dataclasses
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

import ninhbinh_geo as nb

pd.set_option("display.width", 140)
work = Path(tempfile.mkdtemp(prefix="ninhbinh-flood-"))
print("outputs in", work)
"""),
    md("""
## 1. Exposure on a synthetic depth raster (hand-checkable)

A **synthetic** GeoTIFF in EPSG:3405 (metres), 50 m cells (0.25 ha each), 20 columns × 10 rows,
west edge at x = 600 000 m, north edge at y = 2 250 500 m. Depth of water by column band, for
three return periods (the values are made up):

| x (m)              | 10-year | 100-year | 1000-year |
|--------------------|---------|----------|-----------|
| 600 000 – 600 250  | 0.6 m   | 1.5 m    | 2.5 m     |
| 600 250 – 600 300  | 0       | 1.5 m    | 2.5 m     |
| 600 300 – 600 500  | 0       | 0.4 m    | 0.9 m     |
| 600 500 – 600 600  | 0       | 0        | 0.9 m     |
| 600 600 – 601 000  | 0       | 0        | 0.05 m    |

Two hypothetical footprints:

- **SYN-A**: the box x 600 200–600 600, y 2 250 000–2 250 200 → 400 m × 200 m = **8 ha**.
  - 10-year: x 600 200–600 250 is wet (0.6 m): 50 × 200 m = **1 ha**.
  - 100-year: x 600 200–600 300 at 1.5 m = 2 ha (class 1–2 m) plus x 600 300–600 500 at 0.4 m
    = 4 ha (class 0.1–0.5 m): exposed **6 ha**, share 6 / 8 = **0.75**; the eastern 2 ha are dry.
  - 1000-year: 2 ha at 2.5 m plus 6 ha at 0.9 m: exposed **8 ha**.
  - Expected annual exposure (trapezoids over p = 1/T, flat tail beyond 1000 years):
    0.001 × 8 + (0.01 − 0.001) × (6 + 8) / 2 + (0.1 − 0.01) × (1 + 6) / 2
    = 0.008 + 0.063 + 0.315 = **0.386 ha per year**.
- **SYN-B**: a 50 m × 50 m box (0.25 ha) straddling x = 600 300, so half of it is at 1.5 m and
  half at 0.4 m in the 100-year raster: exposed 0.25 ha, of which **0.125 ha** in class 1–2 m,
  mean depth (1.5 + 0.4) / 2 = **0.95 m**. A cell-centre method would count it all or nothing;
  exactextract weighs each cell by the exact share the polygon covers.
"""),
    code("""
CELL_M, WIDTH, HEIGHT = 50.0, 20, 10
X0, Y0 = 600_000.0, 2_250_500.0
x_centre = X0 + CELL_M * (np.arange(WIDTH) + 0.5)


def depth_by_band(bands):
    # bands: [(x_from, x_to, depth_m)], the rest is dry
    row = np.zeros(WIDTH, dtype="float32")
    for x_from, x_to, depth in bands:
        row[(x_centre > x_from) & (x_centre < x_to)] = depth
    return np.tile(row, (HEIGHT, 1))


synthetic = {
    10: depth_by_band([(600_000, 600_250, 0.6)]),
    100: depth_by_band([(600_000, 600_300, 1.5), (600_300, 600_500, 0.4)]),
    1000: depth_by_band([(600_000, 600_300, 2.5), (600_300, 600_600, 0.9),
                         (600_600, 601_000, 0.05)]),
}
paths = {}
for rp, depth in synthetic.items():
    # Aqueduct-style names carry the return period (see section 4).
    path = work / f"synthetic_depth_rp{rp:05d}.tif"
    with rasterio.open(path, "w", driver="GTiff", width=WIDTH, height=HEIGHT, count=1,
                       dtype="float32", crs="EPSG:3405", nodata=-9999,
                       transform=from_origin(X0, Y0, CELL_M, CELL_M)) as dst:
        dst.write(depth, 1)
        dst.update_tags(accuracy="illustrative", note="synthetic example, made up")
        dst.update_tags(1, units="m")
    paths[rp] = path
print([p.name for p in paths.values()])
"""),
    code("""
sites = gpd.GeoDataFrame(
    {"site_id": ["SYN-A", "SYN-B"],
     "accuracy": ["illustrative", "illustrative"],
     "source": ["hypothetical footprint drawn in this notebook"] * 2},
    geometry=[box(600_200, 2_250_000, 600_600, 2_250_200),
              box(600_275, 2_250_225, 600_325, 2_250_275)],
    crs="EPSG:3405",
)
expo = nb.exposure.raster_exposure(sites, list(paths.values()))
cols = ["site_id", "return_period", "exposed_ha", "exposed_share", "class_0.1_0.5_ha",
        "class_0.5_1_ha", "class_1_2_ha", "class_2_inf_ha", "mean_depth_m", "max_depth_m",
        "coverage_share", "accuracy"]
expo[cols].round(4)
"""),
    code("""
a100 = expo[(expo["site_id"] == "SYN-A") & (expo["return_period"] == 100)].iloc[0]
b100 = expo[(expo["site_id"] == "SYN-B") & (expo["return_period"] == 100)].iloc[0]
print(f"SYN-A exposed at the 100-year flood: {a100['exposed_ha']:.3f} ha "
      f"(share {a100['exposed_share']:.3f}; hand-computed 6 ha, 0.75)")
print(f"SYN-B in class 1-2 m at the 100-year flood: {b100['class_1_2_ha']:.3f} ha, "
      f"mean depth {b100['mean_depth_m']:.3f} m (hand-computed 0.125 ha, 0.95 m)")
"""),
    code("""
ead = nb.exposure.expected_annual_exposure(expo)
print(f"SYN-A expected annual exposure: {ead.set_index('site_id').loc['SYN-A', 'ead_ha']:.3f} "
      f"ha per year (hand-computed 0.386)")
ead
"""),
    md("""
## 2. The clusters on the packaged ILLUSTRATIVE hazard

`exposure.illustrative_hazard_paths()` returns three proxy depth rasters (10, 100 and 1000
years). They are **illustrative**: depth falls with distance from the real coastline and major
rivers, nothing more (see `data/hazard/SOURCES.md`). The footprints are illustrative too (and a
cluster without a published area is a nominal 5 ha marker, whose hectares measure the marker),
so the numbers below show how the pipeline works, not which cluster floods.
"""),
    code("""
hazard_paths = nb.exposure.illustrative_hazard_paths()
print({rp: p.name for rp, p in hazard_paths.items()})
clusters = nb.datasets.load_clusters()
cl_expo = nb.exposure.raster_exposure(clusters, hazard_paths)
print("accuracy of the exposure rows:", sorted(cl_expo["accuracy"].unique()))
cl_ead = nb.exposure.expected_annual_exposure(cl_expo)
rp100 = cl_expo[cl_expo["return_period"] == 100].set_index("site_id")
table = (clusters.set_index("site_id")[["name_vi", "area_ha"]]
         .join(cl_ead.set_index("site_id")[["ead_ha", "accuracy"]])
         .join(rp100[["exposed_ha", "exposed_share", "mean_depth_m"]].add_suffix("_rp100")))
table.sort_values("ead_ha", ascending=False).head(8).round(3)
"""),
    md("""
### On a web map, one return period at a time

The hazard zones of each return period and the exposure of every cluster in each go on one web
map (still ILLUSTRATIVE). A "Scenario" switch beside the layer list shows one return period at a
time in the hazard and exposure layers, and the legend names it; the offline basemap lies under
them.
"""),
    code("""
hazard_zones = pd.concat([nb.exposure.depth_zones(p) for p in hazard_paths.values()],
                         ignore_index=True)
layers = {"province": nb.datasets.load_province(), "hazard": hazard_zones,
          "clusters": clusters, "exposure": cl_expo}
m = nb.webmap.make_map(layers, nb.styles.default_legends(layers), lang="en",
                       title="Clusters on the ILLUSTRATIVE flood hazard")
html = nb.webmap.save_map(m, work / "flood_map.html")
print(f"{html.name}: {html.stat().st_size / 1e6:.1f} MB, return periods in the switch:",
      sorted(hazard_zones["return_period"].unique().tolist()))
m
"""),
    md("""
## 3. Sea-level rise on a synthetic DEM

The shipped scenarios are those of the Ministry of Natural Resources and Environment (2020).
"""),
    code("""
scenarios = nb.sealevel.slr_scenarios()
scenarios
"""),
    md("""
A **synthetic DEM** (made up for this notebook; 30 m cells, 40 columns × 30 rows, EPSG:3405):

- columns 0–3: the sea, −2 m;
- columns 4–19: a coastal plain rising eastwards, 0.11 + 0.02 × (column − 4) m (0.11 … 0.41 m);
- columns 20–21: a **ridge** (think of a dyke crest) at 3 m, cut by a **channel** at 0.5 m in
  rows 13–16;
- columns 22–39: an inland **basin** at 0.2 m.

Hand check, with the two scenarios of 2050 (high, +28 cm) and 2100 (high, +77 cm):

- +28 cm (water level 0.28 m): plain columns 4–12 (0.11 … 0.27 m) flood, 9 × 30 = **270 cells**
  (24.3 ha). The basin at 0.2 m is *below* the level but the ridge and the 0.5 m channel cut it
  off from the sea, so it stays dry: a plain "below the level" map would wrongly flood its
  540 cells.
- +77 cm (0.77 m): the whole plain (16 × 30 = 480 cells), the channel (2 × 4 = 8) and through
  it the basin (18 × 30 = 540) flood: **1028 cells**, the basin 0.57 m deep.
"""),
    code("""
DEM_CELL_M, DEM_W, DEM_H = 30.0, 40, 30
DEM_X0, DEM_Y0 = 610_000.0, 2_230_000.0
col = np.arange(DEM_W)
z = np.empty((DEM_H, DEM_W), dtype="float32")
z[:, :4] = -2.0
z[:, 4:20] = 0.11 + 0.02 * (col[4:20] - 4)
z[:, 20:22] = 3.0
z[13:17, 20:22] = 0.5
z[:, 22:] = 0.2
dem_path = work / "synthetic_dem.tif"
with rasterio.open(dem_path, "w", driver="GTiff", width=DEM_W, height=DEM_H, count=1,
                   dtype="float32", crs="EPSG:3405", nodata=-9999,
                   transform=from_origin(DEM_X0, DEM_Y0, DEM_CELL_M, DEM_CELL_M)) as dst:
    dst.write(z, 1)

high = scenarios[scenarios["bound"] == "high"].set_index("year")["slr_cm"]
depth_paths = {}
for year in (2050, 2100):
    cm = float(high[year])
    result = nb.sealevel.inundation_depth(dem_path, slr_cm=cm)
    # The DEM is synthetic: say so in the raster, so the exposure rows inherit it.
    result = dataclasses.replace(result, tags={**result.tags, "accuracy": "illustrative"})
    depth_paths[f"slr_{cm:g}cm_{year}"] = result.write(work / f"slr_{cm:g}cm_{year}.tif")
    basin = result.depth_m[:, 22:]
    print(f"+{cm:g} cm ({year}): flooded cells {result.flooded_cells}, "
          f"basin flooded cells {int((basin > 0).sum())}, "
          f"below the level but cut off: {result.tags['low_unconnected_cells']}")
"""),
    md("""
Two hypothetical polygons on the synthetic DEM: **PLAIN** on the coastal plain (columns 4–9,
rows 0–9: 180 m × 300 m = 5.4 ha) and **BASIN** in the basin (columns 25–30, rows 0–9, also
5.4 ha). At +28 cm the water stands on PLAIN's columns 4–8, 0.17, 0.15, 0.13, 0.11 and 0.09 m
deep; exposure starts at 0.1 m (the first depth class), so column 8 does not count: exposed
4 columns × 10 rows × 900 m² = **3.6 ha**, share 4/6 = 0.667. BASIN is dry at +28 cm and
flooded whole at +77 cm (**5.4 ha**, 0.57 m deep).
"""),
    code("""
def cells_box(c0, c1, r0, r1):
    # columns c0..c1-1, rows r0..r1-1 of the synthetic DEM, as a box in EPSG:3405
    return box(DEM_X0 + c0 * DEM_CELL_M, DEM_Y0 - r1 * DEM_CELL_M,
               DEM_X0 + c1 * DEM_CELL_M, DEM_Y0 - r0 * DEM_CELL_M)


polys = gpd.GeoDataFrame(
    {"site_id": ["PLAIN", "BASIN"], "accuracy": ["illustrative"] * 2},
    geometry=[cells_box(4, 10, 0, 10), cells_box(25, 31, 0, 10)],
    crs="EPSG:3405",
)
slr_expo = nb.exposure.raster_exposure(polys, depth_paths)
for row in slr_expo.itertuples():
    print(f"{row.site_id} {row.hazard}: exposed {row.exposed_ha:.3f} ha "
          f"(share {row.exposed_share:.3f}), mean depth {row.mean_depth_m:.2f} m")
slr_expo[["site_id", "hazard", "exposed_ha", "exposed_share", "mean_depth_m", "accuracy"]]
"""),
    md("""
## 4. Plugging in real data

**Elevation: Copernicus GLO-30 or FABDEM.** Both come as 1° × 1° GeoTIFF tiles in EPSG:4326,
heights in metres above the EGM2008 geoid (FABDEM removes buildings and forests, which matters
in the delta). The province needs the tiles N19–N20 × E105–E106, e.g.
`Copernicus_DSM_COG_10_N20_00_E106_00_DEM.tif` or `N20E106_FABDEM_V1-2.tif`. Give them all at
once; `sealevel.read_dem` mosaics them with `rasterio.merge` (they must share one CRS):

```python
tiles = sorted(Path("fabdem").glob("N2*E10*_FABDEM_V1-2.tif"))
z, transform, crs = nb.sealevel.read_dem(tiles)
depth = nb.sealevel.inundation_depth(tiles, slr_cm=77, sea=sea_polygons,
                                     out_path="slr_77cm.tif")
```

The cell below shows the mosaicking on the synthetic DEM of section 3, cut into two tiles: the
mosaic is the original grid, and the flood computed from the tiles is the same.

Pass the sea explicitly (`sea=`, e.g. polygons of the sea built from the coastline) when low
inland land touches the edge of the clipped DEM, and set `base_level_m` to a high-tide level in
the DEM's datum for a high-tide case. Vertical errors of these DEMs (1–3 m in the delta) are
larger than the rise itself: the result is `approximate` at best. Published check figures to
compare a real run with are in `nb.sealevel.REFERENCE_FIGURES`.

"""),
    code("""
tiles = []
for name, cols in (("west", slice(0, 20)), ("east", slice(20, DEM_W))):
    tile = work / f"synthetic_dem_tile_{name}.tif"
    with rasterio.open(tile, "w", driver="GTiff", width=cols.stop - cols.start, height=DEM_H,
                       count=1, dtype="float32", crs="EPSG:3405", nodata=-9999,
                       transform=from_origin(DEM_X0 + cols.start * DEM_CELL_M, DEM_Y0,
                                             DEM_CELL_M, DEM_CELL_M)) as dst:
        dst.write(z[:, cols], 1)
    tiles.append(tile)
mosaic, transform, crs = nb.sealevel.read_dem(tiles)
print("mosaic equals the synthetic DEM:", mosaic.shape == z.shape
      and bool(np.array_equal(mosaic.filled(np.nan), z)))
from_tiles = nb.sealevel.inundation_depth(tiles, slr_cm=77)
print("flooded cells from the tiles at +77 cm:", from_tiles.flooded_cells)
"""),
    md("""
**Flood depth: WRI Aqueduct or Fathom.** One GeoTIFF per return period, depth in **metres**
(Aqueduct: EPSG:4326, ~1 km cells; Fathom: EPSG:4326, 1 arc-second). The return period is read
from the file name: Aqueduct `inunriver_historical_000000000WATCH_1980_rp00100.tif` (river) and
`inuncoast_historical_nosub_hist_rp0100_0.tif` (coast), Fathom `FU-1in100.tif`, or any name with
`rp100` / `T100`. Rasters in centimetres are refused unless you pass `units="cm"`; any CRS is
fine (footprints are reprojected to the raster, areas are EPSG:3405 hectares). Keep one hazard
family (river *or* coast) per `expected_annual_exposure` call.

```python
rasters = sorted(Path("aqueduct").glob("inunriver_historical_*_rp*.tif"))
expo = nb.exposure.raster_exposure(clusters, rasters)
ead = nb.exposure.expected_annual_exposure(expo)
```

**The same from the command line**, with the whole review (maps, QGIS project, report):

```
ninhbinh-geo review --hazard inunriver_rp00010.tif --hazard inunriver_rp00100.tif \\
    --dem N20E105_FABDEM_V1-2.tif --slr-cm 28 --slr-cm 77 --out review-out --force
```

Without `--hazard` the review uses the illustrative proxy and says so in every output.
"""),
    md("""
## 5. Risk: the expected-annual method, flood damage, roads cut by floods

**How the return periods are added up is a choice** that changes the figure several-fold, so
`risk.expected_annual` makes it a parameter and writes it beside every result (`ead_method`,
`rare_tail`, `protection_rp`). On the World Bank CCDR tools' published example (return periods
10/100/1000, impacts 193/1210/3034) the step sum gives 31.3, Delft-FIAT's log-linear rule 66.2
and the trapezoid with a flat tail 85.3. On SYN-A of section 1 (1, 6 and 8 ha): the trapezoid
gives 0.386 ha per year (as `expected_annual_exposure`), the step sum
0.09 × 1 + 0.009 × 6 + 0.001 × 8 = **0.152**; a 1-in-50 dyke (`protection_rp=50`) removes
everything more frequent than 50 years.
"""),
    code("""
published = pd.DataFrame({"site_id": "example", "return_period": [10, 100, 1000],
                          "value": [193.0, 1210.0, 3034.0]})
print(nb.risk.compare_methods(published)[["ead_method", "total"]].round(1))
syn_a = expo[expo["site_id"] == "SYN-A"]
for method in nb.risk.METHODS:
    one = nb.risk.expected_annual(syn_a, method=method, value="exposed_ha", name="ead_ha")
    print(f"SYN-A, {method}: {one['ead_ha'].iloc[0]:.3f} ha per year")
nb.risk.expected_annual(syn_a, method="step", value="exposed_ha", name="ead_ha",
                        protection_rp=50)
"""),
    md("""
**Flood damage** reads a depth–damage curve at the mean depth of the flooded part: the JRC global
curves for Asia are shipped (Huizinga, de Moel & Szewczyk 2017, CC BY 4.0), your own CSV is
checked row by row. The sector is never guessed. Without a value per site the value is area ×
built share (an assumption, 0.5 by default) × the JRC construction cost of Viet Nam (industrial
**319.31 EUR per m², 2010 prices**); every row states cost, currency and year.

SYN-A (8 ha footprint, no `area_ha`: its footprint area is used): value 8 × 10 000 × 0.5 ×
319.31 = **12 772 400 EUR**. At 100 years 6 ha (share 0.75) are flooded, 2 ha at 1.5 m and
4 ha at 0.4 m, mean 0.767 m; the industrial curve there is 0.283 + (0.482 − 0.283) × 0.267 / 0.5
= 0.389; damage 0.389 × 0.75 × 12 772 400 ≈ **3.73 million EUR**.
"""),
    code("""
curves = nb.risk.load_curves()
damage = nb.risk.flood_damage(expo, sites, sector="industrial")
print(damage[["site_id", "return_period", "depth_m", "damage_factor", "exposed_share",
              "asset_value_eur", "damage_eur"]].round(3).to_string())
a100 = damage[(damage["site_id"] == "SYN-A") & (damage["return_period"] == 100)].iloc[0]
print(f"SYN-A damage at 100 years: {a100['damage_eur']:,.0f} EUR")  # by hand: about 3.73 million
nb.risk.expected_annual(damage, method="loglinear", value="damage_eur", name="ead_damage_eur")
"""),
    md("""
The same on the clusters and the **illustrative** hazard of section 2 (numbers for the
pipeline, not for any site): damage per return period and the expected annual damage by each
method, side by side.
"""),
    code("""
cl_damage = nb.risk.flood_damage(cl_expo, clusters, sector="industrial")
print(cl_damage.groupby("return_period")["damage_eur"].sum().map("{:,.0f} EUR".format))
nb.risk.compare_methods(cl_damage, value="damage_eur")
"""),
    md("""
**Road links cut by floods.** Each edge of the road graph gets the deepest water sampled along it
(at its vertices and every half cell); at more than 0.3 m (configurable per road class) it is
closed, and the same csgraph search runs again on the roads left open. Per cluster: the road
distance to the hub of its satellite link per return period, the extra km, whether the link is
cut (`cut_rp<T>`) or the cluster reaches no hub at all (`isolated_rp<T>`), the most frequent
return period that cuts it and the annual probability of the cut. On the embedded national and
provincial roads (long edges: one wet spot closes kilometres) and the illustrative hazard the
result is, again, illustrative.
"""),
    code("""
parks = nb.datasets.load_parks()
graph = nb.network.build_graph(nb.datasets.load_roads())
linked = nb.network.road_distances(graph, nb.proximity.nearest_parks(clusters, parks), parks,
                                   max_snap_m=5000, target="both")
depths = nb.network.edge_depths(graph, hazard_paths)
closed = nb.network.closed_edges(graph, depths, close_m=0.3)
cut = nb.network.flood_cut_distances(graph, linked, parks, closed, hub="nearest_park")
for rp in closed.columns:
    sfx = nb.network.rp_suffix(rp)
    print(f"{rp:g} years: {int(closed[rp].sum())} of {graph.n_edges} edges closed, "
          f"{int(cut[f'cut_{sfx}'].sum())} of {int(cut['road_km_dry'].notna().sum())} "
          f"links cut")
segments = nb.network.flood_cut_segments(graph, cut, parks, closed, depths=depths)
segments[["edge_id", "length_m", "closed_rp", "links_cut", "links_cut_alone"]].head().round(1)
"""),
    md("""
**Sea level with its uncertainty.** Three things the single bathtub line of section 3 hides:

- the **low land the sea cannot reach** is a class of its own (`low_unconnected`): on the
  synthetic DEM at +28 cm, the basin's 540 cells lie below the water but behind the ridge;
- the **datum**: Copernicus GLO-30 and FABDEM heights are over EGM2008, whose zero lies about
  **0.86 m** below the national Hòn Dấu zero at the Hòn Dấu gauge (an *assumption*:
  `sealevel.HON_DAU_OVER_EGM2008_M`, from the VIGAC2014 model; decimetres off elsewhere in the
  delta). `datum_offset_m` lifts the water level by it: as much as the 2100 scenarios do;
- the **DEM's vertical error** (1–3 m in the delta): `sealevel_uncertainty.inundation_probability`
  floods the DEM again under many seeded, spatially correlated error fields and gives each
  site the share of draws in which it floods. With an error of 0.2 m (correlated over 300 m)
  PLAIN (0.11–0.21 m, under a 0.28 m level) floods in about nine draws of ten; BASIN, dry in
  the single bathtub at +28 cm, floods in about one draw in six, whenever the error lowers the
  0.5 m channel under the water, and at +77 cm, flooded in the single bathtub, it stays dry in
  a few draws. The probabilities, not the yes/no, are what a DEM this coarse supports.
"""),
    code("""
at_28 = nb.sealevel.inundation_depth(dem_path, slr_cm=28)
zones = nb.sealevel.inundation_zones(at_28)
print(zones.groupby("inundation_class")["area_ha"].sum().round(2))
lifted = nb.sealevel.inundation_depth(dem_path, slr_cm=28,
                                      datum_offset_m=nb.sealevel.HON_DAU_OVER_EGM2008_M)
print("flooded cells at +28 cm:", at_28.flooded_cells, "| with the EGM2008 offset:",
      lifted.flooded_cells)
odds = nb.sealevel_uncertainty.inundation_probability(
    dem_path, polys, slr_cm=[28, 77], error_m=0.2, correlation_m=300, draws=200, seed=1)
odds[["site_id", "slr_cm", "p_inundated", "inundated_without_error", "draws", "error_m"]]
"""),
]


# --------------------------------------------------------------------------------------------
# 03 zoning review for QGIS

ZONING = [
    md("""
# Zoning review of proposed clusters, for QGIS

For a **reviewer at the Department of Industry and Trade or Construction** who receives cluster
proposals. It checks proposals against the zoning rules (Decree 32/2024/NĐ-CP on clusters, the
Law on Dykes, heritage protection, flood screening…), reads each finding with its legal source
and how well that source was confirmed, and exports a GeoPackage whose layers open styled in
QGIS, with a QGIS project. The last section runs the same review from the command line.

**The three proposals below are hypothetical**, invented for this notebook, as is the dyke line
drawn next to one of them (`source` and `accuracy` say so in their attributes). Real dyke
lines, relic protection zones and residential areas are not shipped: supply your own layers for
a real review. The internationally designated heritage and protected areas are shipped
(`datasets.load_protected_areas`: Tràng An, Xuân Thủy, the Red River Delta biosphere reserve).
"""),
    code("""
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box

import ninhbinh_geo as nb

pd.set_option("display.max_colwidth", 90)
pd.set_option("display.width", 160)
work = Path(tempfile.mkdtemp(prefix="ninhbinh-zoning-"))
print("outputs in", work)
"""),
    md("""
## 1. The rules

The rules are a table (`data/rules/rules.csv`): one row per rule with its check, thresholds,
legal source and a **source status**: `C` confirmed in the official text, `P` numbers seen but
article not seen, `S` secondary source only, `U` unverified (a `U` rule never fails hard).
"""),
    code("""
rules = nb.zoning.load_rules()
status_counts = {k: int(v) for k, v in rules["source_status"].value_counts().items()}
print(f"{len(rules)} rules; source status: {status_counts}")
rules[["check", "operator", "threshold", "threshold_high", "unit", "layer", "legal_source",
       "source_status", "severity"]]
"""),
    md("""
## 2. Three hypothetical proposals and a hand-made dyke

Placed in the former Yên Mô district (Ninh Bình), drawn as rectangles in EPSG:3405:

- **CCN Đề Xuất 80 ha** ("proposal"): 1000 m × 800 m = **80 ha**, over the 75 ha ceiling of
  Decree 32/2024 Art. 2(1), so rule CCN-01 must fail;
- **CCN Đề Xuất Ven Đê** ("by the dyke"): 500 m × 400 m = 20 ha, whose northern edge lies
  **10 m** from a grade II river dyke; the dyke corridor is 25 m on the land side and 20 m on
  the river side (Law on Dykes Art. 23). The site is on the land side, so a strip of
  (25 − 10) m × 500 m = **0.75 ha** of it lies in the corridor and DYK-01 must fail;
- **CCN Đề Xuất Hợp Lệ** ("compliant"): 500 m × 600 m = 30 ha, 2 km from the dyke. It passes
  the area and dyke rules, but CCN-07 cannot be decided: the occupancy of one existing cluster
  of the district is unknown, and unknown is never a pass.

The outlines stand for boundaries digitised from a proposal's plan drawing, so they carry
`footprint_accuracy = "digitized"` (the rows as a whole stay `illustrative`, being invented).
The two real clusters of Yên Mô are added so that CCN-07 (new clusters only where the existing
ones are more than 50 % leased) has something to measure; their footprints are illustrative.
"""),
    code("""
# Anchor of the hypothetical proposals: 105.99 E, 20.15 N, in EPSG:3405 metres
ax, ay = gpd.GeoSeries([Point(105.99, 20.15)], crs=4326).to_crs(3405).iloc[0].coords[0]
ax, ay = round(ax, -2), round(ay, -2)
hypothetical = "hypothetical proposal invented in notebooks/03_zoning_review_for_qgis.ipynb"
proposals = gpd.GeoDataFrame(
    {
        "site_id": ["CCN-NB-DEXUAT80", "CCN-NB-DEXUATVENDE", "CCN-NB-DEXUATHOPLE"],
        "name_vi": ["CCN Đề Xuất 80 ha", "CCN Đề Xuất Ven Đê", "CCN Đề Xuất Hợp Lệ"],
        "kind": "CCN",
        "former_province": "Ninh Bình",
        "district_old": "Yên Mô",
        "status": "planned",
        "area_ha": [80.0, 20.0, 30.0],
        "craft_village": False,
        "mountainous": False,
        "footprint_accuracy": "digitized",
        "accuracy": "illustrative",
        "source": hypothetical,
        "licence": "CC0",
        "source_date": "2025-07-01",
    },
    geometry=[
        box(ax, ay, ax + 1000, ay + 800),
        box(ax + 2000, ay, ax + 2500, ay + 400),
        box(ax + 4000, ay - 2000, ax + 4500, ay - 1400),
    ],
    crs="EPSG:3405",
).to_crs(4326)
# A grade II river dyke running west-east 10 m north of the second proposal; the river lies
# north of it, i.e. on the left of the drawing direction.
dykes = gpd.GeoDataFrame(
    {"dyke_id": ["DE-VIDU"], "grade": ["II"], "river_side": ["left"], "dyke_type": ["river"],
     "accuracy": ["illustrative"], "source": ["hand-made example line, not a real dyke"]},
    geometry=[LineString([(ax + 1500, ay + 410), (ax + 3000, ay + 410)])],
    crs="EPSG:3405",
).to_crs(4326)
print((proposals.to_crs(3405).area / 1e4).round(2).tolist(), "ha drawn")
clusters = nb.datasets.load_clusters()
existing = clusters[clusters["district_old"] == "Yên Mô"]
sites = pd.concat([existing, proposals], ignore_index=True)
sites[["site_id", "name_vi", "status", "area_ha", "occupancy_pct", "footprint_accuracy",
       "accuracy"]]
"""),
    md("""
## 3. Checking

`zoning.check` gives one finding per (site, rule). A rule whose input is missing (no
residential layer) says `needs_review` with the reason and, in `missing_input`, what would
decide it; missing data is never a pass. A rule decides when the data decide it: an 80 ha
cluster fails the size rule whatever its craft-village flag. Each finding carries its margin
(`margin`, signed: above 0 how far from passing) and the rule's identity (`rule_hash`,
`effective_date`); `summarize` names the rule that binds each site.
"""),
    code("""
heritage = nb.datasets.load_protected_areas()  # the heritage and protected-area rules read it
findings = nb.zoning.check(sites, layers={"dykes": dykes, "heritage": heritage})
print(f"{len(findings)} findings = {len(sites)} sites x {len(rules)} rules")
summary = nb.zoning.summarize(findings)
summary.drop(columns="geometry")
"""),
    code("""
share = nb.zoning.decided_share(findings).set_index("rule_id")
print(f"decided: {share.loc['all', 'decided']} of {share.loc['all', 'pairs']} (site, rule) pairs")
nb.zoning.missing_data(findings)  # what would decide the rest
"""),
    code("""
key = findings.set_index(["site_id", "rule_id"])
for site_id, rule_id in [("CCN-NB-DEXUAT80", "CCN-01"), ("CCN-NB-DEXUATVENDE", "DYK-01"),
                         ("CCN-NB-DEXUATHOPLE", "CCN-01"), ("CCN-NB-DEXUATHOPLE", "DYK-01"),
                         ("CCN-NB-DEXUATHOPLE", "CCN-07")]:
    f = key.loc[(site_id, rule_id)]
    limit = f"{f['threshold']:g}"
    if pd.notna(f["threshold_high"]):
        limit += f"–{f['threshold_high']:g}"
    print(f"{site_id} {rule_id}: {f['result'].upper()} - measured {f['measured']:g} {f['unit']}"
          f" (threshold {limit}) - {f['reason']}")
    print(f"    margin: {f['margin_en'] or 'none'}")
    print(f"    legal source: {f['legal_source']} [status {f['source_status']}]")
"""),
    md("""
All findings that are not a pass, with their statement, legal source and source status: this
is the list a reviewer works through.
"""),
    code("""
is_proposal = findings["site_id"].isin(proposals["site_id"])
open_items = findings[is_proposal & findings["result"].isin(["fail", "needs_review"])]
print(f"{len(open_items)} open items for the {len(proposals)} proposals")
open_items[["site_id", "rule_id", "result", "severity", "reason", "legal_source",
            "source_status", "statement_en"]]
"""),
    md("""
The same proposals with `footprint_accuracy = "illustrative"` (an outline drawn only from the
announced area): a made-up outline can neither clear nor condemn a site, so the geometric rules
turn into `needs_review` with "would be fail/pass" in the reason.
"""),
    code("""
as_drawn = proposals.assign(footprint_accuracy="illustrative")
f2 = nb.zoning.check(as_drawn, layers={"dykes": dykes}).set_index(["site_id", "rule_id"])
print(f2.loc[("CCN-NB-DEXUATVENDE", "DYK-01"), ["result", "reason"]].tolist())
"""),
    md("""
## 4. GeoPackage and QGIS project

`qgis.export_geopackage` writes every layer into one GeoPackage in a VN-2000 TM-3 zone, each with
its default style in the `layer_styles` table (QGIS applies it on opening);
`qgis.write_project` writes a `.qgz` that opens them in order. The colours come from the same
legends as the web and static maps.
"""),
    code("""
layers = {
    "province": nb.datasets.load_province(),
    "districts": nb.datasets.load_districts(),
    "clusters": sites,
    "zoning_findings": findings,
    "dykes": dykes,
}
legends = nb.styles.default_legends(layers)
gpkg = nb.qgis.export_geopackage(layers, legends, work / "zoning_review.gpkg", lang="en")
project = nb.qgis.write_project(gpkg, list(layers), work / "zoning_review.qgz", lang="en")
print("written:", gpkg.name, project.name)
with sqlite3.connect(gpkg) as con:
    styles_table = pd.read_sql(
        "SELECT f_table_name, styleName, useAsDefault, description, length(styleQML) AS qml_chars"
        " FROM layer_styles ORDER BY f_table_name", con)
    contents = pd.read_sql("SELECT table_name, data_type, srs_id FROM gpkg_contents", con)
print("layers without a style (no legend for them):",
      sorted(set(contents["table_name"]) - set(styles_table["f_table_name"])))
styles_table
"""),
    md("""
The printable zoning map shows one outcome per site: fails in red, labelled with the rule
that binds and its margin, and the sites that need review coloured by what is missing to
decide them (a map layer, a site attribute, the other clusters …), so the map says what to
collect next.
"""),
    code("""
outcomes = nb.styles.zoning_outcomes(findings)
print(outcomes["outcome"].value_counts().to_string())
fig = nb.staticmap.plot_zoning(layers, legends, lang="en")
png = nb.staticmap.save_figure(fig, work / "zoning_map", formats=["png"])[0]
print("written:", png.name)
"""),
    md("""
Open `zoning_review.qgz` in QGIS 3.22 or later: the layers appear styled, the findings
coloured by their worst result.

## 5. The scripted equivalent: `ninhbinh-geo review`

One command runs the whole review (efficiency, satellite network, exposure, zoning) and writes
the GeoPackage, the QGIS project, the web map, printable maps, tables and a report. On the
embedded data it uses the illustrative hazard and says so. With your own files:
`--clusters my_ccn.gpkg --hazard … --dem … --slr-cm …`. Here it runs into a temporary folder.
"""),
    code("""
out = work / "review-out"
args = ["review", "--out", str(out), "--force", "--lang", "en", "--quiet"]
print("$ ninhbinh-geo", " ".join(args))
# `python -m ninhbinh_geo.cli` is the `ninhbinh-geo` command of the Python running this
# notebook, wherever its scripts folder is.
run = subprocess.run(
    [sys.executable, "-m", "ninhbinh_geo.cli", *args], capture_output=True, text=True, timeout=600
)
print("exit code:", run.returncode)
print(run.stderr[-1500:])
for path in sorted(out.rglob("*")):
    if path.is_file():
        print(f"{path.relative_to(out)}  ({path.stat().st_size / 1e3:,.0f} kB)")
"""),
    md("""
The same from Python, without the command line: `nb.review.run_review(out_dir,
nb.review.ReviewOptions(clusters=Path("my_ccn.gpkg"), hazards=[...], lang="en"), force=True)`
returns the layers and tables as well as the paths it wrote.
"""),    md("""
## 6. For the office: alternate styles, map themes, PostGIS, and what changed

Each layer of `review.gpkg` carries its default style and alternate named styles (QGIS: Layer
Properties → Style → the list at the bottom), each also as SLD 1.1 for GeoServer. The project has
one map theme per flood or sea-level scenario and an A3 print layout (Project → Layouts).
`--to-postgis "postgresql://user@host/db?schema=ninhbinh_review"` (or
`nb.qgis.write_postgis(layers, legends, url)`) writes the same styled layers into the office's
PostGIS, replacing the schema in one transaction; `--clusters "postgresql://…?table=…"` reads a
layer back through the same checks.
"""),
    code("""
import xml.etree.ElementTree as ET
import zipfile

import pyogrio

with sqlite3.connect(out / "review.gpkg") as con:
    named = pd.read_sql(
        "SELECT f_table_name, styleName, useAsDefault, length(styleSLD) AS sld_chars"
        " FROM layer_styles ORDER BY f_table_name, useAsDefault DESC", con)
print(named.to_string(index=False))
with zipfile.ZipFile(out / "review.qgz") as zf:
    qgs = zf.read(zf.namelist()[0]).decode("utf-8")
root = ET.fromstring(qgs.split("\\n", 1)[1])  # the text after the QGIS doctype line
print("map themes:", [p.get("name") for p in root.iter("visibility-preset")])
print("print layouts:", [lay.get("name") for lay in root.iter("Layout")])
"""),
    md("""
Reviews recur. `ninhbinh-geo diff OLD NEW --out DIR` (or `nb.diff.compare_reviews`) lists, per
site and rule, the outcomes that changed and why: an input value, a rule's threshold, its
wording or definition, its effective date. To show it, a *hypothetical* edit of the inventory
(one cluster's area set to 120 ha, invented here, not a fact) is reviewed again.
"""),
    code("""
edited = nb.datasets.load_clusters()
first = edited.index[0]
print("hypothetical edit:", edited.loc[first, "site_id"], edited.loc[first, "area_ha"], "ha -> 120")
edited.loc[first, "area_ha"] = 120.0
edited.loc[first, "note"] = hypothetical
pyogrio.write_dataframe(edited, work / "ccn_edited.gpkg", layer="clusters", driver="GPKG")
out2 = work / "review-edited"
nb.review.run_review(
    out2, nb.review.ReviewOptions(clusters=work / "ccn_edited.gpkg", lang="en"),
    only=("gpkg", "report"), force=True,
)
changes = nb.diff.compare_reviews(out, out2)
print("\\n".join(nb.diff.summary_lines(changes, "en")))
changes.sites.loc[changes.sites["outcome_changed"],
                  ["site_id", "rule_id", "result_old", "result_new", "cause", "changed_inputs"]]
"""),
]


# --------------------------------------------------------------------------------------------
# 04 satellite network: travel time, labour within reach, access, new sites (issue 14)

NETWORK = [
    md("""
# The satellite network as a planner sees it: travel time, labour, access and new sites

For the **planner of the satellite network** of clusters (CCN) around the big parks (KCN)
Đồng Văn, Bảo Minh, Khánh Phú and Gián Khẩu. In about a minute of running time this notebook

1. turns the road graph into **travel times** (speeds by road class, below the legal ceilings
   of Circular 31/2019/TT-BGTVT) and measures minutes from every cluster to every hub;
2. draws the **service areas** of the hubs (15, 30, 45 minutes) and counts the clusters in them;
3. counts the **labour within reach**: WorldPop people within 30 minutes of each hub by road,
   in 2000 and 2020;
4. computes **capacity-aware access** indices (gravity, 2SFCA, enhanced 2SFCA, balanced FCA);
5. looks for **candidate sites** of new clusters and tests how stable their ranking is.

**What is real and what is not.** The roads, the sites' points and the WorldPop population are
real public data (WorldPop, CC BY 4.0: credit printed below). The road layer holds only national
and provincial roads (no CT01 expressway, no commune roads), so a third of the people live
farther than the access leg allowed and are counted in no catchment. The **speeds are planning
assumptions**, not measurements. The cluster outlines and the demo flood layer are
**illustrative**, so the candidate sites are illustrative too (they say so). The supply used by
the access indices below is the parks' area, a stand-in chosen for this notebook because no
hub publishes leasable hectares; the 40 ha and 60 ha of the small example are
**hypothetical**.
"""),
    code("""
import tempfile
from pathlib import Path

import pandas as pd

import ninhbinh_geo as nb
from ninhbinh_geo import access, population, siting
from ninhbinh_geo._errors import NinhBinhGeoError
from ninhbinh_geo.network import service_areas, speeds, traveltime

pd.set_option("display.max_columns", 20)
pd.set_option("display.width", 140)
work = Path(tempfile.mkdtemp(prefix="ninhbinh-network-"))
print("outputs in", work)
"""),
    md("""
## 1. Travel time

The planning speeds by road class, and the legal ceiling each stays below (Circular
31/2019/TT-BGTVT: Art. 6 inside residential areas, Art. 7 outside, Art. 8 mopeds, Art. 9
expressways). Override them per class with `speeds_kmh={...}` (`--speed CLASS=KMH`).
"""),
    code("""
roads = nb.datasets.load_roads()
graph = traveltime.with_speeds(nb.network.build_graph(roads), roads)
speeds.speed_table({k: v for k, v in speeds.planning_speeds().items()
                    if k in set(roads["level"])})
"""),
    code("""
clusters, parks = nb.datasets.load_clusters(), nb.datasets.load_parks()
hubs = parks[parks["major"]]
minutes = traveltime.travel_minutes(graph, clusters, hubs, max_snap_m=5000)
nearest = minutes.min(axis=1)
print(f"clusters with a travel time to a hub: {nearest.notna().sum()} of {len(clusters)}")
print(f"median minutes to the nearest hub: {nearest.median():.1f}")
minutes.round(1).head(8)
"""),
    md("""
## 2. Service areas

Land within 15, 30 and 45 minutes of each hub: the roads reached (partly reached roads cut where
the time runs out) and, around them, the land one can still reach off the road at 20 km/h in the
time left (at most 5 km).
"""),
    code("""
areas = service_areas.service_areas(graph, parks, clusters=clusters, max_snap_m=5000)
areas[["park_name", "minutes", "area_km2", "clusters_within", "accuracy"]].round(1).head(12)
"""),
    code("""
ax = areas.to_crs(3405).plot(column="minutes", cmap="Greens_r", alpha=0.4, figsize=(6, 6))
clusters.to_crs(3405).plot(ax=ax, color="orange", markersize=4)
ax.set_axis_off()
"""),
    md("""
## 3. Labour within reach (WorldPop 2000 and 2020)

People whose 1 km cell reaches the hub within 30 minutes by road (the cell's centre snapped to
its nearest road, with its own access leg): a catchment along the network, not a circle.
"""),
    code("""
labour = population.labour_within(graph, hubs, minutes=[15, 30], max_snap_m=5000)
cols = ["people_30min_2000", "people_30min_2020", "people_30min_change_pct"]
print(population.CREDIT)
labour.set_index("name_vi")[cols].round(0)
"""),
    code("""
reach = population.unreached_share(graph, within=nb.datasets.load_province(), max_snap_m=5000)
reach
"""),
    md("""
## 4. Capacity-aware access

"Nearest park" ignores capacity. The 2SFCA shares each hub's supply among the cluster area
that reaches it within 30 minutes. A small **hypothetical** case first: cluster a (10 ha)
reaches only hub H1 (40 ha); cluster b (10 ha) reaches H1 and H2 (60 ha).
"""),
    code("""
cost = pd.DataFrame({"H1": [10.0, 20.0], "H2": [float("nan"), 15.0]}, index=["a", "b"])
supply, demand = pd.Series({"H1": 40.0, "H2": 60.0}), pd.Series({"a": 10.0, "b": 10.0})
pd.DataFrame({
    "2SFCA": access.two_step_fca(cost, supply, demand, max_min=30),
    "E2SFCA": access.enhanced_two_step_fca(cost, supply, demand, decay=access.zones()),
    "BFCA": access.balanced_fca(cost, supply, demand, decay=access.step(30)),
})
"""),
    code("""
try:
    access.three_step_fca(cost, supply, demand)
except NinhBinhGeoError as err:
    print(err)
"""),
    md("""
On the embedded data: the supply must be chosen, and a hub without it is either an error or
left out on purpose (`missing="drop"`), never given a default.
"""),
    code("""
try:
    access.site_access(clusters, hubs, minutes, supply_column="leasable_ha")
except NinhBinhGeoError as err:
    print(str(err)[:160], "…")
scores = access.site_access(clusters, hubs, minutes, supply_column="area_ha", missing="drop")
print("hubs left out:", scores.attrs["left_out"]["hubs"])
scores[["name_vi", "area_ha", "access_2sfca", "access_bfca", "hubs_within_30min"]].dropna(
    subset=["access_2sfca"]).sort_values("access_2sfca").head(10)
"""),
    md("""
## 5. Where could new clusters go?

Constraints: outside the province, the World Heritage and Ramsar areas plus 1 km, the
(illustrative) 100-year flood deeper than 0.5 m, existing sites plus 1 km. Factors: travel time
to the nearest hub, people within 30 minutes, distance to a road, weighted 0.4 / 0.4 / 0.2.
"""),
    code("""
sites = nb.datasets.load_sites()
surface = siting.suitability(
    graph, parks, nb.datasets.load_province(),
    protected=nb.datasets.load_protected_areas(), sites=sites,
    hazard=nb.exposure.illustrative_hazard_paths()[100.0], cell_m=250, max_snap_m=5000,
)
print("accuracy of the surface:", surface.accuracy_basis)
surface.summary()
"""),
    code("""
found = siting.stability(surface, n=8, area_ha=50, spacing_m=5000)
found[["candidate_id", "score", "travel_min", "people_30min", "stay_share", "accuracy"]].round(2)
"""),
    code("""
path = work / "candidates.gpkg"
found.to_file(path, layer="candidate_sites")
print("written:", path.name, len(found), "candidates, every one", found["accuracy"].iloc[0])
"""),
]


def write(name: str, cells: list) -> Path:
    nb = new_notebook(cells=cells)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i:02d}"  # stable ids: regenerating changes only what was edited
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    path = NOTEBOOKS / name
    fd, tmp = tempfile.mkstemp(suffix=".ipynb", dir=NOTEBOOKS)
    os.close(fd)
    nbformat.write(nb, tmp)
    Path(tmp).chmod(0o644)
    Path(tmp).replace(path)
    return path


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    written = [
        write(name, cells)
        for name, cells in (
            ("01_quickstart.ipynb", QUICKSTART),
            ("02_flood_and_sea_level.ipynb", FLOOD),
            ("03_zoning_review_for_qgis.ipynb", ZONING),
            ("04_satellite_network_access.ipynb", NETWORK),
        )
    ]
    # The house style (ruff, line length 100) holds for the code cells too.
    ruff = Path(sys.executable).with_name("ruff")
    subprocess.run([str(ruff), "format", "--quiet", *map(str, written)], check=True)
    subprocess.run([str(ruff), "check", "--quiet", *map(str, written)], check=True)
    for path in written:
        print("wrote", path)


if __name__ == "__main__":
    main()
