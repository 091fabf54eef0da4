"""Readers of J. E. Beasley's OR-Library generalized assignment (GAP) and linear
assignment files.

File formats (whitespace-separated integers; line breaks carry no meaning), per the
OR-Library pages ``gapinfo`` and ``assigninfo``:

* GAP: ``P``, then per instance ``m n``, the ``m x n`` cost matrix ``c[i][j]`` (agent
  major), the ``m x n`` resource matrix ``a[i][j]`` and the ``m`` capacities ``b[i]``.
* GAP, one instance without the count: ``m n``, costs, resources and capacities as above,
  when the file holds exactly ``2 + 2mn + m`` numbers. Many GAP repositories split the
  OR-Library files this way (e.g. fontanf/generalizedassignmentsolver's
  ``data/cattrysse1994/gap1-0``, case c0011); such a file is read as one instance named
  after the file.
* Linear assignment: ``n`` then the ``n x n`` cost matrix, row major.

The kind of a file comes from its name first (:func:`file_kind`): ``assign...`` is an
assignment file, ``gap...`` a GAP file. Under any other name a single ``n`` followed by
exactly ``n * n`` numbers is an assignment file and anything else must parse as a GAP file;
when it does not, and the numbers could be the start of an assignment file, the error gives
both readings.

Sense convention (OR-Library ``gapinfo``): the optima of ``gap1``-``gap12`` (Cattrysse et
al. 1994; Osman 1995) are for **maximisation**; ``gapa``-``gapd`` (Chu & Beasley 1997) are
**minimisation** problems, as are assignment problems. :func:`default_sense` applies this
rule to the file name: ``gap`` followed by a number means max, anything else min.

References
----------
J. E. Beasley, "OR-Library: distributing test problems by electronic mail", JORS 41(11)
(1990) 1069-1072. P. C. Chu, J. E. Beasley, "A genetic algorithm for the generalised
assignment problem", Computers & OR 24 (1997) 17-23.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from pairaid.errors import InputError, Problem


@dataclass(frozen=True, eq=False)
class GapInstance:
    """One generalized assignment instance: assign every job to exactly one agent.

    Attributes
    ----------
    name : str
        ``gapF-k`` for ``gapF.txt`` (k = 1.. in file order) or the Chu–Beasley name
        (``a05100`` = type A, 5 agents, 100 jobs) for ``gapa``-``gapd`` files.
    cost : int array (m, n)
        Cost (or profit, under maximisation) of giving job j to agent i.
    weight : int array (m, n)
        Resource job j uses if given to agent i.
    capacity : int array (m,)
        Resource capacity of each agent.
    """

    name: str
    cost: NDArray[np.int64]
    weight: NDArray[np.int64]
    capacity: NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class AssignmentInstance:
    """A square linear assignment instance (minimise the sum of chosen costs)."""

    name: str
    cost: NDArray[np.int64]


def _line_of(text: str, index: int) -> int:
    """1-based line of the ``index``-th number (0-based) of ``text``; an index past the
    last number gives the line of the last number (where the file ends early)."""
    last = 0
    for k, match in enumerate(re.finditer(r"\S+", text)):
        last = match.start()
        if k == index:
            break
    return text.count("\n", 0, last) + 1


class _Numbers:
    """The numbers of a file, with the way back to their lines for messages."""

    def __init__(self, path: Path, text: str, values: NDArray[np.int64]):
        self.path, self.text, self.values = path, text, values

    def problem(self, index: int, message: str) -> Problem:
        """A problem at the ``index``-th number (0-based; ``values.size`` = the end)."""
        size = self.values.size
        if size == 0:
            return Problem(str(self.path), message)
        if index >= size:
            return Problem(str(self.path), f"{message}; the file ends after number {size}",
                           row=_line_of(self.text, index))
        return Problem(str(self.path), f"{message} (number {index + 1} of the file, "
                                       f"{self.text.split()[index]!r})",
                       row=_line_of(self.text, index))


def _tokens(path: Path) -> _Numbers:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), "file not found")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), f"cannot read: {exc}")]) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark (Windows editors write one): not data
    bad_byte = next((k for k, byte in enumerate(raw) if byte > 127), None)
    if bad_byte is not None:
        raise InputError([Problem(
            str(path), f"byte {bad_byte + 1} (0x{raw[bad_byte]:02x}) is not ASCII: OR-Library "
                       "files hold ASCII integers only",
            row=raw.count(b"\n", 0, bad_byte) + 1)])
    text = raw.decode("ascii")
    parts = text.split()
    odd = re.search(r"[^\s0-9+-]", text)  # int() alone would take '1_000'
    try:
        if odd is not None:
            raise ValueError(odd.group())
        values = [int(t) for t in parts]
    except ValueError:
        k = next(k for k, t in enumerate(parts) if not re.fullmatch(r"[+-]?\d+", t))
        raise InputError([Problem(str(path), f"not an integer: {parts[k]!r} (number {k + 1} "
                                             "of the file)", row=_line_of(text, k))]) from None
    info = np.iinfo(np.int64)
    big = [(i, t) for i, (t, v) in enumerate(zip(parts, values, strict=True))
           if not info.min <= v <= info.max]
    if big:
        i, t = big[0]
        raise InputError([Problem(str(path), f"number {i + 1} ({t}) is outside the 64-bit "
                                             f"integer range [{info.min}, {info.max}]",
                                  row=_line_of(text, i))])
    return _Numbers(path, text, np.asarray(values, dtype=np.int64))


def _family(path: Path) -> tuple[str | None, str]:
    """('a'..'e' or None, stem) from a file name like gapa.txt, gapd_n100.txt, gap12.txt."""
    stem = path.stem
    match = re.match(r"gap([a-e])(?![a-z])", stem, flags=re.IGNORECASE)
    return (match.group(1).lower() if match else None), stem


def default_sense(path: str | Path) -> str:
    """``"max"`` for OR-Library ``gap1``-``gap12`` files (named ``gap`` + number) and for
    their instances under gapinfo's own names (``c515-1`` ... ``c1060-5``: type c, agents
    and jobs, a dash, the number in the file), else ``"min"`` (``gapa``-``gapd``, the
    Chu-Beasley and Yagiura names ``c05100``, ``e10200`` without a dash, assignment files,
    any other name)."""
    stem = Path(path).stem
    gapinfo = re.fullmatch(r"c\d{3,4}-\d+", stem, flags=re.IGNORECASE)
    numbered = re.match(r"gap\d+", stem, flags=re.IGNORECASE)
    return "max" if gapinfo or numbered else "min"


def file_kind(path: str | Path) -> str | None:
    """The kind of OR-Library file its name announces.

    Returns ``"assign"`` for a name starting with ``assign`` (``assign100.txt``), ``"gap"``
    for one starting with ``gap`` (``gap1.txt``, ``gapa.txt``, ``gapd_n100.txt``), ``None``
    for any other name (the content then decides). Never raises.
    """
    stem = Path(path).stem.lower()
    if stem.startswith("assign"):
        return "assign"
    if stem.startswith("gap"):
        return "gap"
    return None


def is_assignment_file(tokens: NDArray[np.int64]) -> bool:
    """A single ``n`` followed by exactly ``n*n`` numbers."""
    return tokens.size >= 2 and tokens[0] > 0 and tokens.size == 1 + int(tokens[0]) ** 2


def _assignment_problem(tok: NDArray[np.int64]) -> tuple[str, int] | None:
    """What is wrong with ``tok`` read as an assignment file, and the index of the number
    where it shows (None if nothing is wrong)."""
    if tok.size == 0:
        return "empty file", 0
    n = int(tok[0])
    if n <= 0:
        return f"n must be a positive integer, got {n}", 0
    if tok.size - 1 != n * n:
        return f"n={n} needs {n * n} costs, found {tok.size - 1}", min(1 + n * n, tok.size)
    return None


def read_orlib(path: str | Path) -> list[GapInstance] | list[AssignmentInstance]:
    """Read an OR-Library GAP or assignment file.

    Parameters
    ----------
    path : str or Path
        The file. Its kind comes from its name (see :func:`file_kind`), else from its
        content (``n`` then exactly ``n*n`` numbers is an assignment file, anything else
        is read as a GAP file). A GAP file that does not parse with its instance count
        but holds exactly ``m n`` and ``2mn + m`` numbers is one instance without the
        count (:func:`is_single_gap_file`).

    Returns
    -------
    list of GapInstance, or a one-element list of AssignmentInstance
        The instances in file order.

    Raises
    ------
    InputError
        The file is missing, not ASCII integers, declares no instances or an empty
        dimension, or its counts do not match its size. The message (one line) names the
        file, the line and the number of the file at fault (its position and text, or
        where the file ends) and, for GAP files, the instance (1-based). A UTF-8 byte
        order mark, CRLF line ends, tabs and trailing blanks are read as blanks.
    """
    path = Path(path)
    numbers = _tokens(path)
    tok = numbers.values
    kind = file_kind(path)
    if kind == "assign" or (kind is None and is_assignment_file(tok)):
        problem = _assignment_problem(tok)
        if problem is not None:
            text, at = problem
            where = "" if text == "empty file" else "assignment file: "
            raise InputError([numbers.problem(at, where + text)])
        n = int(tok[0])
        return [AssignmentInstance(path.stem, tok[1:].reshape(n, n))]
    try:
        return _parse_gap(tok, path)
    except _GapFormatError as exc:
        single = _single_gap(tok, path.stem) if is_single_gap_file(tok) else None
        if single is not None and (exc.instance <= 1 or (
                (single.weight >= 0).all() and (single.capacity >= 0).all())):
            # also past the first instance: a single instance with m = 40 agents reads as
            # 32 "instances" of its costs before the count reading fails (a broken
            # multi-instance file that happens to fit shows negative weights or capacities)
            return [single]
        if kind == "gap" and is_assignment_file(tok):
            # A file named gap* holding exactly one assignment instance (read as before).
            n = int(tok[0])
            return [AssignmentInstance(path.stem, tok[1:].reshape(n, n))]
        msg = str(exc)
        if kind is None and exc.instance <= 1 and tok.size >= 2 and tok[0] > 0 \
                and tok.size - 1 < int(tok[0]) ** 2:
            # Could be a truncated assignment file as well: say both readings.
            msg = (f"neither a GAP file ({msg}) nor a complete assignment file "
                   f"({(_assignment_problem(tok) or ('', 0))[0]})")
        if (exc.instance <= 1 or kind is None) and tok.size >= 2 and tok[0] >= 1 \
                and tok[1] >= 1:
            m, n = int(tok[0]), int(tok[1])
            if exc.instance > 1:  # say which reading found "instance 33"
                msg = f"with {m} as the instance count, {msg}"
            msg += (f"; nor one GAP instance without the count line (m={m}, n={n} needs "
                    f"{2 + 2 * m * n + m} numbers, the file has {tok.size})")
        raise InputError([numbers.problem(exc.index, msg)]) from None


def is_single_gap_file(tokens: NDArray[np.int64]) -> bool:
    """``m n`` then exactly ``2mn + m`` numbers: one GAP instance without the count line."""
    if tokens.size < 2 or tokens[0] < 1 or tokens[1] < 1:
        return False
    m, n = int(tokens[0]), int(tokens[1])
    return tokens.size == 2 + 2 * m * n + m


def _single_gap(tok: NDArray[np.int64], name: str) -> GapInstance:
    m, n = int(tok[0]), int(tok[1])
    body = tok[2:]
    return GapInstance(name, body[:m * n].reshape(m, n), body[m * n:2 * m * n].reshape(m, n),
                       body[2 * m * n:])


class _GapFormatError(Exception):
    """A GAP reading failed; ``instance`` is the 1-based instance (0: the file header),
    ``index`` the (0-based) number of the file where it shows (its size: the end)."""

    def __init__(self, instance: int, message: str, index: int):
        super().__init__(message)
        self.instance = instance
        self.index = index


def _parse_gap(tok: NDArray[np.int64], path: Path) -> list[GapInstance]:
    """The GAP instances of ``tok``; raises _GapFormatError (message without the path)."""
    if tok.size == 0:
        raise _GapFormatError(0, "empty file", 0)
    count = int(tok[0])
    if count <= 0:
        raise _GapFormatError(0, f"declares {count} instances; the instance count (first "
                                 "number) must be a positive integer", 0)
    pos = 1
    letter, stem = _family(path)
    out: list[GapInstance] = []
    for k in range(1, count + 1):
        if pos + 2 > tok.size:
            raise _GapFormatError(k, f"instance {k}: no 'm n' "
                                     f"({count} instances declared)", tok.size)
        m, n = int(tok[pos]), int(tok[pos + 1])
        pos += 2
        if m < 1 or n < 1:
            raise _GapFormatError(k, f"instance {k}: m (agents) and n (jobs) must each be "
                                     f"at least 1, got m={m}, n={n}", pos - 2)
        size = 2 * m * n + m
        if pos + size > tok.size:
            raise _GapFormatError(k, f"instance {k}: m={m}, n={n} needs {size} numbers, "
                                     f"{tok.size - pos} left", tok.size)
        cost = tok[pos:pos + m * n].reshape(m, n)
        weight = tok[pos + m * n:pos + 2 * m * n].reshape(m, n)
        cap = tok[pos + 2 * m * n:pos + size]
        pos += size
        name = f"{letter}{m:02d}{n}" if letter else f"{stem}-{k}"
        out.append(GapInstance(name, cost, weight, cap))
    if pos != tok.size:
        left, s1, s2 = tok.size - pos, "s"[:tok.size - pos > 1], "s"[:count > 1]
        raise _GapFormatError(count + 1, f"{left} number{s1} left after the {count} "
                                         f"instance{s2} announced", pos)
    return out
