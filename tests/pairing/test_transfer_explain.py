"""Explanations of a transfer plan (pairaid.pairing.analysis.transfer_explain), on
hand-solved cases."""

from __future__ import annotations

import pandas as pd
import pytest

from pairaid.pairing.analysis.transfer_explain import explain_transfers
from pairaid.pairing.formulations.transfer import TransferOptions, TransferProblem


def _problem(donors: dict[str, tuple[float, int]]) -> TransferProblem:
    """Recipient R with 2 patients over capacity on days 0 and 1; each donor at (km, spare
    beds on both days); a moved patient stays 2 days."""
    return TransferProblem(
        overflow=pd.DataFrame({"recipient_code": "R", "day": [0, 1], "overflow": [2.0, 2.0]}),
        spare=pd.DataFrame([{"donor_code": d, "day": t, "spare": float(s)}
                            for d, (_, s) in donors.items() for t in (0, 1)]),
        distances=pd.DataFrame([{"donor_code": d, "recipient_code": "R", "distance_km": km}
                                for d, (km, _) in donors.items()]),
        stay_days=2)


def test_each_pair_is_explained_by_hand() -> None:
    # A 100 km / 1 bed, B 300 km / 5 beds, C 900 km (beyond the 500 km limit), D 200 km
    # with no spare bed. By hand: A and B take one patient each on day 0 (400 patient-km,
    # nobody without a bed). Without A, B takes both: 600 patient-km (+200), still nobody
    # without a bed. Without B, A takes one and the other stays 2 days without a bed (+2
    # patient-days) and 100 patient-km (-300).
    problem = _problem({"A": (100.0, 1), "B": (300.0, 5), "C": (900.0, 5), "D": (200.0, 0)})
    why = explain_transfers(problem, TransferOptions(max_km=500))
    rows = why.pairs.set_index("donor_code")
    assert rows.loc["A", "status"] == "chosen" and rows.loc["A", "patients"] == 1
    assert rows.loc["A", "unserved_change"] == pytest.approx(0.0)
    assert rows.loc["A", "patient_km_change"] == pytest.approx(200.0)
    assert rows.loc["A", "reason"].startswith("replaceable")
    assert rows.loc["B", "unserved_change"] == pytest.approx(2.0)
    assert rows.loc["B", "patient_km_change"] == pytest.approx(-300.0)
    assert "2 more patient-days without a bed" in rows.loc["B", "reason"]
    assert rows.loc["C", "status"] == "excluded"
    assert "farther than the limit of 500 km" in rows.loc["C", "reason"]
    assert rows.loc["D", "status"] == "unused"
    assert rows.loc["D", "reason"].startswith("no spare ICU bed")
    assert why.limits["max_per_day"] is None and why.limits["one_more_per_day"] is None
    # A's single bed is taken on both days
    assert why.limits["full_donor_days"] == {"A": 2}


def test_the_daily_limit_and_an_unused_donor_are_explained() -> None:
    # one patient a day (see test_transfer.py): day 0 one patient is left without a bed, so
    # the limit is used on days 0 and 1 and a limit of 2 a day would save that patient-day
    problem = _problem({"A": (100.0, 1), "B": (300.0, 5)})
    why = explain_transfers(problem, TransferOptions(max_per_day=1))
    assert why.limits["days_at_daily_limit"] == [0, 1]
    assert why.limits["one_more_per_day"] == pytest.approx(-1.0)
    assert why.limits["unserved_by_recipient"] == {"R": 1.0}
    # with no limit, A and B cover R; E (400 km, 5 beds) is a candidate that moves nobody
    # because the overflow is already covered
    problem = _problem({"A": (100.0, 1), "B": (300.0, 5), "E": (400.0, 5)})
    rows = explain_transfers(problem, TransferOptions()).pairs.set_index("donor_code")
    assert rows.loc["E", "status"] == "unused" and rows.loc["E", "patients"] == 0
    assert rows.loc["E", "reason"] == "the recipient's overflow is covered by nearer donors"
