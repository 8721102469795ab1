"""The register's sections (admins only): their names, ref prefixes, risk appetites and order."""

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from riskreg import clock
from riskreg.extensions import db
from riskreg.models import Risk, Section
from riskreg.readmodel import active_scheme
from riskreg.ui import form_status
from riskreg.ui.forms import options
from riskreg.ui.meeting_choices import agreeing_meetings, meeting_label

from . import services
from .blueprint import admin_only, bp
from .forms import SectionForm


@bp.route("/sections")
@admin_only
def sections():
    rows = db.session.execute(
        select(Section, func.count(Risk.id))
        .outerjoin(Risk, Risk.section_id == Section.id)
        .group_by(Section.id)
        .order_by(Section.position, Section.name)
    ).all()
    return render_template("admin/sections.html", title="Sections", rows=rows)


def meeting_choices():
    """The meetings held by today that may have agreed an appetite, "Not at a meeting" first."""
    return options(
        [("", "Not at a meeting")]
        + [(m.id, meeting_label(m)) for m in agreeing_meetings(clock.today())]
    )


def chosen_meeting(form: SectionForm) -> int | None:
    return int(form.appetite_meeting.data) if form.appetite_meeting.data else None


def section_problems(form: SectionForm, section: Section | None) -> bool:
    """Adds uniqueness errors to the form; True when there are any."""
    others = select(Section).where(Section.id != section.id) if section else select(Section)
    taken = db.session.scalars(others).all()
    if any(s.name.casefold() == form.name.data.casefold() for s in taken):
        form.name.errors.append(f"There is already a section called “{form.name.data}”")
    if any(s.prefix == form.prefix.data for s in taken):
        form.prefix.errors.append(f"The prefix {form.prefix.data} is already used")
    if section is not None and form.prefix.data != section.prefix and risk_count(section):
        form.prefix.errors.append(
            f"The prefix cannot change: this section has risks, and their references "
            f"({section.prefix}-01 and so on) are permanent"
        )
    return bool(form.errors)


def risk_count(section: Section) -> int:
    return db.session.scalar(select(func.count(Risk.id)).where(Risk.section_id == section.id))


@bp.route("/sections/new", methods=["GET", "POST"])
@admin_only
def new_section():
    next_position = (db.session.scalar(select(func.max(Section.position))) or 0) + 1
    form = SectionForm(data={"position": min(next_position, 99)})
    form.highest_score = active_scheme().max_score
    form.appetite_meeting.choices = meeting_choices()
    if form.validate_on_submit() and not section_problems(form, None):
        section = services.add_section(form.values(), chosen_meeting(form))
        db.session.commit()
        flash(f"Added the section {section.name} ({section.prefix}).")
        return redirect(url_for(".sections"))
    return render_template(
        "admin/section_form.html", title="Add a section", form=form, section=None, locked=False
    ), form_status()


@bp.route("/sections/<int:section_id>", methods=["GET", "POST"])
@admin_only
def edit_section(section_id):
    section = db.get_or_404(Section, section_id)
    form = SectionForm(obj=section)
    form.highest_score = active_scheme().max_score
    form.appetite_meeting.choices = meeting_choices()
    if form.validate_on_submit() and not section_problems(form, section):
        if services.update_section(section, form.values(), chosen_meeting(form)):
            db.session.commit()
            flash(f"Saved the section {section.name}.")
        else:
            flash("Nothing was changed.")
        return redirect(url_for(".sections"))
    return render_template(
        "admin/section_form.html",
        title=f"Change {section.name}",
        form=form,
        section=section,
        locked=bool(risk_count(section)),
    ), form_status()
