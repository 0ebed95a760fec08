"""The Korean catalogs: complete, and one reading per message across the areas (they are merged)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _i18n():
    spec = importlib.util.spec_from_file_location("i18n_script", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_message_reads_two_ways_in_korean():
    assert _i18n().conflicts() == []


def test_a_clash_between_two_areas_is_found(tmp_path):
    for area, ko in (("a", "열기"), ("b", "운영 중")):
        folder = tmp_path / area / "translations"
        folder.mkdir(parents=True)
        (folder / "ko.po").write_text(f'msgid ""\nmsgstr ""\n\nmsgid "Open"\nmsgstr "{ko}"\n', encoding="utf-8")
    assert len(_i18n().conflicts(tmp_path)) == 1


def test_every_message_has_a_korean_translation():
    from babel.messages.pofile import read_po

    missing = []
    for po_path in (ROOT / "ops").glob("**/translations/ko.po"):
        with po_path.open("rb") as fh:
            missing += [f"{po_path}: {m.id}" for m in read_po(fh, locale="ko") if m.id and not m.string]
    assert missing == []
