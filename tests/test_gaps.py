"""Every resource with a need and a capacity gets a gap (case c0003 and its kind)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.cli import main
from pairaid.gaps import REPORTED_ONLY, compute_gaps

CASES = Path(__file__).parent / "data" / "cases"
SHARES = {"covid_share_beds": 0.2, "covid_share_staff": 0.1}


def test_c0003_icu_overflow_is_shown_everywhere(tmp_path, capsys):
    # c0003: ICU need = critical patients in care. The case README computed it with the
    # incident share (0.05 x 1,000 = 50); since the census mix weighs each class by its
    # length of stay (issue 9), the critical share in care is
    # 0.05 x 21 / (0.81 x 13 + 0.14 x 19 + 0.05 x 21) = 1.05 / 14.24, so 1,000 patients need
    # 73.7 ICU beds; 10 ICU beds x covid_share_beds 0.2 = 2 available: 71.7 a day short.
    # It was read and never compared.
    icu_need = 1000 * 0.05 * 21 / (0.81 * 13 + 0.14 * 19 + 0.05 * 21)
    out = tmp_path / "run"
    data = CASES / "c0003"
    code = main(["plan", "--data", str(data / "data"), "--date", "2020-02-10", "--horizon",
                 "7", "--recipients", "420700", "--donors", "CN-JX", "--no-official",
                 "--demand", str(data / "demand.csv"), "--report", "--xlsx", "--out",
                 str(out)])
    assert code == 0
    printed = " ".join(capsys.readouterr().out.split())
    assert (f"ICU beds in Ezhou: {icu_need - 2:.0f} a day (need {icu_need:.0f}, available 2, "
            "2020-02-11)") in printed
    gaps = pd.read_csv(out / "gaps.csv", dtype={"region_code": str})
    icu = gaps[gaps["resource"] == "icu_beds"]
    assert list(icu["date"]) == [f"2020-02-{d}" for d in range(11, 18)]
    assert np.allclose(icu["need"], icu_need) and np.allclose(icu["available"], 2)
    assert np.allclose(icu["gap"], icu_need - 2)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="heat-icu_beds"' in page and "Gaps that pairing does not close" in page
    assert "beds and ICU beds are reported only" in page
    sheet = pd.read_excel(out / "plan.xlsx", sheet_name="gaps")
    icu_sheet = sheet.loc[sheet["resource"] == "icu_beds", "gap [beds or staff per day]"]
    assert np.allclose(icu_sheet.astype(float), icu_need - 2, atol=0.05)


def _needs(resources: list[str]) -> pd.DataFrame:
    rows = [{"region_code": code, "date": pd.Timestamp("2020-02-11") + pd.Timedelta(days=d),
             "resource": res, "quantile": 0.5, "value": 100.0 + d, "estimated": False}
            for code in ("A", "B") for d in range(3) for res in resources]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_kind_every_resource_with_need_and_capacity_gets_a_gap(size):
    """Kind of c0003: for every combination of capacity resources given (and needs for
    more resources, such as ventilators, that no capacity matches), exactly the resources
    with both get gap rows, with need − share × capacity as the gap."""
    needs = _needs(["beds", "icu_beds", "ventilators", "doctors", "nurses"])
    for given in itertools.combinations(["beds", "icu_beds", "doctors", "nurses"], size):
        caps = pd.DataFrame({"region_code": "A", "resource": list(given),
                             "quantity": 50.0, "estimated": pd.NA})
        gaps = compute_gaps(needs, caps, quantile=0.5, parameters=SHARES)
        assert set(gaps["resource"]) == set(given)
        assert set(gaps["region_code"]) == {"A"}  # B has no capacity: no invented gap
        for res, grp in gaps.groupby("resource"):
            share = SHARES["covid_share_beds" if res in REPORTED_ONLY else
                           "covid_share_staff"]
            assert np.allclose(grp["available"], 50.0 * share)
            assert np.allclose(grp["gap"], grp["need"] - 50.0 * share)
