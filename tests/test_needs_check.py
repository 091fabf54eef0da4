"""The check of the staffing model against the staff deployed, on hand-made cities."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.cli import main
from pairaid.datasets import load_builtin
from pairaid.errors import InputError
from pairaid.io import read_table
from pairaid.needs_check import check_needs, deployed_by
from pairaid.schemas import DEPLOYMENTS

# ratio norms (no lengths of stay: the census has the incident mix 80/15/5):
# doctors 0.95 x 0.2 + 0.05 x 0.8 = 0.23, nurses 0.95 x 0.4 + 0.05 x 3 = 0.53 per patient
PARAMS = dict(share_mild=0.8, share_severe=0.15, share_critical=0.05,
              share_ventilated_of_critical=0.5, beds_per_patient=1.0,
              doctors_per_ward_patient=0.2, nurses_per_ward_patient=0.4,
              doctors_per_icu_patient=0.8, nurses_per_icu_patient=3.0,
              covid_share_beds=0.2, covid_share_staff=0.1, deployable_share=0.01)


def _cases(census: dict[str, list[int]]) -> pd.DataFrame:
    rows = []
    for code, values in census.items():
        for day, c in enumerate(values):
            rows.append({"date": pd.Timestamp("2020-02-01") + pd.Timedelta(days=day),
                         "region_code": code, "confirmed_cum": c + 10, "deaths_cum": 4,
                         "recovered_cum": 6})
    frame = pd.DataFrame(rows)
    for col in ("confirmed_cum", "deaths_cum", "recovered_cum"):
        frame[col] = frame[col].astype("Int64")
    return frame


def _caps(staff: dict[str, tuple[float, float]]) -> pd.DataFrame:
    return pd.DataFrame([{"region_code": c, "resource": r, "quantity": q, "estimated": False}
                         for c, (d, n) in staff.items()
                         for r, q in (("doctors", d), ("nurses", n))])


def _deployments(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["donor_code", "recipient_code", "date", "figure_type",
                                        "staff", "doctors", "nurses", "confidence"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["source"] = "hand-made"
    return frame


def test_three_cities_by_hand() -> None:
    # A: census peaks at 1,000 on day 2: doctors 230 - 0.1 x 1,000 = 130, nurses
    #    530 - 0.1 x 2,000 = 330 -> gap 460; deployed 300 (cumulative) + 40 (later batch)
    # B: census 200: need 46 doctors, 106 nurses; local 0.1 x (1,000, 1,000) -> gap 6
    #    (nurses only); deployed 100 + 50 in two batches
    # C: census 50, plenty of local staff -> gap 0; deployed 20
    cases = _cases({"A": [400, 800, 1000, 900], "B": [200, 150, 100, 50],
                    "C": [50, 50, 50, 50]})
    caps = _caps({"A": (1000, 2000), "B": (1000, 1000), "C": (5000, 5000)})
    deps = _deployments([
        ("D1", "A", "2020-02-02", "batch", 120, None, None, "H"),
        ("D1", "A", "2020-02-03", "cumulative", 300, None, None, "H"),
        ("D2", "A", "2020-02-04", "batch", 40, 10, 30, "M"),
        ("D3", "B", "2020-02-01", "batch", 100, 30, 70, "H"),
        ("D3", "B", "2020-02-03", "batch", 50, 20, 30, "H"),
        ("D4", "C", "2020-02-02", "batch", 20, 5, 15, "L"),
        ("D4", "C", "2020-02-20", "batch", 999, None, None, "H"),  # after the window
    ])
    check = check_needs(cases, caps, deps, PARAMS, recipients=["A", "B", "C"],
                        start=date(2020, 2, 1), end=date(2020, 2, 4))
    t = check.table.set_index("recipient_code")
    assert t.loc["A", "peak_date"] == pd.Timestamp("2020-02-03")
    assert t.loc["A", "model_gap_doctors"] == pytest.approx(130)
    assert t.loc["A", "model_gap_nurses"] == pytest.approx(330)
    assert t.loc["A", "deployed_staff"] == 340
    assert t.loc["B", "model_gap_staff"] == pytest.approx(6)
    assert t.loc["B", "deployed_staff"] == 150
    assert t.loc["B", "deployed_doctors"] == 50 and t.loc["B", "deployed_nurses"] == 100
    assert np.isnan(t.loc["A", "deployed_doctors"])  # D1's figures give no split
    assert t.loc["C", "model_gap_staff"] == 0 and t.loc["C", "deployed_staff"] == 20
    assert check.model_gap_total == pytest.approx(466)
    assert check.deployed_total == 510
    assert check.ratio == pytest.approx(466 / 510)
    # ranks: gap A > B > C and deployed A > B > C -> rho = 1
    assert check.spearman == pytest.approx(1.0)
    assert check.cities_with_deployments == 3


def test_same_batch_from_two_sources_counts_once() -> None:
    deps = _deployments([
        ("D1", "A", "2020-02-01", "batch", 141, None, None, "H"),
        ("D1", "A", "2020-02-01", "batch", 144, None, None, "M"),
        ("D1", "A", "2020-02-05", "batch", 45, None, None, "H"),
    ])
    deps.loc[1, "source"] = "another report"
    out = deployed_by(deps, recipients=["A"], as_of=date(2020, 2, 29)).set_index(
        "recipient_code")
    assert out.loc["A", "deployed_staff"] == 141 + 45  # the H figure of the first batch


def test_no_figure_is_unknown_not_zero() -> None:
    deps = _deployments([("D1", "A", "2020-02-01", "batch", 10, None, None, "H")])
    out = deployed_by(deps, recipients=["A", "B"], as_of=date(2020, 2, 29))
    b = out.set_index("recipient_code").loc["B"]
    assert np.isnan(b["deployed_staff"]) and b["deployment_rows"] == 0


def test_missing_census_or_capacity_is_an_error() -> None:
    cases = _cases({"A": [10, 10]})
    with pytest.raises(InputError, match="no \\['doctors', 'nurses'\\] capacity for "
                                         "recipient B"):
        check_needs(cases, _caps({"A": (10, 10)}), _deployments([]), PARAMS,
                    recipients=["A", "B"], start=date(2020, 2, 1), end=date(2020, 2, 2))
    with pytest.raises(InputError, match="recipient A has no known census"):
        check_needs(cases, _caps({"A": (10, 10)}), _deployments([]), PARAMS,
                    recipients=["A"], start=date(2020, 3, 1), end=date(2020, 3, 2))


def test_builtin_deployments_cover_at_least_12_cities() -> None:
    ds = load_builtin("hubei-2020")
    recipients = [c for c in ds.regions.loc[ds.regions["level"] == "prefecture",
                                            "region_code"] if c != "420100"]
    out = deployed_by(ds.deployments, recipients=recipients, as_of=date(2020, 2, 29))
    assert out["deployed_staff"].notna().sum() >= 12
    # the NHC/Hubei figure for 2020-02-14: 5,259 staff outside Wuhan (State Council press
    # conference 2020-02-15); the sourced city figures by end of February are of that size
    total = out["deployed_staff"].sum()
    assert 0.7 * 5259 < total < 2 * 5259
    assert ds.deployments["source"].str.len().min() > 10  # every row names its source


def test_bad_deployments_row_is_named(tmp_path: Path) -> None:
    path = tmp_path / "deployments.csv"
    path.write_text("donor_code,recipient_code,date,figure_type,staff,source\n"
                    "CN-JS,420200,2020-02-11,batch,310,Xinhua\n"
                    "CN-JS,420200,11/02/2020,total,-3,Xinhua\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, DEPLOYMENTS)
    text = str(err.value)
    assert "line 3, column 'date'" in text
    assert "line 3, column 'figure_type'" in text
    assert "line 3, column 'staff'" in text


def test_check_needs_command_writes_the_table(tmp_path: Path, capsys) -> None:
    out = tmp_path / "check"
    assert main(["check-needs", "--out", str(out)]) == 0
    printed = " ".join(capsys.readouterr().out.split())
    table = pd.read_csv(out / "needs_check.csv", dtype={"recipient_code": str})
    summary = json.loads((out / "needs_check.json").read_text(encoding="utf-8"))
    assert len(table) == 16 and summary["cities_with_deployments"] >= 12
    assert summary["model_gap_total"] == pytest.approx(table.loc[
        table["deployed_staff"].notna(), "model_gap_staff"].sum(), abs=0.1)
    assert f"{summary['deployed_total']:,.0f}" in printed
    # the bar: within a factor of 2 of the staff deployed
    assert 0.5 <= summary["ratio_model_to_deployed"] <= 2
    # refused: a data set without deployments
    code = main(["check-needs", "--data", str(Path(__file__).parent / "data" / "tiny")])
    assert code == 2
    assert "no deployments.csv" in capsys.readouterr().err


def test_contradicting_counts_are_refused_with_line_and_column(tmp_path: Path) -> None:
    import shutil

    from pairaid.datasets import builtin_path, load_dataset

    folder = tmp_path / "hubei-copy"
    shutil.copytree(builtin_path("hubei-2020"), folder)
    cases = (folder / "cases.csv").read_text(encoding="utf-8").splitlines()
    line = next(i for i, row in enumerate(cases) if row.startswith("2020-02-10,420200,"))
    cases[line] = cases[line].rsplit(",", 2)[0] + ",5300,20"  # census 748
    (folder / "cases.csv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    deps = (folder / "deployments.csv").read_text(encoding="utf-8").splitlines()
    head = deps[0].split(",")
    row = deps[1].split(",")
    row[head.index("staff")], row[head.index("doctors")], row[head.index("nurses")] = \
        "310", "500", "600"
    deps[1] = ",".join(row)
    (folder / "deployments.csv").write_text("\n".join(deps) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dataset(folder)
    text = str(err.value)
    assert f"cases.csv, line {line + 1}, column 'severe_in_care'" in text
    assert "more than the patients in care" in text
    assert "deployments.csv, line 2, column 'staff': doctors + nurses = 1100" in text


def test_a_copied_folder_gives_the_same_default_window(tmp_path: Path, capsys) -> None:
    import shutil

    from pairaid.datasets import builtin_path

    folder = tmp_path / "copy"
    shutil.copytree(builtin_path("hubei-2020"), folder)
    assert main(["check-needs", "--data", str(folder)]) == 0
    copied = " ".join(capsys.readouterr().out.split())
    assert main(["check-needs"]) == 0
    builtin = " ".join(capsys.readouterr().out.split())
    assert "staff deployed by 2020-02-29" in copied and "staff deployed by 2020-02-29" in builtin
    assert copied.split("cities have deployment figures")[1] == \
        builtin.split("cities have deployment figures")[1]


def test_rank_correlation_is_spearmans_rho_by_hand() -> None:
    # hand-worked: x ranks (1, 2.5, 2.5, 4), y ranks (2, 1, 3, 4); Pearson of the ranks:
    # dx = (-1.5, 0, 0, 1.5), dy = (-0.5, -1.5, 0.5, 1.5), sum dx*dy = 3,
    # sum dx^2 = 4.5, sum dy^2 = 5  ->  rho = 3 / sqrt(22.5)
    from pairaid.needs_check import _rank_correlation

    rho = _rank_correlation(pd.Series([1.0, 5.0, 5.0, 9.0]), pd.Series([20.0, 10.0, 30.0, 40.0]))
    assert rho == pytest.approx(3 / np.sqrt(22.5), rel=1e-12)
    assert np.isnan(_rank_correlation(pd.Series([1.0, 1.0, 1.0]), pd.Series([1.0, 2.0, 3.0])))


def test_rank_correlation_matches_scipy_bit_for_bit() -> None:
    from scipy.stats import spearmanr

    from pairaid.needs_check import _rank_correlation

    rng = np.random.default_rng(17)
    for _ in range(200):
        n = int(rng.integers(3, 25))
        x = pd.Series(rng.integers(0, 6, n) * 1.5)  # many ties
        y = pd.Series(rng.normal(size=n))
        if x.nunique() < 2:
            continue
        assert _rank_correlation(x, y) == float(spearmanr(x, y).statistic)
