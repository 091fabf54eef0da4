"""Maps of report.html (pairaid.report.maps): the view of a data set drawn as points."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

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
