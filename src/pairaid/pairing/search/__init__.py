"""Searches over the formulations: heuristics and solvers that build on a model.

``greedy`` (the greedy baseline and warm start), ``lns`` (neighbourhood search on the
compact MIP), ``transport`` (transportation relaxation and repair), ``gap_lns`` and
``gap_cpsat`` (neighbourhood search and CP-SAT on the generalized assignment model).
Searches depend on :mod:`pairaid.pairing.formulations`, never the reverse.
"""

# the GAP searches register with pairaid.pairing.formulations.gap.SEARCHES when imported
from pairaid.pairing.search import gap_cpsat, gap_lns  # noqa: F401
