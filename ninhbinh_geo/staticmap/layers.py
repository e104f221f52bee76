"""Layers as drawn: checked once at the door, then symbolised as matplotlib collections.

:func:`_checked_layers` is the check every door (:func:`~ninhbinh_geo.staticmap.plot_overview`
and its siblings, :func:`~ninhbinh_geo.staticmap.review_maps`) runs on the layers it is given:
each is a GeoDataFrame with a CRS and plausible coordinates, projected once into EPSG:3405, and
each has the legend it is coloured by. Everything after that trusts the metric layers:
:func:`_drawn` makes the record of one layer as drawn, :func:`_draw_layer` adds it to the map as
one collection per layer (lines, areas, or site footprints with a marker), in a fixed stacking
order. A site still placed by district (``location_accuracy`` illustrative) gets a hollow,
dashed marker, so it reads differently from a site with a point.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgb
from matplotlib.path import Path as MplPath
from shapely.geometry import box

from .. import crs as _crs
from .._errors import SchemaError, first_ids
from ..styles import Legend

logger = logging.getLogger(__name__)

# Per-site tables (one or more rows per site) that may borrow the footprints of the sites.
_TABLE_LAYERS = ("exposure", "zoning_findings")
# Layers whose extent frames the map; national roads or a wide coastline must not.
_EXTENT_LAYERS = ("province", "former_provinces", "clusters", "parks", "satellite_links")
_SITE_MARKER = {"parks": "s"}
_LINE_WIDTH = {
    "province": 1.4,
    "former_provinces": 0.9,
    "districts": 0.4,
    "coastline": 0.8,
    "roads": 0.5,
    "satellite_links": 1.1,
    "flood_cut_roads": 1.8,
}
_ZORDER = {
    "hazard": 1,
    "service_areas": 1.5,
    "districts": 2,
    "roads": 3,
    "coastline": 3,
    "former_provinces": 4,
    "province": 5,
    "satellite_links": 6,
    "flood_cut_roads": 6,
    "exposure": 7,
    "zoning_findings": 7,
    "clusters": 7,
    "parks": 8,
    "candidate_sites": 8.5,
}


@dataclass
class _Drawn:
    """One layer as drawn: metric geometry, its legend and how it is symbolised."""

    name: str
    gdf: gpd.GeoDataFrame  # EPSG:3405, only rows with a geometry
    legend: Legend
    colors: pd.Series
    role: str  # "line", "area" or "site"
    source: pd.DataFrame  # rows whose source/licence/accuracy are credited
    sizes: np.ndarray | None = None  # marker sizes (pt²) of a site layer, when not the default
    notes: list[str] = field(default_factory=list)  # label keys of extra legend lines

    @property
    def hollow(self) -> np.ndarray:
        """Whether each row is a site still placed by district (an illustrative location)."""
        if "location_accuracy" not in self.gdf.columns:
            return np.zeros(len(self.gdf), dtype=bool)
        return (self.gdf["location_accuracy"] == "illustrative").fillna(False).to_numpy(bool)


# ---------------------------------------------------------------------------------------------
# The door: each layer checked and projected once


def _present(layers: Mapping[str, pd.DataFrame], name: str) -> bool:
    return name in layers and layers[name] is not None and len(layers[name]) > 0


def _missing_reason(
    needs: tuple[tuple[str, ...], ...], layers: Mapping[str, pd.DataFrame]
) -> str | None:
    """Why a map cannot be drawn, or ``None``; each of ``needs`` is one way to draw it."""
    if any(all(_present(layers, n) for n in option) for option in needs):
        return None
    wanted = " or ".join(" and ".join(f"'{n}'" for n in option) for option in needs)
    return f"it needs the layer {wanted}, which is absent or empty."


def _require(
    layers: Mapping[str, pd.DataFrame], map_name: str, needs: tuple[tuple[str, ...], ...]
) -> None:
    reason = _missing_reason(needs, layers)
    if reason:
        raise SchemaError(f"Cannot draw the {map_name} map: {reason}")


def _has_geometry(table: pd.DataFrame) -> bool:
    return isinstance(table, gpd.GeoDataFrame) and bool(table.geometry.notna().any())


def _checked_frame(gdf: pd.DataFrame, name: str) -> gpd.GeoDataFrame:
    """Check one layer (GeoDataFrame, CRS, coordinates) and return it in EPSG:3405."""
    if name in _TABLE_LAYERS and not _has_geometry(gdf):
        return gdf  # a plain per-site table: it borrows the footprints of the sites
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise SchemaError(
            f"Layer '{name}' has no geometry column; the maps need a GeoDataFrame in any CRS."
        )
    if name == "coastline":
        gdf = _coast_lines(gdf)
    return _crs.to_metric(gdf, name)


def _need_legend(legends: Mapping[str, Legend], name: str) -> Legend:
    if name not in legends:
        raise SchemaError(
            f"No legend for layer '{name}': the static maps take colours only from the shared "
            f"legends. Build them with ninhbinh_geo.styles.default_legends(layers) and pass them."
        )
    return legends[name]


def _check_legend(gdf: pd.DataFrame, legends: Mapping[str, Legend], name: str, key: str) -> None:
    legend = _need_legend(legends, key)
    if legend.kind != "single" and legend.column not in gdf.columns:
        raise SchemaError(
            f"Layer '{name}' has no column '{legend.column}' that its legend colours by; add the "
            f"column or rebuild the legends from these layers with styles.default_legends."
        )


def _checked_layers(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    wanted: Mapping[str, str | None],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """Check the present layers among ``wanted`` and the legends they are coloured by.

    Parameters
    ----------
    layers, legends
        What the door was given.
    wanted : mapping of str to str or None
        Layer name to the key of its legend, in drawing order; ``None`` for a layer that only
        lends its footprints.
    checked : dict, optional
        Layers already checked by this door (filled in): each layer is checked once however
        many maps draw it.

    Returns
    -------
    dict of str to DataFrame
        The present layers of ``wanted``, in EPSG:3405 (a per-site table without geometry as
        it is).
    """
    checked = {} if checked is None else checked
    out = {}
    for name, key in wanted.items():
        if not _present(layers, name):
            continue
        if name not in checked:
            checked[name] = _checked_frame(layers[name], name)
        out[name] = checked[name]
        if key is not None:
            _check_legend(out[name], legends, name, key)
    return out


def _coast_lines(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Turn a land polygon into its coastline, without the straight edges it was clipped along.

    Done in the layer's own CRS, where the clip box is a rectangle.
    """
    geoms = gdf.geometry
    polys = geoms.geom_type.str.contains("Polygon")
    if not polys.any():
        return gdf
    minx, miny, maxx, maxy = gdf.total_bounds
    tol = 1e-7 * max(maxx - minx, maxy - miny, 1e-9)
    frame = box(minx, miny, maxx, maxy).boundary.buffer(tol)
    lines = geoms.boundary.where(polys, geoms).difference(frame)
    return gdf.set_geometry(lines.where(polys, geoms))


