"""Complaint test data: valid bodies, complaints in any state, and real image bytes made with Pillow."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import struct
import zlib
from typing import Any

from PIL import Image, ImageCms

from app.extensions import db
from complaints.intake import service
from complaints.intake.models import Complaint
from complaints.states import is_listed
from tests.factories import resident

#: Sukarasa, Sukasari, Kota Bandung (desa 32.73.01.1001).
BANDUNG = (-6.8706, 107.5905)
#: Kabupaten Bandung (32.04), Soreang.
SOREANG = (-7.0253, 107.5197)
_keys = itertools.count(1)


def body(**overrides: Any) -> dict[str, Any]:
    """A valid submission."""
    data = {
        "category_id": 1,
        "title": "Jalan berlubang di depan sekolah",
        "description": "Lubang besar di lajur kiri, sudah dua minggu tidak diperbaiki.",
        "latitude": BANDUNG[0],
        "longitude": BANDUNG[1],
        "location_accuracy_m": 8.5,
        "address": "Jl. Gegerkalong Hilir",
        "desa_code": "32.73.01.1001",
        "rw": 5,
        "is_anonymous": False,
        "is_public": True,
    }
    data.update(overrides)
    return data


def offset(point: tuple[float, float], *, north_m: float = 0.0, east_m: float = 0.0) -> tuple[float, float]:
    """A point ``north_m`` metres north and ``east_m`` metres east of ``point`` (on the haversine sphere)."""
    import math

    from complaints.geo import M_PER_DEG

    lat = point[0] + north_m / M_PER_DEG
    lon = point[1] + east_m / (M_PER_DEG * math.cos(math.radians(lat)))
    return lat, lon


def make_complaint(
    reporter: Any = None,
    *,
    status: str = "submitted",
    point: tuple[float, float] = BANDUNG,
    created_at: dt.datetime | None = None,
    support_count: int = 0,
    **fields: Any,
) -> Complaint:
    """A complaint submitted through the service, then put in ``status`` directly (moderation is not built yet)."""
    reporter = reporter or resident()
    data = body(latitude=point[0], longitude=point[1])
    data.update(fields)
    stored = service.submit(reporter=reporter, data=data, idempotency_key=f"test-{next(_keys)}").complaint
    complaint = db.session.get(Complaint, stored.id)
    complaint.status = status
    complaint.is_listed = is_listed(is_public=complaint.is_public, status=status)
    complaint.support_count = support_count
    if created_at is not None:
        complaint.created_at = created_at
    db.session.flush()
    return complaint


# --- images ------------------------------------------------------------------------------------------------------

GPS_IFD = 0x8825
ORIENTATION = 0x0112
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="6,52.2S"/></rdf:RDF></x:xmpmeta>'
    b'<?xpacket end="w"?>'
)
COMMENT = b"secret: rumah Bu Siti 081234567890"


def picture(width: int = 64, height: int = 48, mode: str = "RGB") -> Image.Image:
    """A picture with structure (gradients and noise), so JPEG sizes are realistic."""
    r = Image.linear_gradient("L").resize((width, height))
    g = Image.radial_gradient("L").resize((width, height))
    b = Image.effect_noise((width, height), 30)
    return Image.merge("RGB", (r, g, b)).convert(mode)


def halves(width: int = 40, height: int = 20) -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    im = Image.new("RGB", (width, height), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, width // 2, height))
    return im


def exif_with_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Samsung"  # Make
    exif[0x0110] = "Galaxy A54"  # Model
    exif[0x0131] = "Balai test"  # Software
    if orientation is not None:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "S", 2: (6.0, 52.0, 14.4), 3: "E", 4: (107.0, 35.0, 25.8)}
    return exif


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def jpeg_bytes(im: Image.Image | None = None, *, orientation: int | None = None, metadata: bool = True) -> bytes:
    """A JPEG with EXIF (camera, GPS, orientation), XMP, an ICC profile and a comment when ``metadata``."""
    im = im or picture()
    out = io.BytesIO()
    extra: dict[str, Any] = {}
    if metadata:
        extra = {"exif": exif_with_gps(orientation), "xmp": XMP, "icc_profile": srgb_icc(), "comment": COMMENT}
    elif orientation is not None:
        exif = Image.Exif()
        exif[ORIENTATION] = orientation
        extra = {"exif": exif}
    im.save(out, "JPEG", quality=90, **extra)
    return out.getvalue()


def png_bytes(im: Image.Image | None = None, *, metadata: bool = True) -> bytes:
    from PIL import PngImagePlugin

    im = im or picture(mode="RGBA")
    out = io.BytesIO()
    extra: dict[str, Any] = {}
    if metadata:
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", COMMENT.decode())
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        extra = {"pnginfo": info, "exif": exif_with_gps(), "icc_profile": srgb_icc()}
    im.save(out, "PNG", **extra)
    return out.getvalue()


def webp_bytes(im: Image.Image | None = None) -> bytes:
    im = im or picture()
    out = io.BytesIO()
    im.save(out, "WEBP", quality=80, exif=exif_with_gps(), xmp=XMP, icc_profile=srgb_icc())
    return out.getvalue()


def heic_bytes(im: Image.Image | None = None, *, orientation: int | None = None) -> bytes:
    """An iPhone-style HEIC written by pillow-heif itself, with EXIF (camera, GPS, orientation) and XMP."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    im = im or picture()
    out = io.BytesIO()
    im.save(out, "HEIF", quality=90, exif=exif_with_gps(orientation).tobytes(), xmp=XMP)
    return out.getvalue()


def avif_bytes(im: Image.Image | None = None) -> bytes:
    """A well-formed AVIF (Pillow's own encoder): an image type Balai does not take."""
    out = io.BytesIO()
    (im or picture()).save(out, "AVIF", exif=exif_with_gps())
    return out.getvalue()


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A small PNG that declares ``width`` x ``height`` one-bit pixels (all zero): a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_segments(data: bytes) -> list[int]:
    """The marker bytes of a JPEG's segments up to the image data (SOS), e.g. [0xD8, 0xE0, 0xDB, …]."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, i = [0xD8], 2
    while i < len(data):
        assert data[i] == 0xFF, f"bad marker at {i}"
        marker = data[i + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        i += 2 + length
    return markers
