"""The data set's pages, forms and files: who may do what, bad input refused with nothing
written, corrections and conflicts, import and export, and statements per page."""

import csv
import html
import io
import re
from datetime import date

import pytest
from helpers import (
    count_statements,
    enter_value,
    make_agency,
    make_indicator,
    make_meeting,
    make_risk,
    request_statements,
    table_counts,
)
from openpyxl import load_workbook
from sqlalchemy import select

from riskreg.extensions import db
from riskreg.models import AuditEvent, Indicator, IndicatorValue, Risk

MARKUP = '<script>alert("x")</script>'


def form_for(agency_id, **fields):
    return {
        "code": "CP-PLANS",
        "name": "Children subject to a child protection plan",
        "definition": "At the end of the period.",
        "unit": "count",
        "agency": str(agency_id),
        "frequency": "quarterly",
        "year_rule": "end",
        "polarity": "up_worse",
        "amber": "330",
        "red": "360",
        "change_percent": "",
        "owner_name": "Head of Safeguarding",
        **fields,
    }


@pytest.fixture
def police(ctx):
    return make_agency().id


def test_members_read_the_data_set_and_change_nothing(app, login, police):
    indicator = make_indicator(amber=10)
    enter_value(indicator, "2025-26 Q1", 12)
    client = login("member")
    for url in ("/indicators/", "/indicators/DA-NOTIFY", "/indicators/values.csv",
                "/indicators/values.xlsx"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    page = client.get("/indicators/DA-NOTIFY").text
    assert "Enter a value" not in page and "Correct<" not in page
    for url in ("/indicators/new", "/indicators/DA-NOTIFY/edit",
                "/indicators/DA-NOTIFY/values/new", "/indicators/import"):  # fmt: skip
        assert client.get(url).status_code == 403, url
        assert client.post(url, data={}).status_code == 403, url


def test_a_manager_adds_an_indicator_linked_to_risks(app, login, police):
    risk = make_risk()
    client = login("manager")
    response = client.post("/indicators/new", data={**form_for(police), "risks": [str(risk.id)]})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/indicators/CP-PLANS")
    indicator = db.session.scalar(select(Indicator))
    assert (indicator.amber, indicator.red, [r.ref for r in indicator.risks]) == (
        330,
        360,
        [risk.ref],
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "indicator"))
    assert event.changes["risks"] == [None, risk.ref]
    assert event.changes["agency"] == [None, "West Midlands Police"]
    page = client.get("/indicators/CP-PLANS").text
    assert "Amber from 330, red from 360" in page
    assert risk.title in page


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"code": ""}, "code", "Enter a code"),
        ({"code": "cp plans"}, "code", "capital letters, digits and hyphens"),
        ({"code": "9LIVES"}, "code", "start with a letter"),
        ({"name": "  "}, "name", "Enter the indicator"),
        ({"name": "x" * 201}, "name", "200 characters or fewer"),
        ({"unit": "furlongs"}, "unit", "Choose the unit from the list"),
        ({"agency": ""}, "agency", "Choose the source agency"),
        ({"agency": "99999"}, "agency", "Choose the source agency from the list"),
        ({"agency": "'; drop table agency"}, "agency", "from the list"),
        ({"frequency": "hourly"}, "frequency", "from the list"),
        ({"year_rule": ""}, "year_rule", "Choose how a year"),
        ({"unit": "percentage", "year_rule": "sum"}, "year_rule", "never summed"),
        ({"polarity": "sideways"}, "polarity", "from the list"),
        ({"amber": "lots"}, "amber", "as a number"),
        ({"amber": "nan"}, "amber", "as a number"),
        ({"red": "300"}, "red", "at or above the amber value"),
        ({"polarity": "neither"}, "amber", "use a change threshold"),
        ({"change_percent": "-5"}, "change_percent", "0 or more"),
        ({"risks": ["424242"]}, "risks", "Choose the risks from the list"),
        ({"definition": "Seen at DY1 1HF, DOB 3/4/2015"}, "definition", "never identify a child"),
    ],
)
def test_bad_indicator_forms_are_refused_next_to_the_field(app, login, police, fields, field,
                                                           message):  # fmt: skip
    client = login("manager")
    before = table_counts()
    response = client.post("/indicators/new", data=form_for(police, **fields))
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert message.lower() in text.lower()
    assert f'id="{field}-error"' in response.text or f'href="#{field}' in response.text
    assert table_counts() == before


def test_a_code_is_unique_and_stays_once_there_are_values(app, login, police):
    client = login("manager")
    make_indicator("CP-PLANS")
    response = client.post("/indicators/new", data=form_for(police))
    assert response.status_code == 400 and "already used" in response.text
    enter_value(db.session.scalar(select(Indicator)), "2025-26 Q1", 300)
    response = client.post(
        "/indicators/CP-PLANS/edit", data=form_for(police, code="CP-PLAN", version="1")
    )
    assert response.status_code == 400 and "The code cannot change" in response.text


