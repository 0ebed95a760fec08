"""The bus's rules: host institutions, visit requests and decisions, attendance and the survey.

Every state change goes through here; views, the CLI and tasks stay thin. Decisions
that two people could take at once are settled by the database: a conditional
UPDATE on the visit's status and the partial unique index ``uq_bus_visits_booked``
(one approved visit per bus, day and slot).
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from ...core.errors import DomainError, InvalidInput
from ...core.timeutil import seoul_today, utcnow
from ...extensions import db
from ...notify.services import queue_message
from ...passes.codes import InvalidCode, sign_code, verify_code
from ...people.consent import COLLECTION, SMS_REMINDERS
from ...people.districts import find_district
from ...people.models import Person
from ...people.services import find_or_create_person, record_consent
from .models import (AGE_BANDS, APPROVED, CANCELLED, DECLINED, INSTITUTION_KINDS, PROPOSED, REQUESTED, Bus,
                     BusAttendanceCount, BusBlackout, BusParticipant, BusProgramme, BusSeason, BusSlot,
                     BusSurveyAnswer, BusSurveyCard, BusVisit, HostInstitution)

SURVEY_DAYS_OPEN = 7  # a card can be answered from the visit's day until a week later
MAX_RUN_PARTICIPANTS = 500  # a sanity bound on one run's recorded count, against typing slips


# --- Errors ---------------------------------------------------------------------------------

class BusError(DomainError):
    code = "bus_error"
    message = _l("That cannot be done.")


class InvalidVisit(InvalidInput, BusError):
    """Bad request input: ``errors`` maps each form field to a message in the user's language."""

    code = "invalid"


class InvalidInstitution(InvalidVisit):
    code = "invalid_institution"


class SlotTaken(BusError):
    code = "slot_taken"
    message = _l("The bus is already booked for that day and time. Please choose another.")


class AlreadyRequested(InvalidVisit):
    """The institution already has a live request (asked, proposed or approved) for that day and slot."""

    code = "already_requested"
    message = _l("Your institution has already asked for the bus on that day and time. "
                 "Please see your requests or choose another time.")

    def __init__(self):
        super().__init__({"slot": self.message})


class NotPending(BusError):
    code = "not_pending"
    message = _l("This request has already been decided.")


class NotRecordable(BusError):
    code = "not_recordable"
    message = _l("Participants can be recorded only for an approved visit, from its day on.")


class UnknownCard(BusError):
    code = "unknown_card"
    message = _l("This survey card is not valid. Please ask the bus staff for a new card.")


class SurveyClosed(BusError):
    code = "survey_closed"
    message = _l("This survey is not open. It opens on the day of the visit and stays open for a week.")


class AlreadyAnswered(BusError):
    code = "already_answered"
    message = _l("This card has already been used to answer. Thank you!")


class BadLink(BusError):
    code = "bad_link"
    message = _l("This link is not valid any more. Please contact the foundation.")


# --- Labels ---------------------------------------------------------------------------------

KIND_LABELS = {
    "welfare_center": _l("Welfare center"), "senior_center": _l("Senior center"), "library": _l("Library"),
    "community_center": _l("Community center"), "school": _l("School"), "other": _l("Other"),
}
BAND_LABELS = {"under_20": _l("Under 20"), "20_59": _l("20–59"), "60_69": _l("60–69"), "70_79": _l("70–79"),
               "80_plus": _l("80 and over")}
STATUS_LABELS = {REQUESTED: _l("Requested"), PROPOSED: _l("Other date proposed"), APPROVED: _l("Approved"),
                 DECLINED: _l("Declined"), CANCELLED: _l("Cancelled")}
ROLE_LABELS = {"grandparent": _l("Grandparent"), "grandchild": _l("Grandchild"), "other": _l("Other")}


def age_band(birth_year: int, on_year: int) -> str:
    age = on_year - birth_year
    if age < 20:
        return "under_20"
    if age < 60:
        return "20_59"
    if age < 70:
        return "60_69"
    if age < 80:
        return "70_79"
    return "80_plus"


