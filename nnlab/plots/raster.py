"""Small pictures as PNG images: many heatmaps for the price of one.

Plotly spends about a millisecond of Python per trace, so sixty neuron heatmaps
cost more than the training they show. Colouring the values with numpy and
sending one PNG (a plotly layout image) costs about as much as one trace.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from nnlab.plots.style import DIVERGING


def _hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def _lookup_table(scale, size: int = 256) -> np.ndarray:
    """RGB colours (size, 3) uint8 along a plotly colour scale given as [[position, '#RRGGBB'], ...]."""
    positions = np.array([stop for stop, _ in scale])
    colors = np.stack([_hex_rgb(color) for _, color in scale])
    steps = np.linspace(0.0, 1.0, size)
    return np.stack([np.interp(steps, positions, colors[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


DIVERGING_LUT = _lookup_table(DIVERGING)


def diverging_rgb(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] (clipped) as RGB uint8 on the orange-white-blue scale: -1 orange, 0 white, +1 blue."""
    index = np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.intp)
    return DIVERGING_LUT[index]


def png_data_uri(pixels: np.ndarray) -> str:
    """An RGB or RGBA uint8 array (h, w, 3 or 4) as a ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
