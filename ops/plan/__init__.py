"""The year's plan: programmes, KPI targets and budget lines, loaded from a data file."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.nav import Tile, register_tile
    from . import views

    app.register_blueprint(views.bp)
    register_tile(Tile("plan.index", _l("Plan of the year"), _l("Programmes, targets and budget lines"), STAFF, order=90))
