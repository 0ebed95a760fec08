"""Accounts: creating users, checking passwords with throttling, issuing API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..extensions import db
from .models import ApiToken, LoginThrottle, User
from .roles import ROLES

MIN_PASSWORD = 10
# Checked against when the e-mail is unknown, so that timing does not tell which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class BadCredentials(DomainError):
    code = "bad_credentials"


class LoginThrottled(DomainError):
    code = "throttled"

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class InvalidAccount(DomainError):
    code = "invalid"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(email: str, role: str, password: str, name: str | None = None,
                person=None, locale: str | None = None) -> User:
    """Add an account; the caller commits."""
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidAccount("email")
    if role not in ROLES:
        raise InvalidAccount("role")
    if len(password or "") < MIN_PASSWORD:
        raise InvalidAccount("password")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise InvalidAccount("exists")
    user = User(email=email, role=role, name=name or email.split("@")[0],
                password_hash=generate_password_hash(password), person=person, locale=locale)
    db.session.add(user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidAccount("password")
    user.password_hash = generate_password_hash(password)


def _throttle_row(key: str) -> LoginThrottle:
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    if row is None:
        row = LoginThrottle(key=key, failures=0)
        db.session.add(row)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # another request created it first
            row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key).with_for_update())
    return row


def authenticate(email: str, password: str) -> User:
    """Return the user for these credentials; repeated failures wait longer each time."""
    key = normalise_email(email)
    now = utcnow()
    row = db.session.get(LoginThrottle, key)
    if row and row.blocked_until and row.blocked_until > now:
        raise LoginThrottled(int((row.blocked_until - now).total_seconds()) + 1)
    user = db.session.scalar(select(User).where(User.email == key))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user and ok and user.active:
        if row:
            db.session.delete(row)
        user.last_login_at = now
        db.session.commit()
        return user
    row = _throttle_row(key)
    row.failures += 1
    row.last_failure_at = now
    free = current_app.config["OPS_LOGIN_FREE_TRIES"]
    if row.failures >= free:
        delay = min(2 ** (row.failures - free), current_app.config["OPS_LOGIN_MAX_DELAY"])
        row.blocked_until = now + timedelta(seconds=delay)
    db.session.commit()
    raise BadCredentials()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "token") -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = "ops_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], token_hash=_hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    return token, raw


@lru_cache(maxsize=1)
def _token_user_query():
    """Built once: the live user of a live token and when the token was last used, in one query.

    The user's person is left unloaded (it loads if asked for): a scan does not need it.
    """
    from sqlalchemy import bindparam
    from sqlalchemy.orm import lazyload

    return (select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None),
                   User.active.is_(True))
            .options(lazyload(User.person)))


def user_for_token(raw: str) -> User | None:
    """The active user behind a bearer token that is not revoked; None otherwise (one query)."""
    row = db.session.execute(_token_user_query(), {"token_hash": _hash_token(raw)}).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    now = utcnow()
    # Record use at most once a minute: scanners call many times a second.
    if last_used_at is None or (now - last_used_at) > timedelta(minutes=1):
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return user


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
