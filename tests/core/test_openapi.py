"""Item 3 of issue 12: the OpenAPI document describes every JSON endpoint, from the models that check them."""
import re

import pytest

pytestmark = pytest.mark.pg


def test_every_api_route_is_in_the_openapi_document(pg_app):
    doc = pg_app.test_client().get("/api/v1/openapi.json").get_json()
    described = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    routes = set()
    for rule in pg_app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
            routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - described == set()
    for ops in doc["paths"].values():
        for op in ops.values():
            assert "422" in op["responses"] and "404" in op["responses"]


def test_request_bodies_state_their_limits(pg_app):
    schemas = pg_app.test_client().get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    registration = schemas["RegistrationBody"]["properties"]
    assert registration["name"]["maxLength"] == 100 and registration["consent"]["type"] == "boolean"
    assert schemas["VisitBody"]["properties"]["slot_id"]["maximum"] == 2_147_483_647


def test_the_developers_page_lists_the_endpoints_without_scripts(pg_app):
    page = pg_app.test_client().get("/developers/api")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "/api/v1/events/{slug}/registrations" in text
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, flags=re.S)
    # only the site's own file (ops.js, loaded by every page): no inline script, no other origin
    assert all(re.search(r'src="/static/[^"]+\.js"', attrs) and not body.strip() for attrs, body in scripts)
    assert "cdn" not in text.lower() and "//" not in "".join(attrs for attrs, _ in scripts)
