"""포용기술 디지털 체험버스: institutions book the bus, staff decide, record the day and its survey."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ...accounts.roles import STAFF
    from ...core.demo import register_seeder
    from ...core.nav import Tile, register_tile
    from ...extensions import csrf
    from . import api, kpi, models, public, reminders, seed, views  # noqa: F401 (register tables, KPIs, reminders)

    app.register_blueprint(views.bp)
    app.register_blueprint(public.bp)
    # API routes check CSRF themselves when called with a browser session (see api_role_required).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    register_tile(Tile("bus.index", _l("Digital experience bus"),
                       _l("Visit requests, calendar, participants and satisfaction"), STAFF, order=30))
    register_tile(Tile("bus_public.request_form", _l("Book the digital experience bus"),
                       _l("For welfare centers, senior centers and libraries"), (), order=31))
    register_seeder(50, "bus", seed.seed_demo)
