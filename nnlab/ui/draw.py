"""The Draw page's sections: which network reads, the drawing (canvas -> what it reads -> what it sees ->
inside the network, :mod:`nnlab.ui.draw_inside`), and a photo through the same recipe.

The drawing is a fragment: a stroke reruns it alone, not the page. Its answer is computed from
the drawing the canvas sent and written first, so it reaches the browser before the canvas and
the pictures are sent again.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from nnlab.digits.inside import NotAStackError, warm_up
from nnlab.digits.photos import MAX_PHOTO_MB, DigitImageError, photo_to_mnist
from nnlab.digits.pictures import enlarge
from nnlab.digits.preprocess import SIZE, TOO_LITTLE_INK, Steps, ink_from_rgba, min_digit_side, mnist_steps, too_little_ink
from nnlab.digits.reader import DigitModelError, Reading, check_digit_model, pretrained_info, pretrained_model, read_digit
from nnlab.library import store
from nnlab.plots.digits import probability_bars
from nnlab.ui.compat.canvas_state import drawn_rgba
from nnlab.ui.compat.fast_canvas import st_canvas
from nnlab.ui.draw_inside import inside_section
from nnlab.ui.handover import session_model
from nnlab.ui.model_library import pick_saved
from nnlab.ui.uploads import uploader

BUNDLED, SESSION, SAVED = "Bundled CNN", "Trained on the MNIST page", "A saved model"
CANVAS = 280
ANSWER_WIDTH = 340  # with the canvas beside it from 640 pixels of page width; under it on a phone
PEN_DEFAULT = 18
# The widest pen draws a dot narrower than the smallest digit that is read (nnlab.digits.preprocess.too_little_ink),
# so a click or a tap is never read as a digit.
PEN_WIDTHS = (6, min_digit_side((CANVAS, CANVAS)) - 3)
PLOT_CONFIG = {"displayModeBar": False}


# ---- which network reads ------------------------------------------------------------------------


def bundled_model():
    with st.spinner("Loading the bundled network (TensorFlow starts once)…"):
        model = pretrained_model()
        warm_up(model)  # its inside view's functions, once per process
        return model


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
    if model is not None:
        try:
            with st.spinner("Preparing the view inside this network…"):
                warm_up(model)  # once per model: not at the first drawing
        except NotAStackError:
            pass  # the inside view says so under the answer
    return model if model is not None else bundled_model()


# ---- showing what it sees and reads ---------------------------------------------------------------


def show_seen(image, key: str):
    """The 28x28 input, each pixel a 10x10 block with a grid line."""
    blank = np.zeros((SIZE, SIZE), np.float32)
    with st.container(key=f"{key}_seen"):
        st.image(enlarge(blank if image is None else image, 10, grid=70), width=CANVAS)


def show_reading(reading: Reading | None, key: str, empty_text: str, kind: str = "info"):
    """The answer in words and the ten probability bars; without a reading, ``empty_text`` as an
    ``st.<kind>`` message and empty bars."""
    with st.container(key=f"{key}_answer"):
        if reading is None:
            getattr(st, kind)(empty_text)
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
    """Canvas -> what it reads -> what the network sees; reruns alone when the drawing changes.

    One row that wraps: the canvas (with its pen) keeps its full :data:`CANVAS` pixels, the answer
    stands next to it on a wide screen and right under it on a phone, and the 28x28 view follows.
    """
    try:
        rgba, problem = drawn_rgba("draw_canvas"), None
    except DigitImageError as error:
        rgba, problem = None, str(error)
    ink = None if rgba is None else ink_from_rgba(rgba)
    steps = None if ink is None else mnist_steps(ink)
    little = ink is not None and too_little_ink(ink)
    image = None if steps is None else steps.image
    with st.container(horizontal=True, gap="medium", key="draw_row"):
        pad = st.container(width=CANVAS, key="draw_pad")
        answer = st.container(width=ANSWER_WIDTH, key="draw_reading")
        seen = st.container(width=CANVAS, key="draw_seen_column")
    reading = None if little or image is None else read_digit(image, model)
    with answer:
        st.subheader("What it reads")
        if little:
            show_reading(None, "draw", TOO_LITTLE_INK, kind="warning")
        else:
            show_reading(reading, "draw", "Draw a digit on the black square, with the mouse or a finger.")
    with seen:
        st.subheader("What it sees")
        show_seen(image, "draw")
        st.caption("Your drawing as MNIST digits were made: cropped, scaled into a 20x20 box keeping its shape, "
                   "and placed in 28x28 pixels with its centre of mass in the middle.")
        show_steps = st.toggle("Show the recipe step by step", key="draw_show_steps")
    with pad:  # no heading: the page's title, "Draw a digit", is right above it
        st_canvas(stroke_width=st.session_state.get("draw_pen", PEN_DEFAULT), stroke_color="#FFFFFF",
                  background_color="#000000", height=CANVAS, width=CANVAS, drawing_mode="freedraw",
                  return_image_data=True, key="draw_canvas")
        if problem:
            st.error(problem)
        st.slider("Pen width", PEN_WIDTHS[0], PEN_WIDTHS[1], PEN_DEFAULT, key="draw_pen",
                  help="Undo and clear: the toolbar over the canvas's top edge, shown while the pointer is on it.")
    if show_steps and steps is not None:  # drawn only when asked: each image costs time after every stroke
        recipe_steps(steps)
    inside_section(model, None if reading is None else image, None if reading is None else reading.digit)


def photo_section(model):
    """An uploaded photo or scan, through the same recipe."""
    st.subheader("Or read a photo of a digit")
    left, middle, right = st.columns([1.1, 1, 1.3], gap="medium")
    upload = uploader(left, "A photo or scan of one digit, PNG or JPEG. Dark ink on light paper works; "
                            "crop it roughly to the digit", MAX_PHOTO_MB, key="draw_photo")
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
