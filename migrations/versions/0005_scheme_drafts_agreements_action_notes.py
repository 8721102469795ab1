"""Scheme drafts, agreed rescores, action owners and progress notes

scheme_draft holds an edited scoring scheme until an admin adopts it (it then becomes the next
version); assessment_agreement records the rescores the board agreed when it agreed the
register at a meeting, so assessments stay append-only; actions gain an owner e-mail and
progress notes; a closed risk may name the meeting that agreed its closure.

Revision ID: ac7b0c205976
Revises: 5b7d0c2e9a14
Create Date: 2026-12-01 15:07:05.598001

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ac7b0c205976"
down_revision = "5b7d0c2e9a14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheme_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.JSON(), nullable=False),
        sa.Column("impact", sa.JSON(), nullable=False),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_scheme_draft_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_draft")),
    )
    op.create_table(
        "action_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_action_note_action_id_action")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_action_note_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_note")),
    )
    with op.batch_alter_table("action_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_note_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_note_created_at"), ["created_at"], unique=False)

    op.create_table(
        "assessment_agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("agreed_at", sa.DateTime(), nullable=False),
        sa.Column("agreed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreed_by_id"], ["user.id"], name=op.f("fk_assessment_agreement_agreed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessment.id"],
            name=op.f("fk_assessment_agreement_assessment_id_assessment"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_assessment_agreement_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_agreement")),
        sa.UniqueConstraint(
            "meeting_id", "assessment_id", name=op.f("uq_assessment_agreement_meeting_id")
        ),
    )
    with op.batch_alter_table("assessment_agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_agreement_assessment_id"), ["assessment_id"], unique=False
        )

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("owner_email", sa.String(length=254), nullable=False, server_default="")
        )

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_meeting_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_closed_meeting_id_meeting"),
            "meeting",
            ["closed_meeting_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_risk_closed_meeting_id_meeting"), type_="foreignkey"
        )
        batch_op.drop_column("closed_meeting_id")

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_column("owner_email")

    with op.batch_alter_table("assessment_agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_agreement_assessment_id"))

    op.drop_table("assessment_agreement")
    with op.batch_alter_table("action_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_note_created_at"))
        batch_op.drop_index(batch_op.f("ix_action_note_action_id"))

    op.drop_table("action_note")
    op.drop_table("scheme_draft")
