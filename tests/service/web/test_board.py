"""The board as the dashboard shows it: uncovered shares, escalation levels, filter, sort.

Expected values are computed by hand from the rows below.
"""

from __future__ import annotations

import pytest

from pairaid.service.board.schemas import BoardRow
from pairaid.service.regions import load_regions
from pairaid.service.web.board import city_levels, level_of, shown_rows

HUBEI = load_regions("hubei-2020")


def _row(code: str, resource: str, needed: int, accepted: int, received: int = 0) -> BoardRow:
    return BoardRow(recipient_code=code, resource=resource, needed=needed, pledged=accepted,
                    accepted=accepted, dispatched=received, received=received,
                    open=needed - accepted)


ROWS = [
    _row("420900", "doctors", 100, 90),   # open 10 -> 0.10
    _row("420900", "nurses", 200, 100),   # open 100 -> 0.50 (worst: decides Xiaogan)
    _row("421100", "beds", 400, 360),     # open 40 -> 0.10
    _row("420100", "doctors", 50, 35),    # open 15 -> 0.30
    _row("420200", "beds", 0, 0),         # nothing needed -> 0
]


def _shown(**kw: object) -> list:
    return shown_rows(ROWS, yellow=0.2, red=0.5, regions=HUBEI, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("share", "level"), [(0.0, "green"), (0.1999, "green"),
                                              (0.2, "yellow"), (0.4999, "yellow"),
                                              (0.5, "red"), (1.0, "red")])
def test_level_thresholds_are_inclusive_from_below(share: float, level: str) -> None:
    assert level_of(share, yellow=0.2, red=0.5) == level


def test_city_level_is_its_worst_resource() -> None:
    levels = city_levels(ROWS, yellow=0.2, red=0.5)
    assert levels == {"420900": (0.5, "red"), "421100": (0.1, "green"),
                      "420100": (0.3, "yellow"), "420200": (0.0, "green")}
    # thresholds are settings: with red from 0.6 Xiaogan is only yellow
    assert city_levels(ROWS, yellow=0.2, red=0.6)["420900"] == (0.5, "yellow")


def test_every_row_carries_its_city_level() -> None:
    shown = _shown()
    doctors = next(s for s in shown if s.row.recipient_code == "420900"
                   and s.row.resource == "doctors")
    assert doctors.uncovered == pytest.approx(0.1) and doctors.level == "red"


def test_default_sort_puts_red_first_then_by_share() -> None:
    order = [(s.row.recipient_code, s.level) for s in _shown()]
    assert order[:3] == [("420900", "red"), ("420900", "red"), ("420100", "yellow")]
    assert {c for c, level in order[3:]} == {"421100", "420200"}


def test_sort_by_any_column_both_ways() -> None:
    up = [s.row.open for s in _shown(sort="open", descending=False)]
    assert up == sorted(up) == [0, 10, 15, 40, 100]
    down = [s.row.needed for s in _shown(sort="needed")]
    assert down == [400, 200, 100, 50, 0]


def test_filters_by_name_in_either_language_resource_and_level() -> None:
    def codes(**kw: str) -> list[str]:
        return sorted({s.row.recipient_code for s in _shown(**kw)})
    assert codes(query="xiaogan") == codes(query="孝感") == codes(query="4209") == ["420900"]
    assert codes(resource="beds") == ["420200", "421100"]
    assert codes(level="yellow") == ["420100"]
    assert codes(query="nowhere") == []


def test_region_names_from_the_data_set() -> None:
    assert (HUBEI.name("420900", "zh"), HUBEI.name("420900", "en")) == ("孝感市", "Xiaogan")
    assert HUBEI.name("CN-HN", "en") == "Hunan" and HUBEI.name("430000", "zh") == "湖南省"
    assert HUBEI.name("659999", "en") == "659999"  # unknown: the code itself
    italy = load_regions("italy-2020")  # Italian names: English, and the local one for zh
    assert (italy.name("IT-25", "en"), italy.name("IT-25", "zh")) == ("Lombardy", "Lombardia")
    assert italy.name("420900") == "420900"


def test_filter_by_name_reads_the_chosen_data_set() -> None:
    rows = [_row("IT-25", "icu_beds", 100, 10), _row("IT-57", "icu_beds", 20, 20)]
    shown = shown_rows(rows, yellow=0.2, red=0.5, regions=load_regions("italy-2020"),
                       query="lombard")
    assert [s.row.recipient_code for s in shown] == ["IT-25"]
