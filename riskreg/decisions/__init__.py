"""The board's decisions on each risk: treat, tolerate, transfer or terminate, with why, where
it was decided and when to look again; append-only, the latest being the risk's treatment."""

from . import views


def init_app(app):
    app.register_blueprint(views.bp)
