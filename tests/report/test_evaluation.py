"""Evaluation section of the report: ECDF of unmet staff-days, summary and pairwise tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from pairaid.report.boundaries import load_boundaries
from pairaid.report.evaluation import ecdf_chart, has_evaluation
from pairaid.report.html import render_html
from pairaid.report.run import read_run

EVALUATION = """plan,scenario,shortfall_staff_days,gap_covered_share
pairaid,0,10,0.9
pairaid,1,30,0.7
pairaid,2,20,0.8
official,0,40,0.6
official,1,20,0.8
official,2,60,0.4
pairaid,realised,25,0.75
official,realised,50,0.5
"""
SUMMARY = """plan,shortfall_mean,shortfall_p10,shortfall_p50,shortfall_p90,shortfall_cvar90,\
gap_covered_share_mean,realised_shortfall_staff_days
pairaid,20,12,20,28,30,0.8,25
official,40,24,40,56,60,0.6,50
"""
PAIRWISE = """plan,other,share_better,share_worse
pairaid,official,0.6667,0.3333
official,pairaid,0.3333,0.6667
"""


def _write(run_dir: Path) -> None:
    (run_dir / "evaluation.csv").write_text(EVALUATION, encoding="utf-8")
    (run_dir / "evaluation_summary.csv").write_text(SUMMARY, encoding="utf-8")
    (run_dir / "evaluation_pairwise.csv").write_text(PAIRWISE, encoding="utf-8")


def test_ecdf_steps_follow_the_scenarios(run_dir: Path) -> None:
    _write(run_dir)
    run = read_run(run_dir)
    assert has_evaluation(run)
    fig = ecdf_chart(run, "en")
    lines = {tr.name: tr for tr in fig.data if tr.mode == "lines"}
    assert list(lines["pairaid"].x) == [10, 20, 30]
    assert list(lines["pairaid"].y) == pytest.approx([1 / 3, 2 / 3, 1.0])
    marks = [tr for tr in fig.data if tr.mode == "markers"]
    # realised official 50: 2 of its 3 scenarios are at most 50
    off = next(tr for tr in marks if tr.name.startswith("official"))
    assert list(off.x) == [50] and list(off.y) == pytest.approx([2 / 3])


def test_report_has_the_section_only_with_an_evaluation(run_dir: Path) -> None:
    boundaries = load_boundaries()
    assert 'id="sec-evaluation"' not in render_html(read_run(run_dir), boundaries)
    _write(run_dir)
    page = render_html(read_run(run_dir), boundaries)
    assert 'id="sec-evaluation"' in page and 'id="evaluation"' in page
    assert "<td>67%</td>" in page  # pairaid better than official in 2 of 3 scenarios
