"""The review's maps: checked once, each drawn once, written in every format asked, in parallel.

:func:`review_maps` is the door the review pipeline calls. It skips a map whose layers are
absent, checks the layers the other maps draw (each layer once, however many maps show it),
then draws every map once and writes all requested formats from that one figure. The maps are
drawn in worker processes (:mod:`~ninhbinh_geo.staticmap.workers`) when more than one CPU is
available, with the same files as drawn one after another.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .._forking import can_fork as _can_fork
from .._forking import cpus as _cpus
from ..styles import Legend
from . import efficiency, exposure, overview, satellite, traveltime, zoning
from .fonts import _charmap
from .furniture import _ft2font, _metric_crs
from .layers import _missing_reason
from .page import _check_options
from .save import _check_formats, _save, _warm_up
from .workers import _cancel, _collect, _Running, _start_processes

__all__ = ["MAP_NAMES", "MapsInProgress", "review_maps", "start_review_maps"]

logger = logging.getLogger(__name__)

#: The maps :func:`review_maps` draws, in order; also the stems of the files it writes.
MAP_NAMES = ("overview", "efficiency", "satellite", "traveltime", "exposure", "zoning")

# The room of each map: its needs (_NEEDS), its door (_door) and its drawing (_draw).
_MAPS = {
    "overview": overview,
    "efficiency": efficiency,
    "satellite": satellite,
    "traveltime": traveltime,
    "exposure": exposure,
    "zoning": zoning,
}
# The public drawing function of each map.
_PLOTTERS = {
    "overview": overview.plot_overview,
    "efficiency": efficiency.plot_efficiency,
    "satellite": satellite.plot_satellite,
    "traveltime": traveltime.plot_traveltime,
    "exposure": exposure.plot_exposure,
    "zoning": zoning.plot_zoning,
}


@dataclass(frozen=True)
class _Job:
    """What every map of one call shares: the checked layers and how to write them."""

    layers: Mapping[str, pd.DataFrame]  # checked, in EPSG:3405
    legends: Mapping[str, Legend]
    out: Path
    lang: str
    paper: str
    formats: tuple[str, ...]


def _draw_and_save(name: str, job: _Job) -> list[Path]:
    """Draw one map from checked layers and write it in every format of the job."""
    fig = _MAPS[name]._draw(job.layers, job.legends, lang=job.lang, paper=job.paper)
    return _save(fig, job.out / f"map_{name}", job.formats, None)


def _check_processes(processes: int | None) -> None:
    if processes is not None and (
        isinstance(processes, bool) or not isinstance(processes, int) or processes < 1
    ):
        raise ValueError(f"processes must be None or an integer of at least 1, not {processes!r}.")


def _checked_maps(
    layers: Mapping[str, pd.DataFrame], legends: Mapping[str, Legend]
) -> tuple[list[str], dict[str, pd.DataFrame]]:
    """Return the maps that can be drawn and their layers, each checked once for all maps."""
    names: list[str] = []
    checked: dict[str, pd.DataFrame] = {}
    for name in MAP_NAMES:
        reason = _missing_reason(_MAPS[name]._NEEDS, layers)
        if reason:
            logger.warning("Static map '%s' skipped: %s", name, reason)
            continue
        _MAPS[name]._door(layers, legends, checked)
        names.append(name)
    return names, checked


def _warm(formats: tuple[str, ...]) -> None:
    """Load once, before workers fork, what each of them would otherwise load for itself."""
    _warm_up(formats)
    _charmap()
    _ft2font()
    _metric_crs()


def review_maps(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    out_dir: str | os.PathLike,
    *,
    lang: str = "vi",
    paper: str = "A4",
    formats: str | Iterable[str] = ("png", "pdf"),
    processes: int | None = None,
) -> list[Path]:
    """Draw the review maps and write them as ``map_<name>.png`` and ``map_<name>.pdf``.

    Each map is drawn once and written in every format of ``formats`` from that one figure.
    The maps are drawn in parallel worker processes (forked, on Linux, from a process running a
    single thread), with the same files as drawn one after another; elsewhere, or when worker
    processes cannot be started, one after another in this process. A map whose layers are
    absent or empty is skipped and the reason logged (logger ``ninhbinh_geo.staticmap``, level
    WARNING); what the maps log while drawing reaches this process's loggers.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        The review's layers (see :func:`plot_overview`).
    legends : dict of str to Legend
        The shared legends, e.g. from :func:`ninhbinh_geo.styles.default_legends`.
    out_dir : path-like
        Folder to write into; created when missing.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.
    formats : str or sequence of str, default ("png", "pdf")
        Any of ``"png"``, ``"pdf"``, ``"svg"`` (:data:`FORMATS`), written in the order given.
    processes : int, optional
        Worker processes: by default one per map up to the CPUs available; ``1`` draws the
        maps one after another in this process.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`MAP_NAMES` and, per map, of ``formats``.

    Raises
    ------
    ValueError
        When a format is unknown or ``processes`` is not a positive integer.
    SchemaError, CRSError
        When a present layer is malformed (a missing layer only skips its map); checked before
        any map is drawn.
    OutputError
        When ``out_dir`` cannot be written. An error while drawing a map is raised as it
        would be drawn alone, after the maps drawn at the same time are written.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> paths = review_maps({"clusters": c}, default_legends({"clusters": c}), tempfile.mkdtemp())
    >>> [p.name for p in paths]
    ['map_overview.png', 'map_overview.pdf', 'map_efficiency.png', 'map_efficiency.pdf']
    >>> paths = review_maps({"clusters": c}, default_legends({"clusters": c}), tempfile.mkdtemp(),
    ...                     formats=["png"], processes=1)
    >>> [p.name for p in paths]
    ['map_overview.png', 'map_efficiency.png']
    """
    return start_review_maps(
        layers, legends, out_dir, lang=lang, paper=paper, formats=formats, processes=processes
    ).result()


@dataclass
class MapsInProgress:
    """Review maps being drawn in worker processes: :meth:`result` waits for them.

    Returned by :func:`start_review_maps`; the caller does other work meanwhile (the review
    writes its GeoPackage, web map and tables while the maps are drawn).
    """

    _task: functools.partial
    _names: list[str]
    _running: _Running | None
    #: The files the maps are written to, in the order :meth:`result` returns them; known at
    #: once, so that the report can show them while they are drawn.
    paths: tuple[Path, ...] = ()

    def result(self) -> list[Path]:
        """Wait for the maps (drawing here those no worker drew); return the files written.

        Raises
        ------
        Exception
            An error while drawing a map, as :func:`review_maps` raises it.
        """
        written: list[Path] = []
        names = self._names
        if self._running is not None:
            running, self._running = self._running, None
            written, names = _collect(running)
        for name in names:
            written += self._task(name)
        self._names = []
        return written

    def cancel(self) -> None:
        """Draw no more maps (the review failed elsewhere); wait for the workers to stop."""
        if self._running is not None:
            running, self._running = self._running, None
            _cancel(running)
        self._names = []


def start_review_maps(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    out_dir: str | os.PathLike,
    *,
    lang: str = "vi",
    paper: str = "A4",
    formats: str | Iterable[str] = ("png", "pdf"),
    processes: int | None = None,
) -> MapsInProgress:
    """Check the layers and start drawing the review maps in worker processes; return at once.

    Takes the parameters of :func:`review_maps` and raises its errors on the layers and
    options before returning. The maps are drawn in forked workers while the caller goes on;
    :meth:`MapsInProgress.result` waits for them and returns the files, in the order
    :func:`review_maps` gives them. Where workers cannot be started the maps are drawn in
    :meth:`MapsInProgress.result`.

    Examples
    --------
    >>> import tempfile
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [40.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> maps = start_review_maps({"clusters": c}, default_legends({"clusters": c}),
    ...                          tempfile.mkdtemp(), formats="png")
    >>> [p.name for p in maps.result()]
    ['map_overview.png', 'map_efficiency.png']
    """
    _check_options(lang, paper)
    fmts = _check_formats(formats)
    _check_processes(processes)
    names, checked = _checked_maps(layers, legends)
    job = _Job(checked, dict(legends), Path(out_dir), lang, paper, fmts)
    task = functools.partial(_draw_and_save, job=job)
    workers = min(len(names), _cpus()) if processes is None else processes
    running = None
    if workers > 1 and len(names) > 1 and _can_fork():
        _warm(fmts)
        running = _start_processes(task, names, workers)
    planned = tuple(job.out / f"map_{name}.{fmt}" for name in names for fmt in fmts)
    return MapsInProgress(task, list(names), running, planned)
