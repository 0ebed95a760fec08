"""Mobile numbers: normalised to the Korean form (010-1234-5678), foreign ones to E.164."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError

_SEPARATORS = re.compile(r"[\s\-.()/]")


class InvalidPhone(DomainError):
    code = "invalid_phone"
    message = _l("Please check the mobile number (for example 010-1234-5678).")


def normalise_phone(raw: str | None, allow_foreign: bool = False) -> str:
    """Return 010-1234-5678 (or +<digits> for foreign numbers when allowed); raise InvalidPhone."""
    value = _SEPARATORS.sub("", (raw or "").strip())
    if value.startswith("0082"):
        value = "+82" + value[4:]
    if value.startswith("+82"):
        rest = value[3:]
        value = rest if rest.startswith("0") else "0" + rest
    if value.startswith("+"):
        digits = value[1:]
        if allow_foreign and digits.isdigit() and 8 <= len(digits) <= 15:
            return "+" + digits
        raise InvalidPhone()
    if not value.isdigit():
        raise InvalidPhone()
    if re.fullmatch(r"010\d{8}", value):
        return f"{value[:3]}-{value[3:7]}-{value[7:]}"
    if re.fullmatch(r"01[16789]\d{7,8}", value):
        middle = value[3:-4]
        return f"{value[:3]}-{middle}-{value[-4:]}"
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
