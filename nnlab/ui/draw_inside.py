"""The Draw page's inside view: what each layer of the network makes of the drawing, a closer look at one
feature map (its filter and the sum at one pixel), and why it gives its answer (saliency, occlusion).

Drawn in the drawing's fragment after the answer, so the answer reaches the browser first. The maths is in
:mod:`nnlab.digits.inside`, the pictures in :mod:`nnlab.plots.inside`; a click on a feature map or on a pixel
of the large map is a :mod:`nnlab.ui.clickable_picture`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits.inside import (
    OCCLUSION_SIZE,
    LayerOutput,
    NotAStackError,
    conv_at,
    inside_view,
    occlusion_map,
)
from nnlab.plots import inside as pictures
from nnlab.ui.clickable_picture import clickable_picture

PICK = "draw_inside_pick"  # {"layer": index in the outputs, "filter": int, "pixel": (row, col) or None}
SHOW = "draw_show_inside"
MOSAIC_WIDTH = 680  # CSS pixels of a layer's grid of maps at most (it shrinks to the page on a phone)
CLOSE_SIDE = 224  # CSS pixels of each picture of the closer look (28 x 8: fits a third of a 768-pixel page)
TITLES = {"conv": "Convolution", "pool": "Max pooling", "dense": "Dense"}


def _image(picture: np.ndarray, **options) -> None:
    """``st.image`` of a uint8 picture sent inline (a data URL): no media file for the browser to fetch."""
    st.image(pictures.png_data_url(picture), **options)


def _pick() -> dict:
    return st.session_state.setdefault(PICK, {})


def _pick_map(layer: int, index: int) -> None:
    st.session_state[PICK] = {"layer": layer, "filter": index, "pixel": None}


def _pick_pixel(layer: int, filter_index: int, width: int, index: int) -> None:
    st.session_state[PICK] = {"layer": layer, "filter": filter_index, "pixel": divmod(index, width)}


def inside_section(model, image: np.ndarray | None, digit: int | None) -> None:
    """Every layer's output for ``image``, the closer look, and "Why it says ..."; a line when nothing is drawn."""
    st.subheader("Inside the network")
    if not st.toggle("Show what each layer sees", value=True, key=SHOW):
        return
    if image is None:
        st.caption("Draw a digit: each layer's output appears here, from the first convolution to the answer.")
        return
    try:
        outputs, saliency = inside_view(model, image)
    except NotAStackError as error:
        st.info(str(error))
        return
    with st.container(key="draw_layers"):
        _layers(outputs)
    with st.container(key="draw_closer", border=True):
        _closer_look(outputs, image)
    with st.container(key="draw_why"):
        _why(model, image, digit, saliency)


def _describe(index: int, output: LayerOutput, previous: tuple[int, ...]) -> str:
    shape = output.output.shape
    if output.kind == "conv":
        kernel = output.layer.weights[0].shape
        return (f"**{index}. Convolution** · {shape[2]} filters of {kernel[0]}x{kernel[1]}"
                f"{f' over {kernel[2]} maps' if kernel[2] > 1 else ''} → {shape[2]} maps of {shape[0]}x{shape[1]} "
                f"· {output.activation}." + (" Each tile: the filter (blue +, orange −), then its map (white = strong)."
                                              if kernel[2] == 1 else " Filters summed over their input maps.")
                + " Click one to look closer.")
    if output.kind == "pool":
        return (f"**{index}. Max pooling** · keeps the largest of each {previous[0] // shape[0]}x"
                f"{previous[1] // shape[1]} block → {shape[2]} maps of {shape[0]}x{shape[1]}.")
    return f"**{index}. Dense** · {shape[0]} units · {output.activation}: one bar per unit, its height its output."


