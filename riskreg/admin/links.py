"""Single sign-on links (admins only): removing an account's link to a provider, so that its
next sign-in there is matched by email again (a person's organisation account was replaced)."""

from flask import abort, flash, redirect, url_for

from riskreg.auth import identities
from riskreg.auth.providers import name_of
from riskreg.extensions import db
from riskreg.models import SignInLink

from .blueprint import admin_only, bp
from .forms import RemoveLinkForm


@bp.route("/users/<int:user_id>/sign-in-links/<int:link_id>/remove", methods=["POST"])
@admin_only
def remove_sign_in_link(user_id, link_id):
    link = db.get_or_404(SignInLink, link_id)
    if link.user_id != user_id:
        abort(404)
    if not RemoveLinkForm().validate():
        abort(400)
    person = link.user
    identities.unlink(link)
    person.new_session()  # whoever signed in through the link is signed out
    db.session.commit()
    flash(
        f"Removed the link of {person.name} to {name_of(link.provider)}. Their next sign-in "
        "there is matched by email address again."
    )
    return redirect(url_for(".user", user_id=user_id))