def test_two_people_saving_one_indicator_at_once(app, login, police):
    client = login("manager")
    make_indicator("CP-PLANS")
    first = client.post("/indicators/CP-PLANS/edit", data=form_for(police, version="1"))
    assert first.status_code == 302
    second = client.post(
        "/indicators/CP-PLANS/edit", data=form_for(police, version="1", name="Theirs")
    )
    assert second.status_code == 409
    assert db.session.scalar(select(Indicator.name)) == form_for(police)["name"]


def test_two_people_changing_only_the_linked_risks_at_once(app, login, police):
    risk = make_risk()
    client = login("manager")
    make_indicator("CP-PLANS")
    first = client.post(
        "/indicators/CP-PLANS/edit", data={**form_for(police, version="1"), "risks": [risk.id]}
    )
    assert first.status_code == 302
    second = client.post("/indicators/CP-PLANS/edit", data=form_for(police, version="1"))
    assert second.status_code == 409
    assert [r.ref for r in db.session.scalar(select(Indicator)).risks] == [risk.ref]


def test_markup_is_shown_as_text_everywhere_it_reaches(app, login, police):
    risk = make_risk()
    indicator = make_indicator(
        "CP-PLANS", risks=[risk], name=f"Plans {MARKUP}", definition=MARKUP, owner_name=MARKUP,
        amber=1,
    )  # fmt: skip
    enter_value(indicator, "2025-26 Q1", 5, note=MARKUP)
    client = login("manager")
    pages = ["/indicators/", "/indicators/CP-PLANS", f"/risks/{risk.ref}",
             "/indicators/CP-PLANS/values/new?period=2025-26+Q1",
             "/report/risks-and-challenges?year=2025-26"]  # fmt: skip
    for url in pages:
        text = client.get(url).text
        assert "<script>alert" not in text, url
        assert "&lt;script&gt;" in text, url
    markdown = client.get("/report/risks-and-challenges.md?year=2025-26").text
    assert "\\<script\\>" in markdown and "<script>" not in markdown


def test_entering_and_correcting_a_value(app, login, police):
    risk = make_risk()
    make_indicator("CP-PLANS", risks=[risk], amber=330)
    client = login("manager")
    form = client.get("/indicators/CP-PLANS/values/new").text
    assert 'name="supersedes" type="hidden" value="0"' in form
    period = re.search(r'<option value="([^"]+ Q\d)"', form)[1]
    response = client.post(
        "/indicators/CP-PLANS/values/new",
        data={"period": period, "value": "1,204", "note": "", "supersedes": "0"},
    )
    assert response.status_code == 302
    assert client.get("/risks?flag=indicator_moved").text.count(risk.ref) >= 1
    # The correction form shows the value it corrects, and carries its id.
    form = client.get(f"/indicators/CP-PLANS/values/new?period={period}").text
    assert "1,204" in form
    value_id = db.session.scalar(select(IndicatorValue.id))
    assert f'value="{value_id}"' in form
    response = client.post(
        "/indicators/CP-PLANS/values/new",
        data={"period": period, "value": "304", "note": "Recount", "supersedes": str(value_id)},
    )
    assert response.status_code == 302
    assert db.session.query(IndicatorValue).count() == 2
    page = client.get("/indicators/CP-PLANS").text
    assert "Corrected: 1 earlier value" in page and "Recount" in page


def test_a_value_for_a_period_that_has_one_is_not_saved_blind(app, login, police):
    indicator = make_indicator("CP-PLANS")
    client = login("manager")
    form = client.get("/indicators/CP-PLANS/values/new").text
    period = re.search(r'<option value="([^"]+ Q\d)"', form)[1]
    enter_value(indicator, period, 300)  # someone else, meanwhile
    response = client.post(
        "/indicators/CP-PLANS/values/new",
        data={"period": period, "value": "310", "supersedes": "0"},
    )
    assert response.status_code == 409
    assert "has a value already" in html.unescape(response.text)
    assert db.session.query(IndicatorValue).count() == 1
    shown = re.search(r'name="supersedes" type="hidden" value="(\d+)"', response.text)[1]
    again = client.post(
        "/indicators/CP-PLANS/values/new",
        data={"period": period, "value": "310", "supersedes": shown},
    )
    assert again.status_code == 302
    assert db.session.query(IndicatorValue).count() == 2


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"value": ""}, "Enter the value"),
        ({"value": "a lot"}, "as a number"),
        ({"value": "-4"}, "cannot be negative"),
        ({"value": "3.5"}, "A count is a whole number"),
        ({"value": "1e12"}, "too large"),
        ({"period": ""}, "Choose the period"),
        ({"period": "2090-91 Q1"}, "Choose a period from the list"),
        ({"period": "x" * 5000}, "Choose a period from the list"),
        ({"supersedes": "abc"}, "out of date"),
        ({"supersedes": ""}, "Reload the page"),
        ({"note": "x" * 501}, "500 characters or fewer"),
    ],
)
def test_bad_values_are_refused_with_nothing_written(app, login, police, fields, message):
    make_indicator("CP-PLANS")
    client = login("manager")
    form = client.get("/indicators/CP-PLANS/values/new").text
    period = re.search(r'<option value="([^"]+ Q\d)"', form)[1]
    before = table_counts()
    data = {"period": period, "value": "300", "note": "", "supersedes": "0", **fields}
    response = client.post("/indicators/CP-PLANS/values/new", data=data)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert table_counts() == before


