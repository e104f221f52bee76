"""Road distances from clusters to parks on a graph built from any road line layer.

:func:`build_graph` turns a line layer into a reusable :class:`RoadGraph`: the lines are split
where they cross (GEOS noding), line ends closer than ``tolerance_m`` are joined, a dangling end
closer than ``tolerance_m`` to another road is tied to it, and the edges go into a sparse
matrix (lengths in metres, in a metric CRS), with a spatial index of the edges (an STRtree of
the bounding boxes of blocks of nearby edges) for snapping sites onto roads.
:func:`road_distances` then runs
:func:`scipy.sparse.csgraph.dijkstra` *from the parks* (one search per park node, all at
once), so 1,000 clusters cost no more than 10: the sites are only looked up in the result.

The road layer of the project (LegoCity, national and provincial roads) lacks the CT01
expressway and local roads; a crossing in it is taken as a junction (the source has no grade
separation). Road distances are therefore indicative, never exact travel routes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from ._errors import CRSError, SchemaError, first_ids
from .crs import METRIC_CRS, assert_metric, check_coordinates, to_metric
from .schema import hub_parks

__all__ = ["RAILWAY_CLASS", "RoadGraph", "build_graph", "road_distances"]

#: Value of ``loai_duong`` that marks the railway in the LegoCity layer; never a road.
RAILWAY_CLASS = "Đường sắt"

_LINE_TYPES = {"LineString", "MultiLineString", "LinearRing"}
_MIN_EDGE_M = 1e-6  # csgraph reads an explicit 0 as "no edge"; a zero-length edge keeps 1 µm
_TARGETS = ("nearest_park", "nearest_park_id", "all")
_CLASS_COLUMNS = ("loai_duong", "road_class")
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


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """A road network as a sparse matrix, reusable across calls of :func:`road_distances`.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix
        Symmetric ``(n_nodes, n_nodes)`` matrix of edge lengths in metres.
    nodes_xy : numpy.ndarray
        ``(n_nodes, 2)`` node coordinates in ``crs``, numbered along a Morton curve.
    component : numpy.ndarray
        Connected-component label of every node (0 = the piece with most road length).
    crs : pyproj.CRS
        The metric CRS of coordinates and geometries.
    edge_nodes : numpy.ndarray
        ``(n_edges, 2)`` start and end node of every edge, in the direction of its geometry.
    edge_length_m : numpy.ndarray
        Length of every edge in metres.
    edge_geometry : numpy.ndarray
        LineString of every edge in ``crs`` (used to snap sites onto roads).
    edge_time_s : numpy.ndarray or None
        Travel time of every edge in seconds when speeds were given.
    edge_bounds : numpy.ndarray or None
        ``(n_edges, 4)`` bounding box of every edge (xmin, ymin, xmax, ymax) in ``crs``;
        taken from the geometries when None.
    tolerance_m : float
        Distance under which line ends were joined.
    excluded_rows : int
        Rows of the input left out on purpose (the railway).
    connectors : int
        Dangling ends tied to a nearby road.
    """

    matrix: sparse.csr_matrix
    nodes_xy: np.ndarray
    component: np.ndarray
    crs: pyproj.CRS
    edge_nodes: np.ndarray
    edge_length_m: np.ndarray
    edge_geometry: np.ndarray
    edge_time_s: np.ndarray | None = None
    edge_bounds: np.ndarray | None = None
    tolerance_m: float = 0.0
    excluded_rows: int = 0
    connectors: int = 0

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.nodes_xy.shape[0])

    @property
    def n_edges(self) -> int:
        """Number of (undirected) edges."""
        return int(self.edge_nodes.shape[0])

    @property
    def components(self) -> pd.DataFrame:
        """One row per connected piece: ``nodes``, ``edges``, ``length_km``, largest first."""
        comp_of_edge = self.component[self.edge_nodes[:, 0]]
        n = int(self.component.max()) + 1 if self.n_nodes else 0
        out = pd.DataFrame(
            {
                "nodes": np.bincount(self.component, minlength=n),
                "edges": np.bincount(comp_of_edge, minlength=n),
                "length_km": np.bincount(comp_of_edge, self.edge_length_m, minlength=n) / 1000,
            }
        )
        out.index.name = "component"
        return out

    @cached_property
    def _index(self) -> _EdgeIndex:
        return _EdgeIndex.build(self)

    @cached_property
    def _time_matrix(self) -> sparse.csr_matrix:
        if self.edge_time_s is None:
            raise ValueError("graph has no travel times")
        return _csr(self.edge_nodes[:, 0], self.edge_nodes[:, 1], self.edge_time_s, self.n_nodes)

    def __repr__(self) -> str:
        return (
            f"RoadGraph({self.n_nodes} nodes, {self.n_edges} edges, "
            f"{len(self.components)} components, crs={self.crs.to_string()})"
        )


def _check_roads(roads: object, layer: str) -> gpd.GeoDataFrame:
    if isinstance(roads, gpd.GeoSeries):
        roads = roads.to_frame("geometry")
    if not isinstance(roads, gpd.GeoDataFrame):
        raise SchemaError(
            f"Layer '{layer}' must be a GeoDataFrame of road lines, not {type(roads).__name__}. "
            f"Read it with geopandas.read_file(...) or ninhbinh_geo.datasets.load_roads()."
        )
    if roads.empty:
        raise SchemaError(
            f"Layer '{layer}' is empty: no road lines to build a graph from. Check the file "
            f"and any filter or clip applied before (e.g. a bounding box outside the province)."
        )
    if roads.crs is None:
        raise CRSError(
            f"Layer '{layer}' has no CRS, so its lengths cannot be measured. Set the CRS the "
            f"coordinates are in, e.g. roads.set_crs('EPSG:4326') for lon/lat."
        )
    geoms = roads.geometry
    missing = geoms.isna() | geoms.is_empty
    if missing.any():
        raise SchemaError(
            f"Layer '{layer}', column 'geometry': {int(missing.sum())} rows have no geometry "
            f"(rows {first_ids(roads.index[missing])}). Drop them first, e.g. "
            f"roads[~roads.geometry.is_empty & roads.geometry.notna()]."
        )
    bad = ~geoms.geom_type.isin(_LINE_TYPES)
    if bad.any():
        kinds = sorted(set(geoms.geom_type[bad]))
        raise SchemaError(
            f"Layer '{layer}' must hold lines, but {int(bad.sum())} rows are {', '.join(kinds)} "
            f"(rows {first_ids(roads.index[bad])}). Pass road centre-lines (LineString/"
            f"MultiLineString); sites or areas are not roads."
        )
    parsed = pyproj.CRS.from_user_input(roads.crs)
    if parsed.is_projected:
        minx, miny, maxx, maxy = roads.total_bounds
        if max(maxx - minx, maxy - miny) < 10 and max(abs(minx), abs(maxx)) <= 180:
            raise CRSError(
                f"Layer '{layer}' claims the projected CRS {parsed.to_string()} (metres) but its "
                f"coordinates span x {minx:.3f}..{maxx:.3f}, y {miny:.3f}..{maxy:.3f}: these are "
                f"degrees. Use roads.set_crs('EPSG:4326', allow_override=True)."
            )
    return roads


def _cluster_points(xy: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Label points so that points within ``tolerance_m`` (transitively) share a label."""
    # complex keys sort far faster than np.unique(axis=0) on rows
    keys, inverse = np.unique(xy[:, 0] + 1j * xy[:, 1], return_inverse=True)
    uniq = np.c_[keys.real, keys.imag]
    if tolerance_m > 0 and len(uniq) > 1:
        pairs = cKDTree(uniq).query_pairs(tolerance_m, output_type="ndarray")
    else:
        pairs = np.empty((0, 2), dtype=np.intp)
    if len(pairs):
        adj = sparse.coo_matrix(
            (np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(uniq), len(uniq))
        )
        _, lab = connected_components(adj, directed=False)
    else:
        lab = np.arange(len(uniq))
    n = int(lab.max()) + 1
    counts = np.bincount(lab, minlength=n)
    centre = np.c_[
        np.bincount(lab, uniq[:, 0], minlength=n) / counts,
        np.bincount(lab, uniq[:, 1], minlength=n) / counts,
    ]
    return lab[inverse], centre


