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


def great_circle_midpoint(lat1: float, lon1: float, lat2: float, lon2: float
                          ) -> tuple[float, float]:
    """Midpoint (lat, lon) [deg] of the shorter great-circle arc between two points.

    Unlike the average of the coordinates it is right across the 180° meridian: Wellington
    (−41.29, 174.78) to the Chatham Islands (−43.95, −176.56) has its midpoint near
    (−42.70, 179.02), not near the Greenwich meridian. Longitude in [−180, 180).

    Examples
    --------
    >>> [round(v, 1) for v in great_circle_midpoint(-41.2865, 174.7762, -43.9535, -176.5597)]
    [-42.7, 179.0]
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    l1, dl = np.radians(lon1), np.radians(lon2 - lon1)
    bx, by = np.cos(p2) * np.cos(dl), np.cos(p2) * np.sin(dl)
    lat = np.arctan2(np.sin(p1) + np.sin(p2), np.hypot(np.cos(p1) + bx, by))
    lon = l1 + np.arctan2(by, np.cos(p1) + bx)
    return float(np.degrees(lat)), float((np.degrees(lon) + 180.0) % 360.0 - 180.0)


def split_at_antimeridian(start: Sequence[float], end: Sequence[float]
                          ) -> list[list[list[float]]]:
    """A straight line between two [lon, lat] points [deg], cut at the 180° meridian.

    The line is taken the short way round (as the great-circle distance is): when the
    longitudes differ by more than 180°, it crosses the antimeridian and is returned as two
    parts, ending and starting at ±180° at the linearly interpolated crossing latitude, as
    RFC 7946 §3.1.9 asks for GeoJSON. Otherwise one part ``[start, end]``.

    Returns
    -------
    list of parts, each a list of [lon, lat] points
        One part, or two (a MultiLineString's coordinates).

    Examples
    --------
    >>> split_at_antimeridian([174.7762, -41.2865], [-176.5597, -43.9535])
    [[[174.7762, -41.2865], [180.0, -42.8945]], [[-180.0, -42.8945], [-176.5597, -43.9535]]]
    """
    (x1, y1), (x2, y2) = (float(v) for v in start[:2]), (float(v) for v in end[:2])
    if abs(x2 - x1) <= 180.0:
        return [[[x1, y1], [x2, y2]]]
    side = 180.0 if x1 > x2 else -180.0  # the meridian on the start's side
    if abs(x1) == 180.0 and abs(x2) == 180.0:  # both on the meridian (+180 and -180)
        return [[[x1, y1], [x1, y2]]]
    x2u = x2 + 2 * side  # end unwrapped past the meridian
    t = (side - x1) / (x2u - x1)
    y = round(y1 + t * (y2 - y1), 6)
    if t <= 0.0:  # the start lies on the meridian: name it on the end's side
        return [[[-side, y1], [x2, y2]]]
    if t >= 1.0:  # the end lies on the meridian
        return [[[x1, y1], [side, y2]]]
    return [[[x1, y1], [side, y]], [[-side, y], [x2, y2]]]


def longitude_window(lons: Sequence[float]) -> tuple[float, float]:
    """The narrowest longitude interval [deg] that holds every point, on the circle.

    Points on both sides of the 180° meridian (Wellington 174.8° E and the Chatham Islands
    176.6° W) span 351° as plain numbers but 8.7° across the meridian: the window is the
    complement of the widest empty gap between neighbouring longitudes. The result is
    ``(west, east)`` with ``west`` in [−180, 180) and ``east`` ≥ ``west``, possibly past
    180 (an unwrapped east end, as a map's rotated longitude axis takes it).

    Examples
    --------
    >>> longitude_window([174.7762, 172.6362, -176.5597])
    (172.6362, 183.4403)
    >>> longitude_window([102.7, 126.6, 114.3])
    (102.7, 126.6)
    """
    xs = sorted(((float(x) + 180.0) % 360.0) - 180.0 for x in lons)
    if not xs:
        raise ValueError("longitude_window needs at least one longitude")
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)] + [xs[0] + 360.0 - xs[-1]]
    widest = max(range(len(gaps)), key=lambda i: gaps[i])
    west = xs[(widest + 1) % len(xs)]
    east = xs[widest]
    if east < west:
        east += 360.0
    return round(west, 6), round(east, 6)
