"""Checks against the exposure table: the worst exposed share of a hazard family.

``exposure_max`` (EXP-01/02) reads the table of :func:`ninhbinh_geo.exposure.raster_exposure`
(checked at the door) and picks rows by hazard label and return period.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from .context import _compare, _Context, _fmt, _result_frame


def _check_exposure_max(ctx: _Context, rule: pd.Series) -> dict[str, list]:
    out = _result_frame(ctx.sites.index)
    params = rule["params_dict"]
    table = ctx.exposure
    assert table is not None  # check() turns a missing table into needs_review first
    # hazard labels are free text in ninhbinh_geo.exposure (file names or dict keys), so the
    # rule lists substrings that identify the hazard family
    patterns = [
        unicodedata.normalize("NFC", p).strip().lower()
        for p in params.get("hazard", "").split("|")
        if p.strip()
    ]
    labels = (
        table["hazard"]
        .astype("object")
        .map(lambda v: unicodedata.normalize("NFC", str(v)).strip().lower())
    )
    sel = table[labels.map(lambda lab: any(p in lab for p in patterns))]
    period = params.get("return_period")
    if period is not None and "return_period" in sel.columns:
        rp = pd.to_numeric(sel["return_period"], errors="coerce")
        sel = sel[rp == float(period)]
    what = f"hazard {params.get('hazard', '')!r}" + (f", return period {period}" if period else "")
    by_site = dict(list(sel.groupby("site_id", sort=False)))  # rows in table order
    for i, site_id in enumerate(ctx.sites["site_id"].tolist()):
        rows = by_site.get(site_id, sel.iloc[:0])
        shares = pd.to_numeric(rows["exposed_share"], errors="coerce").to_numpy(dtype=float)
        if rows.empty or np.isnan(shares).all():
            out["reason"][i] = f"no exposure value for {what}"
            out["missing"][i] = "exposure:row"
            continue
        k = int(np.nanargmax(shares))
        worst = rows.iloc[k]
        value = float(shares[k]) * (100 if rule["unit"] == "%" else 1)
        ok = _compare(value, rule["operator"], rule["threshold"], rule["threshold_high"])
        many = f"worst of {len(rows)} rows, " if len(rows) > 1 else ""
        out["measured"][i] = value
        out["basis"][i] = f"exposure table, {many}hazard {worst['hazard']!r}" + (
            f", return period {worst['return_period']:g}" if "return_period" in rows else ""
        )
        out["outcome"][i] = "pass" if ok else "violated"
        reason = f"exposed {_fmt(value)} {rule['unit']}"
        coverage = pd.to_numeric(pd.Series([worst.get("coverage_share")]), errors="coerce")[0]
        if ok and pd.notna(coverage) and coverage < 0.99:
            # a share of the covered part only: the uncovered rest may be flooded
            out["outcome"][i] = "unknown"
            out["missing"][i] = "hazard:coverage"
            reason += f", but the hazard raster covers only {_fmt(100 * coverage)} % of the site"
        if str(worst.get("accuracy", "")) == "illustrative":
            out["outcome"][i] = "unknown"
            out["missing"][i] = "hazard:illustrative"
            reason += " on an ILLUSTRATIVE hazard layer; use a real flood map"
        out["reason"][i] = reason
    out["threshold"] = rule["threshold"]
    return out