def _endpoints(pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start points of all pieces, then their end points, as one (2m, 2) array; their bounds.

    The bounds ((m, 4): xmin, ymin, xmax, ymax) come from the same coordinates, so that the
    edge index never has to visit the geometries again.
    """
    coords = shapely.get_coordinates(pieces)
    last = np.cumsum(shapely.get_num_coordinates(pieces)) - 1
    first = np.r_[0, last[:-1] + 1]
    x, y = coords[:, 0], coords[:, 1]
    bounds = np.c_[
        np.minimum.reduceat(x, first),
        np.minimum.reduceat(y, first),
        np.maximum.reduceat(x, first),
        np.maximum.reduceat(y, first),
    ]
    return np.vstack([coords[first], coords[last]]), bounds


def _connectors(
    pieces: np.ndarray, ends: np.ndarray, labels: np.ndarray, tolerance_m: float
) -> np.ndarray:
    """Short lines tying each dangling end to the nearest other road within ``tolerance_m``."""
    m = len(pieces)
    degree = np.bincount(labels)
    dangling = np.flatnonzero(degree[labels] == 1)
    if not len(dangling):
        return np.empty(0, dtype=object)
    points = shapely.points(ends[dangling])
    hit_pt, hit_piece = shapely.STRtree(pieces).query(
        points, predicate="dwithin", distance=tolerance_m
    )
    own_piece = dangling[hit_pt] % m
    start_lab = labels[hit_piece]
    end_lab = labels[hit_piece + m]
    end_lab_pt = labels[dangling[hit_pt]]
    # a road cannot be tied to itself at the node it already touches
    keep = (hit_piece != own_piece) & (start_lab != end_lab_pt) & (end_lab != end_lab_pt)
    hit_pt, hit_piece = hit_pt[keep], hit_piece[keep]
    if not len(hit_pt):
        return np.empty(0, dtype=object)
    dist = shapely.distance(points[hit_pt], pieces[hit_piece])
    order = np.lexsort((dist, hit_pt))
    first = order[np.r_[True, hit_pt[order][1:] != hit_pt[order][:-1]]]
    pts = points[hit_pt[first]]
    nearest = shapely.get_point(shapely.shortest_line(pts, pieces[hit_piece[first]]), 1)
    lines = shapely.linestrings(
        np.stack([shapely.get_coordinates(pts), shapely.get_coordinates(nearest)], axis=1)
    )
    return lines[shapely.length(lines) > 0]


def _edge_speeds(
    pieces: np.ndarray,
    parts: np.ndarray,
    part_class: np.ndarray,
    speeds_kmh: Mapping[object, float],
) -> np.ndarray:
    mid = shapely.line_interpolate_point(pieces, 0.5, normalized=True)
    idx_in, idx_part = shapely.STRtree(parts).query_nearest(mid, max_distance=1.0)
    speed = np.full(len(pieces), min(speeds_kmh.values()), dtype=float)
    first = np.r_[True, idx_in[1:] != idx_in[:-1]]
    cls = part_class[idx_part[first]]
    speed[idx_in[first]] = [speeds_kmh[c] for c in cls]
    return speed


def build_graph(
    roads: gpd.GeoDataFrame,
    *,
    tolerance_m: float = 20.0,
    speeds_kmh: Mapping[object, float] | None = None,
    class_column: str | None = None,
    exclude_classes: tuple[object, ...] = (RAILWAY_CLASS,),
    crs: str = METRIC_CRS,
) -> RoadGraph:
    """Build a reusable road graph from a line layer.

    Lines are split where they cross or touch (:func:`shapely.node`); line ends closer than
    ``tolerance_m`` become one node (:class:`scipy.spatial.cKDTree`); a dangling end within
    ``tolerance_m`` of another road is tied to it by a short connector. Lengths are measured
    in ``crs`` (metres); a gap closed this way counts 0 m, so a path may be shorter than
    the drawn lines by up to ``tolerance_m`` per junction. Self-loops are dropped and of
    parallel edges between the same two nodes the shortest is kept, since neither changes a
    shortest path. Nodes are numbered along a Morton curve (near on the ground, near in
    memory: faster searches), and the edge index that every :func:`road_distances` call
    snaps with (an STRtree of the boxes of blocks of edges near each other) is built here,
    once.

    Parameters
    ----------
    roads : geopandas.GeoDataFrame
        LineString/MultiLineString layer with a CRS (any; reprojected to ``crs``).
    tolerance_m : float, default 20.0
        Gap under which line ends are joined. 20 m bridges digitising gaps at junctions of
        the national/provincial layer without merging distinct junctions (which lie
        hundreds of metres apart on these roads).
    speeds_kmh : mapping, optional
        Speed in km/h for each value of ``class_column``; when given, the graph also holds
        travel times (connectors run at the lowest speed).
    class_column : str, optional
        Road class column, used for ``exclude_classes`` and ``speeds_kmh``; by default
        ``loai_duong`` (the LegoCity file) or ``road_class`` (``datasets.load_roads()``),
        whichever is present.
    exclude_classes : tuple, default ("Đường sắt",)
        Classes left out of the graph; the railway is never a road.
    crs : str, default "EPSG:3405"
        Metric CRS of the graph.

    Returns
    -------
    RoadGraph
        Sparse matrix in metres, node coordinates and component labels, in ``crs``.

    Raises
    ------
    SchemaError
        When ``roads`` is empty, has rows without geometry, or holds points/polygons, or
        a class has no speed in ``speeds_kmh``.
    CRSError
        When ``roads`` has no CRS, or its coordinates do not fit its CRS.

    Examples
    --------
    Two crossing 2 km roads (EPSG:3405) make a star of 4 edges of 1 km around one junction:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(600000, 2240000), (602000, 2240000)]),
    ...                                    LineString([(601000, 2239000), (601000, 2241000)])],
    ...                          crs=3405)
    >>> g = build_graph(roads)
    >>> g.n_nodes, g.n_edges, float(g.edge_length_m.sum())
    (5, 4, 4000.0)
    >>> g.components.to_dict("records")
    [{'nodes': 5, 'edges': 4, 'length_km': 4.0}]
    """
    roads = _check_roads(roads, "roads")
    if tolerance_m < 0:
        raise SchemaError(f"tolerance_m must be >= 0 metres, not {tolerance_m}.")
    assert_metric(crs)
    if class_column is None:
        class_column = next((c for c in _CLASS_COLUMNS if c in roads.columns), _CLASS_COLUMNS[0])
    excluded = 0
    if class_column in roads.columns and exclude_classes:
        drop = roads[class_column].isin(exclude_classes)
        excluded = int(drop.sum())
        roads = roads[~drop]
        if roads.empty:
            raise SchemaError(
                f"Layer 'roads': every row has {class_column} in {list(exclude_classes)}; "
                f"nothing is left to build a road graph from."
            )
    if speeds_kmh is not None:
        if class_column not in roads.columns:
            raise SchemaError(
                f"Layer 'roads' has no column '{class_column}' to look up speeds_kmh; pass "
                f"class_column=<the road class column>."
            )
        unknown = sorted(set(roads[class_column].dropna()) - set(speeds_kmh), key=str)
        nan_class = roads[class_column].isna()
        if unknown or nan_class.any():
            raise SchemaError(
                f"Layer 'roads', column '{class_column}': no speed for classes "
                f"{unknown + (['<missing>'] if nan_class.any() else [])}; add them to "
                f"speeds_kmh (km/h)."
            )
        if min(speeds_kmh.values()) <= 0:
            raise SchemaError("speeds_kmh must be positive (km/h).")
    metric = to_metric(roads, "roads", crs=crs)
    parts, row, (u, v, length, geoms, bounds), nodes_xy, n_links = _edge_list(
        np.asarray(metric.geometry.values), tolerance_m
    )
    u, v, nodes_xy, matrix, comp = _assemble(u, v, length, nodes_xy)

    edge_time_s = None
    if speeds_kmh is not None:
        part_class = metric[class_column].to_numpy()[row]
        speed = _edge_speeds(geoms, parts, part_class, speeds_kmh)
        edge_time_s = length / (speed / 3.6)
    graph = RoadGraph(
        matrix=matrix,
        nodes_xy=nodes_xy,
        component=comp,
        crs=pyproj.CRS.from_user_input(crs),
        edge_nodes=np.c_[u, v],
        edge_length_m=length,
        edge_geometry=geoms,
        edge_time_s=edge_time_s,
        edge_bounds=bounds,
        tolerance_m=float(tolerance_m),
        excluded_rows=excluded,
        connectors=n_links,
    )
    # the edge index belongs to the reusable graph: every road_distances call snaps onto it
    graph._index  # noqa: B018
    return graph


def _edge_list(
    lines: np.ndarray, tolerance_m: float
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, ...], np.ndarray, int]:
    """Turn lines (metric CRS) into an edge list: the geometric stage of :func:`build_graph`.

    Returns the non-empty parts of ``lines`` and the row of each, the edges ``(u, v,
    length_m, geometry, bounds)`` (noded, ends joined, self-loops and longer parallels dropped),
    the node coordinates and the number of connectors added.
    """
    parts, row = shapely.get_parts(lines, return_index=True)
    nonzero = shapely.length(parts) > 0
    parts, row = parts[nonzero], row[nonzero]
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(parts)))
    noded = noded[shapely.length(noded) > 0]
    ends, bounds = _endpoints(noded)
    labels, nodes_xy = _cluster_points(ends, tolerance_m)
    links = np.empty(0, dtype=object)
    if tolerance_m > 0:
        links = _connectors(noded, ends, labels, tolerance_m)
    if len(links):
        noded = shapely.get_parts(shapely.node(shapely.multilinestrings(np.r_[noded, links])))
        noded = noded[shapely.length(noded) > 0]
        ends, bounds = _endpoints(noded)
        labels, nodes_xy = _cluster_points(ends, tolerance_m)
    m = len(noded)
    u, v = labels[:m], labels[m:]
    length = shapely.length(noded)
    keep = u != v
    if not keep.any():
        raise SchemaError(
            f"Layer 'roads': no edge is left once ends closer than tolerance_m={tolerance_m:g} "
            f"are joined (every line is shorter than that or a closed loop). Pass a smaller "
            f"tolerance_m or longer road lines."
        )
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((length, b, a))
    order = order[keep[order]]
    first = np.r_[True, (a[order][1:] != a[order][:-1]) | (b[order][1:] != b[order][:-1])]
    sel = np.sort(order[first])
    edges = (u[sel], v[sel], length[sel], noded[sel], bounds[sel])
    return parts, row, edges, nodes_xy, len(links)


def _spread_bits(x: np.ndarray) -> np.ndarray:
    """Put the 16 low bits of ``x`` on the even bits of a uint64 (half a Morton code)."""
    x = x.astype(np.uint64)
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        x = (x | (x << np.uint64(shift))) & np.uint64(mask)
    return x


def _assemble(
    u: np.ndarray, v: np.ndarray, length: np.ndarray, nodes_xy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, sparse.csr_matrix, np.ndarray]:
    """Turn an edge list into the sparse matrix: the graph stage of :func:`build_graph`.

    Nodes are numbered along a Morton (Z-order) curve first: nodes near on the ground then
    sit near in memory, which makes every Dijkstra search about a quarter faster than in
    the order the nodes were found. Returns the renumbered ``u``, ``v``, node coordinates,
    the CSR matrix and the component of every node (0 = most road length).
    """
    n = len(nodes_xy)
    x, y = nodes_xy[:, 0], nodes_xy[:, 1]  # (a reduction along axis 0 is 10× slower)
    x0, y0 = x.min(), y.min()
    scale = 0xFFFF / max(float(x.max() - x0), float(y.max() - y0), 1e-9)
    code = _spread_bits(((x - x0) * scale).astype(np.int64))
    code |= _spread_bits(((y - y0) * scale).astype(np.int64)) << np.uint64(1)
    # the node number in the low bits makes every key unique: one order on every machine
    order = np.argsort((code << np.uint64(32)) | np.arange(n, dtype=np.uint64))
    new_id = np.empty(n, dtype=np.int64)
    new_id[order] = np.arange(n)
    u, v, nodes_xy = new_id[u], new_id[v], nodes_xy[order]
    matrix = _csr(u, v, length, n)
    # the matrix is symmetric: its strong components are the pieces, found without the
    # transpose that directed=False builds
    n_comp, comp = connected_components(matrix, directed=True, connection="strong")
    if n_comp == 1:
        return u, v, nodes_xy, matrix, comp.astype(np.int64)
    # relabel so that 0 is the piece with most road length: stable across runs and useful
    comp_len = np.bincount(comp[u], length, minlength=comp.max() + 1)
    rank = np.empty_like(comp_len, dtype=np.int64)
    rank[np.argsort(-comp_len, kind="stable")] = np.arange(len(comp_len))
    return u, v, nodes_xy, matrix, rank[comp]


def _csr(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> sparse.csr_matrix:
    """Symmetric CSR matrix from undirected edges without duplicates (no summing occurs)."""
    w = np.maximum(w, _MIN_EDGE_M)
    return sparse.csr_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(n, n))


def _site_points(sites: gpd.GeoDataFrame, layer: str, crs: pyproj.CRS) -> np.ndarray:
    """Return representative points in ``crs``: of the footprint, else of ``lon``/``lat``."""
    if sites.crs is None:
        raise CRSError(f"Layer '{layer}' has no CRS; set it, e.g. {layer}.set_crs('EPSG:4326').")
    check_coordinates(sites, layer)
    # only the geometry is needed: reprojecting the other columns too costs as much again
    geom = np.asarray(sites.geometry.to_crs(crs).values, dtype=object)
    pts = shapely.point_on_surface(geom)
    nogeom = shapely.is_missing(geom) | shapely.is_empty(geom)
    if nogeom.any():
        if {"lon", "lat"} <= set(sites.columns):
            lonlat = sites.loc[nogeom, ["lon", "lat"]].to_numpy(dtype=float)
            tr = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
            x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
            pts[nogeom] = shapely.points(np.c_[x, y])
        still = nogeom & ~np.isfinite(shapely.get_x(pts).astype(float))
        still |= nogeom & shapely.is_empty(pts)
        if still.any():
            ids = _ids(sites)[still]
            raise SchemaError(
                f"Layer '{layer}': {int(still.sum())} sites have no footprint and no lon/lat "
                f"point (site_id {first_ids(ids)}). Give them a geometry or lon/lat, or drop them."
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
    index, geoms = graph._index, graph.edge_geometry
    edge = np.zeros(len(pts), dtype=np.int64)
    snap = np.full(len(pts), np.inf)
    if index.edge_tree is not None:
        (i_pt, i_edge), dist = index.edge_tree.query_nearest(pts, return_distance=True)
        _keep_nearest(edge, snap, i_pt, i_edge, dist)
    else:
        _snap_by_blocks(index, geoms, pts, edge, snap)
    along = shapely.line_locate_point(geoms[edge], pts)
    # the edge geometry and the joined node may differ by up to tolerance_m
    return edge, snap, np.clip(along, 0.0, graph.edge_length_m[edge])


def _snap_by_blocks(
    index: _EdgeIndex, geoms: np.ndarray, pts: np.ndarray, edge: np.ndarray, snap: np.ndarray
) -> None:
    """Write into ``edge``/``snap`` the nearest edge of every point, by the block index.

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
    _keep_nearest(edge, snap, i_pt, i_edge, shapely.distance(pts[i_pt], geoms[i_edge]))
    far = np.flatnonzero(~(snap <= radius))
    if not len(far):
        return
    far_pts = pts[far]
    j_pt, j_block = index.tree.query_nearest(far_pts)
    pos, size = index.positions(j_block)
    j_pt, j_edge = np.repeat(j_pt, size), index.edges[pos]
    bound = np.full(len(far), np.inf)
    np.minimum.at(bound, j_pt, shapely.distance(far_pts[j_pt], geoms[j_edge]))
    i_pt, i_edge = index.near(x[far], y[far], bound)
    dist = shapely.distance(far_pts[i_pt], geoms[i_edge])
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


