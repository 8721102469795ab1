"""The accessibility statement: public, linked from every page, and its contact an admin setting."""

import re

import pytest
from helpers import table_counts
from sqlalchemy import select

from riskreg.extensions import db
from riskreg.models import AuditEvent, Setting

HEADINGS = [
    "How accessible this website is",
    "Feedback and contact information",
    "Enforcement procedure",
    "Compliance status",
    "Non-accessible content",
    "What we’re doing to improve accessibility",
    "How we tested this website",
    "Preparation of this accessibility statement",
]
LINK = "Accessibility statement"
SETTINGS = {"board_name": "Anytown LSCB", "heatmap_orientation": "likelihood-vertical"}


def headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-6][^>]*>(.*?)</h", html)]


@pytest.mark.parametrize("role", [None, "member", "admin"])
def test_the_statement_answers_signed_out_and_signed_in(client, login, role):
    if role:
        login(role)
    response = client.get("/accessibility")
    assert response.status_code == 200
    page = response.text
    found = headings(page)
    board = "Local Safeguarding Children Board"
    assert found[0] == f"Accessibility statement for the {board} risk register"
    for heading in HEADINGS:
        assert heading in found, heading
    assert "This website is partially compliant with the" in page
    # The PDFs' row headers and undrawable scripts are the known non-compliance.
    assert "1.3.1 (Info and relationships) and 1.1.1 (Non-text content)" in page
    assert "PDF/UA-1" in page and "1.4.4 (Resize text)" not in page
    assert "Equality Advisory and Support Service" in page
    assert "prepared on 1 December 2026" in page and "last reviewed on 7 December 2026" in page
    assert "<title>Accessibility statement – Local Safeguarding Children Board</title>" in page


def test_headings_never_skip_a_level(client):
    levels = [int(n) for n in re.findall(r"<h([1-6])", client.get("/accessibility").text)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_without_a_contact_it_names_the_business_manager_and_links_nowhere(client):
    page = client.get("/accessibility").text
    assert "the board’s business manager" in page
    assert "mailto:" not in page


def test_an_email_contact_is_a_link(app, login):
    client = login("admin")
    data = {**SETTINGS, "accessibility_contact": "access@anytown.gov.uk"}
    assert client.post("/admin/settings", data=data).status_code == 302
    client.post("/logout")
    page = client.get("/accessibility").text
    link = '<a class="govuk-link" href="mailto:access@anytown.gov.uk">access@anytown.gov.uk</a>'
    assert link in page
    assert "business manager, who keeps" not in page
    assert "Anytown LSCB risk register" in page


def test_a_text_contact_is_shown_as_text_with_its_markup_escaped(app, login):
    client = login("admin")
    contact = 'Ring 01234 567890 <script>alert("x")</script>'
    data = {**SETTINGS, "accessibility_contact": contact}
    assert client.post("/admin/settings", data=data).status_code == 302
    page = client.get("/accessibility").text
    assert "Ring 01234 567890 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "mailto:" not in page


def test_the_contact_change_is_audited(app, login):
    client = login("admin")
    data = {**SETTINGS, "accessibility_contact": "access@anytown.gov.uk"}
    assert client.post("/admin/settings", data=data).status_code == 302
    assert 'value="access@anytown.gov.uk"' in client.get("/admin/settings").text
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "setting"))
        assert event.changes["accessibility_contact"] == ["", "access@anytown.gov.uk"]
        stored = db.session.get(Setting, "accessibility_contact")
        assert stored.value == "access@anytown.gov.uk"


@pytest.mark.parametrize(
    "contact, message",
    [
        ("x" * 201, "Accessibility contact must be 200 characters or fewer"),
        ("access@anytown", "Enter the accessibility contact&#39;s email address in the correct"),
        ("@anytown.gov.uk", "Enter the accessibility contact&#39;s email address in the correct"),
    ],
)
def test_a_bad_contact_is_refused_and_nothing_is_written(app, login, contact, message):
    client = login("admin")
    with app.app_context():
        before = table_counts()
    response = client.post("/admin/settings", data={**SETTINGS, "accessibility_contact": contact})
    assert response.status_code == 400
    assert 'href="#accessibility_contact"' in response.text
    assert message in response.text
    with app.app_context():
        assert table_counts() == before
        assert db.session.scalar(select(Setting)) is None


@pytest.mark.parametrize("role", [None, "member"])
def test_every_page_links_to_the_statement_from_its_footer(client, login, role):
    if role:
        login(role)
    for url in ("/login", "/accessibility") if role is None else ("/", "/risks", "/account"):
        page = client.get(url).text
        footer = page[page.index('<footer class="govuk-footer') :]
        assert f'<a class="govuk-footer__link" href="/accessibility">{LINK}</a>' in footer, url
