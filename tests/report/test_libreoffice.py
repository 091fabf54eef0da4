"""The workbook opens in LibreOffice (when installed): every sheet converts, rows intact."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from pairaid.report import report_xlsx

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_workbook_converts_in_libreoffice(module_run_dir: Path, tmp_path: Path) -> None:
    book = report_xlsx(module_run_dir)
    out = tmp_path / "lo"
    # -1 as the 12th token of the CSV filter options exports every sheet to its own file
    subprocess.run([str(SOFFICE), "--headless", f"-env:UserInstallation=file://{tmp_path}/u",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,"
                    "true,false,false,false,-1", str(book), "--outdir", str(out)],
                   check=True, capture_output=True, timeout=300)
    for name in ("pairs", "flows", "gaps"):
        with (out / f"plan-{name}.csv").open(encoding="utf-8") as f:
            lo_rows = list(csv.reader(f))
        with (module_run_dir / f"{name}.csv").open(encoding="utf-8") as f:
            csv_rows = list(csv.reader(f))
        assert len(lo_rows) == len(csv_rows), name
        # same columns in the same order (the workbook adds units in brackets)
        assert [h.split(" [")[0] for h in lo_rows[0]] == csv_rows[0], name
