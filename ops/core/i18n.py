"""Korean first, English second: locale choice that sticks, and catalogs per area.

Each area keeps its Korean catalog in ``ops/<area>/translations/ko.po``. The
catalogs are compiled to the instance folder when the app starts (no binary
files in the repository) and Flask-Babel merges them.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, has_request_context, request
from flask_login import current_user

from ..extensions import babel

LOCALE_COOKIE = "ops_lang"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> Locale:
    """The request's language, as a parsed Locale (Flask-Babel would otherwise parse the
    name again on every request, which looks for locale data on disk each time)."""
    return _parsed(_choose_locale())


def _choose_locale() -> str:
    from flask import current_app

    supported = current_app.config["OPS_LOCALES"]
    forced = getattr(g, "force_locale", None)
    if forced in supported:
        return forced
    if not has_request_context():  # CLI commands and workers: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in supported:
        return chosen
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in supported:
        return user_locale
    best = request.accept_languages.best_match(supported) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogs(target: Path) -> list[str]:
    """Compile every area's ko.po into target/<area>/ko/LC_MESSAGES/messages.mo."""
    directories = []
    for po_path in sorted(PACKAGE_ROOT.glob("**/translations/*.po")):
        area = po_path.parent.parent.relative_to(PACKAGE_ROOT).as_posix().replace("/", "_") or "root"
        locale = po_path.stem
        out_dir = target / area
        mo_path = out_dir / locale / "LC_MESSAGES" / "messages.mo"
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            tmp = mo_path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            os.replace(tmp, mo_path)
        directories.append(str(out_dir))
    return directories


def init_app(app) -> None:
    target = Path(app.instance_path) / "i18n"
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(compile_catalogs(target))
    babel.init_app(app, locale_selector=select_locale)


class BilingualName:
    """For what is named in both languages (``name_ko``, ``name_en``): ``name(locale)``."""

    def name(self, locale: str = "ko") -> str:
        return self.name_en if locale == "en" else self.name_ko
