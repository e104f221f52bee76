"""The suitability surface: constraints and factors on a grid over the province.

:func:`suitability` is the door. On a :class:`~.grid.Grid` of ``cell_m`` cells over the
province it marks the cells **excluded** (outside the province; in a protected or heritage
area of the chosen designations or within ``protected_buffer_m`` of it; flooded deeper than
``flood_threshold_m`` in the hazard raster given, e.g. its 100-year depth; within
``site_buffer_m`` of an existing cluster or park) and measures three **factors**, each
normalised to 0–1 by a stated function (:data:`NORMALISATION`) and weighted:

- ``travel_time``: minutes to the nearest hub by road, the cell's access leg to its nearest
  road (at ``access_speed_kmh``, at most ``max_snap_m``) included;
  ``clip((45 − t) / (45 − 10), 0, 1)``: 1 within 10 minutes, 0 from 45;
- ``labour``: people (WorldPop) within ``minutes`` of the cell by road, legs included, divided
  by the largest value in the province;
- ``road``: distance to the nearest road, ``clip(1 − d / max_snap_m, 0, 1)``.

The road network reaches the cells through a raster of the edges
(:func:`rasterio.features.rasterize`) and :func:`scipy.ndimage.distance_transform_edt`, which
gives every cell its nearest road cell and the distance to it. Road cells are grouped into
sample points every ``max(250 m, 2 cells)`` along the edges; the searches run from those points
(:func:`~ninhbinh_geo.network.traveltime._catchment_profile`: one search gives the people
within every whole minute), and a cell takes the value of its road's sample point with the time
its leg leaves. The labour factor counts the people within the whole minutes left after the
leg (at most one minute short).

The accuracy of the surface is the worst of its inputs' (:attr:`Surface.accuracy`), with the
inputs that set it in :attr:`Surface.accuracy_basis`: with the illustrative demo hazard, or the
illustrative cluster footprints, every candidate is ``illustrative``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .._errors import SchemaError
from .._provenance import ACCURACY_CLASSES
from .grid import Grid, _polygons

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from ..network import RoadGraph

__all__ = [
    "DEFAULT_WEIGHTS",
    "FACTORS",
    "NORMALISATION",
    "PROTECTED_DESIGNATIONS",
    "Surface",
    "suitability",
]

#: The factors, in the order of their columns and weights.
FACTORS = ("travel_time", "labour", "road")
#: Weights of the factors (normalised to sum 1): a planning assumption to be set by the user.
DEFAULT_WEIGHTS = {"travel_time": 0.4, "labour": 0.4, "road": 0.2}
#: Travel time to a hub that scores 1 (at most) and 0 (at least), minutes.
GOOD_MIN, LIMIT_MIN = 10.0, 45.0
#: How each factor is turned into 0–1.
NORMALISATION = {
    "travel_time": f"clip(({LIMIT_MIN:g} − minutes) / ({LIMIT_MIN:g} − {GOOD_MIN:g}), 0, 1)",
    "labour": "people within the budget / the largest value over the province's cells",
    "road": "clip(1 − distance to road / max_snap_m, 0, 1)",
}
#: Designations whose areas exclude industry: the World Heritage property and the Ramsar
#: site (and national parks or nature reserves where a layer has them). The biosphere
#: reserve is left out: its transition zone does not forbid industry (zoning rule NAT-02).
PROTECTED_DESIGNATIONS = ("world_heritage", "ramsar", "national_park", "nature_reserve")
_MAX_CELLS = 25_000_000


@dataclass(frozen=True)
class Surface:
    """A suitability surface: its grid, exclusions, factors and the accuracy of its inputs.

    Attributes
    ----------
    grid : Grid
        The grid (metric CRS).
    inside : numpy.ndarray
        Cells whose centre lies in the province.
    excluded : dict of str to numpy.ndarray
        Cells excluded by each constraint (``protected``, ``flood``, ``sites``).
    raw : dict of str to numpy.ndarray
        ``travel_min``, ``people``, ``road_m`` per cell (NaN outside the province; inf where
        no hub is reached).
    factors : dict of str to numpy.ndarray
        The factors normalised to 0–1 (:data:`NORMALISATION`).
    weights : dict of str to float
        The weights, summing to 1.
    accuracy : str
        The worst accuracy class of the inputs.
    accuracy_basis : str
        Which inputs set it.
    params : dict
        The parameters used, for tables.
    """

    grid: Grid
    inside: np.ndarray
    excluded: dict[str, np.ndarray]
    raw: dict[str, np.ndarray]
    factors: dict[str, np.ndarray]
    weights: dict[str, float]
    accuracy: str
    accuracy_basis: str
    params: dict = field(default_factory=dict)

    @property
    def feasible(self) -> np.ndarray:
        """Cells inside the province that no constraint excludes."""
        out = self.inside.copy()
        for mask in self.excluded.values():
            out &= ~mask
        return out

    def score(self, weights: Mapping[str, float] | None = None) -> np.ndarray:
        """Weighted sum of the factors (0–1); NaN on excluded cells."""
        w = _check_weights(weights or self.weights)
        total = sum(w[k] * self.factors[k] for k in FACTORS)
        return np.where(self.feasible, total, np.nan)

    def summary(self) -> pd.DataFrame:
        """One row per constraint and factor: cells, km², the function and the weight.

        Examples
        --------
        >>> import numpy as np
        >>> g = Grid.covering((0, 0, 200, 100), 100.0, "EPSG:3405")
        >>> s = Surface(g, np.ones((1, 2), bool), {"flood": np.array([[True, False]])}, {},
        ...             {k: np.zeros((1, 2)) for k in FACTORS}, dict(DEFAULT_WEIGHTS),
        ...             "approximate", "")
        >>> s.summary().set_index("item").loc["flood", ["cells", "share_of_province"]].tolist()
        [1.0, 0.5]
        """
        cell_km2 = self.grid.cell_m**2 / 1e6
        n_inside = int(self.inside.sum())
        rows = [
            {
                "item": name,
                "kind": "constraint",
                "cells": int((mask & self.inside).sum()),
                "km2": float((mask & self.inside).sum() * cell_km2),
                "share_of_province": float((mask & self.inside).sum() / max(n_inside, 1)),
                "rule": self.params.get(f"{name}_rule", ""),
                "weight": np.nan,
            }
            for name, mask in self.excluded.items()
        ]
        feas = self.feasible
        rows.append(
            {
                "item": "feasible",
                "kind": "result",
                "cells": int(feas.sum()),
                "km2": float(feas.sum() * cell_km2),
                "share_of_province": float(feas.sum() / max(n_inside, 1)),
                "rule": "inside the province, no constraint",
                "weight": np.nan,
            }
        )
        for k in FACTORS:
            rows.append(
                {
                    "item": k,
                    "kind": "factor",
                    "cells": n_inside,
                    "km2": n_inside * cell_km2,
                    "share_of_province": 1.0,
                    "rule": NORMALISATION[k],
                    "weight": self.weights[k],
                }
            )
        return pd.DataFrame(rows)


def _check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    unknown = sorted(set(weights) - set(FACTORS))
    if unknown:
        raise SchemaError(f"Unknown factor weights {unknown}; the factors are {list(FACTORS)}.")
    w = {k: float(weights.get(k, 0.0)) for k in FACTORS}
    if any(not np.isfinite(v) or v < 0 for v in w.values()) or sum(w.values()) <= 0:
        raise SchemaError(f"Factor weights must be >= 0 and not all 0, not {dict(weights)!r}.")
    total = sum(w.values())
    return {k: v / total for k, v in w.items()}


def _worst_of(layer: pd.DataFrame | None, columns: Sequence[str] = ("accuracy",)) -> str | None:
    """Return the worst accuracy class of a layer's rows (None without the columns)."""
    if layer is None:
        return None
    for col in columns:
        if col in layer.columns and len(layer):
            rank = [ACCURACY_CLASSES.index(a) if a in ACCURACY_CLASSES else 3 for a in layer[col]]
            return ACCURACY_CLASSES[max(rank)]
    return None


