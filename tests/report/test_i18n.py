"""Labels of the reports (pairaid.report.i18n): units say what the number is."""

from __future__ import annotations

from pairaid.report.i18n import LABELS, t


def test_stock_titles_say_on_the_day_and_rates_keep_per_day() -> None:
    """A gap heat map and the staff-on-site chart show beds or staff on one day (stocks):
    no "/day" or "/日" in their titles; new confirmed cases are a rate and keep it."""
    assert t("heat_title", "en", resource="ICU beds", unit="beds") == \
        "ICU beds gap [beds, on the day] (recipient x day)"
    assert t("heat_title", "zh", resource="ICU 床位", unit="张") == \
        "ICU 床位 缺口 [张，当日]（受援方 × 日期）"
    assert t("on_site_title", "en").endswith("[staff, on the day]")
    for key in ("heat_title", "on_site_title"):
        assert all("/day" not in s and "/日" not in s for s in LABELS[key]), key
    assert "[persons/day]" in t("fan_title_new_confirmed", "en")
    assert "[人/日]" in t("fan_title_new_confirmed", "zh")
    # sums over days are staff-days
    assert t("shortfall_staff_days", "en") == "Shortfall [staff-days]"
