"""Admin pages: users, the scoring scheme, sections and board settings."""

import re

import pytest
from helpers import PASSWORD, make_risk, make_user, table_counts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_one_truth import tables

from riskreg.auth import accounts
from riskreg.extensions import db
from riskreg.models import (
    Assessment,
    AuditEvent,
    Risk,
    SchemeDraft,
    ScoringScheme,
    Section,
    Setting,
    User,
)
from riskreg.readmodel import RegisterQuery, projection_drift, register_rows
from riskreg.register import services

# --- Helpers ---------------------------------------------------------------------------------


def scheme_post(data=None, base_version=1, blank_bands=0):
    """The scheme form's fields, flattened as a browser posts them."""
    if data is None:
        row = db.session.scalars(select(ScoringScheme).order_by(ScoringScheme.version)).first()
        data = {"likelihood": row.likelihood, "impact": row.impact, "bands": row.bands}
    form = {"base_version": str(base_version), "draft_id": ""}
    for kind in ("likelihood", "impact"):
        for n, level in enumerate(data[kind]):
            form[f"{kind}-{n}-name"] = level["name"]
            form[f"{kind}-{n}-descriptor"] = level["descriptor"]
    bands = list(data["bands"]) + [{}] * blank_bands
    for n, band in enumerate(bands):
        for key in ("name", "min", "max", "colour", "review_months", "response"):
            form[f"bands-{n}-{key}"] = str(band.get(key, ""))
    return form


def table_rows(html, table_id):
    return next(t["rows"] for t in tables(html) if t["id"] == table_id)


def adopt_scheme(app, client, post):
    """Save the scheme form as a draft, then adopt it from its preview; the adoption's
    response."""
    saved = client.post("/admin/scheme/edit", data=post)
    assert saved.status_code == 302 and saved.location.endswith("/admin/scheme/draft"), saved.text
    assert client.get("/admin/scheme/draft").status_code == 200
    with app.app_context():
        draft_id = db.session.scalar(select(SchemeDraft.id))
    return client.post("/admin/scheme/draft", data={"draft_id": draft_id, "adopt": "Adopt"})


def default_bands():
    return [dict(b) for b in db.session.scalar(select(ScoringScheme)).bands]


def with_bands(bands):
    row = db.session.scalar(select(ScoringScheme).where(ScoringScheme.version == 1))
    return {"likelihood": row.likelihood, "impact": row.impact, "bands": bands}


def versions():
    return db.session.scalars(select(ScoringScheme.version).order_by("version")).all()


def audit_actions(entity):
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
    ).all()


def admin_rules(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


# --- Access ----------------------------------------------------------------------------------


def test_every_admin_endpoint_is_admin_only(app, login):
    assert len(admin_rules(app)) >= 12
    for role in ("manager", "member"):
        client = login(role)
        for rule, method in admin_rules(app):
            url = rule.build({name: 1 for name in rule.arguments})[1]
            response = client.open(url, method=method)
            assert response.status_code == 403, f"{role} {method} {url}"
        client.post("/logout")


def test_radio_groups_have_their_legends(login):
    client = login("admin")
    assert re.search(r"<legend[^>]*>\s*Role\s*</legend>", client.get("/admin/users/new").text)
    page = client.get("/admin/settings").text
    assert re.search(r"<legend[^>]*>\s*Heat map layout\s*</legend>", page)


def test_the_landing_page_links_to_every_part(login):
    page = login("admin").get("/admin").text
    for path in ("/admin/users", "/admin/scheme", "/admin/sections", "/admin/settings"):
        assert f'href="{path}"' in page
    assert 'href="/admin"' in page  # the navigation shows admins the Admin link


# --- Users -----------------------------------------------------------------------------------


def role_radios(page: str) -> list[tuple[str, bool, str]]:
    """(value, checked, hint) of each role radio, in page order."""
    found = re.findall(
        r'<input[^>]*name="role"[^>]*value="(\w+)"([^>]*)>.*?govuk-radios__hint">\s*([^<]*?)\s*<',
        page,
        re.S,
    )
    return [(value, "checked" in rest, hint) for value, rest, hint in found]


def test_the_new_user_form_lists_least_privilege_first_with_member_chosen(login):
    radios = role_radios(login("admin").get("/admin/users/new").text)
    assert [(value, checked) for value, checked, _ in radios] == [
        ("member", True), ("manager", False), ("admin", False)
    ]  # fmt: skip
    assert radios[0][2].startswith("Reads the register") and "users" in radios[2][2]


def test_the_change_role_radios_keep_the_same_order_and_hints(app, login):
    client = login("admin")
    with app.app_context():
        person_id = make_user("manager").id
    radios = role_radios(client.get(f"/admin/users/{person_id}").text)
    assert [(value, checked) for value, checked, _ in radios] == [
        ("member", False), ("manager", True), ("admin", False)
    ]  # fmt: skip
    assert radios[1][2].startswith("Keeps the register")


def test_an_admin_creates_a_user_who_can_sign_in(app, login, client):
    client = login("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "email": " Jo.Bloggs@Example.ORG ",
            "name": "Jo Bloggs",
            "role": "manager",
            "password": "a long enough password",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "jo.bloggs@example.org"))
        assert (user.name, user.role, user.active) == ("Jo Bloggs", "manager", True)
        assert audit_actions("user") == ["create"]
    assert "Jo Bloggs" in client.get("/admin/users").text
    client.post("/logout")
    response = client.post(
        "/login", data={"email": "jo.bloggs@example.org", "password": "a long enough password"}
    )
    assert response.status_code == 302