# --- Signed links (no login) -----------------------------------------------------------------

def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["OPS_SIGNING_KEY"], salt=salt)


def institution_token(institution: HostInstitution) -> str:
    return _serializer("bus.institution").dumps([institution.id, institution.link_version])


def institution_from_token(token: str) -> HostInstitution:
    """The institution whose signed link this is; BadLink for a forged or revoked link."""
    try:
        institution_id, version = _serializer("bus.institution").loads(token)
    except (BadSignature, ValueError, TypeError):
        raise BadLink() from None
    institution = db.session.get(HostInstitution, institution_id)
    if institution is None or institution.link_version != version:
        raise BadLink()
    return institution


def proposal_token(visit: BusVisit) -> str:
    return _serializer("bus.proposal").dumps([visit.id, visit.proposal_round])


def read_proposal_token(token: str) -> tuple[BusVisit, int]:
    try:
        visit_id, round_ = _serializer("bus.proposal").loads(token)
    except (BadSignature, ValueError, TypeError):
        raise BadLink() from None
    visit = db.session.get(BusVisit, visit_id)
    if visit is None:
        raise BadLink()
    return visit, round_


def public_url(path: str) -> str:
    return current_app.config["OPS_BASE_URL"].rstrip("/") + path


def institution_url(institution: HostInstitution) -> str:
    return public_url(f"/bus/i/{institution_token(institution)}")


def proposal_url(visit: BusVisit) -> str:
    return public_url(f"/bus/p/{proposal_token(visit)}")


# --- Host institutions ----------------------------------------------------------------------

def add_contact(name: str, phone: str, *, consent: bool, sms_consent: bool = False, source: str = "web",
                recorded_by=None) -> Person:
    """The institution's contact person, with their consent recorded (the caller commits)."""
    if not consent:
        raise InvalidInstitution({"consent_collection": _l("We need your consent to take the request.")})
    person = find_or_create_person(name, phone)
    record_consent(person, COLLECTION, True, source=source, recorded_by=recorded_by)
    record_consent(person, SMS_REMINDERS, bool(sms_consent), source=source, recorded_by=recorded_by)
    return person


def find_or_add_institution(name: str, kind: str, district: str, *, contact: Person | None = None,
                            address: str | None = None, is_hub: bool = False) -> HostInstitution:
    """The institution with this name in this district, added when new (the caller commits)."""
    name = " ".join((name or "").split())
    errors = {}
    if not name or len(name) > 120:
        errors["institution_name"] = _l("Please enter the institution's name.")
    if kind not in INSTITUTION_KINDS:
        errors["institution_kind"] = _l("Please choose the kind of institution.")
    found = find_district(district)
    if found is None:
        errors["district"] = _l("Please choose the district.")
    if errors:
        raise InvalidInstitution(errors)
    institution = db.session.scalar(select(HostInstitution).where(HostInstitution.name == name,
                                                                  HostInstitution.district == found.code))
    if institution is None:
        institution = HostInstitution(name=name, kind=kind, district=found.code, address=address or None,
                                      is_hub=is_hub, contact=contact)
        try:
            with db.session.begin_nested():
                db.session.add(institution)
                db.session.flush()
        except IntegrityError:  # added by a concurrent request a moment ago
            institution = db.session.scalar(select(HostInstitution).where(
                HostInstitution.name == name, HostInstitution.district == found.code))
    elif institution.contact is None and contact is not None:
        institution.contact = contact
    return institution


def change_contact(institution: HostInstitution, contact: Person) -> None:
    """A new contact person for the institution; links given to the previous one stop working."""
    if institution.contact_person_id != contact.id:
        institution.contact = contact
        renew_institution_link(institution)


def renew_institution_link(institution: HostInstitution) -> None:
    """Revoke every link given to the institution so far (a contact left, a link was forwarded)."""
    institution.link_version += 1


# --- Buses, seasons, slots, programmes -------------------------------------------------------

