"""Every HTML page any role can reach, found from the app's URL map.

Each GET rule without arguments is a start; the pages' own links fill in the rules with
arguments (one URL per rule and role), and a few links that no page shows (signed links
sent by SMS or printed on cards) come from the demo data. A rule that is neither reached
nor in EXCLUDED fails tests/a11y/test_pages.py, so a new page cannot be left out unnoticed.
"""
from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from ops.extensions import db
from ops.passes.codes import new_serial

# Who looks at the pages, from the least to the most allowed; None is a visitor not logged in.
ROLES = (None, "citizen", "instructor", "staff", "manager", "admin")
DEMO_PASSWORD = "demo-password-2025"
# Pages whose content changes with the role: checked for every role.
EVERY_ROLE = {"core.home"}

# GET endpoints that are not HTML pages, or that no demo data can open, with the reason.
EXCLUDED = {
    "static": "files (CSS)",
    "bus.static": "files", "eodina.static": "files", "kpi.static": "files", "notify.static": "files",
    "education.static": "files", "events.static": "files", "passes.static": "files (scanner JS)",
    "surveys.static": "files",
    "core.healthz": "JSON health check", "core.set_language": "POST only; GET redirects back",
    "accounts_api.whoami": "JSON API", "core_api.openapi": "OpenAPI JSON",
    "bus_api.free": "JSON API", "passes_api.offline_download": "JSON API",
    "eodina_api.import_status": "JSON API", "eodina_api.my_learners": "JSON API",
    "events_api.numbers": "JSON API", "events_api.search": "JSON API", "kpi_api.kpi": "JSON API",
    "bus.report_xlsx": "spreadsheet", "education.reports_xlsx": "spreadsheet", "eodina.reports_xlsx": "spreadsheet",
    "eodina.shortage_export": "spreadsheet", "kpi.budget_template": "spreadsheet", "kpi.export_xlsx": "spreadsheet",
    "kpi.monthly_report_xlsx": "spreadsheet", "events.export": "CSV/spreadsheet download",
    "surveys.course_export": "CSV", "surveys.event_export": "CSV",
    "kpi.monthly_report_pdf": "PDF (fonts checked in tests/kpi)", "events.badges_pdf": "PDF (tests/events/test_badges.py)",
    "education.certificate": "PDF (tests/education/test_certificates.py)",
    "passes.png": "QR image", "passes.svg": "QR image", "eodina.learn_qr": "QR image",
    "passes.icon": "scanner app icon", "passes.manifest": "web app manifest", "passes.service_worker": "service worker",
    "passes.tone": "scanner sound",
    "bus.cards": "printable survey cards (PDF)",
    "eodina.import_status": "shows an import job; the demo data has none (the form is /eodina/imports/new)",
}

# Links that only redirect to a page: followed by the crawl, not checked themselves.
REDIRECTS = {"kpi.home": "redirects to this year's dashboard", "kpi.budget_current": "redirects to this year's budget",
             "kpi.entries_current": "redirects to this year's entries"}
EXCLUDED.update(REDIRECTS)

_HREF = re.compile(r'href="([^"#]+)"')


