"""Old import paths of the pairing modules, kept working after they were grouped by role.

Commit 7175b60 moved 17 modules of ``pairaid.pairing`` into ``formulations/``, ``search/``
and ``analysis/`` (``gap_tabu``, once ``pairaid.pairing.gap_tabu``, came back in
``search/``). Scripts written against the flat layout (for instance the brute-force check of
case c0021, ``from pairaid.pairing.stable import deferred_acceptance``) must keep running:
:class:`MovedModules` answers an import of an old name with the module at its new place (the
same module object, so there is still one home per concept, and
``pairaid.pairing.stable is pairaid.pairing.analysis.stable``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

#: Old module name (under ``pairaid.pairing``) -> its package now.
MOVED: dict[str, str] = {
    **{name: "analysis" for name in ("changes", "diagnose", "evaluate", "explain", "stable",
                                     "transfer_explain")},
    **{name: "formulations" for name in ("assignment", "colgen", "gap", "model", "subsets",
                                         "transfer")},
    **{name: "search" for name in ("gap_cpsat", "gap_lns", "gap_tabu", "greedy", "lns",
                                   "transport")},
}

_PREFIX = "pairaid.pairing."


class _Alias(importlib.abc.Loader):
    """Loads an old name as the module at its new place."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was imported at its new place."""


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds ``pairaid.pairing.<old name>`` for every name in :data:`MOVED`."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        name = fullname.removeprefix(_PREFIX)
        if fullname == name or name not in MOVED:
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _Alias(f"{_PREFIX}{MOVED[name]}.{name}"))


def install() -> None:
    """Put :class:`MovedModules` on ``sys.meta_path`` once."""
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())
