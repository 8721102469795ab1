"""The data set's pages: the list of indicators, each indicator's page, and the forms and
files that change them (managers and admins); members read everything."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import SubmitField

from riskreg import clock
from riskreg.domain import indicators as rules
from riskreg.domain.vocabulary import EDITOR_ROLES, FREQUENCIES, POLARITIES, UNITS, YEAR_RULES
from riskreg.extensions import db
from riskreg.models import AuditEvent, Indicator, Risk
from riskreg.readmodel import RegisterQuery, agencies, register_rows, sections
from riskreg.security import role_required
from riskreg.ui import form_status
from riskreg.ui.downloads import CSV_TYPE, XLSX_TYPE, download
from riskreg.ui.spreadsheets import MAX_BYTES, BadFile, read_table
from riskreg.ui.uploads import CarriedForm, carried, display_name, file_carried_by, upload_form

from . import services
from .data import Series, all_series, series_of
from .forms import CODE, IndicatorForm, ValueForm
from .imports import apply_values, csv_body, export_rows, plan_values, xlsx_body
from .listing import listed, listing_filters, threshold_words
from .trends import trend_chart

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
managers_only = role_required(*EDITOR_ROLES)
# Periods the value form offers, newest first; older ones come in by file.
OFFERED = {"month": 24, "quarter": 12, "year": 6}


@bp.context_processor
def indicator_helpers():
    return {
        "figure": rules.figure,  # also indicator_figure, everywhere
        "change_between": rules.change_between,
        "threshold_words": threshold_words,
        "UNITS": UNITS,
        "FREQUENCIES": FREQUENCIES,
        "YEAR_RULES": YEAR_RULES,
        "POLARITIES": POLARITIES,
    }


def find(code: str) -> Indicator:
    if not CODE.fullmatch(code):
        abort(404)
    return db.first_or_404(select(Indicator).where(Indicator.code == code))


def risk_choices(indicator: Indicator | None) -> list[Risk]:
    """Open risks, and any closed one the indicator is linked to already."""
    linked = [r.id for r in indicator.risks] if indicator else []
    return list(
        db.session.scalars(
            select(Risk)
            .where((Risk.status == "open") | Risk.id.in_(linked))
            .order_by(Risk.section_id, Risk.number)
        )
    )


def chosen_risks(ids: list[int]) -> list[Risk]:
    return list(db.session.scalars(select(Risk).where(Risk.id.in_(ids)))) if ids else []


@bp.route("/")
def index():
    series = all_series()
    filters = listing_filters(request.args, agencies(), sections())
    return render_template(
        "indicators/index.html",
        title="Data set",
        rows=listed(series, filters),
        total=len(series),
        filters=filters,
    )


def code_taken(form: IndicatorForm, indicator: Indicator | None) -> bool:
    other = db.session.scalar(
        select(Indicator.id).where(
            Indicator.code == form.code.data, Indicator.id != (indicator.id if indicator else 0)
        )
    )
    if other:
        form.code.errors.append(f"The code {form.code.data} is already used")
    return bool(other)


def code_locked(form: IndicatorForm, indicator: Indicator, series: Series) -> bool:
    """A code that files of values name stays as it is once the indicator has values."""
    if series.history and form.code.data != indicator.code:
        form.code.errors.append(
            f"The code cannot change: the indicator has values, and files name it {indicator.code}"
        )
        return True
    return False


@bp.route("/new", methods=["GET", "POST"])
@managers_only
def new():
    form = IndicatorForm()
    form.use_choices(risk_choices(None))
    if form.validate_on_submit() and not code_taken(form, None):
        indicator = services.create_indicator(
            form.fields(), chosen_risks(form.risk_ids()), user_id=current_user.id
        )
        db.session.commit()
        flash(f"Added the indicator {indicator.code}.")
        return redirect(url_for(".view", code=indicator.code))
    return render_template(
        "indicators/form.html", title="Add an indicator", form=form, indicator=None
    ), form_status()


@bp.route("/<code>/edit", methods=["GET", "POST"])
@managers_only
def edit(code):
    indicator = find(code)
    (series,) = series_of([indicator])
    form = IndicatorForm()
    form.use_choices(risk_choices(indicator))
    if request.method == "GET":
        form.show(indicator)
    elif form.validate_on_submit() and not (
        code_taken(form, indicator) or code_locked(form, indicator, series)
    ):
        expected = int(form.version.data) if form.version.data else None
        try:
            changed = services.update_indicator(
                indicator,
                form.fields(),
                chosen_risks(form.risk_ids()),
                expected_version=expected,
                user_id=current_user.id,
            )
            db.session.commit()
        except (services.StaleIndicator, StaleDataError):
            db.session.rollback()
            return conflict(indicator)
        flash(f"Saved the indicator {indicator.code}." if changed else "Nothing was changed.")
        return redirect(url_for(".view", code=indicator.code))
    return render_template(
        "indicators/form.html", title=f"Change {indicator.code}", form=form, indicator=indicator
    ), form_status()


def conflict(indicator: Indicator):
    return render_template(
        "indicators/conflict.html",
        title="Someone else changed this indicator",
        indicator=db.session.get(Indicator, indicator.id),
    ), 409


@bp.route("/<code>")
def view(code):
    indicator = find(code)
    (series,) = series_of([indicator])
    rows = register_rows(RegisterQuery(indicator=indicator.id, status="all"))
    years = sorted({p.year for p in series.current}, reverse=True)
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "indicator", AuditEvent.entity_id == indicator.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(20)
    ).all()
    return render_template(
        "indicators/view.html",
        title=f"{indicator.code} {indicator.name}",
        indicator=indicator,
        series=series,
        rows=rows,
        years=[(y, series.year(y)) for y in years],
        events=events,
        chart=trend_chart(series),
    )


def offered_periods(indicator: Indicator, today) -> list[rules.Period]:
    found = []
    for kind in rules.periods_allowed(indicator.frequency, indicator.year_rule):
        latest = rules.Period(rules.year_containing(today).start, "year")
        if kind != "year":
            latest = next(
                p
                for p in reversed(rules.periods_of_year(rules.year_containing(today), kind))
                if p.start <= today
            )
        found += [latest.shifted(-n) for n in range(OFFERED[kind])]
    return sorted(found, key=lambda p: (p.end, p.kind != "year"), reverse=True)


@bp.route("/<code>/values/new", methods=["GET", "POST"])
@managers_only
def enter_value(code):
    indicator = find(code)
    (series,) = series_of([indicator])
    today = clock.today()
    periods = offered_periods(indicator, today)
    periods += sorted(set(series.current) - set(periods), reverse=True)  # corrections of older ones
    form = ValueForm()
    form.use_periods(periods)
    if request.method == "GET":
        wanted = request.args.get("period", "")
        form.period.data = wanted if any(p.code == wanted for p in periods) else ""
    chosen = next((p for p in periods if p.code == form.period.data), None)
    current = series.current.get(chosen) if chosen else None
    if request.method == "GET":
        form.supersedes.data = str(current.id if current else 0)
    elif form.validate_on_submit() and form.check_value(indicator.unit):
        new = services.NewValue(chosen, form.value.number, form.note.data)
        if services.unchanged(series, new):
            shown = rules.figure(new.value, indicator.unit)
            flash(f"{indicator.code} for {chosen.label} is {shown} already: nothing was changed.")
            return redirect(url_for(".view", code=indicator.code))
        try:
            services.add_value(
                indicator, new, supersedes=int(form.supersedes.data), user_id=current_user.id
            )
            db.session.commit()
        except services.StaleIndicator:
            db.session.rollback()
            seen = form.supersedes.data != "0"
            form.supersedes.data = str(current.id if current else 0)
            form.period.errors.append(
                f"Someone else entered a value for {chosen.label} while you were typing: it is "
                "shown below. Check it, then save yours again if it is still right"
                if seen
                else f"{chosen.label} has a value already: it is shown below. Save again to "
                "correct it"
            )
            return page_for_value(indicator, series, form, current, status=409)
        flash(
            f"{'Corrected' if current else 'Entered'} {indicator.code} for {chosen.label}: "
            f"{rules.figure(new.value, indicator.unit)}."
        )
        return redirect(url_for(".view", code=indicator.code))
    return page_for_value(indicator, series, form, current, status=form_status())


def page_for_value(indicator, series, form, current, status):
    return render_template(
        "indicators/value_form.html",
        title=f"Enter a value for {indicator.code}",
        indicator=indicator,
        series=series,
        form=form,
        current=current,
    ), status


# --- Files ----------------------------------------------------------------------------------


def values_download(body: bytes, content_type: str, extension: str):
    return download(body, content_type, f"data-set-values-{clock.today().isoformat()}.{extension}")


@bp.route("/values.csv")
def values_csv():
    return values_download(csv_body(export_rows()), CSV_TYPE, "csv")


@bp.route("/values.xlsx")
def values_xlsx():
    return values_download(xlsx_body(export_rows()), XLSX_TYPE, "xlsx")


UploadForm = upload_form(
    "Upload a file of values",
    "A CSV (UTF-8) or Excel (.xlsx) file with the columns Indicator code, Period, Value and "
    "Note (as the export has them), 2 MB at most.",
)


class ConfirmForm(CarriedForm):
    submit = SubmitField("Import the values", widget=GovSubmitInput())


@bp.route("/import", methods=["GET", "POST"])
@managers_only
def import_values():
    upload, confirm = UploadForm(), ConfirmForm()
    if request.method == "POST" and "content" in request.form:
        return confirm_import(confirm)
    if not upload.validate_on_submit():
        return render_template(
            "indicators/import.html", title="Import values", form=upload
        ), form_status()
    name = display_name(upload.spreadsheet.data.filename)
    data = upload.spreadsheet.data.read(MAX_BYTES + 1)
    try:
        plan = plan_values(read_table(name, data))
    except BadFile as error:
        upload.spreadsheet.errors.append(str(error))
        return render_template("indicators/import.html", title="Import values", form=upload), 400
    confirm.filename.data, confirm.content.data = name, carried(data)
    return render_template(
        "indicators/import_check.html",
        title=f"Check {name}",
        name=name,
        plan=plan,
        form=confirm,
    ), (200 if plan.ok else 400)


def confirm_import(form: ConfirmForm):
    try:
        data = file_carried_by(form)
    except ValueError:
        flash("The file could not be read back: upload it again.")
        return redirect(url_for(".import_values"))
    name = display_name(form.filename.data)
    try:
        plan = plan_values(read_table(name, data))
    except BadFile:
        flash("The file could not be read back: upload it again.")
        return redirect(url_for(".import_values"))
    if not plan.ok:  # the data set changed since the check: show what is wrong now
        return render_template(
            "indicators/import_check.html", title=f"Check {name}", name=name, plan=plan, form=form
        ), 409
    count = apply_values(plan, user_id=current_user.id)
    db.session.commit()
    flash(f"Imported {name}: {count} new values, {plan.unchanged} unchanged.")
    return redirect(url_for(".index"))
