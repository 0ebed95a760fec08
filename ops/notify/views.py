"""Staff pages of the outbox: what was sent, what waits, what failed and why; retry."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..accounts.roles import STAFF, role_required
from ..extensions import db
from .models import OutboxMessage
from .services import NO_CONSENT, STATUSES, WITHDRAWN, NotRetryable, outbox_counts, retry_message

bp = Blueprint("notify", __name__, template_folder="templates", static_folder="static",
               static_url_path="/notify/static")

PAGE = 50


def reason_label(reason: str | None) -> str:
    """The stored (English, stable) reason in the reader's language where it is a known one."""
    if not reason:
        return ""
    if reason == NO_CONSENT:
        return _("No current consent to reminders")
    if reason == WITHDRAWN:
        return _("The person withdrew consent to reminders")
    if reason.startswith("unknown template "):
        return _("Unknown message text (%(name)s)", name=reason.removeprefix("unknown template "))
    return reason


@bp.get("/notify/outbox")
@role_required(*STAFF)
def outbox():
    status = request.args.get("status") or ""
    if status and status not in STATUSES:
        status = ""
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    messages = db.session.scalars(stmt.limit(PAGE).offset((page - 1) * PAGE)).all()
    return render_template("notify/outbox.html", messages=messages, status=status, statuses=STATUSES,
                           counts=outbox_counts(), page=page, total=total, per_page=PAGE,
                           reason_label=reason_label)


@bp.post("/notify/outbox/<int:message_id>/retry")
@role_required(*STAFF)
def retry(message_id: int):
    if db.session.get(OutboxMessage, message_id) is None:
        abort(404)
    try:
        retry_message(message_id)
        db.session.commit()
        flash(_("The message is queued again."), "success")
    except NotRetryable:
        db.session.rollback()
        flash(_("Only failed or skipped messages can be retried."), "error")
    return redirect(url_for("notify.outbox", status=request.form.get("status") or None))
