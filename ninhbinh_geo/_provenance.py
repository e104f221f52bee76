"""Provenance columns carried by every layer and row."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["ACCURACY_CLASSES", "PROVENANCE_COLUMNS", "with_provenance"]

#: Accuracy classes, best first. ``illustrative`` marks anything made up or modelled without
#: real input; it must show in attributes, legends and the report.
ACCURACY_CLASSES = ("surveyed", "digitized", "approximate", "illustrative")
PROVENANCE_COLUMNS = ("source", "source_url", "source_date", "licence", "accuracy")


def with_provenance(
    gdf: gpd.GeoDataFrame,
    *,
    source: str,
    source_date: str,
    licence: str,
    accuracy: str,
    source_url: str = "",
) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` with the provenance columns set on every row.

    Columns already present are kept (row-level provenance wins over the layer's).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Any layer.
    source, source_date, licence, source_url : str
        Where the layer comes from, when, and under which licence.
    accuracy : {"surveyed", "digitized", "approximate", "illustrative"}
        Accuracy class of the geometry.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy with ``source``, ``source_url``, ``source_date``, ``licence``, ``accuracy``.

    Raises
    ------
    ValueError
        When ``accuracy`` is not one of :data:`ACCURACY_CLASSES`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> g = gpd.GeoDataFrame(geometry=[Point(106, 20)], crs=4326)
    >>> with_provenance(g, source="demo", source_date="2025", licence="CC0",
    ...                 accuracy="illustrative")["accuracy"].tolist()
    ['illustrative']
    """
    if accuracy not in ACCURACY_CLASSES:
        raise ValueError(f"accuracy must be one of {ACCURACY_CLASSES}, not {accuracy!r}")
    out = gdf.copy()
    values = {
        "source": source,
        "source_url": source_url,
        "source_date": source_date,
        "licence": licence,
        "accuracy": accuracy,
    }
    for col, val in values.items():
        if col not in out.columns:
            out[col] = val
        else:
            out[col] = out[col].where(out[col].notna() & (out[col].astype(str) != ""), val)
    return out