# ---------------------------------------------------------------------------------------------
# Inside: records of checked layers


def _drawn(
    name: str,
    gdf: gpd.GeoDataFrame,
    legend: Legend,
    role: str,
    source: pd.DataFrame | None = None,
    *,
    sizes: np.ndarray | None = None,
) -> _Drawn:
    """Return the record of a checked metric layer, without its rows lacking a geometry."""
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        ids = gdf.loc[empty, "site_id"] if "site_id" in gdf.columns else gdf.index[empty]
        logger.warning(
            "Layer '%s': %d rows without a geometry are not drawn (%s).",
            name,
            int(empty.sum()),
            first_ids(ids),
        )
    metric = gdf.loc[~empty]
    if legend.kind == "single":
        colors = pd.Series(legend.classes[0].color, index=metric.index)
    else:
        colors = legend.colors(metric[legend.column])
    if sizes is not None:
        sizes = np.asarray(sizes, dtype=float)[~empty.to_numpy()]
    return _Drawn(
        name, metric, legend, colors, role, metric if source is None else source, sizes=sizes
    )


def _base(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], names: Iterable[str]
) -> list[_Drawn]:
    """Return the line layers among ``names`` that are present, in that order."""
    # Every row is credited, also one without a geometry to draw.
    return [_drawn(n, layers[n], legends[n], "line", layers[n]) for n in names if n in layers]


