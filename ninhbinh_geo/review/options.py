"""What a review is asked to do, what it carries from step to step, and what it returns.

:class:`ReviewOptions` holds the user's choices, :class:`ReviewState` the layers and tables the
steps pass on to each other, and :class:`ReviewResult` what :func:`run_review` returns. Nothing
here imports the geospatial stack, so ``import ninhbinh_geo.review`` stays fast.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

    from ..styles import Legend

__all__ = ["DEFAULT_FORMATS", "MAP_FORMATS", "ReviewOptions", "ReviewResult", "ReviewState"]

#: File formats the static maps can be written in.
MAP_FORMATS = ("png", "pdf")
#: Formats written when none are asked for: PNG only. A PDF of each map is written on request
#: (``--formats png,pdf``): drawn from the same figure it adds about 0.4 s of CPU per map
#: (2.3 s for the six review maps, benchmarks/review.py), for a print a planner asks for now
#: and then rather than on every run.
DEFAULT_FORMATS = ("png",)


@dataclass(frozen=True)
class ReviewOptions:
    """What to review and how.

    Attributes
    ----------
    clusters, parks, roads : path, optional
        The user's own layers; the embedded data when ``None``. ``clusters`` and ``parks`` may
        also be ``postgresql://…?table=NAME`` URLs of PostGIS tables.
    hazards : sequence of path or (return period, path)
        Flood-depth rasters (one per return period, read from the file name unless given as a
        pair); the illustrative demo hazard when empty.
    units : {"m", "cm"}, optional
        Unit of the ``hazards`` depths where a raster's metadata and name do not say it.
    dem : path, optional
        A digital elevation model for the sea-level-rise scenarios.
    slr_cm : sequence of float
        Sea-level rise scenarios in cm (used with ``dem``).
    sea : path, optional
        Polygons of the sea for ``dem``; the sea side of the shipped coastline when ``None``.
    read : mapping
        Keyword arguments for reading the user's site layers
        (:func:`ninhbinh_geo.io.read_inventory`: ``layer``, ``sheet``, ``crs``, ``lonlat``,
        ``encoding``, ``allow_missing``, ``allow_outside``, ``status_words``, ``repair``).
    zone : str, optional
        Export CRS (VN-2000 TM-3 zone, e.g. ``"EPSG:5897"``); by majority of sites when ``None``.
    lang : {"vi", "en"}
        Language of legends, maps and report.
    cluster_column : str
        Column the clusters are coloured by on maps and in QGIS.
    max_km : float, optional
        Satellite radius; the default of :func:`ninhbinh_geo.proximity.nearest_parks` when ``None``.
    max_snap_m : float
        Farthest a site may lie from the road layer and still get a road distance (the access
        leg is counted as a straight line). The embedded roads hold only national and provincial
        roads, so the review allows 5 km where the library's default is 3 km.
    formats : sequence of {"png", "pdf"}
        Formats of the static maps (default PNG only; add "pdf" for print).
    ead_method : {"trapezoid", "step", "loglinear"}
        How expected annual exposure, damage and road-cut probability are integrated over
        the return periods (``risk.expected_annual``); the other methods' totals are shown
        beside it.
    damage_sector : str
        Depth–damage curve and construction cost of the flood damage (a sector of the JRC
        curves for Asia). The review passes ``"industrial"`` unless asked otherwise, and says
        so in its warnings.
    flood_close_m : float
        Water depth above which a road is closed (m), for the road links cut by floods.
    flood_close_m_by_class : mapping of str to float
        Thresholds for some road classes (values of the road layer's class column).
    datum_offset_m : float
        Height of the national datum's zero (Hòn Dấu) in the DEM's vertical datum (for
        EGM2008 DEMs about 0.86 m, an assumption: ``sealevel.HON_DAU_OVER_EGM2008_M``).
    slr_draws : int
        Draws of the DEM's vertical error for a probability of inundation per site and
        scenario (0: none); needs ``dem_error_m``.
    dem_error_m : float, optional
        Standard deviation of the DEM's vertical error, metres.
    speeds_kmh : mapping of str to float, optional
        Speeds by road class overriding the planning speeds (``network.speeds``).
    access_speed_kmh : float
        Speed of the access legs off the road layer (default 20 km/h).
    service_minutes : sequence of float
        Travel-time budgets of the service areas (default 15, 30, 45 minutes).
    access_supply : str
        The hubs' column used as supply by the access indices (``jobs``, ``leasable_ha`` or
        ``area_ha``); hubs without a value are left out and listed.
    siting : bool
        Whether to look for candidate sites of new clusters (``--no-siting`` skips it).
    siting_cell_m : float
        Cell size of the suitability surface in the review (250 m keeps the review fast;
        ``siting.suitability`` takes 100 m in about a second).
    to_postgis : str, optional
        A ``postgresql://…[?schema=NAME]`` URL: the review's layers and QGIS styles are also
        written into that PostGIS schema (output group ``postgis``).
    tiles : str, optional
        Background of the web map: ``"embedded"`` (the offline basemap drawn from the shipped
        data, the default), a tile service name (``"OpenStreetMap"``), a URL template with
        ``tiles_attribution``, or None for none (``webmap.make_map``'s ``tiles``).
    tiles_attribution : str, optional
        The credit of a tile service given as a URL template.

    Examples
    --------
    >>> ReviewOptions(formats=["png"]).formats
    ('png',)
    >>> ReviewOptions(formats=("svg",))
    Traceback (most recent call last):
    ...
    ValueError: Unknown static map formats ['svg']; use some of ['png', 'pdf'].
    """

    clusters: Path | str | None = None
    parks: Path | str | None = None
    roads: Path | None = None
    hazards: Sequence[Path | tuple[float, Path]] = ()
    units: str | None = None
    dem: Path | None = None
    slr_cm: Sequence[float] = ()
    sea: Path | None = None
    read: Mapping[str, Any] = field(default_factory=dict)
    zone: str | None = None
    lang: str = "vi"
    cluster_column: str = "area_ha"
    max_km: float | None = None
    max_snap_m: float = 5000.0
    formats: Sequence[str] = DEFAULT_FORMATS
    ead_method: str = "trapezoid"
    damage_sector: str = "industrial"
    flood_close_m: float = 0.3
    flood_close_m_by_class: Mapping[str, float] = field(default_factory=dict)
    datum_offset_m: float = 0.0
    slr_draws: int = 0
    dem_error_m: float | None = None
    speeds_kmh: Mapping[str, float] | None = None
    access_speed_kmh: float = 20.0
    service_minutes: Sequence[float] = (15.0, 30.0, 45.0)
    access_supply: str = "area_ha"
    siting: bool = True
    siting_cell_m: float = 250.0
    to_postgis: str | None = None
    tiles: str | None = "embedded"
    tiles_attribution: str | None = None

    def __post_init__(self) -> None:
        formats = tuple(str(f).lower() for f in self.formats)
        unknown = sorted(set(formats) - set(MAP_FORMATS))
        if unknown or not formats:
            raise ValueError(
                f"Unknown static map formats {unknown or list(self.formats)}; use some of "
                f"{list(MAP_FORMATS)}."
            )
        object.__setattr__(self, "formats", tuple(dict.fromkeys(formats)))
        from .._riskcurve import METHODS  # no stack: the command line reads it too

        if self.ead_method not in METHODS:
            raise ValueError(
                f"Unknown expected-annual method {self.ead_method!r}; use one of {list(METHODS)}."
            )
        if self.slr_draws and not (self.dem_error_m and self.dem_error_m > 0):
            raise ValueError(
                "slr_draws needs dem_error_m, the DEM's vertical error in metres (--dem-error-m)."
            )


@dataclass(frozen=True)
class ReviewState:
    """What the steps of a review hand on to each other.

    A step takes the state and returns a new one (:meth:`add`); it never changes the frames it
    was given. The input layers were checked when they were loaded
    (:func:`ninhbinh_geo.review.inputs.load_inputs`): steps trust them.

    Attributes
    ----------
    options : ReviewOptions
        The user's choices.
    staging : pathlib.Path
        The run's staging folder (derived rasters such as sea-level depths are written there).
    clusters, parks : geopandas.GeoDataFrame
        The site layers; steps add their columns to ``clusters``.
    layers : mapping of str to GeoDataFrame
        Other map layers by name (background layers, then what the steps derive).
    tables : mapping of str to DataFrame
        Tables for the report and ``tables/*.csv``, in the order they were made.
    warnings : tuple of str
        Warnings for the user (illustrative inputs ...).
    hazards : tuple of pathlib.Path
        Hazard rasters used by the exposure step (sea-level depths included).
    graph : object, optional
        The road graph (:class:`ninhbinh_geo.network.RoadGraph`), for later steps.
    hub_minutes : pandas.DataFrame, optional
        Minutes from every cluster (rows) to every hub (columns, by ``site_id``), from the
        travel-time step, for the steps that weigh access by time.
    """

    options: ReviewOptions
    staging: Path
    clusters: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    layers: Mapping[str, gpd.GeoDataFrame] = field(default_factory=dict)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    hazards: tuple[Path, ...] = ()
    graph: Any = None
    hub_minutes: pd.DataFrame | None = None

    def add(
        self,
        *,
        layers: Mapping[str, gpd.GeoDataFrame | None] | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
        warnings: Sequence[str] = (),
        **changes: Any,
    ) -> ReviewState:
        """Return a new state with these layers, tables and warnings added and fields changed.

        A layer given as ``None`` (nothing to draw) is left out.

        Examples
        --------
        >>> s = ReviewState(ReviewOptions(), Path(), clusters=None, parks=None)
        >>> s2 = s.add(tables={"a": 1}, warnings=["w"], graph="g")
        >>> (dict(s.tables), dict(s2.tables), s2.warnings, s2.graph)
        ({}, {'a': 1}, ('w',), 'g')
        """
        new_layers = {k: v for k, v in (layers or {}).items() if v is not None}
        return dataclasses.replace(
            self,
            layers={**self.layers, **new_layers},
            tables={**self.tables, **(tables or {})},
            warnings=(*self.warnings, *warnings),
            **changes,
        )


@dataclass
class ReviewResult:
    """What a review produced: its layers, tables and the paths it wrote."""

    layers: dict[str, gpd.GeoDataFrame]
    tables: dict[str, pd.DataFrame]
    legends: dict[str, Legend]
    warnings: list[str]
    paths: list[Path] = field(default_factory=list)
    seconds: float = 0.0
