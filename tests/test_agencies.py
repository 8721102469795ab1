"""The partnership's agencies as one list: the admin pages, the risk form's lead and partner
agencies, the register's agency filter and the services behind them."""

import html
import re

import pytest
from helpers import (
    AGENCIES,
    agency_id,
    make_meeting,
    make_risk,
    request_statements,
    table_counts,
)
from sqlalchemy import select
from test_editing import form_state, new_risk_form, risk_by_ref
from test_import import HEADINGS, actions, confirm, csv_bytes, errors_of, risk_row, upload

from riskreg import clock
from riskreg.admin import services as admin_services
from riskreg.demo import data as demo_data
from riskreg.demo import load as demo
from riskreg.demo.load import clear_register
from riskreg.extensions import db
from riskreg.meetings.services import agree_register
from riskreg.models import Agency, AuditEvent, Indicator, Risk, SnapshotRow
from riskreg.register import services

MARKUP = "<b>Bold</b> & Sons"


def agency_names():
    db.session.expire_all()
    return sorted(db.session.scalars(select(Agency.name)), key=str.casefold)


def agency_events(action=None):
    query = select(AuditEvent).where(AuditEvent.entity == "agency").order_by(AuditEvent.id)
    events = db.session.scalars(query).all()
    return [e for e in events if action is None or e.action == action]


def add_indicator(agency: int) -> None:
    db.session.add(
        Indicator(
            code="CP1",
            name="Children on a plan",
            unit="count",
            agency_id=agency,
            year_rule="end",
            frequency="quarterly",
            polarity="neither",
        )  # fmt: skip
    )
    db.session.commit()


# --- find_or_add: the one rule for matching names ----------------------------------------------


def test_find_or_add_matches_ignoring_case_and_spacing_and_adds_the_rest(ctx):
    police = admin_services.add_agency("West Midlands Police")
    db.session.commit()
    found = admin_services.find_or_add(
        [" west  midlands POLICE", "Youth Offending  Service", "youth offending service"]
    )
    db.session.commit()
    assert [a.name for a in found] == ["West Midlands Police"] + ["Youth Offending Service"] * 2
    assert found[0] is police and found[1] is found[2]
    assert agency_names() == ["West Midlands Police", "Youth Offending Service"]
    added = agency_events("create")
    assert [e.changes["name"] for e in added] == [
        [None, "West Midlands Police"],
        [None, "Youth Offending Service"],
    ]


# --- The admin pages -------------------------------------------------------------------------


def test_the_list_counts_open_risks_each_agency_leads_and_partners(app, login):
    with app.app_context():
        make_risk(lead_agency="Police", partner_agencies="Health, Schools")
        make_risk(lead_agency="Health", partner_agencies="Police")
        closed = make_risk(lead_agency="Police", partner_agencies="Schools")
        services.close_risk(closed, "Done")
        db.session.commit()
        admin_services.add_agency("Probation")
        db.session.commit()
    page = login("admin").get("/admin/agencies").text
    rows = {
        name: cells
        for name, *cells in re.findall(
            r'<th scope="row" class="govuk-table__header">([^<]+)</th>\s*'
            r"<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>",
            page,
        )
    }
    assert rows == {
        "Health": ["1", "1"],
        "Police": ["1", "1"],  # the closed risk it leads is not counted
        "Probation": ["0", "0"],
        "Schools": ["0", "1"],
    }
    # Only an agency nothing names can be removed; the closed risk still names Schools.
    removable = re.findall(r"Remove<span class=\"govuk-visually-hidden\"> ([^<]+)</span>", page)
    assert removable == ["Probation"]
    assert "Agencies" in login("admin").get("/admin").text


def test_the_list_costs_the_same_statements_however_many_agencies(app, login):
    client = login("admin")
    with app.app_context():
        for n in range(3):
            make_risk(lead_agency=f"Agency {n}", partner_agencies=f"Agency {n + 1}")
    few = request_statements(app, client, ["/admin/agencies"])
    with app.app_context():
        for n in range(3, 60):
            make_risk(lead_agency=f"Agency {n}", partner_agencies=f"Agency {n + 1}, Agency 0")
    assert request_statements(app, client, ["/admin/agencies"]) == few


