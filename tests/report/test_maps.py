"""Maps of report.html (pairaid.report.maps): the view of a data set drawn as points."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pairaid.report.boundaries import load_boundaries
from pairaid.report.html import build_figures, report_html
from pairaid.report.maps import choose_map, region_names
from pairaid.report.run import read_run

CASES = Path(__file__).parents[1] / "data" / "cases"


def test_c0017_kind_points_map_view_across_the_antimeridian(tmp_path: Path) -> None:
    """c0017 kind, the report's map: New Zealand with the Chatham Islands drawn as points
    (no GB/T 2260 codes, so no China map) got the longitude range [-178.6, 176.8], a view of
    the whole world with Wellington and the Chatham Islands at opposite edges. Right, by
    hand: the points lie within 172.6362 E .. 176.5597 W = 183.4403 unwrapped (8.8°), so
    the range is that window plus the 2° margin, centred by rotating the projection."""
    from pairaid.cli import main

    data = tmp_path / "data"
    shutil.copytree(CASES / "c0017" / "data", data)
    regions = pd.read_csv(data / "regions.csv", dtype=str)
    regions.assign(gb2260_code="").to_csv(data / "regions.csv", index=False)
    out = tmp_path / "run"
    assert main(["plan", "--data", str(data), "--demand", str(data / "demand.csv"),
                 "--date", "2020-03-10", "--horizon", "3", "--no-official", "--report",
                 "--out", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    ranges = {(float(a), float(b)) for a, b in
              re.findall(r'"lonaxis":\{"range":\[(-?[\d.]+),(-?[\d.]+)\]\}', page)}
    assert len(ranges) == 1
    assert ranges.pop() == (pytest.approx(170.6362), pytest.approx(185.4403))
    rotations = set(re.findall(r'"rotation":\{"lon":(-?[\d.]+)\}', page))
    assert [float(r) for r in rotations] == [pytest.approx((172.6362 + 183.4403) / 2)]


def _texts(figure: dict[str, object]) -> set[str]:
    """Every hover/label text of a plotly figure spec's traces."""
    out: set[str] = set()
    for trace in figure["data"]:  # type: ignore[attr-defined]
        text = trace.get("text")
        out |= {str(x) for x in text} if isinstance(text, list) else {str(text)}
    return out


def test_choose_map_keeps_the_china_map_when_every_region_has_a_shape(run_dir: Path) -> None:
    """The fixture run's donors are provinces and its recipients Hubei divisions, all in the
    shipped boundaries: the China map stays."""
    choice = choose_map(read_run(run_dir), load_boundaries())
    assert choice.china and choice.unshaped == ()


def test_c0017_kind_recipient_outside_the_shipped_boundaries_is_drawn(run_dir: Path) -> None:
    """c0017 kind (GB/T 2260-like codes 9000xx not in the shipped China boundaries): the
    China map was drawn and a recipient without a shape there was silently left off. Here
    one recipient (Xiaogan, 420900) gets code 900009 outside the boundaries while the others
    keep theirs: every region of the run, inside or outside, must be in every map's data,
    and the report must say why the map is drawn as points."""
    regions = pd.read_csv(run_dir / "regions.csv", dtype=str)
    regions.loc[regions["region_code"] == "420900", "gb2260_code"] = "900009"
    regions.to_csv(run_dir / "regions.csv", index=False)
    run = read_run(run_dir)
    assert "900009" not in load_boundaries().codes("hubei")
    choice = choose_map(run, load_boundaries())
    assert not choice.china and choice.unshaped == ("420900",)
    figures = build_figures(run, load_boundaries())
    names = region_names(run.tables["regions"])
    assert len(names) == 13
    for fid in ("map-pairaid", "cmp-pairaid", "cmp-official"):
        for lang in ("zh", "en"):
            texts = _texts(figures[fid][lang])
            assert {n for n in names.values() if n not in texts} == set(), (fid, lang)
    page = report_html(run_dir).read_text(encoding="utf-8")
    assert re.search(r"Xiaogan \(420900\) has a GB/T 2260 code with no shape in the "
                     r"shipped China boundaries", page)


def test_map_note_names_transfer_lines_only_where_the_run_has_transfers(tmp_path: Path) -> None:
    # a staff-only run on a data folder drawn as points said "Red dashed lines: ICU patient
    # transfers" under a map that has none
    from pairaid.cli import main

    data = tmp_path / "data"
    shutil.copytree(CASES / "c0017" / "data", data)
    out = tmp_path / "run"
    assert main(["plan", "--data", str(data), "--demand", str(data / "demand.csv"),
                 "--date", "2020-03-10", "--horizon", "3", "--no-official", "--report",
                 "--out", str(out)]) == 0
    assert not (out / "transfers.csv").exists()
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Regions drawn as points" in page and "Red dashed lines" not in page
    pairs = pd.read_csv(out / "pairs.csv", dtype=str)  # one transfer on the first pair
    pd.DataFrame({"donor_code": pairs["donor_code"][:1], "recipient_code":
                  pairs["recipient_code"][:1], "patients": [3], "distance_km": [10.0],
                  "date": ["2020-03-11"]}).to_csv(out / "transfers.csv", index=False)
    assert main(["report", str(out)]) == 0
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Red dashed lines: ICU patient transfers." in page
