"""Generated bad input on every form the pages show, as each role: never a server error, and a
refusal (a 4xx) changes none of the board's data.

The forms are found, not listed: the test signs in, follows every same-site link and redirect
from "/" and reads each <form method="post"> with html.parser: its action, and every input,
select and textarea by name, with their types, values and choices (a date is three inputs
sharing one name). A form that appears only in answer to another (the rescore check page, the
import preview) is found by submitting each form once, filled in as a person would; a form whose
submission signs the browser out is not fuzzed. The register is then loaded afresh.

Hypothesis then takes each kind of form, fills it in the same way and spoils some of its fields:
leaves them out, repeats them, sends them empty, huge, with control characters, unicode oddities,
markup, odd numbers and dates, choices that are not offered, damaged files; or adds fields the
form does not have; or puts an odd id (0, negative, past 2³¹ and 2⁶³) in its URL. Every
example compares every row of the board's tables around its one POST. A role is also sent the
forms only an admin is shown: a member or a manager must be refused (403), a visitor sent to
sign in, and nothing may change."""

import base64
import csv
import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from crawling import internal_links, walk
from helpers import PASSWORD, make_user, reset_database
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.test import encode_multipart

from riskreg.extensions import db
from riskreg.models import Risk
from riskreg.register import services

# The board's data: a refusal may write sign-in attempts and audit records, nothing else.
BOARD_TABLES = (
    "risk", "assessment", "control", "action", "meeting", "snapshot_row", "user", "section",
    "scoring_scheme", "setting",
)  # fmt: skip
SIGN_OUT = "/logout"  # never posted: the crawl would end there
# Per kind of form the role is shown, and per kind only an admin is shown. For a longer hunt:
# RISKREG_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/test_fuzz.py
EXAMPLES = int(os.environ.get("RISKREG_FUZZ_EXAMPLES", 10))
EXAMPLES_NOT_OFFERED = max(2, EXAMPLES // 3)
HUGE = 100_000
# A number standing alone in a URL's path or query string: an id. In its place, ids no row has
# and numbers past what the database's integers hold.
AN_ID = re.compile(r"(?<=[/=])[0-9]+(?=[/&]|$)")
ODD_IDS = ["0", "-1", str(2**31), str(2**63), str(10**20)]
TEXT_TYPES = {"text", "email", "password", "number", "search", "tel", "url", "hidden", "date"}


# --- Reading forms --------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # an input type, "select", "textarea", "submit", or "date" (several text boxes)
    values: list = field(default_factory=list)  # what a browser sends as the page stands
    options: list = field(default_factory=list)  # radio, checkbox, select and button values
    numeric: bool = False  # inputmode="numeric" or type="number"


@dataclass
class Form:
    action: str  # path and query
    multipart: bool
    fields: dict  # name -> Field, in page order
    page: str  # the URL of the page it is on (for a form shown in answer to one: its action)
    links: list  # the page's downloads (a file input is filled with one)
    source: tuple = ()  # ("get", url) or ("after", parent Form)

    @property
    def signature(self):
        return frozenset(self.fields)


class FormReader(HTMLParser):
    def __init__(self, base):
        super().__init__(convert_charrefs=True)
        self.base, self.forms, self.form, self.select, self.textarea = base, [], None, None, None

    def add(self, name, kind, value=None, option=None, numeric=False):
        fields = self.form.fields
        known = fields.get(name)
        if known is None:
            known = fields[name] = Field(name, kind, numeric=numeric)
        elif kind in TEXT_TYPES and known.kind in TEXT_TYPES and kind != "hidden":
            known.kind = "date"  # GOV.UK date input: day, month and year boxes, one name
        if option is not None:
            known.options.append(option)
        if value is not None:
            known.values.append(value)
        return known

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.base, a.get("action") or self.base)
                parts = urlsplit(action)
                self.form = Form(
                    action=parts.path + (f"?{parts.query}" if parts.query else ""),
                    multipart="multipart" in a.get("enctype", ""),
                    fields={},
                    page=self.base,
                    links=[],
                )
                self.forms.append(self.form)
            return
        if self.form is None or (not a.get("name") and tag != "option"):
            return
        name = a.get("name")
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        numeric = a.get("inputmode") == "numeric" or kind == "number"
        if tag == "input" and kind in ("radio", "checkbox"):
            value = a.get("value", "on")
            self.add(name, kind, value if "checked" in a else None, value)
        elif tag in ("input", "button") and kind in ("submit", "image"):
            self.add(name, "submit", None, a.get("value", ""))
        elif tag == "input":
            self.add(name, kind, a.get("value", ""), numeric=numeric)
        elif tag == "select":
            self.select = self.add(name, "select")
        elif tag == "option" and self.select is not None:
            value = a.get("value")
            self.select.options.append(value)
            if "selected" in a:
                self.select.values = [value]
        elif tag == "textarea":
            self.textarea = self.add(name, "textarea", "")

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.values[-1] += data
        elif self.select is not None and self.select.options and self.select.options[-1] is None:
            self.select.options[-1] = data.strip()  # an option without a value sends its text

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            value = self.textarea.values[-1]
            self.textarea.values[-1] = value[1:] if value.startswith("\n") else value
            self.textarea = None


