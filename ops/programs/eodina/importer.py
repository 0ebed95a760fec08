"""Bulk import of learners from an XLSX or CSV sheet, row by row.

A bad row is reported (row number, column, message) and skipped; the good rows are kept.
Running the same file again adds nobody twice: a learner is the person (same name and
phone, see ``find_or_create_person``) and a person is a learner at most once.
"""
from __future__ import annotations

from flask_babel import force_locale, gettext as _

from ...core.errors import DomainError
from ...core.sheets import BadSheet, read_sheet  # noqa: F401 (BadSheet: what views catch)
from ...core.timeutil import utcnow
from ...extensions import db
from ...people.districts import find_district
from ...people.phone import InvalidPhone
from .catalog import parse_slots, parse_topics
from .models import Center, ImportJob
from .services import register_learner

MAX_BYTES = 5 * 1024 * 1024
COMMIT_EVERY = 50

# Header words (Korean or English) → field.
COLUMNS = {
    "이름": "name", "성명": "name", "name": "name",
    "휴대전화": "phone", "전화번호": "phone", "연락처": "phone", "phone": "phone", "mobile": "phone",
    "출생연도": "birth_year", "birth_year": "birth_year", "birth year": "birth_year",
    "자치구": "district", "district": "district",
    "희망센터": "center", "희망 센터": "center", "center": "center",
    "가능시간": "availability", "가능 시간": "availability", "availability": "availability",
    "배우고 싶은 것": "topics", "희망주제": "topics", "희망 주제": "topics", "topics": "topics",
    "문자수신": "sms", "문자 수신": "sms", "sms": "sms",
}
REQUIRED = ("name", "phone", "district")
YES = {"y", "yes", "o", "예", "동의", "1", "true", "네"}


def read_rows(filename: str, content: bytes) -> list[dict]:
    """The sheet's data rows as {field: text}, each with its sheet row number under ``_row``."""
    return read_sheet(filename, content, COLUMNS, REQUIRED)


def _row_error(row: int, field: str, message: str) -> dict:
    return {"row": row, "field": field, "message": message}


def _import_one(record: dict, centers: dict[str, int], job: ImportJob, by_user) -> tuple[str, dict | None]:
    row = record["_row"]
    for f in REQUIRED:
        if not record.get(f):
            return "error", _row_error(row, f, _("This column is empty."))
    district = find_district(record["district"])
    if district is None:
        return "error", _row_error(row, "district", _("Unknown district: %(value)s", value=record["district"]))
    try:
        slots = parse_slots(record.get("availability"))
    except ValueError as exc:
        return "error", _row_error(row, "availability", _("Unknown time: %(value)s", value=str(exc)))
    try:
        topics = parse_topics(record.get("topics"))
    except ValueError as exc:
        return "error", _row_error(row, "topics", _("Unknown topic: %(value)s", value=str(exc)))
    birth_year = None
    if record.get("birth_year"):
        try:
            birth_year = int(float(record["birth_year"]))
        except ValueError:
            return "error", _row_error(row, "birth_year", _("Please check the year of birth."))
        if not 1900 <= birth_year <= utcnow().year:
            return "error", _row_error(row, "birth_year", _("Please check the year of birth."))
    center_id = None
    if record.get("center"):
        center_id = centers.get(record["center"].strip())
        if center_id is None:
            return "error", _row_error(row, "center", _("Unknown center: %(value)s", value=record["center"]))
    try:
        with db.session.begin_nested():
            _learner, created = register_learner(
                name=record["name"], phone=record["phone"], district=district.code, birth_year=birth_year,
                preferred_center_id=center_id, availability=slots, topics=topics, consent=True,
                sms_consent=(record.get("sms") or "").strip().lower() in YES, source=job.source, by_user=by_user)
    except InvalidPhone:
        return "error", _row_error(row, "phone", _("Please check the mobile number (for example 010-1234-5678)."))
    except DomainError:
        return "error", _row_error(row, "name", _("Please check this row."))
    return ("added" if created else "existing"), None


def process_import(job: ImportJob, locale: str = "ko") -> ImportJob:
    """Run an import job to the end, committing progress as it goes (the status page polls it)."""
    from ...accounts.models import User

    by_user = db.session.get(User, job.created_by_id) if job.created_by_id else None
    with force_locale(locale):
        job.status, job.processed, job.added, job.existing, job.errors = "running", 0, 0, 0, []
        try:
            records = read_rows(job.filename, job.content or b"")
        except BadSheet as exc:
            job.status, job.finished_at = "failed", utcnow()
            job.errors = [_row_error(1, ",".join(exc.details.get("missing", [])) or "file", _sheet_message(exc))]
            db.session.commit()
            return job
        job.total = len(records)
        db.session.commit()
        centers = {c.name: c.id for c in db.session.scalars(db.select(Center))}
        errors: list[dict] = []
        for i, record in enumerate(records, start=1):
            outcome, error = _import_one(record, centers, job, by_user)
            if outcome == "added":
                job.added += 1
            elif outcome == "existing":
                job.existing += 1
            else:
                errors.append(error)
            job.processed = i
            if i % COMMIT_EVERY == 0:
                job.errors = list(errors)
                db.session.commit()
        job.errors = errors
        job.status, job.finished_at, job.content = "done", utcnow(), None
        db.session.commit()
    return job


def _sheet_message(exc: BadSheet) -> str:
    reason = str(exc)
    if reason == "columns":
        return _("The sheet needs the columns 이름, 휴대전화 and 자치구 (name, phone, district) in its first row.")
    if reason == "type":
        return _("Please upload an .xlsx or .csv file.")
    return _("The file could not be read as a sheet.")


def create_import(filename: str, content: bytes, *, by_user=None, source: str = "import") -> ImportJob:
    """A queued import job holding the uploaded file until it has run."""
    if len(content) > MAX_BYTES:
        raise BadSheet("size")
    if not filename.lower().endswith((".xlsx", ".csv")):
        raise BadSheet("type")
    job = ImportJob(filename=filename[:200], content=content, source=source,
                    created_by_id=getattr(by_user, "id", None))
    db.session.add(job)
    db.session.flush()
    return job
