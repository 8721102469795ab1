"""The register never identifies a child: NHS numbers, dates of birth and full postcodes are
refused in every text field on save and in every imported cell, and `privacy scan` finds them
in what is already stored."""

from datetime import date

import pytest
from helpers import make_action, make_control, make_meeting, make_risk, table_counts, time_limit
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_editing import form_state, new_risk_form
from test_import import csv_bytes, errors_of, upload

from riskreg.admin.services import find_or_add
from riskreg.clock import local_date
from riskreg.domain import child_identifiers, identifier_message
from riskreg.domain.dates import long_date
from riskreg.domain.privacy import nhs_check_digit_valid
from riskreg.extensions import db
from riskreg.importer.plan import plan_import
from riskreg.models import Assessment, Risk

NHS = "943 476 5919"  # the NHS's own example of a valid number
REFUSAL = "The register must never identify a child: remove it."

# --- The rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS no. 943 476 5919", ["an NHS number (943 476 5919)"]),
        ("9434765919", ["an NHS number (9434765919)"]),
        ("(943-476-5919)", ["an NHS number (943-476-5919)"]),
        ("NHS4505577104, seen", ["an NHS number (4505577104)"]),
        ("0000000000", ["an NHS number (0000000000)"]),  # check digit 11 counts as 0
        ("DOB 3/4/2015", ["a date of birth (DOB 3/4/2015)"]),
        ("dob: 03-04-15", ["a date of birth (dob: 03-04-15)"]),
        ("D.O.B. 3.4.2015", ["a date of birth (D.O.B. 3.4.2015)"]),
        ("Date of Birth 3 April 2015", ["a date of birth (Date of Birth 3 April 2015)"]),
        ("date of\nbirth: 3rd of Apr", ["a date of birth (date of birth: 3rd of Apr)"]),
        ("born on 2015-04-03", ["a date of birth (born on 2015-04-03)"]),
        ("Born on the 3rd April, 2015", ["a date of birth (Born on the 3rd April, 2015)"]),
        ("DoB April 3, 2015", ["a date of birth (DoB April 3, 2015)"]),
        ("DOB - Sept 2015", ["a date of birth (DOB - Sept 2015)"]),
        ("Lives at DY1 1HF.", ["a postcode (DY1 1HF)"]),
        ("dy1 1hf", ["a postcode (dy1 1hf)"]),
        ("B69 4RG", ["a postcode (B69 4RG)"]),
        ("W1A 1AA and EC1A 1BB", ["a postcode (W1A 1AA)", "a postcode (EC1A 1BB)"]),
        ("DY11HF", ["a postcode (DY11HF)"]),
        # The same, written another way: separators, Unicode look-alikes, spacing and case.
        ("943.476.5919", ["an NHS number (943.476.5919)"]),
        ("943 4765919", ["an NHS number (943 4765919)"]),
        ("\uff19\uff14\uff13 \uff14\uff17\uff16 \uff15\uff19\uff11\uff19",
         ["an NHS number (943 476 5919)"]),  # full-width digits
        ("943\u00a0476\u00a05919", ["an NHS number (943 476 5919)"]),  # non-breaking spaces
        ("943\u2011476\u20115919", ["an NHS number (943-476-5919)"]),  # non-breaking hyphens
        ("943  476  5919", ["an NHS number (943 476 5919)"]),
        ("943\u200b476\u200b5919", ["an NHS number (9434765919)"]),  # zero-width spaces
        ("born 12/03/2015", ["a date of birth (born 12/03/2015)"]),
        ("Birthday 12 March 2015", ["a date of birth (Birthday 12 March 2015)"]),
        ("birth date: 12.3.15", ["a date of birth (birth date: 12.3.15)"]),
        ("DOB\u00a0\u2013\u00a012/03/2015", ["a date of birth (DOB - 12/03/2015)"]),
        ("DY1-1HF", ["a postcode (DY1-1HF)"]),
        ("Dy1 1hF", ["a postcode (Dy1 1hF)"]),
        ("DY1 1ST", ["a postcode (DY1 1ST)"]),  # an ordinal in capitals is a postcode
        (
            "DY1 1HF, 943 476 5919, DOB 3/4/2015, 943 476 5919",
            [
                "a postcode (DY1 1HF)",
                "an NHS number (943 476 5919)",
                "a date of birth (DOB 3/4/2015)",
            ],
        ),
    ],
)  # fmt: skip
def test_what_identifies_a_child_is_found(text, found):
    assert child_identifiers(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "943 476 5918",  # the check digit fails
        "1000000010",  # the check digit would be 10: no valid NHS number
        "01214960006",  # an eleven-digit UK phone number
        "0121 496 0006",
        "07700 900123",
        "+44 121 496 0006",  # 1214960006 has a valid check digit, but it is a phone number
        "94347659190",
        "943 476 59190",
        "£9,434,765,919",
        "children born after 1 April 2025",
        "children born on or after 1 April 2025",
        "a date of 3 April 2015",
        "DOB",
        "Dobson 3/4/2015",
        "Families in DY1, DY2 and B69",
        "KS2 3rd and Y6 4th",  # school years, not postcodes
        "QA1 1AA",  # no postcode starts with Q
        "Demand outstrips front-line capacity",
        "",
    ],
)
def test_what_does_not_identify_a_child_passes(text):
    assert child_identifiers(text) == []


