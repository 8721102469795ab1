"""What every page and document shares: the GOV.UK Frontend macros, the board's name, the
navigation, band and direction tags, and how dates and times are shown."""

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote as url_quote

import jinja2
from flask import (
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from govuk_frontend_wtf.main import WTFormsHelpers
from markupsafe import Markup, escape
from sqlalchemy import select

from riskreg import cache, clock, domain
from riskreg.domain.dates import clock_time, long_date, short_date
from riskreg.domain.vocabulary import DEFAULT_ORIENTATION, ROLES
from riskreg.extensions import db
from riskreg.models import Setting
from riskreg.readmodel import schemes_by_version

from .forms import example_date
from .undefined import undefined_for

__all__ = [
    "board_name", "board_orientation", "cached_page", "form_status", "long_date", "setting",
    "show_date", "show_time", "init_app",
]  # fmt: skip

# Navigation: (endpoint, label, who sees it, the blueprints whose pages it is "active" on).
EVERYONE = ROLES
NAVIGATION = [
    ("dashboard.index", "Dashboard", EVERYONE, ("dashboard",)),
    ("register.index", "Register", EVERYONE, ("register",)),
    ("heatmap.index", "Heat map", EVERYONE, ("heatmap",)),
    ("indicators.index", "Data set", EVERYONE, ("indicators",)),
    ("challenges.index", "Challenges", EVERYONE, ("challenges",)),
    ("reports.index", "Reports", EVERYONE, ("reports",)),
    ("meetings.index", "Meetings", EVERYONE, ("meetings",)),
    ("admin.index", "Admin", ("admin",), ("admin",)),
]


def setting(key: str, default: str) -> str:
    """A board-wide setting; all of them are read once per register version."""
    if "settings" not in g:
        g.settings = cache.per_version(
            "settings", lambda: {s.key: s.value for s in db.session.scalars(select(Setting))}
        )
    return g.settings.get(key, default)


def board_name() -> str:
    return setting("board_name", current_app.config["RISKREG_BOARD_NAME"])


def board_orientation() -> str:
    """The heat map layout the board has chosen (one of vocabulary.ORIENTATIONS)."""
    return setting("heatmap_orientation", DEFAULT_ORIENTATION)


def navigation():
    if not current_user.is_authenticated:
        return []
    return [
        {"href": url_for(endpoint), "text": label, "active": request.blueprint in blueprints}
        for endpoint, label, roles, blueprints in NAVIGATION
        if current_user.role in roles
    ]


# Where the per-request end of the navigation (the account link, the sign-out form with its
# CSRF token) goes in the cached rest of it.
NAVIGATION_END = "<!--rr-navigation-end-->"
SERVICE_NAVIGATION = "govuk_frontend_jinja/components/service-navigation/macro.html"


def service_navigation(navigation_end: str) -> Markup:
    """The GOV.UK service navigation, drawn once per board name, role and page (the macro is a
    third of a cached page's time), with this request's `navigation_end` put in."""
    role = current_user.role if current_user.is_authenticated else ""

    def draw() -> str:
        params = {
            "serviceName": board_name() + " – risk register",
            "serviceUrl": url_for("dashboard.index" if role else "auth.login"),
            "navigation": navigation(),
            "navigationLabel": "Main",
            "slots": {"navigationEnd": Markup(NAVIGATION_END)},
        }
        # The macro from the template as a module: compiled once, not once per drawing.
        macros = current_app.jinja_env.get_template(SERVICE_NAVIGATION).module
        return str(macros.govukServiceNavigation(params))

    drawn = cache.per_version("service-navigation", draw, role, request.endpoint)
    return Markup(drawn.replace(NAVIGATION_END, str(navigation_end)))


def show_date(value, style: str = "long") -> str:
    """A date, or the board's date of a stored timestamp: 3 March 2025 ("long") or
    3 Mar 2025 ("short", for narrow table columns); blank for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return short_date(value) if style == "short" else long_date(value)


def show_time(value: datetime | None) -> str:
    """A stored (naive UTC) timestamp on the board's clock: 3 March 2025, 2:05pm."""
    return "" if value is None else clock_time(clock.local(value))


def risk_href(ref: str) -> str:
    """A risk page's URL; the route is resolved once per request, not once per ref (a heat map
    or register page links hundreds), and each ref quoted once per process."""
    if "risk_href" not in g:
        g.risk_href = url_for("register.risk", ref="REF").removesuffix("REF")
    return g.risk_href + quoted_ref(ref)


@functools.lru_cache(maxsize=65_536)
def quoted_ref(ref: str) -> str:
    return url_quote(ref, safe="")


def direction_tag(direction: str):
    """Direction of travel as an arrow with words for screen readers (and a tooltip)."""
    arrow, words = domain.DIRECTIONS[direction]
    if direction == "new":
        return Markup('<strong class="govuk-tag govuk-tag--blue rr-direction">New</strong>')
    return Markup(
        f'<span class="rr-direction rr-direction--{direction}" title="{words}">'
        f'<span aria-hidden="true">{arrow}</span>'
        f'<span class="govuk-visually-hidden rr-direction__words">{words}</span></span>'
    )


def band_tag(view: domain.ScoreView | None, with_levels: bool = False):
    """A band-coloured tag that always carries the band name and score, never colour alone."""
    if view is None:
        return Markup('<span class="govuk-hint">Not scored</span>')
    levels = f" ({view.likelihood}×{view.impact})" if with_levels else ""
    return Markup(
        f'<strong class="rr-band rr-band--{escape(view.band.slug)}">'
        f"{view.score} {escape(view.band.name)}{levels}</strong>"
    )


# Where a whole cached page takes this request's own parts. Escaped text cannot hold "<", so
# nothing a user typed can be taken for one.
PAGE_PART = re.compile(r"<!--rr:(nonce|csrf|name|lead)-->")


@dataclass(frozen=True)
class PageViewer:
    """The signed-in user as a cached page is drawn for: their role, and their name as a mark."""

    role: str
    name: Markup = Markup("<!--rr:name-->")
    is_authenticated: bool = True


def cached_page(name: str, render, lead: str = ""):
    """The page whose body `render()` gives as (title, body html, status), cached for this
    register, query string, role and day (riskreg/cache.py), and the whole page around it too,
    with this request's own parts put in: the CSP nonce, the CSRF token, the user's name and
    `lead`, html put before the body (what is this person's own). A page with a banner to show
    is drawn around the cached body. A bad query string gives the same 400 every time, so it
    is cached too."""
    title, body, status = cache.cached(name, render)
    if session.get("_flashes"):
        page = render_template("page.html", title=title, lead=Markup(lead), body=Markup(body))
        return page, status

    def draw() -> str:
        return render_template(
            "page.html",
            title=title,
            lead=Markup("<!--rr:lead-->"),
            body=Markup(body),
            cspNonce=Markup("<!--rr:nonce-->"),
            csrf_token=lambda: Markup("<!--rr:csrf-->"),
            current_user=PageViewer(current_user.role),
        )

    parts = {
        "nonce": g.csp_nonce,
        "csrf": generate_csrf(),
        "name": str(escape(current_user.name)),
        "lead": str(lead),
    }
    page = cache.cached(f"{name}:page", draw)
    return PAGE_PART.sub(lambda part: parts[part.group(1)], page), status


def refuse_if_closed(risk) -> None:
    """A form that changes a risk is refused (409) while it is closed, whatever links the page
    offered: the page says to reopen it first."""
    if risk.status == "closed":
        page = render_template(
            "register/closed.html", title=f"{risk.ref} is closed: reopen it to change it", risk=risk
        )
        abort(make_response(page, 409))


def form_status() -> int:
    """The status of a form's page: 400 when it is drawn again, with its errors, in answer to a
    POST (a POST that worked has redirected); 200 when it is first shown."""
    return 400 if request.method == "POST" else 200


def band_css() -> str:
    """CSS classes for every band name any scheme version has used; the latest colour wins."""
    return cache.per_version("band_css", _band_css)


def _band_css() -> str:
    rules = {}
    for scheme in sorted(schemes_by_version().values(), key=lambda s: s.version):
        for band in scheme.bands:
            rules[band.slug] = (
                f".rr-band--{band.slug}{{background:{band.colour};color:{band.text_colour}}}"
            )
    return Markup("".join(rules.values()))


def init_app(app):
    # The GOV.UK macros are addressed as "govuk_frontend_jinja/..." and "govuk_frontend_wtf/...".
    app.jinja_loader = jinja2.ChoiceLoader(
        [
            app.jinja_loader,
            jinja2.PrefixLoader(
                {
                    "govuk_frontend_jinja": jinja2.PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": jinja2.PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    # The GOV.UK template reads parameters it was not given; that must not be an error. In
    # tests an undefined name in riskreg's own templates is one (riskreg/ui/undefined.py).
    app.jinja_env.undefined = undefined_for(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.add_template_filter(show_date, "rr_date")
    app.add_template_filter(show_time, "rr_datetime")
    app.add_template_filter(domain.sentence, "rr_sentence")
    app.add_template_global(band_tag)
    app.add_template_global(band_css)
    app.add_template_global(direction_tag)
    app.add_template_global(risk_href)
    app.add_template_global(service_navigation)
    app.add_template_global(board_name)
    app.add_template_global(example_date)
    app.add_template_global(navigation)
    app.add_template_global(domain.DIRECTIONS, "DIRECTIONS")

    @app.context_processor
    def page_context():
        return {"cspNonce": g.get("csp_nonce")}
