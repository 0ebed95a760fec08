"""Badges: a PDF that poppler opens, with the Korean text in an embedded font, in A6 and label size."""
import shutil
import subprocess

import pytest
from sqlalchemy import func, select

from ops.events.models import BadgePrint
from ops.extensions import db
from tests.conftest import login
from tests.events.conftest import make_event, register_one

pytestmark = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils (pdffonts, pdftoppm) not installed")


@pytest.fixture
def speakers(app):
    event = make_event(ticket_types=[dict(name="visitor", capacity=None),
                                     dict(name="speaker", capacity=None, label_ko="연사", label_en="Speaker",
                                          colour="#b3261e", public=False)])
    return event, [register_one(event, n, ticket_type="speaker", affiliation="서울디지털재단", source="staff")
                   for n in (1, 2)]


@pytest.fixture
def staff_client(client, make_user):
    login(client, make_user("staff"))
    return client


def poppler(tmp_path, pdf: bytes, *command, then=()) -> str:
    path = tmp_path / "badges.pdf"
    path.write_bytes(pdf)
    return subprocess.run([*command, str(path), *then], capture_output=True, text=True, check=True, timeout=60).stdout


def test_badges_of_a_ticket_type_carry_korean_text_in_an_embedded_font(staff_client, speakers, tmp_path):
    event, people = speakers
    response = staff_client.get(f"/events/manage/{event.slug}/badges.pdf?type=speaker&size=a6")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    fonts = [line.split() for line in poppler(tmp_path, response.data, "pdffonts").splitlines()[2:]]
    # name, type, encoding, embedded, subset, unicode map, object, generation
    assert fonts and all("Nanum" in font[0] and font[-5:-2] == ["yes", "yes", "yes"] for font in fonts)
    text = poppler(tmp_path, response.data, "pdftotext", "-layout", then=["-"])
    for expected in ("김민001", "김민002", "서울디지털재단", "연사 · Speaker", "스마트라이프위크", "Smart Life Week"):
        assert expected in text
    info = poppler(tmp_path, response.data, "pdfinfo")
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Pages"].strip() == "2"
    assert fields["Page size"].split("pts")[0].split() == ["297.638", "x", "419.528"]  # A6: 105 x 148 mm


def test_a_label_badge_renders_with_pdftoppm(staff_client, speakers, tmp_path):
    from PIL import Image

    event, people = speakers
    response = staff_client.get(f"/events/manage/{event.slug}/badges.pdf?ids={people[0].id}&size=label")
    assert response.status_code == 200
    (tmp_path / "badge.pdf").write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(tmp_path / "badge.pdf"),
                    str(tmp_path / "badge")], check=True, timeout=60)
    image = Image.open(tmp_path / "badge.png").convert("RGB")
    assert image.size == (288, 216)  # 4 x 3 in at 72 dpi
    assert image.getpixel((5, 5)) == (0xb3, 0x26, 0x1e)  # the ticket type's colour across the top
    assert image.convert("L").getextrema()[0] < 50  # text and QR printed in black


def test_each_badge_printed_is_recorded_with_who_and_size(staff_client, speakers):
    event, people = speakers
    staff_client.get(f"/events/manage/{event.slug}/badges.pdf?type=speaker&size=label")
    rows = db.session.execute(select(BadgePrint.registration_id, BadgePrint.size, BadgePrint.user_id)).all()
    assert sorted(r[0] for r in rows) == sorted(p.id for p in people)
    assert {r[1] for r in rows} == {"label"} and all(r[2] for r in rows)


def test_nothing_chosen_sends_staff_back_to_the_form_and_records_nothing(staff_client, speakers):
    event, _people = speakers
    response = staff_client.get(f"/events/manage/{event.slug}/badges.pdf?type=visitor")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/manage/{event.slug}/badges")
    assert db.session.scalar(select(func.count(BadgePrint.id))) == 0


def test_badges_are_for_staff_only(client, speakers, make_user):
    event, _people = speakers
    assert client.get(f"/events/manage/{event.slug}/badges.pdf?type=speaker").status_code in (302, 401)
    login(client, make_user("citizen"))
    assert client.get(f"/events/manage/{event.slug}/badges.pdf?type=speaker").status_code == 403


def test_the_walk_in_desk_offers_the_new_visitors_badge(staff_client, app):
    event = make_event(capacity=None)
    response = staff_client.post(f"/events/manage/{event.slug}/walk-in", data={
        "name": "이영희", "phone": "010-3333-4444", "country": "KR", "ticket_type": "visitor", "consent": "y"})
    page = response.get_data(as_text=True)
    assert "badges.pdf?ids=" in page and "size=label" in page


def test_a_ticket_types_badge_colour_is_set_through_the_api_as_rrggbb(client, app, token_for):
    staff = token_for("staff")
    event = make_event()
    bad = client.patch(f"/api/v1/events/{event.slug}", json={"ticket_types": [{"name": "visitor", "colour": "red"}]},
                       headers=staff)
    assert bad.status_code == 422 and "ticket_types.0.colour" in bad.get_json()["errors"]
    good = client.patch(f"/api/v1/events/{event.slug}",
                        json={"ticket_types": [{"name": "visitor", "colour": "#2E7D32"}]}, headers=staff)
    assert good.status_code == 200
    db.session.expire_all()
    assert event.ticket_types[0].colour == "#2e7d32"


def test_staff_tick_registrants_on_the_list_and_print_their_badges(staff_client, speakers, tmp_path):
    event, people = speakers
    page = staff_client.get(f"/events/manage/{event.slug}/registrations").get_data(as_text=True)
    assert 'form="badge-form"' in page and 'id="badge-form"' in page
    response = staff_client.get(f"/events/manage/{event.slug}/badges.pdf",
                                query_string=[("ids", str(p.id)) for p in people] + [("size", "a6")])
    assert response.status_code == 200
    info = poppler(tmp_path, response.data, "pdfinfo")
    assert dict(line.split(":", 1) for line in info.splitlines() if ":" in line)["Pages"].strip() == "2"
