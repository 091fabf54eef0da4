"""tables of needs, pledges, dispatches, users, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=100), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=True),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
        sa.UniqueConstraint("prev_hash", name=op.f("uq_audit_log_prev_hash")),
    )
    op.create_table(
        "capacities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_code", sa.String(length=12), nullable=False),
        sa.Column("resource", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacities")),
        sa.UniqueConstraint(
            "donor_code", "resource", name=op.f("uq_capacities_donor_code_resource")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('coordinator', 'auditor') OR region_code IS NOT NULL",
            name=op.f("ck_users_region_given"),
        ),
        sa.CheckConstraint(
            "role IN ('coordinator', 'donor', 'recipient', 'auditor')", name=op.f("ck_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_users_token_hash")),
    )
    op.create_table(
        "capacity_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("capacity_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "accepted <= quantity", name=op.f("ck_capacity_versions_accepted_within_capacity")
        ),
        sa.CheckConstraint(
            "accepted >= 0", name=op.f("ck_capacity_versions_accepted_not_negative")
        ),
        sa.CheckConstraint(
            "quantity >= 0", name=op.f("ck_capacity_versions_quantity_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["capacity_id"],
            ["capacities.id"],
            name=op.f("fk_capacity_versions_capacity_id_capacities"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_capacity_versions_changed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_versions")),
        sa.UniqueConstraint(
            "capacity_id", "version", name=op.f("uq_capacity_versions_capacity_id_version")
        ),
    )
    with op.batch_alter_table("capacity_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_versions_capacity_id"), ["capacity_id"], unique=False
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "needs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("resource", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_needs_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needs_region_code"), ["region_code"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("pairs", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_plans_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_table(
        "need_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "accepted <= quantity", name=op.f("ck_need_versions_accepted_within_need")
        ),
        sa.CheckConstraint("accepted >= 0", name=op.f("ck_need_versions_accepted_not_negative")),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_need_versions_quantity_not_negative")),
        sa.CheckConstraint('start <= "end"', name=op.f("ck_need_versions_start_before_end")),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_need_versions_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.id"], name=op.f("fk_need_versions_need_id_needs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need_versions")),
        sa.UniqueConstraint("need_id", "version", name=op.f("uq_need_versions_need_id_version")),
    )
    with op.batch_alter_table("need_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_versions_need_id"), ["need_id"], unique=False)

    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=False),
        sa.Column("donor_code", sa.String(length=12), nullable=False),
        sa.Column("resource", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_pledges_created_by_users")
        ),
        sa.ForeignKeyConstraint(["need_id"], ["needs.id"], name=op.f("fk_pledges_need_id_needs")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_pledges_plan_id_plans")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledges")),
    )
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pledges_donor_code"), ["donor_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_pledges_need_id"), ["need_id"], unique=False)

    op.create_table(
        "dispatches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("depart", sa.Date(), nullable=False),
        sa.Column("arrive", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("depart <= arrive", name=op.f("ck_dispatches_depart_before_arrive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_dispatches_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_dispatches_pledge_id_pledges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatches")),
    )
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispatches_pledge_id"), ["pledge_id"], unique=False)

    op.create_table(
        "pledge_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pledge_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("dispatched", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "status IN ('proposed', 'accepted', 'cancelled')",
            name=op.f("ck_pledge_versions_status"),
        ),
        sa.CheckConstraint(
            "dispatched <= quantity", name=op.f("ck_pledge_versions_dispatched_within_pledge")
        ),
        sa.CheckConstraint(
            "dispatched >= 0", name=op.f("ck_pledge_versions_dispatched_not_negative")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_pledge_versions_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_pledge_versions_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["pledge_id"], ["pledges.id"], name=op.f("fk_pledge_versions_pledge_id_pledges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pledge_versions")),
        sa.UniqueConstraint(
            "pledge_id", "version", name=op.f("uq_pledge_versions_pledge_id_version")
        ),
    )
    with op.batch_alter_table("pledge_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pledge_versions_pledge_id"), ["pledge_id"], unique=False
        )

    op.create_table(
        "dispatch_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispatch_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change", sa.String(length=200), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_dispatch_versions_quantity_positive")),
        sa.CheckConstraint(
            "received <= quantity", name=op.f("ck_dispatch_versions_received_within_dispatch")
        ),
        sa.CheckConstraint(
            "received >= 0", name=op.f("ck_dispatch_versions_received_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by"], ["users.id"], name=op.f("fk_dispatch_versions_changed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispatch_id"],
            ["dispatches.id"],
            name=op.f("fk_dispatch_versions_dispatch_id_dispatches"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_versions")),
        sa.UniqueConstraint(
            "dispatch_id", "version", name=op.f("uq_dispatch_versions_dispatch_id_version")
        ),
    )
    with op.batch_alter_table("dispatch_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispatch_versions_dispatch_id"), ["dispatch_id"], unique=False
        )

    op.create_table(
        "receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispatch_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_receipts_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_receipts_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispatch_id"], ["dispatches.id"], name=op.f("fk_receipts_dispatch_id_dispatches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_receipts_dispatch_id"), ["dispatch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_receipts_dispatch_id"))

    op.drop_table("receipts")
    with op.batch_alter_table("dispatch_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatch_versions_dispatch_id"))

    op.drop_table("dispatch_versions")
    with op.batch_alter_table("pledge_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledge_versions_pledge_id"))

    op.drop_table("pledge_versions")
    with op.batch_alter_table("dispatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispatches_pledge_id"))

    op.drop_table("dispatches")
    with op.batch_alter_table("pledges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pledges_need_id"))
        batch_op.drop_index(batch_op.f("ix_pledges_donor_code"))

    op.drop_table("pledges")
    with op.batch_alter_table("need_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_versions_need_id"))

    op.drop_table("need_versions")
    op.drop_table("plans")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_region_code"))

    op.drop_table("needs")
    op.drop_table("idempotency_keys")
    with op.batch_alter_table("capacity_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_versions_capacity_id"))

    op.drop_table("capacity_versions")
    op.drop_table("users")
    op.drop_table("capacities")
    op.drop_table("audit_log")
