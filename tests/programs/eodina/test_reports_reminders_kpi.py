"""Reports, reminders, online lessons and the KPI figures."""
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from ops.core.timeutil import seoul_today, seoul_to_utc, utcnow
from ops.extensions import db
from ops.kpi.registry import DISTRICT_FIGURES, METRICS, PEOPLE
from ops.notify.models import OutboxMessage
from ops.programs.eodina import services
from ops.programs.eodina.models import Match
from ops.programs.eodina.reminders import queue_lesson_day_before, queue_weekly_nudges
from ops.programs.eodina.reports import district_and_center_progress, instructor_month


def _log(ins, le, day, attended=True, minutes=50):
    services.log_lesson(ins, le.id, lesson_date=day, minutes=minutes, attended=attended)
    db.session.commit()


def _backdate_match(le, days):
    db.session.execute(Match.__table__.update().where(Match.learner_id == le.id)
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def test_instructor_month_counts_lessons_hours_and_learners(matched, learner):
    ins, le, _c = matched
    today = seoul_today()
    _log(ins, le, today, minutes=60)
    _log(ins, le, today - timedelta(days=1), attended=False)
    row = instructor_month(today.strftime("%Y-%m"))
    if (today - timedelta(days=1)).month == today.month:
        assert (row[0].lessons, row[0].hours, row[0].learners, row[0].no_shows) == (1, 1.0, 1, 1)
    else:
        assert (row[0].lessons, row[0].hours, row[0].learners) == (1, 1.0, 1)


def test_district_progress_counts_waiting_matched_and_taught(matched, learner):
    ins, le, c = matched
    learner(district="mapo")
    districts, centers = district_and_center_progress()
    by = {d.key: d for d in districts}
    assert (by["jongno"].matched, by["mapo"].waiting) == (1, 1)
    _log(ins, le, seoul_today())
    districts, centers = district_and_center_progress()
    assert {d.key: d for d in districts}["jongno"].taught == 1
    assert {p.key: p for p in centers}[str(c.id)].taught == 1


def test_reports_export_as_xlsx(client, login_as, matched):
    ins, le, _c = matched
    _log(ins, le, seoul_today())
    login_as("staff")
    response = client.get(f"/eodina/reports.xlsx?month={seoul_today():%Y-%m}")
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 3
    assert list(book.worksheets[0].iter_rows(min_row=2, values_only=True))[0][2] == 1


def test_weekly_nudge_goes_once_to_an_instructor_with_unlogged_lessons(matched):
    ins, le, _c = matched
    _backdate_match(le, 30)
    now = utcnow()
    assert queue_weekly_nudges(now) == 1
    assert queue_weekly_nudges(now) == 0
    message = db.session.scalar(select(OutboxMessage))
    assert message.template == "eodina.weekly_nudge" and message.person_id == ins.person_id
    assert message.purpose == "reminder" and message.data["count"] >= 1


def test_no_nudge_when_every_lesson_is_logged(matched):
    ins, le, _c = matched
    _backdate_match(le, 30)
    today = seoul_today()
    for d in services.lesson_dates_since(utcnow() - timedelta(days=30), "mon-am", today - timedelta(days=7),
                                         today - timedelta(days=1)):
        _log(ins, le, d)
    assert queue_weekly_nudges(utcnow()) == 0


def _sunday_evening_before_monday() -> datetime:
    today = seoul_today()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7)
    return seoul_to_utc(datetime.combine(sunday, datetime.min.time()).replace(hour=18))


def test_day_before_reminder_only_for_learners_with_sms_consent(center, instructor, learner):
    c = center()
    instructor(centers=[c], max_learners=5)
    yes = learner(sms=True)
    learner(sms=False)
    services.run_matching()
    db.session.commit()
    assert queue_lesson_day_before(_sunday_evening_before_monday()) == 1
    assert queue_lesson_day_before(_sunday_evening_before_monday()) == 0
    message = db.session.scalar(select(OutboxMessage))
    assert message.person_id == yes.person_id and message.template == "eodina.lesson_day_before"


