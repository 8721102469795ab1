"""The register read model: the live SQL rows agree with the pure domain's register, and the
query string is parsed and sorted the same way for every page."""

from datetime import date, datetime, timedelta

import pytest
from flask import g
from helpers import agency_id, count_statements, make_action, make_meeting, make_risk
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import register_as_at
from sqlalchemy import delete, select

from riskreg import clock, domain
from riskreg.clock import now_utc
from riskreg.domain.agencies import listed
from riskreg.extensions import db
from riskreg.models import Action, Assessment, Meeting, Risk, ScoringScheme, Section
from riskreg.readmodel import (
    RegisterQuery,
    active_scheme,
    refresh_scores,
    register_page,
    register_rows,
    schemes_by_version,
)
from riskreg.register import services
from riskreg.register.query import PAGE_SIZE, RegisterView, page_numbers, parse_register_args

DAY = 86400


def risk_fact(risk: Risk) -> domain.RiskFact:
    """The risk as the oracle sees it, straight from the ORM entity."""
    section = risk.section
    return domain.RiskFact(
        id=risk.id, ref=risk.ref, title=risk.title, statement=risk.statement,
        section_id=section.id, section_name=section.name, section_prefix=section.prefix,
        section_position=section.position, appetite=section.appetite,
        owner_name=risk.owner_name, owner_role=risk.owner_role,
        lead_agency=risk.lead_agency.name,
        partner_agencies=listed(agency.name for agency in risk.partners),
        priority=risk.priority, status=risk.status,
        created_at=risk.created_at, closed_at=risk.closed_at, closed_reason=risk.closed_reason,
        target_date=risk.target_date, next_review=risk.next_review, version=risk.version,
        causes=risk.causes, consequences=risk.consequences, owner_email=risk.owner_email,
    )  # fmt: skip


# A second scheme version whose bands differ from the default, so that a score's band depends
# on the version it was made under (10 is High in version 1 and Extreme in version 2).
V2_BANDS = [
    {"name": "Low", "min": 1, "max": 4, "colour": "#00703c", "review_months": 12},
    {"name": "Moderate", "min": 5, "max": 8, "colour": "#ffdd00", "review_months": 6},
    {"name": "High", "min": 9, "max": 9, "colour": "#f47738", "review_months": 3},
    {"name": "Extreme", "min": 10, "max": 25, "colour": "#d4351c", "review_months": 0},
]

assessments = st.lists(
    st.tuples(
        st.sampled_from(domain.KINDS),
        st.integers(1, 5),
        st.integers(1, 5),
        st.integers(0, 30),  # days after the start: few values, so times often tie
        st.sampled_from((1, 2)),  # scheme version
    ),
    max_size=6,
)
risks = st.lists(
    st.fixed_dictionaries(
        {
            "section": st.sampled_from(("SG", "BR")),
            "created_day": st.integers(0, 10),
            "closed_day": st.none() | st.integers(11, 40),
            "assessments": assessments,
            "review_in_days": st.none() | st.integers(-20, 20),
            "target_in_days": st.none() | st.integers(-20, 20),
        }
    ),
    min_size=1,
    max_size=5,
)


