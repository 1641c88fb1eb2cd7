"""Colour scales as lookup tables: values to RGB pixels with numpy, for the pictures drawn as images."""

from __future__ import annotations

import numpy as np

from nnlab.plots.style import DIVERGING


def hex_rgb(color: str) -> np.ndarray:
    return np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def lookup_table(scale, size: int = 256) -> np.ndarray:
    """RGB colours (size, 3) uint8 along a plotly colour scale given as [[position, '#RRGGBB'], ...]."""
    positions = np.array([stop for stop, _ in scale])
    colors = np.stack([hex_rgb(color) for _, color in scale])
    steps = np.linspace(0.0, 1.0, size)
    return np.stack([np.interp(steps, positions, colors[:, c]) for c in range(3)], axis=1).round().astype(np.uint8)


DIVERGING_LUT = lookup_table(DIVERGING)


def diverging_rgb(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] (clipped) as RGB uint8 on the orange-white-blue scale: -1 orange, 0 white, +1 blue."""
    index = np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.intp)
    return DIVERGING_LUT[index]