def forms_on(html: str, url: str, source: tuple) -> list[Form]:
    reader = FormReader(url)
    reader.feed(html)
    links = [urljoin(url, h.replace("&amp;", "&")) for h in re.findall(r'href="([^"]+)"', html)]
    downloads = [u for u in links if urlsplit(u).path.endswith(".csv")]
    return [replace(f, links=downloads, source=source) for f in reader.forms]


# --- Signing in, and the state each example starts from ---------------------------------------


class Actor:
    """A browser signed in as a role (or a visitor, role None), kept signed in as that role: a
    form that changed the account (its role, password or session) is undone before each example,
    so every example runs as the same user."""

    def __init__(self, app, engine, role):
        self.app, self.engine, self.role, self.client = app, engine, role, app.test_client()
        self.email, self.row = f"{role}@example.org", None
        if role:
            self.sign_in()

    def sign_in(self):
        users = db.metadata.tables["user"]
        with self.engine.begin() as connection:
            connection.execute(delete(db.metadata.tables["login_attempt"]))
            if self.row is not None:
                connection.execute(update(users).where(users.c.id == self.row["id"]), self.row)
        answer = self.client.post("/login", data={"email": self.email, "password": PASSWORD})
        assert answer.status_code == 302, answer.text
        with self.engine.connect() as connection:
            query = select(users).where(users.c.email == self.email)
            self.row = dict(connection.execute(query).mappings().one())

    def signed_in(self) -> bool:
        with self.client.session_transaction() as session:
            return "_user_id" in session

    def restore(self):
        """The account as it was when signed in (the old session token too: the cookie holds)."""
        if not self.role:
            return
        users = db.metadata.tables["user"]
        with self.engine.begin() as connection:
            now = connection.execute(select(users).where(users.c.id == self.row["id"]))
            if dict(now.mappings().one()) != self.row:
                connection.execute(update(users).where(users.c.id == self.row["id"]), self.row)
        if not self.signed_in():
            self.sign_in()


def board_rows(engine) -> dict:
    tables = [db.metadata.tables[name] for name in BOARD_TABLES]
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in tables
        }


def differences(before: dict, after: dict) -> dict:
    return {
        name: {
            "gone": [r for r in before[name] if r not in after[name]][:3],
            "new": [r for r in after[name] if r not in before[name]][:3],
        }
        for name in before
        if before[name] != after[name]
    }


def seed(app, demo_rows):
    """The demo register, a closed risk (so the reopen form shows) and a user of each role."""
    with app.app_context():
        reset_database(demo_rows)
        risk = db.session.scalars(select(Risk).order_by(Risk.id.desc())).first()
        services.close_risk(risk, "No longer a risk for the board")
        for role in ("admin", "manager", "member"):
            make_user(role)
        db.session.commit()


# --- Filling a form in, and sending it ---------------------------------------------------------

CSV_CACHE: dict = {}