def add_bus(name: str, seats: int, *, seasons=(), slots=(), weekends: bool = False) -> Bus:
    """A bus with its seasons [(starts, ends)] and daily slots [(code, name_ko, name_en, starts, ends)]."""
    if seats < 1:
        raise InvalidVisit({"seats": _l("A bus needs at least one seat.")})
    bus = Bus(name=name, seats=seats, weekends=weekends)
    for starts, ends in seasons:
        bus.seasons.append(BusSeason(starts=starts, ends=ends))
    for code, name_ko, name_en, starts, ends in slots:
        bus.slots.append(BusSlot(code=code, name_ko=name_ko, name_en=name_en, starts=starts, ends=ends))
    db.session.add(bus)
    db.session.flush()
    return bus


def add_season(bus: Bus, starts: date, ends: date) -> BusSeason:
    if ends < starts:
        raise InvalidVisit({"ends": _l("The season must end after it starts.")})
    season = BusSeason(starts=starts, ends=ends)
    bus.seasons.append(season)
    return season


def add_blackout(bus: Bus, day: date, reason: str | None = None) -> BusBlackout:
    """Close the bus on a day (a holiday, maintenance); already-approved visits stay and are listed."""
    blackout = db.session.scalar(select(BusBlackout).where(BusBlackout.bus_id == bus.id, BusBlackout.day == day))
    if blackout is None:
        blackout = BusBlackout(day=day, reason=(reason or "").strip() or None)
        bus.blackouts.append(blackout)
    return blackout


def remove_blackout(bus: Bus, blackout_id: int) -> None:
    blackout = db.session.get(BusBlackout, blackout_id)
    if blackout is not None and blackout.bus_id == bus.id:
        bus.blackouts.remove(blackout)


def update_bus(bus: Bus, *, seats: int, weekends: bool) -> None:
    """Change the seats (later requests are checked against them) and whether the bus runs on weekends."""
    if seats < 1:
        raise InvalidVisit({"seats": _l("A bus needs at least one seat.")})
    bus.seats = seats
    bus.weekends = weekends


def approved_on(bus: Bus, day: date) -> list[BusVisit]:
    """Approved visits of a bus on a day (to contact them when the day is closed after all)."""
    return list(db.session.scalars(select(BusVisit).where(BusVisit.bus_id == bus.id, BusVisit.day == day,
                                                          BusVisit.status == APPROVED)))


def add_programme(code: str, name_ko: str, name_en: str, *, per_person: bool = False) -> BusProgramme:
    programme = db.session.scalar(select(BusProgramme).where(BusProgramme.code == code))
    if programme is None:
        programme = BusProgramme(code=code, name_ko=name_ko, name_en=name_en, per_person=per_person)
        db.session.add(programme)
        db.session.flush()
    return programme


# --- The bus's calendar ---------------------------------------------------------------------

def closed_reason(bus, day: date):
    """Why the bus does not run on ``day`` (a lazy message), or None when it runs."""
    if not any(season.starts <= day <= season.ends for season in bus.seasons):
        seasons = ", ".join(f"{s.starts:%m.%d}–{s.ends:%m.%d}" for s in bus.seasons) or "-"
        return _l("The bus runs only in its seasons (%(seasons)s). Please choose another date.", seasons=seasons)
    for blackout in bus.blackouts:
        if blackout.day == day:
            return _l("The bus does not run on %(date)s (%(reason)s). Please choose another date.",
                      date=day.isoformat(), reason=blackout.reason or "-")
    if day.weekday() >= 5 and not bus.weekends:
        return _l("The bus does not run on Saturdays and Sundays. Please choose a weekday.")
    return None


def slot_is_booked(slot_id: int, day: date, *, except_visit_id: int | None = None) -> bool:
    stmt = select(BusVisit.id).where(BusVisit.slot_id == slot_id, BusVisit.day == day, BusVisit.status == APPROVED)
    if except_visit_id is not None:
        stmt = stmt.where(BusVisit.id != except_visit_id)
    return db.session.scalar(select(exists(stmt))) or False


