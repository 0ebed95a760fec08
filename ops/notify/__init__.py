"""Notifications: an outbox written in the same transaction as what it is about.

Its settings (OPS_SMS_*, OPS_SMTP_*, OPS_OUTBOX_*) are read in ``ops.config.Config``."""


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

    app.add_template_filter(mask_recipient, "mask_recipient")
    app.cli.add_command(cli.outbox)
    app.register_blueprint(views.bp)
    register_tile(Tile("notify.outbox", _l("Messages"), _l("Texts and e-mails: sent, waiting and failed"),
                       STAFF, order=85))
