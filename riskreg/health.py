"""/healthz: for load balancers and monitoring; answers without a login."""

from sqlalchemy import text

from .extensions import db


def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500 page
        db.session.rollback()
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


def init_app(app):
    app.add_url_rule("/healthz", "healthz", healthz)