def _layers(outputs: list[LayerOutput]) -> None:
    st.markdown("**What each layer sees**, in order, for your drawing:")
    pick, previous, number = _pick(), (28, 28, 1), 0
    for index, output in enumerate(outputs):
        last = index == len(outputs) - 1
        if output.kind in ("reshape", "dropout") or output.kind == "flatten":
            if output.kind == "flatten":
                st.caption(f"Flatten: the maps laid out as one row of {output.output.shape[0]:,} numbers.")
            previous = output.output.shape
            continue
        number += 1
        if last:
            st.markdown(f"**{number}. Output** · {output.output.shape[0]} units · {output.activation}: "
                        "the probabilities in the answer above.")
            _image(pictures.bar_strip(output.output, height=36, bar=28), width=280)
        elif output.is_maps and output.kind in ("conv", "pool"):
            st.markdown(_describe(number, output, previous))
            kernel = output.layer.weights[0].numpy() if output.kind == "conv" else None
            picked = pick.get("filter") if pick.get("layer") == index else None
            tiles = pictures.map_tiles(output.output, kernel, columns=8 if output.output.shape[2] <= 32 else 16,
                                       picked=picked)
            native = tiles.picture.shape[1]
            width = native * max(2, MOSAIC_WIDTH // native)  # whole pixels per pixel; shrinks to a phone's width
            clickable_picture(tiles.picture, cell=tiles.cell, columns=tiles.columns, count=tiles.count,
                              gap=tiles.gap, top=tiles.gap, width=width, key=f"draw_maps_{index}",
                              alt=f"{TITLES[output.kind]} layer {number}: {tiles.count} feature maps",
                              on_pick=lambda i, layer=index: _pick_map(layer, i))
        elif output.output.ndim == 1:
            st.markdown(_describe(number, output, previous))
            bar = max(1, min(6, MOSAIC_WIDTH // len(output.output)))
            strip = pictures.bar_strip(output.output, height=48, bar=bar)
            _image(strip, width=min(MOSAIC_WIDTH, strip.shape[1]))
        previous = output.output.shape


def _default_pick(outputs: list[LayerOutput]) -> dict | None:
    """The first convolution's strongest map, at its strongest pixel."""
    for index, output in enumerate(outputs):
        if output.kind == "conv" and output.is_maps:
            maps = output.output
            strongest = int(np.argmax(maps.reshape(-1, maps.shape[2]).max(axis=0)))
            return {"layer": index, "filter": strongest, "pixel": None}
    return None


def _closer_look(outputs: list[LayerOutput], image: np.ndarray) -> None:
    pick = _pick()
    if not (0 <= pick.get("layer", -1) < len(outputs) and outputs[pick["layer"]].is_maps
            and pick.get("filter", -1) < outputs[pick["layer"]].output.shape[2]):
        pick = _default_pick(outputs)
    if pick is None:
        st.caption("This network has no convolutions: its dense layers are shown above.")
        return
    layer_index, f = pick["layer"], pick["filter"]
    output = outputs[layer_index]
    maps = output.output[:, :, f]
    pixel = pick.get("pixel") or np.unravel_index(int(np.argmax(maps)), maps.shape)
    pixel = (min(int(pixel[0]), maps.shape[0] - 1), min(int(pixel[1]), maps.shape[1] - 1))
    before = outputs[layer_index - 1].output if layer_index > 0 else image[..., np.newaxis]
    if before.ndim != 3:
        before = image[..., np.newaxis]
    st.markdown(f"**A closer look: map {f + 1} of layer {layer_index}** ({TITLES.get(output.kind, output.kind)}), "
                f"at pixel (row {pixel[0]}, column {pixel[1]}). Click another pixel of the map.")
    left, middle, right = st.columns([1, 1, 1.1])
    factor = max(1, CLOSE_SIDE // maps.shape[0])
    if output.kind == "conv":
        kernel, bias = output.weights()
        at = conv_at(before, kernel, bias, f, pixel[0], pixel[1], output.activation)
        channel = int(np.argmax(np.abs((before[pixel[0]:pixel[0] + 3, pixel[1]:pixel[1] + 3, :]
                                        * kernel[:, :, :, f]).sum(axis=(0, 1)))))
        source = before[:, :, channel]
        with left:
            side = max(1, CLOSE_SIDE // source.shape[0])
            read = "your 28x28 digit" if before.shape[2] == 1 else f"input map {channel + 1} of {before.shape[2]}"
            _image(pictures.enlarged_map(source, side, pixel, box=kernel.shape[0]), width=side * source.shape[1],
                     caption=f"What the layer reads: {read}, the 3x3 patch outlined")
        with middle:
            _image(pictures.filter_block(at.weights, 84), width=CLOSE_SIDE // 2,
                     caption=f"Filter {f + 1}" + (f", its 3x3 for input map {channel + 1}" if at.channels > 1 else "")
                     + " (blue +, orange −)")
        formula = _formula(at)
    else:
        with left:
            _image(pictures.enlarged_map(before[:, :, f], max(1, CLOSE_SIDE // before.shape[0]),
                                           (pixel[0] * 2, pixel[1] * 2), box=2),
                     width=CLOSE_SIDE, caption="What it reads: the map before, the 2x2 block outlined")
        with middle:
            block = before[pixel[0] * 2:pixel[0] * 2 + 2, pixel[1] * 2:pixel[1] * 2 + 2, f]
            _image(pictures.enlarged_map(block, 40, top=float(before[:, :, f].max()) or 1.0), width=80,
                     caption="The 2x2 block")
        formula = (f"a = max of the 2x2 block = max({', '.join(f'{v:.2f}' for v in block.ravel())}) "
                   f"= {maps[pixel]:.3f}")
    with right:
        clickable_picture(pictures.enlarged_map(maps, factor, pixel), cell=(factor, factor), columns=maps.shape[1],
                          count=maps.size, width=factor * maps.shape[1], key="draw_pixel_pick",
                          alt=f"Map {f + 1}, large: click a pixel",
                          on_pick=lambda i: _pick_pixel(layer_index, f, maps.shape[1], i))
        st.caption(f"Map {f + 1}: {maps.shape[0]}x{maps.shape[1]}, the pixel outlined is a = {maps[pixel]:.3f}. "
                   "Click a pixel.")
    st.code(formula, language=None, wrap_lines=True)


def _formula(at) -> str:
    """``a = relu(sum(w * patch) + b)`` with the numbers."""
    rows = [" ".join(f"{v:6.2f}" for v in row) for row in at.weights]
    patch = [" ".join(f"{v:5.2f}" for v in row) for row in at.patch]
    lines = ["w (filter)            x (patch)"] + [f"{w}    {x}" for w, x in zip(rows, patch, strict=True)]
    if at.channels == 1:
        products = " + ".join(f"{w:.2f}×{x:.2f}" for w, x in zip(at.weights.ravel(), at.patch.ravel(), strict=True)
                              if abs(x) > 0.005) or "0"
        lines += ["", "a = relu(sum(w * patch) + b)", f"sum(w * patch) = {products}",
                  f"               = {at.total - at.bias:.3f}"]
    else:
        lines += ["", "a = relu(sum(w * patch) + b), the sum over all", f"{at.channels} input maps (one shown):",
                  f"sum(w * patch) = {at.total - at.bias:.3f}"]
    lines += [f"b = {at.bias:.3f}", f"a = relu({at.total:.3f}) = {at.value:.3f}"]
    return "\n".join(lines)


def _why(model, image: np.ndarray, digit: int | None, saliency: np.ndarray) -> None:
    st.markdown(f"**Why it says {digit if digit is not None else 'that'}**")
    left, right = st.columns(2)
    drops = occlusion_map(model, image)
    with left:
        _image(pictures.overlay(image, saliency, signed=True, factor=8), width=CLOSE_SIDE,
                 caption=f"Saliency: the gradient of its score for {digit} with respect to each pixel. Orange: "
                         f"more ink there would make it more a {digit}; blue: less.")
    with right:
        _image(pictures.overlay(image, drops, signed=True, factor=8), width=CLOSE_SIDE,
                 caption=f"Occlusion: cover each part with a {OCCLUSION_SIZE}x{OCCLUSION_SIZE} square of paper: "
                         f"orange where its probability of {digit} drops (most: {float(drops.max()):.0%}), "
                         "blue where it rises")
