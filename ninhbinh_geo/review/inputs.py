"""Loading a review's inputs: the user's layers first, then the embedded data.

The user's files are read and checked before anything else runs, so a bad ``--clusters`` file
is reported at once, before the analyses and their imports (rasters, maps) start. What is loaded
here is checked once, at this door; the steps trust it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..labels import label
from .options import ReviewOptions, ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["load_inputs"]


def _load_sites(path: Path | str | None, kind: str) -> gpd.GeoDataFrame:
    from .. import datasets, io

    if path is None:
        return datasets.load_clusters() if kind == "CCN" else datasets.load_parks()
    from ..io import postgis

    if postgis.is_postgis_url(path):
        # a planner's table in the office database, checked like a file
        table = postgis.parse_postgis_url(str(path)).qualified()
        sites = io.read_inventory(
            path, layer=table, kind=kind, allow_points=True, **postgis.postgis_provenance(path)
        )
        return io.nominal_footprints(sites)
    # Provenance the user's file does not carry is taken from the file itself, so a planner's
    # layer works without extra options; rows given as points get illustrative footprints.
    sites = io.read_inventory(path, kind=kind, allow_points=True, **io.file_provenance(path))
    return io.nominal_footprints(sites)


def _load_roads(path: Path | None) -> gpd.GeoDataFrame:
    from .. import datasets, io

    if path is None:
        return datasets.load_roads()
    return io.read_layer(path)


def load_inputs(options: ReviewOptions, staging: Path) -> ReviewState:
    """Read and check the site and road layers, and load the background layers and facts.

    Parameters
    ----------
    options : ReviewOptions
        The user's files (``clusters``, ``parks``, ``roads``); the embedded data for the
        others.
    staging : pathlib.Path
        The run's staging folder, kept in the state.

    Returns
    -------
    ReviewState
        ``clusters``, ``parks``; layers ``province``, ``former_provinces``, ``districts``,
        ``coastline``, ``roads``, ``protected_areas`` (the heritage and protected areas the
        zoning rules read); tables ``facts`` and ``coverage``; a warning when the cluster
        footprints are illustrative.

    Raises
    ------
    NinhBinhGeoError
        A user's file that cannot be read or breaks the site-layer contract.

    Examples
    --------
    >>> import tempfile
    >>> state = load_inputs(ReviewOptions(), Path(tempfile.mkdtemp()))
    >>> list(state.layers)
    ['province', 'former_provinces', 'districts', 'coastline', 'roads', 'protected_areas']
    >>> list(state.tables)
    ['facts', 'coverage']
    """
    # The user's files come first: their mistakes are the likeliest and the cheapest to find.
    clusters = _load_sites(options.clusters, "CCN")
    parks = _load_sites(options.parks, "KCN")
    roads = _load_roads(options.roads)
    from .. import datasets

    layers = {
        "province": datasets.load_province(),
        "former_provinces": datasets.load_former_provinces(),
        "districts": datasets.load_districts(),
        "coastline": datasets.load_coastline(),
        "roads": roads,
        "protected_areas": datasets.load_protected_areas(),
    }
    tables = {"facts": datasets.load_facts(), "coverage": datasets.load_coverage()}
    warnings = []
    if (clusters.get("accuracy") == "illustrative").any():
        warnings.append(label("warn.illustrative_footprint", options.lang))
    state = ReviewState(options=options, staging=staging, clusters=clusters, parks=parks)
    return state.add(layers=layers, tables=tables, warnings=warnings)
