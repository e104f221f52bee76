"""Land-use efficiency of clusters: occupancy, jobs and projects per hectare, wastewater.

Indicators are computed per site (:func:`site_indicators`) and summed up by former province,
former district or for the whole new province (:func:`aggregate`), where they can be set beside
the province's own published figures (``datasets.load_facts()``). The inventory is incomplete:
an aggregate is the sum of what the inventory knows, shown with how many sites it rests on and,
when official figures are given, the coverage (inventory ÷ official). Nothing is scaled up to
an official total. Missing data is NaN with a reason, never 0.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd

from ._errors import SchemaError, first_ids

__all__ = [
    "FACT_INDICATORS",
    "PROVINCE_SCOPE",
    "SCOPE_BY_FORMER_PROVINCE",
    "aggregate",
    "classify",
    "site_indicators",
]

#: Scope names of the facts table (``datasets.load_facts()``).
SCOPE_BY_FORMER_PROVINCE = {
    "Hà Nam": "former_ha_nam",
    "Nam Định": "former_nam_dinh",
    "Ninh Bình": "former_ninh_binh",
}
PROVINCE_SCOPE = "merged_province"

#: Official indicator → the inventory column of :func:`aggregate` it is compared with
#: (None: an official figure with no inventory counterpart, shown without coverage).
FACT_INDICATORS: dict[str, str | None] = {
    "clusters_planned_2021_2030": "n_sites",
    "planned_area": "area_ha",
    "clusters_established": "n_established",
    "clusters_operating": "n_operating",
    "mean_occupancy_operating": "mean_occupancy_operating_pct",
    "jobs": "jobs",
    "projects": "projects",
    "clusters_with_central_wastewater_plant": "n_wwtp",
    "clusters_wastewater_compliant": "n_wwtp_compliant",
    "wastewater_plants_operating_stably": None,
}
# a mean is not a part of a total: no coverage for it
_NO_COVERAGE = {"mean_occupancy_operating"}
_QUALIFIER_SIGN = {"exact": "", "approx": "≈ ", "at_least": "> "}
_UNIT_SUFFIX = {"count": "", "percent": "%"}
_NUMERIC = (
    "area_ha",
    "industrial_ha",
    "leasable_ha",
    "leased_ha",
    "occupancy_pct",
    "jobs",
    "projects",
)
_BY = ("former_province", "district_old", "province")


def _ids(sites: pd.DataFrame, mask: pd.Series) -> str:
    ids = sites["site_id"][mask] if "site_id" in sites.columns else sites.index[mask]
    return first_ids(ids)


def _numbers(sites: pd.DataFrame, layer: str = "sites") -> pd.DataFrame:
    """Return the numeric columns as floats (absent column → NaN), rejecting text and negatives."""
    out = pd.DataFrame(index=sites.index)
    for col in _NUMERIC:
        if col not in sites.columns:
            out[col] = np.nan
            continue
        raw = sites[col]
        num = pd.to_numeric(raw, errors="coerce").astype(float)
        bad = num.isna() & raw.notna()
        if bad.any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': {int(bad.sum())} values are not numbers "
                f"(sites {_ids(sites, bad)}, e.g. {raw[bad].iloc[0]!r}). Give plain numbers "
                f"(ha, %, counts) or leave them empty."
            )
        neg = num < 0
        if neg.any():
            raise SchemaError(
                f"Layer '{layer}', column '{col}': negative values at sites "
                f"{_ids(sites, neg)}; areas, jobs and projects cannot be negative."
            )
        out[col] = num
    return out


def _flags(sites: pd.DataFrame, col: str) -> pd.Series:
    if col not in sites.columns:
        return pd.Series(pd.NA, index=sites.index, dtype="boolean")
    return sites[col].astype("boolean")


def _per_ha(count: pd.Series, area: pd.Series, what: str, missing_col: bool) -> tuple:
    value = count / area.where(area > 0)
    reason = pd.Series(pd.NA, index=count.index, dtype="string")
    no_count = count.isna()
    no_area = area.isna()
    zero_area = area == 0
    what_missing = f"no '{what}' column in the layer" if missing_col else f"{what} not reported"
    reason[no_count] = what_missing
    reason[no_area] = "area unknown"
    reason[no_count & no_area] = f"{what_missing}; area unknown"
    reason[zero_area & ~no_area] = "area is 0 ha"
    return value, reason


def _occupancy(sites: pd.DataFrame, num: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Occupancy of every site (%), its basis and why it is unknown; ``num`` from _numbers."""
    leasable, leased, published = num["leasable_ha"], num["leased_ha"], num["occupancy_pct"]
    computed = 100 * leased / leasable.where(leasable > 0)
    use_computed = computed.notna()
    occupancy = computed.where(use_computed, published)
    basis = pd.Series(pd.NA, index=sites.index, dtype="string")
    basis[use_computed] = "leased/leasable"
    basis[~use_computed & published.notna()] = "published"
    reason = pd.Series(pd.NA, index=sites.index, dtype="string")
    missing = occupancy.isna()
    reason[missing] = "no leased/leasable area and no published occupancy"
    reason[missing & (leasable == 0)] = "leasable area is 0 ha and no published occupancy"
    if "status" in sites.columns:
        planned = (sites["status"] == "planned").fillna(False).to_numpy(dtype=bool)
        reason[missing & planned] = "planned: not yet leasing"
    return occupancy, basis, reason


