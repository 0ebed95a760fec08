"""An institution's coordinator enrols a list of their people at once (pasted or uploaded).

Every row is checked before anything is saved. With a bad row nothing is enrolled
unless the coordinator asked to skip bad rows, and then the report names each one.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from ..people.consent import COLLECTION
from ..people.phone import InvalidPhone, mask_name, mask_phone, normalise_phone
from ..people.services import find_or_create_person, record_consent
from .models import CONFIRMED, Course, Institution
from .services import NotCoordinator, enrol, may_act_for

MAX_ROWS = 500
REASONS = ("no_name", "long_name", "no_phone", "bad_phone", "duplicate", "too_many")
ENROLLED, WAITLISTED, ALREADY, BAD, READY = "enrolled", "waitlisted", "already", "bad", "ready"


class UnreadableFile(Exception):
    pass


@dataclass
class Row:
    line: int
    name: str
    phone: str
    outcome: str = READY
    reason: str | None = None  # why a row is bad: one of REASONS
    same_as: int | None = None  # for "duplicate": the line it repeats
    enrolment: object | None = None

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        if self.outcome == BAD:
            return (self.phone[:4] + "…") if self.phone else ""
        return mask_phone(self.phone)


@dataclass
class RosterResult:
    rows: list[Row] = field(default_factory=list)
    applied: bool = False  # False: nothing was saved

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.outcome == BAD]


def rows_from_text(text: str) -> list[tuple[int, list[str]]]:
    """Lines of "name, phone" (commas, tabs from a spreadsheet, or semicolons)."""
    out = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        for separator in ("\t", ",", ";"):
            if separator in line:
                cells = [cell.strip() for cell in line.split(separator)]
                break
        else:  # "홍길동 010-1234-5678": the last word is the phone
            name, _, phone = line.strip().rpartition(" ")
            cells = [name, phone]
        out.append((number, cells))
    return out


def rows_from_upload(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """Rows of a CSV (UTF-8 or the CP949 that Korean Excel writes) or an XLSX file."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise UnreadableFile() from exc
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in values]
            if any(cells):
                rows.append((number, cells))
        return rows
    if name.endswith((".csv", ".txt")):
        for encoding in ("utf-8-sig", "cp949"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile()
        return [(n, [c.strip() for c in cells]) for n, cells in enumerate(csv.reader(io.StringIO(text)), start=1)
                if any(c.strip() for c in cells)]
    raise UnreadableFile()


def _is_header(cells: list[str]) -> bool:
    first = (cells[0] if cells else "").strip().lower()
    return first in {"name", "이름", "성명"}


def check_rows(raw: list[tuple[int, list[str]]]) -> list[Row]:
    """Validate each row (name, phone); a repeated person is reported, not enrolled twice."""
    rows: list[Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in raw:
        if number == raw[0][0] and _is_header(cells):
            continue
        cells = list(cells)
        while cells and not cells[-1]:  # spreadsheets pad rows with empty cells
            cells.pop()
        name = " ".join((cells[0] if cells else "").split())
        phone_raw = cells[1] if len(cells) > 1 else ""
        row = Row(line=number, name=name, phone=phone_raw)
        if not name:
            row.outcome, row.reason = BAD, "no_name"
        elif len(name) > 100:
            row.outcome, row.reason = BAD, "long_name"
        elif not phone_raw:
            row.outcome, row.reason = BAD, "no_phone"
        else:
            try:
                row.phone = normalise_phone(phone_raw)
            except InvalidPhone:
                row.outcome, row.reason = BAD, "bad_phone"
        if row.outcome != BAD:
            key = (row.name, row.phone)
            if key in seen:
                row.outcome, row.reason, row.same_as = BAD, "duplicate", seen[key]
            else:
                seen[key] = number
        rows.append(row)
    for row in rows[MAX_ROWS:]:
        row.outcome, row.reason = BAD, "too_many"
    return rows


def enrol_roster(course: Course, institution: Institution, raw: list[tuple[int, list[str]]], *, by_user,
                 skip_bad: bool = False, locale: str = "ko") -> RosterResult:
    """Enrol the listed people, in list order (places first, then the waiting list); the caller commits."""
    if not may_act_for(by_user, institution):
        raise NotCoordinator()
    result = RosterResult(rows=check_rows(raw))
    if not result.rows or (result.bad_rows and not skip_bad):
        return result  # nothing saved: the coordinator fixes the list and sends it again
    for row in result.rows:
        if row.outcome == BAD:
            continue
        person = find_or_create_person(row.name, row.phone)
        enrolment, created = enrol(course, person, institution=institution, source="coordinator",
                                   by_user=by_user, locale=locale)
        if created:
            # The coordinator confirmed that each person agreed, as the form asks.
            record_consent(person, COLLECTION, True, source="coordinator", recorded_by=by_user)
        row.enrolment = enrolment
        row.outcome = ALREADY if not created else (ENROLLED if enrolment.status == CONFIRMED else WAITLISTED)
    result.applied = True
    return result
