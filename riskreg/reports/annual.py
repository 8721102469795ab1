"""The annual report for a reporting year (the UK financial year): the summary of
safeguarding activity from the data set, then the key risks and challenges, then how the board
challenged partners. What the page, the Markdown and the Word file (documents.py) all show."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from riskreg import clock, domain, readmodel
from riskreg.challenges.reporting import Published, year_challenges
from riskreg.domain import ReportingYear, year_containing
from riskreg.domain import challenges as challenge_rules
from riskreg.domain import indicators as rules
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.heatmap.grid import Heatmap, heatmap_for
from riskreg.indicators.data import Series, series_of
from riskreg.models import Indicator, Risk
from riskreg.ui import setting

# The seed report's wording; a board sets its own in the "annual_report_lead" setting.
DEFAULT_LEAD = (
    "There are a number of risks and challenges that will require action to mitigate against "
    "and minimise. Some of these risks are more specific to partner agencies, others to the "
    "work of the Board:"
)
HEADING = "Key risks and challenges"
ACTIVITY_HEADING = "Summary of safeguarding activity"
CHALLENGES_HEADING = "How the board challenged partners"


@dataclass(frozen=True)
class ActivityFigure:
    """One indicator's figure for the year, with its change from the year before computed
    from the two figures (never typed)."""

    indicator: Indicator
    figure: rules.YearFigure
    before: rules.YearFigure | None

    @property
    def change(self) -> rules.Change | None:
        before = self.before
        if before is None or not (self.figure.complete and before.complete):
            return None
        return rules.change_between(self.figure.value, before.value, self.indicator.unit)

    @property
    def sentence(self) -> str:
        """ "Domestic abuse notifications involving children: 2,368, up 32 % from 1,798 in the
        previous year."; a stock says the day it was counted on."""
        i, figure = self.indicator, self.figure
        text = f"{i.name}: {rules.figure(figure.value, i.unit)}"
        if i.year_rule == "end" and i.frequency != "yearly":
            text += f" at {long_date(figure.year.end)}"
        if not figure.complete:
            kind = rules.PERIOD_KINDS[i.frequency]
            text += f" ({figure.periods} of {figure.expected} {kind}s entered)"
        if (change := self.change) is not None:
            text += f", {change.words('in the previous year')}"
        return domain.sentence(text)


def activity_for(year: ReportingYear) -> list[ActivityFigure]:
    """Each indicator with a figure for the year, in the order the indicators were added."""
    indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.id)))
    found = []
    for series in series_of(indicators):
        figure = series.year(year)
        if figure is not None:
            found.append(ActivityFigure(series.indicator, figure, previous_year(series, year)))
    return found


def previous_year(series: Series, year: ReportingYear) -> rules.YearFigure | None:
    return series.year(ReportingYear(year.first - 1))


