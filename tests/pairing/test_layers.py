"""The pairing package is layered: base modules, then formulations, then searches.

A module imports only from its own layer and those below it (read from the source with
``ast``, so imports inside functions count too): the searches depend on the model, never
the reverse.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import pairaid.pairing

PAIRING = Path(pairaid.pairing.__file__).parent
BASE = {"pairaid.pairing.exact", "pairaid.pairing.highs", "pairaid.pairing.instance",
        "pairaid.pairing.orlib", "pairaid.pairing.teams",
        "pairaid.pairing.types"}
ALLOWED = {
    "base": ("base",),
    "formulations": ("base", "formulations"),
    "search": ("base", "formulations", "search"),
}


def _layer(module: str) -> str | None:
    """Layer of a pairaid.pairing module (None: not layered, e.g. solve, analysis)."""
    if module in BASE:
        return "base"
    for layer in ("formulations", "search"):
        if module == f"pairaid.pairing.{layer}" or module.startswith(f"pairaid.pairing.{layer}."):
            return layer
    return None


def _imports(path: Path) -> set[str]:
    """Every pairaid.pairing module the file imports, at any depth of the code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from pairaid.pairing.search import lns` imports the module search.lns
            found.update(f"{node.module}.{a.name}" for a in node.names
                         if (PAIRING.parent.parent / node.module.replace(".", "/")
                             / f"{a.name}.py").exists())
    return {m for m in found if m.startswith("pairaid.pairing")}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PAIRING.rglob("*.py")):
        parts = path.relative_to(PAIRING.parent.parent).with_suffix("").parts
        name = ".".join(p for p in parts if p != "__init__")
        out.append((name, path))
    return out


@pytest.mark.parametrize(("name", "path"),
                         [(n, p) for n, p in _modules() if _layer(n) is not None],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_module_imports_only_its_layer_and_below(name: str, path: Path) -> None:
    layer = _layer(name)
    assert layer is not None
    upward = {m for m in _imports(path) if _layer(m) not in ALLOWED[layer]}
    assert not upward, f"{name} ({layer}) imports {sorted(upward)}"


def test_the_layer_check_sees_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pairaid.pairing.search.gap_lns import improve_gap\n")
    assert _layer(next(iter(_imports(bad)))) == "search"


def test_gap_searches_are_registered_with_the_model() -> None:
    from pairaid.pairing.formulations.gap import SEARCHES
    from pairaid.pairing.search.gap_cpsat import solve_gap_cpsat
    from pairaid.pairing.search.gap_lns import improve_gap

    assert SEARCHES.get_cpsat() is solve_gap_cpsat
    assert SEARCHES.get_improve() is improve_gap
