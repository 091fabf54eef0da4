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
