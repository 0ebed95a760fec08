from sqlalchemy import func, select

from ops.extensions import db
from ops.plan.loader import load_plan, read_plan
from ops.plan.models import BudgetLine, Programme, Target


def _counts():
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Programme, Target, BudgetLine))


def test_seed_plan_loads_every_programme_target_and_budget_line(app):
    data = read_plan(2025)
    result = app.test_cli_runner().invoke(args=["seed", "plan"])
    assert result.exit_code == 0, result.output
    assert _counts() == (len(data["programmes"]), len(data["targets"]), len(data["budget_lines"]))


def test_seed_plan_twice_duplicates_nothing(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed", "plan"])
    first = _counts()
    second_run = runner.invoke(args=["seed", "plan"])
    assert _counts() == first
    assert "0 added" in second_run.output


def test_plan_targets_of_the_source_are_there(app):
    load_plan()
    db.session.commit()
    targets = {t.metric: t for t in db.session.scalars(select(Target))}
    assert targets["eodina.instructors_selected"].target == 130
    assert targets["eodina.learners_taught"].target == 13000
    assert targets["eodina.centers_per_district"].target == 2
    assert targets["bus.users"].target == 3000
    assert targets["education.prompt_trainees"].target == 400
    assert {t.source for t in targets.values()} == {"computed", "manual"}


def test_budget_lines_add_up_to_the_plan_total(app):
    load_plan()
    db.session.commit()
    total = db.session.scalar(select(func.sum(BudgetLine.budget)))
    lines = {b.key: b for b in db.session.scalars(select(BudgetLine))}
    assert lines["eodina"].budget == 727000 and lines["bus"].budget == 104000
    assert total == sum(item["budget"] for item in read_plan(2025)["budget_lines"])


def test_reseed_keeps_budget_figures_a_manager_updated(app):
    load_plan()
    db.session.commit()
    line = db.session.scalar(select(BudgetLine).where(BudgetLine.key == "eodina"))
    line.spent = 500000
    from datetime import date

    line.as_of = date(2025, 6, 30)
    db.session.commit()
    load_plan()
    db.session.commit()
    assert db.session.get(BudgetLine, line.id).spent == 500000


def test_plan_page_is_for_staff_and_shows_targets(client, login_as, app):
    load_plan()
    db.session.commit()
    login_as("manager")
    page = client.get("/plan").get_data(as_text=True)
    assert "어디나지원단" in page and "13,000" in page
