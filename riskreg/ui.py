"""Templates: the GOV.UK Frontend macros, and what every page needs (board name, navigation,
band colours)."""

import jinja2
from flask import current_app, g, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from markupsafe import Markup, escape
from sqlalchemy import select

from . import domain
from .extensions import db
from .models import Setting
from .readmodel import schemes_by_version

# Navigation: (endpoint, label, who sees it). An endpoint not registered yet is left out.
EVERYONE = ("admin", "manager", "member")
NAVIGATION = [
    ("register.dashboard", "Dashboard", EVERYONE),
    ("register.index", "Register", EVERYONE),
    ("heatmap.index", "Heat map", EVERYONE),
    ("reports.index", "Reports", EVERYONE),
    ("meetings.index", "Meetings", EVERYONE),
    ("admin.index", "Admin", ("admin",)),
]


def setting(key: str, default: str) -> str:
    """A board-wide setting; all of them are read once per request."""
    if "settings" not in g:
        g.settings = {s.key: s.value for s in db.session.scalars(select(Setting))}
    return g.settings.get(key, default)


def board_name() -> str:
    return setting("board_name", current_app.config["RISKREG_BOARD_NAME"])


def navigation():
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, roles in NAVIGATION:
        if current_user.role not in roles or endpoint not in current_app.view_functions:
            continue
        if endpoint == "register.dashboard":
            active = request.endpoint == endpoint
        elif endpoint == "register.index":
            active = request.blueprint in ("register", "editing") and not request.endpoint.endswith(
                "dashboard"
            )
        else:
            active = request.blueprint == endpoint.split(".")[0]
        items.append({"href": url_for(endpoint), "text": label, "active": active})
    return items


def long_date(day) -> str:
    """26 November 2026: how dates read in captions, headings and documents."""
    return f"{day.day} {day:%B %Y}"


def risk_href(ref: str) -> str:
    return url_for("register.risk", ref=ref)


def direction_tag(direction: str):
    """Direction of travel as an arrow with words for screen readers (and a tooltip)."""
    arrow, words = domain.DIRECTIONS[direction]
    if direction == "new":
        return Markup('<strong class="govuk-tag govuk-tag--blue rr-direction">New</strong>')
    return Markup(
        f'<span class="rr-direction rr-direction--{direction}" title="{words}">'
        f'<span aria-hidden="true">{arrow}</span>'
        f'<span class="govuk-visually-hidden">{words}</span></span>'
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


def band_css() -> str:
    """CSS classes for every band name any scheme version has used; the latest colour wins."""
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
    # The GOV.UK template reads parameters it was not given; that must not be an error.
    app.jinja_env.undefined = jinja2.ChainableUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
    app.add_template_global(band_tag)
    app.add_template_global(band_css)
    app.add_template_global(direction_tag)
    app.add_template_global(risk_href)
    app.add_template_global(board_name)
    app.add_template_global(navigation)
    app.add_template_global(domain.DIRECTIONS, "DIRECTIONS")

    @app.context_processor
    def page_context():
        return {"cspNonce": g.get("csp_nonce")}
