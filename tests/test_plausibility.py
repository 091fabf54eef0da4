"""Plausibility checks (pairaid.plausibility): each case worked by hand."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pairaid.datasets import builtin_path, load_dataset
from pairaid.errors import InputError
from pairaid.plan_forecast import _days_in_words
from pairaid.plausibility import (
    capacity_notes,
    count_problems,
    date_problems,
    jump_notes,
    spike_notes,
)

REGIONS = pd.DataFrame({"region_code": ["420900"],
                        "population": pd.array([1000], dtype="Int64")})


def _cases(confirmed, deaths=None, recovered=None, start="2020-02-01", **more):
    n = len(confirmed)
    frame = pd.DataFrame({
        "date": pd.date_range(start, periods=n, freq="D"), "region_code": ["420900"] * n,
        "confirmed_cum": pd.array(confirmed, dtype="Int64"),
        "deaths_cum": pd.array(deaths or [0] * n, dtype="Int64"),
        "recovered_cum": pd.array(recovered or [0] * n, dtype="Int64")})
    for column, values in more.items():
        frame[column] = pd.array(values, dtype="Int64")
    return frame


def test_counts_above_the_population_are_named_with_value_and_population():
    cases = _cases([900, 1001], hospitalised=[10, 1200])
    problems = count_problems(cases, REGIONS, "cases.csv")
    said = {(p.row, p.column): p.message for p in problems}
    assert set(said) == {(3, "confirmed_cum"), (3, "hospitalised")}
    assert said[(3, "confirmed_cum")] == ("1,001 is more than the population of region "
                                          "420900 (1,000, regions.csv)")


def test_deaths_above_confirmed_is_blamed_on_deaths_not_on_empty_severity_cells():
    # line 2: deaths 12 > confirmed 10; line 3: 4 + 7 = 11 > 10; severity cells empty
    cases = _cases([10, 10], deaths=[12, 4], recovered=[0, 7],
                   severe_in_care=[None, None], critical_in_care=[None, None])
    problems = count_problems(cases, REGIONS, "cases.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "deaths_cum"), (3, "recovered_cum")]
    assert problems[0].message == "deaths_cum = 12 is more than confirmed_cum = 10"
    assert problems[1].message.startswith("deaths_cum + recovered_cum = 11 is more than "
                                          "confirmed_cum = 10")


def test_severity_given_above_the_patients_in_care_is_still_refused():
    # census 10 - 1 - 1 = 8; severe 9 given, critical empty -> 9 > 8
    cases = _cases([10, 10], deaths=[1, 1], recovered=[1, 1],
                   severe_in_care=[9, 8], critical_in_care=[None, None])
    problems = count_problems(cases, REGIONS, "cases.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "severe_in_care")]
    assert "= 9 is more than the patients in care (confirmed − deaths − recovered = 8)" \
        in problems[0].message


def test_a_one_day_spike_is_named_and_replaced_by_the_line_between_its_neighbours():
    # 2000 is above twice both neighbours (200, 210) and 1,790 above the larger;
    # the line between 200 and 210 on the middle day: 205
    cases = _cases([100, 200, 2000, 210, 300])
    fixed, notes = spike_notes(cases, "cases.csv")
    assert fixed["confirmed_cum"].tolist() == [100, 200, 205, 210, 300]
    assert len(notes) == 1
    assert notes[0].startswith("cases.csv, line 4, column 'confirmed_cum': 2,000 (420900, "
                               "2020-02-03) lies far above the days around it (200 before, "
                               "210 after), likely a typo; taken as 205")


def test_a_spike_next_to_an_unknown_day_is_replaced_along_the_dates():
    # known 2020-02-01 200, 02-02 2000, 02-03 unknown, 02-04 230: line 200 -> 230 over 3
    # days gives 210 on 02-02
    cases = _cases([200, 2000, None, 230])
    fixed, notes = spike_notes(cases, "cases.csv")
    assert fixed["confirmed_cum"].tolist()[:2] == [200, 210]
    assert pd.isna(fixed.at[2, "confirmed_cum"])


@pytest.mark.parametrize("series", [[600, 663, 687, 559, 600],   # a re-count: falls 19 %
                                    [1, 5, 90, 20, 30],           # 90 - 20 < 100 persons
                                    [100, 200, 2000, 2100]])      # a real jump, kept
def test_no_spike_where_the_series_does_not_fall_back_by_half(series):
    fixed, notes = spike_notes(_cases(series), "cases.csv")
    assert notes == []
    assert fixed["confirmed_cum"].tolist() == series


def test_a_last_day_far_above_the_days_before_is_named_but_kept():
    # 14 days rising by 10, then +2,000: 2,000 > 10 x 10 and > 1,000
    series = [100 + 10 * i for i in range(15)] + [240 + 2000]
    notes = jump_notes(_cases(series), "cases.csv")
    assert len(notes) == 1
    assert notes[0].startswith("cases.csv, line 17, column 'confirmed_cum': 2,240 (420900, "
                               "2020-02-16) rose by 2,000 in a day")
    assert "(10)" in notes[0]


@pytest.mark.parametrize("last_rise", [900, 13_436])
def test_no_jump_note_below_the_floor_or_within_ten_times(last_rise):
    # 900 is below the 1,000 floor; 13,436 after rises of 2,000 is 6.7 times (Wuhan's
    # change of case definition, 2020-02-12, was of this size and real)
    step = 10 if last_rise == 900 else 2000
    series = [step * i for i in range(1, 16)]
    series.append(series[-1] + last_rise)
    assert jump_notes(_cases(series), "cases.csv") == []


def test_capacity_far_above_any_country_density_is_noted():
    regions = pd.DataFrame({"region_code": ["420900"],
                            "population": pd.array([1_000_000], dtype="Int64")})
    caps = pd.DataFrame({"region_code": ["420900"] * 3,
                         "resource": ["nurses", "doctors", "beds"],
                         "quantity": pd.array([50_000, 5_000, 6_000], dtype="Float64")})
    notes = capacity_notes(caps, regions, "capacities.csv")
    # nurses 50 per 1,000 > 40; doctors 5 <= 20; beds 6 <= 30
    assert len(notes) == 1
    assert notes[0].startswith("capacities.csv, line 2, column 'quantity': 50,000 nurses in "
                               "region 420900 is 50 per 1,000 people")
    caps.loc[0, "quantity"] = 1e30  # an absurd count in 3 digits, not 31 of them
    assert capacity_notes(caps, regions, "capacities.csv")[0].startswith(
        "capacities.csv, line 2, column 'quantity': 1e+30 nurses in region 420900 is 1e+27 "
        "per 1,000 people")


def test_a_row_years_away_from_its_series_is_a_likely_date_typo():
    cases = _cases([1, 2, 3])
    stray = _cases([4], start="1900-01-01")
    frame = pd.concat([cases, stray], ignore_index=True)
    problems = date_problems(frame, "cases.csv")
    assert [(p.row, p.column) for p in problems] == [(5, "date")]
    assert problems[0].message.startswith("1900-01-01 is more than 366 days away from the "
                                          "other rows of region 420900 (2020-02-01 … "
                                          "2020-02-03)")
    assert date_problems(cases, "cases.csv") == []


def test_unknown_days_are_listed_up_to_five_then_counted():
    days = list(pd.date_range("2020-01-01", periods=6, freq="D"))
    assert _days_in_words(days[:2]) == "2020-01-01, 2020-01-02"
    assert _days_in_words(days) == "6 days from 2020-01-01 to 2020-01-06"


def _copy(tmp_path):
    folder = tmp_path / "hubei-copy"
    shutil.copytree(builtin_path("hubei-2020"), folder)
    return folder


def _edit(folder, name, prefix, new):
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    i = next(i for i, row in enumerate(lines) if row.startswith(prefix))
    lines[i] = new(lines[i])
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return i + 1


def test_builtin_copy_spike_is_replaced_and_reaches_the_notes(tmp_path):
    folder = _copy(tmp_path)
    line = _edit(folder, "cases.csv", "2020-02-08,420900,2436,",
                 lambda row: row.replace(",2436,", ",24360,"))
    data = load_dataset(folder)
    assert len(data.notes) == 1
    assert f"cases.csv, line {line}, column 'confirmed_cum': 24,360" in data.notes[0]
    row = data.cases[(data.cases["region_code"] == "420900")
                     & (data.cases["date"] == "2020-02-08")]
    assert row["confirmed_cum"].tolist() == [(2313 + 2541) // 2]  # 2,427
    assert load_dataset(builtin_path("hubei-2020")).notes == ()


def test_builtin_copy_population_zero_is_refused(tmp_path):
    folder = _copy(tmp_path)
    line = _edit(folder, "regions.csv", "420900,",
                 lambda row: row.replace(",4921000,", ",0,"))
    with pytest.raises(InputError) as err:
        load_dataset(folder)
    assert f"regions.csv, line {line}, column 'population': 0 must be ≥ 1" in str(err.value)


def test_data_show_prints_the_notes(tmp_path, capsys):
    from pairaid.cli import main

    folder = _copy(tmp_path)
    _edit(folder, "capacities.csv", "420900,nurses,",
          lambda row: row.replace("420900,nurses,11202", "420900,nurses,1120200"))
    assert main(["data", "show", "--data", str(folder), "--no-sources"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    # 1,120,200 / 4,921,000 x 1,000 = 227.6 nurses per 1,000 people
    assert "note: " in out and "1,120,200 nurses in region 420900 is 228 per 1,000" in out


def test_builtin_copy_a_deployment_dated_years_later_is_a_likely_date_typo(tmp_path):
    folder = _copy(tmp_path)
    with (folder / "deployments.csv").open("a", encoding="utf-8") as f:
        f.write("CN-JS,420900,2031-02-12,batch,100,,,src,H,\n")
    lines = (folder / "deployments.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(InputError) as err:
        load_dataset(folder)
    assert (f"deployments.csv, line {len(lines)}, column 'date': 2031-02-12 is more than 366 "
            "days away from the other rows of region 420900") in str(err.value)


def test_a_spike_reaches_the_run_notes_and_plans_as_the_line_typed_by_hand(tmp_path):
    from pairaid.config import make_config
    from pairaid.pipeline import plan

    config = make_config({"decision_date": "2020-02-10", "horizon_days": 7,
                          "recipients": ["420900", "420700"], "official_round": "none"})
    spiked, typed = _copy(tmp_path / "a"), _copy(tmp_path / "b")
    _edit(spiked, "cases.csv", "2020-02-08,420900,2436,",
          lambda row: row.replace(",2436,", ",24360,"))
    # the line between 2,313 (02-07) and 2,541 (02-09) on 02-08: 2,427, typed in by hand
    _edit(typed, "cases.csv", "2020-02-08,420900,2436,",
          lambda row: row.replace(",2436,", ",2427,"))
    run = plan(load_dataset(spiked), config)
    assert [n for n in run.notes if "column 'confirmed_cum': 24,360 (420900" in n]
    by_hand = plan(load_dataset(typed), config)
    gap = run.metrics["pairaid"]["gap_staff_days"]
    assert gap > 0  # Xiaogan has a gap: the equality below compares something
    assert gap == by_hand.metrics["pairaid"]["gap_staff_days"]
    assert not any("24,360" in n for n in by_hand.notes)


def test_c0017_kind_swapped_latitude_and_longitude_reach_the_notes(tmp_path):
    """A region entered as (longitude, latitude) stays in range, so the schema accepts it;
    Lombardy (45.4668 N, 9.1904 E) swapped lies in the Horn of Africa and every distance to
    it is thousands of km off. By hand: the median of the other 20 Italian regions is about
    (42.3 N, 12.5 E); (9.19, 45.47) is ~4,965 km from it, (45.47, 9.19) ~348 km."""
    from pairaid.geo import great_circle_km
    from pairaid.plausibility import coordinate_notes

    folder = tmp_path / "italy-copy"
    shutil.copytree(builtin_path("italy-2020"), folder)
    assert load_dataset(folder).notes == ()  # the shipped coordinates: no note
    regions = pd.read_csv(folder / "regions.csv", dtype=str, keep_default_na=False)
    row = int((regions["region_code"] == "IT-25").to_numpy().argmax())
    lat, lon = regions.at[row, "latitude"], regions.at[row, "longitude"]
    regions.loc[row, ["latitude", "longitude"]] = [lon, lat]
    regions.to_csv(folder / "regions.csv", index=False)
    notes = [n for n in load_dataset(folder).notes if "look swapped" in n]
    assert len(notes) == 1
    assert f"regions.csv, line {row + 2}, columns 'latitude' and 'longitude'" in notes[0]
    assert "region IT-25" in notes[0]
    others = regions.drop(index=row)
    mid = (others["latitude"].astype(float).median(), others["longitude"].astype(float).median())
    far = float(great_circle_km(float(lon), float(lat), *mid))
    assert f"{far:,.0f} km from the other regions of IT" in notes[0]
    assert far > 4000
    # a region far from its siblings but not swapped (the Chatham Islands, 176.6 W, beyond
    # +-90 so no latitude) is never noted
    nz = pd.DataFrame({"region_code": ["NZ-WGN", "NZ-CAN", "NZ-CIT"], "parent_code": "NZ",
                       "latitude": [-41.2865, -43.5321, -43.9535],
                       "longitude": [174.7762, 172.6362, -176.5597]})
    assert coordinate_notes(nz, "regions.csv") == []


def _rows(*rows):
    """A cases table from (region, date, confirmed) rows, in this file order."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[1] for r in rows]),
        "region_code": [r[0] for r in rows],
        "confirmed_cum": pd.array([r[2] for r in rows], dtype="Int64"),
        "deaths_cum": pd.array([0] * len(rows), dtype="Int64"),
        "recovered_cum": pd.array([0] * len(rows), dtype="Int64")})


