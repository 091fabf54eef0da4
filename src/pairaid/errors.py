"""The one error hierarchy of pairaid.

Every error that pairaid raises on purpose derives from :class:`PairaidError`; the CLI
prints its message and exits non-zero, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class PairaidError(Exception):
    """Base class of every error pairaid raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input.

    Parameters
    ----------
    source : str
        The file (or table) the problem is in.
    message : str
        What is wrong and what was expected.
    row : int or None
        1-based line number in the file, counting the header as line 1 (so the first data
        row is line 2); ``None`` when the problem concerns the whole file or column.
    column : str or None
        The column concerned, if any.
    """

    source: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", line {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: {self.message}"


class InputError(PairaidError):
    """An input file or table is invalid; carries every problem found, raised once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        shown = self.problems[:20]
        lines = [str(p) for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"... and {len(self.problems) - len(shown)} more problems")
        if len(lines) == 1:
            super().__init__(f"invalid input: {lines[0]}")
        else:
            super().__init__("invalid input:\n  " + "\n  ".join(lines))


class ConfigError(PairaidError):
    """A setting is invalid (names the setting and the allowed values)."""


class InfeasibleError(PairaidError):
    """An optimisation model has no feasible solution; the message says why in words."""


class OutputExistsError(PairaidError):
    """An output folder already holds a run and ``--force`` was not given."""


class FallbackWarning(UserWarning):
    """A figure was computed on a fallback (a data set without parameters, incomplete donor
    case counts, a non-finite forecast mean, a failed Hessian): shown as a warning on the
    terminal and kept as a flag in the run folder (``metrics.json`` ``flags``), the report
    and the workbook, never silent (:func:`pairaid.pipeline.kept_fallbacks`)."""
