"""Reports of a run folder: offline HTML with maps and charts, Excel workbook, GeoJSON.

Public API::

    report_html(run_dir, *, lang="en") -> Path   # writes RUN_DIR/report.html
    report_xlsx(run_dir) -> Path                 # writes RUN_DIR/plan.xlsx
    report_geojson(run_dir) -> Path              # writes RUN_DIR/pairs.geojson

CLI: :data:`pairaid.report.commands.report` (``pairaid report RUN_DIR [--xlsx] [--lang]``).
"""

from pairaid.report.geojson import report_geojson
from pairaid.report.html import report_html
from pairaid.report.xlsx import report_xlsx

__all__ = ["report_geojson", "report_html", "report_xlsx"]
