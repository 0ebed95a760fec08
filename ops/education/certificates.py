"""Completion certificates: issued once per completed enrolment, as a PDF with a QR anyone can verify."""
from __future__ import annotations

import io

from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from ..core.pdffonts import BOLD, REGULAR, register_fonts
from ..core.timeutil import to_seoul, utcnow
from ..extensions import db
from ..passes.codes import InvalidCode, sign_code, verify_code
from ..passes.qr import qr_png
from .models import Certificate, Enrolment
from .services import is_complete

VALID, REVOKED, UNKNOWN = "valid", "revoked", "unknown"


class NotCompleted(DomainError):
    code = "not_completed"


def certificate_for(enrolment: Enrolment) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def issue_certificate(enrolment: Enrolment, now=None) -> Certificate:
    """The enrolment's certificate, issued now if the course has ended and its completion rule is met (once only)."""
    existing = certificate_for(enrolment)
    if existing is not None:
        return existing
    now = now or utcnow()
    if not is_complete(enrolment, now):
        raise NotCompleted()
    certificate = Certificate(enrolment_id=enrolment.id, code=sign_code("C", enrolment.course.scope).text,
                              issued_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:  # issued by a simultaneous download
        return certificate_for(enrolment)
    return certificate


def revoke_certificate(certificate: Certificate, reason: str | None = None) -> Certificate:
    if certificate.revoked_at is None:
        certificate.revoked_at = utcnow()
        certificate.revoke_reason = (reason or "")[:200] or None
        db.session.flush()
    return certificate


def verify_certificate(text: str) -> tuple[str, Certificate | None]:
    """valid, revoked or unknown (a forged or altered code is unknown without a lookup)."""
    try:
        code = verify_code(text, kind="C")
    except InvalidCode:
        return UNKNOWN, None
    certificate = db.session.scalar(select(Certificate).where(Certificate.code == code.text))
    if certificate is None:
        return UNKNOWN, None
    return (REVOKED if certificate.revoked_at else VALID), certificate


def verify_url(certificate: Certificate) -> str:
    return f"{current_app.config['OPS_BASE_URL'].rstrip('/')}/verify/{certificate.code}"


def certificate_pdf(certificate: Certificate, locale: str = "ko") -> bytes:
    """One A4 page: who, which course, when, the number, and a QR of the public verification page."""
    register_fonts()  # embedded TrueType (OPS_FONT): readable without Korean fonts on the reader's side
    enrolment = certificate.enrolment
    course, person = enrolment.course, enrolment.person
    sessions = course.sessions
    en = locale == "en"
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, initialFontName=REGULAR)  # no unembedded Helvetica either
    width, height = A4
    pdf.setTitle("Certificate of completion" if en else "수료증")
    pdf.setLineWidth(2)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFont(REGULAR, 11)
    pdf.drawString(25 * mm, height - 30 * mm, f"No. {certificate.id:05d}-{course.year}")
    pdf.setFont(BOLD, 36)
    pdf.drawCentredString(width / 2, height - 65 * mm, "Certificate of Completion" if en else "수  료  증")
    pdf.setFont(REGULAR, 16)
    y = height - 100 * mm
    lines = [("Name" if en else "성      명", person.name),
             ("Course" if en else "과  정  명", course.title(locale))]
    if sessions:
        first, last = to_seoul(sessions[0].starts_at).date(), to_seoul(sessions[-1].starts_at).date()
        lines.append(("Period" if en else "교육 기간", f"{first:%Y.%m.%d}" + (f" ~ {last:%Y.%m.%d}" if last != first else "")))
    if enrolment.institution is not None:
        lines.append(("Institution" if en else "소      속", enrolment.institution.name))
    for label, value in lines:
        pdf.drawString(35 * mm, y, label)
        pdf.drawString(75 * mm, y, value[:40])
        y -= 13 * mm
    pdf.setFont(REGULAR, 15)
    body = ("This certifies that the above person has completed the course."
            if en else "위 사람은 위 교육과정을 성실히 이수하였으므로 이 증서를 수여합니다.")
    pdf.drawCentredString(width / 2, y - 10 * mm, body)
    issued = to_seoul(certificate.issued_at).date()
    pdf.drawCentredString(width / 2, y - 30 * mm, f"{issued:%Y. %m. %d.}")
    pdf.setFont(REGULAR, 22)
    pdf.drawCentredString(width / 2, y - 50 * mm, "Seoul Digital Foundation" if en else "서울디지털재단 이사장")
    size = 38 * mm
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(verify_url(certificate), box_size=6))),
                  width - 25 * mm - size, 25 * mm, size, size)
    pdf.setFont(REGULAR, 9)
    pdf.drawString(25 * mm, 35 * mm, "Verify this certificate by scanning the QR code or at:" if en
                   else "QR 코드를 찍거나 아래 주소에서 진위를 확인할 수 있습니다.")
    pdf.drawString(25 * mm, 29 * mm, verify_url(certificate)[:95])
    pdf.showPage()
    pdf.save()
    return out.getvalue()
