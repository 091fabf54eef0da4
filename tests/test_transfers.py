"""Patient transfers of a plan run (``pairaid.transfers``): the ICU forecast read, overflow
and spare beds, the NUTS-1 clusters and the comparison with recorded transfers, by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pairaid.pairing.formulations.transfer import TransferResult
from pairaid.pairing.highs import SolveStatus
from pairaid.transfers import compare_with_recorded, icu_forecast, nuts1_clusters, transfer_problem

ORIGIN = date(2020, 3, 10)
DIST = pd.DataFrame({"donor_code": ["A"], "recipient_code": ["R"], "distance_km": [50.0]})


def test_icu_forecast_reads_the_icu_census_at_the_quantile_by_hand() -> None:
    """Only ``icu_census`` rows at the quantile (0.9 also when written 0.90000000001);
    day 0 is the day after the decision date."""
    f = pd.DataFrame({
        "region_code": ["R", "R", "R", "R", "A"],
        "date": ["2020-03-11", "2020-03-13", "2020-03-11", "2020-03-11", "2020-03-12"],
        "target": ["icu_census", "icu_census", "icu_census", "census", "icu_census"],
        "quantile": [0.9, 0.90000000001, 0.5, 0.9, 0.9],
        "value": [7, 8.5, 3.0, 40.0, 2.0]})
    out = icu_forecast(f, 0.9, ORIGIN)
    assert list(out.columns) == ["region_code", "day", "icu"]
    assert out.to_dict("list") == {"region_code": ["R", "R", "A"], "day": [0, 2, 1],
                                   "icu": [7.0, 8.5, 2.0]}
    assert out["icu"].dtype == float


def test_overflow_spare_and_stay_by_hand() -> None:
    """Capacity = ICU beds × COVID share (other resources ignored); overflow rounded up and
    spare rounded down to whole patients, a whole number staying itself; a recipient
    without ICU beds overflows with its whole census."""
    caps = pd.DataFrame({"region_code": ["R", "A", "A", "R"],
                         "resource": ["icu_beds", "icu_beds", "beds", "beds"],
                         "quantity": [20.0, 40.0, 1000.0, 1000.0]})
    params = {"covid_share_icu_beds": 0.5, "icu_reserve_share": 0.25, "icu_los_days": 2.6}
    rec = pd.DataFrame({"region_code": ["R", "R", "R", "Q"], "day": [0, 1, 2, 0],
                        "icu": [12.0, 10.2, 9.0, 1.5]})
    don = pd.DataFrame({"region_code": ["A", "A", "A"], "day": [0, 1, 2],
                        "icu": [26.0, 24.5, 31.0]})
    p = transfer_problem(rec, don, caps, params, DIST)
    # R: capacity 20 × 0.5 = 10: overflow 12 - 10 = 2 (whole), ceil(0.2) = 1, 0;
    # Q has no ICU beds: ceil(1.5) = 2
    assert p.overflow.to_dict("list") == {"recipient_code": ["R", "R", "R", "Q"],
                                          "day": [0, 1, 2, 0],
                                          "overflow": [2.0, 1.0, 0.0, 2.0]}
    # A: 40 × 0.5 × (1 - 0.25) = 15 beds, fewer than its own census every day
    assert p.spare["spare"].tolist() == [0.0, 0.0, 0.0]
    assert p.stay_days == 3  # round(2.6)
    don2 = don.assign(icu=[11.0, 12.5, 16.0])
    p2 = transfer_problem(rec, don2, caps, params, DIST)
    # 15 - 11 = 4 (whole), floor(2.5) = 2, max(-1, 0) = 0
    assert p2.spare.to_dict("list") == {"donor_code": ["A", "A", "A"], "day": [0, 1, 2],
                                        "spare": [4.0, 2.0, 0.0]}
    assert p2.distances is DIST
    # a donor without ICU beds has none to spare, even with no census of its own
    p3 = transfer_problem(rec, don2.assign(region_code="B", icu=0.0), caps,
                          {"icu_reserve_share": 0.0}, DIST)
    assert p3.spare["spare"].tolist() == [0.0, 0.0, 0.0]


def test_transfer_defaults_by_hand() -> None:
    """Without the parameters: all ICU beds for COVID-19, no reserve, a stay of 7 days; a
    stay rounding to 0 days is one day."""
    caps = pd.DataFrame({"region_code": ["R", "A"], "resource": "icu_beds",
                         "quantity": [10.0, 10.0]})
    rec = pd.DataFrame({"region_code": ["R"], "day": [0], "icu": [13.0]})
    don = pd.DataFrame({"region_code": ["A"], "day": [0], "icu": [6.0]})
    p = transfer_problem(rec, don, caps, {}, DIST)
    assert (p.overflow["overflow"].tolist(), p.spare["spare"].tolist(), p.stay_days) == (
        [3.0], [4.0], 7)
    assert transfer_problem(rec, don, caps, {"icu_los_days": 0.4}, DIST).stay_days == 1


def test_nuts1_clusters_by_hand() -> None:
    regions = pd.DataFrame({"region_code": ["IT-25", "IT-21", "IT-52", "XX"],
                            "nuts2_code": ["ITC4", "ITC1", "ITI1", None]})
    assert nuts1_clusters(regions) == {"IT-25": "ITC", "IT-21": "ITC", "IT-52": "ITI"}
    assert nuts1_clusters(regions.drop(columns="nuts2_code")) == {}


def _plan(transfers: pd.DataFrame) -> TransferResult:
    empty = pd.DataFrame()
    return TransferResult(status=SolveStatus.OPTIMAL, unserved_patient_days=0.0,
                          unserved_bound=0.0, patient_km=0.0, patient_km_bound=0.0,
                          mip_gap=0.0, transfers=transfers, unserved=empty, occupancy=empty,
                          seconds=0.0)


def test_comparison_with_recorded_transfers_by_hand() -> None:
    """Decision date 2020-03-10. R's recorded cumulative count of all patients to all
    destinations: 15 on 03-09, 20 on 03-10 (the base), 26 on 03-12, 35 on 03-15; rows in
    another unit, of one group or to one destination are left out. S has no count by the
    decision date (base 0). pairaid's plan moves from R 2 patients on day 0 (03-11), 3 on
    day 1 (03-12), 4 on day 2 (03-13), 5 on day 4 (03-15) and 6 on day 5 (03-16); from Q 7
    (not R's)."""
    rec = pd.DataFrame([
        ("2020-03-12", "R", None, 26, "patients", "all", "T3"),
        ("2020-03-09", "R", None, 15, "patients", "all", "T1"),
        ("2020-03-10", "R", None, 20, "patients", "all", "T2"),
        ("2020-03-11", "R", None, 90, "patients_being_transferred", "all", "T9"),
        ("2020-03-08", "R", None, 50, "patients_approx", "all", "T9"),
        ("2020-03-13", "R", None, 80, "patients", "covid", "T9"),
        ("2020-03-09", "R", "DE", 60, "patients", "all", "T9"),
        ("2020-03-14", "R", "DE", 70, "patients", "all", "T9"),
        ("2020-03-15", "R", None, 35, "patients", "all", "T4"),
        ("2020-03-11", "S", None, 4, "patients", "all", "T5"),
    ], columns=["as_of_date", "from_region_code", "to_code", "count", "count_unit",
                "patient_group", "source"]).assign(as_of_date=lambda d: pd.to_datetime(
                    d["as_of_date"]))
    moved = pd.DataFrame({"donor_code": "A", "recipient_code": ["R"] * 5 + ["Q"],
                          "day": [0, 1, 2, 4, 5, 0],
                          "patients": [2.0, 3.0, 4.0, 5.0, 6.0, 7.0], "distance_km": 50.0})
    out = compare_with_recorded(_plan(moved), rec, ORIGIN)
    assert list(out.columns) == ["as_of_date", "from_region_code", "recorded_cumulative",
                                 "recorded_since_decision", "pairaid", "source"]
    assert out.to_dict("records") == [
        {"as_of_date": "2020-03-12", "from_region_code": "R", "recorded_cumulative": 26,
         "recorded_since_decision": 6, "pairaid": 5, "source": "T3"},
        {"as_of_date": "2020-03-15", "from_region_code": "R", "recorded_cumulative": 35,
         "recorded_since_decision": 15, "pairaid": 14, "source": "T4"},
        {"as_of_date": "2020-03-11", "from_region_code": "S", "recorded_cumulative": 4,
         "recorded_since_decision": 4, "pairaid": 0, "source": "T5"}]
    # nothing recorded, or nothing after the decision date: no rows, the same columns
    for none in (None, rec.iloc[:0], rec[rec["as_of_date"] <= pd.Timestamp(ORIGIN)]):
        empty = compare_with_recorded(_plan(moved), none, ORIGIN)
        assert empty.empty and list(empty.columns) == list(out.columns)


def test_comparison_on_the_shipped_italian_record() -> None:
    """Lombardy (IT-25) in the shipped record, decided on 2020-03-15 when 40 patients had
    been moved (national bulletin, T4): later totals of all patients to all destinations
    47 (03-16), 50 (03-17), 55 (03-18), 75 (03-27), 116 (05-09, CROSS closed); the splits
    by group or destination and the counts of missions are left out."""
    from pairaid.datasets import load_builtin

    rec = load_builtin("italy-2020").transfers
    none = pd.DataFrame(columns=["donor_code", "recipient_code", "day", "patients",
                                 "distance_km"])
    out = compare_with_recorded(_plan(none), rec, date(2020, 3, 15))
    assert out["as_of_date"].tolist() == ["2020-03-16", "2020-03-17", "2020-03-18",
                                          "2020-03-27", "2020-05-09"]
    assert out["recorded_cumulative"].tolist() == [47, 50, 55, 75, 116]
    assert out["recorded_since_decision"].tolist() == [7, 10, 15, 35, 76]
    assert set(out["from_region_code"]) == {"IT-25"} and (out["pairaid"] == 0).all()
