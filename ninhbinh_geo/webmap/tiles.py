"""The offline basemap: raster tiles drawn with matplotlib from the data the package ships.

The province, the former provinces and districts, the coastline, rivers, roads and places with
their names (:mod:`ninhbinh_geo.datasets`) are drawn once per zoom level on one large Agg
canvas in Web Mercator (EPSG:3857), aligned on the XYZ tile grid, and cut into 256 px PNG
tiles. One canvas per zoom (not one figure per tile) keeps labels whole across tile edges and
costs one matplotlib draw per zoom. The result is the same bytes on every run (matplotlib's Agg
renderer and Pillow's PNG writer add no dates); it is kept in memory per process and on disk
between runs (:mod:`~ninhbinh_geo.webmap.tilecache`).

Zoom levels: :data:`EMBEDDED_ZOOMS` (8 to 11) cover the province from the whole-region view
(z8, about 600 m a pixel) to about 70 m a pixel (z11). The shipped data are not more precise
than that (the province and coastline come from 1:1,000,000-scale sources, the rivers from
GSHHG), so z12 would quadruple the bytes without adding a line; beyond z11 Leaflet enlarges
the z11 tiles (``maxNativeZoom``).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass

import numpy as np

__all__ = ["EMBEDDED_ZOOMS", "BasemapTiles", "render_basemap"]

#: Zoom levels of the embedded basemap: first and last, inclusive.
EMBEDDED_ZOOMS = (8, 11)
TILE_PX = 256
# Half the side of the Web Mercator square (m), EPSG:3857.
_ORIGIN_M = 20037508.342789244
# Margin around the former provinces covered by tiles (degrees): the roads, places and rivers
# the data carry reach about 15 km beyond the province.
_MARGIN_DEG = 0.15
# Colours of the basemap: muted, so that every symbol of the layers reads on top of it.
_LAND = "#f2efe9"
#: Colour of the land and sea outside the former provinces (also around the tiles).
OUTSIDE_COLOR = "#e4e2dc"
_WATER = "#9cc3e0"
_DISTRICT = "#b9b5ab"
_FORMER = "#8f8a80"
_ROAD = {"Quốc Gia": ("#e3a857", 1.6), "Cấp Tỉnh": ("#ecc98f", 1.1)}
_ROAD_OTHER = ("#f0d9b0", 0.9)
_TEXT = "#4a4a4a"
# Place names from this zoom on: cities at once, towns from z10 (they crowd z8/z9).
_PLACE_ZOOM = {"thành phố": 8}
_TOWN_ZOOM = 10
_DISTRICT_NAME_ZOOM = 10


@dataclass(frozen=True)
class BasemapTiles:
    """The tiles of the embedded basemap and what they credit.

    Attributes
    ----------
    tiles : dict of str to bytes
        PNG bytes by ``"z/x/y"`` (XYZ scheme, EPSG:3857).
    zooms : tuple of int
        The first and last zoom level drawn.
    bounds : tuple of float
        ``(west, south, east, north)`` in degrees covered by the tiles.
    credits : tuple of (str, str, str)
        ``(source, url, licence)`` of each dataset drawn.
    """

    tiles: dict[str, bytes]
    zooms: tuple[int, int]
    bounds: tuple[float, float, float, float]
    credits: tuple[tuple[str, str, str], ...]

    @property
    def nbytes(self) -> int:
        """Total size of the PNG tiles in bytes."""
        return sum(len(b) for b in self.tiles.values())


def _tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[int, int, int, int]:
    """Return the first and last tile column and row (XYZ) covering ``bounds`` at zoom ``z``."""
    west, south, east, north = bounds
    n = 2**z

    def col(lon: float) -> int:
        return int(np.floor((lon + 180.0) / 360.0 * n))

    def row(lat: float) -> int:
        phi = np.radians(lat)
        return int(np.floor((1.0 - np.arcsinh(np.tan(phi)) / np.pi) / 2.0 * n))

    return col(west), col(east), row(north), row(south)


def _tile_edges_m(z: int, x0: int, x1: int, y0: int, y1: int) -> tuple[float, float, float, float]:
    """Return the (left, right, bottom, top) edges in EPSG:3857 of a block of tiles."""
    size = 2 * _ORIGIN_M / 2**z
    return (
        -_ORIGIN_M + x0 * size,
        -_ORIGIN_M + (x1 + 1) * size,
        _ORIGIN_M - (y1 + 1) * size,
        _ORIGIN_M - y0 * size,
    )


def _place_name(row: dict) -> str:
    """Return the name a place is labelled with: the Vietnamese one, else GeoNames' own."""
    name = row.get("name_vi")
    if isinstance(name, str) and name.strip():
        return name
    text = str(row.get("name") or "")
    for prefix in ("Thi Tran ", "Thanh Pho "):
        text = text.removeprefix(prefix)
    return text