def check_digit(nine: str) -> int:
    """Worked out longhand, to test the rule against."""
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return {0: 0, 1: 10}.get(remainder, 11 - remainder)


ten_digits = st.text(alphabet="0123456789", min_size=10, max_size=10)


@given(ten_digits)
def test_a_ten_digit_number_is_an_nhs_number_iff_its_check_digit_is_valid(digits):
    valid = check_digit(digits[:9]) == int(digits[9])
    assert nhs_check_digit_valid(digits) is valid
    spaced = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    for text in (digits, spaced, f"Child {spaced} was seen", f"ID:{digits}."):
        assert bool(child_identifiers(text)) is valid, text


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nine_digits_have_exactly_one_check_digit_or_none(nine):
    valid = [d for d in "0123456789" if nhs_check_digit_valid(nine + d)]
    assert valid == ([] if check_digit(nine) == 10 else [str(check_digit(nine))])


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_an_eleven_digit_uk_phone_number_passes_however_it_is_spaced(rest):
    number = "0" + rest
    spacings = (
        number,
        f"{number[:5]} {number[5:]}",
        f"{number[:4]} {number[4:7]} {number[7:]}",
        f"{number[:3]} {number[3:7]} {number[7:]}",
        f"+44 {rest[:3]} {rest[3:6]} {rest[6:]}",
        f"+44 {rest}",
    )
    for text in spacings:
        assert child_identifiers(f"Call {text} today") == [], text


# Not even characters that stand for digits (²), which are read as the digits they are.
@given(st.text(alphabet=st.characters(exclude_categories=["Nd", "No"])))
def test_text_without_digits_identifies_no_one(text):
    assert child_identifiers(text) == []


date_forms = st.sampled_from(
    ["%-d/%-m/%Y", "%d-%m-%Y", "%-d %B %Y", "%Y-%m-%d", "%-d %b %Y", "%B %-d, %Y", "%d.%m.%y"]
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))


@given(days, date_forms, st.sampled_from(["DOB", "d.o.b.", "Date of birth", "born on"]))
def test_a_date_straight_after_a_birth_cue_is_a_date_of_birth(day, form, cue):
    written = day.strftime(form)
    for text, match in (
        (f"{cue} {written}", f"{cue} {written}"),
        (f"{cue.upper()}:{written}", f"{cue.upper()}:{written}"),
        (f"The child ({cue.lower()}: {written}) was seen", f"{cue.lower()}: {written}"),
    ):
        assert child_identifiers(text) == [f"a date of birth ({match})"], text


@given(days, date_forms)
def test_a_date_without_a_birth_cue_passes(day, form):
    written = day.strftime(form)
    for text in (f"children born after {written}", f"reviewed on {written}", written):
        assert child_identifiers(text) == []