def check_date_and_slot(slot: BusSlot | None, day: date | None, *, today: date,
                        except_visit_id: int | None = None) -> dict:
    """Errors (by field) for a day and slot the bus could not serve; empty when it can."""
    errors = {}
    if slot is None or not slot.active or not slot.bus.active:
        errors["slot"] = _l("Please choose one of the bus's time slots.")
    if day is None:
        errors["day"] = _l("Please choose a date.")
    elif day <= today:
        errors["day"] = _l("Please choose a date from tomorrow on.")
    elif slot is not None and "slot" not in errors:
        reason = closed_reason(slot.bus, day)
        if reason is not None:
            errors["day"] = reason
        elif slot_is_booked(slot.id, day, except_visit_id=except_visit_id):
            errors["slot"] = SlotTaken.message
    return errors


def _check_request(slot, day, programme, expected, today) -> None:
    errors = check_date_and_slot(slot, day, today=today)
    if programme is None or not programme.active:
        errors["programme"] = _l("Please choose a programme.")
    if expected is None or expected < 1:
        errors["expected_participants"] = _l("Please enter the expected number of participants (at least 1).")
    elif slot is not None and "slot" not in errors and expected > slot.bus.seats:
        errors["expected_participants"] = _l("At most %(seats)d people can take part in one run of this bus.",
                                             seats=slot.bus.seats)
    if errors:
        raise InvalidVisit(errors)


# --- Visit requests and decisions ------------------------------------------------------------

def speaks_for_institution(visit: BusVisit) -> bool:
    """Whether the visit's contact is the institution's registered contact.

    Anyone can type an existing institution's name into the public form; only its
    registered contact is given the institution's own page (with all its requests).
    """
    contact_id = visit.contact_person_id or (visit.contact.id if visit.contact else None)
    return contact_id is not None and contact_id == visit.institution.contact_person_id


def message_data(visit: BusVisit) -> dict:
    url = institution_url(visit.institution) if speaks_for_institution(visit) else public_url("/bus/free")
    return {"institution": visit.institution.name, "date": visit.day.isoformat(),
            "time": f"{visit.slot.starts:%H:%M}–{visit.slot.ends:%H:%M}", "programme": visit.programme.name_ko,
            "url": url}


def _notify(visit: BusVisit, template: str, key: str, **extra) -> None:
    contact = visit.contact or visit.institution.contact
    if contact is None:
        return
    queue_message(template=template, dedup_key=f"bus:{key}:{visit.id}:{visit.proposal_round}", person=contact,
                  data={**message_data(visit), **extra}, purpose="service")


def request_visit(institution: HostInstitution, *, slot_id: int | None, day: date | None, programme_id: int | None,
                  expected_participants: int | None, contact: Person | None = None, source: str = "web",
                  note: str | None = None, by_user=None, today: date | None = None, notify: bool = True) -> BusVisit:
    """Record a visit request after checking it against the bus's calendar and seats.

    ``today`` and ``notify=False`` let staff enter past runs from paper records.
    """
    slot = db.session.get(BusSlot, slot_id) if slot_id else None
    programme = db.session.get(BusProgramme, programme_id) if programme_id else None
    _check_request(slot, day, programme, expected_participants, today or seoul_today())
    visit = BusVisit(institution=institution, contact=contact or institution.contact, bus_id=slot.bus_id, day=day,
                     slot=slot, programme=programme, expected_participants=expected_participants,
                     source=source, note=(note or "").strip() or None, created_by_id=getattr(by_user, "id", None))
    try:
        with db.session.begin_nested():  # uq_bus_visits_live_request decides, also for two requests at once
            db.session.add(visit)
            db.session.flush()
    except IntegrityError:
        raise AlreadyRequested() from None
    if notify:
        _notify(visit, "bus.request_received", "received")
    return visit


