"""Ink -> the 28x28 images MNIST is made of.

MNIST was made like this (LeCun et al.): each binary NIST digit was scaled to fit a
20x20 box keeping its aspect ratio, anti-aliased (hence the grey levels), and pasted
into a 28x28 field so that its centre of mass
``(sum_ij i*v_ij / sum_ij v_ij, sum_ij j*v_ij / sum_ij v_ij)`` sits at the centre,
pixel (14, 14) (measured on the training set: mean 14.0, s.d. 0.29, i.e. an integer
shift). White ink (1.0) on black (0.0).

A network trained on MNIST has only ever seen digits prepared that way, so a drawing
must be prepared the same way before it is shown: a small, off-centre or thick drawing
fed in as it is gets misread. :func:`canvas_to_mnist` does it for the drawing canvas;
:mod:`nnlab.digits.photos` does it for an uploaded photo or scan.

**Too little ink is not a digit.** The recipe scales any ink up to 20 pixels, so a single
click would become a big round blob that a network reads as a confident "0". A picture is
read only when its ink's bounding box (pixels above :data:`INK_MIN`) measures, on its longer
side, at least :data:`MIN_DIGIT_FRACTION` = 1/8 of the picture's longer side: 35 of the
canvas's 280 pixels (:func:`too_little_ink`). A dot is as wide as the pen, and the Draw
page's widest pen is narrower than that, so a click or a tap is never read; a digit drawn
small in a corner, 35 pixels tall, still is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = 28  # the MNIST field
BOX = 20  # the digit's longer side after scaling
CENTRE = 14  # where the centre of mass goes (row and column index)
INK_MIN = 0.05  # a pixel with less ink than this does not count for the bounding box
MIN_DIGIT_FRACTION = 1 / 8  # the ink's bounding box spans at least this much of the picture's longer side
TOO_LITTLE_INK = "Too little ink to read: draw a whole digit."


def ink_from_rgba(rgba: np.ndarray) -> np.ndarray:
    """How much ink each pixel holds, ``(H, W)`` float32 in [0, 1], for an ``(H, W, 4)`` uint8 RGBA image.

    The picture is laid over black: ink = luminance x alpha, with luminance
    ``(0.299 R + 0.587 G + 0.114 B) / 255``. So white ink counts whether the background
    is transparent (alpha 0) or black (luminance 0). Two other cases are understood:
    a transparent background with dark ink (then the alpha channel alone is the ink),
    and dark ink on an opaque light background (detected by the median pixel, which is
    background, being light; then the luminance is inverted).
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 4) uint8 RGBA image, got shape {rgba.shape} and dtype {rgba.dtype}")
    alpha = rgba[..., 3] * np.float32(1 / 255)
    red, green, blue = rgba[..., 0], rgba[..., 1], rgba[..., 2]
    luminance = red * np.float32(0.299 / 255) + green * np.float32(0.587 / 255) + blue * np.float32(0.114 / 255)
    if rgba[..., 3].min() < 255:  # some transparency: what is painted is ink
        painted = alpha > 0.5
        if painted.any() and luminance[painted].mean() < 0.5:
            return alpha
        return luminance * alpha
    if np.median(luminance) > 0.5:
        return 1.0 - luminance
    return luminance


# ---- the MNIST recipe ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Steps:
    """The stages of :func:`mnist_steps`, for showing the recipe: each an ink image in [0, 1]."""

    crop: np.ndarray  # the ink's bounding box, at the input's resolution
    box: np.ndarray  # scaled so the longer side is 20 pixels (aspect ratio kept, anti-aliased)
    image: np.ndarray  # the (28, 28) result, centre of mass at (14, 14)
    centre_of_mass: tuple[float, float]  # of ``image``, (row, column)


def bounding_box(ink: np.ndarray, threshold: float = INK_MIN) -> tuple[int, int, int, int] | None:
    """``(top, bottom, left, right)`` (inclusive) of the pixels with more ink than ``threshold``; None if none."""
    mask = ink > threshold
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])


