"""Shared fixtures: the tiny test data set and the built-in Hubei run (computed once)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

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


CASES = DATA / "cases"
"""Inputs of the regression cases (``tests/data/cases/<case id>/``, see its README)."""


@pytest.fixture
def run_case(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """Run ``pairaid plan`` on a case's data folder; returns (exit code, run folder, output).

    ``run_case("c0013", "data", "--horizon", "3")`` runs
    ``pairaid plan --data <case>/data --demand <case>/data/demand.csv --horizon 3 --out ...``
    (``--demand`` only when the folder has a ``demand.csv``).
    """
    from pairaid.cli import main

    def run(case: str, data: str, *args: str) -> tuple[int, Path, str]:
        folder = CASES / case / data
        out = tmp_path / f"{case}-{data}-{len(list(tmp_path.iterdir()))}"
        demand = ["--demand", str(folder / "demand.csv")] \
            if (folder / "demand.csv").exists() else []
        code = main(["plan", "--data", str(folder), *demand, *args, "--out", str(out)])
        captured = capsys.readouterr()
        return code, out, captured.out + captured.err

    return run


@pytest.fixture(scope="session")
def load_script() -> Callable[[str], ModuleType]:
    """Loads a script outside the package (``scripts/``, ``benchmarks/``) as a module, by
    its path relative to the repository root."""

    def load(relative: str) -> ModuleType:
        path = Path(__file__).resolve().parents[1] / relative
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module  # dataclasses look their module up by name
        spec.loader.exec_module(module)
        return module

    return load
