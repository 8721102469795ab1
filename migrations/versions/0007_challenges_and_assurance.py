"""Challenges and the assurance map

challenge holds the board's challenges to agencies as they stand, challenge_step every step
of each (append-only). Each control gains its assurance map (line, level, date, gaps in
control and in assurance); existing controls become "not yet assessed". control_assurance
keeps every assurance update (append-only); the latest is copied onto the control.

Revision ID: 28df1632ae83
Revises: f2831a50db60
Create Date: 2026-12-02 00:28:43.278366

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "28df1632ae83"
down_revision = "f2831a50db60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "challenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("response_due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("response_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("escalated_to", sa.String(length=10), nullable=False),
        sa.Column("escalated_whom", sa.String(length=200), nullable=False),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "escalated_to IN ('', 'chair', 'partners')", name=op.f("ck_challenge_escalated_to")
        ),
        sa.CheckConstraint(
            "outcome IN ('', 'resolved', 'escalated')", name=op.f("ck_challenge_outcome")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'responded', 'closed', 'withdrawn')",
            name=op.f("ck_challenge_status"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_challenge_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["user.id"], name=op.f("fk_challenge_raised_by_id_user")
        ),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_challenge_risk_id_risk")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge")),
    )
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_challenge_response_due"), ["response_due"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_challenge_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "challenge_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("escalated_to", sa.String(length=10), nullable=False),
        sa.Column("escalated_whom", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('raised', 'reworded', 'due_changed', 'responded', 'closed', 'reopened', "
            "'withdrawn', 'summarised')",
            name=op.f("ck_challenge_step_kind"),
        ),
        sa.ForeignKeyConstraint(["by_id"], ["user.id"], name=op.f("fk_challenge_step_by_id_user")),
        sa.ForeignKeyConstraint(
            ["challenge_id"],
            ["challenge.id"],
            name=op.f("fk_challenge_step_challenge_id_challenge"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_step")),
    )
    with op.batch_alter_table("challenge_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_challenge_step_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_challenge_step_challenge_id"), ["challenge_id"], unique=False
        )

    op.create_table(
        "control_assurance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=14), nullable=False),
        sa.Column("assured_on", sa.Date(), nullable=True),
        sa.Column("control_gaps", sa.Text(), nullable=False),
        sa.Column("assurance_gaps", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["control_id"], ["control.id"], name=op.f("fk_control_assurance_control_id_control")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_control_assurance_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_assurance")),
    )
    with op.batch_alter_table("control_assurance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_control_assurance_control_id"), ["control_id"], unique=False
        )

    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assurance_line", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "assurance_level",
                sa.String(length=14),
                nullable=False,
                server_default="not_assessed",
            )
        )
        batch_op.add_column(sa.Column("assured_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("control_gaps", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("assurance_gaps", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_control_assurance_line"), sa.text("assurance_line BETWEEN 1 AND 3")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_control_assurance_level"),
            sa.text(
                "assurance_level IN ('not_assessed', 'substantial', 'reasonable', 'limited', "
                "'none')"
            ),
        )


def downgrade():
    with op.batch_alter_table("control", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_control_assurance_level"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_control_assurance_line"), type_="check")
        batch_op.drop_column("assurance_gaps")
        batch_op.drop_column("control_gaps")
        batch_op.drop_column("assured_on")
        batch_op.drop_column("assurance_level")
        batch_op.drop_column("assurance_line")

    with op.batch_alter_table("control_assurance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_control_assurance_control_id"))

    op.drop_table("control_assurance")
    with op.batch_alter_table("challenge_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_step_challenge_id"))
        batch_op.drop_index(batch_op.f("ix_challenge_step_at"))

    op.drop_table("challenge_step")
    with op.batch_alter_table("challenge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenge_risk_id"))
        batch_op.drop_index(batch_op.f("ix_challenge_response_due"))
        batch_op.drop_index(batch_op.f("ix_challenge_agency_id"))

    op.drop_table("challenge")
