"""Printable name badges: a PDF with one badge a page, in A6 or on a 4 × 3 inch label.

Each badge shows the event (Korean and English), the name as registered (Hangul or Latin), the
affiliation, the ticket type in its colour (Korean and English) and the ticket's QR, so a badge also
gets its wearer in at the door. The text is set in a TrueType font embedded in the PDF (Debian's
fonts-nanum by default, see ``OPS_FONT``): a badge prints the same on any printer, with no
font installed there. Every badge printed is recorded (``BadgePrint``).
"""
from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.pdffonts import BOLD, REGULAR, register_fonts
from ..extensions import db
from ..passes.qr import qr_png
from .models import CANCELLED, CONFIRMED, BadgePrint, Event, Registration

# name: (page width, height, margin, band height, name size, QR side)
SIZES = {
    "a6": (A6[0], A6[1], 7 * mm, 16 * mm, 30, 36 * mm),
    "label": (4 * inch, 3 * inch, 4 * mm, 11 * mm, 24, 24 * mm),  # the common 4 × 3 in badge label
}
_fonts = register_fonts  # the one font setting of every PDF (OPS_FONT)


def badge_registrations(event: Event, *, ticket_type: str | None = None, ids=()) -> list[Registration]:
    """Confirmed registrations of a ticket type, or the chosen ones (not cancelled), in name order."""
    query = (select(Registration).where(Registration.event_id == event.id)
             .options(selectinload(Registration.ticket_type)).order_by(Registration.name, Registration.id))
    if ids:
        query = query.where(Registration.id.in_(list(ids)), Registration.status != CANCELLED)
    elif ticket_type:
        chosen = next((t for t in event.ticket_types if t.name == ticket_type), None)
        if chosen is None:
            return []
        query = query.where(Registration.ticket_type_id == chosen.id, Registration.status == CONFIRMED)
    else:
        return []
    return db.session.scalars(query).all()


def _fit(text: str, font: str, size: float, width: float, smallest: float = 8) -> float:
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 1
    return size


def _ink_on(colour: str):
    """White on dark colours, black on light ones (relative luminance)."""
    c = HexColor(colour)
    return white if 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue < 0.6 else HexColor("#000000")


def _draw(pdf: canvas.Canvas, event: Event, registration: Registration, size: str) -> None:
    width, height, margin, band, name_size, qr_side = SIZES[size]
    ticket_type = registration.ticket_type
    colour = ticket_type.colour or "#1f4e9e"
    inner = width - 2 * margin
    # The event across the top, in the ticket type's colour.
    pdf.setFillColor(HexColor(colour))
    pdf.rect(0, height - band, width, band, stroke=0, fill=1)
    pdf.rect(0, 0, width, band, stroke=0, fill=1)
    pdf.setFillColor(_ink_on(colour))
    title = event.title_ko
    pdf.setFont(BOLD, _fit(title, BOLD, band * 0.42, inner))
    pdf.drawString(margin, height - band * 0.5, title)
    if event.title_en:
        pdf.setFont(REGULAR, _fit(event.title_en, REGULAR, band * 0.26, inner))
        pdf.drawString(margin, height - band * 0.85, event.title_en)
    # The ticket type along the bottom: Korean and English.
    label = ticket_type.label_ko or ticket_type.name
    label_en = ticket_type.label_en or ticket_type.name
    text = label if label == label_en else f"{label} · {label_en}"
    pdf.setFont(BOLD, _fit(text, BOLD, band * 0.45, inner))
    pdf.drawCentredString(width / 2, band * 0.35, text)
    # The name, as large as the width allows; the affiliation under it.
    pdf.setFillColor(HexColor("#000000"))
    name_y = height - band - margin - name_size
    pdf.setFont(BOLD, _fit(registration.name, BOLD, name_size, inner))
    pdf.drawCentredString(width / 2, name_y, registration.name)
    if registration.affiliation:
        affiliation_size = _fit(registration.affiliation, REGULAR, name_size * 0.5, inner)
        pdf.setFont(REGULAR, affiliation_size)
        pdf.drawCentredString(width / 2, name_y - name_size * 0.5 - affiliation_size, registration.affiliation)
    # The ticket's QR: the badge gets its wearer in at the door.
    qr = ImageReader(io.BytesIO(qr_png(registration.code, box_size=6)))
    pdf.drawImage(qr, (width - qr_side) / 2, band + margin * 0.5, qr_side, qr_side)


def badges_pdf(event: Event, registrations: list[Registration], size: str = "a6") -> bytes:
    """One badge a page, in ``size`` ("a6" or "label")."""
    if size not in SIZES:
        raise ValueError(size)
    _fonts()
    out = io.BytesIO()
    width, height = SIZES[size][:2]
    # The embedded font from the start: no page refers to a font the PDF does not carry.
    pdf = canvas.Canvas(out, pagesize=(width, height), pageCompression=1, initialFontName=REGULAR)
    pdf.setTitle(_("Badges") + f" · {event.title_ko}")
    for registration in registrations:
        _draw(pdf, event, registration, size)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def record_prints(registrations: list[Registration], *, user, size: str) -> None:
    """Badge printing is recorded: one row per badge. The caller commits."""
    db.session.add_all([BadgePrint(registration_id=r.id, user_id=getattr(user, "id", None), size=size)
                        for r in registrations])
