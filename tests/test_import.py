"""Importing a spreadsheet register: export -> edit -> import round-trips, stable refs, every
row validated first, all or nothing, on the web (upload, preview, confirm) and the CLI."""

import csv
import html
import io
import re
import zipfile
from datetime import date

import pytest
from helpers import agency_id, count_statements, make_risk, table_counts
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from riskreg import cli as app_cli
from riskreg.extensions import db
from riskreg.importer import views as importer
from riskreg.importer.plan import plan_import
from riskreg.importer.reading import FIELD_COLUMNS, SCORE_COLUMNS
from riskreg.models import Assessment, AuditEvent, Risk, Section
from riskreg.register import services, spreadsheet

HEADINGS = ["Ref", "Section", "Title", "Statement", "Owner", "Lead agency"]
HEADINGS += ["Current likelihood", "Current impact"]


def csv_bytes(rows, headings=HEADINGS, bom=True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def risk_row(ref="", title="Missing children", section="SG", current=(3, 4)):
    return [ref, section, title, f"Statement of {title.lower()}.", "Pat Owner", "Police", *current]


def upload(client, data: bytes, name="register.csv"):
    return client.post(
        "/import",
        data={"spreadsheet": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def hidden(response, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', response.text)
    assert found, response.text
    return html.unescape(found[1])


def confirm(client, preview):
    return client.post(
        "/import/confirm",
        data={"filename": hidden(preview, "filename"), "content": hidden(preview, "content")},
    )


def actions(response) -> list[str]:
    return re.findall(r'data-action="(\w+)"', response.text)


def errors_of(response) -> list[str]:
    items = re.search(r'class="[^"]*rr-import-problems">(.*?)</ul>', response.text, re.S)
    assert items, response.text
    return [html.unescape(i) for i in re.findall(r"<li>(.*?)</li>", items[1], re.S)]


def risk(ref) -> Risk:
    return db.session.scalar(select(Risk).where(Risk.ref == ref))


@pytest.fixture
def demo_register(demo, ctx):
    pass


def test_every_column_read_is_one_the_export_writes():
    written = {column.heading for column in spreadsheet.COLUMNS}
    read = {*FIELD_COLUMNS.values(), *SCORE_COLUMNS.values(), "Ref", "Section", "Status"}
    assert read | {"Closed reason"} <= written


# --- Round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_exported_register_imports_back_unchanged(login, demo_register, extension):
    client = login("manager")
    exported = client.get(f"/risks.{extension}?status=all").data
    before = table_counts()
    preview = upload(client, exported, f"register.{extension}")
    assert preview.status_code == 200, preview.text
    assert actions(preview) == ["unchanged"] * db.session.query(Risk).count()
    assert "0 to create, 0 to update, 8 unchanged" in preview.text
    assert "Confirm import" not in preview.text  # nothing to confirm
    # Confirming anyway writes nothing, not even an audit event.
    confirmation = {"filename": f"register.{extension}", "content": importer.carried(exported)}
    assert client.post("/import/confirm", data=confirmation).status_code == 302
    assert table_counts() == before


def test_formula_neutralised_csv_cells_come_back_as_the_original_text(login, ctx):
    hostile = {
        "title": "=SUM(1,2)",
        "statement": "+44 helpline calls unanswered",
        "owner_name": "-Dash",
        "lead_agency": "@Agency",
    }
    make_risk(**hostile)
    client = login("manager")
    exported = client.get("/risks.csv").data.decode("utf-8")
    assert "'=SUM(1,2)" in exported and "'@Agency" in exported
    plan = plan_import("register.csv", exported.encode("utf-8"))
    assert plan.errors == []
    assert [row.action for row in plan.rows] == ["unchanged"]
    # And a new row's neutralised cell is stored as the text itself.
    plan = plan_import("new.csv", csv_bytes([risk_row(title="'=1+2")]))
    assert plan.rows[0].fields["title"] == "=1+2"


# --- Creating and updating ------------------------------------------------------------------


def test_rows_with_a_new_ref_or_none_create_risks_after_every_number_in_use(login, ctx):
    make_risk("SG")  # SG-01
    client = login("manager")
    data = csv_bytes(
        [
            risk_row("", "Missing children"),
            risk_row("sg-5", "Neglect"),
            risk_row("", "Board budget", section="Board risks and challenges", current=(2, 2)),
        ]
    )
    preview = upload(client, data, "new risks.csv")
    assert preview.status_code == 200, preview.text
    assert "Create SG-06" in preview.text and "Create SG-05" in preview.text
    assert "Create BR-01" in preview.text
    assert db.session.query(Risk).count() == 1  # the preview writes nothing
    response = confirm(client, preview)
    assert response.status_code == 302
    assert "Imported new risks.csv: 3 created" in client.get(response.location).text
    db.session.expire_all()
    assert risk("SG-06").title == "Missing children"
    assert risk("SG-05").title == "Neglect"
    assert risk("BR-01").lead_agency.name == "Police"
    scores = db.session.scalars(select(Assessment).where(Assessment.risk_id == risk("SG-05").id))
    assert [(a.kind, a.score, a.rationale) for a in scores] == [
        ("current", 12, "Imported from new risks.csv")
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "import"))
    assert event.summary == "Imported new risks.csv: 3 created, 0 updated, 0 unchanged"
    assert event.user.role == "manager"
    # The same file again: nothing new.
    before = table_counts()
    again = upload(client, data, "new risks.csv")
    assert actions(again) == ["create", "unchanged", "create"]  # refless rows are always new
    with_refs = csv_bytes([risk_row("SG-06", "Missing children"), risk_row("SG-05", "Neglect")])
    assert actions(upload(client, with_refs)) == ["unchanged", "unchanged"]
    assert table_counts() == before


def test_a_changed_row_updates_fields_and_appends_scores_with_audit(login, ctx):
    original = make_risk("SG", "Capacity", current=(3, 4), target=(2, 3))
    risk_id = original.id
    client = login("manager")
    headings = [*HEADINGS, "Target likelihood", "Target impact", "Next review", "Owner email"]
    row = [*risk_row("SG-01", "Front-line capacity", current=(4, 4)), 2, 3, "31/03/2027", ""]
    preview = upload(client, csv_bytes([row], headings))
    assert preview.status_code == 200, preview.text
    assert "Update SG-01: Title, Statement, Lead agency, Next review changed" in preview.text
    assert "current 3 × 4 → 4 × 4" in preview.text
    assert "target" not in preview.text.split("Update SG-01")[1].split("</td>")[0]
    assert confirm(client, preview).status_code == 302
    db.session.expire_all()
    updated = risk("SG-01")
    assert updated.title == "Front-line capacity" and updated.next_review == date(2027, 3, 31)
    assert updated.owner_name == "Pat Owner" and updated.owner_role == "Head of Service"
    currents = db.session.scalars(
        select(Assessment)
        .where(Assessment.risk_id == risk_id, Assessment.kind == "current")
        .order_by(Assessment.id)
    ).all()
    assert [(a.score, a.rationale) for a in currents] == [
        (12, "Initial assessment"),
        (16, "Imported from register.csv"),
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.risk_id == risk_id)).all()
    assert any(e.action == "update" and "title" in e.changes for e in events)
    assert any(e.action == "score" and "16" in e.summary for e in events)
    before = table_counts()
    assert actions(upload(client, csv_bytes([row], headings))) == ["unchanged"]
    assert table_counts() == before


def test_status_closed_closes_the_risk_with_the_reason(login, ctx):
    make_risk("SG", "Capacity")
    headings = [*HEADINGS, "Status", "Closed reason"]
    row = [*risk_row("SG-01", "Capacity"), "Closed", "Merged into SG-02"]
    row[3] = "Statement of capacity."
    client = login("manager")
    preview = upload(client, csv_bytes([row], headings))
    assert "Lead agency changed; close</strong>" in preview.text
    confirm(client, preview)
    db.session.expire_all()
    assert (risk("SG-01").status, risk("SG-01").closed_reason) == ("closed", "Merged into SG-02")


def test_xlsx_with_real_dates_iso_and_uk_text_dates(ctx):
    headings = [*HEADINGS, "Target date", "Next review"]
    rows = [[*risk_row(f"SG-0{n}", f"Risk {n}"), value, "2027-01-02"] for n, value in
            ((1, date(2027, 3, 31)), (2, "31/03/2027"), (3, "2027-03-31"))]  # fmt: skip
    plan = plan_import("dates.xlsx", xlsx_bytes(rows, headings))
    assert plan.errors == []
    assert {row.fields["target_date"] for row in plan.rows} == {date(2027, 3, 31)}
    assert {row.fields["next_review"] for row in plan.rows} == {date(2027, 1, 2)}


def test_unknown_columns_are_ignored_and_noted(ctx):
    plan = plan_import("x.csv", csv_bytes([[*risk_row(), "x"]], [*HEADINGS, "RAG colour"]))
    assert plan.errors == []
    assert plan.notes == ["Columns ignored (not part of the register): RAG colour"]


def test_headings_match_whatever_their_case(ctx):
    plan = plan_import("x.csv", csv_bytes([risk_row()], [h.upper() for h in HEADINGS]))
    assert plan.errors == [] and plan.rows[0].action == "create"


# --- All or nothing --------------------------------------------------------------------------


def test_one_bad_row_among_good_ones_writes_nothing_and_names_row_and_column(login, ctx):
    make_risk("SG", "Capacity")
    client = login("manager")
    headings = [*HEADINGS, "Next review", "Owner email", "Status"]
    rows = [
        [*risk_row("", "Good one"), "", "", ""],
        [*risk_row("", "", current=(7, 4)), "31/02/2027", "not-an-email", "Pending"],
        [*risk_row("XX-01", "Bad section", section="Nowhere"), "", "", ""],
        [*risk_row("", "T" * 201), "", "", ""],
        [*risk_row("BR-02", "Wrong prefix"), "", "", ""],
        [*risk_row("", "Half a score", current=(3, "")), "", "", ""],
        [*risk_row("", "Good two"), "", "", ""],
    ]
    before = table_counts()
    response = upload(client, csv_bytes(rows, headings))
    assert response.status_code == 400
    assert "Nothing was imported" in response.text
    assert errors_of(response) == [
        "Row 3, column Next review: Next review must be a real date",
        "Row 3, column Title: Enter a short title",
        "Row 3, column Owner email: Enter an email address in the correct format, like "
        "name@example.org",
        "Row 3, column Current likelihood: Current likelihood must be a whole number from 1 to 5",
        "Row 3, column Status: Status must be Open or Closed",
        "Row 4, column Section: Enter a section the register has: Safeguarding risks and "
        "challenges (SG); Board risks and challenges (BR)",
        "Row 5, column Title: Title must be 200 characters or fewer",
        "Row 6, column Ref: Ref BR-02 does not start with its section’s prefix SG",
        "Row 7, column Current impact: Enter the current impact",
    ]
    assert table_counts() == before


def test_duplicate_refs_and_missing_columns_are_errors(ctx):
    plan = plan_import("x.csv", csv_bytes([risk_row("SG-03"), risk_row("SG-3")]))
    assert plan.errors == ["Row 3, column Ref: SG-03 is also on row 2; each ref may appear once"]
    plan = plan_import("x.csv", csv_bytes([["SG", "T"]], ["Section", "Title"]))
    assert "Row 1: the column “Statement” is missing" in plan.errors
    assert "Row 1: the column “Current impact” is missing" in plan.errors


def test_a_failure_while_applying_rolls_back_everything(login, ctx, monkeypatch):
    make_risk("SG", "Capacity")
    client = login("manager")
    preview = upload(client, csv_bytes([risk_row("", "New"), risk_row("SG-01", "Changed")]))
    before = table_counts()

    def broken(*args, **kwargs):
        raise ValueError("SG-01 is already used")

    monkeypatch.setattr("riskreg.register.services.update_risk", broken)
    response = confirm(client, preview)
    assert response.status_code == 409
    assert "nothing was imported" in response.text
    assert table_counts() == before


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("empty.csv", b"", "The file is empty."),
        ("blank.csv", b"\n\n  \n", "The file is empty."),
        ("latin.csv", "Ref,Title\nSG-01,Caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        ("headings.csv", csv_bytes([]), "headings but no rows"),
        ("no-header.csv", b"\n" + csv_bytes([risk_row()], bom=False), "column headings"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not an Excel workbook"),
        ("text.xlsx", csv_bytes([risk_row()]), "not an Excel workbook"),
        ("workbook.csv", xlsx_bytes([risk_row()]), "is an Excel workbook, not a CSV"),
        ("cut.xlsx", xlsx_bytes([risk_row()])[:-200], "not an Excel workbook"),
    ],
)
def test_malformed_files_get_a_clear_message_and_400(login, ctx, name, data, message):
    client = login("manager")
    before = table_counts()
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in html.unescape(response.text)
    assert table_counts() == before


def test_a_zip_that_is_not_a_workbook_is_refused(login, ctx):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    response = upload(login("manager"), buffer.getvalue(), "archive.xlsx")
    assert response.status_code == 400
    assert "could not be read" in response.text


def test_upload_form_errors(login, ctx):
    client = login("manager")
    assert 'href="/import"' in client.get("/reports").text
    assert client.get("/import").status_code == 200
    response = client.post("/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and "Select a CSV or Excel file" in response.text
    response = upload(client, b"hello", "notes.txt")
    assert response.status_code == 400
    assert "must be a CSV or an Excel (.xlsx) file" in response.text
    big = csv_bytes([risk_row()]) + b"x" * (2 * 1024 * 1024)
    response = upload(client, big, "big.csv")
    response.request.input_stream.close()  # the test client spools a large body to a file
    assert response.status_code == 400 and "larger than 2 MB" in response.text


def test_a_tampered_confirmation_is_refused(login, ctx):
    client = login("manager")
    before = table_counts()
    for content in ("not base64!", "aGVsbG8=", importer.carried(b"x" * 10)[:-4]):
        response = client.post("/import/confirm", data={"filename": "x.csv", "content": content})
        assert response.status_code == 400
        assert "Nothing was imported" in response.text
    assert client.post("/import/confirm", data={}).status_code == 400
    assert table_counts() == before


def test_the_confirmation_validates_again(login, ctx):
    client = login("manager")
    preview = upload(client, csv_bytes([risk_row("SG-04", "Neglect")]))
    make_risk("SG", "Someone else")  # SG-01 ... the ref is still free: the plan holds
    for _ in range(3):
        make_risk("SG", "More")  # now SG-04 exists with another title: it becomes an update
    response = confirm(client, preview)
    assert response.status_code == 302
    db.session.expire_all()
    assert risk("SG-04").title == "Neglect"
    assert db.session.query(Risk).count() == 4


def test_members_cannot_import(login, ctx):
    client = login("member")
    assert upload(client, csv_bytes([risk_row()])).status_code == 403
    assert client.get("/import").status_code == 403
    assert "Import a spreadsheet" not in client.get("/reports").text


def test_preview_statements_do_not_grow_with_the_rows(login, ctx):
    for n in range(40):
        make_risk("SG", f"Risk {n}")
    client = login("manager")

    def rows(count):
        updates = [risk_row(f"SG-{n:02d}", f"Risk {n}") for n in range(1, count + 1)]
        return csv_bytes(updates + [risk_row("", f"New {n}") for n in range(count)])

    with count_statements() as few:
        assert upload(client, rows(5)).status_code == 200
    with count_statements() as many:
        assert upload(client, rows(40)).status_code == 200
    assert many[0] <= few[0] + 2, (few[0], many[0])


# --- Command line ----------------------------------------------------------------------------


def test_cli_export_then_import_dry_run_and_for_real(demo, app, runner, tmp_path):
    with app.app_context():
        make_risk("SG", "Waiting lists")
        db.session.commit()
        before = table_counts()
    for extension in ("csv", "xlsx"):
        path = tmp_path / f"register.{extension}"
        result = runner.invoke(args=["register", "export", str(path)])
        assert result.exit_code == 0, result.output
        assert "Exported the register (all risks)" in result.output
        result = runner.invoke(args=["register", "import", str(path)])
        assert result.exit_code == 0, result.output
        assert "0 created, 0 updated, 9 unchanged" in result.output
    workbook = load_workbook(tmp_path / "register.xlsx")
    assert workbook.sheetnames == ["Register", "Assessments", "Scoring scheme"]

    edited = (tmp_path / "register.csv").read_text("utf-8-sig").replace("Waiting lists", "Queues")
    (tmp_path / "edited.csv").write_text(edited, "utf-8")
    result = runner.invoke(args=["register", "import", str(tmp_path / "edited.csv"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Update SG-06: Title changed" in result.output
    assert "Nothing was written" in result.output
    with app.app_context():
        assert table_counts() == before
    result = runner.invoke(args=["register", "import", str(tmp_path / "edited.csv")])
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated, 8 unchanged" in result.output
    with app.app_context():
        assert risk("SG-06").title == "Queues"


def test_cli_errors_exit_non_zero_with_a_clear_message(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([risk_row(current=(9, 1))]))
    result = runner.invoke(args=["register", "import", str(bad)])
    assert result.exit_code == 1
    assert "Row 2, column Current likelihood" in result.output
    assert "nothing was imported" in result.output
    cases = [
        (["register", "import", str(tmp_path / "missing.csv")], "Cannot read"),
        (["register", "import", str(tmp_path / "notes.txt")], "must end .csv or .xlsx"),
        (["register", "export", str(tmp_path / "out.pdf")], "must end .csv or .xlsx"),
        (["register", "export", str(bad)], "already exists"),
        (["register", "export", str(tmp_path / "no" / "out.csv")], "does not exist"),
        (["register", "import"], "Missing argument"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_cli_export_to_standard_output_leaves_only_the_file_there(app, runner, monkeypatch):
    monkeypatch.setattr(app_cli, "PROGRESS_ROWS", 1)  # a bar even for a few risks
    with app.app_context():
        for n in range(3):
            make_risk("SG", f"Risk {n}")
    result = runner.invoke(args=["register", "export", "-", "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(io.BytesIO(result.stdout_bytes))["Register"]
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Risk 0", "Risk 1", "Risk 2",
    ]  # fmt: skip
    # The bar (just its label: stderr is not a terminal here) and the message: on stderr.
    assert "Writing 3 risks" in result.stderr
    assert "Exported the register (all risks) to standard output." in result.stderr
    result = runner.invoke(args=["register", "export", "-", "--format", "csv", "--status", "open"])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8-sig").splitlines()[0].startswith("Ref,Section,")
    assert len(result.stdout_bytes.decode("utf-8-sig").splitlines()) == 4


def test_cli_export_format_errors(runner, tmp_path):
    cases = [
        (["-"], "needs --format csv or --format xlsx"),
        ([str(tmp_path / "out.csv"), "--format", "xlsx"], "must end .xlsx"),
    ]
    for args, message in cases:
        result = runner.invoke(args=["register", "export", *args])
        assert result.exit_code == 1, args
        assert message in result.output, (args, result.output)


def test_cli_import_shows_its_progress_on_stderr_for_large_files(runner, tmp_path, monkeypatch):
    path = tmp_path / "large.csv"
    path.write_bytes(csv_bytes([risk_row("", f"Risk {n}") for n in range(3)]))
    result = runner.invoke(args=["register", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Checking" not in result.stderr  # small work: no bar

    monkeypatch.setattr(app_cli, "PROGRESS_ROWS", 3)
    result = runner.invoke(args=["register", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "Checking 3 rows of large.csv" in result.stderr
    assert "Importing 3 rows of large.csv" in result.stderr
    assert "Checking" not in result.stdout and "Imported large.csv: 3 created" in result.stdout


def test_the_progress_bar_draws_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    with app_cli.progress_bar(lambda total: f"Checking {total:,} rows") as progress:
        for done in range(1, 1001):
            progress(done, 1000)
    assert "Checking 1,000 rows" in terminal.getvalue()
    assert "100%" in terminal.getvalue()


def test_a_large_upload_says_how_many_rows_it_is_checking(login, ctx, monkeypatch):
    monkeypatch.setattr(importer, "LARGE_FILE_ROWS", 3)
    client = login("manager")
    rows = [risk_row("", f"Risk {n}") for n in range(3)] + [["", "", "", "", "", "", "", ""]]
    checking = upload(client, csv_bytes(rows))
    assert checking.status_code == 200
    assert "Checking 3 rows" in checking.text  # the blank row is not counted
    assert 'action="/import/check"' in checking.text
    assert db.session.query(Risk).count() == 0
    carried = {"filename": hidden(checking, "filename"), "content": hidden(checking, "content")}
    preview = client.post("/import/check", data=carried)
    assert preview.status_code == 200
    assert actions(preview) == ["create"] * 3
    assert "Confirming checks the 3 rows again" in preview.text
    assert confirm(client, preview).status_code == 302
    assert db.session.query(Risk).count() == 3

    # A large file with problems: the check shows them, as for any upload.
    checking = upload(client, csv_bytes([risk_row(current=(9, 1))] * 3))
    carried = {"filename": hidden(checking, "filename"), "content": hidden(checking, "content")}
    refused = client.post("/import/check", data=carried)
    assert refused.status_code == 400
    assert errors_of(refused)[0].startswith("Row 2, column Current likelihood")
    tampered = client.post("/import/check", data={"filename": "x.csv", "content": "aGVsbG8="})
    assert tampered.status_code == 400 and "Nothing was imported" in tampered.text
    assert db.session.query(Risk).count() == 3


def test_a_small_upload_goes_straight_to_the_preview(login, ctx):
    preview = upload(login("manager"), csv_bytes([risk_row()]))
    assert "Check the import" in preview.text
    assert "Confirming checks the" not in preview.text


def test_create_risk_with_a_number_refuses_one_already_used(ctx):
    make_risk("SG")
    section = db.session.scalar(select(Section).where(Section.prefix == "SG"))
    fields = {"title": "T", "statement": "S", "owner_name": "O", "lead_agency_id": agency_id("A")}
    with pytest.raises(ValueError, match="SG-01 is already used"):
        services.create_risk(section, fields, {"current": services.Scoring(2, 2)}, "r", number=1)
    db.session.rollback()
    created = services.create_risk(section, fields, {}, "r", number=7)
    assert created.ref == "SG-07"
