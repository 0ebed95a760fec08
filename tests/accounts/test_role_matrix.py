"""Every role against every protected route: nobody reaches a page above their role."""
import pytest

from ops.accounts.roles import ROLES
from tests.conftest import login

SAMPLE_ARGS = {"int": 1, "string": "x", "default": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def protected_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is None:
            continue
        args = {}
        for name in rule.arguments:
            converter = rule._converters[name].__class__.__name__.lower().replace("converter", "")
            args[name] = SAMPLE_ARGS.get(converter, "x") if converter != "integer" else 1
        path = rule.build(args, append_unknown=False)[1]
        methods = sorted(m for m in rule.methods if m in {"GET", "POST", "PUT", "PATCH", "DELETE"})
        yield rule, path, methods, roles


def test_the_matrix_covers_routes(app):
    assert len(list(protected_routes(app))) >= 4


@pytest.mark.parametrize("role", ROLES + ["anonymous"])
def test_each_role_reaches_only_what_it_may(app, make_user, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, make_user(role))
    checked = 0
    for rule, path, methods, roles in protected_routes(app):
        allowed = role != "anonymous" and (role == "admin" or role in roles or not roles)
        for method in methods:
            response = client.open(path, method=method, json={} if path.startswith("/api/") else None)
            status = response.status_code
            if allowed:
                assert status not in (401, 403), f"{role} refused at {method} {path}"
            elif role == "anonymous":
                expected = (401,) if path.startswith("/api/") else (302,)
                assert status in expected, f"anonymous got {status} at {method} {path}"
                if status == 302:
                    assert "/login" in response.headers["Location"]
            else:
                assert status == 403, f"{role} got {status} at {method} {path} (needs {roles})"
            checked += 1
    assert checked