def test_a_generated_password_is_shown_once_and_works(app, login):
    client = login("admin")
    response = client.post(
        "/admin/users/new",
        data={"email": "new@example.org", "name": "New Person", "role": "member"},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code class="rr-password" id="password">([^<]+)</code>', response.text)
    assert password and len(password[1]) >= 10
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == "new@example.org"))
    assert password[1] not in client.get(f"/admin/users/{user_id}").text
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "new@example.org", "password": password[1]}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"email": "not an email"}, "email", "Enter an email address like"),
        ({"email": "MANAGER@example.org"}, "email", "already a user"),
        ({"email": ""}, "email", "Enter the person&#39;s email address"),
        ({"name": ""}, "name", "Enter the person&#39;s full name"),
        ({"name": "x" * 121}, "name", "120 characters or fewer"),
        ({"role": "owner"}, "role", "Choose a role from the list"),
        ({"role": ""}, "role", "Choose a role"),
        ({"password": "too short"}, "password", "10 to 200 characters"),
        ({"password": "x" * 201}, "password", "10 to 200 characters"),
    ],
)
def test_bad_new_users_are_refused_and_nothing_is_written(app, login, change, field, message):
    client = login("admin")
    with app.app_context():
        make_user("manager")
        before = table_counts()
    data = {"email": "ok@example.org", "name": "Ok", "role": "member", "password": "x" * 12}
    response = client.post("/admin/users/new", data={**data, **change})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert f'href="#{field}"' in response.text
    assert message in response.text
    with app.app_context():
        assert table_counts() == before


def test_an_admin_changes_a_role_and_it_is_audited(app, login):
    client = login("admin")
    with app.app_context():
        person = make_user("member", email="m2@example.org")
        person_id = person.id
    response = client.post(f"/admin/users/{person_id}/role", data={"role": "manager"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, person_id).role == "manager"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "user"))
        assert event.changes == {"role": ["member", "manager"]}


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(app, login):
    client = login("admin")
    with app.app_context():
        me = db.session.scalar(select(User).where(User.role == "admin"))
        make_user("admin", email="old-admin@example.org", active=False)  # inactive: no help
        me_id = me.id
        before = table_counts()
    response = client.post(f"/admin/users/{me_id}/role", data={"role": "member"})
    assert response.status_code == 400
    assert "the last active admin" in response.text
    assert 'href="#role"' in response.text
    response = client.post(f"/admin/users/{me_id}/status")
    assert response.status_code == 400
    with app.app_context():
        assert table_counts() == before
        assert db.session.get(User, me_id).role == "admin"
        assert db.session.get(User, me_id).active


def test_an_admin_may_be_demoted_while_another_admin_remains(app, login):
    client = login("admin")
    with app.app_context():
        other = make_user("admin", email="other-admin@example.org")
        other_id = other.id
        assert accounts.last_admin_problem(other, "manager", True) is None
    assert client.post(f"/admin/users/{other_id}/role", data={"role": "manager"}).status_code == 302
    with app.app_context():
        me = db.session.scalar(select(User).where(User.role == "admin"))
        assert "last active admin" in accounts.last_admin_problem(me, "member", True)
        assert "last active admin" in accounts.last_admin_problem(me, "admin", False)
        assert accounts.last_admin_problem(me, "admin", True) is None


