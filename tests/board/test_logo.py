"""A board's logo: judged by its content, size-limited, kept as a PNG through
Django's storage API, and drawn on the cover of the board's reports."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from board import services
from board.logo import MAX_SIDE, LogoRefused, read_logo
from board.models import Board

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture(fmt: str = "PNG", size: tuple[int, int] = (120, 40), **save: object) -> bytes:
    image = Image.new("RGB", size, (29, 112, 184))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def kept(board: Board) -> Image.Image:
    board.refresh_from_db()
    with default_storage.open(board.logo.name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_a_png_is_kept_through_the_storage_api_as_a_png(world):
    services.board_logo_set(board=world.board, data=picture("PNG"))
    world.board.refresh_from_db()
    assert world.board.logo.name.startswith("logos/alpha-")
    assert default_storage.exists(world.board.logo.name)
    image = kept(world.board)
    assert (image.format, image.size) == ("PNG", (120, 40))


def test_a_jpeg_is_drawn_again_as_a_png_without_its_metadata(world):
    exif = Image.Exif()
    exif[0x010E] = "Taken at 52.1 N, 0.4 W"  # ImageDescription
    services.board_logo_set(board=world.board, data=picture("JPEG", exif=exif.tobytes()))
    image = kept(world.board)
    assert image.format == "PNG"
    assert not image.getexif()
    with default_storage.open(world.board.logo.name, "rb") as handle:
        assert b"52.1 N" not in handle.read()


def test_a_large_picture_is_kept_at_most_1200_pixels_across(world):
    services.board_logo_set(board=world.board, data=picture("PNG", (2400, 600)))
    assert kept(world.board).size == (MAX_SIDE, 300)


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty."),
        (SVG, "The logo must be a PNG or JPEG image, not an SVG drawing."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an SVG drawing"),
        (picture("GIF"), "The logo must be a PNG or JPEG image."),
        (b"%PDF-1.7 a document", "The logo must be a PNG or JPEG image."),
        (b"GIF89a" + picture("PNG"), "The logo must be a PNG or JPEG image."),
        (
            picture("PNG")[:60],
            "could not be read as a PNG image: the file is damaged or incomplete",
        ),
        (picture("JPEG")[:200], "could not be read as a JPEG image"),
        (picture("PNG", (10, 40)), "at least 16 pixels wide and high"),
    ],
)
def test_it_refuses_what_is_not_a_png_or_jpeg_by_its_content_and_changes_nothing(
    world, data, message
):
    services.board_logo_set(board=world.board, data=picture("PNG"))
    world.board.refresh_from_db()
    before = world.board.logo.name
    with pytest.raises(ValidationError) as refused:
        services.board_logo_set(board=world.board, data=data)
    assert message in refused.value.message_dict["logo"][0]
    world.board.refresh_from_db()
    assert world.board.logo.name == before
    assert default_storage.exists(before)


def test_it_refuses_a_file_over_the_limit_naming_the_limit(world, settings):
    settings.ASSURE_MAX_LOGO_BYTES = 2048
    data = picture("PNG", (400, 400), compress_level=0)
    assert len(data) > 2048
    with pytest.raises(ValidationError, match=r"The logo must be smaller than 2 KB\."):
        services.board_logo_set(board=world.board, data=data)
    world.board.refresh_from_db()
    assert not world.board.logo


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_it_refuses_a_small_file_claiming_a_huge_picture_before_decoding_it():
    with pytest.raises(LogoRefused, match=r"is 8,000 by 8,000 pixels: it must have fewer than"):
        read_logo(_png_claiming(8_000, 8_000), limit=1024 * 1024)
    with pytest.raises(LogoRefused, match=r"^The logo has too many pixels: it must have fewer"):
        read_logo(_png_claiming(30_000, 30_000), limit=1024 * 1024)


def test_a_new_logo_replaces_the_old_file_and_removing_it_removes_its_file(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.board_logo_set(board=world.board, data=picture("PNG"))
    world.board.refresh_from_db()
    first = world.board.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.board_logo_set(board=world.board, data=picture("JPEG"))
    world.board.refresh_from_db()
    second = world.board.logo.name
    assert second != first
    assert not default_storage.exists(first)
    assert default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        services.board_logo_remove(board=world.board)
    world.board.refresh_from_db()
    assert not world.board.logo
    assert not default_storage.exists(second)
    assert [h.logo for h in world.board.history.order_by("history_date")][-3:] == [
        first,
        second,
        "",
    ]


def test_the_business_manager_uploads_a_logo_and_sees_it(client_for, world):
    client = client_for("manager")
    url = reverse("board:logo", kwargs={"board": "alpha"})
    page = client.get(url)
    assert page.status_code == 200
    assert "The board has no logo yet" in page.content.decode()
    upload = SimpleUploadedFile("logo.png", picture("PNG"), content_type="image/png")
    response = client.post(url, {"logo": upload})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'src="/boards/alpha/logo.png"' in page
    image = client.get(reverse("board:logo_image", kwargs={"board": "alpha"}))
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_the_page_shows_why_an_upload_is_refused(client_for, world):
    client = client_for("manager")
    url = reverse("board:logo", kwargs={"board": "alpha"})
    upload = SimpleUploadedFile("logo.png", SVG, content_type="image/png")
    response = client.post(url, {"logo": upload})
    assert response.status_code == 400
    assert "not an SVG drawing" in response.content.decode()
    world.board.refresh_from_db()
    assert not world.board.logo


def test_a_board_with_no_logo_answers_404_for_its_image(client_for, world):
    response = client_for("partner").get(reverse("board:logo_image", kwargs={"board": "alpha"}))
    assert response.status_code == 404
