"""The README's example output is what the code prints now (scripts/readme_example.py)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_readme_plan_output_and_first_scenario_are_current(load_script):
    gen = load_script("scripts/readme_example.py")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    printed, folder = gen.run_plan()
    assert gen.normalise(gen.block(readme, "plan")) == gen.normalise(
        f"```text\n{printed}\n```"), "README is stale: run scripts/readme_example.py"
    rows = gen.block(readme, "scenarios").splitlines()
    assert rows[:2] == gen.SCENARIO_HEAD.splitlines()
    assert rows[2] == gen.scenario_row("defaults", folder)
    assert len(rows) == 2 + len(gen.SCENARIOS)


def test_readme_generator_rewrites_only_its_blocks(load_script):
    gen = load_script("scripts/readme_example.py")
    text = ("intro\n<!-- BEGIN generated: plan -->\nold\n<!-- END generated: plan -->\n"
            "middle 12,215\n<!-- BEGIN generated: summary -->\nold\n"
            "<!-- END generated: summary -->\nend\n")
    new = gen.replace(text, {"plan": "```text\nnew\n```", "summary": "fresh"})
    assert new == text.replace("\nold\n<!-- END generated: plan",
                               "\n```text\nnew\n```\n<!-- END generated: plan").replace(
        "\nold\n<!-- END generated: summary", "\nfresh\n<!-- END generated: summary")
    assert re.search("middle 12,215", new)
    assert gen.normalise("│ solve_seconds        │     0.22 │") == \
        gen.normalise("│ solve_seconds        │     9.87 │")
