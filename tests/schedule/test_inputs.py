"""Team types and travel modes: the shipped tables, days from km, and bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pairaid.errors import ConfigError, InputError
from pairaid.schedule import mode_days, read_team_types, read_travel_modes, travel_table


def test_shipped_team_types_have_2020_shapes() -> None:
    types = read_team_types().set_index("team_type")
    # doctor:nurse between 1:1.7 and 1:3 for every team with doctors (issue 13, D3-D5)
    with_doctors = types[types["doctors"] > 0]
    ratio = with_doctors["nurses"] / with_doctors["doctors"]
    assert ratio.between(1.65, 3.0).all()
    # a ward team is about 150 staff (3,170 staff / 21 wards, D4)
    ward = types.loc["ward_team"]
    assert ward["doctors"] + ward["nurses"] + ward["other_staff"] == 150
    assert (types["tour_days"] == 49).all() and (types["quarantine_days"] == 14).all()
    assert types["source"].str.len().gt(0).all()


def test_days_from_distance_by_hand() -> None:
    modes = read_travel_modes().set_index("mode", drop=False)
    # road, 800 km: 2 h + 800 * 1.3 / 70 = 16.86 h at 9 h a day -> 2 days
    assert mode_days(800.0, modes.loc["road"]) == 2
    # rail, 1,000 km: 4 h + 1,300 / 200 = 10.5 h at 14 h a day -> 1 day
    assert mode_days(1000.0, modes.loc["rail"]) == 1
    # air is not used under 300 km; road beyond 1,500 km is not either
    assert mode_days(250.0, modes.loc["air"]) is None
    assert mode_days(1600.0, modes.loc["road"]) is None


def test_travel_table_fastest_and_forced_mode() -> None:
    modes = read_travel_modes()
    dist = pd.DataFrame({"donor_code": ["CN-JX", "CN-XJ"],
                         "recipient_code": ["420700", "420900"],
                         "distance_km": [250.0, 3000.0]})
    fastest = travel_table(dist, modes)
    assert fastest["travel_days"].tolist() == [1, 1]
    assert fastest["travel_mode"].tolist() == ["rail", "air"]  # air not under 300 km
    with pytest.raises(ConfigError, match="CN-XJ→420900 at 3,000 km"):
        travel_table(dist, modes, mode="road")
    with pytest.raises(ConfigError, match="'ship'"):
        travel_table(dist, modes, mode="ship")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


HEADER = ("team_type,doctors,nurses,other_staff,icu,min_tour_days,tour_days,"
          "quarantine_days,source\n")


def test_bad_team_type_cell_names_file_line_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "teams.csv", HEADER + "ward,38,112,0,true,14,49,14,x\n"
                  "squad,5,many,0,false,14,49,14,x\n")
    with pytest.raises(InputError) as err:
        read_team_types(path)
    assert f"{path}, line 3, column 'nurses'" in str(err.value)
    assert "'many' is not a whole number" in str(err.value)


def test_team_without_staff_and_short_tour_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "teams.csv", HEADER + "empty,0,0,3,false,14,49,14,x\n"
                  "odd,5,15,0,false,60,49,14,x\n")
    with pytest.raises(InputError) as err:
        read_team_types(path)
    text = str(err.value)
    assert "line 2, column 'nurses': team type 'empty' has neither doctors nor nurses" in text
    assert "line 3, column 'min_tour_days': min_tour_days 60 is more than tour_days 49" in text


def test_bad_travel_mode_names_file_line_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "modes.csv",
                  "mode,speed_kmh,detour_factor,fixed_hours,hours_per_day,min_km,max_km,"
                  "source\nrail,200,1.3,4,30,,2000,x\nroad,70,1.3,2,9,900,100,x\n")
    with pytest.raises(InputError) as err:
        read_travel_modes(path)
    text = str(err.value)
    assert f"{path}, line 2, column 'hours_per_day'" in text and "≤ 24" in text


def test_min_above_max_km_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "modes.csv",
                  "mode,speed_kmh,detour_factor,fixed_hours,hours_per_day,min_km,max_km,"
                  "source\nroad,70,1.3,2,9,900,100,x\n")
    with pytest.raises(InputError, match=r"line 2, column 'min_km': min_km 900 is more"):
        read_travel_modes(path)


def test_header_only_team_types_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no team types"):
        read_team_types(_write(tmp_path, "teams.csv", HEADER))
