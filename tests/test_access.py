"""Access control, tested from the URL map: every endpoint, present and future."""

import pytest
from helpers import make_risk, table_counts
from werkzeug.routing import AnyConverter, IntegerConverter

from riskreg.security import MEMBER_POST_ENDPOINTS, PUBLIC_ENDPOINTS, SIGN_IN_STEP_ENDPOINTS

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Reached before signing in, so no role applies: each step checks its own pending sign-in
# (tests/test_two_step.py), and without one sends the browser back to sign in.
NOT_SIGNED_IN = PUBLIC_ENDPOINTS | SIGN_IN_STEP_ENDPOINTS
SAMPLE_ARGS = {"ref": "SG-01", "filename": "riskreg/app.css"}


def sample_urls(rule) -> list[str]:
    """A URL for the rule, one for each choice where it takes one of a few (`<any(...)>`)."""
    urls = [{}]
    for name in sorted(rule.arguments):
        converter = rule._converters[name]
        if isinstance(converter, AnyConverter):
            choices = sorted(converter.items)
        elif isinstance(converter, IntegerConverter):
            choices = [1]
        else:
            choices = [SAMPLE_ARGS.get(name, "x")]
        urls = [{**values, name: choice} for values in urls for choice in choices]
    return [rule.build(values)[1] for values in urls]


def sample_url(rule) -> str:
    return sample_urls(rule)[0]


def routes(app):
    return [
        (rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def test_the_url_map_has_routes_to_check(app):
    endpoints = {rule.endpoint for rule, _ in routes(app)}
    assert {"auth.login", "auth.logout", "register.index", "dashboard.index"} <= endpoints
    agencies = {"admin.agencies", "admin.new_agency", "admin.edit_agency", "admin.remove_agency"}
    assert agencies <= endpoints


def test_the_public_pages_are_sign_in_the_accessibility_statement_and_the_health_check():
    assert PUBLIC_ENDPOINTS == {"auth.login", "accessibility.statement", "static", "healthz"}


def test_the_steps_of_signing_in_are_single_sign_on_and_the_second_step(app):
    assert SIGN_IN_STEP_ENDPOINTS == {
        "auth.sso_start", "auth.sso_callback", "auth.code", "auth.set_up_two_step",
    }  # fmt: skip


def test_the_steps_of_signing_in_sign_nobody_in_on_their_own(app, client):
    """Reached without the step before (a password, or the provider's answer), each step of
    signing in goes back to the sign-in page or refuses: it never signs anyone in."""
    with app.app_context():
        make_risk()
    steps = [
        (rule, method) for rule, method in routes(app) if rule.endpoint in SIGN_IN_STEP_ENDPOINTS
    ]
    assert {rule.endpoint for rule, _ in steps} == SIGN_IN_STEP_ENDPOINTS
    for rule, method in steps:
        for url in sample_urls(rule):
            response = client.open(url, method=method)
            where = response.headers.get("Location", "")
            assert response.status_code in {302, 400, 404}, (
                f"{method} {url}: {response.status_code}"
            )
            assert response.status_code != 302 or where.startswith("/login"), (method, url, where)
    assert client.get("/risks/").status_code == 302


def test_anonymous_users_are_sent_to_login_everywhere_but_the_public_pages(app, client):
    with app.app_context():
        make_risk()
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS | SIGN_IN_STEP_ENDPOINTS:
            continue
        for url in sample_urls(rule):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} answered {response.status_code}"
            assert response.headers["Location"].startswith("/login?next="), (method, url)


def test_public_pages_answer_without_login(client):
    assert client.get("/login").status_code == 200
    assert client.get("/accessibility").status_code == 200
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    with client.get("/assets/riskreg/app.css") as response:
        assert response.status_code == 200


def test_a_member_may_post_to_their_account_and_their_challenges_only():
    """The one named list of what a member may change; every other state-changing route
    answers a member 403 (below), and each of these checks whose challenge it is."""
    assert MEMBER_POST_ENDPOINTS == {
        "auth.logout", "auth.change_password", "auth.sign_out_everywhere",
        "auth.set_up_account_two_step", "auth.new_recovery_codes",
        "challenges.new", "challenges.reword", "challenges.withdraw",
    }  # fmt: skip


def test_members_may_change_nothing(app, login):
    client = login("member")
    with app.app_context():
        make_risk()
    checked = set()
    for rule, method in routes(app):
        if method not in UNSAFE or rule.endpoint in MEMBER_POST_ENDPOINTS | NOT_SIGNED_IN:
            continue
        for url in sample_urls(rule):
            response = client.open(url, method=method, data={})
            assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
            checked.add(rule.endpoint)
    # Every state-changing endpoint of the URL map was tried, not only some (or none).
    changing = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.methods & UNSAFE and rule.endpoint not in MEMBER_POST_ENDPOINTS | NOT_SIGNED_IN
    }
    assert checked == changing
    assert {"meetings.agree", "admin.new_agency", "challenges.close", "indicators.new"} <= checked


