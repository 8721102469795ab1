"""The register, the risk page and the dashboard, as a member and a manager read them."""

import re
from datetime import timedelta

import pytest
from helpers import (
    agency_id,
    make_action,
    make_control,
    make_meeting,
    make_risk,
    make_user,
    request_statements,
)
from sqlalchemy import insert, select

from riskreg import clock
from riskreg.clock import now_utc
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Action, Assessment, Control, Risk, Section
from riskreg.register import services

TODAY = clock.today()
LATER = TODAY + timedelta(days=60)


def refs_in(html):
    """The refs the register table lists, in order."""
    return re.findall(r'href="/risks/([A-Z]+-\d+)"', html.split("<tbody", 1)[1])


def caption(html):
    match = re.search(r"<caption[^>]*>\s*(.*?)\s*<", html, re.S)
    return match.group(1).strip()


@pytest.fixture
def register(app):
    """Three open risks and a closed one."""
    with app.app_context():
        make_risk(
            title="Front-line capacity",
            current=(4, 4),
            next_review=LATER,
            owner_name="Gary Whitehouse",
            lead_agency="Children's Services",
        )
        make_risk(
            title="Health reorganisation",
            current=(3, 4),
            next_review=LATER,
            owner_name="Sunita Dhillon",
            lead_agency="Dudley CCG",
            statement="Police and NHS restructures disrupt practice.",
        )
        make_risk(
            section="BR",
            title="Business plan capacity",
            current=(2, 2),
            next_review=LATER,
            owner_name="Karen Yates",
            lead_agency="Business Unit",
        )
        closed = make_risk(section="BR", title="Minutes late", next_review=LATER)
        services.close_risk(closed, "Minutes now out within a week")
        db.session.commit()
    # fmt: skip


def test_the_register_lists_open_risks_with_bands_direction_and_owner(register, login):
    html = login("member").get("/risks").text
    assert refs_in(html) == ["SG-01", "SG-02", "BR-01"]  # section order, highest first
    assert caption(html) == "3 risks match"
    assert "16 Extreme" in html and "12 High" in html and "4 Moderate" in html
    assert 'class="rr-band rr-band--extreme"' in html
    assert "Gary Whitehouse" in html and "Children&#39;s Services" in html
    assert '<span class="govuk-visually-hidden">New</span>' in html or ">New<" in html
    assert "Minutes late" not in html  # closed: not on the default view


def test_closed_risks_are_listed_on_request(register, login):
    client = login("member")
    closed = client.get("/risks?status=closed").text
    assert refs_in(closed) == ["BR-02"] and "Closed</strong>" in closed
    everything = client.get("/risks?status=all").text
    # Highest current score first within each section: the closed BR-02 (12) before BR-01 (4).
    assert refs_in(everything) == ["SG-01", "SG-02", "BR-02", "BR-01"]
    assert "Not scored" not in everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("section=BR", ["BR-01"]),
        ("band=High", ["SG-02"]),
        ("band=Extreme&section=BR", []),
        ("owner=ccg", ["SG-02"]),  # lead agency, any case
        ("owner=karen", ["BR-01"]),  # owner's name
        ("text=sg-01", ["SG-01"]),  # ref
        ("text=capacity", ["SG-01", "BR-01"]),  # title
        ("text=restructures", ["SG-02"]),  # statement
        ("text=minutes&status=all", ["BR-02"]),
    ],
)
def test_filters(register, login, query, expected):
    html = login("member").get(f"/risks?{query}").text
    assert refs_in(html) == expected
    count = len(expected)
    assert (
        caption(html)
        == f"{count} risk{'s' if count != 1 else ''} match{'es' if count == 1 else ''}"
    )


def test_filters_are_kept_in_the_form(register, login):
    html = login("member").get("/risks?section=BR&owner=karen&sort=ref&order=desc").text
    assert '<option value="BR" selected' in html
    assert 'value="karen"' in html
    assert '<input type="hidden" name="sort" value="ref">' in html