@functools.cache
def _basemap_data() -> dict[str, object]:
    """Load the shipped layers once, in EPSG:3857."""
    from .. import datasets

    layers = {
        "province": datasets.load_province(),
        "former_provinces": datasets.load_former_provinces(),
        "districts": datasets.load_districts(),
        "rivers": datasets.load_rivers(),
        "coastline": datasets.load_coastline(),
        "roads": datasets.load_roads(),
        "places": datasets.load_places(),
    }
    credits = tuple(
        dict.fromkeys(
            (str(r["source"]), str(r["source_url"]), str(r["licence"]))
            for gdf in layers.values()
            for r in gdf[["source", "source_url", "licence"]].drop_duplicates().to_dict("records")
        )
    )
    b = layers["former_provinces"].total_bounds
    bounds = (
        float(b[0]) - _MARGIN_DEG,
        float(b[1]) - _MARGIN_DEG,
        float(b[2]) + _MARGIN_DEG,
        float(b[3]) + _MARGIN_DEG,
    )
    return {
        "layers": {k: v.to_crs(3857) for k, v in layers.items()},
        "credits": credits,
        "bounds": bounds,
    }


def _draw(ax, layers: dict, z: int) -> None:
    """Draw the basemap layers on ``ax`` for zoom ``z`` (sizes in points at 72 dpi = px)."""
    grow = 1.0 + 0.25 * (z - EMBEDDED_ZOOMS[0])
    # the former provinces cover a few slivers the 2025 outline leaves out
    layers["former_provinces"].plot(ax=ax, color=_LAND, linewidth=0)
    layers["province"].plot(ax=ax, color=_LAND, linewidth=0)
    layers["districts"].boundary.plot(ax=ax, color=_DISTRICT, linewidth=0.6, linestyle=(0, (3, 2)))
    layers["former_provinces"].boundary.plot(ax=ax, color=_FORMER, linewidth=0.9 * grow)
    rivers = layers["rivers"]
    double = rivers["river_class"] == 0  # the large rivers, drawn as their two banks
    rivers.plot(ax=ax, color=_WATER, linewidth=np.where(double, 1.6, 0.9) * grow)
    layers["coastline"].plot(ax=ax, color="#5b9bd0", linewidth=1.0 * grow)
    roads = layers["roads"]
    for level, (color, width) in [*((k, v) for k, v in _ROAD.items()), (None, _ROAD_OTHER)]:
        part = roads[roads["level"] == level] if level else roads[~roads["level"].isin(_ROAD)]
        if not part.empty:
            part.plot(ax=ax, color=color, linewidth=width * grow, capstyle="round")
    if z >= _DISTRICT_NAME_ZOOM:
        # a district named after its seat is named once, by the town
        towns = {_place_name(r) for r in layers["places"].to_dict("records")}
        for row in layers["districts"].to_dict("records"):
            if str(row["name_vi"]) in towns:
                continue
            p = row["geometry"].representative_point()
            ax.text(p.x, p.y, str(row["name_vi"]), fontsize=9, color="#8a867c", style="italic",
                    ha="center", va="center")  # fmt: skip
    _draw_places(ax, layers["places"], z)


def _draw_places(ax, places, z: int) -> None:
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for row in places.to_dict("records"):
        first = _PLACE_ZOOM.get(row.get("place_type"), _TOWN_ZOOM)
        if z < first:
            continue
        city = row.get("place_type") == "thành phố"
        p = row["geometry"]
        ax.plot(p.x, p.y, "o", markersize=4 if city else 2.5, color=_TEXT, markeredgewidth=0)
        ax.annotate(_place_name(row), (p.x, p.y), xytext=(4, 3), textcoords="offset points",
                    fontsize=10 if city else 8.5, color=_TEXT, path_effects=halo,
                    fontweight="bold" if city else "normal")  # fmt: skip