def clear_register():
    """Every risk, meeting and later scheme version gone; users, sections and settings stay."""
    keep = {"user", "section", "setting", "scoring_scheme", "login_attempt"}
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in keep:
                connection.execute(delete(table))
        connection.execute(delete(ScoringScheme).where(ScoringScheme.version > 1))


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(risks=risks, agreed_day=st.none() | st.integers(0, 35))
def test_live_register_equals_the_domain_register_as_at_now(app, risks, agreed_day):
    with app.app_context():
        db.session.remove()  # no open transaction may hold locks on the tables
        clear_register()
        g.pop("schemes", None)
        g.pop("sections", None)
        g.pop("agencies", None)

        now = now_utc().replace(microsecond=0)
        start = now - timedelta(days=45)
        today = now.date()
        sections = {s.prefix: s for s in db.session.scalars(select(Section))}
        v1 = db.session.scalar(select(ScoringScheme))
        v2 = ScoringScheme(version=2, likelihood=v1.likelihood, impact=v1.impact, bands=V2_BANDS)
        db.session.add(v2)
        scheme_ids = {1: v1, 2: v2}
        numbers = {"SG": 0, "BR": 0}
        lead = agency_id("Agency")
        for spec in risks:
            prefix = spec["section"]
            numbers[prefix] += 1
            closed = spec["closed_day"]
            review, target = spec["review_in_days"], spec["target_in_days"]
            risk = Risk(
                section=sections[prefix],
                number=numbers[prefix],
                ref=f"{prefix}-{numbers[prefix]:02d}",
                title=f"Risk {prefix} {numbers[prefix]}",
                statement="A statement.",
                owner_name="Owner",
                lead_agency_id=lead,
                created_at=start + timedelta(days=spec["created_day"]),
                status="open" if closed is None else "closed",
                closed_at=None if closed is None else start + timedelta(days=closed),
                next_review=None if review is None else today + timedelta(days=review),
                target_date=None if target is None else today + timedelta(days=target),
            )
            db.session.add(risk)
            db.session.flush()
            for kind, likelihood, impact, day, version in spec["assessments"]:
                db.session.add(
                    Assessment(
                        risk_id=risk.id,
                        kind=kind,
                        likelihood=likelihood,
                        impact=impact,
                        score=likelihood * impact,
                        scheme_id=scheme_ids[version].id,
                        created_at=start + timedelta(days=day),
                    )
                )
        baseline_at = None
        if agreed_day is not None:
            baseline_at = start + timedelta(days=agreed_day, hours=12)
            db.session.add(
                Meeting(held_on=baseline_at.date(), title="Board", agreed_at=baseline_at)
            )
        refresh_scores()  # rows added as a bulk load would add them
        db.session.commit()

        live = register_rows()
        facts = [risk_fact(r) for r in db.session.scalars(select(Risk))]
        scores = [
            domain.ScoreFact(
                a.id, a.risk_id, a.kind, a.likelihood, a.impact, a.score, version, a.created_at
            )
            for a, version in db.session.execute(
                select(Assessment, ScoringScheme.version).join(
                    ScoringScheme, ScoringScheme.id == Assessment.scheme_id
                )
            )
        ]
        expected = register_as_at(facts, scores, schemes_by_version(), now, baseline_at)

    def summary(rows):
        return [
            (
                row.ref,
                *(
                    (view.score, view.band.name, view.scheme_version) if view else None
                    for view in (row.inherent, row.current, row.target)
                ),
                row.direction,
                row.baseline_score,
                row.review_overdue,
                row.past_target,
            )
            for row in rows
        ]

    assert summary(live) == summary(expected)


def test_a_score_keeps_the_band_of_the_scheme_version_it_was_made_under(ctx):
    risk = make_risk(current=(2, 5))  # 10: High under version 1
    v1 = db.session.scalar(select(ScoringScheme))
    db.session.add(
        ScoringScheme(version=2, likelihood=v1.likelihood, impact=v1.impact, bands=V2_BANDS)
    )
    db.session.commit()
    g.pop("schemes", None)
    services.rescore_risk(risk, {"target": services.Scoring(2, 5)}, "Same score, new scheme")
    db.session.commit()
    [row] = register_rows()
    assert (row.current.band.name, row.current.scheme_version) == ("High", 1)
    assert (row.target.band.name, row.target.scheme_version) == ("Extreme", 2)
    assert active_scheme().version == 2


def test_flag_filters(ctx):
    today = clock.today()
    make_risk(title="Overdue review", next_review=today - timedelta(days=1))
    late = make_risk(title="Late action", next_review=today + timedelta(days=30))
    make_action(late, due_on=today - timedelta(days=3))
    make_risk(
        title="Past target",
        current=(4, 4),
        target=(2, 2),
        target_date=today - timedelta(days=1),
        next_review=today + timedelta(days=30),
    )

    def refs(flag):
        return [row.risk.title for row in register_rows(RegisterQuery(flag=flag))]

    assert refs("review_overdue") == ["Overdue review"]
    assert refs("actions_overdue") == ["Late action"]
    assert refs("past_target") == ["Past target"]


def test_the_register_as_at_a_past_day_and_the_direction_since_the_agreed_register(ctx):
    now = now_utc()
    risk = make_risk(current=(4, 4), at=now - timedelta(days=10))
    for days_ago in (2, 1):
        services.rescore_risk(
            risk, {"current": services.Scoring(2, 2)}, "Better", at=now - timedelta(days=days_ago)
        )
    make_risk(title="Raised yesterday", at=now - timedelta(days=1))
    db.session.commit()
    [then] = register_rows(RegisterQuery(as_at=(now - timedelta(days=5)).date()))
    assert (then.ref, then.current.score) == ("SG-01", 16)
    rows = register_rows()
    assert [(r.ref, r.current.score, r.direction) for r in rows] == [
        ("SG-02", 12, "new"),
        ("SG-01", 4, "same"),  # no meeting yet: against the previous assessment
    ]
    make_meeting(now.date(), agreed_at=now - timedelta(days=5))  # agreed when SG-01 was 16
    assert register_rows(RegisterQuery(ref="SG-01"))[0].direction == "down"


