"""Pictures of the inside of a network, as small uint8 RGB images (the browser scales them up, unsmoothed).

Drawn after every stroke, so they are numpy arrays (a few hundred microseconds each), not plotly figures.
Colours (Okabe-Ito, :mod:`nnlab.plots.style`): feature maps and activations in greys, black 0 to white the
layer's largest value (the input's own look: white ink on black); filters and weights orange (negative)
through white to blue (positive); "why" maps in orange (matters for the answer) and sky blue (the other way)
over the dimmed input.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import numpy as np

PAPER = (255, 255, 255)  # the page around the tiles
FRAME = (213, 94, 0)  # vermillion: the picked tile or pixel
BLUE, ORANGE, SKY = (0, 114, 178), (230, 159, 0), (86, 180, 233)
GAP = 2  # pixels between tiles (a picked tile's frame is drawn in them)


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def greys(values: np.ndarray, top: float) -> np.ndarray:
    """Values from 0 (black) to ``top`` (white) as uint8 RGB; negative values are black."""
    scaled = np.clip(np.asarray(values, np.float32) / (top if top > 0 else 1.0), 0.0, 1.0)
    grey = np.round(scaled * 255).astype(np.uint8)
    return np.repeat(grey[..., np.newaxis], 3, axis=-1)


def diverging(values: np.ndarray, top: float | None = None) -> np.ndarray:
    """Values in [-top, top] as orange (negative) -> white (0) -> blue (positive) uint8 RGB."""
    values = np.asarray(values, np.float32)
    top = float(np.abs(values).max()) if top is None else top
    t = np.clip(values / (top if top > 0 else 1.0), -1.0, 1.0)[..., np.newaxis]
    white = np.array((247, 247, 247), np.float32)
    end = np.where(t >= 0, np.array(BLUE, np.float32), np.array(ORANGE, np.float32))
    return np.round(white + (end - white) * np.abs(t)).astype(np.uint8)


def scale_up(picture: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel a ``factor x factor`` block."""
    return np.repeat(np.repeat(picture, factor, axis=0), factor, axis=1)


@dataclass(frozen=True)
class Tiles:
    """A mosaic and where its tiles are: ``columns`` per row, each ``cell`` (h, w) pixels, ``gap`` apart."""

    picture: np.ndarray  # (H, W, 3) uint8
    cell: tuple[int, int]
    columns: int
    count: int
    gap: int = GAP


