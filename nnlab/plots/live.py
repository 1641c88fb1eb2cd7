"""The playground's two live pictures as images (JPEG), for the frames drawn while training plays.

Why not plotly while playing: Streamlit 1.67 gives a plotly chart a new identity whenever
its figure changes, so every redraw unmounts the chart and draws it again from scratch
(``Plotly.newPlot``): the chart blinks empty at each frame and the browser spends most of
its time there (measured here: 0.3 s of browser time per chart per frame). An image is
updated in place: the browser swaps the picture without a blank frame, for a few ms.
(Fixed upstream by streamlit/streamlit#16052, open at the time of writing.)

So the page shows the decision boundary as a plotly figure (:mod:`nnlab.plots.boundary`, with
hover and zoom) while paused, and as this picture, drawn with the same colours, while training
plays. The network with a picture of every neuron, TensorFlow Playground's signature view, is
always an image here. Drawn at twice the size and scaled down: smooth edges.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from nnlab.plots.boundary import boundary_z, class_colorscale, pale_diverging
from nnlab.plots.raster import diverging_rgb, hex_rgb, lookup_table
from nnlab.plots.style import CLASS_COLORS, NEGATIVE, POSITIVE

SUPER = 2  # drawn at twice the size, then scaled down
JPEG_QUALITY = 90
BOUNDARY_PX = 440  # side of the plane, in pixels
NETWORK_PX = 620  # width of the network picture, unless it has too many layers for it
TEXT = (49, 51, 63)  # Streamlit's text colour
FRAME = (190, 195, 205)


@lru_cache(maxsize=8)
def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a small bitmap font
        return ImageFont.load_default()


def _encode(image: Image.Image) -> bytes:
    """JPEG: smooth colour fields compress ten times better than in PNG, and encode in a few ms."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def _shrink(image: Image.Image) -> Image.Image:
    return image.reduce(SUPER)  # a box filter: the mean of each SUPER x SUPER block


@lru_cache(maxsize=16)
def _plane_lut(n_classes: int) -> np.ndarray:
    """Colours for :func:`~nnlab.plots.boundary.boundary_z` values, as the plotly figure paints them."""
    return lookup_table(pale_diverging() if n_classes == 2 else class_colorscale(n_classes), 1024)


