"""Print the versions a benchmark runs with beside those pinned in ``constraints.txt``.

Benchmarks are installed as CI is (``pip install -c constraints.txt -e ".[test]"``); a figure
measured with other versions of the solver or the numeric stack says so on its first lines.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"
WATCHED = ("highspy", "ortools", "numpy", "scipy", "pandas", "dask")
"""The packages whose version moves measured times or solver results."""


def pinned() -> dict[str, str]:
    """Package name (lower case) -> version pinned in ``constraints.txt``."""
    out: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def print_versions() -> None:
    """One line: each watched package's installed version, marked ``!=`` where it is not
    the pinned one."""
    pins = pinned()
    parts = []
    for name in WATCHED:
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "absent"
        want = pins.get(name)
        parts.append(f"{name} {have}" + (f" (!= constraints.txt {want})"
                                         if want and want != have else ""))
    print("versions: " + ", ".join(parts), flush=True)
