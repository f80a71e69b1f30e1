"""The photo pipeline: untrusted upload bytes in, clean JPEGs out. Pure (no database, no storage, no request).

1. Refuse empty files and anything over ``MAX_BYTES``.
2. Let Pillow identify the file among JPEG, PNG, WebP and HEIC/HEIF (iPhone photos, through pillow-heif) only (the
   bytes decide, never the file name), and refuse images over Pillow's decompression-bomb limit before decoding a
   single pixel. A well-formed image of another type (AVIF, GIF, TIFF, ...: Pillow reads its header, never its
   pixels) is a 415; bytes that are no image at all, or a damaged one, are a 422.
3. Decode fully (a truncated file fails here), at reduced scale when JPEG allows it (``draft``), apply the EXIF
   orientation, convert to sRGB using the embedded ICC profile, flatten transparency onto white.
4. Re-encode from pixels alone as a JPEG at most ``MAX_SIDE`` pixels wide or high, and a ``THUMB_SIDE`` thumbnail.
   Nothing of the original file survives: no EXIF (GPS included), XMP, ICC profile, IPTC, comments, or bytes
   appended after the image (polyglots).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

from app.core.i18n import _

MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1920
THUMB_SIDE = 400
JPEG_QUALITY = 85
THUMB_QUALITY = 80
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")

pillow_heif.register_heif_opener()  # Pillow opens HEIC/HEIF (format "HEIF"); libheif applies the rotation itself

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class PhotoRejected(ValueError):
    """The upload is not an acceptable photo; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message  # kept as given: a text with values (``_()``) is translated at the edge
        self.status = status


@dataclass(frozen=True)
class ProcessedPhoto:
    full: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


def process_photo(data: bytes) -> ProcessedPhoto:
    """Decode, orient, clean and re-encode one uploaded photo, or raise ``PhotoRejected``."""
    if not data:
        raise PhotoRejected("The file is empty.")
    if len(data) > MAX_BYTES:
        raise PhotoRejected(_("A photo may not exceed {mb} MB.", mb=MAX_BYTES // (1024 * 1024)), status=413)
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as im:
            if im.width * im.height > Image.MAX_IMAGE_PIXELS:  # Pillow only warns below twice the limit
                raise PhotoRejected("The image has too many pixels.")
            return _clean(im)
    except PhotoRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("The image has too many pixels.") from None
    except UnidentifiedImageError:
        other = _other_image_format(data)
        if other is not None:
            raise PhotoRejected(
                _("{format} images are not accepted: send a JPEG, PNG, WebP or HEIC photo.", format=other), status=415
            ) from None
        raise PhotoRejected("Not a JPEG, PNG, WebP or HEIC image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, TypeError, IndexError, struct.error):
        raise PhotoRejected("The image is damaged or incomplete.") from None


def _other_image_format(data: bytes) -> str | None:
    """The format of an image Pillow recognises but Balai does not take, read from its header only (no pixels are
    decoded); ``None`` for bytes that are not a well-formed image of any type."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            return im.format
    except Exception:  # any failure to read a header means "not an image we can name"
        return None


def _clean(im: ImageFile.ImageFile) -> ProcessedPhoto:
    source_format = im.format or "?"
    orientation = im.getexif().get(ExifTags.Base.Orientation, 1)
    icc = im.info.get("icc_profile")
    # JPEG: decode at 1/2, 1/4 or 1/8 scale when the result still covers the final size (4000 x 3000 → 2000 x 1500).
    im.draft("RGB", _fitted_size(im.width, im.height, MAX_SIDE))
    im.load()  # truncated or corrupt data fails here
    pixels = _fit(_base_mode(im), MAX_SIDE)  # shrink first: the steps below then work on fewer pixels
    if orientation in _ORIENT:
        pixels = pixels.transpose(_ORIENT[orientation])
    rgb = _to_srgb(pixels, icc)
    thumb = _fit(rgb, THUMB_SIDE)
    return ProcessedPhoto(
        full=_jpeg(rgb, JPEG_QUALITY),
        thumbnail=_jpeg(thumb, THUMB_QUALITY),
        width=rgb.width,
        height=rgb.height,
        source_format=source_format,
    )


#: EXIF orientation → the transpose that shows the picture upright (as ``ImageOps.exif_transpose``).
_ORIENT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _base_mode(im: Image.Image) -> Image.Image:
    """Pixels in RGB, L or CMYK (the modes a colour profile applies to), transparency flattened onto white."""
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):  # 16-bit greyscale: keep the top 8 bits
        return im.point(lambda v: v / 256).convert("L")
    if im.mode == "F":
        return im.convert("L")
    if im.mode in ("RGB", "L", "CMYK"):
        return im
    return im.convert("RGB")


def _fitted_size(width: int, height: int, side: int) -> tuple[int, int]:
    if width <= side and height <= side:
        return width, height
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _fit(im: Image.Image, side: int) -> Image.Image:
    """``im`` scaled down to fit a ``side`` x ``side`` box (never up)."""
    size = _fitted_size(im.width, im.height, side)
    if size == im.size:
        return im
    return im.resize(size, Image.Resampling.BICUBIC, reducing_gap=2.0)


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB pixels in sRGB, colour-managed from the embedded profile when there is one."""
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: use the pixels as they are
    return im if im.mode == "RGB" else im.convert("RGB")


def _jpeg(im: Image.Image, quality: int) -> bytes:
    """Encode pixels only. Pillow copies some metadata (the JPEG comment) from ``info`` unless told otherwise, so
    the image's info is emptied first (on a copy when ``im`` is the source image) and no metadata is passed."""
    if im.info:
        im = im.copy()
        im.info = {}
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality, subsampling="4:2:0")
    return out.getvalue()