def test_an_admin_adds_and_renames_an_agency_and_every_risk_shows_the_new_name(app, login):
    client = login("admin")
    response = client.post("/admin/agencies/new", data={"name": "  Dudley   CCG "})
    assert response.status_code == 302
    with app.app_context():
        ccg = db.session.scalar(select(Agency).where(Agency.name == "Dudley CCG"))
        ref = make_risk(lead_agency="Dudley CCG").ref
        ccg_id = ccg.id
    assert "Added the agency Dudley CCG" in client.get(response.location).text
    page = client.get(f"/admin/agencies/{ccg_id}").text
    assert 'value="Dudley CCG"' in page and "It leads 1 open risk" in page
    response = client.post(f"/admin/agencies/{ccg_id}", data={"name": "Black Country ICB"})
    assert response.status_code == 302
    assert "Black Country ICB" in client.get(f"/risks/{ref}").text
    assert "Black Country ICB" in client.get("/risks").text
    with app.app_context():
        assert agency_names() == ["Black Country ICB"]
        assert [e.changes["name"] for e in agency_events()] == [
            [None, "Dudley CCG"],
            ["Dudley CCG", "Black Country ICB"],
        ]
    # Its own name in other capitals is no clash.
    response = client.post(f"/admin/agencies/{ccg_id}", data={"name": "Black Country icb"})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("west midlands  POLICE", "There is already an agency called “West Midlands Police”"),
        ("", "Enter the agency&#39;s name"),
        ("   ", "Enter the agency&#39;s name"),
        ("x" * 121, "Name must be 120 characters or fewer"),
        ("Police, Health", "must not contain a comma or a semicolon"),
        ("Police; Health", "must not contain a comma or a semicolon"),
        ("Family at DY1 1HF", "Name contains what looks like a postcode (DY1 1HF)"),
    ],
)
def test_a_bad_or_taken_name_is_refused_beside_the_field_and_nothing_is_written(
    app, login, name, message
):
    client = login("admin")
    with app.app_context():
        admin_services.add_agency("West Midlands Police")
        admin_services.add_agency("Health")
        db.session.commit()
        health = db.session.scalar(select(Agency.id).where(Agency.name == "Health"))
        before = table_counts()
    for url in ("/admin/agencies/new", f"/admin/agencies/{health}"):
        response = client.post(url, data={"name": name})
        assert response.status_code == 400, url
        assert 'href="#name"' in response.text  # the error summary
        error = response.text[response.text.index('id="name-error"') :].split("</p>")[0]
        assert message in html.unescape(error) or message in error
        with app.app_context():
            assert table_counts() == before
            assert agency_names() == ["Health", "West Midlands Police"]


def test_garbage_posts_and_unknown_agencies_get_a_4xx_and_write_nothing(app, login):
    client = login("admin")
    with app.app_context():
        admin_services.add_agency("Police")
        db.session.commit()
        before = table_counts()
    for url, data, status in [
        ("/admin/agencies/new", {}, 400),
        ("/admin/agencies/new", {"name": ["A", "B"]}, 302),  # the first one, like any field
        ("/admin/agencies/new", {"name": "\x00\x01"}, 400),
        ("/admin/agencies/99999", {"name": "X"}, 404),
        ("/admin/agencies/99999999999", {"name": "X"}, 404),
        ("/admin/agencies/abc", {"name": "X"}, 404),
        ("/admin/agencies/99999/remove", {}, 404),
    ]:
        assert client.post(url, data=data).status_code == status, (url, data)
        with app.app_context():
            if status == 302:
                before = table_counts()
            assert table_counts() == before
    with app.app_context():
        assert agency_names() == ["A", "Police"]


@pytest.mark.parametrize("use", ["lead", "partner", "closed risk", "indicator"])
def test_an_agency_in_use_cannot_be_removed(app, login, use):
    client = login("admin")
    with app.app_context():
        probation = agency_id("Probation")
        if use == "lead":
            make_risk(lead_agency="Probation")
        elif use == "partner":
            make_risk(lead_agency="Police", partner_agencies="Probation")
        elif use == "closed risk":
            services.close_risk(make_risk(lead_agency="Probation"), "Merged")
            db.session.commit()
        else:
            add_indicator(probation)
        before = table_counts()
    url = f"/admin/agencies/{probation}/remove"
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Probation cannot be removed" in page.text and "Remove the agency</button>" not in page.text
    )
    response = client.post(url)
    assert response.status_code == 409 and "cannot be removed" in response.text
    with app.app_context():
        assert table_counts() == before
        with pytest.raises(admin_services.AgencyInUse):
            admin_services.remove_agency(db.session.get(Agency, probation))