def site_indicators(sites: pd.DataFrame) -> gpd.GeoDataFrame:
    """Compute occupancy, jobs per ha and projects per ha of every site.

    Occupancy is leased ÷ leasable industrial area × 100 when both areas are known (and the
    leasable area is above 0), otherwise the published ``occupancy_pct``; ``occupancy_basis``
    says which. Jobs and projects are divided by ``area_ha``, the official site area.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site layer (columns of DEVELOPERS.md); absent numeric columns count as unknown.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy (same index, same CRS) with ``occupancy_pct`` (%), ``occupancy_basis``
        (``"leased/leasable"``, ``"published"`` or NA), ``occupancy_pct_published`` (the
        input value), ``jobs_per_ha``, ``projects_per_ha`` (per ha of ``area_ha``) and
        ``occupancy_pct_reason``, ``jobs_per_ha_reason``, ``projects_per_ha_reason``: why the
        value is NaN (NA when it is known). A reported 0 stays 0; a missing figure is NaN.

    Raises
    ------
    SchemaError
        When a numeric column holds text or negative values.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> s = gpd.GeoDataFrame({"site_id": ["A", "B"], "area_ha": [50.0, None],
    ...                       "leasable_ha": [40.0, None], "leased_ha": [30.0, None],
    ...                       "occupancy_pct": [None, 80.0], "jobs": [1000.0, 200.0]},
    ...                      geometry=[Point(106, 20), Point(106.1, 20)], crs=4326)
    >>> out = site_indicators(s)
    >>> out[["occupancy_pct", "occupancy_basis", "jobs_per_ha", "jobs_per_ha_reason"]]
       occupancy_pct  occupancy_basis  jobs_per_ha jobs_per_ha_reason
    0           75.0  leased/leasable         20.0               <NA>
    1           80.0        published          NaN       area unknown
    """
    if not isinstance(sites, pd.DataFrame):
        raise SchemaError(f"Layer 'sites' must be a GeoDataFrame, not {type(sites).__name__}.")
    num = _numbers(sites)
    out = sites.copy() if isinstance(sites, gpd.GeoDataFrame) else gpd.GeoDataFrame(sites.copy())
    occupancy, basis, reason = _occupancy(sites, num)
    out["occupancy_pct_published"] = num["occupancy_pct"]
    out["occupancy_pct"] = occupancy
    out["occupancy_basis"] = basis
    out["occupancy_pct_reason"] = reason
    for what in ("jobs", "projects"):
        value, why = _per_ha(num[what], num["area_ha"], what, what not in sites.columns)
        out[f"{what}_per_ha"] = value
        out[f"{what}_per_ha_reason"] = why
    return out


