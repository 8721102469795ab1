"""Your risks and actions: the top of the dashboard shows what the signed-in person owns."""

from datetime import timedelta

from helpers import PASSWORD, count_statements, make_action, make_risk, make_user
from test_cache import signed_in

from riskreg import clock
from riskreg.extensions import db
from riskreg.register import services


def test_the_dashboard_starts_with_what_you_own_overdue_first(app):
    today = clock.today()
    with app.app_context():
        make_user("manager", email="sam.lead@example.org", name="Sam Lead")
        late = make_risk(title="Late review", owner_email="Sam.Lead@Example.org")
        late.next_review = today - timedelta(days=3)
        soon = make_risk(title="Soon review", owner_email="sam.lead@example.org")
        soon.next_review = today + timedelta(days=10)
        make_risk(title="Someone else", owner_email="other@example.org")
        closed = make_risk(title="Closed one", owner_email="sam.lead@example.org")
        services.close_risk(closed, "Done")
        db.session.commit()
        other = make_risk(title="Not mine")
        make_action(
            other, "Due later", due_on=today + timedelta(days=5), owner_email="SAM.LEAD@example.org"
        )
        make_action(
            other,
            "Overdue one",
            due_on=today - timedelta(days=1),
            owner_email="sam.lead@example.org",
            status="in_progress",
        )
        make_action(other, "Finished", status="complete", owner_email="sam.lead@example.org")
        make_action(other, "Not my action", owner_email="other@example.org")
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "sam.lead@example.org", "password": PASSWORD}).location
        == "/"
    )
    page = client.get("/").text
    main = page[page.index("<main") :]
    assert main.index("Your risks and actions") < main.index("Needs attention")
    mine = main[main.index("Your risks and actions") : main.index("Needs attention")]
    assert mine.index("Late review") < mine.index("Soon review")
    assert "Review overdue" in mine and "Open risks you own (2)" in mine
    assert mine.index("Overdue one") < mine.index("Due later")
    assert "Open actions you own (2)" in mine
    for gone in ("Someone else", "Closed one", "Finished", "Not my action"):
        assert gone not in mine, gone


def test_nothing_is_shown_to_someone_who_owns_nothing(app):
    with app.app_context():
        make_risk(owner_email="someone@example.org")
    page = signed_in(app, "member").get("/").text
    assert "Your risks and actions" not in page
    assert '<h1 class="govuk-heading-l">Dashboard</h1>' in page


def test_what_you_own_is_never_served_to_someone_else_with_the_role(app):
    with app.app_context():
        risk = make_risk(title="Risk of Sam", owner_email="sam@example.org")
        make_action(risk, "Action of Alex", owner_email="alex@example.org")
    sam, alex = (
        signed_in(app, "member", "sam@example.org"),
        signed_in(app, "member", "alex@example.org"),
    )
    for _ in range(2):  # the second time, the rest of the page comes from the cache
        sams, alexs = sam.get("/").text, alex.get("/").text
        assert "Risk of Sam" in sams.split("Needs attention")[0]
        assert "Action of Alex" not in sams.split("Needs attention")[0]
        assert "Action of Alex" in alexs.split("Needs attention")[0]
        assert "Risk of Sam" not in alexs.split("Needs attention")[0]


def test_what_you_own_costs_the_same_statements_however_much_you_own(app):
    with app.app_context():
        engine = db.engine
    client = signed_in(app, "manager", "sam@example.org")
    counts = []
    for size in (1, 12):
        with app.app_context():
            for n in range(size):
                risk = make_risk(title=f"Risk {size}-{n}", owner_email="sam@example.org")
                make_action(risk, f"Action {size}-{n}", owner_email="sam@example.org")
        client.get("/")  # the cached rest of the page, as on any repeat visit
        with count_statements(engine) as n:
            assert client.get("/").status_code == 200
        counts.append(n[0])
    assert counts[0] == counts[1]
