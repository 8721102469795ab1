"""The partnership's agencies (admins only): the one list that risks' lead and partner agencies,
indicators and challenges choose from. Names are unique ignoring case and spacing; an agency
leaves the list only when nothing names it."""

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy.exc import IntegrityError

from riskreg.extensions import db
from riskreg.models import Agency
from riskreg.ui import form_status

from . import services
from .blueprint import admin_only, bp
from .forms import AgencyForm, RemoveAgencyForm


@bp.route("/agencies")
@admin_only
def agencies():
    return render_template("admin/agencies.html", title="Agencies", uses=services.agency_uses())


def name_taken(form: AgencyForm, agency: Agency | None) -> bool:
    """Adds the error when another agency has the name; True when one does."""
    other = services.agency_called(form.name.data, other_than=agency)
    if other is not None:
        form.name.errors.append(f"There is already an agency called “{other.name}”")
    return other is not None


def form_page(form: AgencyForm, agency: Agency | None, status: int | None = None):
    use = services.agency_uses(agency.id)[0] if agency else None
    return render_template(
        "admin/agency_form.html",
        title=f"Change {agency.name}" if agency else "Add an agency",
        form=form,
        agency=agency,
        use=use,
    ), status or form_status()


def saved(form: AgencyForm, agency: Agency | None, save, message):
    """Commit `save()`; a name someone else took a moment ago is the field's error (409)."""
    try:
        save()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors.append(f"There is already an agency called “{form.name.data}”")
        return form_page(form, agency and db.session.get(Agency, agency.id), 409)
    flash(message)
    return redirect(url_for(".agencies"))


@bp.route("/agencies/new", methods=["GET", "POST"])
@admin_only
def new_agency():
    form = AgencyForm()
    if form.validate_on_submit() and not name_taken(form, None):
        name = form.name.data
        return saved(form, None, lambda: services.add_agency(name), f"Added the agency {name}.")
    return form_page(form, None)


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@admin_only
def edit_agency(agency_id):
    agency = find_agency(agency_id)
    form = AgencyForm(obj=agency)
    if form.validate_on_submit() and not name_taken(form, agency):
        name = form.name.data
        if name == agency.name:
            flash("Nothing was changed.")
            return redirect(url_for(".agencies"))
        message = f"Renamed {agency.name} to {name}."
        return saved(form, agency, lambda: services.rename_agency(agency, name), message)
    return form_page(form, agency)


@bp.route("/agencies/<int:agency_id>/remove", methods=["GET", "POST"])
@admin_only
def remove_agency(agency_id):
    agency = find_agency(agency_id)
    form = RemoveAgencyForm()
    use = services.agency_uses(agency.id)[0]
    if form.validate_on_submit() and use.removable:
        name = agency.name
        services.remove_agency(agency)
        db.session.commit()
        flash(f"Removed the agency {name}.")
        return redirect(url_for(".agencies"))
    # Asked to remove one in use (the page offered no button): refused, nothing written.
    status = 409 if form.is_submitted() else 200
    return render_template(
        "admin/agency_remove.html",
        title=f"Remove {agency.name}",
        agency=agency,
        use=use,
        remove_form=form,
    ), status


def find_agency(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    return agency