def test_unknown_codes_are_not_found(app, login):
    client = login("member")
    for url in ("/indicators/NOPE", "/indicators/lower", "/indicators/%3Cb%3E",
                "/indicators/" + "A" * 300):  # fmt: skip
        assert client.get(url).status_code == 404, url


def test_the_list_filters_by_agency_status_and_section(app, login, police):
    sg, br = make_risk(section="SG"), make_risk(section="BR", title="Board risk")
    council = make_agency("Council").id
    red = make_indicator("RED-ONE", risks=[sg], amber=5, red=10)
    enter_value(red, "2025-26 Q1", 12)
    within = make_indicator("WITHIN", risks=[br], amber=50, agency_id=council)
    enter_value(within, "2025-26 Q1", 12)
    make_indicator("EMPTY")
    client = login("member")

    def codes(query):
        page = client.get(f"/indicators/?{query}").text
        return re.findall(r'/indicators/([A-Z-]+)"', page)

    assert codes("") == ["EMPTY", "RED-ONE", "WITHIN"]
    assert codes(f"agency={council}") == ["WITHIN"]
    assert codes("status=red") == codes("status=beyond") == ["RED-ONE"]
    assert codes("status=within") == ["WITHIN"]
    assert codes("status=no_value") == ["EMPTY"]
    assert codes("section=BR") == ["WITHIN"]
    # A value that is not a choice is ignored, as the register ignores one.
    assert codes("agency=abc&status=%3Cb%3E&section=ZZ") == ["EMPTY", "RED-ONE", "WITHIN"]


