"""Flood damage of sites: a depth–damage curve at a representative depth, times what is exposed.

:func:`flood_damage` is the door: ``damage = curve(depth) × exposed share × value`` per
(site, hazard) row of an exposure table, with the value taken from a column the user gives or
estimated as area × built share × construction cost per m², its cost, currency and year stated
on every row. The sector is required: the package never picks a curve for the user.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._errors import SchemaError, first_ids
from .curves import construction_costs, damage_factor, load_curves

__all__ = ["DEFAULT_BUILT_SHARE", "flood_damage"]

#: Share of a site's area covered by buildings (floor area taken as one storey), used with a
#: construction cost per m² when no value is given. An ASSUMPTION of this package, not a
#: published figure for Ninh Bình: roughly the industrial plots' share of a cluster times the
#: building coverage of a plot. Pass the cluster's own figure from its detailed plan.
DEFAULT_BUILT_SHARE = 0.5
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EXPOSURE_COLUMNS = ("site_id", "hazard", "return_period", "exposed_share")


def flood_damage(
    exposure: pd.DataFrame,
    sites: pd.DataFrame,
    *,
    sector: str | None = None,
    curves: pd.DataFrame | None = None,
    value_column: str | None = None,
    area_column: str = "area_ha",
    built_share: float = DEFAULT_BUILT_SHARE,
    cost_per_m2: float | None = None,
    currency: str | None = None,
    price_year: int | None = None,
    depth_column: str = "mean_depth_m",
) -> pd.DataFrame:
    """Flood damage of every site on every hazard map, from a depth–damage curve.

    ``damage = factor(depth) × exposed_share × value``: the curve of ``sector`` read at the
    representative depth of the flooded part (``mean_depth_m``, the area-weighted mean depth
    over it: the curves bend downwards, so this reads a little more damage than a cell-by-cell
    sum would), times the share of the footprint flooded, times the value at risk. The value
    is ``value_column`` of ``sites`` when given; otherwise ``area_ha × 10,000 × built_share ×
    cost_per_m2`` (the footprint's area in EPSG:3405 where ``area_ha`` is missing), with the
    JRC maximum construction cost of Viet Nam for the sector (2010 EUR per m² of floor area:
    industrial 319.31) unless ``cost_per_m2`` is given. Replacement cost of structures: no
    contents, no depreciation, no business interruption.

    Parameters
    ----------
    exposure : pandas.DataFrame
        Output of ``exposure.raster_exposure``: one row per (site, hazard) with ``site_id``,
        ``hazard``, ``return_period``, ``exposed_share`` and ``depth_column``; ``accuracy``
        is carried over.
    sites : pandas.DataFrame or geopandas.GeoDataFrame
        The sites, with ``site_id`` and ``value_column`` or ``area_column`` (or footprints).
    sector : str
        Curve to use, e.g. ``"industrial"`` (a ``sector`` of ``curves``). Required.
    curves : pandas.DataFrame, optional
        Checked curves (:func:`load_curves`); the JRC curves for Asia by default.
    value_column : str, optional
        Column of ``sites`` with the value at risk (give ``currency``).
    area_column : str, default "area_ha"
        Column of ``sites`` with the area in hectares.
    built_share : float, default 0.5
        Share of the area built (:data:`DEFAULT_BUILT_SHARE`, an assumption).
    cost_per_m2 : float, optional
        Construction cost per m² of floor area (give ``currency`` and ``price_year``).
    currency : str, optional
        ISO code of ``value_column`` or ``cost_per_m2`` (``"VND"``, ``"EUR"``); it names the
        money columns (``damage_vnd``).
    price_year : int, optional
        Price year of the value or cost.
    depth_column : str, default "mean_depth_m"
        The representative depth (m) of the flooded part.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``exposure`` (same index): ``site_id``, ``hazard``,
        ``return_period``, ``sector``, ``curve_id``, ``depth_m``, ``damage_factor``,
        ``exposed_share``, ``asset_value_<cur>``, ``value_basis``, ``damage_<cur>``,
        ``currency``, ``price_year``, ``cost_per_m2``, ``built_share``, ``accuracy`` and
        ``damage_reason`` (why NaN). ``<cur>`` is the currency in lower case (``eur``).

    Raises
    ------
    SchemaError
        No or unknown sector, missing columns, sites missing from ``sites``, a value or cost
        without its currency, a built share outside (0, 1], a sector without a shipped cost.

    Examples
    --------
    A 10 ha industrial cluster, 40 % of it under 1 m of water:

    >>> import pandas as pd
    >>> expo = pd.DataFrame({"site_id": ["A"], "hazard": ["rp100"], "return_period": [100.0],
    ...                      "exposed_share": [0.4], "mean_depth_m": [1.0]})
    >>> sites = pd.DataFrame({"site_id": ["A"], "area_ha": [10.0]})
    >>> d = flood_damage(expo, sites, sector="industrial")
    >>> d[["damage_factor", "asset_value_eur", "damage_eur"]].round(1).to_dict("records")
    [{'damage_factor': 0.5, 'asset_value_eur': 15965500.0, 'damage_eur': 3078148.4}]
    >>> d[["currency", "price_year", "cost_per_m2"]].to_dict("records")
    [{'currency': 'EUR', 'price_year': 2010, 'cost_per_m2': 319.31}]
    """
    curves = load_curves() if curves is None else curves
    _check_exposure(exposure, depth_column)
    _check_sector(sector, curves)
    cost = _cost(sector, value_column, cost_per_m2, currency, price_year, built_share)
    value, basis = _site_values(sites, exposure, value_column, area_column, cost)
    return _table(exposure, curves, sector, cost, value, basis, depth_column)


def _table(
    exposure: pd.DataFrame,
    curves: pd.DataFrame,
    sector: str,
    cost: dict[str, object],
    value: np.ndarray,
    basis: np.ndarray,
    depth_column: str,
) -> pd.DataFrame:
    """Return the damage of every exposure row, its money basis and why a value is missing."""
    share = pd.to_numeric(exposure["exposed_share"], errors="coerce").to_numpy(dtype=float)
    depth = pd.to_numeric(exposure[depth_column], errors="coerce").to_numpy(dtype=float)
    factor = np.where(share == 0, 0.0, damage_factor(curves, sector, depth))
    cur = str(cost["currency"]).lower()
    out = pd.DataFrame(
        {
            "site_id": exposure["site_id"].to_numpy(),
            "hazard": exposure["hazard"].to_numpy(),
            "return_period": exposure["return_period"].to_numpy(),
            "sector": sector,
            "curve_id": curves.loc[curves["sector"] == sector, "curve_id"].iloc[0],
            "depth_m": depth,
            "damage_factor": factor,
            "exposed_share": share,
            f"asset_value_{cur}": value,
            "value_basis": basis,
            f"damage_{cur}": factor * share * value,
            **cost,
        },
        index=exposure.index,
    )
    if "accuracy" in exposure.columns:
        out["accuracy"] = exposure["accuracy"].to_numpy()
    out["damage_reason"] = _reasons(share, factor, value, basis)
    return out


def _check_exposure(exposure: object, depth_column: str) -> None:
    if not isinstance(exposure, pd.DataFrame):
        raise SchemaError("Layer 'exposure' must be the DataFrame of exposure.raster_exposure.")
    missing = [c for c in (*_EXPOSURE_COLUMNS, depth_column) if c not in exposure.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure' lacks columns {missing}; pass the output of "
            f"exposure.raster_exposure (depth_column names the representative depth)."
        )


def _check_sector(sector: object, curves: pd.DataFrame) -> None:
    known = list(dict.fromkeys(curves["sector"]))
    if sector is None:
        raise SchemaError(
            f"flood_damage needs a sector: the curve and the construction cost depend on it, "
            f"and the package never picks one for you. Pass sector= one of {known} "
            f"(--damage-sector on the command line)."
        )
    if sector not in known:
        raise SchemaError(f"Unknown sector {sector!r}; the curves have {known}.")


def _cost(
    sector: str,
    value_column: str | None,
    cost_per_m2: float | None,
    currency: str | None,
    price_year: int | None,
    built_share: float,
) -> dict[str, object]:
    """Return the money basis: currency, year, cost per m² and built share (NaN if unused)."""
    if value_column is not None or cost_per_m2 is not None:
        if currency is None or not _CURRENCY.match(str(currency)):
            raise SchemaError(
                f"Give the currency of {'value_column' if value_column else 'cost_per_m2'} "
                f"as an ISO code, e.g. currency='VND' (got {currency!r})."
            )
        if value_column is not None:
            return _basis(currency, price_year, np.nan, np.nan)
    if not (0 < built_share <= 1):
        raise SchemaError(f"built_share must be a share in (0, 1], not {built_share!r}.")
    if cost_per_m2 is not None:
        if not (np.isfinite(cost_per_m2) and cost_per_m2 > 0):
            raise SchemaError(f"cost_per_m2 must be a positive amount, not {cost_per_m2!r}.")
        return _basis(currency, price_year, cost_per_m2, built_share)
    costs = construction_costs().set_index("sector")
    if sector not in costs.index:
        raise SchemaError(
            f"The JRC table gives no construction cost for sector {sector!r} (only "
            f"{list(costs.index)}); pass value_column= or cost_per_m2= with currency=."
        )
    row = costs.loc[sector]
    return _basis(str(row["currency"]), int(row["price_year"]), row["cost_per_m2"], built_share)


def _basis(currency: str, year: int | None, cost: float, share: float) -> dict[str, object]:
    return {
        "currency": currency,
        "price_year": year,
        "cost_per_m2": float(cost),
        "built_share": float(share),
    }


def _site_values(
    sites: object,
    exposure: pd.DataFrame,
    value_column: str | None,
    area_column: str,
    cost: dict[str, object],
) -> tuple[np.ndarray, np.ndarray]:
    """Value at risk of the site of every exposure row, and how it was obtained."""
    if not isinstance(sites, pd.DataFrame) or "site_id" not in sites.columns:
        raise SchemaError("Layer 'sites' must be a DataFrame with 'site_id'.")
    absent = sorted(set(exposure["site_id"]) - set(sites["site_id"]))
    if absent:
        raise SchemaError(
            f"Layer 'exposure' names sites {first_ids(absent)} that are not in 'sites'; pass "
            f"the sites the exposure was measured on."
        )
    by_id = sites.drop_duplicates("site_id").set_index("site_id")
    if value_column is not None:
        if value_column not in by_id.columns:
            raise SchemaError(f"Layer 'sites' has no column '{value_column}' (value_column).")
        value = pd.to_numeric(by_id[value_column], errors="coerce")
        basis = pd.Series(f"column {value_column}", index=by_id.index)
    else:
        area_ha, basis = _areas(by_id, area_column)
        value = area_ha * 10_000 * cost["built_share"] * cost["cost_per_m2"]
        basis = basis + f" x built share {cost['built_share']:g} x cost per m2"
    ids = exposure["site_id"]
    return value.reindex(ids).to_numpy(dtype=float), basis.reindex(ids).to_numpy(dtype=object)


def _areas(by_id: pd.DataFrame, area_column: str) -> tuple[pd.Series, pd.Series]:
    """Area in ha of every site: ``area_column``, else the footprint in EPSG:3405."""
    area = (
        pd.to_numeric(by_id[area_column], errors="coerce")
        if area_column in by_id.columns
        else pd.Series(np.nan, index=by_id.index)
    )
    basis = pd.Series(area_column, index=by_id.index).where(area.notna(), "no area")
    missing = area.isna()
    if missing.any() and "geometry" in by_id.columns and getattr(by_id, "crs", None) is not None:
        import geopandas as gpd

        from ..crs import to_metric

        shapes = gpd.GeoDataFrame(by_id.loc[missing, ["geometry"]], crs=by_id.crs)
        fp = to_metric(shapes, "sites").area / 10_000
        fp = fp.where(fp > 0)
        area = area.fillna(fp)
        basis = basis.where(~(missing & fp.reindex(basis.index).notna()), "footprint area")
    return area, basis


def _reasons(
    share: np.ndarray, factor: np.ndarray, value: np.ndarray, basis: np.ndarray
) -> np.ndarray:
    reason = np.full(len(share), "", dtype=object)
    reason[np.isnan(value)] = "no value: no area and no footprint (give area_ha or a value)"
    reason[np.isnan(factor) & ~np.isnan(share)] = "no flood depth for the flooded part"
    reason[np.isnan(share)] = "no hazard data on the footprint"
    return reason
