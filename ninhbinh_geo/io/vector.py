"""Vector files through pyogrio: GeoPackage, GeoJSON and Shapefile; their layers, text and CRS.

Problems are found before GDAL is asked, so that its advice never reaches a planner: a file of
0 bytes, a GeoPackage that is no SQLite database, a Shapefile without its ``.dbf`` or ``.shx``.
A Shapefile without ``.cpg`` does not say how its text is encoded: its bytes are kept and
decoded by :mod:`~ninhbinh_geo.io.encodings` (UTF-8, TCVN3, VNI or Windows-1258). A polygon
whose ring is not closed is named and refused, or closed with ``repair=True``.

A file with several layers needs ``layer=``; an empty layer is refused; a file without CRS
needs ``crs=`` (the message names the CRSs its coordinates fit); a ``crs=`` that contradicts the
file's own plausible CRS is refused rather than applied.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
import shapely.errors

from .. import crs as _crs
from .._errors import CRSError, InputFileError, first_ids
from .coordinates import LAT_RANGE, LON_RANGE, _in, _is_metres, _metres_advice
from .spelling import _fold

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _sibling(path: Path, suffix: str) -> Path | None:
    """Find the file next to ``path`` with ``suffix`` in any letter case, if it exists."""
    for candidate in path.parent.glob(f"{path.stem}.*"):
        if candidate.suffix.lower() == suffix:
            return candidate
    return None


def _check_file(path: Path, fmt: str) -> None:
    """Refuse, in plain words, the files GDAL would refuse with its own advice."""
    if path.stat().st_size == 0:
        raise InputFileError(
            f"File '{path.name}' is empty (0 bytes): the copy or the export did not finish. "
            f"Export the {fmt} again (in QGIS: Export > Save Features As)."
        )
    if fmt == "GeoPackage":
        with path.open("rb") as f:
            if f.read(16) != _SQLITE_MAGIC:
                raise InputFileError(
                    f"File '{path.name}' cannot be opened as GeoPackage: it is not an SQLite "
                    f"database (perhaps another format renamed .gpkg, or a damaged copy). Export "
                    f"it again from QGIS (Export > Save Features As > GeoPackage)."
                )
    if fmt == "Shapefile":
        for suffix, what in ((".shx", "the index"), (".dbf", "the attribute table")):
            if _sibling(path, suffix) is None:
                raise InputFileError(
                    f"Shapefile '{path.name}': {what} '{path.stem}{suffix}' is missing next to "
                    f"it. A Shapefile is several files (.shp, .shx, .dbf, .prj, .cpg) that must "
                    f"be copied together: copy '{path.stem}{suffix}' into {path.parent}, or "
                    f"send the layer as a GeoPackage."
                )


def _layers(path: Path, layer: str | None, fmt: str, notes: list[str]) -> str | None:
    """Return the layer to read: ``layer``, or the only one (with geometry); refuse otherwise."""
    try:
        listed = pyogrio.list_layers(path)
    except pyogrio.errors.DataSourceError:
        raise InputFileError(
            f"File '{path.name}' cannot be opened as {fmt}: it is damaged or not a {fmt} file. "
            f"Open it in QGIS and export it again."
        ) from None
    layers = [str(name) for name, _ in listed]
    spatial = [str(name) for name, kind in listed if kind is not None]
    if layer is None and len(layers) > 1 and len(spatial) == 1:
        notes.append(f"layer '{spatial[0]}' read: the only one with geometry (others: "
                     f"{[n for n in layers if n != spatial[0]]})")  # fmt: skip
        return spatial[0]
    if layer is not None and layer not in layers:
        raise InputFileError(
            f"File '{path.name}': layer '{layer}' not found. Available layers: {layers}. "
            f"Pass --layer '<one of them>' (Python: layer='<name>')."
        )
    if layer is None and len(layers) > 1:
        raise InputFileError(
            f"File '{path.name}' holds {len(layers)} layers: {layers}. Choose one: pass --layer "
            f"'{layers[0]}' (Python: layer='{layers[0]}')."
        )
    return layer


def _read_vector(
    path: Path, layer: str | None, fmt: str, *, repair: bool
) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    """Read one layer; return it, the source of its text ("bytes" or "unicode") and notes."""
    _check_file(path, fmt)
    notes: list[str] = []
    layer = _layers(path, layer, fmt, notes)
    encoding, source = None, "unicode"
    if fmt == "Shapefile" and _sibling(path, ".cpg") is None:
        encoding, source = "latin1", "bytes"
        notes.append(
            f"'{path.stem}.cpg' (which names the encoding) is missing: the encoding was found "
            f"from the text itself"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's own words stay out
            gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except shapely.errors.GEOSException:
        gdf, note = _read_broken(path, layer, encoding, repair=repair)
        notes.append(note)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        raise InputFileError(
            f"File '{path.name}' cannot be read as {fmt}: it is damaged. Open it in QGIS and "
            f"export it again."
        ) from None
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputFileError(
            f"File '{path.name}', layer '{layer or 'default'}' is a table without geometry. "
            f"Choose a layer with points or polygons (--layer), or add lon/lat columns and save "
            f"it as CSV."
        )
    if gdf.empty:
        raise InputFileError(
            f"File '{path.name}', layer '{layer or 'default'}' is empty (no features). Check "
            f"the layer (--layer) or the export that produced the file."
        )
    return gdf, source, notes


def _read_broken(
    path: Path, layer: str | None, encoding: str | None, *, repair: bool
) -> tuple[gpd.GeoDataFrame, str]:
    """Read a layer some of whose polygons GEOS refuses (a ring not closed); name or fix them."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        meta, _, wkb, fields = pyogrio.raw.read(path, layer=layer, encoding=encoding)
    frame = pd.DataFrame(dict(zip(meta["fields"], fields, strict=True)))
    parsed = shapely.from_wkb(wkb, on_invalid="ignore")
    bad = [
        i for i, (w, g) in enumerate(zip(wkb, parsed, strict=True)) if w is not None and g is None
    ]
    names = next(
        (c for c in frame.columns if _fold(c) in ("name", "ten", "ten ccn", "ten kcn")), None
    )
    listed = [f"feature {i + 1}" + (f" ({frame[names].iloc[i]})" if names else "") for i in bad]
    if not repair:
        raise InputFileError(
            f"File '{path.name}': the polygon rings of {len(bad)} features are not closed (their "
            f"last point is not their first): {first_ids(listed)}. Pass --repair (Python: "
            f"repair=True) to close them, or fix them in QGIS (Vector > Geometry Tools > Check "
            f"Validity)."
        )
    geometry = shapely.from_wkb(wkb, on_invalid="fix")
    gdf = gpd.GeoDataFrame(frame, geometry=list(geometry), crs=meta["crs"])
    return gdf, f"geometry: closed the rings of {len(bad)} features (repair): {first_ids(listed)}"


