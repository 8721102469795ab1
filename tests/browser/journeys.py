"""Steps the browser tests share."""

from functools import cache
from pathlib import Path

from helpers import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, email, password=PASSWORD):
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@cache
def axe_source() -> str:
    return AXE.read_text()


def choose_score(page, group, level):
    """Check the radio of a score: the level ("3 Possible") in its group ("Current impact")."""
    page.get_by_role("group", name=group, exact=True).get_by_label(level).check()


def accessibility_violations(page):
    """axe-core's WCAG 2.2 AA violations of every impact (minor to critical) on the page as it
    stands. Injected through the DevTools protocol, so the page's CSP does not block it; once
    per page loaded."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