def test_every_state_changing_view_checks_the_role_itself(app):
    """Belt and braces: the login gate refuses members, and each view names its roles too."""
    for rule, method in routes(app):
        if method not in UNSAFE or rule.endpoint in MEMBER_POST_ENDPOINTS | NOT_SIGNED_IN:
            continue
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        assert roles, f"{rule.endpoint} changes state without @role_required"
        assert "member" not in roles, rule.endpoint


def test_admin_pages_are_for_admins_only(app, login):
    admin_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    for rule in admin_rules:
        assert app.view_functions[rule.endpoint].required_roles == ("admin",), rule.endpoint
    client = login("manager")
    for rule in admin_rules:
        if "GET" in rule.methods:
            assert client.get(sample_url(rule)).status_code == 403, rule.rule


@pytest.mark.parametrize(
    "header",
    ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"],
)
def test_security_headers_on_every_response(client, header):
    assert header in client.get("/login").headers
    assert header in client.get("/no-such-page").headers


def test_csp_allows_scripts_only_by_nonce(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.text
    assert html.count("<script") == html.count(f'nonce="{nonce}"') >= 1
    # A fresh nonce per request.
    assert nonce not in client.get("/login").headers["Content-Security-Policy"]


# Ids no row has, and numbers past what the database's integer columns hold (PostgreSQL's
# integer is 32-bit, SQLite's 64-bit): each names no page.
ODD_IDS = ["0", "-1", str(2**31), str(2**63), str(10**20), "1e3", "٣"]


def test_every_id_in_a_path_beyond_the_database_names_no_page(app, login):
    """Every route that takes an id, as an admin (who may reach them all), with each odd id in
    its place: 404, never a server error, and nothing changed."""
    client = login("admin")
    with app.app_context():
        make_risk()
        before = table_counts()
    checked = set()
    for rule, method in routes(app):
        for name in sorted(rule.arguments):
            if not isinstance(rule._converters[name], IntegerConverter):
                continue
            # Built with a number found nowhere else in the URL, which the odd id then replaces.
            url = sample_url_with(rule, name, PLACEHOLDER)
            for odd in ODD_IDS:
                response = client.open(url.replace(PLACEHOLDER_TEXT, odd), method=method, data={})
                assert response.status_code == 404, f"{method} {url} with {odd}"
            checked.add(rule.endpoint)
    assert len(checked) >= 20  # the routes that name a meeting, challenge, user, item...
    with app.app_context():
        assert table_counts() == before


PLACEHOLDER = 987_654_321
PLACEHOLDER_TEXT = str(PLACEHOLDER)


def sample_url_with(rule, name: str, value: int) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument]
        if isinstance(converter, AnyConverter):
            values[argument] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[argument] = value if argument == name else 1
        else:
            values[argument] = SAMPLE_ARGS.get(argument, "x")
    return rule.build(values)[1]