def test_spikes_of_two_interleaved_regions_use_only_their_own_neighbours():
    # A = 420900: 100, 200, 2000, 210, 3000 (02-01..05): 2000 a spike (line 6), taken as
    # 205; 3000 is A's last day, never a spike (no day after it in A; B's next row is 300).
    # B = 420700, rows in reverse date order: 5000, 300, 320, 330: 5000 on B's first day,
    # 0 before and 300 after, a spike taken as 300 (line 9).
    cases = _rows(("420900", "2020-02-01", 100), ("420700", "2020-02-04", 330),
                  ("420900", "2020-02-02", 200), ("420700", "2020-02-03", 320),
                  ("420900", "2020-02-03", 2000), ("420700", "2020-02-02", 300),
                  ("420900", "2020-02-04", 210), ("420700", "2020-02-01", 5000),
                  ("420900", "2020-02-05", 3000))
    fixed, notes = spike_notes(cases, "cases.csv")
    assert fixed["confirmed_cum"].tolist() == [100, 330, 200, 320, 205, 300, 210, 300, 3000]
    assert len(notes) == 2
    assert notes[0].startswith("cases.csv, line 6, column 'confirmed_cum': 2,000 (420900, "
                               "2020-02-03) lies far above the days around it (200 before, "
                               "210 after), likely a typo; taken as 205,")
    assert notes[1].startswith("cases.csv, line 9, column 'confirmed_cum': 5,000 (420700, "
                               "2020-02-01) lies far above the days around it (0 before, "
                               "300 after), likely a typo; taken as 300,")
    assert cases["confirmed_cum"].tolist()[4] == 2000  # the input is not changed


