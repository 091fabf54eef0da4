"""Text for plotly figures: names from the input shown exactly as typed.

plotly.js reads a figure's text (titles, axis tick labels, hover text, annotations, map
labels) as a small subset of HTML: ``<b>``, ``<i>``, ``<br>``, ``<sub>``, ``<a href>`` and
entities. A region named ``</script><b>bold</b>`` was therefore drawn as "</script>" and a
bold "bold" (case c0020's kind; seen in Chromium's DOM of report.html), and a name with
``<br>`` broke its label in two. Text that comes from the input is escaped with the three
entities plotly.js decodes back to characters (``&amp;``, ``&lt;``, ``&gt;``: the
``entityToUnicode`` table of plotly.js ``src/lib/svg_text_utils.js``), so the figure shows
it literally; markup that pairaid itself writes around it (``<b>`` of a hover label) stays
markup.
"""

from __future__ import annotations

from collections.abc import Mapping

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def plot_text(text: object) -> str:
    """``text`` as plotly.js shows it literally.

    >>> plot_text("</script><b>bold</b> & co")
    '&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; co'
    """
    return str(text).translate(_ESCAPES)


def plot_names(names: Mapping[str, str]) -> dict[str, str]:
    """``region_code -> name`` with every name passed through :func:`plot_text`."""
    return {code: plot_text(name) for code, name in names.items()}