def _group_sums(df: pd.DataFrame) -> pd.Series:
    status = df["status"]
    area = df["area_ha"]
    operating = status == "operating"
    established = status.isin(["established", "operating"])
    known_area = area.notna()
    both = df["leasable_ha"].notna() & df["leased_ha"].notna() & (df["leasable_ha"] > 0)
    leasable = df["leasable_ha"][both].sum()
    leased = df["leased_ha"][both].sum()
    row: dict[str, float] = {
        "n_sites": len(df),
        "n_planned": int((status == "planned").sum()),
        "n_established": int(established.sum()),
        "n_operating": int(operating.sum()),
        "n_status_unknown": int((~status.isin(["planned", "established", "operating"])).sum()),
        "n_area_known": int(known_area.sum()),
        "area_ha": area.sum(min_count=1),
        "established_area_ha": area[established].sum(min_count=1),
        "operating_area_ha": area[operating].sum(min_count=1),
        "n_occupancy_computed": int(both.sum()),
        "leasable_ha": leasable if both.any() else np.nan,
        "leased_ha": leased if both.any() else np.nan,
        "occupancy_pct": 100 * leased / leasable if both.any() else np.nan,
        "n_occupancy_operating": int((operating & df["site_occupancy_pct"].notna()).sum()),
        "mean_occupancy_operating_pct": df["site_occupancy_pct"][operating].mean(),
    }
    total_area = row["area_ha"]
    for key in ("established", "operating"):
        part = row[f"{key}_area_ha"]
        if np.isnan(total_area) or total_area == 0:
            row[f"{key}_share"] = np.nan
        else:
            row[f"{key}_share"] = 0.0 if np.isnan(part) else part / total_area
    for what in ("jobs", "projects"):
        val = df[what]
        paired = val.notna() & area.notna() & (area > 0)
        row[f"n_{what}_known"] = int(val.notna().sum())
        row[what] = val.sum(min_count=1)
        row[f"{what}_per_ha"] = val[paired].sum() / area[paired].sum() if paired.any() else np.nan
    has, ok = df["has_wwtp"], df["wwtp_compliant"]
    # a cluster without a plant is known not to have a compliant one
    compliant = ok.mask(has.eq(False).fillna(False), False)
    with_plant = has.fillna(False) & compliant.fillna(False)
    # a count over unknown answers is unknown, not 0
    row["n_wwtp"] = int(has.fillna(False).sum()) if has.notna().any() else pd.NA
    row["n_wwtp_compliant"] = int(with_plant.sum()) if compliant.notna().any() else pd.NA
    for name, flag in (("wwtp", has), ("wwtp_compliant", compliant)):
        known = flag[operating].dropna()
        row[f"n_operating_{name}_known"] = len(known)
        row[f"{name}_share"] = float(known.sum()) / len(known) if len(known) else np.nan
    return pd.Series(row)


def _fact_text(value: float, qualifier: str, unit: str) -> str:
    number = f"{value:,.2f}".rstrip("0").rstrip(".")
    suffix = _UNIT_SUFFIX.get(unit, f" {unit}")
    return f"{_QUALIFIER_SIGN[qualifier]}{number}{suffix}"


def _check_facts(facts: pd.DataFrame) -> pd.DataFrame:
    need = ["scope", "indicator", "value", "unit", "qualifier"]
    missing = [c for c in need if c not in facts.columns]
    if missing:
        raise SchemaError(
            f"Table 'facts' lacks columns {missing}; pass datasets.load_facts() (columns {need})."
        )
    bad = ~facts["qualifier"].isin(list(_QUALIFIER_SIGN))
    if bad.any():
        raise SchemaError(
            f"Table 'facts', column 'qualifier': unknown values "
            f"{first_ids(sorted(set(facts['qualifier'][bad].astype(str))))}; use one of "
            f"{list(_QUALIFIER_SIGN)}."
        )
    dup = facts.duplicated(["scope", "indicator"], keep=False)
    if dup.any():
        pairs = facts.loc[dup, ["scope", "indicator"]].astype(str).agg("/".join, axis=1)
        raise SchemaError(
            f"Table 'facts': several figures for {first_ids(sorted(set(pairs)))}; keep one "
            f"figure per scope and indicator (one vintage, see its as_of)."
        )
    return facts