def _with_sources(
    matrix: sparse.csr_matrix,
    to_u: np.ndarray,
    to_v: np.ndarray,
    cost_u: np.ndarray,
    cost_v: np.ndarray,
) -> sparse.csr_matrix:
    """``matrix`` with one extra row per source: arcs to ``to_u`` and ``to_v`` at their costs.

    The rows go after the last node, so the CSR arrays of the graph are only extended, not
    sorted again; no arc enters a source, which a search from the sources never needs.
    """
    n, k = matrix.shape[0], len(to_u)
    itype = matrix.indices.dtype
    indptr = np.r_[matrix.indptr, matrix.indptr[-1] + 2 * np.arange(1, k + 1)].astype(itype)
    indices = np.r_[matrix.indices, np.c_[to_u, to_v].ravel().astype(itype)]
    data = np.r_[matrix.data, np.maximum(np.c_[cost_u, cost_v].ravel(), _MIN_EDGE_M)]
    return sparse.csr_matrix((data, indices, indptr), shape=(n + k, n + k))


def _network_m(
    graph: RoadGraph,
    p_edge: np.ndarray,
    p_along: np.ndarray,
    s_edge: np.ndarray,
    s_along: np.ndarray,
    *,
    time: bool = False,
) -> np.ndarray:
    """Network cost (parks × sites) between points lying on edges, one search per park.

    Each park becomes an extra node joined to both ends of its edge, so a single Dijkstra
    from it covers both directions; the searches of all parks are one ``dijkstra`` call.
    The cost is metres, or seconds with ``time``; a position along an edge costs its share
    of the edge's cost.
    """
    weight = graph.edge_time_s if time else graph.edge_length_m
    matrix = graph._time_matrix if time else graph.matrix
    n, k = graph.n_nodes, len(p_edge)
    u, v = graph.edge_nodes[:, 0], graph.edge_nodes[:, 1]
    pace = weight / np.maximum(graph.edge_length_m, _MIN_EDGE_M)  # cost per metre
    p_cost = p_along * pace[p_edge]
    p_rest = weight[p_edge] - p_cost
    virtual = n + np.arange(k)
    matrix = _with_sources(matrix, u[p_edge], v[p_edge], p_cost, p_rest)
    dist = dijkstra(matrix, directed=True, indices=virtual)  # (parks, nodes)
    s_cost = s_along * pace[s_edge]
    s_rest = weight[s_edge] - s_cost
    net = np.minimum(dist[:, u[s_edge]] + s_cost[None, :], dist[:, v[s_edge]] + s_rest[None, :])
    same = p_edge[:, None] == s_edge[None, :]
    direct = np.abs(p_along[:, None] - s_along[None, :]) * pace[s_edge][None, :]
    return np.where(same, np.minimum(net, direct), net)


