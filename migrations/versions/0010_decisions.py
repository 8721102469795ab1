"""The board's decisions on each risk: treat, tolerate, transfer or terminate

One append-only row per decision, with its reason, the meeting (or the chair's action's day)
that took it, the day to look at it again and the risk's current score when it was taken. The
latest decision on a risk is its treatment; a risk with none is not yet decided.

Revision ID: 4e8a2c6b1d37
Revises: 9c1d5e7a3b20
Create Date: 2026-12-07 23:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4e8a2c6b1d37"
down_revision = "9c1d5e7a3b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("treatment", sa.String(length=10), nullable=False),
        sa.Column("transfer_agency_id", sa.Integer(), nullable=True),
        sa.Column("transfer_to", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("look_again_on", sa.Date(), nullable=True),
        sa.Column("likelihood", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("scheme_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "look_again_on IS NULL OR look_again_on > taken_on",
            name=op.f("ck_decision_look_again"),
        ),
        sa.CheckConstraint(
            "treatment != 'tolerate' OR look_again_on IS NOT NULL",
            name=op.f("ck_decision_tolerate_until"),
        ),
        sa.CheckConstraint(
            "treatment != 'transfer' OR transfer_agency_id IS NOT NULL OR transfer_to != ''",
            name=op.f("ck_decision_transfer_to_whom"),
        ),
        sa.CheckConstraint(
            "treatment IN ('treat', 'tolerate', 'transfer', 'terminate')",
            name=op.f("ck_decision_treatment"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_decision_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_decision_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_decision_risk_id_risk")),
        sa.ForeignKeyConstraint(
            ["transfer_agency_id"],
            ["agency.id"],
            name=op.f("fk_decision_transfer_agency_id_agency"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision")),
    )
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.create_index("ix_decision_risk_id_id", ["risk_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("decision", schema=None) as batch_op:
        batch_op.drop_index("ix_decision_risk_id_id")
    op.drop_table("decision")
