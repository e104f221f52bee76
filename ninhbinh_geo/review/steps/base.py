"""The step record, the order of the review's layers, and small helpers the steps share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..options import ReviewState

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


#: Largest hazard raster traced into polygons for the maps (cells); larger ones are not drawn.
MAX_DISPLAY_CELLS = 4_000_000

#: Order of the layers in the GeoPackage and the QGIS project (bottom first). A layer a step
#: adds is written only when its name is listed here.
LAYER_ORDER = (
    "province",
    "former_provinces",
    "districts",
    "protected_areas",
    "coastline",
    "roads",
    "hazard",
    "sea_level_zones",
    "service_areas",
    "exposure",
    "flood_cut_roads",
    "satellite_links",
    "candidate_sites",
    "parks",
    "clusters",
    "zoning_findings",
)


@dataclass(frozen=True)
class Step:
    """One analysis of the review: the progress line it prints and the function it runs."""

    message: str
    run: Callable[[ReviewState], ReviewState]


def _thresholds(options: object) -> str:
    by_class = "; ".join(f"{k}: {v:g}" for k, v in options.flood_close_m_by_class.items())
    return f"{options.flood_close_m:g}" + (f" ({by_class})" if by_class else "")


def _worst(*accuracies: pd.Series) -> str:
    """Return the least accurate class among several columns (missing: illustrative)."""
    from ..._provenance import ACCURACY_CLASSES

    seen = {a for col in accuracies for a in col.dropna()}
    ranks = [ACCURACY_CLASSES.index(a) if a in ACCURACY_CLASSES else 3 for a in seen] or [3]
    return ACCURACY_CLASSES[max(ranks)]
