"""Report figures against hand-computed values."""

from __future__ import annotations

import math

import pandas as pd

from pairaid.report.summary import donor_burden, peak_severity, staff_sent

D1, D2 = pd.Timestamp("2020-02-11"), pd.Timestamp("2020-02-12")


def _gaps() -> pd.DataFrame:
    rows = [  # region, date, resource, need, available, gap, estimated
        ("420900", D1, "doctors", 100.0, 40.0, 60.0, False),
        ("420900", D1, "nurses", 200.0, 100.0, 100.0, False),
        ("420900", D2, "doctors", 150.0, 40.0, 110.0, True),
        ("420900", D2, "nurses", 250.0, 100.0, 150.0, False),
        ("420900", D2, "beds", 9999.0, 0.0, 9999.0, False),  # beds never enter severity
        ("421100", D1, "doctors", 0.0, 10.0, 0.0, False),
        ("421100", D1, "nurses", 0.0, 10.0, 0.0, False),
    ]
    return pd.DataFrame(rows, columns=["region_code", "date", "resource", "need", "available",
                                       "gap", "estimated"])


def test_peak_severity_hand_computed() -> None:
    shortfall = pd.DataFrame({"recipient_code": ["420900", "420900"],
                              "resource": ["doctors", "nurses"], "date": [D2, D2],
                              "shortfall": [20.0, 40.0]})
    out = peak_severity(_gaps(), shortfall).set_index("region_code")
    x = out.loc["420900"]
    # peak day is D2 (staff need 400 > 300); gap 260, shortfall 60
    assert x["peak_date"] == D2
    assert (x["need"], x["available"], x["gap"], x["shortfall"]) == (400, 140, 260, 60)
    assert math.isclose(x["gap_share"], 260 / 400)
    assert math.isclose(x["uncovered_share"], 60 / 400)
    assert bool(x["estimated"]) is True
    # no need at all: shares are 0, not NaN
    y = out.loc["421100"]
    assert y["gap_share"] == 0.0 and y["uncovered_share"] == 0.0


def test_staff_sent_and_burden() -> None:
    flows = pd.DataFrame({"donor_code": ["CN-GD", "CN-GD", "CN-JS", "CN-GD"],
                          "recipient_code": ["420900", "420900", "421100", "421100"],
                          "resource": ["doctors", "nurses", "nurses", "beds"],
                          "quantity": [10.0, 30.0, 5.0, 100.0]})
    sent = staff_sent(flows).set_index(["donor_code", "recipient_code"])
    assert sent.loc[("CN-GD", "420900"), "staff"] == 40.0
    assert sent.loc[("CN-JS", "421100"), "doctors"] == 0.0
    assert ("CN-GD", "421100") not in sent.index  # beds are not staff
    caps = pd.DataFrame({"donor_code": ["CN-GD", "CN-GD", "CN-JS", "CN-JS"],
                         "resource": ["doctors", "nurses", "doctors", "nurses"],
                         "deployable": [60.0, 60.0, 0.0, 0.0], "own_need": [0.0] * 4,
                         "capacity": [50.0, 50.0, 0.0, 0.0]})
    burden = donor_burden(flows, caps).set_index("donor_code")
    # largest share over resources: nurses 30/50 = 0.6 (doctors 10/50; pooled would be 0.4)
    assert burden.at["CN-GD", "burden"] == 0.6
    assert burden.at["CN-GD", "dominant_resource"] == "nurses"
    assert math.isnan(burden.at["CN-JS", "burden"])  # no capacity: undefined, not inf