def _check_layer(layer: object, name: str) -> gpd.GeoDataFrame | None:
    import geopandas as gpd

    from ..crs import check_coordinates

    if layer is None:
        return None
    if not isinstance(layer, gpd.GeoDataFrame):
        raise SchemaError(f"Layer '{name}' must be a GeoDataFrame.")
    if layer.crs is None:
        raise SchemaError(f"Layer '{name}' has no CRS; set it, e.g. .set_crs('EPSG:4326').")
    if len(layer):
        check_coordinates(layer, name)
    return layer


def _check_numbers(**values: float) -> None:
    for name, value in values.items():
        if not isinstance(value, int | float) or not np.isfinite(value) or value < 0:
            raise SchemaError(f"{name} must be a number >= 0, not {value!r}.")


def _constraints(
    grid: Grid,
    protected: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame | None,
    hazard: str | Path | None,
    p: Mapping[str, object],
) -> tuple[dict[str, np.ndarray], dict[str, str], str | None]:
    """Cells excluded by each constraint, the rule of each, and the hazard raster's accuracy."""
    excluded: dict[str, np.ndarray] = {}
    rules: dict[str, str] = {}
    if protected is not None:
        chosen = protected
        if "designation" in protected.columns:
            chosen = protected[protected["designation"].isin(p["designations"])]
        excluded["protected"] = grid.burn(_polygons(chosen, grid.crs, p["protected_buffer_m"]))
        rules["protected_rule"] = (
            f"{'/'.join(p['designations'])} areas plus {p['protected_buffer_m']:g} m"
        )
    hazard_accuracy = None
    if hazard is not None:
        depth, tags = grid.read(hazard)
        excluded["flood"] = np.nan_to_num(depth, nan=0.0) > p["flood_threshold_m"]
        hazard_accuracy = tags.get("accuracy") or "approximate"
        rules["flood_rule"] = f"depth > {p['flood_threshold_m']:g} m in {Path(hazard).name}"
    if sites is not None:
        excluded["sites"] = grid.burn(_polygons(sites, grid.crs, p["site_buffer_m"]))
        rules["sites_rule"] = f"existing clusters and parks plus {p['site_buffer_m']:g} m"
    return excluded, rules, hazard_accuracy