def csv_file(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


HEADER = ["Indicator code", "Period", "Value", "Note"]


def upload(client, data: bytes, name="values.csv"):
    return client.post(
        "/indicators/import",
        data={"spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_importing_values_on_the_web_checks_first_then_writes_all(app, login, police):
    risk = make_risk()
    make_indicator("CP-PLANS", risks=[risk], year_rule="end", amber=330)
    make_indicator("LADO", frequency="yearly", year_rule="entered")
    client = login("manager")
    good = csv_file([HEADER, ["CP-PLANS", "2025-26 Q1", "292", ""], ["cp-plans", "Q2 2025-26",
                     "340", "Spike"], ["LADO", "2025-26", "170", ""]])  # fmt: skip
    check = upload(client, good)
    assert check.status_code == 200
    assert "3 new values" in check.text
    assert db.session.query(IndicatorValue).count() == 0
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', check.text)[1]
    done = client.post("/indicators/import", data={"filename": "values.csv", "content": content})
    assert done.status_code == 302
    assert db.session.query(IndicatorValue).count() == 3
    assert client.get("/risks?flag=indicator_moved").text.count(f">{risk.ref}<") >= 1
    # The same file again changes nothing.
    again = upload(client, good)
    assert "0 new values" in again.text and "3 rows" in again.text


def test_a_file_with_problems_lists_them_by_row_and_column_and_writes_nothing(app, login, police):
    make_indicator("CP-PLANS")
    client = login("manager")
    bad = csv_file([
        HEADER,
        ["CP-PLANS", "2025-26 Q1", "292", ""],
        ["NOPE", "2025-26 Q1", "1", ""],
        ["CP-PLANS", "2025-26", "1", ""],
        ["CP-PLANS", "2025-26 Q2", "many", ""],
        ["CP-PLANS", "2025-26 Q1", "293", ""],
        ["CP-PLANS", "2099-00 Q1", "1", ""],
    ])  # fmt: skip
    before = table_counts()
    response = upload(client, bad)
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "Row 3, Indicator code: No indicator has the code “NOPE”" in text
    assert "Row 4, Period: This indicator takes values for a quarter" in text
    assert "Row 5, Value: Enter the value as a number" in text
    assert "Row 6, Period: Row 2 gives this period’s value already" in text
    assert "Row 7, Period: Enter a period between" in text or "Row 7, Period:" in text
    assert table_counts() == before
    missing = upload(client, csv_file([["Code", "When", "Value"], ["CP-PLANS", "x", "1"]]))
    assert missing.status_code == 400 and "no “Period” column" in html.unescape(missing.text)
    assert upload(client, b"not,a\x00file", name="v.txt").status_code == 400


def test_tampered_carried_content_is_refused(app, login, police):
    make_indicator("CP-PLANS")
    client = login("manager")
    before = table_counts()
    response = client.post("/indicators/import", data={"filename": "v.csv", "content": "@@@"})
    assert response.status_code == 302
    assert table_counts() == before


def test_cli_import_dry_run_errors_and_reimport(app, runner, tmp_path, police):
    make_indicator("CP-PLANS", year_rule="end")
    path = tmp_path / "values.csv"
    path.write_bytes(csv_file([HEADER] + [["CP-PLANS", f"2025-26 Q{n}", 300 + n, ""]
                                          for n in range(1, 5)]))  # fmt: skip
    result = runner.invoke(args=["indicators", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "4 new values, 0 unchanged" in result.output and "Nothing was written" in result.output
    assert db.session.query(IndicatorValue).count() == 0
    result = runner.invoke(args=["indicators", "import", str(path)])
    assert result.exit_code == 0 and "Imported values.csv: 4 new values" in result.output
    result = runner.invoke(args=["indicators", "import", str(path)])
    assert "0 new values, 4 unchanged" in result.output
    assert db.session.query(IndicatorValue).count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([HEADER, ["CP-PLANS", "2025-26 Q1", "-1", ""]]))
    result = runner.invoke(args=["indicators", "import", str(bad)])
    assert result.exit_code != 0
    assert "Row 2, Value: The value cannot be negative" in result.output
    assert "nothing was imported" in result.output
    result = runner.invoke(args=["indicators", "import", str(tmp_path / "missing.csv")])
    assert result.exit_code != 0 and "Cannot read" in result.output


def test_exports_are_reimportable_and_neutralise_formulas(app, login, runner, tmp_path, police):
    indicator = make_indicator("CP-PLANS")
    enter_value(indicator, "2025-26 Q1", 300, note='=HYPERLINK("http://x")')
    client = login("member")
    body = client.get("/indicators/values.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == HEADER
    assert rows[1][:4] == ["CP-PLANS", "2025-26 Q1", "300", '\'=HYPERLINK("http://x")']
    workbook = load_workbook(io.BytesIO(client.get("/indicators/values.xlsx").data))
    sheet = list(workbook.active.values)
    assert list(sheet[1][:3]) == ["CP-PLANS", "2025-26 Q1", 300]
    path = tmp_path / "export.csv"
    result = runner.invoke(args=["indicators", "export", str(path)])
    assert result.exit_code == 0 and path.exists()
    result = runner.invoke(args=["indicators", "import", str(path)])
    assert "0 new values, 1 unchanged" in result.output


def grow(codes):
    """Linked indicators with eight quarters of values each."""
    risk = db.session.scalar(select(Risk).where(Risk.ref == "SG-01"))
    for code in codes:
        indicator = make_indicator(code, risks=[risk], amber=1000)
        for year in (2024, 2025):
            for quarter in range(1, 5):
                enter_value(indicator, f"{year}-{(year + 1) % 100:02d} Q{quarter}", 100)


def test_statements_per_page_do_not_grow_with_indicators_and_values(app, login):
    # Outside the test's app context, so that each request has a context (and g) of its own.
    client = login("member")
    urls = ["/indicators/", "/indicators/IND-0", "/risks/SG-01", "/risks", "/",
            "/report/risks-and-challenges?year=2025-26", "/meetings/1/changes"]  # fmt: skip
    with app.app_context():
        make_risk()
        make_meeting(date(2026, 6, 1))
        grow(["IND-0"])
    few = request_statements(app, client, urls)
    with app.app_context():
        grow([f"IND-{n}" for n in range(1, 6)])
    assert request_statements(app, client, urls) == few


def test_checking_a_file_runs_the_same_statements_for_2_rows_or_30(app, login):
    with app.app_context():
        make_indicator("MISSING", frequency="monthly")
        engine = db.engine
    client = login("manager")

    def statements(rows: int) -> int:
        months = [f"{2023 + n // 12}-{n % 12 + 1:02d}" for n in range(rows)]
        data = csv_file([HEADER] + [["MISSING", month, 30, ""] for month in months])
        with count_statements(engine) as n:
            response = upload(client, data)
            assert response.status_code == 200, response.text
        return n[0]

    statements(1)  # the first request after signing in reads what later ones have cached
    assert statements(2) == statements(30)
