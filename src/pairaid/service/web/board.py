"""The national board as the dashboard shows it: escalation levels, filters, sort (pure).

The rows come from :func:`pairaid.service.board.service.board` (the same function as
``GET /api/v1/board``); this module only adds each row's uncovered share and its city's
escalation level, then filters and sorts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pairaid.service.board.schemas import BoardRow
from pairaid.service.regions import ServiceRegions

LEVELS = ("green", "yellow", "red")
SORT_KEYS = ("recipient_code", "resource", "needed", "pledged", "accepted", "dispatched",
             "received", "open", "uncovered", "level")


def uncovered_share(row: BoardRow) -> float:
    """``open / needed`` of a board row [0..1]; 0 when nothing is needed."""
    return row.open / row.needed if row.needed > 0 else 0.0


def level_of(share: float, *, yellow: float, red: float) -> str:
    """``green`` below ``yellow``, ``red`` from ``red``, ``yellow`` between."""
    if share >= red:
        return "red"
    if share >= yellow:
        return "yellow"
    return "green"


@dataclass(frozen=True)
class ShownRow:
    """A board row with its uncovered share and its city's escalation level."""

    row: BoardRow
    uncovered: float
    level: str
    city_uncovered: float

    def key(self, column: str) -> object:
        """The value sorted by ``column`` (one of :data:`SORT_KEYS`)."""
        if column == "uncovered":
            return self.uncovered
        if column == "level":
            return (LEVELS.index(self.level), self.city_uncovered)
        return getattr(self.row, column)


def city_levels(rows: Iterable[BoardRow], *, yellow: float, red: float
                ) -> dict[str, tuple[float, str]]:
    """Each recipient's largest uncovered share over its resources and its level.

    The worst resource decides: a city with enough beds but no nurses is not covered.
    """
    worst: dict[str, float] = {}
    for row in rows:
        worst[row.recipient_code] = max(worst.get(row.recipient_code, 0.0),
                                        uncovered_share(row))
    return {code: (share, level_of(share, yellow=yellow, red=red))
            for code, share in worst.items()}


def shown_rows(rows: Sequence[BoardRow], *, yellow: float, red: float,
               regions: ServiceRegions, query: str = "", resource: str = "",
               level: str = "", sort: str = "level", descending: bool = True
               ) -> list[ShownRow]:
    """The rows the board shows: enriched, filtered and sorted.

    Parameters
    ----------
    rows : sequence of BoardRow
        The service's board.
    yellow, red : float
        Escalation thresholds on the uncovered share [0..1].
    regions : ServiceRegions
        The service's data set (names of the recipients).
    query : str
        Keep recipients whose code or name (English or local) contains it (case-blind).
    resource, level : str
        Keep only this resource / city level (empty: all).
    sort, descending : str, bool
        Sort column (:data:`SORT_KEYS`; unknown falls back to ``level``) and direction;
        ties keep recipient and resource order.
    """
    cities = city_levels(rows, yellow=yellow, red=red)
    out = [ShownRow(r, uncovered_share(r), cities[r.recipient_code][1],
                    cities[r.recipient_code][0]) for r in rows]
    needle = query.strip().casefold()
    if needle:
        out = [s for s in out if needle in s.row.recipient_code.casefold()
               or needle in regions.name(s.row.recipient_code, "zh").casefold()
               or needle in regions.name(s.row.recipient_code, "en").casefold()]
    if resource:
        out = [s for s in out if s.row.resource == resource]
    if level:
        out = [s for s in out if s.level == level]
    column = sort if sort in SORT_KEYS else "level"
    out.sort(key=lambda s: (s.row.recipient_code, s.row.resource))
    out.sort(key=lambda s: s.key(column), reverse=descending)  # type: ignore[arg-type,return-value]
    return out
