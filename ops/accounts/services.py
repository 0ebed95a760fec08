"""Accounts: creating users, checking passwords with throttling, issuing API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..core.trust import ShortTrust
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


def _throttle_keys(email: str, address: str | None) -> tuple[str, str]:
    """The two counters a failed login adds to: this account *from this address*, and this
    address across all accounts. Neither is the account alone: a stranger's wrong passwords
    from elsewhere never keep its owner out, and one address cannot try account after account."""
    address = (address or "unknown")[:45]
    return f"{email}|{address}"[:254], f"address:{address}"


def _blocked_for(row: LoginThrottle | None, now) -> int:
    if row and row.blocked_until and row.blocked_until > now:
        return int((row.blocked_until - now).total_seconds()) + 1
    return 0


def _count_failure(key: str, free: int, now) -> None:
    row = _throttle_row(key)
    if row.last_failure_at and now - row.last_failure_at > timedelta(hours=1):
        row.failures = 0  # an hour without failures: a fresh start (a shared office address forgets)
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= free:
        delay = min(2 ** (row.failures - free), current_app.config["OPS_LOGIN_MAX_DELAY"])
        row.blocked_until = now + timedelta(seconds=delay)


def authenticate(email: str, password: str, address: str | None = None) -> User:
    """Return the user for these credentials; repeated failures wait longer each time, counted
    per account and client address, and per client address (``address``: the client's IP)."""
    key = normalise_email(email)
    pair_key, address_key = _throttle_keys(key, address)
    now = utcnow()
    pair = db.session.get(LoginThrottle, pair_key)
    wait = max(_blocked_for(pair, now), _blocked_for(db.session.get(LoginThrottle, address_key), now))
    if wait:
        raise LoginThrottled(wait)
    user = db.session.scalar(select(User).where(User.email == key))
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user and ok and user.active:
        if pair:
            db.session.delete(pair)
        user.last_login_at = now
        db.session.commit()
        return user
    _count_failure(pair_key, current_app.config["OPS_LOGIN_FREE_TRIES"], now)
    _count_failure(address_key, current_app.config["OPS_LOGIN_FREE_TRIES_PER_ADDRESS"], now)
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
    """Built once: the columns of the live user of a live token, and when the token was last used."""
    from sqlalchemy import bindparam

    users, tokens = User.__table__, ApiToken.__table__
    return (select(*users.c, tokens.c.id.label("ops_token_id"), tokens.c.last_used_at.label("ops_token_used_at"))
            .select_from(tokens.join(users, users.c.id == tokens.c.user_id))
            .where(tokens.c.token_hash == bindparam("token_hash"), tokens.c.revoked_at.is_(None),
                   users.c.active.is_(True)))


# Who each recently seen bearer token belongs to (a detached copy of the user), trusted for
# OPS_TOKEN_CACHE_SECONDS; revoking a token or changing a user's role or active flag empties it.
TOKEN_CACHE = ShortTrust()


@event.listens_for(User.role, "set")
@event.listens_for(User.active, "set")
@event.listens_for(ApiToken.revoked_at, "set")
def _forget_tokens(target, value, oldvalue, initiator) -> None:
    if sa_inspect(target).transient:
        return  # an object being built (a new account, or a copy made from the trusted values)
    TOKEN_CACHE.clear()


def _look_up_token(digest: str) -> User | None:
    """The token's user as a detached copy (to keep in TOKEN_CACHE), read on a connection of its
    own: the note of its use is committed whatever becomes of the request's transaction."""
    with db.engine.connect() as conn:
        row = conn.execute(_token_user_query(), {"token_hash": digest}).mappings().first()
        if row is None:
            return None
        now, used_at = utcnow(), row["ops_token_used_at"]
        # Record use at most once a minute: scanners call many times a second.
        if used_at is None or (now - used_at) > timedelta(minutes=1):
            conn.execute(update(ApiToken).where(ApiToken.id == row["ops_token_id"]).values(last_used_at=now))
            conn.commit()
    return _detached({column.key: row[column.key] for column in User.__table__.c})


def _detached(values: dict) -> User:
    user = User(**values)
    make_transient_to_detached(user)
    return user


def user_for_token(raw: str) -> User | None:
    """The active user behind a bearer token that is not revoked; None otherwise.

    The user is in the request's session (as if loaded), without a query when the
    token was seen in the last few seconds.
    """
    digest = _hash_token(raw)
    user = TOKEN_CACHE.get(digest)
    if user is None:
        user = _look_up_token(digest)
        if user is None:
            return None
        TOKEN_CACHE.put(digest, user, current_app.config["OPS_TOKEN_CACHE_SECONDS"])
    return db.session.merge(user, load=False)


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
