"""On the real PostgreSQL: a manager edits a year's targets and budget lines on the web, every change
is in the audit trail, and the manager opens the year; bad input and other roles change nothing."""
import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.kpi import services as kpi
from ops.plan import services
from ops.plan.loader import load_plan
from ops.plan.models import BudgetLine, PlanChange, PlanYear, Target
from ops.plan.years import copy_plan
from tests.conftest import login

pytestmark = pytest.mark.pg

METRIC = "education.prompt_trainees"  # 400 in the 2025 plan


@pytest.fixture
def app(pg_app):
    return pg_app


@pytest.fixture
def draft(app):
    """2025 from the plan file (open), 2026 copied from it as a draft."""
    load_plan()
    copy_plan(2026, 2025)
    db.session.commit()
    return 2026


@pytest.fixture
def manager(client, make_user):
    user = make_user("manager")
    login(client, user)
    return user


def _target(year: int, metric: str = METRIC) -> Target:
    db.session.expire_all()
    return db.session.scalar(select(Target).where(Target.year == year, Target.metric == metric))


def _changes(year: int) -> list[PlanChange]:
    return db.session.scalars(select(PlanChange).where(PlanChange.year == year).order_by(PlanChange.id)).all()


def _lines(year: int) -> list[BudgetLine]:
    db.session.expire_all()
    return db.session.scalars(select(BudgetLine).where(BudgetLine.year == year).order_by(BudgetLine.id)).all()


def test_a_manager_changes_a_target_and_the_trail_says_who_from_what_to_what(client, draft, manager):
    target = _target(draft)
    assert target.last_year == 0  # 2025's actual result: no one trained on this empty platform
    response = client.post(f"/plan/{draft}/targets/{target.id}", data={"target_value": "1,500", "last_year": "412"})
    assert response.status_code == 302
    assert _target(draft).target == 1500 and _target(draft).last_year == 412
    changes = _changes(draft)
    assert [(c.item, c.field, c.old_value, c.new_value, c.changed_by_id) for c in changes] == [
        (METRIC, "target", "400", "1500", manager.id), (METRIC, "last_year", "0", "412", manager.id)]
    page = client.get(f"/plan/{draft}/edit").get_data(as_text=True)
    assert "1500" in page and manager.name in page and "400" in page
    # The KPI dashboard counts against the edited target.
    figures = kpi.figures(draft)
    shown = {m["key"]: m["target"] for p in figures["programmes"] for m in p["metrics"]}
    assert shown[METRIC] == 1500
    # Saving the same values again writes no change.
    client.post(f"/plan/{draft}/targets/{target.id}", data={"target_value": "1500", "last_year": "412"})
    assert len(_changes(draft)) == 2


def test_budget_lines_are_added_changed_and_removed_in_a_draft_with_each_step_audited(client, draft, manager):
    programme_id = _target(draft).programme_id
    response = client.post(f"/plan/{draft}/budget/new", data={"programme": programme_id, "name_ko": "프롬프트 교육",
                                                             "name_en": "", "budget": "120,000"})
    assert response.status_code == 302
    [line] = _lines(draft)
    assert (line.name_ko, line.name_en, line.budget, line.programme_id) == ("프롬프트 교육", "프롬프트 교육", 120000,
                                                                           programme_id)
    assert line.key == line.programme.key  # the project code of the execution upload, as in the plan file
    response = client.post(f"/plan/{draft}/budget/{line.id}",
                           data={"name_ko": "프롬프트 교육", "name_en": "Prompt training", "budget": "130000"})
    assert response.status_code == 302
    [line] = _lines(draft)
    assert (line.name_en, line.budget) == ("Prompt training", 130000)
    line_id, key = line.id, line.key
    response = client.post(f"/plan/{draft}/budget/{line_id}/remove", data={"remove-reason": "사업 통합"})
    assert response.status_code == 302
    assert _lines(draft) == []
    trail = [(c.kind, c.item, c.field, c.old_value, c.new_value) for c in _changes(draft)]
    assert trail == [("budget_line", key, "added", None, "120000"),
                     ("budget_line", key, "name_en", "프롬프트 교육", "Prompt training"),
                     ("budget_line", key, "budget", "120000", "130000"),
                     ("budget_line", key, "removed", "130000", None)]
    assert _changes(draft)[-1].reason == "사업 통합"


@pytest.mark.parametrize("typed", ["-5", "abc", "1e400", "NaN", "99999999999999", "1.5"])
def test_bad_numbers_get_a_message_and_change_nothing(client, draft, manager, typed):
    target = _target(draft)
    response = client.post(f"/plan/{draft}/targets/{target.id}", data={"target_value": typed})
    page = response.get_data(as_text=True)
    if typed == "1.5":  # a target may have a fraction (the plan has 54.5 booths)
        assert response.status_code == 302 and _target(draft).target == 1.5
        return
    assert response.status_code == 422 and 'class="error"' in page
    assert _target(draft).target == 400
    response = client.post(f"/plan/{draft}/budget/new", data={"name_ko": "예산", "budget": typed})
    assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)
    assert _lines(draft) == [] and _changes(draft) == []


