"""The pairing method is chosen once (pairaid.pairing.method.choose_method) by the rules
documented on ``PairingOptions.formulation``, and :func:`solve` runs the method chosen."""

from __future__ import annotations

import pytest

from pairaid.errors import ConfigError
from pairaid.pairing import PairingOptions, PairingProblem, solve
from pairaid.pairing import method as method_module
from pairaid.pairing.instance import build_instance
from pairaid.pairing.method import Method, MethodChoice, choose_method

from .helpers import make_problem


def _problem() -> PairingProblem:
    # 4 donors, 3 recipients, every pair a candidate: small enough for every method
    return make_problem({"A": 10, "B": 8, "C": 6, "D": 5}, {"X": 12, "Y": 9, "Z": 7},
                        km={(d, r): 100.0 + 37.0 * i + 11.0 * j
                            for i, d in enumerate("ABCD") for j, r in enumerate("XYZ")})


def _choice(**options: object) -> MethodChoice:
    opts = PairingOptions(**options)  # type: ignore[arg-type]
    return choose_method(build_instance(_problem(), opts), opts)


# (options, expected choice): one kind of instance each, by the rules of the docstring
KINDS = [
    ({"max_donors_per_recipient": 1}, MethodChoice(Method.ASSIGNMENT, True, False)),
    ({}, MethodChoice(Method.SUBSETS, True, False)),
    ({"max_donors_per_recipient": 1, "max_total_sent": 20.0},
     MethodChoice(Method.SUBSETS, True, False)),
    ({"burden_max_weight": 1.0}, MethodChoice(Method.COMPACT, False, False)),
    ({"max_recipients_per_donor": 2}, MethodChoice(Method.COMPACT, True, True)),
    ({"max_recipients_per_donor": 2, "integer_flows": False},
     MethodChoice(Method.COMPACT, False, True)),
    ({"exact_pairs": [("A", "X"), ("B", "Y"), ("C", "Z")]},
     MethodChoice(Method.COMPACT, False, False)),
    ({"formulation": "compact", "max_donors_per_recipient": 1},
     MethodChoice(Method.COMPACT, True, False)),
    ({"formulation": "transport"}, MethodChoice(Method.TRANSPORT, True, False)),
]


@pytest.mark.parametrize(("options", "expected"), KINDS)
def test_each_kind_of_instance_gets_its_method(options: dict[str, object],
                                               expected: MethodChoice) -> None:
    assert _choice(**options) == expected


def test_large_problems_go_to_transport_only_where_it_applies(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 12 candidate pairs x 1 resource: above a threshold of 11, at it with 12
    monkeypatch.setattr(method_module, "LARGE", 11)
    assert _choice(max_recipients_per_donor=2).method is Method.TRANSPORT
    assert _choice(max_recipients_per_donor=2, integer_flows=False).method is Method.COMPACT
    assert _choice().method is Method.SUBSETS  # an exact method first
    monkeypatch.setattr(method_module, "LARGE", 12)
    assert _choice(max_recipients_per_donor=2).method is Method.COMPACT


@pytest.mark.parametrize(("options", "needs"), [
    ({"formulation": "assignment"}, "k <= 1"),
    ({"formulation": "subsets", "max_recipients_per_donor": 2}, "max_recipients_per_donor"),
    ({"formulation": "transport", "integer_flows": False}, "integer flows"),
])
def test_a_named_method_that_does_not_apply_is_refused(options: dict[str, object],
                                                       needs: str) -> None:
    with pytest.raises(ConfigError, match=needs):
        _choice(**options)


@pytest.mark.parametrize(("options", "expected"), KINDS)
def test_solve_runs_the_method_chosen(options: dict[str, object],
                                     expected: MethodChoice) -> None:
    result = solve(_problem(), PairingOptions(**options))  # type: ignore[arg-type]
    assert result.formulation == expected.method.value
