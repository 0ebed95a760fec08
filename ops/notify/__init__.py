"""Notifications: an outbox written in the same transaction as what it is about."""
import os


def _settings(app) -> None:
    """Channel and dispatcher settings (OPS_SMS_*, OPS_SMTP_*, OPS_OUTBOX_*), from the environment."""
    env = os.environ
    defaults = {
        "OPS_SMS_PROVIDER": env.get("OPS_SMS_PROVIDER", "file"),
        "OPS_SMS_SINK": env.get("OPS_SMS_SINK") or os.path.join(app.instance_path, "sms-sink.jsonl"),
        "OPS_SMS_HTTP_URL": env.get("OPS_SMS_HTTP_URL"),
        "OPS_SMS_HTTP_KEY": env.get("OPS_SMS_HTTP_KEY"),
        "OPS_SMTP_HOST": env.get("OPS_SMTP_HOST", "127.0.0.1"),
        "OPS_SMTP_PORT": int(env.get("OPS_SMTP_PORT", "25")),
        "OPS_SMTP_USER": env.get("OPS_SMTP_USER"),
        "OPS_SMTP_PASSWORD": env.get("OPS_SMTP_PASSWORD"),
        "OPS_SMTP_FROM": env.get("OPS_SMTP_FROM", "noreply@sdf.seoul.kr"),
        "OPS_SMTP_TLS": env.get("OPS_SMTP_TLS", ""),
        "OPS_SMS_QUIET_HOURS": env.get("OPS_SMS_QUIET_HOURS", "21-8"),
        "OPS_OUTBOX_LEASE": float(env.get("OPS_OUTBOX_LEASE", "300")),
        "OPS_OUTBOX_BATCH": int(env.get("OPS_OUTBOX_BATCH", "100")),
        "OPS_OUTBOX_MAX_ATTEMPTS": int(env.get("OPS_OUTBOX_MAX_ATTEMPTS", "5")),
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)


def mask_recipient(recipient: str | None, channel: str = "sms") -> str:
    """010-****-5678 for phones, k***@example.org for e-mail addresses."""
    from ..people.phone import mask_phone

    if not recipient:
        return ""
    if channel == "email" or "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return mask_phone(recipient)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..accounts.roles import STAFF
    from ..core.nav import Tile, register_tile
    from . import cli, messages, models  # noqa: F401 (message texts, tables)
    from . import tasks  # noqa: F401 (Celery tasks)
    from . import views

    _settings(app)
    app.add_template_filter(mask_recipient, "mask_recipient")
    app.cli.add_command(cli.outbox)
    app.register_blueprint(views.bp)
    register_tile(Tile("notify.outbox", _l("Messages"), _l("Texts and e-mails: sent, waiting and failed"),
                       STAFF, order=85))