def test_an_agency_nothing_uses_is_removed_with_an_audit_event(app, login):
    client = login("admin")
    with app.app_context():
        unused = agency_id("Cafcass")
    page = client.get(f"/admin/agencies/{unused}/remove").text
    assert "Remove the agency" in page and "No risk, indicator or challenge names Cafcass" in page
    response = client.post(f"/admin/agencies/{unused}/remove")
    assert response.status_code == 302
    assert "Removed the agency Cafcass" in client.get(response.location).text
    with app.app_context():
        assert agency_names() == []
        assert agency_events("remove")[0].changes == {"name": ["Cafcass", None]}


@pytest.mark.parametrize("role", ["member", "manager"])
def test_members_and_managers_cannot_see_or_change_the_list(app, login, role):
    client = login(role)
    with app.app_context():
        cafcass = agency_id("Cafcass")
        before = table_counts()
    for url in ("/admin/agencies", "/admin/agencies/new", f"/admin/agencies/{cafcass}",
                f"/admin/agencies/{cafcass}/remove"):  # fmt: skip
        assert client.get(url).status_code == 403, url
        if url != "/admin/agencies":
            assert client.post(url, data={"name": "Taken over"}).status_code == 403, url
    with app.app_context():
        assert table_counts() == before
        assert agency_names() == ["Cafcass"]


def test_markup_in_an_agency_name_is_escaped_everywhere_it_shows(app, login, agencies):
    client = login("admin")
    response = client.post("/admin/agencies/new", data={"name": MARKUP})
    assert response.status_code == 302
    with app.app_context():
        bold = db.session.scalar(select(Agency.id).where(Agency.name == MARKUP))
        ref = make_risk(lead_agency=MARKUP, partner_agencies="Police").ref
        other = make_risk(lead_agency="Police", partner_agencies=MARKUP).ref
        unused = agency_id(f"{MARKUP} unused")
    url = f"/risks/{ref}/edit"
    data = {**new_risk_form(lead_agency_id=str(AGENCIES["Police"])), **form_state(client, url)}
    del data["section"]
    assert client.post(url, data=data).status_code == 302  # the audit trail names it
    pages = [
        "/admin/agencies", f"/admin/agencies/{bold}", f"/admin/agencies/{unused}/remove",
        f"/risks/{ref}", f"/risks/{other}", "/risks", f"/risks?agency={bold}", "/risks/new",
        f"/risks/{other}/edit", f"/summary?agency={bold}", f"/risks.csv?agency={bold}",
    ]  # fmt: skip
    escaped = "&lt;b&gt;Bold&lt;/b&gt; &amp; Sons"
    for page in pages[:-1]:
        text = client.get(page).text
        assert "<b>Bold</b>" not in text and escaped in text, page
    assert MARKUP in client.get(pages[-1]).text  # a spreadsheet holds the name as it is
    # The audit trail on the risk page names it too, escaped.
    trail = client.get(f"/risks/{ref}").text
    assert escaped in trail and "Police" in trail
    new_form = client.post("/admin/agencies/new", data={"name": MARKUP}).text
    assert "There is already an agency called “&lt;b&gt;Bold&lt;/b&gt; &amp; Sons”" in new_form


# --- The risk form ---------------------------------------------------------------------------


