"""The demo's performance data set: the seed report's "Summary of Safeguarding & Child
Protection Activity", word for word, as the last complete financial year's figures, with
quarterly values that form them by each indicator's rule. The year before (bar the domestic
abuse notifications, which the seed gives) and the year running are illustrative."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from riskreg.admin.services import find_or_add
from riskreg.domain import indicators as rules
from riskreg.domain.years import ReportingYear, last_complete_year
from riskreg.extensions import db
from riskreg.indicators import services
from riskreg.models import Risk

# The seed's figures for its year, as it states them.
SEED_FIGURES = {
    "CIN": 3262,
    "CP-PLANS": 304,
    "LAC": 754,
    "CONTACTS": 6014,
    "REFERRALS": 3452,
    "S47": 938,
    "ABUSE-CRIME": 281,
    "ABUSE-DETECT": 90,
    "DA-NOTIFY": 2368,
    "LADO": 170,
    "ICPC": 204,
    "MISSING": 376,
    "YPSE": 35,
    "CHILD-VICTIM": 989,
    "DRUG-CHARGE": 40,
}
# The one earlier figure the seed gives: notifications in the year before.
SEED_YEAR_BEFORE = {"DA-NOTIFY": 1798}

CSC = "Dudley MBC Children's Services"
POLICE = "West Midlands Police"
BOARD = "DSCB Business Unit"

# code, name, definition, source agency, unit, frequency, year rule, polarity,
# (amber, red, change %), refs of the seed risks it bears on (by title), owner.
FRONT_LINE = "Front-line capacity to meet rising demand and complexity"
PLANNING = "Inconsistent child protection planning and review"
COURTS = "Family Justice Review timescales in care proceedings"
REORGANISATION = "Impact of NHS and police reorganisation on frontline practice"
MINUTES = "Late distribution of child protection conference minutes"

INDICATORS = [
    ("CIN", "Children in need",
     "Children defined as 'in need' by children's social care, at the end of the period.",
     CSC, "quarterly", "end", "neither", (None, None, None), [FRONT_LINE], "Head of Service"),
    ("CP-PLANS", "Children subject to a child protection plan",
     "Children subject to a child protection plan at the end of the period.",
     CSC, "quarterly", "end", "up_worse", (330, 360, None), [PLANNING], "Head of Safeguarding"),
    ("LAC", "Children looked after",
     "Children looked after by the local authority at the end of the period.",
     CSC, "quarterly", "end", "neither", (None, None, None), [COURTS], "Head of Service"),
    ("CONTACTS", "Contacts to children's social care",
     "Contacts made to children's social care in the period.",
     CSC, "quarterly", "sum", "neither", (None, None, 25), [FRONT_LINE], "Head of Service"),
    ("REFERRALS", "New referrals to children's social care",
     "Contacts that became new referrals in the period.",
     CSC, "quarterly", "sum", "neither", (None, None, 25), [FRONT_LINE], "Head of Service"),
    ("S47", "Section 47 child protection enquiries",
     "Children and young people in respect of whom a section 47 enquiry took place.",
     CSC, "quarterly", "sum", "up_worse", (None, None, 30), [FRONT_LINE], "Head of Service"),
    ("ABUSE-CRIME", "Child abuse recorded crimes",
     "Child abuse crimes recorded by the police in the period.",
     POLICE, "quarterly", "sum", "neither", (None, None, None), [REORGANISATION],
     "Detective Chief Inspector, Public Protection"),
    ("ABUSE-DETECT", "Child abuse offences detected",
     "Recorded child abuse crimes detected as child abuse related offences.",
     POLICE, "quarterly", "sum", "up_better", (None, None, None), [REORGANISATION],
     "Detective Chief Inspector, Public Protection"),
    ("DA-NOTIFY", "Domestic abuse notifications involving children",
     "Notifications to children's social care involving children living in a household where "
     "a domestic abuse incident took place.",
     POLICE, "quarterly", "sum", "up_worse", (650, 750, 20), [FRONT_LINE],
     "Detective Chief Inspector, Public Protection"),
    ("LADO", "Allegations about people who work with children",
     "Concerns or allegations about people who work with children referred to the LADO.",
     CSC, "yearly", "entered", "neither", (None, None, None), [], "LADO"),
    ("ICPC", "Initial child protection conferences",
     "Initial child protection conferences held in the period.",
     CSC, "quarterly", "sum", "neither", (None, None, None), [PLANNING, MINUTES],
     "Safeguarding and Review Service Manager"),
    ("MISSING", "Children reported missing from home",
     "Children reported to the police as missing from home in the period.",
     POLICE, "quarterly", "sum", "up_worse", (None, None, None), [], "Missing Persons Coordinator"),
    ("YPSE", "Young people referred to the YPSE panel",
     "Young people referred to the Young People at Risk of Sexual Exploitation panel and "
     "assessed at risk of sexual exploitation.",
     BOARD, "quarterly", "sum", "neither", (None, None, None), [], "YPSE Panel Chair"),
    ("CHILD-VICTIM", "Child victims of recorded crime",
     "Children (under 18) who were victims of recorded crime in the period.",
     POLICE, "quarterly", "sum", "up_worse", (None, None, None), [],
     "Detective Chief Inspector, Public Protection"),
    ("DRUG-CHARGE", "Young people charged with drug offences",
     "Young people (under 18) charged with drug related offences in the year.",
     POLICE, "yearly", "entered", "up_worse", (None, None, None), [], "Youth Offending Service"),
]  # fmt: skip

# How a flow's year is spread over its quarters, and how a stock moves through the year.
FLOW_SHARES = (0.24, 0.26, 0.25)
STOCK_RATIOS = (0.96, 0.98, 1.01)
# The illustrative year before, against the seed's year.
EARLIER = {
    "CIN": 0.97, "CP-PLANS": 1.08, "LAC": 0.98, "CONTACTS": 0.91, "REFERRALS": 0.94,
    "S47": 0.90, "ABUSE-CRIME": 1.04, "ABUSE-DETECT": 0.95, "ICPC": 1.10, "MISSING": 1.02,
    "YPSE": 0.80, "CHILD-VICTIM": 0.97,
}  # fmt: skip
# The quarters of the year still running, against the same quarter of the seed's year.
RUNNING = {"CP-PLANS": 1.03, "DA-NOTIFY": 1.12}
RUNNING_DEFAULT = 1.02
# Police figures arrive late: DA-NOTIFY's newest quarter was entered two days ago, after the
# front-line capacity risk was last rescored, so the demo shows the flag live.
LATE_ENTRY_DAYS_AGO = 2


def quarters_of(total: int, rule: str) -> list[int]:
    """Four quarterly values that form `total` by the rule: summed, or the last one."""
    if rule == "sum":
        first = [round(total * share) for share in FLOW_SHARES]
        return [*first, total - sum(first)]
    return [round(total * ratio) for ratio in STOCK_RATIOS] + [total]


def values_for(code: str, frequency: str, rule: str, today: date):
    """(period, value) for the seed's year (the last complete one), the year before and the
    complete quarters of the year running."""
    seed_year = last_complete_year(today)
    before_year = ReportingYear(seed_year.first - 1)
    figure = SEED_FIGURES[code]
    earlier = SEED_YEAR_BEFORE.get(code)
    if frequency == "yearly":
        return [(rules.financial_year(seed_year), figure)]
    seed = quarters_of(figure, rule)
    before = quarters_of(earlier or round(figure * EARLIER[code]), rule)
    found = [(rules.quarter(before_year, n + 1), v) for n, v in enumerate(before)]
    found += [(rules.quarter(seed_year, n + 1), v) for n, v in enumerate(seed)]
    running = ReportingYear(seed_year.first + 1)
    for n in range(4):
        period = rules.quarter(running, n + 1)
        if period.end >= today:
            break
        found.append((period, round(seed[n] * RUNNING.get(code, RUNNING_DEFAULT))))
    return found


def entered_at(period: rules.Period, today: date, latest: bool, code: str) -> datetime:
    """Three weeks after the period ends (and never after today)."""
    if latest and code == "DA-NOTIFY":
        day = today - timedelta(days=LATE_ENTRY_DAYS_AGO)
    else:
        day = min(period.end + timedelta(days=21), today - timedelta(days=LATE_ENTRY_DAYS_AGO + 1))
    return datetime.combine(day, time(9, 30))


def load_dataset(today: date) -> int:
    """Add the demo's indicators and values; returns how many indicators. The caller commits."""
    risks = {r.title: r for r in db.session.scalars(select(Risk))}
    for spec in INDICATORS:
        code, name, definition, agency, frequency, rule, polarity, limits, titles, owner = spec
        amber, red, change = limits
        indicator = services.create_indicator(
            {
                "code": code,
                "name": name,
                "definition": definition,
                "unit": "count",
                "agency_id": find_or_add([agency])[0].id,
                "frequency": frequency,
                "year_rule": rule,
                "polarity": polarity,
                "amber": amber,
                "red": red,
                "change_percent": change,
                "owner_name": owner,
            },
            [risks[title] for title in titles],
        )
        values = values_for(code, frequency, rule, today)
        for n, (period, value) in enumerate(values):
            services.add_value(
                indicator,
                services.NewValue(period, value),
                at=entered_at(period, today, n == len(values) - 1, code),
                refresh=False,
            )
    services.refresh_alerts()
    return len(INDICATORS)
