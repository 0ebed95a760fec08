"""The shell: home page, language switch, health check, error pages, shared helpers."""


def init_app(app) -> None:
    from . import errors, tasks, views  # noqa: F401 (tasks registers with Celery)

    errors.init_app(app)
    app.register_blueprint(views.bp)
    views.init_app(app)
