"""The outbox: queueing messages in the caller's transaction, and the dispatcher that sends them.

Exactly once
------------
A message is sent once and only once because of three steps, each decided by the
database or the channel, never by a worker's memory:

1. *Claim.* A worker takes due rows with one conditional UPDATE (pending → sending,
   stamped with its own claim token and the time; on PostgreSQL the rows are picked
   ``FOR UPDATE SKIP LOCKED``). Two workers can never claim the same row; a row whose
   worker died stays ``sending`` until its lease (``OPS_OUTBOX_LEASE`` seconds) runs
   out, and is then claimed again.
2. *Send with an idempotency key.* The channel gets the row's ``dedup_key`` and
   delivers each key at most once (see ``channels``): the file sink remembers the keys
   it wrote, the HTTP gateway is sent an ``Idempotency-Key`` header.
3. *Mark sent* with an UPDATE that only succeeds while the row is still claimed by
   this worker's token (texts, whose channels are idempotent, once per claimed batch;
   e-mail right after each message).

A SIGKILL before step 2 leaves a claimed, unsent row: it is re-claimed after the
lease and sent (never lost). A SIGKILL between steps 2 and 3 leaves a sent but
unmarked row: it is re-claimed, the channel recognises the key and answers
``duplicate``, and the row is marked sent without a second delivery (never twice).
SMTP has no such memory; e-mail is therefore at-least-once, with a stable Message-ID.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import and_, event, func, or_, select, update

from ..core.celery import enqueue
from ..core.errors import DomainError
from ..core.sql import dialect_insert
from ..core.timeutil import SEOUL, seoul_to_utc, to_seoul, utcnow
from ..extensions import db
from ..people.consent import SMS_REMINDERS
from ..people.services import live_consents, withdrew_consent
from . import channels
from .models import OutboxMessage
from .registry import TEMPLATES

log = logging.getLogger("ops.notify")

STATUSES = ("pending", "sending", "sent", "failed", "skipped")
NO_CONSENT = "no current consent to reminders"
WITHDRAWN = "the person withdrew consent to reminders"
STOP_LINK = {"ko": "수신거부: {url}", "en": "Stop texts: {url}"}


def queue_message(*, template: str, dedup_key: str, person=None, recipient: str | None = None,
                  channel: str = "sms", data: dict | None = None, locale: str = "ko",
                  purpose: str = "service", send_after: datetime | None = None) -> OutboxMessage | None:
    """Add a message to the outbox inside the caller's transaction; the caller commits.

    Sending is the workers' job: after the commit the dispatcher is woken (a broker
    outage only delays it until the next scheduled sweep), so areas need do nothing more.

    Returns the existing message when one with this ``dedup_key`` is already queued
    (nothing is queued twice), or None when there is nobody to send to.
    ``purpose`` is "reminder" for reminders (which need the person's SMS consent)
    or "service" for what the person asked for (their ticket, a waiting-list place).
    """
    if recipient is None and person is not None:
        recipient = person.email if channel == "email" else person.phone
    if not recipient:
        return None
    values = _message_values(template, dedup_key, getattr(person, "id", None), recipient, channel, data, locale,
                             purpose, send_after)
    # One statement: INSERT … ON CONFLICT (dedup_key) DO NOTHING RETURNING the row. A key queued
    # before, or by a concurrent transaction a moment ago (the insert waits for it), returns nothing.
    message = db.session.scalar(_queue_statement(db.session.get_bind().dialect.name).values(**values))
    if message is None:
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == values["dedup_key"]))
    wake_after_commit()
    return message


def add_to_outbox(*, template: str, dedup_key: str, person_id: int | None, recipient: str | None,
                  channel: str = "sms", data: dict | None = None, locale: str = "ko", purpose: str = "service",
                  send_after: datetime | None = None) -> int | None:
    """queue_message() for hot paths (a registration burst): the same insert, without loading
    the message; its id, or None when the key was queued before or there is nobody to send to."""
    if not recipient:
        return None
    connection = db.session.connection()
    message_id = connection.scalar(_queue_id_statement(connection.dialect.name), _message_values(
        template, dedup_key, person_id, recipient, channel, data, locale, purpose, send_after))
    if message_id is not None:
        wake_after_commit()
    return message_id


def queue_at_most_every(every: timedelta, *, template: str, key: str, person_id: int | None,
                        recipient: str | None, data: dict | None = None, locale: str = "ko") -> bool:
    """A service message sent again on request (a ticket link to its owner's phone), at most once
    per ``every`` for ``key``; True when one was queued now. The slot in the dedup key stops two
    requests of the same moment from both queueing one."""
    now = utcnow()
    recent = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key.like(f"{key}@%"),
                                                              OutboxMessage.created_at > now - every).limit(1))
    if recent is not None:
        return False
    slot = int(now.timestamp() // every.total_seconds())
    return add_to_outbox(template=template, dedup_key=f"{key}@{slot}", person_id=person_id, recipient=recipient,
                         data=data, locale=locale, purpose="service") is not None


def _message_values(template, dedup_key, person_id, recipient, channel, data, locale, purpose, send_after) -> dict:
    return dict(channel=channel, recipient=recipient, person_id=person_id, purpose=purpose, template=template,
                locale=locale if locale in ("ko", "en") else "ko", data=data or {}, dedup_key=dedup_key[:200],
                send_after=send_after or utcnow())


@lru_cache(maxsize=4)
def _queue_statement(dialect: str):
    insert = dialect_insert(dialect)
    return insert(OutboxMessage).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(OutboxMessage)


@lru_cache(maxsize=4)
def _queue_id_statement(dialect: str):
    table = OutboxMessage.__table__
    return dialect_insert(dialect)(table).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(table.c.id)


# --- Waking the dispatcher after the caller's commit ---------------------------------------

def wake_after_commit() -> None:
    """Have the dispatcher woken once the current transaction commits (once per transaction)."""
    db.session().info["ops_notify_wake"] = True


# Listening once on the sessions of db.session (not on each session, which cost every request
# that queued a message the price of adding two listeners).
@event.listens_for(db.session, "after_commit")
def _after_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint released, not the caller's commit
        return
    if session.info.pop("ops_notify_wake", False):
        wake_dispatcher()


@event.listens_for(db.session, "after_soft_rollback")
def _after_rollback(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop("ops_notify_wake", None)


# A process wakes the dispatcher at most this often, in the request, after its commit. One publish
# to Redis cost 1.07 ms of CPU (median of 5 x 200, this loaded 2-core machine, 2026-12-06), about
# 16 % of a registration's 6.6 ms: once per 0.25 s it is ~1 % at the burst's rate. Against the
# daemon publisher threads this replaced, bench/registration.py (5,000 at c=64, 5 alternating
# pairs) gave a median server CPU of 6.61 vs 6.57 ms per registration and 117 vs 117/s.
WAKE_EVERY = 0.25


def wake_dispatcher() -> bool:
    """Have the dispatcher run soon; never raises and never waits for the broker.

    With a broker the task is published at most every WAKE_EVERY seconds per process (see
    core.celery.enqueue; a broker outage only delays sending until the periodic sweep). Without
    one it runs in-process, except under tests, which drive the dispatcher themselves. Returns
    whether a run was asked for."""
    try:
        app = current_app._get_current_object()
        celery_app = app.extensions["celery"]
        if celery_app.conf.task_always_eager:
            if app.testing:
                return False
            with app.app_context():  # a session of its own: the caller's has just committed
                dispatch_due()
            return True
        return enqueue(celery_app, "ops.notify.dispatch", every=WAKE_EVERY)
    except Exception as exc:  # noqa: BLE001 - the caller's request must never fail for this
        log.warning("could not wake the dispatcher (%s); the periodic sweep will send", type(exc).__name__)
        return False


# --- Dispatching ---------------------------------------------------------------------------

class NotRetryable(DomainError):
    code = "not_retryable"


def quiet_hours() -> tuple[int, int] | None:
    """(start, end) hours, Seoul time, when no SMS goes out: OPS_SMS_QUIET_HOURS, default 21-8."""
    value = str(current_app.config.get("OPS_SMS_QUIET_HOURS") or "").strip().lower()
    if value in ("", "off", "none"):
        return None
    start, end = (int(part) for part in value.split("-"))
    return start, end


def in_quiet_hours(now: datetime) -> bool:
    """True while texts must wait (``now`` is naive UTC)."""
    hours = quiet_hours()
    if hours is None:
        return False
    start, end = hours
    hour = to_seoul(now).hour
    return (hour >= start or hour < end) if start > end else start <= hour < end


def quiet_hours_end(now: datetime) -> datetime:
    """When the quiet hours around ``now`` end (the next 08:00 Seoul time by default), as naive UTC."""
    end = (quiet_hours() or (0, 0))[1]
    local = to_seoul(now)
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0, tzinfo=None)
    if local.hour >= end:
        morning += timedelta(days=1)
    return seoul_to_utc(morning.replace(tzinfo=SEOUL))


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["OPS_OUTBOX_LEASE"]))


def claim_due(token: str, limit: int, now: datetime | None = None) -> list:
    """Claim up to ``limit`` due messages for ``token`` in one conditional UPDATE, and commit.

    Returns plain rows (the outbox columns), not tracked objects: later commits do not
    reload them one by one."""
    now = now or utcnow()
    due = or_(and_(OutboxMessage.status == "pending", OutboxMessage.send_after <= now),
              and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - _lease()))
    if in_quiet_hours(now):
        due = and_(due, OutboxMessage.channel != "sms")
    pick = (select(OutboxMessage.id).where(due).order_by(OutboxMessage.send_after, OutboxMessage.id)
            .limit(limit).with_for_update(skip_locked=True))
    ids = db.session.scalars(
        update(OutboxMessage).where(OutboxMessage.id.in_(pick.scalar_subquery()))
        .values(status="sending", claimed_by=token, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id).execution_options(synchronize_session=False)).all()
    db.session.commit()
    if not ids:
        return []
    return db.session.execute(select(*OutboxMessage.__table__.c).where(OutboxMessage.id.in_(ids))
                              .order_by(OutboxMessage.send_after, OutboxMessage.id)).all()


def consenting_to_reminders(person_ids: set[int]) -> set[int]:
    """Of these people, those who may be sent reminders now (one query): for areas choosing whom to ask."""
    return live_consents(person_ids, SMS_REMINDERS)


def render(message) -> channels.Outgoing:
    """The message's text in its language, filled from its data; PermanentFailure if it cannot be."""
    template = TEMPLATES.get(message.template)
    if template is None:
        raise channels.PermanentFailure(f"unknown template {message.template}")
    locale = "en" if message.locale == "en" else "ko"
    try:
        body = template[locale].format(**(message.data or {}))
        subject = template.get(f"subject_{locale}")
        subject = subject.format(**(message.data or {})) if subject else None
    except (KeyError, IndexError, ValueError) as exc:
        raise channels.PermanentFailure(f"template {message.template} needs {exc}") from None
    if message.channel == "sms" and message.person_id:
        from ..people.stop import stop_url

        body = f"{body} {STOP_LINK[locale].format(url=stop_url(message.person_id))}"
    return channels.Outgoing(id=message.id, key=message.dedup_key, channel=message.channel,
                             recipient=message.recipient, body=body, subject=subject, locale=locale)


def _finish(message_id: int, token: str, **values) -> bool:
    """Record an outcome, only while the row is still ours (a lost lease changes nothing)."""
    done = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.claimed_by == token,
                                    OutboxMessage.status == "sending")
        .values(**values).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(done)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def deliver(message, token: str, consenting: set[int], sent_later: list[int] | None = None,
            withdrawn: set[int] = frozenset()) -> str:
    """Send one claimed message and record the outcome: sent, skipped, failed or pending (retry).

    A text sent through an idempotent SMS channel may be marked sent together with the rest of
    its batch (its id is appended to ``sent_later``): a crash before that mark only means the
    channel is asked again and answers "duplicate". E-mail is marked at once."""
    now = utcnow()
    config = current_app.config
    max_attempts = int(config["OPS_OUTBOX_MAX_ATTEMPTS"])
    if message.attempts > max_attempts:  # claimed again and again: its workers keep dying on it
        _finish(message.id, token, status="failed", last_error="gave up: the worker stopped on every try")
        return "failed"
    if message.purpose == "reminder" and message.person_id not in consenting:
        _finish(message.id, token, status="skipped",
                last_error=WITHDRAWN if message.person_id in withdrawn else NO_CONSENT)
        return "skipped"
    try:
        outgoing = render(message)
        if message.channel == "email":
            channels.mailer(config).send(outgoing)
        elif message.channel == "sms":
            channels.sms_provider(config).send(outgoing)
        else:
            raise channels.PermanentFailure(f"unknown channel {message.channel}")
    except Exception as exc:  # noqa: BLE001 - a channel's bug is a failed try, not a stuck queue
        if not isinstance(exc, channels.SendError):
            log.exception("message %s: unexpected error while sending", message.id)
            exc = channels.TemporaryFailure(f"unexpected error ({type(exc).__name__})")
        reason = str(exc)[:500]
        if exc.permanent or message.attempts >= max_attempts:
            _finish(message.id, token, status="failed", last_error=reason)
            log.warning("message %s failed: %s", message.id, reason)
            return "failed"
        _finish(message.id, token, status="pending", last_error=reason, claimed_by=None,
                send_after=now + _backoff(message.attempts))
        return "pending"
    if sent_later is not None and message.channel == "sms":
        sent_later.append(message.id)
    else:
        _finish(message.id, token, status="sent", sent_at=utcnow(), last_error=None)
    return "sent"


def _mark_sent(ids: list[int], token: str) -> None:
    if ids:
        db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == token,
                                        OutboxMessage.status == "sending")
            .values(status="sent", sent_at=utcnow(), last_error=None).execution_options(synchronize_session=False))
        db.session.commit()


