"""What axe does not see, measured in Chromium on every page a citizen or instructor uses (issue 15):
no sideways scrolling at 320 px or at 390 px with text at 200 %, targets of at least 44×44 px
(links inside a sentence aside), a focus ring of at least 3:1, Enter in a checkbox never sends
a form, and the submit button of the registration and enrolment forms within two phone screens.
Prints the smallest target and each citizen form's page height on a phone.
"""
from __future__ import annotations

import pytest

from tests.a11y.pages import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CITIZEN_ROLES = (None, "citizen", "instructor")
CITIZEN_FORMS = ("events.register", "education.course", "bus_public.request_form", "center.request_form",
                 "eodina.join", "eodina.callback", "bus_public.survey", "eodina.feedback", "surveys.survey")
# The short forms (item 3): how many phone screens down their submit button may end at most.
SUBMIT_WITHIN_SCREENS = {"events.register": 2, "education.course": 2, "bus_public.request_form": 2,
                         "center.request_form": 2, "eodina.join": 2, "eodina.callback": 2}

WIDTH = "() => document.documentElement.scrollWidth"
LARGE_TEXT = "() => { document.documentElement.style.fontSize = '200%'; return document.documentElement.scrollWidth; }"
# Every visible control's clickable box (a checkbox's is its label), except links inside running text.
TARGETS = """() => {
  const out = [];
  const inSentence = a => {
    const parent = a.parentElement;
    return parent && ['P', 'LI', 'DD', 'TD', 'SPAN', 'SMALL'].includes(parent.tagName) &&
      parent.textContent.trim().length > a.textContent.trim().length + 1 && !a.classList.contains('button');
  };
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary').forEach(el => {
    if (el.closest('[hidden], .visually-hidden, .skip') || !el.checkVisibility()) return;
    if (el.tagName === 'A' && inSentence(el)) return;
    const box = ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) || el;
    const r = box.getBoundingClientRect();
    out.push({what: el.outerHTML.slice(0, 90), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10});
  });
  return out;
}"""
# The focus ring's colour against the background next to it (the nearest opaque background).
FOCUS = """() => {
  const lum = c => { const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => x / 255)
      .map(x => x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4));
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const bg = el => { for (let e = el.parentElement; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; const m = c.match(/[\\d.]+/g);
      if (m && (m.length < 4 || Number(m[3]) > 0.5)) return c; } return 'rgb(255, 255, 255)'; };
  const out = [];
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary').forEach(el => {
    if (el.closest('[hidden], .visually-hidden') || !el.checkVisibility()) return;
    el.focus({focusVisible: true});
    const s = getComputedStyle(el);
    if (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2) { out.push({what: el.outerHTML.slice(0, 90), ratio: 0}); return; }
    const a = lum(s.outlineColor), b = lum(bg(el));
    out.push({what: el.outerHTML.slice(0, 90), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)});
  });
  return out;
}"""


def _tab(browser, base, role):
    context = browser.new_context(viewport=PHONE, locale="ko-KR")
    context.add_cookies([{"name": "ops_lang", "value": "ko", "url": base}])
    tab = context.new_page()
    tab.set_default_timeout(20000)
    if role is not None:
        tab.goto(f"{base}/login")
        tab.fill("#email", f"{role}@demo.ops")
        tab.fill("#password", DEMO_PASSWORD)
        with tab.expect_navigation():
            tab.click("main button[type=submit]")
    return context, tab


def test_citizen_pages_reflow_have_big_targets_and_a_visible_focus(demo_site, browser):
    base, _app, pages = demo_site
    problems, smallest, heights, submits = [], None, {}, {}
    for role in CITIZEN_ROLES:
        context, tab = _tab(browser, base, role)
        for key, (who, path) in sorted(pages.items()):
            if who != role:
                continue
            label = f"[{role or 'visitor'}] {path}"
            tab.set_viewport_size({"width": 320, "height": 800})
            tab.goto(base + path)
            if tab.evaluate(WIDTH) > 320:
                problems.append(f"{label}: scrolls sideways at 320 px ({tab.evaluate(WIDTH)} px wide)")
            tab.set_viewport_size(PHONE)
            for target in tab.evaluate(TARGETS):
                if smallest is None or min(target["w"], target["h"]) < min(smallest["w"], smallest["h"]):
                    smallest = dict(target, page=path)
                if target["w"] < 44 or target["h"] < 44:
                    problems.append(f"{label}: target {target['w']}×{target['h']} px: {target['what']}")
            for ring in tab.evaluate(FOCUS):
                if ring["ratio"] < 3:
                    problems.append(f"{label}: focus ring {ring['ratio']:.2f}:1: {ring['what']}")
            endpoint = key.split("@")[0]
            if endpoint in CITIZEN_FORMS:
                tab.goto(base + path)
                heights[path] = tab.evaluate("() => document.documentElement.scrollHeight")
                if endpoint in SUBMIT_WITHIN_SCREENS:
                    bottom = tab.evaluate("() => { const b = document.querySelector('main form[method=post] "
                                          "button[type=submit]'); const r = b.getBoundingClientRect(); "
                                          "return r.bottom + window.scrollY; }")
                    submits[path] = round(bottom)
                    screens = SUBMIT_WITHIN_SCREENS[endpoint]
                    if bottom > screens * PHONE["height"]:
                        problems.append(f"{label}: the submit button ends {bottom:.0f} px down (> {screens} screens)")
            if tab.evaluate(LARGE_TEXT) > PHONE["width"]:
                problems.append(f"{label}: scrolls sideways at 390 px with text at 200 % "
                                f"({tab.evaluate(WIDTH)} px wide)")
        context.close()
    print(f"\nsmallest target: {smallest}")
    print("phone page heights (px): " + ", ".join(f"{path} {height}" for path, height in sorted(heights.items())))
    print("submit button bottom on a phone (px): " + ", ".join(f"{path} {y}" for path, y in sorted(submits.items())))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])


def test_enter_in_a_checkbox_never_sends_the_form(demo_site, browser):
    base, _app, pages = demo_site
    context, tab = _tab(browser, base, None)
    tab.goto(base + pages["events.register"][1])
    sent = []
    tab.on("request", lambda request: sent.append(request.method) if request.method == "POST" else None)
    tab.focus("#consent")
    tab.keyboard.press("Enter")
    tab.wait_for_timeout(500)
    assert sent == [] and tab.is_checked("#consent")
    context.close()
