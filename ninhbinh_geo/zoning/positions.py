"""Where a site surely lies: its footprint, or a wider region when the footprint is not real.

A footprint check decides only when it decides for every place the site can be. A surveyed or
digitized footprint is the site. An ``illustrative`` footprint (a circle of the site's area
drawn around its location point) is not: the true footprint lies somewhere around the point,
and the region it surely lies within (its *extent*) is

- the drawn circle widened by :data:`LOCATION_TOLERANCE_M` of the point's
  ``location_accuracy`` (``surveyed``/``digitized`` points: the shape is unknown;
  ``approximate`` points: the point itself may be off);
- for an ``illustrative`` location (a point placed for display on a ring around the district or
  province), the former district(s) named in ``district_old`` (else the former province),
  widened by the tolerance of that boundary layer's own accuracy.

A rule that finds no conflict anywhere in the extent passes; a rule whose conflict covers the
whole extent is violated; in between the site needs review, and the missing input is the
site's position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from .. import crs as _crs
from .context import _blank, _fmt

#: How far (m) the true footprint may reach beyond the drawn one, by accuracy class of the
#: location point (or of a boundary layer). ``approximate``: the points of the IIP portal and
#: commune label points used by the inventory lie up to 2.2 km from each other for the same
#: cluster (5.2 km once, where the portal point was rejected), and a delta commune reaches
#: about 2 km from its label point; 3 km covers both. ``surveyed``/``digitized`` points: an
#: elongated site of 75 ha (4:1) reaches about 0.4 km beyond the circle of its area; 0.5 km.
#: A project choice, not a legal figure: pass ``location_tolerance_m`` to
#: :func:`ninhbinh_geo.zoning.check` to change it.
LOCATION_TOLERANCE_M = {"surveyed": 500.0, "digitized": 500.0, "approximate": 3000.0}
_EXACT_FOOTPRINTS = ("surveyed", "digitized")
#: Columns of an administrative-units layer (``admin_units`` of :func:`~.engine.check`).
UNIT_COLUMNS = ("level", "name_vi", "former_province", "accuracy")


@dataclass(frozen=True)
class _Position:
    """Where one site surely lies (metric CRS)."""

    extent: BaseGeometry | None  # None: unknown (no footprint, or a place that is not found)
    exact: bool  # the drawn footprint is the site
    basis: str  # how the extent was found ("" when exact)
    missing: str  # the input that would make the position exact ("" when exact)


def embedded_units() -> gpd.GeoDataFrame:
    """Return the embedded former districts and former provinces as one units layer.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, columns :data:`UNIT_COLUMNS`: ``level`` (``district`` or ``province``),
        ``name_vi``, ``former_province`` and the boundary's ``accuracy``.

    Examples
    --------
    >>> u = embedded_units()
    >>> sorted(u["level"].unique()), int((u["level"] == "province").sum())
    (['district', 'province'], 3)
    """
    from .. import datasets

    districts = datasets.load_districts().assign(level="district")
    provinces = datasets.load_former_provinces()
    provinces = provinces.assign(level="province", former_province=provinces["name_vi"])
    cols = [*UNIT_COLUMNS, "geometry"]
    return gpd.GeoDataFrame(pd.concat([districts[cols], provinces[cols]], ignore_index=True))


def _unit_extent(
    row: pd.Series, units: gpd.GeoDataFrame, tolerance_m: dict[str, float]
) -> tuple[BaseGeometry | None, str]:
    """Return the site's district(s), else its former province, widened; and the basis."""
    province = None if _blank(row.get("former_province")) else str(row["former_province"])
    names = [] if _blank(row.get("district_old")) else re.split(r"[;,]", str(row["district_old"]))
    names = [n.strip() for n in names if n.strip()]
    districts = units[units["level"] == "district"]
    if province is not None:
        districts = districts[districts["former_province"] == province]
    found = districts[districts["name_vi"].isin(names)]
    if names and found["name_vi"].nunique() == len(set(names)):
        what = f"former district(s) {', '.join(names)}"
    else:
        found = units[(units["level"] == "province") & (units["name_vi"] == province)]
        what = f"former province {province}"
        if province is None or found.empty:
            return None, "its location is illustrative and its district and province unknown"
    widen = max(tolerance_m.get(str(a), tolerance_m["approximate"]) for a in found["accuracy"])
    extent = found.geometry.union_all().buffer(widen)
    return extent, f"site somewhere in the {what} (+{_fmt(widen)} m for the boundary's accuracy)"


def _positions(
    sites: gpd.GeoDataFrame,
    metric: gpd.GeoSeries,
    tolerance_m: dict[str, float],
    units: gpd.GeoDataFrame | None,
) -> list[_Position]:
    """Return where each site surely lies (see the module's docstring)."""
    out = []
    placed: dict[tuple[str, str], tuple[BaseGeometry | None, str]] = {}  # one per district
    for i in range(len(sites)):
        row = sites.iloc[i]
        foot = metric.iloc[i]
        footprint = "" if _blank(row.get("footprint_accuracy")) else str(row["footprint_accuracy"])
        location = "" if _blank(row.get("location_accuracy")) else str(row["location_accuracy"])
        if foot is None or foot.is_empty:
            out.append(_Position(None, False, "the site has no footprint", "footprint"))
        elif footprint in ("", *_EXACT_FOOTPRINTS):
            out.append(_Position(foot, True, "", ""))
        elif footprint != "illustrative" and footprint in tolerance_m:
            widen = tolerance_m[footprint]
            basis = f"{footprint} footprint, widened by {_fmt(widen)} m"
            out.append(_Position(foot.buffer(widen), False, basis, f"footprint:{footprint}"))
        elif location in tolerance_m:
            widen = tolerance_m[location]
            basis = (
                f"illustrative footprint around an {location} location point, widened by "
                f"{_fmt(widen)} m"
            )
            out.append(_Position(foot.buffer(widen), False, basis, f"position:{location}"))
        elif units is not None:
            key = (str(row.get("district_old")), str(row.get("former_province")))
            if key not in placed:
                placed[key] = _unit_extent(row, units, tolerance_m)
            extent, basis = placed[key]
            out.append(_Position(extent, False, basis, "position:illustrative"))
        else:
            out.append(_Position(None, False, "illustrative location", "position:illustrative"))
    return out


def _metric_units(units: gpd.GeoDataFrame | None, needed: bool) -> gpd.GeoDataFrame | None:
    """Return the units in the metric CRS; the embedded ones when none are given but needed."""
    if units is None:
        if not needed:
            return None
        units = embedded_units()
    return _crs.project_checked(units)
