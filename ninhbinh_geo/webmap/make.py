"""The web map drawn from checked layers: the door :func:`make_map` and its orchestration.

:func:`make_map` checks every layer once (names, legends, columns, zoning results, CRS and
coordinates) and brings it to EPSG:4326; the rooms it calls trust those layers: the features
(:mod:`.features`) with their popups (:mod:`.popups`), the inline GeoJSON (:mod:`.elements`),
the legend (:mod:`.legend`) and Leaflet itself (:mod:`.save`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import crs as _crs
from .._errors import NinhBinhGeoError, SchemaError, first_ids
from ..labels import LANGS, label
from ..styles import Legend
from .elements import _ON_EACH_FEATURE, _GeoJsonData
from .features import (
    _RESULT_ORDER,
    _geometry_features,
    _has_geometry,
    _site_features,
    _sites_lookup,
)
from .legend import _Legend, _legend_box
from .popups import _popup_columns
from .save import _inline_leaflet
from .text import _esc

#: Layers :func:`make_map` draws, bottom to top (the order of the layer control).
LAYER_ORDER = (
    "hazard",
    "service_areas",
    "protected_areas",
    "exposure",
    "districts",
    "former_provinces",
    "province",
    "coastline",
    "roads",
    "satellite_links",
    "candidate_sites",
    "parks",
    "clusters",
    "zoning_findings",
)

# Boundaries, coastline and roads are the base map: drawn without popups so that a click always
# reaches the sites above them.
_BASE_LAYERS = ("districts", "former_provinces", "province", "coastline", "roads")
# Per-(site, x) tables, drawn as one marker per site; they may come without geometry.
_SITE_TABLES = ("exposure", "zoning_findings")


# --------------------------------------------------------------------------------------------
# Checking the layers (the door)
# --------------------------------------------------------------------------------------------


def _check_layers(layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]) -> None:
    unknown = [name for name in layers if name not in LAYER_ORDER]
    if unknown:
        raise SchemaError(
            f"make_map got unknown layer name(s) {first_ids(unknown)}; use the names of "
            f"styles.default_legends: {', '.join(LAYER_ORDER)}."
        )
    missing = [name for name in layers if name not in legends]
    if missing:
        raise SchemaError(
            f"Layer(s) {first_ids(missing)} have no legend, and the web map takes every colour "
            f"from a legend. Build the legends with styles.default_legends(layers)."
        )
    for name, gdf in layers.items():
        column = legends[name].column
        if column and name not in _SITE_TABLES and column not in gdf.columns:
            raise SchemaError(
                f"Layer '{name}': the legend colours by column '{column}', which the layer "
                f"does not have. Rebuild the legends from these layers with "
                f"styles.default_legends."
            )


def _check_popup_columns(
    layers: Mapping[str, pd.DataFrame], popup_columns: Mapping[str, Sequence[str]]
) -> None:
    for name, cols in popup_columns.items():
        if name not in layers:
            continue
        missing = [c for c in cols if c not in layers[name].columns]
        if missing:
            raise SchemaError(
                f"Layer '{name}': popup column(s) {first_ids(missing)} not found; choose from "
                f"{sorted(c for c in layers[name].columns if c != 'geometry')}."
            )


def _check_site_table(table: pd.DataFrame, name: str, legend: Legend) -> None:
    """Check a per-(site, x) table: the legend's column, the zoning results, ``site_id``."""
    if legend.column not in table.columns:
        raise SchemaError(
            f"Layer '{name}' has no column '{legend.column}', which its legend colours by. "
            f"Pass the table returned by the analysis unchanged."
        )
    if name == "zoning_findings":
        bad = table.loc[~table["result"].isin(_RESULT_ORDER)]
        if not bad.empty:
            ids = bad["site_id"] if "site_id" in bad.columns else bad.index
            raise SchemaError(
                f"Layer 'zoning_findings': column 'result' has values outside "
                f"{_RESULT_ORDER} for sites {first_ids(pd.unique(ids))}. Use the results of "
                f"zoning.check."
            )
    if "site_id" not in table.columns:
        raise SchemaError(
            f"Layer '{name}' has no column 'site_id'; the web map draws it per site. Pass the "
            f"table returned by the analysis unchanged."
        )


