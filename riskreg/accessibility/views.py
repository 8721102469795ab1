"""/accessibility: the statement, in the headings of GOV.UK's model accessibility statement."""

from datetime import date

from flask import Blueprint, render_template

from riskreg.ui import board_name, long_date, setting

from . import contact as contacts

bp = Blueprint("accessibility", __name__)

# When the statement was written and when it was last checked against the app; change the
# second whenever the known problems below (in the template) are looked at again.
PREPARED = date(2026, 12, 1)
LAST_REVIEWED = date(2026, 12, 7)


@bp.route("/accessibility")
def statement():
    contact = setting(contacts.SETTING, "").strip()
    return render_template(
        "accessibility/statement.html",
        title="Accessibility statement",
        board=board_name(),
        contact=contact,
        contact_is_email=contacts.is_email(contact),
        prepared=long_date(PREPARED),
        reviewed=long_date(LAST_REVIEWED),
    )