def test_no_matches_says_so(register, login):
    html = login("member").get("/risks?text=nothing-like-this").text
    assert caption(html) == "0 risks match"
    assert "No risks match these filters" in html


def test_sorting_by_any_column_with_toggling_headings(register, login):
    client = login("member")
    assert refs_in(client.get("/risks?sort=ref").text) == ["BR-01", "SG-01", "SG-02"]
    html = client.get("/risks?sort=ref&order=desc").text
    assert refs_in(html) == ["SG-02", "SG-01", "BR-01"]
    assert re.search(
        r'aria-sort="descending">\s*<a[^>]*href="/risks\?sort=ref&amp;order=asc"', html
    )
    assert 'aria-sort="none">' in html
    assert refs_in(client.get("/risks?sort=current&order=asc").text) == ["BR-01", "SG-02", "SG-01"]
    assert refs_in(client.get("/risks?sort=title").text) == ["BR-01", "SG-01", "SG-02"]
    assert refs_in(client.get("/risks?sort=owner").text) == ["SG-01", "BR-01", "SG-02"]
    for column in ("section", "inherent", "target", "direction", "next_review", "flags"):
        assert client.get(f"/risks?sort={column}&order=desc").status_code == 200


def test_flags_are_shown_as_words_and_filter_the_register(app, login):
    with app.app_context():
        make_risk(title="Review overdue", next_review=TODAY - timedelta(days=1))
        late = make_risk(title="Late actions", next_review=LATER)
        make_action(late, due_on=TODAY - timedelta(days=3))
        make_action(late, description="Another", due_on=TODAY - timedelta(days=1))
        make_action(late, description="Done", due_on=TODAY - timedelta(days=9), status="complete")
        make_risk(title="Past target", current=(4, 4), target=(2, 2), next_review=LATER,
                  target_date=TODAY - timedelta(days=1))  # fmt: skip
    client = login("member")
    html = client.get("/risks").text
    assert ">Review overdue</strong>" in html
    assert ">2 actions overdue</strong>" in html
    assert ">Past target date</strong>" in html
    assert refs_in(client.get("/risks?flag=review_overdue").text) == ["SG-01"]
    assert refs_in(client.get("/risks?flag=actions_overdue").text) == ["SG-02"]
    assert refs_in(client.get("/risks?flag=past_target").text) == ["SG-03"]
    assert refs_in(client.get("/risks?sort=flags&order=desc").text)[0] == "SG-02"


def add_risks(count, start=0, prefix="SG"):
    """Many risks quickly: one commit, and no audit trail (not needed for reading)."""
    section = db.session.scalar(select(Section).where(Section.prefix == prefix))
    scheme_id = db.session.scalar(select(Assessment.scheme_id).limit(1)) or 1
    at = now_utc() - timedelta(days=1)
    lead = agency_id("Agency")
    for n in range(start + 1, start + count + 1):
        risk = Risk(section=section, number=n, ref=f"{prefix}-{n:02d}", title=f"Risk {n}",
                    statement="Statement.", owner_name="Owner", lead_agency_id=lead,
                    created_at=at, next_review=LATER)  # fmt: skip
        db.session.add(risk)
    db.session.flush()
    ids = db.session.scalars(select(Risk.id).where(Risk.number > start)).all()
    db.session.execute(
        insert(Assessment),
        [
            {
                "risk_id": risk_id,
                "kind": kind,
                "likelihood": level,
                "impact": 3,
                "score": 3 * level,
                "scheme_id": scheme_id,
                "created_at": at,
                "rationale": "Bulk",
            }
            for risk_id in ids
            for kind, level in (("inherent", 5), ("current", 4), ("current", 3), ("target", 1))
        ],  # fmt: skip
    )
    db.session.execute(
        insert(Control), [{"risk_id": risk_id, "description": "Audit"} for risk_id in ids]
    )
    db.session.execute(
        insert(Action),
        [
            {
                "risk_id": risk_id,
                "description": "Act",
                "due_on": TODAY - timedelta(days=1),
                "status": "not_started",
            }
            for risk_id in ids
        ],  # fmt: skip
    )
    db.session.commit()


