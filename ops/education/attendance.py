"""The scanner's answer for attendance codes (kind A): the shared scanner page and API dispatch here."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.timeutil import to_seoul
from ..extensions import db
from ..passes.checkin import AlreadyCheckedIn
from ..passes.codes import SignedCode
from ..passes.scan import ScanOutcome, scan_handler
from .models import CANCELLED, CONFIRMED, Enrolment
from .services import NotAttendanceTime, record_attendance, session_for_scan


@scan_handler("A")
def admit_attendee(code: SignedCode, *, gate: str | None = None, by_user=None,
                   occasion: str | None = None) -> ScanOutcome:
    """Mark the learner present at the session named (``occasion``) or the course's session today."""
    enrolment = db.session.scalar(select(Enrolment).options(joinedload(Enrolment.course), joinedload(Enrolment.person))
                                  .where(Enrolment.code == code.text))
    if enrolment is None or enrolment.course.scope != code.scope:
        return ScanOutcome("unknown", 404, detail=_("No enrolment has this code."))
    locale = str(get_locale() or "ko")
    name, course = enrolment.person.masked_name, enrolment.course
    if enrolment.status == CANCELLED:
        return ScanOutcome("cancelled", 422, name=name, label=course.title(locale),
                           detail=_("This enrolment was cancelled."))
    if enrolment.status != CONFIRMED:
        return ScanOutcome("not_confirmed", 422, name=name, label=course.title(locale),
                           detail=_("Still on the waiting list: no place in this course yet."))
    session = session_for_scan(course, occasion)
    if session is None:
        return ScanOutcome("wrong_day", 422, name=name, label=course.title(locale),
                           detail=_("This course has no session today."))
    label = f"{course.title(locale)} · {to_seoul(session.starts_at):%m-%d %H:%M}"
    try:
        record_attendance(enrolment, session, by_user=by_user, gate=gate)
    except NotAttendanceTime as exc:
        return ScanOutcome("not_now", 422, name=name, label=label,
                           detail=_("Attendance for this session is taken from %(opens)s to %(closes)s.",
                                    **exc.hours()))
    except AlreadyCheckedIn as exc:
        return ScanOutcome("already_checked_in", 409, name=name, label=label,
                           detail=_("Already marked present at this session."),
                           first_at=exc.first.at, first_gate=exc.first.gate)
    return ScanOutcome("ok", 200, name=name, label=label, extra={"session_id": session.id})
