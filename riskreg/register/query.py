"""The register's query string: filters, sort and page, parsed in one place for every page and
export that shows the register, and the column sort they share.

    view = register_query_from_args(request.args)
    if view.errors: ...  # {field: message}: answer 400 with the messages
    page = page_of(view)  # or every row: register_rows(view.query, sort=view.sort, ...)

Filtering, sorting and paging happen in the database (readmodel.register_page); exports and
the printable summary take every row, only the register page pages them."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import date

from riskreg import clock, domain
from riskreg.domain.dates import date_parts, parse_date
from riskreg.readmodel import (
    FLAGS,
    STATUSES,
    TREATMENT_CHOICES,
    RegisterQuery,
    agencies,
    register_page,
    schemes_by_version,
    sections,
)
from riskreg.ui.forms import clean_line, day_parts, parse_day, positive_int

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_TEXT = 200

# Sortable columns: name in the query string -> heading. Scores sort highest first on the
# first click, everything else A to Z.
SORT_COLUMNS = {
    "ref": "Ref",
    "title": "Title",
    "section": "Section",
    "owner": "Owner",
    "inherent": "Inherent",
    "current": "Current",
    "target": "Target",
    "direction": "Direction",
    "treatment": "Treatment",
    "next_review": "Next review",
    "flags": "Flags",
}
FIRST_ORDER = {"inherent": "desc", "current": "desc", "target": "desc", "flags": "desc"}
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class RegisterView:
    """The register as the query string asks for it."""

    query: RegisterQuery = field(default_factory=RegisterQuery)
    sort: str = ""  # a SORT_COLUMNS key; "" keeps register order
    order: str = "asc"
    page: int = 1
    page_size: int = PAGE_SIZE
    errors: dict[str, str] = field(default_factory=dict)
    # The "as at" date's day, month and year boxes, as sent (or as the date in a link).
    as_at_parts: tuple[str, str, str] = ("", "", "")

    def args(self, **changes) -> dict[str, str]:
        """Query-string arguments for a link to this view with `changes`, defaults left out so
        that URLs stay short and bookmarkable."""
        values = {f.name: getattr(self.query, f.name) for f in fields(RegisterQuery)}
        values |= {"sort": self.sort, "order": self.order if self.sort else ""}
        values |= {"page": self.page, "page_size": self.page_size}
        values |= changes
        if values.get("status") == "open":
            values.pop("status")
        if values.get("page") == 1:
            values.pop("page")
        if values.get("page_size") == PAGE_SIZE:
            values.pop("page_size")
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in values.items()
            if value not in ("", None)
        }

    def sort_args(self, column: str) -> dict[str, str]:
        """The link a column heading makes: sort by it, or turn its order round."""
        if column == self.sort:
            order = "desc" if self.order == "asc" else "asc"
        else:
            order = FIRST_ORDER.get(column, "asc")
        return self.args(sort=column, order=order, page=1)

    def aria_sort(self, column: str) -> str:
        if column != self.sort:
            return "none"
        return "ascending" if self.order == "asc" else "descending"


def register_query_from_args(args: Mapping[str, str], today: date | None = None) -> RegisterView:
    """The register view a query string asks for; unknown names are ignored, bad values are
    reported in `errors` (one message per field)."""
    band_names = {band.name for s in schemes_by_version().values() for band in s.bands}
    prefixes = {section.prefix for section in sections()}
    # The agencies are read only when the query names one.
    agency_ids = {a.id for a in agencies()} if (args.get("agency") or "").strip() else set()
    return parse_register_args(args, prefixes, band_names, today or clock.today(), agency_ids)


def parse_register_args(
    args: Mapping[str, str],
    prefixes: set[str],
    band_names: set[str],
    today: date,
    agency_ids: Collection[int] = (),
) -> RegisterView:
    errors: dict[str, str] = {}

    def text(name: str, label: str) -> str:
        # Control characters (a NUL, which PostgreSQL refuses in a parameter) are no search.
        value = clean_line(args.get(name) or "")
        if len(value) > MAX_TEXT:
            errors[name] = f"{label} must be {MAX_TEXT} characters or fewer"
            return ""
        return value

    def choice(name: str, allowed, message: str, default: str = "") -> str:
        value = (args.get(name) or "").strip()
        if value and value not in allowed:
            errors[name] = message
            return default
        return value or default

    def whole_number(name: str, label: str, default: int, highest: int | None = None) -> int:
        value = (args.get(name) or "").strip()
        if not value:
            return default
        number = positive_int(value)
        if number is None:
            errors[name] = f"{label} must be a whole number, 1 or more"
            return default
        if highest is not None and number > highest:
            errors[name] = f"{label} must be {highest} or fewer"
            return default
        return number

    def agency() -> int | None:
        value = (args.get("agency") or "").strip()
        if value and positive_int(value) not in agency_ids:
            errors["agency"] = "Choose an agency from the list"
            return None
        return positive_int(value) if value else None

    as_at, as_at_parts = None, ("", "", "")
    sent = args.getlist("as_at") if hasattr(args, "getlist") else [args.get("as_at") or ""]
    if len(sent) > 1:
        # The day, month and year boxes of the filter form, checked as every date input is.
        as_at_parts = tuple(day_parts(sent))
        try:
            as_at = parse_day(sent, "The date", past=True)
        except ValueError as error:
            errors["as_at"] = str(error)
    elif raw := (sent[0] if sent else "").strip():
        # One value: the date as a link or bookmark carries it.
        try:
            as_at = parse_date(raw, uk=False)
        except ValueError:
            as_at = None
        if as_at is None:
            errors["as_at"] = "Enter the date as year-month-day, for example 2025-03-31"
        else:
            as_at_parts = tuple(date_parts(as_at))
    if as_at is not None and as_at > today:
        errors["as_at"] = "The date must be today or in the past"
        as_at = None

    query = RegisterQuery(
        section=choice("section", prefixes, "Choose a section from the list"),
        band=choice("band", band_names, "Choose a band from the list"),
        owner=text("owner", "Owner or agency"),
        agency=agency(),
        status=choice("status", STATUSES, "Choose open, closed or all", default="open"),
        text=text("text", "Search text"),
        as_at=as_at,
        flag=choice("flag", FLAGS, "Choose a flag from the list"),
        treatment=choice("treatment", TREATMENT_CHOICES, "Choose a treatment from the list"),
    )
    sort = choice("sort", SORT_COLUMNS, "Sort by one of the register's columns")
    order = choice("order", ORDERS, "Sort order must be asc or desc", default="asc")
    return RegisterView(
        query=query,
        sort=sort,
        order=order,
        page=whole_number("page", "Page", 1),
        page_size=whole_number("page_size", "Page size", PAGE_SIZE, MAX_PAGE_SIZE),
        errors=errors,
        as_at_parts=as_at_parts,
    )


@dataclass(frozen=True)
class Page:
    rows: list[domain.RegisterRow]
    number: int
    count: int  # how many pages
    first: int  # 1-based position of the first row shown
    last: int
    total: int


def page_of(view: RegisterView) -> Page:
    """The page of the register the view asks for, counted, sorted and paged in the database;
    a page past the end shows the last one (a bookmark outlives risks)."""
    found = register_page(
        view.query, sort=view.sort, order=view.order, page=view.page, page_size=view.page_size
    )
    shown = found.rows
    return Page(
        rows=shown,
        number=found.offset // view.page_size + 1,
        count=max(1, -(-found.total // view.page_size)),
        first=found.offset + 1 if shown else 0,
        last=found.offset + len(shown),
        total=found.total,
    )


def page_numbers(current: int, count: int) -> list[int | None]:
    """The page links to show: the first, last, current and its neighbours; None is a gap."""
    wanted = sorted({1, count, current - 1, current, current + 1} & set(range(1, count + 1)))
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
