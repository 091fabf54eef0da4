"""Names in plotly figures are escaped so that plotly.js shows them as typed (c0020 kind)."""

from __future__ import annotations

import html

import pytest

from pairaid.report.plottext import plot_names, plot_text

from .test_hostile_text import HOSTILE


@pytest.mark.parametrize("text", [*HOSTILE, "A<br>B", "R&D", "&lt;", "plain", ""])
def test_plot_text_has_no_markup_and_decodes_back(text: str) -> None:
    out = plot_text(text)
    assert "<" not in out and ">" not in out
    # an HTML entity decoder (plotly.js decodes &amp; &lt; &gt; the same way) gives the
    # name back exactly
    assert html.unescape(out) == text


def test_plot_names_escapes_every_name_and_keeps_the_codes() -> None:
    assert plot_names({"421100": "</script><b>bold</b>", "CN-AA": "Anhui"}) == {
        "421100": "&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;", "CN-AA": "Anhui"}
