"""The register read model: every page and export renders from the rows built here, with a
fixed number of SQL statements however many risks, assessments and actions there are.

- `lookups.py`: scheme versions and the active one, sections, agencies, the next meeting;
- `history.py`: the append-only score history, latest or as at any moment;
- `projection.py`: the projection of the latest scores, its one writer and its check;
- `filters.py`: what the register is filtered to, and the SQL twins of the domain's rules;
- `register.py`: the register's one statement, as rows, a page or the heat map's cells.

Callers import every name from `riskreg.readmodel`."""

from .filters import (
    FLAGS,
    STATUSES,
    TREATMENT_CHOICES,
    RegisterQuery,
    action_open_sql,
    action_overdue_sql,
    risk_conditions,
    risks_statement,
)
from .history import (
    PROJECTED,
    PROJECTED_COLUMNS,
    SCORE_PARTS,
    score_facts,
    score_reasons,
    scores_as_at,
)
from .lookups import (
    AgencyInfo,
    SectionInfo,
    active_scheme,
    active_scheme_row,
    active_scheme_version,
    agencies,
    agreed_at_meeting,
    forget_agencies,
    forget_schemes,
    last_agreed_before,
    next_meeting,
    scheme_from_row,
    schemes_by_version,
    sections,
)
from .projection import projection_drift, refresh_scores
from .register import (
    RISK_COLUMNS,
    RegisterPage,
    count_rows,
    heatmap_rows,
    partner_names,
    register_order,
    register_page,
    register_rows,
)

__all__ = [
    "FLAGS",
    "PROJECTED",
    "PROJECTED_COLUMNS",
    "RISK_COLUMNS",
    "SCORE_PARTS",
    "STATUSES",
    "TREATMENT_CHOICES",
    "AgencyInfo",
    "RegisterPage",
    "RegisterQuery",
    "SectionInfo",
    "action_open_sql",
    "action_overdue_sql",
    "active_scheme",
    "active_scheme_row",
    "active_scheme_version",
    "agencies",
    "agreed_at_meeting",
    "count_rows",
    "forget_agencies",
    "forget_schemes",
    "heatmap_rows",
    "last_agreed_before",
    "next_meeting",
    "partner_names",
    "projection_drift",
    "refresh_scores",
    "register_order",
    "register_page",
    "register_rows",
    "risk_conditions",
    "risks_statement",
    "scheme_from_row",
    "schemes_by_version",
    "score_facts",
    "score_reasons",
    "scores_as_at",
    "sections",
]
