"""KPI: each plan target's value as of a date, the daily roll-up into snapshots, and the
figures the dashboard, its export and the API all show."""
from __future__ import annotations

import calendar
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from ..core.errors import InvalidInput
from ..core.timeutil import seoul_today, utcnow
from ..extensions import db
from ..people.districts import DISTRICTS
from ..plan.models import Programme, Target
from . import budget
from .models import ManualEntry, Snapshot
from .registry import DISTRICT_FIGURES, METRICS, PEOPLE

log = logging.getLogger("ops.kpi")

UNIQUE_PEOPLE = "people.unique"  # snapshot key of unique citizens; per programme: "people.unique.<key>"
DISTRICT = "district"  # snapshot keys of district figures: "district.<figure key>.<district code>"


# How a figure's state and unit read on the dashboard, its export and the monthly report.
STATUS_LABELS = {
    "on_track": _l("On track"), "behind": _l("Behind"), "no_target": _l("No target set"),
    "not_connected": _l("Not connected yet"), "no_entry": _l("No figure entered yet"), "error": _l("Could not compute"),
    "no_snapshot": _l("Not counted yet: the daily roll-up will count it"),
}
# Units of ops/plan/plan_<year>.json, shown after each figure.
UNIT_LABELS = {
    "people": _l("people"), "visitors": _l("visitors"), "centers": _l("centers"), "items": _l("items"),
    "countries": _l("countries"), "cities": _l("cities"), "companies": _l("companies"), "m2": _l("m²"),
    "booths": _l("booths"), "projects": _l("projects"), "studies": _l("studies"), "count": _l("cases"),
    "institutions": _l("institutions"), "score_5": _l("points out of 5"), "score_10": _l("points out of 10"),
    "sessions": _l("sessions"), "teams": _l("teams"), "runs": _l("runs"), "conferences": _l("conferences"),
    "meetings": _l("meetings"), "percent": _l("percent"),
}


class InvalidEntry(InvalidInput):
    code = "invalid_entry"


class InvalidQuery(InvalidEntry):
    code = "invalid_query"


# --- Values ---------------------------------------------------------------------------------

@dataclass
class Value:
    value: float | None
    state: str  # ok | not_connected | no_entry | error


def _live_entries(year: int):
    """Entries that count: those no later entry corrects."""
    corrected = select(ManualEntry.corrects_id).where(ManualEntry.corrects_id.is_not(None))
    return select(ManualEntry).where(ManualEntry.year == year, ManualEntry.id.not_in(corrected))


def latest_entries(year: int, as_of: date, metric: str | None = None) -> dict[str, ManualEntry]:
    """Each manual metric's latest live entry on or before ``as_of`` (later entries supersede earlier ones)."""
    stmt = _live_entries(year).where(ManualEntry.as_of <= as_of)
    if metric is not None:
        stmt = stmt.where(ManualEntry.metric == metric)
    latest: dict[str, ManualEntry] = {}
    for entry in db.session.scalars(stmt.order_by(ManualEntry.as_of, ManualEntry.entered_at, ManualEntry.id)):
        latest[entry.metric] = entry
    return latest


def metric_values(targets: list[Target], year: int, as_of: date) -> dict[str, Value]:
    """Every target's value as of a date: computed by its registered function or entered by hand.

    A computed metric whose area has not registered it is "not connected yet", and one
    whose function fails is reported as an error, never breaking the others."""
    entries = latest_entries(year, as_of) if any(t.source == "manual" for t in targets) else {}
    values: dict[str, Value] = {}
    for target in targets:
        if target.source == "manual":
            entry = entries.get(target.metric)
            values[target.metric] = Value(entry.value, "ok") if entry else Value(None, "no_entry")
            continue
        fn = METRICS.get(target.metric)
        if fn is None:
            values[target.metric] = Value(None, "not_connected")
            continue
        try:
            result = fn(year, as_of)
            values[target.metric] = Value(None if result is None else float(result), "ok")
        except Exception:  # noqa: BLE001 - one area's bug must not hide every other figure
            db.session.rollback()
            log.exception("metric %s failed", target.metric)
            values[target.metric] = Value(None, "error")
    return values


