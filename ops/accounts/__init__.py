"""Accounts: users, roles, login, API tokens."""
from flask import g, request
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager


def user_for_bearer(request):
    """The user of the request's ``Authorization: Bearer …`` token, or None (no such header,
    or a token that is unknown, revoked or of an inactive user); see ``user_for_token``."""
    from .services import user_for_token

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = user_for_token(header[7:].strip())
    if user is not None:
        g.auth_via = "token"
    return user


def init_app(app) -> None:
    from . import views
    from .models import User
    from .sessions import CookieSessions

    app.session_interface = CookieSessions()

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    # A call that brings a bearer token is that token's user, or no one, even beside a browser
    # session: the session's user is not loaded, so Flask-Login asks the request loader.
    @login_manager.user_loader
    def load_user(user_id: str):
        if request.headers.get("Authorization", "").startswith("Bearer ") or not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))

    @login_manager.request_loader
    def load_from_token(request):
        return user_for_bearer(request)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import abort, flash, redirect, request, url_for

        if request.path.startswith("/api/"):
            abort(401)
        flash(str(login_manager.login_message), "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    app.register_blueprint(views.bp)
    # API routes check CSRF themselves when called with a browser session (see api_role_required).
    from ..extensions import csrf
    from . import api
    from .roles import role_label

    csrf.exempt(api.bp)
    app.register_blueprint(api.bp)
    app.context_processor(lambda: {"role_label": role_label})

    from ..core.nav import Tile, register_tile
    from .roles import STAFF

    register_tile(Tile("accounts.users", _l("Accounts"), _l("Create accounts and change roles"), ("admin",), order=95))
    register_tile(Tile("accounts.tokens", _l("API tokens"), _l("Tokens for scanner devices and integrations"),
                       STAFF, order=96))
