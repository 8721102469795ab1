"""The board's settings (admins only): its name, the heat map's layout, whether admins and
managers must use two-step verification, and the accessibility statement's contact."""

from flask import flash, redirect, render_template, url_for

from riskreg.accessibility import contact as contacts
from riskreg.auth import totp
from riskreg.domain.vocabulary import ORIENTATIONS
from riskreg.extensions import db
from riskreg.ui import board_name, board_orientation, form_status, setting

from . import services
from .blueprint import admin_only, bp
from .forms import SettingsForm


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    current = {
        "board_name": board_name(),
        "heatmap_orientation": board_orientation(),
        totp.REQUIRED_SETTING: setting(totp.REQUIRED_SETTING, "no"),
        "accessibility_contact": setting(contacts.SETTING, ""),
    }
    form = SettingsForm(data=current)
    if form.validate_on_submit():
        after = {
            "board_name": form.board_name.data,
            "heatmap_orientation": form.heatmap_orientation.data,
            totp.REQUIRED_SETTING: form.two_step_required.data,
            "accessibility_contact": form.accessibility_contact.data or "",
        }
        if services.save_settings(current, after):
            db.session.commit()
            flash("Saved the settings.")
        else:
            flash("Nothing was changed.")
        return redirect(url_for(".settings"))
    return render_template(
        "admin/settings.html", title="Board settings", form=form, orientations=ORIENTATIONS
    ), form_status()
