from sqlalchemy import select

from ops.accounts.models import ApiToken, User
from ops.accounts.services import issue_token
from ops.extensions import db


def test_admin_creates_an_account_with_a_role(client, login_as):
    login_as("admin")
    response = client.post("/admin/users", data={"email": "New@Example.org", "name": "새 직원", "role": "staff",
                                                 "password": "long-enough-pw"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert user.role == "staff"


def test_duplicate_email_is_refused_with_a_message(client, login_as, make_user):
    existing = make_user("staff")
    login_as("admin")
    response = client.post("/admin/users", data={"email": existing.email, "name": "x", "role": "staff",
                                                 "password": "long-enough-pw"})
    assert response.status_code == 422 and "이미 계정이 있습니다" in response.get_data(as_text=True)


def test_deactivating_an_account_revokes_its_tokens(client, login_as, make_user):
    staff = make_user("staff")
    issue_token(staff)
    db.session.commit()
    login_as("admin")
    client.post(f"/admin/users/{staff.id}", data={"role": "staff"})
    assert not db.session.get(User, staff.id).active
    assert all(t.revoked for t in db.session.scalars(select(ApiToken)))


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}", data={"role": "staff", "active": "y"})
    assert db.session.get(User, admin.id).role == "admin"
