"""Explanations by re-solving, on instances whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import ConfigError, InfeasibleError
from pairaid.pairing import PairingOptions, solve
from pairaid.pairing.analysis.explain import forbid_costs, marginal_values, what_if

from .helpers import make_problem


def problem():
    # X needs 8: A (8) at 100 km; B (8) at 300 km is the fallback. Y needs 2: C (2).
    return make_problem({"A": 8, "B": 8, "C": 2}, {"X": 8, "Y": 2},
                        km={("A", "X"): 100, ("B", "X"): 300, ("C", "Y"): 50})


OPTS = PairingOptions(max_donors_per_recipient=1)


def test_forbid_cost_is_the_detour_or_infeasible():
    table = forbid_costs(problem(), OPTS).set_index(["donor_code", "recipient_code"])
    # forbidding A-X sends B instead: 200 km more at 1e-3 per km
    assert table.loc[("A", "X"), "cost"] == pytest.approx(0.2)
    assert table.loc[("A", "X"), "shortfall_change"] == 0
    # C is Y's only candidate: forbidding it leaves no plan
    assert table.loc[("C", "Y"), "status"] == "infeasible"
    assert np.isinf(table.loc[("C", "Y"), "cost"])
    assert "Y" in table.loc[("C", "Y"), "reason"]


def test_marginal_value_of_a_team_is_the_shortfall_it_removes():
    # with k = 1 only, X's gap of 12 can get 8 from A: 4 short on each of 2 days
    p = make_problem({"A": 8, "B": 3}, {"X": [12, 12], "Y": 1})
    table = marginal_values(p, OPTS, team={"nurses": 3}).set_index("recipient_code")
    assert table.loc["X", "shortfall_change"] == -6  # 3 staff x 2 days
    assert table.loc["X", "value"] == pytest.approx(6.0)
    # Y's gap of 1 vanishes: it no longer needs its donor, saving 100 km x 1e-3
    assert table.loc["Y", "value"] == pytest.approx(0.1)
    assert table.loc["Y", "shortfall_change"] == 0
    assert table.index[0] == "X"


def test_marginal_value_rejects_unknown_resource():
    with pytest.raises(ConfigError, match="team size"):
        marginal_values(problem(), OPTS, team={"pilots": 1})


def test_what_if_remove_donor_and_change_k():
    base = solve(problem(), OPTS)
    out = what_if(problem(), OPTS, remove_donor="A", before=base)
    assert set(map(tuple, out.pairs_removed.to_numpy())) == {("A", "X")}
    assert set(map(tuple, out.pairs_added.to_numpy())) == {("B", "X")}
    change = out.changes.set_index("measure")["change"]
    assert change["total_distance_km"] == pytest.approx(200)
    with pytest.raises(InfeasibleError):
        what_if(problem(), OPTS, remove_donor="C")
    # k = 2 lets X take A and B, but B adds only distance: the plan does not change
    same = what_if(problem(), OPTS, k=2)
    assert same.pairs_added.empty and same.pairs_removed.empty


def test_what_if_add_donor():
    p = problem()
    supply = pd.DataFrame({"donor_code": ["N"], "resource": ["nurses"], "capacity": [8.0]})
    dist = pd.DataFrame({"donor_code": ["N"], "recipient_code": ["X"], "distance_km": [10.0]})
    out = what_if(p, OPTS, add_donor=(supply, dist))
    assert ("N", "X") in set(map(tuple, out.pairs_added.to_numpy()))
    assert out.after.objective < out.before.objective
    with pytest.raises(ConfigError):
        what_if(p, OPTS)
