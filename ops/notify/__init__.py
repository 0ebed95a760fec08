"""Notifications: an outbox written in the same transaction as what it is about."""


def init_app(app) -> None:
    from . import models  # noqa: F401 (tables)