def test_open_from_widens_a_past_view_to_every_risk_open_in_the_window(ctx):
    def at(day, hour=12):
        return datetime(2024, 1, day, hour)

    def close(risk, when):
        services.close_risk(risk, "Mitigated", at=when)
        db.session.commit()

    close(make_risk(title="Gone before", at=at(1)), at(9, 23))
    close(make_risk(title="Closed at the window's start", at=at(1)), at(10, 0))
    closed_in = make_risk(title="Closed in it", current=(4, 4), at=at(1))
    services.rescore_risk(closed_in, {"current": services.Scoring(2, 2)}, "Better", at=at(12))
    close(closed_in, at(15))
    still_open = make_risk(title="Still open", current=(3, 3), at=at(11))
    services.rescore_risk(still_open, {"current": services.Scoring(5, 5)}, "Later", at=at(21))
    make_risk(title="Raised on the last day", at=at(20, 23))
    make_risk(title="Raised after", at=at(21))
    db.session.commit()

    window = RegisterQuery(as_at=date(2024, 1, 20), open_from=date(2024, 1, 10))
    rows = {row.risk.title: row for row in register_rows(window)}
    assert set(rows) == {
        "Closed at the window's start", "Closed in it", "Still open", "Raised on the last day"
    }  # fmt: skip
    closed = rows["Closed in it"]
    assert (closed.risk.status, closed.risk.closed_at) == ("closed", at(15))
    assert closed.current.score == 4  # its last score, made before it closed
    assert rows["Still open"].current.score == 9  # scored as at the end of the window
    at_the_end = [row.risk.title for row in register_rows(RegisterQuery(as_at=window.as_at))]
    assert sorted(at_the_end) == ["Raised on the last day", "Still open"]

    with count_statements() as plain:
        register_rows(RegisterQuery(as_at=window.as_at))
    with count_statements() as widened:
        register_rows(window)
    assert widened[0] == plain[0]

    with pytest.raises(ValueError, match="open_from"):
        RegisterQuery(open_from=window.open_from)  # a window needs its end
    with pytest.raises(ValueError, match="open_from"):
        RegisterQuery(as_at=date(2024, 1, 9), open_from=window.open_from)


def test_past_views_count_the_actions_open_and_overdue_then(ctx):
    def at(day):
        return datetime(2024, 3, day, 9)

    risk = make_risk(at=at(1))
    other = make_risk(title="No actions")

    def add(description, created, due, completed=None):
        action = services.save_mitigation(
            risk, None, Action, {"description": description, "due_on": due}, at=at(created)
        )
        if completed:
            services.save_mitigation(risk, action, Action, {"status": "complete"}, at=at(completed))
        db.session.commit()

    add("Done on the 12th", created=2, due=date(2024, 3, 5), completed=12)
    add("Due on the 15th", created=2, due=date(2024, 3, 15))
    add("Added on the 11th", created=11, due=date(2024, 3, 4))
    add("Undated", created=2, due=None)

    def counts(as_at=None):
        rows = register_rows(RegisterQuery(as_at=as_at))
        return {row.risk.title: (row.open_actions, row.overdue_actions) for row in rows}

    # 10 March: all but the one added on the 11th existed; the first was overdue, not yet done.
    assert counts(date(2024, 3, 10))[risk.title] == (3, 1)
    # 12 March: the first completed that day; the one added on the 11th is overdue.
    assert counts(date(2024, 3, 12))[risk.title] == (3, 1)
    # 20 March: the 15th has passed too.
    assert counts(date(2024, 3, 20))[risk.title] == (3, 2)
    assert counts()[risk.title] == (3, 2)  # live: the same three still open
    # 1 March: no action yet, and the other risk not raised.
    assert counts(date(2024, 3, 1)) == {risk.title: (0, 0)}
    assert counts()[other.title] == (0, 0)
    overdue = RegisterQuery(as_at=date(2024, 3, 10), flag="actions_overdue")
    assert [row.risk.title for row in register_rows(overdue)] == [risk.title]


# --- The query string --------------------------------------------------------------------

PREFIXES = {"SG", "BR"}
BANDS = {"Low", "Moderate", "High", "Extreme"}
TODAY = date(2025, 6, 1)


def parse(**args):
    return parse_register_args(args, PREFIXES, BANDS, TODAY)


