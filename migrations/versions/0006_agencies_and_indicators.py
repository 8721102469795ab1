"""Agencies as a list, and the performance data set

agency holds the partnership's agencies; each risk's free-text lead agency becomes
risk.lead_agency_id and its partner agencies rows of risk_partner, matched by name (unknown
names are added to the list). indicator, indicator_value (append-only: a correction adds a row)
and indicator_risk hold the data set and the risks each measure bears on; indicator_alert is
the projection that flags risks whose indicators moved since they were last rescored.

Revision ID: f2831a50db60
Revises: ac7b0c205976
Create Date: 2026-12-01 21:06:51.977516

"""

import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f2831a50db60"
down_revision = "ac7b0c205976"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agency",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("name", name=op.f("uq_agency_name")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(length=12), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year_rule", sa.String(length=10), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("polarity", sa.String(length=10), nullable=False),
        sa.Column("amber", sa.Double(), nullable=True),
        sa.Column("red", sa.Double(), nullable=True),
        sa.Column("change_percent", sa.Double(), nullable=True),
        sa.Column("owner_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('monthly', 'quarterly', 'yearly')", name=op.f("ck_indicator_frequency")
        ),
        sa.CheckConstraint(
            "polarity IN ('up_worse', 'up_better', 'neither')", name=op.f("ck_indicator_polarity")
        ),
        sa.CheckConstraint(
            "unit IN ('count', 'percentage', 'rate')", name=op.f("ck_indicator_unit")
        ),
        sa.CheckConstraint(
            "year_rule != 'sum' OR unit = 'count'", name=op.f("ck_indicator_sum_counts_only")
        ),
        sa.CheckConstraint(
            "year_rule IN ('sum', 'end', 'entered')", name=op.f("ck_indicator_year_rule")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_indicator_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_indicator_created_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_code")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_agency_id"), ["agency_id"], unique=False)

    op.create_table(
        "indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["user.id"], name=op.f("fk_indicator_value_entered_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_value_indicator_id_indicator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_indicator_value_entered_at"), ["entered_at"], unique=False
        )
        batch_op.create_index(
            "ix_indicator_value_period", ["indicator_id", "period_end", "id"], unique=False
        )

    op.create_table(
        "indicator_alert",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("alert_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_indicator_alert_risk_id_risk")
        ),
        sa.PrimaryKeyConstraint("risk_id", name=op.f("pk_indicator_alert")),
    )
    op.create_table(
        "indicator_risk",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_risk_indicator_id_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_indicator_risk_risk_id_risk")
        ),
        sa.PrimaryKeyConstraint("indicator_id", "risk_id", name=op.f("pk_indicator_risk")),
    )
    with op.batch_alter_table("indicator_risk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_risk_risk_id"), ["risk_id"], unique=False)

    op.create_table(
        "risk_partner",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_risk_partner_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"], ["risk.id"], name=op.f("fk_risk_partner_risk_id_risk")
        ),
        sa.PrimaryKeyConstraint("risk_id", "agency_id", name=op.f("pk_risk_partner")),
    )
    with op.batch_alter_table("risk_partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_partner_agency_id"), ["agency_id"], unique=False)

    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_agency_id", sa.Integer(), nullable=True))
    move_agencies_to_the_list()
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.alter_column("lead_agency_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            batch_op.f("ix_risk_lead_agency_id"), ["lead_agency_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_risk_lead_agency_id_agency"), "agency", ["lead_agency_id"], ["id"]
        )
        batch_op.drop_column("lead_agency")
        batch_op.drop_column("partner_agencies")


NAME_LIMIT = 120  # agency.name; a partner agencies field held up to 500 characters
TEXT_LIMIT = 500  # risk.partner_agencies, given back on downgrade


def agency_names(text):
    """The agencies named in a free-text field: split at commas, semicolons and line ends, each
    cut to what agency.name holds (PostgreSQL refuses a longer one)."""
    names = (
        " ".join(name.split())[:NAME_LIMIT].rstrip() for name in re.split(r"[,;\n]", text or "")
    )
    return [name for name in names if name]


def move_agencies_to_the_list():
    """Each risk's free-text lead and partner agencies become rows of the agency list, matched
    by name ignoring case and spacing; the first spelling met (in risk order) is kept."""
    connection = op.get_bind()
    agency = sa.table("agency", sa.column("id"), sa.column("name"), sa.column("created_at"))
    risk = sa.table(
        "risk",
        sa.column("id"),
        sa.column("lead_agency"),
        sa.column("partner_agencies"),
        sa.column("lead_agency_id"),
    )
    partner = sa.table("risk_partner", sa.column("risk_id"), sa.column("agency_id"))
    ids = {}

    def agency_id(name):
        key = name.casefold()
        if key not in ids:
            ids[key] = connection.execute(
                agency.insert()
                .values(name=name, created_at=datetime.now(UTC).replace(tzinfo=None))
                .returning(agency.c.id)
            ).scalar_one()
        return ids[key]

    risks = connection.execute(
        sa.select(risk.c.id, risk.c.lead_agency, risk.c.partner_agencies).order_by(risk.c.id)
    ).all()
    for risk_id, lead, partners in risks:
        lead_id = agency_id((agency_names(lead) or ["Not recorded"])[0])
        connection.execute(risk.update().where(risk.c.id == risk_id).values(lead_agency_id=lead_id))
        partner_ids = {agency_id(name) for name in agency_names(partners)} - {lead_id}
        for partner_id in sorted(partner_ids):
            connection.execute(partner.insert().values(risk_id=risk_id, agency_id=partner_id))


def downgrade():
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("partner_agencies", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("lead_agency", sa.String(length=120), nullable=False, server_default="")
        )
    connection = op.get_bind()
    for risk_id, name in connection.execute(
        sa.text(
            "SELECT risk.id, agency.name FROM risk JOIN agency ON agency.id = risk.lead_agency_id"
        )
    ).all():
        partners = connection.execute(
            sa.text(
                "SELECT agency.name FROM risk_partner JOIN agency ON agency.id = "
                "risk_partner.agency_id WHERE risk_partner.risk_id = :risk ORDER BY agency.name"
            ),
            {"risk": risk_id},
        ).scalars()
        connection.execute(
            sa.text(
                "UPDATE risk SET lead_agency = :lead, partner_agencies = :partners WHERE id = :id"
            ),
            {"lead": name, "partners": ", ".join(partners)[:TEXT_LIMIT], "id": risk_id},
        )
    with op.batch_alter_table("risk", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_risk_lead_agency_id_agency"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_risk_lead_agency_id"))
        batch_op.drop_column("lead_agency_id")

    with op.batch_alter_table("risk_partner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_partner_agency_id"))

    op.drop_table("risk_partner")
    with op.batch_alter_table("indicator_risk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_risk_risk_id"))

    op.drop_table("indicator_risk")
    op.drop_table("indicator_alert")
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_value_period")
        batch_op.drop_index(batch_op.f("ix_indicator_value_entered_at"))

    op.drop_table("indicator_value")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_agency_id"))

    op.drop_table("indicator")
    op.drop_table("agency")