def test_a_deactivated_user_cannot_sign_in_until_reactivated(app, login, client):
    with app.app_context():
        person_id = make_user("manager", email="leaver@example.org").id
    other = app.test_client()
    assert (
        other.post("/login", data={"email": "leaver@example.org", "password": PASSWORD}).status_code
        == 302
    )
    admin_client = login("admin")
    assert admin_client.post(f"/admin/users/{person_id}/status").status_code == 302
    with app.app_context():
        assert db.session.get(User, person_id).active is False
    # Their open session ends, and they cannot sign in again.
    assert other.get("/risks").status_code == 302
    response = app.test_client().post(
        "/login", data={"email": "leaver@example.org", "password": PASSWORD}
    )
    assert response.status_code == 401
    assert "Deactivated" in admin_client.get("/admin/users").text

    assert admin_client.post(f"/admin/users/{person_id}/status").status_code == 302
    response = app.test_client().post(
        "/login", data={"email": "leaver@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    with app.app_context():
        assert audit_actions("user") == ["update", "update"]


def test_an_admin_cannot_deactivate_themselves(app, login):
    client = login("admin")
    with app.app_context():
        make_user("admin", email="second@example.org")
        me_id = db.session.scalar(select(User.id).where(User.email == "admin@example.org"))
    response = client.post(f"/admin/users/{me_id}/status")
    assert response.status_code == 400
    assert "your own account" in response.text


def test_resetting_a_password(app, login):
    client = login("admin")
    with app.app_context():
        person_id = make_user("member").id
    response = client.post(
        f"/admin/users/{person_id}/password", data={"new_password": "brand new password"}
    )
    assert response.status_code == 302
    response = client.post(f"/admin/users/{person_id}/password", data={"new_password": ""})
    shown = re.search(r'id="password">([^<]+)<', response.text)[1]
    assert (
        client.post(
            f"/admin/users/{person_id}/password", data={"new_password": "short"}
        ).status_code
        == 400
    )
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person.check_password(shown)
        assert audit_actions("user") == ["reset-password", "reset-password"]


def test_an_unknown_user_is_404(login):
    assert login("admin").get("/admin/users/999").status_code == 404


# --- Scoring scheme --------------------------------------------------------------------------


def test_the_scheme_page_shows_the_active_version_and_history(login):
    page = login("admin").get("/admin/scheme").text
    assert "Version 1, in use now" in page
    for text in ("Extreme", "15 to 25", "#d4351c", "every board meeting", "Almost certain",
                 "Catastrophic", "Set up with the register"):  # fmt: skip
        assert text in page


def test_the_edit_form_starts_from_the_active_version(login):
    page = login("admin").get("/admin/scheme/edit").text
    assert 'name="bands-3-name"' in page and 'value="Extreme"' in page
    assert 'name="bands-5-name"' in page  # two empty rows to add bands
    assert 'name="impact-4-descriptor"' in page
    assert "A draft of version 2" in page and "Save the draft and preview it" in page


def test_saving_the_scheme_adds_a_version_and_keeps_the_old_one(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[2]["name"] = "Serious"
        bands[2]["colour"] = "#F47700"
        post = scheme_post(with_bands(bands), blank_bands=2)
        v1_before = db.session.scalar(select(ScoringScheme).where(ScoringScheme.version == 1)).bands
    response = adopt_scheme(app, client, post)
    assert response.status_code == 302, response.text
    page = client.get("/admin/scheme").text
    assert "Version 2, in use now" in page and "Serious" in page
    with app.app_context():
        assert versions() == [1, 2]
        v1 = db.session.scalar(select(ScoringScheme).where(ScoringScheme.version == 1))
        v2 = db.session.scalar(select(ScoringScheme).where(ScoringScheme.version == 2))
        assert v1.bands == v1_before
        assert [b["name"] for b in v2.bands] == ["Low", "Moderate", "Serious", "Extreme"]
        assert v2.bands[2]["colour"] == "#f47700"
        assert v2.created_by_id is not None
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "scheme"))
        assert event.entity_id == v2.id and set(event.changes) == {"bands"}


def test_adopting_a_scheme_records_changed_bands_again_and_keeps_the_past(app, login):
    client = login("admin")
    with app.app_context():
        moved = make_risk(inherent=(5, 5), current=(3, 4), target=(2, 2))  # 12: High under v1
        kept = make_risk(title="Stays High", inherent=(3, 3), current=(2, 4), target=(2, 2))
        closed = make_risk(title="Closed before the change", current=(4, 3))
        services.close_risk(closed, "Resolved")
        db.session.commit()
        moved_id, kept_id, closed_id = moved.id, kept.id, closed.id
        next_review = moved.next_review
        bands = default_bands()
        bands[2]["max"] = 10  # High becomes 8-10, Extreme 12-25
        bands[3]["min"] = 12
        post = scheme_post(with_bands(bands))
    assert client.post("/admin/scheme/edit", data=post).status_code == 302
    with app.app_context():
        assert versions() == [1]  # a draft changes nothing until adopted
    preview = client.get("/admin/scheme/draft").text
    assert "changes the band of 1 scoring of the 2 open risks" in preview
    changes = [row for row in table_rows(preview, "band-changes") if row[0].startswith("SG-")]
    assert changes == [["SG-01 Demand outstrips front-line capacity", "Current", "12",
                        "High", "Extreme"]]  # fmt: skip
    counts = {row[0]: row[1:] for row in table_rows(preview, "band-counts")[1:]}
    assert counts["High"] == ["2", "1"] and counts["Extreme"] == ["0", "1"]
    with app.app_context():
        draft_id = db.session.scalar(select(SchemeDraft.id))
    adopted = client.post("/admin/scheme/draft", data={"draft_id": draft_id, "adopt": "Adopt"})
    assert adopted.status_code == 302
    with app.test_request_context():
        rows = {row.risk.id: row for row in register_rows(RegisterQuery(status="all"))}
        assert (rows[moved_id].current.band.name, rows[moved_id].current.scheme_version) == (
            "Extreme",
            2,
        )
        assert rows[moved_id].current.score == 12 and rows[moved_id].direction == "same"
        assert rows[moved_id].inherent.scheme_version == 1  # 25 is Extreme under both
        assert rows[kept_id].current.scheme_version == 1
        assert rows[closed_id].current.scheme_version == 1  # closed: history untouched
        history = db.session.scalars(
            select(Assessment).where(Assessment.risk_id == moved_id).order_by(Assessment.id)
        ).all()
        assert [(a.kind, a.score, a.rationale) for a in history[-1:]] == [
            ("current", 12, "Scoring scheme version 2 adopted")
        ]
        assert db.session.get(Assessment, history[1].id).scheme_id != history[-1].scheme_id
        assert db.session.get(Risk, moved_id).next_review == next_review
        assert db.session.scalar(select(SchemeDraft)) is None
        assert not projection_drift()
        new = make_risk(title="Scored after the change", current=(3, 4))
        assert register_rows(RegisterQuery(ref=new.ref))[0].current.band.name == "Extreme"


def test_a_draft_can_be_abandoned_and_changes_nothing(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[0]["name"] = "Minimal"
        post = scheme_post(with_bands(bands))
        before = table_counts()
    assert client.post("/admin/scheme/edit", data=post).status_code == 302
    assert "A changed scheme is waiting as a draft" in client.get("/admin/scheme").text
    assert 'value="Minimal"' in client.get("/admin/scheme/edit").text  # editing resumes it
    with app.app_context():
        draft_id = db.session.scalar(select(SchemeDraft.id))
    gone = client.post("/admin/scheme/draft", data={"draft_id": draft_id, "abandon": "Abandon"})
    assert gone.status_code == 302
    with app.app_context():
        counts = table_counts()
        assert counts.pop("audit_event") == before.pop("audit_event") + 2
        assert counts == before and versions() == [1]
        assert audit_actions("scheme_draft") == ["save", "remove"]
    assert client.get("/admin/scheme/draft").status_code == 404
    again = client.post("/admin/scheme/draft", data={"draft_id": draft_id, "adopt": "Adopt"})
    assert again.status_code == 409 and "The draft has changed" in again.text


def test_a_draft_replaced_by_someone_else_is_not_adopted(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[0]["name"] = "Minimal"
        first = scheme_post(with_bands(bands))
        bands[0]["name"] = "Very low"
        second = scheme_post(with_bands(bands))  # also started with no draft
    assert client.post("/admin/scheme/edit", data=first).status_code == 302
    with app.app_context():
        first_id = db.session.scalar(select(SchemeDraft.id))
    response = client.post("/admin/scheme/edit", data=second)
    assert response.status_code == 409
    assert "Someone saved a draft of the scheme" in response.text
    assert 'value="Very low"' in response.text
    adopted = client.post("/admin/scheme/draft", data={"draft_id": first_id + 1, "adopt": "A"})
    assert adopted.status_code == 409
    with app.app_context():
        assert versions() == [1]


def test_bands_can_be_added_and_removed_with_blank_rows(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[3]["max"] = 16
        bands.append(
            {"name": "Critical", "min": 20, "max": 25, "colour": "#0b0c0c",
             "review_months": 0, "response": "Escalate to the chair today."}
        )  # fmt: skip
        post = scheme_post(with_bands(bands), blank_bands=1)
    assert adopt_scheme(app, client, post).status_code == 302
    with app.app_context():
        merged = default_bands()[:3]  # Low, Moderate, High; drop Extreme and Critical's split
        merged.append({**default_bands()[3], "name": "Severe"})
        post = scheme_post(with_bands(merged), base_version=2)
        post.update({f"bands-4-{k}": "" for k in ("name", "min", "max", "colour", "response")})
        post["bands-4-review_months"] = ""
    assert adopt_scheme(app, client, post).status_code == 302
    with app.app_context():
        v2, v3 = db.session.scalars(
            select(ScoringScheme).where(ScoringScheme.version > 1).order_by(ScoringScheme.version)
        )
        assert [b["name"] for b in v2.bands] == ["Low", "Moderate", "High", "Extreme", "Critical"]
        assert [b["name"] for b in v3.bands] == ["Low", "Moderate", "High", "Severe"]


def band_change(index, **values):
    def change(bands):
        bands[index].update(values)

    return change


@pytest.mark.parametrize(
    "change, anchor, message",
    [
        (band_change(1, max=5), "coverage", "Score 6 is in no band"),
        (band_change(2, min=6), "coverage", "Score 6 is in more than one band"),
        (band_change(0, colour="green"), "bands-0-colour", "# and 6 hex digits"),
        (band_change(0, colour="#12345g"), "bands-0-colour", "# and 6 hex digits"),
        (band_change(1, name="Low"), "bands-1-name", "used twice"),
        (band_change(1, name=""), "bands-1-name", "Enter the band&#39;s name"),
        (band_change(1, review_months=37), "bands-1-review_months", "between 0 and 36"),
        (band_change(1, review_months=-1), "bands-1-review_months", "between 0 and 36"),
        (band_change(1, review_months="six"), "bands-1-review_months", "must be a whole number"),
        (band_change(3, max=26), "bands-3-max", "between 1 and 25"),
        (band_change(2, min=12, max=8), "bands-2-max", "must not be below the lowest"),
        (band_change(2, response="x" * 301), "bands-2-response", "300 characters or fewer"),
        (band_change(2, response=""), "bands-2-response", "Enter the expected response"),
    ],
)
def test_bad_schemes_are_refused_and_nothing_is_written(app, login, change, anchor, message):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        change(bands)
        post = scheme_post(with_bands(bands))
        before = table_counts()
    response = client.post("/admin/scheme/edit", data=post)
    assert response.status_code == 400
    assert f'href="#{anchor}"' in response.text
    assert message in response.text
    assert f'id="{anchor}"' in response.text  # the message sits beside what it is about
    with app.app_context():
        assert table_counts() == before


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("likelihood-0-descriptor", "", "Enter the level&#39;s descriptor"),
        ("impact-4-descriptor", "x" * 301, "300 characters or fewer"),
        ("impact-2-name", "", "Enter the level&#39;s name"),
        ("likelihood-1-name", "Rare", "used twice"),
    ],
)
def test_bad_levels_are_refused(app, login, field, value, message):
    client = login("admin")
    with app.app_context():
        post = scheme_post()
        before = table_counts()
    response = client.post("/admin/scheme/edit", data={**post, field: value})
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text and message in response.text
    with app.app_context():
        assert table_counts() == before


def test_a_scheme_saved_over_a_newer_version_is_a_conflict(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[0]["name"] = "Minimal"
        first = scheme_post(with_bands(bands))
        bands[0]["name"] = "Very low"
        second = scheme_post(with_bands(bands))  # also started from version 1
    assert adopt_scheme(app, client, first).status_code == 302
    with app.app_context():
        before = table_counts()
    response = client.post("/admin/scheme/edit", data=second)
    assert response.status_code == 409
    assert "Someone adopted version 2" in response.text
    assert 'value="Very low"' in response.text  # the user's input is kept
    with app.app_context():
        assert table_counts() == before


def test_saving_an_unchanged_scheme_adds_no_version(app, login):
    client = login("admin")
    with app.app_context():
        post = scheme_post()
    assert client.post("/admin/scheme/edit", data=post).status_code == 302
    with app.app_context():
        assert versions() == [1] and db.session.scalar(select(SchemeDraft)) is None


# --- Sections --------------------------------------------------------------------------------


def test_an_admin_adds_a_section(app, login):
    client = login("admin")
    response = client.post(
        "/admin/sections/new",
        data={"name": "Early help", "prefix": "eh", "appetite": "8", "position": "3"},
    )
    assert response.status_code == 302
    with app.app_context():
        section = db.session.scalar(select(Section).where(Section.prefix == "EH"))
        assert (section.name, section.appetite, section.position) == ("Early help", 8, 3)
        assert audit_actions("section") == ["create"]
        risk = make_risk(section="EH")
        assert risk.ref.startswith("EH-")
    assert "Early help" in client.get("/admin/sections").text


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": "safeguarding risks and challenges"}, "name", "already a section"),
        ({"prefix": "SG"}, "prefix", "already used"),
        ({"prefix": "S"}, "prefix", "2 to 4 capital letters"),
        ({"prefix": "ABCDE"}, "prefix", "4 characters or fewer"),
        ({"prefix": "A1"}, "prefix", "2 to 4 capital letters"),
        ({"appetite": "26"}, "appetite", "between 1 and 25"),
        ({"appetite": "0"}, "appetite", "between 1 and 25"),
        ({"appetite": "high"}, "appetite", "whole number"),
        ({"position": ""}, "position", "Enter the section&#39;s position"),
        ({"name": ""}, "name", "Enter the section&#39;s name"),
    ],
)
def test_bad_sections_are_refused(app, login, change, field, message):
    client = login("admin")
    with app.app_context():
        before = table_counts()
    data = {"name": "Early help", "prefix": "EH", "appetite": "", "position": "3"}
    response = client.post("/admin/sections/new", data={**data, **change})
    assert response.status_code == 400
    assert f'href="#{field}"' in response.text and message in response.text
    with app.app_context():
        assert table_counts() == before


def test_editing_a_section_keeps_the_prefix_of_a_section_with_risks(app, login):
    client = login("admin")
    with app.app_context():
        make_risk(section="SG")
        sg = db.session.scalar(select(Section).where(Section.prefix == "SG"))
        br = db.session.scalar(select(Section).where(Section.prefix == "BR"))
        sg_id, br_id = sg.id, br.id
        before = table_counts()
    page = client.get(f"/admin/sections/{sg_id}").text
    assert "readonly" in page and "permanent" in page
    data = {"name": "Safeguarding", "prefix": "SF", "appetite": "10", "position": "1"}
    response = client.post(f"/admin/sections/{sg_id}", data=data)
    assert response.status_code == 400 and "The prefix cannot change" in response.text
    with app.app_context():
        assert table_counts() == before
    response = client.post(f"/admin/sections/{sg_id}", data={**data, "prefix": "SG"})
    assert response.status_code == 302
    # A section without risks may still change its prefix.
    data = {"name": "Board", "prefix": "BD", "appetite": "", "position": "2"}
    assert client.post(f"/admin/sections/{br_id}", data=data).status_code == 302
    with app.app_context():
        sg, br = db.session.get(Section, sg_id), db.session.get(Section, br_id)
        assert (sg.name, sg.prefix, sg.appetite) == ("Safeguarding", "SG", 10)
        assert (br.prefix, br.appetite) == ("BD", None)
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "section").order_by(AuditEvent.id)
        ).first()
        assert event.changes["name"] == ["Safeguarding risks and challenges", "Safeguarding"]


