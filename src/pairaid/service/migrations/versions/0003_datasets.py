"""datasets: the data set a database is used with, append-only

A database of an earlier revision that holds region rows (users of a region, needs,
capacities) was made under the only data set the service knew, the built-in
``hubei-2020``: it is recorded as such. An empty database records the data set the service
first starts with.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    datasets = op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
    )
    bind = op.get_bind()
    held = bind.execute(
        sa.text(
            "SELECT (SELECT COUNT(*) FROM users WHERE region_code IS NOT NULL) "
            "+ (SELECT COUNT(*) FROM needs) + (SELECT COUNT(*) FROM capacities)"
        )
    ).scalar()
    if held:
        op.bulk_insert(
            datasets,
            [{"name": "hubei-2020", "source": "built-in", "recorded_at": datetime.now(UTC)}],
        )
    if bind.dialect.name == "postgresql":  # pairaid_append_only() is made by 0002
        op.execute(
            "CREATE TRIGGER datasets_append_only BEFORE UPDATE OR DELETE ON "
            "datasets FOR EACH ROW EXECUTE FUNCTION pairaid_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER datasets_no_{verb.lower()} BEFORE {verb} ON "
                f"datasets BEGIN SELECT RAISE(ABORT, "
                f"'pairaid: datasets is append-only ({verb} refused)'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER datasets_append_only ON datasets")
    op.drop_table("datasets")  # SQLite drops the table's triggers with it
