"""Country choices for foreign visitors, named in the visitor's language (from Babel's CLDR data)."""
from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale

_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}


@lru_cache(maxsize=4)
def country_names(locale: str = "ko") -> dict[str, str]:
    names = Locale.parse(locale if locale in ("ko", "en") else "ko").territories
    return {code: name for code, name in names.items()
            if re.fullmatch(r"[A-Z]{2}", code) and code not in _NOT_COUNTRIES}


@lru_cache(maxsize=4)
def country_choices(locale: str = "ko") -> tuple[tuple[str, str], ...]:
    """Korea first (most visitors), then every country by name."""
    names = country_names(locale)
    rest = sorted(((c, n) for c, n in names.items() if c != "KR"), key=lambda item: item[1])
    return tuple([("KR", names["KR"])] + rest)


def country_name(code: str | None, locale: str = "ko") -> str:
    return country_names(locale).get((code or "").upper(), code or "-")
