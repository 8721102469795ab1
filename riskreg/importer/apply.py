"""Applying an import's plan: every change made by the register's services, each audited, in
the caller's one transaction."""

from riskreg import audit
from riskreg.admin.services import find_or_add
from riskreg.domain.agencies import agency_key, agency_names
from riskreg.extensions import db
from riskreg.register import services

from .plan import ImportPlan, RowPlan, row_agencies


def apply_plan(plan: ImportPlan, *, user_id: int | None = None, progress=None) -> None:
    """Make every change of a valid plan, each audited by its service, and one audit event for
    the import itself; the caller commits (or rolls back: it is one transaction).
    `progress(done, total)`, if given, is called after each row."""
    assert not plan.errors, "only a valid plan is applied"
    if not plan.count("create") and not plan.count("update"):
        return  # re-importing an unchanged file leaves no trace
    rationale = f"Imported from {plan.filename}"
    names = [
        name for row in plan.rows if row.action != "unchanged" for name in row_agencies(row.fields)
    ]
    found = find_or_add(names, user_id=user_id)  # the new ones added, each audited
    agencies = {agency_key(name): agency.id for name, agency in zip(names, found, strict=True)}
    for done, row in enumerate(plan.rows, start=1):
        apply_row(row, rationale, user_id, agencies)
        if progress:
            progress(done, len(plan.rows))
    audit.record(
        "import",
        None,
        "import",
        {
            "file": [None, plan.filename],
            "created": [None, plan.count("create")],
            "updated": [None, plan.count("update")],
            "unchanged": [None, plan.count("unchanged")],
            "agencies_added": [None, len(plan.new_agencies)],
        },
        summary=f"Imported {plan.filename}: {plan.count('create')} created, "
        f"{plan.count('update')} updated, {plan.count('unchanged')} unchanged",
        user_id=user_id,
    )
    db.session.flush()


def service_fields(fields: dict, agencies: dict[str, int]) -> dict:
    """A planned row's fields as the services take them: agencies by id."""
    taken = {n: v for n, v in fields.items() if n not in ("lead_agency", "partner_agencies")}
    if "lead_agency" in fields:
        taken["lead_agency_id"] = agencies[agency_key(fields["lead_agency"])]
    if "partner_agencies" in fields:
        partners = agency_names(fields["partner_agencies"])
        taken["partner_agency_ids"] = [agencies[agency_key(name)] for name in partners]
    return taken


def apply_row(row: RowPlan, rationale: str, user_id: int | None, agencies: dict[str, int]):
    """One row's changes, each audited by its service."""
    fields = service_fields(row.fields, agencies)
    if row.action == "create":
        risk = services.create_risk(
            row.section, fields, row.scores, rationale, user_id=user_id, number=row.number
        )
    elif row.action == "update":
        risk = row.risk
        if row.fields:
            services.update_risk(risk, fields)
        if row.scores:
            services.rescore_risk(
                risk, row.scores, rationale, next_review=risk.next_review, user_id=user_id
            )
    else:
        return
    if row.status:
        reason = row.closed_reason if row.status == "closed" and row.closed_reason else rationale
        services.change_status(risk, reason, closing=row.status == "closed")
