"""Which pairing method runs: decided once, from the instance and the options.

:func:`choose_method` is the only place that asks the methods whether they apply
(``assignment.applicable``, ``subsets.applicable``, ``transport.applicable``,
``colgen.applicable``); :func:`pairaid.pairing.solve` runs the :class:`MethodChoice` it
returns and hands it on, so no later step asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pairaid.errors import ConfigError
from pairaid.pairing.formulations import assignment, colgen, subsets
from pairaid.pairing.instance import Instance
from pairaid.pairing.search import transport
from pairaid.pairing.types import PairingOptions

LARGE = 60_000
"""Above this many (candidate pair, resource) flow variables, ``formulation="auto"`` uses
the transportation method instead of the compact MIP (where it applies)."""


class Method(StrEnum):
    """The pairing methods (the values of ``PairingOptions.formulation`` but ``auto``)."""

    ASSIGNMENT = "assignment"
    """Linear assignment (k = m = 1): exact, no bound computed."""
    SUBSETS = "subsets"
    """Donor-subset set partitioning solved by HiGHS (m <= 1, few enough subsets)."""
    TRANSPORT = "transport"
    """Transportation relaxation and repair: a plan with a certified gap."""
    COMPACT = "compact"
    """The compact MIP solved by HiGHS and neighbourhood search."""


@dataclass(frozen=True)
class MethodChoice:
    """The method that runs, and what it may use besides.

    Attributes
    ----------
    method : Method
    transport_applies : bool
        The transportation method applies: its plan can warm-start the compact MIP and its
        flow bound stands in where a solver proves none.
    colgen_bound : bool
        The compact MIP (with some donor allowed several recipients) is bounded by column
        generation over donor sets first (:func:`pairaid.pairing.formulations.colgen.set_bound`).
    """

    method: Method
    transport_applies: bool
    colgen_bound: bool = False


def choose_method(inst: Instance, options: PairingOptions) -> MethodChoice:
    """Decide the pairing method for a validated instance.

    ``options.formulation == "auto"`` takes the first that applies of ``assignment``,
    ``subsets``, ``transport`` (only above :data:`LARGE` flow variables) and ``compact``;
    a named formulation is checked to apply.

    Parameters
    ----------
    inst : Instance
        A validated problem (:func:`pairaid.pairing.instance.build_instance`).
    options : PairingOptions

    Returns
    -------
    MethodChoice

    Raises
    ------
    ConfigError
        A named formulation does not apply to this problem (the message says what it
        needs).
    """
    uses_transport = transport.applicable(inst, options)
    form = options.formulation
    if form == "auto":
        large = inst.pair_d.size * len(inst.resources) > LARGE
        form = ("assignment" if assignment.applicable(inst, options)
                else "subsets" if subsets.applicable(inst, options)
                else "transport" if large and uses_transport
                else "compact")
    elif form == "transport" and not uses_transport:
        raise ConfigError("formulation='transport' needs integer flows, at most one "
                          "required donor per recipient, no exact_pairs, no burden "
                          "terms and no team rule (team_doctors_per_nurse = 0)")
    elif form == "assignment" and not assignment.applicable(inst, options):
        raise ConfigError("formulation='assignment' needs k <= 1, m <= 1, no "
                          "max_total_sent, no exact_pairs, no burden terms and no team "
                          "rule (team_doctors_per_nurse = 0)")
    elif form == "subsets" and not subsets.applicable(inst, options):
        raise ConfigError("formulation='subsets' needs max_recipients_per_donor <= 1, "
                          "no exact_pairs, no burden terms, no team rule "
                          "(team_doctors_per_nurse = 0) and at most "
                          f"{subsets.MAX_COLUMNS} donor subsets")
    method = Method(form)
    # many-to-many: the compact model's LP bound is weak; column generation over the
    # recipients' donor sets gives a tighter one
    bound_by_sets = (method is Method.COMPACT and bool((inst.m > 1).any())
                     and colgen.applicable(inst))
    return MethodChoice(method, uses_transport, bound_by_sets)