def unique_people(year: int) -> tuple[int, dict[str, int]]:
    """Citizens served this year counted once across programmes, and per programme."""
    selects, per_programme = [], {}
    for key, fn in sorted(PEOPLE.items()):
        try:
            stmt = fn(year)
            per_programme[key] = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            selects.append(stmt)
        except Exception:  # noqa: BLE001
            db.session.rollback()
            log.exception("served_people %s failed", key)
    if not selects:
        return 0, per_programme
    combined = union(*selects) if len(selects) > 1 else selects[0].distinct()
    total = db.session.scalar(select(func.count()).select_from(combined.subquery())) or 0
    return total, per_programme


# --- Roll-up --------------------------------------------------------------------------------

def rollup(year: int, as_of: date) -> dict[str, float | None]:
    """Compute every metric of the year as of a day and store it as that day's snapshot
    (replacing an earlier roll-up of the same day); the caller commits."""
    targets = db.session.scalars(select(Target).where(Target.year == year)).all()
    values = metric_values(targets, year, as_of)
    total, per_programme = unique_people(year)
    values[UNIQUE_PEOPLE] = Value(total, "ok")
    values.update({f"{UNIQUE_PEOPLE}.{k}": Value(n, "ok") for k, n in per_programme.items()})
    for key, by_district in district_figures(year).items():
        values.update({f"{DISTRICT}.{key}.{d.code}": Value(float(by_district.get(d.code, 0)), "ok")
                       for d in DISTRICTS})
    if values:
        now = utcnow()
        rows = [{"year": year, "metric": k, "day": as_of, "value": v.value, "state": v.state, "computed_at": now}
                for k, v in values.items()]
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        stmt = insert(Snapshot).values(rows)
        db.session.execute(stmt.on_conflict_do_update(
            index_elements=["year", "metric", "day"],
            set_={"value": stmt.excluded.value, "state": stmt.excluded.state,
                  "computed_at": stmt.excluded.computed_at}))
    return {k: v.value for k, v in values.items() if not k.startswith(DISTRICT + ".")}


def request_rollup() -> bool:
    """Ask for a roll-up soon (after an event that moves a metric); never fails or delays the caller.

    Call it after your commit. Requests within ``OPS_KPI_ROLLUP_EVERY`` seconds of the last one
    (per process and app) are dropped: a busy door makes thousands of check-ins, the snapshot
    needs one roll-up. With a broker the task is published (core.celery.enqueue: never waits
    long, never raises); without one it runs in-process in a session of its own (not under tests)."""
    from ..core.celery import enqueue

    try:
        app = current_app._get_current_object()
        now, state = time.monotonic(), app.extensions.setdefault("kpi_rollup_requests", {})
        if "last" in state and now - state["last"] < app.config.get("OPS_KPI_ROLLUP_EVERY", 300):
            return False
        state["last"] = now
        celery_app = app.extensions["celery"]
        if celery_app.conf.task_always_eager:
            if app.testing:
                return False
            with app.app_context():  # the task by name: tasks.py imports this module, not the reverse
                celery_app.tasks["ops.kpi.rollup"].run()
            return True
        enqueue(celery_app, "ops.kpi.rollup")  # a broker outage: the hourly schedule runs it
        return True
    except Exception as exc:  # noqa: BLE001
        log.warning("could not request a KPI roll-up (%s); the schedule will run it", type(exc).__name__)
        return False


# --- Manual entries -------------------------------------------------------------------------

def manual_targets(year: int) -> list[Target]:
    return db.session.scalars(select(Target).where(Target.year == year, Target.source == "manual")
                              .order_by(Target.metric)).all()


