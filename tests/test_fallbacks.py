"""No silent fallback (issue 18): a donor without complete case counts, a non-finite forecast
mean and a failed Hessian each give a warning on the terminal and a flag in the run folder
(``metrics.json`` ``flags``) and the report."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pairaid.errors import FallbackWarning
from pairaid.forecast.nb import MAX_MEAN, fit_ml, sample_nb


def _plan(folder: Path, out: Path, capsys) -> tuple[dict, str]:
    from pairaid.cli import main

    code = main(["plan", "--data", str(folder), "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    run = next(p.parent for p in out.rglob("metrics.json"))
    return json.loads((run / "metrics.json").read_text()), printed.err


def test_donor_without_case_counts_is_flagged(tiny: Path, tmp_path: Path, capsys) -> None:
    metrics, err = _plan(tiny, tmp_path / "complete", capsys)
    assert metrics["flags"] == [] and "no complete case counts" not in err
    cases = pd.read_csv(tiny / "cases.csv", dtype=str)
    # CN-BB's deaths unknown on every day: its own census cannot be computed
    cases.loc[cases["region_code"] == "CN-BB", "deaths_cum"] = ""
    cases.to_csv(tiny / "cases.csv", index=False)
    metrics, err = _plan(tiny, tmp_path / "gap", capsys)
    assert "warning: donor(s) CN-BB have no complete case counts" in err
    assert len(metrics["flags"]) == 1 and "CN-BB" in metrics["flags"][0]
    assert "CN-AA" not in metrics["flags"][0]
    caps = pd.read_csv(next((tmp_path / "gap").rglob("donor_capacities.csv")))
    assert not caps.loc[caps["donor_code"] == "CN-BB", "own_need_known"].any()
    assert caps.loc[caps["donor_code"] == "CN-AA", "own_need_known"].all()

    from pairaid.report import report_html

    page = report_html(next((tmp_path / "gap").rglob("metrics.json")).parent).read_text()
    assert 'id="sec-flags"' in page and "CN-BB have no complete case counts" in page


def test_non_finite_means_warn_and_are_replaced_as_documented() -> None:
    rng = np.random.default_rng(0)
    with pytest.warns(FallbackWarning, match="NaN means"):
        out = sample_nb(rng, np.array([np.nan, 4.0]), 5.0)
    assert out[0] == 0.0
    with pytest.warns(FallbackWarning, match="capped"):
        out = sample_nb(rng, np.array([np.inf, 2 * MAX_MEAN]), 1e6)
    # gamma-Poisson around the cap: within 1 % of it
    assert np.allclose(out, MAX_MEAN, rtol=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        sample_nb(rng, np.array([0.0, 3.0, MAX_MEAN]), 2.0)  # finite, in range: no warning


def test_failed_hessian_warns_and_gives_the_broad_default() -> None:
    def nll_ok(x: np.ndarray) -> float:
        return float(np.sum((x - 1.0) ** 2))

    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        good = fit_ml(nll_ok, np.zeros(2))
    # Hessian of sum (x-1)^2 is 2 I: covariance I / 2 (hand-computed)
    assert np.allclose(good.cov, np.eye(2) / 2, atol=1e-4)

    def nan_off_start(x: np.ndarray) -> float:  # finite only at the start: no Hessian
        return float("nan") if np.any(x != 0) else 0.0

    with pytest.warns(FallbackWarning, match="Hessian"):
        bad = fit_ml(nan_off_start, np.zeros(2), max_sd=3.0)
    assert np.array_equal(bad.cov, np.eye(2) * 9.0)
