"""Labour within reach: the people living within N minutes of a site, through the road network.

The people are those of the WorldPop 1 km population of 2000 and 2020 (shipped in
``data/population/``, CC BY 4.0, credit required: :data:`CREDIT`). Each 1 km cell is placed on
the road graph by its centre, snapped to the nearest road with an access leg at the stated
speed, and a site counts the people of every cell it reaches within the budget by road, legs
included: a catchment along the network, not a circle. Cells farther than ``max_snap_m`` from
every road are reached by nobody; their share is reported (``attrs["unassigned_share"]``).

Known limits (:data:`LIMITS`): 1 km cells (counts are those of whole cells, inside by their
centre); an unconstrained model that spreads people over all land; the 2020 total in the
province reads about 7 % below the 2019 census, so the 2000 → 2020 change is partly this
undercount: compare shares and patterns between the years rather than totals. WorldPop counts
every resident, not the labour force.

The searches use the network room (:mod:`ninhbinh_geo.network.traveltime`): this analysis
sits on top of it, as the siting does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._errors import SchemaError, first_ids

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from .network import RoadGraph
    from .network.traveltime import _Places

__all__ = ["CREDIT", "LIMITS", "YEARS", "labour_within", "population_cells", "unreached_share"]

#: The years of the shipped WorldPop rasters.
YEARS = (2000, 2020)
#: Credit WorldPop asks for with any figure or map made from its data (CC BY 4.0).
CREDIT = (
    "WorldPop (www.worldpop.org – School of Geography and Environmental Science, University of "
    "Southampton), Global High Resolution Population Denominators Project, DOI "
    "10.5258/SOTON/WP00671, CC BY 4.0"
)
#: The known limits of the population figures, to print with them.
LIMITS = (
    "1 km cells (about 0.87 × 0.92 km): a catchment counts whole cells, by their centre",
    "an unconstrained model: people are spread over all land, fields and hills included",
    "the 2020 total in the province (3.36 million) reads about 7 % below the 2019 census "
    "(about 3.6 million): the 2000 → 2020 change is partly this undercount",
    "residents of all ages, not the labour force",
)


def population_cells(years: Sequence[int] = YEARS) -> gpd.GeoDataFrame:
    """Load the shipped WorldPop cells of several years as one layer, one row per cell.

    Parameters
    ----------
    years : sequence of int, default (2000, 2020)
        Years of :func:`ninhbinh_geo.datasets.population_path`.

    Returns
    -------
    geopandas.GeoDataFrame
        Points (cell centres) in EPSG:4326 with ``row``, ``col`` and ``people_<year>`` per year
        (0 where a year has no data for the cell) and the provenance columns; ``attrs`` hold
        ``credit`` and ``transform``.

    Examples
    --------
    >>> cells = population_cells()
    >>> sorted(c for c in cells.columns if c.startswith("people_"))
    ['people_2000', 'people_2020']
    >>> cells.attrs["credit"].startswith("WorldPop")
    True
    """
    import geopandas as gpd

    from . import datasets

    frames = []
    for year in years:
        cells = datasets.load_population(int(year))
        frames.append(cells.set_index(["row", "col"])["people"].rename(f"people_{year}"))
        ref = cells
    table = pd.concat(frames, axis=1).fillna(0.0)
    first = ref.set_index(["row", "col"])
    # cells present in one year only take their centre from the raster's transform
    a, b, c, d, e, f = ref.attrs["transform"][:6]
    rows = table.index.get_level_values(0).to_numpy()
    cols = table.index.get_level_values(1).to_numpy()
    out = gpd.GeoDataFrame(
        {"row": rows, "col": cols, **{k: table[k].to_numpy() for k in table.columns}},
        geometry=gpd.points_from_xy(
            c + (cols + 0.5) * a + (rows + 0.5) * b, f + (cols + 0.5) * d + (rows + 0.5) * e
        ),
        crs=ref.crs,
    )
    for col in ("source", "source_url", "source_date", "licence", "accuracy"):
        out[col] = first[col].iloc[0]
    out.attrs = {"credit": ref.attrs.get("credit", CREDIT), "transform": ref.attrs["transform"]}
    return out


def _people_columns(cells: pd.DataFrame) -> dict[int, str]:
    """Return the ``people_<year>`` columns of a cell layer, by year."""
    found = {}
    for col in cells.columns:
        if col.startswith("people_") and col[7:].isdigit():
            found[int(col[7:])] = col
    return dict(sorted(found.items()))


def _check_cells(cells: object) -> tuple[gpd.GeoDataFrame, dict[int, str]]:
    import geopandas as gpd

    from .crs import check_coordinates

    if not isinstance(cells, gpd.GeoDataFrame):
        raise SchemaError(
            "Layer 'cells' must be a GeoDataFrame of population cells (points with "
            "people_<year> columns), e.g. population.population_cells()."
        )
    if cells.crs is None:
        raise SchemaError("Layer 'cells' has no CRS; set it, e.g. cells.set_crs('EPSG:4326').")
    check_coordinates(cells, "cells")
    years = _people_columns(cells)
    if not years:
        raise SchemaError(
            "Layer 'cells' has no people_<year> column (e.g. people_2020); see "
            "population.population_cells()."
        )
    for col in years.values():
        values = pd.to_numeric(cells[col], errors="coerce")
        bad = values.isna() | (values < 0)
        if bad.any():
            raise SchemaError(
                f"Layer 'cells', column '{col}': {int(bad.sum())} cells are not counts >= 0 "
                f"(rows {first_ids(cells.index[bad])}); fill or drop them."
            )
    return cells, years


def _cell_places(
    graph: RoadGraph, cells: gpd.GeoDataFrame, *, access_speed_kmh: float, max_snap_m: float
) -> _Places:
    """Place the cell centres on the graph: nearest road, access leg at the speed given."""
    import shapely

    from .network.traveltime import _places

    pts = np.asarray(cells.geometry.to_crs(graph.crs).values, dtype=object)
    pts = shapely.centroid(pts)  # cells given as squares count by their centre
    return _places(graph, pts, access_speed_kmh=access_speed_kmh, max_snap_m=max_snap_m)


def _check_budgets(minutes: float | Sequence[float]) -> tuple[float, ...]:
    values = (minutes,) if isinstance(minutes, int | float) else tuple(minutes)
    if not values or not all(isinstance(m, int | float) and m > 0 for m in values):
        raise SchemaError(f"minutes must be positive travel times, not {minutes!r}.")
    return tuple(float(m) for m in values)


def _column(minutes: float, year: int | str) -> str:
    return f"people_{minutes:g}min_{year}"


def labour_within(
    graph: RoadGraph,
    sites: gpd.GeoDataFrame,
    *,
    minutes: float | Sequence[float] = 30.0,
    cells: gpd.GeoDataFrame | None = None,
    access_speed_kmh: float | None = None,
    max_snap_m: float = 3000.0,
) -> gpd.GeoDataFrame:
    """Count the people living within ``minutes`` of each site by road, for each year.

    Parameters
    ----------
    graph : RoadGraph
        A graph with travel times (``network.traveltime.with_speeds``).
    sites : geopandas.GeoDataFrame
        Clusters, parks or any sites with a CRS; their points are taken as in ``proximity``.
    minutes : float or sequence of float, default 30
        Travel-time budgets, access legs of the site and of the cell included.
    cells : geopandas.GeoDataFrame, optional
        Population cells (points or squares) with ``people_<year>`` columns; by default the
        shipped WorldPop 2000 and 2020 (:func:`population_cells`).
    access_speed_kmh : float, optional
        Speed of the access legs off the road; by default
        :data:`~ninhbinh_geo.network.speeds.ACCESS_SPEED_KMH` (20 km/h).
    max_snap_m : float, default 3000.0
        Longest access leg, for sites and cells alike.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``sites`` (same index and CRS) with ``people_<N>min_<year>`` per budget and
        year and, with two years or more, ``people_<N>min_change`` (last − first year) and
        ``people_<N>min_change_pct``; NaN for a site beyond ``max_snap_m`` of every road.
        ``attrs``: ``credit``, ``limits``, ``unassigned_share`` (by year: the share of the
        people of ``cells`` farther than ``max_snap_m`` from every road, whom no site reaches),
        ``access_speed_kmh``, ``max_snap_m``.

    Raises
    ------
    SchemaError
        For a graph without travel times, bad budgets, speeds or distances, or cells without
        ``people_<year>`` counts.
    CRSError
        When a layer has no CRS or coordinates that do not fit it.

    Examples
    --------
    A 10 km national road (12 min); two cells on it, 4 km (4.8 min) and 9 km (10.8 min) from
    the site at its west end:

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph
    >>> from ninhbinh_geo.network.traveltime import with_speeds
    >>> roads = gpd.GeoDataFrame({"level": ["Quốc Gia"]},
    ...     geometry=[LineString([(600000, 2240000), (610000, 2240000)])], crs=3405)
    >>> g = with_speeds(build_graph(roads), roads)
    >>> site = gpd.GeoDataFrame({"site_id": ["A"]}, geometry=[Point(600000, 2240000)], crs=3405)
    >>> cells = gpd.GeoDataFrame({"people_2000": [100.0, 50.0], "people_2020": [120.0, 40.0]},
    ...     geometry=[Point(604000, 2240000), Point(609000, 2240000)], crs=3405)
    >>> out = labour_within(g, site, minutes=[5, 15], cells=cells)
    >>> out[["people_5min_2020", "people_15min_2020", "people_15min_change"]].iloc[0].tolist()
    [120.0, 160.0, 10.0]
    """
    from .network.snapping import _site_points
    from .network.speeds import ACCESS_SPEED_KMH
    from .network.traveltime import (
        _catchment_sums,
        _check_access,
        _check_sites,
        _check_timed,
        _places,
    )

    graph = _check_timed(graph)
    speed = ACCESS_SPEED_KMH if access_speed_kmh is None else access_speed_kmh
    _check_access(speed, max_snap_m)
    sites = _check_sites(sites, "sites")
    budgets = _check_budgets(minutes)
    cells, years = _check_cells(population_cells() if cells is None else cells)
    kw = {"access_speed_kmh": speed, "max_snap_m": max_snap_m}
    src = _places(graph, _site_points(sites, "sites", graph.crs), **kw)
    dst = _cell_places(graph, cells, **kw)
    weights = cells[list(years.values())].to_numpy(dtype=float)
    sums = _catchment_sums(graph, src, dst, weights, np.array(budgets) * 60)
    return _labour_table(sites, sums, src.reached, budgets, years, weights, dst.reached, kw)


def _labour_table(
    sites: gpd.GeoDataFrame,
    sums: np.ndarray,
    reached: np.ndarray,
    budgets: tuple[float, ...],
    years: Mapping[int, str],
    weights: np.ndarray,
    cell_reached: np.ndarray,
    kw: Mapping[str, float],
) -> gpd.GeoDataFrame:
    """Put the sums (sites × budgets × years) into a copy of ``sites``."""
    out = sites.copy()
    ys = list(years)
    for b, m in enumerate(budgets):
        for k, year in enumerate(ys):
            out[_column(m, year)] = np.where(reached, sums[:, b, k], np.nan)
        if len(ys) >= 2:
            first, last = out[_column(m, ys[0])], out[_column(m, ys[-1])]
            out[f"people_{m:g}min_change"] = last - first
            with np.errstate(divide="ignore", invalid="ignore"):
                out[f"people_{m:g}min_change_pct"] = (100 * (last - first) / first).where(first > 0)
    total = weights.sum(axis=0)
    lost = weights[~cell_reached].sum(axis=0)
    out.attrs = {
        **sites.attrs,
        "credit": CREDIT,
        "limits": LIMITS,
        "unassigned_share": {
            y: float(lost[k] / total[k]) if total[k] else 0.0 for k, y in enumerate(ys)
        },
        **kw,
    }
    return out


def unreached_share(
    graph: RoadGraph,
    cells: gpd.GeoDataFrame | None = None,
    *,
    within: gpd.GeoDataFrame | None = None,
    max_snap_m: float = 3000.0,
) -> pd.DataFrame:
    """Share of the people living farther than ``max_snap_m`` from every road of the graph.

    Those people are counted in no catchment of :func:`labour_within`: with only national and
    provincial roads, that is a large share.

    Parameters
    ----------
    graph : RoadGraph
        The road graph.
    cells : geopandas.GeoDataFrame, optional
        Population cells with ``people_<year>``; the shipped WorldPop cells by default.
    within : geopandas.GeoDataFrame, optional
        Count only cells whose centre lies in these polygons (e.g. the province).
    max_snap_m : float, default 3000.0
        The longest access leg.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``people``, ``people_unreached``, ``unreached_share``,
        ``max_snap_m``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from ninhbinh_geo.network import build_graph
    >>> g = build_graph(gpd.GeoDataFrame(
    ...     geometry=[LineString([(600000, 2240000), (610000, 2240000)])], crs=3405))
    >>> cells = gpd.GeoDataFrame({"people_2020": [30.0, 10.0]},
    ...     geometry=[Point(605000, 2241000), Point(605000, 2250000)], crs=3405)
    >>> unreached_share(g, cells)["unreached_share"].tolist()
    [0.25]
    """
    import shapely

    from .network.snapping import _snap

    cells, years = _check_cells(population_cells() if cells is None else cells)
    if within is not None:
        area = shapely.union_all(within.to_crs(cells.crs).geometry.values)
        cells = cells[shapely.contains_xy(area, cells.geometry.x, cells.geometry.y)]
    pts = shapely.centroid(np.asarray(cells.geometry.to_crs(graph.crs).values, dtype=object))
    far = _snap(graph, pts)[1] > max_snap_m
    rows = []
    for year, col in years.items():
        people = cells[col].to_numpy(dtype=float)
        total, lost = float(people.sum()), float(people[far].sum())
        rows.append(
            {
                "year": year,
                "people": total,
                "people_unreached": lost,
                "unreached_share": lost / total if total else 0.0,
                "max_snap_m": float(max_snap_m),
            }
        )
    return pd.DataFrame(rows)