def counted(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class ChallengeYear:
    """The year's challenges as the report publishes them: counts, the agencies challenged, and
    the closed challenges a manager summarised for publication, in the manager's words alone
    (a member's question and an agency's response are never published unedited)."""

    year: ReportingYear
    complete: bool
    counts: challenge_rules.YearCounts
    published: list[Published]

    @property
    def empty(self) -> bool:
        return not (self.counts.raised or self.counts.closed)

    @property
    def span(self) -> str:
        return f"{long_date(self.year.start)} and {long_date(self.year.end)}"

    @property
    def empty_message(self) -> str:
        return f"The board raised no challenges to partner agencies between {self.span}."

    @property
    def lead(self) -> str:
        """How many were raised, leading into the list of agencies when some were."""
        if not self.counts.raised:
            return f"The board raised no new challenges to partner agencies between {self.span}."
        raised = counted(self.counts.raised, "challenge")
        return f"Between {self.span} the board raised {raised} to partner agencies:"

    @property
    def agencies(self) -> list[str]:
        return [f"{agency}: {count}" for agency, count in self.counts.by_agency]

    @property
    def outcomes(self) -> str:
        counts = self.counts
        text = (
            f"{counted(counts.closed, 'challenge was', 'challenges were')} closed in the year"
            if counts.closed
            else "No challenge was closed in the year"
        )
        if counts.closed:
            text += f": {counts.resolved} resolved and {counts.escalated} escalated"
        text += "."
        if counts.still_open:
            one = counts.still_open == 1
            if self.complete:
                still = f"{'was' if one else 'were'} still open at its end"
            else:
                still = f"{'is' if one else 'are'} still open"
            text += f" {counted(counts.still_open, 'challenge')} raised in the year {still}."
        return text

    @property
    def published_lead(self) -> str:
        return "What came of challenges closed in the year, in the board's words:"

    @staticmethod
    def item(published: Published) -> str:
        """ "Police (resolved): the summary", as Markdown and Word write it."""
        return domain.sentence(
            f"{published.agency} ({published.outcome_words.lower()}): {published.summary}"
        )


def challenge_year(year: ReportingYear, today: date) -> ChallengeYear:
    facts, published = year_challenges(year.start, year.end)
    return ChallengeYear(
        year=year,
        complete=today > year.end,
        counts=challenge_rules.year_counts(facts, year.start, year.end),
        published=published,
    )


def year_choices(today: date) -> list[ReportingYear]:
    """Every year from the first risk's to the one running now, newest first."""
    first_created = db.session.scalar(select(func.min(Risk.created_at)))
    latest = year_containing(today)
    earliest = latest if first_created is None else year_containing(clock.local_date(first_created))
    return [ReportingYear(y) for y in range(latest.first, min(earliest, latest).first - 1, -1)]


def year_query(year: ReportingYear, today: date) -> readmodel.RegisterQuery:
    """Every risk open at any time in the year, scored as at its end (or today, for the year
    still running)."""
    return readmodel.RegisterQuery(as_at=year.scored_at(today), open_from=year.start)


def closed_in_year(row: domain.RegisterRow, year: ReportingYear) -> date | None:
    if row.risk.closed_at is None:
        return None
    closed = clock.local_date(row.risk.closed_at)
    return closed if closed <= year.end else None


@dataclass
class Report:
    """Everything the page, the Markdown and the Word file show."""

    year: ReportingYear
    scored_at: date
    complete: bool
    lead: str
    sections: list[tuple[str, list[domain.RegisterRow]]]
    heatmap: Heatmap  # of the risks still open at the year's end
    show_scores: bool
    show_direction: bool
    activity: list[ActivityFigure]
    challenges: ChallengeYear
    show_treatment: bool = False
    # Each section's risk appetite in words, by its name ("" for none set).
    appetites: dict[str, str] = field(default_factory=dict)

    def appetite_of(self, section: str) -> str:
        words = self.appetites.get(section, "")
        return domain.sentence(f"Risk appetite: {words}") if words else ""

    @property
    def activity_lead(self) -> str:
        return (
            f"The partnership's data set for {long_date(self.year.start)} to "
            f"{long_date(self.year.end)}:"
        )

    @property
    def activity_empty_message(self) -> str:
        return f"The data set has no figures for {self.year.label}."

    @property
    def empty(self) -> bool:
        return not self.sections

    @property
    def empty_message(self) -> str:
        return (
            f"No risks were open between {long_date(self.year.start)} and "
            f"{long_date(self.scored_at)}, so there are no key risks to report for "
            f"{self.year.label}."
        )

    @property
    def as_at_words(self) -> str:
        words = long_date(self.scored_at)
        return words if self.complete else f"{words} (the year so far)"

    @property
    def heatmap_caption(self) -> str:
        return f"Heat map: {self.heatmap.caption}"

    def suffix(self, row: domain.RegisterRow) -> str:
        """The optional "(16 Extreme, ↑ worse)" after a statement, and a closure note."""
        parts = []
        if self.show_scores and row.current is not None:
            parts.append(f"{row.current.score} {row.current.band.name}")
        if self.show_direction:
            arrow, words = domain.DIRECTIONS[row.direction]
            parts.append("new" if row.direction == "new" else f"{arrow} {words.lower()}")
        if self.show_treatment:
            parts.append(f"{row.treatment[:1].lower()}{row.treatment[1:]}")
        closed = closed_in_year(row, self.year)
        if closed is not None:
            parts.append(f"closed {long_date(closed)}")
        return f" ({', '.join(parts)})" if parts else ""


def build_report(
    year: ReportingYear, today: date, show_scores=False, show_direction=False, show_treatment=False
):
    query = year_query(year, today)
    rows = readmodel.register_rows(query)
    sections: dict[str, list[domain.RegisterRow]] = {}
    for row in rows:  # already in section order, highest score first
        sections.setdefault(row.risk.section_name, []).append(row)
    return Report(
        year=year,
        scored_at=year.scored_at(today),
        complete=today > year.end,
        lead=setting("annual_report_lead", DEFAULT_LEAD),
        sections=list(sections.items()),
        heatmap=heatmap_for([r for r in rows if closed_in_year(r, year) is None], query),
        show_scores=show_scores,
        show_direction=show_direction,
        activity=activity_for(year),
        challenges=challenge_year(year, today),
        show_treatment=show_treatment,
        appetites={s.name: s.appetite_words for s in readmodel.sections()},
    )
