"""On the real PostgreSQL: `ops plan new 2026 --from 2025` starts the next year as a draft."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from ops.education.models import CITY_STAFF
from ops.education.services import add_session, create_course, enrol, record_attendance
from ops.extensions import db
from ops.people.services import find_or_create_person
from ops.plan.loader import load_plan
from ops.plan.models import BudgetLine, PlanYear, Programme, Target
from ops.plan.years import current_plan_year

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


def _one_prompt_trainee_2025():
    course = create_course(title_ko="프롬프트 교육", title_en="Prompt", kind="prompt", audience=CITY_STAFF, year=2025,
                           capacity=5)
    session = add_session(course, starts=datetime(2025, 3, 11, 14), ends=datetime(2025, 3, 11, 17), place="교육장")
    enrolment, _ = enrol(course, find_or_create_person("김교육", "010-3333-4444"),
                         now=session.starts_at - timedelta(days=7))
    record_attendance(enrolment, session, now=session.starts_at)
    db.session.commit()


def test_the_next_year_is_a_draft_copy_with_last_years_results(app):
    load_plan()
    _one_prompt_trainee_2025()
    result = app.test_cli_runner().invoke(args=["plan", "new", "2026", "--from", "2025"])
    assert result.exit_code == 0, result.output
    old = {t.metric: t for t in db.session.scalars(select(Target).where(Target.year == 2025))}
    new = {t.metric: t for t in db.session.scalars(select(Target).where(Target.year == 2026))}
    assert set(new) == set(old) and all(new[m].target == old[m].target for m in new)
    assert new["education.prompt_trainees"].last_year == 1  # 2025's actual, not the plan's baseline
    assert db.session.scalar(select(BudgetLine.id).where(BudgetLine.year == 2026)) is None
    assert db.session.get(PlanYear, 2026).state == "draft"
    assert {p.starts.year for p in db.session.scalars(select(Programme).where(Programme.year == 2026)) if p.starts} \
        <= {2026}
    again = app.test_cli_runner().invoke(args=["plan", "new", "2026", "--from", "2025"])
    assert again.exit_code != 0 and "already" in again.output
    assert current_plan_year(date(2026, 5, 1)) == 2026 and current_plan_year(date(2027, 5, 1)) == 2026
