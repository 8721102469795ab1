"""The assurance map on every control (the README's "Assurance on controls"): its words, the
form, the risk page, the register's flag and the printable summary."""

import html
import re
from datetime import timedelta

import pytest
from helpers import make_control, make_risk, request_statements, table_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from riskreg import clock
from riskreg.domain.assurance import assurance_summary, assurance_words, line_words
from riskreg.extensions import db
from riskreg.models import AuditEvent, Control, ControlAssurance, Risk
from riskreg.register import services

TODAY = clock.today()


# --- The words (pure) -------------------------------------------------------------------------


def test_a_summary_counts_the_levels_best_first_and_names_the_lines():
    controls = [(2, "limited"), (None, "not_assessed"), (1, "substantial")]
    assert assurance_summary(controls) == (
        "3 controls: 1 substantial, 1 limited, 1 not yet assessed. Lines of assurance: 1st, 2nd."
    )
    assert assurance_summary([(3, "none"), (3, "none")]) == (
        "2 controls: 2 none. Lines of assurance: 3rd."
    )
    assert assurance_summary([(None, "not_assessed")]) == (
        "1 control: 1 not yet assessed. Lines of assurance: none recorded."
    )
    assert assurance_summary([]) == ""


def test_a_controls_assurance_in_a_few_words():
    assert assurance_words(2, "reasonable") == "2nd line, reasonable assurance"
    assert assurance_words(3, "none") == "3rd line, no assurance"
    assert assurance_words(None, "limited") == "limited assurance"
    assert assurance_words(None, "not_assessed") == "assurance not yet assessed"
    assert [line_words(n) for n in (1, 2, 3, None)] == [
        "1st line", "2nd line", "3rd line", "Not recorded"
    ]  # fmt: skip


# --- The form ---------------------------------------------------------------------------------


@pytest.fixture
def control(app):
    """(ref, control id) of a risk with one control, not yet assessed."""
    with app.app_context():
        risk = make_risk()
        return risk.ref, make_control(risk, "Section 11 audit of every partner agency").id


def url_of(control):
    ref, control_id = control
    return f"/risks/{ref}/controls/{control_id}/assurance"


def form_state(client, url):
    page = client.get(url).text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    seen = re.search(r'name="seen_event"[^>]*value="(\d+)"', page).group(1)
    return {"version": version, "seen_event": seen}


def assurance_form(on=TODAY, **overrides):
    return {
        "line": "2",
        "assured_on": [str(on.day), str(on.month), str(on.year)],
        "level": "limited",
        "control_gaps": "Police and health contacts are not all screened within 24 hours",
        "assurance_gaps": "Section 11 audit returns from 3 of 5 agencies",
        **overrides,
    }


def post(client, control, **overrides):
    url = url_of(control)
    return client.post(url, data={**form_state(client, url), **assurance_form(**overrides)})


def test_the_form_saves_audits_and_keeps_the_history(app, login, control):
    client = login("manager")
    page = client.get(url_of(control)).text
    assert "Update assurance" in page and "Section 11 audit of every partner agency" in page
    assert re.search(r'value="not_assessed" checked', page)  # as the control stands
    earlier = TODAY - timedelta(days=90)
    assert post(client, control, on=earlier, level="reasonable").status_code == 302
    assert post(client, control).status_code == 302
    with app.app_context():
        saved = db.session.get(Control, control[1])
        assert (saved.assurance_line, saved.assurance_level, saved.assured_on) == (
            2, "limited", TODAY
        )  # fmt: skip
        assert saved.assurance_gaps == "Section 11 audit returns from 3 of 5 agencies"
        history = db.session.scalars(
            select(ControlAssurance).order_by(ControlAssurance.id)
        ).all()  # fmt: skip
        assert [(h.level, h.assured_on) for h in history] == [
            ("reasonable", earlier), ("limited", TODAY)
        ]  # fmt: skip
        assert all(h.created_by_id is not None for h in history)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "assure").order_by(AuditEvent.id)
        ).all()
        assert len(events) == 2
        assert events[-1].entity == "control" and events[-1].entity_id == control[1]
        assert events[-1].changes["assurance_level"] == ["reasonable", "limited"]
        assert events[-1].summary.startswith(f"Updated assurance on control on {control[0]}: ")
    # The same again changes nothing and writes nothing.
    with app.app_context():
        before = table_counts()
    assert post(client, control).status_code == 302
    with app.app_context():
        assert table_counts() == before


