"""Loading a review's inputs: the user's layers first, then the embedded data.

The user's files are read and checked before anything else runs, so a bad ``--clusters`` file
is reported at once, before the analyses and their imports (rasters, maps) start. What is loaded
here is checked once, at this door; the steps trust it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import InputFileError
from ..labels import label
from .options import ReviewOptions, ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["hazard_specs", "load_inputs"]


def _load_sites(path: Path | str | None, kind: str, read: Mapping[str, Any]) -> gpd.GeoDataFrame:
    from .. import datasets, io

    if path is None:
        return datasets.load_clusters() if kind == "CCN" else datasets.load_parks()
    from ..io import postgis

    provenance = io.file_provenance
    if postgis.is_postgis_url(path):
        # a planner's table in the office database, checked like a file
        read = {**read, "layer": postgis.parse_postgis_url(str(path)).qualified()}
        provenance = postgis.postgis_provenance
    # Provenance the user's file does not carry is taken from the file itself, so a planner's
    # layer works without extra options; rows given as points get illustrative footprints.
    sites = io.read_inventory(path, kind=kind, allow_points=True, **provenance(path), **read)
    return io.nominal_footprints(sites)


def hazard_specs(options: ReviewOptions) -> list[tuple[str | float, Path]]:
    """Key the user's hazard rasters for ``exposure.raster_exposure``; check their periods.

    A raster given with its return period (``--hazard 100=depth.tif``) is keyed by that period
    (label ``rp100``); the others by their file name, from which the period is read.

    Raises
    ------
    InputFileError
        When two rasters stand for the same return period (both are named).

    Examples
    --------
    >>> opts = ReviewOptions(hazards=[Path("lu_rp10.tif"), (100.0, Path("ngap.tif"))])
    >>> hazard_specs(opts)
    [('lu_rp10', PosixPath('lu_rp10.tif')), (100.0, PosixPath('ngap.tif'))]
    """
    if not options.hazards:
        return []
    from ..exposure import parse_return_period

    specs: list[tuple[str | float, Path]] = []
    periods: dict[float, list[str]] = {}
    for item in options.hazards:
        rp, path = (float(item[0]), Path(item[1])) if isinstance(item, tuple) else (None, item)
        path = Path(path)
        specs.append((rp if rp is not None else path.stem, path))
        rp = rp if rp is not None else parse_return_period(path.name)
        if rp is not None:
            periods.setdefault(rp, []).append(path.name)
    for rp, names in periods.items():
        if len(names) > 1:
            raise InputFileError(
                f"Hazard rasters {names} all stand for the {rp:g}-year return period. Give each "
                f"period once; if their names mislead, give the periods yourself, e.g. --hazard "
                f"{rp:g}={names[0]} --hazard 200={names[1]}."
            )
    return specs


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
    clusters = _load_sites(options.clusters, "CCN", options.read)
    parks = _load_sites(options.parks, "KCN", options.read)
    roads = _load_roads(options.roads)
    hazard_specs(options)  # two rasters for one return period are told before the analyses
    from .. import datasets

    layers = {
        "province": datasets.load_province(),
        "former_provinces": datasets.load_former_provinces(),
        "districts": datasets.load_districts(),
        "coastline": datasets.load_coastline(),
        "roads": roads,
        "protected_areas": datasets.load_protected_areas(),
    }
    # the coverage counts the clusters under review, the user's own when given
    tables = {"facts": datasets.load_facts(), "coverage": datasets.load_coverage(clusters)}
    warnings = []
    if (clusters.get("accuracy") == "illustrative").any():
        warnings.append(label("warn.illustrative_footprint", options.lang))
    state = ReviewState(options=options, staging=staging, clusters=clusters, parks=parks)
    return state.add(layers=layers, tables=tables, warnings=warnings)
