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
    # tiny has no parameters.csv: that fallback only
    assert [f[:35] for f in metrics["flags"]] == ["data set tiny has no parameters.csv"]
    assert "no complete case counts" not in err
    cases = pd.read_csv(tiny / "cases.csv", dtype=str)
    # CN-BB's deaths unknown on every day: its own census cannot be computed
    cases.loc[cases["region_code"] == "CN-BB", "deaths_cum"] = ""
    cases.to_csv(tiny / "cases.csv", index=False)
    metrics, err = _plan(tiny, tmp_path / "gap", capsys)
    assert "warning: donor(s) CN-BB have no complete case counts" in err
    [donors] = [f for f in metrics["flags"] if "no complete case counts" in f]
    assert len(metrics["flags"]) == 2 and "CN-BB" in donors and "CN-AA" not in donors
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


def _page_text(path: Path) -> str:
    """The text a reader sees in an HTML page (tags, scripts and styles left out)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []
            self.hidden = 0

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.hidden += tag in ("script", "style")

        def handle_endtag(self, tag: str) -> None:
            self.hidden -= tag in ("script", "style")

        def handle_data(self, data: str) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


def test_every_warning_and_note_reaches_run_folder_report_and_workbook(
        tiny: Path, tmp_path: Path, capsys) -> None:
    import openpyxl

    from pairaid.cli import main

    cases = pd.read_csv(tiny / "cases.csv", dtype=str, keep_default_na=False)
    # Xiaogan's cumulative count unknown on two days between known ones
    gap = (cases["region_code"] == "420900") & cases["date"].isin(["2020-02-01", "2020-02-02"])
    assert gap.sum() == 2
    cases.loc[gap, "confirmed_cum"] = ""
    cases.to_csv(tiny / "cases.csv", index=False)
    out = tmp_path / "run"
    code = main(["plan", "--data", str(tiny), "--out", str(out), "--report", "--xlsx"])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    lines = (printed.out + printed.err).splitlines()
    said = sum(ln.startswith(("note: ", "warning: ")) for ln in lines)
    terminal = " ".join(" ".join(lines).split())  # the console wraps long lines

    metrics = json.loads((out / "metrics.json").read_text())
    kept = metrics["flags"] + metrics["notes"]
    # tiny has no parameters.csv (a fallback); the two unknown days (a note)
    assert any("has no parameters.csv" in s for s in metrics["flags"])
    [gap_note] = [s for s in metrics["notes"] if s.startswith("confirmed_cum unknown")]
    assert "Xiaogan (420900) on 2020-02-01, 2020-02-02" in gap_note
    page = _page_text(out / "report.html")
    sheet = list(openpyxl.load_workbook(out / "plan.xlsx")["notes"].iter_rows(values_only=True))
    assert sheet[0] == ("kind", "text")
    assert len(kept) == said == len(sheet) - 1  # as many as the terminal said, no more
    for text in kept:  # each, whole, on the terminal, in the report and in the workbook
        assert f"note: {text}" in terminal or f"warning: {text}" in terminal
        assert " ".join(text.split()) in page
        assert any(row[1] == text for row in sheet[1:])
    assert ("note", gap_note) in sheet and sheet[1][0] == "fallback"


def test_fallbacks_after_the_plan_are_kept_once(recwarn) -> None:
    from pairaid.pipeline import kept_fallbacks

    with kept_fallbacks(["old"]) as flags:
        for text in ("old", "new", "new"):
            warnings.warn(FallbackWarning(text), stacklevel=1)
        warnings.warn("other", RuntimeWarning, stacklevel=1)
    assert flags == ["new"]
    # warned again once, the other warning untouched
    assert sorted(str(w.message) for w in recwarn) == ["new", "other"]


def test_notes_must_be_a_list_in_metrics_json(tiny: Path, tmp_path: Path, capsys) -> None:
    from pairaid.errors import InputError
    from pairaid.report.run import read_run

    metrics, _ = _plan(tiny, tmp_path / "run", capsys)
    path = tmp_path / "run" / "metrics.json"
    path.write_text(json.dumps(metrics | {"notes": "one text"}))
    with pytest.raises(InputError, match="'notes': expected a list of texts, got str"):
        read_run(tmp_path / "run")


def test_a_header_only_parameters_file_is_not_called_missing(tiny: Path) -> None:
    # a header-only parameters.csv was reported as "has no parameters.csv"
    from pairaid.config import make_config
    from pairaid.datasets import load_dataset
    from pairaid.pipeline import run_parameters

    assert not (tiny / "parameters.csv").exists()
    with pytest.warns(FallbackWarning, match="data set tiny has no parameters.csv: using"):
        builtin = run_parameters(load_dataset(tiny), make_config({}))
    (tiny / "parameters.csv").write_text("name,value,unit,source\n", encoding="utf-8")
    with pytest.warns(FallbackWarning) as caught:
        assert run_parameters(load_dataset(tiny), make_config({})) == builtin
    assert [str(w.message) for w in caught] == [
        "data set tiny's parameters.csv has a header and no rows: using the parameters of "
        "the built-in hubei-2020 data set (Hubei, February 2020)"]