def test_a_new_risk_chooses_its_lead_and_partners_from_the_list(app, login, agencies):
    client = login("manager")
    page = client.get("/risks/new").text
    assert re.search(r'<select class="govuk-select[^"]*" id="lead_agency_id"', page)
    assert '<option value="" selected>Choose an agency</option>' in page
    assert 'type="checkbox" value="3"' in page  # Health, among the partner checkboxes
    data = new_risk_form(
        lead_agency_id=str(AGENCIES["Police"]),
        # The lead ticked as a partner too: it stays the lead only.
        partner_agency_ids=[str(AGENCIES["Police"]), str(AGENCIES["Health"])],
    )
    response = client.post("/risks/new", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        risk = db.session.scalar(select(Risk).order_by(Risk.id.desc()))
        assert risk.lead_agency.name == "Police"
        assert [a.name for a in risk.partners] == ["Health"]
        created = db.session.scalar(
            select(AuditEvent).where(AuditEvent.risk_id == risk.id, AuditEvent.action == "create")
        )
        assert created.changes["lead_agency"] == [None, "Police"]
        assert created.changes["partner_agencies"] == [None, "Health"]
        assert "lead_agency_id" not in created.changes
    text = client.get(response.location).text
    assert "Police" in text and "Health" in text


def test_editing_the_agencies_audits_names_and_moves_the_version_on(app, login, agencies):
    with app.app_context():
        risk = make_risk(lead_agency="Police", partner_agencies="Health")
        ref, version, review = risk.ref, risk.version, risk.next_review
    client = login("manager")
    url = f"/risks/{ref}/edit"
    page = client.get(url).text
    assert re.search(r'<option value="2" selected', page)  # Police
    assert re.search(r'value="3" checked', page)  # Health
    state = form_state(client, url)
    # Only the partners change: the risk's version moves on all the same.
    data = {**new_risk_form(**state), "title": "Demand outstrips front-line capacity"}
    data.update(
        statement="Statement of demand outstrips front-line capacity.", causes="",
        consequences="", owner_name="Pat Owner", owner_role="Head of Service",
        owner_email="", priority="", target_date=["", "", ""],
        next_review=[str(review.day), str(review.month), str(review.year)],
        lead_agency_id=str(AGENCIES["Police"]),
        partner_agency_ids=[str(AGENCIES["Education"]), str(AGENCIES["Health"])],
    )  # fmt: skip
    del data["section"]
    assert client.post(url, data=data).status_code == 302
    with app.app_context():
        risk = risk_by_ref(ref)
        assert risk.version == version + 1
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.risk_id == risk.id).order_by(AuditEvent.id)
        ).all()[-1]
        assert event.changes == {"partner_agencies": ["Health", "Education, Health"]}
    # A form opened before that change is now stale.
    response = client.post(url, data={**data, "partner_agency_ids": [], "version": str(version)})
    assert response.status_code == 409
    # The lead changes: "Lead agency: Police → Children's Services" in the trail.
    state = form_state(client, url)
    response = client.post(
        url, data={**data, **state, "lead_agency_id": str(AGENCIES["Children's Services"])}
    )
    assert response.status_code == 302
    trail = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(f"/risks/{ref}").text))
    assert "Lead agency: was Police → now Children&#39;s Services" in trail
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.risk_id == risk.id).order_by(AuditEvent.id)
        ).all()[-1]
        assert event.changes == {"lead_agency": ["Police", "Children's Services"]}


def test_a_conflict_keeps_the_partners_someone_else_chose(app, login, agencies):
    with app.app_context():
        ref = make_risk(lead_agency="Police", partner_agencies="Health").ref
    client = login("manager")
    url = f"/risks/{ref}/edit"
    state = form_state(client, url)
    with app.app_context():
        risk = risk_by_ref(ref)
        services.update_risk(risk, {"partner_agency_ids": [AGENCIES["Education"]]})
        db.session.commit()
    mine = new_risk_form(
        title="Retitled by me", lead_agency_id=str(AGENCIES["Police"]),
        partner_agency_ids=[str(AGENCIES["Health"])], **state,
    )  # fmt: skip
    del mine["section"]
    conflict = client.post(url, data=mine)
    assert conflict.status_code == 409
    assert re.search(r'value="4" checked', conflict.text)  # Education, theirs, kept
    assert not re.search(r'value="3" checked', conflict.text)


# --- Filtering the register by agency ----------------------------------------------------------


