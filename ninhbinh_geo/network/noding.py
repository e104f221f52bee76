"""Lines to noded pieces: split where lines cross or touch (ends are joined in ``joining``).

The noding does what :func:`shapely.node` (GEOS noding) does to a set of lines, with numpy on
their coordinates: segments whose boxes meet are paired through a grid of cells, every pair is
intersected with the predicates GEOS uses (a filtered orientation test, exact where the
floating-point result is uncertain; an end lying on the other segment is taken exactly), and
the lines are cut at the points found. It is several times faster on large networks, since no
GEOS geometry is made before the pieces themselves and only pairs of nearby segments are met.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import shapely

# Error bound of the floating-point orientation test (GEOS ``CGAlgorithmsDD``): a determinant
# smaller than this share of its terms has an uncertain sign and is computed exactly.
_ORIENTATION_SAFE_EPSILON = 1e-15
# Segments spanning more cells than this are paired by a sweep of their box over all segments,
# not by the cells: a few long segments among many short ones would fill the grid otherwise.
_LONG_SEGMENT_CELLS = 64
# Most long-segment work (long segments × all segments) before the grid cells get coarser.
_LONG_SEGMENT_WORK = 20_000_000
# Up to this many vertices GEOS itself nodes faster (the numpy passes cost a few
# milliseconds whatever the size); both give the same pieces to the bit.
_GEOS_NODING_MAX_VERTICES = 5_000


def _box_pairs(
    xmin: np.ndarray, ymin: np.ndarray, xmax: np.ndarray, ymax: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, j)``, ``i < j``, of boxes that meet (closed boxes), each pair once.

    Boxes go into the cells of a grid (cell side: the middle box size) that they cover; two
    boxes that meet share the cell of the corner (max xmin, max ymin) of their overlap, so a
    pair is kept only in that cell and reported once.
    """
    n = len(xmin)
    empty = np.empty(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    x0, y0 = float(xmin.min()), float(ymin.min())
    extent = max(float(xmax.max()) - x0, float(ymax.max()) - y0, 1e-9)
    # half the middle box size: smaller cells cost more entries but far fewer false pairs
    size = max(float(np.median(np.maximum(xmax - xmin, ymax - ymin))) / 2, extent / 2**20, 1e-9)
    while True:
        cx0, cx1 = ((xmin - x0) // size).astype(np.int64), ((xmax - x0) // size).astype(np.int64)
        cy0, cy1 = ((ymin - y0) // size).astype(np.int64), ((ymax - y0) // size).astype(np.int64)
        span_x, span_y = cx1 - cx0 + 1, cy1 - cy0 + 1
        long = span_x * span_y > _LONG_SEGMENT_CELLS
        if int(long.sum()) * n <= _LONG_SEGMENT_WORK:
            break
        size *= 2
    firsts, seconds = [], []
    for i in np.flatnonzero(long):
        j = np.flatnonzero((xmin <= xmax[i]) & (xmax >= xmin[i]) & (ymin <= ymax[i]))
        j = j[(ymax[j] >= ymin[i]) & (j != i) & ~(long[j] & (j < i))]
        firsts.append(np.full(len(j), i))
        seconds.append(j)
    short = np.flatnonzero(~long)
    count = span_x[short] * span_y[short]
    box = np.repeat(short, count)
    local = np.arange(len(box)) - np.repeat(np.cumsum(count) - count, count)
    cx = cx0[box] + local % span_x[box]
    cy = cy0[box] + local // span_x[box]
    order = np.argsort(cx * (int(cy1.max()) + 1) + cy, kind="stable")
    box, cx, cy = box[order], cx[order], cy[order]
    starts = np.flatnonzero(np.r_[True, (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1])])
    sizes = np.diff(np.r_[starts, len(box)])
    cell_end = np.repeat(starts + sizes, sizes)
    after = cell_end - np.arange(len(box)) - 1  # boxes after each one in its cell
    first = np.repeat(np.arange(len(box)), after)
    second = first + 1 + np.arange(len(first)) - np.repeat(np.cumsum(after) - after, after)
    a, b = box[first], box[second]
    meet = (xmin[a] <= xmax[b]) & (xmin[b] <= xmax[a]) & (ymin[a] <= ymax[b])
    meet &= ymin[b] <= ymax[a]
    ref_x = ((np.maximum(xmin[a], xmin[b]) - x0) // size).astype(np.int64)
    ref_y = ((np.maximum(ymin[a], ymin[b]) - y0) // size).astype(np.int64)
    meet &= (ref_x == cx[first]) & (ref_y == cy[first])
    firsts.append(a[meet])
    seconds.append(b[meet])
    a, b = np.concatenate(firsts).astype(np.int64), np.concatenate(seconds).astype(np.int64)
    return np.minimum(a, b), np.maximum(a, b)


def _orientation(
    ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray, cx: np.ndarray, cy: np.ndarray
) -> np.ndarray:
    """Side of ``c`` from the line ``a → b``: 1 left, -1 right, 0 on it (GEOS's robust test).

    The floating-point determinant decides where its error bound allows; the few uncertain
    ones (points on or very near the line) are computed exactly with fractions.
    """
    left = (ax - cx) * (by - cy)
    right = (ay - cy) * (bx - cx)
    det = left - right
    side = np.sign(det).astype(np.int8)
    same_sign = ((left > 0) & (right > 0)) | ((left < 0) & (right < 0))
    bound = _ORIENTATION_SAFE_EPSILON * (np.abs(left) + np.abs(right))
    unsure = same_sign & (np.abs(det) < bound)
    for i in np.flatnonzero(unsure):
        a = (Fraction(float(ax[i])), Fraction(float(ay[i])))
        b = (Fraction(float(bx[i])), Fraction(float(by[i])))
        c = (Fraction(float(cx[i])), Fraction(float(cy[i])))
        exact = (a[0] - c[0]) * (b[1] - c[1]) - (a[1] - c[1]) * (b[0] - c[0])
        side[i] = (exact > 0) - (exact < 0)
    return side


_DD_SPLIT = 134217729.0  # 2**27 + 1: splits a double into halves for exact products


def _dd_add(a: tuple, b: tuple) -> tuple:
    """Sum of two double-doubles ``(hi, lo)``, step by step as GEOS's ``DD::selfAdd``."""
    (hi, lo), (yhi, ylo) = a, b
    big_s, big_t = hi + yhi, lo + ylo
    e, f = big_s - hi, big_t - lo
    s, t = big_s - e, big_t - f
    s, t = (yhi - e) + (hi - s), (ylo - f) + (lo - t)
    e = s + big_t
    big_h = big_s + e
    h = e + (big_s - big_h)
    e = t + h
    z = big_h + e
    return z, e + (big_h - z)


def _dd_sub(a: tuple, b: tuple) -> tuple:
    return _dd_add(a, (-b[0], -b[1]))


def _dd_mul(a: tuple, b: tuple) -> tuple:
    """Product of two double-doubles, as GEOS's ``DD::selfMultiply``."""
    (hi, lo), (yhi, ylo) = a, b
    big_c = _DD_SPLIT * hi
    hx = big_c - hi
    c = _DD_SPLIT * yhi
    hx = big_c - hx
    tx = hi - hx
    hy = c - yhi
    big_c = hi * yhi
    hy = c - hy
    ty = yhi - hy
    c = ((((hx * hy - big_c) + hx * ty) + tx * hy) + tx * ty) + (hi * ylo + lo * yhi)
    z = big_c + c
    return z, c + (big_c - z)


def _dd_div(a: tuple, b: tuple) -> tuple:
    """Quotient of two double-doubles, as GEOS's ``DD::selfDivide``."""
    (hi, lo), (yhi, ylo) = a, b
    big_c = hi / yhi
    c = _DD_SPLIT * big_c
    hc = c - big_c
    u = _DD_SPLIT * yhi
    hc = c - hc
    tc = big_c - hc
    hy = u - yhi
    big_u = big_c * yhi
    hy = u - hy
    ty = yhi - hy
    u = (((hc * hy - big_u) + hc * ty) + tc * hy) + tc * ty
    c = ((((hi - big_u) - u) + lo) - big_c * ylo) / yhi
    u = big_c + c
    return u, (big_c - u) + c


def _crossing_points(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Where segments ``p`` and ``q`` ((k, 4): x1, y1, x2, y2) cross properly, as GEOS finds it.

    The lines are intersected in homogeneous coordinates in double-double arithmetic, each
    step as GEOS's ``CGAlgorithmsDD::intersection`` takes it, so that the points are the
    same to the last bit; a point that rounding puts outside either segment's box is
    replaced by the segment end nearest to the other segment.
    """
    zero = np.zeros(len(p))
    p1x, p1y, p2x, p2y = ((p[:, k], zero) for k in range(4))
    q1x, q1y, q2x, q2y = ((q[:, k], zero) for k in range(4))
    px, py = _dd_sub(p1y, p2y), _dd_sub(p2x, p1x)
    pw = _dd_sub(_dd_mul(p1x, p2y), _dd_mul(p2x, p1y))
    qx, qy = _dd_sub(q1y, q2y), _dd_sub(q2x, q1x)
    qw = _dd_sub(_dd_mul(q1x, q2y), _dd_mul(q2x, q1y))
    x = _dd_sub(_dd_mul(py, qw), _dd_mul(qy, pw))
    y = _dd_sub(_dd_mul(qx, pw), _dd_mul(px, qw))
    w = _dd_sub(_dd_mul(px, qy), _dd_mul(qx, py))
    with np.errstate(divide="ignore", invalid="ignore"):
        x = sum(_dd_div(x, w))
        y = sum(_dd_div(y, w))
    inside = (w[0] != 0) | (w[1] != 0)
    for seg in (p, q):
        inside &= (np.minimum(seg[:, 0], seg[:, 2]) <= x) & (x <= np.maximum(seg[:, 0], seg[:, 2]))
        inside &= (np.minimum(seg[:, 1], seg[:, 3]) <= y) & (y <= np.maximum(seg[:, 1], seg[:, 3]))
    for i in np.flatnonzero(~inside):
        ends = [(p[i, :2], q[i]), (p[i, 2:], q[i]), (q[i, :2], p[i]), (q[i, 2:], p[i])]
        dist = [
            shapely.distance(shapely.points(pt), shapely.linestrings(s.reshape(2, 2)))
            for pt, s in ends
        ]
        x[i], y[i] = ends[int(np.argmin(dist))][0]
    return np.c_[x, y]


def _in_box(pt: np.ndarray, seg: np.ndarray) -> np.ndarray:
    """Whether points (k, 2) lie in the closed boxes of segments (k, 4)."""
    return (
        (np.minimum(seg[:, 0], seg[:, 2]) <= pt[:, 0])
        & (pt[:, 0] <= np.maximum(seg[:, 0], seg[:, 2]))
        & (np.minimum(seg[:, 1], seg[:, 3]) <= pt[:, 1])
        & (pt[:, 1] <= np.maximum(seg[:, 1], seg[:, 3]))
    )


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a[:, 0] == b[:, 0]) & (a[:, 1] == b[:, 1])


def _touch_points(p: np.ndarray, q: np.ndarray, o: tuple[np.ndarray, ...]) -> np.ndarray:
    """Return the end of one segment that lies on the other, in GEOS's order of preference."""
    p1, p2, q1, q2 = p[:, :2], p[:, 2:], q[:, :2], q[:, 2:]
    o_pq1, o_pq2, o_qp1, _ = o
    use_p1 = _same(p1, q1) | _same(p1, q2)
    use_p2 = ~use_p1 & (_same(p2, q1) | _same(p2, q2))
    ends_equal = use_p1 | use_p2
    use_q1 = ~ends_equal & (o_pq1 == 0)
    use_q2 = ~ends_equal & ~use_q1 & (o_pq2 == 0)
    use_p1 |= ~ends_equal & ~use_q1 & ~use_q2 & (o_qp1 == 0)
    return np.where(
        use_p1[:, None], p1, np.where(use_q1[:, None], q1, np.where(use_q2[:, None], q2, p2))
    )


def _overlap_ends(p: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ends of the overlap of collinear segments (GEOS's order); whether they meet."""
    ends = (p[:, :2], p[:, 2:], q[:, :2], q[:, 2:])
    q1_in, q2_in = _in_box(ends[2], p), _in_box(ends[3], p)
    p1_in, p2_in = _in_box(ends[0], q), _in_box(ends[1], q)
    cases = [q1_in & q2_in, p1_in & p2_in, q1_in & p1_in, q1_in & p2_in, q2_in & p1_in]
    first = np.select(cases, [2, 0, 2, 2, 3], default=3)
    second = np.select(cases, [3, 1, 0, 1, 0], default=1)
    stacked = np.stack(ends)
    k = np.arange(len(p))
    return stacked[first, k], stacked[second, k], np.any(cases, axis=0) | (q2_in & p2_in)


def _intersections(
    p: np.ndarray, q: np.ndarray, adjacent: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Points where segment pairs meet, as GEOS's ``LineIntersector`` finds them.

    ``p`` and ``q`` hold one segment of each pair ((k, 4): x1, y1, x2, y2); ``adjacent``
    marks consecutive segments of one line, whose shared vertex alone is no intersection.
    A point where an end of one segment touches the other is that end, exactly; collinear
    segments meet in the ends of their overlap. Returns the pair of every point, the points
    (m, 2), and whether any two segments overlap (lines may then repeat each other).
    """
    pair = np.arange(len(p))
    o_pq1 = _orientation(*p.T, *q[:, :2].T)
    o_pq2 = _orientation(*p.T, *q[:, 2:].T)
    live = o_pq1 * o_pq2 <= 0
    pair, p, q, adjacent = pair[live], p[live], q[live], adjacent[live]
    o_pq1, o_pq2 = o_pq1[live], o_pq2[live]
    o_qp1 = _orientation(*q.T, *p[:, :2].T)
    o_qp2 = _orientation(*q.T, *p[:, 2:].T)
    live = o_qp1 * o_qp2 <= 0
    pair, p, q, adjacent = pair[live], p[live], q[live], adjacent[live]
    o = (o_pq1[live], o_pq2[live], o_qp1[live], o_qp2[live])
    zero = [x == 0 for x in o]
    on_line = zero[0] | zero[1] | zero[2] | zero[3]
    collinear = zero[0] & zero[1] & zero[2] & zero[3]
    # consecutive segments of a line always share their vertex: only more than that counts
    touch = on_line & ~collinear & ~adjacent
    proper = ~on_line
    col = np.flatnonzero(collinear)
    first, second, meet = _overlap_ends(p[col], q[col])
    two = meet & ~_same(first, second)
    one = meet & ~two & ~adjacent[col]
    at = np.flatnonzero(touch)
    points = [
        _touch_points(p[at], q[at], tuple(x[at] for x in o)),
        first[one],
        first[two],
        second[two],
        _crossing_points(p[proper], q[proper]),
    ]
    pairs = [pair[at], pair[col[one]], pair[col[two]], pair[col[two]], pair[proper]]
    return np.concatenate(pairs), np.concatenate(points), bool(two.any())


def _cut(
    xy: np.ndarray, part: np.ndarray, vertex: np.ndarray, seg: np.ndarray, pts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut lines at nodes: coordinates of the pieces, piece after piece; sizes, lines, new.

    ``xy`` (n, 2) holds the vertices of the lines, line after line, ``part`` the line of each;
    vertices ``vertex`` are nodes; ``pts`` are nodes lying on the segments that start at
    vertices ``seg``. A node equal to an end of its segment makes that vertex a node (as GEOS
    normalises it); the others are inserted into their segment in order along it. Line ends
    are nodes; a piece runs from a node to the next one on its line, through the vertices
    between. Returns the coordinates, the size and line of every piece, and which
    coordinates were inserted.
    """
    n = len(xy)
    is_node = np.r_[True, part[1:] != part[:-1]]
    is_node[:-1] |= is_node[1:]  # the last vertex of a line before the first of the next
    is_node[-1] = True
    is_node[vertex] = True
    at_start = _same(pts, xy[seg])
    at_end = _same(pts, xy[seg + 1]) & ~at_start
    is_node[seg[at_start]] = True
    is_node[seg[at_end] + 1] = True
    inner = ~(at_start | at_end)
    g, x, y = seg[inner], pts[inner, 0], pts[inner, 1]
    along = (x - xy[g, 0]) ** 2 + (y - xy[g, 1]) ** 2
    order = np.lexsort((y, x, along, g))
    g, x, y = g[order], x[order], y[order]
    new = np.r_[True, (g[1:] != g[:-1]) | (x[1:] != x[:-1]) | (y[1:] != y[:-1])][: len(g)]
    g, x, y = g[new], x[new], y[new]
    # vertices and inserted nodes, merged in order along the lines
    pos_v = np.arange(n) + np.searchsorted(g, np.arange(n), side="left")
    pos_i = g + 1 + np.arange(len(g))
    merged = np.empty((n + len(g), 2))
    merged[pos_v], merged[pos_i] = xy, np.c_[x, y]
    node = np.ones(n + len(g), dtype=bool)
    node[pos_v] = is_node
    line = np.empty(n + len(g), dtype=part.dtype)
    line[pos_v], line[pos_i] = part, part[g]
    at = np.flatnonzero(node)
    on_line = line[at[:-1]] == line[at[1:]]
    start, end = at[:-1][on_line], at[1:][on_line]
    # a piece has length when any of its segments has
    moves = np.r_[0, np.cumsum(~_same(merged[1:], merged[:-1]))]
    start, end = start[moves[end] > moves[start]], end[moves[end] > moves[start]]
    size = end - start + 1
    index = np.repeat(start - np.cumsum(size) + size, size) + np.arange(int(size.sum()))
    inserted = np.zeros(len(merged), dtype=bool)
    inserted[pos_i] = True
    return merged[index], size, line[start], inserted[index]


def _drop_repeats(coords: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Mask of the pieces to keep: the first of pieces with the same vertices either way round.

    GEOS's noder keeps one line of each set of equal ones (equal forwards or backwards).
    """
    last = np.cumsum(size) - 1
    first = last - size + 1
    a, b = coords[first], coords[last]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    lo, hi = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    order = np.lexsort((size, hi[:, 1], hi[:, 0], lo[:, 1], lo[:, 0]))
    key = np.c_[lo, hi, size][order]
    same = np.r_[False, (key[1:] == key[:-1]).all(axis=1)]
    keep = np.ones(len(size), dtype=bool)
    seen: dict[int, list[np.ndarray]] = {}
    for i in np.flatnonzero(same | np.r_[same[1:], False]):
        j = int(order[i])
        mine = coords[first[j] : last[j] + 1]
        group = int(np.flatnonzero(~same[: i + 1])[-1])
        kept = seen.setdefault(group, [])
        if any(np.array_equal(mine, k) or np.array_equal(mine[::-1], k) for k in kept):
            keep[j] = False
        else:
            kept.append(mine)
    return keep


def _monotone_chains(s: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Monotone chain of every segment (no zero-length ones), numbered as GEOS builds them.

    A chain runs along a line while its segments head into the same quadrant (``dx >= 0``
    and ``dy >= 0`` bound them, as in GEOS's ``Quadrant``); zero-length segments, left out
    here, never start a chain.
    """
    dx, dy = s[:, 2] - s[:, 0], s[:, 3] - s[:, 1]
    quadrant = (dx < 0).astype(np.int8) * 2 + (dy < 0)
    new_line = np.r_[True, line[1:] != line[:-1]]
    turn = np.r_[True, quadrant[1:] != quadrant[:-1]]
    return np.cumsum(new_line | turn)


def _meet(
    xy: np.ndarray, part: np.ndarray, fresh: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, bool]:
    """One pass of GEOS's noder: every point where two segments of the lines meet.

    ``fresh`` marks the vertices inserted by the last pass (None: all are new); only pairs
    with a segment that touches one are met again, the others were met before. Returns the
    vertices that are nodes, the start vertex of the segment of every other node and the
    node, whether any node lies inside a segment (GEOS then nodes again) and whether any two
    segments overlap.
    """
    seg = np.flatnonzero((part[1:] == part[:-1]) & ~_same(xy[1:], xy[:-1]))
    s = np.c_[xy[seg], xy[seg + 1]]
    i, j = _box_pairs(
        np.minimum(s[:, 0], s[:, 2]),
        np.minimum(s[:, 1], s[:, 3]),
        np.maximum(s[:, 0], s[:, 2]),
        np.maximum(s[:, 1], s[:, 3]),
    )
    # GEOS never meets two segments of one monotone chain (they cannot cross): neither do we
    chain = _monotone_chains(s, part[seg])
    keep = chain[i] != chain[j]
    if fresh is not None:
        new = fresh[seg] | fresh[seg + 1]
        keep &= new[i] | new[j]
    i, j = i[keep], j[keep]
    # Segments sharing an end (most junctions of a road layer) meet there and nowhere else,
    # unless they run on one line: the shared vertex is a node of both (consecutive
    # segments of a line excepted), with no intersection to compute.
    p, q = s[i], s[j]
    p1_q1, p1_q2 = _same(p[:, :2], q[:, :2]), _same(p[:, :2], q[:, 2:])
    p2_q1, p2_q2 = _same(p[:, 2:], q[:, :2]), _same(p[:, 2:], q[:, 2:])
    shared = p1_q1 | p1_q2 | p2_q1 | p2_q2
    k = np.flatnonzero(shared)
    other = np.where((p1_q1 | p2_q1)[k, None], q[k, 2:], q[k, :2])
    apart = _orientation(*p[k].T, *other.T) != 0
    vertex_pairs = k[apart]
    adjacent = (seg[j] == seg[i] + 1) & (part[seg[i]] == part[seg[j]])
    vertex_pairs = vertex_pairs[~adjacent[vertex_pairs]]
    vertex = np.r_[
        seg[i[vertex_pairs]] + p2_q1[vertex_pairs] + p2_q2[vertex_pairs],
        seg[j[vertex_pairs]] + p1_q2[vertex_pairs] + p2_q2[vertex_pairs],
    ]
    rest = np.ones(len(i), dtype=bool)
    rest[k[apart]] = False
    i, j, adjacent = i[rest], j[rest], adjacent[rest]
    pair, pts, overlaps = _intersections(s[i], s[j], adjacent)
    p, q = s[i[pair]], s[j[pair]]
    on_p = _same(pts, p[:, :2]) | _same(pts, p[:, 2:])
    on_q = _same(pts, q[:, :2]) | _same(pts, q[:, 2:])
    inside = not bool((on_p & on_q).all())
    return vertex, np.r_[seg[i[pair]], seg[j[pair]]], np.r_[pts, pts], inside, overlaps


def _node(xy: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split lines where they cross or touch, as :func:`shapely.node` does.

    ``xy`` (n, 2) holds the vertices of the lines, line after line, ``part`` (n,) the line of
    each, ascending. Returns the coordinates of the pieces, piece after piece, the number of
    vertices of each and the line each comes from. Pieces come in the order of their lines
    and along each line; of pieces equal to an earlier one (forwards or backwards) only the
    first is kept, and pieces of zero length are dropped. As GEOS's iterated noder, the
    pieces are noded again while a pass puts a node inside a segment: a computed crossing
    point may lie a rounding error off its segments and meet a third one.
    """
    fresh, overlaps, line = None, False, None
    while True:
        vertex, seg, pts, inside, overlap = _meet(xy, part, fresh)
        overlaps |= overlap
        xy, size, piece, fresh = _cut(xy, part, vertex, seg, pts)
        line = piece if line is None else line[piece]
        if not inside:
            break
        part = np.repeat(np.arange(len(size)), size)
    if overlaps:
        keep = _drop_repeats(xy, size)
        xy, size, line = xy[np.repeat(keep, size)], size[keep], line[keep]
    return xy, size, line


def _lines(coords: np.ndarray, size: np.ndarray) -> np.ndarray:
    """LineStrings from coordinates stored piece after piece, ``size`` vertices each."""
    return shapely.linestrings(coords, indices=np.repeat(np.arange(len(size)), size))


def _geos_node(lines: np.ndarray) -> _Lines:
    """Noded pieces of LineStrings by :func:`shapely.node` (GEOS), zero lengths dropped."""
    pieces = shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))
    pieces = pieces[shapely.length(pieces) > 0]
    return _Lines(shapely.get_coordinates(pieces), shapely.get_num_coordinates(pieces), pieces)


def _noded(parts: np.ndarray) -> _Lines:
    """Noded pieces of LineStrings of non-zero length, as :func:`shapely.node` makes them.

    By GEOS itself when the lines are few or fold onto themselves (:func:`_folds`), else by
    :func:`_node`.
    """
    xy, part = shapely.get_coordinates(parts, return_index=True)
    if len(xy) <= _GEOS_NODING_MAX_VERTICES or _folds(xy, part):
        return _geos_node(parts)
    return _Lines(*_node(xy, part)[:2])


def _folds(xy: np.ndarray, part: np.ndarray) -> bool:
    """Whether a line repeats a vertex, or turns back on itself, anywhere.

    GEOS nodes such lines by rules of its own (collapsed vertices become nodes, zero-length
    pieces take part in the next pass), which :func:`_node` does not follow.
    """
    same_line = part[1:] == part[:-1]
    if (same_line & _same(xy[1:], xy[:-1])).any():
        return True
    same_line2 = same_line[1:] & same_line[:-1]
    if (same_line2 & _same(xy[2:], xy[:-2])).any():
        return True
    k = np.flatnonzero(same_line2)  # vertex k + 1 joins two segments of one line
    a, b, c = xy[k], xy[k + 1], xy[k + 2]
    back = (b[:, 0] - a[:, 0]) * (c[:, 0] - b[:, 0]) + (b[:, 1] - a[:, 1]) * (c[:, 1] - b[:, 1]) < 0
    k = np.flatnonzero(back)
    return bool((_orientation(*a[k].T, *b[k].T, *c[k].T) == 0).any())


def _node_with(lines: _Lines, links: np.ndarray) -> _Lines:
    """Node the noded pieces ``lines`` together with ``links``.

    Only the pieces whose box a link meets can change: they are noded again with the links,
    and their pieces take their place, so that the result is what noding everything again
    gives (the links come last).
    """
    if len(lines.coords) <= _GEOS_NODING_MAX_VERTICES:
        return _geos_node(np.r_[lines.all(), links])
    pieces, coords, size = lines.all(), lines.coords, lines.size
    m = len(pieces)
    touched = np.unique(shapely.STRtree(pieces).query(links)[1])
    first = np.cumsum(size) - size
    take = np.repeat(first[touched] - np.cumsum(size[touched]) + size[touched], size[touched])
    take += np.arange(len(take))
    link_xy, link_part = shapely.get_coordinates(links, return_index=True)
    sub_xy = np.r_[coords[take], link_xy]
    sub_part = np.r_[np.repeat(touched, size[touched]), m + link_part]
    new_coords, new_size, new_line = _node(sub_xy, sub_part)
    kept = np.ones(m, dtype=bool)
    kept[touched] = False
    order = np.argsort(np.r_[np.flatnonzero(kept), new_line], kind="stable")
    merged = _Lines(
        np.r_[coords[np.repeat(kept, size)], new_coords],
        np.r_[size[kept], new_size],
        np.r_[pieces[kept], _lines(new_coords, new_size)],
    )
    return merged.subset(order)


class _Lines:
    """Lines kept as coordinates (line after line, ``size`` vertices each).

    Their LineStrings are made only when asked for: all of them (:meth:`all`), or those of a
    few lines (:meth:`take`, e.g. the edges met when snapping a thousand sites), since making
    a hundred thousand GEOS geometries costs more than noding them.
    """

    def __init__(self, coords: np.ndarray, size: np.ndarray, geoms: np.ndarray | None = None):
        self.coords, self.size = coords, size
        self.start = np.cumsum(size) - size
        self._all = geoms
        self._some: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.size)

    def all(self) -> np.ndarray:
        """LineStrings of every line."""
        if self._all is None:
            self._all = _lines(self.coords, self.size)
        return self._all

    def take(self, index: np.ndarray) -> np.ndarray:
        """LineStrings of lines ``index``, made once each."""
        if self._all is not None:
            return self._all[index]
        if self._some is None:
            self._some = np.full(len(self.size), None, dtype=object)
        missing = np.unique(index[shapely.is_missing(self._some[index])])
        if len(missing):
            self._some[missing] = _lines(self.coords[self._rows(missing)], self.size[missing])
        return self._some[index]

    def subset(self, index: np.ndarray) -> _Lines:
        """Return the lines ``index``, in that order."""
        geoms = None if self._all is None else self._all[index]
        return _Lines(self.coords[self._rows(index)], self.size[index], geoms)

    def lengths(self) -> np.ndarray:
        """Length of every line, summed segment after segment in order, as GEOS sums it."""
        step = np.diff(self.coords, axis=0)
        seg = np.sqrt(step[:, 0] * step[:, 0] + step[:, 1] * step[:, 1])
        length = np.zeros(len(self.size))
        live = np.arange(len(self.size))
        for k in range(int(self.size.max(initial=1)) - 1):
            live = live[self.size[live] > k + 1]
            length[live] += seg[self.start[live] + k]
        return length

    def _rows(self, index: np.ndarray) -> np.ndarray:
        size = self.size[index]
        return np.repeat(self.start[index] - np.cumsum(size) + size, size) + np.arange(size.sum())
