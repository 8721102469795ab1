"""The register's words and codes: each code a column stores, with the words a page, a form or
a file shows for it. Pure: the models, forms, pages and exports all read them from here."""

from .challenges import ESCALATED_WORDS

ROLES = ("admin", "manager", "member")
# The roles that keep the register: every change is theirs but a member's challenge and own account.
EDITOR_ROLES = ("admin", "manager")

EFFECTIVENESS = {
    "effective": "Effective",
    "partly_effective": "Partly effective",
    "not_effective": "Not effective",
    "not_yet_known": "Not yet known",
}
ACTION_STATUSES = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
}

# A control's assurance map (see the README's "Assurance on controls"): the line its evidence
# comes from, and the level of assurance that evidence gives.
ASSURANCE_LINES = {
    1: "1st line: the agency's own management",
    2: "2nd line: oversight by the board or a sub-group",
    3: "3rd line: independent",
}
ASSURANCE_LEVELS = {
    "not_assessed": "Not yet assessed",
    "substantial": "Substantial",
    "reasonable": "Reasonable",
    "limited": "Limited",
    "none": "None",
}
# The levels that flag a risk "Limited or no assurance".
WEAK_ASSURANCE = ("limited", "none")

CHALLENGE_STATUSES = {
    "open": "Open",
    "responded": "Response received",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
}
CHALLENGE_OUTCOMES = {"resolved": "Resolved", "escalated": "Escalated"}
ESCALATED_TO = {key: words[0].upper() + words[1:] for key, words in ESCALATED_WORDS.items()}

# The heat map's layouts, the board's choice (an admin setting): name -> what it looks like.
ORIENTATIONS = {
    "likelihood-vertical": "Likelihood up the side, impact along the bottom (the usual layout)",
    "impact-vertical": "Impact up the side, likelihood along the bottom",
}
DEFAULT_ORIENTATION = "likelihood-vertical"

# An indicator of the data set.
UNITS = {"count": "Count", "percentage": "Percentage", "rate": "Rate per 10,000 children"}
YEAR_RULES = {
    "sum": "Sum of the year's periods",
    "end": "The value at the end of the year",
    "entered": "Entered for the year as published",
}
FREQUENCIES = {"monthly": "Monthly", "quarterly": "Quarterly", "yearly": "Yearly"}
POLARITIES = {"up_worse": "A rise is worse", "up_better": "A rise is better", "neither": "Neither"}
