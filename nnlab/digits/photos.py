"""Uploaded photos and scans (and the canvas's PNG data URL) -> RGBA pixels -> an MNIST-style image.

Everything here comes from a browser, so it is checked before it is decoded: at most
:data:`MAX_PHOTO_MB` megabytes (MB as Streamlit's uploader counts them, 2**20 bytes: the page's
caption, its uploader's ``max_upload_size`` and :func:`read_photo` all read this one number) and
:data:`MAX_PHOTO_PIXELS` pixels, PNG or JPEG only; anything else raises :class:`DigitImageError`
with a sentence a student can act on, never Python's own words.
"""

from __future__ import annotations

import base64
import io

import numpy as np

from nnlab.digits.preprocess import MIN_DIGIT_FRACTION, ink_from_rgba, ink_to_mnist, too_little_ink

PHOTO_FORMATS = ("PNG", "JPEG")
MB = 2**20  # a megabyte as Streamlit's uploader and server count it
MAX_PHOTO_MB = 5
MAX_PHOTO_BYTES = MAX_PHOTO_MB * MB
NOT_AN_IMAGE = "This file could not be read as a PNG or JPEG image: upload a photo or scan saved as PNG or JPEG."
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_WORK_SIZE = 280  # photos are shrunk to this longer side before anything else


class DigitImageError(ValueError):
    """An uploaded image that cannot be read as a digit; the message says why in plain words."""


def read_photo(data: bytes) -> np.ndarray:
    """PNG or JPEG bytes -> ``(H, W, 4)`` uint8 RGBA, upright and at most 280 pixels on its longer side.

    Raises :class:`DigitImageError` with a plain message for anything else: too big,
    not an image, another format, damaged.
    """
    from PIL import Image, ImageOps

    if not data:
        raise DigitImageError("The file is empty.")
    if len(data) > MAX_PHOTO_BYTES:
        raise DigitImageError(f"The file is {len(data) / MB:.1f} MB; the limit is {MAX_PHOTO_MB} MB.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                raise DigitImageError(f"This is a {image.format} file; please upload a PNG or JPEG image.")
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise DigitImageError(f"The image is {width}x{height} pixels; the limit is "
                                      f"{MAX_PHOTO_PIXELS / 1e6:.0f} million pixels.")
            image.draft(None, (PHOTO_WORK_SIZE, PHOTO_WORK_SIZE))  # JPEG: decode at reduced size
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA")
            image.thumbnail((PHOTO_WORK_SIZE, PHOTO_WORK_SIZE), Image.BILINEAR)
            return np.asarray(image)
    except DigitImageError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise DigitImageError(NOT_AN_IMAGE) from None


def rgba_from_data_url(url: str) -> np.ndarray:
    """A ``data:image/png;base64,...`` URL (what the drawing canvas sends) -> ``(H, W, 4)`` uint8 RGBA.

    The URL comes from the browser, so it gets the same checks as an uploaded photo
    (:func:`read_photo`): size, format, damage; anything else raises :class:`DigitImageError`.
    """
    header, _, payload = url.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64") or not payload:
        raise DigitImageError("The drawing did not arrive as an image.")
    if len(payload) > MAX_PHOTO_BYTES * 4 // 3 + 4:
        raise DigitImageError(f"The drawing is larger than {MAX_PHOTO_MB} MB.")
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        raise DigitImageError("The drawing did not arrive as an image.") from None
    return read_photo(data)


def clean_photo_ink(ink: np.ndarray, floor: float = 0.35) -> np.ndarray:
    """Stretch a photo's ink so paper becomes 0 and the darkest strokes 1.

    The paper's level ``b`` is the median pixel, the ink's level ``t`` the 99.5th
    percentile; ``v -> clip(((v - b) / (t - b) - floor) / (1 - floor), 0, 1)``: shading and
    paper grain below ``floor`` of the way from paper to ink become background.
    """
    paper, darkest = float(np.median(ink)), float(np.percentile(ink, 99.5))
    if darkest - paper < 0.1:  # no contrast: a blank page
        return np.zeros_like(ink, dtype=np.float32)
    level = (ink - paper) / (darkest - paper)
    return np.clip((level - floor) / (1.0 - floor), 0.0, 1.0).astype(np.float32)


def photo_to_mnist(data: bytes) -> np.ndarray | None:
    """An uploaded PNG/JPEG of one digit -> ``(28, 28)`` float32 MNIST-style image, or None if it holds no ink.

    Dark ink on light paper is inverted; see :func:`read_photo` and :func:`clean_photo_ink`. Ink that
    spans less than :data:`~nnlab.digits.preprocess.MIN_DIGIT_FRACTION` of the photo
    (:func:`~nnlab.digits.preprocess.too_little_ink`) raises :class:`DigitImageError`.
    """
    ink = clean_photo_ink(ink_from_rgba(read_photo(data)))
    if too_little_ink(ink):
        raise DigitImageError(f"Too little ink to read: the digit spans less than 1/{round(1 / MIN_DIGIT_FRACTION)} "
                              "of the picture. Crop the photo closer to the digit.")
    return ink_to_mnist(ink)
