"""The one font setting for every PDF the app prints (badges, monthly KPI reports, certificates).

``OPS_FONT`` and ``OPS_FONT_BOLD`` name TrueType files with Hangul and Latin glyphs (Debian's
fonts-nanum by default, installed by ``make fonts``). TrueType fonts are subset and embedded in
each PDF, so a reader without Korean fonts still sees the text (``pdffonts`` lists them "emb yes").
"""
from __future__ import annotations

import os

from flask import current_app
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .errors import DomainError

REGULAR, BOLD = "OpsSans", "OpsSans-Bold"


class FontMissing(DomainError):
    code = "font_missing"


def register_fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once per process from the configured files."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, key in ((REGULAR, "OPS_FONT"), (BOLD, "OPS_FONT_BOLD")):
        if name in registered:
            continue
        path = current_app.config[key]
        if not os.path.exists(path):
            raise FontMissing(f"{key}: {path} not found (install Debian's fonts-nanum: make fonts, see the README)")
        pdfmetrics.registerFont(TTFont(name, path))
    return REGULAR, BOLD
