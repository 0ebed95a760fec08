"""Markup that older readers rely on (issue 15), checked without a browser."""
from __future__ import annotations

import re

from tests.events.conftest import make_event


def test_a_refused_registration_says_so_at_the_top_with_links_to_each_field(client):
    event = make_event()
    client.set_cookie("ops_lang", "ko")
    page = client.post(f"/e/{event.slug}", data={"name": "", "phone": ""}).get_data(as_text=True)
    assert re.search(r"<title>오류: ", page)
    main = page[page.index('<main'):]
    summary = main[:main.index("</div>")]
    assert 'role="alert"' in summary and "data-error-summary" in summary and 'tabindex="-1"' in summary
    assert main.index("error-summary") < main.index("<h1")  # first thing in the page
    for field in ("name", "phone", "consent"):
        assert f'href="#{field}"' in summary
        tag = re.search(rf'<input[^>]*id="{field}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag and f"{field}-err" in tag
        assert f'id="{field}-err"' in page
    client.set_cookie("ops_lang", "en")
    english = client.post(f"/e/{event.slug}", data={"name": ""}).get_data(as_text=True)
    assert re.search(r"<title>Error: ", english)


def test_a_page_without_errors_has_no_summary(client):
    event = make_event()
    page = client.get(f"/e/{event.slug}").get_data(as_text=True)
    assert "data-error-summary" not in page and "<title>오류" not in page and "<title>Error" not in page


def test_the_live_page_updates_without_meta_refresh(client, login_as):
    event = make_event()
    login_as("staff")
    page = client.get(f"/events/manage/{event.slug}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    assert re.search(r'data-poll="\d+"', page) and 'aria-live="polite"' in page
    assert re.search(r'<time datetime="[^"]+">\d\d:\d\d:\d\d</time>', page)  # the visible "last updated"
    assert 'src="/static/ops.js"' in page and "<script>" not in page  # no inline script


def test_every_page_has_a_favicon_and_the_home_tiles_are_translated(client, login_as):
    login_as("admin")
    client.set_cookie("ops_lang", "ko")
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and client.get("/static/favicon.svg").status_code == 200
    assert "Create accounts and change roles" not in page and "Tokens for scanner devices" not in page
