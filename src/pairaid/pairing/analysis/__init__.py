"""Analysis of pairing plans: evaluation, diagnosis, explanations and stability.

``evaluate`` (the objective terms of a plan), ``diagnose`` (why an instance is
infeasible), ``explain`` (what-if and marginal values), ``stable`` (preference-based
stable pairs), ``changes`` (what changed between two plans), ``transfer_explain`` (why each
transfer was chosen).
"""
