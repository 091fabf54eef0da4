"""Find tests that could pass whatever the code does (issue 18), by reading their syntax.

A test can pass whatever the code does when nothing in it can fail. This script parses every
``tests/**/*.py`` file (with :mod:`ast`, nothing is run) and reports, per test function
(``test_*`` at module level or in a ``Test*`` class):

``no-check``
    nothing in it can fail: no ``assert``, no ``pytest.raises`` / ``pytest.warns`` /
    ``pytest.fail``, no call of an ``assert*`` function (``np.testing.assert_allclose``,
    ``pd.testing.assert_frame_equal``, ...), no ``subprocess.run(..., check=True)`` and no
    call of a helper of the test tree that (itself or through other helpers) does one of
    these.
``constant``
    an ``assert`` whose truth is fixed before the code runs: a constant (``assert True``,
    ``assert "text"``), a comparison of two constants, the same expression on both sides
    of ``==`` / ``<=`` / ``>=`` / ``is`` (``assert x == x``), or an ``or`` with a truthy
    constant.
``only-if``
    every check of the test sits inside an ``if`` (or an ``else``): when the condition is
    false on the data the test passes without checking anything.
``swallowed``
    a check inside ``try`` whose ``except`` catches ``AssertionError``, ``Exception``,
    ``BaseException`` or everything, and neither raises again nor keeps the error it
    caught (``except AssertionError as err: failures.append(err)``, checked later).
``skipped``
    ``pytest.skip`` at the top level of the test (not under a condition), or a
    ``@pytest.mark.skip`` decorator: the test never runs.

Usage::

    python scripts/check_tests.py [TESTS_DIR]    # prints findings, exit status 1 if any

``tests/test_check_tests.py`` runs it on the suite (no finding allowed) and on planted bad
tests (each must be found). What it cannot see: a check that holds whatever the code does
for reasons of meaning (``x >= 0`` of a count, a status accepted among all it can take);
those are caught by the mutation runs (``scripts/mutation.py``), where such a test kills
nothing.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK_CALLS = {"raises", "warns", "fail", "deprecated_call"}
"""Attribute or function names (``pytest.raises``, ...) that make a test able to fail."""
BROAD = {"AssertionError", "Exception", "BaseException"}


@dataclass(frozen=True)
class Finding:
    """One test that could pass whatever the code does."""

    path: str
    line: int
    test: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.test}: {self.kind}: {self.detail}"


def _call_name(node: ast.Call) -> str:
    f = node.func
    if isinstance(f, ast.Attribute):
        return f.attr
    if isinstance(f, ast.Name):
        return f.id
    return ""


def _walk_own(node: ast.AST) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested functions or classes."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                      | ast.Lambda):
            continue
        yield child
        yield from _walk_own(child)


def _is_check(node: ast.AST, helpers: set[str]) -> bool:
    """Whether this one node can make a test fail."""
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name.startswith("assert") or name in CHECK_CALLS or name in helpers:
            return True
        for kw in node.keywords:
            if kw.arg == "check" and isinstance(kw.value, ast.Constant) \
                    and kw.value.value is True:
                return True
    return False


def _functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _imported(path: str, tree: ast.Module, paths: set[str]) -> set[str]:
    """The test files ``path`` imports from (``from .helpers import``, ``from tests.x import``)."""
    out: set[str] = set()
    here = Path(path).parent
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                base = here
                for _ in range(node.level - 1):
                    base = base.parent
                parts = [str(base), *node.module.split(".")]
            else:
                parts = node.module.split(".")
            cand = str(Path(*parts)) + ".py"
            if cand in paths:
                out.add(cand)
    return out


def checking_helpers(trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """Per test file, the names of the functions it can call that can fail.

    A file reaches its own functions (nested ones too: a test's inner ``check(...)``) and
    those of the test files it imports from; a function counts if it checks directly or
    calls another counted function (to a fixed point). A name defined twice counts if
    either definition checks (the scan cannot tell which one a call reaches).
    """
    paths = set(trees)
    out: dict[str, set[str]] = {}
    for path, tree in trees.items():
        reach = [tree, *(trees[p] for p in _imported(path, tree, paths))]
        funcs = [f for t in reach for f in _functions(t) if not f.name.startswith("test_")]
        helpers: set[str] = set()
        changed = True
        while changed:
            changed = False
            for f in funcs:
                if f.name not in helpers and any(_is_check(n, helpers) for n in ast.walk(f)):
                    helpers.add(f.name)
                    changed = True
        out[path] = helpers
    return out


def _truthy_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value)


def _constant_assert(node: ast.Assert) -> str | None:
    test = node.test
    if isinstance(test, ast.Constant):
        return f"assert {test.value!r}"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) \
            and any(_truthy_constant(v) for v in test.values):
        return "'or' with a truthy constant"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, right = test.left, test.comparators[0]
        if isinstance(left, ast.Constant) and isinstance(right, ast.Constant):
            return "comparison of two constants"
        if isinstance(test.ops[0], ast.Eq | ast.LtE | ast.GtE | ast.Is) \
                and ast.dump(left) == ast.dump(right):
            return "the same expression on both sides"
    return None


def _checks_outside_if(body: list[ast.stmt], helpers: set[str]) -> tuple[int, int]:
    """(checks anywhere, checks not under an ``if``) in a list of statements."""
    total = outside = 0
    for stmt in body:
        if isinstance(stmt, ast.If):
            n = sum(1 for s in (*stmt.body, *stmt.orelse) for x in [s, *_walk_own(s)]
                    if _is_check(x, helpers))
            total += n
            # the condition itself may call a checking helper
            c = sum(1 for x in [stmt.test, *_walk_own(stmt.test)] if _is_check(x, helpers))
            total += c
            outside += c
            continue
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        inner_bodies = [getattr(stmt, f) for f in ("body", "orelse", "finalbody")
                        if isinstance(getattr(stmt, f, None), list)]
        handlers = getattr(stmt, "handlers", [])
        inner_bodies += [h.body for h in handlers]
        if inner_bodies and not isinstance(stmt, ast.If):
            # the statement's own expressions (a with-item, a for's iterable) and its bodies
            own = [x for f in ("items", "iter", "test", "value") for x in
                   ([getattr(stmt, f)] if isinstance(getattr(stmt, f, None), ast.AST)
                    else getattr(stmt, f, None) or [])]
            for item in own:
                expr = item.context_expr if isinstance(item, ast.withitem) else item
                c = sum(1 for x in [expr, *_walk_own(expr)] if _is_check(x, helpers))
                total += c
                outside += c
            for b in inner_bodies:
                t, o = _checks_outside_if(b, helpers)
                total += t
                outside += o
            continue
        c = sum(1 for x in [stmt, *_walk_own(stmt)] if _is_check(x, helpers))
        total += c
        outside += c
    return total, outside


def _catches_broadly(handler: ast.ExceptHandler) -> bool:
    t = handler.type
    if t is None:
        return True
    names = [t] if not isinstance(t, ast.Tuple) else list(t.elts)
    return any(isinstance(n, ast.Name) and n.id in BROAD for n in names)


def _swallowed(test: ast.FunctionDef | ast.AsyncFunctionDef,
               helpers: set[str]) -> int | None:
    for node in _walk_own(test):
        if isinstance(node, ast.Try):
            checks = any(_is_check(x, helpers) for s in node.body for x in [s, *_walk_own(s)])
            for h in node.handlers:
                reraises = any(isinstance(x, ast.Raise) or
                               (isinstance(x, ast.Call) and _call_name(x) == "fail")
                               for s in h.body for x in [s, *_walk_own(s)])
                # a handler that keeps the error (``failures.append(str(err))``) for a
                # later check does not swallow it
                kept = h.name is not None and any(
                    isinstance(x, ast.Name) and x.id == h.name
                    for s in h.body for x in [s, *_walk_own(s)])
                if checks and _catches_broadly(h) and not reraises and not kept:
                    return node.lineno
    return None


def _skipped(test: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for dec in test.decorator_list:
        target = dec.func if isinstance(dec, ast.Call) else dec
        if isinstance(target, ast.Attribute) and target.attr == "skip":
            return "@pytest.mark.skip"
    for stmt in test.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                and _call_name(stmt.value) == "skip":
            return f"pytest.skip at line {stmt.lineno}"
    return None


def _tests(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                and node.name.startswith("test"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef) \
                        and sub.name.startswith("test"):
                    yield f"{node.name}.{sub.name}", sub


def scan(files: dict[str, str]) -> list[Finding]:
    """Findings in test sources given as ``{path: text}``."""
    trees = {p: ast.parse(text, filename=p) for p, text in files.items()}
    reach = checking_helpers(trees)
    found: list[Finding] = []
    for path, tree in trees.items():
        helpers = reach[path]
        for name, test in _tests(tree):
            def add(kind: str, detail: str, line: int,
                    path: str = path, name: str = name) -> None:
                found.append(Finding(path, line, name, kind, detail))
            total, outside = _checks_outside_if(test.body, helpers)
            if total == 0:
                add("no-check", "nothing in it can fail", test.lineno)
            elif outside == 0:
                add("only-if", "every check is under an 'if'", test.lineno)
            for node in _walk_own(test):
                if isinstance(node, ast.Assert):
                    why = _constant_assert(node)
                    if why:
                        add("constant", why, node.lineno)
            line = _swallowed(test, helpers)
            if line is not None:
                add("swallowed", "a check inside try/except that catches it", line)
            why = _skipped(test)
            if why:
                add("skipped", why, test.lineno)
    return found


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else ROOT / "tests"
    files = {str(p.relative_to(folder.parent)): p.read_text(encoding="utf-8")
             for p in sorted(folder.rglob("*.py"))}
    found = scan(files)
    for f in found:
        print(f)
    n_tests = sum(1 for t in files.values() for _ in _tests(ast.parse(t)))
    print(f"{len(files)} files, {n_tests} tests, {len(found)} finding(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
