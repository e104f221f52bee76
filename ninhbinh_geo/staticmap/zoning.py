"""The zoning-review map: one outcome per site, fails labelled with the rule that binds.

Each site shows its worst result; a "needs review" is coloured by what is missing to decide the
binding rule (a map layer, a site attribute, the other clusters …,
:func:`ninhbinh_geo.styles.zoning_outcomes`), so fails and needs-review differ at a glance and a
map where nothing fails is not one colour. Fails are drawn larger and labelled with their
binding rule and margin ("CCN-01: 12,4 ha trên ngưỡng 75 ha").
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .._errors import SchemaError, first_ids
from ..styles import Legend, zoning_outcomes
from .compose import _compose
from .layers import (
    _base,
    _checked_layers,
    _drawn,
    _footprint_sources,
    _has_geometry,
    _marker_points,
    _require,
    _with_site_geometry,
)
from .page import _check_options
from .placing import _Item

__all__ = ["plot_zoning"]

_NEEDS = (("zoning_findings",),)
_LINES = ("province", "former_provinces", "districts")
# Worst first: one site's many rule results collapse to the first of these that occurs.
_RESULT_SEVERITY = ("fail", "needs_review", "pass", "not_applicable")
# Marker sizes (pt²): a fail stands out.
_FAIL_SIZE, _SITE_SIZE = 64.0, 24.0
# Fails labelled on the map (the report lists them all).
_MAX_FAIL_LABELS = 12


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


def _site_outcomes(findings: pd.DataFrame, legend: Legend) -> pd.DataFrame:
    """One row per site: its outcome (binding rule, margin) and the legend's column."""
    out = zoning_outcomes(findings)
    if legend.column == "result":  # the plain result legend: the worst result per site
        out["result"] = out["worst_result"]
    return out


def _fail_labels(shown: gpd.GeoDataFrame, lang: str) -> list[_Item]:
    """Labels of the failing sites: the binding rule and its margin."""
    fails = shown[shown["worst_result"] == "fail"].head(_MAX_FAIL_LABELS)
    pts = _marker_points(fails.geometry)
    items = []
    for (_, row), x, y in zip(fails.iterrows(), pts.x, pts.y, strict=True):
        margin = row.get(f"binding_margin_{lang}", "")
        text = f"{row['binding_rule']}: {margin}" if margin else str(row["binding_rule"])
        items.append(_Item(text, float(x), float(y), [(float(x), float(y))]))
    return items


def _door(
    layers: Mapping[str, pd.DataFrame],
    legends: Mapping[str, Legend],
    checked: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    _check_findings(layers["zoning_findings"])
    wanted: dict[str, str | None] = {n: n for n in (*_LINES, "zoning_findings")}
    # the sites lend their footprints (a table without) and their location accuracy
    wanted |= {"clusters": None, "parks": None}
    return _checked_layers(layers, legends, wanted, checked)


def _draw(
    layers: Mapping[str, gpd.GeoDataFrame], legends: Mapping[str, Legend], *, lang: str, paper: str
) -> Figure:
    drawn = _base(layers, legends, _LINES)
    findings = layers["zoning_findings"]
    legend = legends.get("zoning_outcome") or legends["zoning_findings"]
    outcomes = _site_outcomes(findings, legend)
    if _has_geometry(findings):  # the findings' own footprints, one per site
        geo = findings.drop_duplicates("site_id").set_index("site_id").geometry
        outcomes = gpd.GeoDataFrame(
            outcomes, geometry=outcomes["site_id"].map(geo).to_numpy(), crs=findings.crs
        )
    shown = _with_site_geometry(outcomes, "zoning_findings", layers)
    shown = shown[shown.geometry.notna()]
    sizes = np.where(shown["worst_result"] == "fail", _FAIL_SIZE, _SITE_SIZE)
    drawn.append(_drawn("zoning_findings", shown, legend, "site", source=findings, sizes=sizes))
    credited = {d.name: [d.source] for d in drawn}
    if not isinstance(findings, gpd.GeoDataFrame):
        credited.update(_footprint_sources(layers, shown["site_id"]))
    return _compose(
        "title.zoning",
        drawn,
        credited=credited,
        lang=lang,
        paper=paper,
        labels=_fail_labels(shown, lang),
    )


def plot_zoning(
    layers: Mapping[str, gpd.GeoDataFrame],
    legends: Mapping[str, Legend],
    *,
    lang: str = "vi",
    paper: str = "A4",
) -> Figure:
    """Draw the zoning-review map: one outcome per site, fails labelled with their binding rule.

    ``zoning_findings`` holds one row per (site, rule) as from
    :func:`ninhbinh_geo.zoning.check`; a site shows its outcome
    (:func:`ninhbinh_geo.styles.zoning_outcomes`: its worst result, a "needs review" told
    apart by what would decide its binding rule), coloured by ``legends["zoning_outcome"]``
    (else its worst result by ``legends["zoning_findings"]``). Fails are drawn larger and
    labelled with the binding rule and its margin. Footprints come from ``clusters`` and
    ``parks`` by ``site_id``.

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
    >>> fig = plot_zoning(layers, default_legends(layers), lang="en")
    >>> fig.axes[0].collections[-1].get_facecolor()[0].round(3).tolist()  # the fail colour
    [0.843, 0.098, 0.11, 1.0]
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "map_label"]
    ['CCN-02']
    """
    _check_options(lang, paper)
    _require(layers, "zoning", _NEEDS)
    return _draw(_door(layers, legends), legends, lang=lang, paper=paper)
