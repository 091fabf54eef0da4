"""Choosing and checking a run's regions (pairaid.selection)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pairaid.cli import main

ITALY = Path(__file__).resolve().parents[1] / "src" / "pairaid" / "data" / "italy-2020"


def test_c0003_kind_icu_transfers_need_every_regions_icu_beds(tmp_path, capsys):
    """With --transfer icu (italy-2020's default), a recipient without an icu_beds row was
    taken to have 0 ICU beds: all of Piedmont's (IT-21) ICU patients overflowed and were
    moved out; a donor without one (Aosta Valley, IT-23) had no spare bed. Both rows are
    asked for by name, before any work."""
    data = tmp_path / "italy"
    shutil.copytree(ITALY, data)
    caps = (data / "capacities.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in caps if not line.startswith(("IT-21,icu_beds", "IT-23,icu_beds"))]
    assert len(kept) == len(caps) - 2
    (data / "capacities.csv").write_text("".join(kept), encoding="utf-8")
    out = tmp_path / "run"
    assert main(["plan", "--data", str(data), "--horizon", "7", "--out", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    for code in ("IT-21", "IT-23"):
        assert (f"{data / 'capacities.csv'}, column 'resource': no 'icu_beds' row for region "
                f"{code}, which this run needs (--transfer icu)") in err
    assert not out.exists()


def test_a_lower_case_region_code_is_refused_with_did_you_mean(tmp_path, capsys):
    """Codes typed in lower case (it-21 for IT-21) are unknown (codes match exactly); the
    one-line error says which code was meant, and nothing is written."""
    out = tmp_path / "run"
    assert main(["plan", "--data", str(ITALY), "--horizon", "7", "--recipients", "it-21,IT-25",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1  # the message was one line, without traceback
    assert err.endswith("did you mean 'it-21' -> 'IT-21'? (codes are case-sensitive)")
    assert not out.exists()


def test_did_you_mean_only_for_a_code_that_differs_in_case_or_spaces():
    from pairaid.selection import did_you_mean

    known = {"DE-BY", "DE-BE", "de-be", "IT-21"}
    assert did_you_mean(["xx", "DE-B"], known) == ""
    assert did_you_mean([" de-by "], known) == \
        "; did you mean ' de-by ' -> 'DE-BY'? (codes are case-sensitive)"
    # two codes differing only in case are both offered; one hint per unknown code
    assert did_you_mean(["De-Be", "it-21"], known) == (
        "; did you mean 'De-Be' -> 'DE-BE' or 'de-be', 'it-21' -> 'IT-21'? "
        "(codes are case-sensitive)")
