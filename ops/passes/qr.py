"""QR images of codes, as PNG and SVG, readable by ordinary phone cameras."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

# One fixed mask pattern instead of trying all eight and scoring each (qrcode's default), which
# was most of a QR's cost: measured on ticket codes, 6.4 ms -> 1.9 ms of CPU per PNG (issue 19).
# Any of the eight is valid QR for every reader; pattern 2 is the one the scoring itself favours
# for our codes: over 300 ticket codes its penalty (ISO 18004's, lower reads better) averaged
# 508 and at worst 712, the lowest of the eight (the others 528-590 and 715-821).
MASK_PATTERN = 2


def _qr(data: str, border: int = 4) -> qrcode.QRCode:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=border, mask_pattern=MASK_PATTERN)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_png(data: str, box_size: int = 10) -> bytes:
    """Black modules on white, ``box_size`` pixels each, with the standard quiet zone of four.

    Drawn as one pixel per module and enlarged (nearest neighbour: edges stay sharp) rather than
    module by module: 1.9 ms -> 1.6 ms per ticket's PNG, measured with the fixed mask above.
    """
    matrix = _qr(data).get_matrix()  # the quiet zone included
    side = len(matrix)
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    image = Image.frombytes("L", (side, side), pixels).convert("1")
    image = image.resize((side * box_size, side * box_size), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def qr_svg(data: str) -> str:
    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")
