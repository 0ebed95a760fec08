from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from .i18n import LOCALE_COOKIE
from .nav import tiles_for_current_user

bp = Blueprint("core", __name__)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths, so a crafted link cannot send users elsewhere."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def already_registered_message(masked_phone: str, sent: bool) -> str:
    """What a second registration with the same name and phone is told (events and education):
    never the existing ticket, only that its link went to the phone on file, shown masked."""
    if sent:
        return _("You are already registered. We have sent the link to your ticket again by text "
                 "message to %(phone)s.", phone=masked_phone)
    return _("You are already registered. The link to your ticket was sent by text message to %(phone)s "
             "a few minutes ago; please check your messages.", phone=masked_phone)


def already_registered_page(*, heading: str, masked_phone: str, sent: bool, back_url: str):
    """The HTML answer to a second registration: 200, the message above, nothing else of theirs."""
    return render_template("already_registered.html", heading=heading, back_url=back_url,
                           message=already_registered_message(masked_phone, sent))


@bp.get("/developers/api")
def developers_api():
    """The API described for people: the same document as /api/v1/openapi.json, as a page."""
    from .openapi import document

    return render_template("developers_api.html", doc=document())


@bp.get("/")
def home():
    return render_template("home.html", tiles=tiles_for_current_user())


@bp.route("/lang/<code>", methods=["GET", "POST"])
def set_language(code: str):
    if code not in current_app.config["OPS_LOCALES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = make_response(redirect(safe_next(request.values.get("next") or _referrer_path())))
    response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return response


def _referrer_path() -> str | None:
    ref = request.referrer
    if not ref:
        return None
    parts = urlsplit(ref)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")



def broker_status() -> tuple[str, bool]:
    broker = current_app.config.get("OPS_BROKER_URL")
    if not broker:
        return "in-process", True
    try:
        import redis

        client = redis.Redis.from_url(broker, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok", True
    except Exception:
        return "down", False


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database, db_ok = "ok", True
    except Exception:
        db.session.rollback()
        database, db_ok = "down", False
    broker, broker_ok = broker_status()
    ok = db_ok and broker_ok
    body = {"status": "ok" if ok else "degraded", "database": database, "broker": broker}
    return jsonify(body), 200 if ok else 503


def init_app(app) -> None:
    from .timeutil import to_seoul

    @app.context_processor
    def shell_context():
        return {"current_locale": str(get_locale() or "ko"), "safe_next": safe_next}

    @app.template_filter("seoul")
    def seoul(value, fmt: str = "%Y-%m-%d %H:%M"):
        """A UTC timestamp as Seoul wall-clock time."""
        local = to_seoul(value)
        return local.strftime(fmt) if local else ""