# --- Settings --------------------------------------------------------------------------------


def test_an_admin_renames_the_board_and_flips_the_heat_map(app, login):
    client = login("admin")
    data = {"board_name": "Anytown LSCB", "heatmap_orientation": "impact-vertical"}
    assert client.post("/admin/settings", data=data).status_code == 302
    assert "Anytown LSCB – risk register" in client.get("/admin").text
    with app.app_context():
        stored = {s.key: s.value for s in db.session.scalars(select(Setting))}
        assert stored["board_name"] == "Anytown LSCB"
        assert stored["heatmap_orientation"] == "impact-vertical"
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "setting"))
        assert event.changes["heatmap_orientation"] == ["likelihood-vertical", "impact-vertical"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"board_name": ""}, "board_name"),
        ({"board_name": "x" * 121}, "board_name"),
        ({"heatmap_orientation": "diagonal"}, "heatmap_orientation"),
    ],
)
def test_bad_settings_are_refused(app, login, change, field):
    client = login("admin")
    with app.app_context():
        before = table_counts()
    data = {"board_name": "Anytown LSCB", "heatmap_orientation": "impact-vertical"}
    response = client.post("/admin/settings", data={**data, **change})
    assert response.status_code == 400 and f'href="#{field}"' in response.text
    with app.app_context():
        assert table_counts() == before
        assert db.session.scalar(select(Setting).where(Setting.key == field)) is None


