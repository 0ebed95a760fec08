"""What staff look at: the month calendar, counts per month/institution/district, the XLSX export."""
from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...people.districts import BY_CODE
from .models import (APPROVED, PROPOSED, REQUESTED, SENIOR_BANDS, Bus, BusAttendanceCount, BusParticipant,
                     BusProgramme, BusSlot, BusSurveyAnswer, BusVisit, HostInstitution)
from .services import closed_reason


# --- Month calendar -------------------------------------------------------------------------

@dataclass
class SlotCell:
    slot: BusSlot
    visit: BusVisit | None = None  # the approved run, if any
    waiting: int = 0  # requests and proposals not yet decided for this slot


@dataclass
class DayCell:
    day: date
    in_month: bool
    closed: object = None  # the reason the bus does not run, a lazy message
    note: str | None = None  # a day without runs: its short reason (a holiday's name)
    slots: list[SlotCell] = field(default_factory=list)
    past: bool = False  # today or before: requests are taken from tomorrow on, so nothing here is free

    @property
    def free(self) -> int:
        if self.closed is not None or self.past:
            return 0
        return sum(1 for cell in self.slots if cell.visit is None)


def month_calendar(bus: Bus, year: int, month: int, today: date | None = None) -> list[list[DayCell]]:
    """Weeks (Monday first) of the month with each slot's run or emptiness, in three queries.

    Days up to ``today`` are past: no slot of theirs is offered as free."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    visits = db.session.scalars(
        select(BusVisit).where(BusVisit.bus_id == bus.id, BusVisit.day.between(first, last),
                               BusVisit.status.in_((APPROVED, REQUESTED, PROPOSED)))
        .options(selectinload(BusVisit.institution), selectinload(BusVisit.programme))).all()
    booked = {(v.day, v.slot_id): v for v in visits if v.status == APPROVED}
    waiting: dict = defaultdict(int)
    for v in visits:
        if v.status != APPROVED:
            waiting[(v.day, v.slot_id)] += 1
    slots = [s for s in bus.slots if s.active]
    notes = {b.day: b.reason for b in bus.blackouts}
    out = []
    for week in weeks:
        row = []
        for day in week:
            cell = DayCell(day, day.month == month, closed_reason(bus, day), notes.get(day),
                           past=today is not None and day <= today)
            cell.slots = [SlotCell(s, booked.get((day, s.id)), waiting.get((day, s.id), 0)) for s in slots]
            row.append(cell)
        out.append(row)
    return out


# --- Counts ---------------------------------------------------------------------------------

@dataclass
class Figures:
    runs: int = 0
    users: int = 0
    users_60plus: int = 0
    answers: int = 0
    score_sum: int = 0

    @property
    def satisfaction(self) -> float | None:
        return round(self.score_sum / self.answers, 2) if self.answers else None

    def add(self, row) -> None:
        self.runs += 1
        self.users += row["users"]
        self.users_60plus += row["users_60plus"]
        self.answers += row["answers"]
        self.score_sum += row["score_sum"]


def run_rows(year: int, as_of: date) -> list[dict]:
    """One row per run of the year that took place by ``as_of``, with its totals (four grouped queries)."""
    senior_count = case((BusAttendanceCount.age_band.in_(SENIOR_BANDS), BusAttendanceCount.count), else_=0)
    counts = (select(BusAttendanceCount.visit_id, func.sum(BusAttendanceCount.count).label("n"),
                     func.sum(senior_count).label("senior"))
              .group_by(BusAttendanceCount.visit_id).subquery())
    senior_named = case((BusParticipant.age_band.in_(SENIOR_BANDS), 1), else_=0)
    named = (select(BusParticipant.visit_id, func.count(BusParticipant.id).label("n"),
                    func.sum(senior_named).label("senior"))
             .group_by(BusParticipant.visit_id).subquery())
    answers = (select(BusSurveyAnswer.visit_id, func.count(BusSurveyAnswer.id).label("n"),
                      func.sum(BusSurveyAnswer.score).label("total"))
               .group_by(BusSurveyAnswer.visit_id).subquery())
    stmt = (select(BusVisit.id, BusVisit.day, BusSlot.code, HostInstitution.id, HostInstitution.name,
                   HostInstitution.district, HostInstitution.kind, BusProgramme.name_ko, BusProgramme.name_en,
                   counts.c.n, counts.c.senior, named.c.n, named.c.senior, answers.c.n, answers.c.total)
            .join(HostInstitution, HostInstitution.id == BusVisit.institution_id)
            .join(BusSlot, BusSlot.id == BusVisit.slot_id)
            .join(BusProgramme, BusProgramme.id == BusVisit.programme_id)
            .outerjoin(counts, counts.c.visit_id == BusVisit.id)
            .outerjoin(named, named.c.visit_id == BusVisit.id)
            .outerjoin(answers, answers.c.visit_id == BusVisit.id)
            .where(BusVisit.status == APPROVED, BusVisit.day >= date(year, 1, 1),
                   BusVisit.day <= min(as_of, date(year, 12, 31)))
            .order_by(BusVisit.day, BusSlot.starts))
    rows = []
    for (visit_id, day, slot, inst_id, inst_name, district, kind, prog_ko, prog_en,
         c_n, c_senior, p_n, p_senior, a_n, a_total) in db.session.execute(stmt):
        rows.append({"visit_id": visit_id, "day": day, "slot": slot, "institution_id": inst_id,
                     "institution": inst_name, "district": district, "kind": kind,
                     "programme_ko": prog_ko, "programme_en": prog_en,
                     "users": int(c_n or 0) + int(p_n or 0), "users_60plus": int(c_senior or 0) + int(p_senior or 0),
                     "answers": int(a_n or 0), "score_sum": int(a_total or 0)})
    return rows


# Seoul's five living zones (생활권): the plan asks for hub institutions per region.
ZONES = {"central": _l("Central"), "northeast": _l("Northeast"), "northwest": _l("Northwest"),
         "southwest": _l("Southwest"), "southeast": _l("Southeast")}


def summary(year: int, as_of: date) -> dict:
    """Figures for the year in total and per month, institution, district and region."""
    rows = run_rows(year, as_of)
    total = Figures()
    by_month: dict[int, Figures] = defaultdict(Figures)
    by_institution: dict[tuple, Figures] = defaultdict(Figures)
    by_district: dict[str, Figures] = defaultdict(Figures)
    by_zone: dict[str, Figures] = {zone: Figures() for zone in ZONES}
    for row in rows:
        total.add(row)
        by_month[row["day"].month].add(row)
        by_institution[(row["institution"], row["district"])].add(row)
        by_district[row["district"]].add(row)
        district = BY_CODE.get(row["district"])
        if district is not None:
            by_zone[district.zone].add(row)
    return {"rows": rows, "total": total, "by_month": dict(sorted(by_month.items())),
            "by_institution": dict(sorted(by_institution.items(), key=lambda kv: (-kv[1].runs, kv[0][0]))),
            "by_district": dict(sorted(by_district.items(), key=lambda kv: -kv[1].users)), "by_zone": by_zone}


def district_label(code: str, locale: str) -> str:
    district = BY_CODE.get(code)
    return district.name(locale) if district else code


def export_xlsx(year: int, as_of: date, locale: str = "ko") -> bytes:
    """The year's runs and counts as a workbook: one sheet of runs, one per grouping."""
    from ...core.export import Sheet, workbook

    data = summary(year, as_of)
    runs = [[row["day"], row["slot"], row["institution"], district_label(row["district"], locale),
             row["programme_en"] if locale == "en" else row["programme_ko"], row["users"],
             row["users_60plus"], row["answers"],
             round(row["score_sum"] / row["answers"], 2) if row["answers"] else None] for row in data["rows"]]
    heads = [_("Runs"), _("Participants"), _("Aged 60+"), _("Survey answers"), _("Satisfaction (1–5)")]

    def figures(f: Figures) -> list:
        return [f.runs, f.users, f.users_60plus, f.answers, f.satisfaction]

    months = [[f"{year}-{month:02d}", *figures(f)] for month, f in data["by_month"].items()]
    months.append([_("Total"), *figures(data["total"])])
    return workbook([
        Sheet(_("Runs"), [_("Date"), _("Slot"), _("Institution"), _("District"), _("Activity"), _("Participants"),
                          _("Aged 60+"), _("Survey answers"), _("Satisfaction (1–5)")], runs,
              date_columns=(0,), width=16),
        Sheet(_("By month"), [_("Month"), *heads], months, width=16),
        Sheet(_("By institution"), [_("Institution"), _("District"), *heads],
              [[name, district_label(district, locale), *figures(f)]
               for (name, district), f in data["by_institution"].items()], width=16),
        Sheet(_("By region"), [_("Region"), *heads],
              [[str(ZONES[zone]), *figures(f)] for zone, f in data["by_zone"].items()], width=16),
        Sheet(_("By district"), [_("District"), *heads],
              [[district_label(district, locale), *figures(f)] for district, f in data["by_district"].items()],
              width=16),
    ])