CUES = ["dob", "DOB:", "d.o.b.", "date of birth", "born on", "born", "birthday", "NHS", "+44",
        "DY1", "the 3rd of", "April"]  # fmt: skip
FILLERS = [" ", "\u00a0", "\t", "\n", "0", "9", "-", ".", "/", ":", " 1", "1 ", "- ", "\u200b"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CUES), st.sampled_from(FILLERS)), min_size=1, max_size=4),
    st.integers(1_000, 30_000),
    st.sampled_from(["x", "3/4/2015", "5919", " 1HF", ""]),
)
@example([("dob", " ")], 40_000, "x")  # held a web worker for two minutes
@example([("943 476 5919 ", " ")], 1, "")  # with "* 8_000" below: 100 KB of NHS numbers
def test_checking_text_takes_time_in_proportion_to_its_length(parts, run, tail):
    """Runs of spaces, digits or separators after every cue word, at any length: each check
    reads the text once (the old checker took minutes on a run of 40,000 spaces)."""
    text = "".join(cue + filler * run for cue, filler in parts) + tail
    if run == 1:
        text = text * 8_000
    with time_limit(5):
        child_identifiers(text)


def test_the_message_says_what_was_found_and_why():
    assert identifier_message("Causes", ["an NHS number (943 476 5919)"]) == (
        f"Causes contains what looks like an NHS number (943 476 5919). {REFUSAL}"
    )
    found = ["a postcode (DY1 1HF)", "an NHS number (943 476 5919)", "a date of birth (DOB 3/4/15)"]
    assert identifier_message("Notes", found) == (
        "Notes contains what looks like a postcode (DY1 1HF), an NHS number (943 476 5919) and "
        f"a date of birth (DOB 3/4/15). {REFUSAL}"
    )


# --- The forms ------------------------------------------------------------------------------


@pytest.fixture
def risk_ids(app, agencies):
    with app.app_context():
        risk = make_risk()
        return {"ref": risk.ref, "control": make_control(risk).id, "action": make_action(risk).id}


def edit_form(**overrides):
    data = new_risk_form(**overrides)
    del data["section"]
    return data


CONTROL = {"description": "Audit", "effectiveness": "effective"}
ACTION = {"description": "Recruit", "status": "not_started"}
RESCORE = {"current_likelihood": "2", "current_impact": "3", "rationale": "Better staffing"}

# (url, the form, the field given the text, its label)
FIELDS = [
    ("/risks/new", new_risk_form(), "title", "Title"),
    ("/risks/new", new_risk_form(), "statement", "Risk statement"),
    ("/risks/new", new_risk_form(), "causes", "Causes"),
    ("/risks/new", new_risk_form(), "consequences", "Consequences for children"),
    ("/risks/new", new_risk_form(), "rationale", "Reason for these scores"),
    ("/risks/new", new_risk_form(), "owner_role", "Owner’s role"),
    ("/risks/{ref}/edit", edit_form(), "statement", "Risk statement"),
    ("/risks/{ref}/edit", edit_form(), "priority", "Board priority or sub-group"),
    ("/risks/{ref}/rescore", RESCORE, "rationale", "Reason for the new scores"),
    ("/risks/{ref}/controls/new", CONTROL, "description", "Description"),
    ("/risks/{ref}/controls/{control}/edit", CONTROL, "assurance_source", "Source of assurance"),
    ("/risks/{ref}/actions/new", ACTION, "description", "Description"),
    ("/risks/{ref}/actions/{action}/edit", ACTION, "owner", "Owner"),
    ("/risks/{ref}/close", {"reason": "Done"}, "reason", "Reason"),
    ("/meetings/new", {"held_on": ["27", "3", "2025"], "title": "Board"}, "notes", "Notes"),
    ("/meetings/new", {"held_on": ["27", "3", "2025"], "title": "Board"}, "title", "Title"),
]
IDENTIFIERS = [
    (f"Child's NHS number is {NHS}", f"an NHS number ({NHS})"),
    ("Child, DOB 3/4/2015, missing", "a date of birth (DOB 3/4/2015)"),
    ("Family moved to DY1 1HF", "a postcode (DY1 1HF)"),
]


