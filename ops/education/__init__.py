"""Education: courses for city staff, public institutions and citizens, with enrolment,
waiting lists, attendance (QR or roll call), completion certificates and counts."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.demo import register_seeder
    from ..core.nav import Tile, register_tile
    from . import attendance, kpi, models, reminders, tasks, views  # noqa: F401 (scan handler, metrics, texts, task)
    from .demo import seed_demo

    views.init_views(app)
    register_tile(Tile("education.courses", _l("Courses"), _l("AI and digital courses and lectures: enrol here"),
                       (), order=30))
    register_tile(Tile("education.manage", _l("Education"), _l("Courses, sessions, enrolments, attendance, certificates"),
                       STAFF, order=60))
    register_seeder(60, "education", seed_demo)
