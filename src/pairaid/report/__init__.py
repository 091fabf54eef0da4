"""Reports of a run folder: HTML with maps and charts, Excel workbook, GeoJSON.

Public API::

    report_html(run_dir, *, lang="en") -> Path      # RUN_DIR/report.html
    report_xlsx(run_dir) -> Path                    # RUN_DIR/plan.xlsx
    report_geojson(run_dir) -> Path                 # RUN_DIR/pairs.geojson
"""

from pairaid.report.html import report_html

__all__ = ["report_html"]
