"""axe-core (WCAG 2.2 A/AA and best practice) over every page any role can reach, in Korean and English,
on a phone (390×844) and a desktop (1280×800), and each form's error state. One browser for all.

Prints the number of pages and axe runs. Pages come from tests/a11y/pages.py (the app's URL map).
"""
from __future__ import annotations

import time

import pytest

from tests.a11y.conftest import AXE
from tests.a11y.pages import DEMO_PASSWORD, ROLES

pytestmark = pytest.mark.browser

VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1280, "height": 800})
LOCALES = ("ko", "en")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
      v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""
# The blank form a visitor sends by mistake: text cleared, boxes unticked, the browser's own checks off.
BLANK_FORM = """() => {
  // The scanner's code form is sent by scan.js (its no-JS post is tested in tests/passes).
  const form = [...document.querySelectorAll('main form[method=post], main form[method=POST]')]
    .filter(f => f.id !== 'scan-form')
    .find(f => f.querySelector('input[type=text], input[type=tel], input[type=email], input:not([type]), textarea'));
  if (!form) return false;
  form.noValidate = true;
  form.querySelectorAll('input[type=text], input[type=tel], input[type=email], input:not([type]), textarea')
    .forEach(i => { i.value = ''; });
  form.querySelectorAll('input[type=checkbox]').forEach(i => { i.checked = false; });
  window.a11yBlankForm = form;
  return true;
}"""

SUBMIT = """() => {
  const form = window.a11yBlankForm;
  form.requestSubmit(form.querySelector('button[type=submit], button:not([type]), input[type=submit]') || undefined);
}"""


def _context(browser, base, role, locale):
    context = browser.new_context(viewport=VIEWPORTS[0], locale="ko-KR", bypass_csp=True)
    context.add_init_script(path=str(AXE))
    context.add_cookies([{"name": "ops_lang", "value": locale, "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(20000)
    if role is not None:
        tab.goto(f"{base}/login")
        tab.fill("#email", f"{role}@demo.ops")
        tab.fill("#password", DEMO_PASSWORD)
        with tab.expect_navigation():
            tab.click("main button[type=submit]")
        assert "/login" not in tab.url, f"{role} could not log in"
    return context, tab


def _check(tab, label, failures) -> int:
    runs = 0
    for viewport in VIEWPORTS:
        tab.set_viewport_size(viewport)
        for violation in tab.evaluate(RUN_AXE, TAGS):
            failures.append(f"{label} {viewport['width']}px: {violation}")
        runs += 1
    return runs


def test_every_page_passes_axe(demo_site, browser):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base, _app, pages = demo_site
    started = time.monotonic()
    failures: list[str] = []
    runs = checked = 0
    for role in ROLES:
        mine = sorted(path for who, path in pages.values() if who == role)
        for locale in LOCALES:
            context, tab = _context(browser, base, role, locale)
            for path in mine:
                response = tab.goto(base + path)
                assert response is not None and response.ok, f"{path} as {role}: {response and response.status}"
                runs += _check(tab, f"[{role or 'visitor'} {locale}] {path}", failures)
                checked += 1
            # Each form's error state, after every plain page (a blank form changes nothing, but if one
            # did, no later page would see it).
            for path in mine:
                tab.goto(base + path)
                if not tab.evaluate(BLANK_FORM):
                    continue
                try:
                    with tab.expect_navigation(timeout=15000):
                        tab.evaluate(SUBMIT)
                except PlaywrightTimeout:
                    failures.append(f"[{role or 'visitor'} {locale}] {path}: the blank form sent nothing")
                    continue
                runs += _check(tab, f"[{role or 'visitor'} {locale}] {path} (error state)", failures)
                checked += 1
            context.close()
    print(f"\naxe: {len(pages)} pages, {checked} page views, {runs} axe runs in {time.monotonic() - started:.0f}s")
    assert not failures, f"{len(failures)} axe violations:\n" + "\n".join(failures)
