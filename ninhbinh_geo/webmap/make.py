"""The web map drawn from checked layers: the door :func:`make_map` and its orchestration.

:func:`make_map` checks every layer once (names, legends, columns, zoning results, CRS and
coordinates) and brings it to EPSG:4326; the rooms it calls trust those layers: the features
(:mod:`.features`) with their popups (:mod:`.popups`), the inline GeoJSON and the panes
(:mod:`.elements`), the legend (:mod:`.legend`), the credits (:mod:`.credits`), the background
(:mod:`.basemap`) and Leaflet itself (:mod:`.save`).

A new layer (a risk index, travel times) is one name in :data:`LAYER_ORDER` with a legend from
:mod:`ninhbinh_geo.styles`; it opens switched off unless named in :data:`SHOWN_LAYERS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
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
from .basemap import EMBEDDED, _add_basemap
from .credits import _Credits, _credits
from .elements import _ON_EACH_FEATURE, DECIMALS, _GeoJsonData, _MapSetup
from .features import (
    _RESULT_ORDER,
    PANES,
    _geometry_features,
    _has_geometry,
    _site_features,
    _sites_lookup,
)
from .legend import _Legend, _legend_box
from .popups import _placed_by_district, _popup_columns
from .save import _inline_leaflet
from .scenarios import (
    SCENARIO_LAYERS,
    _default_scenario,
    _scenarios,
    _ScenarioSwitch,
    _split,
    _splits,
)
from .text import _esc

#: Layers :func:`make_map` draws, in the order of the layer control (areas, lines, the rings
#: and halos drawn under the sites, the sites); panes keep areas < lines < points on the map.
LAYER_ORDER = (
    "hazard",
    "sea_level_zones",
    "service_areas",
    "protected_areas",
    "districts",
    "former_provinces",
    "province",
    "coastline",
    "roads",
    "flood_cut_roads",
    "exposure",
    "zoning_findings",
    "satellite_links",
    "candidate_sites",
    "parks",
    "clusters",
)
#: Layers shown when the map opens: the overview. The others are one click away in the layer
#: control; the exposure opens instead of the hazard zones when there are none.
SHOWN_LAYERS = ("province", "hazard", "satellite_links", "parks", "clusters")

# Boundaries, coastline and roads are the base map: drawn without popups so that a click always
# reaches the sites above them.
_BASE_LAYERS = ("districts", "former_provinces", "province", "coastline", "roads")
# Room kept free when the view is fitted (px): the legend panel on the left, the credits below.
_VIEW_PADDING_PX = ((285, 10), (10, 40))
# Layers the view opens on (with none of them, the view fits every layer but the roads).
_FRAMING_LAYERS = (
    "province",
    "former_provinces",
    "clusters",
    "parks",
    "satellite_links",
    "exposure",
    "zoning_findings",
)
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


def _drawing_legend(name: str, legends: Mapping[str, Legend]) -> Legend:
    """Return the legend a layer is drawn with: zoning findings by their outcome per site."""
    if name == "zoning_findings" and legends.get("zoning_outcome") is not None:
        return legends["zoning_outcome"]
    return legends[name]


def _new_map(
    tiles: str | folium.TileLayer | None, attribution: str | None, title: str, lang: str
) -> folium.Map:
    """Return an empty map with Leaflet inlined, its panes and scale, the background if any."""
    # Quarter zoom steps let the view fit the province between the legend and the controls.
    m = folium.Map(
        location=[20.4, 106.1], zoom_start=9, tiles=None, control_scale=False, zoom_snap=0.25
    )
    # folium's Map lists jQuery, Bootstrap and icon fonts from CDNs; this map uses none of them.
    m.default_js = []
    m.default_css = []
    # Inline Leaflet now, so the map also draws when a notebook displays it (save_map swaps
    # these assets for CDN links when asked to write an online page).
    _inline_leaflet(m.get_root().header)
    _MapSetup(PANES).add_to(m)
    _add_basemap(m, tiles, lang, attribution)
    m.get_root().title = _esc(title)
    return m


def _features(
    name: str, table: pd.DataFrame, legend: Legend, **kwargs: Any
) -> tuple[list[Any], list[object], bool]:
    """Return the features of one layer, the ids of the sites not located, and any no-data."""
    if name in _SITE_TABLES:
        return _site_features(table, name, legend, **kwargs)
    interactive = name not in _BASE_LAYERS
    return _geometry_features(table, name, legend, interactive=interactive, **kwargs)


def _geojson(
    features: list[Any], name: str, layer_name: str, decimals: int, **kwargs: Any
) -> folium.GeoJson:
    """Return a GeoJSON layer holding ``features`` (written by :class:`_GeoJsonData`)."""
    interactive = name not in _BASE_LAYERS
    # Leaflet's layer control inserts names as HTML.
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": []},
        name=_esc(layer_name),
        marker=folium.CircleMarker(),
        on_each_feature=_ON_EACH_FEATURE if interactive else None,
        interactive=interactive,
        **kwargs,
    )
    layer.add_child(_GeoJsonData(features, decimals))
    return layer


def _decimals(table: pd.DataFrame) -> int:
    """Return the decimals of a degree a layer's positions support (:data:`DECIMALS`)."""
    surveyed = "accuracy" in table.columns and bool((table["accuracy"] == "surveyed").any())
    return DECIMALS["surveyed" if surveyed else None]


