"""Who to contact about the website's accessibility: the `accessibility_contact` setting, an
email address (shown as a link) or a line of text (shown as it is)."""

import re

SETTING = "accessibility_contact"
LIMIT = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def is_email(text: str) -> bool:
    return bool(EMAIL.match(text))


def looks_like_a_broken_email(text: str) -> bool:
    """One word with an @ in it is meant as an email address: it must be a whole one, or the
    statement would show a link that goes nowhere."""
    return "@" in text and not any(c.isspace() for c in text) and not is_email(text)
