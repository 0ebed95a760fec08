from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..core.views import safe_next
from ..extensions import db
from .forms import LoginForm, TokenForm
from .models import ApiToken
from .roles import STAFF, role_required
from .services import BadCredentials, LoginThrottled, authenticate, issue_token, revoke_token

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data, request.remote_addr)
        except LoginThrottled as exc:
            flash(_("Too many failed attempts. Please wait %(seconds)s seconds and try again.",
                    seconds=exc.retry_after), "error")
            status = 429
        except BadCredentials:
            flash(_("The e-mail or password is not correct."), "error")
            status = 401
        else:
            login_user(user)
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    elif request.method == "POST":
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("core.home"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@role_required(*STAFF)
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        _token, new_token = issue_token(current_user, form.name.data)
        db.session.commit()
    mine = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.created_at.desc())).all()
    return render_template("accounts/tokens.html", form=form, tokens=mine, new_token=new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != current_user.id and not current_user.has_role("admin")):
        abort(404)
    revoke_token(token)
    db.session.commit()
    flash(_("The token was revoked."), "info")
    return redirect(url_for("accounts.tokens"))


def _role_choices():
    from .roles import ROLES, role_label

    return [(r, role_label(r)) for r in ROLES]


@bp.route("/admin/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    """Administrators create accounts and change roles; nobody can sign up as staff."""
    from .forms import UserForm
    from .models import User
    from .services import InvalidAccount, create_user

    form = UserForm()
    form.role.choices = _role_choices()
    status = 200
    if form.validate_on_submit():
        try:
            create_user(form.email.data, form.role.data, form.password.data, name=form.name.data)
        except InvalidAccount as exc:
            form.email.errors.append(_("That e-mail already has an account.") if str(exc) == "exists"
                                     else _("Please check the e-mail address."))
            status = 422
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("accounts.users"))
    elif request.method == "POST":
        status = 422
    people = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", form=form, users=people, role_choices=_role_choices()), status


@bp.post("/admin/users/<int:user_id>")
@role_required("admin")
def edit_user(user_id: int):
    from .forms import UserEditForm
    from .models import User

    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm()
    form.role.choices = _role_choices()
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            flash(_("You cannot remove your own administrator access."), "error")
        else:
            user.role = form.role.data
            user.active = bool(form.active.data)
            if not user.active:
                for token in user_tokens(user):
                    revoke_token(token)
            db.session.commit()
            flash(_("Saved."), "success")
    return redirect(url_for("accounts.users"))


def user_tokens(user):
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
