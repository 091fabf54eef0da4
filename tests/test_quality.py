"""Lint and type-check as part of the test run (house style: ruff, mypy on the package)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "src", "tests", "benchmarks", "scripts")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_passes_on_the_package() -> None:
    result = _run("mypy", "src/pairaid")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_deprecated_call_in_our_code_fails_the_tests() -> None:
    """pyproject's ``filterwarnings``: a deprecation raised from a pairaid module (pandas
    points its warnings at the caller) is an error in the tests; elsewhere only a warning."""
    import warnings

    import pandas as pd
    import pytest

    # freq="d": deprecated alias of "D" in the pinned pandas (3.1)
    probe = compile("pd.date_range('2020-02-10', periods=2, freq='d')", "<probe>", "exec")
    with pytest.raises(DeprecationWarning, match="'d' is deprecated"):
        exec(probe, {"__name__": "pairaid.schedule.probe", "pd": pd})
    with warnings.catch_warnings(record=True) as caught:  # the test run's filters kept
        exec(probe, {"__name__": "tests.probe", "pd": pd})
    assert [w.category for w in caught] == [pd.errors.Pandas4Warning]
