"""The registry of staffing norm sets: one list for the help, the messages and the table."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pairaid.errors import ConfigError
from pairaid.needs import check_norm_set, norm_sets, norms_for
from pairaid.norms import NORM_SETS, PARAMETER_NORM_SET, RATIO_PARAMETERS


def test_the_registry_is_the_built_in_table_and_the_data_sets_own_set() -> None:
    # every set of data/norms/staffing_norms.csv is registered, and only the data set's
    # own ratio set is registered besides them
    assert set(norm_sets()) == set(NORM_SETS) - {PARAMETER_NORM_SET}
    own = norms_for({n: 1.0 for n in RATIO_PARAMETERS})
    assert set(norm_sets(own)) == set(NORM_SETS)


@pytest.mark.parametrize("command", ["plan", "check-needs"])
def test_help_names_every_registered_set(command: str) -> None:
    from pairaid.cli import cli

    result = CliRunner().invoke(cli, [command, "--help"], terminal_width=400)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for name, words in NORM_SETS.items():
        assert f"{name} ({words})" in text


def test_an_unknown_set_is_refused_naming_every_registered_one() -> None:
    # `--norms bogus` listed 2 sets (those of the table) where --help listed 3
    with pytest.raises(ConfigError) as err:
        check_norm_set("bogus", norms_for({}))
    assert f"known: {', '.join(NORM_SETS)} (" in str(err.value)


def test_the_data_sets_own_set_without_ratios_says_what_is_missing() -> None:
    with pytest.raises(ConfigError) as err:
        check_norm_set(PARAMETER_NORM_SET, norms_for({}))
    msg = str(err.value)
    assert "parameters.csv gives no staff-per-patient ratios" in msg
    assert all(n in msg for n in RATIO_PARAMETERS)
    assert msg.endswith("choose another set: covid-2020, ordinary")
    check_norm_set(PARAMETER_NORM_SET, norms_for({n: 1.0 for n in RATIO_PARAMETERS}))
