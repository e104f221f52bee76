"""Capacity-aware access indices against a plain reference and pysal ``access`` (issue 14.4).

The reference below is written independently of the package: loops over (demand, supply)
pairs, straight from the papers' formulas. pysal ``access`` (a test-only dependency, installed
with the ``test`` extra) is the oracle for the cases it supports: 2SFCA, enhanced 2SFCA with
step weights, and the gravity potential (its ``weighted_catchment``); it has no balanced FCA.
"""

import math

import numpy as np
import pandas as pd
import pytest

from ninhbinh_geo import access
from ninhbinh_geo._errors import NinhBinhGeoError, SchemaError

NAN = float("nan")
# an asymmetric cost matrix: demand rows d1..d4, supply columns s1..s3; d3 reaches s2 only one
# way round (the times from s2 to d3 would differ), d4 reaches nothing within 30 minutes
COST = pd.DataFrame(
    {
        "s1": [5.0, 12.0, 27.0, 41.0],
        "s2": [18.0, 8.0, 3.0, NAN],
        "s3": [29.0, 30.0, 31.0, 35.0],
    },
    index=["d1", "d2", "d3", "d4"],
)
SUPPLY = pd.Series({"s1": 300.0, "s2": 120.0, "s3": 75.0})
DEMAND = pd.Series({"d1": 10.0, "d2": 45.0, "d3": 22.5, "d4": 8.0})


# -- the reference: loops, nothing shared with the package -----------------------------------


def ref_weight(kind, t, **p):
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return 0.0
    if kind == "step":
        return 1.0 if t <= p["max_min"] else 0.0
    if kind == "zones":
        for bound, w in sorted(p["zones"].items()):
            if t <= bound:
                return w
        return 0.0
    if kind == "power":
        if p.get("max_min") is not None and t > p["max_min"]:
            return 0.0
        return max(t, p["min_min"]) ** (-p["beta"])
    if kind == "gaussian":
        if p.get("max_min") is not None and t > p["max_min"]:
            return 0.0
        return math.exp(-(t**2) / (2 * p["sigma"] ** 2))
    raise ValueError(kind)


def ref_pairs(cost):
    return [(i, j, cost.loc[i, j]) for i in cost.index for j in cost.columns]


def ref_2sfca(cost, supply, demand, kind, **p):
    pairs = ref_pairs(cost)
    ratio = {}
    for j in cost.columns:
        served = sum(demand[i] * ref_weight(kind, c, **p) for i, jj, c in pairs if jj == j)
        ratio[j] = supply[j] / served if served > 0 else 0.0
    return {
        i: sum(ratio[j] * ref_weight(kind, c, **p) for ii, j, c in pairs if ii == i)
        for i in cost.index
    }


def ref_bfca(cost, supply, demand, kind, **p):
    pairs = ref_pairs(cost)
    w = {(i, j): ref_weight(kind, c, **p) for i, j, c in pairs}
    row = {i: sum(w[i, j] for j in cost.columns) for i in cost.index}
    col = {j: sum(w[i, j] for i in cost.index) for j in cost.columns}
    level = {}
    for j in cost.columns:
        served = sum(demand[i] * w[i, j] / row[i] for i in cost.index if row[i] > 0)
        level[j] = supply[j] / served if served > 0 else 0.0
    return {
        i: sum(level[j] * w[i, j] / col[j] for j in cost.columns if col[j] > 0) for i in cost.index
    }


def ref_hansen(cost, supply, kind, **p):
    return {
        i: sum(supply[j] * ref_weight(kind, cost.loc[i, j], **p) for j in cost.columns)
        for i in cost.index
    }


CASES = [
    ("step", access.step(30), {"max_min": 30}),
    ("zones", access.zones(), {"zones": access.LUO_QI_ZONES}),
    ("power", access.power(1.5, min_min=2, max_min=40), {"beta": 1.5, "min_min": 2, "max_min": 40}),
    ("gaussian", access.gaussian(12, max_min=35), {"sigma": 12, "max_min": 35}),
]


