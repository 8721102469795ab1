"""A board manager exports the register, edits it as a spreadsheet and imports it back."""

import re

from helpers import make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect


def no_violations(page):
    assert accessibility_violations(page) == [], page.url


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}


def test_a_manager_imports_an_edited_export(app, page, users):
    with app.app_context():
        make_risk("SG", "Front-line capacity", current=(3, 4))
    sign_in(page, users["manager"])
    page.goto("/reports")
    page.get_by_role("link", name="Import a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a spreadsheet")
    no_violations(page)

    # A file that is not a spreadsheet: the error page, nothing imported.
    page.get_by_label("Upload a spreadsheet").set_input_files(csv_file("notes.csv", "hello\n"))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("notes.csv cannot be imported")
    expect(page.locator(".rr-import-problems")).to_contain_text("“Section” is missing")
    no_violations(page)

    exported = page.request.get("/risks.csv").text()
    assert exported.count("Front-line capacity") == 1
    edited = exported.replace("Front-line capacity", "Front-line capacity and demand")
    edited = re.sub(r"(?m)^(SG-01,.*?),3,4,12,High,", r"\1,4,4,16,Extreme,", edited)
    assert edited != exported
    page.get_by_label("Upload a spreadsheet").set_input_files(csv_file("edited.csv", edited))
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the import")
    preview = page.locator(".rr-import-preview")
    expect(preview).to_contain_text("Update SG-01: Title changed; current 3 × 4 → 4 × 4")
    no_violations(page)
    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Imported edited.csv: 0 created, 1 updated, 0 unchanged"
    )
    page.goto("/risks/SG-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Front-line capacity and demand")
    expect(page.locator("main")).to_contain_text("Imported from edited.csv")
