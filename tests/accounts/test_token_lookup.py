"""Bearer tokens on the hot path: a token seen in the last seconds costs no query, one query finds the
user otherwise, and only a live token of an active user counts, at once in this process."""
from datetime import timedelta

import pytest
from sqlalchemy import event, update

from ops.accounts.models import ApiToken
from ops.accounts.services import TOKEN_CACHE, issue_token, revoke_token, user_for_token
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


def test_token_used_over_a_minute_ago_is_stamped_again_when_looked_up(app, make_user):
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    user_for_token(raw)
    db.session.refresh(token)
    token.last_used_at -= timedelta(minutes=2)
    db.session.commit()
    stale = token.last_used_at
    TOKEN_CACHE.clear()  # as when this process's few seconds of trust have run out
    user_for_token(raw)
    db.session.refresh(token)
    assert token.last_used_at > stale


class _Statements:
    def __init__(self):
        self.seen = []

    def __call__(self, conn, cursor, statement, *args):
        self.seen.append(statement)

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self.seen

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def test_a_token_is_looked_up_in_one_query_then_trusted_for_a_few_seconds(app, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user)
    db.session.commit()
    user_id = user.id
    user_for_token(raw)  # stamps the first use
    db.session.commit()
    TOKEN_CACHE.clear()
    db.session.expunge_all()
    with _Statements() as statements:
        found = user_for_token(raw)
    assert (found.id, found.role) == (user_id, "staff") and len(statements) == 1
    db.session.expunge_all()
    with _Statements() as statements:
        again = user_for_token(raw)
    assert (again.id, again.role) == (user_id, "staff") and statements == []


def test_revoking_a_token_refuses_it_at_once(client, make_user):
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == 200
    revoke_token(token)
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == 401


def test_a_changed_role_counts_at_once(client, make_user):
    user = make_user("staff")
    _token, raw = issue_token(user)
    db.session.commit()
    assert client.post("/api/v1/checkin", json={"code": "x", "gate": "A"}, headers=_bearer(raw)).status_code == 400
    user.role = "citizen"
    db.session.commit()
    assert client.post("/api/v1/checkin", json={"code": "x", "gate": "A"}, headers=_bearer(raw)).status_code == 403


@pytest.mark.parametrize("trust, meanwhile", [(5, 200), (0, 401)])
def test_a_revocation_by_another_process_counts_once_this_one_stops_trusting_the_token(
        app, client, make_user, trust_clock, trust, meanwhile):
    app.config["OPS_TOKEN_CACHE_SECONDS"] = trust  # 0: no trust, every request looks the token up
    token, raw = issue_token(make_user("staff"))
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == 200
    # Another process revokes it: a plain UPDATE, which tells this process nothing.
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(revoked_at=token.created_at))
    db.session.commit()
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == meanwhile
    trust_clock.advance(trust + 0.1)
    assert client.get("/api/v1/whoami", headers=_bearer(raw)).status_code == 401


def test_trusting_one_scanner_keeps_the_others_trusted(client, make_user):
    """Two doors' scanners: looking the second token up does not make the first look itself up again."""
    first, second = make_user("staff"), make_user("staff")
    (_t1, raw1), (_t2, raw2) = issue_token(first), issue_token(second)
    db.session.commit()
    ids = first.id, second.id
    user_for_token(raw1)
    user_for_token(raw2)
    db.session.expunge_all()
    with _Statements() as statements:
        assert (user_for_token(raw1).id, user_for_token(raw2).id) == ids
    assert statements == []
