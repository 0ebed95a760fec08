"""The JSON list of an instructor's learners: their own only."""
from ops.accounts.services import issue_token
from ops.extensions import db
from ops.programs.eodina import services


def _token_for(ins, make_user):
    user = make_user("instructor")
    services.attach_user(ins, user)
    _token, raw = issue_token(user, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_my_learners_lists_only_the_instructors_own(client, make_user, matched, instructor):
    ins, le, _c = matched
    other = instructor(name="다른강사")
    mine = client.get("/api/v1/eodina/my/learners", headers=_token_for(ins, make_user)).get_json()
    theirs = client.get("/api/v1/eodina/my/learners", headers=_token_for(other, make_user)).get_json()
    assert [x["id"] for x in mine["learners"]] == [le.id] and theirs["learners"] == []
