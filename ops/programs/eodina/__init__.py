"""어디나지원단: smart clinic centers, instructors, learners, matching and 1:1 lesson logs."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ...accounts.roles import STAFF, Role
    from ...core.demo import register_seeder
    from ...core.nav import Tile, register_tile
    from ...extensions import csrf
    from . import api, followup, kpi, models, outcomes, reminders, tasks, views  # noqa: F401 (tables, metrics, reminders, tasks)
    from .cli import match
    from .demo import seed_demo

    app.register_blueprint(views.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(match)
    register_seeder(40, "eodina", seed_demo)
    register_tile(Tile("eodina.index", _l("Eodina 1:1 lessons"),
                       _l("Centers, instructors, learners, matching and reports"), STAFF, order=20))
    register_tile(Tile("eodina.my", _l("My learners"), _l("Today's lessons and logging a class"),
                       (Role.INSTRUCTOR,), order=10))
    register_tile(Tile("eodina.join", _l("Sign up for 1:1 digital lessons"),
                       _l("Seniors learn smartphones one to one at a smart clinic center near home"), (), order=30))
    register_tile(Tile("eodina.learn", _l("Online digital lessons"),
                       _l("Short videos and e-learning, no sign-up needed"), (), order=31))