# --- Every admin form, with generated input ---------------------------------------------------


def snapshot():
    """Row counts, plus the content of the tables admin forms change in place."""
    rows = {
        model.__name__: sorted(
            str(sorted((c.name, str(getattr(r, c.name))) for c in model.__table__.columns))
            for r in db.session.scalars(select(model))
        )
        for model in (User, Section, Setting, ScoringScheme)
    }
    db.session.rollback()
    return table_counts(), rows


junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="#0123456789abcdefABCDEFG -", max_size=8),
    st.integers(min_value=-30, max_value=60).map(str),
    st.sampled_from(["", " ", "admin", "member", "impact-vertical", "SG", "x" * 400, "\x00"]),
)


@pytest.fixture
def admin_forms(app, login):
    client = login("admin")
    with app.app_context():
        person_id = make_user("member").id
        section_id = db.session.scalar(select(Section.id).where(Section.prefix == "BR"))
        scheme = scheme_post(blank_bands=1)
    return client, {
        "/admin/users/new": {"email": "a@example.org", "name": "A", "role": "member",
                             "password": "x" * 10},
        f"/admin/users/{person_id}/role": {"role": "manager"},
        f"/admin/users/{person_id}/status": {"change_status": "1"},
        f"/admin/users/{person_id}/password": {"new_password": "y" * 12},
        "/admin/scheme/edit": scheme,
        "/admin/sections/new": {"name": "New", "prefix": "NW", "appetite": "", "position": "3"},
        f"/admin/sections/{section_id}": {"name": "Board", "prefix": "BR", "appetite": "9",
                                          "position": "2"},
        "/admin/settings": {"board_name": "Board", "heatmap_orientation": "impact-vertical"},
    }  # fmt: skip


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_generated_input_to_every_admin_form_never_errors_and_rejections_write_nothing(
    app, admin_forms, data
):
    client, forms = admin_forms
    for url, valid in forms.items():
        fields = data.draw(st.lists(st.sampled_from(sorted(valid)), max_size=3, unique=True))
        post = {**valid, **{name: data.draw(junk, label=f"{url} {name}") for name in fields}}
        with app.app_context():
            before = snapshot()
        response = client.post(url, data=post)
        assert response.status_code < 500, (url, post)
        if response.status_code >= 400:
            with app.app_context():
                assert snapshot() == before, (url, post)


