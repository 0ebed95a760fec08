"""The shell: home page, language switch, health check, error pages, shared helpers."""


def init_app(app) -> None:
    from . import api, errors, security, tasks, views  # noqa: F401 (tasks registers with Celery)

    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    views.init_app(app)
