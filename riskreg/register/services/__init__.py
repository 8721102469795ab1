"""Changing the register. Each function makes one change and its audit events, and leaves the
commit to the caller, so a change and its audit trail land together or not at all: a risk's
own fields and status (`risks.py`), its scores (`scores.py`), its controls and actions
(`mitigations.py`), all under the optimistic lock of `locking.py`. Callers take them from here."""

from .locking import StaleVersion, check_version, mark_changed
from .mitigations import (
    ACTION_FIELDS,
    ASSURANCE_FIELDS,
    CONTROL_FIELDS,
    AssuranceUpdate,
    add_action_note,
    record_assurance,
    remove_mitigation,
    remove_notes,
    save_mitigation,
)
from .risks import (
    AUDITED_AS,
    RISK_FIELDS,
    audited_values,
    change_status,
    close_risk,
    closure_meeting_label,
    create_risk,
    next_number,
    reopen_risk,
    set_fields,
    update_risk,
)
from .scores import (
    Scoring,
    add_assessments,
    record_review,
    record_under_scheme,
    rescore_risk,
    set_next_review,
    suggested_review,
)

__all__ = [
    "ACTION_FIELDS", "ASSURANCE_FIELDS", "AUDITED_AS", "CONTROL_FIELDS", "RISK_FIELDS",
    "AssuranceUpdate", "Scoring", "StaleVersion",
    "add_action_note", "add_assessments", "audited_values", "change_status", "check_version",
    "close_risk", "closure_meeting_label", "create_risk", "mark_changed", "next_number",
    "record_assurance", "record_review", "record_under_scheme", "remove_mitigation",
    "remove_notes", "reopen_risk", "rescore_risk", "save_mitigation", "set_fields",
    "set_next_review",
    "suggested_review", "update_risk",
]  # fmt: skip
