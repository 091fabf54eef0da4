"""Forecast Hub files: a good file is read; malformed files are refused with clear messages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pairaid.errors import InputError
from pairaid.forecast.external import read_forecast_hub

REGIONS = pd.DataFrame({"region_code": ["420100", "420800"]})
HEADER = "forecast_date,target,target_end_date,location,type,quantile,value\n"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "demand.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


GOOD = (
    "2020-02-10,1 day ahead census,2020-02-11,420100,quantile,0.05,100\n"
    "2020-02-10,1 day ahead census,2020-02-11,420100,quantile,0.5,150\n"
    "2020-02-10,1 day ahead census,2020-02-11,420100,quantile,0.95,220\n"
    "2020-02-10,1 day ahead census,2020-02-11,420100,point,,150\n"
    "2020-02-10,1 day ahead inc case,2020-02-11,420800,quantile,0.05,1\n"
    "2020-02-10,1 day ahead inc case,2020-02-11,420800,quantile,0.5,3\n"
    "2020-02-10,1 day ahead inc case,2020-02-11,420800,quantile,0.95,9\n"
)


def test_good_file_becomes_a_forecast_table(tmp_path):
    out = read_forecast_hub(_write(tmp_path, GOOD), regions=REGIONS)
    assert list(out.columns) == ["region_code", "date", "target", "quantile", "value", "estimated"]
    assert len(out) == 6  # the point row is ignored
    census = out[out.target == "census"].sort_values("quantile")
    assert census["value"].tolist() == [100, 150, 220]
    assert (out.loc[out.region_code == "420800", "target"] == "new_confirmed").all()
    assert out["date"].iloc[0] == pd.Timestamp("2020-02-11")


def test_missing_quantile_is_refused(tmp_path):
    body = GOOD.replace("2020-02-10,1 day ahead inc case,2020-02-11,420800,quantile,0.95,9\n", "")
    with pytest.raises(InputError) as err:
        read_forecast_hub(_write(tmp_path, body), regions=REGIONS)
    msg = str(err.value)
    assert "demand.csv, line 6, column 'quantile'" in msg
    assert "missing quantile(s) 0.95" in msg


def test_non_monotone_quantiles_are_refused(tmp_path):
    body = GOOD.replace("quantile,0.95,220", "quantile,0.95,120")
    with pytest.raises(InputError) as err:
        read_forecast_hub(_write(tmp_path, body), regions=REGIONS)
    msg = str(err.value)
    assert "line 4, column 'value'" in msg and "not monotone" in msg


def test_unknown_location_and_bad_cells_all_reported_at_once(tmp_path):
    body = GOOD.replace("420800,quantile,0.05,1", "999999,quantile,0.05,1").replace(
        "quantile,0.5,150", "quantile,0.5,lots"
    )
    with pytest.raises(InputError) as err:
        read_forecast_hub(_write(tmp_path, body), regions=REGIONS)
    problems = {(p.row, p.column) for p in err.value.problems}
    assert (6, "location") in problems and (3, "value") in problems
    assert "unknown location '999999'" in str(err.value)


def test_missing_column_and_missing_file(tmp_path):
    path = tmp_path / "demand.csv"
    path.write_text("location,quantile,value\n420100,0.5,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'target_end_date'"):
        read_forecast_hub(path, regions=REGIONS)
    with pytest.raises(InputError, match="file not found"):
        read_forecast_hub(tmp_path / "nope.csv", regions=REGIONS)


def test_unknown_target_is_refused(tmp_path):
    body = GOOD.replace("1 day ahead census", "1 wk ahead inc death")
    with pytest.raises(InputError, match="unknown target"):
        read_forecast_hub(_write(tmp_path, body), regions=REGIONS)


CASES_DIR = Path(__file__).parents[1] / "data" / "cases"


@pytest.mark.parametrize("name, message", [
    ("crossing.csv", "crossing.csv, line 15, column 'value': 420700 census 2020-02-13: values "
                     "are not monotone in quantile; level 0.6 has 1005 < 1010 at level 0.55"),
    ("missing.csv", "line 22, column 'quantile': 420700 census 2020-02-15: missing "
                    "quantile(s) 0.25"),
    ("inc_hosp.csv", "unknown target '1 day ahead inc hosp'; use 'census' or "
                     "'new_confirmed'"),
    ("negative.csv", "line 2, column 'value': value '-1' is not a number >= 0"),
])
def test_c0010_malformed_hub_files_are_refused_with_line_and_column(tmp_path, capsys, name,
                                                                    message):
    # c0010 (guard): each file refused before planning, naming file, line, column, reason
    from pairaid.cli import main

    out = tmp_path / "run"
    code = main(["plan", "--data", str(CASES_DIR / "c0010" / "data"), "--date", "2020-02-10",
                 "--horizon", "7", "--recipients", "420700", "--donors", "CN-JX",
                 "--no-official", "--demand", str(CASES_DIR / "c0010" / name), "--out",
                 str(out)])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and message in err and "Traceback" not in err
    assert not out.exists()


def test_c0010_well_formed_hub_file_plans_like_c0008(tmp_path):
    from pairaid.cli import main

    # The Hub file's median is c0008's census of 1,000 a day, so the plan is c0008's: 40
    # nurses from Jiangxi (4,000 x 0.01). Run, like tests/test_pipeline.py's c0008 guard,
    # without the team rule (team_doctors_per_nurse = 0): this test is about reading the Hub
    # file, and the rule's ceil(0.6 x 40) = 24 team doctors are tested in tests/pairing.
    out = tmp_path / "run"
    assert main(["plan", "--data", str(CASES_DIR / "c0010" / "data"), "--date", "2020-02-10",
                 "--horizon", "7", "--recipients", "420700", "--donors", "CN-JX",
                 "--no-official", "--demand", str(CASES_DIR / "c0010" / "ok.csv"), "--out",
                 str(out), "--team-doctors-per-nurse", "0"]) == 0
    flows = pd.read_csv(out / "flows.csv")
    assert flows["quantity"].sum() == pytest.approx(40)
    assert set(flows.loc[flows["quantity"] > 0, "resource"]) == {"nurses"}


OWN = ("region_code,date,target,quantile,value,estimated,los_source\n"
       "420100,2020-02-11,census,0.05,100,False,\n"
       "420100,2020-02-11,census,0.5,150,False,\n"
       "420100,2020-02-11,census,0.95,220,False,\n"
       "420800,2020-02-11,new_confirmed,0.05,1,False,\n"
       "420800,2020-02-11,new_confirmed,0.5,3,False,\n"
       "420800,2020-02-11,new_confirmed,0.95,9,False,\n")


def test_pairaids_own_forecast_csv_reads_as_the_same_hub_file(tmp_path):
    # `plan --demand RUN/forecast.csv` said "column 'location': required column is missing";
    # GOOD holds the same quantiles in the Hub's layout
    path = tmp_path / "forecast.csv"
    path.write_text(OWN, encoding="utf-8")
    hub = read_forecast_hub(_write(tmp_path, GOOD), regions=REGIONS)
    pd.testing.assert_frame_equal(read_forecast_hub(path, regions=REGIONS), hub)
    # a problem names the file's own column
    path.write_text(OWN.replace("420800,2020-02-11,new_confirmed,0.05",
                                "999999,2020-02-11,new_confirmed,0.05"), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_forecast_hub(path, regions=REGIONS)
    assert {(p.row, p.column) for p in err.value.problems} == {(5, "region_code")}


def test_a_file_in_neither_layout_names_both(tmp_path):
    path = tmp_path / "demand.csv"
    path.write_text("region,day,quantile,value\n420100,2020-02-11,0.5,3\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_forecast_hub(path, regions=REGIONS)
    assert {p.column for p in err.value.problems} == {"location", "target_end_date"}
    assert "or a pairaid run folder's forecast.csv (region_code, date, target" in str(err.value)


def test_a_runs_forecast_csv_plans_like_the_file_it_came_from(tmp_path):
    from pairaid.cli import main

    args = ["plan", "--data", str(CASES_DIR / "c0010" / "data"), "--date", "2020-02-10",
            "--horizon", "7", "--recipients", "420700", "--donors", "CN-JX", "--no-official"]
    first, again = tmp_path / "first", tmp_path / "again"
    assert main([*args, "--demand", str(CASES_DIR / "c0010" / "ok.csv"),
                 "--out", str(first)]) == 0
    assert main([*args, "--demand", str(first / "forecast.csv"), "--out", str(again)]) == 0
    for name in ("forecast.csv", "flows.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(again / name), pd.read_csv(first / name))


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        # two 'value' columns: pandas read the first (1000) and renamed the second, so the
        # plan ran on 1000 without a word whichever the user meant (c0010 kind: Hub files)
        ("location,target_end_date,quantile,value,value", "420100,2020-02-11,0.5,1000,5000",
         "line 1, column 'value': column 'value' appears twice in the header (columns 4 and 5); "
         "keep one"),
        # a trailing comma on every row (spreadsheet export): pandas took the first field as
        # the row index and shifted every column ("unknown location '2020-02-11'")
        ("location,target_end_date,quantile,value", "420100,2020-02-11,0.5,1000,",
         "line 2: row has 5 fields but the header has 4"),
    ],
)
def test_a_header_or_row_pandas_would_misread_is_refused_by_line(tmp_path, header, row,
                                                                  expected):
    path = tmp_path / "demand.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_forecast_hub(path, regions=REGIONS)
    assert [str(p) for p in err.value.problems] == [f"{path}, {expected}"]


def test_a_value_above_the_population_is_refused_by_line(tmp_path):
    """c0010 kind: a census of 10^13 for Ezhou (1,050,000 people) was planned on (gap
    1.06e14 staff-days, status optimal). A value above its location's population is
    refused; an unknown population (empty cell) checks nothing."""
    regions = pd.DataFrame({"region_code": ["420100", "420800"],
                            "population": pd.array([1_050_000, pd.NA], dtype="Int64")})
    path = tmp_path / "demand.csv"
    path.write_text("location,target_end_date,quantile,value\n"
                    "420100,2020-02-11,0.5,1050000\n"
                    "420100,2020-02-12,0.5,1e13\n"
                    "420800,2020-02-11,0.5,1e13\n"
                    "420800,2020-02-12,0.5,1e13\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_forecast_hub(path, regions=regions)
    assert [str(p) for p in err.value.problems] == [
        f"{path}, line 3, column 'value': value 10,000,000,000,000 is above the population "
        "of 420100 (1,050,000, regions.csv)"]
