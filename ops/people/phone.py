"""Mobile numbers: normalised to the Korean form (010-1234-5678), foreign ones to E.164."""
from __future__ import annotations

import re

import phonenumbers
from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-.()/]")
_KOREAN_MOBILE = re.compile(r"10\d{8}|1[16789]\d{7,8}")  # the national number, without the trunk 0


class InvalidPhone(DomainError):
    code = "invalid_phone"
    message = _l("Please check the mobile number (for example 010-1234-5678).")


def normalise_phone(raw: str | None, allow_foreign: bool = False) -> str:
    """Return 010-1234-5678 (or +<digits> for foreign numbers when allowed); raise InvalidPhone.

    phonenumbers parses (+82, 0082, separators), formats, and writes foreign numbers in E.164;
    Korean mobiles keep our own rule; only digits are taken (no letters read as a keypad).
    Cost: about 60 µs a call (the hand-written parser took 3 µs); the registration benchmark's server
    CPU per request stayed 6.4 ms (2 runs each, alternating with the old code, 2026-11-29).
    """
    value = _SEPARATORS.sub("", (raw or "").strip())
    if value.startswith("0082"):
        value = "+82" + value[4:]
    if value.startswith("+82") and value[3:4] == "0":  # +82 010-…: the trunk 0 written after the country code
        value = value[3:]
    if not value.removeprefix("+").isdigit():
        raise InvalidPhone()
    try:
        number = phonenumbers.parse(value, "KR")
    except phonenumbers.NumberParseException:
        raise InvalidPhone() from None
    if number.country_code == 82:
        # Our rule, not the metadata's allocation list: any 010 number with eight digits (a block the
        # metadata does not list yet is still someone's phone), 011/016-019 with seven or eight.
        if not _KOREAN_MOBILE.fullmatch(phonenumbers.national_significant_number(number)):
            raise InvalidPhone()
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Foreign numbers: today's loose rule (8 to 15 digits) on purpose; visitors' numbers from
    # anywhere must not be refused by a metadata gap. E.164 is the form they are kept in.
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if allow_foreign and value.startswith("+") and 8 <= len(e164) - 1 <= 15:
        return e164
    raise InvalidPhone()


def mask_phone(phone: str | None) -> str:
    """010-1234-5678 → 010-****-5678; +447911123456 → +44*****3456."""
    if not phone:
        return ""
    if phone.startswith("+"):
        return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:]
    parts = phone.split("-")
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def phone_tail(phone: str | None) -> str:
    return (phone or "")[-4:]


def mask_name(name: str | None) -> str:
    """김철용 → 김*용, 김철 → 김*, 남궁민수 → 남**수, John Smith → J*** S****."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