def register_csv(actor, form) -> bytes:
    """The register's own export linked from the form's page, with one title changed, so the
    import has something to do."""
    if not form.links:
        return b"Title\nA risk\n"
    url = form.links[0]
    if url not in CSV_CACHE:
        rows = list(csv.reader(io.StringIO(actor.client.get(url).data.decode("utf-8-sig"))))
        if len(rows) > 1 and "Title" in rows[0]:
            rows[1][rows[0].index("Title")] += " (checked again)"
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        CSV_CACHE[url] = out.getvalue().encode()
    return CSV_CACHE[url]


def filled_in(actor, form) -> dict:
    """name -> values as a person would send the form: what the page shows, a blank box filled
    with something plausible, the first choice where none is made, the first button."""
    data = {}
    buttons = [f for f in form.fields.values() if f.kind == "submit"]
    for f in form.fields.values():
        if f.kind == "submit":
            if f is buttons[0]:
                data[f.name] = f.options[:1]
        elif f.kind == "file":
            data[f.name] = [("file", register_csv(actor, form), "register.csv")]
        elif f.kind in ("radio", "select"):
            offered = [o for o in f.options if o]
            data[f.name] = f.values[:1] or offered[:1]
        elif f.kind == "checkbox":
            data[f.name] = list(f.values)
        elif f.kind == "date":
            plausible = ["1", "4", "2030"] + ["1"] * len(f.values)
            data[f.name] = [v or plausible[i] for i, v in enumerate(f.values)]
        elif f.kind == "hidden" or any(v.strip() for v in f.values):
            data[f.name] = list(f.values)
        else:
            data[f.name] = [plausible_text(f)]
    return data


def plausible_text(f: Field) -> str:
    if f.numeric:
        return "3"
    if f.kind == "email" or "email" in f.name:
        return "fuzz@example.org"
    if f.kind == "password":
        return "Generated-password-2030"
    return "FZ"


