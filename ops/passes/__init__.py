"""Passes: signed codes, QR rendering, seats and waiting lists, and the check-in engine.

Shared by events (tickets), education (attendance) and the bus (participants).
"""


def init_app(app) -> None:
    from . import models, views  # noqa: F401 (models: tables)

    app.register_blueprint(views.bp)
