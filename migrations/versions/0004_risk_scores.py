"""The projection of each risk's latest scores, and the register version for caching

risk_scores holds each risk's latest inherent, current and target assessment and the baseline
its direction of travel compares with, so the register is filtered, sorted and paged in SQL;
register_version is bumped by every change a register page shows. Both are backfilled here
from the append-only assessments.

Revision ID: 5b7d0c2e9a14
Revises: e9b79b05184f
Create Date: 2026-12-01 12:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b7d0c2e9a14"
down_revision = "e9b79b05184f"
branch_labels = None
depends_on = None

KINDS = ("inherent", "current", "target", "baseline")
PARTS = (
    ("id", sa.Integer()),
    ("likelihood", sa.Integer()),
    ("impact", sa.Integer()),
    ("score", sa.Integer()),
    ("scheme_version", sa.Integer()),
    ("at", sa.DateTime()),
)


def score_columns():
    for kind in KINDS:
        for part, type_ in PARTS:
            foreign = (sa.ForeignKey("assessment.id", name=f"fk_risk_scores_{kind}_id_assessment"),)
            yield sa.Column(f"{kind}_{part}", type_, *(foreign if part == "id" else ()))


def upgrade():
    risk_scores = op.create_table(
        "risk_scores",
        sa.Column("risk_id", sa.Integer(), nullable=False),
        *score_columns(),
        sa.ForeignKeyConstraint(["risk_id"], ["risk.id"], name=op.f("fk_risk_scores_risk_id_risk")),
        sa.PrimaryKeyConstraint("risk_id", name=op.f("pk_risk_scores")),
    )
    op.create_index(op.f("ix_risk_scores_current_score"), "risk_scores", ["current_score"])
    register_version = op.create_table(
        "register_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_version")),
    )
    # The register's filter by status and its order within a section, without reading the rows.
    op.create_index(
        "ix_risk_status_section_number", "risk", ["status", "section_id", "number", "ref"]
    )
    # The latest assessment of each (risk, kind) by date: the window the history is read with.
    op.create_index(
        "ix_assessment_risk_kind_created", "assessment", ["risk_id", "kind", "created_at"]
    )
    op.bulk_insert(register_version, [{"id": 1, "version": 1}])
    op.bulk_insert(risk_scores, list(backfill(op.get_bind())))


def backfill(connection):
    """Each risk's projection from its assessments: the latest of each kind; the baseline is
    the latest current one by the last agreement of the register, or before any, the one
    before the latest."""
    agreed_at = connection.execute(sa.text("SELECT max(agreed_at) FROM meeting")).scalar()
    if isinstance(agreed_at, str):  # SQLite hands back its text
        agreed_at = sa.DateTime().result_processor(connection.dialect, None)(agreed_at)
    assessment = sa.table(
        "assessment",
        *(sa.column(name) for name in ("id", "risk_id", "kind", "likelihood", "impact", "score")),
        sa.column("scheme_id"),
        sa.column("created_at", sa.DateTime()),
    )
    scheme = sa.table("scoring_scheme", sa.column("id"), sa.column("version"))
    rows = connection.execute(
        sa.select(assessment, scheme.c.version)
        .join(scheme, scheme.c.id == assessment.c.scheme_id)
        .order_by(assessment.c.risk_id, assessment.c.created_at, assessment.c.id)
    )
    history: dict[int, list] = {}
    for row in rows:
        history.setdefault(row.risk_id, []).append(row)
    for (risk_id,) in connection.execute(sa.text("SELECT id FROM risk")):
        values = {"risk_id": risk_id} | {f"{k}_{p}": None for k in KINDS for p, _ in PARTS}
        currents = []
        for row in history.get(risk_id, []):  # oldest first: the last one of a kind wins
            values |= part_values(row.kind, row)
            if row.kind == "current":
                currents.append(row)
        if agreed_at is not None:
            by_then = [row for row in currents if row.created_at <= agreed_at]
            baseline = by_then[-1] if by_then else None
        else:
            baseline = currents[-2] if len(currents) > 1 else None
        if baseline is not None:
            values |= part_values("baseline", baseline)
        yield values


def part_values(kind, row):
    return {
        f"{kind}_id": row.id,
        f"{kind}_likelihood": row.likelihood,
        f"{kind}_impact": row.impact,
        f"{kind}_score": row.score,
        f"{kind}_scheme_version": row.version,
        f"{kind}_at": row.created_at,
    }


def downgrade():
    op.drop_index("ix_assessment_risk_kind_created", table_name="assessment")
    op.drop_index("ix_risk_status_section_number", table_name="risk")
    op.drop_table("register_version")
    op.drop_index(op.f("ix_risk_scores_current_score"), table_name="risk_scores")
    op.drop_table("risk_scores")