def road_distances(
    graph: RoadGraph,
    clusters: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    max_snap_m: float = 3000.0,
    target: str = "nearest_park",
    major_only: bool = True,
    access_speed_kmh: float = 20.0,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Road distance from every cluster to its park, searching once from each park.

    Sites and parks are represented by a point inside their footprint (or ``lon``/``lat``
    when the footprint is missing) and snapped to the nearest point of the nearest road
    edge. ``road_km`` = snap leg of the site + network path + snap leg of the park: the
    snap legs are straight lines standing in for local roads the layer lacks, so they are
    *included*, and ``snap_m`` shows how much of the distance they are.

    Parameters
    ----------
    graph : RoadGraph
        From :func:`build_graph`.
    clusters : geopandas.GeoDataFrame
        Sites with a CRS; ``site_id`` used in messages; for ``target="nearest_park_id"``
        the column ``nearest_park_id`` (from ``proximity.nearest_parks``).
    parks : geopandas.GeoDataFrame
        Parks with ``site_id``, ``name_vi`` (and ``major`` when ``major_only``).
    max_snap_m : float, default 3000.0
        A site or park farther than this from any road gets NaN and a reason. The layer
        has only national and provincial roads; 3 km is the reach of the commune roads
        it lacks in the delta.
    target : {"nearest_park", "nearest_park_id", "all"}, default "nearest_park"
        ``"nearest_park"``: the park nearest by road; ``"nearest_park_id"``: the park named
        in the column of that name; ``"all"``: a long DataFrame, one row per (site, park).
    major_only : bool, default True
        Use only parks with ``major`` True.
    access_speed_kmh : float, default 20.0
        Speed on the snap legs for ``road_min`` (only when the graph has speeds).

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        A copy of ``clusters`` (same index and CRS) with ``road_park_id``, ``road_park``,
        ``snap_m`` (m), ``park_snap_m`` (m), ``road_km``, ``road_straight_km`` (straight
        line between the same two points, km, metric CRS), ``detour_ratio`` (road ÷
        straight), ``component``, ``park_component``, ``road_reason`` (why ``road_km`` is
        NaN, else NA) and, with speeds, ``road_min``. For ``target="all"`` one row per
        pair with ``site_id``, ``park_id``, ``park_name`` and the same measures.

    Raises
    ------
    SchemaError
        For an empty park layer, missing columns, unknown ``target`` or park ids, or sites
        with neither footprint nor point.
    CRSError
        When a layer has no CRS.

    Examples
    --------
    A 2 km road; the cluster lies 100 m off its west end, the park on its east end:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> g = build_graph(gpd.GeoDataFrame(
    ...     geometry=[LineString([(600000, 2240000), (602000, 2240000)])], crs=3405))
    >>> cl = gpd.GeoDataFrame({"site_id": ["CCN-A"]},
    ...                       geometry=[Point(600000, 2240100)], crs=3405)
    >>> pk = gpd.GeoDataFrame({"site_id": ["KCN-B"], "name_vi": ["KCN B"], "major": [True]},
    ...                       geometry=[Point(602000, 2240000)], crs=3405)
    >>> out = road_distances(g, cl, pk)
    >>> out[["road_park_id", "snap_m", "road_km"]].round(3).to_dict("records")
    [{'road_park_id': 'KCN-B', 'snap_m': 100.0, 'road_km': 2.1}]
    """
    if not isinstance(graph, RoadGraph):
        raise SchemaError("graph must be a RoadGraph from network.build_graph(roads).")
    if target not in _TARGETS:
        raise SchemaError(f"target must be one of {_TARGETS}, not {target!r}.")
    if not isinstance(clusters, gpd.GeoDataFrame):
        raise SchemaError("Layer 'clusters' must be a GeoDataFrame.")
    parks = hub_parks(parks, major_only=major_only)
    s_pts, p_pts, (s_edge, s_snap, s_along), (p_edge, p_snap, p_along) = _snap_sites(
        graph, clusters, parks
    )
    net = _network_m(graph, p_edge, p_along, s_edge, s_along)
    road_m = net + p_snap[:, None] + s_snap[None, :]
    # sites are points here: the straight line is plain Pythagoras, as GEOS computes it
    dx = shapely.get_x(p_pts)[:, None] - shapely.get_x(s_pts)[None, :]
    dy = shapely.get_y(p_pts)[:, None] - shapely.get_y(s_pts)[None, :]
    straight_m = np.sqrt(dx * dx + dy * dy)
    s_comp = graph.component[graph.edge_nodes[s_edge, 0]]
    p_comp = graph.component[graph.edge_nodes[p_edge, 0]]
    p_ids = np.array([str(x) for x in parks["site_id"].tolist()], dtype=object)
    p_names = np.array([str(x) for x in parks["name_vi"].tolist()], dtype=object)

    minutes = None
    if graph.edge_time_s is not None:
        net_s = _network_m(graph, p_edge, p_along, s_edge, s_along, time=True)
        access = 3.6 / access_speed_kmh
        minutes = (net_s + (p_snap[:, None] + s_snap[None, :]) * access) / 60

    reason = np.full(road_m.shape, None, dtype=object)
    far_site = s_snap > max_snap_m
    far_park = p_snap > max_snap_m
    other_piece = p_comp[:, None] != s_comp[None, :]
    reason[other_piece] = "site and park lie in different pieces of the road network"
    for i in np.flatnonzero(far_park):
        reason[i, :] = (
            f"park {p_ids[i]} is {p_snap[i]:.0f} m from the nearest road "
            f"(> max_snap_m={max_snap_m:g})"
        )
    for j in np.flatnonzero(far_site):
        reason[:, j] = (
            f"site is {s_snap[j]:.0f} m from the nearest road (> max_snap_m={max_snap_m:g})"
        )
    valid = ~(far_site[None, :] | far_park[:, None] | other_piece) & np.isfinite(road_m)
    road_m = np.where(valid, road_m, np.nan)
    if minutes is not None:
        minutes = np.where(valid, minutes, np.nan)

    if target == "all":
        n_p, n_s = road_m.shape
        road_km, straight_km = road_m.ravel() / 1000, straight_m.ravel() / 1000
        with np.errstate(divide="ignore", invalid="ignore"):  # a site on its park: NaN/inf
            detour = road_km / straight_km
        out = pd.DataFrame(
            {
                "site_id": np.tile(_ids(clusters), n_p),
                "park_id": np.repeat(p_ids, n_s),
                "park_name": np.repeat(p_names, n_s),
                "snap_m": np.tile(s_snap, n_p),
                "park_snap_m": np.repeat(p_snap, n_s),
                "road_km": road_km,
                "road_straight_km": straight_km,
                "component": np.tile(s_comp, n_p),
                "park_component": np.repeat(p_comp, n_s),
                "road_reason": reason.ravel(),
                "detour_ratio": detour,
            }
        )
        if minutes is not None:
            out["road_min"] = minutes.ravel()
        return out

    cols = np.arange(road_m.shape[1])
    if target == "nearest_park_id":
        if "nearest_park_id" not in clusters.columns:
            raise SchemaError(
                "Layer 'clusters' has no column 'nearest_park_id'; run "
                "proximity.nearest_parks(clusters, parks) first or use target='nearest_park'."
            )
        want = clusters["nearest_park_id"].astype(str).to_numpy()
        lookup = {pid: i for i, pid in enumerate(p_ids)}
        unknown = sorted(set(want) - set(lookup))
        if unknown:
            raise SchemaError(
                f"Layer 'clusters', column 'nearest_park_id': parks {first_ids(unknown)} are "
                f"not among the parks given (major_only={major_only}); pass the same parks "
                f"as to proximity.nearest_parks."
            )
        pick = np.array([lookup[w] for w in want], dtype=np.int64)
    else:
        by_road = np.where(np.isnan(road_m), np.inf, road_m)
        # Ties (parks at exactly the same distance) go to the smaller park id, so the park
        # order never matters.
        park_rank = np.broadcast_to(np.argsort(np.argsort(p_ids))[:, None], by_road.shape)
        by_air = np.lexsort((park_rank, straight_m), axis=0)[0]
        nearest_by_road = np.lexsort((park_rank, by_road), axis=0)[0]
        pick = np.where(np.isfinite(by_road.min(axis=0)), nearest_by_road, by_air)
    out = clusters.copy()
    out["road_park_id"] = p_ids[pick]
    out["road_park"] = p_names[pick]
    out["snap_m"] = s_snap
    out["park_snap_m"] = p_snap[pick]
    out["road_km"] = road_m[pick, cols] / 1000
    out["road_straight_km"] = straight_m[pick, cols] / 1000
    out["detour_ratio"] = out["road_km"] / out["road_straight_km"]
    out["component"] = s_comp
    out["park_component"] = p_comp[pick]
    chosen = reason[pick, cols]
    if target == "nearest_park":
        none_reachable = ~np.isfinite(by_road.min(axis=0)) & ~far_site
        chosen = np.where(
            none_reachable & other_piece[pick, cols],
            "no major park lies in the site's piece of the road network; the park shown is "
            "the nearest in a straight line",
            chosen,
        )
    out["road_reason"] = pd.array(chosen, dtype="string")
    if minutes is not None:
        out["road_min"] = minutes[pick, cols]
    return out
