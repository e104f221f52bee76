"""Noded pieces to a node set: ends joined, dangling ends tied to the nearest road.

After :mod:`.noding` has split the lines where they cross, the ends of the pieces that lie
within ``tolerance_m`` of each other become one node (:func:`_cluster_ends`), and a dangling end
within ``tolerance_m`` of another road is tied to it by a short connector (:func:`_connectors`),
the point it reaches made a vertex of that road (:func:`_with_vertices`) so that noding again
splits the road exactly there.
"""

from __future__ import annotations

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .noding import _Lines, _lines, _same


def _endpoints(coords: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start points of all pieces, then their end points, as one (2m, 2) array; their bounds.

    The bounds ((m, 4): xmin, ymin, xmax, ymax) come from the same coordinates, so that the
    edge index never has to visit the geometries again.
    """
    last = np.cumsum(size) - 1
    first = last - size + 1
    x, y = coords[:, 0], coords[:, 1]
    bounds = np.c_[
        np.minimum.reduceat(x, first),
        np.minimum.reduceat(y, first),
        np.maximum.reduceat(x, first),
        np.maximum.reduceat(y, first),
    ]
    return np.vstack([coords[first], coords[last]]), bounds


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


def _cluster_ends(ends: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_cluster_points` of the ends of pieces (starts, then ends), sharing the work.

    Along a line the end of one piece is the start of the next: those points are labelled
    once, which halves the sort (the labels and centres are the same).
    """
    m = len(ends) // 2
    chained = np.r_[_same(ends[m:-1], ends[1:m]), False]  # the end of piece k starts k + 1
    own = np.flatnonzero(~chained)
    labels, centre = _cluster_points(np.r_[ends[:m], ends[m + own]], tolerance_m)
    of_end = np.arange(1, m + 1)
    of_end[own] = m + np.arange(len(own))
    return np.r_[labels[:m], labels[of_end]], centre


def _connectors(
    lines: _Lines, ends: np.ndarray, labels: np.ndarray, tolerance_m: float
) -> tuple[_Lines, np.ndarray]:
    """Short lines tying each dangling end to the nearest other road within ``tolerance_m``.

    Returns the lines with the point each connector reaches made a vertex of its road, and
    the connectors. That point is computed in floating point and rarely lies exactly on a
    road that is not axis-parallel, so a connector merely ending there need not meet the
    road, and noding would leave the end dangling; as a vertex of the road it is met exactly,
    and noding splits the road there.
    """
    m = len(lines)
    degree = np.bincount(labels)
    dangling = np.flatnonzero(degree[labels] == 1)
    none = np.empty(0, dtype=object)
    if not len(dangling):
        return lines, none
    pieces = lines.all()
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
        return lines, none
    dist = shapely.distance(points[hit_pt], pieces[hit_piece])
    order = np.lexsort((dist, hit_pt))
    first = order[np.r_[True, hit_pt[order][1:] != hit_pt[order][:-1]]]
    pts, piece = points[hit_pt[first]], hit_piece[first]
    nearest = shapely.get_point(shapely.shortest_line(pts, pieces[piece]), 1)
    a, b = shapely.get_coordinates(pts), shapely.get_coordinates(nearest)
    ok = ~_same(a, b)  # an end on the road itself was noded into it already
    if not ok.any():
        return lines, none
    lines, b = _with_vertices(lines, piece[ok], b[ok])
    return lines, shapely.linestrings(np.stack([a[ok], b], axis=1))


def _with_vertices(lines: _Lines, piece: np.ndarray, xy: np.ndarray) -> tuple[_Lines, np.ndarray]:
    """Put points ``xy`` (lying on lines ``piece``, up to rounding) in as vertices.

    Each point goes into the segment of its line nearest to it; a point that rounds onto a
    vertex takes that vertex's coordinates instead. Returns the lines and the points as they
    now are in the lines.
    """
    # the segments of the lines met, one row per (point, segment)
    size = lines.size[piece] - 1
    row = np.repeat(np.arange(len(piece)), size)
    seg = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
    v0 = lines.start[piece][row] + seg
    p0, p1, q = lines.coords[v0], lines.coords[v0 + 1], xy[row]
    d = p1 - p0
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ((q - p0) * d).sum(axis=1) / (d * d).sum(axis=1)
    t = np.clip(np.nan_to_num(t), 0.0, 1.0)
    gap = np.hypot(*(p0 + t[:, None] * d - q).T)
    best = np.lexsort((seg, gap, row))
    best = best[np.r_[True, row[best][1:] != row[best][:-1]]]
    t, v0 = t[best], v0[best]
    xy = xy.copy()
    xy[t == 0.0] = lines.coords[v0[t == 0.0]]
    xy[t == 1.0] = lines.coords[v0[t == 1.0] + 1]
    inner = (t > 0.0) & (t < 1.0)
    if not inner.any():
        return lines, xy
    # several points on one segment go in along it
    at = np.lexsort((t[inner], v0[inner]))
    coords = np.insert(lines.coords, v0[inner][at] + 1, xy[inner][at], axis=0)
    grown = lines.size + np.bincount(piece[inner], minlength=len(lines))
    geoms = None
    if lines._all is not None:  # remake only the lines that changed
        geoms = lines._all.copy()
        out = _Lines(coords, grown)
        changed = np.unique(piece[inner])
        geoms[changed] = _lines(coords[out._rows(changed)], grown[changed])
    return _Lines(coords, grown, geoms), xy
