"""The door of the zoning review: check the inputs once, build the context, run the rules.

:func:`check` validates the rules table, the sites, the user layers, the exposure table, the
proposed extensions and the administrative units once, projects them to the metric CRS and
hands a :class:`~ninhbinh_geo.zoning.context._Context` to the check functions of the dispatch
table (:data:`~ninhbinh_geo.zoning.checks.CHECKS`), which trust it. The result policy (why a
finding is pass, fail, needs review or not applicable) is stated in
:mod:`ninhbinh_geo.zoning.decide`.

Layers the shipped rules read (``layers`` of :func:`check`):

- ``dykes``: lines; ``grade``, optional ``river_side`` (left/right of the drawing direction),
  ``dyke_type`` (river/sea), ``settled``, ``corridor_m``;
- ``rivers``: lines; ``corridor_m``;
- ``heritage``: heritage and protected-area polygons, e.g.
  :func:`ninhbinh_geo.datasets.load_protected_areas`; optional ``designation``
  (world_heritage/ramsar/national_park/biosphere_reserve) and ``zone`` (I/core, II/buffer);
- ``residential``: polygons or points of housing.

A layer a rule needs but that is not supplied gives ``needs_review``; a supplied layer that no
rule names raises :class:`RulesError` (a misspelt key would otherwise silently be ignored).
For corridor rules ``measured`` is the distance from the footprint to the nearest line feature
and ``threshold`` the corridor width on the side facing the site; the result comes from the
actual overlap of the footprint with the (one-sided) corridors.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import crs as _crs
from .._errors import RulesError, SchemaError, first_ids
from .checks import CHECKS
from .conditions import _site_kinds
from .context import _Context
from .decide import _findings
from .positions import LOCATION_TOLERANCE_M, UNIT_COLUMNS, _metric_units, _positions
from .rules import _load


def _validate_sites(sites: gpd.GeoDataFrame, group_by: str) -> None:
    if not isinstance(sites, gpd.GeoDataFrame):
        raise SchemaError("Layer 'sites' must be a GeoDataFrame with the site footprints.")
    if "site_id" not in sites.columns:
        raise SchemaError(
            "Layer 'sites' has no column 'site_id'. Give each site a unique id (see DEVELOPERS.md)."
        )
    ids = sites["site_id"]
    if ids.isna().any():
        raise SchemaError(
            f"Layer 'sites', column 'site_id': rows {first_ids(sites.index[ids.isna()])} are "
            f"empty. Give every site an id."
        )
    dup = ids[ids.duplicated()]
    if not dup.empty:
        raise SchemaError(
            f"Layer 'sites', column 'site_id': {first_ids(dup.unique())} occur more than once. "
            f"Site ids must be unique."
        )
    if group_by != "province" and group_by not in sites.columns:
        raise SchemaError(
            f"Layer 'sites' has no column {group_by!r} to group clusters by (group_by). Use "
            f"group_by='district_old', 'former_province', 'province' or an existing column."
        )


def _prepare_layers(
    rules: pd.DataFrame, layers: Mapping[str, gpd.GeoDataFrame] | None
) -> dict[str, gpd.GeoDataFrame]:
    layers = dict(layers or {})
    named = set(rules["layer"]) - {""}
    extra = sorted(set(layers) - named)
    if extra:
        raise RulesError(
            f"Layer(s) {extra} were supplied but no rule uses them; the rules use {sorted(named)}. "
            f"Rename the keys of `layers` to the rule layer names (or add a rule that uses them)."
        )
    out = {}
    for name, gdf in layers.items():
        if name == "exposure" and not isinstance(gdf, gpd.GeoDataFrame):
            continue
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise SchemaError(f"Layer {name!r} must be a GeoDataFrame, not {type(gdf).__name__}.")
        out[name] = _crs.to_metric(gdf, name)
    return out


def _validate_exposure(
    exposure: pd.DataFrame | None, layers: Mapping[str, gpd.GeoDataFrame] | None
) -> pd.DataFrame | None:
    """Return the exposure table (argument, else ``layers["exposure"]``) once its columns hold."""
    if exposure is None and layers is not None and "exposure" in layers:
        exposure = layers["exposure"]
    if exposure is None:
        return None
    needed = ["site_id", "hazard", "exposed_share"]
    missing = [c for c in needed if c not in exposure.columns]
    if missing:
        raise SchemaError(
            f"Layer 'exposure' lacks column(s) {missing}. Pass the table of "
            f"ninhbinh_geo.exposure.raster_exposure (site_id, hazard, return_period, "
            f"exposed_share)."
        )
    return exposure


def check(
    sites: gpd.GeoDataFrame,
    *,
    rules: str | Path | pd.DataFrame | None = None,
    layers: Mapping[str, gpd.GeoDataFrame] | None = None,
    exposure: pd.DataFrame | None = None,
    group_by: str = "district_old",
    residential_class_column: str = "hazard_class",
    proposed: gpd.GeoDataFrame | None = None,
    location_tolerance_m: Mapping[str, float] | None = None,
    admin_units: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Check every site against every zoning rule.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        The site layer (DEVELOPERS.md), any CRS; needs ``site_id``; its other columns, the
        ``group_by`` column and ``residential_class_column`` are read when present.
    rules : str, pathlib.Path, pandas.DataFrame or None
        A rules table (path or the result of :func:`load_rules`); ``None`` = the shipped one.
    layers : mapping of str to geopandas.GeoDataFrame, optional
        User layers keyed by the rules' ``layer`` names (``dykes``, ``rivers``, ``heritage``,
        ``residential``; their columns are listed in the module's docstring). A layer that a
        rule needs but is not supplied gives ``needs_review``.
    exposure : pandas.DataFrame, optional
        The table of ``ninhbinh_geo.exposure.raster_exposure`` (``site_id``, ``hazard``,
        ``return_period``, ``exposed_share``, optional ``coverage_share`` and ``accuracy``), or
        ``layers["exposure"]``; a rule takes the worst share of its hazard.
    group_by : str, default "district_old"
        Unit grouping existing clusters for the occupancy test of new clusters (CCN-07):
        ``"district_old"``, ``"former_province"``, ``"province"`` or any site column.
        Districts were abolished in 2025, so the unit is a choice (rules.md N1).
    residential_class_column : str, default "hazard_class"
        Site column with the hazard class (I–V or 1–5) for the distance to housing.
    proposed : geopandas.GeoDataFrame, optional
        Proposed extension polygons with ``site_id``; such a site counts as expanding, and its
        area after expansion adds the part of the polygon outside today's footprint.
    location_tolerance_m : mapping of str to float, optional
        How far (m) a site may reach beyond an illustrative footprint, by accuracy class of its
        location; default :data:`~ninhbinh_geo.zoning.positions.LOCATION_TOLERANCE_M`.
    admin_units : geopandas.GeoDataFrame, optional
        Districts and provinces placing a site whose location is illustrative
        (:func:`~ninhbinh_geo.zoning.positions.embedded_units`, the default, has the columns).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per (site, rule), sites in input order then rules in table order (a new
        RangeIndex), EPSG:4326, geometry = the site's footprint; the columns of
        :data:`~ninhbinh_geo.zoning.OUTPUT_COLUMNS`: ``result`` (pass/fail/needs_review/
        not_applicable), ``measured`` against ``threshold``/``threshold_high`` in ``unit``,
        the signed ``margin`` (> 0: how far from passing; :mod:`~ninhbinh_geo.zoning.margins`)
        with its texts, ``basis``, ``reason``, ``missing_input`` (what would decide a
        needs-review finding), the legal source and status, ``rule_hash`` and
        ``effective_date`` (:func:`~ninhbinh_geo.zoning.rule_hash`).

    Raises
    ------
    SchemaError
        Sites without unique ``site_id``, a missing ``group_by`` column, a layer, exposure
        table or units layer without the columns read, a bad location tolerance.
    RulesError
        A malformed rules table, or a supplied layer that no rule uses.
    CRSError
        A layer without CRS or with implausible coordinates.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> sites = gpd.GeoDataFrame(
    ...     {"site_id": ["CCN-X"], "name_vi": ["CCN Ví dụ"], "kind": ["CCN"],
    ...      "district_old": ["Yên Mô"]},
    ...     geometry=[box(600000, 2240000, 600300, 2240400)], crs=3405)  # 300 m x 400 m = 12 ha
    >>> f = check(sites).set_index("rule_id")
    >>> f.loc["CCN-01", "result"], round(float(f.loc["CCN-01", "measured"]), 3)
    ('pass', 12.0)
    >>> round(float(f.loc["CCN-01", "margin"]), 3), f.loc["CCN-01", "margin_en"]
    (-2.0, '2 ha above 10 ha')
    >>> f.loc["DYK-01", ["result", "reason", "missing_input"]].tolist()
    ['needs_review', 'no dykes layer supplied', 'layer:dykes']
    """
    table = _load(rules)
    _validate_sites(sites, group_by)
    metric_layers = _prepare_layers(table, layers)
    exposure = _validate_exposure(exposure, layers)
    storage = _crs.to_storage(sites, "sites").reset_index(drop=True)
    proposed_m = _prepare_proposed(proposed, storage)
    tolerance = _validate_tolerance(location_tolerance_m)
    _validate_units(admin_units)
    ctx = _context(storage, metric_layers, exposure, proposed_m, group_by, residential_class_column)
    used = table.loc[table["layer"].isin(list(metric_layers)), "check"]
    if any(CHECKS[c].positional for c in used):
        ctx.positions = _positions_of(ctx, tolerance, admin_units)
    return _findings(ctx, table)


