"""The demo's challenge log, drawn from the seed report's "Board Risks and Challenges": two
challenges closed in the last complete reporting year (so the annual report has its section),
and three since, one of them with its response overdue. Dates are relative to today, or to
the start of that reporting year."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from riskreg import domain
from riskreg.challenges import services
from riskreg.domain import challenges as rules
from riskreg.extensions import db
from riskreg.models import Agency, Risk, User

# "year_day": days from the start of the last complete reporting year; "days_ago": from today.
CHALLENGES = [
    {
        "agency": "Dudley MBC Legal Services",
        "risk": "Family Justice Review timescales in care proceedings",
        "raised": {"year_day": 60},
        "question": "How will care proceedings be completed within 26 weeks when the "
        "circumstances of the children involved are increasingly complex?",
        "response": (
            {"year_day": 82},
            "Legal Services and Children's Services now track every case against the 26-week "
            "limit weekly; cases at risk of drift go to the Head of Service.",
        ),
        "close": (
            {"year_day": 100},
            {
                "outcome": "resolved",
                "note": "The tracker was shown to the board and will be reported at each meeting.",
            },
        ),  # fmt: skip
        "summary": "The board asked how care proceedings would meet the 26-week limit. Legal "
        "Services and Children's Services set up weekly case tracking, now reported to every "
        "board meeting.",
    },
    {
        "agency": "Dudley CCG",
        "risk": "Loss of 24-hour health rapid response to unexpected child deaths",
        "raised": {"year_day": 200},
        "question": "What interim arrangements will health put in place now that 24-hour "
        "rapid response cover for unexpected child deaths has been lost?",
        "response": (
            {"year_day": 226},
            "Out-of-hours paediatric cover cannot be funded this year; the CCG will review "
            "the service specification with NHS England.",
        ),
        "close": (
            {"year_day": 240},
            {
                "outcome": "escalated",
                "note": "No interim cover was offered and the gap leaves families without a "
                "health response out of hours.",
                "escalated_to": "chair",
                "escalated_whom": "Roger Clayton, Independent Chair",
            },
        ),
        "summary": "The board challenged health commissioners over the loss of 24-hour rapid "
        "response cover for unexpected child deaths and, with no interim plan offered, "
        "escalated it to the Independent Chair.",
    },
    {
        "agency": "Dudley MBC Children's Services",
        "risk": "Late distribution of child protection conference minutes",
        "raised": {"days_ago": 45},
        "question": "Conference minutes are still reaching partners weeks after the "
        "conference. What is being done to send them within 20 working days?",
        "response": (
            {"days_ago": 10},
            "Two minute-takers have been recruited and a backlog of 40 sets of minutes "
            "cleared; 85% now go out within 20 working days.",
        ),
    },
    {
        "agency": "West Midlands Police",
        "risk": "Impact of NHS and police reorganisation on frontline practice",
        "raised": {"days_ago": 40},
        "question": "What has been the impact of the force's reorganisation on frontline "
        "child protection practice, and how is the Public Protection Unit's capacity assured?",
    },
    {
        "agency": "Schools and academies",
        "risk": "Emergency inhalers in schools for children with asthma",
        "raised": {"days_ago": 5},
        "by": "member@example.org",
        "question": "How many schools now keep an emergency inhaler, and how do governors "
        "know staff are trained to use it?",
    },
]


def load_challenges(today: date) -> None:
    """Raise the demo's challenges and take their steps, each at its own date."""
    year_start = domain.last_complete_year(today).start

    def day(when: dict) -> date:
        if "year_day" in when:
            return year_start + timedelta(days=when["year_day"])
        return today - timedelta(days=when["days_ago"])

    def moment(when: dict) -> datetime:
        return datetime.combine(day(when), time(11, 0))

    agency_ids = dict(db.session.execute(select(Agency.name, Agency.id)).all())
    risk_ids = dict(db.session.execute(select(Risk.title, Risk.id)).all())
    for spec in CHALLENGES:
        raised_on = day(spec["raised"])
        by = db.session.scalar(select(User.id).where(User.email == spec.get("by")))
        challenge = services.raise_challenge(
            services.NewChallenge(
                agency_id=agency_ids[spec["agency"]],
                risk_id=risk_ids.get(spec["risk"]),
                question=spec["question"],
                raised_on=raised_on,
                response_due=rules.default_due(raised_on),
            ),
            user_id=by,
            at=moment(spec["raised"]),
        )
        if "response" in spec:
            when, text = spec["response"]
            services.record_response(challenge, text, day(when), at=moment(when))
        if "close" in spec:
            when, outcome = spec["close"]
            services.close(
                challenge, services.Outcome(**outcome, closed_on=day(when)), at=moment(when)
            )
            services.summarise(challenge, spec["summary"], at=moment(when) + timedelta(hours=1))