def test_the_risk_page_shows_the_latest_and_the_earlier_assurance(app, login, control):
    client = login("manager")
    post(client, control, on=TODAY - timedelta(days=90), level="reasonable", line="1",
         control_gaps="", assurance_gaps="Self-reported only")  # fmt: skip
    post(client, control)
    page = html.unescape(client.get(f"/risks/{control[0]}").text)
    row = page.split(f'id="control-{control[1]}"', 1)[1].split("</tr>", 1)[0]
    assert "2nd line" in row and 'govuk-tag--orange rr-flag">Limited<' in row
    assert 'Gaps in assurance:</strong> <span class="rr-preserve-lines">Section 11 audit' in page
    assert "Earlier assurance (1)" in page
    earlier = page.split("Earlier assurance (1)", 1)[1].split("</details>", 1)[0]
    assert "1st line" in earlier and ">Reasonable<" in earlier and "Self-reported only" in earlier
    assert "by Test Manager" in earlier
    assert "1 control: 1 limited. Lines of assurance: 2nd." in page
    assert 'Update assurance<span class="govuk-visually-hidden"> on the control: Section 11' in page


def test_existing_controls_read_as_not_yet_assessed_and_members_see_no_link(app, login, control):
    page = login("member").get(f"/risks/{control[0]}").text
    assert 'govuk-tag--grey rr-flag">Not yet assessed<' in page
    assert "Not recorded" in page
    assert "/assurance" not in page
    assert "Earlier assurance" not in page


def test_the_flag_comes_with_limited_assurance_and_goes_when_it_improves(app, login, control):
    client = login("manager")
    flagged = "/risks?flag=weak_assurance"
    assert control[0] not in client.get(flagged).text
    post(client, control, level="none")
    assert f'href="/risks/{control[0]}"' in client.get(flagged).text
    assert "Limited or no assurance" in client.get("/risks").text
    post(client, control, level="reasonable")
    assert f'href="/risks/{control[0]}"' not in client.get(flagged).text


def test_members_may_neither_open_nor_post_the_form(app, login, control):
    client = login("member")
    with app.app_context():
        before = table_counts()
    assert client.get(url_of(control)).status_code == 403
    assert client.post(url_of(control), data=assurance_form(version="1")).status_code == 403
    with app.app_context():
        assert table_counts() == before


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"line": ""}, "line", "Choose where the evidence comes from, or choose Not yet assessed"),
        ({"line": "4"}, "line", "Choose where the evidence comes from, from the list"),
        ({"on": TODAY + timedelta(days=1)}, "assured_on",
         "The date of the latest assurance must be today or in the past"),
        ({"assured_on": ["", "", ""]}, "assured_on",
         "Enter the date of the latest assurance, or choose Not yet assessed"),
        ({"assured_on": ["31", "2", "2025"]}, "assured_on",
         "Date of the latest assurance must be a real date"),
        ({"level": "excellent"}, "level", "Choose the level of assurance from the list"),
        ({"level": ""}, "level", "Choose the level of assurance"),
        ({"control_gaps": "x" * 2001}, "control_gaps",
         "Gaps in control must be 2000 characters or fewer"),
        ({"assurance_gaps": "x" * 2001}, "assurance_gaps",
         "Gaps in assurance must be 2000 characters or fewer"),
    ],
)  # fmt: skip
def test_bad_input_is_shown_by_its_field_and_writes_nothing(
    app, login, control, overrides, field, message
):
    client = login("manager")
    with app.app_context():
        before = table_counts()
    response = post(client, control, **overrides)
    assert response.status_code == 400
    page = html.unescape(response.text)
    assert re.search(rf'id="{field}-error"[^>]*>\s*<span[^>]*>Error:</span> {re.escape(message)}',
                     page), page  # fmt: skip
    with app.app_context():
        assert table_counts() == before


