"""Held-back OR-Library kinds: instances generated here, written in the OR-Library file
layouts, solved by ``pairaid solve-orlib`` (the real command, in a subprocess) and by an
independent textbook model in plain HiGHS (``scipy.optimize.milp``, ``mip_rel_gap=0``) or
SciPy's ``linear_sum_assignment``. Prints one row per instance; asserts nothing.

Sections (``--only gap,layout,assign,infeasible,bad``; default all):

* ``gap``: types A-E at the sizes ``--sizes`` (default 5x100, 10x200, 40x400, 80x1600,
  agents x jobs), one instance per type and size, each in its own single-instance file
  (Yagiura's layout, ``m n`` without the count, named like ``d05100``: minimisation), plus
  gap1-12-like files (type C at 5x15 ... 10x60, five instances per file named ``gap13.txt``
  etc., solved under the OR-Library default, **max**, and again with ``--sense min``).
* ``layout``: one small type-C and one type-D instance in every layout variant: multi
  instance with the count, single instance without it, one number per line, everything on
  one line, rows wrapped at 12 numbers (OR-Library's own files), trailing blanks, CRLF line
  ends, no final newline, leading blanks, tabs, a UTF-8 byte order mark.
* ``assign``: linear assignment files of n = 5, 50, 150, 500, 1000 with costs U[1,100],
  all-equal costs, costs in {0, 1}, negative costs, and costs near 10^12.
* ``infeasible``: type-B instances with capacities cut to 30 %, and an instance whose
  total capacity suffices but no assignment fits (bin packing): pairaid must say
  ``infeasible``, never ``optimal``.
* ``bad``: malformed files (truncated, extra numbers, a word, a decimal, negative sizes,
  an instance count that does not match, an empty file): pairaid must exit 2 with one
  line naming the file and the line.

Generators, written here from the published definitions (integers, as in the files):

* Types A-D: P. C. Chu, J. E. Beasley, "A genetic algorithm for the generalised
  assignment problem", Computers & OR 24 (1997) 17-23, section 5. A: a_ij ~ U[5,25],
  c_ij ~ U[10,50], b_i = 0.6 (n/m) 15 + 0.4 max_i sum_{j: I_j = i} a_ij with I_j the first
  agent of least cost for job j. B: as A, b_i = 70 % of A's. C: as A, b_i = 0.8 sum_j
  a_ij / m. D: a_ij ~ U[1,100], c_ij = 111 - a_ij + e, e ~ U[-10,10], b_i as C.
* Type E: M. Laguna, J. P. Kelly, J. L. Gonzalez-Velarde, F. Glover, "Tabu search for
  the multilevel generalized assignment problem", EJOR 82 (1995) 176-189 (as used by
  Yagiura et al.): a_ij = 1 - 10 ln u, u ~ U(0,1]; c_ij = 1000 / a_ij - 10 v, v ~ U[0,1];
  b_i = max(0.8 sum_j a_ij / m, max_j a_ij); rounded to integers here (a down, c to the
  nearest, b down).

The verdict column: ``match`` (both proved the same optimum), ``consistent`` (one side not
proven within the limit, and the other's value lies within its bounds), ``MISMATCH``.

Run: ``python benchmarks/bench_orlib_heldout.py [--only gap] [--sizes 5x100,10x200]
[--time-limit 60] [--out /tmp/heldout]``. Prints ``uptime`` before and after.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix

Arr = NDArray[np.int64]
PAIRAID = [
    sys.executable,
    "-c",
    "import sys; from pairaid.cli import main; sys.exit(main(sys.argv[1:]))",
]


# --- generators ---------------------------------------------------------------------------


def gen_gap(kind: str, m: int, n: int, rng: np.random.Generator) -> tuple[Arr, Arr, Arr]:
    """Costs, weights and capacities of one instance of type ``kind`` (A-E)."""
    if kind in "ABC":
        a = rng.integers(5, 26, size=(m, n))
        c = rng.integers(10, 51, size=(m, n))
        if kind == "C":
            b = np.floor(0.8 * a.sum(axis=1) / m)
        else:
            first = np.argmin(c, axis=0)  # first agent of least cost (numpy: lowest index)
            load = np.bincount(first, weights=a[first, np.arange(n)], minlength=m)
            b = np.full(m, 0.6 * (n / m) * 15 + 0.4 * load.max())
            if kind == "B":
                b = 0.7 * b
            b = np.floor(b)
    elif kind == "D":
        a = rng.integers(1, 101, size=(m, n))
        c = 111 - a + rng.integers(-10, 11, size=(m, n))
        b = np.floor(0.8 * a.sum(axis=1) / m)
    elif kind == "E":
        u = 1.0 - rng.random((m, n))  # (0, 1]
        af = 1.0 - 10.0 * np.log(u)
        c = np.rint(1000.0 / af - 10.0 * rng.random((m, n)))
        a = np.floor(af)
        b = np.floor(np.maximum(0.8 * a.sum(axis=1) / m, a.max(axis=1)))
    else:
        raise ValueError(kind)
    return c.astype(np.int64), a.astype(np.int64), b.astype(np.int64)


# --- file layouts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """How numbers are written: ``per_line`` numbers per line (0 = one line per matrix row),
    ``crlf``, ``trailing`` blanks at line ends, ``final_newline``, ``lead`` blanks at line
    starts, ``sep`` between numbers, ``bom`` (UTF-8 byte order mark)."""

    per_line: int = 0
    crlf: bool = False
    trailing: str = " "
    final_newline: bool = True
    lead: str = " "
    sep: str = " "
    bom: bool = False


def _lines(rows: list[list[int]], lay: Layout) -> list[str]:
    out = []
    for row in rows:
        chunks = (
            [row]
            if lay.per_line == 0
            else [row[k : k + lay.per_line] for k in range(0, len(row), lay.per_line)]
        )
        out += [lay.lead + lay.sep.join(map(str, ch)) + lay.trailing for ch in chunks]
    return out


def write(path: Path, rows: list[list[int]], lay: Layout) -> Path:
    eol = "\r\n" if lay.crlf else "\n"
    text = eol.join(_lines(rows, lay)) + (eol if lay.final_newline else "")
    path.write_bytes((b"\xef\xbb\xbf" if lay.bom else b"") + text.encode("ascii"))
    return path


def gap_rows(instances: list[tuple[Arr, Arr, Arr]], count: bool) -> list[list[int]]:
    rows: list[list[int]] = [[len(instances)]] if count else []
    for c, a, b in instances:
        rows.append(list(c.shape))
        rows += [list(map(int, r)) for r in c] + [list(map(int, r)) for r in a]
        rows.append(list(map(int, b)))
    return rows


# --- independent answers ------------------------------------------------------------------


@dataclass
class Answer:
    status: str  # optimal | infeasible | limit | error
    value: float
    bound: float
    seconds: float


def milp_gap(c: Arr, a: Arr, b: Arr, sense: str, limit: float) -> Answer:
    """The textbook GAP model in scipy.optimize.milp (HiGHS), mip_rel_gap = 0."""
    m, n = c.shape
    sign = 1.0 if sense == "min" else -1.0
    idx = np.arange(m * n)
    ii, jj = np.divmod(idx, n)
    one = coo_matrix((np.ones(m * n), (jj, idx)), shape=(n, m * n))
    cap = coo_matrix((a.ravel().astype(float), (ii, idx)), shape=(m, m * n))
    t0 = time.perf_counter()
    res = milp(
        sign * c.ravel().astype(float),
        integrality=np.ones(m * n),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(one, 1, 1), LinearConstraint(cap, -np.inf, b)],
        options={"time_limit": limit, "mip_rel_gap": 0.0, "disp": False},
    )
    secs = time.perf_counter() - t0
    bound = sign * float(getattr(res, "mip_dual_bound", np.nan) or np.nan)
    if res.status == 0:
        return Answer("optimal", sign * res.fun, bound, secs)
    if res.status == 2:
        return Answer("infeasible", math.nan, math.nan, secs)
    if res.x is not None:
        return Answer("limit", sign * res.fun, bound, secs)
    return Answer("limit" if res.status == 1 else "error", math.nan, bound, secs)


def lsap(c: Arr, sense: str) -> Answer:
    t0 = time.perf_counter()
    r, k = linear_sum_assignment(c, maximize=(sense == "max"))
    value = sum(int(v) for v in c[r, k])  # exact integer sum
    return Answer("optimal", value, value, time.perf_counter() - t0)


# --- pairaid, through its command --------------------------------------------------------


def run_pairaid(path: Path, *args: str, timeout: float = 900) -> tuple[int, list[str], str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*PAIRAID, "solve-orlib", str(path), *args], capture_output=True, text=True, timeout=timeout
    )
    return (proc.returncode, proc.stdout.split("\n")[:-1], proc.stderr, time.perf_counter() - t0)


def verdict(sense: str, ours: list[str], ref: Answer) -> str:
    """Compare one output line of solve-orlib with the independent answer."""
    _, obj_s, bound_s, status, _ = ours
    obj, bound = float(obj_s), float(bound_s)
    if ref.status == "infeasible" or status == "infeasible":
        return "match" if ref.status == status == "infeasible" else "MISMATCH"
    if status == "optimal" and ref.status == "optimal":
        return "match" if abs(obj - ref.value) < 1e-6 else "MISMATCH"

    # one side stopped at its limit: the proven bounds must enclose the other's value
    def lo_ok(v: float, bd: float) -> bool:  # v on the right side of the bound bd
        if not (math.isfinite(v) and math.isfinite(bd)):
            return True
        return v >= bd - 1e-6 if sense == "min" else v <= bd + 1e-6

    ok = lo_ok(obj, ref.bound) and lo_ok(ref.value, bound)
    if status == "optimal":
        ok = ok and lo_ok(ref.value, obj)
    if ref.status == "optimal":
        ok = ok and lo_ok(obj, ref.value)
    return "consistent" if ok else "MISMATCH"


HEAD = (
    f"{'kind':14s} {'variant':22s} {'size':>9s} {'sense':5s} {'pairaid':>10s} "
    f"{'status':21s} {'s':>6s} {'reference':>10s} {'ref st':10s} {'s':>6s} verdict"
)


def row(
    kind: str, variant: str, size: str, sense: str, ours: list[str], ref: Answer, secs: float
) -> None:
    print(
        f"{kind:14s} {variant:22s} {size:>9s} {sense:5s} {ours[1]:>10s} {ours[3]:21s} "
        f"{secs:6.1f} {ref.value:10.0f} {ref.status:10s} {ref.seconds:6.1f} "
        f"{verdict(sense, ours, ref)}",
        flush=True,
    )


def solve_and_compare(
    kind: str,
    variant: str,
    path: Path,
    instances: list[tuple[Arr, Arr, Arr]],
    sense: str,
    limit: float,
    args: tuple[str, ...] = (),
) -> None:
    code, lines, err, secs = run_pairaid(path, "--time-limit", str(limit), *args)
    if code != 0 or len(lines) != len(instances):
        print(f"{kind:14s} {variant:22s} FAILED exit {code}: {err.strip()[:200]}", flush=True)
        return
    for (c, a, b), line in zip(instances, lines, strict=True):
        ref = milp_gap(c, a, b, sense, limit)
        ours = line.split()
        row(kind, variant, f"{c.shape[0]}x{c.shape[1]}", sense, ours, ref, float(ours[4]))


# --- sections ---------------------------------------------------------------------------------


def section_gap(out: Path, sizes: list[tuple[int, int]], limit: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for m, n in sizes:
        for kind in "ABCDE":
            inst = gen_gap(kind, m, n, rng)
            path = write(
                out / f"{kind.lower()}{m:02d}{n}",
                gap_rows([inst], count=False),
                Layout(per_line=12),
            )
            solve_and_compare(f"type {kind}", "single, no count", path, [inst], "min", limit)
    # gap1-12-like files: type C, five instances each, max by the OR-Library convention
    for number, (m, n) in zip((13, 14, 15), ((5, 15), (8, 40), (10, 60)), strict=True):
        insts = [gen_gap("C", m, n, rng) for _ in range(5)]
        path = write(out / f"gap{number}.txt", gap_rows(insts, count=True), Layout(per_line=12))
        solve_and_compare("gapN (C)", "multi, default=max", path, insts, "max", limit)
        solve_and_compare(
            "gapN (C)", "multi, --sense min", path, insts, "min", limit, ("--sense", "min")
        )
    # gapa-d-like multi-instance files of each type (OR-Library: count + 6 instances)
    for kind in "ABCDE":
        insts = [gen_gap(kind, m, n, rng) for m, n in ((5, 20), (5, 40), (10, 30))]
        path = write(
            out / f"gap{kind.lower()}.txt", gap_rows(insts, count=True), Layout(per_line=12)
        )
        solve_and_compare(
            f"gap{kind.lower()} multi", "count + 3 instances", path, insts, "min", limit
        )


LAYOUTS = {
    "rows on one line each": Layout(),
    "wrapped at 12": Layout(per_line=12),
    "one number per line": Layout(per_line=1, lead="", trailing=""),
    "CRLF": Layout(per_line=12, crlf=True),
    "no final newline": Layout(per_line=12, final_newline=False),
    "trailing blanks+tabs": Layout(per_line=7, trailing=" \t  "),
    "no blanks, tabs": Layout(per_line=10, lead="", trailing="", sep="\t"),
    "UTF-8 BOM": Layout(per_line=12, bom=True),
}


def section_layout(out: Path, limit: float, seed: int) -> None:
    rng = np.random.default_rng(seed + 1)
    insts = [gen_gap("C", 5, 30, rng), gen_gap("D", 5, 25, rng)]
    for k, (variant, lay) in enumerate(LAYOUTS.items()):
        multi = write(out / f"gap{k + 20}.txt", gap_rows(insts, count=True), lay)
        solve_and_compare("gapN multi", variant, multi, insts, "max", limit)
        one = write(out / f"c05{k}", gap_rows(insts[1:], count=False), lay)
        solve_and_compare("single no count", variant, one, insts[1:], "min", limit)
        # all on one line, as a whole file
    flat = out / "flat.txt"
    flat.write_text(" ".join(" ".join(map(str, r)) for r in gap_rows(insts, count=True)))
    solve_and_compare("multi, neutral", "all on one line", flat, insts, "min", limit)


def section_assign(out: Path, seed: int) -> None:
    rng = np.random.default_rng(seed + 2)
    cases: list[tuple[str, Arr]] = []
    for n in (5, 50, 150, 500, 1000):
        cases.append((f"U[1,100] n={n}", rng.integers(1, 101, size=(n, n))))
    cases += [
        ("all equal (7) n=60", np.full((60, 60), 7, dtype=np.int64)),
        ("costs in {0,1} n=200", rng.integers(0, 2, size=(200, 200))),
        ("negative [-50,50] n=80", rng.integers(-50, 51, size=(80, 80))),
        ("near 1e12 n=100", 10**12 + rng.integers(0, 1000, size=(100, 100))),
        ("n=1", np.array([[42]], dtype=np.int64)),
    ]
    for k, (variant, c) in enumerate(cases):
        n = c.shape[0]
        rows = [[n]] + [list(map(int, r)) for r in c]
        lay = Layout(per_line=10, crlf=(k % 3 == 1), final_newline=(k % 2 == 0))
        for sense in ("min", "max"):
            path = write(out / f"assign{n}_{k}.txt", rows, lay)
            code, lines, err, secs = run_pairaid(path, "--sense", sense)
            if code != 0:
                print(f"{'assign':14s} {variant:22s} FAILED exit {code}: {err.strip()[:200]}")
                continue
            ours = lines[0].split()
            row("assign", variant, f"{n}x{n}", sense, ours, lsap(c, sense), float(ours[4]))


def section_infeasible(out: Path, limit: float, seed: int) -> None:
    rng = np.random.default_rng(seed + 3)
    for m, n in ((5, 30), (10, 100)):
        c, a, b = gen_gap("B", m, n, rng)
        inst = (c, a, (0.3 * b).astype(np.int64))
        path = write(out / f"b{m:02d}{n}_tight", gap_rows([inst], count=False), Layout(12))
        for method in ("auto", "highs", "cpsat"):
            solve_and_compare(
                "infeasible", f"B x0.3, {method}", path, [inst], "min", limit, ("--method", method)
            )
    # total capacity 24 >= total weight 24, yet 4 jobs of weight 6 do not fit 12 + 11 + 1
    packing = (
        np.ones((3, 4), dtype=np.int64),
        np.full((3, 4), 6, dtype=np.int64),
        np.array([12, 11, 1], dtype=np.int64),
    )
    path = write(out / "gap99.txt", gap_rows([packing], count=True), Layout())
    for method in ("auto", "highs", "cpsat"):
        solve_and_compare(
            "infeasible",
            f"bin packing, {method}",
            path,
            [packing],
            "max",
            limit,
            ("--method", method),
        )


def _bad_cases(good: str) -> dict[str, tuple[str, str]]:
    """name -> (file name, text). ``good`` is a valid one-instance file with count."""
    lines = good.split("\n")
    toks = good.split()
    return {
        "truncated mid-row": ("gapt.txt", "\n".join(lines[:5]) + " 3"),
        "truncated capacities": ("gapt.txt", " ".join(toks[:-1])),
        "extra number at end": ("gapx.txt", good + "17\n"),
        "word in costs": ("gapw.txt", good.replace(" 12 ", " twelve ", 1)),
        "decimal in weights": ("gapd.txt", "\n".join(lines[:4] + [lines[4] + " 2.5"] + lines[5:])),
        "underscore digit": ("gapu.txt", good.replace(" 12 ", " 1_2 ", 1)),
        "negative m": ("gapn.txt", good.replace(lines[1], " -2 4 ", 1)),
        "zero count": ("gapz.txt", "0\n" + "\n".join(lines[1:])),
        "count 2, one instance": ("gapc.txt", "2\n" + "\n".join(lines[1:])),
        "count 1, two instances": ("gapc.txt", good + "\n".join(lines[1:])),
        "empty": ("gape.txt", ""),
        "only blanks": ("gape.txt", " \n \n"),
        "assign: short": ("assign4.txt", "4\n1 2 3 4\n5 6 7 8\n"),
        "assign: extra": ("assign2.txt", "2\n1 2\n3 4\n5\n"),
        "assign: negative n": ("assign0.txt", "-2\n1 2\n3 4\n"),
        "assign: word": ("assign2.txt", "2\n1 2\n3 x\n"),
        "neutral name, short": ("data.txt", " ".join(toks[:-3])),
        "non-ASCII byte": ("gapq.txt", good.replace(" 12 ", " 1\u00b72 ", 1)),
    }


def section_bad(out: Path) -> None:
    c = np.array([[12, 5, 9, 3], [4, 12, 8, 6]])
    a = np.array([[3, 4, 5, 6], [6, 5, 4, 3]])
    good = "\n".join(_lines(gap_rows([(c, a, np.array([10, 10]))], count=True), Layout())) + "\n"
    print(f"{'bad file':24s} exit  one line  names file  names line  message")
    for variant, (name, text) in _bad_cases(good).items():
        path = out / "bad" / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        code, lines, err, _ = run_pairaid(path, "--time-limit", "10")
        msg = err.strip()
        one = len(msg.splitlines()) == 1 and "Traceback" not in msg
        print(
            f"{variant:24s} {code:4d}  {str(one):8s}  {str(str(path) in msg):10s}  "
            f"{str(', line ' in msg):10s}  {msg[:150] if msg else lines}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="gap,layout,assign,infeasible,bad")
    parser.add_argument(
        "--sizes",
        default="5x100,10x200,40x400,80x1600",
        help="agents x jobs of the type A-E section",
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the generated files (default: a temporary one)",
    )
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="heldout-"))
    out.mkdir(parents=True, exist_ok=True)
    only = args.only.split(",")
    sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
    sections: dict[str, Callable[[], None]] = {
        "gap": lambda: section_gap(out, sizes, args.time_limit, args.seed),  # type: ignore[arg-type]
        "layout": lambda: section_layout(out, args.time_limit, args.seed),
        "assign": lambda: section_assign(out, args.seed),
        "infeasible": lambda: section_infeasible(out, args.time_limit, args.seed),
        "bad": lambda: section_bad(out),
    }
    print(f"files in {out}; load average {os.getloadavg()}")
    for name in only:
        print(f"\n## {name}   ({time.strftime('%H:%M:%S')}, load {os.getloadavg()[0]:.2f})")
        if name != "bad":
            print(HEAD)
        sections[name]()
    print(f"\nload average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