def test_the_register_pages_past_a_hundred_rows(app, login):
    with app.app_context():
        add_risks(105)
    client = login("member")
    html = client.get("/risks").text
    assert caption(html) == "105 risks match"
    assert "Showing 1 to 100" in html
    assert len(refs_in(html)) == 100
    assert 'href="/risks?page=2"' in html and 'aria-current="page"' in html
    second = client.get("/risks?page=2&sort=ref").text
    assert refs_in(second) == [f"SG-{n}" for n in range(101, 106)]
    assert "Showing 101 to 105" in second
    small = client.get("/risks?page_size=10&page=3&sort=ref").text
    assert refs_in(small) == [f"SG-{n:02d}" for n in range(21, 31)]
    assert 'href="/risks?sort=ref&amp;order=asc&amp;page=4&amp;page_size=10"' in small
    last = client.get("/risks?page=99&sort=ref").text  # past the end: the last page
    assert refs_in(last)[0] == "SG-101"


@pytest.mark.parametrize(
    "query",
    [
        "section=ZZ", "band=Purple", "status=deleted", "flag=all", "sort=colour", "order=sideways",
        "page=0", "page=abc", "page_size=0", "page_size=999999", "as_at=yesterday",
        "as_at=2025-13-01", "as_at=2999-01-01", "text=" + "x" * 300, "owner=" + "y" * 300,
    ],
)  # fmt: skip
def test_bad_query_values_get_a_clear_message_and_400(register, login, query):
    response = login("member").get(f"/risks?{query}")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "<title>Error: Risk register" in response.text


def test_unknown_query_names_are_ignored(register, login):
    response = login("member").get("/risks?utm_source=email&colour=red")
    assert response.status_code == 200 and caption(response.text) == "3 risks match"


def test_the_register_as_it_stood_on_a_past_day(app, login):
    now = now_utc()
    with app.app_context():
        risk = make_risk(current=(4, 4), at=now - timedelta(days=10), next_review=LATER)
        services.rescore_risk(
            risk, {"current": services.Scoring(2, 2)}, "Better", at=now - timedelta(days=2)
        )
        make_risk(title="Raised yesterday", at=now - timedelta(days=1))
        db.session.commit()
    past = (now - timedelta(days=5)).date()
    html = login("member").get(f"/risks?as_at={past.isoformat()}").text
    assert f"The register as it stood on {past:%-d %B %Y}" in html
    assert refs_in(html) == ["SG-01"] and "16 Extreme" in html and "4 Moderate" not in html


def test_unknown_ref_is_a_404(login):
    response = login("member").get("/risks/SG-99")
    assert response.status_code == 404
    assert "Page not found" in response.text


@pytest.fixture
def full_risk(app):
    """SG-01 rescored by a named manager at a meeting, edited, with a control and actions."""
    with app.app_context():
        manager = make_user("manager", name="Morgan Manager")
        risk = make_risk(
            title="Front-line capacity", current=(3, 4), next_review=LATER,
            causes="Rising referrals.", partner_agencies="Police, Schools",
        )  # fmt: skip
        meeting = make_meeting(TODAY - timedelta(days=1), title="March board")
        services.rescore_risk(
            risk, {"current": services.Scoring(4, 4)},
            "Two teams carry vacancy rates above 20%", meeting_id=meeting.id,
            user_id=manager.id, next_review=LATER,
        )  # fmt: skip
        services.update_risk(risk, {"title": "Front-line capacity and demand"})
        make_control(
            risk,
            "Threshold document",
            owner="Service Manager",
            assurance_source="Section 11 audit",
            effectiveness="partly_effective",
        )
        make_action(
            risk,
            "Recruit social workers",
            due_on=TODAY - timedelta(days=2),
            owner="Head of Service",
            status="in_progress",
        )
        make_action(risk, "Commission training", due_on=TODAY - timedelta(days=30),
                    status="complete")  # fmt: skip
        db.session.commit()