def _add_layer(
    m: folium.Map,
    name: str,
    table: pd.DataFrame,
    legend: Legend,
    *,
    sites: Mapping[object, Any],
    columns: Sequence[str],
    lang: str,
    shown: bool,
    parts: Mapping[Any, pd.DataFrame] | None = None,
) -> tuple[Any, str, np.ndarray | None, dict[Any, folium.GeoJson]]:
    """Draw one checked layer on ``m``; return it, its legend box, its bounds (or None).

    With ``parts`` (the rows of each scenario), the layer is one overlay holding one sub-layer
    per scenario, also returned by scenario, for the scenario switch.
    """
    layer_name = label(f"layer.{name}", lang)
    if legend.illustrative:
        layer_name += f" ({label('accuracy.illustrative', lang).upper()})"
    kwargs = {"sites": sites, "columns": columns, "lang": lang}
    subs: dict[Any, folium.GeoJson] = {}
    if parts is None:
        features, lost, nodata = _features(name, table, legend, **kwargs)
        layer: Any = _geojson(features, name, layer_name, _decimals(table), show=shown).add_to(m)
    else:
        layer = folium.FeatureGroup(name=_esc(layer_name), show=shown).add_to(m)
        features, lost, nodata = [], [], False
        for key, rows in parts.items():
            some, gone, blank = _features(name, rows, replace(legend, where={}), **kwargs)
            sub = _geojson(some, name, layer_name, _decimals(rows), control=False)
            subs[key] = sub.add_to(layer)
            features += some
            lost += [x for x in gone if x not in lost]
            nodata = nodata or blank
    bounds = None
    if features and name != "roads":  # roads run far beyond the province
        bounds = shapely.total_bounds(np.array([g for g, _ in features], dtype=object))
    by_district = 0
    if name in ("clusters", "parks") and "location_accuracy" in table.columns:
        by_district = int(sum(_placed_by_district(r) for r in table.to_dict("records")))
    box = _legend_box(
        legend,
        lang,
        layer_name=layer_name,
        not_drawn=lost,
        nodata=nodata,
        shown=shown,
        by_district=by_district,
    )
    return layer, box, bounds, subs


def _fit_bounds(m: folium.Map, bounds: list[np.ndarray]) -> None:
    """Zoom the map to the union of the finite layer bounds (if any)."""
    b = np.vstack(bounds) if bounds else np.full((1, 4), np.nan)
    if np.isfinite(b).all(axis=1).any():  # a layer of empty geometries has NaN bounds
        b = b[np.isfinite(b).all(axis=1)]
        m.fit_bounds(
            [[b[:, 1].min(), b[:, 0].min()], [b[:, 3].max(), b[:, 2].max()]],
            padding_top_left=_VIEW_PADDING_PX[0],
            padding_bottom_right=_VIEW_PADDING_PX[1],
        )


def _shown(layers: Mapping[str, pd.DataFrame], show: Sequence[str] | None) -> set[str]:
    """Return the layers switched on when the map opens."""
    if show is not None:
        return set(show)
    shown = set(SHOWN_LAYERS)
    if "hazard" not in layers:
        shown.add("exposure")
    return shown


