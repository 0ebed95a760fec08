"""The offline scanner's two halves on the server: the list it downloads and the scans it uploads.

How a door keeps admitting people when the hall's Wi-Fi drops (see the README, "Offline scanner"):

- **The list.** Before doors open and every few minutes after, a scanner downloads, for its
  context (``events:slw-2025``) and the day, one row per ticket: a hash of the code (never the
  code), the masked name, the ticket type and status, and the day's admission (time, gate).
  After the first download it sends its cursor and gets only the rows changed since
  (registrations, cancellations, promotions, admissions and undos). An area provides its
  list with ``@offline_list("events")``.
- **Forged codes offline.** Our codes are signed with a server secret (HMAC, ``codes.py``);
  the secret never leaves the server (a lost phone would let anyone mint tickets). A scanner
  instead admits only a code whose hash is in its list: a forged or altered code has a hash
  that is not. A ticket made after the last download is unknown offline, and the scanner
  says so (the visitor goes to the desk) rather than guess.
- **The upload.** Scans made offline are kept by the scanner (IndexedDB) with a unique id and
  their scan time, and uploaded to ``POST /api/v1/checkin/batch``. ``apply_batch`` claims
  each id once (``offline_scans.scan_id`` is unique: a batch sent twice changes nothing and
  gets the same answers), lets the area's rules judge each scan *at its scan time*
  (``@offline_rules("T")``) and hands the admissible ones to the check-in engine, where the
  first scan in time wins (``admit_first_in_time``) and later admissions of the same pass are
  kept as conflicts for staff.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import bindparam, select, update

from ..core.sql import dialect_insert
from ..core.timeutil import to_seoul
from ..extensions import db
from .checkin import Admission, admit_first_in_time
from .codes import InvalidCode, SignedCode, verify_code
from .models import CheckIn, OfflineScan

# A download's cursor reaches back this far: a change written by a transaction that was still
# open when the last download read (its timestamps earlier than the cursor) is sent again,
# not lost. Rows are whole ticket states, so receiving one twice does no harm.
CURSOR_OVERLAP = timedelta(minutes=2)
# A scan time later than the server's clock by more than this is refused as impossible.
CLOCK_SLACK = timedelta(minutes=5)
HASH_CHARS = 16  # 64 bits of SHA-256: among 30,000 tickets a random code matches one with odds ~1e-15


def code_hash(code_text: str) -> str:
    """What a scanner's list holds instead of a code (the scanner computes the same in JavaScript)."""
    return hashlib.sha256(code_text.encode()).hexdigest()[:HASH_CHARS]


# --- The download -------------------------------------------------------------------------------

OFFLINE_LISTS: dict[str, Callable[..., dict | None]] = {}


def offline_list(area: str):
    """Register an area's list: ``fn(value, *, since, day, now) -> dict | None`` (None: no such context).

    The dict holds ``scope`` (the code scope the list covers), ``days``, ``types``
    (``{id: [name, label_ko, label_en]}``) and ``tickets`` (rows
    ``[hash, masked name, type id, status c|w|x, admitted_at ISO or None, gate]``),
    only the rows changed after ``since`` when it is given.
    """

    def decorator(fn):
        OFFLINE_LISTS[area] = fn
        return fn

    return decorator


def _parse_cursor(cursor: str | None, day: str) -> datetime | None:
    """The time of the last download when it was for the same day, else None (a full list)."""
    cursor_day, _sep, at = (cursor or "").partition("|")
    if cursor_day != day or not at:
        return None
    try:
        return datetime.fromisoformat(at)
    except ValueError:
        return None


def download(context: str, cursor: str | None, now: datetime) -> dict | None:
    """A scanner's list for a context: in full, or what changed since its cursor (same day only)."""
    area, _sep, value = (context or "").partition(":")
    source = OFFLINE_LISTS.get(area)
    if source is None or not value:
        return None
    day = to_seoul(now).date().isoformat()
    since = _parse_cursor(cursor, day)
    listed = source(value, since=since, day=day, now=now)
    if listed is None:
        return None
    return {"context": context, "day": day, "full": since is None,
            "cursor": f"{day}|{(now - CURSOR_OVERLAP).isoformat()}",
            "now": int((now - datetime(1970, 1, 1)).total_seconds() * 1000), **listed}


# --- The upload ---------------------------------------------------------------------------------

@dataclass
class PendingScan:
    """One uploaded scan while it is judged."""

    scan_id: str
    code_text: str
    gate: str
    at: datetime
    row_id: int | None = None  # its offline_scans row, once claimed
    code: SignedCode | None = None
    result: str | None = None  # a refusal by the rules, or admitted / conflict after the engine
    admission: Admission | None = None
    extra: dict = field(default_factory=dict)

    def refuse(self, result: str) -> None:
        self.result = result

    def admit(self, *, kind: str, subject_id: int, scope_id: int, occasion: str, by_user_id: int | None) -> None:
        self.admission = Admission(kind=kind, subject_id=subject_id, scope_id=scope_id, occasion=occasion,
                                   at=self.at, gate=self.gate, by_user_id=by_user_id)


OFFLINE_RULES: dict[str, Callable[[list[PendingScan], int | None], None]] = {}


def offline_rules(kind: str):
    """Register an area's rules for uploaded scans of a code kind: ``fn(scans, by_user_id)``.

    For each scan it calls ``scan.refuse(result)`` or ``scan.admit(…)``, judging the pass
    as it was at ``scan.at`` (a ticket cancelled after the scan was valid when scanned).
    """

    def decorator(fn):
        OFFLINE_RULES[kind.upper()] = fn
        return fn

    return decorator