def _to_storage(gdf: pd.DataFrame, name: str) -> gpd.GeoDataFrame | None:
    """Return the layer checked and in EPSG:4326, or None when it has no geometry (a table)."""
    if not _has_geometry(gdf):
        return None
    if gdf.empty:
        return gdf.set_crs(4326, allow_override=True) if gdf.crs is None else gdf.to_crs(4326)
    return _crs.to_storage(gdf, name)


def _checked_layers(
    layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]
) -> dict[str, pd.DataFrame]:
    """Check every layer once; return them in :data:`LAYER_ORDER`, in EPSG:4326.

    ``exposure`` and ``zoning_findings`` without geometry are returned as given.
    """
    out: dict[str, pd.DataFrame] = {}
    for name in LAYER_ORDER:
        if name not in layers:
            continue
        table = layers[name]
        if name in _SITE_TABLES:
            _check_site_table(table, name, legends[name])
        gdf = _to_storage(table, name)
        if gdf is None and name not in _SITE_TABLES:
            raise SchemaError(
                f"Layer '{name}' has no geometry; pass a GeoDataFrame (EPSG:4326 or any "
                f"CRS) with a geometry column."
            )
        out[name] = table if gdf is None else gdf
    return out


# --------------------------------------------------------------------------------------------
# Drawing the checked layers
# --------------------------------------------------------------------------------------------


def _new_map(tiles: str | folium.TileLayer | None, lang: str) -> folium.Map:
    """Return an empty map with Leaflet inlined, the background tiles if any, and the title."""
    m = folium.Map(location=[20.4, 106.1], zoom_start=9, tiles=None, control_scale=True)
    # folium's Map lists jQuery, Bootstrap and icon fonts from CDNs; this map uses none of them.
    m.default_js = []
    m.default_css = []
    # Inline Leaflet now, so the map also draws when a notebook displays it (save_map swaps
    # these assets for CDN links when asked to write an online page).
    _inline_leaflet(m.get_root().header)
    if tiles is not None:
        folium.TileLayer(tiles, name="tiles", control=False).add_to(m)
    m.get_root().title = _esc(label("title.overview", lang))
    return m


def _add_layer(
    m: folium.Map,
    name: str,
    table: pd.DataFrame,
    legend: Legend,
    *,
    sites: Mapping[object, Any],
    columns: Sequence[str],
    lang: str,
) -> tuple[folium.GeoJson, str, np.ndarray | None]:
    """Draw one checked layer on ``m``; return it, its legend box and its bounds (or None)."""
    interactive = name not in _BASE_LAYERS
    if name in _SITE_TABLES:
        features, lost, nodata = _site_features(
            table, name, legend, sites=sites, columns=columns, lang=lang
        )
    else:
        features, lost, nodata = _geometry_features(
            table, name, legend, columns=columns, lang=lang, interactive=interactive
        )
    # Roads run far beyond the province; the view is fitted to the rest.
    bounds = None
    if features and name != "roads":
        bounds = shapely.total_bounds(np.array([g for g, _ in features], dtype=object))
    layer_name = label(f"layer.{name}", lang)
    if legend.illustrative:
        layer_name += f" ({label('accuracy.illustrative', lang).upper()})"
    # Leaflet's layer control inserts names as HTML.
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": []},
        name=_esc(layer_name),
        marker=folium.CircleMarker(),
        on_each_feature=_ON_EACH_FEATURE if interactive else None,
        interactive=interactive,
    )
    layer.add_child(_GeoJsonData(features))
    layer.add_to(m)
    box = _legend_box(legend, lang, layer_name=layer_name, not_drawn=lost, nodata=nodata)
    return layer, box, bounds


