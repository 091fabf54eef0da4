"""append-only: the database refuses UPDATE and DELETE on history and the audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_log", "capacities", "capacity_versions", "needs", "need_versions",
               "pledges", "pledge_versions", "dispatches", "dispatch_versions", "receipts",
               "plans")
"""Tables whose rows are never changed or removed once written."""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION pairaid_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'pairaid: % is append-only (% refused)',
                    TG_TABLE_NAME, TG_OP;
            END $$ LANGUAGE plpgsql""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "
                       f"{table} FOR EACH ROW EXECUTE FUNCTION pairaid_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON "
                           f"{table} BEGIN SELECT RAISE(ABORT, "
                           f"'pairaid: {table} is append-only ({verb} refused)'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION pairaid_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