def min_digit_side(shape: tuple[int, ...]) -> int:
    """The fewest pixels a digit's bounding box spans on its longer side in a picture of ``shape``:
    :data:`MIN_DIGIT_FRACTION` of the picture's longer side, rounded up (35 for the 280x280 canvas)."""
    return int(np.ceil(MIN_DIGIT_FRACTION * max(shape[:2]) - 1e-9))


def too_little_ink(ink: np.ndarray) -> bool:
    """Whether the ``(H, W)`` ink image holds some ink but too little to be a digit: the longer side of
    its bounding box is shorter than :func:`min_digit_side`. (No ink at all is not "too little": nothing
    was drawn.)"""
    bounds = bounding_box(ink)
    if bounds is None:
        return False
    top, bottom, left, right = bounds
    return max(bottom - top + 1, right - left + 1) < min_digit_side(ink.shape)


def fit_box(crop: np.ndarray, box: int = BOX) -> np.ndarray:
    """Scale ``crop`` so that its longer side is ``box`` pixels, keeping the aspect ratio.

    Shrinking uses Pillow's bilinear filter widened to the scale factor (each output pixel
    averages the input pixels it covers, with triangular weights): anti-aliasing, so a thin
    stroke becomes a grey one instead of vanishing. The brightest pixel is then set to 1,
    as MNIST's ink is saturated.
    """
    from PIL import Image

    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))  # Pillow wants (width, height)
    scaled = np.asarray(Image.fromarray(crop.astype(np.float32), mode="F").resize(size, Image.BILINEAR))
    scaled = np.clip(scaled, 0.0, None)
    top = scaled.max()
    return (scaled / top if top > 0 else scaled).astype(np.float32)


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """``(row, column)`` of the ink's centre of mass; the image centre when there is no ink."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows) / total, float(image.sum(axis=0) @ cols) / total


def place_centred(box: np.ndarray, size: int = SIZE, centre: int = CENTRE) -> np.ndarray:
    """Paste ``box`` into a ``size x size`` black field, shifted by whole pixels so its centre of mass is at ``centre``.

    The shift is clamped so that no ink falls off the field.
    """
    row, col = centre_of_mass(box)
    height, width = box.shape
    top = int(np.clip(round(centre - row), 0, size - height))
    left = int(np.clip(round(centre - col), 0, size - width))
    field = np.zeros((size, size), np.float32)
    field[top:top + height, left:left + width] = box
    return field


def mnist_steps(ink: np.ndarray) -> Steps | None:
    """The MNIST recipe on an ``(H, W)`` ink image, stage by stage; None when there is no ink."""
    bounds = bounding_box(ink)
    if bounds is None:
        return None
    top, bottom, left, right = bounds
    crop = np.asarray(ink[top:bottom + 1, left:right + 1], np.float32)
    box = fit_box(crop)
    image = place_centred(box)
    return Steps(crop, box, image, centre_of_mass(image))


def ink_to_mnist(ink: np.ndarray) -> np.ndarray | None:
    """An ``(H, W)`` ink image in [0, 1] -> ``(28, 28)`` float32 MNIST-style image, or None without ink."""
    steps = mnist_steps(ink)
    return None if steps is None else steps.image


def canvas_to_mnist(rgba: np.ndarray) -> np.ndarray | None:
    """The canvas's ``(H, W, 4)`` uint8 RGBA -> ``(28, 28)`` float32 in [0, 1], or None when nothing is drawn.

    Crop to the ink's bounding box, scale into a 20x20 box keeping the aspect ratio
    (anti-aliased), place in 28x28 with the centre of mass at the centre. The background
    may be transparent or black (see :func:`ink_from_rgba`).
    """
    return ink_to_mnist(ink_from_rgba(rgba))
