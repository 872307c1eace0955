"""A story's lead image → the small thumbnail the site shows, as plain bytes in and out.

Only raster images are read (JPEG, PNG, GIF, WebP: what Pillow identifies); anything else —
an HTML error page served for the image, an SVG, a truncated or corrupt file, an image with
more pixels than Pillow's ``Image.MAX_IMAGE_PIXELS`` (a decompression bomb) — raises
:class:`ThumbnailError` with the cause. The thumbnail fits in ``THUMBNAIL_BOX`` (never
enlarged), turned upright as its EXIF says, flattened on white, saved as a baseline JPEG
without metadata, and named after its own bytes (:attr:`Thumbnail.name`): content-addressed,
so the same picture is one file however many stories or URLs show it, and a changed picture
is a new file (a browser never shows a stale one from its cache).

The crawl's adapter (``crawler.scrapy_thumbnails``) fetches the image and stores the bytes.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

# The box a thumbnail fits in: cards and story pages show it at most 400 px wide (2x for a
# 200 px card column); a portrait picture stays within 400 px high.
THUMBNAIL_BOX = (400, 400)
JPEG_QUALITY = 80
# What a response's Content-Type may be for its body to be read as an image at all (CDNs
# often serve images as octet-stream; a missing header is read too: Pillow decides).
_IMAGE_TYPES = ("image/", "application/octet-stream", "binary/octet-stream")


class ThumbnailError(ValueError):
    """An image that gives no thumbnail; the message is the cause, for one log line."""


@dataclass(frozen=True)
class Thumbnail:
    data: bytes  # the JPEG file
    width: int
    height: int

    @property
    def name(self) -> str:
        """Where it is kept, from its own bytes: ``ab/ab12…ef.jpg`` (SHA-1, sharded by its
        first two hex digits so no folder holds more than a few hundred files per 100,000)."""
        digest = hashlib.sha1(self.data).hexdigest()
        return f"{digest[:2]}/{digest}.jpg"


def make_thumbnail(body: bytes, content_type: str | None = None) -> Thumbnail:
    """The thumbnail of the image in ``body`` (served with ``content_type``, if known).

    Raises :class:`ThumbnailError` for what is no raster image or cannot be read whole.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "image/svg+xml" or b"<svg" in body[:1024].lower():
        raise ThumbnailError("an SVG drawing, not a raster image")
    if _looks_like_markup(body):
        raise ThumbnailError(f"not an image (markup, {kind or 'no Content-Type'})")
    if kind and not kind.startswith(_IMAGE_TYPES):
        raise ThumbnailError(f"not an image ({kind})")
    if not body:
        raise ThumbnailError("empty body")
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past MAX_IMAGE_PIXELS: both are a bomb to us.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(body)) as image:
                image.draft("RGB", (THUMBNAIL_BOX[0] * 2, THUMBNAIL_BOX[1] * 2))  # JPEG: faster
                upright = ImageOps.exif_transpose(image)
                flat = _flattened(upright)
                flat.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
                out = BytesIO()
                flat.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ThumbnailError(f"too many pixels (decompression bomb?): {exc}") from exc
    except Image.UnidentifiedImageError as exc:
        raise ThumbnailError("not an image Pillow can read (unknown or corrupt format)") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        # OSError: truncated or broken data; SyntaxError: Pillow's word for a bad header.
        raise ThumbnailError(f"corrupt image: {' '.join(str(exc).split())}") from exc
    return Thumbnail(out.getvalue(), flat.width, flat.height)


def _looks_like_markup(body: bytes) -> bool:
    """An HTML page or an SVG served where an image was expected."""
    head = body[:256].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<", b"<?xml"))


def _flattened(image: Image.Image) -> Image.Image:
    """The image in RGB, transparency laid on white (as the page's background is)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
