"""Great-circle distances between regions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km] (IUGG mean radius R1 of the WGS-84 ellipsoid; Moritz, Geodetic
Reference System 1980, Bulletin Géodésique 54, 1980)."""


def great_circle_km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray,
                    lon2: np.ndarray) -> np.ndarray:
    """Haversine great-circle distance [km] between points given in degrees.

    Examples
    --------
    >>> round(float(great_circle_km(np.array([0.0]), np.array([0.0]),
    ...                             np.array([0.0]), np.array([1.0]))[0]), 1)
    111.2
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def distance_table(regions: pd.DataFrame, donors: Sequence[str],
                   recipients: Sequence[str]) -> pd.DataFrame:
    """Distances from each donor's capital to each recipient's seat.

    Parameters
    ----------
    regions : pandas.DataFrame
        ``regions`` table (``region_code``, ``latitude``, ``longitude`` [deg]).
    donors, recipients : sequence of str
        Region codes.

    Returns
    -------
    pandas.DataFrame
        ``donor_code``, ``recipient_code``, ``distance_km`` [km], one row per pair,
        donors outer, recipients inner, in the given order.
    """
    pos = regions.set_index("region_code")[["latitude", "longitude"]].astype(float)
    d = pos.loc[list(donors)].to_numpy()
    r = pos.loc[list(recipients)].to_numpy()
    dist = great_circle_km(d[:, None, 0], d[:, None, 1], r[None, :, 0], r[None, :, 1])
    return pd.DataFrame({
        "donor_code": np.repeat(list(donors), len(recipients)),
        "recipient_code": np.tile(list(recipients), len(donors)),
        "distance_km": dist.ravel(),
    })
