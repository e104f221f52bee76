"""Flood exposure of site footprints: depth rasters and vector hazard zones.

:func:`raster_exposure` measures, for every site footprint and every hazard raster, how much of
the footprint is flooded and how deep, with cells weighted by the exact fraction the polygon
covers (exactextract). :func:`expected_annual_exposure` integrates exposed area over annual
exceedance probability. :func:`zone_exposure` measures the area of each site inside vector
hazard zones (flood zones, coastal zones, dyke or river corridors). :func:`depth_zones` traces
the depth classes of a raster as polygons for maps, and :func:`illustrative_hazard_paths`
returns the packaged ILLUSTRATIVE proxy rasters (``data/hazard/SOURCES.md``).

Rooms, in the order data flows through them:

- ``classes``: depth-class breaks and the names of their columns;
- ``periods``: return periods read from file names and labels;
- ``rasters``: opening and checking hazard rasters, units, accuracy tags, the demo rasters;
- ``sites``: the site layer checked at the door;
- ``cells``: footprints and derived depth rasters for exactextract, cell areas;
- ``extract``: per-footprint sums made by exactextract in C++, in batches;
- ``workers``: many footprints split over forked processes, one band of the raster each;
- ``overlay``: :func:`raster_exposure`, the table of exposure per site and hazard;
- ``annual``: :func:`expected_annual_exposure`;
- ``zones``: :func:`zone_exposure`;
- ``depthzones``: :func:`depth_zones`, the map's hazard polygons.
"""

from .annual import expected_annual_exposure
from .cells import _geographic_cell_area_m2 as _geographic_cell_area_m2  # used by tests
from .classes import DEFAULT_BREAKS_M, class_columns
from .depthzones import MAX_ZONE_CELLS, depth_zones
from .extract import FOOTPRINTS_PER_BATCH, MAX_CELLS_IN_MEMORY, RASTER_SEQUENTIAL_FROM
from .overlay import FULL_COVERAGE, raster_exposure
from .periods import parse_return_period
from .rasters import (
    CM_SUSPECT_DEPTH_M,
    IMPLAUSIBLE_MEAN_DEPTH_M,
    UNDECLARED_NODATA_BELOW_M,
    HazardInput,
    illustrative_hazard_paths,
)
from .zones import zone_exposure

__all__ = [
    "CM_SUSPECT_DEPTH_M",
    "DEFAULT_BREAKS_M",
    "FOOTPRINTS_PER_BATCH",
    "FULL_COVERAGE",
    "IMPLAUSIBLE_MEAN_DEPTH_M",
    "MAX_CELLS_IN_MEMORY",
    "MAX_ZONE_CELLS",
    "RASTER_SEQUENTIAL_FROM",
    "UNDECLARED_NODATA_BELOW_M",
    "HazardInput",
    "class_columns",
    "depth_zones",
    "expected_annual_exposure",
    "illustrative_hazard_paths",
    "parse_return_period",
    "raster_exposure",
    "zone_exposure",
]
