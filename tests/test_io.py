"""Reading data-set files: strict ISO dates, and files that are not comma-separated."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from pairaid.cli import main
from pairaid.datasets import load_dataset
from pairaid.errors import InputError
from pairaid.io import read_table
from pairaid.schemas import CAPACITIES, CASES, PAIRINGS

CASES_DIR = Path(__file__).parent / "data" / "cases"


def test_c0004_day_first_dates_are_refused_with_line_column_and_value(tmp_path, capsys):
    # c0004: 01/02/2020 ... 12/02/2020 (day first) were read month-first as 2020-01-02 ...
    # 2020-12-02 without a word; every such cell must be refused
    data = CASES_DIR / "c0004" / "data"
    with pytest.raises(InputError) as err:
        load_dataset(data)
    problems = err.value.problems
    assert len(problems) == 24  # 12 days x 2 regions, each named
    first = problems[0]
    assert (first.row, first.column) == (2, "date")
    assert "'01/02/2020' is not an ISO date YYYY-MM-DD" in first.message
    assert first.source.endswith("cases.csv")
    for date in ("2020-02-10", "2020-12-02"):
        code = main(["plan", "--data", str(data), "--date", date, "--horizon", "7",
                     "--no-official", "--out", str(tmp_path / date)])
        assert code == 2
        assert "is not an ISO date YYYY-MM-DD" in capsys.readouterr().err
        assert not (tmp_path / date).exists()


def test_c0004_the_same_data_in_iso_dates_reads_one_row_a_day(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(CASES_DIR / "c0004" / "data", data)
    cases = data / "cases.csv"
    lines = cases.read_text(encoding="utf-8").splitlines()
    fixed = [lines[0]] + [f"2020-02-{ln[:2]}{ln[10:]}" for ln in lines[1:]]
    cases.write_text("\n".join(fixed) + "\n", encoding="utf-8")
    table = load_dataset(data).cases
    days = table.loc[table["region_code"] == "420700", "date"]
    assert days.min().isoformat()[:10] == "2020-02-01"
    assert days.max().isoformat()[:10] == "2020-02-12"
    assert days.diff().dropna().dt.days.eq(1).all()


OTHER_FORMATS = ["01/02/2020", "02/01/2020", "2020/02/01", "01.02.2020", "20200201",
                 "2020-2-1", "1 Feb 2020", "Feb 1, 2020", "2020-02-30", "2020-13-01",
                 "2020-02-01T00:00", "2020-02-01 00:00:00", "43862", "2020-W05-6"]


@pytest.mark.parametrize("bad", OTHER_FORMATS)
def test_kind_every_other_date_form_is_refused_in_every_date_column(tmp_path, bad):
    """Kind of c0004: any date cell not written YYYY-MM-DD is refused, naming file, line,
    column and value, in a file mixing good and bad dates, without library warnings."""
    cases = tmp_path / "cases.csv"
    cases.write_text("date,region_code,confirmed_cum,deaths_cum,recovered_cum\n"
                     "2020-02-01,420700,1,0,0\n"
                     f"\"{bad}\",420700,2,0,0\n", encoding="utf-8")
    pairings = tmp_path / "pairings.csv"
    pairings.write_text(f"round,donor_code,recipient_code\n\"{bad}\",CN-JX,420700\n",
                        encoding="utf-8")
    for path, schema, line, column in ((cases, CASES, 3, "date"),
                                       (pairings, PAIRINGS, 2, "round")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(InputError) as err:
                read_table(path, schema)
        (problem,) = err.value.problems
        assert (problem.source, problem.row, problem.column) == (str(path), line, column)
        assert problem.message == f"'{bad}' is not an ISO date YYYY-MM-DD"


def test_kind_iso_dates_with_spaces_and_bom_are_read(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text("\ufeffdate,region_code,confirmed_cum,deaths_cum,recovered_cum\n"
                     " 2020-02-29 ,420700,1,0,0\n", encoding="utf-8")
    table = read_table(cases, CASES)
    assert str(table["date"].iloc[0])[:10] == "2020-02-29"


@pytest.mark.parametrize("text, says", [
    ("region_code;resource;quantity\n420700;beds;5000\n", "semicolon (;)-separated"),
    ("region_code\tresource\tquantity\n420700\tbeds\t5000\n", "tab-separated"),
    ("sep=;\nregion_code;resource;quantity\n420700;beds;5000\n", "spreadsheet export hint"),
    ("sep=,\nregion_code,resource,quantity\n420700,beds,5000\n", "spreadsheet export hint"),
])
def test_kind_files_that_are_not_comma_separated_say_so_in_one_line(tmp_path, text, says):
    path = tmp_path / "capacities.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, CAPACITIES)
    assert len(err.value.problems) == 1
    assert says in str(err.value) and str(path) in str(err.value)


def test_kind_semicolon_demand_file_says_so(tmp_path):
    from pairaid.datasets import load_builtin
    from pairaid.forecast.external import read_forecast_hub

    path = tmp_path / "demand.csv"
    path.write_text("location;target;target_end_date;quantile;value\n"
                    "420700;census;2020-02-11;0.5;1000\n", encoding="utf-8")
    regions = load_builtin("hubei-2020").regions
    with pytest.raises(InputError, match="semicolon"):
        read_forecast_hub(path, regions=regions)
    path.write_text("location,target,target_end_date,quantile,value\n"
                    "420700,census,2020-2-11,0.5,1000\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2, column 'target_end_date'"):
        read_forecast_hub(path, regions=regions)


@pytest.mark.parametrize("header, cols", [("region_code,resource,quantity,quantity", (3, 4)),
                                          ("quantity,region_code,resource, quantity", (1, 4))])
def test_kind_a_column_named_twice_in_the_header_is_refused(tmp_path, header, cols):
    # pandas would read the first 'quantity' and rename the second 'quantity.1' silently
    path = tmp_path / "capacities.csv"
    path.write_text(header + "\n" + "420900,nurses,11202,112020\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_table(path, CAPACITIES)
    assert (f"capacities.csv, line 1, column 'quantity': column 'quantity' appears twice in "
            f"the header (columns {cols[0]} and {cols[1]})") in str(err.value)


def test_write_json_writes_nan_and_infinity_as_null(tmp_path: Path) -> None:
    """metrics.json of `plan --scenarios 3 --time-limit 0.01` held `"mip_gap": Infinity`
    (the two-stage MIP stopped before it had a bound): not JSON (RFC 8259 section 6), and
    JavaScript's JSON.parse rejects the file. Every non-finite number is null instead."""
    import json
    import math

    import numpy as np

    from pairaid.io import write_json

    obj = {"two_stage": {"mip_gap": math.inf, "bound": -math.inf, "seconds": 0.04},
           "burden": [0.5, float("nan"), np.float64("nan")], "pair": ("a", math.nan),
           "status": "time_limit_feasible"}
    write_json(obj, tmp_path / "m.json")

    def refuse(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    back = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"),
                      parse_constant=refuse)
    assert back == {"two_stage": {"mip_gap": None, "bound": None, "seconds": 0.04},
                    "burden": [0.5, None, None], "pair": ["a", None],
                    "status": "time_limit_feasible"}


