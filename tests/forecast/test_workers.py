"""Regions' forecasts drawn on two processes: the same forecast, the same warnings in order."""

from __future__ import annotations

import os
import warnings
from datetime import date

import numpy as np
import pytest

from pairaid.errors import FallbackWarning, InputError, Problem
from pairaid.forecast import forecast_cases
from pairaid.forecast.api import RegionPaths
from pairaid.forecast.workers import paths_by_region

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _job(code: str) -> RegionPaths:
    if code in ("B", "C"):
        warnings.warn(FallbackWarning(f"region {code} fell back"), stacklevel=1)
    return RegionPaths(new_confirmed=np.full((2, 3), float(ord(code))),
                       census=np.full((2, 3), float(os.getpid())), census_estimated=False)


@needs_fork
def test_two_workers_draw_every_region_and_raise_warnings_in_region_order() -> None:
    codes = ["A", "B", "C", "D", "E"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = paths_by_region(_job, codes, workers=2)
    assert list(got) == codes
    assert [float(got[c].new_confirmed[0, 0]) for c in codes] == [65.0, 66.0, 67.0, 68.0, 69.0]
    # every second region comes from the forked process (another process id)
    pids = {c: int(got[c].census[0, 0]) for c in codes}
    assert {pids[c] for c in "ACE"} == {os.getpid()}
    assert pids["B"] == pids["D"] != os.getpid()
    assert [str(w.message) for w in caught] == ["region B fell back", "region C fell back"]
    assert all(w.category is FallbackWarning for w in caught)


def _failing_job(bad: str):
    def job(code: str) -> RegionPaths:
        if code == bad:
            raise InputError([Problem("cases", f"region {code} cannot be drawn", 3, "date")])
        return _job(code)
    return job


@needs_fork
@pytest.mark.parametrize("bad", ["D", "E"])  # drawn by the worker, then here
def test_the_first_failing_region_raises_its_own_error_after_the_earlier_warnings(
        bad: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(InputError) as err:
            paths_by_region(_failing_job(bad), ["A", "B", "C", "D", "E"], workers=2)
    # the error itself (an InputError does not survive pickling: redrawn here)
    assert err.value.problems == [Problem("cases", f"region {bad} cannot be drawn", 3, "date")]
    assert [str(w.message) for w in caught] == ["region B fell back", "region C fell back"]


def test_one_worker_runs_here() -> None:
    with pytest.warns(FallbackWarning, match="region B"):
        got = paths_by_region(_job, ["A", "B"], workers=1)
    assert {int(p.census[0, 0]) for p in got.values()} == {os.getpid()}


@needs_fork
def test_forecast_on_two_workers_is_the_forecast_on_one(hubei_cases) -> None:
    one, two = (forecast_cases(hubei_cases, region_codes=["420100", "420800", "429021"],
                               origin=date(2020, 2, 14), horizon_days=7, workers=w)
                for w in (1, 2))
    assert one.equals(two)  # bit for bit: each region has its own random source


@pytest.mark.parametrize(("cores", "load", "expected"), [
    (2, 0.2, 2), (2, 1.4, 2), (2, 1.6, 1), (2, 16.0, 1), (1, 0.0, 1), (8, 3.0, 2)])
def test_a_second_process_only_when_a_core_is_idle(monkeypatch, cores, load,
                                                   expected) -> None:
    import pairaid.forecast.workers as workers

    monkeypatch.setattr(workers, "available_cores", lambda: cores)
    monkeypatch.setattr(workers.os, "getloadavg", lambda: (load, load, load))
    assert workers.spare_workers() == expected
