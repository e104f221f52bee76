"""The zoning-review map: each site coloured by its worst rule result."""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
from matplotlib.figure import Figure

from .._errors import SchemaError, first_ids
from ..styles import Legend
from .compose import _compose
from .layers import (
    _base,
    _checked_layers,
    _drawn,
    _footprint_sources,
    _has_geometry,
    _require,
    _with_site_geometry,
)
from .page import _check_options

__all__ = ["plot_zoning"]

_NEEDS = (("zoning_findings",),)
_LINES = ("province", "former_provinces", "districts")
# Worst first: one site's many rule results collapse to the first of these that occurs.
_RESULT_SEVERITY = ("fail", "needs_review", "pass", "not_applicable")


def _check_findings(findings: pd.DataFrame) -> None:
    for col in ("site_id", "result"):
        if col not in findings.columns:
            raise SchemaError(
                f"Layer 'zoning_findings' has no column '{col}'; pass the table returned by "
                f"ninhbinh_geo.zoning.check."
            )
    bad = ~findings["result"].isin(_RESULT_SEVERITY)
    if bad.any():
        raise SchemaError(
            f"Layer 'zoning_findings': column 'result' holds "
            f"{sorted(map(str, set(findings.loc[bad, 'result'])))} "
            f"in rows of sites {first_ids(findings.loc[bad, 'site_id'])}; allowed are "
            f"{list(_RESULT_SEVERITY)}."
        )


def _worst_result(findings: pd.DataFrame) -> pd.DataFrame:
    """One row per site: its worst zoning result."""
    rank = findings["result"].map({r: i for i, r in enumerate(_RESULT_SEVERITY)})
    worst = findings.assign(_rank=rank).sort_values(["site_id", "_rank"], kind="stable")
    return worst.drop_duplicates("site_id").drop(columns="_rank")


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    _check_findings(layers["zoning_findings"])
    wanted: dict[str, str | None] = {n: n for n in (*_LINES, "zoning_findings")}
    if not _has_geometry(layers["zoning_findings"]):
        wanted |= {"clusters": None, "parks": None}  # they lend their footprints
    return _checked_layers(layers, legends, wanted, checked)


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES)
    findings = layers["zoning_findings"]
    worst = _with_site_geometry(_worst_result(findings), "zoning_findings", layers)
    legend = legends["zoning_findings"]
    drawn.append(_drawn("zoning_findings", worst, legend, "site", source=findings))
    credited = {d.name: [d.source] for d in drawn}
    if not isinstance(findings, gpd.GeoDataFrame):
        credited.update(_footprint_sources(layers, worst["site_id"]))
    return _compose(
        "title.zoning",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        notes={"zoning_findings": "map.zoning_worst"},
    )


def plot_zoning(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the zoning-review map: each site coloured by its worst rule result.

    ``zoning_findings`` holds one row per (site, rule) as from
    :func:`ninhbinh_geo.zoning.check`; a site shows the worst of its results (fail, then
    needs review, pass, not applicable), coloured by ``legends["zoning_findings"]``. Footprints
    come from ``clusters`` and ``parks`` by ``site_id``.

    Parameters
    ----------
    layers : dict of str to GeoDataFrame
        As for :func:`plot_overview`; needs ``zoning_findings`` and ``clusters`` or ``parks``.
    legends : dict of str to Legend
        The shared legends.
    lang : {"vi", "en"}, default "vi"
        Language of every text.
    paper : {"A4", "A3"}, default "A4"
        Paper size.

    Returns
    -------
    matplotlib.figure.Figure
        The page, drawn in EPSG:3405.

    Raises
    ------
    SchemaError
        When a result is not one of pass/fail/needs_review/not_applicable, or a needed layer,
        legend or column is missing.

    Examples
    --------
    >>> import geopandas as gpd
    >>> import pandas as pd
    >>> from shapely.geometry import box
    >>> from ninhbinh_geo.styles import default_legends
    >>> c = gpd.GeoDataFrame({"site_id": ["A"], "area_ha": [12.0]},
    ...                      geometry=[box(105.9, 20.2, 105.91, 20.21)], crs=4326)
    >>> f = pd.DataFrame({"site_id": ["A", "A"], "rule_id": ["CCN-01", "CCN-02"],
    ...                   "result": ["pass", "fail"]})
    >>> layers = {"clusters": c, "zoning_findings": f}
    >>> fig = plot_zoning(layers, default_legends(layers))
    >>> fig.axes[0].collections[-1].get_facecolor()[0].round(3).tolist()  # the fail colour
    [0.843, 0.098, 0.11, 1.0]
    """
    _check_options(lang, paper)
    _require(layers, "zoning", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
