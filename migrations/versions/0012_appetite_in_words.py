"""A section's risk appetite in words, and its history

Each section's appetite gains a level (the Orange Book's averse, minimal, cautious, open or
eager; blank until set) and a statement in the board's words, beside the highest tolerated
score it had. Every setting of the three is kept, append-only, with who, when and the meeting
that agreed it. Existing sections start with no level or statement and their score as the
first entry of their history.

Revision ID: 2d9e4f6a8b15
Revises: 7b3f5a9c2e61
Create Date: 2026-12-08 00:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2d9e4f6a8b15"
down_revision = "7b3f5a9c2e61"
branch_labels = None
depends_on = None

LEVELS = "appetite_level IN ('', 'averse', 'minimal', 'cautious', 'open', 'eager')"


def upgrade():
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("appetite_level", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("appetite_statement", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(op.f("ck_section_appetite_level"), LEVELS)
    op.create_table(
        "appetite_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_appetite_change_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_appetite_change_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["section.id"], name=op.f("fk_appetite_change_section_id_section")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appetite_change")),
    )
    with op.batch_alter_table("appetite_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_appetite_change_section_id"), ["section_id"], unique=False
        )
    section = sa.table("section", sa.column("id"), sa.column("appetite"))
    change = sa.table(
        "appetite_change",
        sa.column("section_id"),
        sa.column("level"),
        sa.column("statement"),
        sa.column("score"),
        sa.column("created_at"),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(section.c.id, section.c.appetite)).all()
    if rows:
        now = sa.func.current_timestamp()
        for section_id, appetite in rows:
            connection.execute(
                sa.insert(change).values(
                    section_id=section_id, level="", statement="", score=appetite, created_at=now
                )
            )


def downgrade():
    with op.batch_alter_table("appetite_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appetite_change_section_id"))
    op.drop_table("appetite_change")
    with op.batch_alter_table("section", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_section_appetite_level"), type_="check")
        batch_op.drop_column("appetite_statement")
        batch_op.drop_column("appetite_level")
