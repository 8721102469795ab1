"""Values in and out as spreadsheets: a file of (indicator code, period, value, note) rows is
checked whole first, every problem listed by row and column, and written only when every row
is good; a row that repeats a period's value as it stands changes nothing."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from riskreg import clock, domain
from riskreg.domain import indicators as rules
from riskreg.models import Indicator
from riskreg.ui import xlsx
from riskreg.ui.downloads import table_csv
from riskreg.ui.spreadsheets import cell_text

from .data import Series, all_series, series_of
from .services import NewValue, add_value, refresh_alerts, unchanged

COLUMNS = {"code": "Indicator code", "period": "Period", "value": "Value", "note": "Note"}
# Other headings people give the same columns.
ALIASES = {"indicator": "code", "code": "code", "indicator code": "code", "notes": "note"}
NOTE_LIMIT = 500
Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class Plan:
    new: list[tuple[Indicator, NewValue]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def header_map(header: list) -> tuple[dict[str, int], list[Problem]]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = " ".join(cell_text(cell).split()).lower()
        key = ALIASES.get(name) or next((k for k, v in COLUMNS.items() if v.lower() == name), None)
        if key and key not in found:
            found[key] = index
    missing = [COLUMNS[k] for k in ("code", "period", "value") if k not in found]
    problems = [Problem(1, name, f"The file has no “{name}” column") for name in missing]
    return found, problems


def plan_values(table: list[list], today: date | None = None, progress: Progress = None) -> Plan:
    """Check every row of the file (header first) against the data set; `progress(done,
    total)`, if given, is called after each row."""
    today = today or clock.today()
    plan = Plan()
    if not table:
        plan.problems.append(Problem(1, "", "The file is empty"))
        return plan
    columns, plan.problems = header_map(table[0])
    if plan.problems:
        return plan
    series = {s.indicator.code: s for s in all_series()}
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        if progress:
            progress(number - 1, len(table) - 1)
        get = {k: cell_text(cells[i]).strip() if i < len(cells) else "" for k, i in columns.items()}
        if not any(get.values()):
            continue
        problems = len(plan.problems)
        new = check_row(number, get, series, today, plan.problems)
        if new is None or len(plan.problems) > problems:
            continue
        one, period = new
        key = (one.indicator.code, period.period.code)
        if key in seen:
            plan.problems.append(
                Problem(
                    number, COLUMNS["period"], f"Row {seen[key]} gives this period’s value already"
                )
            )
            continue
        seen[key] = number
        if unchanged(one, period):
            plan.unchanged += 1
        else:
            plan.new.append((one.indicator, period))
    return plan


def check_row(
    number: int, get: dict, series: dict[str, Series], today: date, problems: list[Problem]
) -> tuple[Series, NewValue] | None:
    def problem(key: str, message: str) -> None:
        problems.append(Problem(number, COLUMNS[key], message))

    one = series.get(get["code"].upper())
    if one is None:
        problem("code", f"No indicator has the code “{get['code'][:40]}”" if get["code"]
                else "Enter the indicator’s code")  # fmt: skip
    period = value = None
    try:
        period = rules.parse_period(get["period"][:40])
    except ValueError as error:
        problem("period", str(error))
    if one is not None and period is not None:
        i = one.indicator
        if reason := rules.period_problem(period, i.frequency, i.year_rule, today):
            problem("period", reason)
    try:
        value = rules.parse_value(get["value"][:40])
    except ValueError as error:
        problem("value", str(error))
    if value is not None and one is not None:
        if reason := rules.value_problem(value, one.indicator.unit):
            problem("value", reason)
    note = get.get("note", "")
    if len(note) > NOTE_LIMIT:
        problem("note", f"Note must be {NOTE_LIMIT} characters or fewer")
    elif found := domain.child_identifiers(note):
        problem("note", domain.identifier_message("Note", found))
    if one is None or period is None or value is None:
        return None
    return one, NewValue(period, value, note)


def apply_values(plan: Plan, *, user_id: int | None = None, progress: Progress = None) -> int:
    """Write a checked plan's new values (the caller commits); the flags are worked out
    once, at the end."""
    if not plan.ok:
        raise ValueError("a plan with problems is never applied")
    at = clock.now_utc()
    for done, (indicator, new) in enumerate(plan.new, start=1):
        add_value(indicator, new, user_id=user_id, at=at, refresh=False)
        if progress:
            progress(done, len(plan.new))
    if plan.new:
        refresh_alerts(sorted({r.id for i, _ in plan.new for r in i.risks}))
    return len(plan.new)


def export_rows(indicators: Iterable[Indicator] | None = None) -> list[list]:
    """Every period's value, in the columns an import reads (then who entered it, and when)."""
    chosen = series_of(list(indicators)) if indicators is not None else all_series()
    rows = [[*COLUMNS.values(), "Entered by", "Entered at"]]
    for series in chosen:
        for entry in series.current.values():
            rows.append([
                series.indicator.code,
                entry.period.code,
                entry.value if entry.value != int(entry.value) else int(entry.value),
                entry.note,
                entry.entered_by,
                entry.entered_at.isoformat(timespec="seconds"),
            ])  # fmt: skip
    return rows


def csv_body(rows: list[list]) -> bytes:
    return table_csv(rows)


def xlsx_body(rows: list[list]) -> bytes:
    return xlsx.table("Values", [18, 14, 12, 50, 24, 22], rows)