def _factors(
    grid: Grid,
    graph: RoadGraph,
    hubs: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    inside: np.ndarray,
    p: Mapping[str, float],
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Return the raw and normalised factors of every cell inside the province."""
    from ..network.snapping import _site_points
    from ..network.traveltime import _catchment_profile, _places
    from ..population import _cell_places, _people_columns
    from .factors import _PROFILE_STEP_S, _cell_values, _hub_seconds, _road_access

    kw = {"access_speed_kmh": p["access_speed_kmh"], "max_snap_m": p["max_snap_m"]}
    access = _road_access(grid, graph)
    hub_places = _places(graph, _site_points(hubs, "parks", graph.crs), **kw)
    hub_s = _hub_seconds(graph, hub_places, access.points)
    col = _people_columns(cells)[max(_people_columns(cells))]  # the latest year
    budget_s = p["minutes"] * 60
    profile = _catchment_profile(
        graph,
        access.points,
        _cell_places(graph, cells, **kw),
        cells[col].to_numpy(dtype=float),
        max_s=budget_s,
        step_s=_PROFILE_STEP_S,
    )
    travel, people = _cell_values(
        access,
        inside,
        hub_s,
        profile,
        speed_ms=p["access_speed_kmh"] / 3.6,
        max_snap_m=p["max_snap_m"],
        budget_s=budget_s,
    )
    road_m = np.where(inside, access.road_m, np.nan)
    t = np.nan_to_num(travel, nan=np.inf, posinf=np.inf)
    top = np.nanmax(people) if np.isfinite(people).any() else 0.0
    factors = {
        "travel_time": np.clip((LIMIT_MIN - t) / (LIMIT_MIN - GOOD_MIN), 0, 1),
        "labour": np.nan_to_num(people / top) if top > 0 else np.zeros(grid.shape),
        "road": np.clip(1 - np.nan_to_num(road_m, nan=np.inf) / p["max_snap_m"], 0, 1),
    }
    raw = {"travel_min": travel, "people": people, "road_m": road_m}
    return raw, factors


def _accuracy(parts: Mapping[str, str | None]) -> tuple[str, str]:
    """Return the worst accuracy of the inputs and the inputs that have it."""
    known = {k: v for k, v in parts.items() if v is not None}
    rank = {k: ACCURACY_CLASSES.index(v) if v in ACCURACY_CLASSES else 3 for k, v in known.items()}
    worst = max(rank.values())
    which = sorted(k for k, r in rank.items() if r == worst)
    return ACCURACY_CLASSES[worst], f"{ACCURACY_CLASSES[worst]}: {', '.join(which)}"


def suitability(
    graph: RoadGraph,
    parks: gpd.GeoDataFrame,
    province: gpd.GeoDataFrame,
    *,
    cells: gpd.GeoDataFrame | None = None,
    protected: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    hazard: str | Path | None = None,
    cell_m: float = 100.0,
    weights: Mapping[str, float] | None = None,
    minutes: float = 30.0,
    protected_buffer_m: float = 1000.0,
    designations: Sequence[str] = PROTECTED_DESIGNATIONS,
    site_buffer_m: float = 1000.0,
    flood_threshold_m: float = 0.5,
    access_speed_kmh: float | None = None,
    max_snap_m: float = 5000.0,
    road_accuracy: str = "approximate",
) -> Surface:
    """Build the suitability surface for new clusters over the province.

    Parameters
    ----------
    graph : RoadGraph
        A graph with travel times (``network.traveltime.with_speeds``).
    parks : geopandas.GeoDataFrame
        Parks with ``site_id``, ``name_vi``, ``major``: the hubs (``schema.hub_parks``).
    province : geopandas.GeoDataFrame
        The province outline(s); the grid covers it, cells outside are excluded.
    cells : geopandas.GeoDataFrame, optional
        Population cells with ``people_<year>`` (the latest year counts); by default
        ``population.population_cells()`` (WorldPop).
    protected, sites : geopandas.GeoDataFrame, optional
        Protected areas with ``designation`` (those of ``designations`` exclude, with
        ``protected_buffer_m``); existing clusters and parks (with ``site_buffer_m``).
    hazard : path, optional
        Flood depth (m) at the chosen return period; cells deeper than ``flood_threshold_m``
        (the deepest value within a cell) are excluded.
    cell_m : float, default 100
        Cell size, metres.
    weights : mapping, optional
        Weights of ``travel_time``, ``labour``, ``road`` (:data:`DEFAULT_WEIGHTS`).
    minutes : float, default 30
        Budget of the labour factor.
    protected_buffer_m, site_buffer_m, flood_threshold_m : float
        1000 m, 1000 m and 0.5 m by default: planning assumptions.
    designations : sequence of str
        Designations that exclude (:data:`PROTECTED_DESIGNATIONS`).
    access_speed_kmh, max_snap_m : float
        Speed (default 20 km/h) and longest (5000 m) access leg; farther cells reach nothing.
    road_accuracy : str, default "approximate"
        Accuracy class of the road layer the graph was built from.

    Returns
    -------
    Surface
        Grid, exclusions, raw and normalised factors, weights and the accuracy of the inputs.

    Raises
    ------
    SchemaError
        For a graph without travel times, bad layers, weights, sizes or thresholds, or a grid
        of more than 25 million cells (choose a larger ``cell_m``).

    Examples
    --------
    >>> import ninhbinh_geo as nb
    >>> from ninhbinh_geo.network.traveltime import with_speeds
    >>> roads = nb.datasets.load_roads()
    >>> g = with_speeds(nb.network.build_graph(roads), roads)
    >>> s = suitability(g, nb.datasets.load_parks(), nb.datasets.load_province(), cell_m=1000)
    >>> s.grid.shape, round(float(s.weights["labour"]), 2), s.accuracy
    ((95, 115), 0.4, 'approximate')
    """
    limits = {"protected_buffer_m": protected_buffer_m, "site_buffer_m": site_buffer_m}
    limits |= {"flood_threshold_m": flood_threshold_m, "designations": tuple(designations)}
    graph, hubs, cells, grid, inside, p = _prepared(
        graph, parks, province, cells, cell_m, minutes, access_speed_kmh, max_snap_m, **limits
    )
    protected, sites = _check_layer(protected, "protected"), _check_layer(sites, "sites")
    w = _check_weights(weights or DEFAULT_WEIGHTS)
    excluded, rules, hazard_accuracy = _constraints(grid, protected, sites, hazard, p)
    raw, factors = _factors(grid, graph, hubs, cells, inside, p)
    accuracy, basis = _accuracy(
        {
            "roads": road_accuracy,
            "population": _worst_of(cells),
            "protected areas": _worst_of(protected),
            "site footprints": _worst_of(sites, ("footprint_accuracy", "accuracy")),
            "flood hazard": hazard_accuracy,
            "hubs": _worst_of(hubs, ("location_accuracy", "accuracy")),
        }
    )
    params = {**p, **rules, "cell_m": float(cell_m), "hazard": str(hazard or "")}
    return Surface(grid, inside, excluded, raw, factors, w, accuracy, basis, params)


def _prepared(
    graph: object,
    parks: object,
    province: object,
    cells: object,
    cell_m: float,
    minutes: float,
    access_speed_kmh: float | None,
    max_snap_m: float,
    **p: object,
) -> tuple:
    """Check the inputs of :func:`suitability`; return them with the grid and the parameters."""
    from ..crs import project_checked
    from ..hubs import hub_parks
    from ..network.speeds import ACCESS_SPEED_KMH
    from ..network.traveltime import _check_access, _check_timed
    from ..population import _check_cells, population_cells

    graph = _check_timed(graph)
    speed = ACCESS_SPEED_KMH if access_speed_kmh is None else access_speed_kmh
    _check_access(speed, max_snap_m)
    _check_numbers(**{k: v for k, v in p.items() if k != "designations"}, minutes=minutes)
    if not cell_m > 0 or not minutes > 0:
        raise SchemaError(f"cell_m and minutes must be > 0, not {cell_m!r}, {minutes!r}.")
    province = _check_layer(province, "province")
    hubs = hub_parks(_check_layer(parks, "parks"), major_only=True)
    cells, _ = _check_cells(population_cells() if cells is None else cells)
    crs = graph.crs.to_string()
    outline = project_checked(province, crs)
    # a margin of outside cells: a site's disc is never cut by the grid's edge
    x0, y0, x1, y1 = outline.total_bounds
    grid = Grid.covering((x0 - 2000, y0 - 2000, x1 + 2000, y1 + 2000), float(cell_m), crs)
    if grid.shape[0] * grid.shape[1] > _MAX_CELLS:
        raise SchemaError(
            f"cell_m={cell_m:g} m gives a grid of {grid.shape[0]} × {grid.shape[1]} cells; "
            f"choose a larger cell_m (at most {_MAX_CELLS:,} cells)."
        )
    inside = grid.burn(np.asarray(outline.geometry.values, dtype=object))
    params = {
        **{k: (v if k == "designations" else float(v)) for k, v in p.items()},
        "access_speed_kmh": float(speed),
        "max_snap_m": float(max_snap_m),
        "minutes": float(minutes),
    }
    return graph, hubs, cells, grid, inside, params