def test_online_lesson_views_and_completions_count_distinct_visitors(app, client):
    services.save_content(None, slug="kiosk", title_ko="키오스크", title_en="Kiosk", kind="video",
                          url="https://example.org/v", minutes=5, produced_on=date(2025, 3, 1))
    db.session.commit()
    client.get("/eodina/learn/kiosk")
    client.get("/eodina/learn/kiosk")
    client.post("/eodina/learn/kiosk/done")
    other = app.test_client()
    other.get("/eodina/learn/kiosk")
    totals = list(services.online_totals().values())[0]
    assert totals == (3, 2, 1)
    today = seoul_today()
    assert METRICS["eodina.online_learners"](today.year, today) == 1


def test_online_lesson_qr_is_an_svg(client, app):
    services.save_content(None, slug="scam", title_ko="사기", title_en="Scam", kind="video",
                          url="https://example.org/s", minutes=5, produced_on=None)
    db.session.commit()
    response = client.get("/eodina/learn/scam/qr.svg")
    assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


def test_kpi_metrics_follow_the_data(matched, center):
    ins, le, c = matched
    today = seoul_today()
    assert METRICS["eodina.instructors_selected"](today.year, today) == 1
    assert METRICS["eodina.learners_taught"](today.year, today) == 0
    _log(ins, le, today)
    assert METRICS["eodina.learners_taught"](today.year, today) == 1
    assert METRICS["eodina.centers_per_district"](today.year, today) == 0
    assert DISTRICT_FIGURES["eodina.centers"][1](today.year)["jongno"] == 1
    assert DISTRICT_FIGURES["eodina.learners"][1](today.year) == {"jongno": 1.0}
    assert db.session.scalars(PEOPLE["eodina"](today.year)).all() == [le.person_id]


def test_online_content_counts_items_made_in_the_year(app):
    for slug, made in (("a", date(2025, 2, 1)), ("b", date(2024, 12, 1)), ("c", None)):
        services.save_content(None, slug=slug, title_ko=slug, title_en=slug, kind="video",
                              url="https://example.org", minutes=3, produced_on=made)
    db.session.commit()
    assert METRICS["eodina.online_content"](2025, date(2025, 12, 31)) == 1


def test_demo_seed_fills_every_district_and_links_the_demo_instructor(demo_app):
    from ops.accounts.models import User

    assert min(n for _d, n in services.centers_per_district()) >= 2
    user = db.session.scalar(select(User).where(User.email == "instructor@demo.ops"))
    assert services.instructor_for_user(user) is not None
    again = demo_app.test_cli_runner().invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "eodina:" not in again.output


def test_demo_seed_gives_the_plan_years_dashboard_its_figures(demo_app):
    as_of = date(2025, 11, 30)
    assert METRICS["eodina.instructors_selected"](2025, as_of) == 20
    assert METRICS["eodina.learners_taught"](2025, as_of) > 0
    assert METRICS["eodina.centers_per_district"](2025, as_of) >= 2


def test_every_page_renders_with_the_demo_data(demo_app):
    from ops.accounts.models import User
    from ops.programs.eodina.models import Instructor, Learner, LessonLog, OnlineContent
    from tests.conftest import login

    client = demo_app.test_client()
    login(client, db.session.scalar(select(User).where(User.email == "staff@demo.ops")), "demo-password-2025")
    ins = db.session.scalar(select(Instructor))
    le = db.session.scalar(select(Learner))
    content = db.session.scalar(select(OnlineContent))
    pages = ["/eodina/", "/eodina/centers", "/eodina/centers/1", "/eodina/instructors", f"/eodina/instructors/{ins.id}",
             "/eodina/learners", f"/eodina/learners/{le.id}", "/eodina/learners/new", "/eodina/imports/new",
             "/eodina/matching", "/eodina/oversight", "/eodina/reports", "/eodina/content", "/eodina/join",
             "/eodina/learn", f"/eodina/learn/{content.slug}"]
    for path in pages:
        assert client.get(path).status_code == 200, path
    mine = demo_app.test_client()
    login(mine, db.session.scalar(select(User).where(User.email == "instructor@demo.ops")), "demo-password-2025")
    page = mine.get("/eodina/my")
    assert page.status_code == 200
    lesson = db.session.scalar(select(LessonLog).where(LessonLog.instructor_id == services.instructor_for_user(
        db.session.scalar(select(User).where(User.email == "instructor@demo.ops"))).id))
    assert lesson is None or mine.get(f"/eodina/my/lessons/{lesson.id}").status_code == 200