def test_the_risk_page_shows_fields_scores_history_mitigation_and_audit(full_risk, login):
    html = login("member").get("/risks/SG-01").text
    assert '<h1 class="govuk-heading-l">Front-line capacity and demand</h1>' in html
    for text in ("Rising referrals.", "Police, Schools", "Pat Owner", "Head of Service"):
        assert text in html
    assert "16 Extreme (4×4)" in html and "20 Extreme (4×5)" in html and "6 Moderate (2×3)" in html
    assert "Worse" in html and "(was 12)" in html
    history = html.split('id="history"', 1)[1].split('id="controls"', 1)[0]
    assert "4 × 4 = 16" in history and "3 × 4 = 12" in history
    assert "Two teams carry vacancy rates above 20%" in history
    assert "Morgan Manager" in history and "March board" in history
    assert "Initial assessment" in history
    assert (
        "Threshold document" in html and "Section 11 audit" in html and "Partly effective" in html
    )
    actions = html.split('id="actions"', 1)[1].split('id="audit"', 1)[0]
    assert actions.count(">Overdue</strong>") == 1  # the complete one is not overdue
    assert "In progress" in actions and "Complete" in actions
    audit = html.split('id="audit"', 1)[1]
    assert re.search(
        r"Title:</span>\s*<del[^>]*><span[^>]*>was </span>Front-line capacity</del>.*?"
        r"<ins[^>]*><span[^>]*>now </span>Front-line capacity and demand</ins>",
        audit,
        re.S,
    )
    assert re.search(r"Effectiveness:</span>\s*Partly effective", audit)  # added: no old value


def test_a_member_sees_no_edit_controls(full_risk, login):
    html = login("member").get("/risks/SG-01").text
    assert "/risks/SG-01/edit" not in html
    assert "Rescore" not in html and "Add control" not in html and "Add action" not in html
    assert "Close risk" not in html and "Change<span" not in html


def test_a_manager_sees_every_edit_control(full_risk, login):
    html = login("manager").get("/risks/SG-01").text
    for href, label in (
        ("/risks/SG-01/edit", "Edit risk"),
        ("/risks/SG-01/rescore", "Rescore"),
        ("/risks/SG-01/close", "Close risk"),
        ("/risks/SG-01/controls/new", "Add control"),
        ("/risks/SG-01/actions/new", "Add action"),
    ):
        assert re.search(rf'href="{href}"[^>]*>{label}<', html), label
    assert "Change<span" in html and "Remove<span" in html


def test_the_dashboard_counts_by_section_and_band_and_links_to_the_register(app, login):
    with app.app_context():
        make_risk(current=(4, 4), next_review=TODAY - timedelta(days=1))
        late = make_risk(current=(3, 4), next_review=LATER)
        make_action(late, due_on=TODAY - timedelta(days=3))
        make_action(late, description="Second", due_on=TODAY - timedelta(days=3))
        make_risk(section="BR", current=(3, 3), target=(2, 2), next_review=LATER,
                  target_date=TODAY - timedelta(days=1))  # fmt: skip
    client = login("member")
    html = client.get("/").text
    assert re.search(r'href="/risks\?section=SG&amp;band=Extreme">1<', html)
    assert re.search(r'href="/risks\?section=SG&amp;band=High">1<', html)
    assert re.search(r'href="/risks\?section=BR&amp;band=High">1<', html)
    assert re.search(r'href="/risks\?band=High">2<', html)
    assert re.search(
        r'href="/risks\?flag=review_overdue">\s*<span class="rr-stat">1</span>\s*'
        r'<span class="rr-figure__label">review overdue',
        html,
    )
    assert re.search(
        r'<span class="rr-stat">2</span>\s*<span[^>]*>actions overdue on 1 risk<', html
    )
    assert re.search(r'flag=past_target">\s*<span class="rr-stat">1</span>', html)
    # Every figure's link leads to a register showing as many risks.
    assert caption(client.get("/risks?flag=review_overdue").text) == "1 risk matches"
    assert caption(client.get("/risks?section=BR&band=High").text) == "1 risk matches"


