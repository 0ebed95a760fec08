"""Education's routes only parse, call a service and answer: no query of their own but a lookup by id."""
import ast
from pathlib import Path

ROUTES = [Path(__file__).resolve().parents[2] / "ops" / "education" / name for name in ("views.py", "manage.py")]
QUERIES = {"select", "scalar", "scalars", "execute", "query"}


def test_no_route_file_runs_a_query_but_a_lookup_by_id():
    found = []
    for path in ROUTES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if name in QUERIES:
                    found.append(f"{path.name}:{node.lineno} {name}")
    assert not found, found
