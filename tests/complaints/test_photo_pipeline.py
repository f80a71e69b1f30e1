"""The photo pipeline on real image bytes: metadata really gone, orientation applied, hostile files refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from app.core.images import MAX_BYTES, PhotoRejected, process_photo
from tests.complaints.helpers import (
    COMMENT,
    XMP,
    avif_bytes,
    halves,
    heic_bytes,
    jpeg_bytes,
    jpeg_segments,
    picture,
    png_bomb,
    png_bytes,
    webp_bytes,
)

APP1, APP2, APP13, COM = 0xE1, 0xE2, 0xED, 0xFE


def assert_clean_jpeg(data: bytes) -> Image.Image:
    """A plain JPEG: only JFIF, tables, frame and scan segments; Pillow finds no metadata either."""
    markers = jpeg_segments(data)
    assert APP1 not in markers, "EXIF or XMP segment left"
    assert APP2 not in markers, "ICC profile left"
    assert APP13 not in markers, "IPTC/Photoshop segment left"
    assert COM not in markers, "JPEG comment left"
    assert set(markers) <= {0xD8, 0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD, 0xDA}
    assert data.endswith(b"\xff\xd9")
    for needle in (b"Exif", b"GPS", b"xpacket", b"adobe", b"Samsung", COMMENT, b"081234567890", b"ICC_PROFILE"):
        assert needle not in data
    im = Image.open(io.BytesIO(data))
    assert im.format == "JPEG" and im.mode == "RGB"
    assert not im.getexif()
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(im.info)
    return im


def test_source_really_has_the_metadata_we_strip():
    src = jpeg_bytes(orientation=6)
    markers = jpeg_segments(src)
    assert {APP1, APP2, COM} <= set(markers)
    im = Image.open(io.BytesIO(src))
    assert im.getexif().get_ifd(0x8825)[2] == (6.0, 52.0, 14.4)  # GPS latitude
    assert im.info["comment"] == COMMENT and XMP[:20] in src


@pytest.mark.parametrize("make", [jpeg_bytes, png_bytes, webp_bytes], ids=["jpeg", "png", "webp"])
def test_every_metadata_block_is_removed(make):
    out = process_photo(make())
    assert_clean_jpeg(out.full)
    assert_clean_jpeg(out.thumbnail)


@pytest.mark.parametrize(
    ("orientation", "size", "top_left", "bottom_right"),
    [
        (1, (40, 20), "red", "blue"),  # as stored
        (3, (40, 20), "blue", "red"),  # upside down
        (6, (20, 40), "red", "blue"),  # phone held upright: turn 90° clockwise, the left half goes on top
        (8, (20, 40), "blue", "red"),  # turn 90° counter-clockwise
    ],
)
def test_exif_orientation_is_applied(orientation, size, top_left, bottom_right):
    out = process_photo(jpeg_bytes(halves(40, 20), orientation=orientation))
    im = assert_clean_jpeg(out.full)
    assert im.size == size == (out.width, out.height)
    colours = {"red": (255, 0, 0), "blue": (0, 0, 255)}

    def near(pixel, colour):
        return all(abs(a - b) < 60 for a, b in zip(pixel, colours[colour], strict=True))

    assert near(im.getpixel((2, 2)), top_left)
    assert near(im.getpixel((im.width - 3, im.height - 3)), bottom_right)


def test_large_photo_is_capped_at_1920_with_a_400_thumbnail():
    out = process_photo(jpeg_bytes(picture(4000, 3000)))
    assert (out.width, out.height) == (1920, 1440)
    assert Image.open(io.BytesIO(out.full)).size == (1920, 1440)
    assert Image.open(io.BytesIO(out.thumbnail)).size == (400, 300)


def test_portrait_photo_keeps_its_aspect():
    out = process_photo(png_bytes(picture(1000, 2500), metadata=False))
    assert (out.width, out.height) == (768, 1920)
    assert Image.open(io.BytesIO(out.thumbnail)).size == (160, 400)


def test_small_photo_is_not_enlarged():
    out = process_photo(jpeg_bytes(picture(300, 200)))
    assert (out.width, out.height) == (300, 200)
    assert Image.open(io.BytesIO(out.thumbnail)).size == (300, 200)


def test_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    out = Image.open(io.BytesIO(process_photo(png_bytes(im)).full))
    assert all(c > 240 for c in out.getpixel((10, 10)))


@pytest.mark.parametrize("mode", ["L", "P", "CMYK", "I;16", "1", "LA"])
def test_other_pixel_modes_become_rgb(mode):
    im = picture(50, 40).convert("L").convert(mode) if mode in ("I;16", "1", "LA") else picture(50, 40).convert(mode)
    out = io.BytesIO()
    im.save(out, "JPEG" if mode == "CMYK" else "PNG")
    result = process_photo(out.getvalue())
    assert assert_clean_jpeg(result.full).size == (50, 40)


def test_zero_bytes_is_refused():
    with pytest.raises(PhotoRejected, match="empty") as exc:
        process_photo(b"")
    assert exc.value.status == 422


def test_truncated_jpeg_is_refused():
    data = jpeg_bytes(picture(400, 300), metadata=False)
    with pytest.raises(PhotoRejected, match="damaged") as exc:
        process_photo(data[: len(data) // 2])
    assert exc.value.status == 422


def test_truncated_png_is_refused():
    data = png_bytes(picture(400, 300), metadata=False)
    with pytest.raises(PhotoRejected):
        process_photo(data[: len(data) * 2 // 3])


def test_png_decompression_bomb_is_refused_before_decoding():
    bomb = png_bomb(30_000, 30_000)  # 900 megapixels in about 100 kB
    assert len(bomb) < 200_000
    with pytest.raises(PhotoRejected, match="too many pixels"):
        process_photo(bomb)


def test_image_just_over_the_pixel_limit_is_refused():
    side = int(Image.MAX_IMAGE_PIXELS**0.5) + 10  # over the limit, under twice the limit (Pillow only warns)
    with pytest.raises(PhotoRejected, match="too many pixels"):
        process_photo(png_bomb(side, side))


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03" + b"\x00" * 200,  # a Windows executable
        b"%PDF-1.7\n1 0 obj << >> endobj\n",
        b"<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xe0 not really a jpeg",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
    ],
    ids=["exe", "pdf", "html", "fake-jpeg-header", "fake-png-header"],
)
def test_non_images_are_refused(data):
    with pytest.raises(PhotoRejected) as exc:
        process_photo(data)
    assert exc.value.status == 422


@pytest.mark.parametrize("fmt", ["AVIF", "GIF", "BMP", "TIFF"])
def test_well_formed_images_of_other_types_are_415(fmt):
    out = io.BytesIO()
    picture(30, 30).save(out, fmt)
    with pytest.raises(PhotoRejected, match=f"{fmt} images are not accepted") as exc:
        process_photo(out.getvalue())
    assert exc.value.status == 415


def test_an_avif_is_identified_by_its_bytes_not_its_name():
    data = avif_bytes()
    assert data[4:12] == b"ftypavif"
    with pytest.raises(PhotoRejected) as exc:
        process_photo(data)
    assert exc.value.status == 415


def test_heic_is_converted_to_a_clean_jpeg():
    src = heic_bytes(halves(40, 20))
    assert src[4:12] == b"ftypheic" and b"Exif" in src and XMP[:20] in src  # the source does carry GPS and XMP
    out = process_photo(src)
    assert out.source_format == "HEIF"
    im = assert_clean_jpeg(out.full)
    assert_clean_jpeg(out.thumbnail)
    assert im.size == (40, 20)
    left, right = im.getpixel((5, 10)), im.getpixel((35, 10))
    assert left[0] > 200 and left[2] < 60 and right[2] > 200 and right[0] < 60  # red left, blue right


def test_heic_orientation_is_applied_once():
    out = process_photo(heic_bytes(halves(40, 20), orientation=6))  # 90° clockwise: red on top
    im = Image.open(io.BytesIO(out.full))
    assert im.size == (20, 40)
    top, bottom = im.getpixel((10, 5)), im.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60 and bottom[2] > 200 and bottom[0] < 60


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "tail",
    [_zip(), b"<html><body><script>alert(1)</script></body></html>"],
    ids=["zip", "html"],
)
def test_polyglot_keeps_only_the_image(tail):
    """A JPEG with an archive or a web page appended: the stored file is a fresh JPEG with none of it."""
    src = jpeg_bytes(picture(200, 100)) + tail
    out = process_photo(src)
    assert_clean_jpeg(out.full)
    for data in (out.full, out.thumbnail):
        assert b"PK\x03\x04" not in data and b"<script" not in data and b"html" not in data.lower()


def test_html_with_an_image_appended_is_refused():
    with pytest.raises(PhotoRejected):
        process_photo(b"<html><script>alert(1)</script></html>" + jpeg_bytes())


def test_over_10_mb_is_refused_with_413():
    with pytest.raises(PhotoRejected) as exc:
        process_photo(b"\xff" * (MAX_BYTES + 1))
    assert exc.value.status == 413


def test_animated_webp_keeps_the_first_frame():
    frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 255, 0))]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    im = assert_clean_jpeg(process_photo(out.getvalue()).full)
    assert im.getpixel((15, 10))[0] > 200
