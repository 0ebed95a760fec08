"""Loads the year's plan from its data file; safe to run any number of times."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from .models import BudgetLine, Programme, Target

PLAN_DIR = Path(__file__).resolve().parent


@dataclass
class LoadReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def plan_path(year: int) -> Path:
    return PLAN_DIR / f"plan_{year}.json"


def latest_plan_file_year() -> int:
    """The newest year with a plan file (plan_YYYY.json) beside this module."""
    return max(int(path.stem.split("_")[1]) for path in PLAN_DIR.glob("plan_*.json"))


def read_plan(year: int) -> dict:
    with plan_path(year).open(encoding="utf-8") as fh:
        return json.load(fh)


def _date(value):
    return date.fromisoformat(value) if value else None


def _apply(obj, values: dict, report: LoadReport, created: bool) -> None:
    changed = False
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    if created:
        report.added += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _stored_or_new(stored: dict, model, year: int, **natural_key):
    """(row, created): the stored row of this natural key, or a new one added to the session."""
    [(field, value)] = natural_key.items()
    row = stored.get(value)
    if row is not None:
        return row, False
    stored[value] = row = model(year=year, **{field: value})
    db.session.add(row)
    return row, True


def load_plan(data: dict | None = None, year: int | None = None) -> LoadReport:
    """Upsert programmes, targets and budget lines by their natural keys; the caller commits.

    Budget figures are only replaced by a file whose ``as_of`` is newer than what
    is stored, so figures a manager updated are never rolled back by a re-seed.
    """
    data = data or read_plan(year or latest_plan_file_year())
    year = data["year"]
    report = LoadReport()
    programmes: dict[str, Programme] = {
        p.key: p for p in db.session.scalars(select(Programme).where(Programme.year == year))}
    for item in data["programmes"]:
        prog, created = _stored_or_new(programmes, Programme, year, key=item["key"])
        _apply(prog, {
            "code": item.get("code"), "name_ko": item["name_ko"], "name_en": item["name_en"],
            "policy_ko": item.get("policy_ko"), "policy_en": item.get("policy_en"),
            "summary_ko": item.get("summary_ko"), "summary_en": item.get("summary_en"),
            "starts": _date(item.get("starts")), "ends": _date(item.get("ends")),
        }, report, created)
    db.session.flush()

    targets = {t.metric: t for t in db.session.scalars(select(Target).where(Target.year == year))}
    for item in data["targets"]:
        target, created = _stored_or_new(targets, Target, year, metric=item["metric"])
        _apply(target, {
            "programme_id": programmes[item["programme"]].id,
            "name_ko": item["name_ko"], "name_en": item["name_en"], "unit": item["unit"],
            "target": item.get("target"), "last_year": item.get("last_year"),
            "period_start": _date(item.get("period_start")), "period_end": _date(item.get("period_end")),
            "source": item["source"],
            "definition_ko": item.get("definition_ko"), "definition_en": item.get("definition_en"),
        }, report, created)

    lines = {b.key: b for b in db.session.scalars(select(BudgetLine).where(BudgetLine.year == year))}
    for item in data["budget_lines"]:
        line, created = _stored_or_new(lines, BudgetLine, year, key=item["key"])
        values = {
            "programme_id": programmes[item["programme"]].id if item.get("programme") in programmes else None,
            "name_ko": item["name_ko"], "name_en": item["name_en"],
        }
        as_of = _date(item.get("as_of"))
        if created or line.as_of is None or (as_of and as_of > line.as_of):
            values.update(budget=item["budget"], committed=item.get("committed", 0),
                          spent=item.get("spent", 0), as_of=as_of)
        _apply(line, values, report, created)
    db.session.flush()
    return report