def test_the_register_filters_by_an_agency_leading_or_partnering(app, login):
    with app.app_context():
        make_risk(title="Led by police", lead_agency="Police")
        make_risk(title="Police partner", lead_agency="Health", partner_agencies="Police")
        make_risk(title="Elsewhere", lead_agency="Health", partner_agencies="Schools")
        police = agency_id("Police")
    client = login("member")
    page = client.get(f"/risks?agency={police}").text
    assert "Led by police" in page and "Police partner" in page and "Elsewhere" not in page
    assert re.search(rf'<option value="{police}" selected', page)  # the filter shows it
    assert "2 risks match" in page
    # The downloads, the heat map and the summary take the same filter.
    assert f"/risks.csv?agency={police}" in page
    csv_text = client.get(f"/risks.csv?agency={police}").text
    assert "Led by police" in csv_text and "Elsewhere" not in csv_text
    heatmap = client.get(f"/heatmap?agency={police}").text
    assert f'name="agency" value="{police}"' in heatmap
    assert "SG-03" not in re.sub(r"<form.*?</form>", "", heatmap, flags=re.S)
    summary = client.get(f"/summary?agency={police}").text
    assert "Police as lead or partner" in summary and "Elsewhere" not in summary


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999", "²", "1" * 30])
def test_a_bad_agency_filter_is_refused_like_the_other_filters(app, login, value):
    with app.app_context():
        make_risk()
    client = login("member")
    for path in ("/risks", "/heatmap", "/risks.csv", "/summary"):
        response = client.get(path, query_string={"agency": value})
        assert response.status_code == 400, (path, value)
    page = client.get("/risks", query_string={"agency": value}).text
    assert "Choose an agency from the list" in page and 'href="#filter-agency"' in page


def test_the_register_with_partners_costs_the_same_statements_at_any_size(app, login):
    client = login("member")
    with app.app_context():
        for n in range(5):
            make_risk(title=f"Risk {n}", lead_agency="Police", partner_agencies="Health, Schools")
        police = agency_id("Police")
    urls = ["/risks", f"/risks?agency={police}", f"/heatmap?agency={police}", "/risks/SG-01"]
    few = request_statements(app, client, urls)
    with app.app_context():
        for n in range(5, 150):
            make_risk(title=f"Risk {n}", lead_agency="Health", partner_agencies=f"Police, A{n}")
    assert request_statements(app, client, urls) == few


# --- The importer ----------------------------------------------------------------------------

IMPORT_HEADINGS = [*HEADINGS, "Partner agencies"]


def import_row(ref, title, lead, partners):
    return [*risk_row(ref, title)[:5], lead, 3, 4, partners]


def test_imported_agencies_match_the_list_and_unknown_ones_are_added_on_confirming(login, ctx):
    make_risk("SG", "Capacity", lead_agency="West Midlands Police", partner_agencies="Health")
    db.session.commit()
    client = login("manager")
    rows = [
        # The same agencies as SG-01 has, in other capitals and spacing: no change.
        import_row("SG-01", "Capacity", " west midlands  POLICE", "health"),
        import_row("", "Youth justice", "Youth Offending Service",
                   "Health; probation service,\nyouth offending service"),
    ]  # fmt: skip
    rows[0][3] = "Statement of capacity."
    data = csv_bytes(rows, IMPORT_HEADINGS)
    before = table_counts()
    preview = upload(client, data)
    assert preview.status_code == 200, preview.text
    assert actions(preview) == ["unchanged", "create"]
    note = (
        "2 agencies not on the list will be added to it: Youth Offending Service, "
        "probation service."
    )
    assert note in html.unescape(preview.text)
    assert table_counts() == before  # the preview adds nothing
    assert confirm(client, preview).status_code == 302
    db.session.expire_all()
    assert agency_names() == [
        "Health", "probation service", "West Midlands Police", "Youth Offending Service",
    ]  # fmt: skip
    created = db.session.scalar(select(Risk).where(Risk.title == "Youth justice"))
    assert created.lead_agency.name == "Youth Offending Service"
    assert sorted(a.name for a in created.partners) == ["Health", "probation service"]
    assert [e.changes["name"][1] for e in agency_events("create")][-2:] == [
        "Youth Offending Service", "probation service",
    ]  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "import"))
    assert event.changes["agencies_added"] == [None, 2]
    # The same file again (with the new risk's ref) changes nothing.
    rows[1][0] = created.ref
    before = table_counts()
    again = upload(client, csv_bytes(rows, IMPORT_HEADINGS))
    assert actions(again) == ["unchanged", "unchanged"]
    assert "not on the list" not in again.text
    assert table_counts() == before


