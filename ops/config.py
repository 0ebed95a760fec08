"""Configuration read from OPS_* environment variables, with safe development defaults."""
from __future__ import annotations

import os
from pathlib import Path

DEV_SECRET = "dev-only-secret-change-me"


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Make plain PostgreSQL URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Every setting of the app, each from one OPS_* variable."""

    def __init__(self, instance_path: str | os.PathLike, env: dict | None = None):
        env = os.environ if env is None else env
        instance = Path(instance_path)
        self.ENV_NAME = env.get("OPS_ENV", "development")
        self.SECRET_KEY = env.get("OPS_SECRET_KEY", DEV_SECRET)
        # Ticket and certificate codes are signed with their own key so that rotating
        # session secrets does not void every printed ticket.
        self.OPS_SIGNING_KEY = env.get("OPS_SIGNING_KEY", self.SECRET_KEY + ":passes")
        default_db = "sqlite:///" + str(instance / "ops.db")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(env.get("OPS_DATABASE_URL", default_db))
        # No ping on every checkout (a round trip per request): see ops.core.dbpool.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False}
        self.OPS_DB_PING_AFTER = float(env.get("OPS_DB_PING_AFTER", "10"))
        self.OPS_BROKER_URL = env.get("OPS_BROKER_URL") or None
        self.OPS_RESULT_BACKEND = env.get("OPS_RESULT_BACKEND") or self.OPS_BROKER_URL
        self.OPS_REDIS_PREFIX = env.get("OPS_REDIS_PREFIX", "ops:")
        self.OPS_REDIS_URL = env.get("OPS_REDIS_URL") or self.OPS_BROKER_URL
        self.OPS_TIMEZONE = env.get("OPS_TIMEZONE", "Asia/Seoul")
        self.OPS_BASE_URL = env.get("OPS_BASE_URL", "http://127.0.0.1:5000")
        self.BABEL_DEFAULT_LOCALE = env.get("OPS_DEFAULT_LOCALE", "ko")
        self.BABEL_DEFAULT_TIMEZONE = self.OPS_TIMEZONE
        self.OPS_LOCALES = ["ko", "en"]
        self.WTF_CSRF_ENABLED = _bool(env.get("OPS_CSRF"), True)
        self.WTF_CSRF_TIME_LIMIT = None
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool(env.get("OPS_SECURE_COOKIES"), False)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Failed logins: after this many, each further try waits longer (doubling).
        self.OPS_LOGIN_FREE_TRIES = int(env.get("OPS_LOGIN_FREE_TRIES", "5"))
        self.OPS_LOGIN_MAX_DELAY = int(env.get("OPS_LOGIN_MAX_DELAY", "900"))
        # How long a process trusts a bearer token it has checked (a revocation elsewhere waits this long).
        self.OPS_TOKEN_CACHE_SECONDS = float(env.get("OPS_TOKEN_CACHE_SECONDS", "10"))
        # How long a process trusts an event it has read for the registration API (its window,
        # its ticket types; seats are always counted in the database).
        self.OPS_EVENT_CACHE_SECONDS = float(env.get("OPS_EVENT_CACHE_SECONDS", "5"))
        self.MAX_CONTENT_LENGTH = int(env.get("OPS_MAX_UPLOAD_BYTES", str(16 * 1024 * 1024)))
        self.OPS_ADMIN_EMAIL = env.get("OPS_ADMIN_EMAIL", "")
        # A metric-moving action asks for a KPI roll-up at most this often (seconds, per process).
        self.OPS_KPI_ROLLUP_EVERY = int(env.get("OPS_KPI_ROLLUP_EVERY", "300"))
        # The TrueType font embedded in every PDF (badges, KPI reports, certificates; Korean and Latin):
        # Debian's fonts-nanum by default, installed by `make fonts` (ops/core/pdffonts.py).
        self.OPS_FONT = env.get("OPS_FONT", "/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
        self.OPS_FONT_BOLD = env.get("OPS_FONT_BOLD", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")

    @property
    def is_production(self) -> bool:
        return self.ENV_NAME == "production"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}
