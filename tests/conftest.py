"""Shared fixtures: the tiny test data set and the built-in Hubei run (computed once)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of the tiny data set (2 donors, 2 recipients)."""
    dst = tmp_path / "tiny"
    shutil.copytree(DATA / "tiny", dst)
    return dst


@pytest.fixture(scope="session")
def hubei_run():
    """The default plan on the built-in hubei-2020 data set."""
    from pairaid.config import make_config
    from pairaid.datasets import load_builtin
    from pairaid.pipeline import plan

    return plan(load_builtin("hubei-2020"), make_config({}))
