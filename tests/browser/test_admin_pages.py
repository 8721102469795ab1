import csv
import io
import re
from pathlib import Path

from helpers import make_risk
from journeys import accessibility_violations, sign_in
from playwright.sync_api import expect


def accessible(page):
    assert accessibility_violations(page) == [], page.url


def test_an_admin_creates_a_user_and_changes_the_scheme(page, users):
    sign_in(page, users["admin"])
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Admin")
    accessible(page)

    # A user, with a password made up for them and shown once.
    page.get_by_role("link", name="Users").click()
    accessible(page)
    page.get_by_role("button", name="Add a user").click()
    page.get_by_label("Email address").fill("not an email")
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Manager").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address like")
    accessible(page)
    page.get_by_label("Email address").fill("jo.bloggs@example.org")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Account created")
    password = page.locator("#password").inner_text()
    assert len(password) >= 10
    accessible(page)
    page.get_by_role("link", name="Go to Jo Bloggs's account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jo Bloggs")
    accessible(page)

    # The scheme: rename a band and change its colour; version 2 is listed.
    page.goto("/admin/scheme")
    accessible(page)
    page.get_by_role("button", name="Change the scoring scheme").click()
    accessible(page)
    page.locator("#bands-2-name").fill("Serious")
    page.locator("#bands-2-colour").fill("#b58840")
    page.locator("#bands-3-min").fill("16")  # leaves 15 in no band
    page.get_by_role("button", name="Save the draft and preview it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Score 15 is in no band")
    accessible(page)
    page.locator("#bands-3-min").fill("15")
    page.get_by_role("button", name="Save the draft and preview it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Adopt version 2 of the scoring scheme?"
    )
    accessible(page)
    page.get_by_role("button", name="Adopt as version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adopted version 2")
    expect(page.locator(".govuk-caption-l")).to_have_text("Version 2, in use now")
    versions = page.locator("#versions tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Serious 8–12")
    expect(versions.first).to_contain_text("Test Admin")
    accessible(page)

    # The new user signs in with the password shown.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "jo.bloggs@example.org", password)
    expect(page).to_have_url(re.compile(r"://[^/]+/$"))  # the dashboard


def test_every_other_admin_page_passes_the_accessibility_scan(page, users):
    sign_in(page, users["admin"])
    for path in ("/admin/sections", "/admin/sections/new", "/admin/sections/1", "/admin/settings"):
        page.goto(path)
        accessible(page)
    page.goto("/admin/sections/new")
    page.get_by_role("button", name="Save section").click()  # empty: errors
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the section's name")
    accessible(page)
    page.goto("/admin/settings")
    page.get_by_label("Board name").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the board's name")
    accessible(page)
    page.get_by_label("Board name").fill("Anytown Safeguarding Children Board")
    page.get_by_label("Impact up the side").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-service-navigation")).to_contain_text(
        "Anytown Safeguarding Children Board – risk register"
    )
    # The user page with the last-admin error beside the deactivate button.
    page.goto("/admin/users")
    page.get_by_role("link", name=re.compile("Change Test Admin")).click()
    page.get_by_role("button", name=re.compile("Deactivate")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("your own account")
    accessible(page)


def test_an_admin_previews_and_adopts_a_scheme_and_every_output_then_agrees(app, page, users):
    with app.app_context():
        make_risk(title="Scored twelve", current=(3, 4), target=(2, 2))  # High under version 1
        make_risk(title="Scored nine", current=(3, 3), target=(2, 2))  # High under both
    sign_in(page, users["admin"])
    page.goto("/admin/scheme/edit")
    page.locator("#bands-2-max").fill("10")  # High 8-10, Extreme 12-25
    page.locator("#bands-3-min").fill("12")
    page.get_by_role("button", name="Save the draft and preview it").click()
    changes = page.locator("#band-changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("SG-01 Scored twelve")
    expect(changes.first).to_contain_text("High")
    expect(changes.first).to_contain_text("Extreme")
    expect(page.locator("#band-counts")).to_contain_text("Extreme")
    page.goto("/risks")  # nothing is in use until adopted
    expect(page.locator("tr", has_text="SG-01")).to_contain_text("12 High")
    page.goto("/admin/scheme/draft")
    page.get_by_role("button", name="Adopt as version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 scoring of open risks")

    page.goto("/risks")
    expect(page.locator("tr", has_text="SG-01")).to_contain_text("12 Extreme")
    expect(page.locator("tr", has_text="SG-02")).to_contain_text("9 High")
    page.goto("/heatmap")
    cells = page.locator("#heatmap-table td")
    expect(cells.filter(has_text="SG-01")).to_contain_text("12 Extreme")
    expect(cells.filter(has_text="SG-02")).to_contain_text("9 High")
    page.goto("/summary")
    expect(page.locator("tr", has_text="SG-01").first).to_contain_text("12 Extreme")
    page.goto("/risks/SG-01")
    expect(page.locator("body")).to_contain_text("Scoring scheme version 2 adopted")
    exported = page.request.get("/risks.csv").text()
    rows = {row["Ref"]: row for row in csv.DictReader(io.StringIO(exported.lstrip("\ufeff")))}
    assert (rows["SG-01"]["Current score"], rows["SG-01"]["Current band"]) == ("12", "Extreme")
    assert (rows["SG-02"]["Current score"], rows["SG-02"]["Current band"]) == ("9", "High")


# The checkout's own script, whatever static/ holds (`make assets` copies it there).
APP_JS = Path(__file__).parents[2] / "assets" / "app.js"


def test_a_band_colour_can_be_picked_and_the_hex_box_keeps_in_step(page, users):
    page.route(
        "**/assets/riskreg/app.js",
        lambda route: route.fulfill(body=APP_JS.read_text(), content_type="text/javascript"),
    )
    sign_in(page, users["admin"])
    page.goto("/admin/scheme/edit")
    hex_box, picker = page.locator("#bands-2-colour"), page.locator("#bands-2-colour-picker")
    expect(picker).to_be_visible()
    expect(page.get_by_label("Pick a colour for band 3")).to_have_count(1)
    expect(picker).to_have_value(hex_box.input_value().lower())
    picker.fill("#123456")
    expect(hex_box).to_have_value("#123456")
    hex_box.fill("#ABCDEF")
    expect(picker).to_have_value("#abcdef")
    accessible(page)
    page.get_by_role("button", name="Save the draft and preview it").click()
    page.get_by_role("button", name="Adopt as version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Adopted version 2")