@pytest.mark.parametrize(("kind", "decay", "p"), CASES, ids=[c[0] for c in CASES])
def test_indices_agree_with_the_reference_on_an_asymmetric_matrix(kind, decay, p):
    e2 = access.enhanced_two_step_fca(COST, SUPPLY, DEMAND, decay=decay)
    bf = access.balanced_fca(COST, SUPPLY, DEMAND, decay=decay)
    grav = access.gravity(COST, SUPPLY, decay=decay)
    comp = access.gravity(COST, SUPPLY, decay=decay, demand=DEMAND)
    for got, ref in (
        (e2, ref_2sfca(COST, SUPPLY, DEMAND, kind, **p)),
        (bf, ref_bfca(COST, SUPPLY, DEMAND, kind, **p)),
        (grav, ref_hansen(COST, SUPPLY, kind, **p)),
        (comp, ref_2sfca(COST, SUPPLY, DEMAND, kind, **p)),
    ):
        assert list(got.index) == list(COST.index)
        for i, value in ref.items():
            assert got[i] == pytest.approx(value, rel=1e-9, abs=1e-12), (kind, i)


def test_two_step_fca_by_hand():
    # step 30: s1 serves d1, d2, d3 (77.5 ha) → 300/77.5; s2 serves d1, d2, d3 → 120/77.5;
    # s3 serves d1, d2 (55) → 75/55; d4 reaches nothing
    got = access.two_step_fca(COST, SUPPLY, DEMAND, max_min=30)
    assert got["d1"] == pytest.approx(420 / 77.5 + 75 / 55, rel=1e-12)
    assert got["d3"] == pytest.approx(420 / 77.5, rel=1e-12)
    assert got["d4"] == 0.0
    # supply is conserved: demand-weighted access sums to the supply that someone reaches
    assert (got * DEMAND).sum() == pytest.approx(SUPPLY.sum(), rel=1e-12)


def test_the_matrix_direction_matters():
    """Rows are where demand is: transposing an asymmetric matrix changes the answer."""
    square = pd.DataFrame([[5.0, 40.0], [10.0, 5.0]], index=["a", "b"], columns=["a", "b"])
    s = pd.Series({"a": 100.0, "b": 100.0})
    d = pd.Series({"a": 1.0, "b": 1.0})
    one = access.two_step_fca(square, s, d, max_min=30)
    other = access.two_step_fca(square.T, s, d, max_min=30)
    assert one.to_dict() == pytest.approx({"a": 50.0, "b": 150.0})
    assert other.to_dict() == pytest.approx({"a": 150.0, "b": 50.0})


def test_balanced_fca_allocates_neither_more_demand_nor_more_service():
    decay = access.gaussian(15, max_min=45)
    w = decay(COST.to_numpy())
    got = access.balanced_fca(COST, SUPPLY, DEMAND, decay=decay)
    row = w.sum(axis=1)
    by_origin = np.divide(w, row[:, None], out=np.zeros_like(w), where=row[:, None] > 0)
    served = DEMAND.to_numpy() @ by_origin
    level = SUPPLY.to_numpy() / served
    # Σ_i A_i = Σ_j L_j, and the demand allocated is the demand that reaches a supply
    assert got.sum() == pytest.approx(level.sum(), rel=1e-12)
    assert served.sum() == pytest.approx(DEMAND[row > 0].sum(), rel=1e-12)


def test_three_step_fca_is_refused_with_its_reason():
    with pytest.raises(NinhBinhGeoError, match="balanced_fca") as err:
        access.three_step_fca(COST, SUPPLY, DEMAND)
    assert "Wan, Zou & Sternberg 2012" in str(err.value)


def test_missing_supply_has_no_silent_default():
    with pytest.raises(SchemaError, match=r"supply.*s2.*no default"):
        access.two_step_fca(COST, SUPPLY.drop("s2").reindex(COST.columns), DEMAND, max_min=30)
    with pytest.raises(SchemaError, match="no value for"):
        access.two_step_fca(COST, SUPPLY.drop("s3"), DEMAND, max_min=30)
    with pytest.raises(SchemaError, match=">= 0"):
        access.two_step_fca(COST.where(COST < 40, -1.0), SUPPLY, DEMAND, max_min=30)
    with pytest.raises(SchemaError, match="decay"):
        access.balanced_fca(COST, SUPPLY, DEMAND, decay=lambda t: t)


