"""JSON request bodies, validated in one way for every API: pydantic models and ``parse_body``.

Why pydantic (v2): well kept, fast, its models give the OpenAPI schema (``/api/v1/openapi.json``,
ops.core.openapi) from the same declaration that checks the body, and its strict types say
what the hand-written checks kept getting wrong: a boolean is not a number, 1.9 is not a
count, ``"no"`` is not a yes. Each field states its maximum; text never carries NUL or other
control characters (PostgreSQL refuses NUL, which used to be a 500).

    body = parse_body(RegistrationBody)      # InvalidInput (422, errors by field) when refused

Messages are the user's language: pydantic's English is replaced by ours, by error kind, or by
the model's own ``messages`` for a field (e.g. "Please choose the institution.").
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Annotated, Any, ClassVar

from flask import request
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from .errors import InvalidInput

MAX_DEPTH = 8
DB_INT_MAX = 2_147_483_647  # PostgreSQL integer
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # multi-line text keeps \t \n \r


def single_line(value: str) -> str:
    if _CONTROL_IN_LINE.search(value):
        raise ValueError("control characters")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_IN_TEXT.search(value):
        raise ValueError("control characters")
    return value


def Text(max_length: int, min_length: int = 0):  # noqa: N802 - a type, named as one
    """One line of text, stripped, at most ``max_length`` characters, no control characters."""
    return Annotated[str, StringConstraints(strict=True, strip_whitespace=True, max_length=max_length,
                                            min_length=min_length), AfterValidator(single_line)]


def Note(max_length: int):  # noqa: N802
    """Text of several lines (a note, directions), at most ``max_length`` characters."""
    return Annotated[str, StringConstraints(strict=True, max_length=max_length), AfterValidator(_multi_line)]


def _yes(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("ops_message", str(_l("We need your consent to take the application.")))
    return value


Id = Annotated[int, Field(strict=True, ge=1, le=DB_INT_MAX)]
Consent = Annotated[bool, Field(strict=True), AfterValidator(_yes)]  # only JSON true is a yes
Count = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
Flag = Annotated[bool, Field(strict=True)]
Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class Body(BaseModel):
    """Base of every request body: unknown keys are ignored, known ones are checked strictly."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)
    messages: ClassVar[dict[str, Any]] = {}


class ReasonBody(Body):
    """A decision's or an undo's reason (``{"reason": "…"}``), as staff write it."""

    reason: Note(300) = ""


def _message(model: type[Body], error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return str(_l("At most %(n)s characters.", n=ctx.get("max_length")))
    if kind == "ops_message":
        return error["msg"]
    if kind == "value_error" and "control characters" in str(ctx.get("error", "")):
        return str(_l("Control characters (such as NUL) are not allowed."))
    field = str(error["loc"][0]) if error["loc"] else ""
    if field in model.messages:
        return str(model.messages[field])
    if kind == "missing":
        return str(_l("This field is required."))
    if kind.startswith("bool"):
        return str(_l("Must be true or false."))
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return str(_l("This number is out of the allowed range."))
    if kind.startswith("int"):
        return str(_l("Must be a whole number."))
    if kind.startswith(("date", "datetime")):
        return str(_l("Give a date, e.g. 2025-09-30."))
    if kind.startswith("string"):
        return str(_l("Must be text."))
    return str(_l("This value is not valid."))


def _depth(value, limit: int) -> int:
    """How deeply the JSON nests, counted iteratively (a 1,000-deep body cannot overflow the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def errors_of(model: type[Body], exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "body"
        errors.setdefault(key, _message(model, error))
    return errors


def json_object() -> dict:
    """The request's JSON body as an object, or InvalidInput naming ``body``."""
    raw = request.get_data(cache=True)
    try:
        # Python's parser recurses: a body nested thousands deep is refused before it is parsed.
        if raw.count(b"[") + raw.count(b"{") > 10_000:
            raise ValueError
        body = json.loads(raw or b"null")
    except (ValueError, RecursionError):
        raise InvalidInput({"body": str(_l("Send a JSON object."))}) from None
    if not isinstance(body, dict):
        raise InvalidInput({"body": str(_l("Send a JSON object."))})
    if _depth(body, MAX_DEPTH) > MAX_DEPTH:
        raise InvalidInput({"body": str(_l("The body is nested too deeply."))})
    bad = _controls_at(body)
    if bad:
        raise InvalidInput({bad: str(_l("Control characters (such as NUL) are not allowed."))})
    return body


def _controls_at(value, path: str = "") -> str | None:
    """The first field (dotted path) whose text, or key, holds NUL or another control character."""
    if isinstance(value, str):
        return (path or "body") if _CONTROL_IN_TEXT.search(value) else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and _CONTROL_IN_TEXT.search(key):
            return path or "body"
        found = _controls_at(child, where)
        if found:
            return found
    return None


def parse_body(model: type[Body], body: dict | None = None) -> Body:
    """The request body checked by ``model``; InvalidInput (422 with errors by field) when refused."""
    body = json_object() if body is None else body
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise InvalidInput(errors_of(model, exc)) from None
