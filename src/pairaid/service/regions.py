"""The regions the service knows: the built-in ``hubei-2020`` data set's ``regions.csv``.

A **recipient** region is a row of level ``prefecture`` (the cities of Hubei); a **donor**
region is a row of level ``province`` that is not a recipient's ``parent_code`` (Hubei
itself is not a donor) — the default donors and recipients of ``pairaid plan``
(:func:`pairaid.selection.select_regions`). Codes are the data set's ``region_code``
(``CN-HN``, ``420900``).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from pairaid.service.errors import Invalid

DATASET = "hubei-2020"
KINDS = ("donor", "recipient")


@cache
def rows() -> tuple[dict[str, str], ...]:
    """The rows of the data set's ``regions.csv`` (text as written)."""
    path = resources.files("pairaid") / "data" / DATASET / "regions.csv"
    with path.open(encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


@cache
def kinds() -> dict[str, str]:
    """``region_code`` -> ``donor`` or ``recipient`` (regions of neither kind left out)."""
    recipients = {r["region_code"] for r in rows() if r["level"] == "prefecture"}
    parents = {r["parent_code"] for r in rows() if r["region_code"] in recipients}
    donors = {r["region_code"] for r in rows()
              if r["level"] == "province" and r["region_code"] not in parents}
    return {**{c: "donor" for c in donors}, **{c: "recipient" for c in recipients}}


def check_region(code: str, kind: str) -> None:
    """Refuse ``code`` unless it is a known region of ``kind`` (``donor`` or ``recipient``).

    Raises
    ------
    Invalid
        The code is not a region of the data set, or is one of the other kind.
    """
    found = kinds().get(code)
    if found == kind:
        return
    if found is None:
        known = any(r["region_code"] == code for r in rows())
        why = ("is neither a donor nor a recipient region" if known else
               "is not a region of the service's data set")
        raise Invalid(f"region {code!r} {why} ({DATASET} regions.csv); a {kind} must be "
                      f"a {kind} region of it")
    raise Invalid(f"region {code!r} is a {found} region, not a {kind} region: donors are "
                  f"provinces, recipients cities of the {DATASET} data set")
