"""Formulations of the pairing: models built for a solver (HiGHS), and their exact solves.

``model`` (the compact MIP), ``subsets`` (one column per donor subset), ``assignment``
(k = m = 1 by linear assignment), ``gap`` (generalized assignment), ``colgen`` (column
generation over donor subsets), ``transfer`` (patient transfers). Modules here import from
``pairaid.pairing.instance``, ``types``, ``highs`` and ``orlib``, and from each other, never
from :mod:`pairaid.pairing.search` or :mod:`pairaid.pairing.analysis`.
"""