def _decide(visit_id: int, from_states: tuple[str, ...], *conditions, **values) -> None:
    """Change a visit's status only if it is still in one of ``from_states`` (two staff, one decision)."""
    try:
        with db.session.begin_nested():
            result = db.session.execute(update(BusVisit).where(BusVisit.id == visit_id,
                                                               BusVisit.status.in_(from_states), *conditions)
                                        .values(decided_at=utcnow(), **values)
                                        .execution_options(synchronize_session=False))
    except IntegrityError:
        raise SlotTaken() from None
    if result.rowcount != 1:
        raise NotPending()


def _reload(visit_id: int) -> BusVisit:
    visit = db.session.get(BusVisit, visit_id, populate_existing=True)
    return visit


def approve_visit(visit_id: int, *, by_user=None, notify: bool = True) -> BusVisit:
    """Approve a request; SlotTaken if the bus is already booked then (decided by the unique index)."""
    visit = db.session.get(BusVisit, visit_id)
    if visit is not None and visit.status == REQUESTED:
        reason = closed_reason(visit.bus, visit.day)  # e.g. a day closed after the request came in
        if reason is not None:
            raise InvalidVisit({"day": reason})
    _decide(visit_id, (REQUESTED,), status=APPROVED, decided_by_id=getattr(by_user, "id", None),
            decision_reason=None)
    visit = _reload(visit_id)
    if notify:
        _notify(visit, "bus.visit_approved", "approved")
    return visit


def decline_visit(visit_id: int, reason: str, *, by_user=None) -> BusVisit:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidVisit({"reason": _l("Please give the reason, so the institution knows why.")})
    _decide(visit_id, (REQUESTED, PROPOSED), status=DECLINED, decision_reason=reason[:300],
            decided_by_id=getattr(by_user, "id", None))
    visit = _reload(visit_id)
    _notify(visit, "bus.visit_declined", "declined", reason=visit.decision_reason)
    return visit


def cancel_visit(visit_id: int, reason: str, *, by_user=None) -> BusVisit:
    """Cancel a visit (even an approved one: the slot becomes free again)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidVisit({"reason": _l("Please give the reason, so the institution knows why.")})
    _decide(visit_id, (REQUESTED, PROPOSED, APPROVED), status=CANCELLED, decision_reason=reason[:300],
            decided_by_id=getattr(by_user, "id", None))
    visit = _reload(visit_id)
    _notify(visit, "bus.visit_cancelled", "cancelled", reason=visit.decision_reason)
    return visit


def propose_other_date(visit_id: int, *, day: date | None, slot_id: int | None, by_user=None,
                       today: date | None = None) -> BusVisit:
    """Offer the institution another day or slot; it accepts or refuses through a signed link."""
    visit = db.session.get(BusVisit, visit_id)
    if visit is None or visit.status not in (REQUESTED, PROPOSED):
        raise NotPending()
    slot = db.session.get(BusSlot, slot_id) if slot_id else None
    errors = check_date_and_slot(slot, day, today=today or seoul_today())
    if not errors and slot.bus.seats < visit.expected_participants:
        errors["slot"] = _l("At most %(seats)d people can take part in one run of this bus.", seats=slot.bus.seats)
    if errors:
        raise InvalidVisit(errors)
    _decide(visit_id, (REQUESTED, PROPOSED), status=PROPOSED, proposed_day=day, proposed_slot_id=slot.id,
            proposal_round=BusVisit.proposal_round + 1, decided_by_id=getattr(by_user, "id", None))
    visit = _reload(visit_id)
    _notify(visit, "bus.visit_proposed", "proposed", proposed_date=day.isoformat(),
            proposed_time=f"{slot.starts:%H:%M}–{slot.ends:%H:%M}", proposal_url=proposal_url(visit))
    return visit


def answer_proposal(visit: BusVisit, round_: int, *, accept: bool) -> BusVisit:
    """The contact's answer to a proposal: accepted, the visit is approved on the proposed day and slot."""
    if visit.status != PROPOSED or visit.proposal_round != round_:
        raise NotPending()
    if accept:
        slot = visit.proposed_slot
        _decide(visit.id, (PROPOSED,), BusVisit.proposal_round == round_, status=APPROVED, day=visit.proposed_day,
                slot_id=slot.id, bus_id=slot.bus_id)
        visit = _reload(visit.id)
        _notify(visit, "bus.visit_approved", "approved")
    else:
        # Back to staff, who see that the proposal was refused (a round > 0 while requested).
        _decide(visit.id, (PROPOSED,), BusVisit.proposal_round == round_, status=REQUESTED)
        visit = _reload(visit.id)
    return visit


