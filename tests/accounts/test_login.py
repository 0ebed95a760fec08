from datetime import timedelta, timezone

import pytest

from ops.accounts.models import User
from ops.core.timeutil import utcnow
from ops.extensions import db
from tests.conftest import login


def test_login_then_home_greets_user_and_logout_ends_session(client, make_user):
    user = make_user("staff", name="이운영")
    login(client, user)
    assert "이운영" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/people").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, make_user):
    user = make_user("staff")
    response = client.post("/login", data={"email": user.email, "password": "wrong-password!"})
    assert response.status_code == 401
    assert "이메일 또는 비밀번호가 맞지 않습니다" in response.get_data(as_text=True)


def test_passwords_are_stored_as_strong_hashes(app, make_user):
    user = make_user("staff", password="correct-horse-battery")
    stored = db.session.get(User, user.id).password_hash
    assert "correct-horse-battery" not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_repeated_failures_slow_down_even_the_right_password(client, make_user, app, time_machine):
    user = make_user("staff")
    free = app.config["OPS_LOGIN_FREE_TRIES"]
    time_machine.move_to(utcnow().replace(tzinfo=timezone.utc), tick=False)  # the first wait is one second
    for _ in range(free):
        client.post("/login", data={"email": user.email, "password": "wrong-password!"})
    response = client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "다시 시도해 주세요" in response.get_data(as_text=True)
    time_machine.shift(timedelta(seconds=2))
    assert client.post("/login", data={"email": user.email, "password": "correct-horse-battery"}).status_code == 302


def test_unknown_email_is_throttled_like_a_real_one(client, app, time_machine):
    time_machine.move_to(utcnow().replace(tzinfo=timezone.utc), tick=False)
    for _ in range(app.config["OPS_LOGIN_FREE_TRIES"]):
        assert client.post("/login", data={"email": "ghost@example.org", "password": "x" * 12}).status_code == 401
    assert client.post("/login", data={"email": "ghost@example.org", "password": "x" * 12}).status_code == 429


def test_login_does_not_redirect_to_another_site(client, make_user):
    user = make_user("staff")
    response = client.post("/login?next=https://evil.example/", data={"email": user.email,
                                                                      "password": "correct-horse-battery"})
    assert response.headers["Location"] == "/"


def test_inactive_account_cannot_log_in(client, make_user):
    user = make_user("staff")
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": "correct-horse-battery"})
    assert response.status_code == 401


def test_forms_refuse_posts_without_csrf_token(csrf_app):
    from ops.accounts.services import create_user

    create_user("staff@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "staff@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 400
    assert "화면이 만료되었습니다" in response.get_data(as_text=True)
    assert client.get("/people").status_code == 302  # not logged in


def _from(client, address: str, email: str, password: str):
    return client.post("/login", data={"email": email, "password": password},
                       environ_overrides={"REMOTE_ADDR": address})


@pytest.mark.pg
def test_a_strangers_wrong_passwords_do_not_keep_the_owner_out(pg_app, time_machine):
    """Issue 12: throttling counts per account *and* address, so another address still logs in."""
    from ops.accounts.services import create_user

    app, client = pg_app, pg_app.test_client()
    user = create_user("owner@example.org", "admin", "correct-horse-battery")
    db.session.commit()
    time_machine.move_to(utcnow().replace(tzinfo=timezone.utc), tick=False)
    for _ in range(app.config["OPS_LOGIN_FREE_TRIES"] + 3):
        _from(client, "203.0.113.9", user.email, "wrong-password!")
    assert _from(client, "203.0.113.9", user.email, "correct-horse-battery").status_code == 429
    assert _from(client, "198.51.100.7", user.email, "correct-horse-battery").status_code == 302


@pytest.mark.pg
def test_one_address_trying_many_accounts_is_slowed(pg_app, time_machine):
    app, client = pg_app, pg_app.test_client()
    time_machine.move_to(utcnow().replace(tzinfo=timezone.utc), tick=False)
    answers = [_from(client, "203.0.113.9", f"guess{n}@example.org", "x" * 12).status_code
               for n in range(app.config["OPS_LOGIN_FREE_TRIES_PER_ADDRESS"] + 1)]
    assert answers[:-1] == [401] * app.config["OPS_LOGIN_FREE_TRIES_PER_ADDRESS"] and answers[-1] == 429
    assert _from(client, "198.51.100.7", "guess0@example.org", "x" * 12).status_code == 401


def test_behind_trusted_proxies_the_forwarded_client_address_counts(tmp_path, monkeypatch, time_machine):
    from tests.conftest import sqlite_app

    with sqlite_app(tmp_path, monkeypatch, OPS_TRUSTED_PROXIES=1) as app:
        client = app.test_client()
        seen = {}

        @app.get("/_addr")
        def addr():
            from flask import request
            seen["addr"] = request.remote_addr
            return "ok"

        client.get("/_addr", headers={"X-Forwarded-For": "192.0.2.44"}, environ_overrides={"REMOTE_ADDR": "10.0.0.1"})
    assert seen["addr"] == "192.0.2.44"
