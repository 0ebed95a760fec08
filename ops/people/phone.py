"""Mobile numbers: normalised to the Korean form (010-1234-5678), foreign ones to E.164."""
from __future__ import annotations

import re

import phonenumbers
from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-.()/]")


class InvalidPhone(DomainError):
    code = "invalid_phone"
    message = _l("Please check the mobile number (for example 010-1234-5678).")


def normalise_phone(raw: str | None, allow_foreign: bool = False) -> str:
    """Return 010-1234-5678 (or +<digits> for foreign numbers when allowed); raise InvalidPhone.

    phonenumbers (Google's metadata) says whether a number exists and is a mobile; our own rules
    on top: only digits (no letters read as a keypad), and an 010 number has eight digits after 010.
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
        significant = phonenumbers.national_significant_number(number)
        if (phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
                or not phonenumbers.is_valid_number(number)
                or (significant.startswith("10") and len(significant) != 10)):
            raise InvalidPhone()
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    if allow_foreign and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
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
