"""Messages of the error hierarchy: where the problem is, in one line when there is one."""

from __future__ import annotations

from pairaid.errors import InputError, Problem


def test_one_problem_is_one_line_naming_file_line_and_column() -> None:
    err = InputError([Problem("cases.csv", "expected a number, got 'x'", row=3,
                              column="new_confirmed")])
    assert str(err) == ("invalid input: cases.csv, line 3, column 'new_confirmed': expected a "
                        "number, got 'x'")


def test_many_problems_one_per_line_and_the_rest_counted() -> None:
    problems = [Problem("regions.csv", f"problem {i}", row=i + 2) for i in range(25)]
    lines = str(InputError(problems)).splitlines()
    assert lines[0] == "invalid input:"
    assert lines[1].strip() == "regions.csv, line 2: problem 0"
    assert len(lines) == 1 + 20 + 1 and lines[-1].strip() == "... and 5 more problems"
