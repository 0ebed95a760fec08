"""Personal data never reaches a log in full: phone numbers are masked at record creation.

The message and the traceback are both masked: a failing statement's error carries its
parameters, and PostgreSQL repeats values in its own text ("Key (phone)=(010-…) already
exists"). The engine is also told to leave parameters out of its errors (``hide_parameters``,
see ops.config), so names and e-mail addresses stay out too."""
from __future__ import annotations

import logging
import re

_KR_MOBILE = re.compile(r"(?<![\d+])(01[016789])[-. ]?(\d{3,4})[-. ]?(\d{4})(?!\d)")
_KR_INTL = re.compile(r"\+82[-. ]?0?(1[016789])[-. ]?(\d{3,4})[-. ]?(\d{4})(?!\d)")
_INTL = re.compile(r"\+(\d{1,3})[-. ]?(\d[\d -]{4,12})(\d{4})(?!\d)")

_installed = False


def mask_phones_in(text: str) -> str:
    text = _KR_INTL.sub(lambda m: f"+82-{m.group(1)}-****-{m.group(3)}", text)
    text = _KR_MOBILE.sub(lambda m: f"{m.group(1)}-****-{m.group(3)}", text)
    return _INTL.sub(lambda m: f"+{m.group(1)}-****-{m.group(3)}", text)


def install_pii_masking() -> None:
    """Wrap the log record factory so every logger, ours or a library's, is masked."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logger's problem, not ours
            return record
        masked = mask_phones_in(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatted here, once, so that every handler writes the masked text.
            record.exc_text = mask_phones_in(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask_phones_in(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
