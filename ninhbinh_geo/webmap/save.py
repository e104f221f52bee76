"""Saving the page: Leaflet inlined for offline use, the atomic write of the HTML file.

Leaflet's JavaScript and CSS (with its images as data URIs) are read from the installed
``django-js-lib-leaflet`` package and inlined into the page, so a planner without internet sees
the same map; :func:`save_map` checks that the page loads nothing else from the internet.
"""

from __future__ import annotations

import base64
import functools
import importlib.resources
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink

from .. import _atomic
from .._errors import OutputError, first_ids
from .elements import _Raw

_ASSETS = "static/js_lib_leaflet"


@functools.lru_cache(maxsize=1)
def _leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's JavaScript and CSS from the installed package, images as data URIs."""
    try:
        root = importlib.resources.files("js_lib_leaflet") / _ASSETS
        js = (root / "leaflet.js").read_text(encoding="utf-8")
        css = (root / "leaflet.css").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise OutputError(
            "The offline web map needs Leaflet from the package django-js-lib-leaflet, which is "
            "not installed: run `pip install django-js-lib-leaflet`, or save with offline=False."
        ) from exc

    def inline_image(match: re.Match) -> str:
        data = (root / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline_image, css)
    # An inline <script>/<style> ends at the first "</script"/"</style", whatever the context.
    if re.search(r"</script", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise OutputError("The installed Leaflet files cannot be inlined (they close the tag).")
    return js, css


def _inline_leaflet(header: Element) -> None:
    """Add Leaflet's JavaScript and CSS to the page header, inline."""
    js, css = _leaflet_assets()
    header.add_child(_Raw(f"<style>{css}</style>\n<script>{js}</script>"), name="nbg_leaflet")


class _SourceCollector(HTMLParser):
    """Collect the addresses of external scripts and stylesheets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.external.append(a["src"] or "")
        if tag == "link" and a.get("href") and "stylesheet" in (a.get("rel") or ""):
            self.external.append(a["href"] or "")


def save_map(m: folium.Map, path: str | os.PathLike, *, offline: bool = True) -> Path:
    """Write a web map to an HTML file, atomically.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`ninhbinh_geo.webmap.make_map`.
    path : str or path-like
        The HTML file to write; its folder must exist.
    offline : bool, default True
        Inline Leaflet's JavaScript and CSS (read from the installed ``django-js-lib-leaflet``)
        so the page needs no internet. With False, the page loads Leaflet from folium's CDN.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputError
        When the folder does not exist or is not writable, when Leaflet is not installed for an
        offline map, or when the map needs other JavaScript/CSS from the internet (a folium
        plugin or a map not made by :func:`~ninhbinh_geo.webmap.make_map`) while ``offline``
        is True.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from pathlib import Path
    >>> from shapely.geometry import Point
    >>> from ninhbinh_geo import styles, webmap
    >>> parks = gpd.GeoDataFrame({"site_id": ["KCN-A"], "major": [False]},
    ...                          geometry=[Point(105.95, 20.55).buffer(0.01)], crs=4326)
    >>> layers = {"parks": parks}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = save_map(webmap.make_map(layers, styles.default_legends(layers)),
    ...                    Path(tmp) / "map.html")
    ...     "Leaflet 1.9" in out.read_text(encoding="utf-8")
    True
    """
    path = Path(path)
    figure = m.get_root()
    if not isinstance(figure, Figure):
        raise OutputError(f"Cannot save {path}: the map is not attached to a folium Figure.")
    header = figure.header
    # Saving again (say online after offline) replaces the assets; branca has no remove method.
    for name in ("nbg_leaflet", "nbg_leaflet_js", "nbg_leaflet_css"):
        header._children.pop(name, None)
    if offline:
        _inline_leaflet(header)
    else:
        urls = dict(folium.Map.default_js + folium.Map.default_css)
        header.add_child(JavascriptLink(urls["leaflet"]), name="nbg_leaflet_js")
        header.add_child(CssLink(urls["leaflet_css"]), name="nbg_leaflet_css")
    page = figure.render()

    if offline:
        collector = _SourceCollector()
        collector.feed(page)
        if collector.external:
            raise OutputError(
                f"Cannot write the offline map {path}: it loads {first_ids(collector.external)} "
                f"from the internet. Build the map with webmap.make_map (no plugins needing "
                f"CDN files), or save with offline=False."
            )
    if not path.parent.is_dir():
        raise OutputError(f"Cannot write {path}: folder {path.parent} does not exist; create it.")
    try:
        _atomic.write_text(path, page)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}. Check the folder.") from exc
    return path
