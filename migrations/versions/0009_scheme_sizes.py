"""Scoring schemes of 3 to 6 levels each way

A scheme's size is the length of its likelihood and impact lists (JSON, unchanged). The
database now takes a likelihood or impact of 1 to 6 and an appetite of 1 to 36, the widest a
scheme can be; the app checks each score against the scheme it is made under. Existing 5 x 5
data is untouched.

Revision ID: 9c1d5e7a3b20
Revises: 5b0e7d21c9a4
Create Date: 2026-12-07 21:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "9c1d5e7a3b20"
down_revision = "5b0e7d21c9a4"
branch_labels = None
depends_on = None


def _checks(table: str, checks: dict[str, str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name, condition in checks.items():
            batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), condition)


def upgrade():
    _checks(
        "assessment",
        {"likelihood": "likelihood BETWEEN 1 AND 6", "impact": "impact BETWEEN 1 AND 6"},
    )
    _checks("section", {"appetite": "appetite IS NULL OR appetite BETWEEN 1 AND 36"})


def downgrade():
    _checks(
        "assessment",
        {"likelihood": "likelihood BETWEEN 1 AND 5", "impact": "impact BETWEEN 1 AND 5"},
    )
    _checks("section", {"appetite": "appetite IS NULL OR appetite BETWEEN 1 AND 25"})
