"""Idempotency keys: a POST with the same ``Idempotency-Key`` is applied once."""