def test_writing_run_folder_removes_only_its_own_files_when_interrupted(tmp_path) -> None:
    from pairaid.io import writing_run_folder

    run = tmp_path / "run"
    (run / "calendars").mkdir(parents=True)
    (run / "pairs.csv").write_text("old\n", encoding="utf-8")   # an earlier run ...
    (run / "calendars" / "CN-AH.ics").write_text("old\n", encoding="utf-8")
    (run / "calendars" / "mine.txt").write_text("kept\n", encoding="utf-8")  # ... and a note
    owned = ("pairs.csv", "flows.csv", "metrics.json", "calendars")
    with pytest.raises(KeyboardInterrupt), writing_run_folder(run, force=True,
                                                              owned=owned) as folder:
        (folder / "pairs.csv").write_text("new\n", encoding="utf-8")
        (folder / "calendars" / "CN-HN.ics").write_text("new\n", encoding="utf-8")
        (folder / "flows.csv").write_text("donor_co", encoding="utf-8")  # cut short
        raise KeyboardInterrupt
    assert sorted(p.relative_to(run).as_posix() for p in run.rglob("*")) == [
        "calendars", "calendars/mine.txt"]
    # finished, the block's files stay
    with writing_run_folder(tmp_path / "new", force=False, owned=owned) as folder:
        (folder / "pairs.csv").write_text("x\n", encoding="utf-8")
    assert (tmp_path / "new" / "pairs.csv").read_text(encoding="utf-8") == "x\n"
