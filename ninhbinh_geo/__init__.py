"""ninhbinh_geo: planning analysis of the industrial clusters and parks of Ninh Bình province.

Submodules are imported on first use, so ``import ninhbinh_geo as nb`` stays fast and
``nb.datasets.load_clusters()`` works without further imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_SUBMODULES = (
    "crs",
    "datasets",
    "diff",
    "efficiency",
    "exposure",
    "formatting",
    "io",
    "labels",
    "network",
    "proximity",
    "qgis",
    "report",
    "review",
    "risk",
    "schema",
    "sealevel",
    "sealevel_uncertainty",
    "staticmap",
    "styles",
    "webmap",
    "zoning",
)

__all__ = ["__version__", *_SUBMODULES]

if TYPE_CHECKING:  # pragma: no cover
    from . import crs as crs
    from . import datasets as datasets
    from . import diff as diff
    from . import labels as labels
    from . import styles as styles


def __getattr__(name: str) -> object:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ninhbinh_geo' has no attribute {name!r}")