def test_not_yet_assessed_needs_no_line_or_date(app, login, control):
    client = login("manager")
    response = post(client, control, level="not_assessed", line="", assured_on=["", "", ""])
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Control, control[1]).assurance_line is None


def test_a_stale_form_is_refused_with_the_conflict_page(app, login, control):
    client = login("manager")
    url = url_of(control)
    state = form_state(client, url)
    assert post(client, control, level="reasonable").status_code == 302  # someone else saves
    with app.app_context():
        before = table_counts()
    response = client.post(url, data={**state, **assurance_form()})
    assert response.status_code == 409
    assert "Save my changes again" in response.text
    with app.app_context():
        assert table_counts() == before


def test_a_control_with_history_can_still_be_removed(app, login, control):
    client = login("manager")
    post(client, control)
    url = f"/risks/{control[0]}/controls/{control[1]}/remove"
    assert client.post(url, data=form_state(client, url)).status_code == 302
    with app.app_context():
        assert db.session.get(Control, control[1]) is None
        assert db.session.scalars(select(ControlAssurance)).all() == []
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assure"))


texts = st.one_of(
    st.text(max_size=40),
    st.just(""),
    st.sampled_from(["\x00", "1", "2", "3", "0", "limited", "none", "not_assessed", "é" * 2001]),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)


def test_generated_input_never_fails_and_a_rejection_writes_nothing(app, login, control):
    client = login("manager")
    url = url_of(control)
    names = ["line", "assured_on", "level", "control_gaps", "assurance_gaps", "version"]

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        fields=st.dictionaries(
            st.sampled_from(names), st.one_of(texts, st.lists(texts, max_size=4)), max_size=6
        ),
        keep_version=st.booleans(),
    )
    def attempt(fields, keep_version):
        with app.app_context():
            before = table_counts()
            version = db.session.scalar(select(Risk.version).where(Risk.ref == control[0]))
        data = {**fields, **({"version": str(version)} if keep_version else {})}
        response = client.post(url, data=data)
        assert response.status_code in (302, 400, 409), response.status_code
        if response.status_code != 302:
            with app.app_context():
                assert table_counts() == before

    attempt()


def test_the_risk_page_statements_do_not_grow_with_controls_or_history(app, login):
    with app.app_context():
        risk = make_risk()
        ref = risk.ref
        control_id = make_control(risk).id
    client = login("member")
    few = request_statements(app, client, [f"/risks/{ref}"])
    with app.app_context():
        risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
        for n in range(5):
            make_control(risk, f"Control {n}")
        control = db.session.get(Control, control_id)
        for days in (300, 200, 100):
            update = services.AssuranceUpdate(2, "reasonable", TODAY - timedelta(days=days))
            services.record_assurance(risk, control, update)
        db.session.commit()
    assert request_statements(app, client, [f"/risks/{ref}"]) == few


# --- The printable summary --------------------------------------------------------------------


def test_the_summary_shows_each_controls_line_and_level(app, login, control):
    client = login("manager")
    post(client, control, line="2", level="reasonable")
    page = html.unescape(client.get("/summary").text)
    assert "Section 11 audit of every partner agency " in page
    assert "(not yet known; 2nd line, reasonable assurance)" in page


def test_the_summary_as_at_a_past_day_shows_the_assurance_of_that_day(app, login):
    with app.app_context():
        earlier = clock.now_utc() - timedelta(days=3)
        risk = make_risk(at=earlier - timedelta(days=1))
        item = services.save_mitigation(
            risk, None, Control, {"description": "Section 11 audit"}, at=earlier
        )
        update = services.AssuranceUpdate(1, "limited", TODAY - timedelta(days=3))
        services.record_assurance(risk, item, update, at=earlier)
        db.session.commit()
        control = (risk.ref, item.id)
    client = login("manager")
    post(client, control, line="3", level="substantial")
    yesterday = TODAY - timedelta(days=1)
    assert "3rd line, substantial assurance" in client.get("/summary").text
    page = client.get(f"/summary?as_at={yesterday.isoformat()}").text
    assert "1st line, limited assurance" in html.unescape(page)