@pytest.mark.parametrize(("text", "found"), IDENTIFIERS)
@pytest.mark.parametrize(("url", "form", "field", "label"), FIELDS)
def test_text_identifying_a_child_is_refused_next_to_the_field_and_nothing_is_written(
    app, login, risk_ids, url, form, field, label, text, found
):
    client = login("manager")
    url = url.format(**risk_ids)
    state = form_state(client, url) if "/risks/SG" in url else {}
    with app.app_context():
        before = table_counts()
    response = client.post(url, data={**form, **state, field: text})
    assert response.status_code == 400
    message = f"{label} contains what looks like {found}. {REFUSAL}"
    assert "There is a problem" in response.text  # the GOV.UK error summary
    error = response.text[response.text.index(f'id="{field}-error"') :].split("</p>")[0]
    assert message in error  # and next to the field
    with app.app_context():
        assert table_counts() == before


def test_numbers_that_are_not_nhs_numbers_and_outward_codes_are_saved(app, login, agencies):
    client = login("manager")
    causes = "Call 0121 496 0006 or 07700 900123; case 943 476 5918; families across DY1 and DY2"
    statement = "Children born after 1 April 2025 miss their health visitor checks."
    form = new_risk_form(causes=causes, statement=statement)
    response = client.post("/risks/new", data=form)
    assert response.status_code == 302, response.text
    with app.app_context():
        risk = db.session.scalar(select(Risk).where(Risk.title == form["title"]))
        assert (risk.causes, risk.statement) == (causes, statement)


def test_the_guard_checks_only_the_fields_being_saved(app, login, agencies):
    """Text stored before the rule does not stop other changes to the risk; saving the field
    that holds it does, until it is removed."""
    client = login("manager")
    with app.app_context():
        ref = make_risk(causes=f"Child {NHS}").ref
    for url, data in (
        (f"/risks/{ref}/controls/new", CONTROL),
        (f"/risks/{ref}/actions/new", ACTION),
        (f"/risks/{ref}/close", {"reason": "Merged into SG-02"}),
        (f"/risks/{ref}/reopen", {"reason": "Split out again"}),  # a closed risk is not edited
    ):
        response = client.post(url, data={**data, **form_state(client, url)})
        assert response.status_code == 302, (url, response.text)
    url = f"/risks/{ref}/edit"
    refused = client.post(url, data={**edit_form(causes=f"Child {NHS}"), **form_state(client, url)})
    assert refused.status_code == 400
    assert f"Causes contains what looks like an NHS number ({NHS})" in refused.text
    saved = client.post(url, data={**edit_form(causes="Child"), **form_state(client, url)})
    assert saved.status_code == 302


# --- The importer ---------------------------------------------------------------------------

HEADINGS = ["Section", "Title", "Statement", "Causes", "Owner", "Lead agency"]
HEADINGS += ["Current likelihood", "Current impact", "Status", "Closed reason"]


def row(title="Missing children", statement="Children go missing.", causes="", reason=""):
    status = "Closed" if reason else ""
    return ["SG", title, statement, causes, "Pat Owner", "Police", 3, 4, status, reason]


def test_imported_cells_identifying_a_child_are_listed_by_row_and_column(login, ctx):
    client = login("manager")
    rows = [
        row(),
        row(causes=f"Child {NHS}"),
        row("Lives at DY1 1HF", statement="born on 3 April 2015"),
        row(reason="Child moved to DY1 1HF"),
    ]
    before = table_counts()
    response = upload(client, csv_bytes(rows, HEADINGS))
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert errors_of(response) == [
        f"Row 3, column Causes: Causes contains what looks like an NHS number ({NHS}). {REFUSAL}",
        "Row 4, column Title: Title contains what looks like a postcode (DY1 1HF). " + REFUSAL,
        "Row 4, column Statement: Risk statement contains what looks like a date of birth (born on "
        f"3 April 2015). {REFUSAL}",
        "Row 5, column Closed reason: Closed reason contains what looks like a postcode "
        f"(DY1 1HF). {REFUSAL}",
    ]
    assert table_counts() == before


