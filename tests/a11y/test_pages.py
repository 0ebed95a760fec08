"""The axe test's list of pages comes from the URL map: a new page is checked, or excluded with a reason."""
from __future__ import annotations

from tests.a11y.pages import EXCLUDED


def test_every_get_endpoint_is_checked_or_excluded_with_a_reason(demo_site):
    _base, app, pages = demo_site
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
    checked = {key.split("@")[0] for key in pages}
    missing = sorted(endpoints - checked - set(EXCLUDED))
    assert not missing, f"pages neither checked by axe nor excluded: {missing}"
    assert not checked & set(EXCLUDED), "excluded pages that are HTML pages after all"
    assert set(EXCLUDED) <= endpoints, "excluded endpoints that no longer exist"
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_pages_include_every_role_and_the_citizen_forms(demo_site):
    _base, _app, pages = demo_site
    assert {role for role, _path in pages.values()} >= {None, "citizen", "instructor", "staff", "manager", "admin"}
    for endpoint in ("events.register", "education.course", "bus_public.request_form", "eodina.join", "kpi.dashboard"):
        assert endpoint in pages
