"""Data sets of any country: no Chinese field required, selection by level and parent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pairaid.config import PlanConfig
from pairaid.datasets import load_builtin, load_dataset
from pairaid.errors import InputError
from pairaid.pipeline import run_parameters
from pairaid.selection import regions_by, select_regions

REGIONS = """region_code,name_en,level,parent_code,latitude,longitude,population
DE-BY,Bavaria,state,DE,48.14,11.58,13124737
DE-BW,Baden-Wuerttemberg,state,DE,48.78,9.18,11100394
DE-HE,Hesse,state,DE,50.08,8.24,6288080
"""
CASES = """date,region_code,confirmed_cum,deaths_cum,recovered_cum
2020-03-01,DE-BY,10,0,0
2020-03-01,DE-BW,5,0,0
2020-03-01,DE-HE,2,0,0
"""
CAPACITIES = """region_code,resource,quantity
DE-BY,icu_beds,100
DE-BW,icu_beds,80
DE-HE,icu_beds,60
"""


def _folder(tmp_path: Path, regions: str = REGIONS) -> Path:
    for name, text in (("regions", regions), ("cases", CASES), ("capacities", CAPACITIES)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_data_set_without_chinese_fields_loads(tmp_path: Path) -> None:
    ds = load_dataset(_folder(tmp_path))
    assert list(ds.regions["region_code"]) == ["DE-BY", "DE-BW", "DE-HE"]
    assert ds.regions["gb2260_code"].isna().all()
    assert ds.regions["name_zh"].isna().all()
    # names fall back to English where no Chinese (or local) name is given
    assert ds.region_names("zh")["DE-HE"] == "Hesse"


def test_a_bad_gb2260_code_is_still_refused_when_given(tmp_path: Path) -> None:
    text = REGIONS.replace("region_code,", "region_code,gb2260_code,").replace(
        "DE-BY,", "DE-BY,12,", 1).replace("DE-BW,", "DE-BW,,", 1).replace("DE-HE,", "DE-HE,,", 1)
    with pytest.raises(InputError) as err:
        load_dataset(_folder(tmp_path, text))
    assert any(p.column == "gb2260_code" and p.row == 2 for p in err.value.problems)


def test_selection_by_level_and_parent_excludes_recipients_from_donors(tmp_path: Path
                                                                        ) -> None:
    ds = load_dataset(_folder(tmp_path))
    assert regions_by(ds.regions, level="state", parent="DE") == ["DE-BY", "DE-BW", "DE-HE"]
    assert regions_by(ds.regions, parent="IT") == []
    config = PlanConfig(recipients=["DE-BY"], donors_level="state", exclude_recipients=[])
    recipients, donors = select_regions(ds, config)
    assert recipients == ["DE-BY"]
    assert donors == ["DE-BW", "DE-HE"]  # the recipient is not a default donor
    config = PlanConfig(recipients_parent="DE", donors=["DE-HE"], exclude_recipients=["DE-HE"])
    assert select_regions(ds, config) == (["DE-BY", "DE-BW"], ["DE-HE"])


def test_italy_2020_is_built_in_with_its_own_parameters() -> None:
    ds = load_builtin("italy-2020")
    assert len(ds.regions) == 21  # 19 regions and the autonomous provinces of BZ and TN
    assert ds.regions["population"].sum() == 59_641_488  # ISTAT 2020-01-01 (SOURCES S3)
    icu = ds.capacities[ds.capacities["resource"] == "icu_beds"]["quantity"].sum()
    assert icu == 5179  # Ministry of Health pre-emergency ICU beds (SOURCES P1, P3, P4)
    lombardy = ds.cases[(ds.cases["region_code"] == "IT-25")
                        & (ds.cases["date"] == "2020-03-15")].iloc[0]
    assert (lombardy["hospitalised"], lombardy["icu"]) == (6267, 767)  # issue 16
    assert ds.defaults["decision_date"] == date(2020, 3, 15)  # a TOML date
    assert ds.transfers is not None and ds.transfers["count"].max() == 116
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "borrows hubei-2020's parameters" warning
        params = run_parameters(ds, PlanConfig())
    assert params["covid_share_icu_beds"] == 1.0
    assert (ds.path / "LICENSE-data.md").is_file()


def test_a_data_set_may_ship_its_own_boundaries(tmp_path: Path) -> None:
    import json

    folder = _folder(tmp_path)
    square = {"type": "Polygon", "coordinates": [[[11, 48], [12, 48], [12, 49], [11, 48]]]}
    good = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region_code": "DE-BY"}, "geometry": square}]}
    (folder / "boundaries.geojson").write_text(json.dumps(good), encoding="utf-8")
    ds = load_dataset(folder)
    assert ds.boundaries is not None and len(ds.boundaries["features"]) == 1
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region_code": "DE-XX"}, "geometry": square}]}
    (folder / "boundaries.geojson").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_dataset(folder)
    assert "boundaries.geojson" in str(err.value) and "'DE-XX'" in str(err.value)
    assert "feature 1" in str(err.value)


def test_italy_2020_ships_one_boundary_per_region() -> None:
    ds = load_builtin("italy-2020")
    assert ds.boundaries is not None
    codes = [f["properties"]["region_code"] for f in ds.boundaries["features"]]
    # 19 regions and the autonomous provinces of Bolzano and Trento, as regions.csv
    assert sorted(codes) == sorted(ds.regions["region_code"]) and len(codes) == 21
    assert (ds.path / "LICENSE-boundaries").read_text(encoding="utf-8").count(
        "Attribution 4.0 International") >= 1
    assert load_builtin("hubei-2020").boundaries is None


def test_an_unknown_level_or_parent_is_refused_naming_the_known_ones(tmp_path: Path) -> None:
    from pairaid.errors import ConfigError

    ds = load_dataset(_folder(tmp_path))
    with pytest.raises(ConfigError, match="no region of regions.csv has level 'province'; "
                                          "known: state"):
        select_regions(ds, PlanConfig(recipients_level="province"))
    with pytest.raises(ConfigError, match="parent_code 'CN-HB'; known: DE"):
        select_regions(ds, PlanConfig(recipients=["DE-BY"], donors_parent="CN-HB"))


def test_the_documented_italy_selection_examples() -> None:
    # docs/data-format.md: `plan --dataset italy-2020 --donors-parent IT` keeps the four
    # recipients of defaults.toml and takes every other region as a donor;
    # `--recipients-level region` makes all 21 regions recipients and leaves no donor (the
    # docs gave it as a working example)
    from pairaid.config import make_config, with_dataset_defaults
    from pairaid.errors import ConfigError

    ds = load_builtin("italy-2020")

    def chosen(values: dict) -> tuple[list[str], list[str]]:
        return select_regions(ds, make_config(with_dataset_defaults(ds.defaults, values)))

    recipients, donors = chosen({"donors_parent": "IT"})
    assert recipients == ["IT-25", "IT-57", "IT-TN", "IT-21"]
    assert sorted(donors) == sorted(set(ds.regions["region_code"]) - set(recipients))
    assert len(donors) == 21 - 4
    with pytest.raises(ConfigError, match="^no donors: by default the donors are every row"):
        chosen({"recipients_level": "region"})
