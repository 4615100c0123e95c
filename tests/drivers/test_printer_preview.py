"""Job bytes decoded back into a picture: raster lines, QR codes and native text land where a
printer puts them, and the decoder refuses bytes it does not understand."""

from __future__ import annotations

import pytest
import qrcode
import qrcode.constants
from PIL import Image, ImageChops

from drivers.printer import EscposDecodeError, build_job, render_escpos
from drivers.printer.decoder import qr_image
from drivers.printer.demo import demo_ticket
from drivers.printer.job import default_layout
from drivers.printer.raster_text import render_line

MARGIN = 16  # the white border render_escpos draws around the paper
PAPER = 576


def find_rows(picture: Image.Image, part: Image.Image, x: int) -> list[int]:
    """Every y where ``part`` appears pixel for pixel at column ``x`` of ``picture``."""
    page = picture.convert("1")
    want = part.convert("1").tobytes()
    return [
        y
        for y in range(page.height - part.height + 1)
        if page.crop((x, y, x + part.width, y + part.height)).tobytes() == want
    ]


def centered_x(width: int) -> int:
    # Raster images are sent whole bytes wide; the printer centers that width.
    sent = (width + 7) // 8 * 8
    return MARGIN + (PAPER - sent) // 2


def test_raster_lines_come_back_pixel_exact_in_reading_order() -> None:
    picture = render_escpos(build_job(demo_ticket("vi"), "raster"))
    styles = default_layout().styles
    expected = [
        ("SỐ THỨ TỰ", styles["small"], "center"),
        ("Đăng ký doanh nghiệp", styles["large"], "center"),
        ("Sở Kế hoạch và Đầu tư", styles["normal"], "center"),
        ("Số người đang chờ trước: 12", styles["normal"], "left"),
        ("Vui lòng chờ đến lượt. Xin cảm ơn!", styles["small"], "center"),
    ]
    last_y = -1
    for text, style, align in expected:
        line = render_line(text, style.px, style.bold).image
        x = centered_x(line.width) if align == "center" else MARGIN
        rows = find_rows(picture, line, x)
        assert len(rows) == 1, f"{text!r} found at rows {rows}"
        assert rows[0] > last_y, f"{text!r} is out of order"
        last_y = rows[0]


def test_qr_code_is_drawn_from_the_native_command() -> None:
    ticket = demo_ticket("vi")
    picture = render_escpos(build_job(ticket, "raster"))
    layout = default_layout()
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=layout.qr_module, border=0
    )
    code.add_data(ticket.qr_data)
    code.make(fit=True)
    expected = qr_image(code)
    assert len(find_rows(picture, expected, MARGIN + (PAPER - expected.width) // 2)) == 1


def ink_box(picture: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.invert(picture).getbbox()
    assert box is not None
    return box


def test_big_number_is_native_text_five_times_font_a() -> None:
    small = ink_box(render_escpos(b"\x1b@\x1ba\x01\x1bE\x011023\n"))
    big = ink_box(render_escpos(b"\x1b@\x1ba\x01\x1bE\x01\x1d!\x441023\n"))
    # Drawn at its size rather than blown up dot by dot, so five times within a dot per step.
    assert abs((big[2] - big[0]) - 5 * (small[2] - small[0])) <= 5
    assert abs((big[3] - big[1]) - 5 * (small[3] - small[1])) <= 5
    # Centered: four cells of 60 dots, the ink within them.
    assert big[0] >= MARGIN + (PAPER - 240) // 2
    assert big[2] <= MARGIN + (PAPER + 240) // 2


def test_code_page_tickets_print_the_same_letters() -> None:
    # CP1258 sends "ờ" as "ơ" + combining grave, TCVN-3 as one byte in another code page:
    # both must come out as the same paper.
    cp1258 = render_escpos(build_job(demo_ticket("vi"), "cp1258"))
    tcvn3 = render_escpos(build_job(demo_ticket("vi"), "tcvn3"))
    assert cp1258.size == tcvn3.size
    assert ImageChops.difference(cp1258, tcvn3).getbbox() is None


def test_code_page_selection_changes_the_letters() -> None:
    plain = render_escpos(b"\x1b@\x1bt\x00\xf5\xcc\n")
    cp1258 = render_escpos(b"\x1b@\x1bt\x34\xf5\xcc\n")
    assert ImageChops.difference(plain, cp1258).getbbox() is not None
    ideal = render_escpos(b"\x1b@\x1bt\x1e\xea\n")  # TCVN-3-1: "ờ" is 0xEA
    first_cell = (0, 0, 60, 60)
    assert ImageChops.difference(cp1258.crop(first_cell), ideal.crop(first_cell)).getbbox() is None


def test_vendor_code_page_numbers_can_be_given() -> None:
    epson = render_escpos(b"\x1b@\x1bt\x34\xf5\xcc\n")
    chinese = render_escpos(b"\x1b@\x1bt\x1b\xf5\xcc\n", codepages={27: "CP1258"})
    assert ImageChops.difference(epson, chinese).getbbox() is None


def test_esc_bang_and_gs_bang_give_the_same_double_size() -> None:
    esc = render_escpos(b"\x1b@\x1b!\x30AB\n")
    gs = render_escpos(b"\x1b@\x1d!\x11AB\n")
    assert ImageChops.difference(esc, gs).getbbox() is None
    normal = ink_box(render_escpos(b"\x1b@AB\n"))
    assert abs((ink_box(esc)[3] - ink_box(esc)[1]) - 2 * (normal[3] - normal[1])) <= 2


def test_feeds_move_the_paper() -> None:
    one = ink_box(render_escpos(b"\x1b@A\nB\n"))
    fed_lines = ink_box(render_escpos(b"\x1b@A\n\x1bd\x03B\n"))
    fed_dots = ink_box(render_escpos(b"\x1b@A\n\x1bJ\x64B\n"))
    assert fed_lines[3] - one[3] == 3 * 30  # three more lines of the default 30 dots
    assert fed_dots[3] - one[3] == 100


def test_cut_ends_the_paper() -> None:
    uncut = render_escpos(b"\x1b@text\n")
    cut = render_escpos(b"\x1b@text\n\x1dVB\x00")
    assert cut.height > uncut.height


@pytest.mark.parametrize(
    ("data", "offset"),
    [
        (b"\x1b@\x1b\x7f", 2),  # unknown ESC command
        (b"ok\x1d(L\x02\x0000", 2),  # graphics command the driver never sends
        (b"\x1b@\x1dv0\x00\x02\x00\x05\x00\xff", 10),  # raster image cut short
        (b"\x07", 0),  # BEL is not ESC/POS
    ],
)
def test_unknown_or_broken_bytes_are_refused_with_their_offset(data: bytes, offset: int) -> None:
    with pytest.raises(EscposDecodeError) as error:
        render_escpos(data)
    assert error.value.offset == offset
