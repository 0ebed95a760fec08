"""Satisfaction surveys: one text after an event day or a course, a short survey, results for staff."""


def init_app(app) -> None:
    from . import kpi, models, reminders, views  # noqa: F401 (tables, reminder sources, metrics)

    app.register_blueprint(views.bp)
