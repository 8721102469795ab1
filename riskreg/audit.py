"""The audit trail: one event per change, written in the same transaction as the change."""

from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user

from .clock import now_utc
from .extensions import db
from .models import AuditEvent


def plain(value: Any) -> Any:
    """A value as the audit trail stores it (JSON)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [plain(before.get(name)), plain(value)]
        for name, value in after.items()
        if plain(before.get(name)) != plain(value)
    }


def record_added(entity: str, item, names, summary: str) -> AuditEvent:
    """The event for a row just added and flushed (so it has its id): each of `names` as new."""
    values = {name: getattr(item, name) for name in names}
    return record(entity, item.id, "create", diff({}, values), summary=summary)


def acting_user_id() -> int | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None


def record(
    entity: str,
    entity_id: int | None,
    action: str,
    changes: dict[str, Any] | None = None,
    *,
    risk_id: int | None = None,
    summary: str = "",
    user_id: int | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        entity=entity,
        entity_id=entity_id,
        action=action,
        changes=changes or {},
        risk_id=risk_id,
        summary=summary[:300],
        user_id=user_id if user_id is not None else acting_user_id(),
        at=at or now_utc(),
    )
    db.session.add(event)
    return event
