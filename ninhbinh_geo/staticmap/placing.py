"""Labels placed apart: beside their point, never on another label or symbol, with leaders.

Numbered hubs of one name closer than a few millimetres on paper share one label ("KCN Đồng
Văn I–VI") with a leader line to each of them; a label is tried at growing distances in eight
directions around its point and takes the first place where its box, measured on the Agg canvas,
touches no label, hub symbol or map furniture already drawn and stays inside the frame. A label
placed away from its point gets a leader line too. Placement is deterministic: the same layers
give the same page, in a worker process as in the caller.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib import patheffects
from matplotlib.text import Annotation
from matplotlib.transforms import Bbox

from .fonts import _clean

__all__: list[str] = []

# Distances tried from the point (points on paper) and directions, right-hand side first.
_OFFSETS_PT = (4.0, 9.0, 16.0, 26.0, 40.0, 58.0)
_DIRECTIONS = tuple(
    (math.cos(math.radians(a)), math.sin(math.radians(a)))
    for a in (35, 0, -35, 145, 180, -145, 90, -90)
)
# A label whose box is farther than this from a point it names gets a leader to it.
_LEADER_FROM_PT = 5.0
_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
_ROMAN = {
    r: i
    for i, r in enumerate(
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"], start=1
    )
}


@dataclass
class _Item:
    """A label to place: its text, where it stands (data coords) and the points it names."""

    text: str
    x: float
    y: float
    members: list[tuple[float, float]]


def _suffix_number(text: str) -> int | None:
    if text in _ROMAN:
        return _ROMAN[text]
    return int(text) if re.fullmatch(r"\d+", text) else None


def _group_name(names: Sequence[str]) -> str:
    """Name a group of sites once: "KCN Đồng Văn I–VI", "KCN Bảo Minh, Khánh Phú".

    Examples
    --------
    >>> _group_name([f"KCN Đồng Văn {r}" for r in ("II", "I", "III", "IV", "VI", "V")])
    'KCN Đồng Văn I–VI'
    >>> _group_name(["KCN Bảo Minh", "KCN Khánh Phú"]), _group_name(["KCN A 1", "KCN A 3"])
    ('KCN Bảo Minh, Khánh Phú', 'KCN A 1, 3')
    """
    if len(names) == 1:
        return names[0]
    words = [n.split() for n in names]
    common = 0
    for parts in zip(*words, strict=False):
        if len(set(parts)) != 1:
            break
        common += 1
    common = min(common, min(len(w) for w in words) - 1)  # every name keeps a word of its own
    prefix = " ".join(words[0][:common])
    suffixes = [" ".join(w[common:]) for w in words]
    numbers = [_suffix_number(s) for s in suffixes]
    if all(n is not None for n in numbers):
        ordered = sorted(zip(numbers, suffixes, strict=True))
        values = [n for n, _ in ordered]
        run = values == list(range(values[0], values[0] + len(values)))
        suffixes = [s for _, s in ordered]
        joined = f"{suffixes[0]}–{suffixes[-1]}" if run and len(values) > 2 else ", ".join(suffixes)
    else:
        joined = ", ".join(suffixes)
    return f"{prefix} {joined}".strip()


def _stem(name: str) -> str:
    """Return the name without its number ("KCN Đồng Văn" of "KCN Đồng Văn IV")."""
    words = name.split()
    return " ".join(words[:-1]) if len(words) > 1 and _suffix_number(words[-1]) else name


def _groups(
    points: Sequence[tuple[float, float]], names: Sequence[str], within_m: float
) -> list[_Item]:
    """One label item per group of numbered namesakes closer than ``within_m``, in name order.

    Parks of one name with numbers (Đồng Văn I–VI) within ``within_m`` of each other (single
    linkage) share a label; any other park has its own.
    """
    order = sorted(range(len(points)), key=lambda i: (_clean(names[i]), points[i]))
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in order:
        for b in order:
            close = math.dist(points[a], points[b]) <= within_m
            if a < b and close and _stem(_clean(names[a])) == _stem(_clean(names[b])):
                parent[root(b)] = root(a)
    members: dict[int, list[int]] = {}
    for i in order:
        members.setdefault(root(i), []).append(i)
    items = []
    for idx in members.values():
        xs, ys = zip(*(points[i] for i in idx), strict=True)
        text = _group_name([_clean(names[i]) for i in idx])
        items.append(_Item(text, float(np.mean(xs)), float(np.mean(ys)), [points[i] for i in idx]))
    return items


def _overlap(a: Bbox, b: Bbox) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def _cost(box: Bbox, frame: Bbox, taken: list[Bbox]) -> float:
    outside = box.width * box.height - _overlap(box, frame)
    return outside * 4 + sum(_overlap(box, t) for t in taken)


def _direction_align(ux: float, uy: float) -> tuple[str, str]:
    ha = "left" if ux > 0.3 else ("right" if ux < -0.3 else "center")
    va = "bottom" if uy > 0.3 else ("top" if uy < -0.3 else "center")
    return ha, va


def _nearest_on_box(box: Bbox, px: float, py: float) -> tuple[float, float]:
    return min(max(px, box.x0), box.x1), min(max(py, box.y0), box.y1)


def _leaders(ax, box: Bbox, item: _Item, gid: str, z: float) -> None:
    to_data = ax.transData.inverted()
    for mx, my in item.members:
        px, py = ax.transData.transform((mx, my))
        sx, sy = _nearest_on_box(box, px, py)
        if math.hypot(px - sx, py - sy) < _LEADER_FROM_PT * ax.figure.dpi / 72:
            continue
        (x0, y0), (x1, y1) = to_data.transform([(sx, sy), (px, py)])
        ax.plot([x0, x1], [y0, y1], color="#404040", linewidth=0.5, zorder=z - 0.5, gid=gid)


def _box_at(anchor: tuple[float, float], size: tuple[float, float], ha: str, va: str) -> Bbox:
    """Return the box of a text of ``size`` (px) aligned ``ha``/``va`` on ``anchor`` (px)."""
    w, h = size
    x0 = anchor[0] - {"left": 0.0, "center": w / 2, "right": w}[ha]
    y0 = anchor[1] - {"bottom": 0.0, "center": h / 2, "top": h}[va]
    return Bbox.from_bounds(x0, y0, w, h)


def _place_one(ax, item: _Item, renderer, frame: Bbox, taken: list[Bbox], style: dict) -> Bbox:
    """Draw one label at the first free place (or the least crowded one); return its box.

    The text is measured once: its box at each candidate place follows from its size.
    """
    text = ax.annotate(
        item.text, (item.x, item.y), xytext=(0, 0), textcoords="offset points", **style
    )
    text.set_horizontalalignment("left")
    text.set_verticalalignment("bottom")
    measured = text.get_window_extent(renderer)
    size = (measured.width, measured.height)
    px, py = ax.transData.transform((item.x, item.y))
    per_pt = ax.figure.dpi / 72
    best: tuple[float, float, float, float] | None = None
    for r in _OFFSETS_PT:
        for ux, uy in _DIRECTIONS:
            ha, va = _direction_align(ux, uy)
            box = _box_at((px + ux * r * per_pt, py + uy * r * per_pt), size, ha, va)
            cost = _cost(box.padded(1.5), frame, taken)
            if best is None or cost < best[0]:
                best = (cost, ux, uy, r)
            if cost == 0:
                break
        if best is not None and best[0] == 0:
            break
    assert best is not None
    _, ux, uy, r = best
    ha, va = _direction_align(ux, uy)
    text.xyann = (ux * r, uy * r)
    text.set_horizontalalignment(ha)
    text.set_verticalalignment(va)
    return text.get_window_extent(renderer)


def _place_labels(
    ax,
    items: Sequence[_Item],
    *,
    avoid: Sequence[tuple[float, float]] = (),
    avoid_pt: float = 4.0,
    gid: str = "map_label",
    fontsize: float = 6.2,
    zorder: float = 20,
) -> list[Annotation]:
    """Place ``items`` one by one where nothing drawn so far lies; leaders where needed.

    ``avoid`` are points (data coords) whose symbols, ``avoid_pt`` points around, a label must
    not cover; the map furniture (scale bar, north arrow) and earlier labels are avoided too.
    """
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    half = avoid_pt * ax.figure.dpi / 72
    taken = [p.get_window_extent(renderer) for p in ax.patches]
    taken += [t.get_window_extent(renderer) for t in ax.texts if t.get_text()]
    for x, y in avoid:
        px, py = ax.transData.transform((x, y))
        taken.append(Bbox.from_extents(px - half, py - half, px + half, py + half))
    style = {
        "fontsize": fontsize,
        "fontweight": "bold",
        "color": "#202020",
        "zorder": zorder,
        "path_effects": _HALO,
        "annotation_clip": False,
        "gid": gid,
    }
    placed: list[Annotation] = []
    for item in items:
        box = _place_one(ax, item, renderer, frame, taken, style)
        taken.append(box)
        placed.append(ax.texts[-1])
        _leaders(ax, box, item, f"{gid}_leader", zorder)
    return placed
