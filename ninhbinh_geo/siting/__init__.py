"""Where the next satellite clusters should go: suitability, candidates, and their stability.

Rooms, in the order the data flow through them:

- ``grid``: :class:`Grid`, the cells over the province, layers burnt and rasters read onto it;
- ``factors``: travel time to the nearest hub, labour within reach and distance to a road,
  from the road graph (through a raster of the edges and the distance transform);
- ``surface``: :func:`suitability`, the door: constraints (outside the province, protected
  and heritage areas plus a buffer, flood depth above a threshold, existing sites plus a
  buffer) and the weighted factors, with the accuracy of the inputs;
- ``candidates``: :func:`candidates`, the top N sites as polygons of a chosen area (10–75 ha,
  Decree 32/2024/NĐ-CP Art. 2(1)) at a minimum spacing; :func:`stability`, how often each stays
  in the top N when each weight moves ±20 %.

This analysis sits on top of :mod:`ninhbinh_geo.network` and :mod:`ninhbinh_geo.population`.
"""

from .candidates import CCN_MAX_AREA_HA, CCN_MIN_AREA_HA, candidates, stability
from .grid import Grid
from .surface import DEFAULT_WEIGHTS, FACTORS, NORMALISATION, Surface, suitability

__all__ = [
    "CCN_MAX_AREA_HA",
    "CCN_MIN_AREA_HA",
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "NORMALISATION",
    "Grid",
    "Surface",
    "candidates",
    "stability",
    "suitability",
]
