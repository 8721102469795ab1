"""Reviews of a risk that keep its scores

One append-only row per review: the day and what was looked at, with who recorded it and when.

Revision ID: 7b3f5a9c2e61
Revises: 4e8a2c6b1d37
Create Date: 2026-12-08 00:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7b3f5a9c2e61"
down_revision = "4e8a2c6b1d37"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_review_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_review_risk_id_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_risk_id_created_at", ["risk_id", "created_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("ix_review_risk_id_created_at")
    op.drop_table("review")