def test_malformed_list_fields_in_the_scheme_form_are_a_400(app, login):
    client = login("admin")
    with app.app_context():
        post = {**scheme_post(), "bands-²-name": "Odd"}
        before = table_counts()
    assert client.post("/admin/scheme/edit", data=post).status_code == 400
    with app.app_context():
        assert table_counts() == before


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/admin/settings", {"board_name": "   ", "heatmap_orientation": "likelihood-vertical"},
         "Enter"),
        ("/admin/sections/new", {"name": "   ", "prefix": "QA", "position": "3"}, "Enter"),
    ],
)  # fmt: skip
def test_spaces_alone_are_not_an_answer(app, login, url, data, message):
    client = login("admin")
    with app.app_context():
        before = table_counts()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        assert table_counts() == before


def test_a_colour_is_a_code_not_words_so_it_is_never_taken_for_a_postcode(app, login):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[2]["colour"] = "#a1b2ab"  # reads as the postcode A1B 2AB if taken for words
        post = scheme_post(with_bands(bands))
    assert adopt_scheme(app, client, post).status_code == 302
    with app.app_context():
        assert versions() == [1, 2]


def test_each_band_colour_has_a_picker_that_is_never_submitted(login):
    page = login("admin").get("/admin/scheme/edit").text
    pickers = re.findall(r'<input[^>]*type="color"[^>]*>', page)
    assert len(pickers) == len(re.findall(r'name="bands-\d+-colour"', page)) >= 4
    for number, picker in enumerate(pickers):
        assert f'id="bands-{number}-colour-picker"' in picker and "name=" not in picker
        assert f'<label class="govuk-label" for="bands-{number}-colour-picker">' in page
    assert 'data-colour-for="bands-0-colour" hidden' in page  # shown by the script only


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"draft_id": "1"},  # neither button
        {"draft_id": "x", "adopt": "1"},
        {"draft_id": "<b>1</b>", "abandon": "1"},
        # A NUL goes before any form reads it (riskreg/formdata.py); what is left must be an id.
        {"draft_id": "1\x00x", "adopt": "1"},
        {"draft_id": "1\u2028", "adopt": "1"},
        {"draft_id": "99999999999999999999", "adopt": "1", "abandon": "1"},
    ],
)
def test_garbage_posted_to_the_draft_page_is_refused_and_changes_nothing(app, login, data):
    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[0]["name"] = "Minimal"
        post = scheme_post(with_bands(bands))
    assert client.post("/admin/scheme/edit", data=post).status_code == 302
    with app.app_context():
        before = table_counts()
    response = client.post("/admin/scheme/draft", data=data)
    assert 400 <= response.status_code < 500
    with app.app_context():
        assert table_counts() == before and versions() == [1]


