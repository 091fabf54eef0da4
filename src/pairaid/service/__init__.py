"""The coordination service: needs, pledges, acceptance, dispatch and receipt.

A FastAPI application over SQLAlchemy 2 (SQLite by default, PostgreSQL by URL) with Alembic
migrations shipped in :mod:`pairaid.service.migrations`. Build it with
:func:`pairaid.service.app.create_app`; nothing is created at import. One folder per
domain (``users``, ``capacities``, ``needs``, ``pledges``, ``dispatches``, ``board``,
``audit``, ``plans``), each with ``models.py`` (tables), ``schemas.py`` (pydantic),
``service.py`` (keyword-only functions taking a session: the rules) and ``views.py`` (thin
routes). See ``docs/service.md``.
"""