def add_entry(*, year: int, metric: str, value, as_of: date | None, note: str | None, user,
              corrects: ManualEntry | None = None, today: date | None = None) -> ManualEntry:
    """Record a manager's figure for a manual metric, or a correction of an earlier entry (which then
    no longer counts; it needs a reason); the caller commits."""
    errors = {}
    note = (note or "").strip() or None
    if corrects is not None:
        metric = corrects.metric
        if corrects.year != year:
            errors["metric"] = "unknown_metric"
        elif db.session.scalar(select(ManualEntry.id).where(ManualEntry.corrects_id == corrects.id)) is not None:
            errors["metric"] = "already_corrected"
        if note is None:
            errors["note"] = "reason_needed"
    target = db.session.scalar(select(Target).where(Target.year == year, Target.metric == metric))
    if target is None or target.source != "manual":
        errors.setdefault("metric", "unknown_metric")
    try:
        value = float(value)
        if value < 0 or value != value or value == float("inf"):
            raise ValueError
    except (TypeError, ValueError):
        errors["value"] = "invalid_value"
    if as_of is None or as_of.year != year or as_of > (today or seoul_today()):
        errors["as_of"] = "invalid_date"
    if errors:
        raise InvalidEntry(errors)
    before = latest_entries(year, as_of, metric).get(metric)
    entry = ManualEntry(year=year, metric=metric, value=value, as_of=as_of, note=note,
                        entered_by_id=getattr(user, "id", None), corrects_id=corrects.id if corrects else None,
                        previous_value=before.value if before is not None else None)
    db.session.add(entry)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another manager corrected the same entry a moment earlier (unique corrects_id)
        raise InvalidEntry({"metric": "already_corrected"}) from None
    return entry


def entry_history(year: int, limit: int = 200) -> list[ManualEntry]:
    """Entries newest first, each with who made it, its value before and whether it was corrected."""
    return db.session.scalars(select(ManualEntry).where(ManualEntry.year == year)
                              .options(selectinload(ManualEntry.entered_by))
                              .order_by(ManualEntry.entered_at.desc(), ManualEntry.id.desc()).limit(limit)).all()


def corrected_ids(year: int) -> set[int]:
    return set(db.session.scalars(select(ManualEntry.corrects_id).where(ManualEntry.year == year,
                                                                        ManualEntry.corrects_id.is_not(None))))


def get_entry(year: int, entry_id) -> ManualEntry | None:
    try:
        entry = db.session.get(ManualEntry, int(entry_id))
    except (TypeError, ValueError):
        return None
    return entry if entry is not None and entry.year == year else None


# --- The dashboard's figures ----------------------------------------------------------------
# The page, its export and the API read the daily snapshots the roll-up writes (plus managers'
# entries, which show at once): a handful of indexed queries whatever the size of the year's data.
# Computing every metric from the raw tables on each view took 832 ms on the first load.

def plan_year(today: date | None = None) -> int:
    """What /kpi and the API show by default: this year if it has a plan, else the latest year before it that has
    one (see ops.plan.years.current_plan_year)."""
    from ..plan.years import current_plan_year

    return current_plan_year(today)


def as_of_for(year: int, month: int | None, today: date | None = None) -> date:
    """Figures are as of the month's last day (or today, if that is earlier), else as of today."""
    today = today or seoul_today()
    end = date(year, month, calendar.monthrange(year, month)[1]) if month else date(year, 12, 31)
    return min(end, today) if year >= today.year else end


def same_day_last_year(day: date) -> date:
    """The same date a year earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def expected_share(target: Target, year: int, as_of: date) -> float:
    """The share of the target the plan's pace expects by ``as_of``: linear over its period."""
    start = target.period_start or date(year, 1, 1)
    end = target.period_end or date(year, 12, 31)
    if as_of < start:
        return 0.0
    if as_of >= end:
        return 1.0
    return ((as_of - start).days + 1) / ((end - start).days + 1)


def _status(target: Target, value: Value, share: float) -> str:
    if value.state != "ok" or value.value is None:
        return value.state if value.state != "ok" else "no_entry"
    if not target.target:
        return "no_target"
    return "on_track" if value.value >= target.target * share else "behind"


COMPARE = ("previous",)


def parse_query(year, month=None, programme=None, compare=None) -> tuple[int, int | None, str | None, str | None]:
    """Validate the dashboard's filters; InvalidQuery with a message per field."""
    errors = {}
    try:
        year = int(year)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors["year"] = "invalid_year"
    if month not in (None, ""):
        try:
            month = int(month)
            if not 1 <= month <= 12:
                raise ValueError
        except (TypeError, ValueError):
            errors["month"] = "invalid_month"
    else:
        month = None
    compare = compare or None
    if compare is not None and compare not in COMPARE:
        errors["compare"] = "invalid_compare"
    programme = programme or None
    if errors:
        raise InvalidQuery(errors)
    if programme and db.session.scalar(select(Programme.id).where(Programme.year == year,
                                                                   Programme.key == programme)) is None:
        raise InvalidQuery({"programme": "unknown_programme"})
    return year, month, programme, compare