def aggregate(
    sites: pd.DataFrame,
    *,
    by: str = "former_province",
    facts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum and compare the efficiency indicators by former province, district or province.

    Sums cover the sites whose figure is known; every sum comes with the number of sites it
    rests on (``n_*_known``). Ratios are ratios of sums over the sites where numerator and
    denominator are both known (jobs per ha = Σ jobs ÷ Σ area of the sites reporting both).
    Official figures, when given, are put beside the inventory with the coverage
    (inventory ÷ official); nothing is extrapolated.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Cluster layer (with facts: clusters only, since the official figures count CCN).
    by : {"former_province", "district_old", "province"}, default "former_province"
        Grouping. ``"province"`` gives one row for the new province, index
        ``"merged_province"``. Rows with no group value form a group of their own (NaN),
        so no site is lost.
    facts : pandas.DataFrame, optional
        The table of ``datasets.load_facts()`` (``scope``, ``indicator``, ``value``,
        ``unit``, ``qualifier``). Used for ``by="former_province"`` and ``"province"``;
        there are no official figures by district.

    Returns
    -------
    pandas.DataFrame
        One row per group, index named after ``by``: ``n_sites``, ``n_planned``,
        ``n_established`` (established or operating), ``n_operating``,
        ``n_status_unknown``, ``n_area_known``, ``area_ha``, ``established_area_ha``,
        ``operating_area_ha``, ``established_share`` and ``operating_share`` (fractions of the
        known ``area_ha``), ``n_occupancy_computed``, ``leasable_ha``, ``leased_ha``,
        ``occupancy_pct`` (Σ leased ÷ Σ leasable × 100), ``n_occupancy_operating``,
        ``mean_occupancy_operating_pct`` (mean site occupancy of operating sites, either
        basis), ``n_jobs_known``, ``jobs``, ``jobs_per_ha``, ``n_projects_known``,
        ``projects``, ``projects_per_ha``, ``n_wwtp`` and ``n_wwtp_compliant`` (sites of any
        status with a central wastewater plant / a compliant one; NA when no site of the group
        has an answer), ``wwtp_share`` and ``wwtp_compliant_share`` (fractions of the
        operating sites whose answer is known, counted in ``n_operating_wwtp_known`` and
        ``n_operating_wwtp_compliant_known``; a site without a plant counts as not
        compliant). Counts are Int64.
        With ``facts``: a ``scope`` column and, per official indicator,
        ``official_<indicator>`` (value), ``official_<indicator>_qualifier``,
        ``official_<indicator>_text`` (``"> 20,900 workers"`` for an ``at_least`` figure) and
        ``coverage_<indicator>`` (inventory ÷ official; against an ``at_least`` figure it is
        an upper bound). Groups without an official figure get NaN.

    Raises
    ------
    SchemaError
        Unknown ``by``, a missing grouping column, parks mixed in with facts, a malformed
        facts table, or text/negative values in numeric columns.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"site_id": ["A", "B", "C"],
    ...                   "former_province": ["Hà Nam", "Hà Nam", "Nam Định"],
    ...                   "status": ["operating", "planned", "operating"],
    ...                   "area_ha": [50.0, 30.0, 20.0], "jobs": [1000.0, None, 300.0]})
    >>> agg = aggregate(s)
    >>> agg[["n_sites", "area_ha", "jobs", "jobs_per_ha", "operating_share"]].to_dict("index")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'Hà Nam': {'n_sites': 2, 'area_ha': 80.0, 'jobs': 1000.0, 'jobs_per_ha': 20.0,
                'operating_share': 0.625},
     'Nam Định': {'n_sites': 1, 'area_ha': 20.0, 'jobs': 300.0, 'jobs_per_ha': 15.0,
                  'operating_share': 1.0}}
    >>> facts = pd.DataFrame({"scope": ["former_ha_nam"], "indicator": ["jobs"],
    ...                       "value": [12325.0], "unit": ["workers"], "qualifier": ["exact"]})
    >>> agg = aggregate(s, facts=facts)
    >>> agg.loc["Hà Nam", "official_jobs_text"], round(float(agg.loc["Hà Nam", "coverage_jobs"]), 4)
    ('12,325 workers', 0.0811)
    """
    _check_grouping(sites, by, with_facts=facts is not None)
    out = _group_table(sites, by)
    if facts is None or by == "district_old":
        return out
    return _with_facts(out, _check_facts(facts), by)


def _check_grouping(sites: pd.DataFrame, by: str, *, with_facts: bool) -> None:
    if by not in _BY:
        raise SchemaError(f"by must be one of {_BY}, not {by!r}.")
    if not isinstance(sites, pd.DataFrame):
        raise SchemaError(f"Layer 'sites' must be a GeoDataFrame, not {type(sites).__name__}.")
    if by != "province" and by not in sites.columns:
        raise SchemaError(
            f"Layer 'sites' has no column '{by}' to group by; add it or use by='province'."
        )
    if with_facts and "kind" in sites.columns:
        parks = sites["kind"] == "KCN"
        if parks.any():
            raise SchemaError(
                f"Layer 'sites' holds parks (kind == 'KCN': {_ids(sites, parks)}) but the "
                f"official facts count clusters only; pass sites[sites.kind == 'CCN']."
            )


def _group_table(sites: pd.DataFrame, by: str) -> pd.DataFrame:
    """Sum the inventory by group: one row per group, the columns of :func:`aggregate`."""
    num = _numbers(sites)
    df = num.drop(columns="occupancy_pct")
    df["site_occupancy_pct"] = _occupancy(sites, num)[0]
    df["status"] = sites["status"] if "status" in sites.columns else pd.NA
    df["has_wwtp"] = _flags(sites, "has_wwtp")
    df["wwtp_compliant"] = _flags(sites, "wwtp_compliant")
    keys = (
        pd.Series(PROVINCE_SCOPE, index=sites.index, name="province")
        if by == "province"
        else sites[by].rename(by)
    )
    rows = {key: _group_sums(part) for key, part in df.groupby(keys, dropna=False, sort=True)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    counts = [c for c in out.columns if c.startswith("n_")]
    out[counts] = out[counts].astype("Int64")
    out.index.name = by
    return out


def _with_facts(out: pd.DataFrame, facts: pd.DataFrame, by: str) -> pd.DataFrame:
    """Put the official figures beside the inventory, with the coverage (inventory ÷ official)."""
    scope = (
        pd.Series(PROVINCE_SCOPE, index=out.index)
        if by == "province"
        else pd.Series(out.index.map(SCOPE_BY_FORMER_PROVINCE), index=out.index)
    )
    out.insert(0, "scope", scope)
    for indicator in facts["indicator"].drop_duplicates():
        table = facts[facts["indicator"] == indicator].set_index("scope")
        value = scope.map(table["value"]).astype(float)
        qual = scope.map(table["qualifier"])
        unit = scope.map(table["unit"])
        out[f"official_{indicator}"] = value
        out[f"official_{indicator}_qualifier"] = qual.astype("string")
        out[f"official_{indicator}_text"] = pd.array(
            [
                _fact_text(v, q, u) if pd.notna(v) else pd.NA
                for v, q, u in zip(value, qual, unit, strict=True)
            ],
            dtype="string",
        )
        column = FACT_INDICATORS.get(indicator)
        if column is not None and indicator not in _NO_COVERAGE:
            inventory = out[column].astype("Float64").astype(float)
            out[f"coverage_{indicator}"] = inventory / value.where(value > 0)
    return out


def classify(
    sites: pd.DataFrame, column: str, *, scheme: str = "NaturalBreaks", k: int = 5
) -> pd.Series:
    """Class index of every site for a numeric column, with :mod:`mapclassify`.

    Parameters
    ----------
    sites : pandas.DataFrame
        Any table with ``column`` (e.g. the output of :func:`site_indicators`).
    column : str
        Numeric column to classify.
    scheme : str, default "NaturalBreaks"
        A :func:`mapclassify.classify` scheme (``"FisherJenks"``, ``"Quantiles"``, ...).
        NaturalBreaks starts from random solutions, so classes of ambiguous data may vary
        between runs; ``"FisherJenks"`` gives the optimal breaks deterministically.
    k : int, default 5
        Number of classes (reduced to the number of distinct values when fewer).

    Returns
    -------
    pandas.Series
        Int64 class index 0..k-1, same index as ``sites``, named ``<column>_class``; NA where
        the value is NaN.

    Raises
    ------
    SchemaError
        When ``column`` is absent or not numeric, ``k`` < 1, or ``scheme`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"jobs_per_ha": [1.0, 2.0, None, 50.0, 51.0]}, index=[10, 11, 12, 13, 14])
    >>> classify(s, "jobs_per_ha", scheme="FisherJenks", k=2).tolist()
    [0, 0, <NA>, 1, 1]
    """
    if column not in sites.columns:
        raise SchemaError(f"Layer 'sites' has no column '{column}' to classify.")
    if k < 1:
        raise SchemaError(f"k must be at least 1 class, not {k}.")
    values = pd.to_numeric(sites[column], errors="coerce").astype(float)
    bad = values.isna() & sites[column].notna()
    if bad.any():
        raise SchemaError(
            f"Layer 'sites', column '{column}': values that are not numbers at rows "
            f"{_ids(sites, bad)}."
        )
    out = pd.Series(pd.NA, index=sites.index, dtype="Int64", name=f"{column}_class")
    known = values.notna()
    if not known.any():
        return out
    k = min(k, int(values[known].nunique()))
    if k == 1:
        out[known] = 0
        return out
    # Imported here: mapclassify pulls in scipy.stats and scikit-learn (~2.5 s).
    import mapclassify

    try:
        with warnings.catch_warnings():
            # mapclassify falls back to pure Python without numba; the result is the same
            warnings.filterwarnings("ignore", message="Numba not installed")
            result = mapclassify.classify(values[known].to_numpy(), scheme, k=k)
    except (KeyError, ValueError) as exc:
        raise SchemaError(
            f"Unknown or unusable mapclassify scheme {scheme!r} for column '{column}' "
            f"({exc}); use e.g. 'NaturalBreaks', 'FisherJenks' or 'Quantiles'."
        ) from None
    out[known] = result.yb
    return out