def _validate_tolerance(tolerance: Mapping[str, float] | None) -> dict[str, float]:
    out = dict(LOCATION_TOLERANCE_M)
    for key, value in (tolerance or {}).items():
        if key not in out:
            raise SchemaError(
                f"location_tolerance_m has an unknown accuracy class {key!r}; use "
                f"{sorted(out)} (an illustrative location is placed by its district)."
            )
        if not float(value) >= 0:
            raise SchemaError(f"location_tolerance_m[{key!r}] must be >= 0 metres, not {value}.")
        out[key] = float(value)
    return out


def _validate_units(units: gpd.GeoDataFrame | None) -> None:
    if units is None:
        return
    if not isinstance(units, gpd.GeoDataFrame):
        raise SchemaError("Layer 'admin_units' must be a GeoDataFrame of district polygons.")
    missing = [c for c in UNIT_COLUMNS if c not in units.columns]
    if missing:
        raise SchemaError(
            f"Layer 'admin_units' lacks column(s) {missing}; it needs {list(UNIT_COLUMNS)} "
            f"(level = district or province), like zoning.positions.embedded_units()."
        )
    _crs.check_coordinates(units, "admin_units")


def _positions_of(
    ctx: _Context, tolerance: dict[str, float], units: gpd.GeoDataFrame | None
) -> list:
    """Where each site surely lies; the units are read only for sites placed by district."""
    placed = [
        str(f) == "illustrative" and str(loc) not in tolerance
        for f, loc in zip(ctx.col("footprint_accuracy"), ctx.col("location_accuracy"), strict=True)
    ]
    return _positions(ctx.sites, ctx.metric, tolerance, _metric_units(units, any(placed)))