def post(actor, form, data: dict):
    """POST the form as a browser would encode it. A multipart body is encoded here, in memory:
    the test client would spool a large one to a temporary file it never closes."""
    pairs = []
    for name, values in data.items():
        for value in values:
            if isinstance(value, tuple):  # ("file", content, filename), a fresh stream each time
                value = FileStorage(io.BytesIO(value[1]), value[2], content_type="text/csv")
            pairs.append((name, value))
    if form.multipart:
        boundary, body = encode_multipart(MultiDict(pairs))
        answer = actor.client.post(
            form.action, data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    else:
        answer = actor.client.post(form.action, data=MultiDict(pairs))
    answer.close()
    return answer


def fresh(actor, form) -> Form:
    """The form as its page shows it now (its hidden version, say); the old one if it is gone."""
    how, where = form.source
    if how == "get":
        answer = actor.client.get(where)
    else:
        parent = fresh(actor, where)
        answer = post(actor, parent, filled_in(actor, parent))
    if answer.mimetype == "text/html":
        for found in forms_on(answer.text, form.page, form.source):
            if found.action == form.action and found.signature == form.signature:
                return found
    return form


# --- Finding the forms ------------------------------------------------------------------------


def kind_of(app, form) -> tuple:
    """Forms of one kind: the same view, taking the same fields."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(form.action).path, method="POST")
    except (NotFound, MethodNotAllowed):
        endpoint = form.action
    return endpoint, form.signature


def crawl_forms(actor, start="/", limit=400) -> list[Form]:
    """Every POST form on the pages reachable from `start` by same-site links and redirects,
    one page of each shape as the crawl test walks them (the forms under one risk, control or
    action stand for every one's: the same view, taking the same fields). Documents are not
    pages."""
    forms = []

    def visit(url):
        answer = actor.client.get(url)
        assert answer.status_code < 500, url
        if answer.status_code in (301, 302, 303, 307, 308):
            location = urlsplit(urljoin(url, answer.headers["Location"]))
            if location.netloc in ("", "localhost"):
                return [location.path + (f"?{location.query}" if location.query else "")]
        elif answer.status_code == 200 and answer.mimetype == "text/html":
            forms.extend(forms_on(answer.text, url, ("get", url)))
            return internal_links(answer.text, url)
        return ()

    walk(visit, start, limit)
    return [f for f in forms if f.action != SIGN_OUT]


def discover(app, actor) -> dict:
    """kind -> its forms: those on the pages, then those shown in answer to a form filled in
    (each kind submitted once). A kind whose submission signs the browser out is left out."""
    kinds = {}
    for form in crawl_forms(actor):
        instances = kinds.setdefault(kind_of(app, form), [])
        if all(f.action != form.action for f in instances):
            instances.append(form)
    tried, ends_session = set(), set()
    while set(kinds) - tried:
        for kind in sorted(set(kinds) - tried, key=repr):
            tried.add(kind)
            form = fresh(actor, kinds[kind][0])
            answer = post(actor, form, filled_in(actor, form))
            assert answer.status_code < 500, (form.action, answer.status_code)
            if actor.role and not actor.signed_in():
                ends_session.add(kind)
            actor.restore()
            if answer.mimetype != "text/html":
                continue
            for found in forms_on(answer.text, form.action, ()):
                found = replace(found, source=("after", form))
                if found.action != SIGN_OUT:
                    kinds.setdefault(kind_of(app, found), [found])
    return {kind: forms for kind, forms in kinds.items() if kind not in ends_session}


# --- What is sent instead ---------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    ["", " ", "\t \r\n ", "\x00", "a\x00b", "\x1b[2J", "\x7f\x08", "\r\nSet-Cookie: x=1",
     "\u202eevil", "\ufeff", "\u200b", "e\u0301", "\U0001f600", "\ud7ff\ue000\uffff",
     "<script>alert(1)</script>", "</textarea><b>x</b>", "{{ 7 * 7 }}", "' OR 1=1 --",
     "../../etc/passwd", "%00", "&amp;", "null", "None", "true", "[]", "{}"]
)  # fmt: skip
HUGE_TEXT = st.sampled_from(["x", "é", "\U0001f600", "\x00", "<b>", " ", "9", "\u202e", "\r\n"])
HUGE_TEXT = HUGE_TEXT.map(lambda c: c * (HUGE // len(c)))
NUMBERS = st.one_of(
    st.sampled_from(
        ["-1", "0", "26", "1e9", "²", "٣", " 5 ", "5.0", "0x5", "+3", "-0", "1_0", "NaN", "inf",
         "99999999999999999999999", "9" * 400, "2147483648", "-2147483649", "1,5", "½"]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(repr),
)  # fmt: skip
# Compressed, a few kilobytes; inflated, more than any upload may be.
BOMB = base64.b64encode(zlib.compress(b"0" * 5_000_000, 9)).decode()
TEXTS = st.one_of(ODD_TEXT, NUMBERS, st.text(max_size=40), HUGE_TEXT, st.just(BOMB))
DAYS = st.sampled_from(["1", "31", "29", "2", "13", "0", "2027", "-1", "", "x", "²", "1.5"])
DATES = st.one_of(
    st.lists(DAYS, max_size=6),  # any number of boxes
    st.sampled_from(
        [["31", "2", "2027"], ["29", "2", "2027"], ["0", "0", "0"], ["1", "1", "1"],
         ["1", "1", "10000"], ["1", "1", "99999999999999999999"], ["1", "1", "-2027"],
         [" 1 ", " 2 ", " 2027 "], ["1", "2", "2027\x00"], ["x", "y", "z"], ["", "", ""],
         ["2027", "12", "31"], ["1", "13", "2027"], ["١", "٢", "٢٠٢٧"]]
    ),
    st.lists(TEXTS, min_size=3, max_size=3),
)  # fmt: skip
FILENAMES = st.sampled_from(
    ["register.csv", "register.xlsx", "register.CSV", "", "x.exe", "../../x.csv", "a\x00.csv",
     "é" * 300 + ".csv", "no extension", ".csv"]
)  # fmt: skip
ZIP = io.BytesIO()
with zipfile.ZipFile(ZIP, "w") as archive:
    archive.writestr("xl/workbook.xml", "<workbook/>")
BAD_FILES = st.sampled_from(
    [b"", b" \n", b"\xef\xbb\xbf", b"PK\x03\x04junk", ZIP.getvalue(), b"\xff\xfe\x00\x00",
     b'a,b\n\x00,"unclosed', b"Title\n" + b"x," * 300, b"x" * (2 * 1024 * 1024 + 1)]
)  # fmt: skip
CELLS = st.one_of(
    TEXTS,
    st.sampled_from(
        ["31/02/2027", "2027-02-30", "0/0/0", "99/99/9999", "2027-13-01", "1/1/10000", "=1+1",
         "@SUM(A1)", "+1", "'=1", "Closed", "open ", "SG-999999999999", "XX-01", "sg-01"]
    ),
)  # fmt: skip


def damaged_csvs(good: bytes):
    """The good file with one cell spoiled, or a row repeated."""
    rows = list(csv.reader(io.StringIO(good.decode("utf-8-sig"))))

    def spoil(edit):
        row, column, value, repeat = edit
        changed = [list(r) for r in rows]
        target = changed[row % len(changed)]
        if target:
            target[column % len(target)] = value
        if repeat:
            changed.append(list(target))
        out = io.StringIO()
        csv.writer(out).writerows(changed)
        return out.getvalue().encode()

    return st.tuples(st.integers(0, 50), st.integers(0, 50), CELLS, st.booleans()).map(spoil)


def not_offered(f: Field):
    offered = [o for o in f.options if o]
    variants = [st.text(max_size=20)]
    if offered:
        variants.append(
            st.tuples(st.sampled_from(offered), st.sampled_from([" ", "0", "\x00", "x"])).map(
                lambda pair: pair[0] + pair[1]
            )
        )
    return st.one_of(*variants, NUMBERS, ODD_TEXT)


def spoiled(actor, form, f: Field):
    """The values to send for the field instead: none, one or several."""
    if f.kind == "date":
        return DATES
    if f.kind == "file":
        files = st.one_of(
            damaged_csvs(register_csv(actor, form)).map(lambda b: ("file", b, "register.csv")),
            st.tuples(st.just("file"), st.one_of(BAD_FILES, st.binary(max_size=300)), FILENAMES),
        )
        return st.one_of(st.just([]), st.lists(files, min_size=1, max_size=3), TEXTS.map(list))
    one = not_offered(f) if f.kind in ("radio", "checkbox", "select", "submit") else TEXTS
    good = f.values[:1] or f.options[:1] or [""]
    return st.one_of(
        st.just([]),  # left out
        one.map(lambda value: [value]),
        st.lists(one, min_size=2, max_size=5),  # repeated
        st.integers(2, 5).map(lambda n: good * n),  # the good value, repeated
    )


def extra_names(form):
    """Names the form does not have: mass assignment, and its own lists at odd positions."""
    names = ["id", "risk_id", "ref", "role", "active", "status", "version", "created_by_id",
             "section_id", "csrf_token", "__class__", ""]  # fmt: skip
    for name in form.fields:
        if re.search(r"-\d+-", name):
            names += [re.sub(r"-\d+-", f"-{i}-", name, count=1) for i in ("10", "99999", "-1")]
    return st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))


def short(data: dict) -> dict:
    """The request as a failure report shows it: long values abbreviated."""

    def cut(value):
        if isinstance(value, tuple):
            return (value[0], cut(value[1]), cut(value[2]))
        return value if len(value) <= 80 else f"{value[:40]!r}... ({len(value)} long)"

    return {name: [cut(v) for v in values] for name, values in data.items()}


# --- The test ---------------------------------------------------------------------------------


class Run:
    """Sends one spoiled form and checks the answer and the board's data."""

    def __init__(self, app, engine, actor):
        self.app, self.engine, self.actor = app, engine, actor
        self.changes = 0  # answers that may have changed data: forms are fetched anew after
        self.forms = {}  # (action, fields) -> (changes when fetched, the form as fetched)

    def send(self, form, draw, refused=None):
        self.actor.restore()
        key = (form.action, form.signature)
        if self.forms.get(key, (None,))[0] != self.changes:
            self.forms[key] = (self.changes, fresh(self.actor, form))
        form = self.forms[key][1]
        data = filled_in(self.actor, form)
        names = list(form.fields)
        chosen = draw(
            st.lists(
                st.one_of(st.sampled_from(names), extra_names(form))
                if names
                else extra_names(form),
                min_size=1,
                max_size=4,
                unique=True,
            ),
            label="fields spoiled",
        )
        for name in chosen:
            if name in form.fields:
                data[name] = draw(spoiled(self.actor, form, form.fields[name]), label=name)
            else:
                data[name] = draw(st.lists(TEXTS, min_size=1, max_size=3), label=name)
        if AN_ID.search(form.action):  # the id in its path or query string, sometimes odd
            odd = draw(st.one_of(st.none(), st.sampled_from(ODD_IDS)), label="id in the URL")
            if odd is not None:  # names no row: refused, nothing changed (a visitor is sent
                # to sign in before any URL is looked at)
                form = replace(form, action=AN_ID.sub(odd, form.action, count=1))
                refused = refused_as(None) if self.actor.role is None else refused_as("")
        note(f"POST {form.action} (a form on {form.page}) as {self.actor.role or 'a visitor'}")
        note(f"fields: {short(data)}")
        before = board_rows(self.engine)
        answer = post(self.actor, form, data)
        status = answer.status_code
        note(f"answer: {status} {answer.headers.get('Location', '')}")
        assert status < 500, status
        if refused is not None:
            assert refused(answer), (status, answer.headers.get("Location"))
        if 400 <= status < 500 or refused is not None:
            after = board_rows(self.engine)
            assert after == before, differences(before, after)
        else:
            self.changes += 1
            if 300 <= status < 400:  # as a browser: show the page it goes to (and its banner)
                followed = self.actor.client.get(answer.headers["Location"])
                assert followed.status_code < 500, answer.headers["Location"]

    def fuzz(self, forms, examples, refused=None):
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        )
        @given(st.data())
        def example(data):
            which = data.draw(st.integers(0, len(forms) - 1), label="which of its forms")
            self.send(forms[which], data.draw, refused)

        example()


def refused_as(role):
    """How a role is refused a form it is not shown: a visitor is sent to sign in, a member or
    manager answered 403. With "" (anyone signed in, at a URL that names no row): any 4xx."""
    if role is None:
        return lambda answer: (
            answer.status_code == 302
            and urlsplit(answer.headers["Location"]).path.endswith("/login")
        )
    if role == "":
        return lambda answer: 400 <= answer.status_code < 500
    return lambda answer: answer.status_code == 403


# What an admin is shown, found once per process: the seeded register is the same in every test.
ADMIN_FORMS: dict = {}


@pytest.mark.parametrize("role", ["admin", "manager", "member", "visitor"])
def test_bad_input_on_every_form_never_fails_and_a_refusal_changes_nothing(app, demo_rows, role):
    role = None if role == "visitor" else role
    CSV_CACHE.clear()
    with app.app_context():
        engine = db.engine
    seed(app, demo_rows)
    actor = Actor(app, engine, role)
    shown = discover(app, actor)
    if role == "admin":
        ADMIN_FORMS.update(shown)
    elif not ADMIN_FORMS:
        ADMIN_FORMS.update(discover(app, Actor(app, engine, "admin")))
    everything = {**ADMIN_FORMS, **shown}
    # A form is "not shown" when the role is shown no form of its endpoint: a member's form to
    # raise a challenge lacks the manager's response date, but a member may post to it.
    shown_endpoints = {kind[0] for kind in shown}
    not_shown = {
        kind: forms for kind, forms in everything.items() if kind[0] not in shown_endpoints
    }
    assert len({kind[0] for kind in everything}) > 20  # the discovery went through the app
    if role in ("admin", "manager"):
        assert {"register.rescore", "importer.confirm", "register.reopen"} <= {k[0] for k in shown}

    # Discovery submitted forms: the register starts again, as it was seeded.
    seed(app, demo_rows)
    CSV_CACHE.clear()
    run = Run(app, engine, Actor(app, engine, role))  # the accounts are new: sign in again
    for forms in sorted(shown.values(), key=lambda forms: forms[0].action):
        run.fuzz(forms, EXAMPLES)
    for forms in sorted(not_shown.values(), key=lambda forms: forms[0].action):
        run.fuzz(forms, EXAMPLES_NOT_OFFERED, refused_as(role))