def _sites_drawn(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], names: Iterable[str]
) -> list[_Drawn]:
    """Return the site layers among ``names`` that are present, in that order."""
    return [_drawn(n, layers[n], legends[n], "site") for n in names if n in layers]


def _with_site_geometry(
    table: pd.DataFrame, name: str, layers: Mapping[str, gpd.GeoDataFrame]
) -> gpd.GeoDataFrame:
    """Give a per-site table the footprints of the clusters and parks when it has none.

    A table with footprints of its own keeps them and takes the sites' ``location_accuracy``
    (a site placed by district is drawn hollow).
    """
    sites = [layers[k] for k in ("clusters", "parks") if k in layers and "site_id" in layers[k]]
    if _has_geometry(table):
        if not sites or "location_accuracy" in table.columns:
            return table
        acc = pd.concat(
            [
                g.set_index("site_id").get("location_accuracy")
                for g in sites
                if "location_accuracy" in g.columns
            ]
            or [pd.Series(dtype=object)]
        )
        acc = acc[~acc.index.duplicated()]
        return table.assign(location_accuracy=table["site_id"].map(acc))
    if not sites:
        raise SchemaError(
            f"Layer '{name}' has no geometry and no 'clusters' or 'parks' layer with 'site_id' "
            f"is given to take the footprints from; pass the clusters layer too."
        )
    # the site's location accuracy comes along: a site placed by district is drawn hollow
    geo = pd.concat(
        [
            gpd.GeoDataFrame(
                {
                    "site_id": g["site_id"],
                    "location_accuracy": g.get("location_accuracy", pd.Series(pd.NA, g.index)),
                    "geometry": g.geometry,
                }
            )
            for g in sites
        ]
    )
    geo = geo.drop_duplicates("site_id").set_index("site_id")
    plain = pd.DataFrame(table).drop(columns=["geometry", "location_accuracy"], errors="ignore")
    joined = plain.join(geo, on="site_id")  # keeps the table's index and order
    unmatched = joined["geometry"].isna()
    if unmatched.any():
        logger.warning(
            "Layer '%s': sites %s are not among the clusters or parks and are not drawn.",
            name,
            first_ids(joined.loc[unmatched, "site_id"]),
        )
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=_crs.METRIC_CRS)


def _footprint_sources(
    layers: Mapping[str, gpd.GeoDataFrame], site_ids: pd.Series
) -> dict[str, list[pd.DataFrame]]:
    """Return the rows of clusters and parks whose footprints a per-site table borrowed."""
    out = {}
    for k in ("clusters", "parks"):
        if k in layers and "site_id" in layers[k].columns:
            rows = layers[k][layers[k]["site_id"].isin(site_ids)]
            if len(rows):
                out[k] = [rows]
    return out


def _extent(drawn: list[_Drawn]) -> tuple[float, float, float, float]:
    framing = [d for d in drawn if d.name in _EXTENT_LAYERS and not d.gdf.empty]
    framing = framing or [d for d in drawn if not d.gdf.empty]
    if not framing:
        raise SchemaError("The map has no layer with a geometry to draw; check the layers.")
    bounds = np.array([d.gdf.total_bounds for d in framing])
    return (
        float(bounds[:, 0].min()),
        float(bounds[:, 1].min()),
        float(bounds[:, 2].max()),
        float(bounds[:, 3].max()),
    )


# ---------------------------------------------------------------------------------------------
# Drawing


