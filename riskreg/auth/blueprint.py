"""The auth blueprint, shared by password sign-in, single sign-on and two-step verification."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
