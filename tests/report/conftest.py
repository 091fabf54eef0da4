"""Fixtures of the report tests: a writable copy of the hand-made run folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURE_RUN = Path(__file__).parent / "data" / "run"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A writable copy of ``tests/report/data/run`` (4 recipients, 9 donors, two plans)."""
    dst = tmp_path / "run"
    shutil.copytree(FIXTURE_RUN, dst)
    return dst


@pytest.fixture(scope="module")
def module_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the fixture run shared by the tests of one module."""
    dst = tmp_path_factory.mktemp("run") / "run"
    shutil.copytree(FIXTURE_RUN, dst)
    return dst


@pytest.fixture(scope="session")
def real_run_dir(hubei_run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built-in plan (hubei-2020, default settings) saved as a run folder."""
    from pairaid.runs import save_run

    return save_run(hubei_run, tmp_path_factory.mktemp("real") / "hubei-2020-2020-02-10")


@pytest.fixture(scope="session")
def real_report(real_run_dir: Path) -> Path:
    """``report.html`` of the built-in plan (written once per test session)."""
    from pairaid.report import report_html

    return report_html(real_run_dir)
