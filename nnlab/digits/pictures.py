"""Digit images as pictures: enlarged for the page, or painted back onto a canvas for tests and benchmarks."""

from __future__ import annotations

import numpy as np

from nnlab.digits.preprocess import bounding_box


def enlarge(image: np.ndarray, factor: int = 8, grid: int | None = None) -> np.ndarray:
    """A ``(28, 28)`` [0, 1] image as uint8 greys, each pixel a ``factor x factor`` block (nothing smoothed).

    With ``grid`` (a grey level), a one-pixel line of that grey separates the blocks, so the
    pixels can be counted.
    """
    grey = np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)
    big = np.kron(grey, np.ones((factor, factor), np.uint8))
    if grid is not None and factor > 2:
        big[factor - 1::factor, :] = grid
        big[:, factor - 1::factor] = grid
    return big


def paint_canvas(image: np.ndarray, height: int, top: int, left: int, canvas: int = 280,
                 transparent: bool = True) -> np.ndarray:
    """An ``(H, W)`` ink image redrawn on a ``canvas x canvas`` RGBA canvas, as the drawing canvas returns it.

    The ink's bounding box is scaled (bilinear) to ``height`` pixels tall, aspect ratio kept,
    with its top-left corner at ``(top, left)`` (clipped at the canvas edge). White ink; the
    background is transparent (alpha = ink) or opaque black (grey = ink). For tests and
    benchmarks: MNIST digits drawn again at other sizes and places.
    """
    from PIL import Image

    bounds = bounding_box(image)
    if bounds is None:
        raise ValueError("the image holds no ink")
    r0, r1, c0, c1 = bounds
    crop = np.asarray(image[r0:r1 + 1, c0:c1 + 1], np.float32)
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    scaled = np.asarray(Image.fromarray(crop, mode="F").resize((width, height), Image.BILINEAR))
    ink = np.zeros((canvas, canvas), np.float32)
    h, w = min(height, canvas - top), min(width, canvas - left)
    ink[top:top + h, left:left + w] = scaled[:h, :w]
    level = np.round(np.clip(ink, 0, 1) * 255).astype(np.uint8)
    rgba = np.zeros((canvas, canvas, 4), np.uint8)
    if transparent:
        rgba[..., :3] = 255
        rgba[..., 3] = level
    else:
        rgba[..., :3] = level[..., np.newaxis]
        rgba[..., 3] = 255
    return rgba
