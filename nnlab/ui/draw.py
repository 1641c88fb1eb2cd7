"""The Draw page's sections: which network reads, the drawing (canvas -> what it sees -> what it reads),
and a photo through the same recipe.

The drawing is a fragment: a stroke reruns it alone, not the page. Its answer is computed from
the drawing the canvas sent and written first, so it reaches the browser before the canvas and
the pictures are sent again.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits.photos import DigitImageError, photo_to_mnist
from nnlab.digits.pictures import enlarge
from nnlab.digits.preprocess import SIZE, Steps, ink_from_rgba, mnist_steps
from nnlab.digits.reader import DigitModelError, Reading, check_digit_model, pretrained_info, pretrained_model, read_digit
from nnlab.library import store
from nnlab.plots.digits import probability_bars
from nnlab.ui.compat.canvas_state import drawn_rgba
from nnlab.ui.compat.fast_canvas import st_canvas
from nnlab.ui.handover import session_model
from nnlab.ui.model_library import pick_saved

BUNDLED, SESSION, SAVED = "Bundled CNN", "Trained on the MNIST page", "A saved model"
CANVAS = 280
PLOT_CONFIG = {"displayModeBar": False}


# ---- which network reads ------------------------------------------------------------------------


def bundled_model():
    with st.spinner("Loading the bundled network (TensorFlow starts once)…"):
        return pretrained_model()


def choose_reader():
    """The model choice row; returns the model that reads the digits (the bundled one when another fails)."""
    info = pretrained_info()
    handed = session_model()
    saved_names = store.list_models()
    accuracy = f"{info['test_accuracy']:.2%} on the MNIST test set" if "test_accuracy" in info else "ships with nnlab"
    left, right = st.columns([3, 2])
    choice = left.radio(
        "Which network reads your digit?", [BUNDLED, SESSION, SAVED], horizontal=True, key="draw_model_choice",
        captions=[accuracy, "ready" if handed is not None else "none yet",
                  f"{len(saved_names)} in {store.models_dir().name}/" if saved_names else "none yet"])
    model = None
    if choice == SESSION:
        if handed is None:
            right.info("No network has been trained in this session yet: train one on the **MNIST** page, "
                       "then come back. Meanwhile the bundled network reads your digits.")
        else:
            model = handed.model
            tested = f" · {handed.evaluation.accuracy:.2%} on the MNIST test set" if handed.evaluation else ""
            right.caption(f"Reading with **{handed.title}**{tested}.")
    elif choice == SAVED:
        model = pick_saved(right, "draw_saved_name")
    if model is not None:
        try:
            check_digit_model(model)
        except DigitModelError as error:
            right.error(f"{error} The bundled network reads your digits instead.")
            model = None
    return model if model is not None else bundled_model()


# ---- showing what it sees and reads ---------------------------------------------------------------


def show_seen(image, key: str):
    """The 28x28 input, each pixel a 10x10 block with a grid line."""
    blank = np.zeros((SIZE, SIZE), np.float32)
    with st.container(key=f"{key}_seen"):
        st.image(enlarge(blank if image is None else image, 10, grid=70), width=CANVAS)


def show_reading(reading: Reading | None, key: str, empty_text: str):
    """The answer in words and the ten probability bars."""
    with st.container(key=f"{key}_answer"):
        if reading is None:
            st.info(empty_text)
        elif reading.sure:
            st.markdown(f"## It is a **{reading.digit}**")
            st.caption(f"{reading.confidence:.0%} sure")
        else:
            st.markdown("## Not sure…")
            st.caption(reading.sentence())
    st.plotly_chart(probability_bars(None if reading is None else reading.probabilities,
                                     sure=reading is None or reading.sure),
                    key=f"{key}_bars", config=PLOT_CONFIG, theme=None)


def recipe_steps(steps: Steps):
    """The three stages of the MNIST recipe, side by side."""
    with st.container(border=True, key="draw_recipe"):
        crop, box, final = st.columns(3)
        height, width = steps.crop.shape
        crop.image(steps.crop, clamp=True, width=max(20, round(140 * width / max(height, width))),
                   caption=f"1. Crop to the ink: {width}x{height} canvas pixels")
        box.image(enlarge(steps.box, 7), width=7 * steps.box.shape[1],
                  caption=f"2. Shrink into a 20x20 box, shape kept: {steps.box.shape[1]}x{steps.box.shape[0]}")
        row, col = steps.centre_of_mass
        final.image(enlarge(steps.image, 5, grid=70), width=140,
                    caption=f"3. Place in 28x28 with the centre of mass ({row:.1f}, {col:.1f}) at the middle")


# ---- the drawing and the photo ------------------------------------------------------------------------


@st.fragment
def drawing_section(model):
    """Canvas -> what the network sees -> what it reads; reruns alone when the drawing changes."""
    left, middle, right = st.columns([1.1, 1, 1.3], gap="medium")
    try:
        rgba, problem = drawn_rgba("draw_canvas"), None
    except DigitImageError as error:
        rgba, problem = None, str(error)
    steps = None if rgba is None else mnist_steps(ink_from_rgba(rgba))
    image = None if steps is None else steps.image
    with right:
        st.subheader("3 · What it reads")
        show_reading(None if image is None else read_digit(image, model), "draw",
                     "Draw a digit on the black square, with the mouse or a finger.")
    with middle:
        st.subheader("2 · What it sees")
        show_seen(image, "draw")
        st.caption("Your drawing as MNIST digits were made: cropped, scaled into a 20x20 box keeping its shape, "
                   "and placed in 28x28 pixels with its centre of mass in the middle.")
        show_steps = st.toggle("Show the recipe step by step", key="draw_show_steps")
    with left:
        st.subheader("1 · Draw")
        pen = st.slider("Pen width", 6, 40, 18, key="draw_pen")
        st_canvas(stroke_width=pen, stroke_color="#FFFFFF", background_color="#000000",
                  height=CANVAS, width=CANVAS, drawing_mode="freedraw",
                  return_image_data=True, key="draw_canvas")
        st.caption("Undo and clear: the toolbar above the canvas (move the mouse over it).")
        if problem:
            st.error(problem)
    if show_steps and steps is not None:  # drawn only when asked: each image costs time after every stroke
        recipe_steps(steps)


def photo_section(model):
    """An uploaded photo or scan, through the same recipe."""
    st.subheader("Or read a photo of a digit")
    left, middle, right = st.columns([1.1, 1, 1.3], gap="medium")
    upload = left.file_uploader("A photo or scan of one digit (PNG or JPEG, up to 5 MB). "
                                "Dark ink on light paper works; crop it roughly to the digit.",
                                type=["png", "jpg", "jpeg"], key="draw_photo")
    if upload is None:
        return
    try:
        image = photo_to_mnist(upload.getvalue())
    except DigitImageError as error:
        left.error(str(error))
        return
    if image is None:
        left.warning("No digit found in this picture: it looks like blank paper. Try a darker pen or a closer crop.")
        return
    with middle:
        show_seen(image, "photo")
    with right:
        show_reading(read_digit(image, model), "photo", "")
