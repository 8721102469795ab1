"""An agreed snapshot keeps each risk's treatment and its section's appetite level

Each snapshot row gains the risk's latest decision as it stood when the register was agreed
(its treatment, to whom, the day to look again and the score it was taken at) and its
section's appetite level. Snapshots agreed before this have none: blank.

Revision ID: 5c1a7e3d9f42
Revises: 2d9e4f6a8b15
Create Date: 2026-12-08 00:35:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5c1a7e3d9f42"
down_revision = "2d9e4f6a8b15"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("treatment", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("treatment_to", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("look_again_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("decided_score", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("appetite_level", sa.String(length=10), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("snapshot_row", schema=None) as batch_op:
        for name in ("appetite_level", "decided_score", "look_again_on", "treatment_to",
                     "treatment"):  # fmt: skip
            batch_op.drop_column(name)