def make_map(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    title: str | None = None,
    tiles: str | folium.TileLayer | None = EMBEDDED,
    tiles_attribution: str | None = None,
    popup_columns: Mapping[str, Sequence[str]] | None = None,
    show: Sequence[str] | None = None,
) -> folium.Map:
    """Draw the layers of a review on an interactive Leaflet map.

    Every colour and class break comes from ``legends`` (see
    :func:`ninhbinh_geo.styles.default_legends`), so the web map, the static maps and the QGIS
    styles agree. The map opens on the overview (:data:`SHOWN_LAYERS`: province, hazard zones,
    satellite links, parks and clusters); every other layer is one click away in the layer
    control, and the legend shows the boxes of the layers shown, each folding away with a
    click. Areas lie under lines and lines under points whatever is switched on.

    Clusters and parks are drawn as their footprint and as a circle marker at their location
    point (major parks larger, with a thicker outline); a site still placed by district
    (``location_accuracy`` illustrative) as a hollow, dashed marker that its tooltip and the
    legend explain. Satellite links are lines coloured by km; hazard zones polygons of their
    depth classes; exposure one halo under each site coloured by its ``exposed_share`` in the
    scenario the legend names; zoning findings one ring under each site coloured by its
    outcome (``legends["zoning_outcome"]``, else its worst ``result``). Boundaries, coastline
    and roads are the base map and have no popups. Popups give the key figures in the reader's
    number format (years as text, published areas with their decimals, distances rounded to
    what their positions support, with that accuracy), the source (as a link when it is an
    http(s) address), the accuracy class and, for illustrative rows, the illustrative warning.
    The sources and licences of the layers shown are credited on the map face. All text from
    data is HTML-escaped.

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
    title : str, optional
        Title drawn on the map and of the page; by default the overview title in ``lang``.
    tiles : str or folium.TileLayer, optional
        The background under the layers. By default ``"embedded"``: the offline basemap drawn
        from the shipped data (:func:`~ninhbinh_geo.webmap.render_basemap`, zoom 8 to 11,
        enlarged beyond) written into the page, credited on the map face. A tile service name
        of xyzservices (``"OpenStreetMap"``, ``"OpenTopoMap"``) or a URL template
        (``https://…/{z}/{x}/{y}.png``, with ``tiles_attribution``) uses that online service
        instead; a ``folium.TileLayer`` is used as given; None draws no background.
    tiles_attribution : str, optional
        The credit of a tile service given as a URL template (plain text, escaped); required
        with one. With a service name it replaces the service's own credit.
    popup_columns : mapping of str to sequence of str, optional
        Columns shown in the popups of a layer, replacing the default key figures.
    show : sequence of str, optional
        Layers switched on when the map opens, replacing :data:`SHOWN_LAYERS`.

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
    NinhBinhGeoError
        For an unknown tile service name, or a tile URL template without
        ``tiles_attribution``; when ``lang`` is not "vi" or "en".
    CRSError
        When a layer has no CRS or implausible coordinates.

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
    >>> m = make_map(layers, styles.default_legends(layers), lang="en", title="Parks <2025>")
    >>> "Parks &lt;2025&gt;" in m.get_root().render()
    True
    """
    if lang not in LANGS:
        raise NinhBinhGeoError(f"make_map: lang must be one of {LANGS}, not {lang!r}.")
    _check_layers(layers, legends)
    popup_columns = dict(popup_columns or {})
    _check_popup_columns(layers, popup_columns)
    checked = _checked_layers(layers, legends)

    title = label("title.overview", lang) if title is None else str(title)
    background = (tiles, tiles_attribution)
    return _draw_map(
        checked, legends, lang, title, background, popup_columns, _shown(checked, show)
    )


def _draw_map(
    checked: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    lang: str,
    title: str,
    background: tuple[str | folium.TileLayer | None, str | None],
    popup_columns: Mapping[str, Sequence[str]],
    shown: set[str],
) -> folium.Map:
    """Draw checked layers: features, layer control, credits, legend; the view on the sites."""
    sites = _sites_lookup(checked)
    m = _new_map(*background, title, lang)
    bounds: dict[str, np.ndarray] = {}
    pairs: list[tuple[Any, str]] = []
    boxes: list[str] = []
    credited: list[tuple[Any, list[list[str]]]] = []
    found = _scenarios(checked)
    groups: list[tuple[Any, dict]] = []
    switched: dict[str, Legend] = {}
    for name, table in checked.items():
        legend = _drawing_legend(name, legends)
        columns = _popup_columns(name, legends[name], popup_columns)
        parts = None
        if len(found) > 1 and name in SCENARIO_LAYERS and _splits(table):
            parts = _split(table)
        layer, box, layer_bounds, subs = _add_layer(
            m, name, table, legend, sites=sites, columns=columns, lang=lang,
            shown=name in shown, parts=parts,
        )  # fmt: skip
        if parts is not None:
            groups.append((layer, subs))
            switched[name] = legend
        if layer_bounds is not None:
            bounds[name] = layer_bounds
        pairs.append((layer, name))
        boxes.append(box)
        credited.append((layer, _credits(table)))
    # the view opens on the province and the sites; hazard zones run far beyond them
    framing = [b for n, b in bounds.items() if n in _FRAMING_LAYERS]
    _fit_bounds(m, framing or list(bounds.values()))
    folium.LayerControl(collapsed=False).add_to(m)
    if groups:
        first = _default_scenario(found, legends)
        _ScenarioSwitch(groups, switched, first, lang).add_to(m)
    _Credits(credited, lang).add_to(m)
    illustrative = any(legends[n].illustrative for n in checked)
    warn = f'<div class="nbg-warn">{_esc(label("warn.illustrative", lang))}</div>'
    _Legend(_esc(title), "".join(reversed(boxes)), pairs, warn if illustrative else "").add_to(m)
    return m
