"""The private Flask-Login hook the scanner path leans on (ops/accounts/roles.py `_log_in_bearer`):
this test fails when an upgrade renames it or changes what it does, instead of the scanner breaking."""
from flask import g
from flask_login import current_user

from ops.accounts.services import create_user
from ops.extensions import db, login_manager


def test_flask_login_still_takes_the_requests_user_from_its_private_hook(app):
    user = create_user("scanner@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    with app.test_request_context("/api/v1/whoami"):
        login_manager._update_request_context_with_user(user)
        assert g._login_user is user
        assert current_user.id == user.id and current_user.is_authenticated
    with app.test_request_context("/api/v1/whoami"):
        login_manager._update_request_context_with_user(None)
        assert not current_user.is_authenticated
