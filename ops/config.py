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
        # pool_pre_ping: a pooled connection the server dropped is replaced before a request uses it.
        # hide_parameters: a failing statement's error (and so its log line) never carries the values.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
        self.OPS_BROKER_URL = env.get("OPS_BROKER_URL") or None
        self.OPS_RESULT_BACKEND = env.get("OPS_RESULT_BACKEND") or self.OPS_BROKER_URL
        self.OPS_REDIS_PREFIX = env.get("OPS_REDIS_PREFIX", "ops:")
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
        # Failed logins from one client address, across every account, before it too must wait.
        self.OPS_LOGIN_FREE_TRIES_PER_ADDRESS = int(env.get("OPS_LOGIN_FREE_TRIES_PER_ADDRESS", "20"))
        # How many proxies (load balancer, nginx) stand before the app and set X-Forwarded-For:
        # the client address (login throttling) is then read from that header, never from a client's own.
        self.OPS_TRUSTED_PROXIES = int(env.get("OPS_TRUSTED_PROXIES", "0"))
        # How long a process trusts a bearer token it has checked (a revocation elsewhere waits this long).
        self.OPS_TOKEN_CACHE_SECONDS = float(env.get("OPS_TOKEN_CACHE_SECONDS", "10"))
        # How long a process trusts an event it has read for the registration API (its window,
        # its ticket types; seats are always counted in the database).
        self.OPS_EVENT_CACHE_SECONDS = float(env.get("OPS_EVENT_CACHE_SECONDS", "5"))
        # Attendance at a course session (QR or roll call) is taken from this many minutes before it starts
        # until this many minutes after it ends.
        self.OPS_ATTENDANCE_OPENS_BEFORE = int(env.get("OPS_ATTENDANCE_OPENS_BEFORE", "30"))
        self.OPS_ATTENDANCE_CLOSES_AFTER = int(env.get("OPS_ATTENDANCE_CLOSES_AFTER", "120"))
        self.MAX_CONTENT_LENGTH = int(env.get("OPS_MAX_UPLOAD_BYTES", str(16 * 1024 * 1024)))
        # A metric-moving action asks for a KPI roll-up at most this often (seconds, per process).
        self.OPS_KPI_ROLLUP_EVERY = int(env.get("OPS_KPI_ROLLUP_EVERY", "300"))
        # The TrueType font embedded in every PDF (badges, KPI reports, certificates; Korean and Latin):
        # Debian's fonts-nanum by default, installed by `make fonts` (ops/core/pdffonts.py).
        self.OPS_FONT = env.get("OPS_FONT", "/usr/share/fonts/truetype/nanum/NanumGothic.ttf")
        self.OPS_FONT_BOLD = env.get("OPS_FONT_BOLD", "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf")

        # Notifications: the SMS and e-mail channels and the outbox dispatcher (ops.notify).
        self.OPS_SMS_PROVIDER = env.get("OPS_SMS_PROVIDER", "file")
        self.OPS_SMS_SINK = env.get("OPS_SMS_SINK") or str(instance / "sms-sink.jsonl")
        self.OPS_SMS_HTTP_URL = env.get("OPS_SMS_HTTP_URL")
        self.OPS_SMS_HTTP_KEY = env.get("OPS_SMS_HTTP_KEY")
        self.OPS_SMTP_HOST = env.get("OPS_SMTP_HOST", "127.0.0.1")
        self.OPS_SMTP_PORT = int(env.get("OPS_SMTP_PORT", "25"))
        self.OPS_SMTP_USER = env.get("OPS_SMTP_USER")
        self.OPS_SMTP_PASSWORD = env.get("OPS_SMTP_PASSWORD")
        self.OPS_SMTP_FROM = env.get("OPS_SMTP_FROM", "noreply@sdf.seoul.kr")
        self.OPS_SMTP_TLS = env.get("OPS_SMTP_TLS", "")
        self.OPS_SMS_QUIET_HOURS = env.get("OPS_SMS_QUIET_HOURS", "21-8")
        self.OPS_OUTBOX_LEASE = float(env.get("OPS_OUTBOX_LEASE", "300"))
        self.OPS_OUTBOX_BATCH = int(env.get("OPS_OUTBOX_BATCH", "100"))
        self.OPS_OUTBOX_MAX_ATTEMPTS = int(env.get("OPS_OUTBOX_MAX_ATTEMPTS", "5"))
        # 어디나지원단: lessons in one course, the skills-check gain that counts, and the phone line
        # for people without the internet (on every citizen page and text).
        self.EODINA_COURSE_LESSONS = int(env.get("OPS_EODINA_COURSE_LESSONS", "8"))
        self.EODINA_SKILLS_GAIN = int(env.get("OPS_EODINA_SKILLS_GAIN", "3"))
        self.EODINA_HELPLINE = env.get("OPS_EODINA_HELPLINE", "02-120")
        # The password `ops demo` gives the demo accounts (never used in production: the command refuses).
        self.OPS_DEMO_PASSWORD = env.get("OPS_DEMO_PASSWORD", "demo-password-2025")

    @property
    def is_production(self) -> bool:
        return self.ENV_NAME == "production"

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in dir(self) if k.isupper()}
