"""Hypothesis strategies and builders for the property tests (tests/test_properties.py).

Geometries are drawn in EPSG:3405 (VN-2000 / UTM 48N, metres) inside the province
(x 560,000–660,000, y 2,200,000–2,300,000) and handed to the analyses in EPSG:4326, the storage
CRS of the site layer. Everything here is synthetic test data: every built row says so in its
``accuracy``/``source`` attributes (``illustrative``, "hypothesis property test").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import strategies as st
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Polygon, box

__all__ = [
    "ANCHOR",
    "EDGE_CASES",
    "anchors",
    "build_roads",
    "build_sites",
    "footprint",
    "footprints",
    "grid_lines",
    "site_numbers",
]

#: Province window in EPSG:3405 (with room left for 4 km footprints).
X_RANGE = (562_000, 652_000)
Y_RANGE = (2_202_000, 2_292_000)
#: A fixed anchor near the centre of the new province, used by the named edge cases.
ANCHOR = (600_000.0, 2_240_000.0)
METRIC = "EPSG:3405"
STORAGE = "EPSG:4326"


# ---------------------------------------------------------------------------------------------
# geometries (EPSG:3405)


def anchors() -> st.SearchStrategy[tuple[float, float]]:
    """Anchor points (metres, EPSG:3405) anywhere in the province window."""
    return st.tuples(
        st.integers(*X_RANGE).map(float),
        st.integers(*Y_RANGE).map(float),
    )


@st.composite
def footprint(draw: st.DrawFn, anchor: tuple[float, float] = ANCHOR) -> Polygon | MultiPolygon:
    """One footprint near ``anchor``: rectangle (3 m … 4 km a side), rectangle with a hole,
    two-part multipolygon, sliver (< 1 m wide) or rotated polygon."""
    x0, y0 = anchor
    dx = draw(st.integers(-3000, 3000))
    dy = draw(st.integers(-3000, 3000))
    ox, oy = x0 + dx, y0 + dy
    shape = draw(st.sampled_from(["rect", "tiny", "huge", "hole", "multi", "sliver", "rotated"]))
    if shape == "rect":
        w = draw(st.floats(20, 1500, allow_nan=False))
        h = draw(st.floats(20, 1500, allow_nan=False))
        return box(ox, oy, ox + w, oy + h)
    if shape == "tiny":  # < 0.01 ha
        w = draw(st.floats(1, 9.5, allow_nan=False))
        h = draw(st.floats(1, 9.5, allow_nan=False))
        return box(ox, oy, ox + w, oy + h)
    if shape == "huge":  # > 1,000 ha
        w = draw(st.floats(3200, 4500, allow_nan=False))
        h = draw(st.floats(10_000_000 / w + 10, 4000, allow_nan=False))
        return box(ox, oy, ox + w, oy + h)
    if shape == "hole":
        w = draw(st.floats(60, 2000, allow_nan=False))
        h = draw(st.floats(60, 2000, allow_nan=False))
        f = draw(st.floats(0.1, 0.45, allow_nan=False))
        hole = box(ox + f * w, oy + f * h, ox + (1 - f) * w, oy + (1 - f) * h)
        return Polygon(box(ox, oy, ox + w, oy + h).exterior.coords, [hole.exterior.coords[::-1]])
    if shape == "multi":
        w = draw(st.floats(10, 800, allow_nan=False))
        gap = draw(st.floats(0.5, 1500, allow_nan=False))
        return MultiPolygon(
            [box(ox, oy, ox + w, oy + w), box(ox + w + gap, oy, ox + 2 * w + gap, oy + w / 2)]
        )
    if shape == "sliver":
        w = draw(st.floats(100, 3000, allow_nan=False))
        h = draw(st.floats(0.05, 0.9, allow_nan=False))
        return box(ox, oy, ox + w, oy + h)
    # a rotated, non-rectangular quadrilateral
    w = draw(st.floats(30, 1200, allow_nan=False))
    h = draw(st.floats(30, 1200, allow_nan=False))
    skew = draw(st.floats(0, 0.5, allow_nan=False))
    quad = Polygon([(ox, oy), (ox + w, oy), (ox + w * (1 + skew), oy + h), (ox + w * skew, oy + h)])
    return affinity.rotate(quad, draw(st.floats(0, 180, allow_nan=False)), origin="centroid")


@st.composite
def footprints(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 4, anchor: tuple[float, float] | None = None
) -> list[Polygon | MultiPolygon]:
    """A list of footprints around one anchor (drawn when not given); they may overlap."""
    a = anchor if anchor is not None else draw(anchors())
    return draw(st.lists(footprint(a), min_size=min_size, max_size=max_size))


def _rect(x: float, y: float, w: float, h: float) -> Polygon:
    return box(x, y, x + w, y + h)


def _holed(x: float, y: float, w: float, h: float, inset: float) -> Polygon:
    return Polygon(
        _rect(x, y, w, h).exterior.coords,
        [_rect(x + inset, y + inset, w - 2 * inset, h - 2 * inset).exterior.coords[::-1]],
    )


_X, _Y = ANCHOR
#: The named edge cases of the brief, always run through ``@example``.
EDGE_CASES: dict[str, list[Polygon | MultiPolygon]] = {
    # a ring: 400 m x 400 m with a 200 m x 200 m hole (12 ha)
    "hole": [_holed(_X, _Y, 400, 400, 100)],
    # two parts 50 m apart
    "multipolygon": [
        MultiPolygon([_rect(_X, _Y, 300, 300), _rect(_X + 350, _Y, 100, 200)]),
    ],
    # 2 km x 0.2 m
    "sliver": [_rect(_X, _Y, 2000, 0.2)],
    # 7 m x 7 m = 0.0049 ha
    "tiny": [_rect(_X + 3, _Y + 3, 7, 7)],
    # 4 km x 3 km = 1,200 ha
    "huge": [_rect(_X - 2000, _Y - 1500, 4000, 3000)],
    # two footprints sharing an edge (and one of them with a hole)
    "shared_edge": [_rect(_X, _Y, 300, 200), _holed(_X + 300, _Y, 300, 300, 50)],
}


# ---------------------------------------------------------------------------------------------
# site layers (EPSG:4326, columns of DEVELOPERS.md)


@st.composite
def site_numbers(draw: st.DrawFn, n: int) -> dict[str, list]:
    """Attribute columns of ``n`` sites with unknowns (NaN/NA) and zeros mixed in."""
    area = st.one_of(st.none(), st.just(0.0), st.floats(0.001, 2000, allow_nan=False))
    count = st.one_of(st.none(), st.just(0.0), st.floats(0, 50_000, allow_nan=False))
    pct = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
    flag = st.sampled_from([True, False, None])
    cols: dict[str, list] = {}
    for col, strat in (
        ("area_ha", area),
        ("industrial_ha", area),
        ("leasable_ha", area),
        ("leased_ha", area),
        ("occupancy_pct", pct),
        ("jobs", count),
        ("projects", count),
        ("expansion_ha", st.one_of(st.none(), st.floats(0, 80, allow_nan=False))),
        ("has_wwtp", flag),
        ("wwtp_compliant", flag),
    ):
        cols[col] = draw(st.lists(strat, min_size=n, max_size=n))
    cols["status"] = draw(
        st.lists(st.sampled_from(["planned", "established", "operating"]), min_size=n, max_size=n)
    )
    cols["former_province"] = draw(
        st.lists(st.sampled_from(["Hà Nam", "Nam Định", "Ninh Bình"]), min_size=n, max_size=n)
    )
    cols["district_old"] = draw(
        st.lists(st.sampled_from(["Ý Yên", "Kim Bảng", None]), min_size=n, max_size=n)
    )
    cols["craft_village"] = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    cols["hazard_class"] = draw(
        st.lists(st.sampled_from(["I", "III", "V", None]), min_size=n, max_size=n)
    )
    return cols


def build_sites(
    geoms_3405: Sequence[shapely.Geometry],
    *,
    kind: str = "CCN",
    numbers: dict[str, list] | None = None,
    prefix: str | None = None,
    index: Sequence[object] | None = None,
    major: bool = True,
) -> gpd.GeoDataFrame:
    """Build a site layer (all DEVELOPERS.md columns) in EPSG:4326 from EPSG:3405 geometries.

    ``numbers`` (from :func:`site_numbers`) overrides the attribute columns; by default the
    official area is the footprint area. The index is deliberately not a RangeIndex
    (10, 13, 16, ...) so that functions which lose or reset it are caught.
    """
    n = len(geoms_3405)
    prefix = prefix or kind
    metric = gpd.GeoSeries(list(geoms_3405), crs=METRIC)
    storage = metric.to_crs(STORAGE)
    rep = storage.representative_point()
    area = [float(a) for a in metric.area / 1e4]
    cols: dict[str, object] = {
        "site_id": [f"{prefix}-T{i:03d}" for i in range(n)],
        "name_vi": [f"{kind} Thử nghiệm {i}" for i in range(n)],
        "kind": [kind] * n,
        "former_province": ["Nam Định"] * n,
        "district_old": ["Ý Yên"] * n,
        "communes": [pd.NA] * n,
        "status": ["operating"] * n,
        "status_year": pd.array([2015] * n, dtype="Int64"),
        "area_ha": area,
        "area_basis": ["footprint area (synthetic)"] * n,
        "area_alt": [""] * n,
        "industrial_ha": [a * 0.7 for a in area],
        "leasable_ha": [a * 0.6 for a in area],
        "leased_ha": [a * 0.3 for a in area],
        "occupancy_pct": [50.0] * n,
        "jobs": [100.0] * n,
        "projects": [3.0] * n,
        "has_wwtp": [True] * n,
        "wwtp_compliant": [True] * n,
        "craft_village": [False] * n,
        "mountainous": [False] * n,
        "expansion_ha": [math.nan] * n,
        "major": [major and kind == "KCN"] * n,
        "lon": list(rep.x),
        "lat": list(rep.y),
        "location_accuracy": ["illustrative"] * n,
        "location_basis": ["synthetic point (hypothesis property test)"] * n,
        "footprint_accuracy": ["digitized"] * n,
        "footprint_basis": ["synthetic polygon (hypothesis property test)"] * n,
        "hazard_class": ["III"] * n,
        "source": ["hypothesis property test"] * n,
        "source_url": [""] * n,
        "source_date": ["2026-01-01"] * n,
        "licence": ["CC0"] * n,
        "accuracy": ["illustrative"] * n,
    }
    if numbers:
        cols.update({k: list(v) for k, v in numbers.items()})
    gdf = gpd.GeoDataFrame(cols, geometry=list(storage.values), crs=STORAGE)
    for col in ("has_wwtp", "wwtp_compliant"):
        gdf[col] = gdf[col].astype("boolean")
    for col in ("area_ha", "industrial_ha", "leasable_ha", "leased_ha", "occupancy_pct", "jobs"):
        gdf[col] = gdf[col].astype(float)
    gdf["projects"] = gdf["projects"].astype(float)
    gdf["expansion_ha"] = gdf["expansion_ha"].astype(float)
    gdf.index = pd.Index(list(index) if index is not None else [10 + 3 * i for i in range(n)])
    gdf.attrs = {"source": "hypothesis property test", "layer": {"kind": kind, "ids": [1, 2]}}
    return gdf


# ---------------------------------------------------------------------------------------------
# road grids (EPSG:3405)


@st.composite
def grid_lines(draw: st.DrawFn, anchor: tuple[float, float] = ANCHOR) -> tuple[list, list]:
    """Sorted x and y positions (m) of a road grid: 2–5 lines each way, ≥ 150 m apart."""
    x0, y0 = anchor

    def positions(origin: float) -> list[float]:
        gaps = draw(st.lists(st.integers(150, 2500), min_size=1, max_size=4))
        return [origin + g for g in np.cumsum([0, *gaps]).tolist()]

    return positions(x0), positions(y0)


def build_roads(
    xs: Sequence[float], ys: Sequence[float], *, diagonal: bool = False
) -> gpd.GeoDataFrame:
    """Full-length grid lines (each crossing every perpendicular one) in EPSG:4326.

    With ``diagonal`` a line from the first to the last corner is added, so that the graph has
    non-axis-parallel edges and junctions off the grid nodes.
    """
    lines = [LineString([(x, ys[0]), (x, ys[-1])]) for x in xs]
    lines += [LineString([(xs[0], y), (xs[-1], y)]) for y in ys]
    if diagonal:
        lines.append(LineString([(xs[0], ys[0]), (xs[-1], ys[-1])]))
    roads = gpd.GeoDataFrame(
        {"road_class": ["Quốc lộ"] * len(lines), "accuracy": ["illustrative"] * len(lines)},
        geometry=lines,
        crs=METRIC,
    )
    return roads.to_crs(STORAGE)
