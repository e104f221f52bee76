"""Hazard rasters: naming them, opening and checking them, their units and accuracy tags.

The unit of the depths is decided in :func:`_raster_units`: the ``units`` option (``--units``),
else the band's declared unit, else a unit word in the file name (``depth_cm.tif``,
``ngap (cm).tif``), else metres.

Also the plausibility of the depths read (centimetres read as metres, undeclared nodata, the
colours of a map picture instead of depths) and the packaged ILLUSTRATIVE proxy rasters
(:func:`illustrative_hazard_paths`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import rasterio
from rasterio.enums import ColorInterp

from .._errors import CRSError, InputFileError, SchemaError, first_ids
from .._provenance import ACCURACY_CLASSES
from .periods import _strip_suffix, parse_return_period

__all__ = [
    "CM_SUSPECT_DEPTH_M",
    "IMPLAUSIBLE_MEAN_DEPTH_M",
    "UNDECLARED_NODATA_BELOW_M",
    "illustrative_hazard_paths",
]

#: No river or coastal flood of the Red River Delta comes near 50 m of water: a raster whose
#: values over the sites exceed this is almost certainly in centimetres.
CM_SUSPECT_DEPTH_M = 50.0
#: Depths below this are not water but an undeclared nodata value such as -9999 or -32768.
UNDECLARED_NODATA_BELOW_M = -1.0
#: A mean depth above this over the flooded parts of all the sites is no flood of the delta
#: (the deepest floods of the province, Nho Quan and Gia Viễn in 2017, stood 2-3 m deep in the
#: lowest fields): depths in centimetres read as metres give 10-100 m.
IMPLAUSIBLE_MEAN_DEPTH_M = 5.0
_CM_WORDS = {"cm", "centimet", "centimeter", "centimetre", "centimeters", "centimetres"}

HazardInput = str | os.PathLike | rasterio.io.DatasetReader


def _name_of(src: HazardInput) -> str:
    if isinstance(src, rasterio.io.DatasetReaderBase):
        return Path(src.name).name
    return Path(str(src)).name


def _hazard_specs(hazards: Any) -> list[tuple[str, float, HazardInput]]:
    """Normalise ``hazards`` into (label, return_period, source) triples."""
    specs: list[tuple[str, float, HazardInput]] = []
    if isinstance(hazards, (str, os.PathLike, rasterio.io.DatasetReaderBase)):
        hazards = [hazards]
    if isinstance(hazards, Mapping):
        for key, src in hazards.items():
            if isinstance(key, (int, float)) and not isinstance(key, bool):
                specs.append((f"rp{float(key):g}", float(key), src))
            else:
                rp = parse_return_period(str(key))
                if rp is None:
                    rp = parse_return_period(_name_of(src))
                specs.append((str(key), np.nan if rp is None else rp, src))
    elif isinstance(hazards, Sequence) and hazards:
        for src in hazards:
            name = _name_of(src)
            rp = parse_return_period(name)
            specs.append((_strip_suffix(name), np.nan if rp is None else rp, src))
    else:
        raise SchemaError(
            "hazards must be a raster path, an open rasterio dataset, a list of paths, or a dict "
            "{label or return period: path}; got "
            f"{type(hazards).__name__ if not isinstance(hazards, Sequence) else 'an empty list'}."
        )
    labels = [s[0] for s in specs]
    dup = sorted({x for x in labels if labels.count(x) > 1})
    if dup:
        raise SchemaError(f"Hazard labels must be unique; repeated: {first_ids(dup)}.")
    return specs


def _open_raster(src: HazardInput, label: str) -> tuple[rasterio.io.DatasetReader, bool]:
    """Open ``src`` (path or open dataset); return the dataset and whether we must close it."""
    if isinstance(src, rasterio.io.DatasetReaderBase):
        if src.closed:
            raise InputFileError(f"Hazard raster '{label}' is a closed dataset; open it again.")
        return src, False
    if not isinstance(src, (str, os.PathLike)):
        raise InputFileError(
            f"Hazard '{label}' must be a path to a GeoTIFF (or any raster GDAL reads) or an open "
            f"rasterio dataset, not {type(src).__name__}."
        )
    path = Path(src)
    if not str(src).startswith(("/vsi", "http://", "https://")) and not path.exists():
        raise InputFileError(f"Hazard raster '{label}': file {str(path)!r} does not exist.")
    try:
        ds = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputFileError(
            f"Hazard raster '{label}': {str(path)!r} is not a raster GDAL can read ({exc}). "
            f"Give a GeoTIFF of flood depth in metres (Aqueduct, Fathom, or sealevel output)."
        ) from None
    return ds, True


def _check_raster(ds: rasterio.io.DatasetReader, label: str, band: int) -> None:
    if ds.crs is None:
        raise CRSError(
            f"Hazard raster '{label}' ({ds.name}) has no CRS, so the sites cannot be placed on "
            f"it. Assign the CRS the grid is in, e.g. `gdal_edit.py -a_srs EPSG:4326 file.tif` "
            f"(Aqueduct and Fathom grids are EPSG:4326)."
        )
    if not 1 <= band <= ds.count:
        raise InputFileError(
            f"Hazard raster '{label}' has {ds.count} band(s); band={band} does not exist."
        )
    _refuse_colours(ds, label)
    t = ds.transform
    if t.b != 0 or t.d != 0:
        raise InputFileError(
            f"Hazard raster '{label}' has a rotated grid, which exactextract cannot read. Warp "
            f"it north-up first: `gdalwarp in.tif out.tif`."
        )


def _refuse_colours(ds: rasterio.io.DatasetReader, label: str) -> None:
    """Refuse a picture of a flood map (colour bands or a palette) offered as depths."""
    interp = set(ds.colorinterp)
    rgb = {ColorInterp.red, ColorInterp.green, ColorInterp.blue}
    colours = (
        (ds.count >= 3 and all(dt == "uint8" for dt in ds.dtypes))
        or rgb <= interp
        or ColorInterp.palette in interp
    )
    if colours:
        what = "a colour palette" if ColorInterp.palette in interp else f"{ds.count} colour bands"
        raise SchemaError(
            f"Hazard raster '{label}' holds {what} of 0-255, not water depths: it is a picture of "
            f"a flood map. Use the depth raster the map was drawn from (one band of depths in "
            f"metres or centimetres, e.g. from the flood model or Aqueduct/Fathom)."
        )


def _raster_accuracy(ds: rasterio.io.DatasetReader, band: int) -> str:
    for tags in (ds.tags(band), ds.tags()):
        value = str(tags.get("accuracy", tags.get("ACCURACY", ""))).strip().lower()
        if value in ACCURACY_CLASSES:
            return value
    return "approximate"


def _least_accurate(frame: pd.DataFrame) -> str:
    """Return the least accurate class in ``frame['accuracy']`` (``approximate`` if none)."""
    order = {a: i for i, a in enumerate(ACCURACY_CLASSES)}
    if "accuracy" in frame:
        accs = [x for x in frame["accuracy"].dropna() if x in order]
        if accs:
            return max(accs, key=order.__getitem__)
    return "approximate"


def _raster_units(ds: rasterio.io.DatasetReader, band: int, units: str | None) -> str:
    """Decide the unit of the depths: ``units``, else the band's declared unit, else the name."""
    if units is not None:
        if units not in ("m", "cm"):
            raise SchemaError(f"units must be 'm' or 'cm' (--units m|cm), not {units!r}.")
        return units
    declared = (ds.units[band - 1] or ds.tags(band).get("units", "")).strip().lower()
    if declared:
        return "cm" if declared in _CM_WORDS else "m"
    words = set(re.split(r"[^a-z0-9]+", _strip_suffix(Path(ds.name).name).lower()))
    return "cm" if words & _CM_WORDS else "m"


