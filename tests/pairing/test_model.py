"""The blocks of the compact pairing MIP (pairaid.pairing.formulations.model), one by one,
on cases worked out by hand: segment costs and bounds, flow links, burden terms and the
reading of a solution."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from pairaid.pairing import PairingOptions
from pairaid.pairing.analysis.evaluate import evaluate_plan
from pairaid.pairing.formulations.model import (
    BurdenColumns,
    PairingModel,
    add_burden_terms,
    add_flow_links,
    add_shortfall_segments,
    build_model,
    extract,
    solve_model,
)
from pairaid.pairing.highs import MipBuilder
from pairaid.pairing.instance import build_instance

from .helpers import make_problem

# key 0: gaps 8, 3, 3, 0, 5 (distinct positive values 3 < 5 < 8); key 1: 2.5, 0.5, 2.5
# (0.5 < 2.5); key 2: no gap at all
GAPS = np.array([[8.0, 3.0, 3.0, 0.0, 5.0], [2.5, 0.5, 2.5, 0.0, 0.0], [0.0] * 5])
WEIGHTS = np.array([2.0, 0.5, 7.0])


def _shortfall(gaps: np.ndarray, weights: np.ndarray, received: np.ndarray) -> float:
    """sum_k w_k sum_t max(g_kt - Q_k, 0), straight from the definition."""
    return float((weights * np.maximum(gaps - received[:, None], 0.0).sum(axis=1)).sum())


def test_shortfall_segments_by_hand():
    b = MipBuilder()
    b.offset = 1.25  # a constant already in the objective (the stability term's) stays
    received = b.add_vars(3, lower=0.0, upper=0.0)
    add_shortfall_segments(b, GAPS, WEIGHTS, received)
    # one segment per distinct positive gap of a key, in order: 3, 5, 8 | 0.5, 2.5
    z = np.arange(3, b.n_cols)
    assert z.size == 5
    assert np.concatenate(b.upper)[z].tolist() == [3.0, 2.0, 3.0, 0.5, 2.0]
    # cost -w * days with a gap at or above the segment's top: 4, 2, 1 days | 3, 2 days
    assert np.concatenate(b.cost)[z].tolist() == [-2.0 * 4, -2.0 * 2, -2.0 * 1,
                                                  -0.5 * 3, -0.5 * 2]
    # the constant: every staff-day of gap, weighted: 2 x 19 + 0.5 x 5.5 + 7 x 0
    assert b.offset == pytest.approx(1.25 + 40.75)
    assert b.n_rows == 3  # one row per key: sum of its segments <= staff received


@pytest.mark.parametrize("q0", [0.0, 1.5, 3.0, 4.0, 5.0, 8.0, 9.0])
@pytest.mark.parametrize("q1", [0.0, 0.25, 0.5, 1.0, 2.5, 4.0])
def test_shortfall_segments_reproduce_the_convex_shortfall(q0, q1):
    # at the breakpoints, between them and past the peak, and with a key without any gap
    # that receives staff
    b = MipBuilder()
    q = np.array([q0, q1, 3.0])
    received = b.add_vars(3, lower=q, upper=q)
    add_shortfall_segments(b, GAPS, WEIGHTS, received)
    assert b.solve().objective == pytest.approx(_shortfall(GAPS, WEIGHTS, q))


def test_no_gap_no_segments():
    b = MipBuilder()
    received = b.add_vars(2, lower=0.0, upper=0.0)
    add_shortfall_segments(b, np.zeros((2, 3)), np.ones(2), received)
    assert (b.n_cols, b.n_rows, b.offset) == (2, 0, 0.0)


def _flows(y_on: list[float], integer: bool | None = None):
    """Three pairs (donors 0, 0, 1; donor 2 has none), two resources; every flow is worth
    1, pairs fixed."""
    b = MipBuilder()
    y = b.add_vars(3, lower=np.array(y_on), upper=np.array(y_on))
    ub = np.array([[4.0, 0.0], [3.0, 2.0], [5.0, 0.5]])
    cap = np.array([[6.0, 5.0], [10.0, 10.0], [7.0, 7.0]])
    if integer is None:  # the default: staff in fractions
        q, qp, qs = add_flow_links(b, y, np.array([0, 0, 1]), ub, cap)
    else:
        q, qp, qs = add_flow_links(b, y, np.array([0, 0, 1]), ub, cap, integer=integer)
    b.cost[-1] = -np.ones(q.size)
    return b, q, qp, qs


def test_flow_links_by_hand():
    b, q, qp, qs = _flows([1.0, 1.0, 1.0])
    assert qp.tolist() == [0, 1, 1, 2, 2] and qs.tolist() == [0, 0, 1, 0, 1]
    assert q.tolist() == [3, 4, 5, 6, 7]
    assert np.concatenate(b.upper)[q].tolist() == [4.0, 3.0, 2.0, 5.0, 0.5]
    # one link row per flow, one capacity row: donor 0's nurses (4 + 3 > 6); the others
    # cannot bind
    assert b.n_rows == 5 + 1
    # every pair on: donor 0 sends 6 of resource 0 and 2 of resource 1, donor 1 5 + 0.5
    assert b.solve().objective == pytest.approx(-(6 + 2 + 5 + 0.5))


def test_flow_links_nothing_over_an_unchosen_pair():
    b, *_ = _flows([0.0, 1.0, 0.0])
    assert b.solve().objective == pytest.approx(-(3 + 2))
    b, *_ = _flows([1.0, 0.0, 1.0])
    assert b.solve().objective == pytest.approx(-(4 + 5 + 0.5))


def test_flow_links_whole_staff():
    b, q, *_ = _flows([1.0, 1.0, 1.0], integer=True)
    assert np.concatenate(b.integer)[q].all()
    assert b.solve().objective == pytest.approx(-(6 + 2 + 5))  # 0.5 -> no whole staff
    for integer in (None, False):
        b, q, *_ = _flows([1.0, 1.0, 1.0], integer=integer)
        assert not np.concatenate(b.integer)[q].any()


# raw capacities (D = 3, S = 2): donor 0 has 1 doctor, donor 2 nothing at all;
# flows: donor 0 sends 4 nurses, donor 1 4 nurses and 1 doctor
RAW = np.array([[10.0, 1.0], [30.0, 4.0], [0.0, 0.0]])
SENT = np.array([[4.0, 0.0], [4.0, 1.0], [0.0, 0.0]])
# shares of the keys with a capacity: 4/10, 0/1, 4/30, 1/4; overall 8/40 and 1/5
SHARE = np.array([0.4, 0.0, 4 / 30, 0.25])
DEV = np.abs(SHARE - np.array([0.2, 0.2, 0.2, 0.2]))


def _burden(max_w: float, dev_w: float, sent_all: np.ndarray = SENT):
    b = MipBuilder()
    ds = np.array([0, 2, 3])  # donor * S + resource of each flow
    sent = sent_all.reshape(-1)[ds]
    q = b.add_vars(3, lower=sent, upper=sent)
    inst = SimpleNamespace(raw_capacity=RAW)
    cols = add_burden_terms(b, inst, PairingOptions(burden_max_weight=max_w,  # type: ignore[arg-type]
                                                    burden_deviation_weight=dev_w), q, ds)
    return b, cols


def test_burden_terms_by_hand():
    b, cols = _burden(1.0, 2.0)
    assert cols.keys.tolist() == [0, 1, 2, 3]
    assert (cols.big_b.size, cols.total.size, cols.dev.size) == (1, 2, 4)
    sol = b.solve()
    assert sol.objective == pytest.approx(0.4 + 2.0 * DEV.sum())
    assert sol.x[cols.big_b].tolist() == pytest.approx([0.4])
    assert sol.x[cols.total].tolist() == pytest.approx([8.0, 1.0])
    assert sol.x[cols.dev].tolist() == pytest.approx(DEV.tolist())


def test_burden_terms_only_when_weighted():
    b, cols = _burden(0.5, 0.0)
    assert (cols.big_b.size, cols.total.size, cols.dev.size) == (1, 0, 0)
    assert b.solve().objective == pytest.approx(0.5 * 0.4)
    b, cols = _burden(0.0, 0.5)
    assert (cols.big_b.size, cols.total.size, cols.dev.size) == (0, 2, 4)
    assert b.solve().objective == pytest.approx(0.5 * DEV.sum())
    b, cols = _burden(0.0, 1.0)
    assert b.solve().objective == pytest.approx(DEV.sum())
    b, cols = _burden(0.0, 0.0)
    assert (cols.big_b.size, cols.dev.size, cols.keys.size, b.n_cols, b.n_rows) == \
        (0, 0, 0, 3, 0)


def test_burden_terms_when_nothing_is_sent():
    b, cols = _burden(1.0, 1.0, np.zeros_like(SENT))
    sol = b.solve()
    assert sol.objective == pytest.approx(0.0)
    assert sol.x[cols.total].tolist() == [0.0, 0.0]


def test_burden_fill_equals_the_solved_columns():
    # fill writes the least values of the burden columns for given flows: the optimum's
    b, cols = _burden(1.0, 2.0)
    sol = b.solve()
    x = np.full(b.n_cols, np.nan)
    cols.fill(x, SENT, RAW)
    for c in (cols.big_b, cols.total, cols.dev):
        assert x[c].tolist() == pytest.approx(sol.x[c].tolist())


def test_burden_fill_of_no_terms_writes_nothing():
    # both weights 0: no columns, and fill (called on every plan) must not fail
    _, cols = _burden(0.0, 0.0)
    x = np.full(3, 5.0)
    cols.fill(x, SENT, RAW)
    assert x.tolist() == [5.0, 5.0, 5.0]


def test_burden_fill_by_hand_without_deviation():
    cols = BurdenColumns(big_b=np.array([0]), total=np.zeros(0, dtype=np.int64),
                         dev=np.zeros(0, dtype=np.int64), keys=np.array([0, 1, 2, 3]))
    x = np.full(4, -1.0)
    cols.fill(x, SENT, RAW)
    assert x.tolist() == pytest.approx([0.4, -1.0, -1.0, -1.0])


def _extract_case():
    model = PairingModel(MipBuilder(), y=np.array([0, 1, 2]), q_pair=np.array([0, 1, 2, 0]),
                         q_res=np.array([0, 0, 1, 1]), q=np.array([3, 4, 5, 6]))
    inst = SimpleNamespace(pair_d=np.zeros(3, dtype=np.int64), resources=["d", "n"], team=None)
    # pair 0 chosen (0.6), pair 1 not (0.4), pair 2 chosen; a flow over the unchosen pair
    # and a flow a hair below zero
    x = np.array([0.6, 0.4, 1.0, 2.4, 3.0, -1e-9, 1.6])
    return model, inst, x


def test_extract_by_hand():
    model, inst, x = _extract_case()
    chosen, q = extract(model, inst, x, integer_flows=True)  # type: ignore[arg-type]
    assert chosen.tolist() == [True, False, True]
    assert q.tolist() == [[2.0, 2.0], [0.0, 0.0], [0.0, 0.0]]
    assert not np.signbit(q).any()
    chosen, q = extract(model, inst, x, integer_flows=False)  # type: ignore[arg-type]
    assert q.tolist() == [[2.4, 1.6], [0.0, 0.0], [0.0, 0.0]]
    assert not np.signbit(q).any()


def _compact(problem, options: PairingOptions):
    """Build and solve the compact model itself (solve() may take another formulation on
    small cases); the solution, the chosen pairs, the flows and the instance."""
    inst = build_instance(problem, options)
    model = build_model(inst, options)
    sol = solve_model(model, options)
    chosen, q = extract(model, inst, sol.x, integer_flows=options.integer_flows)
    return sol, chosen, q, inst, model


def _codes(inst, chosen) -> set[tuple[str, str]]:
    return {(inst.donors[d], inst.recipients[r])
            for d, r in zip(inst.pair_d[chosen], inst.pair_r[chosen], strict=True)}


def test_compact_model_prices_changed_pairs_by_hand():
    # the plan in force pairs A (500 km) with X; B is at 50 km; one donor per recipient
    p = make_problem({"A": 10, "B": 10}, {"X": 5}, km={("A", "X"): 500, ("B", "X"): 50})
    base = dict(max_donors_per_recipient=1, previous_pairs=[("A", "X")],
                keep_previous=False)
    # keeping A-X costs 0.5; switching 0.05 + 2 changes x 1.0
    sol, chosen, _, inst, _ = _compact(p, PairingOptions(**base, change_cost=1.0))
    assert _codes(inst, chosen) == {("A", "X")} and sol.objective == pytest.approx(0.5)
    # switching costs 0.05 + 2 x 0.1 = 0.25 < 0.5
    sol, chosen, _, inst, model = _compact(p, PairingOptions(**base, change_cost=0.1))
    assert _codes(inst, chosen) == {("B", "X")} and sol.objective == pytest.approx(0.25)
    # pair costs: distance, minus the change cost on the previous pair, plus it on a new
    # one; the constant: the change cost of each previous pair
    cost = np.concatenate(model.builder.cost)[model.y]
    prev = inst.pair_d == inst.donors.index("A")
    assert cost[prev].tolist() == pytest.approx([0.5 - 0.1])
    assert cost[~prev].tolist() == pytest.approx([0.05 + 0.1])
    assert model.builder.offset == pytest.approx(0.1 * 1 + 5.0)  # + the gap's staff-days
    # two pairs in force: the constant holds the change cost of each
    _, _, _, _, model = _compact(p, PairingOptions(
        previous_pairs=[("A", "X"), ("B", "X")], keep_previous=False, change_cost=0.1))
    assert model.builder.offset == pytest.approx(0.1 * 2 + 5.0)


def test_compact_model_without_a_previous_plan_prices_distance_only():
    p = make_problem({"A": 10, "B": 10}, {"X": 5}, km={("A", "X"): 500, ("B", "X"): 50})
    _, _, _, _, model = _compact(p, PairingOptions(change_cost=0.7))
    assert sorted(np.concatenate(model.builder.cost)[model.y].tolist()) == \
        pytest.approx([0.05, 0.5])
    assert model.builder.offset == pytest.approx(5.0)  # the gap's staff-days only


@pytest.mark.parametrize("options", [
    PairingOptions(),
    PairingOptions(burden_max_weight=0.3, burden_deviation_weight=0.2,
                   previous_pairs=[("A", "Y")], keep_previous=False, change_cost=0.05),
    PairingOptions(max_total_sent=7, max_donors_per_recipient=1,
                   max_recipients_per_donor=2, fixed_pairs=[("A", "Y")]),
    # a pair in force whose change cost outweighs its distance: its variable has a
    # negative cost and must still stay at most 1
    PairingOptions(previous_pairs=[("A", "X")], keep_previous=False, change_cost=1.0,
                   max_recipients_per_donor=3, max_donors_per_recipient=3),
    PairingOptions(integer_flows=False, min_donors_per_recipient=0,
                   distance_weight=0.5),
])
def test_compact_model_objective_equals_the_plan_recomputed_from_its_flows(options):
    # the objective HiGHS reports for the compact model is the plan's own, recomputed term
    # by term from its pairs and flows (pairaid.pairing.analysis.evaluate)
    p = make_problem({"A": {"doctors": 3, "nurses": 9}, "B": {"doctors": 4, "nurses": 2},
                      "C": {"nurses": 1.5}},
                     {"X": {"doctors": [5, 2, 0], "nurses": [6, 6, 1]},
                      "Y": {"doctors": [1, 1, 0.5], "nurses": [4, 0, 2]}},
                     km={("A", "X"): 100, ("A", "Y"): 300, ("B", "X"): 200,
                         ("B", "Y"): 50, ("C", "X"): 10, ("C", "Y"): 20},
                     weights={"doctors": 2.0, "nurses": 1.0})
    sol, chosen, q, inst, _ = _compact(p, options)
    plan = evaluate_plan(inst, options, chosen, q)
    assert sol.objective == pytest.approx(plan.objective, abs=1e-6)
    assert sol.bound == pytest.approx(sol.objective, abs=1e-6)
    if options.max_total_sent is not None:
        assert q.sum() <= options.max_total_sent
    for d, r in options.fixed_pairs:
        assert (d, r) in _codes(inst, chosen)


def test_compact_model_whole_staff_by_hand():
    # a gap of 2.5 for one day, a donor of 10 at 100 km, min-max burden weight 1:
    # whole staff: 2 leave 0.5 short (0.5 + burden 0.2), 3 cover it (burden 0.3): 3 and
    # 0.3 + 0.1 distance; in fractions 2.5 (burden 0.25) and 0.35
    p = make_problem({"A": 10}, {"X": 2.5})
    sol, _, q, _, _ = _compact(p, PairingOptions(burden_max_weight=1.0))
    assert q.tolist() == [[3.0]] and sol.objective == pytest.approx(0.4)
    sol, _, q, _, _ = _compact(p, PairingOptions(burden_max_weight=1.0, integer_flows=False))
    assert q[0, 0] == pytest.approx(2.5) and sol.objective == pytest.approx(0.35)


def test_compact_model_may_send_nothing():
    # a gap of 1 staff-day and the only donor 1,000 km away at 0.012 per km: a pair
    # costs 12, the shortfall 1, so nothing is sent
    p = make_problem({"A": 8}, {"X": 1}, km=1000.0)
    sol, chosen, q, _, _ = _compact(p, PairingOptions(min_donors_per_recipient=0,
                                                      distance_weight=0.012))
    assert not chosen.any() and q.sum() == 0 and sol.objective == pytest.approx(1.0)