def dispatch_due(batch: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Send everything that is due, a claimed batch at a time, until nothing due is left."""
    token = f"{uuid.uuid4().hex[:12]}"
    batch = batch or int(current_app.config["OPS_OUTBOX_BATCH"])
    counts: dict[str, int] = {}
    while True:
        messages = claim_due(token, batch, now)
        if not messages:
            return counts
        asked = {m.person_id for m in messages if m.purpose == "reminder" and m.person_id}
        consenting = consenting_to_reminders(asked)
        withdrawn = withdrew_consent(asked - consenting, SMS_REMINDERS)
        sent_later: list[int] = []
        for message in messages:
            outcome = deliver(message, token, consenting, sent_later, withdrawn)
            counts[outcome] = counts.get(outcome, 0) + 1
        _mark_sent(sent_later, token)


def retry_message(message_id: int) -> OutboxMessage:
    """Put a failed or skipped message back in the queue, due now; the caller commits."""
    done = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id,
                                    OutboxMessage.status.in_(("failed", "skipped")))
        .values(status="pending", attempts=0, send_after=utcnow(), claimed_by=None, last_error=None)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise NotRetryable()
    wake_after_commit()
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    return message


def outbox_counts() -> dict[str, int]:
    rows = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: n for status, n in rows}


def run_reminder_sources(now: datetime | None = None) -> dict[str, int]:
    """Call every registered reminder source, each in its own transaction; one failing stops no other."""
    from .registry import SOURCES

    now = now or utcnow()
    queued: dict[str, int] = {}
    for name, source in sorted(SOURCES.items()):
        try:
            queued[name] = int(source(now) or 0)
            db.session.commit()
        except Exception:  # noqa: BLE001 - one area's bug must not stop the others' reminders
            db.session.rollback()
            log.exception("reminder source %s failed", name)
            queued[name] = -1
    return queued
