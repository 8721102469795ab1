"""Sign-in refusals (admins only): which addresses, and accounts at an address, are refused for
too many failed sign-ins, and letting them try again now."""

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, Length

from riskreg.auth import throttle
from riskreg.clock import now_utc
from riskreg.extensions import db

from .blueprint import admin_only, bp

CHOOSE = "Choose a refusal from the list to clear"


class ClearRefusalForm(FlaskForm):
    client = HiddenField(validators=[InputRequired(CHOOSE), Length(max=64, message=CHOOSE)])
    email = HiddenField(validators=[Length(max=254, message=CHOOSE)])  # blank: the whole address


@bp.route("/sign-in")
@admin_only
def sign_in_refusals():
    return refusals_page()


def refusals_page(failed: ClearRefusalForm | None = None, status: int = 200):
    return render_template(
        "admin/sign_in.html",
        title="Sign-in refusals",
        refusals=throttle.refusals(),
        now=now_utc(),
        form=failed,
        clear_form=ClearRefusalForm,
        any_address=throttle.ANY_ADDRESS,
    ), status


@bp.route("/sign-in/clear", methods=["POST"])
@admin_only
def clear_sign_in_refusal():
    form = ClearRefusalForm()
    if not form.validate():
        return refusals_page(form, 400)
    email = form.email.data or None
    forgotten = throttle.clear_refusal(form.client.data, email)
    db.session.commit()
    where = "any address" if form.client.data == throttle.ANY_ADDRESS else form.client.data
    who = f"{email} from {where}" if email else where
    flash(f"Cleared {forgotten} failed sign-ins: {who} can try again now.")
    return redirect(url_for(".sign_in_refusals"))
