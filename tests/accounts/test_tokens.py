from sqlalchemy import select

from ops.accounts.models import ApiToken
from ops.accounts.services import issue_token, revoke_token
from ops.extensions import db


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_token_is_stored_only_as_a_hash(app, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user, "gate A")
    db.session.commit()
    stored = db.session.scalars(select(ApiToken)).one()
    assert raw not in (stored.token_hash, stored.prefix)
    assert len(stored.token_hash) == 64


def test_bearer_token_acts_as_its_user(client, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user)
    db.session.commit()
    assert client.get("/people", headers=_bearer(raw)).status_code == 200


def test_revoked_token_is_refused(client, make_user):
    user = make_user("staff")
    token, raw = issue_token(user)
    revoke_token(token)
    db.session.commit()
    assert client.get("/people", headers=_bearer(raw)).status_code == 302


def test_forged_token_is_refused(client):
    assert client.get("/api/v1/whoami", headers=_bearer("ops_not-a-real-token")).status_code == 401


def test_token_of_a_citizen_cannot_reach_staff_pages(client, make_user):
    user = make_user("citizen")
    _token, raw = issue_token(user)
    db.session.commit()
    assert client.get("/people", headers=_bearer(raw)).status_code == 403


def test_cli_token_command_prints_a_working_token(app, make_user):
    user = make_user("staff")
    result = app.test_cli_runner().invoke(args=["users", "token", user.email])
    assert result.exit_code == 0
    raw = result.output.strip()
    assert app.test_client().get("/api/v1/whoami", headers=_bearer(raw)).get_json()["role"] == "staff"


def test_cli_creates_users_and_refuses_short_passwords(app):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["users", "create", "--email", "m@example.org", "--role", "manager",
                             "--password", "long-enough-pw"])
    assert ok.exit_code == 0
    bad = runner.invoke(args=["users", "create", "--email", "n@example.org", "--role", "manager",
                              "--password", "short"])
    assert bad.exit_code != 0 and "10 characters" in bad.output


def test_user_can_create_and_revoke_a_token_in_the_web_ui(client, login_as):
    login_as("staff")
    page = client.post("/account/tokens", data={"name": "Gate B phone"}).get_data(as_text=True)
    assert "ops_" in page
    token = db.session.scalars(select(ApiToken)).one()
    client.post(f"/account/tokens/{token.id}/revoke")
    db.session.refresh(token)
    assert token.revoked


def test_a_bearer_token_names_the_caller_even_beside_a_browser_session(client, make_user, login_as):
    """A scanner page open in the same browser does not turn a token's call into its user's."""
    login_as("admin")
    staff = make_user("staff")
    _token, raw = issue_token(staff)
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).json["id"] == staff.id
    # A bad token is refused outright, not quietly replaced by the session's user.
    assert client.get("/api/v1/whoami", headers=_bearer("ops_not-a-real-token")).status_code == 401


def test_a_token_call_sets_no_session_cookie(client, make_user):
    _token, raw = issue_token(make_user("staff"))
    db.session.commit()
    response = client.get("/api/v1/whoami", headers=_bearer(raw))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
