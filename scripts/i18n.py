"""Extract each area's messages into ops/<area>/translations/ko.po, keeping existing translations.

    python scripts/i18n.py            # update every catalog
    python scripts/i18n.py --check    # exit 1 if a Korean translation is missing or one msgid reads two ways
    python scripts/i18n.py --fill ko.json   # set translations from {"msgid": "한국어"}
Root templates (ops/templates) and top-level modules belong to the core catalog.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "ops"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2)}


def area_of(path: Path) -> str:
    """The nearest package with its own translations/ folder (ops/programs/bus …), else the top one."""
    rel = path.relative_to(ROOT).parts
    if len(rel) == 1 or rel[0] == "templates":
        return "core"
    for depth in range(len(rel) - 1, 0, -1):
        candidate = Path(*rel[:depth])
        if (ROOT / candidate / "translations").is_dir():
            return candidate.as_posix()
    return rel[0]


def _same_messages(old: Catalog | None, fresh: Catalog) -> bool:
    """True when a rewrite would only change the header (so catalogs are not touched needlessly)."""
    if old is None:
        return False

    def key(catalog):
        return sorted((str(m.id), str(m.context), str(m.string), tuple(m.locations)) for m in catalog if m.id)

    return key(old) == key(fresh)


def extract() -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = {}
    for path in sorted(ROOT.rglob("*")):
        if path.suffix == ".py":
            method = "python"
        elif path.suffix in {".html", ".txt"} and "templates" in path.parts:
            method = "jinja2.ext:babel_extract"
        else:
            continue
        area = area_of(path)
        if not (ROOT / area).is_dir():
            continue
        catalog = catalogs.setdefault(area, Catalog(locale="ko", project="ops"))
        options = {"extensions": "jinja2.ext.do"} if method != "python" else {}
        for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                    options=options):
            catalog.add(message, None, [(str(path.relative_to(ROOT.parent)), lineno)], context=context)
    return catalogs


def conflicts(root: Path = ROOT) -> list[str]:
    """Messages that two areas translate differently.

    Flask-Babel merges every area's catalog into one, so a msgid has one Korean text in the
    whole app: where two areas mean different things by the same English, one of them must
    say it differently (or use pgettext with a context).
    """
    seen: dict[tuple, dict[str, list[str]]] = {}
    for po_path in sorted(root.glob("**/translations/ko.po")):
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale="ko")
        area = po_path.parent.parent.relative_to(root).as_posix()
        for message in catalog:
            if message.id and message.string:
                seen.setdefault((str(message.id), message.context), {}).setdefault(str(message.string), []).append(area)
    return [f"{msgid!r}{f' ({context})' if context else ''}: " + "; ".join(f"{ko!r} in {', '.join(areas)}"
                                                                     for ko, areas in texts.items())
            for (msgid, context), texts in sorted(seen.items(), key=lambda kv: kv[0][0]) if len(texts) > 1]


def main(check: bool = False, fill: dict | None = None) -> int:
    fill = fill or {}
    missing = 0
    for area, fresh in extract().items():
        po_path = ROOT / area / "translations" / "ko.po"
        old = None
        if po_path.exists():
            with po_path.open("rb") as fh:
                old = read_po(fh, locale="ko")
        for message in fresh:
            if not message.id:
                continue
            if old is not None and (prev := old.get(message.id, message.context)) is not None:
                message.string = prev.string
            if fill.get(message.id):
                message.string = fill[message.id]
            if not message.string:
                missing += 1
                if check:
                    print(f"{area}: missing ko for {message.id!r}")
        if old is None and not any(m.id for m in fresh):
            continue  # a package without messages gets no catalog
        if not check and not _same_messages(old, fresh):
            po_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("wb") as fh:
                write_po(fh, fresh, omit_header=False, sort_output=True, width=100)
    print(f"{missing} message(s) without a Korean translation")
    clashes = conflicts()
    for line in clashes:
        print(f"translated two ways: {line}")
    return 1 if (check and (missing or clashes)) else 0


if __name__ == "__main__":
    # --fill FILE.json: {"English msgid": "한국어", ...} sets those translations.
    fill_map = None
    if "--fill" in sys.argv:
        import json

        fill_map = json.loads(Path(sys.argv[sys.argv.index("--fill") + 1]).read_text(encoding="utf-8"))
    sys.exit(main(check="--check" in sys.argv, fill=fill_map))
