"""Snapping sites and parks onto road edges, through a spatial index of the edges.

:class:`_EdgeIndex` puts the edges of a graph in blocks of nearby nodes (an STRtree of the
block boxes; on small graphs an STRtree of the edges themselves); :func:`_snap` finds the
nearest edge of every point, the distance to it and the position along it, and
:func:`_snap_sites` snaps the points of sites and parks in one pass.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .._errors import SchemaError, first_ids
from .._provenance import ACCURACY_CLASSES

if TYPE_CHECKING:
    from .graph import RoadGraph

# Nodes a block of the edge index spans: 16 consecutive Morton numbers are a patch of about
# 4 × 4 nodes, whose edges a query box of half an edge meets in one to four blocks.
_BLOCK_NODES = 16
# Up to this many edges an STRtree of the edges themselves is cheap to build, and its
# nearest-neighbour search snaps faster than the block passes where sites lie far from a
# few long roads (the embedded national and provincial roads: 61 edges).
_EDGE_TREE_MAX_EDGES = 5_000


@dataclass(frozen=True, eq=False)
class _EdgeIndex:
    """Where the edges of a graph lie: the spatial index that sites are snapped with.

    The edges are put in blocks by the lower of their two node numbers, ``_BLOCK_NODES``
    consecutive numbers a block; since nodes are numbered along a Morton curve, a block is
    a small patch of ground. An STRtree holds one bounding box per block (a few thousand
    boxes where an STRtree of every edge would hold a hundred thousand geometries and take
    several times as long to build), and the bounding boxes of the edges, stored block
    after block, sift the edges of the blocks a query meets before any exact distance.
    """

    edges: np.ndarray  # edge numbers, block after block, ascending within a block
    bounds: tuple[np.ndarray, ...]  # xmin, ymin, xmax, ymax of the edges, in that order
    start: np.ndarray  # (n_blocks + 1,): where each block starts in ``edges``
    tree: shapely.STRtree  # of the block boxes
    radius_m: float  # first query radius: half the middle edge length
    edge_tree: shapely.STRtree | None  # of the edges, on small graphs only

    @classmethod
    def build(cls, graph: RoadGraph) -> _EdgeIndex:
        """Index the edges of ``graph``."""
        low = np.minimum(graph.edge_nodes[:, 0], graph.edge_nodes[:, 1])
        # block numbers fit in 16 bits, so that numpy sorts them by radix, in linear time
        per_block = max(_BLOCK_NODES, -(-graph.n_nodes // 0xFFFF))
        block = (low // per_block).astype(np.uint16)
        order = np.argsort(block, kind="stable")
        counts = np.bincount(block)
        start = np.r_[0, np.cumsum(counts[counts > 0])]
        bounds = graph.edge_bounds
        if bounds is None:
            bounds = shapely.bounds(graph.edge_geometry)
        bounds = tuple(np.take(bounds.T, order, axis=1))
        first = start[:-1]
        boxes = shapely.box(
            np.minimum.reduceat(bounds[0], first),
            np.minimum.reduceat(bounds[1], first),
            np.maximum.reduceat(bounds[2], first),
            np.maximum.reduceat(bounds[3], first),
        )
        # in a dense network most sites lie closer than half an edge to a road
        mid = graph.n_edges // 2
        radius = float(np.partition(graph.edge_length_m, mid)[mid]) / 2
        edge_tree = None
        if graph.n_edges <= _EDGE_TREE_MAX_EDGES:
            edge_tree = shapely.STRtree(graph.edge_geometry)
        return cls(order, bounds, start, shapely.STRtree(boxes), radius, edge_tree)

    def positions(self, i_block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions in ``edges`` of every edge of the blocks, and how many each block has."""
        size = self.start[i_block + 1] - self.start[i_block]
        first = np.repeat(self.start[i_block] - np.cumsum(size) + size, size)
        return first + np.arange(len(first)), size

    def near(
        self, x: np.ndarray, y: np.ndarray, half_m: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(point, edge) pairs for every edge whose bounds meet the box ``±half_m`` of a point.

        Every edge that comes within ``half_m`` of a point is among them (boxes are closed
        and padded by a micrometre against rounding); some farther ones may be too.
        """
        half = half_m * (1 + 1e-12) + 1e-6
        lo_x, lo_y, hi_x, hi_y = x - half, y - half, x + half, y + half
        i_pt, i_block = self.tree.query(shapely.box(lo_x, lo_y, hi_x, hi_y))
        pos, size = self.positions(i_block)
        i_pt = np.repeat(i_pt, size)
        xmin, ymin, xmax, ymax = self.bounds
        meet = xmin[pos] <= hi_x[i_pt]
        meet &= xmax[pos] >= lo_x[i_pt]
        meet &= ymin[pos] <= hi_y[i_pt]
        meet &= ymax[pos] >= lo_y[i_pt]
        return i_pt[meet], self.edges[pos[meet]]


def _outline_is_real(sites: pd.DataFrame) -> np.ndarray:
    """Whether each footprint is a real outline, not an illustrative drawing.

    ``footprint_accuracy`` (else ``accuracy``) is a class better than illustrative; untagged
    footprints count as illustrative, as in ``proximity``.
    """
    values = pd.Series(pd.NA, index=sites.index, dtype="object")
    if "footprint_accuracy" in sites.columns:
        values = sites["footprint_accuracy"].astype("object")
    if "accuracy" in sites.columns:
        given = values.notna() & (values.astype(str).str.strip() != "")
        values = values.where(given, sites["accuracy"].astype("object"))
    return values.isin(ACCURACY_CLASSES[:-1]).to_numpy()


@functools.lru_cache(maxsize=8)
def _from_lonlat(crs: pyproj.CRS) -> pyproj.Transformer:
    """Return the transformer from lon/lat to ``crs``, made once (one takes about 0.1 s)."""
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _site_points(sites: gpd.GeoDataFrame, layer: str, crs: pyproj.CRS) -> np.ndarray:
    """Return the points of sites in ``crs``, as ``proximity`` takes them.

    The location point ``lon``/``lat`` where the footprint is illustrative or missing (a
    circle drawn around that point), else a point inside the real outline. ``sites`` was
    checked at the door (a CRS, plausible coordinates).
    """
    # checked at the door; only the geometry is needed: reprojecting the other columns too
    # costs as much again
    geom = np.asarray(sites.geometry.to_crs(crs).values, dtype=object)
    nogeom = shapely.is_missing(geom) | shapely.is_empty(geom)
    pts = np.full(len(geom), None, dtype=object)
    pts[~nogeom] = shapely.point_on_surface(geom[~nogeom])
    if {"lon", "lat"} <= set(sites.columns):
        lonlat = sites[["lon", "lat"]].to_numpy(dtype=float)
        use = np.isfinite(lonlat).all(axis=1) & ~(_outline_is_real(sites) & ~nogeom)
        if use.any():
            tr = _from_lonlat(crs)
            x, y = tr.transform(lonlat[use, 0], lonlat[use, 1])
            pts[use] = shapely.points(np.c_[x, y])
    still = shapely.is_missing(pts)
    if still.any():
        raise SchemaError(
            f"Layer '{layer}': {int(still.sum())} sites have no footprint and no lon/lat "
            f"point (site_id {first_ids(_ids(sites)[still])}). Give them a geometry or "
            f"lon/lat, or drop them."
        )
    return pts


def _ids(sites: pd.DataFrame) -> np.ndarray:
    if "site_id" in sites.columns:
        return sites["site_id"].astype(str).to_numpy()
    return sites.index.astype(str).to_numpy()


def _snap(graph: RoadGraph, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest edge, distance to it (m) and position along it (m from its start node).

    On a small graph (up to ``_EDGE_TREE_MAX_EDGES`` edges) the nearest-neighbour search of
    an STRtree of the edges answers at once; on a larger one :func:`_snap_by_blocks`. Of
    equally near edges the lowest number wins.
    """
    index = graph._index
    edge = np.zeros(len(pts), dtype=np.int64)
    snap = np.full(len(pts), np.inf)
    if index.edge_tree is not None:
        (i_pt, i_edge), dist = index.edge_tree.query_nearest(pts, return_distance=True)
        _keep_nearest(edge, snap, i_pt, i_edge, dist)
    else:
        _snap_by_blocks(index, graph._geometry_of, pts, edge, snap)
    along = shapely.line_locate_point(graph._geometry_of(edge), pts)
    # the edge geometry and the joined node may differ by up to tolerance_m
    return edge, snap, np.clip(along, 0.0, graph.edge_length_m[edge])


def _snap_by_blocks(
    index: _EdgeIndex,
    geoms: Callable[[np.ndarray], np.ndarray],
    pts: np.ndarray,
    edge: np.ndarray,
    snap: np.ndarray,
) -> None:
    """Write into ``edge``/``snap`` the nearest edge of every point, by the block index.

    ``geoms`` gives the LineStrings of the edges asked for.

    First pass: the edges that come within the index radius (half the middle edge length)
    of each point, and exact distances to those. A point whose nearest candidate lies
    within the radius has no nearer edge, since every edge within the radius is a
    candidate. Second pass, for the other points (sites far from the roads): the distance
    to the edges of the nearest block is an upper bound of the distance to the nearest
    edge, so the edges within that bound hold it.
    """
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    radius = np.full(len(pts), index.radius_m)
    i_pt, i_edge = index.near(x, y, radius)
    _keep_nearest(edge, snap, i_pt, i_edge, shapely.distance(pts[i_pt], geoms(i_edge)))
    far = np.flatnonzero(~(snap <= radius))
    if not len(far):
        return
    far_pts = pts[far]
    j_pt, j_block = index.tree.query_nearest(far_pts)
    pos, size = index.positions(j_block)
    j_pt, j_edge = np.repeat(j_pt, size), index.edges[pos]
    bound = np.full(len(far), np.inf)
    np.minimum.at(bound, j_pt, shapely.distance(far_pts[j_pt], geoms(j_edge)))
    i_pt, i_edge = index.near(x[far], y[far], bound)
    dist = shapely.distance(far_pts[i_pt], geoms(i_edge))
    _keep_nearest(edge, snap, far[i_pt], i_edge, dist)


def _snap_sites(
    graph: RoadGraph, clusters: gpd.GeoDataFrame, parks: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Points of sites and parks in the graph's CRS, and both snapped in one pass."""
    s_pts = _site_points(clusters, "clusters", graph.crs)
    p_pts = _site_points(parks, "parks", graph.crs)
    snapped = _snap(graph, np.r_[s_pts, p_pts])
    n = len(s_pts)
    return (
        s_pts,
        p_pts,
        tuple(a[:n] for a in snapped),
        tuple(a[n:] for a in snapped),
    )


def _keep_nearest(
    edge: np.ndarray, snap: np.ndarray, i_pt: np.ndarray, i_edge: np.ndarray, dist: np.ndarray
) -> None:
    """Write into ``edge``/``snap`` the nearest candidate of each point (lowest edge on ties)."""
    if not len(i_pt):
        return
    if (i_pt[1:] < i_pt[:-1]).any():  # the trees answer point by point; sort otherwise
        order = np.argsort(i_pt, kind="stable")
        i_pt, i_edge, dist = i_pt[order], i_edge[order], dist[order]
    start = np.flatnonzero(np.r_[True, i_pt[1:] != i_pt[:-1]])
    best = np.minimum.reduceat(dist, start)
    tied = dist == np.repeat(best, np.diff(np.r_[start, len(i_pt)]))
    lowest = np.minimum.reduceat(np.where(tied, i_edge, np.iinfo(i_edge.dtype).max), start)
    edge[i_pt[start]], snap[i_pt[start]] = lowest, best
