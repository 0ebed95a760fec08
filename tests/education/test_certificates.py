"""Completion certificates: issued only on completion, as a PDF, verifiable by anyone."""
import shutil
import subprocess

import pytest

from ops.education.certificates import (NotCompleted, REVOKED, UNKNOWN, VALID, certificate_pdf, issue_certificate,
                                        revoke_certificate, verify_certificate)
from ops.education.services import enrol, record_attendance
from ops.extensions import db
from ops.passes.codes import sign_code


@pytest.fixture
def completed(make_course, make_person, at_session):
    """Enrolled, present at the course's only session, which has ended (the clock is an hour after it)."""
    course = make_course(sessions=1)
    enrolment, _ = enrol(course, make_person("김철용"))
    at_session(course.sessions[0])
    record_attendance(enrolment, course.sessions[0])
    db.session.commit()
    at_session(course.sessions[0], minutes=3 * 60)
    return enrolment


def test_no_certificate_while_the_course_is_still_running(app, make_course, make_person, at_session):
    """Present at the session, so the rule is met, but the certificate waits until the session ends."""
    course = make_course(sessions=1)
    enrolment, _ = enrol(course, make_person())
    db.session.commit()
    at_session(course.sessions[0])
    record_attendance(enrolment, course.sessions[0])
    with pytest.raises(NotCompleted):
        issue_certificate(enrolment)
    at_session(course.sessions[0], minutes=2 * 60)  # the session ends at this minute
    assert issue_certificate(enrolment).issued_at >= course.sessions[0].ends_at


def test_no_certificate_before_the_rule_is_met(app, make_course, make_person):
    enrolment, _ = enrol(make_course(sessions=2), make_person())
    with pytest.raises(NotCompleted):
        issue_certificate(enrolment)


def test_a_certificate_is_issued_once(app, completed):
    first = issue_certificate(completed)
    again = issue_certificate(completed)
    assert first.id == again.id and first.code.startswith(f"C.EDU-{completed.course_id}.")


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts) not installed: make fonts")
def test_the_certificate_embeds_its_korean_font(app, completed, tmp_path):
    """A reader without Korean fonts still sees the name and course: every font is embedded."""
    pdf = certificate_pdf(issue_certificate(completed))
    assert pdf.startswith(b"%PDF") and b"/Image" in pdf
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout
    fonts = [line.split() for line in listing.splitlines()[2:]]
    # name, type, encoding, embedded, subset, unicode map, object, generation
    assert fonts and all(font[-5] == "yes" for font in fonts), listing
    assert any("Nanum" in font[0] for font in fonts), listing
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "김철용" in text and "수" in text


def test_verification_says_valid_revoked_or_unknown(app, completed):
    cert = issue_certificate(completed)
    assert verify_certificate(cert.code)[0] == VALID
    assert verify_certificate(sign_code("C", "EDU-1").text)[0] == UNKNOWN
    assert verify_certificate(cert.code[:-1] + ("A" if cert.code[-1] != "A" else "B"))[0] == UNKNOWN
    revoke_certificate(cert, "issued by mistake")
    assert verify_certificate(cert.code)[0] == REVOKED


def test_the_public_check_page_masks_the_name(app, client, completed):
    cert = issue_certificate(completed)
    db.session.commit()
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "김*용" in page and "김철용" not in page


def test_an_unknown_code_page_is_not_found(app, client):
    assert client.get("/verify/C.EDU-1.AAAAAAAA.BBBBBBBBBBBBBBBB").status_code == 404


def test_the_learner_downloads_the_pdf_from_their_page(app, client, completed):
    response = client.get(f"/education/e/{completed.code}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_revoked_certificate_is_not_downloaded_again(app, client, completed):
    revoke_certificate(issue_certificate(completed))
    db.session.commit()
    assert client.get(f"/education/e/{completed.code}/certificate.pdf").status_code == 410


def test_the_pdfs_qr_code_reads_as_the_public_check_page(app, completed, monkeypatch):
    import io

    import zxingcpp
    from PIL import Image

    from ops.education import certificates

    drawn = []
    real_qr_png = certificates.qr_png
    monkeypatch.setattr(certificates, "qr_png", lambda data, **kw: drawn.append(real_qr_png(data, **kw)) or drawn[-1])
    cert = issue_certificate(completed)
    certificate_pdf(cert)
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(drawn[0])))
    assert result.text.endswith(f"/verify/{cert.code}")
