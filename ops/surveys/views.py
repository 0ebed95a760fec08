"""The survey page behind the texted link (no login), and the results for staff with a CSV export."""
from __future__ import annotations


from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ..accounts.roles import STAFF, role_required
from ..core.timeutil import to_seoul, utcnow
from ..extensions import db
from ..kpi.services import request_rollup
from . import services
from .models import COURSE, EVENT, SCALES

bp = Blueprint("surveys", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/surveys")

QUESTIONS = {EVENT: _l("How satisfied were you with %(title)s? (0 = not at all, 10 = completely)"),
             COURSE: _l("How satisfied were you with the course %(title)s? (1 = not at all, 5 = very)")}


class SurveyForm(FlaskForm):
    score = RadioField(coerce=int, validators=[InputRequired(_l("Please choose a score."))])
    comment = TextAreaField(_l("Anything you would like to tell us (optional)"),
                            validators=[Optional(), Length(max=1000)])


def _subject(kind: str, scope_id: int):
    """The event or course asked about: (title, locale-aware title function owner)."""
    if kind == EVENT:
        from ..events.models import Event

        return db.session.get(Event, scope_id)
    from ..education.models import Course

    return db.session.get(Course, scope_id)


@bp.route("/survey/<token>", methods=["GET", "POST"])
def survey(token: str):
    """The short survey: one score on its scale and a comment; once per link, for 14 days."""
    try:
        invite = services.find_invite(token)
    except services.UnknownSurvey as exc:
        return render_template("surveys/message.html", kind="bad", message=exc.message), 404
    if services.answered(invite):
        return render_template("surveys/message.html", kind="ok", message=services.AlreadyAnswered.message)
    if not services.is_open(invite):
        return render_template("surveys/message.html", kind="warn", message=services.SurveyClosed.message), 410
    subject = _subject(invite.subject_kind, invite.scope_id)
    title = subject.title(str(get_locale() or "ko")) if subject else ""
    low, high = SCALES[invite.subject_kind]
    form = SurveyForm()
    form.score.label.text = QUESTIONS[invite.subject_kind] % {"title": title}
    form.score.choices = [(n, str(n)) for n in range(low, high + 1)]
    if form.validate_on_submit():
        try:
            services.answer_survey(token, score=form.score.data, comment=form.comment.data)
        except services.AlreadyAnswered as exc:
            db.session.rollback()
            return render_template("surveys/message.html", kind="ok", message=exc.message)
        except services.SurveyError as exc:
            db.session.rollback()
            return render_template("surveys/message.html", kind="bad", message=exc.message), 409
        db.session.commit()
        request_rollup()
        return render_template("surveys/message.html", kind="ok", message=_("Thank you for your answer!"))
    status = 422 if form.errors else 200
    return render_template("surveys/survey.html", form=form, title=title, scale=(low, high)), status


def _staff_subject(kind: str, key):
    if kind == EVENT:
        from ..events.services import event_by_slug

        subject = event_by_slug(key)
    else:
        subject = _subject(COURSE, key)
    return subject or abort(404)


def _results(kind: str, subject, export_url: str):
    """The results page of an event's (by day) or a course's survey."""
    return render_template("surveys/results.html", title=subject.title(str(get_locale() or "ko")),
                           r=services.results(kind, subject.id), by_day=kind == EVENT, export_url=export_url)


@bp.get("/surveys/events/<slug>")
@role_required(*STAFF)
def event_results(slug: str):
    event = _staff_subject(EVENT, slug)
    return _results(EVENT, event, url_for("surveys.event_export", slug=event.slug))


@bp.get("/surveys/courses/<int:course_id>")
@role_required(*STAFF)
def course_results(course_id: int):
    course = _staff_subject(COURSE, course_id)
    return _results(COURSE, course, url_for("surveys.course_export", course_id=course.id))


def _csv(rows: list[list], name: str) -> Response:
    from ..core import export

    stamp = to_seoul(utcnow()).strftime("%Y%m%d-%H%M")
    return export.download(export.csv_text(services.EXPORT_COLUMNS, rows), f"{name}-survey-{stamp}.csv")


@bp.get("/surveys/events/<slug>.csv")
@role_required(*STAFF)
def event_export(slug: str):
    event = _staff_subject(EVENT, slug)
    return _csv(services.export_rows(EVENT, event.id), event.slug)


@bp.get("/surveys/courses/<int:course_id>.csv")
@role_required(*STAFF)
def course_export(course_id: int):
    course = _staff_subject(COURSE, course_id)
    return _csv(services.export_rows(COURSE, course.id), f"course-{course.id}")
