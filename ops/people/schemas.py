"""The JSON body type for a phone number: a Korean mobile, in its normal form (ops.people.phone's rules)."""
from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints
from pydantic_core import PydanticCustomError

from ..core.schemas import single_line
from .phone import InvalidPhone, normalise_phone


def _mobile(value: str) -> str:
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise PydanticCustomError("ops_message", str(exc.message)) from None


MobilePhone = Annotated[str, StringConstraints(strict=True, max_length=40), AfterValidator(single_line),
                        AfterValidator(_mobile)]  # a Korean mobile number, in its normal form