def filter_block(kernel_2d: np.ndarray, side: int) -> np.ndarray:
    """A ``k x k`` filter as a ``side``-pixel diverging square (each weight a block)."""
    k = kernel_2d.shape[0]
    factor = max(1, side // k)
    return scale_up(diverging(kernel_2d), factor)


def map_tiles(maps: np.ndarray, kernel: np.ndarray | None = None, columns: int = 8,
              picked: int | None = None) -> Tiles:
    """The feature maps ``(H, W, C)`` as one tile each, in a grid ``columns`` wide; with ``kernel``
    ``(k, k, C_in, C)``, each tile has its filter on the left (summed over the input maps when there
    are several), a white pixel, then the map. Maps are greys up to the layer's largest value."""
    maps = np.asarray(maps, np.float32)
    height, width, count = maps.shape
    top = float(maps.max())
    block = None
    if kernel is not None:
        k = kernel.shape[0]
        side = max(k, (height // 2) // k * k)
        block = side
    cell_w = width + (block + 1 if block else 0)
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    picture = np.full((rows * (height + GAP) + GAP, columns * (cell_w + GAP) + GAP, 3), PAPER, np.uint8)
    for index in range(count):
        r, c = divmod(index, columns)
        y, x = GAP + r * (height + GAP), GAP + c * (cell_w + GAP)
        if block:
            square = filter_block(kernel[:, :, :, index].sum(axis=2), block)
            picture[y:y + square.shape[0], x:x + square.shape[1]] = square
            x += block + 1
        picture[y:y + height, x:x + width] = greys(maps[:, :, index], top)
    if picked is not None and 0 <= picked < count:
        r, c = divmod(picked, columns)
        y, x = GAP + r * (height + GAP), GAP + c * (cell_w + GAP)
        frame(picture, y - 1, x - 1, height + 2, cell_w + 2)
    # the geometry the click handler needs: the first tile starts GAP pixels in
    return Tiles(picture, (height, cell_w), columns, count)


def frame(picture: np.ndarray, y: int, x: int, height: int, width: int, colour=FRAME) -> None:
    """A one-pixel rectangle outline, clipped to the picture."""
    h, w = picture.shape[:2]
    y0, x0, y1, x1 = max(0, y), max(0, x), min(h - 1, y + height - 1), min(w - 1, x + width - 1)
    picture[y0, x0:x1 + 1] = colour
    picture[y1, x0:x1 + 1] = colour
    picture[y0:y1 + 1, x0] = colour
    picture[y0:y1 + 1, x1] = colour


def bar_strip(values: np.ndarray, height: int = 40, bar: int = 3) -> np.ndarray:
    """A dense layer's activations as a strip of bars (blue, height = value / the largest), one per unit."""
    values = np.clip(np.asarray(values, np.float32).ravel(), 0.0, None)
    top = float(values.max()) or 1.0
    n = len(values)
    picture = np.full((height, n * bar, 3), (240, 240, 240), np.uint8)
    filled = np.round(values / top * height).astype(int)
    rows = np.arange(height)[:, np.newaxis]
    on = rows >= (height - filled)[np.newaxis, :]
    on = np.repeat(on, bar, axis=1)
    picture[on] = BLUE
    if bar > 2:
        picture[:, bar - 1::bar] = (255, 255, 255)
    return picture


def enlarged_map(values: np.ndarray, factor: int, pixel: tuple[int, int] | None = None, box: int = 1,
                 top: float | None = None) -> np.ndarray:
    """One map ``(H, W)`` in greys, each pixel a ``factor`` block with a thin grid, ``box x box`` pixels
    from ``pixel`` outlined in vermillion (the patch a filter reads, or the pixel it writes)."""
    values = np.asarray(values, np.float32)
    picture = scale_up(greys(values, float(values.max()) if top is None else top), factor)
    if factor > 3:
        picture[factor - 1::factor, :] = (70, 70, 70)
        picture[:, factor - 1::factor] = (70, 70, 70)
    if pixel is not None:
        row, col = pixel
        for inset in (0, 1):
            frame(picture, row * factor - 1 + inset, col * factor - 1 + inset, box * factor + 1 - 2 * inset,
                  box * factor + 1 - 2 * inset)
    return picture


def overlay(image: np.ndarray, heat: np.ndarray, signed: bool = False, factor: int = 8) -> np.ndarray:
    """``heat`` ``(28, 28)`` over the dimmed input: orange where it is large and positive, sky blue where
    negative (``signed``; otherwise its absolute value, all orange), each pixel a ``factor`` block."""
    base = np.asarray(image, np.float32)[..., np.newaxis] * 0.45 * 255  # the drawing, dimmed grey
    heat = np.asarray(heat, np.float32)
    values = heat if signed else np.abs(heat)
    top = float(np.abs(values).max()) or 1.0
    amount = np.clip(np.abs(values) / top, 0.0, 1.0)[..., np.newaxis]
    colour = np.where((values >= 0)[..., np.newaxis], np.array(ORANGE, np.float32), np.array(SKY, np.float32))
    mixed = base * (1 - amount) + colour * amount
    return scale_up(np.round(mixed).astype(np.uint8), factor)


def png_data_url(picture: np.ndarray) -> str:
    """A uint8 ``(H, W)`` or ``(H, W, 3)`` array as a ``data:image/png;base64,...`` URL: sent inside the page's
    message, so the browser shows it without fetching a media file from the server (one request less per
    picture after every stroke)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(picture)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
