from datetime import timedelta, timezone

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
