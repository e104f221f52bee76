"""Candidate sites from a suitability surface, and how stable their ranking is.

A candidate is a disc of the chosen area (a 64-sided polygon of exactly ``area_ha``) whose every
cell is feasible; its score is the mean score of its cells (a focal mean over the disc,
:func:`scipy.ndimage.correlate`; the disc is feasible where the distance transform of the
feasible cells exceeds its radius). The best disc is taken, every centre nearer than
``spacing_m`` is struck out, and so on until ``n`` are found.

:func:`stability` moves each factor's weight by −20 %, 0 and +20 % (every combination: 26
scenarios besides the base for three factors, the weights normalised again), picks the top
``n`` again and tells, for each base candidate, in how many scenarios a pick lies within half
the spacing of it (``stay_share``) and its worst rank there.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely

from .._errors import SchemaError
from .surface import FACTORS, Surface, _check_weights

__all__ = ["CCN_MAX_AREA_HA", "CCN_MIN_AREA_HA", "candidates", "stability"]

CCN_MIN_AREA_HA = 10.0  # Decree 32/2024/NĐ-CP Art. 2(1)
CCN_MAX_AREA_HA = 75.0  # Decree 32/2024/NĐ-CP Art. 2(1)
_QUAD_SEGS = 16  # a disc is a 64-sided polygon


@dataclass(frozen=True)
class _Discs:
    """The cells where a disc of the site's area fits, and the factors' means over the disc."""

    rows: np.ndarray
    cols: np.ndarray
    x: np.ndarray
    y: np.ndarray
    means: dict[str, np.ndarray]  # factor → mean over the disc, per eligible cell
    raw: dict[str, np.ndarray]  # raw values at the disc's centre
    radius_m: float


def _radius_m(area_ha: float) -> float:
    """Radius of the 64-sided polygon of ``area_ha``: its area is exactly ``area_ha``."""
    n = 4 * _QUAD_SEGS
    return float(np.sqrt(area_ha * 1e4 / (n / 2 * np.sin(2 * np.pi / n))))


def _discs(surface: Surface, radius_m: float) -> _Discs:
    from scipy.ndimage import correlate, distance_transform_edt

    cell = surface.grid.cell_m
    feasible = surface.feasible
    room = distance_transform_edt(feasible) * cell
    ok = feasible & (room > radius_m)
    reach = int(np.ceil(radius_m / cell))
    dy, dx = np.mgrid[-reach : reach + 1, -reach : reach + 1] * cell
    kernel = (dx * dx + dy * dy <= radius_m * radius_m).astype(float)
    kernel /= kernel.sum()
    rows, cols = np.nonzero(ok)
    x, y = surface.grid.centres(rows, cols)
    means = {
        k: correlate(np.nan_to_num(surface.factors[k]), kernel, mode="constant")[rows, cols]
        for k in FACTORS
    }
    raw = {k: v[rows, cols] for k, v in surface.raw.items()}
    return _Discs(rows, cols, x, y, means, raw, radius_m)


def _select(values: np.ndarray, discs: _Discs, n: int, spacing_m: float) -> list[int]:
    """Positions of the best ``n`` discs, no two centres nearer than ``spacing_m``."""
    v = np.where(np.isfinite(values), values, -np.inf)
    picks: list[int] = []
    for _ in range(n):
        if not len(v):
            break
        i = int(np.argmax(v))
        if v[i] == -np.inf:
            break
        picks.append(i)
        v[(discs.x - discs.x[i]) ** 2 + (discs.y - discs.y[i]) ** 2 < spacing_m**2] = -np.inf
    return picks


def _scores(discs: _Discs, weights: Mapping[str, float]) -> np.ndarray:
    return sum(weights[k] * discs.means[k] for k in FACTORS)


def _check_choice(n: int, area_ha: float, spacing_m: float, radius_m: float) -> None:
    if not isinstance(n, int) or n < 1:
        raise SchemaError(f"n must be a whole number of candidates >= 1, not {n!r}.")
    if not CCN_MIN_AREA_HA <= area_ha <= CCN_MAX_AREA_HA:
        raise SchemaError(
            f"area_ha={area_ha!r} is outside the legal range of a cluster, "
            f"{CCN_MIN_AREA_HA:g}–{CCN_MAX_AREA_HA:g} ha (Decree 32/2024/NĐ-CP Art. 2(1))."
        )
    if not spacing_m >= 2 * radius_m:
        raise SchemaError(
            f"spacing_m={spacing_m!r} is less than the diameter of a {area_ha:g} ha site "
            f"({2 * radius_m:.0f} m): candidates would overlap. Choose a larger spacing_m."
        )


def _table(surface: Surface, discs: _Discs, picks: list[int], values: np.ndarray, area_ha: float):
    import geopandas as gpd

    centres = shapely.points(discs.x[picks], discs.y[picks])
    n_vertices = 4 * _QUAD_SEGS
    polys = shapely.buffer(centres, discs.radius_m, quad_segs=_QUAD_SEGS)
    lonlat = gpd.GeoSeries(centres, crs=surface.grid.crs).to_crs(4326)
    illustrative = surface.accuracy == "illustrative"
    out = gpd.GeoDataFrame(
        {
            "candidate_id": [f"CAND-{i + 1:02d}" for i in range(len(picks))],
            "rank": np.arange(1, len(picks) + 1),
            "score": values[picks],
            **{f"{k}_factor": discs.means[k][picks] for k in FACTORS},
            "travel_min": discs.raw["travel_min"][picks],
            f"people_{surface.params['minutes']:g}min": discs.raw["people"][picks],
            "road_m": discs.raw["road_m"][picks],
            "area_ha": area_ha,
            "lon": lonlat.x.to_numpy(),
            "lat": lonlat.y.to_numpy(),
            "source": "ninhbinh_geo.siting: suitability surface of the province "
            f"({surface.grid.cell_m:g} m cells)",
            "source_date": time.strftime("%Y-%m-%d"),
            "licence": "derived from roads, WorldPop, protected areas, sites and hazard layers "
            "(their licences apply; WorldPop credit required)",
            "accuracy": surface.accuracy,
            "accuracy_basis": surface.accuracy_basis,
            "note": "ILLUSTRATIVE candidate: an input is illustrative"
            if illustrative
            else "screening candidate, not a site survey",
        },
        geometry=polys,
        crs=surface.grid.crs,
    ).to_crs(4326)
    out.attrs["vertices"] = n_vertices
    return out


def candidates(
    surface: Surface,
    *,
    n: int = 10,
    area_ha: float = 50.0,
    spacing_m: float = 5000.0,
    weights: Mapping[str, float] | None = None,
):
    """Pick the top ``n`` candidate sites of ``area_ha`` at least ``spacing_m`` apart.

    Parameters
    ----------
    surface : Surface
        From :func:`~.surface.suitability`.
    n : int, default 10
        Number of candidates.
    area_ha : float, default 50
        Area of each candidate, within the legal range of a cluster (10–75 ha, Decree
        32/2024/NĐ-CP Art. 2(1)).
    spacing_m : float, default 5000
        Least distance between two candidates' centres (at least their diameter).
    weights : mapping, optional
        Factor weights; the surface's by default.

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in EPSG:4326, best first: ``candidate_id``, ``rank``, ``score`` (mean over
        the disc, 0–1), ``<factor>_factor``, ``travel_min``, ``people_<N>min``, ``road_m`` (at
        the centre), ``area_ha``, ``lon``, ``lat`` and the provenance columns, ``accuracy``
        being the worst of the inputs' (``accuracy_basis`` names them).

    Raises
    ------
    SchemaError
        For ``n`` < 1, an area outside 10–75 ha or a spacing below the sites' diameter.

    Examples
    --------
    >>> import numpy as np
    >>> from ninhbinh_geo.siting import Grid, Surface
    >>> g = Grid.covering((600000, 2240000, 610000, 2250000), 100.0, "EPSG:3405")
    >>> ramp = np.tile(np.linspace(0, 1, 100), (100, 1))  # better to the east
    >>> inside = np.zeros((100, 100), bool); inside[5:95, 5:95] = True
    >>> f = {"travel_time": ramp, "labour": ramp, "road": ramp}
    >>> raw = {"travel_min": ramp * 0, "people": ramp * 0, "road_m": ramp * 0}
    >>> s = Surface(g, inside, {}, raw, f, {"travel_time": .4, "labour": .4, "road": .2},
    ...             "approximate", "approximate: roads", {"minutes": 30})
    >>> c = candidates(s, n=2, area_ha=50, spacing_m=3000)
    >>> c["candidate_id"].tolist(), round(float(c.to_crs(3405).area.iloc[0] / 1e4), 6)
    (['CAND-01', 'CAND-02'], 50.0)
    """
    radius = _radius_m(area_ha)
    _check_choice(n, area_ha, spacing_m, radius)
    w = _check_weights(weights or surface.weights)
    discs = _discs(surface, radius)
    values = _scores(discs, w)
    return _table(surface, discs, _select(values, discs, n, spacing_m), values, area_ha)


def stability(
    surface: Surface,
    *,
    n: int = 10,
    area_ha: float = 50.0,
    spacing_m: float = 5000.0,
    change: float = 0.2,
):
    """Pick the candidates and count how often each stays in the top ``n`` as weights move.

    Every factor's weight is multiplied by ``1 − change``, 1 or ``1 + change`` (every
    combination but the base: 26 scenarios for three factors), normalised to sum 1, and the top
    ``n`` picked again. A base candidate stays in a scenario when a pick of that scenario lies
    within half of ``spacing_m`` of its centre.

    Parameters
    ----------
    surface : Surface
        From :func:`~.surface.suitability`.
    n, area_ha, spacing_m : as :func:`candidates`
        The choice.
    change : float, default 0.2
        The relative move of each weight (±20 %).

    Returns
    -------
    geopandas.GeoDataFrame
        :func:`candidates` with ``stay_share`` (0–1), ``scenarios`` (how many) and
        ``worst_rank`` (its worst rank where it stays; NaN when it never does).

    Raises
    ------
    SchemaError
        As :func:`candidates`, or ``change`` outside (0, 1).

    Examples
    --------
    >>> import numpy as np
    >>> from ninhbinh_geo.siting import Grid, Surface
    >>> g = Grid.covering((600000, 2240000, 610000, 2250000), 100.0, "EPSG:3405")
    >>> ramp = np.tile(np.linspace(0, 1, 100), (100, 1))
    >>> f = {"travel_time": ramp, "labour": ramp.T, "road": ramp}
    >>> raw = {"travel_min": ramp * 0, "people": ramp * 0, "road_m": ramp * 0}
    >>> w = {"travel_time": .4, "labour": .4, "road": .2}
    >>> s = Surface(g, np.ones((100, 100), bool), {}, raw, f, w, "approximate", "",
    ...             {"minutes": 30})
    >>> out = stability(s, n=1, area_ha=50, spacing_m=3000)
    >>> out[["stay_share", "scenarios"]].iloc[0].tolist()
    [1.0, 26.0]
    """
    if not 0 < change < 1:
        raise SchemaError(f"change must lie between 0 and 1 (0.2 = ±20 %), not {change!r}.")
    radius = _radius_m(area_ha)
    _check_choice(n, area_ha, spacing_m, radius)
    discs = _discs(surface, radius)
    base_w = surface.weights
    base_values = _scores(discs, base_w)
    base = _select(base_values, discs, n, spacing_m)
    stays = np.zeros(len(base))
    worst = np.full(len(base), np.nan)
    scenarios = list(itertools.product((1 - change, 1.0, 1 + change), repeat=len(FACTORS)))
    scenarios = [m for m in scenarios if any(x != 1.0 for x in m)]
    for mult in scenarios:
        w = _check_weights({k: base_w[k] * m for k, m in zip(FACTORS, mult, strict=True)})
        picks = _select(_scores(discs, w), discs, n, spacing_m)
        for b, i in enumerate(base):
            d2 = (discs.x[picks] - discs.x[i]) ** 2 + (discs.y[picks] - discs.y[i]) ** 2
            near = np.flatnonzero(d2 <= (spacing_m / 2) ** 2)
            if len(near):
                stays[b] += 1
                worst[b] = np.nanmax([worst[b], near[0] + 1])
    out = _table(surface, discs, base, base_values, area_ha)
    out["stay_share"] = stays / len(scenarios)
    out["scenarios"] = float(len(scenarios))
    out["worst_rank"] = worst
    return out