# --- On the day: participants ---------------------------------------------------------------

def _recordable(visit: BusVisit, today: date | None) -> None:
    if visit.status != APPROVED or visit.day > (today or seoul_today()):
        raise NotRecordable()


def record_counts(visit: BusVisit, counts: dict[str, int | None], *, by_user=None, today: date | None = None) -> None:
    """Set the number of participants per age band for a run (replacing what was recorded)."""
    _recordable(visit, today)
    errors = {}
    clean = {}
    for band in AGE_BANDS:
        value = counts.get(band) or 0
        if not isinstance(value, int) or value < 0 or value > MAX_RUN_PARTICIPANTS:
            errors[band] = _l("Please enter a number from 0 to %(most)d.", most=MAX_RUN_PARTICIPANTS)
        clean[band] = value
    if not errors and sum(clean.values()) > MAX_RUN_PARTICIPANTS:
        errors[AGE_BANDS[0]] = _l("Please enter a number from 0 to %(most)d.", most=MAX_RUN_PARTICIPANTS)
    if errors:
        raise InvalidVisit(errors)
    existing = {row.age_band: row for row in visit.counts}
    for band, value in clean.items():
        if band in existing:
            existing[band].count = value
        else:
            visit.counts.append(BusAttendanceCount(age_band=band, count=value))
    visit.recorded_at = utcnow()


def add_participant(visit: BusVisit, *, name: str, phone: str | None, birth_year: int | None, role: str,
                    consent: bool, by_user=None, today: date | None = None) -> BusParticipant:
    """Record one named participant of a per-person run (the pilot), with their consent."""
    _recordable(visit, today)
    errors = {}
    if not visit.programme.per_person:
        errors["name"] = _l("This programme records participants by age band, not one by one.")
    if role not in ROLE_LABELS:
        errors["role"] = _l("Please choose the role.")
    if not birth_year:
        errors["birth_year"] = _l("Please enter the year of birth.")
    if not consent:
        errors["consent_collection"] = _l("We need consent (a guardian's for a child) to record a participant.")
    if errors:
        raise InvalidVisit(errors)
    person = find_or_create_person(name, phone or None, birth_year=birth_year)
    record_consent(person, COLLECTION, True, source="staff", recorded_by=by_user)
    participant = db.session.scalar(select(BusParticipant).where(BusParticipant.visit_id == visit.id,
                                                                 BusParticipant.person_id == person.id))
    if participant is None:
        participant = BusParticipant(visit_id=visit.id, person=person, role=role,
                                     age_band=age_band(birth_year, visit.day.year),
                                     recorded_by_id=getattr(by_user, "id", None))
        try:
            with db.session.begin_nested():
                db.session.add(participant)
                db.session.flush()
        except IntegrityError:  # the same person added from a second phone a moment ago
            participant = db.session.scalar(select(BusParticipant).where(BusParticipant.visit_id == visit.id,
                                                                         BusParticipant.person_id == person.id))
    visit.recorded_at = utcnow()
    return participant


def remove_participant(visit: BusVisit, participant_id: int) -> None:
    participant = db.session.get(BusParticipant, participant_id)
    if participant is not None and participant.visit_id == visit.id:
        db.session.delete(participant)


def participant_total(visit: BusVisit) -> int:
    return sum(c.count for c in visit.counts) + len(visit.participants)


