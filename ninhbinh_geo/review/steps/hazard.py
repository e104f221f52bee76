"""The flood and sea-level exposure step: hazard inputs, the sea from the coastline, exposure."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...formatting import format_number
from ...labels import label
from ..options import ReviewState
from .base import MAX_DISPLAY_CELLS

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd


#: The shipped coastline covers the province and 15 km around it (data/boundaries/SOURCES.md);
#: the sea is looked for a little within that reach, where its lines are whole.
COASTLINE_REACH_M = 14_900.0


def _coastline_sea(coastline: gpd.GeoDataFrame, land: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Find the sea beside the shipped coastline: the open water its lines cut off from land.

    The coastline lines and the edge of their reach cut the area into faces; faces that hold
    part of the province (``land``) are land, and of the others the large ones are the sea
    (small ones are islands and sandbars). Land below sea level inland stays land: it floods
    only where it joins the sea below the raised level.
    """
    import geopandas as gpd
    import numpy as np
    import shapely

    from ... import crs as _crs

    lines = _crs.project_checked(coastline).geometry.values
    province = shapely.union_all(_crs.project_checked(land).geometry.values)
    reach = province.buffer(COASTLINE_REACH_M)
    faces = shapely.get_parts(
        shapely.polygonize(shapely.get_parts(shapely.union_all([*lines, reach.boundary])))
    )
    faces = faces[shapely.within(shapely.point_on_surface(faces), reach)]
    overlap = shapely.area(shapely.intersection(faces, province)) / shapely.area(faces)
    water = faces[overlap < 0.01]
    sea = water[shapely.area(water) >= 0.1 * shapely.area(water).max()] if len(water) else water
    return gpd.GeoDataFrame(geometry=np.asarray(sea), crs=_crs.METRIC_CRS)


def _sea(state: ReviewState) -> gpd.GeoDataFrame:
    """Return the sea for the DEM: the user's polygons (``--sea``), else the coastline's."""
    if state.options.sea is not None:
        from ... import io

        return io.read_layer(state.options.sea)
    return _coastline_sea(state.layers["coastline"], state.layers["province"])


def _hazard_inputs(
    state: ReviewState,
) -> tuple[list[tuple[str | float, Path]], list[Path], bool]:
    """Return the flood rasters (keys, paths), the sea-level rasters, whether illustrative.

    Illustrative: no flood raster was given, the packaged demo rasters stand in.
    """
    from ... import exposure
    from ..inputs import hazard_specs

    options = state.options
    floods = hazard_specs(options)
    illustrative = not floods
    if illustrative:
        floods = [(p.stem, p) for p in exposure.illustrative_hazard_paths().values()]
    sea_level: list[Path] = []
    if options.dem is not None:
        from ... import sealevel  # scipy.ndimage: only with a DEM

        sea = _sea(state)
        for cm in options.slr_cm or (100,):
            depth_path = state.staging / "tables" / f"slr_{cm:g}cm_depth.tif"
            sealevel.inundation_depth(
                options.dem, slr_cm=cm, sea=sea, datum_offset_m=options.datum_offset_m,
                out_path=depth_path,
            )  # fmt: skip
            sea_level.append(depth_path)
    return floods, sea_level, illustrative


def _hazard_layer(
    floods: Sequence[tuple[str | float, Path]], units: str | None
) -> gpd.GeoDataFrame | None:
    """Depth classes of the 100-year raster (else the rarest one) as polygons for the maps."""
    import rasterio

    from ... import exposure

    if not floods:
        return None
    by_rp = {
        key if isinstance(key, float) else exposure.parse_return_period(p.name): p
        for key, p in floods
    }
    chosen = by_rp.get(100.0) or by_rp[max((rp for rp in by_rp if rp), default=None)]
    with rasterio.open(chosen) as ds:
        if ds.width * ds.height > MAX_DISPLAY_CELLS:
            return None
    return exposure.depth_zones(chosen, units=units)


def _annual(expo: pd.DataFrame, lang: str) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Integrate the annual exposure where two return periods or more allow it, else say why."""
    from ... import exposure

    with_rp = expo[expo["return_period"].notna()]
    periods = sorted(with_rp["return_period"].unique())
    if len(periods) >= 2:
        return {"ead": exposure.expected_annual_exposure(with_rp)}, []
    given = ", ".join(format_number(p, lang) for p in periods) or "–"  # 1.000 in Vietnamese
    return {}, [label("warn.no_annual_exposure", lang).format(n=len(periods), periods=given)]


def exposure_step(state: ReviewState) -> ReviewState:
    """Measure flood and sea-level exposure of every cluster; trace the hazard zones."""
    import pandas as pd

    from ... import exposure

    floods, sea_level, illustrative = _hazard_inputs(state)
    lang = state.options.lang
    warnings = (
        [label("warn.illustrative_hazard", lang), label("report.how_real_hazard", lang)]
        if illustrative
        else []
    )
    parts = [exposure.raster_exposure(state.clusters, dict(floods), units=state.options.units)]
    if sea_level:  # our own rasters, in metres whatever --units says of the flood rasters
        parts.append(exposure.raster_exposure(state.clusters, sea_level))
    expo = pd.concat(parts) if len(parts) > 1 else parts[0]
    # Sea-level scenarios have no return period: the expected annual area integrates the
    # return-period rasters only.
    tables, why = _annual(expo, lang)
    return state.add(
        hazards=tuple(p for _, p in floods) + tuple(sea_level),
        layers={"hazard": _hazard_layer(floods, state.options.units), "exposure": expo},
        tables={"exposure": expo, **tables},
        warnings=[*warnings, *why],
    )


def _flood_maps(state: ReviewState) -> dict[float, Path]:
    """Return the flood rasters of the exposure step by return period (demo ones by default)."""
    from ... import exposure
    from ..inputs import hazard_specs

    floods = hazard_specs(state.options) or [
        (p.stem, p) for p in exposure.illustrative_hazard_paths().values()
    ]
    out = {}
    for key, path in floods:
        rp = key if isinstance(key, float) else exposure.parse_return_period(path.name)
        if rp is not None:
            out[rp] = path
    return out


def _units(hazards: dict[float, Path], units: str | None) -> dict[float, str]:
    """Return the unit of each raster, decided as the exposure step decides it."""
    import rasterio

    from ...exposure.rasters import _raster_units

    out = {}
    for rp, path in hazards.items():
        with rasterio.open(path) as ds:
            out[rp] = _raster_units(ds, 1, units)
    return out