def test_adopting_bands_that_review_sooner_offers_to_bring_reviews_forward(app, login):
    """High at 12 moves to Extreme (every meeting): its next review, three months away, can be
    brought forward to a month from today, audited; unticked, it stays."""
    from datetime import timedelta

    from helpers import make_risk

    from riskreg import clock
    from riskreg.models import AuditEvent, Risk

    today = clock.today()
    with app.app_context():
        make_risk(current=(3, 4), next_review=today + timedelta(days=90))
        bands = default_bands()
        bands[2]["max"], bands[3]["min"] = 10, 12
        post = scheme_post(with_bands(bands))
    client = login("admin")
    saved = client.post("/admin/scheme/edit", data=post)
    assert saved.status_code == 302
    preview = client.get("/admin/scheme/draft").text
    assert "Reviews the new bands ask for sooner (1)" in preview and "SG-01" in preview
    with app.app_context():
        draft_id = db.session.scalar(select(SchemeDraft.id))
    adopted = client.post(
        "/admin/scheme/draft", data={"draft_id": draft_id, "adopt": "Adopt", "bring_forward": "y"}
    )
    assert adopted.status_code == 302
    with app.app_context():
        risk = db.session.scalar(select(Risk))
        assert today < risk.next_review < today + timedelta(days=90)
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.risk_id == risk.id).order_by(AuditEvent.id.desc())
        ).first()
        assert "next review set to" in event.summary