def _line_collection(geoms: gpd.GeoSeries, colors: np.ndarray, **kw) -> LineCollection:
    """Lines (and polygon outlines) as one collection, one colour per input row."""
    geoms = geoms.boundary.where(geoms.geom_type.str.contains("Polygon"), geoms)
    parts, idx = shapely.get_parts(geoms.to_numpy(), return_index=True)
    keep = np.isin(shapely.get_type_id(parts), (1, 2))  # LineString, LinearRing
    segs = [shapely.get_coordinates(p) for p in parts[keep]]
    return LineCollection(segs, colors=colors[idx[keep]], **kw)


def _polygon_collection(geoms: gpd.GeoSeries, colors: np.ndarray, **kw) -> PathCollection:
    """Polygons with their holes as one collection, one colour per input row."""
    parts, idx = shapely.get_parts(geoms.to_numpy(), return_index=True)
    keep = shapely.get_type_id(parts) == 3  # Polygon
    paths = []
    for poly in parts[keep]:
        rings = [poly.exterior, *poly.interiors]
        paths.append(
            MplPath.make_compound_path(
                *[MplPath(shapely.get_coordinates(r), closed=True) for r in rings]
            )
        )
    return PathCollection(paths, facecolors=colors[idx[keep]], **kw)


def _draw_sites(ax, d: _Drawn, geoms: gpd.GeoSeries, colors: np.ndarray, z: float) -> None:
    ax.add_collection(
        _polygon_collection(
            geoms, colors, edgecolors="#303030", linewidths=0.3, zorder=z, gid=d.name
        ),
        autolim=False,
    )
    # Footprints of tens of hectares are a millimetre on paper: a marker keeps them visible.
    pts = _marker_points(geoms)
    size = np.full(len(pts), 16.0) if d.sizes is None else d.sizes.copy()
    edge = np.full(len(pts), 0.4)
    if d.name == "parks" and "major" in d.gdf.columns:
        major = d.gdf["major"].fillna(False).astype(bool).to_numpy()
        size[major], edge[major] = 42.0, 0.9
    # A site still placed by district: hollow, with a dashed edge in its class colour.
    hollow = d.hollow
    faces = np.where(hollow, "#ffffff", colors.astype(object))
    edges = [_darker(c) if h else "#202020" for c, h in zip(colors, hollow, strict=True)]
    edge[hollow] = np.maximum(edge[hollow], 1.3)
    ax.scatter(
        pts.x,
        pts.y,
        s=size,
        c=list(faces),
        marker=_SITE_MARKER.get(d.name, "o"),
        edgecolors=edges,
        linewidths=edge,
        linestyles=["--" if h else "-" for h in hollow],
        zorder=z + 0.5,
        gid=f"{d.name}_markers",
    )


def _darker(color: str) -> tuple[float, float, float]:
    """Return the class colour a quarter of the way to black (a pale class shows as an edge)."""
    return tuple(0.75 * c for c in to_rgb(color))


def _marker_points(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Where a site's marker goes: a point inside its footprint (or the point itself)."""
    return geoms.representative_point()


def _draw_layer(ax, d: _Drawn, metres_per_point: float) -> None:
    # Collections are built directly: geopandas' plot redraws the whole figure per call.
    z = _ZORDER.get(d.name, 5)
    geoms = d.gdf.geometry
    colors = d.colors.to_numpy()
    if d.role in ("line", "area"):
        # Vertices closer than a quarter point on paper cannot be seen; dropping them keeps the
        # PDF small and the drawing fast.
        geoms = geoms.simplify(metres_per_point / 4, preserve_topology=True)
    if d.role == "line":
        lines = _line_collection(
            geoms,
            colors,
            linewidths=_LINE_WIDTH.get(d.name, 0.6),
            zorder=z,
            linestyles=":" if d.name == "districts" else "-",
            gid=d.name,
        )
        ax.add_collection(lines, autolim=False)
    elif d.role == "area":
        ax.add_collection(
            _polygon_collection(geoms, colors, alpha=0.55, linewidths=0, zorder=z, gid=d.name),
            autolim=False,
        )
    else:
        _draw_sites(ax, d, geoms, colors, z)
