"""The pairing engine: which donors support which recipients, with how many staff.

Public API::

    from pairaid.pairing import PairingProblem, PairingOptions, PairingResult, solve
"""

from pairaid.pairing.highs import SolveStatus
from pairaid.pairing.instance import UnknownCodeError
from pairaid.pairing.solve import SolverError, solve
from pairaid.pairing.types import Pair, PairingOptions, PairingProblem, PairingResult

__all__ = [
    "Pair",
    "PairingOptions",
    "PairingProblem",
    "PairingResult",
    "SolveStatus",
    "SolverError",
    "UnknownCodeError",
    "solve",
]
