"""The KPI dashboard speaks one language at a time (issue 15): no English word in the Korean page's
text and no Korean unit in the English page. Acronyms (all capitals), a few proper names and the
language switch may stay."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from tests.a11y.conftest import _login
from tests.a11y.pages import DEMO_PASSWORD

ALLOWED = {"QR", "PDF", "KPI", "SLW", "XLSX", "CSV", "AI", "English", "SDF", "Festa", "ID", "SMS", "ODA", "ICT",
           "Smart", "Life", "Week", "No"}
KOREAN_UNITS = ("명", "건", "개", "곳", "점", "회", "팀", "개국")


class _Text(HTMLParser):
    """The page's visible text (scripts and styles left out)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "title") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _text(html: str) -> str:
    """The text of <main> (the header holds the user's name, which may be in any language)."""
    parser = _Text()
    parser.feed(html[html.index("<main"):html.index("</main>")])
    return " ".join(parser.parts)


def test_the_kpi_dashboard_has_no_english_in_korean_and_no_korean_units_in_english(demo_site):
    _base, app, pages = demo_site
    path = pages["kpi.dashboard"][1]
    client = app.test_client()
    csrf = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        _login(client, "manager@demo.ops", DEMO_PASSWORD)
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf
    client.set_cookie("ops_lang", "ko")
    korean = _text(client.get(path).get_data(as_text=True))
    english_words = sorted({w for w in re.findall(r"[A-Za-z][A-Za-z_]+", korean) if w not in ALLOWED and not w.isupper()})
    assert not english_words, f"English in the Korean page: {english_words}"
    client.set_cookie("ops_lang", "en")
    english = _text(client.get(path).get_data(as_text=True))
    korean_units = sorted({m for m in re.findall(r"\d\s*(" + "|".join(KOREAN_UNITS) + r")(?![가-힣])", english)})
    assert not korean_units, f"Korean units in the English page: {korean_units}"
