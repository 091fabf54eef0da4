"""Evaluation of plans under uncertainty: replay plans on scenarios (``pairaid evaluate``).

Public API::

    from pairaid.evaluation import evaluate
    result = evaluate(run, scenarios=1000, seed=1)   # run: pairaid.pipeline.PlanRun
    result.table, result.summary, result.pairwise
"""

from pairaid.evaluation.api import Evaluation, build_context, evaluate, plan_specs

__all__ = ["Evaluation", "build_context", "evaluate", "plan_specs"]
