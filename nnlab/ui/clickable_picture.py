"""A picture made of a grid of cells that says which cell was clicked: feature maps, pixels.

A small inline ``st.components.v2`` component (no iframe): Python sends a PNG (as a data URL, a few KB:
the picture at its own size, scaled up by the browser without smoothing) and the grid's geometry; a click
sends back the cell's index, ``row * columns + column``, as a trigger, and the page reruns. Gaps between
cells (``gap`` pixels of the PNG) count as nothing.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.plots.inside import png_data_url

JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let img = parentElement.querySelector('img');
  if (!img) {
    img = document.createElement('img');
    img.className = 'nnlab-pick';
    parentElement.appendChild(img);
  }
  if (img.getAttribute('src') !== data.src) img.setAttribute('src', data.src);
  img.setAttribute('alt', data.alt);
  img.setAttribute('title', data.alt);
  img.style.width = data.width + 'px';
  img.onclick = (event) => {
    const box = img.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width * data.pixels[1];
    const y = (event.clientY - box.top) / box.height * data.pixels[0];
    const column = Math.floor(x / (data.cell[1] + data.gap));
    const row = Math.floor((y - data.top) / (data.cell[0] + data.gap));
    const inX = x - column * (data.cell[1] + data.gap);
    const inY = y - data.top - row * (data.cell[0] + data.gap);
    if (row < 0 || column < 0 || column >= data.columns || inX >= data.cell[1] || inY >= data.cell[0]) return;
    const index = row * data.columns + column;
    if (index < data.count) setTriggerValue('picked', index);
  };
}
"""
CSS = """
.nnlab-pick { image-rendering: pixelated; cursor: pointer; max-width: 100%; height: auto; display: block; }
"""

_component = st.components.v2.component("nnlab.clickable_picture", js=JS, css=CSS)


def clickable_picture(picture: np.ndarray, *, cell: tuple[int, int], columns: int, count: int, key: str,
                      width: int, alt: str, gap: int = 0, top: int = 0, on_pick=None) -> int | None:
    """Show ``picture`` ``width`` pixels wide; return the index of the cell clicked in this run, else None.

    Cells are ``cell`` = (height, width) pixels of the PNG, ``gap`` apart, the first row starting ``top``
    pixels down; ``on_pick(index)`` runs before the rerun's script (a widget callback)."""
    data = {"src": png_data_url(picture), "pixels": list(picture.shape[:2]), "cell": list(cell), "gap": gap,
            "top": top, "columns": columns, "count": count, "width": width, "alt": alt}

    def picked():
        state = st.session_state.get(key)
        index = getattr(state, "picked", None) if state is not None else None
        if index is None and isinstance(state, dict):
            index = state.get("picked")
        if on_pick is not None and index is not None:
            on_pick(int(index))

    result = _component(key=key, data=data, on_picked_change=picked, width="content")
    index = getattr(result, "picked", None)
    return None if index is None else int(index)