@dataclass
class History:
    """A metric's snapshots up to a day: the latest one (its value and state) and the trend."""
    value: Value
    day: date | None
    trend: list[tuple[date, float]]


def rollup_days(year: int, until: date) -> list[date]:
    """The days the roll-up stored snapshots for, up to ``until`` (every roll-up writes the unique
    citizens, so their key's rows are the roll-ups': one index range, at most a row a day)."""
    return list(db.session.scalars(select(Snapshot.day).where(Snapshot.year == year, Snapshot.metric == UNIQUE_PEOPLE,
                                                              Snapshot.day <= until).order_by(Snapshot.day)))


def _history(year: int, metrics: list[str], until: date) -> tuple[dict[str, History], datetime | None]:
    """Each metric's snapshots of the last roll-up of each week up to ``until`` (so the last one is the
    latest), in one indexed query; and when the latest were computed.

    Weekly rather than daily, and picked by day rather than grouped in SQL: a year of daily rows for
    65 keys made the page read and draw 21,000 points on charts 320 pixels wide (the dashboard's
    median was 341 ms at 1x in bench/kpi_rollup.py), and grouping them by week in the database
    scanned the whole table (120 ms on the loaded bench machine); reading the chosen days by the
    (year, metric, day) index brought it to the figures in the README."""
    found: dict[str, History] = {}
    weekly: dict[date, date] = {}
    for day in rollup_days(year, until):
        weekly[day - timedelta(days=day.weekday())] = day
    if not metrics or not weekly:
        return found, None
    rows = db.session.execute(select(Snapshot.metric, Snapshot.day, Snapshot.value, Snapshot.state,
                                     Snapshot.computed_at)
                              .where(Snapshot.year == year, Snapshot.metric.in_(metrics),
                                     Snapshot.day.in_(sorted(weekly.values())))
                              .order_by(Snapshot.day))
    computed_at = None
    for key, day, value, state, at in rows:
        history = found.get(key)
        if history is None:
            history = found[key] = History(Value(None, "no_snapshot"), None, [])
        history.value, history.day = Value(value, state), day
        if value is not None:
            history.trend.append((day, value))
        computed_at = at
    return found, computed_at


def latest_snapshots(year: int, until: date, metrics: list[str] | None = None,
                     prefix: str | None = None) -> dict[str, Snapshot]:
    """The snapshots of the year's last roll-up on or before ``until``."""
    days = rollup_days(year, until)
    if not days:
        return {}
    stmt = select(Snapshot).where(Snapshot.year == year, Snapshot.day == days[-1])
    if metrics is not None:
        stmt = stmt.where(Snapshot.metric.in_(metrics))
    if prefix is not None:
        stmt = stmt.where(Snapshot.metric.startswith(prefix, autoescape=True))
    return {s.metric: s for s in db.session.scalars(stmt)}


def district_figures(year: int) -> dict[str, dict[str, float]]:
    """Each registered district figure, computed from the raw tables (by the roll-up)."""
    values = {}
    for key, (_label, fn) in DISTRICT_FIGURES.items():
        try:
            values[key] = fn(year) or {}
        except Exception:  # noqa: BLE001
            db.session.rollback()
            log.exception("district figure %s failed", key)
    return values


def _districts(year: int, as_of: date, locale: str) -> dict:
    snaps = latest_snapshots(year, as_of, prefix=DISTRICT + ".")
    columns, values = [], {}
    for key, (label, _fn) in DISTRICT_FIGURES.items():
        prefix = f"{DISTRICT}.{key}."
        found = {k[len(prefix):]: s.value for k, s in snaps.items() if k.startswith(prefix)}
        if found:
            columns.append({"key": key, "label": str(label)})
            values[key] = found
    rows = [{"code": d.code, "name": d.name(locale), "zone": d.zone,
             "values": {c["key"]: values[c["key"]].get(d.code) or 0 for c in columns}} for d in DISTRICTS]
    return {"columns": columns, "rows": rows,
            "totals": {c["key"]: sum(r["values"][c["key"]] for r in rows) for c in columns}}


