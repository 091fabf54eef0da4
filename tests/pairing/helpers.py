"""Small builders of pairing problems for the tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from pairaid.pairing import PairingProblem

DAY0 = pd.Timestamp("2020-02-11")


def make_problem(
    capacity: Mapping[str, float | Mapping[str, float]],
    gaps: Mapping[str, float | Sequence[float] | Mapping[str, float | Sequence[float]]],
    km: Mapping[tuple[str, str], float] | float = 100.0,
    weights: Mapping[str, float] | None = None,
) -> PairingProblem:
    """Build a problem from plain dicts.

    ``capacity[donor]`` is a number (one resource, ``nurses``) or ``{resource: number}``;
    ``gaps[recipient]`` is a number (one day), a list (one value per day) or
    ``{resource: number or list}``; ``km`` is a dict of pair distances or one distance for
    every pair.
    """
    srows = []
    for d, c in capacity.items():
        cmap = c if isinstance(c, Mapping) else {"nurses": c}
        for res, v in cmap.items():
            srows.append({"donor_code": d, "resource": res, "capacity": float(v)})
    drows = []
    for r, g in gaps.items():
        gmap = g if isinstance(g, Mapping) else {"nurses": g}
        for res, v in gmap.items():
            seq = list(v) if isinstance(v, Sequence) else [v]
            for t, x in enumerate(seq):
                drows.append({"recipient_code": r, "resource": res,
                              "date": DAY0 + pd.Timedelta(days=t), "gap": float(x)})
    resources = sorted({row["resource"] for row in srows + drows})
    krows = []
    for d in capacity:
        for r in gaps:
            dist = km.get((d, r)) if isinstance(km, Mapping) else km
            if dist is not None:
                krows.append({"donor_code": d, "recipient_code": r, "distance_km": dist})
    return PairingProblem(
        supply=pd.DataFrame(srows), demand=pd.DataFrame(drows),
        distances=pd.DataFrame(krows, columns=["donor_code", "recipient_code",
                                               "distance_km"]),
        weights=dict(weights) if weights else {res: 1.0 for res in resources},
    )


def pair_set(result) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """The chosen pairs of a result as a set of (donor, recipient)."""
    return set(zip(result.pairs.donor_code, result.pairs.recipient_code, strict=True))


def sent(result, donor: str, recipient: str, resource: str = "nurses") -> float:  # type: ignore[no-untyped-def]
    """Staff of ``resource`` sent from ``donor`` to ``recipient``."""
    f = result.flows
    sel = (f.donor_code == donor) & (f.recipient_code == recipient) & (f.resource == resource)
    return float(f.loc[sel, "quantity"].sum())


def solved_many_to_many(case):  # type: ignore[no-untyped-def]
    """A hypothesis case (problem, options) with k = 2 solved by the compact model, for
    the donor-set tests: ``(inst, options, result)``, or the example rejected (``assume``)
    when its limits are infeasible, column generation does not apply or HiGHS did not
    prove the optimum."""
    from dataclasses import replace

    from hypothesis import assume

    from pairaid.errors import InfeasibleError
    from pairaid.pairing import solve
    from pairaid.pairing.formulations.colgen import applicable
    from pairaid.pairing.instance import build_instance

    problem, options = case
    options = replace(options, max_recipients_per_donor=2, time_limit=30,
                      formulation="compact")
    try:
        inst = build_instance(problem, options)
        res = solve(problem, options)
    except InfeasibleError:  # infeasible limits are the diagnosis tests' business
        assume(False)
        raise
    assume(applicable(inst) and res.status.value == "optimal")
    return inst, options, res