def test_an_import_without_identifiers_plans_every_row(ctx):
    rows = [row(causes="Call 0121 496 0006"), row(reason="Families in DY1 moved on")]
    plan = plan_import("register.csv", csv_bytes(rows, HEADINGS))
    assert plan.errors == []
    assert [r.action for r in plan.rows] == ["create", "create"]


# --- privacy scan ---------------------------------------------------------------------------


def test_scan_lists_stored_text_identifying_a_child_by_risk_and_field(app, runner):
    with app.app_context():
        first = make_risk(title="Capacity", statement=f"Child {NHS} at DY1 1HF")
        make_risk(title="Clean")
        third = make_risk(title="Neglect", rationale="Seen DOB 3/4/2015")
        control = make_control(first, owner="Lives at DY1 1HF")
        action = make_action(third, description=f"Refer {NHS}")
        make_meeting(date(2025, 3, 27), notes="Discussed the child born on 3 April 2015")
        # A name the list took from a risk's free text (migration 0006), never through a form.
        agency = find_or_add(["Team at DY1 1HF"])[0].id
        db.session.commit()
        scored = db.session.scalar(
            select(Assessment).where(Assessment.risk_id == third.id, Assessment.kind == "current")
        )
        day = long_date(local_date(scored.created_at))
        refs = (first.ref, third.ref)
        ids = (control.id, action.id)
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{refs[0]}\tStatement\tan NHS number ({NHS})",
        f"{refs[0]}\tStatement\ta postcode (DY1 1HF)",
        f"{refs[0]} control {ids[0]}\tOwner\ta postcode (DY1 1HF)",
        f"{refs[1]} action {ids[1]}\tDescription\tan NHS number ({NHS})",
        f"{refs[1]} inherent score of {day}\tRationale\ta date of birth (DOB 3/4/2015)",
        f"{refs[1]} current score of {day}\tRationale\ta date of birth (DOB 3/4/2015)",
        f"{refs[1]} target score of {day}\tRationale\ta date of birth (DOB 3/4/2015)",
        "Meeting of 27 March 2025\tNotes\ta date of birth (born on 3 April 2015)",
        f"Agency {agency} (Admin, Agencies)\tName\ta postcode (DY1 1HF)",
    ]
    assert "9 finding(s)" in result.stderr


def test_scan_passes_the_demo_register_and_says_so(demo, app, runner):
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 0, result.output
    assert result.output == "No stored text identifies a child.\n"


def test_scan_help_says_what_it_checks_and_how_it_exits(runner):
    result = runner.invoke(args=["privacy", "scan", "--help"])
    assert result.exit_code == 0
    assert "NHS number" in result.output and "status 1 when anything is found" in result.output


def test_demo_data_identifies_no_child():
    from riskreg.demo import data

    def texts(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from texts(item)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from texts(item)

    every = [text for name in dir(data) if name.isupper() for text in texts(getattr(data, name))]
    assert len(every) > 100
    assert [t for t in every if child_identifiers(t)] == []


def test_an_over_long_answer_is_refused_for_its_length_without_reading_it(app, login, agencies):
    """A member's question of 40,000 spaces after "dob": refused at once for its length."""
    client = login("member")
    question = "dob" + " " * 40_000 + "x"
    with app.app_context():
        before = table_counts()
    with time_limit(5):
        response = client.post(
            "/challenges/new", data={"agency": "1", "question": question, "raised_on": ["", "", ""]}
        )
    assert response.status_code == 400
    assert "must be 2000 characters or fewer" in response.text
    assert "looks like" not in response.text
    with app.app_context():
        assert table_counts() == before


def test_the_scan_finds_identifiers_written_another_way(app, runner):
    with app.app_context():
        make_risk(causes="Family at Dy1 1hF, child born 12/03/2015, NHS 943.476.5919")
    result = runner.invoke(args=["privacy", "scan"])
    assert result.exit_code == 1
    for found in ("a postcode (Dy1 1hF)", "a date of birth (born 12/03/2015)",
                  "an NHS number (943.476.5919)"):  # fmt: skip
        assert found in result.output + result.stderr
