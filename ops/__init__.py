"""ops: the operations platform of a city digital foundation."""
from __future__ import annotations

import importlib
import logging
import os

from flask import Flask

from .config import DEV_SECRET, Config
from .extensions import babel, csrf, db, login_manager, migrate

# One wing per area; each module's init_app registers its blueprints and hooks.
AREAS = [
    "ops.core",
    "ops.accounts",
    "ops.people",
    "ops.plan",
    "ops.passes",
    "ops.notify",
    "ops.kpi",
    "ops.programs.eodina",
    "ops.education",
    "ops.programs.bus",
    "ops.programs.center",
    "ops.events",
    "ops.surveys",
]

log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, extensions, areas, CLI and error pages."""
    app = Flask(__name__, instance_path=os.environ.get("OPS_INSTANCE_PATH") or None,
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if config:
        app.config.update(config)
    if app.config["SECRET_KEY"] == DEV_SECRET and app.config.get("ENV_NAME") == "production":
        raise RuntimeError("OPS_SECRET_KEY must be set in production")

    if app.config.get("OPS_TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["OPS_TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    from .core.logging import install_pii_masking
    install_pii_masking()

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                    render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    from .core import i18n
    i18n.init_app(app)

    from .core.celery import celery_init_app
    celery_init_app(app)

    for name in app.config.get("OPS_AREAS", AREAS):
        importlib.import_module(name).init_app(app)

    from . import cli
    cli.register(app)
    return app
