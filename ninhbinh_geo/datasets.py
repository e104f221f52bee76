"""Real data embedded in the package: boundaries, roads, the site inventory and province facts.

Every layer is derived from public sources by ``scripts/build_data.py`` and documented, with its
licence and what was changed, in ``data/<folder>/SOURCES.md``. Geographic layers are returned
in EPSG:4326 with the provenance columns ``source``, ``source_url``, ``source_date``,
``licence`` and ``accuracy``.

The data are found inside an installed wheel (``ninhbinh_geo/_data``) or, in an editable
install, in the repository's ``data/`` folder. Results are cached; every function returns a
fresh copy that the caller may change.

No published footprint exists for any cluster or park: :func:`load_parks`,
:func:`load_clusters` and :func:`load_sites` draw a circle of the official area around each
site's point and mark it ``illustrative``.

Examples
--------
>>> import ninhbinh_geo as nb
>>> clusters = nb.datasets.load_clusters()
>>> clusters.crs.to_epsg(), set(clusters["kind"])
(4326, {'CCN'})
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ._errors import InputFileError
from .crs import STORAGE_CRS
from .io import NOMINAL_AREA_HA, nominal_footprints
from .schema import validate_sites

__all__ = [
    "DATASETS",
    "NOMINAL_AREA_HA",
    "POPULATION_YEARS",
    "get_path",
    "load_clusters",
    "load_coastline",
    "load_coverage",
    "load_districts",
    "load_facts",
    "load_former_provinces",
    "load_parks",
    "load_places",
    "load_population",
    "load_protected_areas",
    "load_province",
    "load_rivers",
    "load_roads",
    "load_sites",
    "population_path",
]

#: Short names of the embedded files and their paths below the data folder.
DATASETS = {
    "province": "boundaries/province_2025.geojson",
    "former_provinces": "boundaries/former_provinces.geojson",
    "districts": "boundaries/districts.geojson",
    "coastline": "boundaries/coastline.geojson",
    "roads": "roads/roads.geojson",
    "sites": "inventory/sites.csv",
    "facts": "facts/province_facts_2024.csv",
    # added for issues 12-15
    "protected_areas": "protected/protected_areas.geojson",
    "population_2000": "population/worldpop_ppp_2000_1km_ninhbinh.tif",
    "population_2020": "population/worldpop_ppp_2020_1km_ninhbinh.tif",
    "places": "places/places.geojson",
    "rivers": "hydro/rivers.geojson",
}

_CANDIDATE_DIRS = (
    Path(__file__).resolve().parent / "_data",  # installed wheel (force-include of data/)
    Path(__file__).resolve().parents[1] / "data",  # editable install / source checkout
)
_SCOPE_PROVINCE = {
    "former_ha_nam": "Hà Nam",
    "former_nam_dinh": "Nam Định",
    "former_ninh_binh": "Ninh Bình",
    "merged_province": "total",
}
_TEXT_NA = ("status", "district_old", "communes", "area_basis", "area_alt", "address_2025", "note")
_FLOATS = (
    "area_ha", "industrial_ha", "leasable_ha", "leased_ha", "occupancy_pct", "jobs",
    "projects", "expansion_ha", "lon", "lat",
)  # fmt: skip


def get_path(name: str) -> Path:
    """Return the path of an embedded data file.

    The installed package's ``_data`` folder is searched first, then the repository's
    ``data/`` folder (editable install).

    Parameters
    ----------
    name : str
        A short name of :data:`DATASETS` (``"districts"``, ``"sites"``...) or a path relative
        to the data folder (``"inventory/SOURCES.md"``).

    Returns
    -------
    pathlib.Path
        Absolute path of an existing file.

    Raises
    ------
    InputFileError
        When no such file is embedded.

    Examples
    --------
    >>> get_path("districts").name
    'districts.geojson'
    >>> get_path("inventory/SOURCES.md").is_file()
    True
    """
    relative = DATASETS.get(name, name)
    for base in _CANDIDATE_DIRS:
        path = base / relative
        if path.is_file():
            return path
    raise InputFileError(
        f"Embedded data file {name!r} not found in {', '.join(str(d) for d in _CANDIDATE_DIRS)}. "
        f"Use one of {sorted(DATASETS)} or a path such as 'inventory/sites.csv'; in a source "
        f"checkout run `python scripts/build_data.py --shared ../shared` to build the data."
    )


@functools.cache
def _read_vector(name: str) -> gpd.GeoDataFrame:
    import pyogrio  # only the boundary and road layers are vector files

    # Dates stay text ("2024-03-06"), as in every other layer: GDAL would parse some of them.
    return pyogrio.read_dataframe(get_path(name), datetime_as_string=True).to_crs(STORAGE_CRS)


@functools.cache
def _read_table(name: str) -> pd.DataFrame:
    return pd.read_csv(get_path(name), dtype=str, keep_default_na=False, encoding="utf-8")


def load_province() -> gpd.GeoDataFrame:
    """Load the outline of the new Ninh Bình province (since 1 July 2025).

    Returns
    -------
    geopandas.GeoDataFrame
        One MultiPolygon in EPSG:4326: the union of the three former provinces of Open
        Development Mekong's "Địa phận tỉnh" (CC BY-SA 4.0). Columns ``name_vi``, ``name_en``,
        ``valid_from``, ``formed_from``, ``note`` and the provenance columns.

    Examples
    --------
    >>> p = load_province()
    >>> p.loc[0, "name_vi"], p.loc[0, "licence"]
    ('Ninh Bình', 'CC BY-SA 4.0')
    >>> round(float(p.to_crs(3405).area.iloc[0]) / 1e6)  # km²
    3801
    """
    return _read_vector("province").copy()


def load_former_provinces() -> gpd.GeoDataFrame:
    """Load the three provinces merged in 2025: Hà Nam, Nam Định and Ninh Bình.

    Returns
    -------
    geopandas.GeoDataFrame
        Three MultiPolygons in EPSG:4326 (Open Development Mekong, CC BY-SA 4.0): ``name_vi``,
        ``name_en``, ``code`` (HN/ND/NB, as in site ids), ``valid_until``, ``note`` and the
        provenance columns.

    Examples
    --------
    >>> load_former_provinces()["name_vi"].tolist()
    ['Hà Nam', 'Nam Định', 'Ninh Bình']
    """
    return _read_vector("former_provinces").copy()


def load_districts() -> gpd.GeoDataFrame:
    """Load the 24 former districts (before the 2025 reform) with their Vietnamese names.

    The shapes are Who's On First's pre-2013 generalised "meso" shapes, not official
    boundaries: ``accuracy`` is ``approximate``.

    Returns
    -------
    geopandas.GeoDataFrame
        24 MultiPolygons in EPSG:4326: ``district_id`` (HASC), ``name_vi`` (NFC, with
        diacritics), ``name_full`` (e.g. ``TP Nam Định``), ``name_ascii``, ``district_type``
        (``thành phố`` / ``thị xã`` / ``huyện``, as of ``district_type_as_of``),
        ``former_province``, ``wof_id``, ``note`` and the provenance columns.

    Examples
    --------
    >>> d = load_districts()
    >>> len(d), d.groupby("former_province").size().tolist()
    (24, [6, 10, 8])
    >>> d.loc[d["name_vi"] == "Duy Tiên", "name_full"].item()
    'TX Duy Tiên'
    """
    return _read_vector("districts").copy()


def load_coastline() -> gpd.GeoDataFrame:
    """Load the coastline near the province as lines (OpenStreetMap, 2017, ODbL).

    Returns
    -------
    geopandas.GeoDataFrame
        LineStrings in EPSG:4326 within 15 km of the province: ``feature``, ``length_m``
        (computed in EPSG:3405), ``note`` and the provenance columns.

    Examples
    --------
    >>> c = load_coastline()
    >>> set(c.geom_type) <= {"LineString", "MultiLineString"}, c.loc[0, "licence"]
    (True, 'ODbL 1.0')
    """
    return _read_vector("coastline").copy()


def load_roads() -> gpd.GeoDataFrame:
    """Load the national and provincial roads around the province (LegoCity, CC BY-SA 4.0).

    The railway is removed. Known gaps: the CT01 expressway is missing, route names are
    unreliable and the lines form several disconnected pieces (see ``roads/SOURCES.md``).

    Returns
    -------
    geopandas.GeoDataFrame
        Lines in EPSG:4326 clipped to the province plus 15 km: ``road_id``, ``road_class``
        (the source's road type), ``level`` (``Quốc Gia`` / ``Cấp Tỉnh`` ...), ``ref`` (the
        source's dataset code), ``name``, ``length_m`` (EPSG:3405) and the provenance columns.

    Examples
    --------
    >>> r = load_roads()
    >>> bool((r["road_class"] == "Đường sắt").any())
    False
    """
    return _read_vector("roads").copy()


def load_facts() -> pd.DataFrame:
    """Load the province's published figures on industrial clusters at the end of 2024.

    Returns
    -------
    pandas.DataFrame
        One figure a row: ``scope`` (``merged_province`` or ``former_*``), ``indicator``,
        ``value`` (float), ``unit``, ``qualifier`` (``exact`` / ``approx`` / ``at_least``),
        ``as_of``, ``source_url``, ``source_date``, ``note``.

    Examples
    --------
    >>> f = load_facts()
    >>> planned = f[f["indicator"] == "clusters_planned_2021_2030"].set_index("scope")["value"]
    >>> planned["merged_province"], planned.drop("merged_province").sum()
    (np.float64(115.0), np.float64(115.0))
    """
    facts = _read_table("facts").copy()
    facts["value"] = facts["value"].astype(float)
    return facts


def _typed_sites() -> pd.DataFrame:
    raw = _read_table("sites")
    sites = raw.copy()
    for col in _FLOATS:
        sites[col] = pd.to_numeric(sites[col].replace("", None), errors="raise").astype(float)
    sites["status_year"] = (
        pd.to_numeric(sites["status_year"].replace("", None)).round().astype("Int64")
    )
    # Unknown stays unknown (NA): a zoning rule then says "needs review", never pass or fail.
    for col in ("has_wwtp", "wwtp_compliant", "craft_village", "mountainous"):
        sites[col] = sites[col].map({"True": True, "False": False, "": pd.NA}).astype("boolean")
    sites["major"] = sites["major"].map({"True": True, "False": False}).astype(bool)
    for col in _TEXT_NA:
        sites[col] = sites[col].replace("", pd.NA)
    return sites


@functools.cache
def _site_layer() -> gpd.GeoDataFrame:
    sites = _typed_sites()
    points = gpd.GeoDataFrame(
        sites, geometry=gpd.points_from_xy(sites["lon"], sites["lat"]), crs=STORAGE_CRS
    )
    # No published footprint exists: draw the official area (or a marker) around the point.
    gdf = nominal_footprints(points, nominal_area_ha=NOMINAL_AREA_HA)
    order = [c for c in sites.columns if c != "footprint_accuracy"]
    order.insert(order.index("footprint_basis"), "footprint_accuracy")
    # Name first and source last: a plain print of the layer (pandas shows the first and last
    # columns) then reads as named sites with their sources.
    order = ["name_vi", *[c for c in order if c not in ("name_vi", "source_url")]]
    return validate_sites(gdf[[*order, "geometry", "source_url"]], layer="sites")


def _of_kind(kind: str) -> gpd.GeoDataFrame:
    # The site layer was validated once when read: its rows of one kind need no second check.
    sites = _site_layer()
    out = sites[sites["kind"] == kind].reset_index(drop=True)
    out.attrs = {**sites.attrs, "repairs": []}
    return out


def load_sites() -> gpd.GeoDataFrame:
    """Load the inventory of industrial parks (KCN) and clusters (CCN), one row per site.

    Curated from official and news pages (``inventory/SOURCES.md``); incomplete: compare with
    :func:`load_coverage`. Geometry is an *illustrative* footprint: a circle of the official
    ``area_ha`` (computed in EPSG:3405) around the site's point, or a nominal
    :data:`NOMINAL_AREA_HA` circle where the area is unknown (``area_ha`` stays NaN).

    Returns
    -------
    geopandas.GeoDataFrame
        The site layer of ``DEVELOPERS.md`` in EPSG:4326, validated with
        :func:`ninhbinh_geo.schema.validate_sites`: ``site_id``, ``name_vi``, ``kind``,
        ``former_province``, ``district_old``, ``communes``, ``status``, ``status_year``
        (Int64), areas and counts (float), ``has_wwtp`` / ``wwtp_compliant`` (boolean),
        ``craft_village`` / ``mountainous`` / ``major`` (bool), ``lon``, ``lat``,
        ``location_accuracy``, ``location_basis``, ``footprint_accuracy`` (``illustrative``),
        ``footprint_basis``, ``note`` and the provenance columns (``accuracy`` =
        ``illustrative``, the class of the drawn geometry).

    Examples
    --------
    >>> s = load_sites()
    >>> s["site_id"].is_unique, set(s["footprint_accuracy"])
    (True, {'illustrative'})
    >>> round(float(s[s["site_id"] == "KCN-ND-HOAXA"].to_crs(3405).area.iloc[0]) / 1e4, 1)
    285.4
    """
    return _site_layer().copy()


def load_parks() -> gpd.GeoDataFrame:
    """Load the industrial parks (KCN); see :func:`load_sites` for the columns.

    Returns
    -------
    geopandas.GeoDataFrame
        Parks only, EPSG:4326, index 0..n-1; ``major`` marks the hubs of the satellite network.

    Examples
    --------
    >>> parks = load_parks()
    >>> sorted(parks.loc[parks["major"], "name_vi"])[:3]
    ['KCN Bảo Minh', 'KCN Gián Khẩu', 'KCN Khánh Phú']
    """
    return _of_kind("KCN")


def load_clusters() -> gpd.GeoDataFrame:
    """Load the industrial clusters (CCN); see :func:`load_sites` for the columns.

    Returns
    -------
    geopandas.GeoDataFrame
        Clusters only, EPSG:4326, index 0..n-1.

    Examples
    --------
    >>> c = load_clusters()
    >>> mai_son = c.set_index("site_id").loc["CCN-NB-MAISON"]
    >>> mai_son["name_vi"], mai_son["area_ha"], mai_son["occupancy_pct"]
    ('CCN Mai Sơn', np.float64(44.98), np.float64(53.6))
    """
    return _of_kind("CCN")


def load_coverage() -> pd.DataFrame:
    """Compare the cluster inventory with the official counts at the end of 2024.

    The official counts are those of :func:`load_facts` (planned 21 + 70 + 24 = 115,
    operating 14 + 20 + 13 = 47). The inventory may also hold clusters proposed in draft
    plans that the final plan dropped, so a share is an upper bound of the coverage; its
    statuses are those of the sources' dates (up to 2025), not all of them end-2024.

    Returns
    -------
    pandas.DataFrame
        One row per former province and a ``total`` row: ``scope``, ``planned_official``,
        ``inventory_ccn`` (all CCN rows), ``inventory_share_pct``, ``established_official``
        (the total is the sum 19 + 36 + 17, the merged province has no published figure),
        ``inventory_established`` (CCN rows established or operating),
        ``established_share_pct``, ``operating_official``, ``inventory_operating`` (CCN rows
        with status ``operating``), ``operating_share_pct``, ``as_of``, ``source_url``.
        Shares are percentages of the official count.

    Examples
    --------
    >>> cov = load_coverage().set_index("scope")
    >>> int(cov.loc["total", "planned_official"]), int(cov.loc["total", "operating_official"])
    (115, 47)
    """
    facts = load_facts()
    facts = facts[facts["scope"].isin(_SCOPE_PROVINCE)]
    wide = facts.pivot_table(index="scope", columns="indicator", values="value", aggfunc="first")
    wide.index = wide.index.map(_SCOPE_PROVINCE)
    url = facts[facts["indicator"] == "clusters_planned_2021_2030"].set_index("scope")
    sites = _read_table("sites")  # kinds, statuses and provinces only: the raw text will do
    ccn = sites[sites["kind"] == "CCN"]
    held = ccn.groupby("former_province").size()
    operating = ccn[ccn["status"] == "operating"].groupby("former_province").size()
    # "Established" in the official count includes the operating clusters.
    established = ccn[ccn["status"] != "planned"].groupby("former_province").size()
    scopes = ["Hà Nam", "Nam Định", "Ninh Bình", "total"]
    out = pd.DataFrame({"scope": scopes})
    out["planned_official"] = out["scope"].map(wide["clusters_planned_2021_2030"]).astype(int)
    out["inventory_ccn"] = out["scope"].map(held).fillna(0).astype(int)
    out.loc[out["scope"] == "total", "inventory_ccn"] = len(ccn)
    out["inventory_share_pct"] = (100 * out["inventory_ccn"] / out["planned_official"]).round(1)
    out["established_official"] = out["scope"].map(wide["clusters_established"])
    out.loc[out["scope"] == "total", "established_official"] = (
        wide["clusters_established"].drop("total", errors="ignore").sum()
    )
    out["established_official"] = out["established_official"].astype(int)
    out["inventory_established"] = out["scope"].map(established).fillna(0).astype(int)
    out.loc[out["scope"] == "total", "inventory_established"] = int(established.sum())
    out["established_share_pct"] = (
        100 * out["inventory_established"] / out["established_official"]
    ).round(1)
    out["operating_official"] = out["scope"].map(wide["clusters_operating"]).astype(int)
    out["inventory_operating"] = out["scope"].map(operating).fillna(0).astype(int)
    out.loc[out["scope"] == "total", "inventory_operating"] = int(operating.sum())
    out["operating_share_pct"] = (
        100 * out["inventory_operating"] / out["operating_official"]
    ).round(1)
    out["as_of"] = out["scope"].map(url.set_index(url.index.map(_SCOPE_PROVINCE))["as_of"])
    out["source_url"] = out["scope"].map(
        url.set_index(url.index.map(_SCOPE_PROVINCE))["source_url"]
    )
    return out


# ------------------------------------------------------------------ layers added for issues 12-15
#: Years of the embedded WorldPop population rasters.
POPULATION_YEARS = (2000, 2020)


def load_protected_areas() -> gpd.GeoDataFrame:
    """Load the internationally designated protected and heritage areas near the province.

    Tràng An (World Heritage, 2014), Xuân Thủy (Ramsar site; also the core of the biosphere
    reserve) and the Red River Delta biosphere reserve (UNESCO MAB, 2004), as drawn in the
    LegoCity open-data layer (CC BY-SA 4.0).

    Returns
    -------
    geopandas.GeoDataFrame
        Polygons in EPSG:4326: ``area_id``, ``name_vi``, ``name_en``, ``name_source``,
        ``designation`` (``world_heritage`` / ``ramsar`` / ``biosphere_reserve``),
        ``designation_year``, ``designation_basis``, ``designation_url``,
        ``official_area_ha`` (NaN where none is published with the layer),
        ``official_area_basis``, ``area_ha`` (of the polygon, EPSG:3405), ``note`` and the
        provenance columns.

    Examples
    --------
    >>> pa = load_protected_areas().set_index("designation")
    >>> pa.loc["world_heritage", ["official_area_ha", "area_ha"]].tolist()
    [6226.0, 6203.6]
    """
    return _read_vector("protected_areas").copy()


def population_path(year: int) -> Path:
    """Return the path of the WorldPop population raster of ``year`` (2000 or 2020).

    One band, EPSG:4326, cells of 30 arc-seconds (about 0.87 × 0.92 km here), people per cell
    (float32, nodata −99999), covering the province plus 5 km; the tags carry ``source``,
    ``licence`` (CC BY 4.0), ``credit`` (required by WorldPop), ``source_date``, ``units``
    and ``year``.

    Parameters
    ----------
    year : {2000, 2020}
        Year of the population estimate.

    Returns
    -------
    pathlib.Path
        Path of an existing GeoTIFF.

    Raises
    ------
    InputFileError
        For a year that is not embedded.

    Examples
    --------
    >>> population_path(2020).name
    'worldpop_ppp_2020_1km_ninhbinh.tif'
    """
    if year not in POPULATION_YEARS:
        raise InputFileError(
            f"No embedded population raster for {year!r}; use one of {POPULATION_YEARS}."
        )
    return get_path(f"population_{year}")


@functools.cache
def _population_cells(year: int) -> gpd.GeoDataFrame:
    import numpy as np
    import rasterio  # a raster reader only when asked: importing the package stays light

    with rasterio.open(population_path(year)) as src:
        counts = src.read(1, masked=True)
        tags = src.tags()
        transform = src.transform
    rows, cols = np.nonzero(~np.ma.getmaskarray(counts))
    xs = transform.c + (cols + 0.5) * transform.a
    ys = transform.f + (rows + 0.5) * transform.e
    cells = gpd.GeoDataFrame(
        {
            "row": rows.astype("int32"),
            "col": cols.astype("int32"),
            "people": counts.data[rows, cols].astype(float),
            "year": year,
            "source": tags["source"],
            "source_url": tags["source_url"],
            "source_date": tags["source_date"],
            "licence": tags["licence"],
            "accuracy": tags["accuracy"],
        },
        geometry=gpd.points_from_xy(xs, ys),
        crs=STORAGE_CRS,
    )
    cells.attrs = {"credit": tags["credit"], "units": tags["units"], "transform": tuple(transform)}
    return cells


def load_population(year: int) -> gpd.GeoDataFrame:
    """Load the WorldPop population of ``year`` as one point per 1 km cell (its centre).

    Cells are those of :func:`population_path` with data (nodata dropped); counts are the
    model's people per cell, unchanged. Limits (``population/SOURCES.md``): 1 km cells; an
    unconstrained model that spreads people over all land; the 2020 total reads about 7 %
    below the 2019 census.

    Parameters
    ----------
    year : {2000, 2020}
        Year of the population estimate.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326: ``row``, ``col`` (cell of the raster), ``people`` (float),
        ``year`` and the provenance columns; ``attrs`` holds ``credit`` (to print with any
        figure), ``units`` and the raster's ``transform``.

    Raises
    ------
    InputFileError
        For a year that is not embedded.

    Examples
    --------
    >>> pop = load_population(2020)
    >>> inside = pop.within(load_province().geometry.iloc[0])
    >>> int(round(pop.loc[inside, "people"].sum(), -3))
    3359000
    >>> pop.attrs["credit"].startswith("WorldPop")
    True
    """
    cells = _population_cells(year).copy()
    cells.attrs = dict(_population_cells(year).attrs)
    return cells


def load_places() -> gpd.GeoDataFrame:
    """Load the towns and cities within 15 km of the province (GeoNames, CC BY 4.0).

    The GeoNames extract has ASCII names and no population: ``name_vi`` is filled only for
    district seats named after their former district.

    Returns
    -------
    geopandas.GeoDataFrame
        Points in EPSG:4326: ``name`` (GeoNames), ``name_vi`` (NFC or NA),
        ``name_vi_basis``, ``place_type`` (``thành phố`` / ``thị trấn`` / NA, from the
        name's prefix), ``feature_class`` (``P``, populated place), ``admin1``,
        ``in_province`` (bool), ``note`` and the provenance columns.

    Examples
    --------
    >>> places = load_places()
    >>> places.loc[places["name"] == "Thanh Pho Nam Dinh", "name_vi"].item()
    'Nam Định'
    """
    places = _read_vector("places").copy()
    for col in ("name_vi", "name_vi_basis", "place_type"):
        places[col] = places[col].replace("", pd.NA)
    return places


def load_rivers() -> gpd.GeoDataFrame:
    """Load the rivers within 15 km of the province (GSHHG 2.3.7 WDBII, LGPL-3.0-or-later).

    WDBII rivers have no names. Cite Wessel and Smith (1996), J. Geophys. Res. 101(B4),
    8741-8743; the licence texts are in ``hydro/COPYING.LESSER`` and ``hydro/COPYING``.

    Returns
    -------
    geopandas.GeoDataFrame
        Lines in EPSG:4326: ``river_id``, ``river_class`` (GMT class: 0 double-lined river
        outline, 2 additional major, 3 additional, 4 minor), ``class_desc``, ``length_m``
        (after clipping, EPSG:3405), ``note`` and the provenance columns.

    Examples
    --------
    >>> rivers = load_rivers()
    >>> sorted(set(rivers["river_class"])), rivers.loc[0, "licence"]
    ([0, 3, 4], 'LGPL-3.0-or-later')
    """
    return _read_vector("rivers").copy()