def test_a_sections_appetite_in_words_is_kept_with_its_history_and_shown(app, login):
    from datetime import timedelta

    from helpers import make_meeting, make_risk

    from riskreg import clock
    from riskreg.models import AppetiteChange, Section

    with app.app_context():
        make_risk(current=(4, 4))
        held = make_meeting(clock.today() - timedelta(days=3), "Board meeting").id
        ahead = make_meeting(clock.today() + timedelta(days=3), "Next board").id
        section_id = db.session.scalar(select(Section.id).where(Section.prefix == "SG"))
        kept = len(db.session.scalars(select(AppetiteChange)).all())  # one a section, from 0012
    client = login("admin")
    form = {"name": "Safeguarding risks and challenges", "prefix": "SG", "appetite": "12",
            "appetite_level": "cautious", "appetite_statement": "Not where plans <b>drift</b>",
            "appetite_meeting": str(held), "position": "1"}  # fmt: skip
    refusals = [({"appetite_level": "reckless"}, "Choose the risk appetite in words"),
                ({"appetite_meeting": str(ahead)}, "a board meeting held by today")]  # fmt: skip
    for bad, message in refusals:
        response = client.post(f"/admin/sections/{section_id}", data={**form, **bad})
        assert response.status_code == 400 and message in response.text
    with app.app_context():
        assert len(db.session.scalars(select(AppetiteChange)).all()) == kept
    assert client.post(f"/admin/sections/{section_id}", data=form).status_code == 302
    with app.app_context():
        changes = db.session.scalars(select(AppetiteChange).order_by(AppetiteChange.id)).all()
        assert len(changes) == kept + 1
        change = changes[-1]
        assert (change.level, change.score, change.meeting_id) == ("cautious", 12, held)
    summary = login("member").get("/summary").text
    assert (
        "Risk appetite: Cautious (current score 12 or below): Not where plans &lt;b&gt;drift"
        in summary
    )
    heatmap = login("member").get("/heatmap?section=SG").text
    assert "Appetite: Cautious (current score 12 or below)" in heatmap


def test_an_appetite_set_is_listed_since_the_last_meeting(app, login):
    from datetime import timedelta

    from helpers import make_meeting

    from riskreg import clock
    from riskreg.models import Section

    with app.app_context():
        held = make_meeting(clock.today() - timedelta(days=3), "Board meeting").id
        ahead = make_meeting(clock.today() + timedelta(days=3), "Next board").id
        section_id = db.session.scalar(select(Section.id).where(Section.prefix == "BR"))
    form = {"name": "Board risks and challenges", "prefix": "BR", "appetite": "9",
            "appetite_level": "minimal", "appetite_statement": "Little risk to our own work",
            "appetite_meeting": str(held), "position": "2"}  # fmt: skip
    assert login("admin").post(f"/admin/sections/{section_id}", data=form).status_code == 302
    page = login("member").get(f"/meetings/{ahead}/changes").text
    assert "Appetite set (" in page
    assert "Minimal (current score 9 or below): Little risk to our own work" in page
    assert "Board meeting, " in page
