"""The Seoul Smart City Center's group visits: groups from Korea or abroad ask for a visit, staff
confirm it and record who came by country; the KPI counts visitors, foreign visitors and countries."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ...accounts.roles import STAFF
    from ...core.demo import register_seeder
    from ...core.nav import Tile, register_tile
    from . import demo, kpi, models, views  # noqa: F401 (tables, KPIs)

    app.register_blueprint(views.bp)
    register_tile(Tile("center.visits", _l("Smart City Center visits"),
                       _l("Group visit requests, confirmations and visitors by country"), STAFF, order=35))
    register_tile(Tile("center.request_form", _l("Visit the Seoul Smart City Center"),
                       _l("For groups from Korea and abroad"), (), order=36))
    register_seeder(60, "center", demo.seed)