def _previous(year: int, as_of: date, keys: list[str]) -> dict[str, dict]:
    """The same metrics as of the same date last year: the previous year's snapshot, or its managers' entry."""
    day = same_day_last_year(as_of)
    found = {k: {"value": s.value, "day": s.day.isoformat()}
             for k, s in latest_snapshots(year - 1, day, keys).items() if s.value is not None}
    for k, entry in latest_entries(year - 1, day).items():
        if k in keys and k not in found:
            found[k] = {"value": entry.value, "day": entry.as_of.isoformat()}
    return found


def _change(value: float | None, before: dict | None) -> dict:
    if before is None:
        return {"value": None, "day": None, "change": None, "change_share": None}
    change = round(value - before["value"], 4) if value is not None else None
    share = round(change / before["value"], 4) if change is not None and before["value"] else None
    return {**before, "change": change, "change_share": share}


def figures(year: int, month: int | None = None, programme: str | None = None, *, compare: str | None = None,
            locale: str = "ko", today: date | None = None) -> dict:
    """Everything the dashboard shows, as plain data (the page, the XLSX export and the API)."""
    as_of = as_of_for(year, month, today)
    stmt = select(Programme).where(Programme.year == year).order_by(Programme.code, Programme.id)
    if programme:
        stmt = stmt.where(Programme.key == programme)
    programmes = db.session.scalars(stmt).all()
    targets = db.session.scalars(select(Target).where(Target.programme_id.in_([p.id for p in programmes]))
                                 .order_by(Target.metric)).all() if programmes else []
    people_keys = [UNIQUE_PEOPLE] + [f"{UNIQUE_PEOPLE}.{k}" for k in PEOPLE]
    history, computed_at = _history(year, [t.metric for t in targets] + people_keys, as_of)
    entries = latest_entries(year, as_of) if any(t.source == "manual" for t in targets) else {}
    previous = _previous(year, as_of, [t.metric for t in targets]) if compare == "previous" else None
    empty = History(Value(None, "no_snapshot"), None, [])
    by_programme: dict[int, list] = {}
    en = locale == "en"
    for t in targets:
        share = expected_share(t, year, as_of)
        past = history.get(t.metric, empty)
        if t.source == "manual":  # a manager's figure shows at once, before the next roll-up
            entry = entries.get(t.metric)
            value, day = (Value(entry.value, "ok"), entry.as_of) if entry else (Value(None, "no_entry"), None)
        else:
            value, day = past.value, past.day
        item = {
            "key": t.metric, "name": t.name(locale), "unit": t.unit, "source": t.source,
            "definition": t.definition_en if en else t.definition_ko,
            "target": t.target, "last_year": t.last_year, "value": value.value,
            "value_as_of": day.isoformat() if day else None,
            "progress": round(value.value / t.target, 4) if t.target and value.value is not None else None,
            "expected": round(t.target * share, 2) if t.target else None,
            "expected_share": round(share, 4), "status": _status(t, value, share),
            "period_start": t.period_start.isoformat() if t.period_start else None,
            "period_end": t.period_end.isoformat() if t.period_end else None,
            "trend": [{"day": d.isoformat(), "value": v} for d, v in past.trend],
        }
        if previous is not None:
            item["previous"] = _change(value.value, previous.get(t.metric))
        by_programme.setdefault(t.programme_id, []).append(item)
    people = {k: h.value.value for k, h in history.items() if k in people_keys and h.value.value is not None}
    selected = programmes[0] if programme and programmes else None
    return {
        "year": year, "month": month, "programme": programme, "compare": compare, "as_of": as_of.isoformat(),
        "computed_at": computed_at.isoformat(timespec="seconds") + "Z" if computed_at else None,
        "previous_as_of": same_day_last_year(as_of).isoformat() if compare == "previous" else None,
        "unique_citizens": {"total": int(people.get(UNIQUE_PEOPLE, 0)),
                            "by_programme": {k.rsplit(".", 1)[1]: int(v) for k, v in sorted(people.items())
                                             if k != UNIQUE_PEOPLE}},
        "programmes": [{"key": p.key, "code": p.code, "name": p.name(locale), "metrics": by_programme.get(p.id, [])}
                       for p in programmes],
        "districts": _districts(year, as_of, locale),
        "budget": budget.execution(year, as_of, selected.id if selected else None, locale),
    }