def _check_depth_range(
    vmin: float, vmax: float, label: str, unit_name: str, mean: float = np.nan
) -> None:
    """Refuse depths that are centimetres read as metres, or an undeclared nodata value.

    ``vmin`` and ``vmax`` are the extreme valid depths over the sites (NaN when none), ``mean``
    the mean depth over their flooded parts.
    """
    read = "metres" if unit_name == "m" else "metres after dividing by 100"
    if vmax > CM_SUSPECT_DEPTH_M:
        raise SchemaError(
            f"Hazard raster '{label}' has depths up to {vmax:g} over the sites, read as {read}. "
            f"Depths above {CM_SUSPECT_DEPTH_M:g} m do not occur here: the raster is probably "
            f"in centimetres — pass --units cm (Python: units='cm') — or holds an undeclared "
            f"nodata value (pass nodata=<value>)."
        )
    if unit_name == "m" and mean > IMPLAUSIBLE_MEAN_DEPTH_M:
        raise SchemaError(
            f"Hazard raster '{label}' gives a mean depth of {mean:.1f} m over the flooded parts "
            f"of the sites, read as metres (neither its metadata nor its name gives a unit). "
            f"Floods here are not that deep (mean above {IMPLAUSIBLE_MEAN_DEPTH_M:g} m): the "
            f"raster is probably in centimetres. Pass --units cm (Python: units='cm'), or tag "
            f"the band's unit (`gdal_edit.py -units cm`)."
        )
    if vmin < UNDECLARED_NODATA_BELOW_M:
        raise SchemaError(
            f"Hazard raster '{label}' has depths down to {vmin:g} m over the sites: "
            f"negative depths are not water but an undeclared nodata value. Pass "
            f"nodata={vmin:g} (or set it with `gdal_edit.py -a_nodata {vmin:g}`)."
        )


def _hazard_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data" / "hazard", package.parent / "data" / "hazard"):
        if candidate.is_dir():
            return candidate
    raise InputFileError(
        "The packaged hazard data (data/hazard) is missing from this installation; reinstall "
        "ninhbinh_geo or run scripts/make_illustrative_hazard.py."
    )


def illustrative_hazard_paths() -> dict[float, Path]:
    """Return the packaged ILLUSTRATIVE proxy flood-depth rasters by return period.

    They are no flood model: depth decreases with distance from the coast and from the
    major rivers (see ``data/hazard/SOURCES.md``), tagged ``accuracy=illustrative``. Use them
    to try the pipeline; replace them by real depth rasters (Aqueduct, Fathom, or
    :func:`ninhbinh_geo.sealevel.inundation_depth` on a DEM) for any conclusion.

    Returns
    -------
    dict of float to pathlib.Path
        ``{return period in years: path}``, ready for
        :func:`~ninhbinh_geo.exposure.raster_exposure`.

    Raises
    ------
    InputFileError
        When the packaged data are missing.

    Examples
    --------
    >>> sorted(illustrative_hazard_paths())
    [10.0, 100.0, 1000.0]
    """
    out: dict[float, Path] = {}
    for path in sorted(_hazard_dir().glob("illustrative_depth_rp*.tif")):
        rp = parse_return_period(path.name)
        if rp is not None:
            out[rp] = path
    if not out:
        raise InputFileError(
            f"No illustrative_depth_rp*.tif in {_hazard_dir()}; run "
            f"scripts/make_illustrative_hazard.py."
        )
    return dict(sorted(out.items()))
