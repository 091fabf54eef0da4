"""Dispatch pieces of the report: Gantt chart, on-site chart, section and workbook sheets."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pairaid.errors import InputError
from pairaid.report import report_xlsx
from pairaid.report.boundaries import load_boundaries
from pairaid.report.dispatch import batches, gantt_chart, on_site_chart
from pairaid.report.html import render_html
from pairaid.report.run import read_run

HEADER = ("team_id,donor_code,recipient_code,team_type,doctors,nurses,depart,arrive,"
          "tour_end,quarantine_end,other_staff,travel_mode,travel_days,previous")
TEAMS = [
    ("CN-GD-420900-01,CN-GD,420900,ward_team,38,112", "2020-02-11,2020-02-12,2020-03-20,"
     "2020-04-04", "0,air,1,False"),
    ("CN-GD-420900-02,CN-GD,420900,hospital_squad,5,15", "2020-02-11,2020-02-12,2020-03-01,"
     "2020-03-16", "0,air,1,False"),
    ("CN-JS-421100-01,CN-JS,421100,ward_team,38,112", "2020-02-14,2020-02-15,2020-03-10,"
     "2020-03-25", "0,rail,1,False"),
]
SCHEDULE = "\n".join([HEADER, *(",".join(parts) for parts in TEAMS)]) + "\n"
ON_SITE = """recipient_code,resource,date,gap,on_site,shortfall
420900,doctors,2020-02-11,40,0,40
420900,doctors,2020-02-12,40,43,0
420900,nurses,2020-02-11,120,0,120
420900,nurses,2020-02-12,130,127,3
421100,doctors,2020-02-11,0,0,0
421100,doctors,2020-02-12,0,0,0
421100,nurses,2020-02-11,0,0,0
421100,nurses,2020-02-12,0,0,0
"""
SUMMARY = {"pairaid": {"status": "optimal", "mip_gap": 0.0, "unmet_staff_days": 163.0,
                       "gap_staff_days": 330.0, "teams": 3, "batches": 2, "staff_sent": 320,
                       "travel_staff_days": 640, "solve_seconds": 0.4}}


@pytest.fixture
def dispatched(run_dir: Path) -> Path:
    (run_dir / "schedule.csv").write_text(SCHEDULE, encoding="utf-8")
    (run_dir / "on_site.csv").write_text(ON_SITE, encoding="utf-8")
    (run_dir / "dispatch.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    return run_dir


def test_gantt_has_one_row_per_batch_and_three_phases(dispatched: Path) -> None:
    run = read_run(dispatched)
    assert len(batches(run.tables["schedule"])) == 2  # two teams left Guangdong together
    fig = gantt_chart(run, "en")
    assert [tr.name for tr in fig.data] == ["Travel", "On site", "Return and quarantine"]
    travel, tour, quarantine = fig.data
    day = 86_400_000
    # the Guangdong batch: leaves 02-11, works 02-12 .. 03-19 (to the later tour end),
    # quarantined until 04-04 (15 days = 1 day home + 14)
    assert list(travel.base)[0] == "2020-02-11" and travel.x[0] == 1 * day
    assert list(tour.base)[0] == "2020-02-12" and tour.x[0] == 37 * day
    assert list(quarantine.base)[0] == "2020-03-20" and quarantine.x[0] == 15 * day
    assert "广东" in gantt_chart(run, "zh").data[0].y[0]


def test_on_site_chart_panels_and_stacks(dispatched: Path) -> None:
    run = read_run(dispatched)
    fig = on_site_chart(run, "en")
    # only Xiaogan (420900) has a need or staff: one panel, need + doctors + nurses
    assert len(fig.data) == 3
    need, doctors, nurses = fig.data
    assert list(need.y) == [160.0, 170.0]  # doctors + nurses need per day
    assert list(doctors.y) == [0.0, 43.0] and list(nurses.y) == [0.0, 127.0]


def test_report_has_dispatch_section_in_both_languages(dispatched: Path) -> None:
    page = render_html(read_run(dispatched), load_boundaries(), "en")
    assert 'id="sec-dispatch"' in page and 'id="gantt"' in page and 'id="on-site"' in page
    assert "派遣计划" in page and "Dispatch schedule" in page
    assert "未满足需求 [人·日]" in page and "Unmet need [staff-days]" in page


def test_run_without_schedule_has_no_dispatch_section(run_dir: Path) -> None:
    page = render_html(read_run(run_dir), load_boundaries(), "en")
    assert 'id="sec-dispatch"' not in page


def test_workbook_sheets_of_the_schedule(dispatched: Path) -> None:
    wb = openpyxl.load_workbook(report_xlsx(dispatched))
    ws = wb["schedule"]
    head = [c.value for c in ws[1]]
    assert head[:6] == ["team_id", "donor_code", "recipient_code", "team_type",
                        "doctors [persons]", "nurses [persons]"]
    assert ws.cell(2, head.index("depart") + 1).value.date() == date(2020, 2, 11)
    rows = {r[0].value: r[1].value for r in wb["dispatch"].iter_rows(min_row=2)}
    assert rows["unmet_staff_days [staff-days]"] == 163


def test_bad_dispatch_summary_is_named(dispatched: Path) -> None:
    (dispatched / "dispatch.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(InputError, match="dispatch.json: not valid JSON"):
        read_run(dispatched)