# --- The satisfaction survey ----------------------------------------------------------------
#
# Why printed per-seat cards, and not one QR on the bus plus a cookie: a cookie holds only
# on one browser. A participant can answer again in a private window, on a grandchild's
# phone, or after clearing cookies, and two people sharing one phone could answer only
# once. A card is a physical thing handed to one person: its QR carries a signed code
# (``ops.passes.codes``, kind "B", scope "V<visit id>") that cannot be forged or guessed,
# and the answer table's unique ``card_id`` accepts one answer per card, also when the
# same card is submitted twice at once. So "once per person per run" holds as long as
# staff hand one card to each participant, which is how the bus works already.

def _scope(visit_id: int) -> str:
    return f"V{visit_id}"


def issue_survey_cards(visit: BusVisit, count: int) -> list[BusSurveyCard]:
    """Make sure the run has cards for seats 1..count (more can be added later); the caller commits."""
    count = max(0, min(int(count), MAX_RUN_PARTICIPANTS))
    have = set(db.session.scalars(select(BusSurveyCard.seat).where(BusSurveyCard.visit_id == visit.id)))
    for seat in range(1, count + 1):
        if seat in have:
            continue
        card = BusSurveyCard(visit_id=visit.id, seat=seat, serial=sign_code("B", _scope(visit.id)).serial)
        try:
            with db.session.begin_nested():
                db.session.add(card)
                db.session.flush()
        except IntegrityError:  # printed from another screen at the same moment
            pass
    return survey_cards(visit)


def survey_cards(visit: BusVisit) -> list[BusSurveyCard]:
    return list(db.session.scalars(select(BusSurveyCard).where(BusSurveyCard.visit_id == visit.id)
                                   .order_by(BusSurveyCard.seat)))


def card_code(card: BusSurveyCard) -> str:
    return sign_code("B", _scope(card.visit_id), card.serial).text


def survey_url(card: BusSurveyCard) -> str:
    return public_url(f"/bus/s/{card_code(card)}")


def find_card(code_text: str) -> BusSurveyCard:
    """The card a scanned or typed code belongs to; UnknownCard for anything forged or not ours."""
    try:
        code = verify_code(code_text, kind="B")
    except InvalidCode:
        raise UnknownCard() from None
    card = db.session.scalar(select(BusSurveyCard).where(BusSurveyCard.serial == code.serial))
    if card is None or _scope(card.visit_id) != code.scope:
        raise UnknownCard()
    return card


def survey_open(visit: BusVisit, today: date) -> bool:
    return visit.status == APPROVED and 0 <= (today - visit.day).days <= SURVEY_DAYS_OPEN


def answer_survey(code_text: str, *, score, comment: str | None = None, today: date | None = None) -> BusSurveyAnswer:
    """Store one card's 1–5 answer; AlreadyAnswered for a card used before (unique card_id)."""
    card = find_card(code_text)
    visit = db.session.get(BusVisit, card.visit_id)
    if not survey_open(visit, today or seoul_today()):
        raise SurveyClosed()
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidVisit({"score": _l("Please choose a score from 1 to 5.")})
    answer = BusSurveyAnswer(card_id=card.id, visit_id=card.visit_id, score=score,
                             comment=(comment or "").strip()[:1000] or None)
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:
        raise AlreadyAnswered() from None
    return answer


def survey_results(visit: BusVisit) -> tuple[float | None, list[BusSurveyAnswer]]:
    """A run's mean score and its answers that carry a comment (newest first)."""
    mean = db.session.scalar(select(func.avg(BusSurveyAnswer.score)).where(BusSurveyAnswer.visit_id == visit.id))
    comments = list(db.session.scalars(select(BusSurveyAnswer).where(BusSurveyAnswer.visit_id == visit.id,
                                                                     BusSurveyAnswer.comment.is_not(None))
                                       .order_by(BusSurveyAnswer.answered_at.desc()).limit(100)))
    return (round(float(mean), 2) if mean is not None else None), comments


def card_answered(card: BusSurveyCard) -> bool:
    return db.session.scalar(select(func.count(BusSurveyAnswer.id)).where(BusSurveyAnswer.card_id == card.id)) > 0
