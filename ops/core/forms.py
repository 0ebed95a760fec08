"""Form actions: the one way a route validates a form, calls a service, commits or rolls back, and says so.

A route using it only parses and answers; the rule stays in the service, and bad input
(the form's own checks, or a service's ``InvalidInput``) changes nothing and is shown to the user.
"""
from __future__ import annotations

from flask import flash

from ..extensions import db
from .errors import DomainError, InvalidInput

REFUSED = object()  # what form_action returns when the form or the service refused: compare with ``is``


def apply_errors(form, errors: dict) -> None:
    """Show a service's errors (by field name) beside the form's fields; unknown names go to the first field."""
    for name, message in errors.items():
        field = getattr(form, name, None) or next(iter(f for f in form if f.type != "CSRFTokenField"))
        field.errors = [*field.errors, str(message)]


def refusal_messages(exc: DomainError) -> dict:
    """A refusal's messages by field: an ``InvalidInput``'s own, or the error's one ``message`` under ''."""
    if isinstance(exc, InvalidInput):
        return exc.errors
    return {"": getattr(exc, "message", None) or exc.code}


def form_action(form, action, *, refused=InvalidInput, done: str | None = None, show: str = "fields"):
    """Validate ``form``, run ``action()`` (a service call) and commit; on a refusal roll back.

    Returns the action's result, or ``REFUSED``. Refusals of the types in ``refused`` are shown
    beside the form's fields (``show="fields"``: the page renders the form again) or flashed
    (``show="flash"``: a small form that redirects back). ``done`` is flashed after the commit.
    """
    if not form.validate_on_submit():
        if show == "flash":
            for messages in form.errors.values():
                for message in messages:
                    flash(str(message), "error")
        return REFUSED
    try:
        result = action()
    except refused as exc:
        db.session.rollback()
        errors = refusal_messages(exc)
        if show == "fields":
            apply_errors(form, errors)
        else:
            for message in errors.values():
                flash(str(message), "error")
        return REFUSED
    db.session.commit()
    if done:
        flash(done, "success")
    return result
