"""Education: courses for city staff, public institutions and citizens, with enrolment,
waiting lists, attendance (QR or roll call), completion certificates and counts."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.demo import register_seeder
    from ..core.nav import Tile, register_tile
    from ..extensions import csrf
    from . import api, attendance, kpi, manage, models, reminders, tasks, views  # noqa: F401 (scan handler, metrics, texts, task)
    from .demo import seed_demo

    # views.py holds the public and coordinator routes, manage.py the staff routes, on one blueprint.
    app.register_blueprint(views.bp)
    # The API checks CSRF itself when called with a browser session (api_role_required).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    register_tile(Tile("education.courses", _l("Courses"), _l("AI and digital courses and lectures: enrol here"),
                       (), order=30))
    register_tile(Tile("education.manage", _l("Education"), _l("Courses, sessions, enrolments, attendance, certificates"),
                       STAFF, order=60))
    register_seeder(60, "education", seed_demo)