def _fit_bounds(m: folium.Map, bounds: list[np.ndarray]) -> None:
    """Zoom the map to the union of the finite layer bounds (if any)."""
    b = np.vstack(bounds) if bounds else np.full((1, 4), np.nan)
    if np.isfinite(b).all(axis=1).any():  # a layer of empty geometries has NaN bounds
        b = b[np.isfinite(b).all(axis=1)]
        m.fit_bounds([[b[:, 1].min(), b[:, 0].min()], [b[:, 3].max(), b[:, 2].max()]])


def make_map(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    tiles: str | folium.TileLayer | None = None,
    popup_columns: Mapping[str, Sequence[str]] | None = None,
) -> folium.Map:
    """Draw the layers of a review on an interactive Leaflet map.

    Every colour and class break comes from ``legends`` (see
    :func:`ninhbinh_geo.styles.default_legends`), so the web map, the static maps and the QGIS
    styles agree. Clusters and parks are drawn as their footprint and as a circle marker at their
    location point (major parks larger, with a thicker outline); satellite links as lines
    coloured by km; hazard zones as polygons; exposure as one halo per site coloured by its
    largest ``exposed_share``; zoning findings as one ring per site coloured by its worst
    ``result`` (fail, needs review, pass, not applicable). Boundaries, coastline and roads are
    the base map and have no popups. Popups give the key figures, the source (as a link when it
    is an http(s) address), the accuracy class and, for illustrative rows, the illustrative
    warning. All text from data is HTML-escaped.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        Layers by the names of :data:`LAYER_ORDER`, in any CRS (reprojected to EPSG:4326).
        ``exposure`` and ``zoning_findings`` may be plain tables with ``site_id``; they are then
        placed at the sites of ``clusters``/``parks``.
    legends : mapping of str to Legend
        One legend per layer, e.g. ``styles.default_legends(layers)``.
    lang : {"vi", "en"}, default "vi"
        Language of titles, labels and popups.
    tiles : str or folium.TileLayer, optional
        A background tile layer (needs internet). By default none: the boundaries are the
        base map and the page works offline.
    popup_columns : mapping of str to sequence of str, optional
        Columns shown in the popups of a layer, replacing the default key figures.

    Returns
    -------
    folium.Map
        The map (Leaflet, EPSG:3857 display), zoomed to the layers. Save it with
        :func:`~ninhbinh_geo.webmap.save_map`; it links to no JavaScript or CSS until then.

    Raises
    ------
    SchemaError
        For an unknown layer name, a layer without a legend, a missing legend or popup column,
        or a zoning result outside pass/fail/needs_review/not_applicable.
    CRSError
        When a layer has no CRS or implausible coordinates.
    NinhBinhGeoError
        When ``lang`` is not "vi" or "en".

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles
    >>> parks = gpd.GeoDataFrame(
    ...     {"site_id": ["KCN-A"], "name_vi": ["KCN A"], "major": [True],
    ...      "accuracy": ["approximate"]},
    ...     geometry=[Point(105.95, 20.55).buffer(0.01)], crs=4326)
    >>> layers = {"parks": parks}
    >>> m = make_map(layers, styles.default_legends(layers), lang="en")
    >>> type(m).__name__
    'Map'
    """
    if lang not in LANGS:
        raise NinhBinhGeoError(f"make_map: lang must be one of {LANGS}, not {lang!r}.")
    _check_layers(layers, legends)
    popup_columns = dict(popup_columns or {})
    _check_popup_columns(layers, popup_columns)
    checked = _checked_layers(layers, legends)

    sites = _sites_lookup(checked)
    m = _new_map(tiles, lang)
    bounds: list[np.ndarray] = []
    pairs: list[tuple[Any, str]] = []
    boxes: list[str] = []
    for name, table in checked.items():
        legend = legends[name]
        columns = _popup_columns(name, legend, popup_columns)
        layer, box, layer_bounds = _add_layer(
            m, name, table, legend, sites=sites, columns=columns, lang=lang
        )
        if layer_bounds is not None:
            bounds.append(layer_bounds)
        pairs.append((layer, name))
        boxes.append(box)
    _fit_bounds(m, bounds)
    folium.LayerControl(collapsed=False).add_to(m)
    _Legend(_esc(label("title.overview", lang)), "".join(reversed(boxes)), pairs).add_to(m)
    return m
