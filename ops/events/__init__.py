"""Events: Smart Life Week and AI Festa registration, signed QR tickets, check-in at the door."""


def init_app(app) -> None:
    from flask import url_for
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.demo import register_seeder
    from ..core.nav import Tile, register_tile
    from ..extensions import csrf
    from ..passes.scan import ScanContext, scan_context
    from . import api, demo, kpi, models, offline, reminders, services, tasks, views  # noqa: F401 (tables, handlers, metrics, task)

    app.register_blueprint(views.bp)
    csrf.exempt(api.bp)  # public registration has no session; staff routes check CSRF in api_role_required
    app.register_blueprint(api.bp)
    register_tile(Tile("events.index", _l("Events"), _l("Smart Life Week, AI Festa: register and get your ticket"),
                       (), order=20))
    register_tile(Tile("events.manage", _l("Manage events"), _l("Events, ticket types, live numbers, export"),
                       STAFF, order=31))
    register_seeder(40, "events", demo.seed)

    def title(slug: str):
        from flask_babel import get_locale

        event = services.event_by_slug(slug)
        return event.title(str(get_locale() or "ko")) if event else None

    def links(slug: str):
        return [(str(_l("Walk-in registration")), url_for("events.walk_in", slug=slug)),
                (str(_l("Live numbers")), url_for("events.live", slug=slug))]

    def rooms(slug: str):
        from flask_babel import get_locale

        from .rooms import occasion_of, sessions_today

        event = services.event_by_slug(slug)
        locale = str(get_locale() or "ko")
        return [(occasion_of(s), " · ".join(filter(None, [s.starts_at, s.title(locale), s.room])))
                for s in sessions_today(event)] if event else []

    def room_walk_in(occasion: str):
        from .rooms import session_of_occasion

        return url_for("events_api.room_walk_in", session_id=session_of_occasion(occasion))

    def door_search(slug: str, query: str):
        from flask_babel import get_locale

        event = services.event_by_slug(slug)
        return services.door_search(event, query, str(get_locale() or "ko")) if event else []

    scan_context("events", ScanContext(title=title, search_url=lambda slug: url_for("events_api.search", slug=slug),
                                       search=door_search,
                                       links=links, offline=True, occasions=rooms, walk_in_url=room_walk_in))
