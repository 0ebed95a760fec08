def test_pages_are_korean_first(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="ko">' in page and "서울디지털재단" in page


def test_english_browser_gets_english(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Seoul Digital Foundation" in page


def test_language_switch_sticks_across_requests(client):
    response = client.post("/lang/en", data={"next": "/privacy"})
    assert response.headers["Location"] == "/privacy"
    page = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_switch_is_remembered_on_the_account(client, login_as):
    user = login_as("staff")
    client.post("/lang/en")
    assert user.locale == "en"


def test_language_switch_does_not_redirect_off_site(client):
    assert client.post("/lang/en", data={"next": "//evil.example/"}).headers["Location"] == "/"


def test_404_page_is_html_in_the_users_language(client):
    ko = client.get("/no-such-page")
    assert ko.status_code == 404 and "찾으시는 화면이 없습니다" in ko.get_data(as_text=True)
    en = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert "We could not find that page" in en.get_data(as_text=True)


def test_403_page_is_html(client, login_as):
    login_as("citizen")
    response = client.get("/people")
    assert response.status_code == 403
    assert "이 화면을 볼 권한이 없습니다" in response.get_data(as_text=True)


def test_500_page_is_html_and_api_errors_are_json(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500 and "저희 쪽에 문제가 생겼습니다" in page.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.get_json() == {"error": "server_error"}


def test_api_errors_are_json(client):
    assert client.get("/api/v1/nothing").get_json() == {"error": "not_found"}
    response = client.get("/api/v1/whoami")
    assert response.status_code == 401 and response.get_json() == {"error": "unauthorized"}


def test_healthz_reports_database_and_in_process_tasks(client):
    body = client.get("/healthz").get_json()
    assert body == {"status": "ok", "database": "ok", "broker": "in-process"}


def test_healthz_reports_a_broker_that_is_down(app):
    app.config["OPS_BROKER_URL"] = "redis://127.0.0.1:1/0"
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.get_json()["broker"] == "down"


def test_home_shows_each_role_its_own_tiles(client, login_as):
    anonymous = client.get("/").get_data(as_text=True)
    assert "/people" not in anonymous
    login_as("staff")
    assert "/people" in client.get("/").get_data(as_text=True)


def test_base_layout_is_senior_friendly(client):
    css = client.get("/static/ops.css").get_data(as_text=True)
    assert "font-size: 112.5%" in css  # 18px base text
    assert "--tap: 48px" in css  # touch targets
    page = client.get("/").get_data(as_text=True)
    assert 'name="viewport"' in page and 'class="skip"' in page


def test_texts_outside_a_request_use_the_default_language(app):
    """CLI commands and workers render messages with no browser to ask: Korean, not a crash."""
    from flask_babel import lazy_gettext

    assert str(lazy_gettext("Log in")) == "로그인"
