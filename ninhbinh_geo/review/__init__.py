"""The whole review as one function: data in, analyses, outputs.

:func:`run_review` is what ``ninhbinh-geo review`` runs. Its rooms, in the order data flows:

- ``options``: :class:`ReviewOptions` (what to review), ``ReviewState`` (what steps pass on),
  :class:`ReviewResult` (what a review returns).
- ``inputs``: reading and checking the user's layers, then the embedded data.
- ``steps``: the analyses as a list of small step functions (:data:`~.steps.STEPS`).
- ``provenance``: source, licence and accuracy of the layers the review derives.
- ``outputs``: writing GeoPackage, QGIS project, maps, tables and report into a staging folder,
  then moving them into place together.
- ``pipeline``: :func:`run_review`, which runs them in that order.
"""

from __future__ import annotations

from .options import ReviewOptions, ReviewResult
from .outputs import OUTPUT_GROUPS, OUTPUT_NAMES, check_outputs
from .pipeline import run_review
from .steps import LAYER_ORDER, MAX_DISPLAY_CELLS

__all__ = [
    "LAYER_ORDER",
    "MAX_DISPLAY_CELLS",
    "OUTPUT_GROUPS",
    "OUTPUT_NAMES",
    "ReviewOptions",
    "ReviewResult",
    "check_outputs",
    "run_review",
]
