"""Bearer tokens on the hot path: one query finds the user, and only a live token of an active user counts."""
from datetime import timedelta

from sqlalchemy import event

from ops.accounts.services import issue_token, user_for_token
from ops.extensions import db


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_token_of_a_deactivated_user_is_refused(client, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == 401


def test_first_use_of_a_token_is_recorded(app, make_user):
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    assert user_for_token(raw) is not None
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_token_use_is_recorded_at_most_once_a_minute(app, make_user):
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    user_for_token(raw)
    db.session.refresh(token)
    first = token.last_used_at
    user_for_token(raw)
    db.session.refresh(token)
    assert token.last_used_at == first


def test_token_used_over_a_minute_ago_is_stamped_again(app, make_user):
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    user_for_token(raw)
    db.session.refresh(token)
    token.last_used_at -= timedelta(minutes=2)
    db.session.commit()
    stale = token.last_used_at
    user_for_token(raw)
    db.session.refresh(token)
    assert token.last_used_at > stale


def test_a_recently_used_token_finds_its_user_in_one_query(app, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user)
    db.session.commit()
    user_id = user.id
    user_for_token(raw)  # stamps the first use
    db.session.commit()
    db.session.expunge_all()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = user_for_token(raw)
        assert (found.id, found.role) == (user_id, "staff")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