def test_the_dashboard_lists_the_last_ten_changes(app, login):
    with app.app_context():
        risk = make_risk(next_review=LATER)  # 1 create + 3 scores + next review
        for n in range(8):
            services.update_risk(risk, {"title": f"Title {n}"})
            db.session.commit()
    html = login("member").get("/").text
    changes = html.split("Latest changes", 1)[1].split("<tbody", 1)[1]
    assert changes.count('<tr class="govuk-table__row">') == 10
    assert "Edited SG-01: title" in changes and 'href="/risks/SG-01"' in changes
    assert "Raised SG-01" not in changes  # the oldest are left off


def add_history(ref, count):
    """More assessments, controls, actions and audit events on one risk."""
    risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
    for n in range(count):
        services.rescore_risk(risk, {"current": services.Scoring(n % 5 + 1, 3)}, f"Review {n}")
        make_control(risk, f"Control {n}")
        make_action(risk, f"Action {n}", due_on=TODAY - timedelta(days=n))
    db.session.commit()


@pytest.mark.parametrize("path", ["/", "/risks", "/risks/SG-01", "/risks?sort=flags&page=2"])
def test_statement_count_does_not_grow_with_the_register(app, login, path):
    client = login("member")

    with app.app_context():
        add_risks(10)
    at_ten = request_statements(app, client, [path])
    with app.app_context():
        add_risks(290, start=10)
        add_history("SG-01", 20)
    assert request_statements(app, client, [path]) == at_ten


def test_a_new_risk_says_new_once(app, login):
    with app.app_context():
        ref = make_risk().ref
    html = login("member").get(f"/risks/{ref}").text
    direction = html.split("Direction of travel</dt>", 1)[1].split("</dd>", 1)[0]
    assert re.sub(r"<[^>]+>|\s+", " ", direction).split() == ["New"]


def test_as_it_stood_on_is_a_date_input_like_every_other_form(app, login):
    client = login("member")
    page = client.get("/risks").text
    for box in ("day", "month", "year"):
        assert re.search(rf'<input[^>]*id="filter-as_at-{box}"[^>]*name="as_at"', page)
    past = clock.today() - timedelta(days=40)
    html = client.get(f"/risks?as_at={past.day}&as_at={past.month}&as_at={past.year}").text
    assert f"The register as it stood on {long_date(past)}" in html
    assert re.search(rf'id="filter-as_at-year"[^>]*value="{past.year}"', html)
    # A link carries the date as one value, and the boxes show it.
    linked = client.get(f"/risks?as_at={past.isoformat()}").text
    assert re.search(rf'id="filter-as_at-month"[^>]*value="{past.month}"', linked)
    # Blank boxes are today.
    assert client.get("/risks?as_at=&as_at=&as_at=").status_code == 200


@pytest.mark.parametrize("path", ["/risks", "/heatmap"])
@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2025"), "The date must be a real date, for example 27 3 {last_year}"),
        (("1", "", "2025"), "The date must include a month"),
        (("1", "1", "2099"), "The date must be today or in the past"),
    ],
)
def test_a_bad_as_at_date_is_shown_beside_the_boxes(login, path, parts, message):
    query = "&".join(f"as_at={part}" for part in parts)
    response = login("member").get(f"{path}?{query}")
    assert response.status_code == 400
    message = message.format(last_year=clock.today().year - 1)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', response.text, re.S).group(1)
    assert message in summary
    assert re.search(r'href="#(filter-)?as_at-day"', summary)
    assert re.search(r'-error"[^>]*>\s*<span[^>]*>Error:</span>\s*' + re.escape(message),
                     response.text)  # fmt: skip
    assert "govuk-input--error" in response.text
