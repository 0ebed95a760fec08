"""The shell: home page, language switch, health check, error pages, shared helpers."""


def init_app(app) -> None:
    from ..extensions import csrf
    from . import api, errors, security, tasks, views  # noqa: F401 (tasks registers with Celery)

    errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(views.bp)
    # API routes check CSRF themselves when called with a browser session (see api_role_required).
    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    views.init_app(app)