def test_the_messages_say_what_is_wrong_in_korean(client, draft, manager):
    target = _target(draft)
    page = client.post(f"/plan/{draft}/targets/{target.id}", data={"target_value": "-3"}).get_data(as_text=True)
    assert "음수" in page
    page = client.post(f"/plan/{draft}/budget/new", data={"name_ko": "예산", "budget": "1.5"}).get_data(as_text=True)
    assert "정수" in page


def test_only_managers_edit_the_plan(client, draft, make_user):
    login(client, make_user("staff"))
    target = _target(draft)
    assert client.get(f"/plan/{draft}/edit").status_code == 403
    assert client.post(f"/plan/{draft}/targets/{target.id}", data={"target_value": "1"}).status_code == 403
    assert client.post(f"/plan/{draft}/budget/new", data={"name_ko": "예산", "budget": "1"}).status_code == 403
    assert client.post(f"/plan/{draft}/open").status_code == 403
    assert _target(draft).target == 400 and _lines(draft) == [] and _changes(draft) == []
    assert db.session.get(PlanYear, draft).state == "draft"
    assert "/plan/2026/edit" not in client.get(f"/plan/{draft}").get_data(as_text=True)


def test_the_copied_year_is_edited_then_opened_and_stays_audited(app, client, manager):
    load_plan()
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["plan", "new", "2026", "--from", "2025"]).exit_code == 0
    target = _target(2026)
    assert "/plan/2026/edit" in client.get("/plan/2026").get_data(as_text=True)
    # A year with no budget line is not opened.
    client.post("/plan/2026/open")
    assert db.session.get(PlanYear, 2026).state == "draft"
    client.post(f"/plan/2026/targets/{target.id}", data={"target_value": "450"})
    client.post("/plan/2026/budget/new", data={"name_ko": "운영비", "budget": "5000"})
    assert client.post("/plan/2026/open").status_code == 302
    db.session.expire_all()
    year = db.session.get(PlanYear, 2026)
    assert year.state == "open" and year.opened_at is not None
    assert ("year", "state", "draft", "open") in [(c.kind, c.field, c.old_value, c.new_value) for c in _changes(2026)]
    # Open: a target changes only with a reason, and a budget line is no longer removed.
    response = client.post(f"/plan/2026/targets/{target.id}", data={"target_value": "500"})
    assert response.status_code == 422 and _target(2026).target == 450
    response = client.post(f"/plan/2026/targets/{target.id}", data={"target_value": "500", "reason": "시 요청 상향"})
    assert response.status_code == 302 and _target(2026).target == 500
    assert _changes(2026)[-1].reason == "시 요청 상향"
    [line] = _lines(2026)
    client.post(f"/plan/2026/budget/{line.id}/remove", data={"remove-reason": "필요 없음"})
    assert len(_lines(2026)) == 1
    # Opening again is refused and writes nothing.
    before = len(_changes(2026))
    client.post("/plan/2026/open")
    assert len(_changes(2026)) == before
    assert db.session.scalar(select(func.count(PlanChange.id)).where(PlanChange.year == 2025)) == 0


def test_the_service_reads_numbers_as_managers_type_them():
    assert services.parse_number("1,200", "x") == 1200
    assert services.parse_number(" 35.5 ", "x") == 35.5
    assert services.parse_number("", "x", required=False) is None
    with pytest.raises(services.InvalidPlanChange) as refused:
        services.parse_number("1e400", "budget", whole=True, limit=services.MAX_BUDGET)
    assert set(refused.value.errors) == {"budget"}


def test_a_draft_line_with_execution_figures_is_not_removed(client, draft, manager):
    from ops.kpi.models import BudgetExecution

    line = services.add_line(draft, name_ko="운영비", name_en=None, budget="1000")
    db.session.add(BudgetExecution(year=draft, budget_line_id=line.id, month=1, committed=10, spent=5, source="form"))
    db.session.commit()
    response = client.post(f"/plan/{draft}/budget/{line.id}/remove", data={}, follow_redirects=True)
    assert "집행" in response.get_data(as_text=True)
    assert len(_lines(draft)) == 1
    assert [c.field for c in _changes(draft)] == ["added"]


def test_two_managers_adding_lines_for_one_programme_at_once_both_get_a_line_with_its_own_key(app):
    """A year loaded from the plan file has no PlanYear row; adds still take turns on the key space."""
    import threading

    from ops.plan.models import Programme

    load_plan()
    db.session.commit()
    programme = db.session.scalar(select(Programme).where(Programme.year == 2025).order_by(Programme.id))
    programme_id, programme_key = programme.id, programme.key
    before = {line.key for line in _lines(2025)}
    db.session.remove()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def add(n):
        with app.app_context():
            try:
                barrier.wait()
                services.add_line(2025, name_ko=f"추가 {n}", name_en=None, budget="1000",
                                  programme_id=programme_id, reason="추경")
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=add, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    added = [line for line in _lines(2025) if line.key not in before]
    assert len(added) == 3 and len({line.key for line in added}) == 3
    assert all(line.key.startswith(programme_key) for line in added)