class BoundaryPainter:
    """Paints the decision boundary of one data set many times: the points, the frame and the axes
    are drawn once (at twice the size, scaled down) into a transparent overlay; each picture is then
    only the coloured plane, scaled up, with the overlay laid on top: a few milliseconds.

    ``train`` and ``test``: (points (n, 2), labels (n,)); the plane is ``[-extent, extent]^2``.
    """

    MARGINS = (44, 12, 14, 44)  # left, top, right, bottom, in pixels

    def __init__(self, extent: float, train: tuple[np.ndarray, np.ndarray],
                 test: tuple[np.ndarray, np.ndarray] | None = None, side: int = BOUNDARY_PX):
        self.extent, self.side = extent, side
        left, top, right, bottom = self.MARGINS
        self.size = (left + side + right, top + side + bottom)
        self.overlay = self._overlay(train, test)

    def paint(self, probabilities: np.ndarray, discretize: bool = False) -> bytes:
        """The plane coloured by ``probabilities`` (n, n, K) as the plotly figure colours it, as JPEG."""
        z = boundary_z(probabilities, discretize)
        colours = _plane_lut(probabilities.shape[-1])[np.rint(np.clip(z, 0, 1) * 1023).astype(np.intp)]
        plane = Image.fromarray(np.ascontiguousarray(colours[::-1])).resize(  # row 0 = the top = the largest x2
            (self.side, self.side), Image.NEAREST if discretize else Image.BILINEAR)
        image = Image.new("RGBA", self.size, "white")
        image.paste(plane, self.MARGINS[:2])
        return _encode(Image.alpha_composite(image, self.overlay).convert("RGB"))

    def _overlay(self, train, test) -> Image.Image:
        s, extent, side = SUPER, self.extent, self.side * SUPER
        left, top = self.MARGINS[0] * s, self.MARGINS[1] * s
        overlay = Image.new("RGBA", (self.size[0] * s, self.size[1] * s), (255, 255, 255, 0))
        draw = ImageDraw.Draw(overlay)

        def pixel(x, y):
            return left + (x + extent) / (2 * extent) * side, top + (extent - y) / (2 * extent) * side

        parts = [(train, "circle", (255, 255, 255))] + ([(test, "diamond", (0, 0, 0))] if test is not None else [])
        for (points, labels), shape, edge in parts:
            radius = (4.5 if shape == "circle" else 5.5) * s
            for (x, y), label in zip(np.asarray(points), np.asarray(labels), strict=True):
                if abs(x) > extent or abs(y) > extent:
                    continue
                px, py = pixel(x, y)
                fill = point_rgb(label)
                if shape == "circle":
                    draw.ellipse([px - radius, py - radius, px + radius, py + radius], fill=fill, outline=edge,
                                 width=s)
                else:
                    draw.polygon([(px, py - radius), (px + radius, py), (px, py + radius), (px - radius, py)],
                                 fill=fill, outline=edge, width=s)
        draw.rectangle([left, top, left + side, top + side], outline=FRAME, width=s)
        font = _font(13 * s)
        for tick in range(-int(extent) // 5 * 5, int(extent) + 1, 5):
            tx, ty = pixel(tick, tick)
            draw.line([tx, top + side, tx, top + side + 5 * s], fill=FRAME, width=s)
            draw.text((tx, top + side + 7 * s), str(tick), fill=TEXT, font=font, anchor="mt")
            draw.line([left - 5 * s, ty, left, ty], fill=FRAME, width=s)
            draw.text((left - 7 * s, ty), str(tick), fill=TEXT, font=font, anchor="rm")
        label_font = _font(15 * s)
        draw.text((left + side / 2, overlay.height - 4 * s), "x1", fill=TEXT, font=label_font, anchor="mb")
        draw.text((6 * s, top + side / 2), "x2", fill=TEXT, font=label_font, anchor="lm")
        return overlay.reduce(SUPER)


def point_rgb(label) -> tuple[int, int, int]:
    """A point's colour: its class's, or for a regression value in [-1, 1] its place on orange-white-blue."""
    if isinstance(label, (float, np.floating)):
        return tuple(int(c) for c in diverging_rgb(np.asarray(label)))
    return tuple(int(c) for c in hex_rgb(CLASS_COLORS[int(label)]))


def class_ramp_rgb(values: np.ndarray, color: str) -> np.ndarray:
    """Values in [-1, 1] (a probability p as 2p - 1) as RGB uint8 from white (p = 0) to ``color`` (p = 1)."""
    p = (np.clip(values, -1.0, 1.0)[..., None] + 1.0) / 2.0
    return np.rint(255.0 * (1.0 - p) + hex_rgb(color) * p).astype(np.uint8)


def network_image(columns: list[np.ndarray], titles: list[str], input_labels: list[str],
                  weights: list[np.ndarray] | None, node_maps: list[np.ndarray],
                  output_colors: tuple[str, ...] | None = None) -> bytes:
    """The network with a picture of what each neuron computes, joined by edges coloured by the sign
    of the weight (blue +, orange -), wider and darker for larger ``|w| / max|w|`` in the five width
    bands of :func:`nnlab.plots.network.network_figure`.

    ``output_colors``: one colour per output neuron (the classes' colours, for a softmax over three or
    more classes): output neuron k is drawn white where p(class k) = 0 and in its class's colour where
    p = 1. Without it every neuron is on the orange-white-blue scale (one sigmoid output: p(blue)).

    ``columns``: vertical positions of the neurons of each column (one unit apart, centred on 0), as
    :func:`nnlab.plots.network.neuron_columns` gives them; ``weights``: the Dense kernels (n_in, n_out);
    ``node_maps``: one array (t, t, units) per column, values in [-1, 1].
    """
    s = SUPER
    step_y, node = 62 * s, 46 * s
    label_width, title_height, margin = 62 * s, 46 * s, 8 * s
    free = NETWORK_PX * s - label_width - node - margin  # spread the columns over about NETWORK_PX
    step_x = int(min(170 * s, max(104 * s, free / max(len(columns) - 1, 1))))
    top_unit = max(float(ys.max()) for ys in columns)
    rows = top_unit - min(float(ys.min()) for ys in columns)
    width = label_width + (len(columns) - 1) * step_x + node + margin
    height = title_height + int(rows * step_y) + node + margin
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)

    def centre(c: int, y: float) -> tuple[float, float]:
        return label_width + c * step_x + node / 2, title_height + (top_unit - y) * step_y + node / 2

    largest = max((float(np.max(np.abs(w))) for w in weights or [] if np.size(w)), default=1.0) or 1.0
    white = np.array([255.0, 255.0, 255.0])
    for c in range(len(columns) - 1):
        for i, y_from in enumerate(columns[c]):
            for j, y_to in enumerate(columns[c + 1]):
                if weights is None:
                    colour, line = (187, 187, 187), 1.5
                else:
                    w = float(weights[c][i, j]) / largest
                    high = np.ceil(abs(w) * 5) / 5  # the plotly figure's five width bands
                    opacity = 0.35 + 0.6 * high
                    base = hex_rgb(POSITIVE if w > 0 else NEGATIVE)
                    colour = tuple(int(v) for v in base * opacity + white * (1 - opacity))
                    line = 1 + 6 * high
                draw.line([centre(c, y_from), centre(c + 1, y_to)], fill=colour, width=max(1, int(line * s)))
    last = len(columns) - 1
    for c, (ys, maps) in enumerate(zip(columns, node_maps, strict=True)):
        for i, y in enumerate(ys):
            values = maps[::-1, :, i]
            rgb = class_ramp_rgb(values, output_colors[i]) if c == last and output_colors else diverging_rgb(values)
            picture = Image.fromarray(rgb).resize((node, node), Image.BILINEAR)
            cx, cy = centre(c, y)
            image.paste(picture, (int(cx - node / 2), int(cy - node / 2)))
    font, title_font = _font(14 * s), _font(14 * s)
    for c, title in enumerate(titles):
        cx, _ = centre(c, top_unit)
        draw.multiline_text((cx, title_height - 8 * s), "\n".join(title.rsplit(" ", 1)), fill=TEXT,
                            font=title_font, anchor="md", align="center")
    for label, y in zip(input_labels, columns[0], strict=True):
        cx, cy = centre(0, y)
        draw.text((cx - node / 2 - 6 * s, cy), label, fill=TEXT, font=font, anchor="rm")
    return _encode(_shrink(image))
