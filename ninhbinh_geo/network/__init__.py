"""Road distances from clusters to parks on a graph built from any road line layer.

:func:`build_graph` turns a line layer into a reusable :class:`RoadGraph`; :func:`road_distances`
then runs :func:`scipy.sparse.csgraph.dijkstra` *from the parks* (one search per park node, all
at once), so 1,000 clusters cost no more than 10: the sites are only looked up in the result.

The road layer of the project (LegoCity, national and provincial roads) lacks the CT01
expressway and local roads; a crossing in it is taken as a junction (the source has no grade
separation). Road distances are therefore indicative, never exact travel routes.

Rooms, in the order the data flow through them:

- ``noding``: lines → noded pieces (split where they cross or touch);
- ``joining``: ends within ``tolerance_m`` joined, dangling ends tied to the nearest road;
- ``graph``: :class:`RoadGraph` and :func:`build_graph`: edge list, Morton order, CSR matrix,
  components, speeds;
- ``snapping``: the spatial index of the edges and the snapping of sites and parks onto them;
- ``distances``: :func:`road_distances`: check, snap, search from the parks, tabulate; why a
  distance is missing (:data:`ROAD_REASONS`, keys of :mod:`ninhbinh_geo.labels`);
- ``flooddepth``: flood depth along the edges and the roads it closes (:func:`edge_depths`,
  :func:`closed_edges`);
- ``flooding``: the distances on the roads left open (:func:`flood_cut_distances`) and the
  closed segments that cut the links (:func:`flood_cut_segments`).
"""

from .distances import ROAD_REASONS, road_distances
from .flooddepth import DEFAULT_CLOSE_M, closed_edges, edge_depths, rp_suffix
from .flooding import flood_cut_distances, flood_cut_segments
from .graph import RAILWAY_CLASS, RoadGraph, build_graph

__all__ = [
    "DEFAULT_CLOSE_M",
    "RAILWAY_CLASS",
    "ROAD_REASONS",
    "RoadGraph",
    "build_graph",
    "closed_edges",
    "edge_depths",
    "flood_cut_distances",
    "flood_cut_segments",
    "road_distances",
    "rp_suffix",
]