def _palette_image(rgb: np.ndarray):
    """Return the canvas as a palette image: one palette of a few dozen colours per zoom.

    Palette PNGs are a third of the size of RGB ones; quantising the whole canvas once is
    faster than tile by tile and gives every tile of a zoom the same colours.
    """
    from PIL import Image

    return Image.fromarray(rgb, "RGB").quantize(
        colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )


def _png(tile) -> bytes:
    out = io.BytesIO()
    tile.save(out, format="PNG")
    return out.getvalue()


def _render_zoom(z: int, data: dict) -> dict[str, bytes]:
    """Draw zoom ``z`` on one canvas aligned on the tile grid and cut it into tiles."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..staticmap.fonts import _RC

    x0, x1, y0, y1 = _tile_range(data["bounds"], z)
    nx, ny = x1 - x0 + 1, y1 - y0 + 1
    with matplotlib.rc_context(_RC):
        size_in = (nx * TILE_PX / 72, ny * TILE_PX / 72)
        fig = Figure(figsize=size_in, dpi=72, facecolor=OUTSIDE_COLOR)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        left, right, bottom, top = _tile_edges_m(z, x0, x1, y0, y1)
        _draw(ax, data["layers"], z)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_aspect("auto")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[:, :, :3]
    image = _palette_image(np.ascontiguousarray(rgb))
    boxes = {
        f"{z}/{x0 + i}/{y0 + j}": (i * TILE_PX, j * TILE_PX, (i + 1) * TILE_PX, (j + 1) * TILE_PX)
        for j in range(ny)
        for i in range(nx)
    }
    # (no threads: the static maps fork workers, safe only from a single-threaded process)
    return {key: _png(image.crop(box)) for key, box in boxes.items()}


@functools.lru_cache(maxsize=4)
def render_basemap(zooms: tuple[int, int] = EMBEDDED_ZOOMS) -> BasemapTiles:
    r"""Draw the offline basemap of the province as XYZ raster tiles (PNG, EPSG:3857).

    The province, former provinces and districts (with their names from zoom 10), coastline,
    rivers, national and provincial roads, and towns with their names, all from the data the
    package ships, are drawn with matplotlib for each zoom level of ``zooms`` over the former
    provinces and 0.15° around them. The tiles are the same bytes on every run; they are
    drawn once per machine and zoom range, and then read from the cache on disk
    (:mod:`~ninhbinh_geo.webmap.tilecache`; ``NINHBINH_GEO_CACHE_DIR=off`` turns it off).

    Parameters
    ----------
    zooms : tuple of int, default EMBEDDED_ZOOMS
        First and last zoom level, inclusive, between 5 and 13.

    Returns
    -------
    BasemapTiles
        The PNG tiles by ``"z/x/y"``, the zoom range, the bounds covered and the credits
        ``(source, url, licence)`` of the datasets drawn.

    Raises
    ------
    NinhBinhGeoError
        When ``zooms`` is not an increasing pair within 5 and 13.

    Examples
    --------
    >>> tiles = render_basemap((8, 8))
    >>> sorted(tiles.tiles)
    ['8/202/112', '8/202/113', '8/203/112', '8/203/113']
    >>> tiles.tiles["8/202/113"].startswith(b"\x89PNG")
    True
    """
    from .._errors import NinhBinhGeoError

    first, last = (int(z) for z in zooms)
    if not 5 <= first <= last <= 13:
        raise NinhBinhGeoError(
            f"render_basemap: zooms must be (first, last) with 5 <= first <= last <= 13, "
            f"not {zooms!r}; the province fits zoom 8 to 11 (EMBEDDED_ZOOMS)."
        )
    from . import tilecache

    kept = tilecache.load_tiles((first, last))
    if kept is not None:
        return kept
    data = _basemap_data()
    tiles: dict[str, bytes] = {}
    for z in range(first, last + 1):
        tiles.update(_render_zoom(z, data))
    basemap = BasemapTiles(tiles, (first, last), data["bounds"], data["credits"])
    tilecache.store_tiles(basemap)
    return basemap
