from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.roles import MANAGERS, STAFF, role_required
from ..extensions import db
from .models import BudgetLine, Programme
from .years import current_plan_year, year_state

bp = Blueprint("plan", __name__, template_folder="templates")


@bp.get("/plan")
@bp.get("/plan/<int:year>")
@role_required(*STAFF)
def index(year: int | None = None):
    year = year or current_plan_year()
    programmes = db.session.scalars(select(Programme).where(Programme.year == year)
                                    .options(selectinload(Programme.targets)).order_by(Programme.code)).all()
    budget = db.session.scalars(select(BudgetLine).where(BudgetLine.year == year).order_by(BudgetLine.id)).all()
    totals = {k: sum(getattr(b, k) for b in budget) for k in ("budget", "committed", "spent")}
    return render_template("plan/index.html", year=year, programmes=programmes, budget=budget, totals=totals,
                           state=year_state(year))