def test_query_string_becomes_a_register_view():
    view = parse(
        section="SG", band="High", owner=" Police ", status="all", text="capacity",
        as_at="2025-03-31", flag="past_target", sort="current", order="desc", page="2",
        page_size="50", utm_source="email",
    )  # fmt: skip
    assert view.errors == {}
    assert view.query == RegisterQuery(
        section="SG", band="High", owner="Police", status="all", text="capacity",
        as_at=date(2025, 3, 31), flag="past_target",
    )  # fmt: skip
    assert (view.sort, view.order, view.page, view.page_size) == ("current", "desc", 2, 50)
    assert parse() == RegisterView()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("section", "XX", "Choose a section"),
        ("band", "Severe", "Choose a band"),
        ("status", "deleted", "Choose open, closed or all"),
        ("flag", "everything", "Choose a flag"),
        ("sort", "colour", "Sort by one of"),
        ("order", "up", "asc or desc"),
        ("page", "0", "whole number"),
        ("page", "two", "whole number"),
        ("page_size", "-5", "whole number"),
        ("page_size", "100000", "1000 or fewer"),
        ("as_at", "31/03/2025", "year-month-day"),
        ("as_at", "2025-02-30", "year-month-day"),
        ("as_at", "2025-06-02", "today or in the past"),
        ("text", "x" * 201, "200 characters or fewer"),
        ("owner", "x" * 201, "200 characters or fewer"),
    ],
)
def test_bad_query_values_are_reported_by_field(name, value, message):
    view = parse(**{name: value})
    assert list(view.errors) == [name]
    assert message in view.errors[name]


def test_view_args_make_short_links_and_sort_links_toggle():
    view = parse(section="SG", sort="ref", order="asc", page="3")
    assert view.args() == {"section": "SG", "sort": "ref", "order": "asc", "page": "3"}
    assert view.sort_args("ref") == {"section": "SG", "sort": "ref", "order": "desc"}
    assert view.sort_args("current")["order"] == "desc"  # highest score first
    assert view.sort_args("title")["order"] == "asc"
    assert (view.aria_sort("ref"), view.aria_sort("title")) == ("ascending", "none")
    assert parse().args() == {}


def sorted_refs(sort: str = "", order: str = "asc", **query) -> list[str]:
    return [r.ref for r in register_rows(RegisterQuery(**query), sort=sort, order=order)]


def test_sort_rows_by_column_in_the_database(app):
    with app.app_context():
        scored = {"SG-01": (2, 2), "SG-02": None, "BR-01": (1, 1)}
        for ref, current in scored.items():
            make_risk(ref[:2], f"Risk {ref}", current=current, target=None)
        for n in range(3, 10):  # SG-09 and SG-10: the ref's number sorts as a number
            make_risk("SG", f"Filler {n}", current=(1, 2), target=None)
        make_risk("SG", "Ten", current=(4, 4), target=None)
        assert sorted_refs()[:3] == ["SG-10", "SG-01"] + ["SG-03"]  # register order
        assert sorted_refs("ref")[:3] == ["BR-01", "SG-01", "SG-02"]
        assert sorted_refs("ref", "desc")[:3] == ["SG-10", "SG-09", "SG-08"]
        # Unscored rows come last whichever way the scores are sorted.
        assert sorted_refs("current", "desc")[:2] == ["SG-10", "SG-01"]
        assert sorted_refs("current", "desc")[-1] == "SG-02"
        assert sorted_refs("current", "asc")[0] == "BR-01"
        assert sorted_refs("current", "asc")[-1] == "SG-02"
        assert sorted_refs("title")[:2] == ["SG-03", "SG-04"]  # "Filler 3" before "Risk ..."
        risk = db.session.scalar(select(Risk).where(Risk.ref == "SG-05"))
        risk.next_review = date(2025, 1, 1)
        db.session.commit()
        assert sorted_refs("next_review")[0] == "SG-05"
        services.rescore_risk(risk, {"current": services.Scoring(5, 5)}, "Worse")
        db.session.commit()
        assert sorted_refs("direction", "desc")[0] == "SG-05"  # up: the worst way first


def test_paging_in_the_database(app):
    with app.app_context():
        for n in range(1, 251):
            make_risk("SG", f"Risk {n}", current=(1 + n % 5, 2), target=None)
        every = sorted_refs()
        first = register_page(RegisterQuery(), page=1, page_size=PAGE_SIZE)
        assert (first.total, first.offset, len(first.rows)) == (250, 0, 100)
        assert [r.ref for r in first.rows] == every[:100]
        last = register_page(RegisterQuery(), page=3, page_size=PAGE_SIZE)
        assert (last.offset, [r.ref for r in last.rows]) == (200, every[200:])
        beyond = register_page(RegisterQuery(), page=9, page_size=PAGE_SIZE)
        assert beyond.offset == 200  # past the end: the last page
        assert register_page(RegisterQuery(text="nothing"), page=1, page_size=PAGE_SIZE).total == 0


def test_page_numbers():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert page_numbers(2, 3) == [1, 2, 3]