def _signed_links() -> list[str]:
    """Links no page shows (sent by SMS or printed on cards), from the demo data; the few kinds
    the demo data has none of (a survey invitation, a follow-up, a proposed date) are added here."""
    from ops.education.models import Certificate, Enrolment
    from ops.events.models import Registration
    from ops.programs.bus import services as bus
    from ops.programs.bus.models import BusSurveyCard, BusVisit, HostInstitution
    from ops.programs.eodina import outcomes, services as eodina
    from ops.programs.eodina.models import FollowUp, Learner, LessonLog
    from ops.surveys import services as surveys

    def first(model, *where):
        return db.session.scalars(select(model).where(*where).order_by(model.id).limit(1)).first()

    # An event and a citizens' course open today, so their forms are on the page (the demo's are past).
    from datetime import timedelta

    from ops.core.timeutil import seoul_today, utcnow
    from ops.education.models import CITIZENS
    from ops.education.services import add_session, create_course
    from tests.events.conftest import make_event

    event = make_event("a11y-open")
    start = utcnow().replace(microsecond=0) + timedelta(days=14)
    course = create_course(title_ko="시민 AI 특강", title_en="AI lecture", kind="smart_city_center", audience=CITIZENS,
                           institution=None, capacity=30, completion_percent=80, year=seoul_today().year)
    add_session(course, starts=start, ends=start + timedelta(hours=2), place="서울스마트시티센터", teacher="박강사")
    db.session.commit()
    urls = [f"/e/{event.slug}", f"/education/courses/{course.id}"]
    registration = first(Registration)
    urls += [f"/t/{registration.code}", f"/t/{registration.code}/cancel"]
    # A seat offered to the first in line (the link of the offer's text message).
    from ops.events.services import cancel_registration
    from tests.events.conftest import register_one

    offer_event = make_event("a11y-offer", capacity=1)
    holder, offered = register_one(offer_event, 1), register_one(offer_event, 2)
    cancel_registration(holder)
    db.session.commit()
    urls.append(f"/t/{offered.code}/accept")
    # The door scanner with a search answered without JavaScript (its results and their check-in buttons).
    urls.append(f"/scan?gate=A&context=events:{registration.event.slug}&q={registration.phone_tail}")
    enrolment = first(Enrolment)
    urls += [f"/education/e/{enrolment.code}", f"/education/e/{enrolment.code}/cancel"]
    urls.append(f"/verify/{first(Certificate).code}")
    token = bus.institution_token(first(HostInstitution))
    urls += [f"/bus/i/{token}", f"/bus/i/{token}/request"]
    urls.append(f"/bus/s/{bus.card_code(first(BusSurveyCard))}")
    urls.append(f"/eodina/f/{eodina.feedback_code(first(LessonLog))}")
    visit = first(BusVisit, BusVisit.status == bus.REQUESTED)
    visit.status, visit.proposed_day, visit.proposed_slot_id = bus.PROPOSED, visit.day, visit.slot_id
    visit.proposal_round = (visit.proposal_round or 0) + 1
    urls.append(f"/bus/p/{bus.proposal_token(visit)}")
    follow_up = FollowUp(learner_id=first(Learner).id, channel="sms", serial=new_serial())
    db.session.add(follow_up)
    db.session.flush()
    urls.append(f"/eodina/s/{outcomes.follow_up_code(follow_up)}")
    # A draft plan year with a budget line, so the managers' plan pages are checked with the open button and
    # the remove form (the demo's years are open).
    from ops.plan import services as plan
    from ops.plan.years import copy_plan, plan_years

    draft = max(plan_years()) + 1
    copy_plan(draft, draft - 1)
    line = plan.add_line(draft, name_ko="운영비", name_en="Running costs", budget="1,000")
    urls += [f"/plan/{draft}/edit", f"/plan/{draft}/budget/{line.id}"]
    invite = surveys.invite(kind="event", subject_id=registration.id, scope_id=registration.event_id,
                            person=registration.person, title="SLW")
    urls.append(f"/survey/{invite.token}")
    db.session.commit()
    return urls


def _endpoint(adapter, path: str) -> str | None:
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def discover(app, login) -> dict[str, tuple[str | None, str]]:
    """{(endpoint or endpoint@role): (role, path)}: each page with the least-allowed role that opens it."""
    adapter = app.url_map.bind("localhost")
    # The prepared links first, so that a page they show in a fuller state (the scanner) is taken from them.
    starts = _signed_links()
    starts += [rule.rule for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and not rule.arguments and rule.endpoint not in EXCLUDED]
    found: dict[str, tuple[str | None, str]] = {}
    for role in ROLES:
        client = app.test_client()
        if role is not None:
            login(client, f"{role}@demo.ops", DEMO_PASSWORD)
        seen_endpoints: set[str] = set()
        queue = deque(starts)
        while queue:
            path = queue.popleft()
            endpoint = _endpoint(adapter, urlsplit(path).path)
            if endpoint is None or endpoint in seen_endpoints or (endpoint in EXCLUDED and endpoint not in REDIRECTS):
                continue
            seen_endpoints.add(endpoint)
            response = client.get(path)
            if response.status_code in (301, 302, 303) and response.location.startswith("/"):
                queue.append(response.location)
                seen_endpoints.discard(endpoint)  # a redirect does not count as the page
                continue
            if response.status_code != 200 or response.mimetype != "text/html" or endpoint in EXCLUDED:
                continue
            key = f"{endpoint}@{role}" if endpoint in EVERY_ROLE else endpoint
            found.setdefault(key, (role, path))
            for href in _HREF.findall(response.get_data(as_text=True)):
                href = unescape(href)
                if href.startswith("/") and not href.startswith("//"):
                    queue.append(href)
    return found