def test_a_spike_in_deaths_is_replaced_in_its_own_column():
    # deaths 10, 20, 900, 30, 40: 900 - 30 = 870 >= 100 and 30 < 450: taken as 25
    cases = _cases([1000] * 5, deaths=[10, 20, 900, 30, 40])
    fixed, notes = spike_notes(cases, "cases.csv")
    assert fixed["deaths_cum"].tolist() == [10, 20, 25, 30, 40]
    assert fixed["confirmed_cum"].tolist() == [1000] * 5
    assert [n.split(":")[0] for n in notes] == ["cases.csv, line 4, column 'deaths_cum'"]


def test_jumps_of_two_interleaved_regions_compare_with_their_own_rises():
    # 16 days each, rows by date, A (420900) first on each date: A rises by 10 a day, then
    # +2,000 on its last day (line 2 + 30 = 32): 2,000 > 10 x 10; B (420700) rises by 500,
    # then +2,000: 2,000 < 10 x 500, no note
    days = pd.date_range("2020-02-01", periods=16, freq="D").strftime("%Y-%m-%d")
    a = [100 + 10 * i for i in range(15)] + [240 + 2000]
    b = [500 * i for i in range(15)] + [7000 + 2000]
    rows = [r for d, x, y in zip(days, a, b, strict=True)
            for r in (("420900", d, x), ("420700", d, y))]
    notes = jump_notes(_rows(*rows), "cases.csv")
    assert len(notes) == 1
    assert notes[0].startswith("cases.csv, line 32, column 'confirmed_cum': 2,240 (420900, "
                               "2020-02-16) rose by 2,000 in a day, more than 10 times the "
                               "largest daily rise of the 14 days before (10);")


