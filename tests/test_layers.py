"""The house's shape, read from the source: the core is a leaf, and no two files import each other."""
import ast
from pathlib import Path

OPS = Path(__file__).resolve().parent.parent / "ops"


def _imports(path: Path) -> set[str]:
    """Modules of ``ops`` this file imports (anywhere in it, functions included), as dotted names."""
    package = ".".join(path.relative_to(OPS.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("ops"):
                found.add(name)
                found.update(f"{name}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("ops"))
    return found


def _modules() -> dict[str, Path]:
    modules = {}
    for path in OPS.rglob("*.py"):
        dotted = ".".join(path.relative_to(OPS.parent).with_suffix("").parts)
        modules[dotted.removesuffix(".__init__")] = path
    return modules


def test_the_core_imports_nothing_above_it():
    allowed = ("ops.core", "ops.extensions", "ops.config")
    for path in (OPS / "core").rglob("*.py"):
        outside = {m for m in _imports(path) if not m.startswith(allowed)}
        assert not outside, f"{path.name} imports {sorted(outside)}"


def test_no_two_files_of_an_area_import_each_other():
    modules = _modules()
    edges = {name: {m for m in _imports(path) if m in modules and m != name and not name.startswith(m + ".")}
             for name, path in modules.items() if not path.name == "__init__.py"}
    circles = sorted({tuple(sorted((a, b))) for a, targets in edges.items() for b in targets
                      if a in edges.get(b, ())})
    assert not circles
