"""The register: the list of risks and each risk's page."""

from flask import abort, render_template, request
from markupsafe import Markup, escape

from riskreg import domain
from riskreg.challenges.listing import of_risk as challenges_of
from riskreg.clock import today
from riskreg.decisions.services import decisions_of
from riskreg.domain.assurance import assurance_summary, line_words
from riskreg.domain.dates import long_date
from riskreg.indicators.data import series_for_risks
from riskreg.readmodel import (
    FLAGS,
    RegisterQuery,
    active_scheme,
    agencies,
    register_rows,
    sections,
)
from riskreg.ui import cached_page

from .audit_trail import audit_changes, value_text
from .blueprint import bp
from .detail import (
    actions_of,
    controls_of,
    earlier_assurance,
    load_risk,
    notes_of,
    score_history,
    score_history_chart,
)
from .query import SORT_COLUMNS, page_numbers, page_of, register_query_from_args

# The filters that are fields of the register's form (sort and page come from links).
FILTER_FIELDS = (
    "section",
    "band",
    "status",
    "flag",
    "treatment",
    "agency",
    "owner",
    "text",
    "as_at",
)


@bp.route("/risks")
def index():
    return cached_page("register", lambda: register_body(register_query_from_args(request.args)))


def filters(view) -> dict:
    return {
        "view": view,
        "values": request.args,
        "choices": {
            "section": [("", "All sections")] + [(s.prefix, s.name) for s in sections()],
            "band": [("", "All bands")] + [(b.name, b.name) for b in active_scheme().bands],
            "status": [("open", "Open"), ("closed", "Closed"), ("all", "Open and closed")],
            "flag": [("", "Any")] + list(FLAGS.items()),
            "treatment": [("", "Any")]
            + list(domain.TREATMENTS.items())
            + [("undecided", domain.UNDECIDED)],
            "agency": [("", "All agencies")] + [(str(a.id), a.name) for a in agencies()],
        },
        "columns": SORT_COLUMNS,
    }


def register_body(view) -> tuple[str, str, int]:
    if view.errors:
        error_list = [
            {"text": message, "href": f"#filter-{name}{'-day' * (name == 'as_at')}"}
            if name in FILTER_FIELDS
            else {"text": message}
            for name, message in view.errors.items()
        ]
        body = render_template(
            "register/_body.html", error_list=error_list, page=None, **filters(view)
        )
        return "Error: Risk register", body, 400
    page = page_of(view)
    title = "Risk register"
    if view.query.as_at:
        title += f" as at {long_date(view.query.as_at)}"
    if page.count > 1:
        title += f" (page {page.number} of {page.count})"
    body = render_template(
        "register/_body.html",
        error_list=[],
        page=page,
        page_links=page_numbers(page.number, page.count),
        **filters(view),
    )
    return title, body, 200


@bp.route("/risks/<ref>")
def risk(ref):
    found = load_risk(ref)
    if found is None:
        abort(404)
    risk, raised_by, closed_meeting = found
    rows = register_rows(RegisterQuery(ref=risk.ref, status="all"))
    history = score_history(risk.id)
    controls = controls_of(risk.id)
    return render_template(
        "register/risk.html",
        title=f"{risk.ref}: {risk.title}",
        risk=risk,
        raised_by=raised_by,
        closed_meeting=closed_meeting,
        row=rows[0] if rows else None,
        history=history,
        history_chart=score_history_chart(risk, history, today()),
        controls=controls,
        assurance_summary=assurance_summary(
            (c.assurance_line, c.assurance_level) for c in controls
        ),
        earlier_assurance=earlier_assurance(risk.id),
        actions=actions_of(risk.id),
        notes=notes_of(risk.id),
        trail=audit_changes(risk.id),
        indicators=series_for_risks([risk.id]).get(risk.id, []),
        challenges=challenges_of(risk.id),
        decisions=decisions_of(risk.id),
        UNDECIDED=domain.UNDECIDED,
        today=today(),
    )


def flag_tags(row: domain.RegisterRow) -> Markup:
    """The row's flags as tags (Python rather than a macro: the register draws 100 a page)."""
    tags = []
    if row.review_overdue:
        tags.append('<strong class="govuk-tag govuk-tag--red rr-flag">Review overdue</strong>')
    if n := row.overdue_actions:
        tags.append(
            f'<strong class="govuk-tag govuk-tag--red rr-flag">{n} action{"s" * (n != 1)} '
            "overdue</strong>"
        )
    if row.past_target:
        tags.append('<strong class="govuk-tag govuk-tag--orange rr-flag">Past target date</strong>')
    if row.indicator_moved:
        tags.append(
            '<strong class="govuk-tag govuk-tag--orange rr-flag">'
            "Indicator moved since last rescore</strong>"
        )
    if row.open_challenge:
        tags.append('<strong class="govuk-tag govuk-tag--purple rr-flag">Open challenge</strong>')
    if row.weak_assurance:
        tags.append(
            '<strong class="govuk-tag govuk-tag--orange rr-flag">Limited or no assurance</strong>'
        )
    if row.decision_due:
        tags.append(
            '<strong class="govuk-tag govuk-tag--orange rr-flag">Decision due for review</strong>'
        )
    if row.no_decision:
        tags.append(
            '<strong class="govuk-tag govuk-tag--red rr-flag">Above appetite, no decision</strong>'
        )
    return Markup("\n".join(tags))


def owner_cell(risk: domain.RiskFact) -> Markup:
    agency = risk.lead_agency
    lead = f' <span class="rr-secondary">{escape(agency)}</span>' if agency else ""
    return Markup(f"{escape(risk.owner_name)}{lead}")


def select_items(choices, selected: str) -> list[dict]:
    """GOV.UK select items from (value, text) pairs."""
    return [
        {"value": value, "text": text, "selected": value == selected} for value, text in choices
    ]


@bp.context_processor
def register_helpers():
    return {
        "select_items": select_items,
        "flag_tags": flag_tags,
        "owner_cell": owner_cell,
        "value_text": value_text,
        "line_words": line_words,
        "action_overdue_on": domain.action_overdue_on,
        "DIRECTION_WORDS": {key: words for key, (_, words) in domain.DIRECTIONS.items()},
    }