_INVALID = {
    "Self-intersection": "its outline crosses itself",
    "Ring Self-intersection": "a ring touches itself",
    "Too few points": "it has fewer than three distinct points",
    "Hole lies outside shell": "a hole lies outside the outline",
    "Nested holes": "holes lie inside each other",
    "Nested shells": "parts lie inside each other",
    "Interior is disconnected": "a hole cuts it in two",
    "Invalid Coordinate": "a coordinate is not a number",
}


def _check_valid(
    gdf: gpd.GeoDataFrame, path: Path, *, repair: bool, report: list[str]
) -> gpd.GeoDataFrame:
    """Refuse invalid polygons, named with what is wrong; with ``repair``, mend them (reported).

    A mended polygon keeps the polygonal part of :func:`shapely.make_valid`'s result.
    """
    geometry = gdf.geometry
    polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    invalid = polygonal & ~geometry.is_valid.to_numpy()
    if not invalid.any():
        return gdf
    reasons = shapely.is_valid_reason(geometry.values[invalid])
    what = [_INVALID.get(str(r).split("[", 1)[0].strip(), "it is not a valid polygon")
            for r in reasons]  # fmt: skip
    labels = gdf.attrs.get("row_labels") or [f"feature {i + 1}" for i in range(len(gdf))]
    listed = [f"{labels[i]}: {w}" for i, w in zip(np.flatnonzero(invalid), what, strict=True)]
    mended = [_polygonal(g) for g in shapely.make_valid(geometry.values[invalid])]
    if not repair or any(g.is_empty for g in mended):
        fix = (
            "Pass --repair (Python: repair=True) to mend them (reported), or fix them"
            if not repair
            else "--repair leaves no polygon of some of them: redraw them"
        )
        raise InputFileError(
            f"File '{path.name}': {int(invalid.sum())} polygons are not valid: "
            f"{first_ids(listed)}. {fix} in QGIS (Vector > Geometry Tools > Fix Geometries)."
        )
    out = gdf.copy()
    values = out.geometry.values.copy()
    values[invalid] = mended
    out = out.set_geometry(gpd.GeoSeries(values, index=out.index, crs=out.crs))
    report.append(f"geometry: mended {int(invalid.sum())} invalid polygons (--repair): "
                  f"{first_ids(listed)}")  # fmt: skip
    return out


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Keep the polygonal part of a geometry (make_valid may add stray lines or points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _swap_if_asked(
    gdf: gpd.GeoDataFrame, lonlat: str | None, report: list[str]
) -> gpd.GeoDataFrame:
    """With ``lonlat="auto"``, swap the axes of the features whose x is a latitude."""
    if lonlat != "auto" or gdf.crs is None or not pyproj.CRS(gdf.crs).is_geographic:
        return gdf
    points = gdf.geometry.representative_point()
    swap = np.array(
        [
            p is not None and not p.is_empty and _in(p.x, LAT_RANGE) and _in(p.y, LON_RANGE)
            for p in points
        ]
    )
    if not swap.any():
        return gdf
    out = gdf.copy()
    out.loc[swap, out.geometry.name] = shapely.transform(
        out.geometry[swap].values, lambda xy: xy[:, ::-1]
    )
    report.append(
        f"geometry: longitude and latitude swapped back in {int(swap.sum())} features "
        f"(--lonlat auto)"
    )
    return out


def _with_file_crs(
    gdf: gpd.GeoDataFrame, path: Path, crs: pyproj.CRS | None, report: list[str]
) -> gpd.GeoDataFrame:
    """Set ``crs`` on a layer without CRS (or mislabelled); refuse one that contradicts the file."""
    bounds = gdf.geometry.bounds
    x = bounds[["minx", "maxx"]].to_numpy().ravel()
    y = bounds[["miny", "maxy"]].to_numpy().ravel()
    metres = _is_metres(x, y)
    if gdf.crs is None:
        if crs is None:
            raise CRSError(
                f"File '{path.name}' has no CRS (a Shapefile without .prj?). "
                + _advice(x, y, metres)
            )
        return gdf.set_crs(crs)
    declared = pyproj.CRS.from_user_input(gdf.crs)
    if declared.is_geographic and metres:
        if crs is None:
            raise CRSError(
                f"File '{path.name}' declares {declared.to_string()} (degrees) but holds metres "
                f"(x up to {np.nanmax(np.abs(x)):.0f}). " + _advice(x, y, metres)
            )
        report.append(
            f"CRS: the file declares {declared.to_string()} but holds metres; read "
            f"in {crs.to_string()} as passed (crs=)"
        )
        return gdf.set_crs(crs, allow_override=True)
    if crs is not None and not declared.equals(crs):
        raise CRSError(
            f"File '{path.name}' declares {gdf.crs.to_string()} but --crs {crs.to_string()} "
            f"was passed. Drop --crs to use the file's CRS."
        )
    return gdf


def _advice(x: np.ndarray, y: np.ndarray, metres: bool) -> str:
    if not metres:
        return (
            "Its coordinates are degrees: pass --crs EPSG:4326 (WGS 84: GPS, Google Earth) or "
            "--crs EPSG:4756 (VN-2000 geographic) (Python: crs='EPSG:4326')."
        )
    finite = np.isfinite(x) & np.isfinite(y)
    swapped = bool(np.median(x[finite]) > np.median(y[finite]))
    e, n = (y, x) if swapped else (x, y)
    return _metres_advice(e[finite], n[finite], swapped=swapped)


def _geographic_plausible(gdf: gpd.GeoDataFrame, layer: str) -> None:
    """Refuse swapped axes with the fix (the shared check names Python arguments only)."""
    try:
        _crs.check_coordinates(gdf, layer)
    except CRSError as exc:
        if "swapped" in str(exc):
            raise CRSError(
                f"Layer '{layer}': longitude and latitude look swapped (x near 20, y near 106; "
                f"Ninh Bình lies near longitude 106, latitude 20). Pass --lonlat auto (Python: "
                f"lonlat='auto') to swap them back."
            ) from None
        raise
