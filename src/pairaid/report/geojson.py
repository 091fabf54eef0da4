"""GeoJSON export of a run for GIS: pairs as lines, recipients as points (RFC 7946).

Feature properties
------------------
Every feature has ``kind`` (``"pair"`` or ``"recipient"``).

``pair`` (LineString, donor capital -> recipient seat; a line that crosses the 180° meridian
the short way is cut there into a MultiLineString, RFC 7946 §3.1.9):
    ``plan`` (``pairaid`` | ``official_<round>``, e.g. ``official_2020_02_10``),
    ``donor_code``, ``recipient_code``, ``donor_name_zh``, ``donor_name_en``,
    ``recipient_name_zh``, ``recipient_name_en``,
    ``doctors``, ``nurses``, ``staff`` [persons sent], ``distance_km`` [km].

``recipient`` (Point, seat of the division):
    ``region_code``, ``gb2260_code``, ``name_zh``, ``name_en``, ``peak_date`` (ISO date of the
    largest staff need), ``need``, ``available``, ``gap`` [staff on the peak day, doctors
    + nurses], ``gap_share`` [fraction of need], ``estimated`` (bool), and for each plan in
    the run ``shortfall_<plan>`` [staff on the peak day] and ``uncovered_share_<plan>``
    [fraction of need].

Coordinates are ``[longitude, latitude]`` [deg] as given in ``regions.csv`` (for the built-in
data set these are GCJ-02 seat/capital points, a few hundred metres off WGS-84).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from pairaid.geo import split_at_antimeridian
from pairaid.report.run import RunTables, read_run
from pairaid.report.summary import peak_severity, staff_sent


def _value(x: Any) -> Any:
    """JSON-safe property value (None for missing, floats rounded to 0.001)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, pd.Timestamp):
        return f"{x:%Y-%m-%d}"
    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float):
        return None if math.isnan(x) else round(x, 3)
    return x


def pairs_geojson(run: RunTables) -> dict[str, Any]:
    """The run's pairs and recipients as a GeoJSON FeatureCollection (pure).

    Parameters
    ----------
    run : RunTables
        Uses ``regions``, ``gaps`` and each plan's ``pairs``, ``flows``, ``shortfall``.

    Returns
    -------
    dict
        FeatureCollection; properties as in the module docstring.
    """
    table = run.tables["regions"]
    regions = table.set_index("region_code")
    lonlat = {str(c): [round(float(x), 6), round(float(y), 6)] for c, x, y in
              zip(table["region_code"], table["longitude"], table["latitude"], strict=True)}

    def point(code: str) -> list[float]:
        return list(lonlat[code])

    def name(code: str, lang: str) -> Any:
        return _value(regions.at[code, f"name_{lang}"])

    features: list[dict[str, Any]] = []
    plans = [p for p in run.plans if run.has_plan(p)]
    for plan in plans:
        sent = staff_sent(run.plan_table(plan, "flows"))
        pairs = run.plan_table(plan, "pairs").merge(
            sent, on=["donor_code", "recipient_code"], how="left").fillna(
            {"doctors": 0.0, "nurses": 0.0, "staff": 0.0})  # a pair without flows sends 0
        for p in pairs.itertuples(index=False):
            d, r = str(p.donor_code), str(p.recipient_code)
            props = {"kind": "pair", "plan": plan, "donor_code": d, "recipient_code": r,
                     "donor_name_zh": name(d, "zh"), "donor_name_en": name(d, "en"),
                     "recipient_name_zh": name(r, "zh"), "recipient_name_en": name(r, "en"),
                     "doctors": _value(p.doctors), "nurses": _value(p.nurses),
                     "staff": _value(p.staff), "distance_km": _value(p.distance_km)}
            parts = split_at_antimeridian(point(d), point(r))
            geometry = {"type": "LineString", "coordinates": parts[0]} if len(parts) == 1 \
                else {"type": "MultiLineString", "coordinates": parts}
            features.append({"type": "Feature", "properties": props, "geometry": geometry})
    severity = {plan: peak_severity(run.tables["gaps"], run.plan_table(plan, "shortfall"))
                .set_index("region_code") for plan in plans}
    base = peak_severity(run.tables["gaps"], run.plan_table("pairaid", "shortfall"))
    for s in base.itertuples(index=False):
        code = str(s.region_code)
        props = {"kind": "recipient", "region_code": code,
                 "gb2260_code": _value(regions.at[code, "gb2260_code"]),
                 "name_zh": name(code, "zh"), "name_en": name(code, "en"),
                 "peak_date": _value(s.peak_date), "need": _value(s.need),
                 "available": _value(s.available), "gap": _value(s.gap),
                 "gap_share": _value(s.gap_share), "estimated": bool(s.estimated)}
        for plan in plans:
            props[f"shortfall_{plan}"] = _value(severity[plan].at[code, "shortfall"])
            props[f"uncovered_share_{plan}"] = _value(severity[plan].at[code, "uncovered_share"])
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": point(code)}})
    return {"type": "FeatureCollection", "features": features}


def report_geojson(run_dir: str | Path) -> Path:
    """Write ``RUN_DIR/pairs.geojson`` (see :func:`pairs_geojson`).

    Parameters
    ----------
    run_dir : str or Path
        Run folder written by ``pairaid plan``.

    Returns
    -------
    Path
        Path of the written file (overwritten if present).

    Raises
    ------
    InputError
        If the run folder is missing files or columns or holds unparseable values.
    """
    run = read_run(run_dir)
    out = run.run_dir / "pairs.geojson"
    out.write_text(json.dumps(pairs_geojson(run), ensure_ascii=False, allow_nan=False,
                              indent=1) + "\n", encoding="utf-8")
    return out