def _prepare_proposed(
    proposed: gpd.GeoDataFrame | None, storage: gpd.GeoDataFrame
) -> gpd.GeoDataFrame | None:
    """Check the proposed extensions against the site layer; return them in the metric CRS."""
    if proposed is None:
        return None
    if "site_id" not in proposed.columns:
        raise SchemaError(
            "Layer 'proposed' has no column 'site_id'; each extension polygon must name the "
            "site it extends."
        )
    orphan = proposed.loc[~proposed["site_id"].isin(storage["site_id"]), "site_id"]
    if not orphan.empty:
        raise SchemaError(
            f"Layer 'proposed', column 'site_id': {first_ids(orphan)} are not in the site "
            f"layer. Add the site or fix the id."
        )
    return _crs.to_metric(proposed, "proposed")


def _context(
    storage: gpd.GeoDataFrame,
    layers: dict[str, gpd.GeoDataFrame],
    exposure: pd.DataFrame | None,
    proposed: gpd.GeoDataFrame | None,
    group_by: str,
    class_column: str,
) -> _Context:
    """Bundle the checked inputs; a site is expanding with ``expansion_ha`` > 0 or a polygon."""
    expansion = pd.to_numeric(
        storage["expansion_ha"] if "expansion_ha" in storage else pd.Series(np.nan, storage.index),
        errors="coerce",
    )
    expanding = expansion.fillna(0) > 0
    if proposed is not None:
        expanding |= storage["site_id"].isin(proposed["site_id"])
    return _Context(
        sites=storage,
        # to_storage checked the coordinates at the door: a plain reprojection here
        metric=_crs.project_checked(storage).geometry,
        layers=layers,
        exposure=exposure,
        group_by=group_by,
        class_column=class_column,
        proposed=proposed,
        expanding=expanding,
        kinds=_site_kinds(storage),
    )
