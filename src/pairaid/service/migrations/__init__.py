"""Alembic migrations of the service's database (applied by ``pairaid db upgrade``)."""
