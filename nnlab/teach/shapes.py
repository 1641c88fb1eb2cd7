"""Simple shapes as pen strokes, and strokes rendered as the drawing canvas renders them.

A shape is one closed stroke, a list of ``(x, y)`` canvas pixels, drawn the way a hand would: its
centre, size and turn drawn at random, each corner a little off, the end a little past the start.

* circle: ``c + r (cos t, sin t)`` for t around the circle, r wobbling by a few percent;
* triangle, square: the corners ``c + r (cos(a + 2 pi i / n), sin(a + 2 pi i / n))``, straight lines between;
* star: five points, the pen going to every second point of a pentagon (``i -> 2i mod 5``).

:func:`render` paints strokes as the canvas sends them (white ink of the pen's width on black, round
ends and joints, anti-aliased by drawing at 4x and shrinking). The tests make examples with these
(``render`` then the MNIST recipe) and the browser test moves the mouse along the same points.
"""

from __future__ import annotations

import math

import numpy as np

CANVAS = 280
PEN = 18
SHAPES = ("circle", "triangle", "star", "square")
_CORNERS = {"triangle": (3, 1), "square": (4, 1), "star": (5, 2)}  # corners, step between corners


def shape_stroke(kind: str, rng: np.random.Generator, canvas: int = CANVAS,
                 points_per_side: int = 8) -> list[tuple[float, float]]:
    """One hand-like stroke of ``kind`` (one of :data:`SHAPES`) on a ``canvas``-pixel canvas."""
    # the radius and the centre: the shape stays at least 8 % of the canvas from its edges
    size = canvas * rng.uniform(0.22, 0.32)
    cx = canvas / 2 + rng.uniform(-0.1, 0.1) * canvas
    cy = canvas / 2 + rng.uniform(-0.1, 0.1) * canvas
    turn = rng.uniform(-0.25, 0.25)  # radians
    if kind == "circle":
        count = 32
        start = rng.uniform(0, 2 * math.pi)
        t = start + np.linspace(0, 2 * math.pi * rng.uniform(1.0, 1.08), count)
        radius = size * (1 + 0.04 * rng.standard_normal(count))
        aspect = rng.uniform(0.85, 1.15)
        return [(float(cx + r * math.cos(a) * aspect), float(cy + r * math.sin(a) / aspect))
                for r, a in zip(radius, t, strict=True)]
    if kind not in _CORNERS:
        raise ValueError(f"unknown shape {kind!r}; one of {', '.join(SHAPES)}")
    corners, step = _CORNERS[kind]
    base = -math.pi / 2 + turn + (math.pi / 4 if kind == "square" else 0.0)
    order = [(i * step) % corners for i in range(corners + 1)]  # back to the start
    jitter = rng.uniform(-0.06, 0.06, size=(corners, 2)) * size
    vertices = [(cx + size * math.cos(base + 2 * math.pi * i / corners) + jitter[i, 0],
                 cy + size * math.sin(base + 2 * math.pi * i / corners) + jitter[i, 1]) for i in range(corners)]
    points = []
    for a, b in zip(order[:-1], order[1:], strict=True):
        (x0, y0), (x1, y1) = vertices[a], vertices[b]
        for s in np.linspace(0, 1, points_per_side, endpoint=False):
            points.append((float(x0 + s * (x1 - x0)), float(y0 + s * (y1 - y0))))
    points.append((float(vertices[order[-1]][0]), float(vertices[order[-1]][1])))
    return points


def render(strokes: list[list[tuple[float, float]]], canvas: int = CANVAS, pen: float = PEN) -> np.ndarray:
    """Strokes -> the ``(canvas, canvas, 4)`` uint8 RGBA the drawing canvas sends (white on opaque black)."""
    from PIL import Image, ImageDraw

    scale = 4
    picture = Image.new("L", (canvas * scale, canvas * scale), 0)
    paint = ImageDraw.Draw(picture)
    width = max(1, round(pen * scale))
    for stroke in strokes:
        points = [(x * scale, y * scale) for x, y in stroke]
        if len(points) > 1:
            paint.line(points, fill=255, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            paint.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=255)
    grey = np.asarray(picture.resize((canvas, canvas), Image.BILINEAR))
    rgba = np.empty((canvas, canvas, 4), np.uint8)
    rgba[..., :3] = grey[..., np.newaxis]
    rgba[..., 3] = 255
    return rgba


def shape_examples(kinds, per_kind: int, seed: int = 0,
                   pen_range: tuple[float, float] = (12, 24)) -> tuple[np.ndarray, np.ndarray]:
    """``per_kind`` random drawings of each of ``kinds`` through the MNIST recipe: ``(images (N, 28, 28), labels (N,))``.

    The pen width of each drawing is drawn from ``pen_range`` (canvas pixels), as students pick different pens.
    """
    from nnlab.digits.preprocess import canvas_to_mnist

    rng = np.random.default_rng(seed)
    images, labels = [], []
    for label, kind in enumerate(kinds):
        for _ in range(per_kind):
            images.append(canvas_to_mnist(render([shape_stroke(kind, rng)], pen=rng.uniform(*pen_range))))
            labels.append(label)
    return np.stack(images).astype(np.float32), np.asarray(labels, np.int64)
