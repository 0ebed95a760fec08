"""Passes: signed codes, QR rendering, seats and waiting lists, and the check-in engine.

Shared by events (tickets), education (attendance) and the bus (participants).
"""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.nav import Tile, register_tile
    from ..extensions import csrf
    from . import api, models, views  # noqa: F401 (models: tables)

    app.register_blueprint(views.bp)
    # The scanner API checks CSRF itself for browser sessions (api_role_required).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    register_tile(Tile("passes.scanner", _l("Door scanner"), _l("Check in tickets and passes with a phone or a scanner"),
                       STAFF, order=30))