def _claim(scans: list[PendingScan], by_user_id: int | None, now: datetime) -> None:
    """Insert each scan id once; a scan whose id is already there keeps row_id None (a repeat)."""
    table = OfflineScan.__table__
    statement = (dialect_insert(db.session.get_bind().dialect.name)(table)
                 .on_conflict_do_nothing(index_elements=["scan_id"])
                 .returning(table.c.id, table.c.scan_id))
    ordered = sorted(scans, key=lambda s: s.scan_id)  # the same lock order in every upload
    rows = db.session.execute(statement, [
        dict(scan_id=s.scan_id, code=s.code_text[:200], gate=s.gate, scanned_at=s.at, received_at=now,
             by_user_id=by_user_id, result="pending") for s in ordered]).all()
    claimed = {row.scan_id: row.id for row in rows}
    for scan in scans:
        scan.row_id = claimed.get(scan.scan_id)


def apply_batch(scans: list[PendingScan], *, by_user_id: int | None, now: datetime) -> list[dict]:
    """Apply scans uploaded by a scanner, idempotently, judged by scan time; one answer per scan."""
    unique: dict[str, PendingScan] = {}
    for scan in scans:
        unique.setdefault(scan.scan_id, scan)
    fresh = list(unique.values())
    if fresh:
        _claim(fresh, by_user_id, now)
    new = [s for s in fresh if s.row_id is not None]
    by_kind: dict[str, list[PendingScan]] = {}
    for scan in new:
        if scan.at > now + CLOCK_SLACK:
            scan.refuse("invalid")
            continue
        try:
            scan.code = verify_code(scan.code_text)
        except InvalidCode:
            scan.refuse("invalid")
            continue
        if scan.code.kind not in OFFLINE_RULES:
            scan.refuse("unknown")
            continue
        by_kind.setdefault(scan.code.kind, []).append(scan)
    for kind, group in by_kind.items():
        OFFLINE_RULES[kind](group, by_user_id)
    admit_first_in_time([s.admission for s in new if s.result is None and s.admission is not None])
    for scan in new:
        if scan.result is None:
            scan.result = ("admitted" if scan.admission.won else "conflict") if scan.admission else "unknown"
    displaced = [s.admission.checkin_id for s in new if s.admission is not None and s.admission.displaced]
    if displaced:  # an upload admitted earlier lost its place to this one: its answer is now a conflict
        db.session.execute(update(OfflineScan).where(
            OfflineScan.checkin_id.in_(displaced), OfflineScan.result == "admitted",
            OfflineScan.id.not_in([s.row_id for s in new])).values(result="conflict")
            .execution_options(synchronize_session=False))
    if new:
        table = OfflineScan.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("row_id"))
            .values(result=bindparam("new_result"), checkin_id=bindparam("new_checkin")),
            [dict(row_id=s.row_id, new_result=s.result,
                  new_checkin=s.admission.checkin_id if s.admission else None) for s in new])
    return _answers(scans, {s.scan_id: s for s in new})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def _answers(scans: list[PendingScan], judged: dict[str, PendingScan]) -> list[dict]:
    """One answer per scan sent, in order; a repeat gets what its first upload got (read back)."""
    repeats = [s.scan_id for s in scans if s.scan_id not in judged]
    stored = {}
    if repeats:
        rows = db.session.execute(
            select(OfflineScan.scan_id, OfflineScan.result, OfflineScan.checkin_id, CheckIn.at, CheckIn.gate)
            .outerjoin(CheckIn, CheckIn.id == OfflineScan.checkin_id)
            .where(OfflineScan.scan_id.in_(repeats))).all()
        stored = {row.scan_id: row for row in rows}
    answers = []
    for scan in scans:
        if scan.scan_id in judged:
            done = judged[scan.scan_id]
            answer = {"id": scan.scan_id, "result": done.result, "repeat": False}
            if done.admission is not None:
                answer["checkin_id"] = done.admission.checkin_id
                if not done.admission.won:
                    answer.update(first_at=_iso(done.admission.first_at), first_gate=done.admission.first_gate)
        else:
            row = stored.get(scan.scan_id)
            answer = {"id": scan.scan_id, "result": row.result if row else "pending", "repeat": True}
            if row is not None and row.checkin_id is not None:
                answer["checkin_id"] = row.checkin_id
                if row.result == "conflict":
                    answer.update(first_at=_iso(row.at), first_gate=row.gate)
        answers.append(answer)
    return answers


# --- Conflicts, for staff -------------------------------------------------------------------------

def conflicts(kind: str, scope_id: int) -> list[dict]:
    """Passes admitted twice on one occasion: the admission that counts and each later one (UTC times)."""
    from .models import CheckInConflict

    winner = CheckIn.__table__.alias("winner")
    rows = db.session.execute(
        select(CheckInConflict.subject_id, CheckInConflict.occasion, CheckInConflict.at, CheckInConflict.gate,
               winner.c.at.label("first_at"), winner.c.gate.label("first_gate"), winner.c.undone_at)
        .outerjoin(winner, winner.c.id == CheckInConflict.checkin_id)
        .where(CheckInConflict.kind == kind, CheckInConflict.scope_id == scope_id)
        .order_by(CheckInConflict.occasion, CheckInConflict.at)).all()
    return [dict(subject_id=row.subject_id, occasion=row.occasion, at=row.at, gate=row.gate,
                 first_at=row.first_at, first_gate=row.first_gate, first_undone=row.undone_at is not None)
            for row in rows]
