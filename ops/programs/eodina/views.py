"""HTML routes of 어디나지원단: staff pages, the instructor's phone view, public sign-up, feedback, online lessons."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from ...accounts.roles import STAFF, Role, role_required
from ...core.forms import REFUSED, apply_errors, form_action
from ...core.timeutil import seoul_today
from ...extensions import db
from ...kpi.services import request_rollup
from ...passes.qr import qr_svg
from ...people.consent import NOTICES
from ...people.districts import district_choices
from ...people.phone import InvalidPhone
from . import services
from .catalog import SKILL_CHECK, SKILLS, SLOTS, TOPICS, slot_label
from .forms import (RELATION_LABELS, AccountForm, ActionForm, CallbackForm, CallOutcomeForm, CenterForm, CloseFlagForm,
                    ContentForm, ImportForm, InstructorApplicationForm, InstructorProfileForm, LearnerSignUpForm,
                    LessonForm, OverrideForm, RunMatchingForm, SkillCheckForm, StaffLearnerForm)
from .models import Center, ImportJob, Instructor, LearnerFlag, LessonLog, Learner, OnlineContent

bp = Blueprint("eodina", __name__, url_prefix="/eodina", template_folder="templates", static_folder="static",
               static_url_path="/static")

PAGE = 50
VISITOR_COOKIE = "eodina_visitor"


def _locale() -> str:
    return str(get_locale() or "ko")


def _status_label(status: str) -> str:
    labels = {"applied": _("Applied"), "selected": _("Selected"), "trained": _("Trained"), "active": _("Active"),
              "paused": _("Paused"), "left": _("Left"), "waiting": _("Waiting"), "matched": _("Matched"),
              "taught": _("Taught"), "completed": _("Completed")}
    return labels.get(status, status)


def _tier_label(tier: str | None) -> str:
    labels = {"district": _("Own district"), "adjacent": _("Adjacent district"),
              "zone": _("Same living zone (생활권)"), "further": _("Further out (approved)")}
    return labels.get(tier, "-") if tier else "-"


def _wait_label(reason: str | None) -> str:
    labels = {"no_times": _("No days or times given"), "no_instructor": _("No instructor within reach"),
              "no_shared_time": _("No instructor nearby at the learner's times"),
              "instructors_full": _("Instructors nearby are full"), "centers_full": _("Centers nearby are full"),
              None: _("Not matched yet")}
    return labels.get(reason, reason)


def _call_status(status: str) -> str:
    return {"to_call": _("To call"), "no_answer": _("No answer"), "done": _("Done")}.get(status, status)


@bp.app_context_processor
def eodina_helpers():
    return {"eodina_status": _status_label, "slot_label": slot_label, "topic_label": lambda c: str(TOPICS.get(c, c)),
            "skill_label": lambda c: str(SKILLS.get(c, c)), "tier_label": _tier_label, "wait_label": _wait_label,
            "eodina_helpline": current_app.config.get("EODINA_HELPLINE", ""),
            "relation_label": lambda c: str(RELATION_LABELS.get(c, c or "-")), "call_status": _call_status,
            "task_label": lambda c: str(SKILL_CHECK.get(c, c))}


def _once(action, *, raced: str, done: str) -> None:
    """Run a conditional state change; if another user got there first, say so and change nothing."""
    try:
        action()
    except services.InvalidTransition:
        db.session.rollback()
        flash(raced, "info")
    else:
        db.session.commit()
        flash(done, "success")


# --- Staff: overview ---------------------------------------------------------------------------

@bp.get("/")
@role_required(*STAFF)
def index():
    counts = services.instructor_counts()
    from .reports import district_and_center_progress

    districts, _centers = district_and_center_progress(_locale())
    totals = {k: sum(getattr(d, k) for d in districts) for k in ("waiting", "matched", "taught", "completed")}
    short = [row for row in services.centers_per_district() if row[1] < services.CENTERS_TARGET]
    return render_template("eodina/index.html", counts=counts, totals=totals, short=short)


# --- Staff: centers ----------------------------------------------------------------------------

@bp.get("/centers")
@role_required(*STAFF)
def centers():
    return render_template("eodina/centers.html", centers=services.all_centers(), per_district=services.centers_per_district(),
                           target=services.CENTERS_TARGET)


@bp.route("/centers/new", methods=["GET", "POST"], endpoint="center_new")
@bp.route("/centers/<int:center_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def center_edit(center_id: int | None = None):
    center = None
    if center_id is not None:
        center = db.session.get(Center, center_id) or abort(404)
    form = CenterForm(obj=center, staff=services.staff_users())
    saved = form_action(form, lambda: services.save_center(
        center, name=form.name.data, district=form.district.data, address=form.address.data,
        opening_hours=form.opening_hours.data or "", capacity=form.capacity.data, phone=form.phone.data,
        opened_on=form.opened_on.data, active=bool(form.active.data), coordinator_id=form.coordinator_id.data or None),
        done=_("Saved."))
    if saved is not REFUSED:
        return redirect(url_for("eodina.centers"))
    return render_template("eodina/center_form.html", form=form, center=center), 422 if form.errors else 200


@bp.post("/centers/<int:center_id>/close")
@role_required(*STAFF)
def center_close(center_id: int):
    center = db.session.get(Center, center_id) or abort(404)
    services.close_center(center)
    db.session.commit()
    flash(_("The center is closed to new matches."), "info")
    return redirect(url_for("eodina.centers"))


# --- Staff: instructors ------------------------------------------------------------------------

@bp.get("/instructors")
@role_required(*STAFF)
def instructors():
    status = request.args.get("status") or None
    district = request.args.get("district") or None
    rows, loads = services.instructor_list(status, district)  # status "ahead": applicants not yet teaching
    return render_template("eodina/instructors.html", instructors=rows, loads=loads, status=status,
                           statuses=list(services.PIPELINE))


@bp.route("/instructors/new", methods=["GET", "POST"])
@role_required(*STAFF)
def instructor_new():
    form = InstructorApplicationForm()
    if form.validate_on_submit():
        instructor = services.register_instructor(name=form.name.data, phone=form.phone.data,
                                                  birth_year=form.birth_year.data, district=form.district.data or None,
                                                  sms_consent=bool(form.consent_sms.data),
                                                  applied_on=form.applied_on.data, by_user=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("eodina.instructor", instructor_id=instructor.id))
    return render_template("eodina/instructor_new.html", form=form, notices=NOTICES), 422 if form.errors else 200


@bp.route("/instructors/<int:instructor_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def instructor(instructor_id: int):
    ins = db.session.get(Instructor, instructor_id) or abort(404)
    form = InstructorProfileForm(centers=services.active_centers(), data=None if request.method == "POST" else {
        "districts": ins.districts, "centers": [c.id for c in ins.centers], "availability": ins.availability,
        "topics": ins.topics, "max_learners": ins.max_learners})
    result = form_action(form, lambda: services.update_instructor(
        ins, districts=form.districts.data, center_ids=form.centers.data, availability=form.availability.data,
        topics=form.topics.data, max_learners=form.max_learners.data), done=_("Saved."))
    if result is not REFUSED:
        return redirect(url_for("eodina.instructor", instructor_id=ins.id))
    status = 422 if request.method == "POST" else 200
    learners = services.my_learners(ins)
    return render_template("eodina/instructor.html", ins=ins, form=form, learners=learners,
                           next_steps=services.PIPELINE[ins.status], account_form=AccountForm()), status


@bp.post("/instructors/<int:instructor_id>/status")
@role_required(*STAFF)
def instructor_status(instructor_id: int):
    ins = db.session.get(Instructor, instructor_id) or abort(404)
    try:
        moved = services.move_instructor(ins, request.form.get("to", ""), by_user=current_user)
    except services.InvalidTransition:
        db.session.rollback()
        flash(_("That step is not possible from here."), "error")
        return redirect(url_for("eodina.instructor", instructor_id=ins.id)), 409
    db.session.commit()
    flash(_("Now: %(status)s.", status=_status_label(ins.status)), "success")
    if moved:
        flash(_("%(count)s learner(s) were matched again.", count=len(moved)), "info")
    return redirect(url_for("eodina.instructor", instructor_id=ins.id))


@bp.post("/instructors/<int:instructor_id>/account")
@role_required(*STAFF)
def instructor_account(instructor_id: int):
    from ...accounts.services import InvalidAccount

    ins = db.session.get(Instructor, instructor_id) or abort(404)
    form = AccountForm()
    if form.validate_on_submit():
        try:
            services.link_instructor_account(ins, form.email.data, form.password.data)
        except (InvalidAccount, services.InvalidTransition):
            db.session.rollback()
            flash(_("That e-mail already has an account."), "error")
        else:
            db.session.commit()
            flash(_("The instructor can now log in."), "success")
    else:
        flash(_("Please check the e-mail and the password (at least 10 characters)."), "error")
    return redirect(url_for("eodina.instructor", instructor_id=ins.id))


# --- Staff: learners ---------------------------------------------------------------------------

@bp.get("/learners")
@role_required(*STAFF)
def learners():
    district = request.args.get("district") or None
    only_waiting = request.args.get("waiting") == "1"
    page = max(request.args.get("page", 1, type=int), 1)
    rows, total = services.learner_page(district, only_waiting, page, PAGE)
    live = services.live_matches_for(le.id for le in rows)
    return render_template("eodina/learners.html", learners=rows, live=live, total=total, page=page, per_page=PAGE,
                           district=district, only_waiting=only_waiting, status_of=services.learner_status,
                           district_options=district_choices(_locale()))


def _save_learner(form, source: str, by_user):
    """The learner, and the family member who signed them up when there is one."""
    from .outreach import add_family_contact

    try:
        learner, created = services.register_learner(
            name=form.name.data, phone=form.phone.data, district=form.district.data, birth_year=form.birth_year.data,
            preferred_center_id=form.preferred_center.data, availability=form.availability.data,
            topics=form.topics.data, consent=bool(form.consent_collection.data),
            sms_consent=bool(form.consent_sms.data), source=source, by_user=by_user)
        if form.family_given():
            add_family_contact(learner, name=form.family_name.data, phone=form.family_phone.data,
                               relation=form.family_relation.data, consent=bool(form.family_consent.data),
                               by_user=by_user)
        return learner, created
    except services.InvalidChoice as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
    except InvalidPhone as exc:
        db.session.rollback()
        form.phone.errors = list(form.phone.errors) + [str(exc.message)]
    return None, False


@bp.route("/learners/new", methods=["GET", "POST"])
@role_required(*STAFF)
def learner_new():
    """Staff register a learner who called, reading the consent notice to them."""
    form = StaffLearnerForm(centers=services.active_centers())
    if form.validate_on_submit() & form.validate_family(required=form.registered_by.data == "family"):
        learner, created = _save_learner(form, form.registered_by.data, current_user)
        if learner is not None:
            db.session.commit()
            flash(_("Saved.") if created else _("This person is already registered."), "success")
            return redirect(url_for("eodina.learner", learner_id=learner.id))
    status = 422 if request.method == "POST" else 200
    return render_template("eodina/learner_new.html", form=form, notices=NOTICES, staff=True), status


@bp.get("/learners/<int:learner_id>")
@role_required(*STAFF)
def learner(learner_id: int):
    le = db.session.get(Learner, learner_id) or abort(404)
    record = services.learner_record(le)
    form = OverrideForm(instructors=services.active_instructors(), centers=services.active_centers())
    from .outcomes import checks_for

    return render_template("eodina/learner.html", le=le, matches=record["matches"], lessons=record["lessons"],
                           live=record["live"], form=form, status=services.learner_status(le, record["live"]),
                           flags=record["flags"], checks=checks_for(le.id))


@bp.post("/learners/<int:learner_id>/further")
@role_required(*STAFF)
def learner_approve_further(learner_id: int):
    le = db.session.get(Learner, learner_id) or abort(404)
    if ActionForm().validate_on_submit():
        services.approve_further(le, by_user=current_user)
        db.session.commit()
        flash(_("Approved: the next matching run may offer a center further away."), "success")
    return redirect(url_for("eodina.learner", learner_id=le.id))


@bp.post("/learners/<int:learner_id>/override")
@role_required(*STAFF)
def learner_override(learner_id: int):
    le = db.session.get(Learner, learner_id) or abort(404)
    form = OverrideForm(instructors=services.active_instructors(), centers=services.active_centers())
    if not form.validate_on_submit():
        flash(_("Please choose an instructor, a center and a slot, and say why."), "error")
        return redirect(url_for("eodina.learner", learner_id=le.id))
    try:
        services.override_match(le, instructor=db.session.get(Instructor, form.instructor.data),
                                center=db.session.get(Center, form.center.data), slot=form.slot.data,
                                by_user=current_user, note=form.note.data)
    except services.InvalidChoice:
        db.session.rollback()
        flash(_("Please check this choice."), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("eodina.learner", learner_id=le.id))


# --- Staff: imports ----------------------------------------------------------------------------

@bp.route("/imports/new", methods=["GET", "POST"])
@role_required(*STAFF)
def import_new():
    from .importer import BadSheet, create_import
    from .tasks import import_learners

    form = ImportForm()
    if form.validate_on_submit():
        upload = form.sheet.data
        try:
            job = create_import(upload.filename or "sheet", upload.read(), by_user=current_user)
        except BadSheet:
            form.sheet.errors = [_("Please upload an .xlsx or .csv file (at most 5 MB).")]
        else:
            db.session.commit()
            import_learners.delay(job.id, _locale())
            return redirect(url_for("eodina.import_status", job_id=job.id))
    status = 422 if request.method == "POST" else 200
    recent = services.recent_imports()
    return render_template("eodina/import_new.html", form=form, recent=recent), status


@bp.get("/imports/<int:job_id>")
@role_required(*STAFF)
def import_status(job_id: int):
    job = db.session.get(ImportJob, job_id) or abort(404)
    return render_template("eodina/import_status.html", job=job)


# --- Staff: matching, oversight, reports -------------------------------------------------------

@bp.get("/matching")
@role_required(*STAFF)
def matching():
    return render_template("eodina/matching.html", form=RunMatchingForm(), reasons=services.waiting_by_reason(),
                           **services.matching_overview())


@bp.post("/matching/run")
@role_required(*STAFF)
def matching_run():
    from .tasks import run_matching

    form = RunMatchingForm()
    if form.validate_on_submit():
        result = run_matching.delay(None, current_user.id)
        if current_app.config.get("OPS_BROKER_URL"):
            flash(_("Matching started; refresh in a minute."), "info")
        else:
            figures = result.get()
            flash(_("%(matched)s learner(s) matched, %(unmatched)s still waiting (no free place).",
                    matched=figures["matched"], unmatched=figures["unmatched"]), "success")
    return redirect(url_for("eodina.matching"))


@bp.get("/oversight")
@role_required(*STAFF)
def oversight():
    today = seoul_today()
    return render_template("eodina/oversight.html", idle=services.idle_instructors(today),
                           untaught=services.untaught_learners(), today=today)


@bp.get("/flags")
@role_required(*STAFF)
def flags():
    """Learners who may be slipping away: open flags (mine first), each closed with what was done."""
    from .followup import QUIET_DAYS, open_flags

    mine_only = request.args.get("mine") == "1"
    mine = services.coordinated_center_ids(current_user)
    rows = open_flags(mine if mine_only else None)
    rows.sort(key=lambda f: (f.center_id not in mine, f.raised_on, f.id))
    closed = services.recent_closed_flags()
    return render_template("eodina/flags.html", flags=rows, closed=closed, mine=mine, mine_only=mine_only,
                           quiet_days=QUIET_DAYS, form=CloseFlagForm())


@bp.post("/flags/<int:flag_id>/close")
@role_required(*STAFF)
def flag_close(flag_id: int):
    from .followup import QUIET_DAYS, close_flag, open_flags

    flag = db.session.get(LearnerFlag, flag_id) or abort(404)
    form = CloseFlagForm()
    if form.validate_on_submit():
        _once(lambda: close_flag(flag, action=form.action.data, by_user=current_user),
              raced=_("Someone closed this flag a moment ago."), done=_("Closed. Thank you for following up."))
        return redirect(url_for("eodina.flags"))
    mine = services.coordinated_center_ids(current_user)
    return render_template("eodina/flags.html", flags=open_flags(), closed=[], mine=mine, mine_only=False,
                           quiet_days=QUIET_DAYS, form=form, failed_id=flag.id), 422


def _month_arg() -> str:
    month = request.args.get("month") or seoul_today().strftime("%Y-%m")
    from .reports import month_bounds

    try:
        month_bounds(month)
    except ValueError:
        abort(400)
    return month


@bp.get("/reports")
@role_required(*STAFF)
def reports():
    from .reports import district_and_center_progress, instructor_month

    month = _month_arg()
    districts, centers_ = district_and_center_progress(_locale())
    return render_template("eodina/reports.html", month=month, rows=instructor_month(month), districts=districts,
                           centers=centers_)


@bp.get("/shortage")
@role_required(*STAFF)
def shortage():
    from .reports import shortage_by_district

    return render_template("eodina/shortage.html", rows=shortage_by_district(_locale()))


@bp.get("/shortage.xlsx")
@role_required(*STAFF)
def shortage_export():
    from .reports import shortage_xlsx

    return Response(shortage_xlsx(_locale()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="eodina-where-to-recruit.xlsx"'})


@bp.get("/reports.xlsx")
@role_required(*STAFF)
def reports_xlsx():
    from .reports import export_xlsx

    month = _month_arg()
    return Response(export_xlsx(month, _locale()),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="eodina-{month}.xlsx"'})


@bp.route("/content", methods=["GET", "POST"])
@role_required(*STAFF)
def content():
    form = ContentForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.save_content(None, slug=form.slug.data, title_ko=form.title_ko.data, title_en=form.title_en.data,
                                  kind=form.kind.data, url=form.url.data, minutes=form.minutes.data,
                                  produced_on=form.produced_on.data)
            db.session.commit()
        except services.InvalidChoice as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
            status = 422
        except IntegrityError:  # the slug is unique
            db.session.rollback()
            form.slug.errors = [_("That short name is taken.")]
            status = 422
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("eodina.content"))
    elif request.method == "POST":
        status = 422
    items = services.content_items()
    return render_template("eodina/content.html", form=form, items=items, totals=services.online_totals()), status


# --- Instructor: phone view --------------------------------------------------------------------

def _me() -> Instructor | None:
    return services.instructor_for_user(current_user)


@bp.get("/my")
@role_required(Role.INSTRUCTOR)
def my():
    me = _me()
    if me is None:
        return render_template("eodina/my.html", me=None)
    pairs = services.my_learners(me)
    today = seoul_today()
    logged_today, recent = services.instructor_day(me, today)
    from .outcomes import completion_checks_due

    return render_template("eodina/my.html", me=me, pairs=pairs, due=services.lessons_due_on(today, pairs),
                           logged_today=logged_today, recent=recent, today=today,
                           checks_due=completion_checks_due(me))


@bp.route("/my/learners/<int:learner_id>/log", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def my_log(learner_id: int):
    me = _me() or abort(404)
    try:
        le, match = services.my_learner(me, learner_id)
    except services.NotYourLearner:
        abort(404)
    form = LessonForm()
    if request.method == "GET":
        form.lesson_date.data = seoul_today()
        form.topics.data = le.topics
    result = form_action(form, lambda: services.log_lesson(
        me, le.id, lesson_date=form.lesson_date.data, minutes=form.minutes.data,
        attended=form.attended.data == "yes", topics=form.topics.data, skills=form.skills.data,
        note=form.note.data, by_user=current_user))
    if result is not REFUSED:
        lesson, created = result
        request_rollup()
        flash(_("Lesson saved.") if created else _("This lesson was already saved."), "success")
        return redirect(url_for("eodina.my_feedback", lesson_id=lesson.id))
    return render_template("eodina/my_log.html", le=le, match=match, form=form), \
        422 if request.method == "POST" else 200


@bp.route("/my/learners/<int:learner_id>/skills", methods=["GET", "POST"])
@role_required(Role.INSTRUCTOR)
def my_skills(learner_id: int):
    """The digital-skills check, done with the learner at intake and at completion."""
    from .outcomes import checks_for, record_skill_check, taught_by

    me = _me() or abort(404)
    try:
        le, _match = taught_by(me, learner_id)
    except services.NotYourLearner:
        abort(404)
    done = checks_for(le.id)
    form = SkillCheckForm()
    if request.method == "GET":
        form.checked_on.data = seoul_today()
        form.stage.data = "completion" if "intake" in done or le.completed_at else "intake"
    try:
        result = form_action(form, lambda: record_skill_check(me, le.id, stage=form.stage.data,
                                                              tasks=form.tasks.data, checked_on=form.checked_on.data))
    except services.AlreadyGiven:
        db.session.rollback()
        form.stage.errors = [_("This check was already recorded.")]
        result = REFUSED
    if result is not REFUSED:
        flash(_("Skills check saved: %(n)s of %(total)s tasks.", n=result.score, total=len(form.tasks.choices)),
              "success")
        return redirect(url_for("eodina.my"))
    return render_template("eodina/my_skills.html", le=le, form=form, done=done), \
        422 if request.method == "POST" else 200


@bp.get("/outcomes")
@role_required(*STAFF)
def outcomes():
    from .outcomes import before_after, lesson_skills_by_month, skills_gain

    by = request.args.get("by") if request.args.get("by") in ("learner", "center", "district", "month") else "month"
    from .outcomes import follow_up_answers

    return render_template("eodina/outcomes.html", by=by, rows=before_after(by, _locale()), gain=skills_gain(),
                           months=lesson_skills_by_month(), follow_ups=follow_up_answers())


@bp.get("/my/lessons/<int:lesson_id>")
@role_required(Role.INSTRUCTOR)
def my_feedback(lesson_id: int):
    """The lesson's feedback QR, shown to the learner on the instructor's phone."""
    me = _me() or abort(404)
    lesson = db.session.get(LessonLog, lesson_id)
    if lesson is None or lesson.instructor_id != me.id:
        abort(404)
    url = url_for("eodina.feedback", code=services.feedback_code(lesson), _external=True)
    return render_template("eodina/my_feedback.html", lesson=lesson, url=url, qr=Markup(qr_svg(url)))


# --- Public: sign-up, feedback, online lessons -------------------------------------------------

@bp.route("/join", methods=["GET", "POST"])
def join():
    form = LearnerSignUpForm(centers=services.active_centers())
    if form.validate_on_submit() & form.validate_family(required=False):
        learner, _created = _save_learner(form, "family" if form.family_given() else "web", None)
        if learner is not None:
            db.session.commit()
            return redirect(url_for("eodina.joined"))
    status = 422 if request.method == "POST" else 200
    return render_template("eodina/learner_new.html", form=form, notices=NOTICES, staff=False), status


@bp.get("/join/thanks")
def joined():
    return render_template("eodina/joined.html")


@bp.route("/callback", methods=["GET", "POST"])
def callback():
    """'Call me back': for people who would rather talk than fill in a form."""
    from .outreach import request_callback

    form = CallbackForm()
    if request.method == "GET":
        form.source.data = request.args.get("from", "join")
    if form.validate_on_submit():
        request_callback(name=form.name.data, phone=form.phone.data, consent=bool(form.consent_collection.data),
                         source=form.source.data, note=form.note.data or "")
        db.session.commit()
        return redirect(url_for("eodina.callback_thanks"))
    return render_template("eodina/callback.html", form=form, notices=NOTICES), \
        422 if request.method == "POST" else 200


@bp.get("/callback/thanks")
def callback_thanks():
    return render_template("eodina/callback_thanks.html")


@bp.get("/callbacks")
@role_required(*STAFF)
def callbacks():
    from .outreach import callbacks as call_list

    show_done = request.args.get("done") == "1"
    return render_template("eodina/callbacks.html", rows=call_list(open_only=not show_done), show_done=show_done,
                           form=CallOutcomeForm())


@bp.post("/callbacks/<int:request_id>/call")
@role_required(*STAFF)
def callback_call(request_id: int):
    from .models import CallbackRequest
    from .outreach import record_call

    row = db.session.get(CallbackRequest, request_id) or abort(404)
    form = CallOutcomeForm()
    if not form.validate_on_submit():
        flash(_("Please choose how the call went."), "error")
        return redirect(url_for("eodina.callbacks") + f"#callback-{row.id}")
    def call():
        from .outcomes import record_follow_up_by_call

        record_call(row, outcome=form.outcome.data, note=form.note.data or "", by_user=current_user)
        record_follow_up_by_call(row.id, request.form.get("follow_up_answer", ""))

    _once(call, raced=_("Someone finished this call a moment ago."), done=_("Saved."))
    return redirect(url_for("eodina.callbacks"))


@bp.route("/f/<code>", methods=["GET", "POST"])
def feedback(code: str):
    try:
        lesson = services.lesson_for_code(code)
    except services.NotFound:
        abort(404)
    given = services.feedback_for(lesson)
    if request.method == "POST" and given is None:
        try:
            services.give_feedback(lesson, request.form.get("rating", type=int) or 0)
        except services.InvalidChoice:
            flash(_("Please choose from 1 to 5."), "error")
            return render_template("eodina/feedback.html", lesson=lesson, given=None), 422
        except services.AlreadyGiven:
            db.session.rollback()
        else:
            db.session.commit()
        return render_template("eodina/feedback.html", lesson=lesson, given=True, thanks=True)
    return render_template("eodina/feedback.html", lesson=lesson, given=given is not None)


@bp.route("/s/<code>", methods=["GET", "POST"])
def follow_up(code: str):
    """Three months after the course: 'do you still use what you learned?' answered with one tap."""
    from .outcomes import answer_follow_up, follow_up_for_code

    try:
        found = follow_up_for_code(code)
    except services.NotFound:
        abort(404)
    if request.method == "POST" and ActionForm().validate_on_submit():
        try:
            answer_follow_up(found, request.form.get("answer", ""))
        except services.InvalidChoice:
            flash(_("Please choose one of the answers."), "error")
            return render_template("eodina/follow_up.html", follow_up=found), 422
        db.session.commit()
        return render_template("eodina/follow_up.html", follow_up=found, thanks=True)
    return render_template("eodina/follow_up.html", follow_up=found)


@bp.get("/learn")
def learn():
    items = services.content_items(active_only=True)
    return render_template("eodina/learn.html", items=items)


def visitor_id() -> tuple[str, bool]:
    """The anonymous first-party visitor id (random; no personal data) and whether it is new."""
    current = request.cookies.get(VISITOR_COOKIE, "")
    if 16 <= len(current) <= 40 and current.replace("-", "").replace("_", "").isalnum():
        return current, False
    return secrets.token_urlsafe(18), True


def _with_visitor(response, visitor: str, new: bool):
    if new:
        response.set_cookie(VISITOR_COOKIE, visitor, max_age=int(timedelta(days=365).total_seconds()),
                            httponly=True, samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


def _content_or_404(slug: str) -> OnlineContent:
    item = services.active_content(slug)
    return item or abort(404)


@bp.get("/learn/<slug>")
def learn_item(slug: str):
    item = _content_or_404(slug)
    visitor, new = visitor_id()
    view = services.record_view(item, visitor)
    db.session.commit()
    response = current_app.make_response(render_template("eodina/learn_item.html", item=item, view=view))
    return _with_visitor(response, visitor, new)


@bp.post("/learn/<slug>/done")
def learn_done(slug: str):
    item = _content_or_404(slug)
    visitor, new = visitor_id()
    services.record_completion(item, visitor)
    db.session.commit()
    flash(_("Well done! This lesson is counted as finished."), "success")
    return _with_visitor(redirect(url_for("eodina.learn_item", slug=item.slug)), visitor, new)


@bp.get("/learn/<slug>/qr.svg")
def learn_qr(slug: str):
    item = _content_or_404(slug)
    return Response(qr_svg(url_for("eodina.learn_item", slug=item.slug, _external=True)), mimetype="image/svg+xml")
