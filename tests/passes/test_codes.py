import io

import pytest
import zxingcpp
from PIL import Image

from ops.passes.codes import InvalidCode, sign_code, verify_code
from ops.passes.qr import qr_png, qr_svg


def test_signed_code_round_trips_and_names_its_scope(app):
    code = sign_code("T", "slw-2025")
    parsed = verify_code(code.text)
    assert parsed.kind == "T" and parsed.scope == "SLW-2025" and parsed.serial == code.serial


def test_code_is_compact(app):
    assert len(sign_code("T", "slw-2025").text) <= 40


def test_lowercase_typing_and_scanned_links_are_accepted(app):
    code = sign_code("T", "ai-festa-2025")
    assert verify_code(code.text.lower()).serial == code.serial
    assert verify_code(f"https://ops.example/t/{code.text}").serial == code.serial


@pytest.mark.parametrize("mutate", [
    lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # signature altered
    lambda c: c.replace("SLW-2025", "AI-FESTA-2025"),  # scope altered
    lambda c: c.split(".")[0] + ".SLW-2025.AAAAAAAA." + c.split(".")[3],  # serial altered
])
def test_altered_codes_are_rejected(app, mutate):
    code = sign_code("T", "slw-2025").text
    with pytest.raises(InvalidCode):
        verify_code(mutate(code))


def test_code_signed_with_another_key_is_rejected(app):
    forged = sign_code("T", "slw-2025", key="attacker-key").text
    with pytest.raises(InvalidCode):
        verify_code(forged)


@pytest.mark.parametrize("text", ["", "hello", "T.SLW.ABC", "X.SLW-2025.AAAAAAAA.AAAAAAAAAAAAAAAA", "T..." ])
def test_malformed_codes_are_rejected(app, text):
    with pytest.raises(InvalidCode):
        verify_code(text)


def test_kind_is_enforced(app):
    code = sign_code("C", "course-1").text
    with pytest.raises(InvalidCode):
        verify_code(code, kind="T")


def test_qr_png_decodes_back_to_the_code(app):
    code = sign_code("T", "slw-2025").text
    image = Image.open(io.BytesIO(qr_png(code)))
    results = zxingcpp.read_barcodes(image)
    assert [r.text for r in results] == [code]


def test_qr_svg_is_an_svg_image(app):
    svg = qr_svg(sign_code("T", "slw-2025").text)
    assert svg.lstrip().startswith("<") and "<svg" in svg and "path" in svg


def test_qr_route_serves_only_signed_codes(client, app):
    code = sign_code("T", "slw-2025").text
    assert client.get(f"/qr/{code}.png").mimetype == "image/png"
    assert client.get(f"/qr/{code}.svg").mimetype == "image/svg+xml"
    assert client.get("/qr/anything-at-all.png").status_code == 404
