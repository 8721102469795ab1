"""The register as CSV and XLSX: the filtered register, every row, every field."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from helpers import make_action, make_meeting, make_risk, request_statements
from openpyxl import load_workbook
from sqlalchemy import func, select

from riskreg import clock
from riskreg.extensions import db
from riskreg.models import Assessment, Risk
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import services, spreadsheet
from riskreg.ui import xlsx

HOSTILE = {
    "title": '=HYPERLINK("http://evil.example","Click")',
    "statement": "+SUM(1,2)",
    "owner_name": "-2+3",
    "lead_agency": "@cmd",
    "partner_agencies": "=1+1",  # an agency's name is tidied: it never starts with a tab
    "owner_role": "\tTabbed",
    "priority": "\rReturn",
}


def csv_rows(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def workbook(response):
    return load_workbook(io.BytesIO(response.data))


@pytest.fixture
def register(ctx):
    today = clock.today()
    first = make_risk(
        "SG",
        "Front-line capacity",
        inherent=(5, 5),
        current=(4, 5),
        target=(2, 3),
        causes="Rising demand",
        consequences="Children not seen",
        owner_email="gary@example.org",
        partner_agencies="Police, Health",
        priority="Quality & Performance",
        target_date=today - timedelta(days=10),
        next_review=today - timedelta(days=1),
    )
    make_action(first, due_on=today - timedelta(days=3))
    make_action(first, "Audit plans", due_on=today + timedelta(days=30))
    make_risk("SG", "Inhalers", current=(1, 2))
    make_risk("BR", "Conference minutes", current=(2, 3))
    meeting = make_meeting(today - timedelta(days=5), title="Board meeting")
    services.rescore_risk(
        first,
        {"current": services.Scoring(3, 4)},
        "Fewer vacancies",
        meeting_id=meeting.id,
        next_review=today - timedelta(days=1),
    )
    db.session.commit()


def test_csv_has_every_field_of_every_row_with_a_bom_and_a_dated_filename(login, register):
    response = login("member").get("/risks.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    today = clock.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="risk-register-{today}.csv"'
    )
    rows = csv_rows(response)
    assert [r["Ref"] for r in rows] == ["SG-01", "SG-02", "BR-01"]  # register order
    sg01 = rows[0]
    assert sg01["Section"] == "Safeguarding risks and challenges"
    assert sg01["Causes"] == "Rising demand"
    assert sg01["Consequences"] == "Children not seen"
    assert sg01["Owner email"] == "gary@example.org"
    assert sg01["Partner agencies"] == "Health, Police"  # A to Z
    assert sg01["Status"] == "Open"
    assert (sg01["Inherent score"], sg01["Inherent band"]) == ("25", "Extreme")
    assert (sg01["Current likelihood"], sg01["Current impact"]) == ("3", "4")
    assert (sg01["Current score"], sg01["Current band"]) == ("12", "High")
    assert (sg01["Target score"], sg01["Target band"]) == ("6", "Moderate")
    assert sg01["Direction of travel"] == "↓ Better"
    assert (sg01["Open actions"], sg01["Overdue actions"]) == ("2", "1")
    assert sg01["Scoring matrix"] == "5 × 5, version 1"  # what a score of 4 is out of
    assert (sg01["Review overdue"], sg01["Past target date"]) == ("Yes", "Yes")
    assert sg01["Next review"] == (clock.today() - timedelta(days=1)).isoformat()
    assert rows[1]["Direction of travel"] == "New"


def test_csv_neutralises_formulas(login, ctx):
    make_risk("SG", **HOSTILE)
    row = csv_rows(login().get("/risks.csv"))[0]
    assert row["Title"] == "'" + HOSTILE["title"]
    assert row["Statement"] == "'+SUM(1,2)"
    assert row["Owner"] == "'-2+3"
    assert row["Lead agency"] == "'@cmd"
    assert row["Partner agencies"] == "'=1+1"
    assert row["Owner role"] == "'\tTabbed"
    assert row["Priority or sub-group"] == "'\rReturn"
    assert row["Current score"] == "12"  # numbers are left alone


def test_exports_follow_the_registers_filters(login, register):
    client = login()
    assert [r["Ref"] for r in csv_rows(client.get("/risks.csv?section=BR"))] == ["BR-01"]
    assert [r["Ref"] for r in csv_rows(client.get("/risks.csv?band=High"))] == ["SG-01"]
    assert [r["Ref"] for r in csv_rows(client.get("/risks.csv?text=inhal"))] == ["SG-02"]
    sorted_rows = csv_rows(client.get("/risks.csv?sort=current&order=asc"))
    assert [r["Ref"] for r in sorted_rows] == ["SG-02", "BR-01", "SG-01"]
    sheet = workbook(client.get("/risks.xlsx?section=SG"))["Register"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["SG-01", "SG-02"]


def test_closed_risks_export_with_their_closure(login, register):
    risk = db.session.scalar(select(Risk).where(Risk.ref == "SG-02"))
    services.close_risk(risk, "Mitigated: inhalers in every school")
    db.session.commit()
    client = login()
    assert [r["Ref"] for r in csv_rows(client.get("/risks.csv"))] == ["SG-01", "BR-01"]
    closed = csv_rows(client.get("/risks.csv?status=closed"))
    assert [r["Ref"] for r in closed] == ["SG-02"]
    assert closed[0]["Status"] == "Closed"
    assert closed[0]["Closed on"] == clock.today().isoformat()
    assert closed[0]["Closed reason"] == "Mitigated: inhalers in every school"
    every = csv_rows(client.get("/risks.csv?status=all"))
    assert {r["Ref"]: r["Current score"] for r in every} == {
        "SG-01": "12",
        "SG-02": "2",
        "BR-01": "6",
    }


def test_exports_as_at_a_past_date_show_the_scores_then(login, ctx):
    now = clock.now_utc()
    risk = make_risk("SG", current=(4, 4), at=now - timedelta(days=10))
    services.rescore_risk(risk, {"current": services.Scoring(2, 2)}, "Better")
    db.session.commit()
    make_risk("BR", "Raised today")
    client = login()
    assert [(r["Ref"], r["Current score"]) for r in csv_rows(client.get("/risks.csv"))] == [
        ("SG-01", "4"),
        ("BR-01", "12"),
    ]
    week_ago = (now - timedelta(days=7)).date().isoformat()
    then = csv_rows(client.get(f"/risks.csv?as_at={week_ago}"))
    assert [(r["Ref"], r["Current score"]) for r in then] == [("SG-01", "16")]
    history = workbook(client.get(f"/risks.xlsx?as_at={week_ago}"))["Assessments"]
    assert [row[5] for row in history.iter_rows(min_row=2, values_only=True)] == [20, 16, 6]


@pytest.mark.parametrize("path", ["/risks.csv", "/risks.xlsx"])
def test_a_bad_filter_is_a_400_with_the_message(login, path):
    response = login().get(path, query_string={"band": "Purple", "as_at": "yesterday"})
    assert response.status_code == 400
    assert "Choose a band from the list" in response.text
    assert "Enter the date" in response.text


def test_xlsx_has_a_styled_register_sheet_and_every_assessment(login, register):
    response = login("member").get("/risks.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(
        r'attachment; filename="risk-register-\d{4}-\d{2}-\d{2}\.xlsx"',
        response.headers["Content-Disposition"],
    )
    book = workbook(response)
    assert book.sheetnames == ["Register", "Assessments", "Scoring scheme"]
    scheme = [[cell.value for cell in row] for row in book["Scoring scheme"].iter_rows()]
    assert scheme[1][0] == "Matrix" and scheme[1][1].startswith("5 × 5 (likelihood × impact)")
    assert ["Likelihood 5", "Almost certain: Expected within months, or happening now."] in scheme
    assert ["Band Extreme", "Scores 15 to 25; review every board meeting"] in scheme
    sheet = book["Register"]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["Ref", "Section", "Title", "Statement"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["D"].width == 60  # the statement has room

    column = {name: n for n, name in enumerate(header)}
    sg01, sg02, br01 = (list(row) for row in sheet.iter_rows(min_row=2))
    current = sg01[column["Current score"]]
    assert current.value == 12
    assert current.fill.fgColor.rgb == "00F47738"  # High: amber
    assert sg01[column["Current band"]].fill.fgColor.rgb == "00F47738"
    assert sg01[column["Inherent score"]].fill.fgColor.rgb == "00D4351C"  # 25: Extreme red
    assert sg01[column["Inherent score"]].font.color.rgb == "00FFFFFF"
    assert sg02[column["Current score"]].fill.fgColor.rgb == "0000703C"  # 2: Low green
    assert br01[column["Current score"]].fill.fgColor.rgb == "00FFDD00"  # 6: Moderate yellow
    assert br01[column["Current score"]].font.color.rgb == "000B0C0C"  # dark text on yellow
    assert sg01[column["Title"]].fill.fgColor.rgb == "00000000"  # other cells plain
    assert sg01[column["Next review"]].is_date

    history = book["Assessments"]
    assert [c.value for c in history[1]] == [
        "Ref", "Kind", "Assessed on", "Likelihood", "Impact", "Score", "Band",
        "Scheme version", "Rationale", "By", "Board meeting",
    ]  # fmt: skip
    assert history.freeze_panes == "B2"
    values = list(history.iter_rows(min_row=2, values_only=True))
    assert len(values) == db.session.scalar(select(func.count(Assessment.id)))
    rescored = [v for v in values if v[0] == "SG-01" and v[8] == "Fewer vacancies"]
    assert len(rescored) == 1
    assert rescored[0][1] == "Current"
    assert rescored[0][3:8] == (3, 4, 12, "High", 1)
    assert rescored[0][10].startswith("Board meeting ")
    band_cell = [row for row in history.iter_rows(min_row=2) if row[0].value == "SG-01"][0][6]
    assert band_cell.fill.fgColor.rgb in ("00D4351C", "00F47738", "00FFDD00", "0000703C")


def test_xlsx_keeps_formula_text_as_text(login, ctx):
    make_risk("SG", **HOSTILE)
    sheet = workbook(login().get("/risks.xlsx"))["Register"]
    title = sheet.cell(row=2, column=3)
    assert title.value == HOSTILE["title"]
    assert title.data_type == "s"  # a string, never a formula


def test_every_row_without_paging_and_a_constant_statement_count(login, app):
    client = login()

    def export(risks: int):
        with app.app_context():  # requests get their own context, with nothing cached
            while db.session.scalar(select(func.count(Risk.id))) < risks:
                risk = make_risk("SG", "Bulk", current=(2, 2))
                make_action(risk, due_on=date(2020, 1, 1))
        counts = request_statements(app, client, ["/risks.csv", "/risks.xlsx"])
        lengths = []
        lengths.append(len(csv_rows(client.get("/risks.csv"))))
        lengths.append(workbook(client.get("/risks.xlsx"))["Register"].max_row - 1)
        return counts, lengths

    few, few_rows = export(10)
    many, many_rows = export(200)  # more than a register page
    assert few_rows == [10, 10]
    assert many_rows == [200, 200]
    assert few == many


def test_xlsx_text_is_kept_as_written_and_markup_never_reaches_the_file(login, ctx):
    text = '<r><t>x</t></r> & "quoted" <b>bold?</b>'
    make_risk("SG", text, causes="  leading and trailing  ", consequences="line 1\nline 2")
    sheet = workbook(login().get("/risks.xlsx"))["Register"]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Title"] == text
    assert row["Causes"] == "  leading and trailing  "
    assert row["Consequences"] == "line 1\nline 2"


def test_xlsx_writer_cells_by_type(tmp_path):
    path = tmp_path / "cells.xlsx"
    with open(path, "wb") as file:
        book = xlsx.Workbook(file)
        wrap = book.style(xlsx.Style(wrap=True))
        day = book.style(xlsx.Style(date=True))
        band = book.style(xlsx.Style("#D4351C", "#FFFFFF", bold=True))
        sheet = book.add_sheet("First & only", [9, 30, 12, 8])
        sheet.append(["A\x01b\x1fc", "", date(2027, 3, 31), 1.5], [wrap, wrap, day, band])
        sheet.append([None, "=1+2", date(1900, 3, 1), 25], [wrap, wrap, day, band])
        with pytest.raises(TypeError, match="cannot write list"):
            sheet.append([[1], None, None, None], [wrap] * 4)
        book.close()
    loaded = load_workbook(path)
    assert loaded.sheetnames == ["First & only"]
    first, second = loaded.active.iter_rows(min_row=1, max_row=2)
    assert [c.value for c in first] == ["Abc", None, datetime(2027, 3, 31), 1.5]
    assert first[1].alignment.wrap_text  # a blank cell keeps its style
    assert first[2].number_format == "dd/mm/yyyy"
    assert (first[3].fill.fgColor.rgb, first[3].font.color.rgb) == ("00D4351C", "00FFFFFF")
    assert first[3].font.bold and first[3].alignment.vertical == "top"
    assert [c.value for c in second] == [None, "=1+2", datetime(1900, 3, 1), 25]
    assert second[1].data_type == "s"
    assert loaded.active.column_dimensions["B"].width == 30


def test_export_progress_counts_each_risk_on_each_sheet(app, register):
    with app.test_request_context():
        query = RegisterQuery(status="all")
        rows = register_rows(query)
        for body, steps in ((spreadsheet.csv_body, 3), (spreadsheet.xlsx_body, 6)):
            calls = []
            body(query, rows, progress=lambda *call, calls=calls: calls.append(call))
            assert calls[-1] == (steps, steps)
            assert [done for done, _ in calls] == sorted(done for done, _ in calls)
