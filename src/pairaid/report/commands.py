"""``pairaid report RUN_DIR``: write the HTML report (and optionally the workbook) of a run.

The command object :data:`report` is registered on the main CLI group by ``pairaid.cli``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click

from pairaid.errors import PairaidError


@click.command("report")
@click.argument("run_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--xlsx", "with_xlsx", is_flag=True,
              help="Also write the Excel workbook RUN_DIR/plan.xlsx.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="en", show_default=True,
              help="Language shown when the report opens (a button switches).")
@click.option("--self-contained", "self_contained", is_flag=True,
              help="Put plotly.js inside report.html (one file to send, about 4.8 MB "
              "larger) instead of the shared RUN_DIR/plotly.min.js.")
def report(run_dir: Path, with_xlsx: bool, lang: str, self_contained: bool) -> None:
    """Write RUN_DIR/report.html (offline, maps and charts) and RUN_DIR/pairs.geojson.

    RUN_DIR is a folder written by `pairaid plan`. The page loads plotly.js from
    RUN_DIR/plotly.min.js (written once, beside it) unless --self-contained.
    """
    from pairaid.report.geojson import report_geojson
    from pairaid.report.html import report_html
    from pairaid.report.xlsx import report_xlsx

    try:
        start = time.perf_counter()
        written = [report_html(run_dir, lang=lang, embed_plotly=self_contained),
                   report_geojson(run_dir)]
        if with_xlsx:
            written.append(report_xlsx(run_dir))
    except PairaidError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    click.echo(f"done in {time.perf_counter() - start:.1f} s")
