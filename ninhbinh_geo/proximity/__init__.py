"""Straight-line distances from clusters to the major parks: the satellite network.

Distances are measured in a metric CRS (EPSG:3405 by default, via :func:`crs.to_metric`), on
one of two bases, named per row in ``straight_basis``:

- ``"edges"``: edge to edge between the footprints (how far apart the sites really are; 0 when
  they touch), used only when both footprints are real outlines (``footprint_accuracy`` not
  ``illustrative``);
- ``"points"``: between the sites' points, used as soon as one footprint is illustrative (a
  circle of the published area drawn around a point says nothing about where the site's edge
  is, so two drawn circles that overlap are not 0 km apart). A site's point is its location
  point ``lon``/``lat`` where its footprint is illustrative or missing, else a point inside its
  real outline; road distances start from the same points.

Precision follows accuracy: every distance carries ``distance_accuracy`` (the worst accuracy
class of the positions it was measured between) and ``distance_precision_km`` (the rounding step
it supports, :data:`DISTANCE_PRECISION_KM`). The analysis columns stay unrounded; outputs round
with :func:`round_to_precision`.

Rooms, in the order the data flow through them:

- ``positions``: the sites' points and footprints in a metric CRS, their accuracy, the
  precision a distance supports (:func:`pair_accuracy`, :func:`round_to_precision`);
- ``nearest``: :func:`distance_matrix`, :func:`nearest_parks` (the nearest hub, satellites);
- ``links``: :func:`satellite_links` (a line per satellite with its pair's distances).
"""

from .links import ROAD_REASON_OTHER_PARK, satellite_links
from .links import _satellite_links as _satellite_links  # the review's trusting inner function
from .nearest import SATELLITE_MAX_KM, distance_matrix, nearest_parks
from .nearest import _nearest_parks as _nearest_parks  # the review's trusting inner function
from .positions import DISTANCE_PRECISION_KM, pair_accuracy, round_to_precision

__all__ = [
    "DISTANCE_PRECISION_KM",
    "ROAD_REASON_OTHER_PARK",
    "SATELLITE_MAX_KM",
    "distance_matrix",
    "nearest_parks",
    "pair_accuracy",
    "round_to_precision",
    "satellite_links",
]
