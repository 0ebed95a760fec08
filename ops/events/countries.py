"""Country choices for foreign visitors, named in the visitor's language (from Babel's CLDR data)."""
from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

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


# The countries most of our visitors come from, offered first: an older visitor finds theirs
# among eight instead of scrolling some 250 names (the full list follows, A to Z / 가나다).
COMMON = ("KR", "CN", "VN", "US", "JP", "PH", "TH", "MN")


def _options(pairs, selected: str | None) -> str:
    return "".join(f'<option value="{code}"{" selected" if code == selected else ""}>{escape(name)}</option>'
                   for code, name in pairs)


# Rendered once per language and chosen country, then kept: WTForms built the ~260 <option>
# elements anew on every request, two-thirds of the form page's CPU (issue 19). Measured
# in-process (bench/web_registration.py's citizens through the test client), the form page went
# from 11.5 to 7.5 ms of CPU. The cache holds at most 64 strings of ~12 kB (a chosen country
# outside the list is rendered as no choice and not kept). The key is all the input (the names
# come from CLDR, fixed while the app runs), so the cache never goes stale.
@lru_cache(maxsize=64)
def country_options(locale: str, selected: str | None) -> Markup:
    """The <option>s of the country control: common countries, then all, each group labelled."""
    names = country_names(locale)
    common = [(code, names[code]) for code in COMMON]
    rest = sorted(((c, n) for c, n in names.items()), key=lambda item: item[1])
    in_common = selected in COMMON
    common_label, all_label = escape(_("Countries most visitors come from")), escape(_("All countries"))
    return Markup(f'<optgroup label="{common_label}">{_options(common, selected)}</optgroup>'
                  f'<optgroup label="{all_label}">{_options(rest, None if in_common else selected)}</optgroup>')