def test_a_jump_needs_three_known_days_and_looks_back_fourteen_days_only():
    # 3 known days 0, 10, 5,000: the rise before is 10, so 4,990 is noted; 2 days 10, 5,000:
    # no rise before to compare with, no note
    three = _rows(("420900", "2020-02-01", 0), ("420900", "2020-02-02", 10),
                  ("420900", "2020-02-03", 5000))
    assert "rose by 4,990 in a day" in jump_notes(three, "cases.csv")[0]
    assert jump_notes(three.iloc[1:], "cases.csv") == []
    # a rise of 5,000 on 02-02, exactly 14 days before the last day 02-16, is outside the
    # window (rises after 02-02 are 10 a day): the last +2,000 is noted against 10; moved
    # to 02-03 (13 days before) it is inside, and 2,000 < 10 x 5,000
    for big_day, noted in ((1, True), (2, False)):
        series = [0] * big_day + [5000 + 10 * i for i in range(15 - big_day)]
        series.append(series[-1] + 2000)
        notes = jump_notes(_cases(series), "cases.csv")
        assert len(notes) == int(noted)
        if noted:
            assert notes[0].endswith(
                "rose by 2,000 in a day, more than 10 times the largest daily rise of the 14 "
                "days before (10); kept as reported. Check it is not a typo (a change of case "
                "definition can be real).")