def test_site_access_reads_the_chosen_supply_and_lists_what_it_leaves_out():
    clusters = pd.DataFrame({"site_id": list(COST.index), "area_ha": DEMAND.to_numpy()})
    hubs = pd.DataFrame({"site_id": list(COST.columns), "jobs": [300.0, NAN, 75.0]})
    with pytest.raises(SchemaError, match=r"jobs.*s2"):
        access.site_access(clusters, hubs, COST, supply_column="jobs")
    out = access.site_access(clusters, hubs, COST, supply_column="jobs", missing="drop")
    assert out.attrs["left_out"] == {"hubs": ["s2"], "clusters": []}
    ref = ref_2sfca(COST[["s1", "s3"]], SUPPLY[["s1", "s3"]], DEMAND, "step", max_min=30)
    assert out["access_2sfca"].tolist() == pytest.approx([ref[i] for i in COST.index], rel=1e-9)
    assert out["hubs_within_30min"].tolist() == [2, 2, 1, 0]
    with pytest.raises(SchemaError, match="no column 'leasable_ha'"):
        access.site_access(clusters, hubs, COST, supply_column="leasable_ha")


# -- pysal access as an oracle ---------------------------------------------------------------


def _pysal_frames():
    long = COST.stack(future_stack=True).dropna().rename("cost").reset_index()
    long.columns = ["origin", "dest", "cost"]
    demand = DEMAND.rename("demand").to_frame()
    demand.index.name = "geoid"
    supply = SUPPLY.rename("supply").to_frame()
    supply.index.name = "geoid"
    return long, demand, supply


@pytest.mark.parametrize(
    ("zones", "max_min"), [(None, 30), ({10: 1.0, 20: 0.68, 30: 0.22}, 30)], ids=["2sfca", "e2sfca"]
)
def test_pysal_access_agrees(zones, max_min):
    pysal = pytest.importorskip(
        "access", reason="pysal access not installed (pip install access; test extra)"
    )
    from access import fca, weights

    long, demand, supply = _pysal_frames()
    fn = None if zones is None else weights.step_fn(zones)
    theirs = fca.two_stage_fca(
        demand,
        supply,
        long,
        max_cost=max_min,
        demand_name="demand",
        supply_name="supply",
        weight_fn=fn,
    )
    decay = access.step(max_min) if zones is None else access.zones(zones)
    ours = access.enhanced_two_step_fca(COST, SUPPLY, DEMAND, decay=decay)
    theirs = theirs.reindex(ours.index).fillna(0.0)  # pysal leaves out who reaches nothing
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-9, atol=1e-12)
    assert pysal is not None


def test_pysal_gravity_potential_agrees():
    pytest.importorskip("access", reason="pysal access not installed (test extra)")
    from access import fca, weights

    long, _, supply = _pysal_frames()
    theirs = fca.weighted_catchment(
        supply,
        long,
        max_cost=None,
        cost_source="dest",
        cost_dest="origin",
        cost_cost="cost",
        loc_index=True,
        loc_value="supply",
        weight_fn=weights.gravity(1, -1.5, min_dist=2),
    )
    ours = access.gravity(COST, SUPPLY, decay=access.power(1.5, min_min=2))
    theirs = theirs.reindex(ours.index).fillna(0.0)
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-9)


def test_a_cluster_without_any_travel_time_is_unmeasured_not_zero():
    cost = COST.copy()
    cost.loc["d4"] = NAN  # beyond the roads: no time to any hub
    clusters = pd.DataFrame({"site_id": list(cost.index), "area_ha": DEMAND.to_numpy()})
    hubs = pd.DataFrame({"site_id": list(cost.columns), "jobs": SUPPLY.to_numpy()})
    out = access.site_access(clusters, hubs, cost, supply_column="jobs")
    assert out.attrs["unmeasured"] == ["d4"]
    assert out.loc[3, ["access_2sfca", "access_bfca", "access_gravity"]].isna().all()
    assert out.loc[2, "access_2sfca"] > 0
    # the plain index on the same matrix gives 0: no supply within reach
    assert access.two_step_fca(cost, SUPPLY, DEMAND, max_min=30)["d4"] == 0.0
