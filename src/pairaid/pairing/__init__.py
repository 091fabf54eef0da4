"""The pairing engine: which donors support which recipients, with how many staff.

Public API::

    from pairaid.pairing import PairingProblem, PairingOptions, PairingResult, solve

    result = solve(problem, options)          # exact model (HiGHS) or certified method
    baseline = solve_greedy(problem, options) # greedy baseline, same objective

Preference-based alternative: :func:`stable_pairs`, :func:`check_stability`,
:func:`deferred_acceptance`, :func:`blocking_pairs`, :func:`rankings`.
Explanations: :func:`forbid_costs`, :func:`marginal_values`, :func:`what_if`.
OR-Library and assignment modes: :func:`read_orlib`, :func:`solve_gap`,
:func:`solve_assignment`; CLI command :data:`pairaid.pairing.commands.solve_orlib`.
"""

from pairaid.pairing.analysis.explain import compare, forbid_costs, marginal_values, what_if
from pairaid.pairing.analysis.stable import (
    blocking_pairs,
    check_stability,
    deferred_acceptance,
    rankings,
    stable_pairs,
)
from pairaid.pairing.formulations.assignment import solve_assignment
from pairaid.pairing.formulations.gap import solve_gap
from pairaid.pairing.highs import SolveStatus
from pairaid.pairing.instance import UnknownCodeError
from pairaid.pairing.moved import install as _install_moved
from pairaid.pairing.orlib import read_orlib
from pairaid.pairing.solve import SolverError, solve, solve_greedy
from pairaid.pairing.types import Pair, PairingOptions, PairingProblem, PairingResult

_install_moved()  # old module paths (pairaid.pairing.stable, ...) stay importable

__all__ = [
    "Pair",
    "PairingOptions",
    "PairingProblem",
    "PairingResult",
    "SolveStatus",
    "SolverError",
    "UnknownCodeError",
    "blocking_pairs",
    "check_stability",
    "compare",
    "deferred_acceptance",
    "forbid_costs",
    "marginal_values",
    "rankings",
    "read_orlib",
    "solve",
    "solve_assignment",
    "solve_gap",
    "solve_greedy",
    "stable_pairs",
    "what_if",
]