def test_a_stray_date_is_named_only_in_its_own_region_and_only_beyond_366_days():
    # A (420900): 2020-01-01 and 2021-01-01, 366 days apart (2020 is a leap year): kept.
    # B (420700): 2020-02-01..03 and 2021-02-04, 367 days after 2020-02-03: named (line 4)
    # C (420100, after B in the file): 2019-01-01, 01-02, 2020-01-03 (366 days after
    # 2019-01-02: same part), 2021-01-05 (368 days after 2020-01-03, its count unknown):
    # named (line 10), with C's span 2019-01-01 … 2020-01-03
    frame = _rows(("420900", "2020-01-01", 1), ("420700", "2020-02-01", 1),
                  ("420700", "2021-02-04", 9), ("420900", "2021-01-01", 2),
                  ("420700", "2020-02-03", 3), ("420700", "2020-02-02", 2),
                  ("420100", "2019-01-01", 1), ("420100", "2019-01-02", 2),
                  ("420100", "2021-01-05", None), ("420100", "2020-01-03", 3))
    problems = date_problems(frame, "cases.csv")
    assert [(p.source, p.row, p.column) for p in problems] == [("cases.csv", 4, "date"),
                                                               ("cases.csv", 10, "date")]
    assert problems[0].message == ("2021-02-04 is more than 366 days away from the other rows "
                                   "of region 420700 (2020-02-01 … 2020-02-03): likely a "
                                   "date typo")
    assert problems[1].message.startswith("2021-01-05 is more than 366 days away from the "
                                          "other rows of region 420100 (2019-01-01 … "
                                          "2020-01-03)")


@pytest.mark.parametrize(("series", "fixed"), [
    ([100, 0, 0], [0, 0, 0]),  # first day: 0 before, 0 after, exceeds by the floor exactly
    ([500, 1000, 500], None),  # the neighbours are exactly half of it, not below: no spike
    ([100, 1500, 2000, 210, 220], None),  # the day before is high: not a one-day spike
])
def test_spike_edges_by_hand(series, fixed):
    out, notes = spike_notes(_cases(series), "cases.csv")
    assert out["confirmed_cum"].tolist() == (fixed or series)
    assert len(notes) == int(fixed is not None)
    if fixed:
        assert notes == ["cases.csv, line 2, column 'confirmed_cum': 100 (420900, 2020-02-01) "
                         "lies far above the days around it (0 before, 0 after), likely a "
                         "typo; taken as 0, the straight line between them (as across an "
                         "unknown day). Correct the cell if the value is wrong."]


@pytest.mark.parametrize(("rise", "last_rise", "noted"), [
    (10, 1000, False),   # 1,000 > 10 x 10 but not above the 1,000 floor
    (10, 1001, True),
    (200, 2000, False),  # exactly 10 times the largest rise, not above
    (200, 2001, True),
])
def test_jump_edges_by_hand(rise, last_rise, noted):
    series = [100 + rise * i for i in range(15)]
    series.append(series[-1] + last_rise)
    assert len(jump_notes(_cases(series), "cases.csv")) == int(noted)


def test_a_jump_with_no_rise_in_the_window_is_compared_with_one():
    # known days 02-01, 02-02, 02-20: the one rise before (02-02) is 18 days before the last
    # day, outside the 14 days: the last rise, 4,990, is compared with 1 person a day
    cases = _rows(("420900", "2020-02-01", 0), ("420900", "2020-02-02", 10),
                  ("420900", "2020-02-20", 5000))
    notes = jump_notes(cases, "cases.csv")
    assert len(notes) == 1
    assert "rose by 4,990 in a day, more than 10 times the largest daily rise of the 14 days " \
           "before (1);" in notes[0]
    # a flat series then +5,000: the largest rise 0 is taken as 1 as well
    assert "days before (1);" in jump_notes(_cases([100] * 15 + [5100]), "cases.csv")[0]


def test_counts_up_to_a_trillion_are_written_out_larger_ones_in_three_digits():
    cases = _cases([999_999_999_999, 10**12])
    said = [p.message for p in count_problems(cases, REGIONS, "cases.csv")]
    assert said == ["999,999,999,999 is more than the population of region 420900 (1,000, "
                    "regions.csv)",
                    "1e+12 is more than the population of region 420900 (1,000, regions.csv)"]
