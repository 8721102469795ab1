"""The admin blueprint, which users, sections, settings and scheme add their pages to, and the
admin landing page."""

from flask import Blueprint, render_template

from riskreg.security import role_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = role_required("admin")


@bp.route("")
@admin_only
def index():
    return render_template("admin/index.html", title="Admin")
