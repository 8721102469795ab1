"""Agreed snapshots: the register as the board agreed it at a meeting, one row per open risk

Revision ID: 8ececb116cec
Revises: f012f84c1912
Create Date: 2026-11-26 14:47:47.246858

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8ececb116cec"
down_revision = "f012f84c1912"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "snapshot_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("section_name", sa.String(length=120), nullable=False),
        sa.Column("section_prefix", sa.String(length=8), nullable=False),
        sa.Column("section_position", sa.Integer(), nullable=False),
        sa.Column("appetite", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("owner_role", sa.String(length=120), nullable=False),
        sa.Column("lead_agency", sa.String(length=120), nullable=False),
        sa.Column("partner_agencies", sa.String(length=500), nullable=False),
        sa.Column("priority", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("inherent_likelihood", sa.Integer(), nullable=True),
        sa.Column("inherent_impact", sa.Integer(), nullable=True),
        sa.Column("inherent_score", sa.Integer(), nullable=True),
        sa.Column("inherent_band", sa.String(length=40), nullable=True),
        sa.Column("inherent_scheme_version", sa.Integer(), nullable=True),
        sa.Column("current_likelihood", sa.Integer(), nullable=True),
        sa.Column("current_impact", sa.Integer(), nullable=True),
        sa.Column("current_score", sa.Integer(), nullable=True),
        sa.Column("current_band", sa.String(length=40), nullable=True),
        sa.Column("current_scheme_version", sa.Integer(), nullable=True),
        sa.Column("target_likelihood", sa.Integer(), nullable=True),
        sa.Column("target_impact", sa.Integer(), nullable=True),
        sa.Column("target_score", sa.Integer(), nullable=True),
        sa.Column("target_band", sa.String(length=40), nullable=True),
        sa.Column("target_scheme_version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_snapshot_row_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_snapshot_row_risk_id_risk")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot_row")),
        sa.UniqueConstraint("meeting_id", "risk_id", name=op.f("uq_snapshot_row_meeting_id")),
    )
    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_snapshot_row_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_snapshot_row_risk_id"), ["risk_id"], unique=False)


def downgrade():
    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_row_risk_id"))
        batch_op.drop_index(batch_op.f("ix_snapshot_row_meeting_id"))

    op.drop_table("snapshot_row")
