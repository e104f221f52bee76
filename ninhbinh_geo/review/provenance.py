"""Provenance of the layers a review derives, and the sources table of the report.

The review adds ``source``, ``source_date``, ``licence`` and ``accuracy`` to every layer it
derives: satellite links and findings take the worst accuracy of their sites, exposure and
hazard zones take the tags of their raster (or what the file itself tells).
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._provenance import ACCURACY_CLASSES

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

__all__ = ["raster_provenance", "sources_table", "with_derived_provenance", "worst_accuracy"]

_RASTER_SUFFIX = re.compile(r"\.(tif|tiff|vrt|nc|img)$", flags=re.IGNORECASE)


def worst_accuracy(*classes: pd.Series) -> pd.Series:
    """Row-wise worst accuracy class of aligned Series (missing counts as illustrative).

    Examples
    --------
    >>> import pandas as pd
    >>> a, b = pd.Series(["surveyed", "digitized"]), pd.Series(["approximate", None])
    >>> worst_accuracy(a, b).tolist()
    ['approximate', 'illustrative']
    """
    import pandas as pd

    rank = {c: i for i, c in enumerate(ACCURACY_CLASSES)}
    ranks = pd.concat([c.map(rank) for c in classes], axis=1).fillna(len(ACCURACY_CLASSES) - 1)
    return ranks.max(axis=1).astype(int).map(dict(enumerate(ACCURACY_CLASSES)))


def raster_provenance(paths: Sequence[Path]) -> pd.DataFrame:
    """Source, licence and date of each hazard raster, from its tags or the file itself.

    Returns
    -------
    pandas.DataFrame
        One row per raster: ``hazard`` (file name without suffix), ``source``, ``licence``,
        ``source_date`` (the file's date when the raster has no ``source_date`` tag).
    """
    import pandas as pd
    import rasterio

    rows = []
    for p in paths:
        with rasterio.open(p) as ds:
            tags = ds.tags()
        date = time.strftime("%Y-%m-%d", time.localtime(Path(p).stat().st_mtime))
        rows.append(
            {
                "hazard": _RASTER_SUFFIX.sub("", Path(p).name),
                "source": tags.get("source")
                or tags.get("title")
                or f"hazard raster {Path(p).name}",
                "licence": tags.get("licence") or tags.get("license") or "not stated (user file)",
                "source_date": tags.get("source_date") or date,
            }
        )
    return pd.DataFrame(rows)


def _with_raster_provenance(
    layers: dict[str, gpd.GeoDataFrame], hazards: Sequence[Path]
) -> dict[str, gpd.GeoDataFrame]:
    hz = raster_provenance(hazards).set_index("hazard")
    for name in ("exposure", "hazard"):
        gdf = layers.get(name)
        if gdf is None:
            continue
        gdf = gdf.copy()
        for col in ("source", "licence", "source_date"):
            gdf[col] = gdf["hazard"].map(hz[col])
        layers[name] = gdf
    return layers


def with_derived_provenance(
    layers: Mapping[str, gpd.GeoDataFrame], hazards: Sequence[Path]
) -> dict[str, gpd.GeoDataFrame]:
    """Give the layers the review derives the provenance of what they were derived from.

    Parameters
    ----------
    layers : mapping of str to GeoDataFrame
        The review's layers, with ``clusters``, ``parks``, ``satellite_links`` and
        ``zoning_findings`` (``exposure`` and ``hazard`` when present).
    hazards : sequence of path
        The hazard rasters the exposure was measured on.

    Returns
    -------
    dict of str to GeoDataFrame
        The same layers; the derived ones are copies with ``source``, ``source_date``,
        ``licence`` and ``accuracy``.
    """
    import pandas as pd

    today = time.strftime("%Y-%m-%d")
    sites = pd.concat([layers["clusters"], layers["parks"]])
    accuracy = sites.set_index("site_id")["accuracy"]
    out = _with_raster_provenance(dict(layers), hazards)
    links = out["satellite_links"].copy()
    links["source"] = "ninhbinh_geo.proximity / network, from the clusters and parks layers"
    links["source_date"] = today
    links["licence"] = "derived from the clusters and parks layers (their licences apply)"
    links["accuracy"] = worst_accuracy(
        links["site_id"].map(accuracy), links["park_id"].map(accuracy)
    )
    out["satellite_links"] = links
    findings = out["zoning_findings"].copy()
    findings["source"] = "ninhbinh_geo.zoning rules table applied to the clusters layer"
    findings["source_date"] = today
    findings["licence"] = "rules: facts with legal citations; sites: their own licences"
    findings["accuracy"] = findings["site_id"].map(accuracy)
    out["zoning_findings"] = findings
    return out


def sources_table(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """Count the rows of every layer by source, licence and accuracy, for the report.

    Examples
    --------
    >>> import pandas as pd
    >>> t = sources_table({"parks": pd.DataFrame({"source": ["a", "a"], "licence": ["CC0"] * 2,
    ...                                            "accuracy": ["approximate"] * 2})})
    >>> t.to_dict("records")
    [{'layer': 'parks', 'source': 'a', 'licence': 'CC0', 'accuracy': 'approximate', 'rows': 2}]
    """
    import pandas as pd

    rows = []
    for name, gdf in layers.items():
        cols = [c for c in ("source", "licence", "accuracy") if c in gdf.columns]
        if not cols:
            continue
        grouped = gdf[cols].astype(str).value_counts().reset_index(name="rows")
        grouped.insert(0, "layer", name)
        rows.append(grouped)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
