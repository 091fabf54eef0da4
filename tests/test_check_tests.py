"""No test in the suite can pass whatever the code does (issue 18), as far as syntax shows.

``scripts/check_tests.py`` reads every test file; the suite must give no finding, and each
kind of test that cannot fail, planted here, must be found (so the scan is not itself a
check that passes whatever it reads).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def check_tests(load_script: Callable[[str], ModuleType]) -> ModuleType:
    return load_script("scripts/check_tests.py")


def _kinds(check_tests: ModuleType, source: str,
           extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    files = {"tests/test_planted.py": textwrap.dedent(source)}
    files.update({p: textwrap.dedent(t) for p, t in (extra or {}).items()})
    return [(f.test, f.kind) for f in check_tests.scan(files)]


def test_the_suite_has_no_test_that_cannot_fail(check_tests: ModuleType) -> None:
    files = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
             for p in sorted((ROOT / "tests").rglob("*.py"))}
    found = check_tests.scan(files)
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize(("source", "expected"), [
    ("def test_a():\n    x = 1 + 1\n", [("test_a", "no-check")]),
    ("def test_a():\n    assert True\n", [("test_a", "constant")]),
    ("def test_a():\n    assert 'the plan is fine'\n", [("test_a", "constant")]),
    ("def test_a(f):\n    assert f(1) == f(1)\n", [("test_a", "constant")]),
    ("def test_a(f):\n    assert f(1) or 1\n", [("test_a", "constant")]),
    ("def test_a():\n    assert 2 == 2\n", [("test_a", "constant")]),
    ("def test_a(top):\n    if not top.empty:\n        assert top.x[0] == 3\n",
     [("test_a", "only-if")]),
    ("def test_a(f):\n    try:\n        assert f() == 1\n    except AssertionError:\n"
     "        pass\n", [("test_a", "swallowed")]),
    ("def test_a(f):\n    try:\n        assert f() == 1\n    except Exception:\n"
     "        print('no')\n", [("test_a", "swallowed")]),
    ("def test_a(f):\n    pytest.skip('later')\n    assert f() == 1\n",
     [("test_a", "skipped")]),
    ("@pytest.mark.skip\ndef test_a(f):\n    assert f() == 1\n", [("test_a", "skipped")]),
    ("class TestX:\n    def test_a(self):\n        print(1)\n", [("TestX.test_a", "no-check")]),
])
def test_planted_tests_that_cannot_fail_are_found(check_tests: ModuleType, source: str,
                                                   expected: list[tuple[str, str]]) -> None:
    assert _kinds(check_tests, source) == expected


@pytest.mark.parametrize("source", [
    "def test_a(f):\n    assert f(1) == 2\n",
    "def test_a(f):\n    with pytest.raises(ValueError):\n        f()\n",
    "def test_a(f):\n    np.testing.assert_allclose(f(), [1.0, 2.0])\n",
    "def check(x):\n    assert x > 0\n\ndef test_a(f):\n    check(f())\n",
    "def check(x):\n    assert x > 0\n\ndef wrap(x):\n    check(x)\n\n"
    "def test_a(f):\n    wrap(f())\n",
    "def test_a(f):\n    subprocess.run(['pairaid', 'plan'], check=True)\n",
    "def test_a(f):\n    if f():\n        assert f() == 1\n    assert f() is not None\n",
    "def test_a(f):\n    fails = []\n    try:\n        assert f() == 1\n"
    "    except AssertionError as err:\n        fails.append(err)\n    assert not fails\n",
    "def test_a(f):\n    try:\n        assert f() == 1\n    except AssertionError:\n"
    "        raise\n",
    "def test_a(f):\n    if f() is None:\n        pytest.skip('no solver')\n    assert f() == 1\n",
])
def test_tests_that_can_fail_are_not_found(check_tests: ModuleType, source: str) -> None:
    assert _kinds(check_tests, source) == []


def test_a_helper_counts_only_where_it_is_reachable(check_tests: ModuleType) -> None:
    # ``check`` asserts in another test file that this one does not import: calling a
    # function of that name here proves nothing
    other = {"tests/test_other.py": "def check(x):\n    assert x\n"}
    assert _kinds(check_tests, "def test_a(f):\n    check(f())\n", other) == [
        ("test_a", "no-check")]
    helpers = {"tests/helpers.py": "def check(x):\n    assert x\n"}
    source = "from tests.helpers import check\n\ndef test_a(f):\n    check(f())\n"
    assert _kinds(check_tests, source, helpers) == []