def test_a_changed_agency_in_a_file_updates_the_risk_with_names_in_the_audit_trail(login, ctx):
    make_risk("SG", "Capacity", lead_agency="Police", partner_agencies="Health, Schools")
    client = login("manager")
    row = import_row("SG-01", "Capacity", "Schools", "Police; Schools")
    row[3] = "Statement of capacity."
    preview = upload(client, csv_bytes([row], IMPORT_HEADINGS))
    assert "Update SG-01: Lead agency, Partner agencies changed" in preview.text
    assert confirm(client, preview).status_code == 302
    db.session.expire_all()
    risk = db.session.scalar(select(Risk).where(Risk.ref == "SG-01"))
    assert (risk.lead_agency.name, [a.name for a in risk.partners]) == ("Schools", ["Police"])
    update = db.session.scalars(
        select(AuditEvent).where(AuditEvent.risk_id == risk.id, AuditEvent.action == "update")
    ).one()
    assert update.changes == {
        "lead_agency": ["Police", "Schools"],
        "partner_agencies": ["Health, Schools", "Police"],
    }


def test_a_file_with_any_bad_row_adds_no_agency(login, ctx):
    client = login("manager")
    rows = [
        import_row("", "Fine", "Brand new agency", "Another new one"),
        import_row("", "Two leads", "Police, Health", ""),
        import_row("", "Long partner", "Police", "Health, " + "x" * 121),
        import_row("", "", "Police", ""),
    ]
    before = table_counts()
    response = upload(client, csv_bytes(rows, IMPORT_HEADINGS))
    assert response.status_code == 400
    problems = errors_of(response)
    assert (
        "Row 3, column Lead agency: Lead agency must name one agency: put the others in "
        "Partner agencies" in problems
    )
    assert any(p.startswith("Row 4, column Partner agencies: Each of the partner agencies must")
               for p in problems)  # fmt: skip
    assert "Row 5, column Title: Enter a short title" in problems
    assert table_counts() == before


def test_the_command_line_import_says_which_agencies_it_adds(app, runner, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_bytes(csv_bytes([import_row("", "New", "Probation", "police")], IMPORT_HEADINGS))
    with app.app_context():
        before = table_counts()
    result = runner.invoke(args=["register", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert (
        "Note: 2 agencies not on the list will be added to it: Probation, police" in result.output
    )
    with app.app_context():
        assert table_counts() == before
    result = runner.invoke(args=["register", "import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert agency_names() == ["police", "Probation"]


# --- Agreed registers and the demo ------------------------------------------------------------


def test_an_agreed_register_keeps_the_agencies_names_as_they_were(ctx):
    many = ", ".join(f"Neighbourhood partnership number {n}" for n in range(30))
    make_risk(lead_agency="Police", partner_agencies=f"Health, {many}")
    meeting = make_meeting(clock.today(), title="Board meeting")
    agree_register(meeting)
    db.session.commit()
    police = db.session.scalar(select(Agency).where(Agency.name == "Police"))
    admin_services.rename_agency(police, "West Midlands Police")
    db.session.commit()
    snap = db.session.scalar(select(SnapshotRow))
    assert snap.lead_agency == "Police"
    assert len(snap.partner_agencies) <= 500
    assert snap.partner_agencies.startswith("Health, Neighbourhood partnership number 0, ")
    assert re.search(r" and \d+ more$", snap.partner_agencies)


def test_the_demo_agencies_are_the_list_its_risks_choose_from(ctx):
    demo.load_demo()
    db.session.commit()
    assert agency_names() == sorted(demo_data.AGENCIES, key=str.casefold)
    named = set()
    for spec in demo_data.RISKS:
        named |= {spec["lead_agency"], *spec["partner_agencies"]}
    assert named == set(demo_data.AGENCIES)  # every one is used, none is missing
    risk = db.session.scalar(select(Risk).where(Risk.title == demo_data.RISKS[0]["title"]))
    assert risk.lead_agency.name == demo_data.RISKS[0]["lead_agency"]
    assert {a.name for a in risk.partners} == set(demo_data.RISKS[0]["partner_agencies"])
    # Loading again over it (demo load --force) keeps one list.
    clear_register()
    demo.load_demo()
    db.session.commit()
    assert len(agency_names()) == len(demo_data.AGENCIES)
